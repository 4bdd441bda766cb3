-- The maps' counts by area, kept up to date (docs/performance-reports.md, issue 11): a map
-- without filters, which is how both maps open, reads a few dozen cells instead of counting
-- the viewport's reports one by one, so that panning costs the same at any number of reports.
-- Cells are those of reports/report_map.h: squares of 100 × 2^level microdegrees, numbered by
-- floor division of the pin's coordinates, for levels 0 (about 11 m) to 12 (about 45 km).
CREATE TABLE report_map_cells (
	level smallint NOT NULL CHECK (level BETWEEN 0 AND 12),
	cx integer NOT NULL,
	cy integer NOT NULL,
	public_n integer NOT NULL,
	public_lon bigint NOT NULL,
	public_lat bigint NOT NULL,
	inbox_n integer NOT NULL,
	inbox_lon bigint NOT NULL,
	inbox_lat bigint NOT NULL,
	PRIMARY KEY (level, cx, cy)
);
COMMENT ON TABLE report_map_cells IS 'reports with a pin counted by map cell (kept by triggers on reports): public ones, and the inbox''s (all but pending), with the sums of their coordinates for the cell''s mean position';

-- changes: rows (sign, lon_e6, lat_e6, visibility), +1 for a row that counts now, -1 for one
-- that counted before. Groups are locked in one order (the ORDER BY), so that two transactions
-- filing at once wait for each other instead of deadlocking.
CREATE FUNCTION report_map_cells_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	changes text := CASE TG_OP
		WHEN 'INSERT' THEN 'SELECT 1, lon_e6, lat_e6, visibility FROM new_rows'
		WHEN 'DELETE' THEN 'SELECT -1, lon_e6, lat_e6, visibility FROM old_rows'
		ELSE 'SELECT 1, lon_e6, lat_e6, visibility FROM new_rows'
			' UNION ALL SELECT -1, lon_e6, lat_e6, visibility FROM old_rows' END;
BEGIN
	-- most updates (supports, statuses) move no pin and change no visibility; the inner IF's
	-- query names old_rows, which only an update has (PL/pgSQL plans it when it first runs)
	IF TG_OP = 'UPDATE' THEN
		IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
				WHERE (n.lon_e6, n.lat_e6, n.visibility)
					IS DISTINCT FROM (o.lon_e6, o.lat_e6, o.visibility)) THEN
			RETURN NULL;
		END IF;
	END IF;
	EXECUTE 'INSERT INTO report_map_cells AS c (level, cx, cy, public_n, public_lon,'
		' public_lat, inbox_n, inbox_lon, inbox_lat)'
		' SELECT * FROM (SELECT l.level, floor(d.lon_e6 / (100 << l.level)::float8)::integer,'
		'  floor(d.lat_e6 / (100 << l.level)::float8)::integer,'
		'  coalesce(sum(d.sign) FILTER (WHERE d.public), 0) AS pn,'
		'  coalesce(sum(d.sign * d.lon_e6::bigint) FILTER (WHERE d.public), 0) AS plon,'
		'  coalesce(sum(d.sign * d.lat_e6::bigint) FILTER (WHERE d.public), 0) AS plat,'
		'  coalesce(sum(d.sign) FILTER (WHERE d.inbox), 0) AS inn,'
		'  coalesce(sum(d.sign * d.lon_e6::bigint) FILTER (WHERE d.inbox), 0) AS ilon,'
		'  coalesce(sum(d.sign * d.lat_e6::bigint) FILTER (WHERE d.inbox), 0) AS ilat'
		'  FROM (SELECT sign, lon_e6, lat_e6, visibility = ''public'' AS public,'
		'   visibility <> ''pending'' AS inbox FROM (' || changes || ')'
		'   AS x(sign, lon_e6, lat_e6, visibility) WHERE lon_e6 IS NOT NULL) d'
		'  CROSS JOIN generate_series(0, 12) AS l(level) GROUP BY 1, 2, 3) g'
		' WHERE pn <> 0 OR plon <> 0 OR plat <> 0 OR inn <> 0 OR ilon <> 0 OR ilat <> 0'
		' ORDER BY 1, 2, 3'
		' ON CONFLICT (level, cx, cy) DO UPDATE SET'
		'  public_n = c.public_n + excluded.public_n,'
		'  public_lon = c.public_lon + excluded.public_lon,'
		'  public_lat = c.public_lat + excluded.public_lat,'
		'  inbox_n = c.inbox_n + excluded.inbox_n,'
		'  inbox_lon = c.inbox_lon + excluded.inbox_lon,'
		'  inbox_lat = c.inbox_lat + excluded.inbox_lat';
	RETURN NULL;
END
$$;

CREATE TRIGGER report_map_cells_insert AFTER INSERT ON reports
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_map_cells_sync();
CREATE TRIGGER report_map_cells_update AFTER UPDATE ON reports
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION report_map_cells_sync();
CREATE TRIGGER report_map_cells_delete AFTER DELETE ON reports
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_map_cells_sync();

-- the reports already there
INSERT INTO report_map_cells
SELECT l.level, floor(r.lon_e6 / (100 << l.level)::float8)::integer,
	floor(r.lat_e6 / (100 << l.level)::float8)::integer,
	count(*) FILTER (WHERE r.visibility = 'public'),
	coalesce(sum(r.lon_e6::bigint) FILTER (WHERE r.visibility = 'public'), 0),
	coalesce(sum(r.lat_e6::bigint) FILTER (WHERE r.visibility = 'public'), 0),
	count(*) FILTER (WHERE r.visibility <> 'pending'),
	coalesce(sum(r.lon_e6::bigint) FILTER (WHERE r.visibility <> 'pending'), 0),
	coalesce(sum(r.lat_e6::bigint) FILTER (WHERE r.visibility <> 'pending'), 0)
FROM reports r CROSS JOIN generate_series(0, 12) AS l(level)
WHERE r.lon_e6 IS NOT NULL GROUP BY 1, 2, 3;
