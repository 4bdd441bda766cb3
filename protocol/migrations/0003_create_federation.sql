-- Federation protocol v1 storage (docs/protocol.md). fed_events is the log of every origin:
-- this platform's own events (its outbox) and its peer's events (applied to the mirror in the
-- same transaction that stored them). Payloads and envelopes are stored verbatim.
CREATE TABLE fed_events (
	origin text NOT NULL,
	seq bigint NOT NULL CHECK (seq >= 1),
	type text NOT NULL,
	payload text NOT NULL,
	envelope text NOT NULL,
	hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
	stored_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	flag text,
	PRIMARY KEY (origin, seq)
);
COMMENT ON TABLE fed_events IS 'the signed event log of each origin, verbatim, gapless per origin';
COMMENT ON COLUMN fed_events.payload IS 'the exact event bytes (compact UTF-8 JSON) that were signed';
COMMENT ON COLUMN fed_events.envelope IS 'the exact DSSE envelope bytes as made by the origin';
COMMENT ON COLUMN fed_events.flag IS
	'for peer events: unknown_type or invalid_data when stored without changing the mirror';

CREATE TABLE fed_counter (
	origin text PRIMARY KEY,
	last_seq bigint NOT NULL DEFAULT 0,
	last_hash text NOT NULL DEFAULT repeat('0', 64)
);
COMMENT ON TABLE fed_counter IS
	'this platform''s own sequence: locked by each emitting transaction, so seq is gapless';

CREATE TABLE fed_keys (
	kid text PRIMARY KEY,
	owner text NOT NULL,
	public_key text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	retired_at timestamptz,
	pinned_by text NOT NULL
);
COMMENT ON TABLE fed_keys IS 'Ed25519 public keys (base64url x): ours and our peer''s pinned ones; never deleted';
COMMENT ON COLUMN fed_keys.pinned_by IS 'own, pairing (fingerprint checked out of band) or rotation (a keys.rotated event)';

CREATE TABLE fed_peers (
	name text PRIMARY KEY,
	url text NOT NULL,
	acked_seq bigint NOT NULL DEFAULT 0,
	applied_seq bigint NOT NULL DEFAULT 0,
	applied_hash text NOT NULL DEFAULT repeat('0', 64),
	last_error text,
	last_error_at timestamptz,
	last_success_at timestamptz,
	blocked boolean NOT NULL DEFAULT false,
	paired_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON COLUMN fed_peers.acked_seq IS 'our highest seq the peer acknowledged (200/202)';
COMMENT ON COLUMN fed_peers.applied_seq IS 'the peer''s highest seq stored and applied here';
COMMENT ON COLUMN fed_peers.blocked IS 'the peer refused an event with 400/401: an operator must look';

CREATE TABLE fed_pending (
	origin text NOT NULL,
	seq bigint NOT NULL,
	envelope text NOT NULL,
	received_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (origin, seq)
);
COMMENT ON TABLE fed_pending IS 'verified peer events that arrived ahead of a gap, applied once the gap is filled';

CREATE TABLE fed_alarms (
	id bigserial PRIMARY KEY,
	origin text NOT NULL,
	seq bigint,
	kind text NOT NULL,
	detail text NOT NULL,
	evidence text,
	created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE fed_alarms IS 'equivocation and broken chains: both envelopes kept as evidence';

CREATE TABLE fed_webhook_ids (
	id text PRIMARY KEY,
	seen_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE fed_webhook_ids IS 'recent webhook-id values, to refuse replayed deliveries';

CREATE TABLE fed_profiles (
	origin text PRIMARY KEY,
	data jsonb NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE fed_profiles IS 'each side''s public presentation (ours as last published, the peer''s mirrored)';
