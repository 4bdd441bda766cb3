#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/federation.sh: the federation benchmark. Builds the release preset, starts two
# throwaway PostgreSQL clusters (one per side, as deployed), both daemons with their own signing
# keys, pairs them, signs in a staff admin on official-srv and emits events through the real
# staff form (each published news item is one event). Measures, end to end (stored on the
# origin -> stored and applied on the peer, from both sides' fed_events.stored_at):
#   1. EVENTS events at a fixed RATE (paced, open loop): latency p50/p90/p99/max;
#   2. EVENTS events at full speed (wrk): origin rate, sustained end-to-end events/s;
#   3. a BACKLOG: citizen-srv stopped, BACKLOG events emitted at full speed, citizen-srv
#      started again, and the time until it has applied all of them.
# Prints a table with PASS/MISS against the targets. It reports; it does not fail (exit 0
# whatever the numbers; non-zero only when it could not measure). See
# docs/performance-federation.md.
#
# Environment (all optional):
#   EVENTS=10000           events of the fixed-rate run and of the full-speed run
#   RATE=100               events/s of the fixed-rate run
#   BACKLOG=100000         events emitted while citizen-srv is down (0 to skip the backlog)
#   BENCH_WARMUP=200       events emitted (at RATE) and mirrored before measuring (0 to skip)
#   BENCH_CONNECTIONS=16   wrk connections at full speed    BENCH_WRK_THREADS=2  wrk threads
#   BENCH_THREADS=4        HTTP pool threads of the daemons
#   BENCH_TIMEOUT=900      longest wait (s) for the peer to apply a run (or catch up)
#   BENCH_BUILD=1          0: use the existing build/release binaries as they are
#   BENCH_KEEP=0           1: keep the work folder (logs, clusters, raw numbers) at exit
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_args "$@"
cd "$BALADIYA_ROOT"

bench_settings EVENTS=10000 RATE=100 BACKLOG=100000 BENCH_WARMUP=200 BENCH_CONNECTIONS=16 \
	BENCH_WRK_THREADS=2 BENCH_THREADS=4 BENCH_TIMEOUT=900 BENCH_BUILD=1 BENCH_KEEP=0
bench_whole EVENTS RATE BACKLOG BENCH_WARMUP BENCH_CONNECTIONS BENCH_WRK_THREADS BENCH_THREADS \
	BENCH_TIMEOUT
[ "$EVENTS" -ge 2 ] || die "EVENTS must be at least 2"
# shellcheck disable=SC2153 # RATE is set by bench_settings
[ "$RATE" -ge 1 ] || die "RATE must be at least 1"
if [ "$BENCH_WRK_THREADS" -lt 1 ] || [ "$BENCH_CONNECTIONS" -lt "$BENCH_WRK_THREADS" ]; then
	die "wrk needs BENCH_WRK_THREADS >= 1 and BENCH_CONNECTIONS >= BENCH_WRK_THREADS"
fi

# The targets (issue "federation performance"), on the 2-core reference machine.
TARGET_P99_MS=100   # p99 end-to-end latency at 100 events/s
TARGET_RATE=100     # ... the rate that target is stated for
TARGET_CATCHUP_S=60 # a 100,000-event backlog applied within this
TARGET_BACKLOG=100000

HERE="$BENCH_DIR/federation"
ADMIN=bench
ADMIN_PASSWORD="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
# the daemons log warnings only (BENCH_LOG_LEVEL is not one of this benchmark's settings)
BENCH_LOG_LEVEL=warn

# --- helpers -------------------------------------------------------------------------------

declare -A QW=() QR=() # side -> write / read fd of the side's psql query channel

# bench_cleanup_hook: closing a query channel's FIFO ends its psql (bench_cleanup then stops
# what is left).
# shellcheck disable=SC2317 # called by bench_cleanup
bench_cleanup_hook() {
	local side fd
	for side in "${!QW[@]}"; do
		fd=${QW[$side]}
		exec {fd}>&-
		fd=${QR[$side]}
		exec {fd}<&-
	done
}

