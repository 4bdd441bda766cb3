#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/reports.sh: the report loop benchmark (issue 5). Builds the release preset and the
# two bare baselines, starts official-srv and citizen-srv on one PostgreSQL cluster, pairs them,
# and loads REPORTS residents' reports (default 100,000) into both databases: the same rows on
# both sides, as the federation would have left them, inserted by SQL (the federation's own
# throughput is tests/bench/federation.sh's subject; 100,000 reports through it would be two
# hundred thousand events before the first measurement). Then loads both daemons with wrk:
#   - the map's GeoJSON for a phone viewport (about 1.1 km × 0.9 km around the map centre);
#   - the nearby search a resident sees before filing (citizen);
#   - a report page;
#   - the agents' inbox (official, signed in) and the moderators' queue (citizen, signed in);
# each as served (page cache) and uncached (a dummy parameter per request), next to the
# hello-world and one-row libpq baselines of the same run. Last, FILINGS reports are filed one
# by one through the real path (the citizen form's POST, its event, delivery, the official
# side's receipt) and the time from submission to the report being in the official inbox is
# printed (median, p95, max). It reports; it does not fail (exit 0 whatever the numbers).
# See docs/performance-reports.md.
#
# Environment (all optional):
#   REPORTS=100000   reports loaded        FILINGS=20   reports filed end to end
#   BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 BENCH_THREADS=4
#   BENCH_LOG_LEVEL=info  BENCH_BUILD=1  BENCH_KEEP=0   as in tests/bench/publications.sh
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BALADIYA_ROOT"

bench_args "$@"
bench_settings REPORTS=100000 FILINGS=20 BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 \
	BENCH_WRK_THREADS=2 BENCH_THREADS=4 BENCH_LOG_LEVEL=info BENCH_BUILD=1 BENCH_KEEP=0
bench_whole REPORTS FILINGS BENCH_SECONDS BENCH_WARMUP BENCH_CONNECTIONS BENCH_WRK_THREADS \
	BENCH_THREADS
[ "$REPORTS" -ge 1 ] || die "REPORTS must be at least 1"

sql() { bench_psql pg "baladiya_$1" -c "$2"; }

# The theme's map centre (demo/*/site.json): the viewport and the nearby search are around it.
read -r LAT LON < <(node -e '
	const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	console.log(s.map.lat, s.map.lon);' "$BALADIYA_ROOT/demo/citizen/site.json")
BBOX=$(bench_calc '(lon - 0.0065) "," (lat - 0.004) "," (lon + 0.0065) "," (lat + 0.004)' \
	lat="$LAT" lon="$LON")

# --- preparing -----------------------------------------------------------------------------

ensure_packages build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev \
	libcurl4-openssl-dev libssl-dev libpq-dev libargon2-dev libcmark-dev libvips-dev \
	postgresql-15 postgresql-15-postgis-3 wrk curl nodejs

bench_work_init repbench
bench_build
COMMIT=$(git -C "$BALADIYA_ROOT" rev-parse --short HEAD 2>/dev/null) || COMMIT=unknown
bench_baselines_build

bench_cluster pg "shared_buffers = 128MB"
for side in "${SIDES[@]}"; do
	bench_srv_setup "$side" pg
	bench_srv_keys "$side"
done
for side in "${SIDES[@]}"; do
	bench_srv_start "$side"
done
bench_pair

# Staff accounts for the signed-in pages: an agent on official, a moderator on citizen.
declare -A ROLE=([official]=agent [citizen]=moderator) COOKIE=()
for side in "${SIDES[@]}"; do
	printf 'bench-password-%s\n' "$side" |
		bench_srv_cmd "$side" user add --role "${ROLE[$side]}" --username bench \
			>>"$WORK/$side-srv.log" 2>&1 || die "$side-srv: could not add the bench account"
done

# login SIDE: prints "Cookie: ..." for a signed-in session of the bench account.
login() {
	local side=$1 url csrf token hdr
	url=$(bench_srv_url "$side")
	hdr="$WORK/login-$side.headers"
	token=$(curl -sS -D "$hdr" "$url/login" |
		sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	csrf=$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*csrf=[^;]*\).*/\1/p' "$hdr" | head -n 1)
	if [ -z "$token" ] || [ -z "$csrf" ]; then
		die "$side-srv: no CSRF token on /login"
	fi
	curl -sS -o /dev/null -D "$hdr" -H "Cookie: $csrf" --data-urlencode "csrf=$token" \
		--data-urlencode username=bench --data-urlencode "password=bench-password-$side" \
		"$url/login"
	local session
	session=$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*session=[^;]*\).*/\1/p' "$hdr" | head -n 1)
	[ -n "$session" ] || die "$side-srv: the bench account could not sign in"
	printf 'Cookie: %s; %s\n' "$session" "$csrf"
}

