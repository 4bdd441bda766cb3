#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/appointments.sh: the appointments benchmark (issue 12). Builds the release preset
# and the two bare baselines, starts official-srv alone (bookings never leave it) on a fresh
# PostgreSQL cluster, and measures with wrk, next to the hello-world and one-row libpq
# baselines of the same run:
#   - booking under contention: RESIDENTS residents (default 10,000), each a new contact,
#     post the booking form for the same morning (the 16 quarter-hour slots from 08:00 of one
#     counter, 5 places each: 80 places) over BENCH_CONNECTIONS connections; requests/s and
#     p50/p99 of all answers (201 booked, 409 booking_slot_full), then the rows are checked:
#     exactly 80 bookings, no slot over its capacity;
#   - the agents' day view: APPOINTMENTS appointments (default 50,000: 5 counters, 100 days,
#     100 a counter-day) loaded by SQL, one counter's day (100 rows with names and contacts)
#     signed in as an agent, p99 at BENCH_CONNECTIONS connections.
# It reports; it does not fail on the numbers (exit 0 whatever they are). See
# docs/performance-appointments.md.
#
# Environment (all optional):
#   RESIDENTS=10000 APPOINTMENTS=50000 (a multiple of 500)
#   BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 BENCH_THREADS=4
#   BENCH_LOG_LEVEL=warn BENCH_BUILD=1 BENCH_KEEP=0   as in tests/bench/publications.sh
#   BENCH_BUILD_DIR_RELEASE=   another release build folder to measure (BENCH_BUILD=0)
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BALADIYA_ROOT"

bench_args "$@"
bench_settings RESIDENTS=10000 APPOINTMENTS=50000 BENCH_SECONDS=10 BENCH_WARMUP=3 \
	BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 BENCH_THREADS=4 BENCH_LOG_LEVEL=warn BENCH_BUILD=1 \
	BENCH_KEEP=0
bench_whole RESIDENTS APPOINTMENTS BENCH_SECONDS BENCH_WARMUP BENCH_CONNECTIONS \
	BENCH_WRK_THREADS BENCH_THREADS
if [ $((APPOINTMENTS % 500)) -ne 0 ] || [ "$APPOINTMENTS" -lt 500 ]; then
	die "APPOINTMENTS must be a multiple of 500"
fi
BENCH_BUILD_DIR=${BENCH_BUILD_DIR_RELEASE:-$BENCH_BUILD_DIR}
# shellcheck disable=SC2034 # read by lib.sh (bench_build): official-srv alone
SIDES=(official)

bench_work_init appointments
bench_build
bench_baselines_build
bench_cluster pg "shared_buffers = 128MB"
bench_baselines_start pg
bench_srv_setup official pg
bench_srv_keys official
bench_srv_start official
bench_wrk_scripts

sql() { bench_psql pg baladiya_official "$@"; }

printf 'bench-password-agent\n' | bench_srv_cmd official user add --role agent --username agent \
	>>"$WORK/official-srv.log" 2>&1 || die "could not add the agent account"

# The configuration: 5 counters open every day 08:00-16:30 (no rest day, no notice, a year
# ahead); bench-morning (counter 1, quarter hours of 5 places) for the contention, bench-desk
# (every counter, 5-minute slots of 1) for the day view.
COUNTER_DAYS=$((APPOINTMENTS / 100))
DAYS=$((COUNTER_DAYS / 5))
say "configuring 5 counters; loading $APPOINTMENTS appointments ($DAYS days of 5 counters)"
t0=$EPOCHREALTIME
sql -v days="$DAYS" >/dev/null <<'EOF'
UPDATE appt_settings SET rest_days = '{}', horizon_days = 365, notice_minutes = 0;
INSERT INTO appt_counters (id, name, place)
SELECT c, jsonb_build_object('ar', 'شباك ' || c, 'fr', 'Guichet ' || c),
	'{"ar": "مقر البلدية", "fr": "Hôtel de ville"}'
