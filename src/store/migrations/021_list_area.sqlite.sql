-- The appeal list's areas (src/appeals/appeal.c, appeal_list): for each appeal, one row
-- per unit whose area holds it — every unit on its region's path and on its handling
-- unit's path (a case lies in a unit's area when its region or its handler lies under the
-- unit) — with its status and whether that unit is on the handler's path (handled = 1: the
-- list's unit_id filter), and its handling unit (handler_id: the same filter for a unit
-- outside the area). A page of a unit's area is then a walk of the newest case ids
-- of (unit, status) or (unit) alone, never a walk of every appeal testing its two paths.
-- appeal_area_counts holds per (unit, status) how many appeals lie in the unit's area and
-- how many are handled under it, so a list's total needs no count. The paths are the
-- units' ids ('/1/2/5/'), so the rows follow from the case's two paths; triggers on cases
-- keep both tables in the writing transaction (insert, update of kind, status, region or
-- handler path — which migration 008's path updates are when a unit moves — and delete).
-- `yiwang check` recounts them; `yiwang rollup rebuild` rebuilds them.
-- This file: SQLite (json_each splits a path, since a trigger cannot use WITH).
CREATE TABLE appeal_area (
	unit_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL,
	status TEXT NOT NULL,
	handled INTEGER NOT NULL,
	handler_id BIGINT,
	PRIMARY KEY (unit_id, case_id)
) WITHOUT ROWID;
CREATE INDEX appeal_area_status ON appeal_area (unit_id, status, case_id);
CREATE INDEX appeal_area_handler ON appeal_area (unit_id, handler_id, case_id, status);
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
	SELECT m.u, NEW.id, NEW.status, m.h, NEW.handler_id FROM (SELECT value AS u, MAX(h) AS h FROM (SELECT value, 0 AS h FROM json_each('[' || replace(trim(COALESCE(NEW.region_path, ''), '/'), '/', ',') || ']') UNION ALL SELECT value, 1 FROM json_each('[' || replace(trim(COALESCE(NEW.handler_path, ''), '/'), '/', ',') || ']')) WHERE 1 GROUP BY value) m WHERE NEW.kind = 'appeal';
	INSERT INTO appeal_area_counts (unit_id, status, area, handled)
	SELECT m.u, NEW.status, 1, m.h FROM (SELECT value AS u, MAX(h) AS h FROM (SELECT value, 0 AS h FROM json_each('[' || replace(trim(COALESCE(NEW.region_path, ''), '/'), '/', ',') || ']') UNION ALL SELECT value, 1 FROM json_each('[' || replace(trim(COALESCE(NEW.handler_path, ''), '/'), '/', ',') || ']')) WHERE 1 GROUP BY value) m WHERE NEW.kind = 'appeal'
	ON CONFLICT (unit_id, status) DO UPDATE SET area = area + 1, handled = handled + excluded.handled;
END;
CREATE TRIGGER appeal_area_delete AFTER DELETE ON cases WHEN OLD.kind = 'appeal'
BEGIN
	DELETE FROM appeal_area WHERE OLD.kind = 'appeal' AND case_id = OLD.id
	AND unit_id IN (SELECT u FROM (SELECT value AS u, MAX(h) AS h FROM (SELECT value, 0 AS h FROM json_each('[' || replace(trim(COALESCE(OLD.region_path, ''), '/'), '/', ',') || ']') UNION ALL SELECT value, 1 FROM json_each('[' || replace(trim(COALESCE(OLD.handler_path, ''), '/'), '/', ',') || ']')) WHERE 1 GROUP BY value));
	UPDATE appeal_area_counts SET area = area - 1, handled = handled - m.h
	FROM (SELECT value AS u, MAX(h) AS h FROM (SELECT value, 0 AS h FROM json_each('[' || replace(trim(COALESCE(OLD.region_path, ''), '/'), '/', ',') || ']') UNION ALL SELECT value, 1 FROM json_each('[' || replace(trim(COALESCE(OLD.handler_path, ''), '/'), '/', ',') || ']')) WHERE 1 GROUP BY value) m
	WHERE OLD.kind = 'appeal' AND appeal_area_counts.unit_id = m.u AND appeal_area_counts.status = OLD.status;
END;
CREATE TRIGGER appeal_area_update AFTER UPDATE OF kind, status, region_path, handler_path, handler_id ON cases
WHEN (OLD.kind = 'appeal' OR NEW.kind = 'appeal') AND (OLD.kind IS NOT NEW.kind OR OLD.status IS NOT NEW.status
	OR OLD.region_path IS NOT NEW.region_path OR OLD.handler_path IS NOT NEW.handler_path
	OR OLD.handler_id IS NOT NEW.handler_id)
BEGIN
	DELETE FROM appeal_area WHERE OLD.kind = 'appeal' AND case_id = OLD.id
	AND unit_id IN (SELECT u FROM (SELECT value AS u, MAX(h) AS h FROM (SELECT value, 0 AS h FROM json_each('[' || replace(trim(COALESCE(OLD.region_path, ''), '/'), '/', ',') || ']') UNION ALL SELECT value, 1 FROM json_each('[' || replace(trim(COALESCE(OLD.handler_path, ''), '/'), '/', ',') || ']')) WHERE 1 GROUP BY value));
	UPDATE appeal_area_counts SET area = area - 1, handled = handled - m.h
	FROM (SELECT value AS u, MAX(h) AS h FROM (SELECT value, 0 AS h FROM json_each('[' || replace(trim(COALESCE(OLD.region_path, ''), '/'), '/', ',') || ']') UNION ALL SELECT value, 1 FROM json_each('[' || replace(trim(COALESCE(OLD.handler_path, ''), '/'), '/', ',') || ']')) WHERE 1 GROUP BY value) m
	WHERE OLD.kind = 'appeal' AND appeal_area_counts.unit_id = m.u AND appeal_area_counts.status = OLD.status;
	INSERT INTO appeal_area (unit_id, case_id, status, handled, handler_id)
	SELECT m.u, NEW.id, NEW.status, m.h, NEW.handler_id FROM (SELECT value AS u, MAX(h) AS h FROM (SELECT value, 0 AS h FROM json_each('[' || replace(trim(COALESCE(NEW.region_path, ''), '/'), '/', ',') || ']') UNION ALL SELECT value, 1 FROM json_each('[' || replace(trim(COALESCE(NEW.handler_path, ''), '/'), '/', ',') || ']')) WHERE 1 GROUP BY value) m WHERE NEW.kind = 'appeal';
	INSERT INTO appeal_area_counts (unit_id, status, area, handled)
	SELECT m.u, NEW.status, 1, m.h FROM (SELECT value AS u, MAX(h) AS h FROM (SELECT value, 0 AS h FROM json_each('[' || replace(trim(COALESCE(NEW.region_path, ''), '/'), '/', ',') || ']') UNION ALL SELECT value, 1 FROM json_each('[' || replace(trim(COALESCE(NEW.handler_path, ''), '/'), '/', ',') || ']')) WHERE 1 GROUP BY value) m WHERE NEW.kind = 'appeal'
	ON CONFLICT (unit_id, status) DO UPDATE SET area = area + 1, handled = handled + excluded.handled;
END;
-- The appeals already there.
INSERT INTO appeal_area (unit_id, case_id, status, handled, handler_id)
SELECT u, id, status, MAX(h), handler_id FROM (
	SELECT j.value AS u, c.id AS id, c.status AS status, 0 AS h, c.handler_id AS handler_id
	FROM cases c, json_each('[' || replace(trim(COALESCE(c.region_path, ''), '/'), '/', ',') || ']') j WHERE c.kind = 'appeal'
	UNION ALL
	SELECT j.value, c.id, c.status, 1, c.handler_id
	FROM cases c, json_each('[' || replace(trim(COALESCE(c.handler_path, ''), '/'), '/', ',') || ']') j WHERE c.kind = 'appeal'
) WHERE 1 GROUP BY u, id;
INSERT INTO appeal_area_counts (unit_id, status, area, handled)
SELECT unit_id, status, COUNT(*), SUM(handled) FROM appeal_area GROUP BY unit_id, status;
