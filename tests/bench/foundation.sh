#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/foundation.sh: the foundation benchmark. Builds the release preset and two bare
# baselines (libmicrohttpd hello-world; libmicrohttpd + libpq + jansson one-row JSON), starts a
# throwaway PostgreSQL cluster, both daemons with the demo content and the baselines on
# loopback, loads each with wrk and prints requests/s, p50, p99, the ratio to the baseline,
# the server's peak RSS and the CPU share other processes took meanwhile, with PASS/MISS
# against the targets. It reports; it does not fail (exit 0 whatever the numbers; non-zero only
# when it could not measure). See docs/performance.md.
#
# Environment (all optional):
#   BENCH_SECONDS=10       measured duration of each run (s)
#   BENCH_WARMUP=3         warm-up run before each measured run (s; 0 to skip)
#   BENCH_CONNECTIONS=64   wrk connections        BENCH_WRK_THREADS=2   wrk threads
#   BENCH_THREADS=4        HTTP pool threads of the daemons and of the baselines
#   BENCH_LOG_LEVEL=info   daemons' BALADIYA_LOG_LEVEL (info logs one access line a request)
#   BENCH_BUILD=1          0: use the existing build/release binaries as they are
#   BENCH_KEEP=0           1: keep the work folder (logs, cluster, wrk output) at exit
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$BALADIYA_ROOT"

case "${1:-}" in
-h | --help)
	sed -n '3,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit 0
	;;
"") ;;
*)
	echo "usage: $0 [--help]" >&2
	exit 2
	;;
esac

BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_WRK_THREADS=${BENCH_WRK_THREADS:-2}
BENCH_THREADS=${BENCH_THREADS:-4}
BENCH_LOG_LEVEL=${BENCH_LOG_LEVEL:-info}
BENCH_BUILD=${BENCH_BUILD:-1}
BENCH_KEEP=${BENCH_KEEP:-0}

# The targets (issue "foundation performance"): pages vs hello-world, JSON vs bare libpq.
TARGET_PAGE_RATIO=0.50
TARGET_JSON_RATIO=0.60
TARGET_P99_MS=20

BUILD_DIR="$BALADIYA_ROOT/build/release"
SIDES=(official citizen)

# --- cleanup -------------------------------------------------------------------------------

WORK=
PG_DIR=
declare -A PIDS=() # name -> pid of everything we started that keeps running
STOPPING=0

# shellcheck disable=SC2317 # called from the traps
cleanup() {
	local name pid i
	[ "$STOPPING" -eq 0 ] || return 0
	STOPPING=1
	trap '' INT TERM
	for name in "${!PIDS[@]}"; do
		kill -TERM "${PIDS[$name]}" 2>/dev/null || true
	done
	for name in "${!PIDS[@]}"; do
		pid=${PIDS[$name]}
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			warn "$name (pid $pid) did not stop within 10 s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	if [ -n "$PG_DIR" ]; then
		pg_cluster_stop "$PG_DIR" || warn "could not stop PostgreSQL in $PG_DIR"
	fi
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		if [ "$BENCH_KEEP" = 1 ]; then
			say "kept $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
}
trap cleanup EXIT
trap 'echo >&2; cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# --- helpers -------------------------------------------------------------------------------

declare -A TAKEN_PORTS=()
# free_port: a loopback TCP port nothing listens on and that we have not handed out yet, below
# the kernel's ephemeral range so that no outgoing connection takes it before we listen.
free_port() {
	local p i low _
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
	[ "$low" -gt 12000 ] || low=32768
	for ((i = 0; i < 200; i++)); do
		p=$((10000 + RANDOM % (low - 10000)))
		[ -z "${TAKEN_PORTS[$p]:-}" ] || continue
		port_in_use "$p" && continue
		TAKEN_PORTS[$p]=1
		printf '%s\n' "$p"
		return 0
	done
	die "no free TCP port found"
}

