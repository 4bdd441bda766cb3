#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# tests/bench/dialogue.sh: the public dialogue's lists with many questions (issue 13). Builds the
# release preset and the two bare baselines, starts official-srv and citizen-srv on one
# PostgreSQL cluster and loads QUESTIONS residents' questions (default 100,000) into both
# databases by SQL — the same rows on both sides, as the federation would have left them: asked
# over two years across the quarters and themes, 60 % answered (a few citing a deliberation or
# a report), 3 % merged into an earlier one, 1 in 200 hidden by the moderators, the rest open.
# Then loads both daemons with wrk, uncached (no-cache and a dummy parameter per request): the
# citizen dialogue space (first page, open ones, a quarter and a theme, a deep keyset page, its
# JSON twin and Atom feed), a question's page, the official "answers to citizens" page, the
# agents' queue (signed in, oldest first) and the accountability page on both sides (its
# figures over every question), next to the hello-world and one-row libpq baselines of the same
# run. It reports; it does not fail. See docs/performance-dialogue.md.
#
# Environment (all optional):
#   QUESTIONS=100000
#   BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 BENCH_THREADS=4
#   BENCH_LOG_LEVEL=info  BENCH_BUILD=1  BENCH_KEEP=0   as in tests/bench/publications.sh
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BALADIYA_ROOT"

bench_args "$@"
bench_settings QUESTIONS=100000 BENCH_SECONDS=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=64 \
	BENCH_WRK_THREADS=2 BENCH_THREADS=4 BENCH_LOG_LEVEL=info BENCH_BUILD=1 BENCH_KEEP=0
bench_whole QUESTIONS BENCH_SECONDS BENCH_WARMUP BENCH_CONNECTIONS BENCH_WRK_THREADS BENCH_THREADS
[ "$QUESTIONS" -ge 1000 ] || die "QUESTIONS must be at least 1000"

ensure_packages build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev \
	libcurl4-openssl-dev libssl-dev libpq-dev libargon2-dev libcmark-dev libvips-dev zlib1g-dev \
	postgresql-15 postgresql-15-postgis-3 wrk curl

bench_work_init dlgbench
bench_build
COMMIT=$(git -C "$BALADIYA_ROOT" rev-parse --short HEAD 2>/dev/null) || COMMIT=unknown
bench_baselines_build

bench_cluster pg "shared_buffers = 128MB"
for side in "${SIDES[@]}"; do
	bench_srv_setup "$side" pg
	bench_srv_keys "$side"
	bench_srv_start "$side"
done
bench_srv_cmd official demo load "$BALADIYA_ROOT/demo/official" >>"$WORK/official-srv.log" 2>&1 ||
	die "official-srv demo load failed (see $WORK/official-srv.log)"
printf 'bench-password-agent\n' |
	bench_srv_cmd official user add --role agent --username agent >>"$WORK/official-srv.log" 2>&1 ||
	die "official-srv: could not add the agent account"

say "loading $QUESTIONS questions into both databases"
t0=$EPOCHREALTIME
# Question i: ref Q-<4>-<4> from i in Crockford's base32; asked i * (2 years / QUESTIONS) ago
# from the oldest; state from i: 60 % answered (the answer 0-40 days later), 3 % merged into
# question i - 1, one in 200 hidden (texts blanked, its hash and reason kept), the rest open.
GEN_SQL=$(
	cat <<EOF
CREATE TEMP TABLE g0 AS
SELECT i, 'Q-' || substr(c, 1, 4) || '-' || substr(c, 5, 4) AS ref,
	now() - interval '730 days' + (i * interval '730 days' / $QUESTIONS) AS asked,
	CASE WHEN i % 200 = 7 THEN 'hidden' ELSE 'public' END AS visibility,
	CASE WHEN i % 100 < 60 THEN 'answered' WHEN i % 100 < 63 AND i > 1 THEN 'merged'
		ELSE 'open' END AS state
FROM generate_series(1, $QUESTIONS) i,
	LATERAL (SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ',
		1 + (((i::bigint * 2654435761) >> (5 * b)) % 32)::int, 1), '' ORDER BY b) AS c
		FROM generate_series(0, 7) b) r;
CREATE TEMP TABLE g AS SELECT *, lag(ref) OVER (ORDER BY i) AS previous FROM g0;
INSERT INTO questions (id, origin, origin_id, ref, title, body, quarter, theme, display_name,
	lang, visibility, hidden_reason, text_sha256, state, merged_into, asked_at, answered_at)
SELECT i, 'citizen', i, ref,
	CASE WHEN visibility = 'hidden' THEN '' ELSE 'Question ' || i || ' sur le quartier' END,
	CASE WHEN visibility = 'hidden' THEN '' ELSE 'Le texte de la question ' || i
		|| ' : quand les travaux de la rue ' || (i % 90) || ' commenceront-ils ?' END,
	(ARRAY['centre','cite500','tighilt','elamel','zone_activites'])[1 + i % 5],
	(ARRAY['urbanism','roads','cleanliness','water','education','social','health',
		'sport_culture','administration','other'])[1 + i % 10],
	CASE WHEN visibility = 'hidden' THEN '' ELSE 'Habitant ' || (i % 1000) END, 'fr',
	visibility, CASE WHEN visibility = 'hidden' THEN 'Données personnelles' END,
	CASE WHEN visibility = 'hidden' THEN encode(sha256(('q' || i)::bytea), 'hex') END,
	state, CASE WHEN state = 'merged' THEN previous END,
	asked, CASE WHEN state <> 'open' THEN asked + (i % 41) * interval '1 day' END
