# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/lib.sh: what the benchmark scripts share (sourced, never executed): the work folder
# and its cleanup, ports, throwaway PostgreSQL clusters, the release build, the two bare
# baselines, starting and pairing the daemons, federation progress, wrk runs with p50/p99 and
# the CPU and memory figures around them. Builds on scripts/lib.sh (say, warn, die, pg_*).
#
# Every function is named bench_*. They share these globals with the script:
#   WORK                      the run's folder (bench_work_init): logs, clusters, wrk scripts
#   BENCH_PIDS[name]          every long-running process started (stopped by bench_cleanup)
#   BENCH_PG_DIR[cluster], BENCH_PG_PORT[cluster]   clusters made by bench_cluster
#   BENCH_HTTP_PORT[side]     a daemon's port; BENCH_SRV_CLUSTER[side] the cluster of its
#                             database baladiya_<side>; BENCH_FPR[side] its key fingerprint
#   IDLE_BEFORE               how idle the machine was before measuring (bench_idle_before)
# and read these settings (defaults in parentheses):
#   BENCH_BUILD (1)  BENCH_KEEP (0)  BENCH_THREADS (4)  BENCH_LOG_LEVEL (info)
#   BENCH_CONNECTIONS (64)  BENCH_WRK_THREADS (2)  BENCH_SECONDS (10)  BENCH_WARMUP (3)
# A script that must undo more at exit defines bench_cleanup_hook; it runs first. One that
# must act between a warm-up and its measured run (reset statistics) defines
# bench_wrk_hook_before.
# shellcheck shell=bash disable=SC2034 # the globals set here are the scripts' to read

if [ -z "${BASH_VERSION:-}" ]; then
	echo "tests/bench/lib.sh: must be sourced from bash" >&2
	# shellcheck disable=SC2317
	return 1 2>/dev/null || exit 1
fi

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

BENCH_DIR="$BALADIYA_ROOT/tests/bench"
BENCH_BUILD_DIR="$BALADIYA_ROOT/build/release"
SIDES=(official citizen)

WORK=
declare -A BENCH_PIDS=() BENCH_PG_DIR=() BENCH_PG_PORT=() BENCH_TAKEN_PORTS=()
declare -A BENCH_HTTP_PORT=() BENCH_SRV_CLUSTER=() BENCH_FPR=()
BENCH_STOPPING=0

# --- the command line ----------------------------------------------------------------------

# bench_args "$@": the command line of a benchmark: nothing, or -h/--help, which prints the
# comment at the top of the script (from its third line to the first line that is not a
# comment) and exits; anything else is a usage error (exit 2).
bench_args() {
	case "${1:-}" in
	"") return 0 ;;
	-h | --help)
		awk 'NR < 3 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
		exit 0
		;;
	esac
	echo "usage: $0 [--help]" >&2
	exit 2
}

# bench_settings NAME=DEFAULT...: sets each NAME to its value in the environment, or to
# DEFAULT when it is unset or empty (a script's documented settings, in one place).
bench_settings() {
	local kv name
	for kv in "$@"; do
		name=${kv%%=*}
		printf -v "$name" '%s' "${!name:-${kv#*=}}"
	done
}

# bench_whole NAME...: dies unless each variable NAME holds a whole number.
bench_whole() {
	local name
	for name in "$@"; do
		[[ ${!name} =~ ^[0-9]+$ ]] || die "$name must be a whole number (got '${!name}')"
	done
}

# --- work folder and cleanup ---------------------------------------------------------------

# bench_work_init NAME: makes WORK (under TMPDIR, named after NAME) and installs the traps
# that run bench_cleanup on exit, Ctrl-C and SIGTERM.
bench_work_init() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/baladiya-$1.XXXXXX")
	# the clusters' owner (user baladiya when we are root) must reach WORK/pg-*
	chmod 711 "$WORK"
	trap bench_cleanup EXIT
	trap 'echo >&2; bench_cleanup; exit 130' INT
	trap 'bench_cleanup; exit 143' TERM
	say "work folder $WORK"
}

