-- The intake's work in PostgreSQL, lighter (docs/benchmarks.md, "PostgreSQL intakes"):
-- the writer's backend spent about 585 µs per intake, a quarter of it in triggers and a
-- quarter in index inserts.
-- cases_kind_status (kind, status) is a prefix of cases_kind_status_id (migration 018),
-- which serves every walk it served; it only cost an index insert per intake.
DROP INDEX IF EXISTS cases_kind_status;
-- appeal_area_follow (migration 021) as before, but an intake and a change of state alone
-- (the two writes that follow each other most) are each one statement: the units of the
-- case's paths are expanded once, then the area rows and the counters are written from
-- them. The other changes (a new handler, a unit moving, a delete) keep their statements:
-- their old and new counters can be the same row, which one statement must not write twice.
CREATE OR REPLACE FUNCTION appeal_area_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND OLD.kind IS NOT DISTINCT FROM NEW.kind
		AND OLD.status IS NOT DISTINCT FROM NEW.status
		AND OLD.region_path IS NOT DISTINCT FROM NEW.region_path
		AND OLD.handler_path IS NOT DISTINCT FROM NEW.handler_path
		AND OLD.handler_id IS NOT DISTINCT FROM NEW.handler_id THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		IF NEW.kind = 'appeal' THEN
			WITH m AS (SELECT x.u, x.h FROM appeal_area_members(NEW.region_path, NEW.handler_path) x),
			placed AS (INSERT INTO appeal_area (unit_id, case_id, status, handled, handler_id)
				SELECT m.u, NEW.id, NEW.status, m.h, NEW.handler_id FROM m)
			INSERT INTO appeal_area_counts (unit_id, status, area, handled)
				SELECT m.u, NEW.status, 1, m.h FROM m
				ON CONFLICT (unit_id, status) DO UPDATE
				SET area = appeal_area_counts.area + 1,
				    handled = appeal_area_counts.handled + excluded.handled;
		END IF;
		RETURN NULL;
	END IF;
	-- A change of state alone: the rows keep their place, their state and the counters
	-- move (the old state's and the new state's counters are different rows).
	IF TG_OP = 'UPDATE' AND OLD.kind = 'appeal' AND NEW.kind = 'appeal'
		AND OLD.region_path IS NOT DISTINCT FROM NEW.region_path
		AND OLD.handler_path IS NOT DISTINCT FROM NEW.handler_path
		AND OLD.handler_id IS NOT DISTINCT FROM NEW.handler_id THEN
		WITH m AS (SELECT x.u, x.h FROM appeal_area_members(NEW.region_path, NEW.handler_path) x),
		moved AS (UPDATE appeal_area SET status = NEW.status
			WHERE case_id = NEW.id AND unit_id IN (SELECT m.u FROM m)),
		gone AS (UPDATE appeal_area_counts c SET area = c.area - 1, handled = c.handled - m.h
			FROM m WHERE c.unit_id = m.u AND c.status = OLD.status)
		INSERT INTO appeal_area_counts (unit_id, status, area, handled)
			SELECT m.u, NEW.status, 1, m.h FROM m
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
