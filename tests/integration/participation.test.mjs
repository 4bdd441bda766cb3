// SPDX-License-Identifier: AGPL-3.0-or-later
// Verified participation on citizen-srv, with the real SMTP server and a local SMS gateway
// (tests/lib/smtp.mjs, sms_gateway.mjs): a code by e-mail and by SMS through the pages, the
// participation cookie, sign out and erase; contacts normalised or refused; code guessing,
// replayed and expired codes, one contact flooded with codes; one support per contact whatever
// the cookie, and exact counting under 1,000 concurrent distinct supports (a need's "me too");
// the privacy scan (no contact, no code in pages, events or logs).
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/participation.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readLog, startLinkedPair } from '../lib/federation.mjs';
import { Client, getHtml, sql, waitFor } from '../lib/http.mjs';
import {
	askCode, codeMessages, nextCode, sendCode, verifyParticipant,
} from '../lib/participation.mjs';
import { startSmtpServer } from '../lib/smtp.mjs';
import { startSmsGateway } from '../lib/sms_gateway.mjs';

let pair;
let smtp;
let sms;
let needId;
const CONTACTS = []; // every contact used: none may appear in a page, an event or a log
const CODES = []; // every code sent

const count = async (q) => Number((await sql(pair.citizen, q)).trim());

/** A verified browser for a fresh address. */
async function verified(email, opts = {}) {
	CONTACTS.push(email);
	const c = new Client(pair.citizen.url);
	await verifyParticipant({ citizenUrl: pair.citizen.url, smtp, email, client: c, ...opts });
	return c;
}

before(async () => {
	smtp = await startSmtpServer();
	sms = await startSmsGateway();
	pair = await startLinkedPair({
		citizen: { env: { ...smtp.env, ...sms.env, BALADIYA_MAX_CONNECTIONS_PER_IP: '0',
			BALADIYA_MAX_CONNECTIONS: '4096' } },
	});
	// a need to support, expressed by a verified resident
	const author = await verified('auteur@example.org');
	const r = await author.post('/needs', { quarter: 'tighilt', theme: 'childcare',
		text: 'Une crèche à Tighilt', display_name: 'Parents' }, { json: true });
	assert.equal(r.status, 201, r.body);
	needId = r.json.need.id;
});

after(async () => {
	const codes = pair ? { official: await pair.official.stop(), citizen: await pair.citizen.stop() } : {};
	await smtp?.stop();
	await sms?.close();
	assert.deepEqual(codes, { official: 0, citizen: 0 });
});

describe('verification', () => {
	test('by e-mail through the pages: a cookie, the code by SMTP in the language', async () => {
		const c = new Client(pair.citizen.url);
		const page = await c.get('/participation?lang=ar');
		assert.equal(page.status, 200);
		assert.match(page.body, /name="contact"/);
		CONTACTS.push('amina.test@example.org');
		await verifyParticipant({ citizenUrl: pair.citizen.url, smtp, client: c,
			email: 'Amina.Test@Example.org', lang: 'ar' });
		const [m] = codeMessages(smtp, 'amina.test@example.org');
		assert.match(m.body, /رمز التأكيد/);
		assert.match(m.subject, /رمز/);
		const cookie = c.jar.get('participant') !== undefined ? 'participant' : '__Host-participant';
		const set = (await c.get('/participation.json')).json;
		assert.equal(set.verified, true);
		assert.ok(c.jar.get(cookie), 'participation cookie');
		assert.equal(await count("SELECT count(*) FROM participants WHERE contact IS NOT NULL"), 0,
			'no contact kept without consent');
	});

	test('the cookie: HttpOnly, SameSite=Lax, long-lived; only its hash is stored', async () => {
		const c = new Client(pair.citizen.url);
		CONTACTS.push('cookie@example.org');
		await askCode(c, 'cookie@example.org');
		const code = await nextCode(smtp, 'cookie@example.org', 0);
		const r = await sendCode(c, code);
		assert.equal(r.status, 303);
		assert.equal(r.location, '/participation?verified=1');
		const sc = r.setCookies.find((x) => /participant$/.test(x.name));
		assert.ok(sc, 'Set-Cookie participant');
		assert.ok('httponly' in sc.attrs);
		assert.equal(sc.attrs.samesite.toLowerCase(), 'lax');
		assert.ok(Number(sc.attrs['max-age']) >= 150 * 86400);
		const hash = crypto.createHash('sha256').update(sc.value).digest('hex');
		assert.equal(await count(`SELECT count(*) FROM participation_sessions WHERE token_sha256 = '${hash}'`), 1);
		assert.equal(await count(`SELECT count(*) FROM participation_sessions WHERE token_sha256 = '${sc.value}'`), 0);
	});

	test('by SMS: local forms normalised to E.164, the code through the gateway', async () => {
		const c = new Client(pair.citizen.url);
		CONTACTS.push('0661 23 45 67', '+213661234567', '661234567');
		const r = await askCode(c, '0661 23 45 67');
		assert.equal(r.status, 303);
		const [got] = await sms.waitFor((x) => x.to === '+213661234567');
		assert.ok(got.authorized);
		const code = /([0-9]{6})/.exec(got.text)[1];
		CODES.push(code);
		assert.equal((await sendCode(c, code)).status, 303);
		// the same phone written another way is the same participant
		const c2 = new Client(pair.citizen.url);
		assert.equal((await askCode(c2, '+213 (0)6 61 23 45 67')).status, 303);
		const all = await sms.waitFor((x) => x.to === '+213661234567', { count: 2 });
		CODES.push(/([0-9]{6})/.exec(all[1].text)[1]);
		assert.equal((await sendCode(c2, CODES.at(-1))).status, 303);
		assert.equal(await count('SELECT count(DISTINCT key) FROM participation_codes WHERE channel = \'sms\''), 1);
	});

	test('a contact that is neither an address nor a mobile: 400, nothing stored', async () => {
		const before = await count('SELECT count(*) FROM participation_codes');
		for (const bad of ['not-a-contact', '021 23 45 67', 'a@b', '+213 0555', 'x@example.org\r\nBcc: y@z.org',
			`${'a'.repeat(300)}@example.org`, '']) {
			const r = await askCode(new Client(pair.citizen.url), bad, { json: true });
			assert.equal(r.status, 400, bad);
			assert.equal(r.json.error.code, 'invalid_participation_contact', bad);
		}
		const r = await askCode(new Client(pair.citizen.url), 'ok@example.org', { back: 'https://evil.example/', json: true });
		assert.equal(r.json.error.code, 'invalid_back');
		assert.equal(await count('SELECT count(*) FROM participation_codes'), before);
	});
});