# q_open SIDE: a long-lived psql on SIDE's database reading queries from a FIFO, so that
# polling every 100 ms costs a query, not a process and a connection.
q_open() {
	local side=$1 w r
	mkfifo "$WORK/q-$side.in" "$WORK/q-$side.out"
	"$(pg_bindir)/psql" -X -A -t -q -h 127.0.0.1 \
		-p "${BENCH_PG_PORT[${BENCH_SRV_CLUSTER[$side]}]}" -U "$BALADIYA_PG_USER" \
		-d "baladiya_$side" <"$WORK/q-$side.in" >"$WORK/q-$side.out" 2>>"$WORK/q-$side.err" &
	BENCH_PIDS[psql-$side]=$!
	exec {w}>"$WORK/q-$side.in"
	exec {r}<"$WORK/q-$side.out"
	QW[$side]=$w
	QR[$side]=$r
}

# q SIDE SQL: one single-value query on SIDE's channel; prints the value.
q() {
	local side=$1 sql=$2 line
	printf '%s\n' "$sql" >&"${QW[$side]}"
	IFS= read -r -t 30 line <&"${QR[$side]}" ||
		die "no answer from PostgreSQL ($side) to: $sql ($(tail -n 3 "$WORK/q-$side.err"))"
	printf '%s\n' "$line"
}

last_seq() { q official "SELECT last_seq FROM fed_counter WHERE origin = 'official';"; }
applied_seq() { q citizen "SELECT applied_seq FROM fed_peers WHERE name = 'official';"; }
acked_seq() { q official "SELECT acked_seq FROM fed_peers WHERE name = 'citizen';"; }

# elapsed_over T0 TIMEOUT_S: whether more than TIMEOUT_S seconds have passed since T0 (an
# EPOCHREALTIME).
elapsed_over() { [ "$(bench_calc "(b - a) > t" a="$1" b="$EPOCHREALTIME" t="$2")" = 1 ]; }

# wait_applied SEQ TIMEOUT_S: polls (100 ms) until citizen has applied official's SEQ, or dies.
wait_applied() {
	local target=$1 timeout_s=$2 t0=$EPOCHREALTIME got
	while :; do
		got=$(applied_seq)
		[ "$got" -lt "$target" ] || return 0
		kill -0 "${BENCH_PIDS[citizen-srv]}" 2>/dev/null ||
			die "citizen-srv died (see $WORK/citizen-srv.log)"
		! elapsed_over "$t0" "$timeout_s" ||
			die "citizen-srv applied only up to $got of $target after ${timeout_s}s"
		sleep 0.1
	done
}

# settle TIMEOUT_S: waits until citizen has applied all of official's events and official's
# sender has had all of them acknowledged (it re-posts what the peer pulled by itself), so
# that a run starts with both sides idle.
settle() {
	local timeout_s=$1 t0=$EPOCHREALTIME last
	last=$(last_seq)
	wait_applied "$last" "$timeout_s"
	while [ "$(acked_seq)" -lt "$last" ]; do
		! elapsed_over "$t0" "$timeout_s" ||
			die "official-srv's sender has not had $last acknowledged after ${timeout_s}s"
		sleep 0.1
	done
}

# --- emitters ------------------------------------------------------------------------------

# emit_paced COUNT RATE PREFIX: COUNT news items at RATE/s through the paced Node client;
# PACED holds its report line's values (ok, other, errors, achieved_rate, late_p99_ms,
# post_p50_ms, post_p99_ms).
declare -A PACED=()
emit_paced() {
	local count=$1 rate=$2 prefix=$3 name="paced-$3" line
	bench_start "$name" env FED_COOKIE="$COOKIE" FED_CSRF="$CSRF" node "$HERE/paced.mjs" \
		"$(bench_srv_url official)" "$count" "$rate" "$prefix"
	wait "${BENCH_PIDS[$name]}" || die "the paced emitter failed: $(cat "$WORK/$name.log")"
	unset "BENCH_PIDS[$name]"
	line=$(grep '^PACED ' "$WORK/$name.log") ||
		die "no report from the paced emitter: $(cat "$WORK/$name.log")"
	bench_kv PACED "$line"
	[ "${PACED[ok]}" = "$count" ] ||
		die "paced emitter: only ${PACED[ok]} of $count posts answered 303 (other: ${PACED[other]}, errors: ${PACED[errors]})"
}

