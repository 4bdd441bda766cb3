// SPDX-License-Identifier: AGPL-3.0-or-later
// Federation v1 key rotation, as an operator does it: stop official-srv, run `keys rotate`
// (a keys.rotated event signed with the old key; the old key stays published), start it again
// and publish more. The citizen side must follow: pin the new key (pinned_by rotation), mirror
// everything, and every envelope of the log — old key and new — must verify with Node's crypto
// against /.well-known/baladiya-keys. Then the procedure of docs/protocol.md §12 (rotate while
// running, restart once the peer acknowledged the rotation) once more, with a third key.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cliFor, waitFor } from '../lib/http.mjs';
import {
	checkLog, emitNews, federationStatus, fingerprint, kidOf, publishedKeys, readLog, signingKey,
	staffClient, startFederatedPair, verifyEnvelope, waitForMirror,
} from '../lib/federation.mjs';

function thumbprint(jwk) {
	return crypto.createHash('sha256')
		.update(`{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}"}`).digest('base64url');
}

const signer = (e) => JSON.parse(e.envelope).signatures.map((s) => s.keyid);

describe('federation v1 key rotation', () => {
	let pair;
	let official;
	let citizen;
	let oAdmin;
	let cAdmin;
	let oldKid;
	let newKid;
	let rotationSeq;

	before(async () => {
		pair = await startFederatedPair();
		({ official, citizen } = pair);
		[oAdmin, cAdmin] = await Promise.all([staffClient(official), staffClient(citizen)]);
		await emitNews(oAdmin, 2, 'Avant rotation');
		await waitForMirror(official, citizen);
		oldKid = await fingerprint(official);
	});

	after(async () => {
		await pair?.stop();
	});

	test('keys rotate (daemon stopped) logs keys.rotated signed by the old key; both keys stay published', async () => {
		const before = await readLog(official);
		await official.stop();
		const r = await cliFor(official, ['keys', 'rotate']);
		assert.equal(r.code, 0, r.stderr);
		newKid = r.stdout.trim();
		assert.match(newKid, /^[A-Za-z0-9_-]{43}$/);
		assert.notEqual(newKid, oldKid);
		assert.equal(await fingerprint(official), newKid);
		assert.equal(kidOf(crypto.createPublicKey(signingKey(official))), newKid);
		assert.ok(existsSync(path.join(official.dataDir, `retired-${oldKid}.pem`)),
			'the old private key was not kept aside');
		await official.restart();

		const log = await readLog(official);
		// the restarted daemon may since have recorded a cosignature of citizen's checkpoint
		// (checkpoint.cosigned, protocol.md §21); nothing else
		assert.deepEqual(log.slice(before.length + 1).map((e) => e.type)
			.filter((t) => t !== 'checkpoint.cosigned'), []);
		const rot = log[before.length];
		rotationSeq = rot.seq;
		assert.equal(rot.type, 'keys.rotated');
		assert.equal(rot.prev, before[before.length - 1].hash);
		assert.deepEqual(signer(rot), [oldKid]);
		const data = JSON.parse(rot.payload).data;
		assert.equal(data.kid, newKid);
		assert.equal(data.previous, oldKid);

		const doc = await (await fetch(`${official.url}/.well-known/baladiya-keys`)).json();
		assert.deepEqual(doc.keys.map((k) => k.kid).sort(), [oldKid, newKid].sort());
		for (const jwk of doc.keys) assert.equal(jwk.kid, thumbprint(jwk));
		assert.equal(doc.keys.find((k) => k.kid === newKid).x, data.x);
		const st = await federationStatus(oAdmin);
		assert.equal(st.current_kid, newKid);
		const own = Object.fromEntries(st.own_keys.map((k) => [k.kid, k]));
		assert.ok(own[oldKid].retired_at, 'the old key is not marked retired');
		assert.equal(own[newKid].retired_at, null);

		await emitNews(oAdmin, 3, 'Après rotation');
		const after = await readLog(official);
		assert.equal(after.filter((e) => e.seq > rotationSeq && e.type !== 'checkpoint.cosigned')
			.length, 3);
		for (const e of after.slice(rotationSeq)) assert.deepEqual(signer(e), [newKid]);
	});

	test('the peer receives the rotation and the new-key events promptly, without refusing the sender', async () => {
		assert.ok(newKid, 'the rotation step did not run');
		try {
			await waitForMirror(official, citizen, { timeoutMs: 15_000 });
		} catch (err) {
			const st = await federationStatus(oAdmin);
			assert.fail(`${err.message}; official's sender to citizen: blocked=${st.peer.blocked},` +
				` acked_seq=${st.peer.acked_seq}/${st.own_last_seq}, last_error=${st.peer.last_error}`);
		}
		const st = await federationStatus(oAdmin);
		// (a "401 not_paired" from the first seconds, before citizen paired, may remain as the
		// last error: the refusal this test is about is a signature refused after the rotation)
		assert.doesNotMatch(st.peer.last_error ?? '', /bad_signature|unknown_key/,
			'citizen refused a delivery after the rotation');
		assert.equal(st.peer.blocked, false, 'the sender is blocked');
	});

	test('every envelope, old key and new, verifies with Node; the peer pinned the new key by rotation', async () => {
		assert.ok(newKid, 'the rotation step did not run');
		// eventually, whatever the previous test found about how fast: citizen's periodic pull
		// (every 60 s) brings the rotation; if official's sender was left blocked by a refusal,
		// the operator then presses "retry" on the status page
		await waitFor(async () => (await federationStatus(cAdmin)).peer_keys.some((k) => k.kid === newKid),
			{ what: 'citizen to pin the new key', timeoutMs: 90_000, intervalMs: 500 });
		if ((await federationStatus(oAdmin)).peer.blocked) {
			const r = await oAdmin.post('/staff/federation/retry', {});
			assert.equal(r.status, 303, `retry answered ${r.status} ${r.errorCode}`);
		}
		const log = await waitForMirror(official, citizen, { timeoutMs: 30_000 });
		const mirror = await readLog(citizen, 'official');
		checkLog(log);
		checkLog(mirror, log);
		assert.deepEqual(mirror.map((e) => e.envelope), log.map((e) => e.envelope));
		const keys = await publishedKeys(official);
		assert.deepEqual([...keys.keys()].sort(), [oldKid, newKid].sort());
		for (const e of [...log, ...mirror]) {
			assert.ok(verifyEnvelope(e.envelope, keys), `#${e.seq} (${e.type}) does not verify with Node`);
			assert.deepEqual(signer(e), [e.seq <= rotationSeq ? oldKid : newKid], `#${e.seq} signer`);
			// and only with the key it names
			const other = new Map([...keys].filter(([kid]) => kid !== signer(e)[0]));
			assert.equal(verifyEnvelope(e.envelope, other), false);
		}

		const doc = await (await fetch(`${official.url}/.well-known/baladiya-keys`)).json();
		const st = await federationStatus(cAdmin);
		const pinned = Object.fromEntries(st.peer_keys.map((k) => [k.kid, k]));
		assert.deepEqual(Object.keys(pinned).sort(), [oldKid, newKid].sort());
		assert.equal(pinned[oldKid].pinned_by, 'pairing');
		assert.equal(pinned[newKid].pinned_by, 'rotation');
		assert.equal(pinned[newKid].x, doc.keys.find((k) => k.kid === newKid).x);
		assert.equal(st.peer.applied_seq, log.length);
		assert.deepEqual(st.alarms, []);

		const list = await (await fetch(`${citizen.url}/news.json?from=peer&lang=fr`,
			{ headers: { accept: 'application/json' } })).json();
		for (let i = 0; i < 3; i++) assert.ok(list.items.some((x) => x.title === `Après rotation ${i}`));
		// the other direction is untouched by official's rotation
		await emitNews(cAdmin, 1, 'Citoyen après rotation');
		await waitForMirror(citizen, official);
	});

	test('rotating while running, then restarting once the peer acknowledged, needs no retry', async () => {
		assert.ok(newKid, 'the first rotation did not run');
		let before = await federationStatus(oAdmin);
		if (before.peer.blocked) {
			// left blocked by the first rotation: the operator presses "retry" on the status page
			const r = await oAdmin.post('/staff/federation/retry', {});
			assert.equal(r.status, 303, `retry answered ${r.status} ${r.errorCode}`);
			await waitFor(async () => {
				const st = await federationStatus(oAdmin);
				return st.peer.acked_seq === st.own_last_seq && !st.peer.blocked;
			}, { what: 'official\'s sender to resume after "retry"', timeoutMs: 15_000 });
			before = await federationStatus(oAdmin);
		}
		const r = await cliFor(official, ['keys', 'rotate']);
		assert.equal(r.code, 0, r.stderr);
		const thirdKid = r.stdout.trim();
		assert.notEqual(thirdKid, newKid);
		// the running daemon delivers the rotation (signed by the key the peer already has)...
		let log = await readLog(official);
		const rot = log.findLast((e) => e.type === 'keys.rotated');
		assert.ok(log.slice(rot.seq).every((e) => e.type === 'checkpoint.cosigned'));
		assert.ok(rot.seq > rotationSeq);
		assert.deepEqual(signer(rot), [newKid]);
		await waitFor(async () => {
			const st = await federationStatus(oAdmin);
			return st.peer.acked_seq === st.own_last_seq && !st.peer.blocked;
		}, { what: 'citizen to acknowledge the rotation (lag 0)', timeoutMs: 15_000 });
		// ...and keeps signing with its loaded key until restarted
		await emitNews(oAdmin, 1, 'Avant redémarrage');
		await official.restart();
		await emitNews(oAdmin, 2, 'Troisième clé');
		log = await waitForMirror(official, citizen, { timeoutMs: 15_000 });
		const after = await federationStatus(oAdmin);
		assert.equal(after.peer.last_error_at, before.peer.last_error_at,
			`a delivery was refused: ${after.peer.last_error}`);
		assert.equal(after.peer.blocked, false);
		assert.equal(after.current_kid, thirdKid);

		const keys = await publishedKeys(official);
		assert.deepEqual([...keys.keys()].sort(), [oldKid, newKid, thirdKid].sort());
		const mirror = await readLog(citizen, 'official');
		checkLog(mirror, log);
		// the loaded key signs until the restart, the third one after: the news before the
		// restart by the second key, the two after by the third (the witness's
		// checkpoint.cosigned records, protocol.md §21, may fall on either side)
		const news = log.filter((e) => e.seq > rot.seq && e.type === 'news.published');
		assert.deepEqual(news.map((e) => signer(e)[0]), [newKid, thirdKid, thirdKid]);
		const switched = log.find((e) => e.seq > rot.seq && signer(e)[0] === thirdKid).seq;
		for (const e of [...log, ...mirror]) {
			const want = e.seq <= rotationSeq ? oldKid : (e.seq < switched ? newKid : thirdKid);
			assert.deepEqual(signer(e), [want], `#${e.seq} (${e.type}) signer`);
			assert.ok(verifyEnvelope(e.envelope, keys), `#${e.seq} (${e.type}) does not verify with Node`);
		}
		const pinned = (await federationStatus(cAdmin)).peer_keys;
		assert.deepEqual(pinned.map((k) => [k.kid, k.pinned_by]).sort(),
			[[oldKid, 'pairing'], [newKid, 'rotation'], [thirdKid, 'rotation']].sort());
	});
});
