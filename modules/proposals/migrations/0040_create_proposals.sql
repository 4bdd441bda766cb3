-- Residents' proposals (citizen-owned, mirrored on the official side), their stages (the
-- threshold, expiry and overdue stages signed by the citizen platform, the commune's stages by
-- the official one) and the arguments for and against. Same tables on both platforms; the
-- events that carry each part are in docs/protocol.md ("Proposals").
CREATE TABLE proposals (
	id bigserial PRIMARY KEY,
	origin text NOT NULL,
	origin_id bigint NOT NULL,
	ref text NOT NULL UNIQUE CHECK (ref ~ '^P-[0-9A-Z]{4}-[0-9A-Z]{4}$'),
	type text NOT NULL CHECK (type ~ '^[a-z_]{1,32}$'),
	title text NOT NULL,
	body text NOT NULL,
	quarter text NOT NULL,
	lat_e6 bigint,
	lon_e6 bigint,
	photo jsonb,
	author_name text NOT NULL,
	lang text NOT NULL DEFAULT 'ar',
	-- the collective's moderation: pending (pre-moderated, not public yet), public, hidden
	visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('pending', 'public', 'hidden')),
	hidden_reason text,
	text_sha256 text,
	stage text NOT NULL DEFAULT 'submitted' CHECK (stage IN ('submitted', 'supported',
		'examined', 'agenda', 'adopted', 'refused', 'expired')),
	supporters integer NOT NULL DEFAULT 0 CHECK (supporters >= 0),
	-- the tally last sent to the peer (citizen side: the tally job sends what changed)
	supporters_sent integer NOT NULL DEFAULT 0,
	threshold integer NOT NULL CHECK (threshold > 0),
	-- times from the signed events (occurred_at), identical on both sides
	submitted_at timestamptz NOT NULL DEFAULT now(),
	created_at timestamptz,
	support_until timestamptz,
	forwarded_at timestamptz,
	due_at timestamptz,
	session_date date,
	answer jsonb,
	deliberation_url text,
	answered_at timestamptz,
	overdue_at timestamptz,
	expired_at timestamptz,
	updated_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (origin, origin_id),
	CHECK ((lat_e6 IS NULL) = (lon_e6 IS NULL))
);
COMMENT ON COLUMN proposals.ref IS 'public reference P-XXXX-XXXX';
COMMENT ON COLUMN proposals.photo IS '{"sha256", "width", "height"} of the normalized photo, or NULL';
COMMENT ON COLUMN proposals.answer IS 'the commune''s reasoned answer {"ar", "fr"}';
-- the public list, newest first, and its filters (keyset pages by id)
CREATE INDEX proposals_public ON proposals (id DESC) WHERE visibility = 'public';
CREATE INDEX proposals_public_type ON proposals (type, id DESC) WHERE visibility = 'public';
CREATE INDEX proposals_public_quarter ON proposals (quarter, id DESC) WHERE visibility = 'public';
CREATE INDEX proposals_public_stage ON proposals (stage, id DESC) WHERE visibility = 'public';
-- the map: only the proposals with a place
CREATE INDEX proposals_public_pin ON proposals (id DESC)
	WHERE visibility = 'public' AND lat_e6 IS NOT NULL;
-- the jobs (expiry, overdue) and the commune's queue by due date
CREATE INDEX proposals_open_support ON proposals (support_until) WHERE stage = 'submitted';
CREATE INDEX proposals_due ON proposals (due_at) WHERE due_at IS NOT NULL;
-- a form sent twice is refused: same title and text as a visible proposal
CREATE INDEX proposals_title ON proposals (title);

-- Every stage a proposal went through, at its event's time (the timeline on both sites).
CREATE TABLE proposal_stages (
	id bigserial PRIMARY KEY,
	proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
	stage text NOT NULL CHECK (stage IN ('submitted', 'supported', 'examined', 'agenda',
		'adopted', 'refused', 'expired', 'overdue')),
	at timestamptz NOT NULL,
	UNIQUE (proposal_id, stage)
);

-- Arguments for and against (citizen-owned, mirrored), post-moderated.
CREATE TABLE proposal_arguments (
	id bigserial PRIMARY KEY,
	origin text NOT NULL,
	origin_id bigint NOT NULL,
	proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
	side text NOT NULL CHECK (side IN ('for', 'against')),
	body text NOT NULL,
	author_name text NOT NULL,
	lang text NOT NULL DEFAULT 'ar',
	helpful integer NOT NULL DEFAULT 0 CHECK (helpful >= 0),
	visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'hidden')),
	hidden_reason text,
	text_sha256 text,
	created_at timestamptz NOT NULL,
	UNIQUE (origin, origin_id)
);
CREATE INDEX proposal_arguments_of ON proposal_arguments (proposal_id, side, helpful DESC, id);
