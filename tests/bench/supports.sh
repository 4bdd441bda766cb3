#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/supports.sh: verified supports at a burst (issue 13). Builds the release preset,
# starts citizen-srv alone on a fresh PostgreSQL cluster, creates one need and SUPPORTS
# verified participants (default 10,000) directly in the database — not through 10,000 mails:
# the SQL below makes each participant's row and a session whose token the client holds, as
# the verification pages would — then POSTs one "me too" per participant, CONCURRENCY (64) in
# flight (tests/bench/participation/burst.mjs), and reports throughput, p50/p99 latency and
# the counts: every support answered 200, the supports table holds exactly SUPPORTS rows for
# the need, and the tally job brings the need's count to SUPPORTS. A second
# pass with the same tokens must be refused whole (409, nothing added). As the bare-server
# baseline of the same run, wrk on the C hello-world server (tests/bench/baseline_hello.c).
# It reports; it exits 1 only when a count is wrong. See docs/performance-participation.md.
#
# Environment (all optional):
#   SUPPORTS=10000 CONCURRENCY=64 BENCH_THREADS=4 BENCH_LOG_LEVEL=warn BENCH_BUILD=1 BENCH_KEEP=0
#   BENCH_BUILD_DIR_RELEASE=   another build folder to measure (with BENCH_BUILD=0)
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BALADIYA_ROOT"

bench_args "$@"
bench_settings SUPPORTS=10000 CONCURRENCY=64 BENCH_LOG_LEVEL=warn BENCH_BUILD=1 BENCH_KEEP=0
bench_whole SUPPORTS CONCURRENCY
BENCH_BUILD_DIR=${BENCH_BUILD_DIR_RELEASE:-$BENCH_BUILD_DIR}
# shellcheck disable=SC2034 # read by lib.sh (bench_build): citizen-srv alone
SIDES=(citizen)

bench_work_init supports
bench_build
bench_baselines_build
bench_cluster pg "shared_buffers = 128MB"
bench_srv_setup citizen pg
bench_srv_keys citizen
bench_srv_start citizen
bench_baselines_start pg

sql() { bench_psql pg baladiya_citizen "$@"; }

# the need (made here without its author's support: every support counted is the burst's)
sql -c "INSERT INTO needs (id, origin, origin_id, quarter, theme, text, display_name, lang,
	supporters, created_at) VALUES (1, 'citizen', 1, 'tighilt', 'childcare', 'Une crèche',
	'Bench', 'fr', 0, now()); SELECT setval('needs_id_seq', 1);" >/dev/null

# SUPPORTS verified participants made in the database: a token of 43 base64url characters (what
# the participation cookie holds), its SHA-256 in participation_sessions, a random key (the
# keyed hash of a contact) in participants. The tokens go to a file for the client.
say "creating $SUPPORTS verified participants in the database"
sql -c "CREATE TABLE bench_tokens AS SELECT i, substr(translate(encode(sha256(
		convert_to(i || ':' || random() || clock_timestamp(), 'UTF8')), 'base64'), '+/=', '-_A'),
		1, 43) AS token, encode(sha256(convert_to(i || ':' || random(), 'UTF8')), 'hex') AS key
	FROM generate_series(1, $SUPPORTS) i;
	INSERT INTO participants (key, channel, lang) SELECT key, 'email', 'fr' FROM bench_tokens;
	INSERT INTO participation_sessions (token_sha256, key, expires_at)
	SELECT encode(sha256(convert_to(token, 'UTF8')), 'hex'), key, now() + interval '1 day'
	FROM bench_tokens;" >/dev/null
sql -c "COPY (SELECT token FROM bench_tokens ORDER BY i) TO STDOUT" >"$WORK/tokens.txt"

URL=$(bench_srv_url citizen)
PREFIX=""
curl -s -D - -o /dev/null "$URL/login" | grep -qi '^set-cookie: __Host-' && PREFIX="__Host-"

bench_idle_before
say "burst: $SUPPORTS supports, $CONCURRENCY in flight"
CPU0=$(bench_cpu_mark)
FIRST=$(node "$BENCH_DIR/participation/burst.mjs" "$URL" 1 "$WORK/tokens.txt" "$CONCURRENCY" "$PREFIX")
CPU=$(bench_cpu_since "$CPU0")
say "again: the same $SUPPORTS participants (each must be refused)"
SECOND=$(node "$BENCH_DIR/participation/burst.mjs" "$URL" 1 "$WORK/tokens.txt" "$CONCURRENCY" "$PREFIX")

ROWS=$(sql -c "SELECT count(*) FROM participation_supports WHERE item_kind = 'need' AND item_id = 1")
COUNT=0
for ((i = 0; i < 300; i++)); do # the tally job runs every 10 s
	COUNT=$(sql -c "SELECT supporters FROM needs WHERE id = 1")
	[ "$COUNT" -lt "$SUPPORTS" ] || break
	sleep 0.2
done
bench_wrk_scripts
bench_wrk report "$BENCH_HELLO_URL/" baseline_hello hello

field() { node -e "process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))" "$1" "$2"; }

printf '\n## supports benchmark, %s\n\n' "$(date -u +%F)"
printf 'Machine: %s; idle before: %s%%; %s verified participants, %s requests in flight, %s handler threads.\n\n' \
	"$(bench_machine)" "$IDLE_BEFORE" "$SUPPORTS" "$CONCURRENCY" "${BENCH_THREADS:-4}"
printf '| pass | requests | 200 | 409 | other | seconds | supports/s | p50 ms | p99 ms | max ms |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for pass in FIRST SECOND; do
	j=${!pass}
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
		"$([ "$pass" = FIRST ] && echo 'first support' || echo 'the same again')" \
		"$(field "$j" sent)" "$(field "$j" ok)" "$(field "$j" conflicts)" "$(field "$j" other)" \
		"$(field "$j" seconds)" "$(field "$j" per_second)" "$(field "$j" p50_ms)" \
		"$(field "$j" p99_ms)" "$(field "$j" max_ms)"
done
printf '\nRows in participation_supports for the need: %s (expected %s: %s).\n' \
	"$ROWS" "$SUPPORTS" "$([ "$ROWS" -eq "$SUPPORTS" ] && echo exact || echo WRONG)"
printf 'The need'"'"'s count after the tally job: %s (expected %s).\n' "$COUNT" "$SUPPORTS"
printf 'CPU during the burst: %s\n' "$CPU"
printf 'Baseline of the same run (C hello world on libmicrohttpd, wrk, %s connections): %s requests/s, p99 %s ms\n' \
	"${BENCH_CONNECTIONS:-64}" "$WRK_RPS" "$WRK_P99"

status=0
[ "$(field "$FIRST" ok)" -eq "$SUPPORTS" ] || status=1
[ "$(field "$SECOND" conflicts)" -eq "$SUPPORTS" ] || status=1
[ "$ROWS" -eq "$SUPPORTS" ] || status=1
[ "$COUNT" -eq "$SUPPORTS" ] || status=1
exit "$status"
