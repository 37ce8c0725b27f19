-- The finish deadline's window starts at the dispatch, and again when a closed case is
-- reopened with a new deadline: the 80% warning is measured from finish_from (NULL: from
-- dispatched_at), so a reopened case is not warned the moment it reopens.
ALTER TABLE cases ADD COLUMN finish_from BIGINT;