# wait_port PORT PID NAME: waits (10 s) until PORT accepts connections while PID lives.
wait_port() {
	local port=$1 pid=$2 name=$3 i
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		port_in_use "$port" && return 0
		sleep 0.2
	done
	tail -n 20 "$WORK/$name.log" >&2 2>/dev/null || true
	die "$name did not start on port $port"
}

# start NAME CMD...: starts a long-running process in the background, its output in
# WORK/NAME.log; a simple command, so that $! is the process itself (env execs it).
start() {
	local name=$1
	shift
	"$@" </dev/null >"$WORK/$name.log" 2>&1 &
	PIDS[$name]=$!
}

# srv_env SIDE: the daemon's environment, as KEY=VALUE words for env(1).
srv_env() {
	local side=$1 peer=citizen
	[ "$side" = official ] || peer=official
	pg_env "$PG_PORT" "baladiya_$side"
	printf '%s\n' \
		BALADIYA_BIND=127.0.0.1 \
		"BALADIYA_PORT=${HTTP_PORT[$side]}" \
		"BALADIYA_PUBLIC_URL=http://127.0.0.1:${HTTP_PORT[$side]}" \
		"BALADIYA_PEER_URL=http://127.0.0.1:${HTTP_PORT[$peer]}" \
		"BALADIYA_THEME_DIR=$BALADIYA_ROOT/demo/$side" \
		"BALADIYA_DATA_DIR=$WORK/$side-data" \
		"BALADIYA_THREADS=$BENCH_THREADS" \
		"BALADIYA_LOG_LEVEL=$BENCH_LOG_LEVEL"
}

# srv_run SIDE CMD...: runs CMD (the daemon binary and its arguments) in SIDE's environment.
srv_run() {
	local side=$1
	shift
	local -a e
	mapfile -t e < <(srv_env "$side")
	env -u PGHOSTADDR -u PGSERVICE -u PGPASSWORD -u PGOPTIONS "${e[@]}" "$@"
}

