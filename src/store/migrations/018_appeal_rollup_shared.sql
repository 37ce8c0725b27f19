-- The roll-up of the assignments already there (018_appeal_rollup.*.sql); and an index for the lists.
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

-- The list of one unit's subtree in some states (?status=handling&unit_id=…, the inboxes
-- and queues): the matching appeals are one index range per state, read from the index
-- alone, then the page sorted; before, every appeal in those states was read from the
-- table to test its handling unit.
CREATE INDEX cases_kind_status_handler ON cases (kind, status, handler_path);
