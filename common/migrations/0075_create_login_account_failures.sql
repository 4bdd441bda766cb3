-- Failed sign-ins on one account from all clients together (common/src/login_guard.c), counted
-- here so that every replica of a daemon sees the same number (issue 16). An account is named
-- by an HMAC of the username typed under the day's salt, never by the name; the salt is drawn
-- by the first replica to need it each day (UTC) and dropped the day after. UNLOGGED: a crash
-- may empty both tables, which only restarts the counts.
CREATE UNLOGGED TABLE login_guard_salts (
	day date PRIMARY KEY,
	salt bytea NOT NULL CHECK (octet_length(salt) = 32)
);
CREATE UNLOGGED TABLE login_account_failures (
	account_key bytea PRIMARY KEY,
	window_start timestamptz NOT NULL,
	failures integer NOT NULL CHECK (failures >= 0)
);
CREATE INDEX login_account_failures_window ON login_account_failures (window_start);
COMMENT ON TABLE login_account_failures IS
	'failed sign-ins per account (keyed, nameless) in the 15 minutes from window_start; rows older than an hour are dropped';