# idle_pct: the share of CPU time the whole machine left idle over one second. Measured while
# our servers are idle, it shows whether something else (another build, a test suite) is
# competing for the cores and the numbers are to be taken with salt.
idle_pct() {
	local a b
	a=$(head -n 1 /proc/stat)
	sleep 1
	b=$(head -n 1 /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN {
		n = split(a, x); split(b, y); total = 0
		for (i = 2; i <= n; i++) total += y[i] - x[i]
		idle = (y[5] - x[5]) + (y[6] - x[6])
		printf "%.0f", (total > 0 ? 100 * idle / total : 0)
	}'
}

# cpu_ticks: "BUSY TOTAL", the clock ticks all CPUs spent in user and system mode, and in
# all states, since boot (/proc/stat). Interrupt time is left out of BUSY: loopback traffic is
# mostly softirq time that no process is charged for.
cpu_ticks() {
	local _ u n s i w q sq st
	read -r _ u n s i w q sq st _ </proc/stat
	printf '%s %s\n' $((u + n + s)) $((u + n + s + i + w + q + sq + st))
}

# proc_ticks PID...: the user and system clock ticks of these processes, their reaped
# children included; a process that is gone counts 0.
proc_ticks() {
	local p f t=0
	local -a a
	for p in "$@"; do
		f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		# the fields after the command name: a[0] is field 3, utime (field 14) is a[11]
		read -r -a a <<<"${f##*) }"
		t=$((t + a[11] + a[12] + a[13] + a[14]))
	done
	printf '%s\n' "$t"
}

# our_ticks: proc_ticks of everything this benchmark runs: this shell (wrk is its child and
# counts once reaped), the servers and the baselines, our PostgreSQL and its backends.
our_ticks() {
	local pm
	pm=$(head -n 1 "$PG_DIR/postmaster.pid" 2>/dev/null) || pm=
	# shellcheck disable=SC2046 # one PID a word
	proc_ticks $$ "${PIDS[@]}" $([ -z "$pm" ] || printf '%s ' "$pm" $(pgrep -P "$pm"))
}

srv_bin() { printf '%s/%s-srv/%s-srv\n' "$BUILD_DIR" "$1" "$1"; }

# rss_kib PID: the process's resident set size in KiB (0 when it is gone).
rss_kib() {
	local k v _
	[ -r "/proc/$1/status" ] || {
		printf '0\n'
		return 0
	}
	while read -r k v _; do
		if [ "$k" = "VmRSS:" ]; then
			printf '%s\n' "$v"
			return 0
		fi
	done 2>/dev/null <"/proc/$1/status" || true
	printf '0\n'
}

# --- preparing -----------------------------------------------------------------------------

ensure_packages build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libpq-dev \
	postgresql-15 wrk curl

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baladiya-bench.XXXXXX")
# the cluster's owner (user baladiya when we are root) must be able to reach WORK/pg
chmod 755 "$WORK"
say "work folder $WORK"

if [ "$BENCH_BUILD" = 1 ]; then
	say "building preset release (log: $WORK/build.log)"
	if ! (cmake --preset release && cmake --build --preset release -j2) >"$WORK/build.log" 2>&1; then
		tail -n 40 "$WORK/build.log" >&2
		die "the release build failed"
	fi
fi
for side in "${SIDES[@]}"; do
	[ -x "$(srv_bin "$side")" ] || die "$(srv_bin "$side") was not built"
done

say "compiling the baselines"
for b in baseline_hello baseline_pg; do
	# shellcheck disable=SC2046 # pkg-config prints several words on purpose
	cc -std=c17 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -o "$WORK/$b" \
		"$BALADIYA_ROOT/tests/bench/$b.c" \
		$(pkg-config --cflags --libs libmicrohttpd libpq jansson) -pthread ||
		die "could not compile tests/bench/$b.c"
done

# One cluster for both daemons and the libpq baseline; it shares the machine with them.
PG_PORT=$(free_port)
pg_cluster_init "$WORK/pg" "$PG_PORT"
PG_DIR="$WORK/pg"
pg_cluster_start "$PG_DIR"
for db in baladiya_official baladiya_citizen bench; do
	pg_cluster_createdb "$PG_DIR" "$PG_PORT" "$db" >/dev/null
done

say "creating bench_row (100 rows) for the libpq baseline"
"$(pg_bindir)/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$BALADIYA_PG_USER" -d bench \
	-v ON_ERROR_STOP=1 >/dev/null <<'EOF'
CREATE TABLE bench_row (
	id bigint PRIMARY KEY,
	title text NOT NULL,
	body text NOT NULL,
	published_at timestamptz NOT NULL
);
INSERT INTO bench_row
SELECT i, 'Item ' || i || ': road works on the main street',
	repeat('The municipality announces works on the main street. ', 6),
	now() - i * interval '1 hour'
FROM generate_series(1, 100) AS i;
ANALYZE bench_row;
EOF

declare -A HTTP_PORT=()
for side in "${SIDES[@]}"; do
	HTTP_PORT[$side]=$(free_port)
done
declare -A FINGERPRINT=()
for side in "${SIDES[@]}"; do
	mkdir -p "$WORK/$side-data"
	chmod 700 "$WORK/$side-data"
	FINGERPRINT[$side]=$(srv_run "$side" "$(srv_bin "$side")" keys generate \
		2>"$WORK/$side-keys.log") || {
		cat "$WORK/$side-keys.log" >&2
		die "$side-srv could not generate its signing key"
	}
	say "$side-srv: demo load demo/$side"
	srv_run "$side" "$(srv_bin "$side")" demo load "$BALADIYA_ROOT/demo/$side" \
		>"$WORK/$side-demo.log" 2>&1 || {
		cat "$WORK/$side-demo.log" >&2
		die "$side-srv could not load the demo"
	}
done

for side in "${SIDES[@]}"; do
	say "starting $side-srv on port ${HTTP_PORT[$side]}"
	mapfile -t env_words < <(srv_env "$side")
	start "$side-srv" env -u PGHOSTADDR -u PGSERVICE -u PGPASSWORD -u PGOPTIONS \
		"${env_words[@]}" "$(srv_bin "$side")" serve
done
for side in "${SIDES[@]}"; do
	wait_healthz "http://127.0.0.1:${HTTP_PORT[$side]}" "${PIDS[$side-srv]}" 30 || {
		tail -n 30 "$WORK/$side-srv.log" >&2 || true
		die "$side-srv did not become healthy"
	}
done

# Paired as in production (scripts/run does the same): the demo news each side published
# travel to the other side, and the federation workers run during the measurements as they
# would in service. Wait until the mirrored news stop changing the news pages.
for side in "${SIDES[@]}"; do
	peer=citizen
	[ "$side" = official ] || peer=official
	say "$side-srv: peer pair with $peer-srv"
	srv_run "$side" "$(srv_bin "$side")" peer pair "http://127.0.0.1:${HTTP_PORT[$peer]}" \
		"${FINGERPRINT[$peer]}" >"$WORK/$side-pair.log" 2>&1 || {
		cat "$WORK/$side-pair.log" >&2
		die "could not pair $side-srv with $peer-srv"
	}
done
say "waiting for the federated news to settle"
declare -A LAST_SIZE=()
stable=0
for ((i = 0; i < 60 && stable < 4; i++)); do
	sleep 0.5
	changed=0
	for side in "${SIDES[@]}"; do
		size=$(curl -sS -o /dev/null -w '%{size_download}' \
			"http://127.0.0.1:${HTTP_PORT[$side]}/news.json") || size=-1
		[ "$size" = "${LAST_SIZE[$side]:-}" ] || changed=1
		LAST_SIZE[$side]=$size
	done
	if [ "$changed" = 0 ]; then stable=$((stable + 1)); else stable=0; fi
done
[ "$stable" -ge 4 ] || warn "the news pages still change; measuring anyway"

HELLO_PORT=$(free_port)
ROW_PORT=$(free_port)
say "starting the baselines on ports $HELLO_PORT and $ROW_PORT"
start baseline_hello "$WORK/baseline_hello" "$HELLO_PORT" "$BENCH_THREADS"
mapfile -t env_words < <(pg_env "$PG_PORT" bench)
start baseline_pg env -u PGHOSTADDR -u PGSERVICE -u PGPASSWORD -u PGOPTIONS "${env_words[@]}" \
	"$WORK/baseline_pg" "$ROW_PORT" "$BENCH_THREADS"
wait_port "$HELLO_PORT" "${PIDS[baseline_hello]}" baseline_hello
wait_port "$ROW_PORT" "${PIDS[baseline_pg]}" baseline_pg

# --- wrk scripts ---------------------------------------------------------------------------

# Both print one machine-readable line at the end; every request says Accept-Language: ar.
# wrk reuses one prebuilt request unless the script defines request(), so only the uncached
# script defines it (its cost is on wrk's side, not the server's).
cat >"$WORK/report.lua" <<'EOF'
wrk.headers["Accept-Language"] = "ar"

function done(summary, latency, requests)
	local s = summary.duration / 1e6
	local e = summary.errors
	io.write(string.format(
		"BENCH rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d bytes=%d non2xx=%d errors=%d\n",
		summary.requests / s, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		summary.requests, summary.bytes, e.status, e.connect + e.read + e.write + e.timeout))
end
EOF
# Uncached: a dummy query parameter unique per request (thread number + counter) gives every
# request its own page-cache key, so each one is rendered from the database.
{
	cat "$WORK/report.lua"
	cat <<'EOF'

local nthreads = 0
function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
end

local counter = 0
function request()
	counter = counter + 1
	local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
	return wrk.format(nil, wrk.path .. sep .. "x=" .. tid .. "-" .. counter)
end
EOF
} >"$WORK/uncached.lua"
# Close: the client asks for a new connection per request, to show what reconnecting costs.
{
	cat "$WORK/report.lua"
	printf '\nwrk.headers["Connection"] = "close"\n'
} >"$WORK/close.lua"

# --- measuring -----------------------------------------------------------------------------

# Rows: label | base URL name | path | lua script | kind | pid name. Kinds: hello and row are
# the baselines, page and json are held to their targets, info is compared with hello only.
ROWS=(
	"hello-world baseline GET /|hello|/|report|hello|baseline_hello"
	"hello-world baseline GET / (close)|hello|/|close|info|baseline_hello"
	"libpq baseline GET /row|row|/row|report|row|baseline_pg"
)
for side in "${SIDES[@]}"; do
	ROWS+=(
		"$side-srv GET /|$side|/|report|page|$side-srv"
		"$side-srv GET /news|$side|/news|report|page|$side-srv"
		"$side-srv GET /news.json|$side|/news.json|report|json|$side-srv"
		"$side-srv GET /news uncached|$side|/news|uncached|page|$side-srv"
		"$side-srv GET /news.json uncached|$side|/news.json|uncached|json|$side-srv"
	)
done

url_of() {
	case "$1" in
	hello) printf 'http://127.0.0.1:%s' "$HELLO_PORT" ;;
	row) printf 'http://127.0.0.1:%s' "$ROW_PORT" ;;
	*) printf 'http://127.0.0.1:%s' "${HTTP_PORT[$1]}" ;;
	esac
}