describe('codes under attack', () => {
	test('guessing: a wrong code is 400 wrong_code; at 5 the code dies (429), even the right one', async () => {
		const email = 'devine@example.org';
		CONTACTS.push(email);
		const c = new Client(pair.citizen.url);
		await askCode(c, email);
		const code = await nextCode(smtp, email, 0);
		CODES.push(code);
		const wrong = code === '000000' ? '111111' : '000000';
		for (let i = 1; i <= 4; i++) {
			const r = await sendCode(c, wrong, { json: true });
			assert.equal(r.status, 400);
			assert.equal(r.json.error.code, 'wrong_code');
		}
		const fifth = await sendCode(c, wrong, { json: true });
		assert.equal(fifth.status, 429);
		assert.equal(fifth.json.error.code, 'code_attempts_exhausted');
		const right = await sendCode(c, code, { json: true });
		assert.equal(right.status, 429);
		assert.equal(right.json.error.code, 'code_attempts_exhausted');
		assert.equal(c.cookie('participant'), undefined);
		const bad = await sendCode(c, '12345', { json: true });
		assert.equal(bad.json.error.code, 'invalid_code');
	});

	test('a replayed code is 409 code_used; an expired one 400 code_expired', async () => {
		const email = 'rejoue@example.org';
		CONTACTS.push(email);
		const c = new Client(pair.citizen.url);
		await askCode(c, email);
		const code = await nextCode(smtp, email, 0);
		CODES.push(code);
		const challenge = [...c.jar].find(([k]) => /participation_code$/.test(k));
		assert.equal((await sendCode(c, code)).status, 303);
		c.jar.set(challenge[0], challenge[1]); // the attacker kept the challenge cookie
		const again = await sendCode(c, code, { json: true });
		assert.equal(again.status, 409);
		assert.equal(again.json.error.code, 'code_used');

		const d = new Client(pair.citizen.url);
		await askCode(d, email);
		const code2 = await nextCode(smtp, email, 1);
		CODES.push(code2);
		await sql(pair.citizen, "UPDATE participation_codes SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL AND attempts = 0");
		const late = await sendCode(d, code2, { json: true });
		assert.equal(late.status, 400);
		assert.equal(late.json.error.code, 'code_expired');
		const none = await sendCode(new Client(pair.citizen.url), code2, { json: true });
		assert.equal(none.status, 404);
		assert.equal(none.json.error.code, 'no_code_pending');
	});

	test('flooding one contact: the 4th code within the hour is 429 too_many_codes, from any client', async () => {
		const email = 'inonde@example.org';
		CONTACTS.push(email);
		for (let i = 0; i < 3; i++) {
			assert.equal((await askCode(new Client(pair.citizen.url), email)).status, 303);
		}
		const r = await askCode(new Client(pair.citizen.url), email, { json: true });
		assert.equal(r.status, 429);
		assert.equal(r.json.error.code, 'too_many_codes');
		// one phone written four ways is one contact: the 4th code is refused
		const forms = ['0770 11 22 33', '+213770112233', '00213 770 11 22 33', '+213 (0)7 70 11 22 33'];
		CONTACTS.push('+213770112233');
		const answers = [];
		for (const f of forms) answers.push((await askCode(new Client(pair.citizen.url), f, { json: true })).status);
		assert.deepEqual(answers, [202, 202, 202, 429]);
		await sms.waitFor((x) => x.to === '+213770112233', { count: 3 });
		await smtp.waitFor((m) => m.to === email, { count: 3 });
		await new Promise((res) => setTimeout(res, 500));
		assert.equal(smtp.messages().filter((m) => m.to === email).length, 3);
	});
});

