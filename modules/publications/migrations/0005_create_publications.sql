-- What the commune publishes (projects, council sessions, deliberations, budget documents): one
-- table for every kind, the kind's fields in data (validated by common/src/publication.c), the
-- same rows on both platforms (origin = official; the citizen side mirrors them from events).
CREATE TABLE publications (
	id bigserial PRIMARY KEY,
	origin text NOT NULL,
	origin_id bigint NOT NULL,
	kind text NOT NULL CHECK (kind ~ '^[a-z]+$'),
	status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'unpublished')),
	version integer NOT NULL DEFAULT 1,
	data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
	unpublish_reason text,
	published_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	search tsvector GENERATED ALWAYS AS (
		to_tsvector('arabic', coalesce(data #>> '{title,ar}', '') || ' ' ||
			coalesce(data #>> '{summary,ar}', '') || ' ' || coalesce(data #>> '{description,ar}', '') ||
			' ' || coalesce(data #>> '{text,ar}', '') || ' ' || coalesce(data ->> 'number', '')) ||
		to_tsvector('french', coalesce(data #>> '{title,fr}', '') || ' ' ||
			coalesce(data #>> '{summary,fr}', '') || ' ' || coalesce(data #>> '{description,fr}', '') ||
			' ' || coalesce(data #>> '{text,fr}', '') || ' ' || coalesce(data ->> 'number', ''))
	) STORED,
	UNIQUE (origin, kind, origin_id)
);
COMMENT ON COLUMN publications.data IS 'the kind''s fields; texts as {"ar": ..., "fr": ...}';
COMMENT ON COLUMN publications.version IS 'incremented by every change of a published item';
CREATE INDEX publications_list ON publications (kind, status, published_at DESC, id DESC);
CREATE INDEX publications_search ON publications USING gin (search);

CREATE TABLE publication_versions (
	publication_id bigint NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
	version integer NOT NULL,
	status text NOT NULL,
	data jsonb NOT NULL,
	unpublish_reason text,
	changed_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (publication_id, version)
);
COMMENT ON TABLE publication_versions IS 'every public version, so earlier versions stay visible as history';

CREATE TABLE budget_lines (
	publication_id bigint NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
	line_no integer NOT NULL,
	section text NOT NULL CHECK (section IN ('fonctionnement', 'equipement')),
	chapter text NOT NULL,
	article text NOT NULL,
	label text NOT NULL,
	planned bigint NOT NULL CHECK (planned >= 0),
	executed bigint NOT NULL CHECK (executed >= 0),
	PRIMARY KEY (publication_id, line_no)
);
COMMENT ON TABLE budget_lines IS 'lines of a budget document (amounts in DA)';

CREATE TABLE publication_files (
	id bigserial PRIMARY KEY,
	publication_id bigint NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
	name text NOT NULL,
	content_type text NOT NULL,
	size integer NOT NULL,
	sha256 text NOT NULL,
	data bytea,
	created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON COLUMN publication_files.data IS 'the file on its origin; NULL on a mirror (it links to the origin)';

CREATE TABLE reactions (
	id bigserial PRIMARY KEY,
	origin text NOT NULL,
	origin_id bigint NOT NULL,
	target_origin text NOT NULL,
	target_kind text NOT NULL,
	target_id bigint NOT NULL,
	stance text NOT NULL CHECK (stance IN ('support', 'concern')),
	comment text NOT NULL DEFAULT '',
	display_name text NOT NULL DEFAULT '',
	hidden_reason text,
	comment_sha256 text,
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (origin, origin_id)
);
COMMENT ON TABLE reactions IS 'residents'' reactions to official items (citizen-owned, mirrored on the official side)';
COMMENT ON COLUMN reactions.comment_sha256 IS 'when hidden: the hash of the removed comment, which is blanked';
CREATE INDEX reactions_target ON reactions (target_origin, target_kind, target_id);

CREATE TABLE moderation_log (
	id bigserial PRIMARY KEY,
	origin text NOT NULL,
	origin_id bigint NOT NULL,
	action text NOT NULL,
	target text NOT NULL,
	reason text NOT NULL,
	comment_sha256 text,
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (origin, origin_id)
);
COMMENT ON TABLE moderation_log IS 'public log of the collective''s moderation actions';