# Check every target answers 200 before loading it, and show what the response is and whether
# a second identical request comes from the page cache (X-Cache: hit). Uncached targets get a
# dummy parameter of their own, as the wrk script does.
say "checking the targets"
for row in "${ROWS[@]}"; do
	IFS='|' read -r label base path script _ _ <<<"$row"
	url="$(url_of "$base")$path"
	[ "$script" != uncached ] || url="$url?x=check-$RANDOM$RANDOM"
	close=()
	[ "$script" != close ] || close=(-H 'Connection: close')
	for _ in 1 2; do
		out=$(curl -sS -o /dev/null -D "$WORK/check.headers" -H 'Accept-Language: ar' \
			"${close[@]}" -w '%{http_code} %{size_download} %{content_type}' "$url") ||
			die "$label: $url does not answer"
		[ "${out%% *}" = 200 ] || die "$label: $url answered $out"
		[ "$script" != uncached ] || break
	done
	cache=miss
	! grep -qi '^x-cache: *hit' "$WORK/check.headers" || cache=hit
	# wrk reconnects after a "Connection: close"; worth knowing when reading the numbers
	conn=keep-alive
	! grep -qi '^connection: *close' "$WORK/check.headers" || conn='Connection: close'
	printf '    %-38s %5s bytes, %s, page cache %s, %s\n' "$label" \
		"$(cut -d' ' -f2 <<<"$out")" "$(cut -d' ' -f3- <<<"$out")" "$cache" "$conn" >&2
