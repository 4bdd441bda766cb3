// SPDX-License-Identifier: AGPL-3.0-or-later
// Issue 11, point 1: the attack scripts as tests, in bounded loops on loopback. A client that
// sends a fresh random CSRF token with each request (a new cookie jar, or a made-up token)
// still hits the per-client limit of reports, reactions, supports (each from a verified
// participant, made in the database) and Open311 POST, because
// the limits count the client's address (kept only as a keyed hash), not a value it chooses;
// other clients are not affected. A flood from many addresses (X-Forwarded-For through a
// trusted proxy) ends at the platform's ceiling per minute on each kind of signed event: clear
// 429 busy_try_later answers with Retry-After, and the signed log does not grow past the
// ceiling. The limits are settings: these daemons run with low ones (the harness lifts them for
// every other test, which all come from 127.0.0.1).
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/abuse.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readLog, staffClient, startLinkedPair } from '../lib/federation.mjs';
import { Client, cliFor, getJson, sql, startSite, waitFor } from '../lib/http.mjs';
import { makeParticipants, participantCookie } from '../lib/participation.mjs';
import { postReport } from '../lib/reports.mjs';

const LIMIT = 3; // per client and minute, for every scope, on the pair's citizen side
const CEILING = 4; // report.created a minute on the flooded daemon
const CEILING_SUPPORTS = 3; // report.supported a minute on the flooded daemon

let pair;
let staff;
let localProject; // the citizen mirror's id of a published project
let apiKey;

/** A browser that never kept anything: its CSRF cookie and field are a made-up random value. */
function forger(url, headers = {}) {
	const c = new Client(url, { headers });
	c.jar.set('__Host-csrf', crypto.randomBytes(32).toString('hex'));
	return c;
}

/** client, verified as a fresh participant of srv (made in the database). */
async function verified(srv, client) {
	const [token] = await makeParticipants(srv, 1);
	client.jar.set(participantCookie(client), token);
	return client;
}

/** A browser that opened a page first: its CSRF token comes from the server, fresh each time. */
async function freshBrowser(url, headers = {}, path = '/reports/new') {
	const c = new Client(url, { headers });
	assert.equal((await c.get(path)).status, 200);
	return c;
}

function report(client, fields = {}, opts = { json: true }) {
	return postReport(client, { title: 'Nid-de-poule', description: 'Un trou dans la chaussée.',
		category: 'VOI', place: 'Rue 1', quarter: 'centre', ...fields }, [], opts);
}

/** One Open311 POST, from a client that names itself in X-Forwarded-For when xff is given. */
async function open311Post(url, xff) {
	const r = await fetch(`${url}/open311/v2/requests.json`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded',
			...(xff ? { 'x-forwarded-for': xff } : {}) },
		body: new URLSearchParams({ api_key: apiKey, service_code: 'VOI', description: 'Trou',
			address_string: 'Rue 2' }),
	});
	return { status: r.status, headers: r.headers, json: JSON.parse(await r.text()) };
}

function assert429(r, code) {
	assert.equal(r.status, 429, `${r.status} ${r.body?.slice(0, 200)}`);
	assert.equal(r.errorCode ?? r.json?.error?.code, code);
	const retry = Number(r.headers.get('retry-after'));
	assert.ok(retry >= 1 && retry <= 60, `Retry-After ${r.headers.get('retry-after')}`);
}

/** Waits until the wall clock (the database's, on this machine) is early in a minute, so that a
 * burst of a few seconds falls within one ceiling window. */
async function earlyInAMinute() {
	const s = new Date().getSeconds();
	if (s > 40) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
}

async function count(srv, q) {
	return Number(await sql(srv, q));
}

before(async () => {
	pair = await startLinkedPair({ citizen: { env: {
		BALADIYA_TRUSTED_PROXIES: '127.0.0.1',
		BALADIYA_RATE_LIMITS: `report=${LIMIT},reaction=${LIMIT},support=${LIMIT},open311=${LIMIT}`,
	} } });
	staff = await staffClient(pair.official);
	const r = await staff.post('/staff/projects', { action: 'publish', title_fr: 'Éclairage du stade',
		category: 'voirie', status: 'programme', progress: '0', quarter: 'centre' });
	assert.equal(r.status, 303, r.body.slice(0, 300));
	const item = await waitFor(async () => {
		const list = await getJson(pair.citizen, '/projects?lang=fr');
		return list.items.find((i) => i.title === 'Éclairage du stade');
	}, { timeoutMs: 15_000, what: 'the project on citizen-srv' });
	localProject = item.id;
	const k = await cliFor(pair.citizen, ['open311', 'key', 'add', 'abuse-test']);
	assert.equal(k.code, 0, k.stderr);
	apiKey = k.stdout.trim();
});

