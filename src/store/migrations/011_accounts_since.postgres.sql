-- Passwords set before this version count from the upgrade, so that no account is
-- expired the moment it happens.
UPDATE users SET password_changed_at = CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT);
