// SPDX-License-Identifier: AGPL-3.0-or-later
// Federation protocol v1 between two real daemons on real PostgreSQL (DESIGN.md §2-3): the
// mirror of news and profiles in both directions, both logs compared event by event and every
// envelope verified by Node's crypto against /.well-known/baladiya-keys; the inbox's answers to
// bad input (each with its stable code, nothing stored), equivocation evidence, out-of-order and
// duplicate deliveries, unknown event types, pairing errors (and pairing one side at a time) and
// the catch-up endpoint.
// Forged events are signed with the official daemon's own key (as a compromised or buggy
// official would) and, when they are meant to be part of its log, appended to its log
// afterwards (adoptEvents) so that the pair stays consistent for the next test.
// One federated pair serves the whole file; the tests run in order and build on each other.
//
// Reorder through a proxy: federation_reorder.test.mjs; key rotation: federation_rotation.test.mjs.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lib/harness.mjs';
import { Client, cliFor, createNews, errorCodeOf, rawRequest, startSite, waitFor } from '../lib/http.mjs';
import {
	PAYLOAD_TYPE, adoptEvents, checkLog, emitNews, eventPayload, federationStatus, fingerprint,
	forgeEvents, kidOf, makeEnvelope, newsEventData, pae, pair as pairSide, postInbox, publishedKeys, readLog,
	signingKey, staffClient, startFederatedPair, verifyEnvelope, waitForMirror, webhookHeaders,
} from '../lib/federation.mjs';

const site = (side) => JSON.parse(readFileSync(path.join(ROOT, 'demo', side, 'site.json'), 'utf8'));

/** RFC 7638 thumbprint of an Ed25519 JWK, spelled out (members in lexicographic order). */
function thumbprint(jwk) {
	const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}"}`;
	return crypto.createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

/** Unix time, taken early in a second so that ±301 s stays ±301 s when the daemon reads it. */
async function unixNow() {
	while (Date.now() % 1000 > 600) await new Promise((r) => setTimeout(r, 50));
	return Math.floor(Date.now() / 1000);
}

async function getJson(url) {
	const r = await fetch(url, { headers: { accept: 'application/json' } });
	assert.equal(r.status, 200, `GET ${url} answered ${r.status}`);
	return r.json();
}

async function getText(url) {
	const r = await fetch(url);
	assert.equal(r.status, 200, `GET ${url} answered ${r.status}`);
	return r.text();
}

/** POST body (string or Buffer) to srv's inbox with exactly these headers; {status, code, text}. */
async function rawPost(srv, body, headers) {
	const r = await fetch(`${srv.url}/federation/v1/inbox`, { method: 'POST', headers, body });
	const text = await r.text();
	let code;
	try { code = JSON.parse(text).error?.code; } catch { code = errorCodeOf(text); }
	return { status: r.status, code, text };
}

function codeOf(r) {
	return r.json?.error?.code;
}

