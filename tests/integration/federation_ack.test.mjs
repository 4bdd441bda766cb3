// SPDX-License-Identifier: AGPL-3.0-or-later
// Issue 11, point 5: a "duplicate" answer moves the sender's acknowledged position only when
// signed data proves it (docs/protocol.md sections 8 and 9). official-srv delivers to a fake
// citizen peer (a small Node HTTP server holding its own Ed25519 key, paired with `peer pair`)
// that answers chosen deliveries "duplicate" with an applied_seq far ahead: unsigned, signed by a
// key that is not pinned, signed by the pinned key over another delivery, signed with a hash that
// is not official's, and once correctly. Only the last may make the sender skip events; the
// others must leave every event delivered, in order. Then the real citizen-srv's answer: signed,
// with the hash official checks, and official skipping after an outage on it.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { startCluster } from '../lib/harness.mjs';
import { cliFor, startSite, waitFor } from '../lib/http.mjs';
import {
	emitNews, federationStatus, kidOf, readLog, signingKey, staffClient, startFederatedPair,
	webhookHeaders,
} from '../lib/federation.mjs';

/** A fake peer named origin: its key document, and an inbox answering with answer(delivery). */
async function startFakePeer(origin, answer) {
	const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
	const jwk = { ...publicKey.export({ format: 'jwk' }), kid: kidOf(publicKey), alg: 'EdDSA', use: 'sig' };
	const peer = { privateKey, kid: jwk.kid, deliveries: [], url: null, close: null };
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const send = (status, body, headers = {}) => {
				const b = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
				res.writeHead(status, { 'content-type': 'application/json', 'content-length': b.length, ...headers });
				res.end(b);
			};
			if (req.method === 'GET' && req.url === '/.well-known/baladiya-keys') {
				send(200, { origin, keys: [jwk] });
				return;
			}
			if (req.method === 'POST' && req.url === '/federation/v1/inbox') {
				const env = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				const ev = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
				const d = { seq: ev.seq, id: req.headers['webhook-id'] };
				peer.deliveries.push(d);
				const a = answer(d) || { status: 200, body: { status: 'stored', seq: ev.seq } };
				send(a.status, a.body, a.headers);
				return;
			}
			send(404, { error: { code: 'not_found', message: 'no' } });
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	peer.url = `http://127.0.0.1:${server.address().port}`;
	peer.close = () => new Promise((resolve) => {
		server.closeAllConnections?.();
		server.close(() => resolve());
	});
	return peer;
}

/** Response headers signing body (a string) like a delivery: webhook-id, -timestamp, -signature. */
function signedHeaders(body, key, id) {
	const h = webhookHeaders(body, key, { id });
	delete h['content-type'];
	return h;
}

describe('a duplicate answer moves the sender only when signed data proves it', () => {
	let official;
	let fake;
	let log;
	const stranger = crypto.generateKeyPairSync('ed25519').privateKey;
	// seq -> how the fake answers its first delivery (filled once official's log is known)
	const plan = new Map();

	before(async () => {
		const cluster = await startCluster();
		official = await startSite('official', { cluster, themeDir: 'demo/official' });
		fake = await startFakePeer('citizen', (d) => {
			const make = plan.get(d.seq);
			if (!make) return null;
			plan.delete(d.seq);
			return make(d);
		});
		// events first, then pairing: the sender starts from seq 1 with the whole plan in place
		const admin = await staffClient(official);
		await emitNews(admin, 12, 'Accusé');
		log = await readLog(official);
	});

	after(async () => {
		await official?.stop();
		await fake?.close();
	});

	test('unsigned, foreign-signed, replayed and wrong-hash duplicates skip nothing; a proven one does', async () => {
		assert.ok(log.length >= 13, `official's log has ${log.length} events`);
		const hashAt = (seq) => log[seq - 1].hash;
		const dup = (seq, applied, hash) => JSON.stringify({ status: 'duplicate', seq, applied_seq: applied,
			...(hash === undefined ? {} : { applied_hash: hash }) });
		const answer = (body, headers = {}) => ({ status: 200, body, headers });
		// 2: no signature at all, an applied_seq far beyond official's log (the attack of the issue)
		plan.set(2, () => answer(dup(2, 1000, 'f'.repeat(64))));
		// 3: signed, but by a key official never pinned, with the right hash of seq 6
		plan.set(3, (d) => {
			const b = dup(3, 6, hashAt(6));
			return answer(b, signedHeaders(b, stranger, d.id));
		});
		// 4: signed by the pinned key, but the hash is not official's event 6
		plan.set(4, (d) => {
			const b = dup(4, 6, hashAt(5));
			return answer(b, signedHeaders(b, fake.privateKey, d.id));
		});
		// 5: signed by the pinned key with the right hash, but for another delivery (a replay)
		plan.set(5, () => {
			const b = dup(5, 6, hashAt(6));
			return answer(b, signedHeaders(b, fake.privateKey, `msg_official_5_replayed`));
		});
		// 6: signed by the pinned key, no applied_hash at all
		plan.set(6, (d) => {
			const b = dup(6, 8);
			return answer(b, signedHeaders(b, fake.privateKey, d.id));
		});
		// 7: signed by the pinned key over this delivery, with the hash of official's event 9:
		// proven, so the sender resumes at 10
		plan.set(7, (d) => {
			const b = dup(7, 9, hashAt(9));
			return answer(b, signedHeaders(b, fake.privateKey, d.id));
		});
		const admin = await staffClient(official);
		const r = await cliFor(official, ['peer', 'pair', fake.url, fake.kid]);
		assert.equal(r.code, 0, r.stderr);
		const last = log.length;
		await waitFor(() => fake.deliveries.some((d) => d.seq === last),
			{ what: `the fake peer to receive seq ${last}`, timeoutMs: 20_000 });
		await waitFor(async () => (await federationStatus(admin)).peer.acked_seq === last,
			{ what: 'official to record the last acknowledgement' });
		const seqs = fake.deliveries.map((d) => d.seq);
		const want = [];
		for (let s = 1; s <= last; s++) if (s !== 8 && s !== 9) want.push(s);
		assert.deepEqual(seqs, want, 'every event delivered once, in order, except 8 and 9 (proven held)');
		const st = await federationStatus(admin);
		assert.equal(st.peer.acked_seq, last);
		assert.equal(st.peer.blocked, false);
		const logs = official.logs();
		for (const [seq, why] of [[2, 'unsigned'], [3, "no valid signature by the peer's keys"],
			[4, 'applied_hash is not the hash of our event at applied_seq'],
			[5, 'signed for another delivery'], [6, 'no applied_hash']]) {
			assert.ok(logs.includes(`unproven (${why}): moving past event ${seq} only`), `event ${seq}: ${why}`);
		}
		assert.doesNotMatch(logs, /moving past event 7 only/);
	});
});

