-- Full-text search over every text of a publication with BOTH configurations: a word excluded
-- with "-word" must be absent from the Arabic and the French readings alike, whatever the
-- language of the field it came from. Files get an index and an optional per-language title.
ALTER TABLE publications DROP COLUMN search;
ALTER TABLE publications ADD COLUMN search tsvector GENERATED ALWAYS AS (
	to_tsvector('arabic', coalesce(data #>> '{title,ar}', '') || ' ' || coalesce(data #>> '{title,fr}', '') || ' ' ||
		coalesce(data #>> '{summary,ar}', '') || ' ' || coalesce(data #>> '{summary,fr}', '') || ' ' ||
		coalesce(data #>> '{description,ar}', '') || ' ' || coalesce(data #>> '{description,fr}', '') || ' ' ||
		coalesce(data #>> '{text,ar}', '') || ' ' || coalesce(data #>> '{text,fr}', '') || ' ' ||
		coalesce(data ->> 'number', '')) ||
	to_tsvector('french', coalesce(data #>> '{title,ar}', '') || ' ' || coalesce(data #>> '{title,fr}', '') || ' ' ||
		coalesce(data #>> '{summary,ar}', '') || ' ' || coalesce(data #>> '{summary,fr}', '') || ' ' ||
		coalesce(data #>> '{description,ar}', '') || ' ' || coalesce(data #>> '{description,fr}', '') || ' ' ||
		coalesce(data #>> '{text,ar}', '') || ' ' || coalesce(data #>> '{text,fr}', '') || ' ' ||
		coalesce(data ->> 'number', ''))
) STORED;
CREATE INDEX publications_search ON publications USING gin (search);
CREATE INDEX publication_files_publication ON publication_files (publication_id);
ALTER TABLE publication_files ADD COLUMN title jsonb NOT NULL DEFAULT '{}'
	CHECK (jsonb_typeof(title) = 'object');
COMMENT ON COLUMN publication_files.title IS 'optional per-language title of the file';
