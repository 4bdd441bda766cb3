// SPDX-License-Identifier: AGPL-3.0-or-later
// Issue 16: the state two replicas of one side share through their one database. Two
// official-srv and two citizen-srv run on one cluster, each pair on one database and one data
// folder (as behind a proxy; the proxy itself is not needed to show what is shared):
//  - a write through replica A (a staff news item, a resident's report) is visible through
//    replica B within a second, although B's cached page was warm (the page-cache bump is a
//    NOTIFY that every replica LISTENs to: docs/decisions/0004-page-cache-generation.md);
//  - a photo uploaded through A is served by B, with its strong ETag, a year of immutable
//    caching and 304 on If-None-Match (files live in the database: decision 0012);
//  - a staff session opened through A works through B, and signing out through B ends it on A;
//  - the ceiling on a kind of signed event holds with the flood alternating between A and B,
//    and so does the count of failed sign-ins per account (both counted in the database:
//    decision 0012).
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/replicas_state.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startCluster, startDaemon, tempDir } from '../lib/harness.mjs';
import { readLog, staffClient } from '../lib/federation.mjs';
import { addUser, Client, createNews, getJson, PASSWORD, sql, startSite } from '../lib/http.mjs';
import { noiseImage } from '../lib/images.mjs';
import { postReport } from '../lib/reports.mjs';

const CEILING = 5; // report.created a minute, for both citizen replicas together
const ACCOUNT_MAX = 4; // failed sign-ins on one account in 15 minutes, both replicas together

let cluster;
let official; // { a, b }
let citizen; // { a, b }

/** Replica a, then b on a's database and data folder (its signing key, its secrets). */
async function replicas(side, opts = {}) {
	const a = await startSite(side, { cluster, ...opts });
	const b = await startDaemon(side, { cluster, database: a.database, dataDir: a.dataDir, ...opts });
	return { a, b };
}

/** GET p on srv as an anonymous client: {status, headers, body}. */
async function anon(srv, p, headers = {}) {
	const r = await fetch(`${srv.url}${p}`, { headers });
	return { status: r.status, headers: r.headers, body: await r.text() };
}

/** Warms srv's cached copy of p, asserting that the second read is a hit. */
async function warm(srv, p, headers = {}) {
	await anon(srv, p, headers);
	const r = await anon(srv, p, headers);
	assert.equal(r.status, 200);
	assert.equal(r.headers.get('x-cache'), 'hit', `GET ${p} on ${srv.url} is served from the cache`);
	return r;
}

/** Polls GET p on srv until its body includes text; resolves to the milliseconds it took. */
async function visibleWithin(srv, p, text, headers = {}, limitMs = 1000) {
	const t0 = Date.now();
	for (;;) {
		const r = await anon(srv, p, headers);
		if (r.status === 200 && r.body.includes(text)) return Date.now() - t0;
		if (Date.now() - t0 > limitMs) {
			assert.fail(`"${text}" not in GET ${p} on ${srv.url} after ${limitMs} ms ` +
				`(x-cache: ${r.headers.get('x-cache')})`);
		}
		await new Promise((res) => setTimeout(res, 20));
	}
}

/** A resident's browser that opened the report form on srv (it holds a CSRF cookie). */
async function resident(srv) {
	const c = new Client(srv.url);
	assert.equal((await c.get('/reports/new?lang=fr')).status, 200);
	return c;
}

function report(client, fields = {}, photos = []) {
	return postReport(client, { title: 'Nid-de-poule', description: 'Un trou dans la chaussée.',
		category: 'VOI', place: 'Rue 1', quarter: 'centre', ...fields }, photos, { json: true });
}

/** Waits until the wall clock is early in a minute, so a burst falls within one window. */
async function earlyInAMinute() {
	const s = new Date().getSeconds();
	if (s > 40) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
}

before(async () => {
	cluster = await startCluster();
	official = await replicas('official', { themeDir: 'demo/official', env: {
		BALADIYA_TRUSTED_PROXIES: '127.0.0.1',
		BALADIYA_LOGIN_ACCOUNT_FAILURES: String(ACCOUNT_MAX),
	} });
	citizen = await replicas('citizen', { themeDir: 'demo/citizen',
		env: { BALADIYA_EVENT_CEILINGS: `report.created=${CEILING}` } });
});

after(async () => {
	for (const pair of [citizen, official]) {
		for (const srv of [pair?.b, pair?.a]) if (srv) assert.equal(await srv.stop(), 0);
	}
	await cluster?.stop();
});