FROM generate_series(1, 5) c;
SELECT setval('appt_counters_id_seq', 5);
INSERT INTO appt_hours SELECT c, wd, 480, 990 FROM generate_series(1, 5) c, generate_series(0, 6) wd;
INSERT INTO appt_offers VALUES (1, 'bench-morning', '{"ar": "صباح", "fr": "Matinée"}', 15, 5);
INSERT INTO appt_offers SELECT c, 'bench-desk', '{"ar": "شباك", "fr": "Guichet"}', 5, 1
FROM generate_series(1, 5) c;
-- day d (1..days ahead), counter c, slot k (08:00 + 5k minutes): one place taken each
INSERT INTO appt_slots (counter_id, service, starts_at, capacity, booked)
SELECT c, 'bench-desk', ((current_date + d)::timestamp + make_interval(mins => 480 + 5 * k))
	AT TIME ZONE 'Africa/Algiers', 1, 1
FROM generate_series(1, :days) d, generate_series(1, 5) c, generate_series(0, 99) k;
INSERT INTO appt_bookings (code, token_hash, nonce, slot_id, counter_id, service, starts_at,
	status, name, contact, contact_hash)
SELECT 'A-' || lpad(s.id::text, 9, '0'), md5(s.id::text) || md5('t' || s.id),
	'bench-load-' || s.id || '-0000000', s.id, s.counter_id, s.service, s.starts_at,
	(ARRAY['booked', 'booked', 'booked', 'arrived', 'no_show'])[1 + s.id % 5],
	'Résident ' || s.id, '+213 555 ' || lpad(s.id::text, 6, '0'), md5('c' || s.id)
FROM appt_slots s WHERE s.service = 'bench-desk';
ANALYZE;
EOF
say "loaded in $(bench_fmt "$(bench_calc "$EPOCHREALTIME - $t0")" %.1f) s:" \
	"$(sql -c 'SELECT count(*) FROM appt_bookings') appointments"

URL=$(bench_srv_url official)
MORNING=$(date -u -d "@$(($(date +%s) + 3600 + 120 * 86400))" +%F) # 120 days ahead, local
DESK_DAY=$(date -u -d "@$(($(date +%s) + 3600 + (DAYS / 2) * 86400))" +%F)

# One resident's form: its CSRF cookie and token (every resident's browser would have its own;
# one pair is the same work for the server).
bench_form_csrf "$URL/services/bench-morning/book?day=$MORNING" "$WORK/book.headers"
TOKEN=$BENCH_CSRF_TOKEN CSRF=$BENCH_CSRF_COOKIE

# book.lua: RESIDENTS requests in all, split over the threads, each thread stopping after its
# share; resident n takes slot n mod 16 of the morning, with its own contact and form nonce.
{
	cat "$WORK/report.lua"
	cat <<EOF

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$CSRF"
local quota = math.ceil($RESIDENTS / ${BENCH_WRK_THREADS})
local nthreads = 0
local threads = {}
function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
	table.insert(threads, thread)
end
-- wrk sleeps its whole -d before summing up: the threads time their own share of the work
local function now()
	local f = io.popen("date +%s.%N")
	local t = tonumber(f:read("*l"))
	f:close()
	return t
end
function init(args)
	t_start = now()
end
local sent, answered = 0, 0
function request()
	sent = sent + 1
	local k = (tid * 7919 + sent) % 16
	local slot = string.format("1%%40%02d%%3A%02d", 8 + math.floor(k / 4), (k % 4) * 15)
	local body = "csrf=$TOKEN&nonce=bench-" .. tid .. "-" .. sent .. "-0000000000" ..
		"&day=$MORNING&slot=" .. slot .. "&name=R%C3%A9sident+" .. tid .. "-" .. sent ..
		"&contact=%2B21366" .. string.format("%02d%07d", tid, sent)
	return wrk.format(nil, nil, nil, body)
end
function response(status, headers, body)
	answered = answered + 1
	if answered >= quota then
		t_end = now()
		wrk.thread:stop()
	end
end
function done(summary, latency, requests)
	local first, last = math.huge, 0
	for _, t in ipairs(threads) do
		first = math.min(first, t:get("t_start"))
		last = math.max(last, t:get("t_end") or 0)
	end
	local e = summary.errors
	io.write(string.format(
		"BENCH rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d bytes=%d non2xx=%d errors=%d seconds=%.2f\n",
		summary.requests / (last - first), latency:percentile(50) / 1000,
		latency:percentile(99) / 1000, summary.requests, summary.bytes, e.status,
		e.connect + e.read + e.write + e.timeout, last - first))
end
EOF
} >"$WORK/book.lua"
printf 'wrk.headers["Cookie"] = "%s"\n' "$(bench_login official agent | sed 's/^Cookie: //')" |
	cat - "$WORK/report.lua" >"$WORK/report-agent.lua"

