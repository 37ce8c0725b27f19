-- Full-text search over cases: the same CJK tokens (search.c) in a tsvector with GIN.
CREATE TABLE fts_case (
	id BIGINT PRIMARY KEY,
	body tsvector NOT NULL
);
CREATE INDEX fts_case_body ON fts_case USING GIN (body);
