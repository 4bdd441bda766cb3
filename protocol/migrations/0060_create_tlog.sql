-- The transparency log (docs/protocol.md, "The log as a Merkle tree"): for each origin whose
-- events are stored here (this platform's own and its peer's), the Merkle tree over the exact
-- payload bytes of fed_events, as Go's sumdb/tlog stores it (every complete subtree's hash,
-- numbered by tlog_stored_index), the checkpoints (signed notes) and their cosignatures.
-- The tree of events already stored is built by the daemon's first start (the tree's job).
CREATE TABLE tlog_trees (
	origin text PRIMARY KEY,
	size bigint NOT NULL DEFAULT 0 CHECK (size >= 0)
);
COMMENT ON TABLE tlog_trees IS
	'how many leaves (events of seq 1..size) each origin''s tree holds; locked while it grows';

CREATE TABLE tlog_hashes (
	origin text NOT NULL,
	idx bigint NOT NULL CHECK (idx >= 0),
	hash bytea NOT NULL CHECK (length(hash) = 32),
	PRIMARY KEY (origin, idx)
);
COMMENT ON TABLE tlog_hashes IS
	'stored hashes: leaf hashes SHA-256(0x00 || payload) and every complete subtree''s hash';

CREATE TABLE tlog_checkpoints (
	origin text NOT NULL,
	size bigint NOT NULL CHECK (size >= 0),
	root bytea NOT NULL CHECK (length(root) = 32),
	note text NOT NULL,
	made_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (origin, size)
);
COMMENT ON TABLE tlog_checkpoints IS
	'signed checkpoints (C2SP signed notes, verbatim): own ones made here, the peer''s as fetched';

CREATE TABLE tlog_cosignatures (
	origin text NOT NULL,
	size bigint NOT NULL,
	witness text NOT NULL,
	line text NOT NULL,
	received_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (origin, size, witness),
	FOREIGN KEY (origin, size) REFERENCES tlog_checkpoints (origin, size)
);
COMMENT ON TABLE tlog_cosignatures IS
	'C2SP tlog-cosignature lines on a checkpoint, appended to its note when it is served';

-- Inclusion proofs asked by an event's hash find its seq.
CREATE INDEX fed_events_origin_hash ON fed_events (origin, hash);
