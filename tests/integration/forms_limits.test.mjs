// SPDX-License-Identifier: AGPL-3.0-or-later
// The forms module's per-client limits with real low settings (the harness lifts every limit
// for the other tests): submissions past the limit and tracking requests past theirs (wrong
// tokens first, so that guessing stops, then even the right one) answer 429 with their stable
// code and a Retry-After, and nothing is stored past the limit; another client is not affected.
// Clients are told apart by X-Forwarded-For through a trusted proxy, as in abuse.test.mjs.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/forms_limits.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../lib/harness.mjs';
import { Client, errorCodeOf, signedIn, sql, startSite } from '../lib/http.mjs';

const SUBMITS = 3; // form_submit a minute per client
const TRACKS = 4; // form_track a minute per client
const SERVICE = 'limit-test';
const DEF = {
	title: { ar: 'اختبار', fr: 'Essai' },
	fields: [{ name: 'who', type: 'text', required: true, label: { ar: 'الاسم', fr: 'Nom' } }],
};

let srv;

function client(n) {
	return new Client(srv.url, { headers: { 'x-forwarded-for': `203.0.113.${n}` } });
}

async function submit(c, who = 'Essai') {
	const page = await c.get(`/services/${SERVICE}/form`);
	assert.equal(page.status, 200);
	const key = /name="form_key" value="([0-9a-f]{32})"/.exec(page.body)[1];
	return c.post(`/services/${SERVICE}/form`, { who, form_key: key }, { multipart: true, json: true });
}

/** The stable code of a JSON error or of an error page (a route without a JSON twin). */
function codeOf(r) {
	try { return JSON.parse(r.body).error.code; } catch { return errorCodeOf(r.body); }
}

function assert429(r, code) {
	assert.equal(r.status, 429, `${r.status} ${r.body.slice(0, 200)}`);
	assert.equal(codeOf(r), code);
	const retry = Number(r.headers.get('retry-after'));
	assert.ok(retry >= 1 && retry <= 60, `Retry-After ${r.headers.get('retry-after')}`);
}

const count = async (table) => Number(await sql(srv, `SELECT count(*) FROM ${table}`));

before(async () => {
	srv = await startSite('official', { cluster: await startCluster(), env: {
		BALADIYA_TRUSTED_PROXIES: '127.0.0.1',
		BALADIYA_RATE_LIMITS: `*=100000,form_submit=${SUBMITS},form_track=${TRACKS}`,
	} });
	const admin = await signedIn(srv, 'admin', 'limitadmin');
	assert.equal((await admin.post(`/staff/forms/${SERVICE}`, { definition: JSON.stringify(DEF) })).status, 303);
	assert.equal((await admin.post(`/staff/forms/${SERVICE}/publish`, { version: '1' })).status, 303);
});

after(async () => { await srv?.stop(); });

describe('forms: per-client limits', () => {
	let token;

	test('submissions past the limit: 429 too_many_submissions, nothing stored', async () => {
		const a = client(7);
		const before = await count('form_files');
		for (let i = 0; i < SUBMITS; i++) assert.equal((await submit(a)).status, 201);
		// a refused answer counts too, and past the limit even a valid one is turned away
		for (const who of ['', 'Essai']) assert429(await submit(a, who), 'too_many_submissions');
		assert.equal(await count('form_files'), before + SUBMITS);
		assert.equal(await count('form_status_changes'), before + SUBMITS);
		const b = await submit(client(8));
		assert.equal(b.status, 201, 'another client is not affected');
		assert.equal(await count('form_files'), before + SUBMITS + 1);
		token = new URL(JSON.parse(b.body).tracking_url).pathname;
	});

	test('tracking past the limit: 429 too_many_attempts, even with the right token', async () => {
		const c = client(9);
		for (let i = 0; i < TRACKS - 1; i++) {
			const r = await c.get(`/forms/track/${String(i).repeat(43).slice(0, 43).replace(/[0189]/g, 'a')}`, { json: true });
			assert.equal(r.status, 404);
			assert.equal(codeOf(r), 'tracking_unknown');
		}
		assert.equal((await c.get(token)).status, 200, 'the last request within the limit');
		assert429(await c.get(token, { json: true }), 'too_many_attempts');
		assert429(await c.get(`/forms/track/${'b'.repeat(43)}`, { json: true }), 'too_many_attempts');
		const messages = await count('form_messages');
		const r = await c.post(`${token}/messages`, { body: 'Bonjour', form_key: 'c'.repeat(32) },
			{ multipart: true, json: true });
		assert429(r, 'too_many_attempts');
		assert.equal(await count('form_messages'), messages, 'no message stored past the limit');
		const other = client(10);
		assert.equal((await other.get(token)).status, 200, 'another client is not affected');
		const sent = await other.post(`${token}/messages`, { body: 'Bonjour', form_key: 'd'.repeat(32) },
			{ multipart: true });
		assert.equal(sent.status, 303);
		assert.equal(await count('form_messages'), messages + 1);
	});
});
