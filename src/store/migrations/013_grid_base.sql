-- 社区治理's grid data (docs/grid.md "Grids and households", "Patrols", "Figures and
-- scores"): each grid unit's profile (boundary, member, backup), its households and key
-- places, the members' patrols, and the weights of the members' monthly score. The
-- events themselves are migration 012's.

-- One row per grid unit that has been given any of these. boundary is a GeoJSON
-- Polygon or MultiPolygon geometry (checked at the edge); its bounding box and centre
-- are kept beside it for the map and for sanity checks.
CREATE TABLE grid_profiles (
	unit_id BIGINT PRIMARY KEY REFERENCES units (id),
	boundary TEXT,
	center_lat DOUBLE PRECISION,
	center_lon DOUBLE PRECISION,
	member_user_id BIGINT REFERENCES users (id),
	backup_user_id BIGINT REFERENCES users (id),
	area_km2 DOUBLE PRECISION,
	notes TEXT,
	updated_at BIGINT NOT NULL
);
CREATE INDEX grid_profiles_member ON grid_profiles (member_user_id);
CREATE INDEX grid_profiles_backup ON grid_profiles (backup_user_id);

-- 实有房屋 / 实有人口: a household per dwelling, its head, contact and members. tags is
-- a comma-framed list of tag words (',elderly_alone,low_income,'), so that a tag filter
-- is one LIKE on either database.
CREATE TABLE grid_households (
	id @ID@,
	grid_id BIGINT NOT NULL REFERENCES units (id),
	address TEXT NOT NULL,
	head_name TEXT NOT NULL,
	id_number TEXT,
	phone TEXT,
	members INTEGER NOT NULL DEFAULT 1 CHECK (members BETWEEN 0 AND 99),
	housing TEXT NOT NULL DEFAULT 'owned'
		CHECK (housing IN ('owned', 'rented', 'public', 'vacant', 'other')),
	tags TEXT NOT NULL DEFAULT ',',
	notes TEXT,
	created_by BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX grid_households_grid ON grid_households (grid_id, id);
CREATE INDEX grid_households_address ON grid_households (grid_id, address);

-- 重点场所: schools, markets, gas stations, sites that the grid watches.
CREATE TABLE grid_places (
	id @ID@,
	grid_id BIGINT NOT NULL REFERENCES units (id),
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	address TEXT,
	contact TEXT,
	phone TEXT,
	created_at BIGINT NOT NULL
);
CREATE INDEX grid_places_grid ON grid_places (grid_id);

-- A member's patrol of a grid. minutes and night_minutes (22:00–06:00 China time) are
-- computed once, when it is recorded.
CREATE TABLE grid_patrols (
	id @ID@,
	grid_id BIGINT NOT NULL REFERENCES units (id),
	user_id BIGINT NOT NULL REFERENCES users (id),
	started_at BIGINT NOT NULL,
	ended_at BIGINT NOT NULL,
	minutes INTEGER NOT NULL,
	night_minutes INTEGER NOT NULL,
	notes TEXT,
	created_at BIGINT NOT NULL,
	CHECK (ended_at > started_at)
);
CREATE INDEX grid_patrols_grid ON grid_patrols (grid_id, started_at);
CREATE INDEX grid_patrols_user ON grid_patrols (user_id, started_at);

-- The weights of a member's monthly score, per role (the admin sets them): points per
-- report, per verification on time, per task done, per hour of patrol.
CREATE TABLE grid_score_weights (
	role TEXT PRIMARY KEY,
	reports DOUBLE PRECISION NOT NULL,
	verifications DOUBLE PRECISION NOT NULL,
	tasks DOUBLE PRECISION NOT NULL,
	patrol_hours DOUBLE PRECISION NOT NULL,
	updated_at BIGINT NOT NULL
);
INSERT INTO grid_score_weights (role, reports, verifications, tasks, patrol_hours, updated_at)
VALUES ('grid_member', 2, 1, 3, 0.5, 0);
