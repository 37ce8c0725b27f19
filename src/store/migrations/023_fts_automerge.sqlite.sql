-- FTS5 merges a level's segments once `automerge` of them exist. The writer indexes each
-- commit's appeals as one new segment (store_sqlite.c, fts_flush), so with the default of
-- 4 a stream of intakes spent a good part of every COMMIT merging small segments again
-- and again. With 16 each entry is rewritten about half as often (a level holds up to 16
-- segments before they merge: log16 instead of log4 levels): measured 127 -> 119 µs of
-- server CPU per intake (docs/benchmarks.md, "Durable intakes, second round"). A search
-- reads a few more segments; `crisismerge` (16) still bounds them per level.
INSERT INTO fts_case (fts_case, rank) VALUES ('automerge', 16);
