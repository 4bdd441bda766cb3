-- Residents' problem reports (citizen-owned, mirrored on the official side) and the commune's
-- answers (official-owned, mirrored on the citizen side). Same tables on both platforms; see
-- docs/decisions/0007-reports.md for who writes what and the events that carry it.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE reports (
	id bigserial PRIMARY KEY,
	origin text NOT NULL,
	origin_id bigint NOT NULL,
	ref text NOT NULL UNIQUE CHECK (ref ~ '^[0-9A-Z-]{4,24}$'),
	category text NOT NULL CHECK (category ~ '^[A-Z]{3}$'),
	title text NOT NULL,
	description text NOT NULL,
	place text NOT NULL DEFAULT '',
	quarter text NOT NULL DEFAULT '',
	geom geometry(Point, 4326),
	lang text NOT NULL DEFAULT 'ar',
	-- the collective's moderation: pending (pre-moderated, not public yet), public, hidden
	visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('pending', 'public', 'hidden')),
	hidden_reason text,
	text_sha256 text,
	-- the commune's status (official-owned); 'new' until the commune has received it
	status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'received', 'forwarded',
		'in_progress', 'scheduled', 'resolved', 'out_of_scope', 'rejected', 'duplicate')),
	status_message text NOT NULL DEFAULT '',
	status_body text NOT NULL DEFAULT '',
	duplicate_of text,
	-- the reporter's own assessment (citizen-owned): none, confirmed, disputed
	assessment text NOT NULL DEFAULT 'none' CHECK (assessment IN ('none', 'confirmed', 'disputed')),
	assessment_comment text NOT NULL DEFAULT '',
	disputes integer NOT NULL DEFAULT 0,
	supporters integer NOT NULL DEFAULT 0,
	photos jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(photos) = 'array'),
	-- times from the signed events (occurred_at), identical on both sides
	created_at timestamptz NOT NULL,
	received_at timestamptz,
	first_answer_at timestamptz,
	resolved_at timestamptz,
	updated_at timestamptz NOT NULL,
	UNIQUE (origin, origin_id)
);
COMMENT ON COLUMN reports.ref IS 'public pseudonymous reference (also the Open311 service_request_id)';
COMMENT ON COLUMN reports.photos IS '[{"sha256", "width", "height"}] of the report''s normalized photos';
CREATE INDEX reports_geom ON reports USING gist (geom);
CREATE INDEX reports_list ON reports (visibility, created_at DESC, id DESC);
CREATE INDEX reports_category ON reports (category, visibility, created_at DESC);
CREATE INDEX reports_status ON reports (status, created_at);

-- Every public change of a report, from either side, at its event's time: the timeline shown on
-- both sites and the source of the accountability figures.
CREATE TABLE report_timeline (
	id bigserial PRIMARY KEY,
	report_id bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
	side text NOT NULL CHECK (side IN ('official', 'citizen')),
	kind text NOT NULL,
	status text NOT NULL DEFAULT '',
	message text NOT NULL DEFAULT '',
	body text NOT NULL DEFAULT '',
	at timestamptz NOT NULL
);
CREATE INDEX report_timeline_report ON report_timeline (report_id, at, id);

-- Private follow-up data, citizen side only: never in a page, an event or a log.
CREATE TABLE report_private (
	report_id bigint PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
	tracking_sha256 text NOT NULL UNIQUE,
	contact text NOT NULL DEFAULT '',
	closed_at timestamptz,
	asked_at timestamptz
);
COMMENT ON TABLE report_private IS 'PERSONAL DATA: reporter contact and tracking-link hash; never public';

-- One support per browser (the hash of its CSRF cookie), citizen side only.
CREATE TABLE report_supports (
	report_id bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
	voter_sha256 text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (report_id, voter_sha256)
);

-- Normalized images (EXIF stripped, re-encoded), by the SHA-256 of the stored JPEG, on the
-- side that received them; the peer links to the origin.
CREATE TABLE photos (
	sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	content_type text NOT NULL,
	width integer NOT NULL,
	height integer NOT NULL,
	data bytea NOT NULL,
	thumb bytea NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
