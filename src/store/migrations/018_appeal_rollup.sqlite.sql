-- The appeal statistics' roll-up (src/appeals/appeal_stats.c): per handling unit and per
-- day of dispatch (China time: day = (dispatched_at + 8 h) / 24 h since 1970-01-01), the
-- sums over that unit's and day's assignments of the twelve 0/1 figures the statistics
-- count, n0..n11 in the order of appeal_figures (dispatched, signed_on_time, closed,
-- resolved, revisited, satisfied, replied, replied_on_time, returned, reopened, overdue,
-- reopened_open). Triggers on case_assignments (below) keep it
-- in the writing transaction: every insert, update of a counted column and delete
-- subtracts the row's old contribution and adds its new one, so it is exact whichever
-- code path writes. `yiwang check` recounts it; `yiwang rollup rebuild` rebuilds it.
-- WITHOUT ROWID: the rows lie in (unit, day) order, so a unit's days are one range.
CREATE TABLE stats_appeal_days (
	unit_id BIGINT NOT NULL,
	day BIGINT NOT NULL,
	n0 BIGINT NOT NULL DEFAULT 0, n1 BIGINT NOT NULL DEFAULT 0, n2 BIGINT NOT NULL DEFAULT 0,
	n3 BIGINT NOT NULL DEFAULT 0, n4 BIGINT NOT NULL DEFAULT 0, n5 BIGINT NOT NULL DEFAULT 0,
	n6 BIGINT NOT NULL DEFAULT 0, n7 BIGINT NOT NULL DEFAULT 0, n8 BIGINT NOT NULL DEFAULT 0,
	n9 BIGINT NOT NULL DEFAULT 0, n10 BIGINT NOT NULL DEFAULT 0, n11 BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, day)
) WITHOUT ROWID;
CREATE TRIGGER stats_appeal_days_insert AFTER INSERT ON case_assignments
BEGIN
	INSERT INTO stats_appeal_days (unit_id, day, n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11)
	VALUES (NEW.unit_id, (NEW.dispatched_at + 28800000) / 86400000, 1,
	CASE WHEN NEW.signed_on_time = 1 THEN 1 ELSE 0 END,
	CASE WHEN NEW.closed_at IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN NEW.closed_at IS NOT NULL AND NEW.resolved = 1 THEN 1 ELSE 0 END,
	CASE WHEN NEW.satisfaction IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN NEW.satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END,
	CASE WHEN NEW.replied_at IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN NEW.replied_at IS NOT NULL AND NEW.replied_on_time = 1 THEN 1 ELSE 0 END,
	CASE WHEN NEW.returned_at IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN NEW.reopened > 0 THEN 1 ELSE 0 END,
	CASE WHEN NEW.overdue = 1 THEN 1 ELSE 0 END,
	CASE WHEN NEW.closed_at IS NULL AND NEW.reopened > 0 THEN 1 ELSE 0 END)
	ON CONFLICT (unit_id, day) DO UPDATE SET n0 = stats_appeal_days.n0 + excluded.n0,
	n1 = stats_appeal_days.n1 + excluded.n1, n2 = stats_appeal_days.n2 + excluded.n2,
	n3 = stats_appeal_days.n3 + excluded.n3, n4 = stats_appeal_days.n4 + excluded.n4,
	n5 = stats_appeal_days.n5 + excluded.n5, n6 = stats_appeal_days.n6 + excluded.n6,
	n7 = stats_appeal_days.n7 + excluded.n7, n8 = stats_appeal_days.n8 + excluded.n8,
	n9 = stats_appeal_days.n9 + excluded.n9, n10 = stats_appeal_days.n10 + excluded.n10,
	n11 = stats_appeal_days.n11 + excluded.n11;