done
rm -f "$WORK/check.headers"

# wrk_args SECONDS SCRIPT URL: sets WRK_ARGS for one run.
wrk_args() {
	WRK_ARGS=(-t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d"${1}s" --timeout 5s
		-s "$WORK/$2.lua" "$3")
}

IDLE_BEFORE=$(idle_pct)
if [ "$IDLE_BEFORE" -lt 90 ]; then
	warn "the machine is only ${IDLE_BEFORE}% idle before measuring: something else is running" \
		"and the numbers will be lower and noisier than they should"
fi

declare -A RPS=() P50=() P99=() RSS=() NON2XX=() ERRS=() OTHERS=()
n=0
for row in "${ROWS[@]}"; do
	IFS='|' read -r label base path script kind pname <<<"$row"
	url="$(url_of "$base")$path"
	pid=${PIDS[$pname]}
	n=$((n + 1))
	if [ "$BENCH_WARMUP" != 0 ]; then
		say "[$n/${#ROWS[@]}] $label: warm-up ${BENCH_WARMUP}s"
		wrk_args "$BENCH_WARMUP" "$script" "$url"
		wrk "${WRK_ARGS[@]}" >"$WORK/wrk-$n-warmup.out" 2>&1 ||
			die "wrk failed: $(cat "$WORK/wrk-$n-warmup.out")"
	fi
	say "[$n/${#ROWS[@]}] $label: ${BENCH_SECONDS}s, $BENCH_CONNECTIONS connections"
	wrk_args "$BENCH_SECONDS" "$script" "$url"
	read -r busy0 total0 < <(cpu_ticks)
	ours0=$(our_ticks)
	# a simple command, so that $! is wrk itself and cleanup can stop it
	wrk "${WRK_ARGS[@]}" >"$WORK/wrk-$n.out" 2>&1 &
	wrk_pid=$!
	PIDS[wrk]=$wrk_pid
	max_rss=0
	while kill -0 "$wrk_pid" 2>/dev/null; do
		r=$(rss_kib "$pid")
		[ "$r" -le "$max_rss" ] || max_rss=$r
		sleep 0.25
	done
	wait "$wrk_pid" || die "wrk failed: $(cat "$WORK/wrk-$n.out")"
	unset 'PIDS[wrk]'
	read -r busy1 total1 < <(cpu_ticks)
	ours1=$(our_ticks)
	# the share of the machine that other processes used while we measured
	OTHERS[$label]=$(awk -v b=$((busy1 - busy0)) -v o=$((ours1 - ours0)) \
		-v t=$((total1 - total0)) 'BEGIN { x = t > 0 ? 100 * (b - o) / t : 0
		printf "%.0f", (x < 0 ? 0 : x) }')
	kill -0 "$pid" 2>/dev/null || die "$pname died under load (see $WORK/$pname.log)"
	line=$(grep '^BENCH ' "$WORK/wrk-$n.out") || die "no result from wrk: $(cat "$WORK/wrk-$n.out")"
	for kv in $line; do
		case "$kv" in
		rps=*) RPS[$label]=${kv#rps=} ;;
		p50_ms=*) P50[$label]=${kv#p50_ms=} ;;
		p99_ms=*) P99[$label]=${kv#p99_ms=} ;;
		non2xx=*) NON2XX[$label]=${kv#non2xx=} ;;
		errors=*) ERRS[$label]=${kv#errors=} ;;
		esac
	done
	RSS[$label]=$max_rss
done

# --- report --------------------------------------------------------------------------------

HELLO_RPS=${RPS["hello-world baseline GET /"]}
ROW_RPS=${RPS["libpq baseline GET /row"]}

# verdict VALUE OP LIMIT: PASS or MISS.
verdict() {
	awk -v v="$1" -v l="$3" -v op="$2" \
		'BEGIN { ok = (op == ">=") ? (v >= l) : (v < l); print ok ? "PASS" : "MISS" }'
}

pass=0
miss=0
{
	printf '\nBaladiya foundation benchmark, %s, %s, %s cores (%s)\n' \
		"$(date -u '+%Y-%m-%d %H:%M UTC')" "$(uname -m)" "$(nproc)" \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	printf 'wrk -t%s -c%s, %ss measured after %ss warm-up; server pools %s threads; ' \
		"$BENCH_WRK_THREADS" "$BENCH_CONNECTIONS" "$BENCH_SECONDS" "$BENCH_WARMUP" \
		"$BENCH_THREADS"
	printf 'Accept-Language: ar; log level %s\n' "$BENCH_LOG_LEVEL"
	printf 'machine idle before measuring: %s%% (load average at the end: %s)\n\n' \
		"$IDLE_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)"
	printf '| %-38s | %9s | %7s | %7s | %-14s | %7s | %-26s | %8s |\n' \
		target 'req/s' 'p50 ms' 'p99 ms' 'vs baseline' 'RSS MiB' 'targets' 'others %'
	printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..40})" \
		"$(printf -- '-%.0s' {1..11})" "$(printf -- '-%.0s' {1..9})" \
		"$(printf -- '-%.0s' {1..9})" "$(printf -- '-%.0s' {1..16})" \
		"$(printf -- '-%.0s' {1..9})" "$(printf -- '-%.0s' {1..28})" \
		"$(printf -- '-%.0s' {1..10})"
	for row in "${ROWS[@]}"; do
		IFS='|' read -r label _ _ script kind _ <<<"$row"
		rps=${RPS[$label]}
		case "$kind" in
		hello | row) base= ;;
		info) base=$HELLO_RPS bname=hello ;;
		page) base=$HELLO_RPS limit=$TARGET_PAGE_RATIO bname=hello ;;
		json) base=$ROW_RPS limit=$TARGET_JSON_RATIO bname=libpq ;;
		esac
		if [ -z "$base" ]; then
			ratio='(baseline)'
			targets='-'
		else
			r=$(awk -v a="$rps" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
			ratio="$r x $bname"
		fi
		if [ -n "$base" ] && [ "$kind" != info ]; then
			v1=$(verdict "$r" '>=' "$limit")
			v2=$(verdict "${P99[$label]}" '<' "$TARGET_P99_MS")
			pct=$(awk -v l="$limit" 'BEGIN { printf "%d", l * 100 }')
			targets=">=${pct}% $v1, p99 $v2"
			if [ "$script" = uncached ]; then
				# not one of the issue's targets: the cached path is what visitors get
				targets="($targets)"
			else
				for v in "$v1" "$v2"; do
					if [ "$v" = PASS ]; then pass=$((pass + 1)); else miss=$((miss + 1)); fi
				done
			fi
		elif [ "$kind" = info ]; then
			targets='(info)'
		fi
		printf '| %-38s | %9.0f | %7.2f | %7.2f | %-14s | %7.1f | %-26s | %8s |\n' \
			"$label" "$rps" "${P50[$label]}" "${P99[$label]}" "$ratio" \
			"$(awk -v k="${RSS[$label]}" 'BEGIN { print k / 1024 }')" "$targets" \
			"${OTHERS[$label]}"
	done
	printf '\nTargets: pages (GET /, GET /news) >= %d%% of hello-world req/s, ' \
		"$(awk -v l="$TARGET_PAGE_RATIO" 'BEGIN { printf "%d", l * 100 }')"
	printf 'GET /news.json >= %d%% of the libpq baseline, p99 < %s ms: %d PASS, %d MISS\n' \
		"$(awk -v l="$TARGET_JSON_RATIO" 'BEGIN { printf "%d", l * 100 }')" \
		"$TARGET_P99_MS" "$pass" "$miss"
	printf 'Rows in parentheses (close, uncached) are for information. RSS: peak VmRSS of the '
	printf 'server process during the measured run.\nothers %%: the share of both cores that '
	printf 'processes other than this benchmark used during the run (approximate); the\n'
	printf 'numbers of a row where it is above a few %% are lower and noisier than they should.\n'
	for row in "${ROWS[@]}"; do
		IFS='|' read -r label _ _ _ _ _ <<<"$row"
		if [ "${NON2XX[$label]}" != 0 ] || [ "${ERRS[$label]}" != 0 ]; then
			printf 'warning: %s: %s non-2xx responses, %s socket errors\n' "$label" \
				"${NON2XX[$label]}" "${ERRS[$label]}"
		fi
	done
}
exit 0
