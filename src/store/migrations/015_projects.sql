-- 项目库 and 重点问题 (docs/projects.md): the investment-project register with its monthly
-- reports, and key issues, a case kind on the engine (kind 'key_issue', numbers ZD...).
-- Not the livelihood projects (民生实事, livelihood_*): these are investment projects.

-- The industries of the register, an editable list.
CREATE TABLE inv_industries (
	id @ID@,
	name TEXT NOT NULL UNIQUE,
	active INTEGER NOT NULL DEFAULT 1,
	sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO inv_industries (name, sort) VALUES ('新能源', 1);
INSERT INTO inv_industries (name, sort) VALUES ('绿色食品', 2);
INSERT INTO inv_industries (name, sort) VALUES ('高端装备制造', 3);
INSERT INTO inv_industries (name, sort) VALUES ('精细化工', 4);
INSERT INTO inv_industries (name, sort) VALUES ('数字经济', 5);
INSERT INTO inv_industries (name, sort) VALUES ('现代服务业', 6);
INSERT INTO inv_industries (name, sort) VALUES ('现代农业', 7);
INSERT INTO inv_industries (name, sort) VALUES ('文化旅游', 8);
INSERT INTO inv_industries (name, sort) VALUES ('基础设施', 9);

-- Offices with a city-wide duty: 'projects' (the development and reform commission keeps
-- the register and sees every project), 'key_issues' (the supervision office registers
-- and follows every key issue).
CREATE TABLE inv_offices (
	unit_id BIGINT NOT NULL REFERENCES units (id),
	duty TEXT NOT NULL CHECK (duty IN ('projects', 'key_issues')),
	PRIMARY KEY (unit_id, duty)
);

CREATE TABLE invest_projects (
	id @ID@,
	name TEXT NOT NULL,
	owner TEXT,
	county_id BIGINT NOT NULL REFERENCES units (id),
	lead_unit_id BIGINT REFERENCES units (id),
	industry_id BIGINT NOT NULL REFERENCES inv_industries (id),
	tags TEXT NOT NULL DEFAULT '[]',
	total_investment DOUBLE PRECISION NOT NULL,
	planned_start TEXT NOT NULL,
	planned_completion TEXT NOT NULL,
	actual_start TEXT,
	actual_completion TEXT,
	stage TEXT NOT NULL CHECK (stage IN ('谋划', '签约', '开工', '续建', '竣工', '投产')),
	leader_id BIGINT REFERENCES users (id),
	service_unit_id BIGINT REFERENCES units (id),
	location TEXT,
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	created_by BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX invest_projects_county ON invest_projects (county_id);
CREATE INDEX invest_projects_industry ON invest_projects (industry_id);

-- The annual investment plan of a project, per year (万元).
CREATE TABLE invest_plans (
	project_id BIGINT NOT NULL REFERENCES invest_projects (id),
	year INTEGER NOT NULL,
	amount DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (project_id, year)
);

-- One report per project and month ('YYYY-MM'); the cumulative figures are sums.
CREATE TABLE invest_reports (
	id @ID@,
	project_id BIGINT NOT NULL REFERENCES invest_projects (id),
	month TEXT NOT NULL,
	invested DOUBLE PRECISION NOT NULL,
	stage TEXT NOT NULL,
	progress TEXT,
	problems TEXT,
	key_issue_id BIGINT REFERENCES cases (id),
	reported_by BIGINT,
	reported_at BIGINT NOT NULL,
	UNIQUE (project_id, month)
);
CREATE INDEX invest_reports_month ON invest_reports (month);

-- The county told once per project and month that the month's report is missing.
CREATE TABLE invest_missing_flags (
	project_id BIGINT NOT NULL REFERENCES invest_projects (id),
	month TEXT NOT NULL,
	county_id BIGINT NOT NULL REFERENCES units (id),
	flagged_at BIGINT NOT NULL,
	PRIMARY KEY (project_id, month)
);

-- 重点问题: the case keeps the title, the plan's summary (content), the lead unit as holder
-- (handler_id) and the next undone milestone's end as finish_due_at.
CREATE TABLE key_issues (
	case_id BIGINT PRIMARY KEY REFERENCES cases (id),
	lead_leader_id BIGINT NOT NULL REFERENCES users (id),
	lead_unit_id BIGINT NOT NULL REFERENCES units (id),
	plan TEXT,
	project_id BIGINT REFERENCES invest_projects (id),
	report_id BIGINT REFERENCES invest_reports (id),
	escalations INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX key_issues_leader ON key_issues (lead_leader_id);
CREATE INDEX key_issues_project ON key_issues (project_id);

CREATE TABLE key_issue_milestones (
	id @ID@,
	case_id BIGINT NOT NULL REFERENCES cases (id),
	title TEXT NOT NULL,
	due TEXT NOT NULL,
	done_at BIGINT,
	done_by BIGINT,
	sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX key_issue_milestones_case ON key_issue_milestones (case_id, due);

CREATE TABLE key_issue_members (
	case_id BIGINT NOT NULL REFERENCES cases (id),
	user_id BIGINT NOT NULL REFERENCES users (id),
	PRIMARY KEY (case_id, user_id)
);
CREATE INDEX key_issue_members_user ON key_issue_members (user_id);

-- Monthly coordination items: 问题, 措施, 纪要.
CREATE TABLE key_issue_coordinations (
	id @ID@,
	case_id BIGINT NOT NULL REFERENCES cases (id),
	month TEXT NOT NULL,
	problem TEXT NOT NULL,
	measures TEXT NOT NULL,
	minutes TEXT,
	created_by BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX key_issue_coordinations_case ON key_issue_coordinations (case_id);
