// SPDX-License-Identifier: AGPL-3.0-or-later
// Taking hidden content down everywhere (issue "hardening", point 2; docs/protocol.md §4.6, §6.1,
// docs/decisions/0008): a resident's report with photos, a pin and a name in its text is
// mirrored by the commune; a moderator hides it. Before: the text and the photo hashes are in
// pages, JSON, feeds, photo URLs, both logs' records and both databases (the test can fail).
// After: absent from all of them, while both logs still verify end to end with Node's crypto
// (signatures, chain, every commitment either matching its content or withheld with a reason).
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/takedown.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../lib/harness.mjs';
import crypto from 'node:crypto';
import {
	checkLog, commitmentOf, makeEnvelope, postInbox, publishedKeys, readLog, signingKey, staffClient,
	startLinkedPair, verifyEnvelope, waitForMirror,
} from '../lib/federation.mjs';
import { Client, createNews, signedIn, sql, waitFor } from '../lib/http.mjs';
import { noiseImage } from '../lib/images.mjs';
import { postReport } from '../lib/reports.mjs';

const MARKER = 'Untel-takedown-4q7w';
const PLACE = 'Impasse takedown 9x2';
const PIN = { lat: '36.718200', lon: '4.051000' };

let pair;
let agent;
let moderator;
let images;

before(async () => {
	images = tempDir('baladiya-takedown-');
	pair = await startLinkedPair();
	agent = await staffClient(pair.official);
	moderator = await signedIn(pair.citizen, 'moderator', 'moderatrice');
});

after(async () => {
	await pair?.stop();
});

/** Every table of srv's database whose rows, as text, contain one of needles: [table]. */
async function tablesHolding(srv, needles) {
	const found = new Set();
	for (const needle of needles) {
		const q = `SELECT coalesce(string_agg(table_name, ',' ORDER BY table_name), '')
			FROM information_schema.tables t WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
			AND (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I x WHERE x::text LIKE %L',
				table_schema, table_name, '%${needle}%'), false, true, '')))[1]::text::int > 0`;
		for (const t of (await sql(srv, q)).split(',').filter(Boolean)) found.add(`${t} (${needle.slice(0, 12)})`);
	}
	return [...found];
}

/** What a reader can fetch about the report on both sides: [url, status, body]. */
async function publicAnswers(ref, shas) {
	const c = pair.citizen.url;
	const urls = [
		`${c}/reports/${ref}?lang=fr`, `${c}/reports/${ref}.json`, `${c}/reports?lang=fr`, `${c}/reports.json`,
		`${c}/reports.geojson`, `${c}/reports/map.json`, `${c}/reports/feed.atom`, `${c}/reports/feed.rss`,
		`${c}/open311/v2/requests.json`, `${c}/open311/v2/requests/${ref}.json`, `${c}/moderation.json`,
		`${c}/federation/v1/events?origin=citizen&limit=1000`,
		`${pair.official.url}/federation/v1/events?origin=citizen&limit=1000`,
	];
	for (const sha of shas) {
		for (const srv of [pair.citizen, pair.official]) {
			urls.push(`${srv.url}/photos/${sha}.jpg`, `${srv.url}/photos/${sha}-small.jpg`);
		}
	}
	const out = [];
	for (const u of urls) {
		// a side that does not hold a photo sends the reader to its peer: follow, as browsers do
		const r = await fetch(u);
		out.push([u, r.status, await r.text()]);
	}
	for (const p of [`/staff/inbox/${ref}.json`, `/staff/inbox.json`, `/staff/inbox.geojson`]) {
		const r = await agent.get(p);
		out.push([`${pair.official.url}${p}`, r.status, r.body]);
	}
	return out;
}

/** Both logs of citizen events verify with Node's crypto: signatures, chain, commitments. */
async function verifyBothLogs() {
	const keys = await publishedKeys(pair.citizen);
	const origin = await readLog(pair.citizen);
	const mirror = await readLog(pair.official, 'citizen');
	checkLog(origin);
	checkLog(mirror, origin);
	for (const e of [...origin, ...mirror]) assert.ok(verifyEnvelope(e.envelope, keys), `seq ${e.seq} verifies`);
	return { origin, mirror };
}

