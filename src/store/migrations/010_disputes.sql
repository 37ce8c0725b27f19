-- 纠纷化解 (docs/disputes.md): a dispute is a case of kind 'dispute' (numbers JF...). The
-- case keeps the title (cases.title), the facts (cases.content), the owning region (the
-- place of the dispute) and the holding mediation unit (cases.handler_id); what only
-- disputes have lives here, keyed by case_id.

-- The kinds of dispute, an editable list.
CREATE TABLE dispute_types (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO dispute_types (code, name, sort) VALUES ('neighbour', '邻里纠纷', 1);
INSERT INTO dispute_types (code, name, sort) VALUES ('family', '婚姻家庭纠纷', 2);
INSERT INTO dispute_types (code, name, sort) VALUES ('property', '房屋物业纠纷', 3);
INSERT INTO dispute_types (code, name, sort) VALUES ('land', '土地承包纠纷', 4);
INSERT INTO dispute_types (code, name, sort) VALUES ('labour', '劳动争议纠纷', 5);
INSERT INTO dispute_types (code, name, sort) VALUES ('consumer', '消费纠纷', 6);
INSERT INTO dispute_types (code, name, sort) VALUES ('traffic', '道路交通事故纠纷', 7);
INSERT INTO dispute_types (code, name, sort) VALUES ('medical', '医疗纠纷', 8);
INSERT INTO dispute_types (code, name, sort) VALUES ('other', '其他纠纷', 9);

-- A department that is the mediation centre of a region (a township or a county): where
-- disputes escalate to, and whose mediators work for the whole region. A village or
-- community mediates through its own unit (its people's mediation committee).
CREATE TABLE dispute_centres (
	unit_id BIGINT PRIMARY KEY REFERENCES units (id),
	region_id BIGINT NOT NULL UNIQUE REFERENCES units (id),
	level TEXT NOT NULL CHECK (level IN ('township', 'county'))
);

CREATE TABLE disputes (
	case_id BIGINT PRIMARY KEY REFERENCES cases (id),
	type TEXT NOT NULL REFERENCES dispute_types (code),
	level TEXT NOT NULL CHECK (level IN ('village', 'township', 'county')),
	people_involved INTEGER NOT NULL,
	place TEXT,
	source TEXT NOT NULL,
	mediator_id BIGINT REFERENCES users (id),
	hold_id BIGINT,
	escalations INTEGER NOT NULL DEFAULT 0,
	-- risk: the flags and whether any is raised
	risk INTEGER NOT NULL DEFAULT 0,
	risk_many_people INTEGER NOT NULL DEFAULT 0,
	risk_threats INTEGER NOT NULL DEFAULT 0,
	risk_repeated INTEGER NOT NULL DEFAULT 0,
	-- the agreement (调解协议书), numbered per holding unit and year
	agreement_no TEXT,
	agreement_unit_id BIGINT REFERENCES units (id),
	agreement_facts TEXT,
	agreement_matters TEXT,
	terms TEXT,
	fulfil_how TEXT,
	fulfil_by BIGINT,
	copies INTEGER,
	agreed_at BIGINT,
	fulfil_checked_at BIGINT,
	fulfilled INTEGER,
	-- judicial confirmation (司法确认)
	confirm_court TEXT,
	confirm_applied_at BIGINT,
	ruling TEXT,
	ruled_at BIGINT,
	-- how an unsettled dispute ended: failed, referred (to court, arbitration, petition)
	-- or withdrawn
	ended_at BIGINT,
	ended_reason TEXT,
	referred_to TEXT,
	-- the return visit after closing
	revisit_at BIGINT,
	revisit_notes TEXT,
	satisfaction TEXT
);
CREATE INDEX disputes_place ON disputes (place, type);
CREATE INDEX disputes_fulfil ON disputes (fulfil_by);

CREATE TABLE dispute_parties (
	id @ID@,
	dispute_id BIGINT NOT NULL REFERENCES cases (id),
	sort INTEGER NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('person', 'organization')),
	side TEXT NOT NULL CHECK (side IN ('applicant', 'respondent')),
	id_number TEXT,
	phone TEXT,
	address TEXT
);
CREATE INDEX dispute_parties_dispute ON dispute_parties (dispute_id, sort);
-- The same person in another dispute: a repeated incident.
CREATE INDEX dispute_parties_person ON dispute_parties (name, phone);

-- Investigations, mediation sessions (planned when held_at lies ahead) and return visits.
CREATE TABLE dispute_records (
	id @ID@,
	dispute_id BIGINT NOT NULL REFERENCES cases (id),
	kind TEXT NOT NULL CHECK (kind IN ('investigation', 'session', 'revisit')),
	held_at BIGINT NOT NULL,
	place TEXT,
	present TEXT,
	notes TEXT,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	by_id BIGINT REFERENCES users (id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX dispute_records_dispute ON dispute_records (dispute_id, held_at);
CREATE INDEX dispute_records_unit ON dispute_records (unit_id, kind, held_at);

-- One row per mediation unit that held a dispute, with how it left that unit: the
-- statistics per unit and level are one GROUP BY over this table.
CREATE TABLE dispute_holds (
	id @ID@,
	dispute_id BIGINT NOT NULL REFERENCES cases (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	level TEXT NOT NULL,
	started_at BIGINT NOT NULL,
	ended_at BIGINT,
	-- agreed, escalated, failed, referred, withdrawn; NULL while the unit holds it
	outcome TEXT,
	breaches INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX dispute_holds_unit ON dispute_holds (unit_id, started_at);
CREATE INDEX dispute_holds_started ON dispute_holds (started_at);
CREATE INDEX dispute_holds_dispute ON dispute_holds (dispute_id, id);

-- Per holding unit and year, the last agreement number given: 海调字〔2026〕第0001号.
CREATE TABLE dispute_agreement_numbers (
	unit_id BIGINT NOT NULL,
	year INTEGER NOT NULL,
	seq BIGINT NOT NULL,
	PRIMARY KEY (unit_id, year)
);

-- Links between cases of any kinds (an appeal that became a dispute: the dispute's row
-- links to the appeal with kind 'from_appeal'), read by both sides.
CREATE TABLE case_links (
	case_id BIGINT NOT NULL REFERENCES cases (id),
	kind TEXT NOT NULL,
	linked_case_id BIGINT NOT NULL REFERENCES cases (id),
	created_at BIGINT NOT NULL,
	PRIMARY KEY (case_id, kind, linked_case_id)
);
CREATE INDEX case_links_linked ON case_links (linked_case_id, kind);

-- A dispute involving more people than this is flagged as a risk.
INSERT INTO settings (key, value) VALUES ('dispute_risk_people', '5');
