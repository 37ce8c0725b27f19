-- The case engine keeps in `cases` what every kind of case has; what only the hotline
-- records moves to its own table, `appeals` (joined by appeals.case_id = cases.id).
ALTER TABLE appeals ADD COLUMN resolved INTEGER;
ALTER TABLE appeals ADD COLUMN satisfaction TEXT;
ALTER TABLE appeals ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appeals ADD COLUMN return_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appeals ADD COLUMN urge_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appeals ADD COLUMN extension_days INTEGER;
ALTER TABLE appeals ADD COLUMN extension_reason TEXT;
UPDATE appeals SET resolved = c.resolved, satisfaction = c.satisfaction,
	reopen_count = c.reopen_count, return_count = c.return_count, urge_count = c.urge_count,
	extension_days = c.extension_days, extension_reason = c.extension_reason
	FROM cases c WHERE c.id = appeals.case_id;
-- None of these columns is indexed, so SQLite can drop them too.
ALTER TABLE cases DROP COLUMN resolved;
ALTER TABLE cases DROP COLUMN satisfaction;
ALTER TABLE cases DROP COLUMN reopen_count;
ALTER TABLE cases DROP COLUMN return_count;
ALTER TABLE cases DROP COLUMN urge_count;
ALTER TABLE cases DROP COLUMN extension_days;
ALTER TABLE cases DROP COLUMN extension_reason;

-- Deadline policies per kind of case × policy (appeals: their type, '*' any) × urgency.
CREATE TABLE deadline_policies_kind (
	kind TEXT NOT NULL,
	type TEXT NOT NULL,
	urgent INTEGER NOT NULL,
	sign_minutes INTEGER NOT NULL,
	sign_working INTEGER NOT NULL,
	finish_minutes INTEGER NOT NULL,
	finish_working INTEGER NOT NULL,
	PRIMARY KEY (kind, type, urgent)
);
INSERT INTO deadline_policies_kind (kind, type, urgent, sign_minutes, sign_working,
	finish_minutes, finish_working)
	SELECT 'appeal', type, urgent, sign_minutes, sign_working, finish_minutes, finish_working
	FROM deadline_policies;
DROP TABLE deadline_policies;
ALTER TABLE deadline_policies_kind RENAME TO deadline_policies;
