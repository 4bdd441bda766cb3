// SPDX-License-Identifier: AGPL-3.0-or-later
// Issue 11, point 5: key revocation (docs/protocol.md section 12.1, keys.revoked in 13.10,
// decision 0009) and no silent cap on pinned keys. official-srv rotates its key A to B, restarts,
// and revokes A with `keys revoke`: a keys.revoked event signed by B names the last seq A may
// sign. citizen-srv then refuses, with 401 revoked_key, an event signed by A after that seq and a
// delivery whose only transport signature is A's, while A's envelopes before it still verify —
// in C (a duplicate delivery, a new peer catching up the whole log) and in Node
// (auditSignatures). A daemon still holding a key revoked meanwhile emits nothing until restarted.
// Then 70 more pinned keys than the old cap of 64, pinned before the real ones: deliveries still
// verify; and a revocation the key cache does not know yet is still enforced when an event is
// stored (the database is asked under the peer row's lock).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cliFor, startSite, waitFor } from '../lib/http.mjs';
import {
	adoptEvents, auditSignatures, checkLog, emitNews, federationStatus, fingerprint, forgeEvents,
	kidOf, newsEventData, postInbox, publishedKeys, readLog, signingKey, staffClient,
	startFederatedPair, waitForMirror, webhookHeaders,
} from '../lib/federation.mjs';

const signer = (e) => JSON.parse(e.envelope).signatures.map((s) => s.keyid);

async function psql(srv, q) {
	return (await srv.cluster.psql(q, { database: srv.database })).trim();
}

/** Waits until official's sender has no lag (everything acknowledged) and is not blocked. */
async function delivered(admin) {
	await waitFor(async () => {
		const st = await federationStatus(admin);
		return st.peer.acked_seq === st.own_last_seq && !st.peer.blocked;
	}, { what: 'official\'s sender to be acknowledged', timeoutMs: 20_000 });
}

