-- Statistics per unit read one index range per unit of the caller's area: the index
-- holds every figure the statistics sum, so the table rows are never read, and the rows
-- come out grouped by unit.
DROP INDEX case_assignments_stats;
CREATE INDEX case_assignments_unit_stats ON case_assignments (unit_id, dispatched_at,
	signed_on_time, closed_at, resolved, satisfaction, replied_at, replied_on_time,
	returned_at, reopened, overdue);
