-- The maps and the staff lists at scale (docs/performance-reports.md, issue 11).
--
-- A map counts the reports of its viewport by area without reading the table: the pin in
-- integer microdegrees as two stored columns, and an index whose key is (a 0.001° band of
-- longitude, latitude) and which carries what the maps' filters read, so that one index probe
-- per band of the viewport answers the count (an index-only scan; the table is not read).
ALTER TABLE reports
	ADD COLUMN lon_e6 integer GENERATED ALWAYS AS (round(ST_X(geom) * 1000000)::integer) STORED,
	ADD COLUMN lat_e6 integer GENERATED ALWAYS AS (round(ST_Y(geom) * 1000000)::integer) STORED;
COMMENT ON COLUMN reports.lon_e6 IS 'the pin''s longitude in microdegrees (from geom), for the maps'' index';
COMMENT ON COLUMN reports.lat_e6 IS 'the pin''s latitude in microdegrees (from geom), for the maps'' index';
CREATE INDEX reports_map ON reports ((lon_e6 / 1000), lat_e6)
	INCLUDE (lon_e6, visibility, status, category, quarter, disputes, created_at, received_at)
	WHERE lon_e6 IS NOT NULL;

-- The inbox's pages and the moderators' queue walk reports by age and filter them: with the
-- filtered columns in the age index, the rows a page skips or filters out are read from the
-- index alone, and only the page's rows from the table.
DROP INDEX reports_age;
CREATE INDEX reports_age ON reports (created_at, id)
	INCLUDE (visibility, origin, status, category, quarter, disputes, received_at);
