#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/tlog.sh: the transparency log's benchmark. Builds the release preset (with its
# tlog_bench program), starts a throwaway PostgreSQL cluster, migrates a database with
# official-srv, inserts EVENTS synthetic events of an origin "bench" into fed_events by SQL
# (PAYLOAD bytes each), then runs tlog_bench (tests/bench/tlog_bench.c), which measures in one
# process:
#   1. bare SHA-256 over PAYLOAD+1 bytes (a leaf) and 65 bytes (a node): the limits;
#   2. building the tree of all EVENTS events (batches of 5000, a transaction each, as the
#      daemon's thread and a first start on an existing database do): leaves/s;
#   3. the root, then PROOFS inclusion and PROOFS consistency proofs at the full size, each
#      timed (one query each) and checked: proofs/s, p50, p99, max.
# Prints a table. It reports; it does not fail (non-zero only when it could not measure). See
# docs/performance-tlog.md.
#
# Environment (all optional):
#   EVENTS=1000000   synthetic events      PROOFS=10000  proofs of each kind
#   PAYLOAD=400      bytes a payload       BENCH_BUILD=1 (0: use the binaries as they are)
#   BENCH_KEEP=0     1: keep the work folder
#   TLOG_BUILD_DIR   the build folder to use instead of build/release (with BENCH_BUILD=0)
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_args "$@"
cd "$BALADIYA_ROOT"

bench_settings EVENTS=1000000 PROOFS=10000 PAYLOAD=400 BENCH_BUILD=1 BENCH_KEEP=0
bench_whole EVENTS PROOFS PAYLOAD
[ "$EVENTS" -ge 2 ] || die "EVENTS must be at least 2"
[ "$PAYLOAD" -ge 64 ] || die "PAYLOAD must be at least 64"
BENCH_BUILD_DIR=${TLOG_BUILD_DIR:-$BENCH_BUILD_DIR}
BENCH_LOG_LEVEL=warn

bench_work_init tlog
bench_build
BIN="$BENCH_BUILD_DIR/tlog_bench"
[ -x "$BIN" ] || die "$BIN is missing (build the release preset)"

bench_cluster pg "shared_buffers = 256MB" "max_wal_size = 4GB"
bench_srv_setup official pg
say "migrating"
bench_srv_cmd official migrate >>"$WORK/official-srv.log" 2>&1 ||
	die "official-srv migrate failed (see $WORK/official-srv.log)"

say "inserting $EVENTS synthetic events of $PAYLOAD bytes"
t0=$(date +%s.%N)
bench_psql pg baladiya_official -c "
	INSERT INTO fed_events (origin, seq, type, payload, envelope, hash)
	SELECT 'bench', g, 'bench.synthetic',
		rpad('{\"origin\":\"bench\",\"seq\":' || g || ',\"pad\":\"', $PAYLOAD - 2, 'x') || '\"}',
		'', md5(g::text) || md5((-g)::text)
	FROM generate_series(1, $EVENTS) AS g" ||
	die "could not insert the events"
bench_psql pg baladiya_official -c "VACUUM ANALYZE fed_events"
insert_s=$(bench_calc "$(date +%s.%N) - $t0")

bench_idle_before
say "measuring (tree of $EVENTS leaves, $PROOFS proofs of each kind)"
mapfile -t e < <(bench_srv_env official)
mark=$(bench_cpu_mark)
env -u PGHOSTADDR -u PGSERVICE -u PGPASSWORD -u PGOPTIONS "${e[@]}" \
	"$BIN" bench "$PROOFS" "$PAYLOAD" >"$WORK/tlog.out" 2>>"$WORK/tlog.err" ||
	die "tlog_bench failed: $(cat "$WORK/tlog.err")"
cpu=$(bench_cpu_since "$mark")
v() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/tlog.out"; }

printf '\n# transparency log benchmark — %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf '# %s; idle before: %s%%; CPU during the measure: %s\n' "$(bench_machine)" \
	"$IDLE_BEFORE" "$cpu"
printf '# commit %s\n\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
printf '| measure | value |\n|---|---|\n'
printf '| events inserted by SQL | %s in %.1f s |\n' "$EVENTS" "$insert_s"
printf '| bare SHA-256, %s-byte leaf inputs | %s /s |\n' "$((PAYLOAD + 1))" "$(v sha256_leaf_per_s)"
printf '| bare SHA-256, 65-byte node inputs | %s /s |\n' "$(v sha256_node_per_s)"
printf '| SHA-256 limit of tree building (leaf + node a leaf) | %s leaves/s |\n' \
	"$(v sha256_tree_limit_leaves_per_s)"
printf '| tree built: %s leaves | %s s, %s leaves/s |\n' "$(v extend_leaves)" "$(v extend_s)" \
	"$(v extend_leaves_per_s)"
printf '| root at size %s | %s ms |\n' "$(v tree_size)" "$(v root_ms)"
for k in inclusion consistency; do
	printf '| %s proofs at size %s | %s /s, p50 %s ms, p99 %s ms, max %s ms |\n' "$k" \
		"$(v tree_size)" "$(v ${k}_per_s)" "$(v ${k}_p50_ms)" "$(v ${k}_p99_ms)" "$(v ${k}_max_ms)"
done
