-- The appeal statistics' roll-up (src/appeals/appeal_stats.c): per handling unit and per
-- day of dispatch (China time: day = (dispatched_at + 8 h) / 24 h since 1970-01-01), the
-- sums over that unit's and day's assignments of the twelve 0/1 figures the statistics
-- count, n0..n11 in the order of appeal_figures (dispatched, signed_on_time, closed,
-- resolved, revisited, satisfied, replied, replied_on_time, returned, reopened, overdue,
-- reopened_open). Triggers on case_assignments (018_appeal_rollup_triggers.*.sql) keep it
-- in the writing transaction: every insert, update of a counted column and delete
-- subtracts the row's old contribution and adds its new one, so it is exact whichever
-- code path writes. `yiwang check` recounts it; `yiwang rollup rebuild` rebuilds it.
CREATE TABLE stats_appeal_days (
	unit_id BIGINT NOT NULL,
	day BIGINT NOT NULL,
	n0 BIGINT NOT NULL DEFAULT 0, n1 BIGINT NOT NULL DEFAULT 0, n2 BIGINT NOT NULL DEFAULT 0,
	n3 BIGINT NOT NULL DEFAULT 0, n4 BIGINT NOT NULL DEFAULT 0, n5 BIGINT NOT NULL DEFAULT 0,
	n6 BIGINT NOT NULL DEFAULT 0, n7 BIGINT NOT NULL DEFAULT 0, n8 BIGINT NOT NULL DEFAULT 0,
	n9 BIGINT NOT NULL DEFAULT 0, n10 BIGINT NOT NULL DEFAULT 0, n11 BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, day)
);
INSERT INTO stats_appeal_days (unit_id, day, n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11)
SELECT a.unit_id, (a.dispatched_at + 28800000) / 86400000, COUNT(*),
	SUM(CASE WHEN a.signed_on_time = 1 THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.closed_at IS NOT NULL THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.closed_at IS NOT NULL AND a.resolved = 1 THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.satisfaction IS NOT NULL THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.replied_at IS NOT NULL THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.replied_at IS NOT NULL AND a.replied_on_time = 1 THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.returned_at IS NOT NULL THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.reopened > 0 THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.overdue = 1 THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.closed_at IS NULL AND a.reopened > 0 THEN 1 ELSE 0 END)
FROM case_assignments a GROUP BY a.unit_id, (a.dispatched_at + 28800000) / 86400000;
