-- Needs residents express on the citizen platform (its services space), mirrored read-only on
-- the official platform, which answers them. A row is named by (origin, origin_id): on the
-- citizen platform origin_id = id. text and display_name are public (moderated) and erasable:
-- hiding a need blanks them here and in both event logs.
CREATE TABLE needs (
	id bigserial PRIMARY KEY,
	origin text NOT NULL CHECK (origin IN ('official', 'citizen')),
	origin_id bigint NOT NULL,
	quarter text NOT NULL,
	theme text NOT NULL CHECK (theme ~ '^[a-z][a-z0-9_]{0,31}$'),
	text text NOT NULL,
	display_name text NOT NULL,
	lang text NOT NULL DEFAULT 'ar',
	-- "me too": supporters_base (the demo's counts, behind which no verified contact stands)
	-- plus the need's rows in participation_supports; a job brings supporters up to date every
	-- few seconds (citizen side) and sends the new count in one need.supported per need, so a
	-- burst of "me too" queues neither on this row nor on the events' ceiling
	supporters int NOT NULL DEFAULT 0 CHECK (supporters >= 0),
	supporters_base int NOT NULL DEFAULT 0 CHECK (supporters_base >= 0),
	-- the count the last need.supported event carried (citizen side)
	supporters_sent int NOT NULL DEFAULT 0,
	answer text,
	answer_lang text,
	answered_at timestamptz,
	hidden_reason text,
	created_at timestamptz NOT NULL,
	UNIQUE (origin, origin_id));
CREATE INDEX needs_quarter_theme ON needs (quarter, theme) WHERE hidden_reason IS NULL;
CREATE INDEX needs_created ON needs (created_at DESC, id DESC) WHERE hidden_reason IS NULL;
CREATE INDEX needs_unsent ON needs (id) WHERE supporters <> supporters_sent;
COMMENT ON TABLE needs IS 'residents'' needs: origin citizen; me-too tallies and the commune''s answers';