describe('the real inbox signs its duplicate answers', () => {
	let fedPair;

	before(async () => {
		fedPair = await startFederatedPair();
	});

	after(async () => {
		await fedPair?.stop();
	});

	test('a duplicate answer carries applied_hash and a signature by the receiver over this delivery', async () => {
		const { official, citizen } = fedPair;
		const admin = await staffClient(official);
		await emitNews(admin, 2, 'Signé');
		await waitFor(async () => (await readLog(citizen, 'official')).length === (await readLog(official)).length,
			{ what: 'citizen to mirror official' });
		const log = await readLog(official);
		const first = log[0];
		const id = `msg_official_${first.seq}_${crypto.randomBytes(4).toString('hex')}`;
		const r = await fetch(`${citizen.url}/federation/v1/inbox`, {
			method: 'POST', headers: webhookHeaders(first.envelope, signingKey(official), { id }), body: first.envelope,
		});
		const body = await r.text();
		assert.equal(r.status, 200, body);
		assert.deepEqual(JSON.parse(body), { status: 'duplicate', seq: first.seq, applied_seq: log.length,
			applied_hash: log[log.length - 1].hash });
		assert.equal(r.headers.get('webhook-id'), id);
		const ts = r.headers.get('webhook-timestamp');
		assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 300, ts);
		const citizenKey = crypto.createPublicKey(signingKey(citizen));
		const sigs = r.headers.get('webhook-signature').split(' ').map((e) => e.split(','));
		assert.ok(sigs.length >= 1);
		for (const [v] of sigs) assert.equal(v, 'v1a');
		assert.ok(crypto.verify(null, Buffer.from(`${id}.${ts}.${body}`), citizenKey, Buffer.from(sigs[0][1], 'base64')),
			'the answer verifies with citizen\'s key (Node crypto)');
		// a changed byte does not verify
		assert.equal(crypto.verify(null, Buffer.from(`${id}.${ts}.${body.replace('duplicate', 'duplicatE')}`), citizenKey,
			Buffer.from(sigs[0][1], 'base64')), false);
		// and official, whose events were all delivered, is not blocked and has no lag
		const st = await federationStatus(admin);
		assert.equal(st.peer.acked_seq, st.own_last_seq);
	});

	test('after an outage, official skips what citizen pulled meanwhile, on citizen\'s signed answer', async () => {
		const { official, citizen } = fedPair;
		const admin = await staffClient(official);
		const n = 40;
		await citizen.stop();
		await emitNews(admin, n, 'Pendant la panne');
		const inboxPosts = () => (citizen.logs().match(/path="\/federation\/v1\/inbox" status=20\d/g) || []).length;
		const postsBefore = inboxPosts();
		await citizen.restart(); // its puller fetches official's events at start
		await waitFor(async () => {
			const s = await federationStatus(admin);
			return s.peer.acked_seq === s.own_last_seq;
		}, { what: 'official\'s sender to be acknowledged', timeoutMs: 60_000 });
		const posted = inboxPosts() - postsBefore;
		console.log(`after the outage official posted ${posted} of ${n} events; citizen had pulled the rest`);
		assert.ok(posted < n / 2, `official posted ${posted} of ${n} events one by one`);
		assert.doesNotMatch(official.logs(), /unproven/);
	});
});
