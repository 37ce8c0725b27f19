-- Behind a pooler in transaction mode a session's SET does not stay with the session
-- (store_pg.c): the planner setting every connection otherwise sets for itself
-- (join_collapse_limit, see session_setup there) becomes the database's own, for every
-- new server session. Only the database's owner (or a superuser) may set it; anyone else
-- gets a warning and sets it by hand (docs/deploy.md, "PgBouncer").
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET join_collapse_limit = 4', current_database());
EXCEPTION WHEN insufficient_privilege THEN
	RAISE WARNING 'yiwang: could not set join_collapse_limit on the database; see docs/deploy.md';
END;
$$;
