#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/flood.sh: the anonymous home page while CPU-heavy requests flood the daemon (issue
# 11, point 3), before and after, in one run. For each build — FLOOD_BEFORE's (a checkout of the
# commit to compare with, e.g. `git -C /work/main worktree add /tmp/wt-before HEAD`) and this
# tree's — it starts citizen-srv on a fresh PostgreSQL cluster with the demo loaded, then
# measures GET / (the anonymous home page, Accept-Language: ar) with wrk:
#   - alone;
#   - while UPLOADERS clients file a report with one maximum-size photo (a JPEG just under
#     8 MiB, about 20 megapixels of noise) in a loop, each request with a fresh CSRF token, and
#     LOGINS clients hammer the sign-in form (wrk, an unknown account: Argon2 every time).
# and prints both builds side by side with what the flooding clients got. It reports; it does
# not fail (exit 0 whatever the numbers). See docs/performance-hardening.md.
#
# Environment (all optional):
#   FLOOD_BEFORE=/tmp/wt-before  the "before" source tree, built with the release preset in its
#                                build/release (unless BENCH_BUILD=0); "none": this tree only
#   UPLOADERS=20 LOGINS=20       flooding clients
#   FLOOD_PAUSE_MS=0             each flooding client's pause after each answer (0: none, as an
#                                attacker would; the clients run on this machine, so a daemon
#                                that refuses fast lets them take more of its CPU)
#   FLOOD_ROUNDS=1               rounds, each measuring every build in turn (before, after)
#   BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 BENCH_THREADS=4
#   BENCH_LOG_LEVEL=warn  BENCH_BUILD=1  BENCH_KEEP=0   as in tests/bench/publications.sh
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BALADIYA_ROOT"

bench_args "$@"
bench_settings FLOOD_BEFORE=/tmp/wt-before UPLOADERS=20 LOGINS=20 FLOOD_PAUSE_MS=0 \
	FLOOD_ROUNDS=1 BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 BENCH_THREADS=4 \
	BENCH_LOG_LEVEL=warn BENCH_BUILD=1 BENCH_KEEP=0
bench_whole UPLOADERS LOGINS FLOOD_PAUSE_MS FLOOD_ROUNDS BENCH_SECONDS BENCH_WARMUP BENCH_CONNECTIONS BENCH_WRK_THREADS \
	BENCH_THREADS

ensure_packages build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev \
	libcurl4-openssl-dev libssl-dev libpq-dev libargon2-dev libcmark-dev libvips-dev \
	libvips-tools postgresql-15 postgresql-15-postgis-3 wrk curl nodejs

bench_work_init flood
LOAD_START=$(uptime)

# --- the builds ----------------------------------------------------------------------------

# commit_of DIR: the short commit of a checkout, "+" when it has uncommitted changes.
commit_of() {
	local c
	c=$(git -C "$1" rev-parse --short HEAD 2>/dev/null) || {
		echo unknown
		return 0
	}
	[ -z "$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null)" ] || c="$c+"
	printf '%s\n' "$c"
}

VARIANTS=()
declare -A BUILD=() COMMIT=()
if [ "$FLOOD_BEFORE" != none ]; then
	[ -f "$FLOOD_BEFORE/CMakePresets.json" ] || die "FLOOD_BEFORE=$FLOOD_BEFORE is not a checkout"
	if [ "$BENCH_BUILD" = 1 ]; then
		say "building $FLOOD_BEFORE with the release preset (log: $WORK/build-before.log)"
		(cd "$FLOOD_BEFORE" && cmake --preset release && cmake --build --preset release -j2) \
			>"$WORK/build-before.log" 2>&1 || {
			tail -n 40 "$WORK/build-before.log" >&2
			die "the release build of $FLOOD_BEFORE failed"
		}
	fi
	VARIANTS+=(before)
	BUILD[before]=$FLOOD_BEFORE/build/release
	COMMIT[before]=$(commit_of "$FLOOD_BEFORE")
fi
bench_build
VARIANTS+=(after)
BUILD[after]=$BENCH_BUILD_DIR
COMMIT[after]=$(commit_of "$BALADIYA_ROOT")
[ -x "${BUILD[before]:-$BENCH_BUILD_DIR}/citizen-srv/citizen-srv" ] ||
	die "${BUILD[before]}/citizen-srv/citizen-srv is missing"

# --- the photo -----------------------------------------------------------------------------

