-- Federation protocol version 2 (docs/protocol.md §4.6, docs/decisions/0008): the free text and
-- media of an event leave its signed payload, which keeps a salted hash of each field, and are
-- stored here, beside the log, where erasing them leaves every payload and signature intact.
CREATE TABLE fed_content (
	origin text NOT NULL,
	seq bigint NOT NULL,
	field text NOT NULL,
	salt text NOT NULL,
	json text NOT NULL,
	refs jsonb NOT NULL,
	PRIMARY KEY (origin, seq, field)
);
COMMENT ON TABLE fed_content IS
	'committed fields of stored events (own and the peer''s): salt and JSON text, erasable';
COMMENT ON COLUMN fed_content.refs IS 'the event''s refs, to erase everything about one object';
CREATE INDEX fed_content_refs ON fed_content USING gin (refs jsonb_path_ops);

CREATE TABLE fed_withheld (
	origin text NOT NULL,
	seq bigint NOT NULL,
	field text NOT NULL,
	reason text NOT NULL,
	withheld_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (origin, seq, field)
);
COMMENT ON TABLE fed_withheld IS
	'committed fields whose content was erased (here or at the origin), with the public reason';