# bench_cleanup: stops everything in BENCH_PIDS (SIGTERM, SIGKILL after 10 s), the clusters,
# and removes WORK unless BENCH_KEEP=1. Runs once.
# shellcheck disable=SC2317 # called from the traps
bench_cleanup() {
	local name pid i
	[ "$BENCH_STOPPING" -eq 0 ] || return 0
	BENCH_STOPPING=1
	trap '' INT TERM
	if declare -F bench_cleanup_hook >/dev/null; then
		bench_cleanup_hook || true
	fi
	for name in "${!BENCH_PIDS[@]}"; do
		kill -TERM "${BENCH_PIDS[$name]}" 2>/dev/null || true
	done
	for name in "${!BENCH_PIDS[@]}"; do
		pid=${BENCH_PIDS[$name]}
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
	for name in "${!BENCH_PG_DIR[@]}"; do
		pg_cluster_stop "${BENCH_PG_DIR[$name]}" ||
			warn "could not stop PostgreSQL in ${BENCH_PG_DIR[$name]}"
	done
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		if [ "${BENCH_KEEP:-0}" = 1 ]; then
			say "kept $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
}

# --- processes and ports -------------------------------------------------------------------

# bench_port: a loopback TCP port nothing listens on and not handed out yet, below the
# kernel's ephemeral range so that no outgoing connection takes it before we listen.
bench_port() {
	local p i low _
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
	[ "$low" -gt 12000 ] || low=32768
	for ((i = 0; i < 200; i++)); do
		p=$((10000 + RANDOM % (low - 10000)))
		[ -z "${BENCH_TAKEN_PORTS[$p]:-}" ] || continue
		port_in_use "$p" && continue
		BENCH_TAKEN_PORTS[$p]=1
		printf '%s\n' "$p"
		return 0
	done
	die "no free TCP port found"
}

# bench_start NAME CMD...: starts a long-running process in the background, its output
# appended to WORK/NAME.log. Use a simple command (env execs its program), so that the pid in
# BENCH_PIDS[NAME] is the process itself.
bench_start() {
	local name=$1
	shift
	"$@" </dev/null >>"$WORK/$name.log" 2>&1 &
	BENCH_PIDS[$name]=$!
}

# bench_stop NAME [TIMEOUT_S]: SIGTERM, then waits (30 s) for it to exit; dies if it does not.
bench_stop() {
	local name=$1 timeout_s=${2:-30} pid i
	pid=${BENCH_PIDS[$name]}
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < timeout_s * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && die "$name did not stop within $timeout_s s of SIGTERM"
	wait "$pid" 2>/dev/null || true
	unset "BENCH_PIDS[$name]"
}

# bench_wait_port PORT NAME: waits (10 s) until PORT accepts connections while process NAME
# lives; dies with the end of its log otherwise.
bench_wait_port() {
	local port=$1 name=$2 i
	for ((i = 0; i < 50; i++)); do
		kill -0 "${BENCH_PIDS[$name]}" 2>/dev/null || break
		port_in_use "$port" && return 0
		sleep 0.2
	done
	tail -n 20 "$WORK/$name.log" >&2 2>/dev/null || true
	die "$name did not start on port $port"
}

# --- building ------------------------------------------------------------------------------

# bench_build: builds the release preset (unless BENCH_BUILD=0; log in WORK/build.log) and
# checks that both daemons are there.
bench_build() {
	local side
	if [ "${BENCH_BUILD:-1}" = 1 ]; then
		say "building preset release (log: $WORK/build.log)"
		if ! (cd "$BALADIYA_ROOT" && cmake --preset release &&
			cmake --build --preset release -j2) >"$WORK/build.log" 2>&1; then
			tail -n 40 "$WORK/build.log" >&2
			die "the release build failed"
		fi
	fi
	for side in "${SIDES[@]}"; do
		[ -x "$(bench_srv_bin "$side")" ] ||
			die "$(bench_srv_bin "$side") is missing (build the release preset)"
	done
	grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BENCH_BUILD_DIR/CMakeCache.txt" 2>/dev/null ||
		warn "$BENCH_BUILD_DIR is not a Release build"
}

# bench_baselines_build: compiles tests/bench/baseline_hello.c and baseline_pg.c into WORK.
bench_baselines_build() {
	local b
	say "compiling the baselines"
	for b in baseline_hello baseline_pg; do
		# shellcheck disable=SC2046 # pkg-config prints several words on purpose
		cc -std=c17 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -o "$WORK/$b" \
			"$BENCH_DIR/$b.c" $(pkg-config --cflags --libs libmicrohttpd libpq jansson) \
			-pthread || die "could not compile tests/bench/$b.c"
	done
}

# --- PostgreSQL ----------------------------------------------------------------------------

