// SPDX-License-Identifier: AGPL-3.0-or-later
// The daily audit of both logs (protocol/src/page_audit.c, docs/protocol.md §15.4), timed on a
// real pair: official's log is given EVENTS signed events (forged with official's real key by
// Node and adopted into its database, as tests/lib/federation.mjs does; citizen pulls and
// verifies them like any others), then `official-srv audit run --full` (every event of both
// logs fetched and verified: what every daily run did before it kept what it verified) and,
// after NEW more events, `official-srv audit run` (only what follows the part verified). Each
// run is timed from outside (wall) and by the command itself (duration_ms in the summary).
// Prints a table; exits 0 unless a run fails. docs/performance-tlog.md holds the numbers.
//
//   EVENTS=20000 NEW=10 BALADIYA_BUILD_DIR=build/release node tests/bench/audit_daily.mjs

import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { adoptEvents, forgeEvents, readLog, signingKey, startLinkedPair, waitForMirror }
	from '../lib/federation.mjs';
import { cliFor } from '../lib/http.mjs';

const EVENTS = Number(process.env.EVENTS || 20000);
const NEW = Number(process.env.NEW || 10);
const CHUNK = 1000;

/** Adds n signed events of an unknown type (stored, flagged, verified) to official's log. */
async function grow(official, n, label) {
	let log = await readLog(official);
	for (let done = 0; done < n; done += CHUNK) {
		const specs = Array.from({ length: Math.min(CHUNK, n - done) }, (_, i) => ({
			type: 'bench.note', data: { label, i: done + i, pad: 'x'.repeat(300) } }));
		const events = forgeEvents(log, 'official', specs, signingKey(official));
		await adoptEvents(official, events);
		log = log.concat(events);
	}
}

function dirBytes(dir) {
	let total = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		total += e.isDirectory() ? dirBytes(p) : statSync(p).size;
	}
	return total;
}

async function timed(official, args) {
	const t0 = process.hrtime.bigint();
	const r = await cliFor(official, ['audit', 'run', ...args],
		{ env: { BALADIYA_PUBLIC_URL: official.url, BALADIYA_LOG_LEVEL: 'warn' } });
	const wall = Number(process.hrtime.bigint() - t0) / 1e6;
	assert.equal(r.code, 0, r.stdout + r.stderr);
	const own = /in (\d+) ms/.exec(r.stdout)?.[1];
	return { wall, own: Number(own), out: r.stdout.trim(),
		bytes: dirBytes(path.join(official.dataDir, 'audit')) };
}

const pair = await startLinkedPair();
try {
	const { official, citizen } = pair;
	const t0 = Date.now();
	await grow(official, EVENTS, 'base');
	await waitForMirror(official, citizen, { timeoutMs: 30 * 60_000 });
	const setup = (Date.now() - t0) / 1000;
	const size = (await readLog(official)).length;
	const full = await timed(official, ['--full']);
	await grow(official, NEW, 'new');
	await waitForMirror(official, citizen, { timeoutMs: 60_000 });
	const inc = await timed(official, []);
	const full2 = await timed(official, ['--full']);
	const rows = [
		['run', 'official log', 'wall ms', 'audit ms', 'audit dir bytes after'],
		['full (as every daily run before)', size, full.wall, full.own, full.bytes],
		[`since the last (+${NEW})`, size + NEW, inc.wall, inc.own, inc.bytes],
		['full again', size + NEW, full2.wall, full2.own, full2.bytes],
	];
	console.log(`events ${EVENTS} (+ the pair's own), setup ${setup.toFixed(1)} s; ` +
		`citizen's log ${(await readLog(citizen)).length} events`);
	for (const r of rows) {
		console.log(`| ${r.map((v) => (typeof v === 'number' ? Math.round(v).toLocaleString('en') : v)).join(' | ')} |`);
	}
	console.log(inc.out);
} finally {
	await pair.stop();
}
