-- One case's timeline read from one index range (issue 14, reads with many sessions).
-- A case's entries are written at different times and lie on as many table pages as the
-- case has entries; case_timeline_write and case_timeline_json read them by case_id in id
-- order, and each entry cost a table seek (23 % of GET /api/v1/appeals/{id} under many
-- sessions). The index carries every column those reads take, so SQLite answers them from
-- the index alone (a covering index); it starts with (case_id, id), so it also serves
-- whatever used case_timeline_case, which it replaces (one index to maintain per entry
-- written, as before). SQLite only: PostgreSQL limits an index entry to about 2.7 kB,
-- which a long note could pass, and keeps case_timeline_case.
CREATE INDEX case_timeline_read ON case_timeline
	(case_id, id, at, actor, unit_id, action, from_status, to_status, note, data);
DROP INDEX case_timeline_case;
