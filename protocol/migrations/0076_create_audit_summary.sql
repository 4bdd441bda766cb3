-- The summary of the last periodic audit of both logs (protocol/src/page_audit.c), shown on the
-- public /audit page: in the database, so that every replica of a daemon shows the one the
-- job's runner wrote (issue 16; it was <data dir>/audit/last.json, still read when no row is
-- here yet). One row.
CREATE TABLE fed_audit_summary (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	summary jsonb NOT NULL CHECK (jsonb_typeof(summary) = 'object'),
	written_at timestamptz NOT NULL DEFAULT now()
);