say "loading $REPORTS reports into both databases"
t0=$EPOCHREALTIME
# The same rows on both sides: report i is citizen's id i; a spread of categories, statuses,
# ages, quarters and places (a point within about 3 km of the centre, one in 20 without a pin),
# a received/first answer/resolution history consistent with the status, and its timeline.
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
	geom, lang, status, status_message, supporters, created_at, received_at, first_answer_at,
	resolved_at, updated_at)
SELECT i, 'citizen', i, 'R-' || substr(code, 1, 4) || '-' || substr(code, 5, 4), category,
	'Signalement ' || i || ' : ' || category,
	'Description du signalement ' || i || ' près de l''école, rue ' || (i % 90) || '.',
	CASE WHEN geom IS NULL THEN 'Rue ' || (i % 90) ELSE '' END, quarter, geom, 'fr', status,
	CASE WHEN status <> 'received' THEN 'Réponse de la commune au signalement ' || i ELSE '' END,
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
	WHERE resolved_at IS NOT NULL AND status <> 'resolved';
VACUUM (ANALYZE) reports;
VACUUM (ANALYZE) report_timeline;
EOF
)
for side in "${SIDES[@]}"; do
	bench_psql pg "baladiya_$side" <<<"$GEN_SQL" >"$WORK/load-$side.log" 2>&1 ||
		die "could not load the reports into baladiya_$side: $(tail -n 5 "$WORK/load-$side.log")"
