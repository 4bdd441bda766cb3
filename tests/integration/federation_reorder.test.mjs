// SPDX-License-Identifier: AGPL-3.0-or-later
// Federation v1 through a misbehaving network: a test proxy (node:http) sits in front of the
// citizen daemon on official's side. It answers official's inbox POSTs itself with 200 (so the
// sender moves on at once) and keeps them; the test then hands them to citizen shuffled, some
// twice, some concurrently, some replayed verbatim. Citizen's catch-up pulls go through a second
// proxy that refuses them meanwhile, so only the inbox's buffering can restore the order.
// At the end citizen's mirror must equal official's log exactly: nothing missing, nothing applied
// twice, nothing left pending, no alarm.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { freePort } from '../lib/harness.mjs';
import { waitFor } from '../lib/http.mjs';
import {
	checkLog, deliverRaw, emitNews, federationStatus, readLog, signingKey, staffClient,
	startFederatedPair, startProxy, waitForMirror, webhookHeaders,
} from '../lib/federation.mjs';

/** A small seeded PRNG (mulberry32), so that a failing order can be replayed with its seed. */
function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function shuffle(list, rand) {
	const a = [...list];
	for (let i = a.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[a[i], a[j]] = [a[j], a[i]];
	}
	return a;
}

const seqOf = (body) => JSON.parse(Buffer.from(JSON.parse(body).payload, 'base64')).seq;

