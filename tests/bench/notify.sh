#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/notify.sh: the outgoing-message queue's throughput (issue 13). Builds the release
# preset, starts official-srv alone on a fresh PostgreSQL cluster and a local SMTP server
# (tests/lib/smtp_server.py: Debian's aiosmtpd, which writes every message it receives to a
# file), then for each mode (plain SMTP, then STARTTLS with AUTH and a self-signed certificate):
#   - queues MESSAGES e-mails (default 2,000) in one transaction, as a module would (the rows
#     and one NOTIFY), and measures the time until the last is marked sent: messages/s of the
#     whole path (claim, MIME, SMTP over libcurl, mark sent), and the time to the first;
#   - checks the server received each exactly once (distinct Message-IDs = MESSAGES);
# and, as the bare-server baseline of the same run, Python's smtplib sending MESSAGES messages
# over one connection to the same server (what the server and the loopback allow).
# It reports; it does not fail on the numbers (exit 0 whatever they are, but 1 when a message
# is missing or doubled). See docs/performance-notify.md.
#
# Environment (all optional):
#   MESSAGES=2000  BENCH_LOG_LEVEL=warn BENCH_BUILD=1 BENCH_KEEP=0   as in tests/bench/forms.sh
#   BENCH_BUILD_DIR_RELEASE=   another build folder to measure (with BENCH_BUILD=0)
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BALADIYA_ROOT"

bench_args "$@"
bench_settings MESSAGES=2000 BENCH_LOG_LEVEL=warn BENCH_BUILD=1 BENCH_KEEP=0
bench_whole MESSAGES
BENCH_BUILD_DIR=${BENCH_BUILD_DIR_RELEASE:-$BENCH_BUILD_DIR}
# shellcheck disable=SC2034 # read by lib.sh (bench_build): official-srv alone
SIDES=(official)
PY=/usr/bin/python3 # Debian's, which has aiosmtpd

bench_work_init notify
bench_build
bench_cluster pg "shared_buffers = 128MB"
bench_srv_setup official pg
bench_srv_keys official

sql() { bench_psql pg baladiya_official "$@"; }
now_ms() { date +%s%3N; }

SMTP_PORT=$(bench_port)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-addext 'subjectAltName=IP:127.0.0.1,DNS:localhost' -keyout "$WORK/key.pem" \
	-out "$WORK/cert.pem" >/dev/null 2>&1 || die "openssl req failed"

# smtp_start MODE: the SMTP server on SMTP_PORT writing to WORK/MODE.jsonl (plain or
# starttls: STARTTLS required, AUTH bench:bench-smtp-pass).
smtp_start() {
	local -a extra=()
	[ "$1" != starttls ] || extra=(--cert "$WORK/cert.pem" --key "$WORK/key.pem" \
		--require-starttls --auth bench:bench-smtp-pass)
	: >"$WORK/$1.jsonl"
	# stdin kept open (the server runs until it closes): a fifo nobody writes to
	mkfifo "$WORK/smtp-$1.in"
	bench_start "smtp-$1" bash -c "exec $PY '$BENCH_DIR/../lib/smtp_server.py' --port $SMTP_PORT \
		--out '$WORK/$1.jsonl' ${extra[*]} <>'$WORK/smtp-$1.in'"
	bench_wait_port "$SMTP_PORT" "smtp-$1"
}

