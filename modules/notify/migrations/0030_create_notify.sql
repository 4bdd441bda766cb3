-- Outgoing messages (module notify): the durable queue, follows and their unsubscribe tokens.
-- Personal data: recipient, subject, body, digest (which may hold a private link) are erased a
-- few days after sending (erased_at); the row stays for the figures and the dedupe keys.

CREATE TABLE notify_follows (
	id bigserial PRIMARY KEY,
	item_kind text NOT NULL CHECK (item_kind ~ '^[a-z][a-z0-9_.-]{0,31}$'),
	item_id text NOT NULL CHECK (length(item_id) BETWEEN 1 AND 64),
	channel text NOT NULL CHECK (channel IN ('email', 'sms')),
	recipient text NOT NULL,
	lang text NOT NULL CHECK (lang IN ('ar', 'fr', 'en')),
	created_at timestamptz NOT NULL DEFAULT now(),
	-- when the last digest of this follow is due (not_before): the next is an hour later
	last_digest_at timestamptz,
	-- the item reached its end (notify_item_ended): erased once its last digest is sent
	ended_at timestamptz,
	UNIQUE (item_kind, item_id, channel, recipient));
CREATE INDEX notify_follows_contact ON notify_follows (channel, recipient);
COMMENT ON TABLE notify_follows IS
	'who follows which public item, in clear because it is needed to write; erased by unsubscribe, notify_forget_contact or the item''s module';

-- Unsubscribe links: each follow message carries a fresh token, the follow answers to any.
CREATE TABLE notify_unsubscribe (
	token_hash text PRIMARY KEY,
	follow_id bigint NOT NULL REFERENCES notify_follows ON DELETE CASCADE,
	created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX notify_unsubscribe_follow ON notify_unsubscribe (follow_id);

CREATE TABLE notify_messages (
	id bigserial PRIMARY KEY,
	message_id text NOT NULL UNIQUE DEFAULT gen_random_uuid()::text,
	channel text NOT NULL CHECK (channel IN ('email', 'sms')),
	recipient text,
	lang text NOT NULL CHECK (lang IN ('ar', 'fr', 'en')),
	subject text,
	body text,
	-- a follow's digest, rendered when sent: {title, path, token, changes: [{key, vars, at}]}
	digest jsonb,
	follow_id bigint REFERENCES notify_follows ON DELETE SET NULL,
	kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]{0,63}$'),
	dedupe_key text,
	state text NOT NULL DEFAULT 'queued'
		CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
	attempts int NOT NULL DEFAULT 0,
	not_before timestamptz NOT NULL DEFAULT now(),
	next_attempt timestamptz NOT NULL DEFAULT now(),
	claimed_at timestamptz,
	last_error text,
	created_at timestamptz NOT NULL DEFAULT now(),
	sent_at timestamptz,
	erased_at timestamptz,
	CHECK (erased_at IS NOT NULL OR recipient IS NOT NULL),
	CHECK (body IS NOT NULL OR digest IS NOT NULL OR erased_at IS NOT NULL));
-- one live message per key: queued, being sent or sent
CREATE UNIQUE INDEX notify_messages_dedupe ON notify_messages (dedupe_key)
	WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'sending', 'sent');
CREATE INDEX notify_messages_due ON notify_messages (next_attempt) WHERE state = 'queued';
CREATE INDEX notify_messages_sending ON notify_messages (claimed_at) WHERE state = 'sending';
CREATE INDEX notify_messages_follow ON notify_messages (follow_id) WHERE state = 'queued';
CREATE INDEX notify_messages_erase ON notify_messages (sent_at) WHERE erased_at IS NULL;
COMMENT ON COLUMN notify_messages.message_id IS
	'stable across retries: a message re-sent after a crash between the server''s 250 and our commit carries the same Message-ID';
COMMENT ON COLUMN notify_messages.next_attempt IS
	'not before this time (not_before, then exponential backoff after each failure)';
