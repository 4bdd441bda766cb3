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
//    decision 0012);
//  - with BALADIYA_READ_DATABASE_URL naming a real streaming hot standby (pg_basebackup -R of
//    the cluster), anonymous cached pages read there once it has replayed the last write, and
//    everything else (staff pages, writes, sessions) reads the primary.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/replicas_state.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, PG_USER, startCluster, startDaemon, tempDir } from '../lib/harness.mjs';
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

/**
 * A hot standby of cluster, streaming from it (pg_basebackup -R as the cluster's owner), on a
 * port of its own: {port, psql(sql, database), stop()}.
 */
async function startStandby(primary) {
	const bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
	const dir = tempDir('baladiya-standby-');
	const asOwner = process.getuid?.() === 0;
	if (asOwner) {
		const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }));
		const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }));
		chownSync(dir, uid, gid);
	}
	chmodSync(dir, 0o700);
	const run = (bin, args) => {
		const exe = path.join(bindir, bin);
		return asOwner
			? execFileSync('runuser', ['-u', PG_USER, '--', exe, ...args], { cwd: dir, encoding: 'utf8' })
			: execFileSync(exe, args, { cwd: dir, encoding: 'utf8' });
	};
	const data = path.join(dir, 'data');
	run('pg_basebackup', ['-h', primary.host, '-p', String(primary.port), '-U', PG_USER, '-D', data,
		'-R', '-X', 'stream', '--no-sync', '-c', 'fast']);
	const port = await freePort();
	appendFileSync(path.join(data, 'postgresql.conf'),
		`\n# the standby\nport = ${port}\nunix_socket_directories = ''\nhot_standby = on\n`);
	run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
	return {
		port,
		psql: (q, database) => execFileSync('psql', ['-X', '-A', '-t', '-h', primary.host, '-p', String(port),
			'-U', PG_USER, '-d', database, '-c', q], { encoding: 'utf8' }).trim(),
		stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']),
	};
}

describe('reads from a hot standby (BALADIYA_READ_DATABASE_URL)', () => {
	let standby;
	let reader; // an official replica reading anonymous pages from the standby

	before(async () => {
		standby = await startStandby(cluster);
		reader = await startDaemon('official', { cluster, database: official.a.database,
			dataDir: official.a.dataDir, env: {
				BALADIYA_READ_DATABASE_URL: `postgresql://${PG_USER}@127.0.0.1:${standby.port}/` +
					`${official.a.database}?target_session_attrs=prefer-standby`,
			} });
	});
	after(async () => {
		if (reader) assert.equal(await reader.stop(), 0);
		standby?.stop();
	});

	/** The backends of the database on the standby, by application_name. */
	const onStandby = (db) => standby.psql("SELECT count(*) FROM pg_stat_activity WHERE datname = " +
		`'${db}' AND application_name = 'baladiya-read'`, 'postgres');

	test('anonymous pages read the standby once it has the last write; staff pages the primary', async () => {
		assert.equal(standby.psql('SELECT pg_is_in_recovery()', 'postgres'), 't');
		const db = official.a.database;
		const lang = { cookie: 'lang=fr' };
		const fresh = { ...lang, 'cache-control': 'no-cache' }; // rendered, never a cache hit
		const staff = await staffClient(official.a, 'standbyadmin');
		const title = `Travaux ${crypto.randomUUID().slice(0, 8)}`;
		await createNews(staff, { title_fr: title, body_fr: 'Rue 3.' });
		const ms = await visibleWithin(reader, '/news?lang=fr', title, lang);
		console.log(`news published through A, on the standby reader's /news after ${ms} ms`);
		assert.ok(Number(onStandby(db)) >= 1, 'the reader holds a connection to the standby');

		// Proof that pages are read there: with the standby's replay paused, a change made on
		// the primary behind the daemons' back (no bump) is not in the reader's pages...
		// (a bump from elsewhere between the reader's last page and the pause would send it to
		// the primary until the standby resumes, rightly: the proof is tried again then)
		let seen = null;
		let shown = title;
		for (let attempt = 0; attempt < 3 && seen === null; attempt++) {
			await waitForStandby(db, shown);
			assert.equal((await anon(reader, '/news?lang=fr', fresh)).status, 200);
			standby.psql('SELECT pg_wal_replay_pause()', 'postgres');
			const secret = `Coulisses ${crypto.randomUUID().slice(0, 8)}`;
			await sql(official.a, `UPDATE news SET title = jsonb_set(title, '{fr}', '"${secret}"')` +
				` WHERE title->>'fr' = '${shown}'`);
			assert.ok((await anon(official.a, '/news?lang=fr', fresh)).body.includes(secret),
				'the primary has it');
			const r = await anon(reader, '/news?lang=fr', fresh);
			assert.equal(r.status, 200);
			if (r.body.includes(shown) && !r.body.includes(secret)) seen = attempt;
			else standby.psql('SELECT pg_wal_replay_resume()', 'postgres');
			shown = secret;
		}
		assert.notEqual(seen, null, 'the reader rendered a page from the (paused) standby');
		console.log(`a page rendered from the paused standby at attempt ${seen + 1}`);
		try {
			// ...but a write that bumps is seen at once: the standby has not replayed it, so
			// the reader renders from the primary until it has
			const next = `Chantier ${crypto.randomUUID().slice(0, 8)}`;
			await createNews(staff, { title_fr: next, body_fr: 'Rue 4.' });
			const ms2 = await visibleWithin(reader, '/news?lang=fr', next, lang);
			console.log(`with the standby paused, on the reader after ${ms2} ms (from the primary)`);
			// staff pages through the reader are the primary's: a draft is there at once
			staff.baseUrl = reader.url;
			const draft = `Brouillon ${crypto.randomUUID().slice(0, 8)}`;
			await createNews(staff, { title_fr: draft, body_fr: 'x' }, { publish: false });
			const list = await staff.get('/staff/news.json');
			assert.equal(list.status, 200);
			assert.ok(list.body.includes(draft));
		} finally {
			standby.psql('SELECT pg_wal_replay_resume()', 'postgres');
		}
		assert.ok(!/cannot execute|read-only transaction/.test(reader.logs()),
			'no write reached the standby');
	});

	/** Waits until the standby has replayed the row titled title. */
	async function waitForStandby(db, title) {
		const deadline = Date.now() + 10_000;
		while (standby.psql(`SELECT count(*) FROM news WHERE title->>'fr' = '${title}'`, db) !== '1') {
			if (Date.now() > deadline) assert.fail('the standby did not replay the news item');
			await new Promise((r) => setTimeout(r, 50));
		}
	}
});
