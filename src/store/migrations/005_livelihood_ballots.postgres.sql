-- The secret ballots: a random receipt and the choices (candidate ids, ascending, comma
-- separated), nothing about the voter, no time. Each cast rewrites the session's ballots
-- in a random order (src/livelihood_ballot.c), so neither the rows' physical order nor
-- their inserting transaction (xmin) tells one ballot from another.
CREATE TABLE lv_ballots (
	receipt TEXT PRIMARY KEY,
	session_id BIGINT NOT NULL REFERENCES lv_sessions (id),
	choices TEXT NOT NULL
);
CREATE INDEX lv_ballots_session ON lv_ballots (session_id);
