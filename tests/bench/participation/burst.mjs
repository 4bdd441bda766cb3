// SPDX-License-Identifier: AGPL-3.0-or-later
// The client of tests/bench/supports.sh: POSTs one "me too" per token of TOKENS_FILE to
// URL/needs/NEED/me-too with CONCURRENCY requests in flight (each with its participation
// cookie and a CSRF pair), then prints one JSON line: {sent, ok, conflicts, other, seconds,
// per_second, p50_ms, p99_ms, max_ms}.
//
//   node burst.mjs URL NEED TOKENS_FILE CONCURRENCY COOKIE_PREFIX
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';

const [url, need, file, concurrency = '64', prefix = ''] = process.argv.slice(2);
const tokens = readFileSync(file, 'utf8').split('\n').filter(Boolean);
const csrf = crypto.randomBytes(32).toString('hex');
const latencies = [];
const counts = { ok: 0, conflicts: 0, other: 0 };
let next = 0;

async function worker() {
	while (next < tokens.length) {
		const token = tokens[next++];
		const t0 = performance.now();
		const r = await fetch(`${url}/needs/${need}/me-too`, {
			method: 'POST',
			headers: { cookie: `${prefix}participant=${token}; ${prefix}csrf=${csrf}`,
				accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
			body: `csrf=${csrf}`,
		});
		await r.arrayBuffer();
		latencies.push(performance.now() - t0);
		if (r.status === 200) counts.ok++;
		else if (r.status === 409) counts.conflicts++;
		else counts.other++;
	}
}

const start = performance.now();
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
const seconds = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
console.log(JSON.stringify({ sent: tokens.length, ...counts, seconds: +seconds.toFixed(2),
	per_second: Math.round(tokens.length / seconds), p50_ms: +at(0.5).toFixed(1),
	p99_ms: +at(0.99).toFixed(1), max_ms: +latencies.at(-1).toFixed(1) }));
