-- The appeal list's areas (src/appeals/appeal.c, appeal_list): for each appeal, one row
-- per unit whose area holds it — every unit on its region's path and on its handling
-- unit's path (a case lies in a unit's area when its region or its handler lies under the
-- unit) — with its status and whether that unit is on the handler's path (handled = 1: the
-- list's unit_id filter), and its handling unit (handler_id: the same filter for a unit
-- outside the area). A page of a unit's area is then a walk of the unit's newest case ids
-- (the primary key, testing state and handler on the row it holds), never a walk of every
-- appeal testing its two paths. No other index: each one cost another write per row on
-- every intake and transition (docs/benchmarks.md, "A list page under many sessions").
-- appeal_area_counts holds per (unit, status) how many appeals lie in the unit's area and
-- how many are handled under it, so a list's total needs no count. The paths are the
-- units' ids ('/1/2/5/'), so the rows follow from the case's two paths; triggers on cases
-- keep both tables in the writing transaction (insert, update of kind, status, region or
-- handler path — which migration 008's path updates are when a unit moves — and delete).
-- `yiwang check` recounts them; `yiwang rollup rebuild` rebuilds them.
-- This file: SQLite. A trigger cannot use WITH, so json_each splits the two paths, joined
-- ('/1/2/5/' and '/1/9/' give [1,2,5,1,9]): a unit is on the handler's path when
-- '/<id>/' is in it, and a handler's unit already on the region's path is skipped
-- (key past the region's ids and in the region's path).
CREATE TABLE appeal_area (
	unit_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL,
	status TEXT NOT NULL,
	handled INTEGER NOT NULL,
	handler_id BIGINT,
	PRIMARY KEY (unit_id, case_id)
) WITHOUT ROWID;
CREATE TABLE appeal_area_counts (
	unit_id BIGINT NOT NULL,
	status TEXT NOT NULL,
	area BIGINT NOT NULL DEFAULT 0,
	handled BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, status)
) WITHOUT ROWID;
CREATE TRIGGER appeal_area_insert AFTER INSERT ON cases WHEN NEW.kind = 'appeal'
BEGIN
	INSERT INTO appeal_area (unit_id, case_id, status, handled, handler_id)
	SELECT j.value, NEW.id, NEW.status, (instr(COALESCE(NEW.handler_path, ''), '/' || j.value || '/') > 0), NEW.handler_id
	FROM json_each('[' || replace(trim(NEW.region_path || COALESCE(substr(NEW.handler_path, 2), ''), '/'), '/', ',') || ']') j
	WHERE NEW.kind = 'appeal' AND (j.key < (length(NEW.region_path) - length(replace(NEW.region_path, '/', '')) - 1) OR instr(NEW.region_path, '/' || j.value || '/') = 0);
	INSERT INTO appeal_area_counts (unit_id, status, area, handled)
	SELECT j.value, NEW.status, 1, (instr(COALESCE(NEW.handler_path, ''), '/' || j.value || '/') > 0)
	FROM json_each('[' || replace(trim(NEW.region_path || COALESCE(substr(NEW.handler_path, 2), ''), '/'), '/', ',') || ']') j
	WHERE NEW.kind = 'appeal' AND (j.key < (length(NEW.region_path) - length(replace(NEW.region_path, '/', '')) - 1) OR instr(NEW.region_path, '/' || j.value || '/') = 0)
	ON CONFLICT (unit_id, status) DO UPDATE SET area = area + 1, handled = handled + excluded.handled;
END;
CREATE TRIGGER appeal_area_delete AFTER DELETE ON cases WHEN OLD.kind = 'appeal'
BEGIN
	DELETE FROM appeal_area WHERE OLD.kind = 'appeal' AND case_id = OLD.id
	AND unit_id IN (SELECT value FROM json_each('[' || replace(trim(OLD.region_path || COALESCE(substr(OLD.handler_path, 2), ''), '/'), '/', ',') || ']'));
	UPDATE appeal_area_counts SET area = area - 1, handled = handled - (instr(COALESCE(OLD.handler_path, ''), '/' || unit_id || '/') > 0)
	WHERE OLD.kind = 'appeal' AND status = OLD.status AND unit_id IN (SELECT value FROM json_each('[' || replace(trim(OLD.region_path || COALESCE(substr(OLD.handler_path, 2), ''), '/'), '/', ',') || ']'));
END;
-- A change of state alone (the most frequent write after an intake): the rows keep their
-- place, their state and the counters move.
CREATE TRIGGER appeal_area_status AFTER UPDATE OF status ON cases
WHEN NEW.kind = 'appeal' AND OLD.kind = 'appeal' AND OLD.status IS NOT NEW.status
	AND OLD.region_path IS NEW.region_path AND OLD.handler_path IS NEW.handler_path
	AND OLD.handler_id IS NEW.handler_id