# post_news COUNT PREFIX: COUNT news items, one curl after the other; each must answer 303.
post_news() {
	local count=$1 prefix=$2 i status
	for ((i = 1; i <= count; i++)); do
		status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" \
			--data-urlencode "csrf=$CSRF" --data-urlencode "title_fr=$prefix $i" \
			--data-urlencode "body_fr=Texte de banc d'essai ($i)." \
			--data-urlencode action=publish "$OFFICIAL_URL/staff/news") ||
			die "POST /staff/news failed"
		[ "$status" = 303 ] || die "POST /staff/news answered $status (expected 303)"
	done
}

TOPUPS=0
# emit_fast COUNT PREFIX: COUNT news items as fast as wrk can post them. wrk runs until
# interrupted, so we watch the origin's counter and interrupt wrk once all are stored. Sets
# WRK_P50/WRK_P99 (the origin's answer times, as wrk saw them).
emit_fast() {
	local count=$1 prefix=$2 name="wrk-$2" base target got last_got t_progress line
	local -A res
	base=$(last_seq)
	target=$((base + count))
	bench_start "$name" env FED_COOKIE="$COOKIE" FED_CSRF="$CSRF" FED_COUNT="$count" \
		FED_THREADS="$BENCH_WRK_THREADS" FED_PREFIX="$prefix" wrk -t"$BENCH_WRK_THREADS" \
		-c"$BENCH_CONNECTIONS" -d3600s --timeout 30s -s "$HERE/publish.lua" \
		"$(bench_srv_url official)"
	last_got=$base
	t_progress=$EPOCHREALTIME
	topped_up=0
	while :; do
		got=$(last_seq)
		[ "$got" -lt "$target" ] || break
		if [ "$got" != "$last_got" ]; then
			last_got=$got
			t_progress=$EPOCHREALTIME
		elif elapsed_over "$t_progress" 30; then
			die "no event stored on official for 30 s ($((got - base)) of $count; see $WORK/$name.log and $WORK/official-srv.log)"
		elif [ "$topped_up" = 0 ] && elapsed_over "$t_progress" 3; then
			# wrk does not resend a request that failed on the socket (or got an error
			# answer): once nothing moves, post what is missing ourselves
			warn "wrk stalled $((target - got)) events short (lost requests); posting them with curl"
			post_news $((target - got)) "$prefix-topup"
			TOPUPS=$((TOPUPS + target - got))
			topped_up=1
		fi
		kill -0 "${BENCH_PIDS[$name]}" 2>/dev/null ||
			die "wrk exited early: $(cat "$WORK/$name.log")"
		sleep 0.1
	done
	[ "$got" -eq "$target" ] || warn "official stored $((got - base)) events instead of $count"
	kill -INT "${BENCH_PIDS[$name]}"
	wait "${BENCH_PIDS[$name]}" || die "wrk failed: $(cat "$WORK/$name.log")"
	unset "BENCH_PIDS[$name]"
	line=$(grep '^WRK ' "$WORK/$name.log") ||
		die "no report from wrk: $(cat "$WORK/$name.log")"
	bench_kv res "$line"
	WRK_P50=${res[p50_ms]} WRK_P99=${res[p99_ms]}
	[ "${res[errors_4xx5xx]}" = 0 ] || warn "wrk: ${res[errors_4xx5xx]} answers were errors (>= 400)"
	[ "${res[socket_errors]}" = 0 ] || warn "wrk: ${res[socket_errors]} socket errors"
}

