-- One alarm per distinct conflict (a retried delivery must not pile up rows), and the hash of
-- each pending envelope so a different envelope for a buffered seq is caught as equivocation.
CREATE UNIQUE INDEX fed_alarms_once ON fed_alarms (origin, seq, kind, md5(coalesce(evidence, '')));
ALTER TABLE fed_pending ADD COLUMN hash text;
COMMENT ON COLUMN fed_pending.hash IS 'hex SHA-256 of the pending event payload';
