#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/reports.sh: the report loop benchmark (issues 5 and 11). Builds the release preset
# and the two bare baselines, starts official-srv and citizen-srv on one PostgreSQL cluster,
# pairs them, and loads REPORTS residents' reports (default 100,000) into both databases: the
# same rows on both sides, as the federation would have left them, inserted by SQL (the
# federation's own throughput is tests/bench/federation.sh's subject; 100,000 reports through
# it would be two hundred thousand events before the first measurement), one in 500 hidden by
# the moderators (with its moderation log entry) and one in 2,000 still pending on the citizen
# side; and PUBLICATIONS items of each kind (projects, sessions, deliberations, budget
# documents) on the official side, for the staff lists. Then loads both daemons with wrk:
#   - public (citizen): the map's GeoJSON for a phone viewport (about 1.1 km × 0.9 km around
#     the map centre) and for the whole commune, the report list, the map page, the nearby
#     search a resident sees before filing, a report page, the moderation log;
#   - staff, signed in: the agents' map (GeoJSON, viewport and whole commune), inbox (first
#     page, overdue filter, newest first, a deep page by its number and by the cursor its
#     links carry) and report page (official, an agent);
#     the moderators' queue (citizen, a moderator); the staff lists of projects, sessions,
#     deliberations and budget documents (official, an editor);
# public pages as served (page cache) and uncached (a dummy parameter per request), staff
# pages (never cached) once, next to the hello-world and one-row libpq baselines of the same
# run. With BENCH_BEFORE, a second pair of daemons built from another tree runs beside the
# first on its own databases (the same rows) and every target is measured on both, one right
# after the other, so that both tables meet the same machine. Last, FILINGS reports are filed
# one by one through the real path (the citizen form's POST, its event, delivery, the official
# side's receipt) and the time from submission to the report being in the official inbox is
# printed (median, p95, max). It reports; it does not fail (exit 0 whatever the numbers).
# See docs/performance-reports.md.
#
# Environment (all optional):
#   REPORTS=100000   reports loaded        FILINGS=20   reports filed end to end
#   PUBLICATIONS=500 items of each publication kind on the official side (staff lists)
#   BENCH_BEFORE=    a build folder of another tree (e.g. /tmp/wt-before/build/release, a
#                    release build of the commit before a change): measured side by side
#   BENCH_HOLD=0     1: after loading, print the URLs, databases and cookies and wait (Ctrl-C
#                    ends it), for EXPLAIN (ANALYZE) and perf on the loaded daemons
#   BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 BENCH_THREADS=4
#   BENCH_LOG_LEVEL=info  BENCH_BUILD=1  BENCH_KEEP=0   as in tests/bench/publications.sh
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BALADIYA_ROOT"

bench_args "$@"
bench_settings REPORTS=100000 FILINGS=20 PUBLICATIONS=500 BENCH_SECONDS=10 BENCH_WARMUP=3 \
	BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 BENCH_THREADS=4 BENCH_LOG_LEVEL=info BENCH_BUILD=1 \
	BENCH_KEEP=0 BENCH_HOLD=0
BENCH_BEFORE=${BENCH_BEFORE:-}
bench_whole REPORTS FILINGS PUBLICATIONS BENCH_SECONDS BENCH_WARMUP BENCH_CONNECTIONS \
	BENCH_WRK_THREADS BENCH_THREADS
[ "$REPORTS" -ge 1 ] || die "REPORTS must be at least 1"
[ "$PUBLICATIONS" -ge 1 ] || die "PUBLICATIONS must be at least 1"
if [ -n "$BENCH_BEFORE" ]; then
	BENCH_BEFORE=$(cd "$BENCH_BEFORE" && pwd) || die "BENCH_BEFORE: no folder $BENCH_BEFORE"
fi

# The sets of daemons measured: this tree's (suffix ""), and BENCH_BEFORE's (suffix "_before":
# sides official_before and citizen_before, databases baladiya_official_before...).
SETS=("")
[ -z "$BENCH_BEFORE" ] || SETS+=(_before)

sql() { bench_psql pg "baladiya_$1" -c "$2"; }

