-- The case engine: appeals, grid events, service requests, disputes and key issues are all
-- cases. A case has a kind, a human number, a status from its kind's state machine, an
-- owning region, a handling unit, deadlines and an append-only timeline. Each dispatch to
-- a unit is an assignment: the statistics of a unit are the statistics of its assignments.

CREATE TABLE cases (
	id @ID@,
	kind TEXT NOT NULL,
	number TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL,
	region_id BIGINT NOT NULL REFERENCES units (id),
	region_path @PATHTEXT@ NOT NULL,
	intake_unit_id BIGINT NOT NULL REFERENCES units (id),
	handler_id BIGINT REFERENCES units (id),
	handler_path @PATHTEXT@,
	assignment_id BIGINT,
	title TEXT NOT NULL,
	content TEXT NOT NULL,
	urgent INTEGER NOT NULL DEFAULT 0,
	created_by BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	dispatched_at BIGINT,
	signed_at BIGINT,
	replied_at BIGINT,
	closed_at BIGINT,
	sign_due_at BIGINT,
	finish_due_at BIGINT,
	-- 0 none, 1 warned at 80% of the sign deadline, 2 sign overdue; likewise finish
	sign_alert INTEGER NOT NULL DEFAULT 0,
	finish_alert INTEGER NOT NULL DEFAULT 0,
	resolved INTEGER,
	satisfaction TEXT,
	reopen_count INTEGER NOT NULL DEFAULT 0,
	return_count INTEGER NOT NULL DEFAULT 0,
	urge_count INTEGER NOT NULL DEFAULT 0,
	extension_days INTEGER,
	extension_reason TEXT
);
CREATE INDEX cases_kind_status ON cases (kind, status);
-- Lists show the newest first: one index walk instead of a sort of every appeal.
CREATE INDEX cases_kind_id ON cases (kind, id);
CREATE INDEX cases_region ON cases (region_path);
CREATE INDEX cases_handler ON cases (handler_path, status);
CREATE INDEX cases_created ON cases (created_at);
CREATE INDEX cases_title ON cases (title);
CREATE INDEX cases_sign_due ON cases (sign_due_at) WHERE signed_at IS NULL AND sign_due_at IS NOT NULL;
CREATE INDEX cases_finish_due ON cases (finish_due_at) WHERE closed_at IS NULL AND finish_due_at IS NOT NULL;

-- One row per dispatch of a case to a unit, with that unit's outcome.
CREATE TABLE case_assignments (
	id @ID@,
	case_id BIGINT NOT NULL REFERENCES cases (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	dispatched_at BIGINT NOT NULL,
	sign_due_at BIGINT,
	finish_due_at BIGINT,
	signed_at BIGINT,
	signed_on_time INTEGER,
	returned_at BIGINT,
	replied_at BIGINT,
	replied_on_time INTEGER,
	closed_at BIGINT,
	resolved INTEGER,
	satisfaction TEXT,
	reopened INTEGER NOT NULL DEFAULT 0,
	overdue INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX case_assignments_case ON case_assignments (case_id);
CREATE INDEX case_assignments_stats ON case_assignments (dispatched_at, unit_id);

CREATE TABLE case_timeline (
	id @ID@,
	case_id BIGINT NOT NULL REFERENCES cases (id),
	at BIGINT NOT NULL,
	actor_id BIGINT,
	actor TEXT NOT NULL,
	unit_id BIGINT,
	action TEXT NOT NULL,
	from_status TEXT,
	to_status TEXT,
	note TEXT,
	data TEXT
);
CREATE INDEX case_timeline_case ON case_timeline (case_id, id);

-- Per prefix and day, the last number given: FX20261128000123.
CREATE TABLE case_numbers (
	prefix TEXT NOT NULL,
	day TEXT NOT NULL,
	seq BIGINT NOT NULL,
	PRIMARY KEY (prefix, day)
);

-- The matter categories of appeals (a tree), editable by admins.
CREATE TABLE categories (
	id @ID@,
	parent_id BIGINT REFERENCES categories (id),
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	description TEXT,
	finish_days INTEGER,
	active INTEGER NOT NULL DEFAULT 1,
	sort INTEGER NOT NULL DEFAULT 0,
	attributes TEXT
);
CREATE INDEX categories_parent ON categories (parent_id);

-- category × region → handling unit; the most specific rule wins.
CREATE TABLE routing_rules (
	id @ID@,
	category_id BIGINT NOT NULL REFERENCES categories (id),
	region_id BIGINT NOT NULL REFERENCES units (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	UNIQUE (category_id, region_id)
);

-- Sign-within and finish-within targets per appeal type ('*': any) and urgency.
CREATE TABLE deadline_policies (
	type TEXT NOT NULL,
	urgent INTEGER NOT NULL,
	sign_minutes INTEGER NOT NULL,
	sign_working INTEGER NOT NULL,
	finish_minutes INTEGER NOT NULL,
	finish_working INTEGER NOT NULL,
	PRIMARY KEY (type, urgent)
);
INSERT INTO deadline_policies VALUES ('*', 1, 60, 0, 1440, 0);
INSERT INTO deadline_policies VALUES ('*', 0, 120, 1, 2700, 1);
INSERT INTO deadline_policies VALUES ('inquiry', 0, 120, 1, 1620, 1);
INSERT INTO deadline_policies VALUES ('suggestion', 0, 240, 1, 5400, 1);
INSERT INTO deadline_policies VALUES ('praise', 0, 240, 1, 1080, 1);

-- Statutory holidays and make-up working days; office hours in settings.
CREATE TABLE calendar_days (
	day TEXT PRIMARY KEY,
	workday INTEGER NOT NULL,
	name TEXT
);

CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
INSERT INTO settings VALUES ('office_start', '510');
INSERT INTO settings VALUES ('office_end', '1050');

-- The in-app inbox: for a unit (user_id NULL) or one user.
CREATE TABLE notifications (
	id @ID@,
	unit_id BIGINT REFERENCES units (id),
	user_id BIGINT REFERENCES users (id),
	case_id BIGINT REFERENCES cases (id),
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	read_at BIGINT
);
CREATE INDEX notifications_unit ON notifications (unit_id, id);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- Messages for outside gateways (SMS); an adapter drains it.
CREATE TABLE outbox (
	id @ID@,
	channel TEXT NOT NULL,
	recipient TEXT NOT NULL,
	body TEXT NOT NULL,
	case_id BIGINT,
	created_at BIGINT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	sent_at BIGINT,
	failed_at BIGINT,
	last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- What only appeals have.
CREATE TABLE appeals (
	case_id BIGINT PRIMARY KEY REFERENCES cases (id),
	channel TEXT NOT NULL,
	type TEXT NOT NULL,
	category_id BIGINT REFERENCES categories (id),
	contact_name TEXT,
	contact_phone TEXT,
	anonymous INTEGER NOT NULL DEFAULT 0,
	address TEXT,
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	region_code TEXT,
	reply_content TEXT,
	merged_into BIGINT REFERENCES cases (id),
	attributes TEXT
);
CREATE INDEX appeals_phone ON appeals (contact_phone);
CREATE INDEX appeals_category ON appeals (category_id);
