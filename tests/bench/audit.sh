#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/audit.sh: the auditor's full verification (issue 14). Builds baladiya-audit and
# its generator (tests/bench/audit_gen.c, the protocol library's own signing) in the release
# preset, generates two origins' logs of EVENTS signed events each (default 1,000,000; a
# quarter with committed content, like reports), each log in two copies (its origin's and its
# peer's), the key documents and a cosigned checkpoint of each log, laid out as
# `baladiya-audit fetch` writes them; then runs `baladiya-audit --json verify` on it under
# /usr/bin/time -v: wall time, CPU time and peak memory for 4 x EVENTS records (every
# signature, payload, commitment, the chains, the copies compared, the per-kind digests, the
# tree roots of the checkpoints). Beside it, measured in the same run, the bare limits: Ed25519
# verifications and SHA-256 per CPU-second of one core (OpenSSL through the protocol library),
# per CPU-second like the audit's own figure, so that other processes sharing the cores do not
# skew the comparison (the wall times do depend on them).
# It reports; it exits 1 only when the audit does not find the generated logs good.
# See docs/performance-audit.md.
#
# Environment (all optional):
#   EVENTS=1000000 RATE_SECONDS=3 BENCH_BUILD=1 BENCH_KEEP=0
#   BENCH_BUILD_DIR_RELEASE=   another build folder to measure (with BENCH_BUILD=0)
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BALADIYA_ROOT"

bench_args "$@"
bench_settings EVENTS=1000000 RATE_SECONDS=3 BENCH_BUILD=1 BENCH_KEEP=0
bench_whole EVENTS RATE_SECONDS
BENCH_BUILD_DIR=${BENCH_BUILD_DIR_RELEASE:-$BENCH_BUILD_DIR}

bench_work_init audit
if [ "$BENCH_BUILD" = 1 ]; then
	say "building baladiya-audit and audit_bench_gen, preset release (log: $WORK/build.log)"
	if ! (cmake --preset release && cmake --build --preset release -j2 \
		--target baladiya-audit audit_bench_gen) >"$WORK/build.log" 2>&1; then
		tail -n 40 "$WORK/build.log" >&2
		die "the release build failed"
	fi
fi
AUDIT=$BENCH_BUILD_DIR/protocol/baladiya-audit
GEN=$BENCH_BUILD_DIR/protocol/audit_bench_gen
if [ ! -x "$AUDIT" ] || [ ! -x "$GEN" ]; then
	die "$AUDIT or $GEN is missing (build the release preset)"
fi

# time_v FILE KEY: a figure from /usr/bin/time -v's report
time_v() { sed -n "s/^[[:space:]]*$2: //p" "$1" | head -n 1; }
# an expression rounded: to a whole number, to one decimal
r0() { bench_fmt "$(bench_calc "$1")" '%.0f'; }
r1() { bench_fmt "$(bench_calc "$1")" '%.1f'; }
# seconds of an "h:mm:ss" or "m:ss.ss" elapsed time
elapsed_s() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.1f", s }' <<<"$1"; }

say "machine: $(bench_machine)"
bench_idle_before
say "bare rates, per CPU-second of one core, ${RATE_SECONDS} s each"
declare -A RATE
bench_kv RATE "$("$GEN" rates "$RATE_SECONDS" | tr '\n' ' ')"

say "generating 2 x $EVENTS events (log: $WORK/gen.log)"
/usr/bin/time -v "$GEN" gen "$WORK/logs" "$EVENTS" 2>"$WORK/gen.log" ||
	{ tail -n 20 "$WORK/gen.log" >&2; die "the generator failed"; }
SIZE=$(du -sm "$WORK/logs" | cut -f1)

say "auditing (log: $WORK/audit.time)"
rc=0
/usr/bin/time -v "$AUDIT" --json verify "$WORK/logs" >"$WORK/report.json" 2>"$WORK/audit.time" || rc=$?
WALL=$(elapsed_s "$(time_v "$WORK/audit.time" 'Elapsed (wall clock) time (h:mm:ss or m:ss)')")
USER=$(time_v "$WORK/audit.time" 'User time (seconds)')
SYS=$(time_v "$WORK/audit.time" 'System time (seconds)')
RSS=$(time_v "$WORK/audit.time" 'Maximum resident set size (kbytes)')
RECORDS=$((4 * EVENTS))
OK=$(grep -c '"ok": true' "$WORK/report.json" || true)

printf '\n'
printf 'logs: 2 origins x %s events, each in 2 copies = %s records, %s MB on disk\n' \
	"$EVENTS" "$RECORDS" "$SIZE"
printf 'baladiya-audit verify: exit %s, %s s wall, %s s CPU (user %s, sys %s), peak RSS %s MiB\n' \
	"$rc" "$WALL" "$(r1 "$USER + $SYS")" "$USER" "$SYS" "$(r0 "$RSS / 1024")"
printf '  %s records/s wall, %s records per CPU-second\n' \
	"$(r0 "$RECORDS / $WALL")" "$(r0 "$RECORDS / ($USER + $SYS)")"
printf 'bare, per CPU-second: Ed25519 verify %s/s, SHA-256 of 700 bytes %s/s, SHA-256 %s MB/s\n' \
	"${RATE[ed25519_verify_per_s]}" "${RATE[sha256_700B_per_s]}" "${RATE[sha256_MB_per_s]}"
printf '  the signatures alone: %s CPU-seconds (%s records / Ed25519 rate)\n' \
	"$(r1 "$RECORDS / ${RATE[ed25519_verify_per_s]}")" "$RECORDS"
printf 'idle before measuring: %s%%\n' "$IDLE_BEFORE"
if [ "$rc" != 0 ] || [ "$OK" -lt 1 ]; then
	warn "the audit did not find the generated logs good"
	exit 1
fi