# The theme's map centre (demo/*/site.json): the viewport and the nearby search are around it;
# the whole commune is the box of every loaded pin (about 6 km × 5.5 km).
read -r LAT LON < <(node -e '
	const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	console.log(s.map.lat, s.map.lon);' "$BALADIYA_ROOT/demo/citizen/site.json")
BBOX=$(bench_calc '(lon - 0.0065) "," (lat - 0.004) "," (lon + 0.0065) "," (lat + 0.004)' \
	lat="$LAT" lon="$LON")
CITY=$(bench_calc '(lon - 0.036) "," (lat - 0.026) "," (lon + 0.036) "," (lat + 0.026)' \
	lat="$LAT" lon="$LON")

# --- preparing -----------------------------------------------------------------------------

ensure_packages build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev \
	libcurl4-openssl-dev libssl-dev libpq-dev libargon2-dev libcmark-dev libvips-dev \
	postgresql-15 postgresql-15-postgis-3 wrk curl nodejs

bench_work_init repbench
bench_build
COMMIT=$(git -C "$BALADIYA_ROOT" rev-parse --short HEAD 2>/dev/null) || COMMIT=unknown
declare -A BUILT=([v]="$COMMIT")
if [ -n "$BENCH_BEFORE" ]; then
	for side in "${SIDES[@]}"; do
		[ -x "$(bench_srv_bin "${side}_before")" ] ||
			die "$(bench_srv_bin "${side}_before") is missing (BENCH_BEFORE)"
	done
	src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$BENCH_BEFORE/CMakeCache.txt")
	BUILT[v_before]=$(git -C "${src:-$BENCH_BEFORE}" rev-parse --short HEAD 2>/dev/null) ||
		BUILT[v_before]=unknown
	grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BENCH_BEFORE/CMakeCache.txt" 2>/dev/null ||
		warn "$BENCH_BEFORE is not a Release build"
fi
bench_baselines_build

bench_cluster pg "shared_buffers = 128MB"
for set in "${SETS[@]}"; do
	for side in "${SIDES[@]}"; do
		bench_srv_setup "$side$set" pg
		bench_srv_keys "$side$set"
	done
done
for set in "${SETS[@]}"; do
	for side in "${SIDES[@]}"; do
		bench_srv_start "$side$set"
	done
	# as bench_pair: official first, so that it trusts citizen's key before citizen delivers
	say "pairing official$set-srv and citizen$set-srv"
	for side in official citizen; do
		peer=citizen
		[ "$side" = official ] || peer=official
		bench_srv_cmd "$side$set" peer pair "$(bench_srv_url "$peer$set")" \
			"${BENCH_FPR[$peer$set]}" >>"$WORK/$side$set-srv.log" 2>&1 ||
			die "$side$set-srv peer pair failed (see $WORK/$side$set-srv.log)"
	done
done

# Staff accounts for the signed-in pages: an agent and an editor on official, a moderator on
# citizen (each named after its role).
declare -A ACCOUNTS=([official]="agent editor" [citizen]=moderator) COOKIE=()
for set in "${SETS[@]}"; do
	for side in "${SIDES[@]}"; do
		for role in ${ACCOUNTS[$side]}; do
			printf 'bench-password-%s\n' "$role" |
				bench_srv_cmd "$side$set" user add --role "$role" --username "$role" \
					>>"$WORK/$side$set-srv.log" 2>&1 ||
				die "$side$set-srv: could not add the $role account"
		done
	done
done

say "loading $REPORTS reports into both databases, $PUBLICATIONS publications of each kind" \
	"into official's"
t0=$EPOCHREALTIME
# The same rows on both sides: report i is citizen's id i; a spread of categories, statuses,
# ages, quarters and places (a point within about 3 km of the centre, one in 20 without a pin),
# a received/first answer/resolution history consistent with the status, and its timeline; one
# resolved report in 11 disputed by its reporter and one confirmed; one in 500 hidden by the
# moderators, with the moderation log's entry.
GEN_SQL=$(
	cat <<EOF
SELECT setseed(0.42);
CREATE TEMP TABLE g AS
SELECT i, (ARRAY['VOI','ECL','PRO','ASS','EAU','VER','SEC','CIR','ANI','ECO','MAR','URB','CIM',
	'AUT'])[1 + i % 14] AS category,
	(ARRAY['received','forwarded','in_progress','scheduled','resolved','resolved','resolved',
	'out_of_scope','rejected'])[1 + (i * 7) % 9] AS status,
	(ARRAY['centre','cite500','tighilt','elamel','zone_activites'])[1 + i % 5] AS quarter,
	now() - (random() * interval '730 days') AS created,
	CASE WHEN i % 20 = 0 THEN NULL ELSE ST_SetSRID(ST_MakePoint(
		$LON + (random() - 0.5) * 0.07, $LAT + (random() - 0.5) * 0.05), 4326) END AS geom,
	(SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ',
		(((i + 1000000) >> (5 * (7 - k))) & 31)::int + 1, 1), '' ORDER BY k)
	 FROM generate_series(0, 7) k) AS code
