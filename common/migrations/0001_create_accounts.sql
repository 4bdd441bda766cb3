-- Staff accounts and their sessions. Passwords are Argon2id PHC strings; session tokens are
-- stored only as SHA-256 hashes, so a database leak does not leak live sessions.
CREATE TABLE accounts (
	id bigserial PRIMARY KEY,
	username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,31}$'),
	password_hash text NOT NULL,
	role text NOT NULL,
	failed_logins integer NOT NULL DEFAULT 0,
	first_failed_at timestamptz,
	locked_until timestamptz,
	created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON COLUMN accounts.failed_logins IS
	'failures since first_failed_at; 5 within 15 minutes set locked_until = now() + 15 minutes';

CREATE TABLE sessions (
	token_hash bytea PRIMARY KEY,
	account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL
);
COMMENT ON TABLE sessions IS 'open sessions; token_hash = sha256(cookie token)';
CREATE INDEX sessions_expires ON sessions (expires_at);
