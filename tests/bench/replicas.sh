#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/replicas.sh: what the reverse proxy costs and what a second replica brings. Builds
# the release preset and the hello-world baseline, starts a throwaway PostgreSQL cluster, two
# replicas of official-srv on one database with the demo content, and Debian's nginx with the
# repository's configuration (deploy/nginx/baladiya.conf.template) three times: in front of the
# baseline, of one replica, of both. Loads each with wrk in the same run and prints requests/s,
# p50 and p99 of the bare baseline direct and behind nginx, and of an anonymous page (GET /news)
# and a staff page (GET /staff/news, signed in) on one replica direct, one replica behind nginx
# and two replicas behind nginx, with how the two replicas shared the requests.
# The configuration sends each client address to one replica; wrk is one client, so the runs
# through nginx present many: the benchmark's own nginx.conf (not the repository's file) takes
# the client's address from an X-Bench-Client header (the realip module), which the wrk script
# sets to one of 256 addresses in turn. It reports; it does not fail. See docs/performance.md.
#
# Environment (all optional):
#   BENCH_SECONDS=10       measured duration of each run (s)
#   BENCH_WARMUP=3         warm-up run before each measured run (s; 0 to skip)
#   BENCH_CONNECTIONS=64   wrk connections        BENCH_WRK_THREADS=2   wrk threads
#   BENCH_THREADS=4        HTTP pool threads of the daemons and of the baseline
#   BENCH_LOG_LEVEL=info   daemons' BALADIYA_LOG_LEVEL (info logs one access line a request)
#   BENCH_BUILD=1          0: use the existing build/release binaries as they are
#   BENCH_KEEP=0           1: keep the work folder (logs, cluster, wrk output) at exit
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_args "$@"
cd "$BALADIYA_ROOT"

bench_settings BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 \
	BENCH_THREADS=4 BENCH_LOG_LEVEL=info BENCH_BUILD=1 BENCH_KEEP=0

# --- preparing -----------------------------------------------------------------------------

ensure_packages build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libpq-dev \
	postgresql-15 wrk curl nginx gettext-base

bench_work_init bench-replicas
bench_build
bench_baselines_build
bench_cluster pg
bench_srv_setup official pg
bench_srv_keys official
say "official-srv: demo load demo/official"
bench_srv_cmd official demo load "$BALADIYA_ROOT/demo/official" >"$WORK/official-demo.log" 2>&1 || {
	cat "$WORK/official-demo.log" >&2
	die "official-srv could not load the demo"
}
printf 'bench-password-editor\n' |
	bench_srv_cmd official user add --role editor --username editor >>"$WORK/official-srv.log" 2>&1 ||
	die "official-srv user add failed (see $WORK/official-srv.log)"
REPLICA2_PORT=$(bench_port)
bench_srv_start official
bench_srv_start official official-srv-2 "$REPLICA2_PORT"
bench_baselines_start pg

