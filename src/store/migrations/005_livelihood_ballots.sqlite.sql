-- The secret ballots: a random receipt and the choices (candidate ids, ascending, comma
-- separated), nothing about the voter, no time. WITHOUT ROWID keeps rows in receipt
-- order (random) instead of insertion order.
CREATE TABLE lv_ballots (
	receipt TEXT PRIMARY KEY,
	session_id BIGINT NOT NULL REFERENCES lv_sessions (id),
	choices TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX lv_ballots_session ON lv_ballots (session_id);
