#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/forms.sh: the agents' queue of online files (issue 12). Builds the release preset
# and the two bare baselines, starts official-srv on one PostgreSQL cluster (the forms module
# is official only), loads the demo forms and FILES residents' files (default 100,000) by SQL
# (a spread of the five demo services and the six statuses, with answers, over a year), then
# loads it with wrk, signed in as an agent: the queue's first page, filtered by service, by
# status, by both, a deep keyset page, and a file's page; next to the hello-world and one-row
# libpq baselines of the same run. It reports; it does not fail. See docs/performance-forms.md.
#
# Environment (all optional):
#   FILES=100000
#   BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 BENCH_THREADS=4
#   BENCH_LOG_LEVEL=info  BENCH_BUILD=1  BENCH_KEEP=0   as in tests/bench/publications.sh
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BALADIYA_ROOT"

bench_args "$@"
bench_settings FILES=100000 BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 \
	BENCH_WRK_THREADS=2 BENCH_THREADS=4 BENCH_LOG_LEVEL=info BENCH_BUILD=1 BENCH_KEEP=0
bench_whole FILES BENCH_SECONDS BENCH_WARMUP BENCH_CONNECTIONS BENCH_WRK_THREADS BENCH_THREADS
[ "$FILES" -ge 100 ] || die "FILES must be at least 100"

ensure_packages build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev \
	libcurl4-openssl-dev libssl-dev libpq-dev libargon2-dev libcmark-dev libvips-dev zlib1g-dev \
	postgresql-15 postgresql-15-postgis-3 wrk curl

bench_work_init formbench
bench_build
COMMIT=$(git -C "$BALADIYA_ROOT" rev-parse --short HEAD 2>/dev/null) || COMMIT=unknown
bench_baselines_build

bench_cluster pg "shared_buffers = 128MB"
bench_srv_setup official pg
bench_srv_keys official
bench_srv_start official
bench_srv_cmd official demo load "$BALADIYA_ROOT/demo/official" >>"$WORK/official-srv.log" 2>&1 ||
	die "official-srv demo load failed (see $WORK/official-srv.log)"
printf 'bench-password-agent\n' |
	bench_srv_cmd official user add --role agent --username agent >>"$WORK/official-srv.log" 2>&1 ||
	die "official-srv: could not add the agent account"

say "loading $FILES files into official's database"
t0=$EPOCHREALTIME
# ref D-<4>-<4> from the row number in Crockford's base32; each file 1-3 status changes
bench_psql pg baladiya_official <<SQL >/dev/null
WITH v AS (SELECT id, service, row_number() OVER (ORDER BY service) - 1 AS k
           FROM form_versions WHERE is_current),
g AS (SELECT i, v.id AS vid, v.service FROM generate_series(1, $FILES) i JOIN v ON v.k = i % 5)
INSERT INTO form_files (ref, service, version_id, answers, status, tracking_sha256, submit_key,
                        created_at, updated_at, decided_at)
SELECT 'D-' || substr(c, 1, 4) || '-' || substr(c, 5, 4), g.service, g.vid,
       jsonb_build_object('applicant_name', 'Résident ' || i, 'address', i || ' rue des Oliviers'),
       (ARRAY['received','incomplete','in_progress','ready','refused','closed'])[1 + i % 6],
       encode(sha256(('bench' || i)::bytea), 'hex'), 'benchkey' || i,
       now() - make_interval(days => 365) + make_interval(secs => i * 300.0),
       now() - make_interval(days => 365) + make_interval(secs => i * 300.0 + 86400),
       CASE WHEN i % 6 IN (3, 4, 5) THEN now() - make_interval(days => 365)
            + make_interval(secs => i * 300.0 + (i % 40) * 86400) END
FROM g, LATERAL (SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ',
                   1 + (((i::bigint * 2654435761) >> (5 * b)) % 32)::int, 1), '' ORDER BY b) AS c
                 FROM generate_series(0, 7) b) r;
