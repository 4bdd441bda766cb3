// SPDX-License-Identifier: AGPL-3.0-or-later
// Paced (open-loop) emitter for tests/bench/federation.sh: POSTs COUNT news items to
// /staff/news at a fixed RATE per second, each one event on the official side. Request i is
// sent at start + i / RATE whatever the previous answers did (no coordinated omission), over a
// pool of keep-alive connections. Prints one line, `PACED key=value...`, on stdout: what was
// sent, what came back, the achieved send rate and how late the sends were against the
// schedule, and the origin's own answer time (POST to 303, which includes the commit).
//
//   node paced.mjs URL COUNT RATE PREFIX   (env FED_COOKIE, FED_CSRF: the signed-in session)
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const [url, countArg, rateArg, prefix = 'paced'] = process.argv.slice(2);
const count = Number(countArg);
const rate = Number(rateArg);
const cookie = process.env.FED_COOKIE;
const csrf = process.env.FED_CSRF;
if (!url || !(count > 0) || !(rate > 0) || !cookie || !csrf) {
	console.error('usage: FED_COOKIE=... FED_CSRF=... node paced.mjs URL COUNT RATE [PREFIX]');
	process.exit(2);
}
const target = new URL('/staff/news', url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const BODY_TEXT = 'Texte de banc d\'essai : la commune publie une actualité, le site citoyen ' +
	'la reçoit signée et la met en miroir. '.repeat(2);

const interval = 1000 / rate;
const sendLate = []; // ms behind schedule, per request
const answer = []; // ms from send to answer, per request
const statuses = new Map();
let errors = 0;
let firstSend = 0;
let lastSend = 0;

function post(i) {
	const body = new URLSearchParams({
		csrf,
		title_fr: `${prefix} ${i}`,
		body_fr: `${BODY_TEXT} (${i})`,
		action: 'publish',
	}).toString();
	const t0 = performance.now();
	return new Promise((resolve) => {
		const req = http.request(target, {
			method: 'POST',
			agent,
			headers: {
				cookie,
				'content-type': 'application/x-www-form-urlencoded',
				'content-length': Buffer.byteLength(body),
			},
		}, (res) => {
			res.resume();
			res.on('end', () => {
				answer.push(performance.now() - t0);
				statuses.set(res.statusCode, (statuses.get(res.statusCode) || 0) + 1);
				resolve();
			});
		});
		req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
		req.on('error', () => {
			errors++;
			resolve();
		});
		req.end(body);
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const all = [];
const start = performance.now();
for (let i = 0; i < count; i++) {
	const due = start + i * interval;
	let now = performance.now();
	if (due > now) {
		// setTimeout is coarse: sleep most of the way, then spin the last bit
		if (due - now > 2) await sleep(due - now - 1.5);
		while ((now = performance.now()) < due) { /* spin < 2 ms */ }
	}
	sendLate.push(now - due);
	if (i === 0) firstSend = now;
	lastSend = now;
	all.push(post(i));
}
await Promise.all(all);
agent.destroy();

const pct = (xs, p) => {
	if (xs.length === 0) return 0;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ok = statuses.get(303) || 0;
const achieved = count > 1 ? (count - 1) / ((lastSend - firstSend) / 1000) : 0;
const other = [...statuses].filter(([s]) => s !== 303).map(([s, n]) => `${s}:${n}`).join(',');
console.log([
	'PACED',
	`sent=${count}`,
	`ok=${ok}`,
	`other=${other || '-'}`,
	`errors=${errors}`,
	`achieved_rate=${achieved.toFixed(2)}`,
	`late_p99_ms=${pct(sendLate, 99).toFixed(2)}`,
	`late_max_ms=${Math.max(...sendLate).toFixed(2)}`,
	`post_p50_ms=${pct(answer, 50).toFixed(2)}`,
	`post_p99_ms=${pct(answer, 99).toFixed(2)}`,
	`duration_s=${((performance.now() - start) / 1000).toFixed(3)}`,
].join(' '));
