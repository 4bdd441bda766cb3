-- Appointments (module appointments): the history of a booking's moves, by the resident (their
-- private link) or by the commune (an agent at the day view, who then sends a notice with a
-- fresh private link). No personal data: the booking, the two times, who moved it.
CREATE TABLE appt_booking_moves (
	id bigserial PRIMARY KEY,
	booking_id bigint NOT NULL REFERENCES appt_bookings ON DELETE CASCADE,
	from_starts timestamptz NOT NULL,
	to_starts timestamptz NOT NULL,
	moved_by text NOT NULL CHECK (moved_by IN ('resident', 'staff')),
	account_id bigint,
	moved_at timestamptz NOT NULL DEFAULT now(),
	CHECK ((moved_by = 'staff') = (account_id IS NOT NULL)));
CREATE INDEX appt_booking_moves_booking ON appt_booking_moves (booking_id, id);
COMMENT ON TABLE appt_booking_moves IS
	'each move of a booking: from, to, by the resident or an agent (account_id)';