describe('page caches: a write through A is seen through B within a second', () => {
	test('a staff news item published through A', async () => {
		const staff = await staffClient(official.a);
		const lang = { cookie: 'lang=fr' };
		await warm(official.b, '/news?lang=fr', lang);
		await warm(official.b, '/', lang);
		const title = `Coupure eau ${crypto.randomUUID().slice(0, 8)}`;
		await createNews(staff, { title_fr: title, body_fr: 'Mardi de 8 h à 12 h.' });
		const ms = await visibleWithin(official.b, '/news?lang=fr', title, lang);
		await visibleWithin(official.b, '/', title, lang);
		console.log(`news published through A, on B's /news after ${ms} ms`);
		// and the page is cached again afterwards
		await warm(official.b, '/news?lang=fr', lang);
	});

	test('a report filed through A', async () => {
		const lang = { cookie: 'lang=fr' }; // ?lang= alone sets a cookie: never cached
		await warm(citizen.b, '/reports.json?lang=fr', lang);
		const title = `Lampadaire ${crypto.randomUUID().slice(0, 8)}`;
		const r = await report(await resident(citizen.a), { title });
		assert.equal(r.status, 201, r.body.slice(0, 300));
		const ms = await visibleWithin(citizen.b, '/reports.json?lang=fr', title, lang);
		console.log(`report filed through A, in B's /reports.json after ${ms} ms`);
	});
});

describe('files live in the database', () => {
	test('a photo uploaded through A is served by B, immutable, 304 on If-None-Match', async () => {
		const dir = tempDir('baladiya-replicas-');
		const bytes = readFileSync(noiseImage(path.join(dir, 'p.jpg'), 320, 240));
		const title = `Trottoir ${crypto.randomUUID().slice(0, 8)}`;
		const r = await report(await resident(citizen.a), { title },
			[{ bytes, name: 'p.jpg', type: 'image/jpeg' }]);
		assert.equal(r.status, 201, r.body.slice(0, 300));
		const list = await getJson(citizen.b, '/reports?lang=fr');
		const item = list.items.find((i) => i.title === title);
		assert.ok(item, 'the report is listed by B');
		const twin = await getJson(citizen.b, `/reports/${item.ref}.json?lang=fr`);
		assert.equal(twin.report.photos.length, 1);
		for (const u of [twin.report.photos[0].url, twin.report.photos[0].small_url]) {
			const got = await fetch(`${citizen.b.url}${u}`, { redirect: 'manual' });
			assert.equal(got.status, 200, `GET ${u} on B`);
			assert.equal(got.headers.get('content-type'), 'image/jpeg');
			assert.equal(got.headers.get('cache-control'), 'public, max-age=31536000, immutable');
			const body = Buffer.from(await got.arrayBuffer());
			const sha = /\/photos\/([0-9a-f]{64})(-small)?\.jpg$/.exec(u);
			assert.ok(sha, u);
			const etag = got.headers.get('etag');
			assert.equal(etag, `"${sha[1]}${sha[2] ?? ''}"`, 'a strong ETag naming the content');
			if (!sha[2]) {
				assert.equal(crypto.createHash('sha256').update(body).digest('hex'), sha[1],
					'the name is the hash of the bytes');
			}
			const again = await fetch(`${citizen.b.url}${u}`, { headers: { 'if-none-match': etag } });
			assert.equal(again.status, 304);
			assert.equal(again.headers.get('etag'), etag);
			assert.equal((await again.arrayBuffer()).byteLength, 0);
			// A serves the same bytes
			const fromA = Buffer.from(await (await fetch(`${citizen.a.url}${u}`)).arrayBuffer());
			assert.ok(fromA.equals(body));
		}
		// nothing uploaded went to the (shared) data folder: it holds keys and secrets only
		const files = readdirSync(citizen.a.dataDir, { recursive: true });
		assert.ok(!files.some((f) => /\.(jpe?g|png|webp|pdf)$/i.test(f)), files.join(' '));
		assert.equal(await sql(citizen.a, `SELECT count(*) FROM photos WHERE sha256 = '${
			/\/photos\/([0-9a-f]{64})\.jpg$/.exec(twin.report.photos[0].url)[1]}'`), '1');
	});
});