# make_photo: WORK/photo.jpg, the largest 4:3 JPEG of colour noise (quality 85) under 8 MiB
# less room for the form's other fields; sets PHOTO_DESC.
make_photo() {
	local w h size limit=$((8 * 1024 * 1024 - 64 * 1024)) b
	for ((w = 5600; w >= 3000; w -= 200)); do
		h=$((w * 3 / 4))
		for b in 0 1 2; do
			vips gaussnoise "$WORK/noise$b.v" "$w" "$h" --mean $((100 + 25 * b)) --sigma 20
		done
		vips bandjoin "$WORK/noise0.v $WORK/noise1.v $WORK/noise2.v" "$WORK/rgb.v"
		vips cast "$WORK/rgb.v" "$WORK/rgb8.v" uchar
		vips copy "$WORK/rgb8.v" "$WORK/srgb.v" --interpretation srgb
		vips copy "$WORK/srgb.v" "$WORK/photo.jpg[Q=85]"
		size=$(stat -c %s "$WORK/photo.jpg")
		if [ "$size" -le "$limit" ]; then
			rm -f "$WORK"/*.v
			PHOTO_DESC="$w × $h pixels, $size bytes"
			return 0
		fi
	done
	die "could not make a photo under $limit bytes"
}
say "making the photo"
make_photo
say "photo: $PHOTO_DESC"

bench_wrk_scripts

# --- one build -----------------------------------------------------------------------------

declare -A R=()
HZ=$(getconf CLK_TCK)

# flood_kv FILE PREFIX: the FLOOD line of FILE into R[PREFIX.key].
flood_kv() {
	local file=$1 prefix=$2 line k
	local -A kv
	line=$(grep '^FLOOD ' "$file") || die "no result in $file: $(tail -n 5 "$file")"
	bench_kv kv "$line"
	for k in "${!kv[@]}"; do
		R[$prefix.$k]=${kv[$k]}
	done
}

# measure VARIANT COLUMN: citizen-srv of that build on its own cluster; GET / alone, then in the
# flood; the results in R[COLUMN.key].
measure() {
	local b=$1 v=$2 url flood_s t0 f0 f1
	BENCH_BUILD_DIR=${BUILD[$b]}
	say "== $v (${COMMIT[$b]}, $BENCH_BUILD_DIR)"
	bench_cluster "pg-$v" "shared_buffers = 128MB"
	bench_srv_setup citizen "pg-$v"
	bench_srv_keys citizen
	bench_srv_cmd citizen demo load "$BALADIYA_ROOT/demo/citizen" >"$WORK/$v-demo.log" 2>&1 ||
		die "$v: citizen-srv demo load failed (see $WORK/$v-demo.log)"
	bench_srv_start citizen
	url=$(bench_srv_url citizen)
	bench_idle_before
	R[$v.idle]=$IDLE_BEFORE

	say "$v: GET / alone"
	bench_wrk report "$url/" citizen-srv "$v-alone"
	R[$v.alone.rps]=$WRK_RPS R[$v.alone.p99]=$WRK_P99 R[$v.alone.non2xx]=$WRK_NON2XX
	R[$v.alone.errors]=$WRK_ERRORS R[$v.alone.others]=$WRK_OTHERS_PCT
	R[$v.alone.cpu]=$(bench_fmt "$(bench_calc '100 * t / (hz * s)' t="$WRK_SRV_TICKS" hz="$HZ" \
		s="$BENCH_SECONDS")" %.0f)

	say "$v: GET / while $UPLOADERS clients upload photos and $LOGINS hammer the sign-in form"
	flood_s=$((BENCH_WARMUP + BENCH_SECONDS + 4))
	node "$BENCH_DIR/flood/upload.mjs" "$url" "$WORK/photo.jpg" "$UPLOADERS" "$flood_s" \
		"$FLOOD_PAUSE_MS" >"$WORK/$v-upload.out" 2>&1 &
	BENCH_PIDS[uploaders]=$!
	wrk -t1 -c"$LOGINS" -d"${flood_s}s" --timeout 10s -s "$BENCH_DIR/flood/login.lua" \
		"$url/login" -- "$FLOOD_PAUSE_MS" >"$WORK/$v-login.out" 2>&1 &
	BENCH_PIDS[logins]=$!
	sleep 2
	t0=$EPOCHREALTIME
	f0=$(bench_proc_ticks "${BENCH_PIDS[uploaders]}" "${BENCH_PIDS[logins]}")
	bench_wrk report "$url/" citizen-srv "$v-flood"
	f1=$(bench_proc_ticks "${BENCH_PIDS[uploaders]}" "${BENCH_PIDS[logins]}")
	R[$v.flooders.cpu]=$(bench_fmt "$(bench_calc '100 * t / (hz * s)' t=$((f1 - f0)) hz="$HZ" \
		s="$(bench_calc 'b - a' a="$t0" b="$EPOCHREALTIME")")" %.0f)
	R[$v.flood.rps]=$WRK_RPS R[$v.flood.p99]=$WRK_P99 R[$v.flood.non2xx]=$WRK_NON2XX
	R[$v.flood.errors]=$WRK_ERRORS R[$v.flood.others]=$WRK_OTHERS_PCT R[$v.flood.rss]=$WRK_RSS_KIB
	R[$v.flood.cpu]=$(bench_fmt "$(bench_calc '100 * t / (hz * s)' t="$WRK_SRV_TICKS" hz="$HZ" \
		s="$BENCH_SECONDS")" %.0f)
	wait "${BENCH_PIDS[uploaders]}" || die "$v: the uploaders failed: $(cat "$WORK/$v-upload.out")"
	wait "${BENCH_PIDS[logins]}" || die "$v: wrk on /login failed: $(cat "$WORK/$v-login.out")"
	unset 'BENCH_PIDS[uploaders]' 'BENCH_PIDS[logins]'
	flood_kv "$WORK/$v-upload.out" "$v.up"
	flood_kv "$WORK/$v-login.out" "$v.in"
	R[$v.reports]=$(bench_psql "pg-$v" baladiya_citizen -c 'SELECT count(*) FROM reports')
	bench_stop citizen-srv
	pg_cluster_stop "${BENCH_PG_DIR[pg-$v]}" || warn "could not stop the cluster of $v"
	unset "BENCH_PG_DIR[pg-$v]"
}

COLUMNS_=()
for ((round = 1; round <= FLOOD_ROUNDS; round++)); do
	for b in "${VARIANTS[@]}"; do
		col=$b
		[ "$FLOOD_ROUNDS" = 1 ] || col="$b-$round"
		COMMIT[$col]=${COMMIT[$b]}
		COLUMNS_+=("$col")
		measure "$b" "$col"
	done
done
LOAD_END=$(uptime)

# --- the report ----------------------------------------------------------------------------

row() {
	local label=$1 key=$2 v
	printf '%-44s' "$label"
	for v in "${COLUMNS_[@]}"; do
		printf ' %18s' "${R[$v.$key]:--}"
	done
	printf '\n'
}

echo
echo "flood benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(bench_machine)"
echo "wrk -t$BENCH_WRK_THREADS -c$BENCH_CONNECTIONS, ${BENCH_WARMUP}s warm-up + ${BENCH_SECONDS}s;" \
	"citizen-srv with BALADIYA_THREADS=$BENCH_THREADS; photo $PHOTO_DESC;" \
	"flooders pause ${FLOOD_PAUSE_MS} ms after each answer"
echo "load at start: $LOAD_START"
echo "load at end:   $LOAD_END"
echo
printf '%-44s' ''
for v in "${COLUMNS_[@]}"; do printf ' %18s' "$v ${COMMIT[$v]}"; done
printf '\n'
row 'machine idle before measuring (%)' idle
row 'GET / alone: requests/s' alone.rps
row 'GET / alone: p99 ms' alone.p99
row 'GET / alone: non-2xx, errors' alone.non2xx
row 'GET / alone: others %' alone.others
row 'GET / alone: daemon CPU (% of one core)' alone.cpu
row 'GET / in the flood: requests/s' flood.rps
row 'GET / in the flood: p99 ms' flood.p99
row 'GET / in the flood: non-2xx' flood.non2xx
row 'GET / in the flood: socket errors' flood.errors
row 'GET / in the flood: others %' flood.others
row 'GET / in the flood: daemon CPU (% of one core)' flood.cpu
row 'GET / in the flood: flooders CPU (% of one core)' flooders.cpu
row 'daemon peak RSS in the flood (KiB)' flood.rss
row "uploads ($UPLOADERS clients): answered" up.requests
row 'uploads: 201 filed' up.s201
row 'uploads: 503 server_busy' up.s503
row 'uploads: 413' up.s413
row 'uploads: 429' up.s429
row 'uploads: other status' up.other
row 'uploads: connection errors' up.errors
row 'uploads: p50 ms' up.p50_ms
row 'uploads: p99 ms' up.p99_ms
row "sign-ins ($LOGINS clients): answered" in.requests
row 'sign-ins: 401' in.s401
row 'sign-ins: 503 server_busy' in.s503
row 'sign-ins: 429' in.s429
row 'sign-ins: other status' in.other
row 'sign-ins: socket errors' in.errors
row 'sign-ins: p50 ms' in.p50_ms
row 'sign-ins: p99 ms' in.p99_ms
row 'reports stored at the end' reports
