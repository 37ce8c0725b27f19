-- 三大调度 review schemes and scorecards (docs/reviews.md). A scheme ranks units on
-- indicators every period; a period is a draft computed on read until it is closed, when
-- every raw value, score, total, rank and grade is frozen into review_cells and
-- review_cards and never computed again.

CREATE TABLE review_schemes (
	id @ID@,
	name TEXT NOT NULL,
	-- monthly, bimonthly, quarterly, or custom (the periods listed in custom_periods)
	cadence TEXT NOT NULL CHECK (cadence IN ('monthly', 'bimonthly', 'quarterly', 'custom')),
	-- custom: JSON [{"key","from","to"}] (dates, to inclusive)
	custom_periods TEXT,
	-- the unit that runs the scheme (its staff are the organizers); the record's unit
	unit_id BIGINT NOT NULL REFERENCES units (id),
	-- the units ranked: listed in review_scheme_units, or every unit of unit_kind under
	-- unit_parent_id (its whole subtree), resolved when a period opens
	unit_kind TEXT,
	unit_parent_id BIGINT REFERENCES units (id),
	-- grade thresholds A..D on the total (below D: E), JSON [90, 80, 70, 60]
	grades TEXT NOT NULL,
	created_by BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX review_schemes_unit ON review_schemes (unit_id);

CREATE TABLE review_scheme_units (
	scheme_id BIGINT NOT NULL REFERENCES review_schemes (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	PRIMARY KEY (scheme_id, unit_id)
);

CREATE TABLE review_indicators (
	id @ID@,
	scheme_id BIGINT NOT NULL REFERENCES review_schemes (id),
	name TEXT NOT NULL,
	source TEXT NOT NULL CHECK (source IN ('computed', 'entered')),
	-- computed: the registered metric's name; entered: the unit whose staff enter it
	metric TEXT,
	assessing_unit_id BIGINT REFERENCES units (id),
	weight DOUBLE PRECISION NOT NULL,
	direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
	rule TEXT NOT NULL CHECK (rule IN ('minmax', 'rank_points', 'bands', 'value')),
	-- bands: JSON [{"at": 95, "score": 100}, ...]
	bands TEXT,
	sort INTEGER NOT NULL,
	UNIQUE (scheme_id, name)
);
CREATE INDEX review_indicators_assessing ON review_indicators (assessing_unit_id);

CREATE TABLE review_periods (
	id @ID@,
	scheme_id BIGINT NOT NULL REFERENCES review_schemes (id),
	-- YYYY-MM (monthly, bimonthly: its first month), YYYY-Qn, or a custom key
	period_key TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('draft', 'closed')),
	from_at BIGINT NOT NULL,
	to_at BIGINT NOT NULL,
	opened_by BIGINT,
	opened_at BIGINT NOT NULL,
	closed_by BIGINT,
	closed_at BIGINT,
	-- the host of the next on-site meeting: proposed (the best unit at close), confirmed
	-- by the organizer
	host_proposal_id BIGINT REFERENCES units (id),
	host_unit_id BIGINT REFERENCES units (id),
	host_confirmed_by BIGINT,
	host_confirmed_at BIGINT,
	UNIQUE (scheme_id, period_key)
);

-- One row per ranked unit, made when the period opens; total, rank_no and grade filled at
-- close.
CREATE TABLE review_cards (
	period_id BIGINT NOT NULL REFERENCES review_periods (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	total DOUBLE PRECISION,
	rank_no INTEGER,
	grade TEXT,
	PRIMARY KEY (period_id, unit_id)
);
CREATE INDEX review_cards_unit ON review_cards (unit_id, period_id);

-- The frozen cells of a closed period: per unit and indicator, the raw value and score.
CREATE TABLE review_cells (
	period_id BIGINT NOT NULL REFERENCES review_periods (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	indicator_id BIGINT NOT NULL REFERENCES review_indicators (id),
	raw DOUBLE PRECISION,
	score DOUBLE PRECISION,
	PRIMARY KEY (period_id, unit_id, indicator_id)
);

-- Values entered by the assessing unit of an entered indicator.
CREATE TABLE review_values (
	period_id BIGINT NOT NULL REFERENCES review_periods (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	indicator_id BIGINT NOT NULL REFERENCES review_indicators (id),
	value DOUBLE PRECISION NOT NULL,
	entered_by BIGINT NOT NULL,
	entered_at BIGINT NOT NULL,
	PRIMARY KEY (period_id, unit_id, indicator_id)
);

-- The review meetings (调度会): on site at the host.
CREATE TABLE review_meetings (
	id @ID@,
	scheme_id BIGINT NOT NULL REFERENCES review_schemes (id),
	period_id BIGINT REFERENCES review_periods (id),
	held_on TEXT NOT NULL,
	host_unit_id BIGINT REFERENCES units (id),
	title TEXT NOT NULL,
	-- JSON arrays of text
	sites TEXT NOT NULL,
	attendees TEXT NOT NULL,
	summary TEXT,
	created_by BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX review_meetings_scheme ON review_meetings (scheme_id, held_on);

-- A decision of a meeting: a task with an owner unit and a deadline, or a key issue
-- (key_issue_id once one is made for it).
CREATE TABLE review_decisions (
	id @ID@,
	meeting_id BIGINT NOT NULL REFERENCES review_meetings (id),
	text TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('task', 'key_issue')),
	owner_unit_id BIGINT REFERENCES units (id),
	deadline TEXT,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
	key_issue_id BIGINT
);
CREATE INDEX review_decisions_meeting ON review_decisions (meeting_id);