describe('sessions are the database\'s', () => {
	test('a session opened through A works through B; signing out through B ends it on A', async () => {
		const staff = await staffClient(official.a, 'sessionadmin');
		assert.equal((await staff.get('/staff/news.json')).status, 200, 'signed in on A');
		const cookies = new Map(staff.jar);
		staff.baseUrl = official.b.url;
		assert.equal((await staff.get('/staff/news.json')).status, 200, 'the same session on B');
		// the language chosen on A is a cookie B honours
		const viaA = new Client(official.a.url);
		await viaA.get('/?lang=ar');
		assert.equal(viaA.jar.get('lang'), 'ar');
		viaA.baseUrl = official.b.url;
		assert.match((await viaA.get('/')).body, /<html[^>]* lang="ar"/);
		// sign out through B (its CSRF token came from A: the token is the cookie's)
		assert.equal((await staff.logout()).status, 303);
		const old = new Client(official.a.url);
		old.jar = cookies; // the cookie of the ended session, replayed on A
		const r = await old.get('/staff/news.json');
		assert.notEqual(r.status, 200, 'the session ended on A too');
		assert.ok([303, 401].includes(r.status), `${r.status}`);
	});
});

describe('the sign-in count per account is shared', () => {
	test('failures spread over A and B reach the account\'s ceiling; the owner still signs in', async () => {
		await addUser(official.a, 'editor', 'target');
		const on = (srv, ip) => new Client(srv.url, { headers: { 'x-forwarded-for': ip } });
		// four attackers, two through each replica: one failure each
		for (let i = 0; i < ACCOUNT_MAX; i++) {
			const r = await on(i % 2 ? official.b : official.a, `192.0.2.${i + 1}`)
				.login('target', `wrong-${i}`, { json: true });
			assert.equal(r.status, 401, `attacker ${i}`);
		}
		// each replica saw only two of them: the count is the database's
		for (const [srv, ip] of [[official.a, '192.0.2.1'], [official.b, '192.0.2.2']]) {
			const r = await on(srv, ip).login('target', 'wrong-again', { json: true });
			assert.equal(r.status, 429, `${ip} again`);
			assert.equal(r.json.error.code, 'too_many_attempts');
			const retry = Number(r.headers.get('retry-after'));
			assert.ok(retry > 0 && retry <= 900, `Retry-After ${retry}`);
		}
		// a client without failures on the account is not held back: the owner signs in
		assert.equal((await on(official.b, '198.51.100.7').login('target', PASSWORD)).status, 303);
		// the log lines name the account alike on both replicas
		const tag = (srv) => [...srv.logs().matchAll(/account ([0-9a-f]{8})/g)].map((m) => m[1]);
		const tags = new Set([...tag(official.a), ...tag(official.b)]);
		assert.equal(tags.size, 1, [...tags].join(' '));
		// no username in the shared table: 32-byte keys only
		assert.equal(await sql(official.a, 'SELECT count(*) FROM login_account_failures' +
			' WHERE octet_length(account_key) <> 32'), '0');
	});
});

describe('the ceiling on a kind of signed event holds across replicas', () => {
	test('report.created alternating between A and B: the ceiling in all, then 429 busy_try_later', async () => {
		await earlyInAMinute();
		const before = await sql(citizen.a, "SELECT coalesce(max(events), 0) FROM event_ceilings" +
			" WHERE event_type = 'report.created' AND window_start = date_trunc('minute', now())");
		const room = CEILING - Number(before);
		const answers = [];
		for (let i = 0; i < room + 6; i++) {
			const srv = i % 2 ? citizen.b : citizen.a;
			answers.push(await report(await resident(srv), { title: `Inondation ${i}` }));
		}
		const statuses = answers.map((r) => r.status);
		assert.deepEqual(statuses, [...Array(room).fill(201), ...Array(6).fill(429)],
			'the total accepted is the ceiling');
		for (const r of answers.slice(room)) {
			assert.equal(r.json?.error?.code, 'busy_try_later');
			const retry = Number(r.headers.get('retry-after'));
			assert.ok(retry >= 1 && retry <= 60, `Retry-After ${r.headers.get('retry-after')}`);
		}
		// both replicas refused some
		assert.ok(answers.slice(room).some((_, i) => (room + i) % 2 === 0));
		assert.ok(answers.slice(room).some((_, i) => (room + i) % 2 === 1));
		const log = (await readLog(citizen.b)).filter((e) => e.type === 'report.created' &&
			/^Inondation /.test(e.data?.title ?? ''));
		assert.equal(log.length, room, 'the signed log holds the accepted ones only');
	});
});