describe('supports', () => {
	test('a second support by the same contact with a fresh cookie is refused', async () => {
		const email = 'deux.cookies@example.org';
		const a = await verified(email);
		const b = await verified(email);
		assert.notEqual(a.cookie('participant'), b.cookie('participant'));
		const first = await a.post(`/needs/${needId}/me-too`, {}, { json: true });
		assert.equal(first.status, 200);
		assert.equal(first.json.supported, true);
		const second = await b.post(`/needs/${needId}/me-too`, {}, { json: true });
		assert.equal(second.status, 409);
		assert.equal(second.json.error.code, 'already_supported');
		assert.equal(await count(`SELECT count(*) FROM participation_supports WHERE item_id = ${needId}`), 2);
		await waitFor(async () => await count(`SELECT supporters FROM needs WHERE id = ${needId}`) === 2,
			{ timeoutMs: 20000, what: 'the tally' });
	});

	test('an unverified resident is sent to verification and back', async () => {
		const c = new Client(pair.citizen.url);
		await c.get(`/needs/${needId}`);
		const r = await c.post(`/needs/${needId}/me-too`, {});
		assert.equal(r.status, 303);
		assert.equal(r.location, `/participation?back=%2Fneeds%2F${needId}`);
		const j = await c.post(`/needs/${needId}/me-too`, {}, { json: true });
		assert.equal(j.status, 403);
		assert.equal(j.json.error.code, 'participation_required');
		const page = await c.get(r.location);
		assert.match(page.body, new RegExp(`name="back" value="/needs/${needId}"`));
		CONTACTS.push('retour@example.org');
		await askCode(c, 'retour@example.org', { back: `/needs/${needId}` });
		const code = await nextCode(smtp, 'retour@example.org', 0);
		const done = await sendCode(c, code, { back: `/needs/${needId}` });
		assert.equal(done.location, `/needs/${needId}`);
	});

	test('1,000 concurrent distinct verified supports are counted exactly', async () => {
		const N = 1000;
		const tokens = [];
		const rows = [];
		for (let i = 0; i < N; i++) {
			const token = crypto.randomBytes(32).toString('base64url');
			const key = crypto.randomBytes(32).toString('hex');
			tokens.push(token);
			rows.push([key, crypto.createHash('sha256').update(token).digest('hex')]);
		}
		// participants made directly in the database (docs/performance-participation.md)
		await sql(pair.citizen, `INSERT INTO participants (key, channel, lang) VALUES ${rows.map(([k]) => `('${k}', 'email', 'fr')`).join(',')}`);
		await sql(pair.citizen, `INSERT INTO participation_sessions (token_sha256, key, expires_at) VALUES ${rows.map(([k, h]) => `('${h}', '${k}', now() + interval '1 day')`).join(',')}`);
		const before = await count(`SELECT count(*) FROM participation_supports WHERE item_kind = 'need' AND item_id = ${needId}`);
		const csrf = crypto.randomBytes(32).toString('hex');
		const probe = new Client(pair.citizen.url);
		await probe.csrf();
		const prefix = probe.jar.has('__Host-csrf') ? '__Host-' : '';
		const fire = (token) => fetch(`${pair.citizen.url}/needs/${needId}/me-too`, {
			method: 'POST',
			headers: { cookie: `${prefix}participant=${token}; ${prefix}csrf=${csrf}`, accept: 'application/json',
				'content-type': 'application/x-www-form-urlencoded' },
			body: `csrf=${csrf}`,
		}).then((r) => r.status);
		// all at once, with a second support of 100 of them among them: those are refused
		const t0 = Date.now();
		const statuses = await Promise.all([...tokens, ...tokens.slice(0, 100)].map(fire));
		const tally = {};
		for (const x of statuses) tally[x] = (tally[x] || 0) + 1;
		assert.deepEqual(tally, { 200: N, 409: 100 });
		console.log(`${N + 100} supports in ${Date.now() - t0} ms`);
		assert.equal(await count(`SELECT count(*) FROM participation_supports WHERE item_kind = 'need' AND item_id = ${needId}`), before + N);
		await waitFor(async () => await count(`SELECT supporters FROM needs WHERE id = ${needId}`) === before + N,
			{ timeoutMs: 30000, what: 'the tally on citizen-srv' });
		// the commune's mirror gets the same count from the tally events
		await waitFor(async () => Number((await sql(pair.official, `SELECT supporters FROM needs WHERE origin_id = ${needId}`)).trim()) === before + N,
			{ timeoutMs: 30000, what: 'the count on official-srv' });
	});
});

