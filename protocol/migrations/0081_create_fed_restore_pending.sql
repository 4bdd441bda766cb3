-- Own events re-imported after a database restore whose state could not be rebuilt yet because
-- they name an object of the peer that the mirror does not hold (docs/decisions/0010,
-- docs/protocol.md §10.3): the puller retries them, in seq order, after each catch-up of the
-- peer's log, and raises the alarm not_restored for those still waiting once it has caught up.
CREATE TABLE fed_restore_pending (
	origin text NOT NULL,
	seq bigint NOT NULL,
	type text NOT NULL,
	refs jsonb NOT NULL,
	missing text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (origin, seq)
);
COMMENT ON TABLE fed_restore_pending IS
	'own re-imported events whose restorer waits for the peer''s objects they name';
COMMENT ON COLUMN fed_restore_pending.refs IS 'the event''s refs, to tell an applier that own events about an object are on their way';
COMMENT ON COLUMN fed_restore_pending.missing IS 'the peer''s objects the event names, for the alarm when they never come';
CREATE INDEX fed_restore_pending_refs ON fed_restore_pending USING gin (refs jsonb_path_ops);