after(async () => {
	await pair?.stop();
});

describe('per-client limits that a fresh token does not reset', () => {
	test('reports: a made-up token per request, then a server-issued one, hit the limit', async () => {
		const url = pair.citizen.url;
		const before = await count(pair.citizen, 'SELECT count(*) FROM reports');
		const answers = [];
		for (let i = 0; i < LIMIT + 3; i++) {
			const c = i % 2 ? forger(url) : await freshBrowser(url);
			answers.push(await report(c, { title: `Attaque ${i}` }));
		}
		assert.deepEqual(answers.map((r) => r.status),
			[...Array(LIMIT).fill(201), ...Array(3).fill(429)]);
		for (const r of answers.slice(LIMIT)) assert429(r, 'too_many_reports');
		assert.equal(await count(pair.citizen, 'SELECT count(*) FROM reports'), before + LIMIT);
		// another client (through the trusted proxy) is not affected
		const other = await freshBrowser(url, { 'x-forwarded-for': '198.51.100.20' });
		assert.equal((await report(other)).status, 201);
		// the HTML form's answer is the error page with the same code
		const html = await report(await freshBrowser(url), { title: 'Encore' }, {});
		assert429(html, 'too_many_reports');
	});

	test('reactions: fresh tokens do not reset the limit', async () => {
		const url = pair.citizen.url;
		const path = `/projects/${localProject}`;
		const statuses = [];
		for (let i = 0; i < LIMIT + 2; i++) {
			const c = i % 2 ? forger(url) : await freshBrowser(url, {}, path);
			const r = await c.post(`${path}/reactions`, { stance: 'support' });
			statuses.push(r.status);
			if (r.status === 429) assert429(r, 'too_many_reactions');
		}
		assert.deepEqual(statuses, [...Array(LIMIT).fill(303), 429, 429]);
		const other = await freshBrowser(url, { 'x-forwarded-for': '198.51.100.21' }, path);
		assert.equal((await other.post(`${path}/reactions`, { stance: 'concern' })).status, 303);
		const v = await getJson(pair.citizen, path);
		assert.equal(v.reactions.support, LIMIT);
	});

	test('supports: one per verified contact, and a client adds at most the limit', async () => {
		const url = pair.citizen.url;
		const filer = await freshBrowser(url, { 'x-forwarded-for': '198.51.100.22' });
		const filed = await report(filer, { title: 'À soutenir' });
		assert.equal(filed.status, 201);
		const ref = /R-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(filed.body)[0];
		const statuses = [];
		for (let i = 0; i < LIMIT + 2; i++) {
			const c = await verified(pair.citizen,
				i % 2 ? forger(url) : await freshBrowser(url, {}, `/reports/${ref}`));
			const r = await c.post(`/reports/${ref}/support`, {}, { json: true });
			statuses.push(r.status);
			if (r.status === 429) assert429(r, 'too_many_supports');
		}
		assert.deepEqual(statuses, [...Array(LIMIT).fill(200), 429, 429]);
		assert.equal((await getJson(pair.citizen, `/reports/${ref}`)).report.supporters, LIMIT);
		const evs = (await readLog(pair.citizen)).filter((e) => e.type === 'report.supported');
		assert.equal(evs.length, LIMIT, 'report.supported events');
	});

	test('Open311 POST: limited per client, with the Open311 error shape', async () => {
		const url = pair.citizen.url;
		const answers = [];
		for (let i = 0; i < LIMIT + 2; i++) answers.push(await open311Post(url));
		assert.deepEqual(answers.map((r) => r.status), [...Array(LIMIT).fill(200), 429, 429]);
		for (const r of answers.slice(LIMIT)) {
			assert.ok(Array.isArray(r.json), JSON.stringify(r.json));
			assert.equal(r.json[0].code, 429);
			assert.equal(r.json[0].error_code, 'open311_too_many_requests');
			assert.ok(r.json[0].description);
			assert.ok(Number(r.headers.get('retry-after')) >= 1);
		}
		assert.equal((await open311Post(url, '198.51.100.23')).status, 200, 'another client');
	});

	test('the log holds no client address and the limits are counted on keyed ids', async () => {
		const logs = pair.citizen.logs();
		assert.match(logs, /report limit reached by client [0-9a-f]{8}/);
		assert.ok(!logs.includes('198.51.100.'), 'a forwarded client address is in the log');
	});
});