describe('takedown', () => {
	test('a hidden report leaves no text, pin or photo anywhere, and both logs still verify', async () => {
		const resident = new Client(pair.citizen.url);
		assert.equal((await resident.get('/reports/new?lang=fr')).status, 200);
		const photos = ['a.jpg', 'b.png'].map((n, i) => ({
			bytes: readFileSync(noiseImage(path.join(images, n), 64 + i * 8, 48)), name: n,
			type: i ? 'image/png' : 'image/jpeg',
		}));
		const r = await postReport(resident, {
			category: 'PRO', title: `Ordures devant chez ${MARKER}`,
			description: `Le voisin ${MARKER} dépose ses ordures ici.`, place: PLACE, quarter: 'centre', ...PIN,
		}, photos);
		assert.equal(r.status, 201, r.body.slice(0, 400));
		const ref = /<bdi>(R-[0-9A-Z]{4}-[0-9A-Z]{4})<\/bdi>/.exec(r.body)[1];
		const shas = (await (await fetch(`${pair.citizen.url}/reports/${ref}.json`)).json()).report.photos.map((p) => p.sha256);
		assert.equal(shas.length, 2);
		await waitFor(async () => await sql(pair.official, `SELECT count(*) FROM reports WHERE ref = '${ref}'`) === '1',
			{ what: 'the report on official-srv' });
		const needles = [MARKER, PLACE, ...shas];

		// before: the content is where readers and both databases find it (the test can fail)
		const before = await publicAnswers(ref, shas);
		const seen = before.filter(([u, s, b]) => s === 200 && (u.includes('/photos/') || needles.some((n) => b.includes(n))))
			.map(([u]) => u);
		assert.ok(seen.some((u) => u.includes(`/reports/${ref}?`)), 'the page shows the report');
		assert.ok(seen.some((u) => u.includes('/photos/')), 'the photos are served');
		assert.ok(seen.some((u) => u.includes('/federation/v1/events')), 'the log records carry the content');
		assert.ok(seen.some((u) => u.includes('/staff/inbox')), 'the commune\'s inbox shows it');
		for (const srv of [pair.citizen, pair.official]) {
			const held = await tablesHolding(srv, needles);
			assert.ok(held.some((t) => t.startsWith('reports ')), `${srv.side}: ${held}`);
			assert.ok(held.some((t) => t.startsWith('fed_content ')), `${srv.side}: ${held}`);
		}
		// the signed payload itself holds only the salted commitments
		const created = (await readLog(pair.citizen)).find((e) => e.type === 'report.created' && e.data.ref === ref);
		assert.ok(!needles.some((n) => created.payload.toString('utf8').includes(n)), 'the payload carries no content');
		assert.equal(created.data.title, `Ordures devant chez ${MARKER}`, 'the record carries it, matching');

		// the Merkle tree of citizen's log (protocol.md §20) on both sides, up to that event
		const treeRoot = async (srv) => {
			const u = `${srv.url}/federation/v1/proof/consistency?origin=citizen&from=${created.seq}&to=${created.seq}`;
			await waitFor(async () => (await fetch(u)).status === 200, { what: `${srv.side}'s tree of citizen's log` });
			return (await (await fetch(u)).json()).to_root;
		};
		const rootBefore = await treeRoot(pair.citizen);
		assert.equal(await treeRoot(pair.official), rootBefore, 'both copies have the same tree');

		// the moderator hides it, with a public reason
		const reason = 'Donnée personnelle retirée';
		const hid = await moderator.post(`/staff/reports/${ref}/hide`, { reason });
		assert.equal(hid.status, 303);
		await waitFor(async () => await sql(pair.official, `SELECT visibility FROM reports WHERE ref = '${ref}'`) === 'hidden',
			{ what: 'hidden on official-srv' });
		await waitForMirror(pair.citizen, pair.official);

		// after: gone from every answer, photo URL, log record and table, on both sides
		const afterAnswers = await publicAnswers(ref, shas);
		for (const [u, s, b] of afterAnswers) {
			// a photo URL's 404 page may repeat the address asked for: its status is the test
			if (u.includes('/photos/')) assert.equal(s, 404, `${u} is gone`);
			else for (const n of needles) assert.ok(!b.includes(n), `${u} (${s}) still shows ${n.slice(0, 16)}`);
		}
		const page = afterAnswers.find(([u]) => u.includes(`/reports/${ref}?`));
		assert.equal(page[1], 200);
		assert.ok(page[2].includes(reason), 'the page says why');
		for (const srv of [pair.citizen, pair.official]) {
			assert.deepEqual(await tablesHolding(srv, needles), [], `${srv.side}'s database`);
			// (the access log names the photo URLs this test asked for: the texts are the test)
			for (const n of [MARKER, PLACE]) assert.ok(!srv.logs().includes(n), `${srv.side}'s log file holds ${n}`);
		}
		const point = await sql(pair.official, `SELECT count(*) FROM reports WHERE ref = '${ref}' AND geom IS NOT NULL`);
		assert.equal(point, '0', 'no pin left on official-srv');

		// the auditor's view: everything verifies; the fields are withheld, with the reason
		const { origin, mirror } = await verifyBothLogs();
		for (const log of [origin, mirror]) {
			const ev = log.find((e) => e.type === 'report.created' && e.data.ref === ref);
			assert.deepEqual(Object.keys(ev.withheld).sort(), ['description', 'lat_e6', 'lon_e6', 'photos', 'place', 'title']);
			assert.ok(Object.values(ev.withheld).every((w) => w === reason));
			assert.equal(ev.hash, created.hash, 'the payload did not change');
		}
		// erasing committed content changes no leaf: the tree's root is the same on both sides
		for (const srv of [pair.citizen, pair.official]) assert.equal(await treeRoot(srv), rootBefore, srv.side);
	});

	test('records whose content does not match its commitments are refused, and nothing is stored', async () => {
		const key = signingKey(pair.citizen);
		const item = { salt: crypto.randomBytes(16).toString('base64'), json: '"Titre"' };
		const payload = (commit, v = 2) => Buffer.from(JSON.stringify({
			v, origin: 'citizen', seq: 900001, prev: 'a'.repeat(64), type: 'report.created',
			occurred_at: new Date().toISOString(), refs: [], data: { id: 1 }, ...(commit ? { commit } : {}),
		}));
		const record = (env, extra) => JSON.stringify({ envelope: JSON.parse(env), ...extra });
		const good = makeEnvelope(payload({ title: commitmentOf(item) }), key);
		const v1 = makeEnvelope(payload(null, 1), key);
		const count = () => sql(pair.official, "SELECT count(*) FROM fed_events WHERE origin = 'citizen'");
		const before = await count();
		const cases = [
			['content that does not match', record(good, { content: { title: { ...item, json: '"Autre"' } } }), 'bad_content'],
			['no content, not withheld', record(good, {}), 'missing_content'],
			['the bare envelope of a version 2 payload', good, 'missing_content'],
			['both present and withheld', record(good, { content: { title: item }, withheld: { title: 'x' } }), 'bad_content'],
			['withheld without a reason', record(good, { withheld: { title: '' } }), 'bad_withheld'],
			['content for a field not committed', record(good, { content: { title: item, other: item } }), 'bad_content'],
			['a record around a version 1 payload', record(v1, { content: { title: item } }), 'bad_content'],
			['a record with another member', record(good, { content: { title: item }, extra: {} }), 'malformed_record'],
			['a commit naming a data member', makeEnvelope(payload({ id: commitmentOf(item) }), key), 'bad_commit'],
		];
		for (const [what, body, code] of cases) {
			const r = await postInbox(pair.official, body, key);
			assert.equal(r.status, 400, `${what}: ${r.text}`);
			assert.equal(r.json?.error?.code, code, what);
		}
		assert.equal(await count(), before, 'nothing stored');
		// the same record with matching content passes the content checks (then waits behind the gap)
		const ok = await postInbox(pair.official, record(good, { content: { title: item } }), key);
		assert.equal(ok.status, 202, ok.text);
		await sql(pair.official, "DELETE FROM fed_pending WHERE origin = 'citizen' AND seq = 900001");
	});
});

