#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/fuzz.sh: the long fuzzing run. Builds the fuzz preset and runs every libFuzzer
# target (tests/fuzz) for BENCH_FUZZ_SECONDS each (default 300) through tests/fuzz/run.sh, on a
# fresh copy of its seed corpus, and prints per target: executions, executions per second,
# seed files and corpus files at the end (the growth), and what it found; then the totals.
# Exits non-zero when a target found a crash, leak, undefined behaviour or timeout (the input
# is kept in build/fuzz/run/<target>/artifacts/; docs/fuzzing.md tells how to replay it).
#
#   tests/bench/fuzz.sh [TARGET...]
# Environment (all optional):
#   BENCH_FUZZ_SECONDS=300   time per target (s)
#   FUZZ_JOBS=1              targets run at once (one per core at most)
#   FUZZ_NO_BUILD=           1: use the binaries already in build/fuzz
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECONDS_PER_TARGET=${BENCH_FUZZ_SECONDS:-300}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

status=0
"$ROOT/tests/fuzz/run.sh" "$SECONDS_PER_TARGET" "$@" | tee "$LOG" || status=$?
# totals over the summary lines (target execs rate seeds corpus result...)
awk 'NR > 1 && $2 ~ /^[0-9]+$/ {
	execs += $2; seeds += $4; corpus += $5; n++
	if ($6 != "ok") found++
} END {
	printf "%-12s %12d %10s %7d %7d  %d target(s) of %d found something\n", "total", execs, "-",
		seeds, corpus, found, n
}' "$LOG"
exit $status
