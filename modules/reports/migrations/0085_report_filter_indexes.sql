-- The report lists filtered by category or status (issue 11, point 6; docs/performance-reports.md).
-- The indexes of migration 0007 end at created_at, while the lists walk (created_at, id): at
-- 100,000 reports the public list asked for one category read 311 rows from the table for its
-- 21 (0.31 ms), and the inbox asked for the resolved reports was planned again for every request
-- (0.3 ms at each bind: PostgreSQL kept a custom plan, its generic one looking costlier). With
-- the walk's order in the key and the other filtered columns carried, a filtered page reads only
-- its own entries from the index, whatever the value asked, and one generic plan serves them all.
DROP INDEX IF EXISTS reports_status;
DROP INDEX IF EXISTS reports_category;
CREATE INDEX reports_status ON reports (status, created_at, id)
	INCLUDE (visibility, origin, category, quarter, disputes, received_at);
CREATE INDEX reports_category ON reports (category, created_at, id)
	INCLUDE (visibility, origin, status, quarter, disputes, received_at);
