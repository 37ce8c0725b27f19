-- 智慧党建 (docs/party.md): party organizations as a tree attached to units, members with
-- their development steps and states, dues, activities (三会一课, 主题党日) with attendance
-- and QR sign-in, quotas, community tasks and 微心愿 (双报到), point rules and a ledger of
-- points that were realized. Not a case kind: its own tables, prefix party_.

-- The department(s) that are a region's organization department: their staff work for
-- the whole region (the org layer keeps a department's staff to the department).
CREATE TABLE party_departments (
	unit_id BIGINT PRIMARY KEY REFERENCES units (id),
	region_id BIGINT NOT NULL REFERENCES units (id)
);

-- 党委 / 党总支 / 党支部 / 党小组. path is the materialized path of the org tree
-- ("/3/17/"); branch_id is the branch an org belongs to (itself for a branch, general
-- branch or committee; its branch for a group): masking and quotas go by it.
CREATE TABLE party_orgs (
	id @ID@,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('committee', 'general_branch', 'branch', 'group')),
	parent_id BIGINT REFERENCES party_orgs (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	path @PATHTEXT@ NOT NULL DEFAULT '',
	branch_id BIGINT,
	secretary_user_id BIGINT REFERENCES users (id),
	secretary_name TEXT,
	committee TEXT NOT NULL DEFAULT '[]',
	term_start BIGINT,
	term_end BIGINT,
	term_warned_for BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX party_orgs_unit ON party_orgs (unit_id);
CREATE INDEX party_orgs_parent ON party_orgs (parent_id);
CREATE INDEX party_orgs_path ON party_orgs (path);
CREATE INDEX party_orgs_secretary ON party_orgs (secretary_user_id);
CREATE INDEX party_orgs_branch ON party_orgs (branch_id);

CREATE TABLE party_members (
	id @ID@,
	name TEXT NOT NULL,
	gender TEXT CHECK (gender IN ('male', 'female')),
	birth_date TEXT,
	id_number TEXT,
	phone TEXT,
	org_id BIGINT NOT NULL REFERENCES party_orgs (id),
	status TEXT NOT NULL CHECK (status IN ('applicant', 'activist', 'candidate', 'probationary', 'full')),
	status_since BIGINT NOT NULL,
	state TEXT NOT NULL DEFAULT 'normal' CHECK (state IN ('normal', 'mobile', 'lost', 'transferring')),
	transfer_to_org_id BIGINT REFERENCES party_orgs (id),
	home_unit_id BIGINT REFERENCES units (id),
	user_id BIGINT UNIQUE REFERENCES users (id),
	created_at BIGINT NOT NULL
);
CREATE INDEX party_members_org ON party_members (org_id);
CREATE INDEX party_members_transfer ON party_members (transfer_to_org_id);

-- One row per step of the development chain, with its date.
CREATE TABLE party_member_steps (
	id @ID@,
	member_id BIGINT NOT NULL REFERENCES party_members (id),
	status TEXT NOT NULL,
	at BIGINT NOT NULL,
	by_user_id BIGINT REFERENCES users (id),
	note TEXT
);
CREATE INDEX party_member_steps_member ON party_member_steps (member_id, at);

-- Dues per member and month ('2026-11'), amounts in fen.
CREATE TABLE party_dues (
	member_id BIGINT NOT NULL REFERENCES party_members (id),
	month TEXT NOT NULL,
	standard_fen BIGINT NOT NULL,
	paid_at BIGINT,
	PRIMARY KEY (member_id, month)
);
CREATE INDEX party_dues_month ON party_dues (month);

CREATE TABLE party_activities (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES party_orgs (id),
	kind TEXT NOT NULL CHECK (kind IN ('branch_meeting', 'committee_meeting', 'group_meeting', 'party_lecture', 'theme_day')),
	held_at BIGINT NOT NULL,
	title TEXT NOT NULL,
	minutes TEXT,
	qr_token TEXT UNIQUE,
	qr_expires BIGINT,
	created_by BIGINT REFERENCES users (id),
	created_at BIGINT NOT NULL
);
CREATE INDEX party_activities_org ON party_activities (org_id, held_at);

CREATE TABLE party_attendance (
	activity_id BIGINT NOT NULL REFERENCES party_activities (id),
	member_id BIGINT NOT NULL REFERENCES party_members (id),
	how TEXT NOT NULL CHECK (how IN ('secretary', 'qr')),
	at BIGINT NOT NULL,
	PRIMARY KEY (activity_id, member_id)
);
CREATE INDEX party_attendance_member ON party_attendance (member_id);

-- How often each kind must be held by a branch: times per month or per quarter.
CREATE TABLE party_quotas (
	kind TEXT PRIMARY KEY,
	period TEXT NOT NULL CHECK (period IN ('month', 'quarter')),
	times INTEGER NOT NULL
);
INSERT INTO party_quotas (kind, period, times) VALUES ('branch_meeting', 'quarter', 1);
INSERT INTO party_quotas (kind, period, times) VALUES ('committee_meeting', 'month', 1);
INSERT INTO party_quotas (kind, period, times) VALUES ('group_meeting', 'month', 1);
INSERT INTO party_quotas (kind, period, times) VALUES ('party_lecture', 'quarter', 1);
INSERT INTO party_quotas (kind, period, times) VALUES ('theme_day', 'month', 1);

-- Points per activity kind attended and per wish or task fulfilled.
CREATE TABLE party_point_rules (
	source TEXT PRIMARY KEY,
	points INTEGER NOT NULL
);
INSERT INTO party_point_rules (source, points) VALUES ('branch_meeting', 2);
INSERT INTO party_point_rules (source, points) VALUES ('committee_meeting', 1);
INSERT INTO party_point_rules (source, points) VALUES ('group_meeting', 1);
INSERT INTO party_point_rules (source, points) VALUES ('party_lecture', 2);
INSERT INTO party_point_rules (source, points) VALUES ('theme_day', 2);
INSERT INTO party_point_rules (source, points) VALUES ('wish', 5);
INSERT INTO party_point_rules (source, points) VALUES ('task', 3);

-- Community tasks and residents' 微心愿, published at a community or village (unit_id);
-- org_id is that place's branch (whose secretary may confirm).
CREATE TABLE party_wishes (
	id @ID@,
	kind TEXT NOT NULL CHECK (kind IN ('wish', 'task')),
	title TEXT NOT NULL,
	detail TEXT,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	org_id BIGINT REFERENCES party_orgs (id),
	status TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'fulfilled')),
	published_by BIGINT REFERENCES users (id),
	claimer_id BIGINT REFERENCES party_members (id),
	claimed_at BIGINT,
	fulfilled_by BIGINT REFERENCES users (id),
	fulfilled_at BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX party_wishes_unit ON party_wishes (unit_id, status);
CREATE INDEX party_wishes_claimer ON party_wishes (claimer_id);

-- Points realized: an attendance recorded, a wish or task fulfilled.
CREATE TABLE party_points (
	id @ID@,
	member_id BIGINT NOT NULL REFERENCES party_members (id),
	points INTEGER NOT NULL,
	source TEXT NOT NULL,
	ref_id BIGINT NOT NULL,
	at BIGINT NOT NULL,
	UNIQUE (member_id, source, ref_id)
);
CREATE INDEX party_points_member ON party_points (member_id);
