-- 民生实事票决: proposals from citizens, candidates screened from them, ballot sessions of
-- the deputies, the projects the winners become (milestones, progress, photos,
-- inspections, sign-off) and the year-end evaluation. Every record belongs to a unit.

-- A year's proposal collection (征集); proposals to a closed collection are refused.
CREATE TABLE lv_collections (
	year INTEGER PRIMARY KEY,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	title TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	created_at BIGINT NOT NULL,
	closed_at BIGINT
);

CREATE TABLE lv_proposals (
	id @ID@,
	year INTEGER NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	title TEXT NOT NULL,
	content TEXT NOT NULL,
	place TEXT,
	contact_name TEXT,
	contact_phone TEXT,
	channel TEXT NOT NULL CHECK (channel IN ('web', 'app', 'appeal', 'staff')),
	appeal_id BIGINT,
	proposer_id BIGINT REFERENCES users (id),
	-- The BLAKE2b hash of the code an anonymous proposer keeps to follow the proposal.
	code_hash TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL CHECK (status IN ('submitted', 'merged', 'infeasible', 'candidate')),
	merged_into BIGINT REFERENCES lv_proposals (id),
	reason TEXT,
	candidate_id BIGINT,
	supports INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX lv_proposals_year ON lv_proposals (year, status);
CREATE INDEX lv_proposals_candidate ON lv_proposals (candidate_id);

-- One support per person: "u:<user id>" or "ip:<hash of the address>".
CREATE TABLE lv_supports (
	proposal_id BIGINT NOT NULL REFERENCES lv_proposals (id),
	supporter TEXT NOT NULL,
	PRIMARY KEY (proposal_id, supporter)
);

CREATE TABLE lv_candidates (
	id @ID@,
	year INTEGER NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	title TEXT NOT NULL,
	description TEXT NOT NULL,
	budget_yuan BIGINT NOT NULL,
	lead_unit_id BIGINT NOT NULL REFERENCES units (id),
	target TEXT,
	feasibility TEXT,
	created_by BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX lv_candidates_year ON lv_candidates (year);

CREATE TABLE lv_sessions (
	id @ID@,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	year INTEGER NOT NULL,
	title TEXT NOT NULL,
	seats INTEGER NOT NULL,
	rule TEXT NOT NULL CHECK (rule IN ('roll_majority', 'ballots_majority')),
	status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
	runoff_of BIGINT REFERENCES lv_sessions (id),
	roll_size INTEGER NOT NULL DEFAULT 0,
	ballots_cast INTEGER NOT NULL DEFAULT 0,
	created_by BIGINT,
	created_at BIGINT NOT NULL,
	opened_at BIGINT,
	closed_at BIGINT,
	updated_at BIGINT NOT NULL
);
CREATE INDEX lv_sessions_year ON lv_sessions (year);
CREATE INDEX lv_sessions_runoff ON lv_sessions (runoff_of);

-- votes and elected are written when the session closes.
CREATE TABLE lv_session_candidates (
	session_id BIGINT NOT NULL REFERENCES lv_sessions (id),
	candidate_id BIGINT NOT NULL REFERENCES lv_candidates (id),
	position INTEGER NOT NULL,
	votes INTEGER,
	elected INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (session_id, candidate_id)
);

-- Who may vote and whether they have: never what they chose (see lv_ballots).
CREATE TABLE lv_roll (
	session_id BIGINT NOT NULL REFERENCES lv_sessions (id),
	user_id BIGINT NOT NULL REFERENCES users (id),
	voted INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (session_id, user_id)
);

CREATE TABLE lv_projects (
	id @ID@,
	year INTEGER NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	candidate_id BIGINT UNIQUE REFERENCES lv_candidates (id),
	session_id BIGINT REFERENCES lv_sessions (id),
	title TEXT NOT NULL,
	description TEXT NOT NULL,
	budget_yuan BIGINT NOT NULL,
	lead_unit_id BIGINT NOT NULL REFERENCES units (id),
	target TEXT,
	signed_off_at BIGINT,
	signed_off_by BIGINT,
	signoff_note TEXT,
	eval_satisfied INTEGER,
	eval_basic INTEGER,
	eval_dissatisfied INTEGER,
	eval_outcome TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX lv_projects_year ON lv_projects (year);
CREATE INDEX lv_projects_lead ON lv_projects (lead_unit_id);

-- A time node: due_date is a China calendar date 'YYYY-MM-DD'; percent is the latest
-- reported progress.
CREATE TABLE lv_milestones (
	id @ID@,
	project_id BIGINT NOT NULL REFERENCES lv_projects (id),
	title TEXT NOT NULL,
	due_date TEXT NOT NULL,
	deliverable TEXT,
	percent INTEGER NOT NULL DEFAULT 0,
	finished_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX lv_milestones_project ON lv_milestones (project_id, due_date);

CREATE TABLE lv_progress (
	id @ID@,
	project_id BIGINT NOT NULL REFERENCES lv_projects (id),
	milestone_id BIGINT NOT NULL REFERENCES lv_milestones (id),
	percent INTEGER NOT NULL,
	text TEXT NOT NULL,
	reported_by BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX lv_progress_project ON lv_progress (project_id, created_at);

-- Photos live as files under the data directory; a row names the file.
CREATE TABLE lv_photos (
	id @ID@,
	project_id BIGINT NOT NULL REFERENCES lv_projects (id),
	progress_id BIGINT REFERENCES lv_progress (id),
	file TEXT NOT NULL UNIQUE,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	uploaded_by BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX lv_photos_project ON lv_photos (project_id);
CREATE INDEX lv_photos_progress ON lv_photos (progress_id);

-- A deputy's inspection (视察) with an optional supervision opinion the lead unit answers.
CREATE TABLE lv_inspections (
	id @ID@,
	project_id BIGINT NOT NULL REFERENCES lv_projects (id),
	deputy_id BIGINT NOT NULL REFERENCES users (id),
	visited_on TEXT NOT NULL,
	content TEXT NOT NULL,
	opinion TEXT,
	answer TEXT,
	answered_by BIGINT,
	answered_at BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX lv_inspections_project ON lv_inspections (project_id);

CREATE TABLE lv_evaluations (
	year INTEGER PRIMARY KEY,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	roll_size INTEGER NOT NULL,
	opened_by BIGINT,
	opened_at BIGINT NOT NULL,
	closed_at BIGINT
);

CREATE TABLE lv_eval_roll (
	year INTEGER NOT NULL,
	user_id BIGINT NOT NULL REFERENCES users (id),
	PRIMARY KEY (year, user_id)
);

CREATE TABLE lv_ratings (
	project_id BIGINT NOT NULL REFERENCES lv_projects (id),
	user_id BIGINT NOT NULL REFERENCES users (id),
	rating TEXT NOT NULL CHECK (rating IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
	created_at BIGINT NOT NULL,
	PRIMARY KEY (project_id, user_id)
);
