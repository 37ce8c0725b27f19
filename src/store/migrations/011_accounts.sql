-- Accounts as GB/T 22239 level 3 asks (docs/security.md "Accounts"): when each password
-- was set (passwords expire), when each session was last used (sessions end when idle),
-- grants of sensitive roles that wait for a second admin, and an index for the login log.
ALTER TABLE users ADD COLUMN password_changed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;

-- A grant holds the user's whole unit and role set as they will be once approved, and as
-- they were when it was asked (base_*): it applies only to the user as they stood then.
-- roles and base_roles are role words separated by commas.
CREATE TABLE role_grants (
	id @ID@,
	user_id BIGINT NOT NULL REFERENCES users (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	roles TEXT NOT NULL,
	base_unit_id BIGINT NOT NULL REFERENCES units (id),
	base_roles TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
	requested_by BIGINT NOT NULL REFERENCES users (id),
	requested_at BIGINT NOT NULL,
	decided_by BIGINT REFERENCES users (id),
	decided_at BIGINT,
	note TEXT
);
-- At most one grant waits per user.
CREATE UNIQUE INDEX role_grants_pending ON role_grants (user_id) WHERE status = 'pending';
CREATE INDEX role_grants_status ON role_grants (status, id);

-- The login log reads the audit trail by action.
CREATE INDEX audit_action ON audit_log (action, seq);
