-- utc_iso(t): a time as the JSON views show it, "2026-11-26T07:00:00.123456Z" (UTC, RFC 3339),
-- written once here instead of in every query.
CREATE FUNCTION utc_iso(t timestamptz) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
	RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');

-- The nearby search measures on the spheroid (geography, metres): an index on that expression,
-- so that ST_DWithin(geom::geography, ...) is an index scan, not a distance for every report.
CREATE INDEX reports_geog ON reports USING gist ((geom::geography)) WHERE geom IS NOT NULL;
-- The inbox and the moderation queue read reports by age in either direction.
CREATE INDEX reports_age ON reports (created_at, id);
CREATE INDEX reports_pending ON reports (created_at DESC, id DESC) WHERE visibility = 'pending';

-- point_e6(lat, lon): the point of integer microdegrees (events carry no floats).
CREATE FUNCTION point_e6(lat_e6 bigint, lon_e6 bigint) RETURNS geometry LANGUAGE sql IMMUTABLE
	PARALLEL SAFE
	RETURN ST_SetSRID(ST_MakePoint(lon_e6 / 1000000.0, lat_e6 / 1000000.0), 4326);

-- report_json(r): one report as the views and the JSON twins read it, coordinates back to
-- integer microdegrees (exact for our inputs); never anything of report_private.
CREATE FUNCTION report_json(r reports) RETURNS json LANGUAGE sql STABLE PARALLEL SAFE
	RETURN json_build_object('id', r.id, 'origin', r.origin, 'origin_id', r.origin_id,
		'ref', r.ref, 'category', r.category, 'title', r.title, 'description', r.description,
		'place', r.place, 'quarter', r.quarter,
		'lat_e6', round(ST_Y(r.geom) * 1000000)::bigint,
		'lon_e6', round(ST_X(r.geom) * 1000000)::bigint, 'lang', r.lang,
		'visibility', r.visibility, 'hidden_reason', r.hidden_reason,
		'text_sha256', r.text_sha256, 'status', r.status, 'status_message', r.status_message,
		'status_body', r.status_body, 'duplicate_of', r.duplicate_of,
		'assessment', r.assessment, 'assessment_comment', r.assessment_comment,
		'disputes', r.disputes, 'supporters', r.supporters, 'photos', r.photos,
		'created_at', utc_iso(r.created_at), 'received_at', utc_iso(r.received_at),
		'resolved_at', utc_iso(r.resolved_at), 'updated_at', utc_iso(r.updated_at));