INSERT INTO form_status_changes (file_id, status, author, at)
SELECT id, 'received', 'resident', created_at FROM form_files;
INSERT INTO form_status_changes (file_id, status, detail, author, at)
SELECT id, status, '{"missing": "Plan de masse"}', 'staff', updated_at FROM form_files
WHERE status <> 'received';
ANALYZE form_files; ANALYZE form_status_changes;
SQL
LOAD_S=$(bench_calc 'b - a' a="$t0" b="$EPOCHREALTIME")
REF=$(bench_psql pg baladiya_official -Atc "SELECT ref FROM form_files ORDER BY id DESC LIMIT 1")
DEEP=$(bench_psql pg baladiya_official -Atc "SELECT id FROM form_files ORDER BY id LIMIT 1 OFFSET $((FILES / 2))")

url=$(bench_srv_url official)
hdr="$WORK/login.headers"
token=$(curl -sS -D "$hdr" "$url/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
csrf=$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*csrf=[^;]*\).*/\1/p' "$hdr" | head -n 1)
curl -sS -o /dev/null -D "$hdr" -H "Cookie: $csrf" --data-urlencode "csrf=$token" \
	--data-urlencode username=agent --data-urlencode password=bench-password-agent "$url/login"
session=$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*session=[^;]*\).*/\1/p' "$hdr" | head -n 1)
[ -n "$session" ] || die "the agent could not sign in"

bench_baselines_start pg
bench_wrk_scripts
{
	printf 'wrk.headers["Cookie"] = "%s; %s"\n' "$session" "$csrf"
	cat "$WORK/report.lua"
} >"$WORK/agent.lua"

# label | script | process | URL
TARGETS=(
	"hello (baseline)|report|baseline_hello|$BENCH_HELLO_URL/"
	"libpq one row (baseline)|report|baseline_pg|$BENCH_ROW_URL/row"
	"queue, first page|agent|official-srv|$url/staff/files"
	"queue, one service|agent|official-srv|$url/staff/files?service=social-aid"
	"queue, one status|agent|official-srv|$url/staff/files?status=incomplete"
	"queue, service+status|agent|official-srv|$url/staff/files?service=building-permit&status=ready"
	"queue, deep page|agent|official-srv|$url/staff/files?before=$DEEP"
	"file page|agent|official-srv|$url/staff/files/$REF"
)
say "checking the targets"
for t in "${TARGETS[@]}"; do
	IFS='|' read -r label script _ target <<<"$t"
	h=()
	[ "$script" = report ] || h=(-H "Cookie: $session; $csrf")
	code=$(curl -sS -o "$WORK/check.body" -w '%{http_code}' "${h[@]}" "$target")
	[ "$code" = 200 ] || die "$label: $target answered $code: $(head -c 300 "$WORK/check.body")"
done

bench_idle_before
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
declare -A RPS=() P50=() P99=() BAD=()
n=0
for t in "${TARGETS[@]}"; do
	IFS='|' read -r label script pname target <<<"$t"
	n=$((n + 1))
	say "[$n/${#TARGETS[@]}] $label"
	bench_wrk "$script" "$target" "$pname" "$n"
	RPS[$n]=$WRK_RPS P50[$n]=$WRK_P50 P99[$n]=$WRK_P99 BAD[$n]=$((WRK_NON2XX + WRK_ERRORS))
done

{
	printf '\nBaladiya forms queue benchmark, %s, %s, release build of %s\n' "$STARTED_AT" \
		"$(bench_machine)" "$COMMIT"
	printf 'Data: %s files (loaded by SQL in %.1f s); wrk -t%s -c%s, %ss after %ss warm-up; ' \
		"$FILES" "$LOAD_S" "$BENCH_WRK_THREADS" "$BENCH_CONNECTIONS" "$BENCH_SECONDS" \
		"$BENCH_WARMUP"
	printf 'machine idle before: %s%%.\n\n' "$IDLE_BEFORE"
	printf '| %-26s | %8s | %7s | %7s | %7s | %6s |\n' target 'req/s' 'p50 ms' 'p99 ms' \
		'x hello' 'errors'
	printf '|%s|%s|%s|%s|%s|%s|\n' ---------------------------- ---------- --------- \
		--------- --------- --------
	n=0
	for t in "${TARGETS[@]}"; do
		IFS='|' read -r label _ _ _ <<<"$t"
		n=$((n + 1))
		printf '| %-26s | %8.0f | %7.2f | %7.2f | %7.2f | %6s |\n' "$label" "${RPS[$n]}" \
			"${P50[$n]}" "${P99[$n]}" "$(bench_calc 'a / b' a="${RPS[$n]}" b="${RPS[1]}")" \
			"${BAD[$n]}"
	done
}
exit 0
