-- The witness reads its own newest checkpoint.cosigned record naming the peer at every round
-- (protocol/src/witness.c, recorded_floor): what it vouched for, which a database restore takes
-- out of tlog_checkpoints but not out of the log. Without this index a log without such a
-- record would be read whole, backwards, each round.
CREATE INDEX fed_events_cosigned ON fed_events (origin, seq) WHERE type = 'checkpoint.cosigned';
