-- Ceilings per minute on the events a platform signs (common/src/outbox.c): one counter per
-- event type and minute, taken in the transaction of the change, shared by the replicas of a
-- daemon. No client is named here: only types, minutes and counts.
CREATE TABLE event_ceilings (
	event_type text NOT NULL,
	window_start timestamptz NOT NULL,
	events integer NOT NULL CHECK (events > 0),
	PRIMARY KEY (event_type, window_start)
);
COMMENT ON TABLE event_ceilings IS
	'events of each type emitted in the minute starting at window_start; rows older than an hour are dropped';
