#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/publications.sh: the publications benchmark (issue 4). Builds the release preset
# and the two bare baselines, generates a commune's worth of publications (2,000 projects,
# 1,000 deliberations in French and Arabic, 50 budget documents of 300 lines), loads them on
# official-srv with `demo load` (the real write path, events included), pairs citizen-srv and
# waits until it has mirrored every event. Then loads both daemons with wrk: the project list,
# a project page, a budget page, a deliberation search (French and Arabic words), and the
# catalogue of services (the demo commune's, demo/official/services.json: the catalogue, a
# search in it and a service's sheet), each as
# served (page cache) and uncached (a dummy parameter per request), next to the hello-world and
# one-row libpq baselines of the same run. Prints requests/s, p50, p99, the ratio to the
# baselines, CPU and SQL per request, and each daemon's RSS. It reports; it does not fail (exit
# 0 whatever the numbers; non-zero only when it could not measure). See
# docs/performance-publications.md.
#
# Environment (all optional):
#   PROJECTS=2000 DELIBERATIONS=1000 BUDGETS=50 BUDGET_LINES=300   the data set
#   QUERY_FR=budget QUERY_AR=الميزانية   the two searches (GET /deliberations?q=...)
#   SERVICE_KEY=urbanism-certificate QUERY_SERVICE=passeport   the sheet and the search
#                          of the catalogue of services (GET /services/{key}, /services?q=...)
#   BENCH_ONLY=            an extended regular expression: only the targets whose label
#                          matches are measured (the baselines always are), e.g. 'services'
#   BENCH_SECONDS=10       measured duration of each run (s)
#   BENCH_WARMUP=3         warm-up run before each measured run (s; 0 to skip)
#   BENCH_CONNECTIONS=64   wrk connections        BENCH_WRK_THREADS=2   wrk threads
#   BENCH_THREADS=4        HTTP pool threads of the daemons and of the baselines
#   BENCH_LOG_LEVEL=info   daemons' BALADIYA_LOG_LEVEL (info logs one access line a request)
#   BENCH_PGSS=1           pg_stat_statements: SQL statements and time per request (0: off)
#   BENCH_TIMEOUT=900      longest wait (s) for citizen-srv to mirror the data
#   BENCH_BUILD=1          0: use the existing build/release binaries as they are
#   BENCH_KEEP=0           1: keep the work folder (logs, cluster, data, wrk output) at exit
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BALADIYA_ROOT"

case "${1:-}" in
-h | --help)
	sed -n '3,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit 0
	;;
"") ;;
*)
	echo "usage: $0 [--help]" >&2
	exit 2
	;;
esac

PROJECTS=${PROJECTS:-2000}
DELIBERATIONS=${DELIBERATIONS:-1000}
BUDGETS=${BUDGETS:-50}
BUDGET_LINES=${BUDGET_LINES:-300}
QUERY_FR=${QUERY_FR:-budget}
QUERY_AR=${QUERY_AR:-الميزانية}
SERVICE_KEY=${SERVICE_KEY:-urbanism-certificate}
QUERY_SERVICE=${QUERY_SERVICE:-passeport}
BENCH_ONLY=${BENCH_ONLY:-}
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_WRK_THREADS=${BENCH_WRK_THREADS:-2}
BENCH_THREADS=${BENCH_THREADS:-4}
BENCH_LOG_LEVEL=${BENCH_LOG_LEVEL:-info}
BENCH_PGSS=${BENCH_PGSS:-1}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
BENCH_BUILD=${BENCH_BUILD:-1}
BENCH_KEEP=${BENCH_KEEP:-0}

for v in PROJECTS DELIBERATIONS BUDGETS BUDGET_LINES BENCH_SECONDS BENCH_WARMUP \
	BENCH_CONNECTIONS BENCH_WRK_THREADS BENCH_THREADS BENCH_TIMEOUT; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
for v in PROJECTS DELIBERATIONS BUDGETS BUDGET_LINES BENCH_SECONDS; do
	[ "${!v}" -ge 1 ] || die "$v must be at least 1"
done
if [ "$BENCH_WRK_THREADS" -lt 1 ] || [ "$BENCH_CONNECTIONS" -lt "$BENCH_WRK_THREADS" ]; then
	die "wrk needs BENCH_WRK_THREADS >= 1 and BENCH_CONNECTIONS >= BENCH_WRK_THREADS"