describe('federation v1 through a reordering, duplicating proxy', () => {
	const SEED = Number(process.env.BALADIYA_REORDER_SEED || (Date.now() % 1_000_000));
	const NEWS = 30;
	let pair;
	let official;
	let citizen;
	let toCitizen; // official → citizen
	let toOfficial; // citizen → official
	const captured = [];
	let capture = true;
	let blockCatchUp = true;
	let refusedPulls = 0;

	before(async () => {
		const [officialPort, citizenPort] = [await freePort(), await freePort()];
		toCitizen = await startProxy(`http://127.0.0.1:${citizenPort}`, {
			intercept: async (req) => {
				if (!capture || req.method !== 'POST' || req.url !== '/federation/v1/inbox') return null;
				captured.push({ headers: req.headers, body: req.body });
				return { status: 200, headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ status: 'stored', seq: seqOf(req.body) }) };
			},
		});
		toOfficial = await startProxy(`http://127.0.0.1:${officialPort}`, {
			intercept: async (req) => {
				if (!blockCatchUp || !req.url.startsWith('/federation/v1/events')) return null;
				refusedPulls += 1;
				return { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' },
					body: '{"error":{"code":"test_proxy","message":"catch-up refused by the test"}}' };
			},
		});
		// each side knows the other's public URL (the origin line of its checkpoints), and
		// reaches it through a proxy
		pair = await startFederatedPair({
			official: { port: officialPort, env: { BALADIYA_PEER_URL: `http://127.0.0.1:${citizenPort}` } },
			citizen: { port: citizenPort, env: { BALADIYA_PEER_URL: `http://127.0.0.1:${officialPort}` } },
			citizenUrlForOfficial: toCitizen.url,
			officialUrlForCitizen: toOfficial.url,
		});
		({ official, citizen } = pair);
	});

	after(async () => {
		await pair?.stop();
		await toCitizen?.close();
		await toOfficial?.close();
	});

	test(`${NEWS} news delivered shuffled, repeated and replayed: the mirror equals the log`, async () => {
		const oAdmin = await staffClient(official);
		const cAdmin = await staffClient(citizen);
		await emitNews(oAdmin, NEWS, 'Désordre');
		const log = await readLog(official);
		const n = log.length;
		assert.equal(log.filter((e) => e.type === 'news.published').length, NEWS);
		// every event went out once, in order, and was "acknowledged" by the proxy
		await waitFor(async () => {
			const seqs = new Set(captured.map((c) => seqOf(c.body)));
			return seqs.size === n && [...seqs].every((s) => s >= 1 && s <= n);
		}, { what: `the proxy to hold official's ${n} deliveries`, timeoutMs: 30_000 });
		// the proxy answers before the sender records the acknowledgement: wait for it
		const os = await waitFor(async () => {
			const st = await federationStatus(oAdmin);
			return st.peer.acked_seq === n && st;
		}, { what: `official to record ${n} acknowledgements` });
		assert.equal(os.peer.acked_seq, n);
		assert.equal(os.peer.url, toCitizen.url);
		// nothing reached citizen yet
		assert.equal((await readLog(citizen, 'official')).length, 0);

		const rand = prng(SEED);
		const key = signingKey(official);
		const originals = captured.map((c) => ({ ...c, kind: 'original', seq: seqOf(c.body) }));
		// a sender's retries: the same envelope under a fresh webhook-id and signature
		const retries = shuffle(originals, rand).slice(0, 8).map((c) => ({
			headers: webhookHeaders(c.body, key), body: c.body, kind: 'retry', seq: c.seq,
		}));
		const order = shuffle([...originals, ...retries], rand);
		const results = [];
		// in small concurrent groups: the inbox must serialize them on the peer row
		for (let i = 0; i < order.length; i += 3) {
			const group = order.slice(i, i + 3);
			const rs = await Promise.all(group.map((d) => deliverRaw(citizen, d)));
			rs.forEach((r, k) => results.push({ ...group[k], status: r.status, json: r.json, text: r.text }));
		}
		// verbatim replays of deliveries already made (same id, timestamp, body)
		for (const c of shuffle(originals, rand).slice(0, 5)) {
			const r = await deliverRaw(citizen, c);
			results.push({ ...c, kind: 'replay', status: r.status, json: r.json, text: r.text });
		}

		const where = `(seed ${SEED}; BALADIYA_REORDER_SEED=${SEED} replays this order)`;
		for (const r of results) {
			const what = `${r.kind} of seq ${r.seq}: HTTP ${r.status} ${r.text} ${where}`;
			if (r.kind === 'replay') {
				assert.equal(r.status, 400, what);
				assert.equal(r.json?.error?.code, 'replayed_request', what);
			} else if (r.status === 202) {
				assert.equal(r.json.status, 'buffered', what);
				assert.equal(r.json.seq, r.seq, what);
			} else {
				assert.equal(r.status, 200, what);
				assert.ok(['stored', 'duplicate'].includes(r.json.status), what);
				assert.equal(r.json.seq, r.seq, what);
			}
		}
		// no seq was stored twice; each was stored by its own delivery or waited in the buffer
		const stored = results.filter((r) => r.status === 200 && r.json.status === 'stored')
			.map((r) => r.seq);
		assert.equal(new Set(stored).size, stored.length, `a seq was answered "stored" twice ${where}`);
		for (let s = 1; s <= n; s++) {
			assert.ok(stored.includes(s) || results.some((r) => r.seq === s && r.status === 202),
				`seq ${s} was neither stored nor buffered ${where}`);
		}
		assert.ok(results.some((r) => r.status === 202), `the shuffle buffered nothing ${where}`);
		// the gaps asked for a catch-up, which the second proxy refused
		assert.ok(refusedPulls > 0, 'citizen never tried to catch up');

		const st = await federationStatus(cAdmin);
		assert.equal(st.peer.applied_seq, n, where);
		assert.equal(st.peer.pending, 0, where);
		assert.deepEqual(st.alarms, [], where);
		assert.equal(st.peer.flagged, 0, where);
		const mirror = await readLog(citizen, 'official');
		checkLog(mirror, log);
		assert.deepEqual(mirror.map((e) => e.envelope), log.map((e) => e.envelope), where);
		const counts = (await citizen.cluster.psql(
			"SELECT (SELECT count(*) FROM news WHERE origin = 'official') || ',' ||" +
			" (SELECT count(DISTINCT origin_id) FROM news WHERE origin = 'official') || ',' ||" +
			" (SELECT count(*) FROM fed_events WHERE origin = 'official') || ',' ||" +
			" (SELECT count(*) FROM fed_pending)",
			{ database: citizen.database })).trim();
		assert.equal(counts, `${NEWS},${NEWS},${n},0`, where);
		const list = await (await fetch(`${citizen.url}/news.json?from=peer&lang=fr`,
			{ headers: { accept: 'application/json' } })).json();
		assert.deepEqual(list.items.map((i) => i.title),
			Array.from({ length: 10 }, (_, i) => `Désordre ${NEWS - 1 - i}`));

		// the network heals: deliveries and pulls pass through, both directions keep mirroring
		capture = false;
		blockCatchUp = false;
		await emitNews(oAdmin, 2, 'Après');
		await emitNews(cAdmin, 2, 'Citoyen');
		await waitForMirror(official, citizen);
		await waitForMirror(citizen, official);
		const total = (await citizen.cluster.psql("SELECT count(*) FROM news WHERE origin = 'official'",
			{ database: citizen.database })).trim();
		assert.equal(total, String(NEWS + 2));
		assert.equal(crypto.createHash('sha256').update((await readLog(citizen, 'official'))
			.map((e) => e.envelope).join('\n')).digest('hex'), crypto.createHash('sha256')
			.update((await readLog(official)).map((e) => e.envelope).join('\n')).digest('hex'));
	});
});
