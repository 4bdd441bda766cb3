-- The pilot's anonymous questionnaire and the signatures of its shared assessment.
CREATE TABLE pilot_responses (
	id bigserial PRIMARY KEY,
	lang text NOT NULL CHECK (lang ~ '^[a-z]{2,3}$'),
	answered_on date NOT NULL DEFAULT current_date
);
COMMENT ON TABLE pilot_responses IS
	'one anonymous questionnaire answer: no key, no contact, only the day (one answer per verified contact is held by participation_supports, item pilot_survey)';

CREATE TABLE pilot_answers (
	response_id bigint NOT NULL REFERENCES pilot_responses (id) ON DELETE CASCADE,
	question text NOT NULL,
	value integer NOT NULL CHECK (value BETWEEN 1 AND 5),
	PRIMARY KEY (response_id, question)
);

CREATE TABLE pilot_signatures (
	id bigserial PRIMARY KEY,
	origin text NOT NULL CHECK (origin IN ('official', 'citizen')),
	period_from timestamptz NOT NULL,
	period_to timestamptz NOT NULL,
	digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
	figures jsonb NOT NULL,
	conclusion jsonb NOT NULL,
	declared jsonb NOT NULL DEFAULT '{}',
	signed_at timestamptz NOT NULL
);
COMMENT ON COLUMN pilot_signatures.declared IS
	'counts only the signer can make (the official platform''s form files and bookings, never federated): signed with the event, outside the digest';
COMMENT ON TABLE pilot_signatures IS
	'each side''s pilot.assessment_signed events (own and the peer''s): the figures it counted and their digest';
CREATE INDEX pilot_signatures_latest ON pilot_signatures (origin, period_from, signed_at DESC);