FROM generate_series(1, $REPORTS) i;
INSERT INTO reports (id, origin, origin_id, ref, category, title, description, place, quarter,
	geom, lang, status, status_message, assessment, disputes, supporters, created_at,
	received_at, first_answer_at, resolved_at, updated_at)
SELECT i, 'citizen', i, 'R-' || substr(code, 1, 4) || '-' || substr(code, 5, 4), category,
	'Signalement ' || i || ' : ' || category,
	'Description du signalement ' || i || ' près de l''école, rue ' || (i % 90) || '.',
	CASE WHEN geom IS NULL THEN 'Rue ' || (i % 90) ELSE '' END, quarter, geom, 'fr', status,
	CASE WHEN status <> 'received' THEN 'Réponse de la commune au signalement ' || i ELSE '' END,
	CASE WHEN status <> 'resolved' THEN 'none' WHEN i % 11 = 0 THEN 'disputed'
		WHEN i % 11 = 1 THEN 'confirmed' ELSE 'none' END,
	CASE WHEN status = 'resolved' AND i % 11 = 0 THEN 1 ELSE 0 END,
	i % 13, created, created + interval '2 minutes',
	CASE WHEN status <> 'received' THEN created + (random() * interval '20 days') END,
	CASE WHEN status = 'resolved' THEN created + interval '20 days'
		+ (random() * interval '40 days') END,
	created + interval '60 days'
FROM g;
SELECT setval(pg_get_serial_sequence('reports', 'id'), $REPORTS);
INSERT INTO report_timeline (report_id, side, kind, status, message, at)
SELECT id, 'citizen', 'created', '', '', created_at FROM reports
UNION ALL
SELECT id, 'official', 'status', 'received', '', received_at FROM reports
UNION ALL
SELECT id, 'official', 'status', status, status_message, first_answer_at FROM reports
	WHERE first_answer_at IS NOT NULL
UNION ALL
SELECT id, 'official', 'status', 'resolved', '', resolved_at FROM reports
	WHERE resolved_at IS NOT NULL AND status <> 'resolved'
UNION ALL
SELECT id, 'citizen', 'assessed', assessment, '', resolved_at + interval '3 days' FROM reports
	WHERE assessment <> 'none';
UPDATE reports SET visibility = 'hidden', hidden_reason = 'Données personnelles',
	text_sha256 = encode(sha256(convert_to(title || E'\n' || description || E'\n' || place,
		'UTF8')), 'hex'),
	title = '', description = '', place = ''
WHERE id % 500 = 3;
INSERT INTO moderation_log (origin, origin_id, action, target, reason, comment_sha256,
	created_at)
SELECT 'citizen', row_number() OVER (ORDER BY id), 'hide_report', 'report/' || id,
	hidden_reason, text_sha256, updated_at - interval '50 days'
FROM reports WHERE visibility = 'hidden';
EOF
)
# One in 2,000 still waits for the moderators on citizen: never public, so official never heard
# of it.
CITIZEN_SQL="UPDATE reports SET visibility = 'pending', status = 'new', status_message = '',
	assessment = 'none', disputes = 0, received_at = NULL, first_answer_at = NULL,
	resolved_at = NULL WHERE id % 2000 = 11 AND visibility = 'public';