describe('federation key revocation', () => {
	let pair;
	let official;
	let citizen;
	let oAdmin;
	let cAdmin;
	let kidA;
	let kidB;
	let keyA;
	let lastSeq;
	const reason = 'Clé A compromise (essai)';

	before(async () => {
		pair = await startFederatedPair();
		({ official, citizen } = pair);
		[oAdmin, cAdmin] = await Promise.all([staffClient(official), staffClient(citizen)]);
		await emitNews(oAdmin, 2, 'Avant révocation');
		await waitForMirror(official, citizen);
		kidA = await fingerprint(official);
		keyA = signingKey(official);
	});

	after(async () => {
		await pair?.stop();
	});

	test('keys revoke logs keys.revoked signed by the current key; both sides record it; A stays published', async () => {
		const rot = await cliFor(official, ['keys', 'rotate']);
		assert.equal(rot.code, 0, rot.stderr);
		kidB = rot.stdout.trim();
		await delivered(oAdmin);
		await official.restart();
		await emitNews(oAdmin, 1, 'Signée par B');

		// refused: the current key, a key that is not ours
		const cur = await cliFor(official, ['keys', 'revoke', kidB]);
		assert.equal(cur.code, 1);
		assert.match(cur.stderr, /is the current signing key: run "official-srv keys rotate"/);
		const unknown = await cliFor(official, ['keys', 'revoke', 'x'.repeat(43)]);
		assert.equal(unknown.code, 1);
		assert.match(unknown.stderr, /is not a key of this platform/);

		const before = await readLog(official);
		const r = await cliFor(official, ['keys', 'revoke', kidA, reason]);
		assert.equal(r.code, 0, r.stderr);
		lastSeq = Number(r.stdout.trim());
		assert.equal(lastSeq, before.length, 'A is trusted up to the last event before the revocation');
		const log = await readLog(official);
		assert.equal(log.length, lastSeq + 1);
		const rev = log[log.length - 1];
		assert.equal(rev.type, 'keys.revoked');
		assert.deepEqual(signer(rev), [kidB]);
		assert.deepEqual(JSON.parse(rev.payload).data, { kid: kidA, last_seq: lastSeq, reason });
		assert.deepEqual(JSON.parse(rev.payload).refs, []);

		const again = await cliFor(official, ['keys', 'revoke', kidA]);
		assert.equal(again.code, 1);
		assert.match(again.stderr, /already revoked/);
		assert.equal((await readLog(official)).length, log.length, 'a refused revocation emits nothing');
		assert.ok(existsSync(path.join(official.dataDir, `revoked-${kidA}.pem`)));
		assert.ok(!existsSync(path.join(official.dataDir, `retired-${kidA}.pem`)),
			'the daemon would still load the revoked key for its transport signatures');

		await waitForMirror(official, citizen);
		await delivered(oAdmin);
		const revokedOf = (keys) => Object.fromEntries(keys.map((k) => [k.kid, k.revoked_after_seq]));
		assert.deepEqual(revokedOf((await federationStatus(cAdmin)).peer_keys), { [kidA]: lastSeq, [kidB]: null });
		assert.deepEqual(revokedOf((await federationStatus(oAdmin)).own_keys), { [kidA]: lastSeq, [kidB]: null });
		const page = await cAdmin.get('/staff/federation?lang=fr');
		assert.ok(page.body.includes(`<td>#${lastSeq}</td>`), 'the status page shows the revocation');
		assert.ok((await publishedKeys(official)).has(kidA), 'a revoked key stays published');
	});

	test('after it, an event or a delivery signed by the revoked key is refused with 401 revoked_key', async () => {
		assert.ok(lastSeq, 'the revocation step did not run');
		const keyB = signingKey(official);
		const log = await readLog(official);
		const stateOf = async () => psql(citizen,
			"SELECT applied_seq || '|' || (SELECT count(*) FROM fed_pending) || '|' ||" +
			" (SELECT count(*) FROM fed_alarms) FROM fed_peers");
		const state = await stateOf();
		const spec = { type: 'news.published', data: newsEventData({ id: 993001, title: 'Après la révocation' }) };

		// the event signed (DSSE) by A past the seq its revocation names; transport by B
		const [byA] = forgeEvents(log, 'official', [spec], keyA);
		const r1 = await postInbox(citizen, byA.envelope, keyB);
		assert.equal(r1.status, 401, r1.text);
		assert.equal(r1.json.error.code, 'revoked_key');
		// the same event signed by B, but a delivery signed by A only
		const [byB] = forgeEvents(log, 'official', [spec], keyB);
		const r2 = await postInbox(citizen, byB.envelope, keyA);
		assert.equal(r2.status, 401, r2.text);
		assert.equal(r2.json.error.code, 'revoked_key');
		// a delivery signed by nobody we know is still plain bad_signature
		const r3 = await postInbox(citizen, byB.envelope, crypto.generateKeyPairSync('ed25519').privateKey);
		assert.equal(r3.status, 401);
		assert.equal(r3.json.error.code, 'bad_signature');
		assert.equal(await stateOf(), state, 'a refusal changed the citizen side');

		// A's envelopes before the revocation still verify: one sent again is a duplicate
		const old = log.find((e) => e.seq <= lastSeq && signer(e)[0] === kidA && e.seq > 1);
		const dup = await postInbox(citizen, old.envelope, keyB);
		assert.equal(dup.status, 200, dup.text);
		assert.equal(dup.json.status, 'duplicate');

		// A's transport entry beside B's does no harm: one trusted entry verifies
		const hA = webhookHeaders(byB.envelope, keyA, { id: `msg_official_${byB.seq}_both` });
		const hB = webhookHeaders(byB.envelope, keyB, { id: hA['webhook-id'], timestamp: Number(hA['webhook-timestamp']) });
		const both = await fetch(`${citizen.url}/federation/v1/inbox`, { method: 'POST', body: byB.envelope,
			headers: { ...hA, 'webhook-signature': `${hA['webhook-signature']} ${hB['webhook-signature']}` } });
		assert.equal(both.status, 200, await both.text());
		await adoptEvents(official, [byB]);
		await waitForMirror(official, citizen);

		// a keys.revoked the receiver cannot apply is stored flagged invalid_data, revoking nothing
		const now = await readLog(official);
		const bad = forgeEvents(now, 'official', [
			{ type: 'keys.revoked', data: { kid: 'y'.repeat(43), last_seq: 1, reason: '' } },
			{ type: 'keys.revoked', data: { kid: kidB, last_seq: now.length + 2, reason: 'pas avant' } },
			{ type: 'keys.revoked', data: { kid: kidB, last_seq: -1, reason: '' } },
		], keyB);
		for (const e of bad) {
			const r = await postInbox(citizen, e.envelope, keyB);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.status, 'stored');
		}
		await adoptEvents(official, bad);
		await waitForMirror(official, citizen);
		assert.equal(await psql(citizen, "SELECT string_agg(coalesce(flag, '-'), ',' ORDER BY seq) FROM fed_events" +
			` WHERE origin = 'official' AND seq > ${now.length}`), 'invalid_data,invalid_data,invalid_data');
		assert.equal((await federationStatus(cAdmin)).peer_keys.find((k) => k.kid === kidB).revoked_after_seq, null);
		await delivered(oAdmin);
	});

	test('Node verifies the whole log through the rotation and revocation, and refuses A after it', async () => {
		assert.ok(lastSeq, 'the revocation step did not run');
		const log = await readLog(official);
		const mirror = await readLog(citizen, 'official');
		checkLog(log);
		checkLog(mirror, log);
		const keys = await publishedKeys(official);
		assert.deepEqual(auditSignatures(log, keys), []);
		assert.deepEqual(auditSignatures(mirror, keys), []);
		const rotSeq = log.find((e) => e.type === 'keys.rotated').seq;
		assert.ok(rotSeq < lastSeq);
		for (const e of log) assert.deepEqual(signer(e), [e.seq <= rotSeq ? kidA : kidB], `#${e.seq} signer`);
		// an envelope by A after the revocation: refused because of keys.revoked, and only so
		const [forged] = forgeEvents(log, 'official', [{ type: 'news.published',
			data: newsEventData({ id: 993002, title: 'Contrefaçon' }) }], keyA);
		assert.deepEqual(auditSignatures([...log, forged], keys), [{ seq: forged.seq, reason: 'revoked_key' }]);
		assert.deepEqual(auditSignatures([...log.filter((e) => e.type !== 'keys.revoked'), forged], keys), []);
	});

	test('a new peer catching up the whole log after the revocation accepts A\'s events before it', async () => {
		assert.ok(lastSeq, 'the revocation step did not run');
		const c2 = await startSite('citizen', { cluster: pair.clusters[1], themeDir: 'demo/citizen' });
		try {
			const r = await cliFor(c2, ['peer', 'pair', official.url, kidA, kidB]);
			assert.equal(r.code, 0, r.stderr);
			await c2.restart(); // its puller pulls at start
			const log = await waitForMirror(official, c2, { timeoutMs: 30_000 });
			const st = await federationStatus(await staffClient(c2));
			assert.equal(st.peer.applied_seq, log.length);
			assert.deepEqual(st.alarms, []);
			assert.equal(st.peer_keys.find((k) => k.kid === kidA).revoked_after_seq, lastSeq);
			assert.equal(await psql(c2, "SELECT count(*) FROM fed_events WHERE origin = 'official'" +
				" AND flag IS NOT NULL AND type <> 'keys.revoked'"), '0');
			assert.match(c2.logs(), new RegExp(`peer official revoked its key ${kidA}`));
		} finally {
			await c2.stop();
		}
	});

	test('a daemon still signing with a key revoked meanwhile emits nothing until restarted', async () => {
		assert.ok(lastSeq, 'the revocation step did not run');
		const rot = await cliFor(official, ['keys', 'rotate']);
		assert.equal(rot.code, 0, rot.stderr);
		const kidC = rot.stdout.trim();
		await delivered(oAdmin);
		// the running daemon loaded B at start and still signs with it
		const rev = await cliFor(official, ['keys', 'revoke', kidB, 'rotation faite']);
		assert.equal(rev.code, 0, rev.stderr);
		const n = (await readLog(official)).length;
		const refused = await oAdmin.post('/staff/news', { action: 'publish', title_fr: 'Refusée', body_fr: 'x' });
		assert.ok(refused.status >= 500, `a write signed by a revoked key answered ${refused.status}`);
		assert.equal((await readLog(official)).length, n, 'an event signed by a revoked key');
		assert.match(official.logs(), new RegExp(`the signing key ${kidB} is revoked; restart the daemon`));
		await official.restart();
		await emitNews(oAdmin, 1, 'Signée par C');
		const log = await waitForMirror(official, citizen);
		await delivered(oAdmin);
		assert.deepEqual(signer(log[log.length - 1]), [kidC]);
		assert.deepEqual(auditSignatures(log, await publishedKeys(official)), []);
		const st = await federationStatus(oAdmin);
		assert.equal(st.peer.blocked, false);
		assert.doesNotMatch(st.peer.last_error ?? '', /revoked_key/);
	});
});

