#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/proposals.sh: the residents' proposals lists (issue 13). Builds the release preset
# and the two bare baselines, starts citizen-srv on one PostgreSQL cluster, loads PROPOSALS
# proposals (default 100,000) by SQL (the five demo types, the five quarters, every stage, one
# in 20 with a place, the forwarded ones with a due date, one in 500 hidden, each with its
# timeline row), then loads it with wrk: the list's first page served (page cache) and
# uncached, filtered by type, by quarter and stage, a deep keyset page, its JSON twin, its Atom
# feed, the map page, the GeoJSON and a proposal's page (never cached: its buttons are the
# resident's), next to the hello-world and one-row libpq baselines of the same run. It
# reports; it does not fail. See docs/performance-proposals.md.
#
# Environment (all optional):
#   PROPOSALS=100000
#   BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 BENCH_THREADS=4
#   BENCH_LOG_LEVEL=info  BENCH_BUILD=1  BENCH_KEEP=0   as in tests/bench/publications.sh
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BALADIYA_ROOT"

bench_args "$@"
bench_settings PROPOSALS=100000 BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 \
	BENCH_WRK_THREADS=2 BENCH_THREADS=4 BENCH_LOG_LEVEL=info BENCH_BUILD=1 BENCH_KEEP=0
bench_whole PROPOSALS BENCH_SECONDS BENCH_WARMUP BENCH_CONNECTIONS BENCH_WRK_THREADS \
	BENCH_THREADS
[ "$PROPOSALS" -ge 1000 ] || die "PROPOSALS must be at least 1000"

ensure_packages build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev \
	libcurl4-openssl-dev libssl-dev libpq-dev libargon2-dev libcmark-dev libvips-dev zlib1g-dev \
	postgresql-15 postgresql-15-postgis-3 wrk curl

bench_work_init propbench
bench_build
COMMIT=$(git -C "$BALADIYA_ROOT" rev-parse --short HEAD 2>/dev/null) || COMMIT=unknown
bench_baselines_build

bench_cluster pg "shared_buffers = 128MB"
bench_srv_setup citizen pg
bench_srv_keys citizen
bench_srv_start citizen

say "loading $PROPOSALS proposals into citizen's database"
t0=$EPOCHREALTIME
# ref P-<4>-<4> from the row number in Crockford's base32 (a bijection of i: unique refs)
bench_psql pg baladiya_citizen <<SQL >/dev/null
SELECT setseed(0.13);
INSERT INTO proposals (id, origin, origin_id, ref, type, title, body, quarter, lat_e6, lon_e6,
	author_name, lang, visibility, stage, supporters, supporters_sent, threshold, submitted_at,
	created_at, support_until, forwarded_at, due_at, answered_at, answer, updated_at)
SELECT i, 'citizen', i, 'P-' || substr(c, 1, 4) || '-' || substr(c, 5, 4),
	(ARRAY['amenagement','environnement','culture_sport','social','numerique'])[1 + i % 5],
	'Proposition ' || i || ' : des bancs et des arbres rue ' || (i % 90),
	repeat('Les habitants proposent d''aménager la rue ' || (i % 90) || ' pour les piétons. ', 8),
	(ARRAY['centre','cite500','tighilt','elamel','zone_activites'])[1 + (i / 5) % 5],
	CASE WHEN i % 20 = 0 THEN 36716900 + (random() * 40000)::int - 20000 END,
	CASE WHEN i % 20 = 0 THEN 4049900 + (random() * 60000)::int - 30000 END,
	'Habitant ' || i, 'fr',
	CASE WHEN i % 500 = 0 THEN 'hidden' ELSE 'public' END, s.stage,
	CASE WHEN s.stage IN ('submitted', 'expired') THEN i % 299 ELSE 300 + i % 50 END,
	CASE WHEN s.stage IN ('submitted', 'expired') THEN i % 299 ELSE 300 + i % 50 END,
	300, t.at, t.at, t.at + interval '90 days',
	CASE WHEN s.fwd THEN t.at + interval '20 days' END,
	CASE WHEN s.fwd THEN t.at + interval '80 days' END,
	CASE WHEN s.stage IN ('adopted', 'refused') THEN t.at + interval '70 days' END,
	CASE WHEN s.stage IN ('adopted', 'refused') THEN
		'{"ar": "جواب المجلس", "fr": "Réponse motivée du conseil."}'::jsonb END,
	t.at
