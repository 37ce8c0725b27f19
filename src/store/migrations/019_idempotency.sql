-- Idempotency keys (docs/architecture.md "On a cluster"): a client that retries a write
-- after a timeout, a failover or a dead node sends the same Idempotency-Key header and gets
-- the first answer back instead of a second write. The row is inserted inside the very
-- transaction of the write it guards, so it exists exactly when the write committed.
-- scope: "u:<username>" for a logged-in caller, "-" for anonymous (Open311 partners,
-- citizens), whose body (API key included) the hash tells apart. status and body: the
-- answer, stored inside the transaction where the handler renders it there (intake,
-- Open311) or just after; resource: the path whose GET re-renders the answer when the
-- node died between the commit and storing it. Purged after 24 hours by the scheduler.
CREATE TABLE idempotency_keys (
	scope TEXT NOT NULL,
	idem_key TEXT NOT NULL,
	method TEXT NOT NULL,
	path TEXT NOT NULL,
	body_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	resource TEXT,
	resource_status INTEGER,
	status INTEGER,
	content_type TEXT,
	body TEXT,
	PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
