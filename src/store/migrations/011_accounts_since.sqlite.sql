-- Passwords set before this version count from the upgrade, so that no account is
-- expired the moment it happens.
UPDATE users SET password_changed_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