# bench_cluster NAME [SETTING...]: a new cluster in WORK/pg-NAME on a free port, with extra
# postgresql.conf lines (e.g. "shared_buffers = 128MB"), started. Another run on this machine
# may take the port first: then it tries another. Sets BENCH_PG_DIR[NAME], BENCH_PG_PORT[NAME].
bench_cluster() {
	local name=$1 dir="$WORK/pg-$1" port attempt
	shift
	port=$(bench_port)
	pg_cluster_init "$dir" "$port"
	# a benchmark runs several daemons (up to 20 connections each), a baseline and its
	# clients on one cluster: scripts/lib.sh's 50 would refuse some of them ("too many
	# clients"); the caller's lines come after, and may change it
	printf '%s\n' "max_connections = 300" "$@" |
		as_pg_user "$dir" tee -a "$dir/postgresql.conf" >/dev/null
	BENCH_PG_DIR[$name]=$dir
	for attempt in 1 2 3; do
		(pg_cluster_start "$dir") && break
		[ "$attempt" -lt 3 ] || die "could not start PostgreSQL in $dir"
		port=$(bench_port)
		printf 'port = %s\n' "$port" | as_pg_user "$dir" tee -a "$dir/postgresql.conf" >/dev/null
	done
	BENCH_PG_PORT[$name]=$port
}

# bench_psql CLUSTER DB ARGS...: a one-off psql (unaligned, tuples only, stops on error).
bench_psql() {
	local cluster=$1 db=$2
	shift 2
	"$(pg_bindir)/psql" -X -A -t -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
		-p "${BENCH_PG_PORT[$cluster]}" -U "$BALADIYA_PG_USER" -d "$db" "$@"
}

# bench_createdb CLUSTER DB
bench_createdb() {
	pg_cluster_createdb "${BENCH_PG_DIR[$1]}" "${BENCH_PG_PORT[$1]}" "$2" >/dev/null
}

# bench_pg_pids: the postmasters of our clusters and their children (backends, workers).
bench_pg_pids() {
	local name pm
	for name in "${!BENCH_PG_DIR[@]}"; do
		pm=$(head -n 1 "${BENCH_PG_DIR[$name]}/postmaster.pid" 2>/dev/null) || continue
		printf '%s\n' "$pm"
		pgrep -P "$pm" || true
	done
}

# bench_pgss_enable CLUSTER: pg_stat_statements in the cluster's postgres database (the cluster
# must have been made with "shared_preload_libraries = 'pg_stat_statements'").
bench_pgss_enable() {
	bench_psql "$1" postgres -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null
}

# bench_pgss_reset CLUSTER: forgets the statistics gathered so far.
bench_pgss_reset() {
	bench_psql "$1" postgres -c 'SELECT pg_stat_statements_reset()' >/dev/null
}

# bench_pgss CLUSTER DB [TOP]: "CALLS EXEC_MS" of the statements run in database DB since the
# last reset, then the TOP (default 3) statements by execution time, one a line:
# "CALLS<tab>EXEC_MS<tab>ROWS<tab>the statement, on one line".
bench_pgss() {
	local cluster=$1 db=$2 top=${3:-3}
	bench_psql "$cluster" postgres -F $'\t' -v db="$db" -v top="$top" <<'EOF'
SELECT coalesce(sum(s.calls), 0) || ' ' || round(coalesce(sum(s.total_exec_time), 0)::numeric, 3)
FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = :'db';
SELECT s.calls, round(s.total_exec_time::numeric, 3), s.rows,
	regexp_replace(s.query, '\s+', ' ', 'g')
FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = :'db'
ORDER BY s.total_exec_time DESC LIMIT :top;
EOF
}

# --- the baselines -------------------------------------------------------------------------

# bench_baselines_start CLUSTER: database bench with bench_row (100 rows) in CLUSTER, then
# both baselines (bench_baselines_build) on free ports with BENCH_THREADS threads. Sets
# BENCH_HELLO_URL (GET / answers "hello") and BENCH_ROW_URL (GET /row: one row as JSON).
bench_baselines_start() {
	local cluster=$1 hello_port row_port
	local -a e
	bench_createdb "$cluster" bench
	say "creating bench_row (100 rows) for the libpq baseline"
	bench_psql "$cluster" bench >/dev/null <<'EOF'
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
	hello_port=$(bench_port)
	row_port=$(bench_port)
	say "starting the baselines on ports $hello_port and $row_port"
	bench_start baseline_hello "$WORK/baseline_hello" "$hello_port" "${BENCH_THREADS:-4}"
	mapfile -t e < <(pg_env "${BENCH_PG_PORT[$cluster]}" bench)
	bench_start baseline_pg env -u PGHOSTADDR -u PGSERVICE -u PGPASSWORD -u PGOPTIONS "${e[@]}" \
		"$WORK/baseline_pg" "$row_port" "${BENCH_THREADS:-4}"
	bench_wait_port "$hello_port" baseline_hello
	bench_wait_port "$row_port" baseline_pg
	BENCH_HELLO_URL="http://127.0.0.1:$hello_port"
	BENCH_ROW_URL="http://127.0.0.1:$row_port"
}