# The replicas trust nginx (127.0.0.1) for the client's address, as in docker-compose.yml;
# the benchmark's nginx takes the client's address from X-Bench-Client (see the top).
CLIENTS=(-- 'set_real_ip_from 127.0.0.1;' 'real_ip_header X-Bench-Client;')
R1="127.0.0.1:${BENCH_HTTP_PORT[official]}"
R2="127.0.0.1:$REPLICA2_PORT"
HELLO_HOSTPORT=${BENCH_HELLO_URL#http://}
HELLO_HOSTPORT=${HELLO_HOSTPORT%/}
PORT_HELLO=$(bench_port)
PORT_ONE=$(bench_port)
PORT_TWO=$(bench_port)
bench_nginx nginx-hello "$PORT_HELLO" "$HELLO_HOSTPORT" "${CLIENTS[@]}"
bench_nginx nginx-one "$PORT_ONE" "$R1" "${CLIENTS[@]}"
bench_nginx nginx-two "$PORT_TWO" "$R1" "$R2" "${CLIENTS[@]}"

# --- wrk scripts ---------------------------------------------------------------------------

# report.lua from tests/bench/lib.sh; clients.lua: the same, each request from one of 256
# client addresses in turn (prebuilt requests: no work per request on wrk's side); staff*.lua:
# the same two with the editor's session.
bench_wrk_scripts
{
	cat "$WORK/report.lua"
	cat <<'EOF'

local reqs = {}
local i = 0
function init(args)
	for n = 0, 255 do
		wrk.headers["X-Bench-Client"] = "198.51." .. math.floor(n / 16) .. "." .. (n % 16 + 1)
		reqs[n + 1] = wrk.format()
	end
end
function request()
	i = i % #reqs + 1
	return reqs[i]
end
EOF
} >"$WORK/clients.lua"
COOKIE=$(bench_login official editor | sed 's/^Cookie: //')
for s in report clients; do
	{
		printf 'wrk.headers["Cookie"] = "%s"\n' "$COOKIE"
		cat "$WORK/$s.lua"
	} >"$WORK/staff-$s.lua"
done

# --- measuring -----------------------------------------------------------------------------

# Rows: label | URL | lua script | process sampled (BENCH_PIDS) | group (for the ratios).
D1=$(bench_srv_url official)
N1="http://127.0.0.1:$PORT_ONE"
N2="http://127.0.0.1:$PORT_TWO"
ROWS=(
	"hello-world direct|$BENCH_HELLO_URL/|report|baseline_hello|hello"
	"hello-world behind nginx|http://127.0.0.1:$PORT_HELLO/|clients|baseline_hello|hello"
	"GET /news, 1 replica direct|$D1/news|report|official-srv|anon"
	"GET /news, 1 replica behind nginx|$N1/news|clients|official-srv|anon"
	"GET /news, 2 replicas behind nginx|$N2/news|clients|official-srv|anon"
	"GET /staff/news, 1 replica direct|$D1/staff/news|staff-report|official-srv|staff"
	"GET /staff/news, 1 replica behind nginx|$N1/staff/news|staff-clients|official-srv|staff"
	"GET /staff/news, 2 replicas behind nginx|$N2/staff/news|staff-clients|official-srv|staff"
)

say "checking the targets"
for row in "${ROWS[@]}"; do
	IFS='|' read -r label url script _ _ <<<"$row"
	h=()
	[[ $script != staff-* ]] || h=(-H "Cookie: $COOKIE")
	out=$(curl -sS -o "$WORK/check.body" -H 'Accept-Language: ar' -H 'X-Bench-Client: 198.51.0.1' \
		"${h[@]}" -w '%{http_code} %{size_download}' "$url") || die "$label: $url does not answer"
	[ "${out%% *}" = 200 ] || die "$label: $url answered $out"
	[[ $script != staff-* ]] || grep -q 'logout' "$WORK/check.body" ||
		die "$label: $url is not the signed-in staff page"
	printf '    %-42s %6s bytes\n' "$label" "${out#* }" >&2
done
rm -f "$WORK/check.body"

# access_lines NAME: the access lines in WORK/NAME.log so far (info logs one a request).
access_lines() { grep -c ' access method=' "$WORK/$1.log" || true; }

bench_idle_before
VMSTAT_BEFORE=$(vmstat 1 2 | tail -n 1)

declare -A RPS=() P50=() P99=() OTHERS=() NON2XX=() ERRS=() SPLIT=()
n=0
for row in "${ROWS[@]}"; do
	IFS='|' read -r label url script pname _ <<<"$row"
	n=$((n + 1))
	say "[$n/${#ROWS[@]}] $label: ${BENCH_SECONDS}s after ${BENCH_WARMUP}s warm-up," \
		"$BENCH_CONNECTIONS connections"
	a0=$(access_lines official-srv) b0=$(access_lines official-srv-2)
	bench_wrk "$script" "$url" "$pname" "$n"
	a1=$(access_lines official-srv) b1=$(access_lines official-srv-2)
	RPS[$label]=$WRK_RPS P50[$label]=$WRK_P50 P99[$label]=$WRK_P99 OTHERS[$label]=$WRK_OTHERS_PCT
	NON2XX[$label]=$WRK_NON2XX ERRS[$label]=$WRK_ERRORS
	# warm-up and measured run together: how the replicas shared the requests
	if [ $((a1 - a0 + b1 - b0)) -gt 0 ] && [ "$pname" = official-srv ]; then
		SPLIT[$label]="$(bench_calc 'int(100 * a / (a + b) + 0.5)' a=$((a1 - a0)) b=$((b1 - b0)))/$(
			bench_calc 'int(100 * b / (a + b) + 0.5)' a=$((a1 - a0)) b=$((b1 - b0)))"
	else
		SPLIT[$label]=-
	fi
done
VMSTAT_AFTER=$(vmstat 1 2 | tail -n 1)

# --- report --------------------------------------------------------------------------------

declare -A FIRST=()
{
	printf '\nBaladiya replicas benchmark, %s, %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" \
		"$(bench_machine)"
	printf 'wrk -t%s -c%s, %ss measured after %ss warm-up; daemon pools %s threads; ' \
		"$BENCH_WRK_THREADS" "$BENCH_CONNECTIONS" "$BENCH_SECONDS" "$BENCH_WARMUP" \
		"$BENCH_THREADS"
	printf 'Accept-Language: ar; log level %s; nginx %s, worker_processes auto, no access log\n' \
		"$BENCH_LOG_LEVEL" "$(nginx -v 2>&1 | sed 's/.*nginx\///')"
	printf 'machine idle before measuring: %s%% (load average at the end: %s)\n' \
		"$IDLE_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)"
	printf 'vmstat before: %s\nvmstat after:  %s\n\n' "$VMSTAT_BEFORE" "$VMSTAT_AFTER"
	printf '| %-42s | %9s | %7s | %7s | %-13s | %-9s | %8s |\n' target 'req/s' 'p50 ms' \
		'p99 ms' 'vs direct' 'r1/r2 %' 'others %'
	printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..44})" \
		"$(printf -- '-%.0s' {1..11})" "$(printf -- '-%.0s' {1..9})" \
		"$(printf -- '-%.0s' {1..9})" "$(printf -- '-%.0s' {1..15})" \
		"$(printf -- '-%.0s' {1..11})" "$(printf -- '-%.0s' {1..10})"
	for row in "${ROWS[@]}"; do
		IFS='|' read -r label _ _ _ group <<<"$row"
		if [ -z "${FIRST[$group]:-}" ]; then
			FIRST[$group]=$label
			ratio='(direct)'
		else
			ratio="$(bench_fmt "$(bench_calc 'a / b' a="${RPS[$label]}" \
				b="${RPS[${FIRST[$group]}]}")" %.2f) x"
		fi
		printf '| %-42s | %9.0f | %7.2f | %7.2f | %-13s | %-9s | %8s |\n' "$label" \
			"${RPS[$label]}" "${P50[$label]}" "${P99[$label]}" "$ratio" "${SPLIT[$label]}" \
			"${OTHERS[$label]}"
	done
	printf '\nvs direct: requests/s over the same target without nginx. r1/r2: the share of the '
	printf 'requests each replica logged\n(warm-up included). others %%: the share of both '
	printf 'cores that processes other than this benchmark used\nduring the run (approximate; '
	printf "nginx's workers are among them, so in the rows through nginx it includes nginx's share).\n"
	bench_warn_errors
}
exit 0