describe('no silent cap on pinned keys', () => {
	let pair;

	before(async () => {
		pair = await startFederatedPair();
	});

	after(async () => {
		await pair?.stop();
	});

	test('with 70 more keys pinned before the real one (the old cap was 64), deliveries still verify', async () => {
		const { official, citizen } = pair;
		const oAdmin = await staffClient(official);
		await waitForMirror(official, citizen);
		const rows = [];
		for (let i = 0; i < 70; i++) {
			const pub = crypto.generateKeyPairSync('ed25519').publicKey;
			rows.push(`('${kidOf(pub)}', 'official', '${pub.export({ format: 'jwk' }).x}',` +
				` now() - interval '1 day' + ${i} * interval '1 second', 'pairing')`);
		}
		await psql(citizen, `INSERT INTO fed_keys (kid, owner, public_key, created_at, pinned_by) VALUES ${rows.join(',')}`);
		assert.equal(Number(await psql(citizen, "SELECT count(*) FROM fed_keys WHERE owner = 'official'")), 71);
		await citizen.restart(); // its key cache starts empty: it loads every pinned key
		await emitNews(oAdmin, 2, 'Après 70 clés');
		await waitForMirror(official, citizen, { timeoutMs: 20_000 });
		const st = await federationStatus(oAdmin);
		assert.equal(st.peer.blocked, false, st.peer.last_error);
	});

	test('a revocation committed after the key cache was filled still refuses the event when stored', async () => {
		// (what a delivery verified just before another transaction's revocation commits meets)
		const { official, citizen } = pair;
		const key = signingKey(official);
		const kid = kidOf(crypto.createPublicKey(key));
		const log = await waitForMirror(official, citizen);
		const [ev] = forgeEvents(log, 'official', [{ type: 'news.published',
			data: newsEventData({ id: 994001, title: 'Cache périmé' }) }], key);
		// revoked behind the daemon's back: its in-memory key cache (refilled at most every 60 s)
		// still trusts the key, the database does not
		await psql(citizen, `UPDATE fed_keys SET revoked_after_seq = ${log.length} WHERE kid = '${kid}'`);
		const r = await postInbox(citizen, ev.envelope, key);
		assert.equal(r.status, 401, r.text);
		assert.equal(r.json.error.code, 'revoked_key');
		assert.match(citizen.logs(), new RegExp(`refused event official #${ev.seq}: signed only by keys revoked before it`));
		assert.equal(await psql(citizen, `SELECT count(*) FROM fed_events WHERE origin = 'official' AND seq = ${ev.seq}`), '0');
		// trusted again (by hand): the same event is stored
		await psql(citizen, `UPDATE fed_keys SET revoked_after_seq = NULL WHERE kid = '${kid}'`);
		const ok = await postInbox(citizen, ev.envelope, key);
		assert.equal(ok.status, 200, ok.text);
		await adoptEvents(official, [ev]);
		await waitForMirror(official, citizen);
	});
});