DELETE FROM report_timeline t USING reports r WHERE t.report_id = r.id AND t.side = 'official'
	AND r.visibility = 'pending';"
OFFICIAL_SQL="DELETE FROM reports WHERE id % 2000 = 11 AND visibility = 'public';"
# The official side's publications, each kind's fields as the staff form would have written them:
# one in 10 a draft, one in 25 withdrawn, the others published, the newest changed last.
PUB_SQL=$(
	cat <<EOF
INSERT INTO publications (id, origin, origin_id, kind, status, data, unpublish_reason,
	published_at, created_at, updated_at)
SELECT n, 'official', n, kind,
	CASE WHEN i % 10 = 0 THEN 'draft' WHEN i % 25 = 1 THEN 'unpublished' ELSE 'published' END,
	CASE kind
	WHEN 'project' THEN jsonb_build_object(
		'title', jsonb_build_object('fr', 'Projet ' || i || ' : réfection de la voirie',
			'ar', 'مشروع ' || i || ' : تهيئة الطريق'),
		'description', jsonb_build_object('fr', 'Reprise de la chaussée, tranche ' || i || '.',
			'ar', 'إعادة تهيئة الطريق، الشطر ' || i || '.'),
		'category', (ARRAY['voirie','eclairage','assainissement','eau','education',
			'espaces_verts','equipements','autre'])[1 + i % 8],
		'quarter', (ARRAY['centre','cite500','tighilt','elamel','zone_activites'])[1 + i % 5],
		'status', (ARRAY['etude','programme','en_cours','livre','suspendu'])[1 + i % 5],
		'progress', i % 101, 'budget_da', 1000000 + i * 1000, 'funding', 'budget_communal',
		'start_date', to_char(date '2020-01-01' + i % 2000, 'YYYY-MM-DD'))
	WHEN 'session' THEN jsonb_build_object(
		'title', jsonb_build_object('fr', 'Session ordinaire n° ' || i,
			'ar', 'الدورة العادية رقم ' || i),
		'date', to_char(date '2020-01-01' + i % 2000, 'YYYY-MM-DD'),
		'type', (ARRAY['ordinaire','extraordinaire'])[1 + i % 2], 'public', true,
		'agenda', jsonb_build_object('fr', '1. Adoption du procès-verbal', 'ar', '1. المصادقة'))
	WHEN 'deliberation' THEN jsonb_build_object(
		'number', (2020 + i % 7) || '/' || lpad((i % 1000)::text, 3, '0'),
		'title', jsonb_build_object('fr', 'Délibération ' || i || ' : convention de voirie',
			'ar', 'مداولة ' || i),
		'session_date', to_char(date '2020-01-01' + i % 2000, 'YYYY-MM-DD'),
		'summary', jsonb_build_object('fr', 'Résumé de la délibération ' || i || '.',
			'ar', 'ملخص المداولة ' || i),
		'text', jsonb_build_object('fr', 'Texte de la délibération ' || i || '.',
			'ar', 'نص المداولة ' || i),
		'votes_for', 19, 'votes_against', 2, 'abstentions', 2,
		'outcome', (ARRAY['adoptee','rejetee','reportee'])[1 + i % 3])
	ELSE jsonb_build_object(
		'title', jsonb_build_object('fr', 'Budget ' || i, 'ar', 'الميزانية ' || i),
		'year', 2000 + i % 100, 'type', (ARRAY['bp','bs','ca'])[1 + i % 3],
		'summary', jsonb_build_object('fr', 'Résumé du budget ' || i || '.',
			'ar', 'ملخص الميزانية ' || i))
	END,
	CASE WHEN i % 10 <> 0 AND i % 25 = 1 THEN 'Document remplacé' END,
	CASE WHEN i % 10 <> 0 THEN now() - i * interval '1 hour' END,
	now() - i * interval '1 hour', now() - i * interval '1 hour'
FROM (SELECT nextval('publications_id_seq') AS n, i, kind
	FROM unnest(ARRAY['project', 'session', 'deliberation', 'budget']) kind,
		generate_series(1, $PUBLICATIONS) i) s;
EOF
)
VACUUM_SQL="VACUUM (ANALYZE) reports; VACUUM (ANALYZE) report_timeline;
VACUUM (ANALYZE) moderation_log; VACUUM (ANALYZE) publications;"
for set in "${SETS[@]}"; do
	for side in "${SIDES[@]}"; do
		db=baladiya_$side$set
		if [ "$side" = official ]; then
			extra="$OFFICIAL_SQL $PUB_SQL"
		else
			extra=$CITIZEN_SQL
		fi
		bench_psql pg "$db" <<<"$GEN_SQL $extra $VACUUM_SQL" >"$WORK/load-$db.log" 2>&1 ||
			die "could not load the data into $db: $(tail -n 5 "$WORK/load-$db.log")"
	done