describe('ceilings per minute on signed events, shared by every client', () => {
	let flooded;

	before(async () => {
		flooded = await startSite('citizen', { cluster: pair.clusters[1], themeDir: 'demo/citizen',
			env: {
				BALADIYA_TRUSTED_PROXIES: '127.0.0.1',
				BALADIYA_EVENT_CEILINGS: `report.created=${CEILING},report.supported=${CEILING_SUPPORTS}`,
			} });
	});
	after(async () => {
		if (flooded) assert.equal(await flooded.stop(), 0);
	});

	test('reports from many addresses: the ceiling, then 429 busy_try_later; the log stops', async () => {
		await earlyInAMinute();
		const url = flooded.url;
		const logBefore = (await readLog(flooded)).filter((e) => e.type === 'report.created').length;
		const answers = [];
		for (let i = 0; i < CEILING + 6; i++) {
			const c = await freshBrowser(url, { 'x-forwarded-for': `203.0.113.${i + 1}` });
			answers.push(await report(c, { title: `Inondation ${i}` }));
		}
		assert.deepEqual(answers.map((r) => r.status),
			[...Array(CEILING).fill(201), ...Array(6).fill(429)]);
		for (const r of answers.slice(CEILING)) assert429(r, 'busy_try_later');
		const log = (await readLog(flooded)).filter((e) => e.type === 'report.created');
		assert.equal(log.length - logBefore, CEILING, 'report.created events in the log');
		// a refused report was rolled back whole: no row, no private row
		assert.equal(await count(flooded, 'SELECT count(*) FROM reports'), CEILING);
		assert.equal(await count(flooded, 'SELECT count(*) FROM report_private'), CEILING);
		// the HTML form says so too, and keeps the text
		const html = await report(await freshBrowser(url, { 'x-forwarded-for': '203.0.113.99' }),
			{ title: 'Texte à garder' }, {});
		assert.equal(html.status, 429);
		assert.ok(html.body.includes('Texte à garder'));
		assert.ok(Number(html.headers.get('retry-after')) >= 1);
		// Open311 gets its own shape
		const k = await cliFor(flooded, ['open311', 'key', 'add', 'flood']);
		assert.equal(k.code, 0, k.stderr);
		const saved = apiKey;
		apiKey = k.stdout.trim();
		const o = await open311Post(url, '203.0.113.98');
		apiKey = saved;
		assert.equal(o.status, 429);
		assert.equal(o.json[0].error_code, 'busy_try_later');
		// the counter is in the database (shared by replicas), per type and minute
		const n = await sql(flooded, "SELECT max(events) FROM event_ceilings WHERE event_type = 'report.created'");
		assert.equal(Number(n), CEILING);
	});

	test('supports from many addresses stop at their own ceiling', async () => {
		await earlyInAMinute();
		const url = flooded.url;
		const ref = (await getJson(flooded, '/reports')).items[0].ref;
		const answers = [];
		for (let i = 0; i < CEILING_SUPPORTS + 3; i++) {
			const c = await verified(flooded, await freshBrowser(url,
				{ 'x-forwarded-for': `203.0.113.${100 + i}` }, `/reports/${ref}`));
			answers.push(await c.post(`/reports/${ref}/support`, {}, { json: true }));
		}
		assert.deepEqual(answers.map((r) => r.status),
			[...Array(CEILING_SUPPORTS).fill(200), 429, 429, 429]);
		for (const r of answers.slice(CEILING_SUPPORTS)) assert429(r, 'busy_try_later');
		assert.equal((await getJson(flooded, `/reports/${ref}`)).report.supporters, CEILING_SUPPORTS);
		const evs = (await readLog(flooded)).filter((e) => e.type === 'report.supported');
		assert.equal(evs.length, CEILING_SUPPORTS);
	});

	test('the daemon refuses to start with a malformed limit setting', async () => {
		for (const env of [{ BALADIYA_EVENT_CEILINGS: 'report.created=0' },
			{ BALADIYA_RATE_LIMITS: 'report=many' }, { BALADIYA_TRUSTED_PROXIES: 'proxy.example' }]) {
			await assert.rejects(startSite('citizen', { cluster: pair.clusters[1], themeDir: 'demo/citizen',
				env, healthTimeoutMs: 10_000 }), /BALADIYA_/, JSON.stringify(env));
		}
	});
});
