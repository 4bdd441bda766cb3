-- Key revocation (docs/protocol.md section 12.1, decision 0009): a keys.revoked event names a
-- key of its origin and the last seq of that origin's log the key may sign. Own keys are
-- marked by "keys revoke", the peer's by applying the event. Keys are still never deleted:
-- the envelopes signed before the revocation keep verifying.
ALTER TABLE fed_keys
	ADD COLUMN revoked_after_seq bigint CHECK (revoked_after_seq >= 0),
	ADD COLUMN revoked_at timestamptz;
COMMENT ON COLUMN fed_keys.revoked_after_seq IS
	'NULL, or revoked: the key''s signature is trusted only on its owner''s events with seq <= this, and on no delivery';
COMMENT ON COLUMN fed_keys.revoked_at IS 'when this platform recorded the revocation (informational)';