# --- the daemons ---------------------------------------------------------------------------

# A side is official or citizen, or one of them with a set's suffix ("official_before": a
# second pair run beside the first, its binaries from BENCH_BEFORE, its peer the other side of
# the same set).
bench_srv_bin() {
	local kind=${1%%_*} dir=$BENCH_BUILD_DIR
	[ "$kind" = "$1" ] || dir=${BENCH_BEFORE:?a side with a suffix needs BENCH_BEFORE}
	printf '%s/%s-srv/%s-srv\n' "$dir" "$kind" "$kind"
}

bench_srv_url() { printf 'http://127.0.0.1:%s\n' "${BENCH_HTTP_PORT[$1]}"; }

# bench_srv_setup SIDE CLUSTER: gives SIDE a port, its database baladiya_SIDE in CLUSTER and
# its data folder WORK/SIDE-data.
bench_srv_setup() {
	local side=$1 cluster=$2
	BENCH_SRV_CLUSTER[$side]=$cluster
	BENCH_HTTP_PORT[$side]=$(bench_port)
	bench_createdb "$cluster" "baladiya_$side"
	mkdir -p "$WORK/$side-data"
	chmod 700 "$WORK/$side-data"
}

# bench_srv_env SIDE: the daemon's environment (and its commands'), one KEY=VALUE a line. The
# benchmarks emit thousands of events a minute from one address: no ceilings, no per-client
# limits (docs/operations.md, anti-abuse limits).
bench_srv_env() {
	local side=$1 kind=${1%%_*} peer=citizen
	[ "$kind" = official ] || peer=official
	peer+=${side#"$kind"}
	pg_env "${BENCH_PG_PORT[${BENCH_SRV_CLUSTER[$side]}]}" "baladiya_$side"
	printf '%s\n' \
		BALADIYA_BIND=127.0.0.1 \
		"BALADIYA_PORT=${BENCH_HTTP_PORT[$side]}" \
		"BALADIYA_PUBLIC_URL=$(bench_srv_url "$side")" \
		"BALADIYA_PEER_URL=http://127.0.0.1:${BENCH_HTTP_PORT[$peer]:-1}" \
		"BALADIYA_THEME_DIR=$BALADIYA_ROOT/demo/$kind" \
		"BALADIYA_DATA_DIR=$WORK/$side-data" \
		"BALADIYA_THREADS=${BENCH_THREADS:-4}" \
		"BALADIYA_LOG_LEVEL=${BENCH_LOG_LEVEL:-info}" \
		'BALADIYA_EVENT_CEILINGS=*=1000000' 'BALADIYA_RATE_LIMITS=*=1000000'
}

# bench_srv_cmd SIDE ARGS...: one command of SIDE's binary (keys, demo, peer, user) in its
# environment, in the foreground; its output goes where the caller sends it.
bench_srv_cmd() {
	local side=$1
	shift
	local -a e
	mapfile -t e < <(bench_srv_env "$side")
	env -u PGHOSTADDR -u PGSERVICE -u PGPASSWORD -u PGOPTIONS "${e[@]}" \
		"$(bench_srv_bin "$side")" "$@"
}

# bench_srv_keys SIDE: generates SIDE's signing key; sets BENCH_FPR[SIDE].
bench_srv_keys() {
	local side=$1
	BENCH_FPR[$side]=$(bench_srv_cmd "$side" keys generate 2>>"$WORK/$side-srv.log") ||
		die "$side-srv keys generate failed (see $WORK/$side-srv.log)"
}

# bench_srv_start SIDE [NAME PORT]: starts the daemon (BENCH_PIDS[SIDE-srv], log
# WORK/SIDE-srv.log) and waits (60 s) until /healthz answers. With NAME and PORT: another
# replica of SIDE (same database, same data folder) named NAME in BENCH_PIDS, on PORT.
bench_srv_start() {
	local side=$1 name=${2:-$1-srv} port=${3:-${BENCH_HTTP_PORT[$1]}}
	local -a e
	say "starting $name on port $port"
	mapfile -t e < <(bench_srv_env "$side")
	bench_start "$name" env -u PGHOSTADDR -u PGSERVICE -u PGPASSWORD -u PGOPTIONS \
		"${e[@]}" "BALADIYA_PORT=$port" "$(bench_srv_bin "$side")" serve
	wait_healthz "http://127.0.0.1:$port" "${BENCH_PIDS[$name]}" 60 || {
		tail -n 20 "$WORK/$name.log" >&2 || true
		die "$name did not become healthy"
	}
}

# bench_nginx NAME PORT UPSTREAM... [-- HTTP_LINE...]: Debian's nginx (BENCH_PIDS[NAME], log
# WORK/NAME.log) on 127.0.0.1:PORT in front of UPSTREAM (host:port each), with the
# repository's deploy/nginx/baladiya.conf.template rendered by envsubst as the nginx image
# does; HTTP_LINEs are added to the http block (the benchmark's own settings). Workers: one
# per core; no access log. Waits until PORT accepts connections.
bench_nginx() {
	local name=$1 port=$2 dir="$WORK/$1" servers='' u
	shift 2
	local -a extra=()
	while [ $# -gt 0 ]; do
		if [ "$1" = -- ]; then
			shift
			extra=("$@")
			break
		fi
		servers+="server $1; "
		shift
	done
	mkdir -p "$dir"
	# shellcheck disable=SC2016 # envsubst's list of the variables to fill, not an expansion
	BALADIYA_PROXY_PORT="127.0.0.1:$port" BALADIYA_UPSTREAM_SERVERS="$servers" \
		envsubst '${BALADIYA_PROXY_PORT} ${BALADIYA_UPSTREAM_SERVERS}' \
		<"$BALADIYA_ROOT/deploy/nginx/baladiya.conf.template" >"$dir/baladiya.conf"
	{
		# as root the master hands its workers to "nobody", who cannot write to WORK
		! is_root || printf 'user root root;\n'
		printf 'worker_processes auto;\npid %s/nginx.pid;\nerror_log %s/error.log warn;\n' \
			"$dir" "$dir"
		printf 'events { worker_connections 4096; }\nhttp {\n\taccess_log off;\n'
		for u in body proxy fastcgi uwsgi scgi; do
			printf '\t%s_temp_path %s/%s;\n' "${u/body/client_body}" "$dir" "$u"
		done
		[ ${#extra[@]} -eq 0 ] || printf '\t%s\n' "${extra[@]}"
		printf '\tinclude %s/baladiya.conf;\n}\n' "$dir"
	} >"$dir/nginx.conf"
	say "starting $name (nginx) on port $port in front of ${servers% }"
	bench_start "$name" nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" \
		-g 'daemon off;'
	bench_wait_port "$port" "$name"
}

# bench_pair [FIRST]: pairs official-srv and citizen-srv both ways (keys made by
# bench_srv_keys), side FIRST (default official) first: the side paired first trusts the
# other's key before the other's sender makes its first delivery.
# shellcheck disable=SC2120 # FIRST is optional
bench_pair() {
	local first=${1:-official} side peer
	peer=citizen
	[ "$first" = official ] || peer=official
	say "pairing $first-srv and $peer-srv"
	for side in "$first" "$peer"; do
		peer=citizen
		[ "$side" = official ] || peer=official
		bench_srv_cmd "$side" peer pair "$(bench_srv_url "$peer")" "${BENCH_FPR[$peer]}" \
			>>"$WORK/$side-srv.log" 2>&1 ||
			die "$side-srv peer pair failed (see $WORK/$side-srv.log)"
	done
}

# bench_form_csrf URL HEADERS_FILE: GETs the form page URL and sets BENCH_CSRF_TOKEN (its
# form's csrf field) and BENCH_CSRF_COOKIE (the "name=value" of the CSRF cookie it set); dies
# when either is missing.
bench_form_csrf() {
	BENCH_CSRF_TOKEN=$(curl -sS -D "$2" "$1" |
		sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	BENCH_CSRF_COOKIE=$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*csrf=[^;]*\).*/\1/p' "$2" |
		head -n 1)
	if [ -z "$BENCH_CSRF_TOKEN" ] || [ -z "$BENCH_CSRF_COOKIE" ]; then
		die "no CSRF token on $1"
	fi
}

# bench_login SIDE ACCOUNT: prints "Cookie: ..." for a signed-in session of the account, whose
# password is bench-password-ACCOUNT.
bench_login() {
	local side=$1 account=$2 url csrf token hdr
	url=$(bench_srv_url "$side")
	hdr="$WORK/login-$side.headers"
	bench_form_csrf "$url/login" "$hdr"
	token=$BENCH_CSRF_TOKEN csrf=$BENCH_CSRF_COOKIE
	curl -sS -o /dev/null -D "$hdr" -H "Cookie: $csrf" --data-urlencode "csrf=$token" \
		--data-urlencode "username=$account" \
		--data-urlencode "password=bench-password-$account" "$url/login"
	local session
	session=$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*session=[^;]*\).*/\1/p' "$hdr" | head -n 1)
	[ -n "$session" ] || die "$side-srv: the $account account could not sign in"
	printf 'Cookie: %s; %s\n' "$session" "$csrf"
}

# bench_fed_seqs: "LAST APPLIED": the last event official has stored, and how far citizen
# has applied official's events.
bench_fed_seqs() {
	local last applied
	last=$(bench_psql "${BENCH_SRV_CLUSTER[official]}" baladiya_official \
		-c "SELECT coalesce(max(last_seq), 0) FROM fed_counter WHERE origin = 'official'")
	applied=$(bench_psql "${BENCH_SRV_CLUSTER[citizen]}" baladiya_citizen \
		-c "SELECT coalesce(max(applied_seq), 0) FROM fed_peers WHERE name = 'official'")
	printf '%s %s\n' "$last" "$applied"
}

# bench_wait_federated TIMEOUT_S: waits until citizen has applied every event official has
# stored, saying how far it is every 10 s; dies after TIMEOUT_S or when a daemon dies.
bench_wait_federated() {
	local timeout_s=$1 t0 last applied side
	t0=$SECONDS
	while :; do
		read -r last applied < <(bench_fed_seqs)
		[ "$applied" -lt "$last" ] || return 0
		for side in "${SIDES[@]}"; do
			kill -0 "${BENCH_PIDS[$side-srv]}" 2>/dev/null ||
				die "$side-srv died (see $WORK/$side-srv.log)"
		done
		[ $((SECONDS - t0)) -lt "$timeout_s" ] ||
			die "citizen-srv applied only $applied of official's $last events in ${timeout_s}s"
		[ $(((SECONDS - t0) % 10)) -ne 0 ] || say "    citizen-srv applied $applied of $last"
		sleep 1
	done
}

# --- measuring -----------------------------------------------------------------------------

# bench_warn_errors: a warning line for each row of ROWS (label first, "|"-separated) whose run
# had non-2xx answers or socket errors, from the caller's NON2XX and ERRS, keyed by label.
bench_warn_errors() {
	local row label
	for row in "${ROWS[@]}"; do
		IFS='|' read -r label _ <<<"$row"
		if [ "${NON2XX[$label]}" != 0 ] || [ "${ERRS[$label]}" != 0 ]; then
			printf 'warning: %s: %s non-2xx responses, %s socket errors\n' "$label" \
				"${NON2XX[$label]}" "${ERRS[$label]}"
		fi
	done
}

# bench_wrk_scripts: WORK/report.lua (one machine-readable BENCH line at the end) and
# WORK/uncached.lua (the same, with Cache-Control: no-cache, which makes the page cache render
# the page and store it, and a dummy query parameter unique per request: the cache leaves it
# out of its key, the page reads none). Every request says Accept-Language: ar.
# wrk reuses one prebuilt request unless the script defines request(), so only the uncached
# script defines it (its cost is on wrk's side, not the server's). The dummy parameter starts
# with the run's name (wrk's first argument after the URL, which bench_wrk makes unique):
# counters alone restart at 1 in every run, so a measured run would find the pages its warm-up
# rendered (up to BALADIYA_CACHE_ENTRIES of them) in the cache.
bench_wrk_scripts() {
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
	{
		cat "$WORK/report.lua"
		cat <<'EOF'

local nthreads = 0
function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
end

local run = "run"
function init(args)
	run = args[1] or run
end

-- the page cache leaves parameters no page reads out of its key: no-cache makes it render
wrk.headers["Cache-Control"] = "no-cache"

local counter = 0
function request()
	counter = counter + 1
	local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
	return wrk.format(nil, wrk.path .. sep .. "x=" .. run .. "-" .. tid .. "-" .. counter)
end
EOF
	} >"$WORK/uncached.lua"
}

# bench_idle_pct: the share of CPU time the machine left idle over one second. Measured while
# our servers are idle, it shows whether something else competes for the cores.
bench_idle_pct() {
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

# bench_cpu_ticks: "BUSY TOTAL IRQ IOWAIT", the clock ticks all CPUs spent in user and system
# mode, and in all states, since boot; then those spent serving interrupts (irq and softirq)
# and idle waiting for I/O. Interrupt time is left out of BUSY: loopback traffic is mostly
# softirq time that no process is charged for.
bench_cpu_ticks() {
	local _ u n s i w q sq st
	read -r _ u n s i w q sq st _ </proc/stat
	printf '%s %s %s %s\n' $((u + n + s)) $((u + n + s + i + w + q + sq + st)) $((q + sq)) "$w"
}

# bench_proc_ticks PID...: user and system clock ticks of these processes, their reaped
# children included; a process that is gone counts 0.
bench_proc_ticks() {
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

# bench_our_ticks: the CPU clock ticks this benchmark has used so far: this shell and the
# children it has reaped (wrk, node, a stopped daemon), everything in BENCH_PIDS, and our
# clusters' postmasters with their backends (bench_pg_pids).
bench_our_ticks() {
	local -a pgp
	mapfile -t pgp < <(bench_pg_pids)
	printf '%s\n' $(($(bench_proc_ticks $$ "${BENCH_PIDS[@]}") +
		$(bench_proc_ticks "${pgp[@]}")))
}

# bench_cpu_mark: a mark for bench_cpu_since (bench_cpu_ticks and bench_our_ticks now).
bench_cpu_mark() { printf '%s %s\n' "$(bench_cpu_ticks)" "$(bench_our_ticks)"; }

# bench_cpu_since MARK: "B% (ours O%, iowait W%)" since MARK (bench_cpu_mark), each a share of
# the machine's CPU time: busy (user, system and interrupts), used by this benchmark
# (bench_our_ticks; the rest of busy is someone else's), and idle waiting for the disk. Busy and
# ours are read a moment apart, so ours can exceed busy by a few points.
bench_cpu_since() {
	local b0 t0 q0 w0 o0 b1 t1 q1 w1 o1
	read -r b0 t0 q0 w0 o0 <<<"$1"
	read -r b1 t1 q1 w1 o1 < <(bench_cpu_mark)
	awk -v b=$((b1 + q1 - b0 - q0)) -v w=$((w1 - w0)) -v t=$((t1 - t0)) -v o=$((o1 - o0)) \
		'BEGIN { if (t <= 0) t = 1
			printf "%.0f%% (ours %.0f%%, iowait %.0f%%)", 100 * b / t, 100 * o / t, 100 * w / t }'
}

# bench_rss_kib PID: the process's resident set size in KiB (0 when it is gone).
bench_rss_kib() {
	local k v _
	if [ -r "/proc/$1/status" ]; then
		while read -r k v _; do
			if [ "$k" = "VmRSS:" ]; then
				printf '%s\n' "$v"
				return 0
			fi
		done 2>/dev/null <"/proc/$1/status" || true
	fi
	printf '0\n'
}

# bench_kv NAME LINE: the KEY=VALUE words of LINE (a report line such as "BENCH rps=… p99_ms=…")
# into the associative array NAME, which the caller declares (local -A NAME); other words are
# skipped.
bench_kv() {
	local -n bench_kv_out=$1
	local -a words
	local w
	bench_kv_out=()
	read -r -a words <<<"$2"
	for w in "${words[@]}"; do
		[[ $w == ?*=* ]] || continue
		bench_kv_out[${w%%=*}]=${w#*=}
	done
}

# bench_idle_before: sets IDLE_BEFORE (bench_idle_pct) and warns when the machine is less than
# 90% idle before measuring.
bench_idle_before() {
	IDLE_BEFORE=$(bench_idle_pct)
	[ "$IDLE_BEFORE" -lt 90 ] || return 0
	warn "the machine is only ${IDLE_BEFORE}% idle before measuring: something else is running" \
		"and the numbers will be lower and noisier than they should"
}

# bench_wrk SCRIPT URL NAME [LABEL]: loads URL with wrk (BENCH_WRK_THREADS threads,
# BENCH_CONNECTIONS connections, WORK/SCRIPT.lua): a warm-up of BENCH_WARMUP s (0: none), then
# BENCH_SECONDS s measured while sampling process NAME (a BENCH_PIDS key). Output in
# WORK/wrk-LABEL*.out; a function bench_wrk_hook_before, if the script defines one, runs between
# the warm-up and the measured run. Dies if wrk fails or NAME dies. Sets:
#   WRK_RPS WRK_P50 WRK_P99 (ms) WRK_REQUESTS WRK_BYTES WRK_NON2XX WRK_ERRORS  from wrk;
#   WRK_RSS_KIB    NAME's peak VmRSS during the measured run (sampled every 0.25 s);
#   WRK_SRV_TICKS  NAME's CPU clock ticks;  WRK_PG_TICKS  our clusters' CPU clock ticks;
#   WRK_OTHERS_PCT the share of the machine's CPU time used by processes other than this
#                  shell, wrk, BENCH_PIDS and our clusters (another build, a test suite...).
bench_wrk() {
	local script=$1 url=$2 name=$3 label=${4:-run} pid line r wrk_pid nonce
	local busy0 total0 busy1 total1 ours0 ours1 srv0 srv1 pg0 pg1
	local -a args pgp
	local -A res
	pid=${BENCH_PIDS[$name]}
	args=(-t"${BENCH_WRK_THREADS:-2}" -c"${BENCH_CONNECTIONS:-64}" --timeout 5s
		-s "$WORK/$script.lua" "$url")
	# a name unique to each wrk run, for the script (see bench_wrk_scripts)
	nonce=${EPOCHREALTIME/./}
	if [ "${BENCH_WARMUP:-3}" != 0 ]; then
		wrk -d"${BENCH_WARMUP:-3}s" "${args[@]}" -- "w$nonce" \
			>"$WORK/wrk-$label-warmup.out" 2>&1 ||
			die "wrk failed: $(cat "$WORK/wrk-$label-warmup.out")"
	fi
	if declare -F bench_wrk_hook_before >/dev/null; then
		bench_wrk_hook_before
	fi
	mapfile -t pgp < <(bench_pg_pids)
	read -r busy0 total0 _ < <(bench_cpu_ticks)
	srv0=$(bench_proc_ticks "$pid")
	pg0=$(bench_proc_ticks "${pgp[@]}")
	ours0=$(bench_proc_ticks $$ "${BENCH_PIDS[@]}")
	# a simple command, so that $! is wrk itself and bench_cleanup can stop it
	wrk -d"${BENCH_SECONDS:-10}s" "${args[@]}" -- "m$nonce" >"$WORK/wrk-$label.out" 2>&1 &
	wrk_pid=$!
	BENCH_PIDS[wrk]=$wrk_pid
	WRK_RSS_KIB=0
	while kill -0 "$wrk_pid" 2>/dev/null; do
		r=$(bench_rss_kib "$pid")
		[ "$r" -le "$WRK_RSS_KIB" ] || WRK_RSS_KIB=$r
		sleep 0.25
	done
	wait "$wrk_pid" || die "wrk failed: $(cat "$WORK/wrk-$label.out")"
	unset 'BENCH_PIDS[wrk]'
	read -r busy1 total1 _ < <(bench_cpu_ticks)
	srv1=$(bench_proc_ticks "$pid")
	# backends that exited during the run are counted in the postmaster's children time
	mapfile -t pgp < <(bench_pg_pids)
	pg1=$(bench_proc_ticks "${pgp[@]}")
	ours1=$(bench_proc_ticks $$ "${BENCH_PIDS[@]}")
	WRK_SRV_TICKS=$((srv1 - srv0))
	WRK_PG_TICKS=$((pg1 - pg0))
	# ours: this shell (wrk counts once reaped), everything we started, and our clusters
	WRK_OTHERS_PCT=$(awk -v b=$((busy1 - busy0)) -v o=$((ours1 - ours0 + WRK_PG_TICKS)) \
		-v t=$((total1 - total0)) 'BEGIN { x = t > 0 ? 100 * (b - o) / t : 0
		printf "%.0f", (x < 0 ? 0 : x) }')
	kill -0 "$pid" 2>/dev/null || die "$name died under load (see $WORK/$name.log)"
	line=$(grep '^BENCH ' "$WORK/wrk-$label.out") ||
		die "no result from wrk: $(cat "$WORK/wrk-$label.out")"
	bench_kv res "$line"
	WRK_RPS=${res[rps]} WRK_P50=${res[p50_ms]} WRK_P99=${res[p99_ms]}
	WRK_REQUESTS=${res[requests]} WRK_BYTES=${res[bytes]}
	WRK_NON2XX=${res[non2xx]} WRK_ERRORS=${res[errors]}
}

# bench_machine: "x86_64, 2 cores (model name)", for report headers.
bench_machine() {
	printf '%s, %s cores (%s)\n' "$(uname -m)" "$(nproc)" \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
}

# bench_calc EXPR [VAR=VALUE...]: evaluates an awk expression (floating point), prints it.
bench_calc() {
	local expr=$1 kv
	shift
	local -a a=()
	for kv in "$@"; do a+=(-v "$kv"); done
	awk "${a[@]}" "BEGIN { print ($expr) }"
}

# bench_fmt VALUE FORMAT: printf FORMAT (e.g. %.1f) of a number.
bench_fmt() { awk -v v="$1" -v f="$2" 'BEGIN { printf f, v }'; }
