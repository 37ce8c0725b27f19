-- The scheduler's lease (engine/jobs.c): on PostgreSQL behind a pooler in transaction mode
-- (YIWANG_PG_POOLER=transaction) a session advisory lock would stay on whichever server
-- session took it, so the node that runs a pass holds this row instead: claimed by one
-- UPDATE while until_ms (the database's clock, epoch milliseconds) has passed, renewed
-- between the pass's steps, released at its end. Unused on SQLite and without a pooler.
CREATE TABLE job_leases (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	until_ms BIGINT NOT NULL
);
INSERT INTO job_leases (name, holder, until_ms) VALUES ('scheduler', '', 0);