fi
if [ -z "$QUERY_FR" ] || [ -z "$QUERY_AR" ]; then
	die "QUERY_FR and QUERY_AR must not be empty"
fi

CLK_TCK=$(getconf CLK_TCK)

# urlencode TEXT: percent-encodes every byte but the unreserved characters.
urlencode() {
	local LC_ALL=C s=$1 i c out=
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case "$c" in
		[a-zA-Z0-9.~_-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s\n' "$out"
}

# sql SIDE SQL: one query on SIDE's database.
sql() { bench_psql pg "baladiya_$1" -c "$2"; }

# --- preparing -----------------------------------------------------------------------------

ensure_packages build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev \
	libcurl4-openssl-dev libssl-dev libpq-dev libargon2-dev libcmark-dev postgresql-15 wrk \
	curl nodejs

bench_work_init pubbench
bench_build
# what was built: the commit, and how many tracked files differed from it (read-only: no index
# refresh, so as not to disturb someone committing meanwhile)
COMMIT=$(git -C "$BALADIYA_ROOT" rev-parse --short HEAD 2>/dev/null) || COMMIT=unknown
CHANGED=$(git --no-optional-locks -C "$BALADIYA_ROOT" status --porcelain \
	--untracked-files=no 2>/dev/null | wc -l)
bench_baselines_build

say "generating $PROJECTS projects, $DELIBERATIONS deliberations, $BUDGETS budget documents" \
	"of $BUDGET_LINES lines"
GEN=$(node "$BENCH_DIR/publications/generate.mjs" "$WORK/data" --projects "$PROJECTS" \
	--deliberations "$DELIBERATIONS" --budgets "$BUDGETS" --lines "$BUDGET_LINES") ||
	die "could not generate the data set"
GEN_BYTES=${GEN##*bytes=}
# the demo commune's catalogue of services, loaded by the services module's demo loader
cp demo/official/services.json "$WORK/data/services.json"

# One cluster for both daemons and the libpq baseline, as in tests/bench/foundation.sh; room
# for the data set in shared buffers, as a server would have.
pgconf=("shared_buffers = 128MB")
[ "$BENCH_PGSS" != 1 ] || pgconf+=("shared_preload_libraries = 'pg_stat_statements'"
	"pg_stat_statements.track = top")
bench_cluster pg "${pgconf[@]}"
[ "$BENCH_PGSS" != 1 ] || bench_pgss_enable pg
for side in "${SIDES[@]}"; do
	bench_srv_setup "$side" pg
	bench_srv_keys "$side"
done

say "official-srv: demo load (log: $WORK/official-load.log)"
t0=$EPOCHREALTIME
bench_srv_cmd official demo load "$WORK/data" >"$WORK/official-load.log" 2>&1 || {
	tail -n 20 "$WORK/official-load.log" >&2
	die "official-srv could not load the data set"
}
LOAD_S=$(bench_calc 'b - a' a="$t0" b="$EPOCHREALTIME")
say "    loaded in $(bench_fmt "$LOAD_S" %.1f) s"

for side in "${SIDES[@]}"; do
	bench_srv_start "$side"
done
bench_pair
say "waiting until citizen-srv has mirrored every event"
t0=$EPOCHREALTIME
bench_wait_federated "$BENCH_TIMEOUT"
MIRROR_S=$(bench_calc 'b - a' a="$t0" b="$EPOCHREALTIME")
read -r EVENTS _ < <(bench_fed_seqs)
say "    $EVENTS events mirrored in $(bench_fmt "$MIRROR_S" %.1f) s"

# What autovacuum would have done after such a load, done now so that every run meets the
# same planner statistics and visibility map.
for side in "${SIDES[@]}"; do
	sql "$side" 'VACUUM (ANALYZE)' >/dev/null
done

# Both sides must hold the whole data set.
declare -A HELD=()
for side in "${SIDES[@]}"; do
	HELD[$side]=$(sql "$side" "SELECT
		(SELECT count(*) FROM publications WHERE kind = 'project' AND status = 'published')
		|| ' ' || (SELECT count(*) FROM publications WHERE kind = 'deliberation'
			AND status = 'published')
		|| ' ' || (SELECT count(*) FROM publications WHERE kind = 'budget'
			AND status = 'published')
		|| ' ' || (SELECT count(*) FROM budget_lines)")
	read -r np nd nb nl <<<"${HELD[$side]}"
	if [ "$np" != "$PROJECTS" ] || [ "$nd" != "$DELIBERATIONS" ] || [ "$nb" != "$BUDGETS" ] ||
		[ "$nl" != $((BUDGETS * BUDGET_LINES)) ]; then
		die "$side-srv holds $np projects, $nd deliberations, $nb budgets and $nl budget" \
			"lines; expected $PROJECTS, $DELIBERATIONS, $BUDGETS and" \
			"$((BUDGETS * BUDGET_LINES))"
	fi
done

# How many deliberations each search finds (the list shows 20 of them).
declare -A MATCHES=()
for q in "$QUERY_FR" "$QUERY_AR"; do
	MATCHES[$q]=$(bench_psql pg baladiya_official -v q="$q" <<'EOF'
SELECT count(*) FROM publications WHERE kind = 'deliberation' AND status = 'published'
AND search @@ (websearch_to_tsquery('arabic', :'q') || websearch_to_tsquery('french', :'q'));
EOF
	)
done

# The pages: a project and a budget document from the middle of the ids, and the same items on
# the mirror (its ids are its own).
mid_id() {
	sql official "SELECT id FROM publications WHERE origin = 'official' AND kind = '$1'
		AND status = 'published' ORDER BY id
		OFFSET (SELECT count(*) / 2 FROM publications WHERE origin = 'official'
			AND kind = '$1' AND status = 'published') LIMIT 1"
}
mirror_id() {
	sql citizen "SELECT id FROM publications WHERE origin = 'official' AND kind = '$1'
		AND origin_id = $2"
}
declare -A PROJECT_ID=() BUDGET_ID=()
PROJECT_ID[official]=$(mid_id project)
BUDGET_ID[official]=$(mid_id budget)
PROJECT_ID[citizen]=$(mirror_id project "${PROJECT_ID[official]}")
BUDGET_ID[citizen]=$(mirror_id budget "${BUDGET_ID[official]}")
for side in "${SIDES[@]}"; do
	if [ -z "${PROJECT_ID[$side]}" ] || [ -z "${BUDGET_ID[$side]}" ]; then
		die "$side-srv: could not find the project or the budget document to load"
	fi
done
BUDGET_NAME=$(sql official "SELECT data #>> '{title,fr}' FROM publications
	WHERE id = ${BUDGET_ID[official]}")

bench_baselines_start pg
bench_wrk_scripts

# --- the runs ------------------------------------------------------------------------------

# pad TEXT WIDTH: TEXT and spaces up to WIDTH characters (printf pads bytes; Arabic letters
# take two).
pad() {
	local LC_ALL=C s=$1 t n
	t=${s//[$'\x80'-$'\xbf']/}
	n=$(($2 - ${#t}))
	printf '%s%*s' "$s" $((n > 0 ? n : 0)) ''
}

# Rows: label | side (- for a baseline) | served or uncached | url | process name. Served: the
# same URL again and again, as the daemon serves it (the page cache answers repeated anonymous
# requests); uncached: a dummy parameter unique per request, so that every request renders.
ROWS=(
	"hello-world baseline GET /|-|served|$BENCH_HELLO_URL/|baseline_hello"
	"libpq baseline GET /row|-|served|$BENCH_ROW_URL/row|baseline_pg"
)
QF=$(urlencode "$QUERY_FR")
QA=$(urlencode "$QUERY_AR")
QS=$(urlencode "$QUERY_SERVICE")
for side in "${SIDES[@]}"; do
	url=$(bench_srv_url "$side")
	for target in \
		"GET /projects|/projects" \
		"GET /projects/{id}|/projects/${PROJECT_ID[$side]}" \
		"GET /budgets/{id}|/budgets/${BUDGET_ID[$side]}" \
		"GET /deliberations?q=$QUERY_FR|/deliberations?q=$QF" \
		"GET /deliberations?q=$QUERY_AR|/deliberations?q=$QA" \
		"GET /services|/services" \
		"GET /services?q=$QUERY_SERVICE|/services?q=$QS" \
		"GET /services/{key}|/services/$SERVICE_KEY"; do
		if [ -n "$BENCH_ONLY" ] && ! [[ ${target%%|*} =~ $BENCH_ONLY ]]; then
			continue
		fi
		for mode in served uncached; do
			ROWS+=("${target%%|*}|$side|$mode|$url${target#*|}|$side-srv")
		done
	done
done

# Every target answers 200 before it is loaded. A served row's second identical request should
# come from the page cache (X-Cache: hit); when it does not, the page is rendered every time and
# the row is marked. An uncached row's check gets a dummy parameter of its own.
say "checking the targets"
declare -A NOT_CACHED=()
n=0
for row in "${ROWS[@]}"; do
	IFS='|' read -r label side mode url _ <<<"$row"
	n=$((n + 1))
	if [ "$mode" = uncached ]; then
		case "$url" in
		*\?*) url="$url&x=check-$RANDOM$RANDOM" ;;
		*) url="$url?x=check-$RANDOM$RANDOM" ;;
		esac
	fi
	for _ in 1 2; do
		out=$(curl -sS -o /dev/null -D "$WORK/check.headers" -H 'Accept-Language: ar' \
			-w '%{http_code} %{size_download}' "$url") || die "$label: $url does not answer"
		[ "${out%% *}" = 200 ] || die "$label ($side): $url answered $out"
		[ "$mode" != uncached ] || break
	done
	cache=miss
	! grep -qi '^x-cache: *hit' "$WORK/check.headers" || cache=hit
	if [ "$side" != - ] && [ "$mode" = served ] && [ "$cache" != hit ]; then
		NOT_CACHED[$n]=1
		warn "$label ($side): the second request did not come from the page cache" \
			"($(grep -ci '^set-cookie:' "$WORK/check.headers") Set-Cookie)"
	fi
	printf '    %s %-8s %-8s %7s bytes, page cache %s\n' "$(pad "$label" 34)" "$side" "$mode" \
		"${out#* }" "$cache" >&2
done
rm -f "$WORK/check.headers"

declare -A RSS_IDLE=()
for side in "${SIDES[@]}"; do
	RSS_IDLE[$side]=$(bench_rss_kib "${BENCH_PIDS[$side-srv]}")
done

IDLE_BEFORE=$(bench_idle_pct)
if [ "$IDLE_BEFORE" -lt 90 ]; then
	warn "the machine is only ${IDLE_BEFORE}% idle before measuring: something else is running" \
		"and the numbers will be lower and noisier than they should"
fi
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')

if [ "$BENCH_PGSS" = 1 ]; then
	bench_wrk_hook_before() { bench_pgss_reset pg; }
fi

declare -A RPS=() P50=() P99=() RSS=() NON2XX=() ERRS=() OTHERS=() KIB=() SRV_MS=() PG_MS=()
declare -A SQL_N=() SQL_MS=() REQS=()
n=0
for row in "${ROWS[@]}"; do
	IFS='|' read -r label side mode url pname <<<"$row"
	n=$((n + 1))
	say "[$n/${#ROWS[@]}] $label ($side, $mode): ${BENCH_WARMUP}s warm-up," \
		"${BENCH_SECONDS}s measured"
	script=report
	[ "$mode" = served ] || script=uncached
	bench_wrk "$script" "$url" "$pname" "$n"
	RPS[$n]=$WRK_RPS P50[$n]=$WRK_P50 P99[$n]=$WRK_P99 RSS[$n]=$WRK_RSS_KIB
	NON2XX[$n]=$WRK_NON2XX ERRS[$n]=$WRK_ERRORS OTHERS[$n]=$WRK_OTHERS_PCT
	req=$((WRK_REQUESTS > 0 ? WRK_REQUESTS : 1))
	REQS[$n]=$req
	KIB[$n]=$(bench_calc 'b / r / 1024' b="$WRK_BYTES" r="$req")
	SRV_MS[$n]=$(bench_calc 't * 1000 / h / r' t="$WRK_SRV_TICKS" h="$CLK_TCK" r="$req")
	PG_MS[$n]=$(bench_calc 't * 1000 / h / r' t="$WRK_PG_TICKS" h="$CLK_TCK" r="$req")
	if [ "$BENCH_PGSS" = 1 ] && [ "$side" != - ]; then
		bench_pgss pg "baladiya_$side" 4 >"$WORK/pgss-$n.txt"
		read -r calls ms <"$WORK/pgss-$n.txt"
		SQL_N[$n]=$(bench_calc 'c / r' c="$calls" r="$req")
		SQL_MS[$n]=$(bench_calc 'm / r' m="$ms" r="$req")
	fi
	say "    $(bench_fmt "$WRK_RPS" %.0f) req/s, p50 $(bench_fmt "$WRK_P50" %.2f) ms," \
		"p99 $(bench_fmt "$WRK_P99" %.2f) ms"
done

declare -A RSS_END=() RSS_PEAK=()
for side in "${SIDES[@]}"; do
	RSS_END[$side]=$(bench_rss_kib "${BENCH_PIDS[$side-srv]}")
	RSS_PEAK[$side]=0
done
n=0
for row in "${ROWS[@]}"; do
	IFS='|' read -r _ side _ _ _ <<<"$row"
	n=$((n + 1))
	[ "$side" != - ] || continue
	[ "${RSS[$n]}" -le "${RSS_PEAK[$side]}" ] || RSS_PEAK[$side]=${RSS[$n]}
done

# --- report --------------------------------------------------------------------------------

HELLO_RPS=${RPS[1]}
ROW_RPS=${RPS[2]}
mib() { bench_fmt "$(bench_calc 'k / 1024' k="$1")" %.1f; }
ratio() { bench_fmt "$(bench_calc 'a / b' a="$1" b="$2")" %.2f; }
line() {
	local label=$1 f='| %s | %-8s | %-9s | %6s | %6s | %7s | %7s | %7s | %5s | %6s | %6s | %4s'
	shift
	# shellcheck disable=SC2059 # the format is ours
	printf "$f | %6s | %5s | %6s |\n" "$(pad "$label" 30)" "$@"
}
rule() {
	local w
	printf '|'
	for w in 32 10 11 8 8 9 9 9 7 8 8 6 8 7 8; do
		printf -- '-%.0s' $(seq "$w")
		printf '|'
	done
	printf '\n'
}

{
	printf '\nBaladiya publications benchmark, %s, %s, ' "$STARTED_AT" "$(bench_machine)"
	if [ "$BENCH_BUILD" = 1 ]; then
		printf 'release build of %s' "$COMMIT"
		[ "$CHANGED" = 0 ] || printf ' (%s files modified)' "$CHANGED"
	else
		printf 'the binaries found in build/release (HEAD at %s)' "$COMMIT"
	fi
	printf '\n'
	printf 'Data: %s projects, %s deliberations, %s budget documents of %s lines ' \
		"$PROJECTS" "$DELIBERATIONS" "$BUDGETS" "$BUDGET_LINES"
	printf '(%s MiB generated); official-srv demo load %.1f s;\n' \
		"$(mib $((GEN_BYTES / 1024)))" "$LOAD_S"
	printf '%s events mirrored to citizen-srv in %.1f s. ' "$EVENTS" "$MIRROR_S"
	printf 'Search "%s" matches %s deliberations, "%s" %s (of %s); a list page shows 20.\n' \
		"$QUERY_FR" "${MATCHES[$QUERY_FR]}" "$QUERY_AR" "${MATCHES[$QUERY_AR]}" "$DELIBERATIONS"
	printf 'Pages: project /projects/%s on official = /projects/%s on citizen; ' \
		"${PROJECT_ID[official]}" "${PROJECT_ID[citizen]}"
	printf 'budget "%s" /budgets/%s = /budgets/%s.\n' "$BUDGET_NAME" "${BUDGET_ID[official]}" \
		"${BUDGET_ID[citizen]}"
	printf 'wrk -t%s -c%s, %ss measured after %ss warm-up, Accept-Language: ar; daemons and ' \
		"$BENCH_WRK_THREADS" "$BENCH_CONNECTIONS" "$BENCH_SECONDS" "$BENCH_WARMUP"
	printf 'baselines %s threads, log level %s;\none PostgreSQL 15 cluster ' \
		"$BENCH_THREADS" "$BENCH_LOG_LEVEL"
	printf '(shared_buffers 128MB) for all. Machine idle before measuring: %s%%; ' "$IDLE_BEFORE"
	printf 'load average at the end: %s.\n\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
	line target side mode 'req/s' 'p50 ms' 'p99 ms' 'x hello' 'x libpq' 'KiB' 'srv ms' \
		'pg ms' 'SQL' 'SQL ms' 'RSS' 'other%'
	rule
	n=0
	for row in "${ROWS[@]}"; do
		IFS='|' read -r label side mode _ _ <<<"$row"
		n=$((n + 1))
		ratio_h=$(ratio "${RPS[$n]}" "$HELLO_RPS")
		ratio_r=$(ratio "${RPS[$n]}" "$ROW_RPS")
		if [ "$side" = - ]; then
			mode=-
			[ "$n" != 1 ] || ratio_h='(base)'
			[ "$n" != 2 ] || ratio_r='(base)'
		fi
		[ -z "${NOT_CACHED[$n]:-}" ] || mode="$mode*"
		sql_n=-
		sql_ms=-
		if [ -n "${SQL_N[$n]:-}" ]; then
			sql_n=$(bench_fmt "${SQL_N[$n]}" %.1f)
			sql_ms=$(bench_fmt "${SQL_MS[$n]}" %.3f)
		fi
		line "$label" "$side" "$mode" "$(bench_fmt "${RPS[$n]}" %.0f)" \
			"$(bench_fmt "${P50[$n]}" %.2f)" "$(bench_fmt "${P99[$n]}" %.2f)" "$ratio_h" \
			"$ratio_r" "$(bench_fmt "${KIB[$n]}" %.1f)" "$(bench_fmt "${SRV_MS[$n]}" %.3f)" \
			"$(bench_fmt "${PG_MS[$n]}" %.3f)" "$sql_n" "$sql_ms" "$(mib "${RSS[$n]}")" \
			"${OTHERS[$n]}"
	done
	cat <<'EOF'

served: the same URL every time (the page cache answers repeated anonymous requests); uncached:
a dummy parameter unique per request, so that every request is rendered. served*: the page cache
did not answer this page (it sets a cookie), so it is rendered every time. x hello, x libpq: req/s
as a share of the baselines'. KiB: response size, headers included. srv ms, pg ms: CPU time per
request of the daemon and of PostgreSQL (all backends). SQL, SQL ms: statements per request and
their execution time (pg_stat_statements). RSS: the process's peak VmRSS during the run (MiB).
other%: the share of the machine's CPU time used by processes other than this benchmark during
the run; above a few %, the row's numbers are lower and noisier than they should.

EOF
	for side in "${SIDES[@]}"; do
		printf '%s-srv RSS: %s MiB before the runs, peak %s MiB during the runs, ' \
			"$side" "$(mib "${RSS_IDLE[$side]}")" "$(mib "${RSS_PEAK[$side]}")"
		printf '%s MiB at the end.\n' "$(mib "${RSS_END[$side]}")"
	done
	if [ "$BENCH_PGSS" = 1 ]; then
		printf '\nWhere the SQL time of the uncached runs goes (top statements: ms and calls '
		printf 'per request):\n'
		n=0
		for row in "${ROWS[@]}"; do
			IFS='|' read -r label side mode _ _ <<<"$row"
			n=$((n + 1))
			if [ "$mode" != uncached ] || [ "$side" = - ]; then
				continue
			fi
			printf '  %s (%s):\n' "$label" "$side"
			# the federation workers' own statements (well under one a request) are left out
			tail -n +2 "$WORK/pgss-$n.txt" | while IFS=$'\t' read -r calls ms _ query; do
				per=$(bench_calc 'c / r' c="$calls" r="${REQS[$n]}")
				[ "$(bench_calc 'p >= 0.1' p="$per")" = 1 ] || continue
				printf '    %7.3f ms %5.2f x  %s\n' \
					"$(bench_calc 'm / r' m="$ms" r="${REQS[$n]}")" "$per" "${query:0:100}"
			done
		done
	fi
	n=0
	for row in "${ROWS[@]}"; do
		IFS='|' read -r label side mode _ _ <<<"$row"
		n=$((n + 1))
		if [ "${NON2XX[$n]}" != 0 ] || [ "${ERRS[$n]}" != 0 ]; then
			printf 'warning: %s (%s, %s): %s non-2xx responses, %s socket errors\n' "$label" \
				"$side" "$mode" "${NON2XX[$n]}" "${ERRS[$n]}"
		fi
	done
}
exit 0