# measure LABEL FIRST LAST: copies official's events FIRST..LAST (their stored_at on both
# sides) into the bench database and sets M_* for LABEL: count, emit span and rate on the
# origin, end-to-end span (first stored on origin -> last applied on peer) and rate, latency
# percentiles (ms).
measure() {
	local label=$1 first=$2 last=$3 row
	local sel="COPY (SELECT seq, stored_at FROM fed_events WHERE origin = 'official' AND seq BETWEEN $first AND $last) TO STDOUT"
	bench_psql official fedbench -c "CREATE TABLE o_$label (seq bigint PRIMARY KEY, t timestamptz NOT NULL); CREATE TABLE c_$label (seq bigint PRIMARY KEY, t timestamptz NOT NULL);"
	bench_psql official baladiya_official -c "$sel" |
		bench_psql official fedbench -c "COPY o_$label FROM STDIN"
	bench_psql citizen baladiya_citizen -c "$sel" |
		bench_psql official fedbench -c "COPY c_$label FROM STDIN"
	row=$(bench_psql official fedbench -F ' ' -c "
		SELECT count(o.seq), count(c.seq),
		       round(extract(epoch FROM max(o.t) - min(o.t))::numeric, 3),
		       round(extract(epoch FROM max(c.t) - min(o.t))::numeric, 3),
		       round(extract(epoch FROM max(c.t) - min(c.t))::numeric, 3),
		       round(percentile_cont(0.50) WITHIN GROUP (ORDER BY d)::numeric, 2),
		       round(percentile_cont(0.90) WITHIN GROUP (ORDER BY d)::numeric, 2),
		       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY d)::numeric, 2),
		       round(max(d)::numeric, 2),
		       to_char(min(o.t) AT TIME ZONE 'UTC', 'HH24:MI:SS.MS'),
		       to_char(max(c.t) AT TIME ZONE 'UTC', 'HH24:MI:SS.MS')
		FROM o_$label o
		LEFT JOIN c_$label c USING (seq)
		CROSS JOIN LATERAL (SELECT extract(epoch FROM c.t - o.t) * 1000 AS d) x")
	read -r M_N M_APPLIED M_EMIT_S M_E2E_S _ M_P50 M_P90 M_P99 M_MAX _ _ <<<"$row"
	[ "$M_N" = $((last - first + 1)) ] || die "$label: official holds $M_N of events $first..$last"
	[ "$M_APPLIED" = "$M_N" ] || die "$label: citizen applied $M_APPLIED of $M_N events"
	M_EMIT_RATE=$(bench_calc 's > 0 ? n / s : 0' n="$M_N" s="$M_EMIT_S")
	M_E2E_RATE=$(bench_calc 's > 0 ? n / s : 0' n="$M_N" s="$M_E2E_S")
	printf '%s %s\n' "$label" "$row" >>"$WORK/measures.txt"
}

# --- preparing -----------------------------------------------------------------------------

ensure_packages build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev \
	libcurl4-openssl-dev libssl-dev libpq-dev libargon2-dev libcmark-dev postgresql-15 wrk \
	curl nodejs

bench_work_init fedbench
bench_build
# what was built: the commit, and the time of the build (the tree may hold uncommitted work)
BUILT_FROM="commit $(git -C "$BALADIYA_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
BUILT_FROM+=", binaries of $(date -u -r "$(bench_srv_bin official)" '+%H:%M UTC' 2>/dev/null ||
	echo '?')"

# Two clusters, one per side, as the daemons are deployed (each its own PostgreSQL), both on
# this machine so that both sides' clock_timestamp() read the same clock. The bench database
# (the rows copied from both sides for the statistics) lives in official's cluster.
for side in "${SIDES[@]}"; do
	bench_cluster "$side"
	bench_srv_setup "$side" "$side"
done
bench_createdb official fedbench
for side in "${SIDES[@]}"; do
	bench_srv_keys "$side"
done
for side in "${SIDES[@]}"; do
	bench_srv_start "$side"
done
# citizen first: official's sender then finds a receiver that already trusts its key
bench_pair citizen
for side in "${SIDES[@]}"; do
	q_open "$side"
done

# --- signing in ----------------------------------------------------------------------------

say "creating the staff admin '$ADMIN' and signing in"
printf '%s\n' "$ADMIN_PASSWORD" |
	bench_srv_cmd official user add --role admin --username "$ADMIN" \
		>>"$WORK/official-srv.log" 2>&1 ||
	die "official-srv user add failed (see $WORK/official-srv.log)"