bench_idle_before
declare -A RPS P50 P99 NON2XX
measure() { # LABEL SCRIPT URL NAME
	bench_wrk "$2" "$3" "$4" "$1"
	RPS[$1]=$WRK_RPS P50[$1]=$WRK_P50 P99[$1]=$WRK_P99 NON2XX[$1]=$WRK_NON2XX
	say "$1: $WRK_RPS req/s, p50 $WRK_P50 ms, p99 $WRK_P99 ms ($WRK_REQUESTS requests," \
		"$WRK_NON2XX non-2xx, $WRK_ERRORS errors)"
}
measure hello report "$BENCH_HELLO_URL/" baseline_hello
measure pg_row report "$BENCH_ROW_URL/row" baseline_pg
measure day_view report-agent "$URL/staff/appointments?counter=3&day=$DESK_DAY" official-srv

say "booking under contention: $RESIDENTS residents, 80 places on the morning of $MORNING"
wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d120s --timeout 10s -s "$WORK/book.lua" \
	"$URL/services/bench-morning/book" >"$WORK/wrk-book.out" 2>&1 ||
	die "wrk failed: $(cat "$WORK/wrk-book.out")"
declare -A res
bench_kv res "$(grep '^BENCH ' "$WORK/wrk-book.out")"
RPS[book]=${res[rps]} P50[book]=${res[p50_ms]} P99[book]=${res[p99_ms]}
NON2XX[book]=${res[non2xx]}
BOOKED=$(sql -c "SELECT count(*) FROM appt_bookings WHERE service = 'bench-morning'")
OVER=$(sql -c "SELECT count(*) FROM appt_slots WHERE booked > capacity")
SLOTS=$(sql -c "SELECT string_agg(booked::text, ' ' ORDER BY starts_at) FROM appt_slots
	WHERE service = 'bench-morning'")
say "book: ${res[rps]} req/s, p50 ${res[p50_ms]} ms, p99 ${res[p99_ms]} ms" \
	"(${res[requests]} requests in ${res[seconds]} s, ${res[non2xx]} refused," \
	"${res[errors]} errors);" \
	"$BOOKED booked, $OVER slots over capacity, places taken per slot: $SLOTS"

printf '\n## appointments benchmark, %s\n\n' "$(date -u +%F)"
printf 'Machine: %s; idle before: %s%%; %s connections, %s wrk threads, %s server threads.\n\n' \
	"$(bench_machine)" "$IDLE_BEFORE" "$BENCH_CONNECTIONS" "$BENCH_WRK_THREADS" "$BENCH_THREADS"
printf '| target | requests/s | p50 ms | p99 ms | non-2xx |\n|---|---:|---:|---:|---:|\n'
for k in hello pg_row book day_view; do
	printf '| %s | %s | %s | %s | %s |\n' "$k" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" \
		"${NON2XX[$k]}"
done
printf '\nbook: %s residents, %s booked (80 places), %s slots over capacity.\n' "$RESIDENTS" \
	"$BOOKED" "$OVER"
