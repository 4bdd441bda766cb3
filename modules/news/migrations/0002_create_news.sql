-- News of both sides: a platform's own items (origin = itself) and, later, the mirrored items
-- of its peer (origin = the peer, written only by applying the peer's signed events).
CREATE TABLE news (
	id bigserial PRIMARY KEY,
	origin text NOT NULL,
	origin_id bigint NOT NULL,
	title jsonb NOT NULL,
	body jsonb NOT NULL,
	status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'unpublished')),
	unpublish_reason text,
	published_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	author_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
	UNIQUE (origin, origin_id),
	CHECK (jsonb_typeof(title) = 'object' AND jsonb_typeof(body) = 'object')
);
COMMENT ON COLUMN news.title IS 'language code -> text, e.g. {"ar": "...", "fr": "..."}';
COMMENT ON COLUMN news.body IS 'language code -> Markdown source';
COMMENT ON COLUMN news.origin_id IS 'the id on the origin platform (= id for own items)';
CREATE INDEX news_published ON news (published_at DESC, id DESC) WHERE status = 'published';
