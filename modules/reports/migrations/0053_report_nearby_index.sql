-- The nearby search shown before filing (docs/performance-reports.md, issue 11, point 6):
-- public open reports of one category within a few hundred metres. Through the index on
-- geom::geography, PostgreSQL combined it with the category index (a bitmap AND reading every
-- public report of the category, 7,142 entries at 100,000 reports, for 5 answers); an index of
-- the open public pins alone answers with an index scan of the circle (0.35-0.55 ms instead of
-- 2.5-3 ms a search, pgbench, 100,000 reports).
CREATE INDEX reports_nearby ON reports USING gist ((geom::geography))
	WHERE geom IS NOT NULL AND visibility = 'public'
	AND status NOT IN ('resolved', 'out_of_scope', 'rejected', 'duplicate');