describe('catch-up answers are bounded in bytes', () => {
	test('limit=1000 over 2 MiB of events stops before 2 MiB, and paging reads them all', async () => {
		// about 76 KB per envelope (19,000 characters in French and in Arabic): 32 make 2.4 MB
		for (let i = 0; i < 32; i++) {
			await createNews(agent, { title_fr: `Gros ${i}`, body_fr: `${'x'.repeat(19_000)} ${i}`,
				title_ar: `كبير ${i}`, body_ar: `${'ب'.repeat(19_000)} ${i}` });
		}
		const all = [];
		let pages = 0;
		for (let after = 0; ;) {
			const r = await fetch(`${pair.official.url}/federation/v1/events?after=${after}&limit=1000`);
			assert.equal(r.status, 200);
			const text = await r.text();
			const lines = text.split('\n').filter(Boolean);
			if (!lines.length) break;
			pages++;
			assert.ok(lines.length === 1 || Buffer.byteLength(text) <= 2 * 1024 * 1024,
				`a page of ${lines.length} lines is ${Buffer.byteLength(text)} bytes`);
			all.push(...lines);
			after = JSON.parse(Buffer.from(JSON.parse(lines.at(-1)).payload, 'base64')).seq;
		}
		assert.ok(pages >= 2, `${pages} page(s) for ${all.length} events`);
		const log = await readLog(pair.official);
		checkLog(log);
		assert.equal(all.length, log.length);
		assert.ok(log.filter((e) => e.type === 'news.published').length >= 32);
	});
});