describe('federation protocol v1 between two daemons', () => {
	let pair;
	let official;
	let citizen;
	let oAdmin;
	let cAdmin;
	let officialKey;
	const newsIds = {};
	const REASON = 'Information erronée : la coupure est reportée au 12 mars';

	before(async () => {
		pair = await startFederatedPair();
		({ official, citizen } = pair);
		[oAdmin, cAdmin] = await Promise.all([staffClient(official), staffClient(citizen)]);
		officialKey = signingKey(official);
	});

	after(async () => {
		await pair?.stop();
	});

	/** What the citizen side holds of official's log, its federation status and tables. */
	async function citizenState() {
		const st = await federationStatus(cAdmin);
		const log = await readLog(citizen, 'official');
		const db = (await citizen.cluster.psql(
			"SELECT (SELECT count(*) FROM fed_events WHERE origin = 'official')," +
			" (SELECT count(*) FROM fed_pending), (SELECT count(*) FROM fed_alarms)," +
			" (SELECT count(*) FROM news WHERE origin = 'official')," +
			" (SELECT count(*) FROM fed_keys WHERE owner = 'official')," +
			" (SELECT coalesce(string_agg(md5(title::text || status), ',' ORDER BY id), '') FROM news)",
			{ database: citizen.database })).trim();
		return {
			hashes: log.map((e) => e.hash),
			applied: st.peer.applied_seq,
			pending: st.peer.pending,
			flagged: st.peer.flagged,
			alarms: st.alarms.length,
			db,
		};
	}

	/** The next event of official's log (not delivered), for the bad-input variants. */
	async function nextOfficialEvent(data = {}) {
		const log = await readLog(official);
		const [ev] = forgeEvents(log, 'official', [{
			type: 'news.published',
			refs: [{ origin: 'official', type: 'news', id: String(data.id ?? 990001) }],
			data: newsEventData({ id: 990001, title: 'Jamais stockée', ...data }),
		}], officialKey);
		return { log, ev };
	}

	test('news published, edited and unpublished on each side are mirrored, logs equal and verified by Node', async () => {
		// official: two items, one edited, one unpublished with a public reason
		newsIds.a = await createNews(oAdmin, { title_fr: 'Route de Tighilt', body_fr: 'Travaux en cours.',
			title_ar: 'طريق تيغيلت', body_ar: 'أشغال جارية.' });
		newsIds.b = await createNews(oAdmin, { title_fr: 'Coupure d\'eau lundi', body_fr: 'Quartier Centre.' });
		let r = await oAdmin.post(`/staff/news/${newsIds.a}`, { title_fr: 'Route de Tighilt rouverte',
			body_fr: 'Les **travaux** sont terminés.', title_ar: 'طريق تيغيلت مفتوح', body_ar: 'انتهت الأشغال.' });
		assert.equal(r.status, 303, `edit answered ${r.status} ${r.errorCode}`);
		r = await oAdmin.post(`/staff/news/${newsIds.b}/unpublish`, { reason: REASON });
		assert.equal(r.status, 303, `unpublish answered ${r.status} ${r.errorCode}`);
		// citizen: one item
		newsIds.c = await createNews(cAdmin, { title_fr: 'Nettoyage du quartier El Amel', body_fr: 'Samedi 9 h.' });

		const oLog = await waitForMirror(official, citizen);
		const cLog = await waitForMirror(citizen, official);

		// official → citizen: the list of the peer's news, the item pages, the unpublish reason
		const list = await getJson(`${citizen.url}/news.json?from=peer&lang=fr`);
		const a = list.items.find((i) => i.origin_id === newsIds.a);
		assert.ok(a, `item ${newsIds.a} missing from citizen's /news.json?from=peer: ${JSON.stringify(list)}`);
		assert.equal(a.origin, 'official');
		assert.equal(a.is_own, false);
		assert.equal(a.title, 'Route de Tighilt rouverte');
		assert.deepEqual(a.texts_title, { ar: 'طريق تيغيلت مفتوح', fr: 'Route de Tighilt rouverte' });
		assert.equal(list.items.some((i) => i.origin_id === newsIds.b), false,
			'an unpublished item is still listed');
		assert.equal(list.items.filter((i) => i.origin !== 'official').length, 0);
		const listHtml = await getText(`${citizen.url}/news?from=peer&lang=fr`);
		assert.match(listHtml, /Route de Tighilt rouverte/);
		assert.doesNotMatch(listHtml, /Coupure d/);
		const aItem = await getJson(`${citizen.url}${a.url}?lang=fr`);
		assert.equal(aItem.status, 'published');
		assert.match(aItem.body_html, /<strong>travaux<\/strong> sont terminés/);
		assert.match(await getText(`${citizen.url}${a.url}?lang=fr`), /Route de Tighilt rouverte/);

		const bLocal = Number((await citizen.cluster.psql(
			`SELECT id FROM news WHERE origin = 'official' AND origin_id = ${newsIds.b}`,
			{ database: citizen.database })).trim());
		assert.ok(bLocal > 0, 'the unpublished item was never mirrored');
		const bItem = await getJson(`${citizen.url}/news/${bLocal}?lang=fr`);
		assert.equal(bItem.status, 'unpublished');
		assert.equal(bItem.is_unpublished, true);
		assert.equal(bItem.unpublish_reason, REASON);
		assert.ok((await getText(`${citizen.url}/news/${bLocal}?lang=fr`)).includes(REASON),
			'the item page does not show the unpublish reason');

		// citizen → official
		const back = await getJson(`${official.url}/news.json?from=peer&lang=fr`);
		const c = back.items.find((i) => i.origin_id === newsIds.c);
		assert.ok(c, `citizen's item missing from official's /news.json?from=peer: ${JSON.stringify(back)}`);
		assert.equal(c.origin, 'citizen');
		assert.equal(c.title, 'Nettoyage du quartier El Amel');
		assert.match(await getText(`${official.url}/news?from=peer&lang=fr`), /Nettoyage du quartier El Amel/);

		// each profile on the other's home page
		const oHome = await getJson(`${official.url}/.json?lang=fr`);
		const cHome = await getJson(`${citizen.url}/.json?lang=fr`);
		assert.equal(cHome.peer.name, site('official').name.fr);
		assert.equal(cHome.peer.name, oHome.name);
		assert.equal(cHome.peer.presentation_html, oHome.presentation_html);
		assert.equal(cHome.peer.url, official.url);
		assert.equal(oHome.peer.name, site('citizen').name.fr);
		assert.equal(oHome.peer.presentation_html, cHome.presentation_html);
		assert.equal(oHome.peer.url, citizen.url);
		assert.ok(cHome.peer.items.some((i) => i.origin_id === newsIds.a));

		// the events: types in order, the unpublish reason carried, chain and equality
		const oTypes = oLog.map((e) => e.type);
		assert.deepEqual(oTypes.slice(-4), ['news.published', 'news.published', 'news.updated',
			'news.unpublished']);
		assert.ok(oTypes.includes('profile.updated'));
		assert.ok(cLog.map((e) => e.type).includes('profile.updated'));
		const unpub = JSON.parse(oLog[oLog.length - 1].payload);
		assert.equal(unpub.data.id, newsIds.b);
		assert.equal(unpub.data.unpublish_reason, REASON);
		assert.deepEqual(unpub.refs, [{ origin: 'official', type: 'news', id: String(newsIds.b) }]);

		for (const [origin, mirror, originLog] of [[official, citizen, oLog], [citizen, official, cLog]]) {
			const mirrored = await readLog(mirror, origin.side);
			checkLog(originLog);
			checkLog(mirrored, originLog);
			assert.deepEqual(mirrored.map((e) => e.seq), originLog.map((e) => e.seq));
			// stored verbatim: byte for byte the envelope the origin made
			assert.deepEqual(mirrored.map((e) => e.envelope), originLog.map((e) => e.envelope));

			// the published keys: Ed25519 JWKs whose kid is the RFC 7638 thumbprint
			const doc = await getJson(`${origin.url}/.well-known/baladiya-keys`);
			assert.equal(doc.origin, origin.side);
			assert.equal(doc.keys.length, 1);
			const [jwk] = doc.keys;
			assert.equal(jwk.kty, 'OKP');
			assert.equal(jwk.crv, 'Ed25519');
			assert.equal(jwk.kid, thumbprint(jwk));
			assert.equal(jwk.kid, await fingerprint(origin));
			assert.equal(jwk.kid, kidOf(crypto.createPublicKey(signingKey(origin))));
			const keys = await publishedKeys(origin);
			for (const e of [...originLog, ...mirrored]) {
				const env = JSON.parse(e.envelope);
				assert.deepEqual(Object.keys(env), ['payloadType', 'payload', 'signatures']);
				assert.equal(env.payloadType, PAYLOAD_TYPE);
				assert.equal(env.signatures.length, 1);
				assert.equal(env.signatures[0].keyid, jwk.kid);
				assert.ok(verifyEnvelope(env, keys),
					`${origin.side} #${e.seq} (served by ${mirror.side}) does not verify with Node`);
			}
			// the verifier can say no: one flipped payload byte
			const env = JSON.parse(originLog[0].envelope);
			const p = Buffer.from(env.payload, 'base64');
			p[10] ^= 1;
			assert.equal(verifyEnvelope({ ...env, payload: p.toString('base64') }, keys), false);
			// the mirror pinned exactly that key at pairing
			const st = await federationStatus(mirror === citizen ? cAdmin : oAdmin);
			assert.deepEqual(st.peer_keys.map((k) => [k.kid, k.x, k.pinned_by]),
				[[jwk.kid, jwk.x, 'pairing']]);
			assert.equal(st.peer.applied_seq, originLog.length);
		}
	});

	test('bad input at the inbox is refused with its code and nothing is stored', async () => {
		const before = await citizenState();
		const { log, ev } = await nextOfficialEvent();
		const stranger = crypto.generateKeyPairSync('ed25519').privateKey;
		const officialKid = kidOf(crypto.createPublicKey(officialKey));
		const cases = [];
		const add = (name, status, code, send) => cases.push({ name, status, code, send });
		const signed = (body, opts) => rawPost(citizen, body, webhookHeaders(body, officialKey, opts));
		const envelopeOf = (payload, key = officialKey) => makeEnvelope(payload, key);
		const payloadWith = (text) => Buffer.from(text, 'utf8');
		const base = ev.payload.toString('utf8');

		add('tampered body (one byte flipped after signing)', 401, 'bad_signature', () => {
			const headers = webhookHeaders(ev.envelope, officialKey);
			const body = Buffer.from(ev.envelope);
			body[Math.floor(body.length / 2)] ^= 1;
			return rawPost(citizen, body, headers);
		});
		add('tampered payload under a valid transport signature', 401, 'bad_event_signature', () => {
			const env = JSON.parse(ev.envelope);
			env.payload = Buffer.from(base.replace('Jamais stockée', 'Jamais stockee')).toString('base64');
			return signed(JSON.stringify(env));
		});
		add('transport signed with a stranger\'s key', 401, 'bad_signature',
			() => rawPost(citizen, ev.envelope, webhookHeaders(ev.envelope, stranger)));
		add('envelope signed with a stranger\'s key (its own keyid)', 401, 'unknown_key',
			() => signed(envelopeOf(ev.payload, stranger)));
		add('envelope signed with a stranger\'s key under official\'s keyid', 401, 'bad_event_signature',
			() => {
				const env = JSON.parse(envelopeOf(ev.payload, stranger));
				env.signatures[0].keyid = officialKid;
				return signed(JSON.stringify(env));
			});
		add('stale timestamp (now - 301 s)', 401, 'stale_timestamp',
			async () => signed(ev.envelope, { timestamp: (await unixNow()) - 301 }));
		add('future timestamp (now + 301 s)', 401, 'stale_timestamp',
			async () => signed(ev.envelope, { timestamp: (await unixNow()) + 301 }));
		add('no webhook headers', 400, 'malformed_webhook_headers',
			() => rawPost(citizen, ev.envelope, { 'content-type': 'application/json' }));
		for (const h of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
			add(`no ${h}`, 400, 'malformed_webhook_headers', () => {
				const headers = webhookHeaders(ev.envelope, officialKey);
				delete headers[h];
				return rawPost(citizen, ev.envelope, headers);
			});
		}
		add('garbled signature header', 400, 'malformed_webhook_headers', () => {
			const headers = webhookHeaders(ev.envelope, officialKey);
			headers['webhook-signature'] = 'v1a,@@not base64@@';
			return rawPost(citizen, ev.envelope, headers);
		});
		add('garbled timestamp header', 400, 'malformed_webhook_headers', () => {
			const headers = webhookHeaders(ev.envelope, officialKey);
			headers['webhook-timestamp'] = `${headers['webhook-timestamp']}.5`;
			return rawPost(citizen, ev.envelope, headers);
		});
		add('webhook-id with a dot', 400, 'malformed_webhook_headers',
			() => signed(ev.envelope, { id: 'msg.1' }));
		add('oversized body (100 KiB, Content-Length)', 413, 'payload_too_large', () => {
			const body = Buffer.alloc(100 * 1024, 0x20);
			return signed(body);
		});
		add('oversized body (100 KiB, chunked)', 413, 'payload_too_large', async () => {
			const body = Buffer.alloc(100 * 1024, 0x20);
			const h = webhookHeaders(body, officialKey);
			const head = `POST /federation/v1/inbox HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
				`Content-Type: application/json\r\nwebhook-id: ${h['webhook-id']}\r\n` +
				`webhook-timestamp: ${h['webhook-timestamp']}\r\n` +
				`webhook-signature: ${h['webhook-signature']}\r\nTransfer-Encoding: chunked\r\n` +
				'Connection: close\r\n\r\n';
			const chunks = [];
			for (let i = 0; i < body.length; i += 8192) {
				const part = body.subarray(i, i + 8192);
				chunks.push(Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part,
					Buffer.from('\r\n')]));
			}
			chunks.push(Buffer.from('0\r\n\r\n'));
			const r = await rawRequest(citizen.port, Buffer.concat([Buffer.from(head), ...chunks]));
			const code = /"code":"([a-z_]+)"/.exec(r.body)?.[1] ?? errorCodeOf(r.body);
			return { status: r.status, code, text: r.text };
		});
		add('event payload over 64 KiB in an envelope under 96 KiB', 413, 'payload_too_large', () => {
			const big = forgeEvents(log, 'official', [{ type: 'news.published',
				data: newsEventData({ id: 990001, title: 'Grand', body: 'x'.repeat(70 * 1024) }) }],
			officialKey)[0];
			assert.ok(big.envelope.length < 96 * 1024);
			return signed(big.envelope);
		});
		add('malformed JSON', 400, 'malformed_json', () => signed(ev.envelope.slice(0, -2)));
		add('duplicate key in the envelope', 400, 'duplicate_key',
			() => signed(ev.envelope.replace('{"payloadType":', `{"payloadType":"${PAYLOAD_TYPE}","payloadType":`)));
		add('envelope with a member missing', 400, 'malformed_envelope', () => {
			const env = JSON.parse(ev.envelope);
			delete env.payloadType;
			return signed(JSON.stringify(env));
		});
		add('envelope payload not base64', 400, 'bad_base64', () => {
			const env = JSON.parse(ev.envelope);
			env.payload = `!${env.payload.slice(1)}`;
			return signed(JSON.stringify(env));
		});
		add('envelope of another payload type', 400, 'wrong_payload_type', () => {
			const p = ev.payload;
			const sig = crypto.sign(null, pae('application/json', p), officialKey);
			return signed(JSON.stringify({ payloadType: 'application/json', payload: p.toString('base64'),
				signatures: [{ keyid: officialKid, sig: sig.toString('base64') }] }));
		});
		add('duplicate key in the event payload', 400, 'duplicate_key',
			() => signed(envelopeOf(payloadWith(base.replace('"data":{"id":990001,',
				'"data":{"id":990001,"id":990001,')))));
		add('float in data', 400, 'float_not_allowed', () => signed(envelopeOf(eventPayload({
			origin: 'official', seq: ev.seq, prev: ev.prev, type: 'news.published',
			data: { ...newsEventData({ id: 990001, title: 'Flottant' }), score: 1.5 } }))));
		add('payload not in canonical form (whitespace)', 400, 'non_canonical_json',
			() => signed(envelopeOf(payloadWith(JSON.stringify(JSON.parse(base), null, 1)))));
		add('payload not in canonical form (member order)', 400, 'non_canonical_json', () => {
			const o = JSON.parse(base);
			const { v, ...rest } = o;
			return signed(envelopeOf(payloadWith(JSON.stringify({ ...rest, v }))));
		});
		add('payload with a missing field', 400, 'missing_field', () => {
			const o = JSON.parse(base);
			delete o.occurred_at;
			return signed(envelopeOf(payloadWith(JSON.stringify(o))));
		});
		add('payload with an unknown field', 400, 'unknown_field',
			() => signed(envelopeOf(payloadWith(base.replace(/}$/, ',"extra":1}')))));
		add('wrong origin (citizen\'s event signed by official)', 403, 'wrong_origin',
			() => signed(envelopeOf(payloadWith(base.replace('"origin":"official"', '"origin":"citizen"')))));
		add('wrong method (GET)', 405, 'method_not_allowed', async () => {
			const r = await new Client(citizen.url).get('/federation/v1/inbox', { json: true });
			assert.match(r.headers.get('allow') || '', /POST/);
			return { status: r.status, code: r.errorCode, text: r.body };
		});

		for (const c of cases) {
			const r = await c.send();
			assert.equal(r.status, c.status, `${c.name}: HTTP ${r.status} ${r.text?.slice(0, 300)}`);
			assert.equal(r.code, c.code, `${c.name}: code ${r.code} (${r.text?.slice(0, 300)})`);
			assert.deepEqual(await citizenState(), before, `${c.name}: the citizen side changed`);
		}

		// a replayed request: the same id, timestamp and body twice. The first is an identical
		// duplicate of a stored event (200 duplicate); the second is refused as a replay (400:
		// bad input, never retried by a sender, which makes a fresh id per attempt).
		const stored = log[log.length - 1];
		const opts = { id: `msg_replay_${crypto.randomUUID()}`, timestamp: await unixNow() };
		const first = await postInbox(citizen, stored.envelope, officialKey, opts);
		assert.equal(first.status, 200, first.text);
		// applied_seq: how far the receiver has applied the sender's log (a sender skips ahead)
		assert.deepEqual(first.json, { status: 'duplicate', seq: stored.seq, applied_seq: stored.seq,
			applied_hash: stored.hash });
		const again = await postInbox(citizen, stored.envelope, officialKey, opts);
		assert.equal(again.status, 400, again.text);
		assert.equal(codeOf(again), 'replayed_request');
		assert.deepEqual(await citizenState(), before, 'a replay changed the citizen side');

		// control: the very event all the variants came from is accepted as it is
		const ok = await postInbox(citizen, ev.envelope, officialKey);
		assert.equal(ok.status, 200, ok.text);
		assert.deepEqual(ok.json, { status: 'stored', seq: ev.seq });
		await adoptEvents(official, [ev]);
		await waitForMirror(official, citizen);
	});

	test('equivocation: another event for a stored seq is refused with 409, evidence and alarm kept', async () => {
		const oLog = await readLog(official);
		const target = [...oLog].reverse().find((e) => e.type === 'news.published');
		const stored = JSON.parse(target.payload);
		const [forged] = forgeEvents([], 'official', [{ seq: target.seq, prev: target.prev,
			type: 'news.published', refs: stored.refs,
			data: { ...stored.data, title: { fr: 'Version réécrite' } } }], officialKey);
		assert.notEqual(forged.hash, target.hash);
		const before = await citizenState();

		const r = await postInbox(citizen, forged.envelope, officialKey);
		assert.equal(r.status, 409, r.text);
		assert.equal(codeOf(r), 'equivocation');

		const st = await federationStatus(cAdmin);
		const alarm = st.alarms.find((a) => a.kind === 'equivocation' && a.seq === target.seq);
		assert.ok(alarm, `no equivocation alarm in the status page: ${JSON.stringify(st.alarms)}`);
		assert.equal(alarm.origin, 'official');
		assert.equal(st.has_alarms, true);
		assert.match(alarm.detail, new RegExp(target.hash));
		assert.match(alarm.detail, new RegExp(forged.hash));
		// the stored event is unchanged, nothing else moved
		const after = await citizenState();
		assert.deepEqual(after.hashes, before.hashes);
		assert.equal(after.applied, before.applied);
		assert.equal(after.pending, before.pending);
		assert.equal(after.alarms, before.alarms + 1);
		const m = await readLog(citizen, 'official');
		assert.equal(m.find((e) => e.seq === target.seq).envelope, target.envelope);
		// both signed statements are kept, verbatim, and both verify: the proof for an auditor
		const rows = (await citizen.cluster.psql(
			`SELECT a.evidence, e.envelope FROM fed_alarms a JOIN fed_events e ON e.origin = a.origin` +
			` AND e.seq = a.seq WHERE a.kind = 'equivocation' AND a.origin = 'official' AND a.seq = ${target.seq}`,
			{ database: citizen.database })).trim().split('\n');
		assert.equal(rows.length, 1, `fed_alarms rows: ${rows}`);
		const [evidence, kept] = rows[0].split('|');
		assert.equal(evidence, forged.envelope);
		assert.equal(kept, target.envelope);
		const keys = await publishedKeys(official);
		assert.ok(verifyEnvelope(evidence, keys) && verifyEnvelope(kept, keys));
		const news = await getJson(`${citizen.url}/news.json?from=peer&lang=fr`);
		assert.equal(news.items.some((i) => i.title === 'Version réécrite'), false);

		// the next seq that does not chain to the stored one is a broken chain: 409 as well
		const [broken] = forgeEvents(oLog, 'official', [{ type: 'news.published',
			prev: oLog[0].hash, data: newsEventData({ id: 990002, title: 'Hors chaîne' }) }], officialKey);
		const rb = await postInbox(citizen, broken.envelope, officialKey);
		assert.equal(rb.status, 409, rb.text);
		assert.equal(codeOf(rb), 'equivocation');
		const st2 = await federationStatus(cAdmin);
		assert.ok(st2.alarms.some((a) => a.kind === 'broken_chain' && a.seq === broken.seq),
			JSON.stringify(st2.alarms));
		const after2 = await citizenState();
		assert.deepEqual(after2.hashes, before.hashes);
		assert.equal(after2.applied, before.applied);
		assert.equal(after2.pending, 0);

		// and the pair goes on: official's next real event applies
		const id = await createNews(oAdmin, { title_fr: 'Après l\'alarme', body_fr: 'Suite.' });
		await waitForMirror(official, citizen);
		const list = await getJson(`${citizen.url}/news.json?from=peer&lang=fr`);
		assert.ok(list.items.some((i) => i.origin_id === id));
	});

	test('out of order and duplicate deliveries: buffered (202), applied in seq order, duplicates 200', async () => {
		const oLog = await readLog(official);
		const base = oLog[oLog.length - 1].seq;
		const evs = forgeEvents(oLog, 'official', [1, 2, 3].map((i) => ({
			type: 'news.published', refs: [{ origin: 'official', type: 'news', id: String(991000 + i) }],
			data: newsEventData({ id: 991000 + i, title: `Dans le désordre ${i}` }),
		})), officialKey);
		const before = await citizenState();
		assert.equal(before.applied, base);

		for (const e of [evs[2], evs[1]]) {
			const r = await postInbox(citizen, e.envelope, officialKey);
			assert.equal(r.status, 202, `seq ${e.seq}: ${r.text}`);
			assert.deepEqual(r.json, { status: 'buffered', seq: e.seq, applied_seq: base });
		}
		let st = await federationStatus(cAdmin);
		assert.equal(st.peer.applied_seq, base);
		assert.equal(st.peer.pending, 2);
		// a buffered event sent again stays buffered, once (answered "buffered" or "duplicate")
		const again = await postInbox(citizen, evs[2].envelope, officialKey);
		assert.ok((again.status === 202 && again.json.status === 'buffered') ||
			(again.status === 200 && again.json.status === 'duplicate'), again.text);
		assert.equal((await federationStatus(cAdmin)).peer.pending, 2);
		assert.deepEqual((await citizenState()).hashes, before.hashes, 'a buffered event is in the log');

		const r = await postInbox(citizen, evs[0].envelope, officialKey);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, { status: 'stored', seq: evs[0].seq });
		st = await federationStatus(cAdmin);
		assert.equal(st.peer.applied_seq, base + 3);
		assert.equal(st.peer.pending, 0);
		const m = await readLog(citizen, 'official');
		assert.deepEqual(m.slice(-3).map((e) => e.hash), evs.map((e) => e.hash));
		assert.deepEqual(m.slice(-3).map((e) => e.envelope), evs.map((e) => e.envelope));
		// applied in seq order: stored one after the other, in one transaction, seq ascending
		const order = (await citizen.cluster.psql(
			`SELECT seq FROM fed_events WHERE origin = 'official' AND seq > ${base} ORDER BY stored_at, seq`,
			{ database: citizen.database })).trim().split('\n').map(Number);
		assert.deepEqual(order, [base + 1, base + 2, base + 3]);
		const news = await getJson(`${citizen.url}/news.json?from=peer&lang=fr`);
		for (let i = 1; i <= 3; i++) {
			assert.equal(news.items.filter((x) => x.origin_id === 991000 + i).length, 1, `item ${i}`);
		}

		// duplicates: each one again (fresh webhook ids) is 200 duplicate and changes nothing
		const mid = await citizenState();
		for (const e of evs) {
			const d = await postInbox(citizen, e.envelope, officialKey);
			assert.equal(d.status, 200, d.text);
			assert.deepEqual(d.json, {
				status: 'duplicate',
				seq: e.seq,
				applied_seq: evs[evs.length - 1].seq,
				applied_hash: evs[evs.length - 1].hash,
			});
		}
		assert.deepEqual(await citizenState(), mid);

		// official's own log catches up with what it "sent"; its sender's deliveries are duplicates
		await adoptEvents(official, evs);
		await waitForMirror(official, citizen);
		await waitFor(async () => {
			const os = await federationStatus(oAdmin);
			return os.peer.acked_seq === os.own_last_seq && !os.peer.blocked;
		}, { what: 'official\'s sender to be acknowledged', timeoutMs: 20_000 });
	});

	test('a different event for an already buffered seq is an equivocation too (409, evidence kept)', async () => {
		const oLog = await readLog(official);
		const [gap, x] = forgeEvents(oLog, 'official', [
			{ type: 'news.published', data: newsEventData({ id: 992001, title: 'Comble le trou' }) },
			{ type: 'news.published', data: newsEventData({ id: 992002, title: 'Version X' }) },
		], officialKey);
		const [y] = forgeEvents([{ seq: gap.seq, hash: gap.hash }], 'official', [
			{ type: 'news.published', data: newsEventData({ id: 992002, title: 'Version Y' }) },
		], officialKey);
		assert.equal(y.seq, x.seq);
		assert.notEqual(y.hash, x.hash);

		const rx = await postInbox(citizen, x.envelope, officialKey);
		assert.equal(rx.status, 202, rx.text);
		const alarmsBefore = (await federationStatus(cAdmin)).alarms.length;
		const ry = await postInbox(citizen, y.envelope, officialKey);
		try {
			// what the protocol says: same seq, other content → 409, both kept, alarm raised
			assert.equal(ry.status, 409,
				`a conflicting event for buffered seq ${y.seq} was answered ${ry.status} ${ry.text}: ` +
				'the conflict is silently dropped (fed_pending ON CONFLICT DO NOTHING) with no alarm');
			assert.equal(codeOf(ry), 'equivocation');
			const st = await federationStatus(cAdmin);
			assert.equal(st.alarms.length, alarmsBefore + 1);
			assert.ok(st.alarms.some((a) => a.kind === 'equivocation' && a.seq === y.seq));
			const evidence = (await citizen.cluster.psql(
				`SELECT evidence FROM fed_alarms WHERE origin = 'official' AND seq = ${y.seq}` +
				" AND kind = 'equivocation'", { database: citizen.database })).trim();
			assert.equal(evidence, y.envelope);
		} finally {
			// fill the gap either way: the first buffered one (x) is applied, the pair stays whole
			const rg = await postInbox(citizen, gap.envelope, officialKey);
			assert.equal(rg.status, 200, rg.text);
			const m = await readLog(citizen, 'official');
			assert.equal(m[m.length - 1].hash, x.hash);
			assert.equal((await federationStatus(cAdmin)).peer.pending, 0);
			await adoptEvents(official, [gap, x]);
			await waitForMirror(official, citizen);
		}
	});

	test('an unknown event type is stored flagged (200), a bad rotation pins nothing, the next real event still applies', async () => {
		const oLog = await readLog(official);
		const before = await citizenState();
		// a key announced under a kid that is not its thumbprint must not be pinned
		const intruder = crypto.generateKeyPairSync('ed25519');
		const intruderX = intruder.publicKey.export({ format: 'jwk' }).x;
		const [unknown, invalid, badRotation] = forgeEvents(oLog, 'official', [
			{ type: 'poll.created', refs: [{ origin: 'official', type: 'poll', id: '7' }],
				data: { id: 7, question: { fr: 'Quel jour pour le marché ?' } } },
			{ type: 'news.published', data: { id: 993001, status: 'published' } },
			{ type: 'keys.rotated', data: { kid: kidOf(crypto.generateKeyPairSync('ed25519').publicKey),
				x: intruderX, previous: kidOf(crypto.createPublicKey(officialKey)) } },
		], officialKey);
		const r = await postInbox(citizen, unknown.envelope, officialKey);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, { status: 'stored', seq: unknown.seq });
		let st = await federationStatus(cAdmin);
		assert.equal(st.peer.applied_seq, unknown.seq);
		assert.equal(st.peer.flagged, before.flagged + 1);
		// a known type whose data does not fit: stored, flagged invalid_data, not applied
		const ri = await postInbox(citizen, invalid.envelope, officialKey);
		assert.equal(ri.status, 200, ri.text);
		st = await federationStatus(cAdmin);
		assert.equal(st.peer.applied_seq, invalid.seq);
		assert.equal(st.peer.flagged, before.flagged + 2);
		const rk = await postInbox(citizen, badRotation.envelope, officialKey);
		assert.equal(rk.status, 200, rk.text);
		assert.deepEqual(rk.json, { status: 'stored', seq: badRotation.seq });
		st = await federationStatus(cAdmin);
		assert.equal(st.peer.flagged, before.flagged + 3);
		assert.deepEqual(st.peer_keys.map((k) => k.x), [crypto.createPublicKey(officialKey)
			.export({ format: 'jwk' }).x], 'a key was pinned from a keys.rotated with a wrong kid');
		const [probe] = forgeEvents(await readLog(citizen, 'official'), 'official',
			[{ type: 'news.published', data: newsEventData({ id: 993002, title: 'Intrus' }) }],
			intruder.privateKey);
		const ri2 = await postInbox(citizen, probe.envelope, intruder.privateKey);
		assert.equal(ri2.status, 401, ri2.text);
		assert.equal(codeOf(ri2), 'bad_signature');
		const flags = (await citizen.cluster.psql(
			`SELECT seq || ':' || type || ':' || coalesce(flag, '-') FROM fed_events WHERE origin = 'official'` +
			` AND seq >= ${unknown.seq} ORDER BY seq`, { database: citizen.database })).trim().split('\n');
		assert.deepEqual(flags, [`${unknown.seq}:poll.created:unknown_type`,
			`${invalid.seq}:news.published:invalid_data`, `${badRotation.seq}:keys.rotated:invalid_data`]);
		const m = await readLog(citizen, 'official');
		assert.deepEqual(m.slice(-3).map((e) => e.envelope),
			[unknown.envelope, invalid.envelope, badRotation.envelope]);
		assert.equal((await getJson(`${citizen.url}/news.json?from=peer`)).items
			.some((i) => i.origin_id === 993001), false);

		await adoptEvents(official, [unknown, invalid, badRotation]);
		const id = await createNews(oAdmin, { title_fr: 'Après un type inconnu', body_fr: 'Suite.' });
		const oNow = await waitForMirror(official, citizen);
		assert.equal(oNow[oNow.length - 1].prev, badRotation.hash);
		const list = await getJson(`${citizen.url}/news.json?from=peer&lang=fr`);
		assert.ok(list.items.some((i) => i.origin_id === id && i.title === 'Après un type inconnu'));
		st = await federationStatus(cAdmin);
		assert.equal(st.peer.flagged, before.flagged + 3);
		assert.equal(st.peer.applied_seq, oNow.length);
	});

	test('the catch-up endpoint validates after and limit and pages NDJSON in seq order', async () => {
		let full = await readLog(official);
		if (full.length < 8) {
			await emitNews(oAdmin, 8 - full.length, 'Page');
			full = await waitForMirror(official, citizen);
		}
		for (const q of ['after=-1', 'limit=0', 'limit=5000', 'limit=1001', 'limit=abc', 'after=abc',
			'after=1.5', 'limit=-3', 'after=1&limit=2x', 'limit=%2B5']) {
			const r = await fetch(`${official.url}/federation/v1/events?${q}`);
			const body = await r.json();
			assert.equal(r.status, 400, `${q}: ${r.status}`);
			assert.equal(body.error?.code, 'invalid_range', `${q}: ${JSON.stringify(body)}`);
		}
		const bad = await fetch(`${official.url}/federation/v1/events?origin=Not%20an%20origin`);
		assert.equal(bad.status, 400);
		assert.equal((await bad.json()).error.code, 'invalid_origin');

		const r = await fetch(`${official.url}/federation/v1/events?after=0&limit=1000`);
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /^application\/x-ndjson/);
		const text = await r.text();
		assert.ok(text.endsWith('\n'));
		assert.deepEqual(text.split('\n').slice(0, -1), full.map((e) => e.envelope));
		// no after/limit: from the start, 100 at most
		const d = await (await fetch(`${official.url}/federation/v1/events`)).text();
		assert.equal(d, text);

		for (const limit of [1, 2, 3]) {
			const seen = [];
			for (let after = 0; ;) {
				const p = await fetch(`${official.url}/federation/v1/events?after=${after}&limit=${limit}`);
				assert.equal(p.status, 200);
				const lines = (await p.text()).split('\n').filter(Boolean);
				assert.ok(lines.length <= limit, `limit=${limit} gave ${lines.length} lines`);
				if (!lines.length) break;
				const seqs = lines.map((l) => JSON.parse(Buffer.from(JSON.parse(l).payload, 'base64')).seq);
				assert.deepEqual(seqs, seqs.map((_, i) => after + 1 + i), `page after=${after}`);
				seen.push(...lines);
				after = seqs[seqs.length - 1];
			}
			assert.deepEqual(seen, full.map((e) => e.envelope), `pages of ${limit}`);
		}
		const mid = full[4].seq;
		const tail = (await (await fetch(`${official.url}/federation/v1/events?after=${mid}&limit=2`)).text())
			.split('\n').filter(Boolean);
		assert.deepEqual(tail, full.slice(5, 7).map((e) => e.envelope));
		const past = await fetch(`${official.url}/federation/v1/events?after=${full.length + 100}`);
		assert.equal(past.status, 200);
		assert.equal(await past.text(), '');
		// the mirror serves the peer's log the same way
		const m = await (await fetch(`${citizen.url}/federation/v1/events?origin=official&after=0&limit=1000`)).text();
		assert.equal(m, text);
	});

	test('pairing errors: a wrong fingerprint pins nothing, an unpaired inbox answers 401 not_paired', async () => {
		const lonely = await startSite('citizen', { cluster: official.cluster, themeDir: 'demo/citizen' });
		try {
			const db = { database: lonely.database };
			const pins = async () => (await lonely.cluster.psql(
				"SELECT (SELECT count(*) FROM fed_peers) || ',' || (SELECT count(*) FROM fed_keys WHERE owner <> 'citizen')",
				db)).trim();
			assert.equal(await pins(), '0,0');

			// an unpaired daemon accepts nothing
			const oLog = await readLog(official);
			const r = await postInbox(lonely, oLog[0].envelope, officialKey);
			assert.equal(r.status, 401, r.text);
			assert.equal(codeOf(r), 'not_paired');

			// a fingerprint that is a real key id, but not the peer's
			const wrong = kidOf(crypto.generateKeyPairSync('ed25519').publicKey);
			const p1 = await cliFor(lonely, ['peer', 'pair', official.url, wrong]);
			assert.notEqual(p1.code, 0, p1.stdout);
			assert.match(p1.stderr, new RegExp(`no key with fingerprint ${wrong}`));
			assert.equal(await pins(), '0,0');
			// the right one plus a wrong one: all or nothing
			const p2 = await cliFor(lonely, ['peer', 'pair', official.url, await fingerprint(official), wrong]);
			assert.notEqual(p2.code, 0, p2.stdout);
			assert.equal(await pins(), '0,0');
			// its own origin is not a peer; an unreachable URL pins nothing
			const p3 = await cliFor(lonely, ['peer', 'pair', citizen.url, await fingerprint(citizen)]);
			assert.notEqual(p3.code, 0, p3.stdout);
			const p4 = await cliFor(lonely, ['peer', 'pair', 'http://127.0.0.1:9', wrong]);
			assert.notEqual(p4.code, 0, p4.stdout);
			assert.equal(await pins(), '0,0');
			const still = await postInbox(lonely, oLog[0].envelope, officialKey);
			assert.equal(still.status, 401);
			assert.equal(codeOf(still), 'not_paired');

			// on a paired daemon, a wrong fingerprint changes neither its pins nor its peer
			const before = await federationStatus(cAdmin);
			const p5 = await cliFor(citizen, ['peer', 'pair', official.url, wrong]);
			assert.notEqual(p5.code, 0, p5.stdout);
			const after = await federationStatus(cAdmin);
			assert.deepEqual(after.peer_keys, before.peer_keys);
			assert.equal(after.peer.url, before.peer.url);
		} finally {
			await lonely.stop();
		}
	});

	test('pairing one side at a time: the side that paired first delivers once the other pairs, unaided', async () => {
		// two more daemons, paired the way two operators in two places do it: one, then the other
		const [o2, c2] = await Promise.all([
			startSite('official', { cluster: official.cluster, themeDir: 'demo/official' }),
			startSite('citizen', { cluster: official.cluster, themeDir: 'demo/citizen' }),
		]);
		try {
			await pairSide(o2, c2);
			const admin = await staffClient(o2);
			await createNews(admin, { title_fr: 'Avant l\'appairage d\'en face', body_fr: 'Texte.' });
			// o2's sender tries, and citizen (not paired yet) refuses: 401 not_paired
			await waitFor(async () => /not_paired/.test((await federationStatus(admin)).peer.last_error ?? ''),
				{ what: 'o2\'s first delivery to be refused with not_paired', timeoutMs: 20_000 });
			await pairSide(c2, o2);
			await createNews(admin, { title_fr: 'Après l\'appairage', body_fr: 'Texte.' });
			// docs/protocol.md §11: "this side's sender is blocked and retries every 30 s"
			try {
				await waitFor(async () => {
					const st = await federationStatus(admin);
					return st.peer.acked_seq === st.own_last_seq && !st.peer.blocked;
				}, { what: 'o2\'s sender to deliver everything after c2 paired', timeoutMs: 45_000 });
			} catch (err) {
				const st = await federationStatus(admin);
				assert.fail(`${err.message}: blocked=${st.peer.blocked}, acked_seq=` +
					`${st.peer.acked_seq}/${st.own_last_seq}, last_error=${st.peer.last_error}`);
			}
			await waitForMirror(o2, c2);
		} finally {
			await Promise.all([o2.stop(), c2.stop()]);
		}
	});
});