FROM g;
SELECT setval(pg_get_serial_sequence('questions', 'id'), $QUESTIONS);
INSERT INTO question_answers (origin, origin_id, question_ref, kind, body, cites, answered_at)
SELECT 'official', i, ref, 'answer', jsonb_build_object('ar', 'رد البلدية على السؤال ' || i,
	'fr', 'Réponse de la commune à la question ' || i || ' : les travaux sont programmés.'),
	CASE WHEN i % 10 = 0 THEN '[{"kind": "deliberation", "id": 1, "title": {"fr":
		"Délibération"}}]'::jsonb ELSE '[]'::jsonb END,
	asked + (i % 41) * interval '1 day'
FROM g WHERE state = 'answered';
SELECT setval(pg_get_serial_sequence('question_answers', 'id'),
	(SELECT max(id) FROM question_answers));
VACUUM ANALYZE questions; VACUUM ANALYZE question_answers;
EOF
)
for side in "${SIDES[@]}"; do
	bench_psql pg "baladiya_$side" <<<"$GEN_SQL" >/dev/null
done
LOAD_S=$(bench_calc 'b - a' a="$t0" b="$EPOCHREALTIME")
REF=$(bench_psql pg baladiya_citizen -Atc \
	"SELECT ref FROM questions WHERE state = 'answered' ORDER BY id DESC LIMIT 1")
DEEP=$((QUESTIONS / 2))

off=$(bench_srv_url official)
cit=$(bench_srv_url citizen)
hdr="$WORK/login.headers"
token=$(curl -sS -D "$hdr" "$off/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
csrf=$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*csrf=[^;]*\).*/\1/p' "$hdr" | head -n 1)
curl -sS -o /dev/null -D "$hdr" -H "Cookie: $csrf" --data-urlencode "csrf=$token" \
	--data-urlencode username=agent --data-urlencode password=bench-password-agent "$off/login"
session=$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*session=[^;]*\).*/\1/p' "$hdr" | head -n 1)
[ -n "$session" ] || die "the agent could not sign in"

bench_baselines_start pg
bench_wrk_scripts
{
	printf 'wrk.headers["Cookie"] = "%s; %s"\n' "$session" "$csrf"
	cat "$WORK/report.lua"
} >"$WORK/agent.lua"

# label | script | process | URL
TARGETS=(
	"hello (baseline)|report|baseline_hello|$BENCH_HELLO_URL/"
	"libpq one row (baseline)|report|baseline_pg|$BENCH_ROW_URL/row"
	"dialogue, first page|uncached|citizen-srv|$cit/dialogue"
	"dialogue, open ones|uncached|citizen-srv|$cit/dialogue?state=open"
	"dialogue, quarter+theme|uncached|citizen-srv|$cit/dialogue?quarter=tighilt&theme=cleanliness"
	"dialogue, empty pair|uncached|citizen-srv|$cit/dialogue?quarter=tighilt&theme=water"
	"dialogue, deep page|uncached|citizen-srv|$cit/dialogue?before=$DEEP"
	"dialogue, JSON twin|uncached|citizen-srv|$cit/dialogue.json"
	"dialogue, Atom feed|uncached|citizen-srv|$cit/dialogue.atom"
	"question page|uncached|citizen-srv|$cit/dialogue/$REF"
	"answers (official)|uncached|official-srv|$off/dialogue"
	"agents' queue (official)|agent|official-srv|$off/staff/dialogue"
	"accountability (citizen)|uncached|citizen-srv|$cit/accountability"
)
say "checking the targets"
for t in "${TARGETS[@]}"; do
	IFS='|' read -r label script _ target <<<"$t"
	h=()
	[ "$script" != agent ] || h=(-H "Cookie: $session; $csrf")
	code=$(curl -sS -o "$WORK/check.body" -w '%{http_code}' "${h[@]}" "$target")
	[ "$code" = 200 ] || die "$label: $target answered $code: $(head -c 300 "$WORK/check.body")"
done

bench_idle_before
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
declare -A RPS=() P50=() P99=() BAD=()
n=0
for t in "${TARGETS[@]}"; do
	IFS='|' read -r label script pname target <<<"$t"
	n=$((n + 1))
	say "[$n/${#TARGETS[@]}] $label"
	bench_wrk "$script" "$target" "$pname" "$n"
	RPS[$n]=$WRK_RPS P50[$n]=$WRK_P50 P99[$n]=$WRK_P99 BAD[$n]=$((WRK_NON2XX + WRK_ERRORS))
done

{
	printf '\nBaladiya dialogue benchmark, %s, %s, release build of %s\n' "$STARTED_AT" \
		"$(bench_machine)" "$COMMIT"
	printf 'Data: %s questions on each side (loaded by SQL in %.1f s); wrk -t%s -c%s, %ss ' \
		"$QUESTIONS" "$LOAD_S" "$BENCH_WRK_THREADS" "$BENCH_CONNECTIONS" "$BENCH_SECONDS"
	printf 'after %ss warm-up; machine idle before: %s%%.\n\n' "$BENCH_WARMUP" "$IDLE_BEFORE"
	printf '| %-26s | %8s | %7s | %7s | %7s | %6s |\n' target 'req/s' 'p50 ms' 'p99 ms' \
		'x hello' 'errors'
	printf '|%s|%s|%s|%s|%s|%s|\n' ---------------------------- ---------- --------- \
		--------- --------- --------
	n=0
	for t in "${TARGETS[@]}"; do
		IFS='|' read -r label _ _ _ <<<"$t"
		n=$((n + 1))
		printf '| %-26s | %8.0f | %7.2f | %7.2f | %7.2f | %6s |\n' "$label" "${RPS[$n]}" \
			"${P50[$n]}" "${P99[$n]}" "$(bench_calc 'a / b' a="${RPS[$n]}" b="${RPS[1]}")" \
			"${BAD[$n]}"
	done
}
exit 0