done
LOAD_S=$(bench_calc 'b - a' a="$t0" b="$EPOCHREALTIME")
say "    loaded in $(bench_fmt "$LOAD_S" %.1f) s"
IN_VIEW=$(sql citizen "SELECT count(*) FROM reports WHERE geom && ST_MakeEnvelope($BBOX, 4326)")
REF=$(sql citizen "SELECT ref FROM reports WHERE geom IS NOT NULL ORDER BY id
	OFFSET $((REPORTS / 2)) LIMIT 1")
[ -n "$REF" ] || die "no report to load"

for side in "${SIDES[@]}"; do
	COOKIE[$side]=$(login "$side")
done

bench_baselines_start pg
bench_wrk_scripts
# the signed-in variants: the same scripts with the session cookie
for script in report uncached; do
	for side in "${SIDES[@]}"; do
		{
			printf 'wrk.headers["Cookie"] = "%s"\n' "${COOKIE[$side]#Cookie: }"
			cat "$WORK/$script.lua"
		} >"$WORK/$script-$side.lua"
	done
done

# --- the runs ------------------------------------------------------------------------------

OURL=$(bench_srv_url official)
CURL=$(bench_srv_url citizen)
# label | side (- for a baseline) | signed in (0/1) | url | process
TARGETS=(
	"hello-world baseline GET /|-|0|$BENCH_HELLO_URL/|baseline_hello"
	"libpq baseline GET /row|-|0|$BENCH_ROW_URL/row|baseline_pg"
	"map GeoJSON (viewport)|citizen|0|$CURL/reports.geojson?bbox=$BBOX|citizen-srv"
	"map GeoJSON (viewport)|official|1|$OURL/staff/inbox.geojson?bbox=$BBOX|official-srv"
	"nearby search|citizen|0|$CURL/reports/nearby.json?lat=$LAT&lon=$LON&category=VOI|citizen-srv"
	"report page|citizen|0|$CURL/reports/$REF|citizen-srv"
	"report page (inbox)|official|1|$OURL/staff/inbox/$REF|official-srv"
	"inbox|official|1|$OURL/staff/inbox|official-srv"
	"moderation queue|citizen|1|$CURL/staff/reports|citizen-srv"
)
ROWS=()
for t in "${TARGETS[@]}"; do
	IFS='|' read -r label side signed url pname <<<"$t"
	for mode in served uncached; do
		[ "$side" != - ] || [ "$mode" = served ] || continue
		ROWS+=("$label|$side|$signed|$mode|$url|$pname")
	done
done

say "checking the targets"
for row in "${ROWS[@]}"; do
	IFS='|' read -r label side signed mode url _ <<<"$row"
	hdr=()
	[ "$signed" = 0 ] || hdr=(-H "${COOKIE[$side]}")
	out=$(curl -sS -o "$WORK/check.body" -w '%{http_code} %{size_download}' "${hdr[@]}" \
		-H 'Accept-Language: ar' "$url") || die "$label: $url does not answer"
	[ "${out%% *}" = 200 ] || die "$label ($side): $url answered $out: $(head -c 300 "$WORK/check.body")"
	printf '    %-28s %-8s %-8s %8s bytes\n' "$label" "$side" "$mode" "${out#* }" >&2
done

bench_idle_before
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
declare -A RPS=() P50=() P99=() NON2XX=() ERRS=() OTHERS=()
n=0
for row in "${ROWS[@]}"; do
	IFS='|' read -r label side signed mode url pname <<<"$row"
	n=$((n + 1))
	script=report
	[ "$mode" = served ] || script=uncached
	[ "$signed" = 0 ] || script="$script-$side"
	say "[$n/${#ROWS[@]}] $label ($side, $mode)"
	bench_wrk "$script" "$url" "$pname" "$n"
	RPS[$n]=$WRK_RPS P50[$n]=$WRK_P50 P99[$n]=$WRK_P99 NON2XX[$n]=$WRK_NON2XX
	ERRS[$n]=$WRK_ERRORS OTHERS[$n]=$WRK_OTHERS_PCT
	say "    $(bench_fmt "$WRK_RPS" %.0f) req/s, p99 $(bench_fmt "$WRK_P99" %.2f) ms"
done

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

HELLO_RPS=${RPS[1]}
ROW_RPS=${RPS[2]}
{
	printf '\nBaladiya report loop benchmark, %s, %s, release build of %s\n' "$STARTED_AT" \
		"$(bench_machine)" "$COMMIT"
	printf 'Data: %s reports on both sides (loaded by SQL in %.1f s); viewport bbox %s holds %s ' \
		"$REPORTS" "$LOAD_S" "$BBOX" "$IN_VIEW"
	printf 'reports; report page %s.\n' "$REF"
	printf 'wrk -t%s -c%s, %ss measured after %ss warm-up; machine idle before: %s%%.\n\n' \
		"$BENCH_WRK_THREADS" "$BENCH_CONNECTIONS" "$BENCH_SECONDS" "$BENCH_WARMUP" \
		"$IDLE_BEFORE"
	printf '| %-28s | %-8s | %-8s | %8s | %7s | %7s | %7s | %7s | %6s |\n' target side mode \
		'req/s' 'p50 ms' 'p99 ms' 'x hello' 'x libpq' 'other%'
	printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------------------------ ---------- \
		---------- ---------- --------- --------- --------- --------- --------
	n=0
	for row in "${ROWS[@]}"; do
		IFS='|' read -r label side _ mode _ _ <<<"$row"
		n=$((n + 1))
		[ "$side" != - ] || mode=-
		printf '| %-28s | %-8s | %-8s | %8.0f | %7.2f | %7.2f | %7.2f | %7.2f | %6s |\n' \
			"$label" "$side" "$mode" "${RPS[$n]}" "${P50[$n]}" "${P99[$n]}" \
			"$(bench_calc 'a / b' a="${RPS[$n]}" b="$HELLO_RPS")" \
			"$(bench_calc 'a / b' a="${RPS[$n]}" b="$ROW_RPS")" "${OTHERS[$n]}"
	done
	if [ "${#FILE_MS[@]}" -gt 0 ]; then
		printf '\nFiling end to end (citizen form POST -> received in the official inbox), %s ' \
			"${#FILE_MS[@]}"
		printf 'reports one after another: median %s ms, p95 %s ms, max %s ms.\n' "$(pct 0.5)" \
			"$(pct 0.95)" "$(pct 1)"
	fi
	n=0
	for row in "${ROWS[@]}"; do
		IFS='|' read -r label side _ mode _ _ <<<"$row"
		n=$((n + 1))
		if [ "${NON2XX[$n]}" != 0 ] || [ "${ERRS[$n]}" != 0 ]; then
			printf 'warning: %s (%s, %s): %s non-2xx responses, %s socket errors\n' "$label" \
				"$side" "$mode" "${NON2XX[$n]}" "${ERRS[$n]}"
		fi
	done
}
exit 0