BEGIN
	UPDATE appeal_area SET status = NEW.status
	WHERE case_id = NEW.id AND unit_id IN (SELECT value FROM json_each('[' || replace(trim(NEW.region_path || COALESCE(substr(NEW.handler_path, 2), ''), '/'), '/', ',') || ']'));
	UPDATE appeal_area_counts SET area = area - 1, handled = handled - (instr(COALESCE(OLD.handler_path, ''), '/' || unit_id || '/') > 0)
	WHERE status = OLD.status AND unit_id IN (SELECT value FROM json_each('[' || replace(trim(OLD.region_path || COALESCE(substr(OLD.handler_path, 2), ''), '/'), '/', ',') || ']'));
	INSERT INTO appeal_area_counts (unit_id, status, area, handled)
	SELECT j.value, NEW.status, 1, (instr(COALESCE(NEW.handler_path, ''), '/' || j.value || '/') > 0)
	FROM json_each('[' || replace(trim(NEW.region_path || COALESCE(substr(NEW.handler_path, 2), ''), '/'), '/', ',') || ']') j
	WHERE j.key < (length(NEW.region_path) - length(replace(NEW.region_path, '/', '')) - 1) OR instr(NEW.region_path, '/' || j.value || '/') = 0
	ON CONFLICT (unit_id, status) DO UPDATE SET area = area + 1, handled = handled + excluded.handled;
END;
-- A change of kind, region, handler (a dispatch, a return, a unit moving: migration 008),
-- with or without the state: the old rows out, the new in.
CREATE TRIGGER appeal_area_update AFTER UPDATE OF kind, status, region_path, handler_path, handler_id ON cases
WHEN (OLD.kind = 'appeal' OR NEW.kind = 'appeal') AND (OLD.kind IS NOT NEW.kind
	OR OLD.region_path IS NOT NEW.region_path OR OLD.handler_path IS NOT NEW.handler_path
	OR OLD.handler_id IS NOT NEW.handler_id)
BEGIN
	DELETE FROM appeal_area WHERE OLD.kind = 'appeal' AND case_id = OLD.id
	AND unit_id IN (SELECT value FROM json_each('[' || replace(trim(OLD.region_path || COALESCE(substr(OLD.handler_path, 2), ''), '/'), '/', ',') || ']'));
	UPDATE appeal_area_counts SET area = area - 1, handled = handled - (instr(COALESCE(OLD.handler_path, ''), '/' || unit_id || '/') > 0)
	WHERE OLD.kind = 'appeal' AND status = OLD.status AND unit_id IN (SELECT value FROM json_each('[' || replace(trim(OLD.region_path || COALESCE(substr(OLD.handler_path, 2), ''), '/'), '/', ',') || ']'));
	INSERT INTO appeal_area (unit_id, case_id, status, handled, handler_id)
	SELECT j.value, NEW.id, NEW.status, (instr(COALESCE(NEW.handler_path, ''), '/' || j.value || '/') > 0), NEW.handler_id
	FROM json_each('[' || replace(trim(NEW.region_path || COALESCE(substr(NEW.handler_path, 2), ''), '/'), '/', ',') || ']') j
	WHERE NEW.kind = 'appeal' AND (j.key < (length(NEW.region_path) - length(replace(NEW.region_path, '/', '')) - 1) OR instr(NEW.region_path, '/' || j.value || '/') = 0);
	INSERT INTO appeal_area_counts (unit_id, status, area, handled)
	SELECT j.value, NEW.status, 1, (instr(COALESCE(NEW.handler_path, ''), '/' || j.value || '/') > 0)
	FROM json_each('[' || replace(trim(NEW.region_path || COALESCE(substr(NEW.handler_path, 2), ''), '/'), '/', ',') || ']') j
	WHERE NEW.kind = 'appeal' AND (j.key < (length(NEW.region_path) - length(replace(NEW.region_path, '/', '')) - 1) OR instr(NEW.region_path, '/' || j.value || '/') = 0)
	ON CONFLICT (unit_id, status) DO UPDATE SET area = area + 1, handled = handled + excluded.handled;
END;
-- The appeals already there.
INSERT INTO appeal_area (unit_id, case_id, status, handled, handler_id)
SELECT j.value, c.id, c.status, (instr(COALESCE(c.handler_path, ''), '/' || j.value || '/') > 0), c.handler_id
FROM cases c, json_each('[' || replace(trim(c.region_path || COALESCE(substr(c.handler_path, 2), ''), '/'), '/', ',') || ']') j
WHERE c.kind = 'appeal' AND (j.key < (length(c.region_path) - length(replace(c.region_path, '/', '')) - 1) OR instr(c.region_path, '/' || j.value || '/') = 0);
INSERT INTO appeal_area_counts (unit_id, status, area, handled)
SELECT unit_id, status, COUNT(*), SUM(handled) FROM appeal_area GROUP BY unit_id, status;