FROM generate_series(1, $PROPOSALS) i,
	LATERAL (SELECT now() - make_interval(secs => ($PROPOSALS - i) * 300.0) AS at) t,
	LATERAL (SELECT (ARRAY['submitted','submitted','submitted','expired','supported',
		'examined','agenda','adopted','refused'])[1 + i % 9] AS stage) s0,
	LATERAL (SELECT s0.stage, s0.stage NOT IN ('submitted', 'expired') AS fwd) s,
	LATERAL (SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ',
		1 + (((i::bigint * 2654435761) >> (5 * b)) % 32)::int, 1), '' ORDER BY b) AS c
		FROM generate_series(0, 7) b) r;
SELECT setval('proposals_id_seq', $PROPOSALS);
INSERT INTO proposal_stages (proposal_id, stage, at) SELECT id, 'submitted', created_at FROM proposals;
ANALYZE proposals; ANALYZE proposal_stages;
SQL
LOAD_S=$(bench_calc 'b - a' a="$t0" b="$EPOCHREALTIME")
DEEP=$(bench_psql pg baladiya_citizen -Atc "SELECT id FROM proposals ORDER BY id LIMIT 1 OFFSET $((PROPOSALS / 2))")
REF=$(bench_psql pg baladiya_citizen -Atc "SELECT ref FROM proposals WHERE stage = 'examined' AND visibility = 'public' ORDER BY id DESC LIMIT 1")

url=$(bench_srv_url citizen)
bench_baselines_start pg
bench_wrk_scripts

# label | script | URL (report: as served, the page cache may answer; uncached: rendered)
TARGETS=(
	"hello (baseline)|report|$BENCH_HELLO_URL/"
	"libpq one row (baseline)|report|$BENCH_ROW_URL/row"
	"list, served|report|$url/proposals"
	"list, uncached|uncached|$url/proposals"
	"list, one type|uncached|$url/proposals?type=social"
	"list, quarter+stage|uncached|$url/proposals?quarter=tighilt&stage=examined"
	"list, deep page|uncached|$url/proposals?before=$DEEP"
	"list JSON|uncached|$url/proposals.json"
	"list Atom|uncached|$url/proposals.atom"
	"map page|uncached|$url/proposals/map"
	"GeoJSON|uncached|$url/proposals.geojson"
	"proposal page|uncached|$url/proposals/$REF"
)
say "checking the targets"
for t in "${TARGETS[@]}"; do
	IFS='|' read -r label _ target <<<"$t"
	code=$(curl -sS -o "$WORK/check.body" -w '%{http_code}' "$target")
	[ "$code" = 200 ] || die "$label: $target answered $code: $(head -c 300 "$WORK/check.body")"
done

bench_idle_before
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
declare -A RPS=() P50=() P99=() BAD=()
n=0
for t in "${TARGETS[@]}"; do
	IFS='|' read -r label script target <<<"$t"
	n=$((n + 1))
	pname=citizen-srv
	case $target in
	"$BENCH_HELLO_URL"*) pname=baseline_hello ;;
	"$BENCH_ROW_URL"*) pname=baseline_pg ;;
	esac
	say "[$n/${#TARGETS[@]}] $label"
	bench_wrk "$script" "$target" "$pname" "$n"
	RPS[$n]=$WRK_RPS P50[$n]=$WRK_P50 P99[$n]=$WRK_P99 BAD[$n]=$((WRK_NON2XX + WRK_ERRORS))
done

{
	printf '\nBaladiya proposals benchmark, %s, %s, release build of %s\n' "$STARTED_AT" \
		"$(bench_machine)" "$COMMIT"
	printf 'Data: %s proposals (loaded by SQL in %.1f s); wrk -t%s -c%s, %ss after %ss warm-up; ' \
		"$PROPOSALS" "$LOAD_S" "$BENCH_WRK_THREADS" "$BENCH_CONNECTIONS" "$BENCH_SECONDS" \
		"$BENCH_WARMUP"
	printf 'machine idle before: %s%%.\n\n' "$IDLE_BEFORE"
	printf '| %-26s | %8s | %7s | %7s | %7s | %6s |\n' target 'req/s' 'p50 ms' 'p99 ms' \
		'x hello' 'errors'
	printf '|%s|%s|%s|%s|%s|%s|\n' ---------------------------- ---------- --------- \
		--------- --------- --------
	n=0
	for t in "${TARGETS[@]}"; do
		IFS='|' read -r label _ _ <<<"$t"
		n=$((n + 1))
		printf '| %-26s | %8.0f | %7.2f | %7.2f | %7.2f | %6s |\n' "$label" "${RPS[$n]}" \
			"${P50[$n]}" "${P99[$n]}" "$(bench_calc 'a / b' a="${RPS[$n]}" b="${RPS[1]}")" \
			"${BAD[$n]}"
	done
}
exit 0