describe('sign out and erase', () => {
	test('sign out revokes this cookie only', async () => {
		const email = 'sortie@example.org';
		const a = await verified(email);
		const b = await verified(email);
		const old = a.cookie('participant');
		assert.equal((await a.post('/participation/sign-out', {})).status, 303);
		assert.equal((await a.get('/participation.json')).json.verified, false);
		const name = a.jar.has('__Host-csrf') ? '__Host-participant' : 'participant';
		const forged = await fetch(`${pair.citizen.url}/participation.json`, { headers: { cookie: `${name}=${old}` } });
		assert.equal((await forged.json()).verified, false);
		const live = await fetch(`${pair.citizen.url}/participation.json`, { headers: { cookie: `${name}=${b.cookie('participant')}` } });
		assert.equal((await live.json()).verified, true, 'the cookie name is right');
		assert.equal((await b.get('/participation.json')).json.verified, true);
	});

	test('erase: every session revoked, the contact deleted, the supports kept', async () => {
		const email = 'efface@example.org';
		const a = await verified(email, { notify: true });
		const b = await verified(email);
		assert.equal(await count(`SELECT count(*) FROM participants WHERE contact = '${email}'`), 1,
			'the contact kept with consent');
		assert.equal((await a.post(`/needs/${needId}/me-too`, {}, { json: true })).status, 200);
		const supports = await count('SELECT count(*) FROM participation_supports');
		const r = await a.post('/participation/erase', {});
		assert.equal(r.status, 303);
		assert.equal(r.location, '/participation?erased=1');
		assert.equal((await a.get('/participation.json')).json.verified, false);
		assert.equal((await b.get('/participation.json')).json.verified, false);
		assert.equal(await count(`SELECT count(*) FROM participants WHERE contact = '${email}'`), 0);
		assert.equal(await count('SELECT count(*) FROM participation_supports'), supports);
		// verified again: still the same contact, the support is not given twice
		const c = await verified(email);
		const again = await c.post(`/needs/${needId}/me-too`, {}, { json: true });
		assert.equal(again.json.error.code, 'already_supported');
		const anon = await new Client(pair.citizen.url).post('/participation/erase', {}, { json: true });
		assert.equal(anon.status, 401);
	});
});

describe('privacy', () => {
	test('no contact and no code in pages, events or logs; the secret file is 0600', async () => {
		for (const m of smtp.messages()) {
			const code = /(?<![0-9])([0-9]{6})(?![0-9])/.exec(m.body);
			if (code) CODES.push(code[1]);
		}
		assert.ok(CODES.length > 10);
		const pages = [];
		for (const p of ['/needs', `/needs/${needId}`, '/needs.json', `/needs/${needId}.json`, '/accountability']) {
			pages.push(await getHtml(pair.citizen, p), await getHtml(pair.official, p));
		}
		pages.push(await getHtml(pair.citizen, '/participation'));
		for (const srv of [pair.citizen, pair.official]) {
			const feed = await fetch(`${srv.url}/needs.atom`);
			assert.equal(feed.status, 200);
			pages.push(await feed.text());
		}
		assert.ok(pages.every((x) => typeof x === 'string' && x.length > 100));
		const events = [...await readLog(pair.citizen), ...await readLog(pair.official)].map((e) => e.record);
		const logs = [pair.citizen.logs(), pair.official.logs()];
		const haystack = [...pages, ...events, ...logs].join('\n');
		for (const c of new Set(CONTACTS)) {
			assert.ok(!haystack.toLowerCase().includes(c.toLowerCase()), `contact ${c} leaked`);
		}
		for (const code of new Set(CODES)) {
			assert.ok(!new RegExp(`(?<![0-9a-f])${code}(?![0-9a-f])`).test([...events, ...logs].join('\n')), `code ${code} leaked`);
		}
		const fs = await import('node:fs');
		const st = fs.statSync(`${pair.citizen.dataDir}/participation.key`);
		assert.equal(st.mode & 0o777, 0o600);
		assert.equal(st.size, 32);
	});
});
