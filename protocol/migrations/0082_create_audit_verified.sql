-- What the periodic audit of both logs (protocol/src/page_audit.c) verified, per origin's log, so
-- that the next run fetches and verifies only what follows (issue 14): the last seq every copy
-- held and verified, its event hash, the tree's root and right edge at that size, the keys
-- trusted there and the roots of the checkpoints verified. A full run replaces it; a run that
-- finds a problem does not move it.
CREATE TABLE fed_audit_verified (
	origin text PRIMARY KEY,
	state jsonb NOT NULL CHECK (jsonb_typeof(state) = 'object'),
	written_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE fed_audit_verified IS
	'per origin, the part of its log the last audits verified: {seq, hash, root, edge, keys, checkpoints} (audit.h, audit_base)';