OFFICIAL_URL="$(bench_srv_url official)"
# cookies_of HEADERS_FILE: the name=value of every Set-Cookie, one a line.
cookies_of() { sed -n 's/^[Ss]et-[Cc]ookie: *\([^;]*\).*/\1/p' "$1" | tr -d '\r'; }

curl -sS -o /dev/null -D "$WORK/login-get.h" "$OFFICIAL_URL/login" || die "GET /login failed"
CSRF_PAIR=$(cookies_of "$WORK/login-get.h" | grep -E '^(__Host-)?csrf=' | head -n 1) ||
	die "GET /login set no csrf cookie"
CSRF=${CSRF_PAIR#*=}
status=$(curl -sS -o /dev/null -D "$WORK/login-post.h" -w '%{http_code}' \
	-H "Cookie: $CSRF_PAIR" --data-urlencode "username=$ADMIN" \
	--data-urlencode "password=$ADMIN_PASSWORD" --data-urlencode "csrf=$CSRF" \
	--data-urlencode "next=/staff/news" "$OFFICIAL_URL/login") || die "POST /login failed"
[ "$status" = 303 ] || die "POST /login answered $status"
SESSION_PAIR=$(cookies_of "$WORK/login-post.h" | grep -E '^(__Host-)?session=' | head -n 1) ||
	die "POST /login set no session cookie"
# a new csrf cookie at sign-in, if any, replaces the old one
if new=$(cookies_of "$WORK/login-post.h" | grep -E '^(__Host-)?csrf=' | head -n 1); then
	CSRF_PAIR=$new
	CSRF=${CSRF_PAIR#*=}
fi
COOKIE="$CSRF_PAIR; $SESSION_PAIR"
post_news 1 check
settle 60

if [ "$BENCH_WARMUP" -gt 0 ]; then
	say "warm-up: $BENCH_WARMUP events at $RATE/s"
	emit_paced "$BENCH_WARMUP" "$RATE" warmup
	settle "$BENCH_TIMEOUT"
fi

bench_idle_before
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')

# --- 1. fixed rate -------------------------------------------------------------------------

say "[1/3] $EVENTS events at $RATE/s (paced, open loop); about $((EVENTS / RATE)) s"
first=$(($(last_seq) + 1))
mark=$(bench_cpu_mark)
emit_paced "$EVENTS" "$RATE" paced
wait_applied "$(last_seq)" "$BENCH_TIMEOUT"
CPU_PACED=$(bench_cpu_since "$mark")
P_PUSHED=$(acked_seq)
P_PUSHED=$((P_PUSHED >= first ? P_PUSHED - first + 1 : 0))
measure paced "$first" "$(last_seq)"
P_N=$M_N P_RATE=${PACED[achieved_rate]} P_LATE99=${PACED[late_p99_ms]}
P_POST50=${PACED[post_p50_ms]} P_POST99=${PACED[post_p99_ms]}
P_P50=$M_P50 P_P90=$M_P90 P_P99=$M_P99 P_MAX=$M_MAX
say "    achieved $P_RATE/s (sends late by <= $P_LATE99 ms at p99); latency p50 $P_P50 ms, p99 $P_P99 ms, max $P_MAX ms"

# --- 2. full speed -------------------------------------------------------------------------

say "[2/3] $EVENTS events at full speed (wrk -t$BENCH_WRK_THREADS -c$BENCH_CONNECTIONS)"
settle "$BENCH_TIMEOUT"
first=$(($(last_seq) + 1))
mark=$(bench_cpu_mark)
emit_fast "$EVENTS" fast
wait_applied "$(last_seq)" "$BENCH_TIMEOUT"
CPU_FAST=$(bench_cpu_since "$mark")
# the sender posts one event at a time; once it lags, citizen's puller (every minute, or on a
# gap) may fetch the rest in batches first. How many had the sender delivered by the end?
F_PUSHED=$(acked_seq)
F_PUSHED=$((F_PUSHED >= first ? F_PUSHED - first + 1 : 0))
measure fast "$first" "$(last_seq)"
F_N=$M_N F_EMIT_S=$M_EMIT_S F_EMIT_RATE=$M_EMIT_RATE F_E2E_S=$M_E2E_S F_E2E_RATE=$M_E2E_RATE
F_P50=$M_P50 F_P99=$M_P99 F_MAX=$M_MAX F_WRK50=$WRK_P50 F_WRK99=$WRK_P99
say "    origin stored $F_N in ${F_EMIT_S}s ($(bench_fmt "$F_EMIT_RATE" %.0f)/s); end to end ${F_E2E_S}s ($(bench_fmt "$F_E2E_RATE" %.0f)/s)"

# --- 3. backlog ----------------------------------------------------------------------------

if [ "$BACKLOG" -gt 0 ]; then
	say "[3/3] backlog: stopping citizen-srv, emitting $BACKLOG events at full speed"
	settle "$BENCH_TIMEOUT"
	bench_stop citizen-srv
	first=$(($(last_seq) + 1))
	mark=$(bench_cpu_mark)
	emit_fast "$BACKLOG" backlog
	CPU_BACKLOG=$(bench_cpu_since "$mark")
	B_LAST=$(last_seq)
	B_EMIT_S=$(bench_psql official baladiya_official -c "SELECT round(extract(epoch FROM
		max(stored_at) - min(stored_at))::numeric, 3) FROM fed_events WHERE origin = 'official'
		AND seq BETWEEN $first AND $B_LAST")
	B_N=$((B_LAST - first + 1))
	B_EMIT_RATE=$(bench_calc 's > 0 ? n / s : 0' n="$B_N" s="$B_EMIT_S")
	say "    emitted $B_N in ${B_EMIT_S}s ($(bench_fmt "$B_EMIT_RATE" %.0f)/s); starting citizen-srv"
	mark=$(bench_cpu_mark)
	t_start=$EPOCHREALTIME
	bench_srv_start citizen
	t_ready=$EPOCHREALTIME
	B_READY_S=$(bench_calc '"" b - a' a="$t_start" b="$t_ready")
	B_CATCHUP_S=
	while :; do
		got=$(applied_seq)
		if [ "$got" -ge "$B_LAST" ]; then
			B_CATCHUP_S=$(bench_calc '"" b - a' a="$t_start" b="$EPOCHREALTIME")
			break
		fi
		kill -0 "${BENCH_PIDS[citizen-srv]}" 2>/dev/null ||
			die "citizen-srv died (see $WORK/citizen-srv.log)"
		if elapsed_over "$t_start" "$BENCH_TIMEOUT"; then
			warn "citizen-srv had applied $((got - first + 1)) of $B_N after ${BENCH_TIMEOUT}s"
			B_CATCHUP_S=timeout
			break
		fi
		sleep 0.1
	done
	CPU_CATCHUP=$(bench_cpu_since "$mark")
	# what the peer's log says: when it stored the first and the last of the backlog
	B_APPLY_S=$(bench_psql citizen baladiya_citizen -c "SELECT round(extract(epoch FROM
		max(stored_at) - min(stored_at))::numeric, 3) FROM fed_events WHERE origin = 'official'
		AND seq BETWEEN $first AND $B_LAST")
	# official's sender was backing off while citizen was down; it resumes pushing from its
	# last acknowledged seq, whatever the puller already fetched. How far was it?
	B_ACKED_AT_CATCHUP=$(acked_seq)
	B_ACKED_AT_CATCHUP=$((B_ACKED_AT_CATCHUP >= first ? B_ACKED_AT_CATCHUP - first + 1 : 0))
	# then the sender's own redelivery: every event from its last acknowledged seq on is
	# posted again (the peer answers "duplicate") until it acknowledges the last one
	B_RESENT_S=
	if [ "$B_CATCHUP_S" != timeout ]; then
		while :; do
			got=$(acked_seq)
			if [ "$got" -ge "$B_LAST" ]; then
				B_RESENT_S=$(bench_calc '"" b - a' a="$t_start" b="$EPOCHREALTIME")
				break
			fi
			if elapsed_over "$t_start" "$BENCH_TIMEOUT"; then
				warn "official-srv's sender had $((got - first + 1)) of $B_N acknowledged after ${BENCH_TIMEOUT}s"
				break
			fi
			sleep 0.1
		done
	fi
	if [ "$B_CATCHUP_S" != timeout ]; then
		B_CATCHUP_RATE=$(bench_calc 's > 0 ? n / s : 0' n="$B_N" s="$B_CATCHUP_S")
		say "    caught up in ${B_CATCHUP_S}s ($(bench_fmt "$B_CATCHUP_RATE" %.0f)/s), ready after ${B_READY_S}s"
	fi
	# the peer's log must equal the origin's, with no alarm and nothing left pending
	B_CHECK=$(bench_psql citizen baladiya_citizen -F ' ' -c "SELECT
		(SELECT count(*) FROM fed_events WHERE origin = 'official'),
		(SELECT count(*) FROM fed_alarms), (SELECT count(*) FROM fed_pending),
		(SELECT count(*) FROM news WHERE origin = 'official')")
	read -r c_events c_alarms c_pending c_news <<<"$B_CHECK"
	o_news=$(bench_psql official baladiya_official -c "SELECT count(*) FROM news WHERE origin = 'official'")
	if [ "$B_CATCHUP_S" != timeout ] &&
		{ [ "$c_events" != "$B_LAST" ] || [ "$c_alarms" != 0 ] || [ "$c_news" != "$o_news" ]; }; then
		warn "after catch-up citizen holds $c_events official events (want $B_LAST), $c_news" \
			"mirrored news (want $o_news), $c_alarms alarms, $c_pending pending"
	fi
fi

# --- report --------------------------------------------------------------------------------

verdict() { awk -v v="$1" -v l="$2" 'BEGIN { print ((v <= l) ? "PASS" : "MISS") }'; }
row() { printf '| %-62s | %-28s | %-16s | %-7s |\n' "$@"; }
rule() {
	printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..64})" "$(printf -- '-%.0s' {1..30})" \
		"$(printf -- '-%.0s' {1..18})" "$(printf -- '-%.0s' {1..9})"
}

