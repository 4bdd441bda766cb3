-- Appointments at the town hall's counters (official platform only; no event carries them).
-- Configuration is data (staff edit it): counters, their weekly hours, the services each takes,
-- closed days; the slots hold the places taken, the bookings the residents' data.

-- One row: the commune's rules. rest_days are weekdays (0 Sunday .. 6 Saturday); secret keys
-- the hash of a contact (the limit per contact never stores the contact in clear).
CREATE TABLE appt_settings (
	id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
	horizon_days int NOT NULL DEFAULT 30 CHECK (horizon_days BETWEEN 1 AND 365),
	notice_minutes int NOT NULL DEFAULT 120 CHECK (notice_minutes BETWEEN 0 AND 20160),
	per_contact int NOT NULL DEFAULT 2 CHECK (per_contact BETWEEN 1 AND 50),
	retention_days int NOT NULL DEFAULT 92 CHECK (retention_days BETWEEN 1 AND 3650),
	rest_days int[] NOT NULL DEFAULT '{5,6}',
	secret text NOT NULL DEFAULT gen_random_uuid()::text || gen_random_uuid()::text);
INSERT INTO appt_settings DEFAULT VALUES;

CREATE TABLE appt_counters (
	id bigserial PRIMARY KEY,
	name jsonb NOT NULL,  -- {"ar": .., "fr": ..}
	place jsonb NOT NULL,
	active boolean NOT NULL DEFAULT true);

-- Opening hours in minutes of the day, Africa/Algiers time; no row: closed that weekday.
CREATE TABLE appt_hours (
	counter_id bigint NOT NULL REFERENCES appt_counters ON DELETE CASCADE,
	weekday smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
	opens int NOT NULL CHECK (opens BETWEEN 0 AND 1439),
	closes int NOT NULL CHECK (closes BETWEEN 1 AND 1440 AND closes > opens),
	PRIMARY KEY (counter_id, weekday));

CREATE TABLE appt_offers (
	counter_id bigint NOT NULL REFERENCES appt_counters ON DELETE CASCADE,
	service text NOT NULL CHECK (service ~ '^[a-z0-9-]{2,48}$'),
	title jsonb NOT NULL,
	slot_minutes int NOT NULL CHECK (slot_minutes BETWEEN 5 AND 480),
	capacity int NOT NULL CHECK (capacity BETWEEN 1 AND 100),
	PRIMARY KEY (counter_id, service));
CREATE INDEX appt_offers_service ON appt_offers (service);

-- Days without appointments: counter_id NULL for the whole commune (a public or religious
-- holiday of the commune's list), else one counter closed by an agent.
CREATE TABLE appt_closed (
	id bigserial PRIMARY KEY,
	day date NOT NULL,
	counter_id bigint REFERENCES appt_counters ON DELETE CASCADE,
	reason jsonb NOT NULL DEFAULT '{}');
CREATE UNIQUE INDEX appt_closed_day ON appt_closed (day, coalesce(counter_id, 0));

-- The places taken of a slot: the database refuses overbooking (booked <= capacity), and a
-- booking takes its place with one upsert whose row lock orders concurrent requests.
CREATE TABLE appt_slots (
	id bigserial PRIMARY KEY,
	counter_id bigint NOT NULL REFERENCES appt_counters ON DELETE CASCADE,
	service text NOT NULL,
	starts_at timestamptz NOT NULL,
	capacity int NOT NULL CHECK (capacity >= 1),
	booked int NOT NULL DEFAULT 0,
	CHECK (booked BETWEEN 0 AND capacity),
	UNIQUE (counter_id, service, starts_at));
CREATE INDEX appt_slots_service ON appt_slots (service, starts_at);

-- Bookings. name, contact and contact_hash are personal data: erased retention_days after the
-- slot (erased_at), the row kept for the figures. token_hash: SHA-256 of the private link's
-- token (the token itself is never stored); nonce: the form's one-time value (replays).
CREATE TABLE appt_bookings (
	id bigserial PRIMARY KEY,
	code text NOT NULL UNIQUE,
	token_hash text NOT NULL UNIQUE,
	nonce text NOT NULL UNIQUE,
	slot_id bigint NOT NULL REFERENCES appt_slots,
	counter_id bigint NOT NULL REFERENCES appt_counters ON DELETE CASCADE,
	service text NOT NULL,
	starts_at timestamptz NOT NULL,
	status text NOT NULL DEFAULT 'booked'
		CHECK (status IN ('booked', 'arrived', 'no_show', 'cancelled', 'closed')),
	lang text NOT NULL DEFAULT 'ar',
	name text,
	contact text,
	contact_hash text,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	erased_at timestamptz,
	CHECK (erased_at IS NULL OR (name IS NULL AND contact IS NULL AND contact_hash IS NULL)));
-- one person, one place per slot: no double booking
CREATE UNIQUE INDEX appt_bookings_once ON appt_bookings (slot_id, contact_hash)
	WHERE status = 'booked';
CREATE INDEX appt_bookings_day ON appt_bookings (counter_id, starts_at);
CREATE INDEX appt_bookings_service ON appt_bookings (service, starts_at);
CREATE INDEX appt_bookings_contact ON appt_bookings (contact_hash, starts_at)
	WHERE status = 'booked';
CREATE INDEX appt_bookings_erase ON appt_bookings (starts_at) WHERE erased_at IS NULL;