# run MODE: queue MESSAGES messages, wait for all sent; sets RATE[MODE], FIRST[MODE], GOT[MODE].
declare -A RATE=() FIRST=() TOTAL=() GOT=() DISTINCT=() CONNS=()
run() {
	local mode=$1 t0 t1 first="" sent=0 i
	export BALADIYA_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" BALADIYA_SMTP_FROM=bench@baladiya.test
	if [ "$mode" = plain ]; then
		export BALADIYA_SMTP_STARTTLS=off
		unset BALADIYA_SMTP_USER BALADIYA_SMTP_PASSWORD BALADIYA_SMTP_CA_FILE
	else
		export BALADIYA_SMTP_STARTTLS=required BALADIYA_SMTP_USER=bench \
			BALADIYA_SMTP_PASSWORD=bench-smtp-pass BALADIYA_SMTP_CA_FILE="$WORK/cert.pem"
	fi
	smtp_start "$mode"
	bench_srv_start official # inherits the BALADIYA_SMTP_* above
	say "$mode: queueing $MESSAGES messages"
	t0=$(now_ms)
	sql -c "BEGIN; INSERT INTO notify_messages (channel, recipient, lang, subject, body, kind)
		SELECT 'email', 'r' || i || '@example.org', 'fr', 'Message ' || i || ' été',
		repeat('Le corps du message, accentué. ', 20), 'bench.$mode'
		FROM generate_series(1, $MESSAGES) i; SELECT pg_notify('notify_queue', ''); COMMIT;" \
		>/dev/null
	for ((i = 0; i < 6000; i++)); do
		[ -n "$first" ] || { [ -s "$WORK/$mode.jsonl" ] && first=$(now_ms); }
		sent=$(sql -c "SELECT count(*) FROM notify_messages WHERE kind = 'bench.$mode' AND state = 'sent'")
		[ "$sent" -lt "$MESSAGES" ] || break
		sleep 0.1
	done
	t1=$(now_ms)
	[ "$sent" -eq "$MESSAGES" ] || warn "$mode: only $sent of $MESSAGES sent"
	RATE[$mode]=$(bench_fmt "$(bench_calc "n * 1000 / (b - a)" n="$MESSAGES" a="$t0" b="$t1")" %.0f)
	TOTAL[$mode]=$(bench_fmt "$(bench_calc "(b - a) / 1000" a="$t0" b="$t1")" %.2f)
	FIRST[$mode]=$((${first:-$t1} - t0))
	GOT[$mode]=$(wc -l <"$WORK/$mode.jsonl")
	DISTINCT[$mode]=$($PY -c 'import json, sys, email
ids = set()
for line in open(sys.argv[1]):
    ids.add(email.message_from_string(json.loads(line)["data"])["Message-ID"])
print(len(ids))' "$WORK/$mode.jsonl")
	CONNS[$mode]=$($PY -c 'import json, sys
print(len({tuple(json.loads(l)["peer"]) for l in open(sys.argv[1])}))' "$WORK/$mode.jsonl")
	bench_stop official-srv
	bench_stop "smtp-$mode"
}

# the baseline: smtplib over one connection to the same server (plain)
baseline() {
	local t0 t1
	smtp_start baseline
	t0=$(now_ms)
	$PY - "$SMTP_PORT" "$MESSAGES" <<'PYEOF'
import smtplib, sys
from email.message import EmailMessage
port, n = int(sys.argv[1]), int(sys.argv[2])
with smtplib.SMTP('127.0.0.1', port) as s:
    for i in range(n):
        m = EmailMessage()
        m['From'], m['To'], m['Subject'] = 'bench@baladiya.test', f'r{i}@example.org', f'Message {i} été'
        m.set_content('Le corps du message, accentué. ' * 20)
        s.send_message(m)
PYEOF
	t1=$(now_ms)
	RATE[baseline]=$(bench_fmt "$(bench_calc "n * 1000 / (b - a)" n="$MESSAGES" a="$t0" b="$t1")" %.0f)
	TOTAL[baseline]=$(bench_fmt "$(bench_calc "(b - a) / 1000" a="$t0" b="$t1")" %.2f)
	GOT[baseline]=$(wc -l <"$WORK/baseline.jsonl")
	bench_stop smtp-baseline
}

bench_idle_before
baseline
run plain
run starttls

printf '\n## notify benchmark, %s\n\n' "$(date -u +%F)"
printf 'Machine: %s; idle before: %s%%; %s messages a run.\n\n' "$(bench_machine)" \
	"$IDLE_BEFORE" "$MESSAGES"
printf '| path | messages/s | total s | first after ms | received | distinct Message-IDs | connections |\n'
printf '|---|---:|---:|---:|---:|---:|---:|\n'
printf '| baseline: smtplib, one connection | %s | %s | | %s | | 1 |\n' "${RATE[baseline]}" \
	"${TOTAL[baseline]}" "${GOT[baseline]}"
status=0
for mode in plain starttls; do
	printf '| queue → SMTP (%s) | %s | %s | %s | %s | %s | %s |\n' "$mode" "${RATE[$mode]}" \
		"${TOTAL[$mode]}" "${FIRST[$mode]}" "${GOT[$mode]}" "${DISTINCT[$mode]}" "${CONNS[$mode]}"
	[ "${GOT[$mode]}" -eq "$MESSAGES" ] && [ "${DISTINCT[$mode]}" -eq "$MESSAGES" ] || status=1
done
exit "$status"
