-- Verified participation (citizen platform): a resident proves they hold an e-mail address or
-- a phone number with a one-time code, then a long-lived cookie names them. Counting rests on
-- a keyed hash of the contact (HMAC-SHA256 under a secret kept in BALADIYA_DATA_DIR, never in
-- the database): a copy of the database cannot tell who supported what.

-- One row per verified contact. contact is the address in clear, kept only when the resident
-- asked to be notified (and erased when they erase); key is what supports hold.
CREATE TABLE participants (
	key text PRIMARY KEY CHECK (key ~ '^[0-9a-f]{64}$'),
	channel text NOT NULL CHECK (channel IN ('email', 'sms')),
	lang text NOT NULL,
	notify_ok boolean NOT NULL DEFAULT false,
	contact text,
	created_at timestamptz NOT NULL DEFAULT now(),
	verified_at timestamptz NOT NULL DEFAULT now(),
	CHECK (notify_ok OR contact IS NULL));
COMMENT ON TABLE participants IS 'verified contacts by keyed hash; contact in clear only with notify consent';

-- The one-time codes. code_hmac is an HMAC of the code under the platform secret and the
-- challenge; challenge_sha256 names the browser's pending challenge (its cookie holds the
-- token). contact is the address in clear while the code is pending, only when the resident
-- asked to be notified (it then moves to participants); it is cleared when the code is used,
-- dead or expired.
CREATE TABLE participation_codes (
	id bigserial PRIMARY KEY,
	challenge_sha256 text NOT NULL UNIQUE CHECK (challenge_sha256 ~ '^[0-9a-f]{64}$'),
	key text NOT NULL CHECK (key ~ '^[0-9a-f]{64}$'),
	channel text NOT NULL CHECK (channel IN ('email', 'sms')),
	lang text NOT NULL,
	notify_ok boolean NOT NULL DEFAULT false,
	contact text,
	code_hmac text NOT NULL,
	attempts int NOT NULL DEFAULT 0,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	used_at timestamptz,
	CHECK (notify_ok OR contact IS NULL));
CREATE INDEX participation_codes_key ON participation_codes (key, created_at);
CREATE INDEX participation_codes_created ON participation_codes (created_at);

-- The participation cookies: only the SHA-256 of the token is stored.
CREATE TABLE participation_sessions (
	token_sha256 text PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
	key text NOT NULL REFERENCES participants ON DELETE CASCADE,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	revoked_at timestamptz);
CREATE INDEX participation_sessions_key ON participation_sessions (key);

-- One support per verified contact per item, whatever the kind ("report", "need",
-- "proposal"...): the primary key makes a second one impossible, even under concurrency.
-- The key stays after an erasure (one-per-contact and the tallies must hold).
CREATE TABLE participation_supports (
	item_kind text NOT NULL CHECK (item_kind ~ '^[a-z][a-z0-9_]{0,31}$'),
	item_id bigint NOT NULL,
	key text NOT NULL CHECK (key ~ '^[0-9a-f]{64}$'),
	at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (item_kind, item_id, key));
CREATE INDEX participation_supports_recent ON participation_supports (item_kind, at);
COMMENT ON TABLE participation_supports IS 'one row per (item, verified contact): the keyed hash, never the contact';