END;
CREATE TRIGGER stats_appeal_days_delete AFTER DELETE ON case_assignments
BEGIN
	UPDATE stats_appeal_days SET
	n0 = n0 - 1,
	n1 = n1 - CASE WHEN OLD.signed_on_time = 1 THEN 1 ELSE 0 END,
	n2 = n2 - CASE WHEN OLD.closed_at IS NOT NULL THEN 1 ELSE 0 END,
	n3 = n3 - CASE WHEN OLD.closed_at IS NOT NULL AND OLD.resolved = 1 THEN 1 ELSE 0 END,
	n4 = n4 - CASE WHEN OLD.satisfaction IS NOT NULL THEN 1 ELSE 0 END,
	n5 = n5 - CASE WHEN OLD.satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END,
	n6 = n6 - CASE WHEN OLD.replied_at IS NOT NULL THEN 1 ELSE 0 END,
	n7 = n7 - CASE WHEN OLD.replied_at IS NOT NULL AND OLD.replied_on_time = 1 THEN 1 ELSE 0 END,
	n8 = n8 - CASE WHEN OLD.returned_at IS NOT NULL THEN 1 ELSE 0 END,
	n9 = n9 - CASE WHEN OLD.reopened > 0 THEN 1 ELSE 0 END,
	n10 = n10 - CASE WHEN OLD.overdue = 1 THEN 1 ELSE 0 END,
	n11 = n11 - CASE WHEN OLD.closed_at IS NULL AND OLD.reopened > 0 THEN 1 ELSE 0 END
	WHERE unit_id = OLD.unit_id AND day = (OLD.dispatched_at + 28800000) / 86400000;
END;
CREATE TRIGGER stats_appeal_days_update AFTER UPDATE OF unit_id, dispatched_at, signed_on_time, closed_at, resolved, satisfaction, replied_at,
	replied_on_time, returned_at, reopened, overdue ON case_assignments
BEGIN
	UPDATE stats_appeal_days SET
	n0 = n0 - 1,
	n1 = n1 - CASE WHEN OLD.signed_on_time = 1 THEN 1 ELSE 0 END,
	n2 = n2 - CASE WHEN OLD.closed_at IS NOT NULL THEN 1 ELSE 0 END,
	n3 = n3 - CASE WHEN OLD.closed_at IS NOT NULL AND OLD.resolved = 1 THEN 1 ELSE 0 END,
	n4 = n4 - CASE WHEN OLD.satisfaction IS NOT NULL THEN 1 ELSE 0 END,
	n5 = n5 - CASE WHEN OLD.satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END,
	n6 = n6 - CASE WHEN OLD.replied_at IS NOT NULL THEN 1 ELSE 0 END,
	n7 = n7 - CASE WHEN OLD.replied_at IS NOT NULL AND OLD.replied_on_time = 1 THEN 1 ELSE 0 END,
	n8 = n8 - CASE WHEN OLD.returned_at IS NOT NULL THEN 1 ELSE 0 END,
	n9 = n9 - CASE WHEN OLD.reopened > 0 THEN 1 ELSE 0 END,
	n10 = n10 - CASE WHEN OLD.overdue = 1 THEN 1 ELSE 0 END,
	n11 = n11 - CASE WHEN OLD.closed_at IS NULL AND OLD.reopened > 0 THEN 1 ELSE 0 END
	WHERE unit_id = OLD.unit_id AND day = (OLD.dispatched_at + 28800000) / 86400000;
	INSERT INTO stats_appeal_days (unit_id, day, n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11)
	VALUES (NEW.unit_id, (NEW.dispatched_at + 28800000) / 86400000, 1,
	CASE WHEN NEW.signed_on_time = 1 THEN 1 ELSE 0 END,
	CASE WHEN NEW.closed_at IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN NEW.closed_at IS NOT NULL AND NEW.resolved = 1 THEN 1 ELSE 0 END,
	CASE WHEN NEW.satisfaction IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN NEW.satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END,
	CASE WHEN NEW.replied_at IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN NEW.replied_at IS NOT NULL AND NEW.replied_on_time = 1 THEN 1 ELSE 0 END,
	CASE WHEN NEW.returned_at IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN NEW.reopened > 0 THEN 1 ELSE 0 END,
	CASE WHEN NEW.overdue = 1 THEN 1 ELSE 0 END,
	CASE WHEN NEW.closed_at IS NULL AND NEW.reopened > 0 THEN 1 ELSE 0 END)
	ON CONFLICT (unit_id, day) DO UPDATE SET n0 = stats_appeal_days.n0 + excluded.n0,
	n1 = stats_appeal_days.n1 + excluded.n1, n2 = stats_appeal_days.n2 + excluded.n2,
	n3 = stats_appeal_days.n3 + excluded.n3, n4 = stats_appeal_days.n4 + excluded.n4,
	n5 = stats_appeal_days.n5 + excluded.n5, n6 = stats_appeal_days.n6 + excluded.n6,
	n7 = stats_appeal_days.n7 + excluded.n7, n8 = stats_appeal_days.n8 + excluded.n8,
	n9 = stats_appeal_days.n9 + excluded.n9, n10 = stats_appeal_days.n10 + excluded.n10,
	n11 = stats_appeal_days.n11 + excluded.n11;
END;
