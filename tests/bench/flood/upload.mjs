// SPDX-License-Identifier: AGPL-3.0-or-later
// tests/bench/flood/upload.mjs: CLIENTS residents filing a report with one photo each, in a
// loop, as fast as the daemon answers, for SECONDS (tests/bench/flood.sh). Each client has its
// own keep-alive connection and its own copy of the multipart body, in which a fresh random
// CSRF token (the cookie and the field) is written before every request, as a script that
// wants past the per-browser limit would; PAUSE_MS (default 0) after each answer. Prints one
// line at the end:
//   FLOOD kind=upload requests=N s201=… s503=… s413=… s429=… other=… errors=… p50_ms=… p99_ms=…
//
//   node upload.mjs http://127.0.0.1:8081 photo.jpg 20 16 [PAUSE_MS]

import crypto from 'node:crypto';
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [base, photoPath, clientsArg, secondsArg, pauseArg] = process.argv.slice(2);
if (!base || !photoPath) {
	console.error('usage: node upload.mjs URL PHOTO [CLIENTS] [SECONDS] [PAUSE_MS]');
	process.exit(2);
}
const clients = Number(clientsArg || 20);
const seconds = Number(secondsArg || 10);
const pauseMs = Number(pauseArg || 0);
const url = new URL('/reports', base);
const photo = readFileSync(photoPath);
const boundary = `----flood${crypto.randomBytes(8).toString('hex')}`;
const PLACEHOLDER = '0'.repeat(64);
const field = (name, value) =>
	`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const head = Buffer.from(field('csrf', PLACEHOLDER) + field('category', 'VOI') +
	field('title', 'Nid-de-poule rue du marché') +
	field('description', 'Un trou profond au milieu de la chaussée.') +
	field('place', 'Rue du marché') + field('quarter', 'centre') +
	`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="photo.jpg"\r\n` +
	'Content-Type: image/jpeg\r\n\r\n');
const template = Buffer.concat([head, photo, Buffer.from(`\r\n--${boundary}--\r\n`)]);
const tokenAt = template.indexOf(PLACEHOLDER);

const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const counts = new Map();
const latencies = [];
let errors = 0;
const deadline = Date.now() + seconds * 1000;

function post(body, token) {
	return new Promise((resolve) => {
		const t0 = performance.now();
		const req = http.request(url, { method: 'POST', agent, headers: {
			'Content-Type': `multipart/form-data; boundary=${boundary}`,
			'Content-Length': body.length,
			Cookie: `__Host-csrf=${token}`,
			Accept: 'text/html',
		} }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
			res.on('error', () => resolve({ status: null }));
		});
		req.on('error', () => resolve({ status: null }));
		req.end(body);
	});
}

async function client() {
	const body = Buffer.from(template);
	while (Date.now() < deadline) {
		const token = crypto.randomBytes(32).toString('hex');
		body.write(token, tokenAt, 'latin1');
		const r = await post(body, token);
		if (r.status === null) {
			errors++;
			continue;
		}
		counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
		latencies.push(r.ms);
		if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
	}
}

await Promise.all(Array.from({ length: clients }, client));
agent.destroy();
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1,
	Math.floor(p * latencies.length))] : 0);
const n = (s) => counts.get(s) ?? 0;
const known = [201, 503, 413, 429];
const other = [...counts].filter(([s]) => !known.includes(s)).reduce((a, [, c]) => a + c, 0);
console.log(`FLOOD kind=upload requests=${latencies.length} s201=${n(201)} s503=${n(503)} ` +
	`s413=${n(413)} s429=${n(429)} other=${other} errors=${errors} ` +
	`p50_ms=${pct(0.5).toFixed(1)} p99_ms=${pct(0.99).toFixed(1)}`);
if (other) console.log(`other statuses: ${JSON.stringify(Object.fromEntries(counts))}`);
