#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Build the fuzz preset and run every libFuzzer target (or the ones named) for a bounded time
# each, on a fresh copy of its committed seed corpus (tests/fuzz/corpus/<target>/, never
# modified), with its dictionary when it has one. Prints one line per target (executions,
# executions per second, corpus files before and after, result) and exits non-zero when any
# target found a crash, a leak, undefined behaviour or a timeout; the input that did it is kept
# in build/fuzz/run/<target>/ (docs/fuzzing.md: how to reproduce it).
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 10 seconds, all targets)
#   FUZZ_JOBS=2 tests/fuzz/run.sh 60                        (two targets at a time)
#   FUZZ_NO_BUILD=1 ...                                     (use the binaries already built)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECONDS_PER_TARGET=${1:-10}
shift || true
JOBS=${FUZZ_JOBS:-1}
BIN="$ROOT/build/fuzz/tests/fuzz"
OUT="$ROOT/build/fuzz/run"

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
	echo "==> building the fuzz preset" >&2
	(cd "$ROOT" && cmake --preset fuzz >/dev/null && cmake --build --preset fuzz -j"${FUZZ_BUILD_JOBS:-2}" >/dev/null)
fi

if [ $# -gt 0 ]; then
	TARGETS=("$@")
else
	mapfile -t TARGETS < <(cd "$ROOT/tests/fuzz/corpus" && ls)
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Run one target; writes its summary line to $OUT/<target>/summary (called through xargs).
# shellcheck disable=SC2317
run_one() {
	local t=$1 dir="$OUT/$1"
	rm -rf "$dir"
	mkdir -p "$dir/corpus" "$dir/artifacts"
	cp -r "$ROOT/tests/fuzz/corpus/$t/." "$dir/corpus/"
	local before after dict=() rc=0
	before=$(find "$dir/corpus" -type f | wc -l)
	[ -f "$ROOT/tests/fuzz/$t.dict" ] && dict=(-dict="$ROOT/tests/fuzz/$t.dict")
	timeout $((SECONDS_PER_TARGET + 120)) "$BIN/fuzz_$t" "$dir/corpus" "${dict[@]}" \
		-max_total_time="$SECONDS_PER_TARGET" -timeout=30 -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/" >"$dir/log" 2>&1 || rc=$?
	after=$(find "$dir/corpus" -type f | wc -l)
	local execs rate found result=ok
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
	found=$(find "$dir/artifacts" -type f | head -1)
	if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
		result="FAILED (exit $rc) ${found:-see $dir/log}"
	fi
	printf '%-12s %12s %10s %7s %7s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$before" "$after" \
		"$result" >"$dir/summary"
}
export -f run_one
export ROOT OUT BIN SECONDS_PER_TARGET

echo "==> ${#TARGETS[@]} targets, ${SECONDS_PER_TARGET}s each, $JOBS at a time" >&2
printf '%s\n' "${TARGETS[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one "$@"' _ {}

printf '%-12s %12s %10s %7s %7s  %s\n' target executions exec/s seeds corpus result
status=0
for t in "${TARGETS[@]}"; do
	cat "$OUT/$t/summary"
	grep -q ' ok$' "$OUT/$t/summary" || status=1
done
for t in "${TARGETS[@]}"; do
	if ! grep -q ' ok$' "$OUT/$t/summary"; then
		echo "---- $t: end of $OUT/$t/log" >&2
		tail -40 "$OUT/$t/log" >&2
	fi
done
exit $status
