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
-- units' ids ('/1/2/5/'), so the rows follow from the case's two paths; a trigger on cases
-- keeps both tables in the writing transaction (insert, update of kind, status, region or
-- handler path — which migration 008's path updates are when a unit moves — and delete).
-- `yiwang check` recounts them; `yiwang rollup rebuild` rebuilds them.
-- This file: PostgreSQL (the SQLite file, 021_list_area.sqlite.sql, splits paths with json_each).
CREATE TABLE appeal_area (
	unit_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL,
	status TEXT NOT NULL,
	handled INTEGER NOT NULL,
	handler_id BIGINT,
	PRIMARY KEY (unit_id, case_id)
);
CREATE TABLE appeal_area_counts (
	unit_id BIGINT NOT NULL,
	status TEXT NOT NULL,
	area BIGINT NOT NULL DEFAULT 0,
	handled BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, status)
);
-- The units whose area holds a case of these two paths (u), and whether u is on the
-- handler's path (h), in unit order.
CREATE FUNCTION appeal_area_members(rp TEXT, hp TEXT) RETURNS TABLE (u BIGINT, h INTEGER)
LANGUAGE sql IMMUTABLE AS $$
	SELECT x.u, MAX(x.h) FROM (
		SELECT unnest(string_to_array(trim(BOTH '/' FROM COALESCE(rp, '')), '/'))::BIGINT AS u, 0 AS h
		UNION ALL
		SELECT unnest(string_to_array(trim(BOTH '/' FROM COALESCE(hp, '')), '/'))::BIGINT, 1
	) x GROUP BY x.u ORDER BY x.u
$$;
CREATE FUNCTION appeal_area_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND OLD.kind IS NOT DISTINCT FROM NEW.kind
		AND OLD.status IS NOT DISTINCT FROM NEW.status
		AND OLD.region_path IS NOT DISTINCT FROM NEW.region_path
		AND OLD.handler_path IS NOT DISTINCT FROM NEW.handler_path
		AND OLD.handler_id IS NOT DISTINCT FROM NEW.handler_id THEN
		RETURN NULL;
	END IF;
	-- A change of state alone (the most frequent write after an intake): the rows keep
	-- their place, their state and the counters move.
	IF TG_OP = 'UPDATE' AND OLD.kind = 'appeal' AND NEW.kind = 'appeal'
		AND OLD.region_path IS NOT DISTINCT FROM NEW.region_path
		AND OLD.handler_path IS NOT DISTINCT FROM NEW.handler_path
		AND OLD.handler_id IS NOT DISTINCT FROM NEW.handler_id THEN
		UPDATE appeal_area SET status = NEW.status WHERE case_id = NEW.id
			AND unit_id IN (SELECT m.u FROM appeal_area_members(NEW.region_path, NEW.handler_path) m);
		UPDATE appeal_area_counts c SET area = c.area - 1, handled = c.handled - m.h
			FROM appeal_area_members(OLD.region_path, OLD.handler_path) m
			WHERE c.unit_id = m.u AND c.status = OLD.status;
		INSERT INTO appeal_area_counts (unit_id, status, area, handled)
			SELECT m.u, NEW.status, 1, m.h
			FROM appeal_area_members(NEW.region_path, NEW.handler_path) m
			ON CONFLICT (unit_id, status) DO UPDATE
			SET area = appeal_area_counts.area + 1,
			    handled = appeal_area_counts.handled + excluded.handled;
		RETURN NULL;
	END IF;
	IF TG_OP <> 'INSERT' AND OLD.kind = 'appeal' THEN
		DELETE FROM appeal_area WHERE case_id = OLD.id
			AND unit_id IN (SELECT m.u FROM appeal_area_members(OLD.region_path, OLD.handler_path) m);
		UPDATE appeal_area_counts c SET area = c.area - 1, handled = c.handled - m.h
			FROM appeal_area_members(OLD.region_path, OLD.handler_path) m
			WHERE c.unit_id = m.u AND c.status = OLD.status;
	END IF;
	IF TG_OP <> 'DELETE' AND NEW.kind = 'appeal' THEN
		INSERT INTO appeal_area (unit_id, case_id, status, handled, handler_id)
			SELECT m.u, NEW.id, NEW.status, m.h, NEW.handler_id
			FROM appeal_area_members(NEW.region_path, NEW.handler_path) m;
		INSERT INTO appeal_area_counts (unit_id, status, area, handled)
			SELECT m.u, NEW.status, 1, m.h
			FROM appeal_area_members(NEW.region_path, NEW.handler_path) m
			ON CONFLICT (unit_id, status) DO UPDATE
			SET area = appeal_area_counts.area + 1,
			    handled = appeal_area_counts.handled + excluded.handled;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER appeal_area_follow AFTER INSERT OR DELETE OR UPDATE OF kind, status, region_path, handler_path, handler_id
	ON cases FOR EACH ROW EXECUTE FUNCTION appeal_area_follow();
-- The appeals already there.
INSERT INTO appeal_area (unit_id, case_id, status, handled, handler_id)
SELECT m.u, c.id, c.status, m.h, c.handler_id FROM cases c,
	LATERAL appeal_area_members(c.region_path, c.handler_path) m WHERE c.kind = 'appeal';
INSERT INTO appeal_area_counts (unit_id, status, area, handled)
SELECT unit_id, status, COUNT(*), SUM(handled) FROM appeal_area GROUP BY unit_id, status;
