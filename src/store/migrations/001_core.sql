-- The platform core: health probe, the unit tree, users and roles, sessions, API keys and
-- the hash-chained audit trail. Times are epoch milliseconds. @ID@, @BLOB@, @PATHTEXT@
-- are replaced by each backend's types (see store_impl.h).

CREATE TABLE store_health (
	id INTEGER PRIMARY KEY,
	checked_at BIGINT NOT NULL
);
INSERT INTO store_health (id, checked_at) VALUES (1, 0);

-- One tree of regions and departments. path is the chain of ids from the root, like
-- '/1/5/23/': a unit's subtree is the range [path, path with its last '/' as '0'), one
-- index lookup in either database.
CREATE TABLE units (
	id @ID@,
	parent_id BIGINT REFERENCES units (id),
	kind TEXT NOT NULL CHECK (kind IN ('city', 'county', 'township', 'community', 'village',
	                                   'grid', 'department')),
	name TEXT NOT NULL,
	code TEXT UNIQUE,
	path @PATHTEXT@ NOT NULL UNIQUE,
	depth INTEGER NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_name ON units (name);

CREATE TABLE users (
	id @ID@,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	phone TEXT,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	last_login_at BIGINT
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE user_roles (
	user_id BIGINT NOT NULL REFERENCES users (id),
	role TEXT NOT NULL,
	PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_role ON user_roles (role);

-- Session tokens are 256 random bits; only their BLAKE2b hash is stored.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	ip TEXT,
	revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
	id @ID@,
	name TEXT NOT NULL,
	prefix TEXT NOT NULL,
	key_hash TEXT NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	revoked_at BIGINT
);

-- Append-only: every change, hash-chained. hash = BLAKE2b-256(prev_hash || the row's
-- canonical text); audit_head holds the last seq and hash so that a deleted tail is
-- detected too. Triggers (per backend) refuse UPDATE and DELETE.
CREATE TABLE audit_log (
	seq BIGINT PRIMARY KEY,
	at BIGINT NOT NULL,
	actor_id BIGINT,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	entity TEXT NOT NULL,
	entity_id BIGINT,
	ip TEXT NOT NULL,
	detail TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_actor ON audit_log (actor_id);

CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY,
	seq BIGINT NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