done
LOAD_S=$(bench_calc 'b - a' a="$t0" b="$EPOCHREALTIME")
say "    loaded in $(bench_fmt "$LOAD_S" %.1f) s"
IN_VIEW=$(sql citizen "SELECT count(*) FROM reports WHERE geom && ST_MakeEnvelope($BBOX, 4326)")
REF=$(sql citizen "SELECT ref FROM reports WHERE geom IS NOT NULL AND visibility = 'public'
	ORDER BY id OFFSET $((REPORTS / 2)) LIMIT 1")
[ -n "$REF" ] || die "no report to load"
# The inbox's page 100 as its links reach it: the cursor of the last report of page 99, oldest
# first (the same rows, so the same ids, in every set's database; a build without cursors
# ignores "after" and answers page=100 by OFFSET, the way it reached that page).
AFTER100=$(sql official "SELECT id FROM reports WHERE visibility <> 'pending'
	ORDER BY created_at, id OFFSET 4949 LIMIT 1")
[ -n "$AFTER100" ] || AFTER100=1

for set in "${SETS[@]}"; do
	for side in "${SIDES[@]}"; do
		for role in ${ACCOUNTS[$side]}; do
			COOKIE[$side$set:$role]=$(bench_login "$side$set" "$role")
		done
	done
done

bench_baselines_start pg
bench_wrk_scripts
# pan.lua: a phone-sized viewport (0.013° × 0.008°) at random within the loaded pins' area,
# appended to the URL (which ends with "bbox="), for every request
{
	cat "$WORK/report.lua"
	cat <<EOF

local seeded = false
function request()
	if not seeded then
		-- each thread its own sequence: the address of a table of its own Lua state
		math.randomseed(os.time() + tonumber(string.match(tostring({}), "0x(%x+)") or "0", 16))
		seeded = true
	end
	local x = $LON - 0.035 + math.random() * 0.057
	local y = $LAT - 0.025 + math.random() * 0.042
	return wrk.format(nil, wrk.path .. string.format("%.6f,%.6f,%.6f,%.6f", x, y,
		x + 0.013, y + 0.008))
end
EOF
} >"$WORK/pan.lua"
# the signed-in variants: the same scripts with the session cookie
for key in "${!COOKIE[@]}"; do
	for script in report uncached pan; do
		{
			printf 'wrk.headers["Cookie"] = "%s"\n' "${COOKIE[$key]#Cookie: }"
			cat "$WORK/$script.lua"
		} >"$WORK/$script-${key/:/-}.lua"
	done
done

if [ "$BENCH_HOLD" = 1 ]; then
	{
		printf '\nLoaded and signed in; holding until Ctrl-C. PostgreSQL:\n'
		printf '  psql -h 127.0.0.1 -p %s -U %s baladiya_official (or _citizen, ...)\n' \
			"${BENCH_PG_PORT[pg]}" "$BALADIYA_PG_USER"
		for set in "${SETS[@]}"; do
			for side in "${SIDES[@]}"; do
				printf '  %s-srv: %s (pid %s)\n' "$side$set" "$(bench_srv_url "$side$set")" \
					"${BENCH_PIDS[$side$set-srv]}"
			done
		done
		for key in "${!COOKIE[@]}"; do
			printf '  %s: %s\n' "$key" "${COOKIE[$key]}"
		done
		printf '  viewport bbox %s, commune %s, report %s\n' "$BBOX" "$CITY" "$REF"
	} >&2
	while :; do sleep 3600; done
fi

# --- the runs ------------------------------------------------------------------------------

# label | side (- for a baseline) | account (- for none) | modes | path or URL
# Public pages the page cache may answer are measured served and uncached; the others (a
# report page sets the support form's CSRF cookie, the nearby search is an API) uncached;
# signed-in pages are rendered every time: measured once, as they are asked. "panning": each
# request asks for another phone-sized viewport somewhere in the commune (pan.lua appends the
# box), as a map being moved around does: nothing kept from one request serves the next.
NEARBY="/reports/nearby.json?lat=$LAT&lon=$LON&category=VOI"
TARGETS=(
	"hello-world baseline GET /|-|-|served|$BENCH_HELLO_URL/"
	"libpq baseline GET /row|-|-|served|$BENCH_ROW_URL/row"
	"map GeoJSON (viewport)|citizen|-|served uncached|/reports.geojson?bbox=$BBOX"
	"map GeoJSON (commune)|citizen|-|uncached|/reports.geojson?bbox=$CITY"
	"report list|citizen|-|served uncached|/reports"
	"map page|citizen|-|uncached|/reports/map"
	"nearby search|citizen|-|uncached|$NEARBY"
	"report page|citizen|-|uncached|/reports/$REF"
	"moderation log|citizen|-|uncached|/moderation"
	"map GeoJSON (panning)|citizen|-|panning|/reports.geojson?bbox="
	"map GeoJSON (viewport)|official|agent|signed in|/staff/inbox.geojson?bbox=$BBOX"
	"map GeoJSON (commune)|official|agent|signed in|/staff/inbox.geojson?bbox=$CITY"
	"map GeoJSON (panning)|official|agent|panning|/staff/inbox.geojson?bbox="
	"report page (inbox)|official|agent|signed in|/staff/inbox/$REF"
	"inbox|official|agent|signed in|/staff/inbox"
	"inbox, overdue|official|agent|signed in|/staff/inbox?overdue=1"
	"inbox, resolved, newest|official|agent|signed in|/staff/inbox?status=resolved&sort=newest"
	"inbox, page 100|official|agent|signed in|/staff/inbox?page=100"
	"inbox, page 100 (cursor)|official|agent|signed in|/staff/inbox?after=$AFTER100&page=100"
	"moderation queue|citizen|moderator|signed in|/staff/reports"
	"staff projects|official|editor|signed in|/staff/projects"
	"staff sessions|official|editor|signed in|/staff/sessions"
	"staff deliberations|official|editor|signed in|/staff/deliberations"
	"staff budgets|official|editor|signed in|/staff/budgets"
)
# label | side | account | mode | path
ROWS=()
for t in "${TARGETS[@]}"; do
	IFS='|' read -r label side account modes path <<<"$t"
	read -r -a ms <<<"${modes/signed in/signed_in}"
	for mode in "${ms[@]}"; do
		ROWS+=("$label|$side|$account|${mode/_/ }|$path")
	done
done

# row_run ROW SET: sets SCRIPT (wrk's Lua script), URL and PNAME (the process measured) of ROW
# on the daemons of SET.
row_run() {
	local label side account mode path
	IFS='|' read -r label side account mode path <<<"$1"
	SCRIPT=report
	[ "$mode" != uncached ] || SCRIPT=uncached
	[ "$mode" != panning ] || SCRIPT=pan
	[ "$account" = - ] || SCRIPT="$SCRIPT-$side$2-$account"
	if [ "$side" = - ]; then
		URL=$path
		PNAME=baseline_hello
		[[ $label != libpq* ]] || PNAME=baseline_pg
	else
		URL=$(bench_srv_url "$side$2")$path
		PNAME=$side$2-srv
	fi
}

say "checking the targets"
for row in "${ROWS[@]}"; do
	IFS='|' read -r label side account mode _ <<<"$row"
	for set in "${SETS[@]}"; do
		[ "$side" != - ] || [ -z "$set" ] || continue
		row_run "$row" "$set"
		hdr=()
		[ "$account" = - ] || hdr=(-H "${COOKIE[$side$set:$account]}")
		[ "$mode" != panning ] || URL+=$BBOX
		out=$(curl -sS -o "$WORK/check.body" -w '%{http_code} %{size_download}' "${hdr[@]}" \
			-H 'Accept-Language: ar' "$URL") || die "$label: $URL does not answer"
		[ "${out%% *}" = 200 ] ||
			die "$label ($side$set): $URL answered $out: $(head -c 300 "$WORK/check.body")"
		printf '    %-28s %-16s %-9s %8s bytes\n' "$label" "$side$set" "$mode" \
			"${out#* }" >&2
	done
done

bench_idle_before
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# results by "row number|set"
declare -A RPS=() P50=() P99=() NON2XX=() ERRS=() OTHERS=()
n=0
for row in "${ROWS[@]}"; do
	IFS='|' read -r label side _ mode _ <<<"$row"
	n=$((n + 1))
	for set in "${SETS[@]}"; do
		k="$n|$set"
		if [ "$side" = - ] && [ -n "$set" ]; then
			# one baseline for both tables
			RPS[$k]=${RPS[$n|]} P50[$k]=${P50[$n|]} P99[$k]=${P99[$n|]}
			NON2XX[$k]=0 ERRS[$k]=0 OTHERS[$k]=${OTHERS[$n|]}
			continue
		fi
		row_run "$row" "$set"
		say "[$n/${#ROWS[@]}] $label ($side$set, $mode)"
		bench_wrk "$SCRIPT" "$URL" "$PNAME" "$n$set"
		RPS[$k]=$WRK_RPS P50[$k]=$WRK_P50 P99[$k]=$WRK_P99 NON2XX[$k]=$WRK_NON2XX
		ERRS[$k]=$WRK_ERRORS OTHERS[$k]=$WRK_OTHERS_PCT
		say "    $(bench_fmt "$WRK_RPS" %.0f) req/s, p99 $(bench_fmt "$WRK_P99" %.2f) ms"
	done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- filing end to end ---------------------------------------------------------------------

# file_one N: files report N through the citizen form (CSRF cookie and token from the form
# page) and prints the milliseconds from sending the POST to the report being received in the
# official inbox (its row on official with the commune's status "received").
file_one() {
	local n=$1 headers="$WORK/file.headers" token csrf t0 ref i
	token=$(curl -sS -D "$headers" "$CURL/reports/new" |
		sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	csrf=$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*csrf=[^;]*\).*/\1/p' "$headers" | head -n 1)
	if [ -z "$token" ] || [ -z "$csrf" ]; then
		die "no CSRF token on /reports/new"
	fi
	t0=$EPOCHREALTIME
	curl -sS -o "$WORK/file.body" -H "Cookie: $csrf" -H 'Accept: application/json' \
		-F "csrf=$token" -F category=AUT -F "title=Bench filing $n $RANDOM" \
		-F "description=Filed by the benchmark, number $n." -F "place=Rue $n" \
		-F confirm=1 "$CURL/reports" >/dev/null || die "the filing POST failed"
	ref=$(node -e 'const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		console.log((b.report && b.report.ref) || b.ref || "")' "$WORK/file.body" 2>/dev/null) ||
		true
	[ -n "$ref" ] || die "the filing answered no reference: $(head -c 300 "$WORK/file.body")"
	for ((i = 0; i < 3000; i++)); do
		[ "$(sql official "SELECT count(*) FROM reports WHERE ref = '$ref'
			AND status <> 'new'")" = 0 ] || break
		sleep 0.005
	done
	[ "$i" -lt 3000 ] || die "$ref did not reach the official inbox within 15 s"
	bench_calc '(b - a) * 1000' a="$t0" b="$EPOCHREALTIME"
}
CURL=$(bench_srv_url citizen)
FILE_MS=()
if [ "$FILINGS" -gt 0 ]; then
	say "filing $FILINGS reports end to end"
	for ((f = 1; f <= FILINGS; f++)); do
		FILE_MS+=("$(file_one "$f")")
	done
fi
pct() { printf '%s\n' "${FILE_MS[@]}" | sort -n | awk -v p="$1" '{ a[NR] = $1 }
	END { i = int((NR - 1) * p + 0.5) + 1; printf "%.0f", a[i] }'; }

# --- report --------------------------------------------------------------------------------

{
	for set in "${SETS[@]}"; do
		HELLO_RPS=${RPS[1|$set]}
		ROW_RPS=${RPS[2|$set]}
		printf '\nBaladiya report loop benchmark, %s, %s, release build of %s\n' "$STARTED_AT" \
			"$(bench_machine)" "${BUILT[v$set]}"
		printf 'Data: %s reports on both sides (loaded by SQL in %.1f s); viewport bbox %s holds %s ' \
			"$REPORTS" "$LOAD_S" "$BBOX" "$IN_VIEW"
		printf 'reports; commune bbox %s; report page %s; %s publications of each kind.\n' \
			"$CITY" "$REF" "$PUBLICATIONS"
		printf 'wrk -t%s -c%s, %ss measured after %ss warm-up; machine idle before: %s%%; ' \
			"$BENCH_WRK_THREADS" "$BENCH_CONNECTIONS" "$BENCH_SECONDS" "$BENCH_WARMUP" \
			"$IDLE_BEFORE"
		printf 'load average before %s, after %s.\n' "$LOAD_BEFORE" "$LOAD_AFTER"
		if [ "${#SETS[@]}" -gt 1 ]; then
			printf 'Measured side by side with the build of %s: each target on one, then the other.\n' \
				"$(for s in "${SETS[@]}"; do [ "$s" = "$set" ] || printf "%s" "${BUILT[v$s]}"; done)"
		fi
		printf '\n| %-28s | %-8s | %-9s | %8s | %7s | %7s | %7s | %7s | %6s |\n' target side \
			mode 'req/s' 'p50 ms' 'p99 ms' 'x hello' 'x libpq' 'other%'
		printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------------------------ ---------- \
			----------- ---------- --------- --------- --------- --------- --------
		n=0
		for row in "${ROWS[@]}"; do
			IFS='|' read -r label side _ mode _ <<<"$row"
			n=$((n + 1))
			[ "$side" != - ] || mode=-
			printf '| %-28s | %-8s | %-9s | %8.0f | %7.2f | %7.2f | %7.2f | %7.2f | %6s |\n' \
				"$label" "$side" "$mode" "${RPS[$n|$set]}" "${P50[$n|$set]}" \
				"${P99[$n|$set]}" \
				"$(bench_calc 'a / b' a="${RPS[$n|$set]}" b="$HELLO_RPS")" \
				"$(bench_calc 'a / b' a="${RPS[$n|$set]}" b="$ROW_RPS")" "${OTHERS[$n|$set]}"
		done
		n=0
		for row in "${ROWS[@]}"; do
			IFS='|' read -r label side _ mode _ <<<"$row"
			n=$((n + 1))
			if [ "${NON2XX[$n|$set]}" != 0 ] || [ "${ERRS[$n|$set]}" != 0 ]; then
				printf 'warning: %s (%s, %s): %s non-2xx responses, %s socket errors\n' \
					"$label" "$side$set" "$mode" "${NON2XX[$n|$set]}" "${ERRS[$n|$set]}"
			fi
		done
	done
	if [ "${#FILE_MS[@]}" -gt 0 ]; then
		printf '\nFiling end to end (citizen form POST -> received in the official inbox), %s ' \
			"${#FILE_MS[@]}"
		printf 'reports one after another (build %s): median %s ms, p95 %s ms, max %s ms.\n' \
			"$COMMIT" "$(pct 0.5)" "$(pct 0.95)" "$(pct 1)"
	fi
}
exit 0