pass=0
miss=0
tally() {
	case "$1" in
	PASS) pass=$((pass + 1)) ;;
	MISS) miss=$((miss + 1)) ;;
	esac
}

{
	printf '\nBaladiya federation benchmark, %s, %s, %s cores (%s), release build of %s\n' \
		"$STARTED_AT" "$(uname -m)" "$(nproc)" \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$BUILT_FROM"
	printf 'Two PostgreSQL 15 clusters (one per side, default durability: fsync, synchronous '
	printf 'commit); daemons with %s HTTP threads, log level warn.\n' "$BENCH_THREADS"
	printf 'Latency = citizen fed_events.stored_at - official fed_events.stored_at of the same '
	printf 'event; sustained = events / (first stored on official -> last applied on citizen).\n'
	printf 'Machine idle before measuring: %s%%; load average at the end: %s.\n' \
		"$IDLE_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)"
	printf 'CPU busy (share of both cores; the part this benchmark used; idle waiting for the '
	printf 'disk): fixed rate %s, full ' "$CPU_PACED"
	printf 'speed %s' "$CPU_FAST"
	[ "$BACKLOG" -eq 0 ] ||
		printf ', backlog emission %s, catch-up %s' "$CPU_BACKLOG" "$CPU_CATCHUP"
	printf '.\n\n'

	row measurement value target verdict
	rule
	row "fixed rate: events, achieved send rate" "$P_N at $(bench_fmt "$P_RATE" %.1f)/s" \
		"($RATE/s asked)" ""
	row "fixed rate: end-to-end latency p50 / p90" "$P_P50 / $P_P90 ms" "" ""
	if [ "$RATE" = "$TARGET_RATE" ]; then
		v=$(verdict "$P_P99" "$TARGET_P99_MS")
		tally "$v"
		row "fixed rate: end-to-end latency p99" "$P_P99 ms" "<= $TARGET_P99_MS ms" "$v"
	else
		row "fixed rate: end-to-end latency p99" "$P_P99 ms" \
			"(<= $TARGET_P99_MS at $TARGET_RATE/s)" "-"
	fi
	row "fixed rate: end-to-end latency max" "$P_MAX ms" "" ""
	row "fixed rate: of which pushed by official's sender by then" "$P_PUSHED of $P_N" "" ""
	row "fixed rate: origin's answer to the POST p50 / p99 (client)" \
		"$P_POST50 / $P_POST99 ms" "" ""
	row "full speed: events stored on origin" \
		"$F_N in $F_EMIT_S s = $(bench_fmt "$F_EMIT_RATE" %.0f)/s" "" ""
	row "full speed: sustained end to end" "$(bench_fmt "$F_E2E_RATE" %.0f) events/s" "" ""
	row "full speed: stored -> applied span; lag after the last stored" \
		"$F_E2E_S s; +$(bench_fmt "$(bench_calc 'b - a' a="$F_EMIT_S" b="$F_E2E_S")" %.1f) s" "" ""
	row "full speed: end-to-end latency p50 / p99 / max" \
		"$(bench_fmt "$F_P50" %.0f) / $(bench_fmt "$F_P99" %.0f) / $(bench_fmt "$F_MAX" %.0f) ms" "" ""
	row "full speed: of which pushed by official's sender by then" "$F_PUSHED of $F_N" "" ""
	row "full speed: origin's answer to the POST p50 / p99 (wrk)" \
		"$(bench_fmt "$F_WRK50" %.1f) / $(bench_fmt "$F_WRK99" %.1f) ms" "" ""
	if [ "$BACKLOG" -gt 0 ]; then
		row "backlog: emitted while citizen-srv was down" \
			"$B_N in $B_EMIT_S s = $(bench_fmt "$B_EMIT_RATE" %.0f)/s" "" ""
		if [ "$B_N" -ge "$TARGET_BACKLOG" ]; then
			t="<= $TARGET_CATCHUP_S s"
		else
			t="(<= $TARGET_CATCHUP_S s for $TARGET_BACKLOG)"
		fi
		if [ "$B_CATCHUP_S" = timeout ]; then
			v=MISS
			[ "$B_N" -ge "$TARGET_BACKLOG" ] || v=-
			tally "$v"
			row "backlog: catch-up (citizen-srv started -> all applied)" \
				"> $BENCH_TIMEOUT s" "$t" "$v"
		else
			v=-
			[ "$B_N" -lt "$TARGET_BACKLOG" ] || v=$(verdict "$B_CATCHUP_S" "$TARGET_CATCHUP_S")
			tally "$v"
			row "backlog: catch-up (citizen-srv started -> all applied)" \
				"$(bench_fmt "$B_CATCHUP_S" %.1f) s = $(bench_fmt "$B_CATCHUP_RATE" %.0f)/s" "$t" "$v"
		fi
		row "backlog: started -> /healthz; first -> last applied" \
			"$(bench_fmt "$B_READY_S" %.2f) s; $B_APPLY_S s" "" ""
		row "backlog: of which pushed by official's sender by then" \
			"$B_ACKED_AT_CATCHUP of $B_N" "" ""
		if [ -n "$B_RESENT_S" ]; then
			resent="$(bench_fmt "$B_RESENT_S" %.1f) s"
		else
			resent="> $BENCH_TIMEOUT s"
		fi
		row "backlog: started -> official's sender acknowledged all" "$resent" "" ""
	fi
	printf '\nTargets: %d PASS, %d MISS' "$pass" "$miss"
	[ "$RATE" = "$TARGET_RATE" ] && [ "$BACKLOG" -ge "$TARGET_BACKLOG" ] ||
		printf ' (a quick run: the targets are stated for RATE=%s and BACKLOG=%s)' \
			"$TARGET_RATE" "$TARGET_BACKLOG"
	printf '\n'
	[ "$TOPUPS" = 0 ] || printf 'wrk lost %s posts in all; they were posted again with curl.\n' \
		"$TOPUPS"
}
exit 0
