// SPDX-License-Identifier: AGPL-3.0-or-later
// The bounds that keep the report loop's pages cheap whatever the number of reports (issue 11,
// point 6; docs/performance-reports.md): a map viewport holding more than 200 reports is
// answered as areas with their number (the agents' map and the public map alike, the count
// being the number of reports, pending ones never counted in public), a smaller one as pins;
// the moderators' queue shows at most 20 pending reports with how many wait in all, and the
// others 20 a page with a cursor that walks through every one exactly once; each publication
// kind's staff list is paged the same way; deep inbox pages still answer, and the inbox's
// "next" and "previous" links walk it by keyset cursors, every report once and in order. The reports are
// inserted by SQL (260 in a 2 × 1.3 km grid near the demo's centre, the same rows on both
// sides, and 25 pending ones on the citizen side only).
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/report_bounds.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLinkedPair } from '../lib/federation.mjs';
import { signedIn, sql, waitFor } from '../lib/http.mjs';

const N = 260; // reports in the grid: more than the 200 pins a map shows
const PENDING = 25; // waiting for the moderators (citizen only): more than the queue's 20
const PROJECTS = 45; // more than a staff list's page of 20
// the grid: 20 columns × 13 rows, 0.0001° apart, from the demo's map centre
const LON0 = 4.0497;
const LAT0 = 36.7169;
const BOX = '4.0490,36.7160,4.0530,36.7190'; // holds the whole grid
const ROWS4 = [LON0 - 0.00005, LAT0 - 0.00005, LON0 + 0.00195, LAT0 + 0.00035]; // 4 rows: 80

let pair;
let agent;
let editor;
let moderator;

// After a write made by SQL: tells every daemon through the page cache's channel, as each
// process's writes do, and waits until the page at path shows the reports refs.
const bumped = async (client, path, refs) => {
	await sql(pair.official, 'NOTIFY page_cache');
	await waitFor(async () => JSON.stringify((await json(client, path)).items.map((x) => x.ref))
		=== JSON.stringify(refs), { what: `${path} after the write` });
};

const grid = (visibility, status, from, count) => `
INSERT INTO reports (origin, origin_id, ref, category, title, description, quarter, geom,
	lang, visibility, status, created_at, received_at, updated_at)
SELECT 'citizen', 100000 + i, 'R-9' || lpad(i::text, 3, '0') || '-' || lpad(i::text, 4, '0'),
	'VOI', 'Borne ' || i, 'Borne tordue numéro ' || i, 'centre',
	ST_SetSRID(ST_MakePoint(${LON0} + ((i - 1) % 20) * 0.0001,
		${LAT0} + ((i - 1) / 20) * 0.0001), 4326), 'fr', '${visibility}', '${status}',
	now() - i * interval '1 hour',
	CASE WHEN '${status}' <> 'new' THEN now() - i * interval '1 hour' END, now()
FROM generate_series(${from}, ${from + count - 1}) i`;

/** The signed-in client's JSON of path (asserting 200). */
async function json(client, path) {
	const r = await client.get(path, { json: true });
	assert.equal(r.status, 200, `${path}: ${r.status} ${r.body.slice(0, 300)}`);
	return r.json;
}

async function geojson(srv, path, client) {
	const r = client ? await client.get(path) : await fetch(`${srv.url}${path}`);
	assert.equal(r.status, 200, path);
	return client ? JSON.parse(r.body) : r.json();
}

/** What a clustered answer must hold: areas whose numbers add up to the total. */
function assertAreas(fc, total, what) {
	assert.equal(fc.type, 'FeatureCollection');
	assert.equal(fc.clustered, true, `${what}: counted by area`);
	assert.equal(fc.capped, true, what);
	assert.equal(fc.total, total, `${what}: the number of reports in view`);
	assert.ok(fc.features.length >= 1 && fc.features.length <= 200, `${what}: a few areas`);
	let sum = 0;
	for (const f of fc.features) {
		const p = f.properties;
		assert.equal(f.geometry.type, 'Point');
		assert.ok(Number.isInteger(p.count) && p.count > 0, `${what}: an area's count`);
		assert.ok(p.title.startsWith(`${p.count} `), `${what}: its title says its number`);
		assert.equal(p.bbox.length, 4);
		const [lon, lat] = f.geometry.coordinates;
		assert.ok(lon >= p.bbox[0] && lon <= p.bbox[2] && lat >= p.bbox[1] && lat <= p.bbox[3],
			`${what}: an area's point lies in its box`);
		assert.equal(p.ref, undefined, `${what}: an area is not a report`);
		sum += p.count;
	}
	assert.equal(sum, total, `${what}: the areas' numbers add up to the total`);
	assert.ok(fc.note.startsWith(`${total} `), `${what}: the note says how many: ${fc.note}`);
}

before(async () => {
	pair = await startLinkedPair();
	for (const srv of [pair.official, pair.citizen]) {
		await sql(srv, grid('public', 'received', 1, N));
	}
	await sql(pair.citizen, grid('pending', 'new', N + 1, PENDING));
	await sql(pair.official, `
INSERT INTO publications (id, origin, origin_id, kind, status, data, published_at, created_at,
	updated_at)
SELECT n, 'official', n, 'project', 'published', jsonb_build_object('title',
	jsonb_build_object('fr', 'Projet ' || i), 'category', 'voirie', 'status', 'etude',
	'progress', 0), now(), now(), now() - i * interval '1 minute'
FROM (SELECT nextval('publications_id_seq') AS n, i FROM generate_series(1, ${PROJECTS}) i) s`);
	agent = await signedIn(pair.official, 'agent', 'agente');
	editor = await signedIn(pair.official, 'editor', 'editrice');
	moderator = await signedIn(pair.citizen, 'moderator', 'moderatrice');
});

after(async () => {
	await pair?.stop();
});

describe('bounds at scale', () => {
	test('the agents\' map counts a full viewport by area, and shows pins in a small one', async () => {
		const full = await geojson(pair.official, `/staff/inbox.geojson?bbox=${BOX}&lang=fr`, agent);
		assertAreas(full, N, 'agents\' map');
		assert.ok(full.features.length > 1, 'the viewport in several areas');
		assert.match(full.note, /^260 signalements dans cette vue/);
		// the whole world: every report, still a bounded answer
		assertAreas(await geojson(pair.official, '/staff/inbox.geojson', agent), N,
			'agents\' map without a box');
		// filters apply to the count
		const none = await geojson(pair.official, `/staff/inbox.geojson?bbox=${BOX}&category=EAU`, agent);
		assert.equal(none.clustered, false);
		assert.equal(none.total, 0);
		assert.deepEqual(none.features, []);
		// four rows of the grid: few enough for one pin each
		const bbox = ROWS4.map((x) => x.toFixed(6)).join(',');
		const pins = await geojson(pair.official, `/staff/inbox.geojson?bbox=${bbox}`, agent);
		assert.equal(pins.clustered, false, 'pins');
		assert.equal(pins.features.length, 80);
		assert.equal(pins.total, 80);
		for (const f of pins.features) {
			assert.match(f.properties.ref, /^R-9\d{3}-\d{4}$/);
			assert.equal(f.properties.url, `/staff/inbox/${f.properties.ref}`);
			assert.equal(f.properties.count, undefined);
		}
	});

	test('the public map does the same, without the pending reports', async () => {
		assertAreas(await geojson(pair.citizen, `/reports.geojson?bbox=${BOX}&lang=fr`), N,
			'public map');
		const bbox = ROWS4.map((x) => x.toFixed(6)).join(',');
		const pins = await geojson(pair.citizen, `/reports.geojson?bbox=${bbox}`);
		assert.equal(pins.clustered, false);
		assert.equal(pins.features.length, 80);
		assert.ok(pins.features.every((f) => f.id === f.properties.ref && f.properties.url === `/reports/${f.id}`));
		// the counts follow the moderators: one hidden, one pending approved (kept by cell)
		const hide = await moderator.post('/staff/reports/R-9001-0001/hide', { reason: 'Nom cité' });
		assert.equal(hide.status, 303);
		assertAreas(await geojson(pair.citizen, `/reports.geojson?bbox=${BOX}`), N - 1, 'one hidden');
		const approve = await moderator.post(`/staff/reports/R-9${N + 1}-0${N + 1}/approve`, {});
		assert.equal(approve.status, 303);
		assertAreas(await geojson(pair.citizen, `/reports.geojson?bbox=${BOX}`), N, 'one approved');
		// the inbox and the map pages say that a full view is counted by area
		assert.match((await agent.get('/staff/inbox?lang=fr')).body, /la carte les compte par zone/);
		assert.match(await (await fetch(`${pair.citizen.url}/reports/map?lang=fr`)).text(),
			/la carte les compte par zone/);
	});

	test('the moderators\' queue: 20 pending with how many wait, the others 20 a page', async () => {
		const first = await json(moderator, '/staff/reports');
		assert.equal(first.pending.length, 20);
		assert.equal(first.waiting, PENDING - 1, 'one was approved by the test before');
		assert.equal(first.more_waiting, true);
		assert.ok(first.pending.every((r) => r.is_pending));
		assert.match((await moderator.get('/staff/reports?lang=fr')).body,
			new RegExp(`En attente en tout[^<]*<strong>${PENDING - 1}</strong>`));
		const seen = new Set();
		let page = first;
		let pages = 0;
		for (;;) {
			pages++;
			assert.ok(page.others.length <= 20);
			for (const r of page.others) {
				assert.ok(!r.is_pending);
				assert.ok(!seen.has(r.ref), `${r.ref} shown twice`);
				seen.add(r.ref);
			}
			if (!page.next_url) break;
			assert.match(page.next_url, /^\/staff\/reports\?before=\d+$/);
			page = await json(moderator, page.next_url);
			assert.deepEqual(page.pending, [], 'the pending reports are on the first page');
			assert.ok(pages < 50, 'the pages end');
		}
		assert.equal(seen.size, N + 1, 'every other report (and the approved one), once');
		assert.equal(pages, Math.ceil((N + 1) / 20));
		assert.equal((await moderator.get('/staff/reports?before=x')).errorCode, 'invalid_cursor');
	});

	test('a staff list of publications shows 20 items a page, newest change first', async () => {
		const ids = [];
		let page = await json(editor, '/staff/projects');
		for (let i = 0; ; i++) {
			assert.ok(page.items.length <= 20);
			ids.push(...page.items.map((x) => x.id));
			if (!page.next_url) break;
			assert.match(page.next_url, /^\/staff\/projects\?before=\d+$/);
			page = await json(editor, page.next_url);
			assert.ok(i < 10, 'the pages end');
		}
		assert.equal(ids.length, PROJECTS);
		assert.equal(new Set(ids).size, PROJECTS, 'no item twice');
		const order = await sql(pair.official, `SELECT string_agg(id::text, ',' ORDER BY updated_at DESC,
			id DESC) FROM publications WHERE origin = 'official' AND kind = 'project'`);
		assert.equal(ids.join(','), order);
	});

	test('deep inbox pages answer, the last one without a next page', async () => {
		// the grid, and the pending report approved above once the commune has received it
		const count = async () => Number(await sql(pair.official, 'SELECT count(*) FROM reports'));
		await waitFor(async () => await count() === N + 1, { what: 'the approved report on official' });
		const total = N + 1;
		const last = Math.ceil(total / 50);
		const p = await json(agent, `/staff/inbox?page=${last}`);
		assert.equal(p.items.length, total - 50 * (last - 1));
		assert.equal(p.next_url, undefined);
		assert.ok((await json(agent, `/staff/inbox?page=${last - 1}`)).next_url);
		const newest = await json(agent, '/staff/inbox?sort=newest&page=2');
		const all = await sql(pair.official, `SELECT string_agg(ref, ',' ORDER BY created_at DESC, id DESC)
			FROM reports WHERE visibility <> 'pending'`);
		assert.deepEqual(newest.items.map((x) => x.ref), all.split(',').slice(50, 100));
	});

	test('a page asked by its number again starts where OFFSET starts it, after a write too', async () => {
		const truth = async (sort, page) => (await sql(pair.official, `SELECT string_agg(ref, ','
			ORDER BY created_at ${sort}, id ${sort}) FROM (SELECT ref, created_at, id FROM reports
			WHERE visibility <> 'pending' ORDER BY created_at ${sort}, id ${sort}
			OFFSET ${(page - 1) * 50} LIMIT 50) p`)).split(',');
		const refsOf = async (path) => (await json(agent, path)).items.map((x) => x.ref);
		for (const [sort, order] of [['sort=newest&', 'DESC'], ['', 'ASC']]) {
			// asked twice: the second starts from the report the first one found
			for (let i = 0; i < 2; i++)
				assert.deepEqual(await refsOf(`/staff/inbox?${sort}page=3`), await truth(order, 3));
		}
		// a report older and newer than every other, added by SQL: the pages move by one
		await sql(pair.official, `INSERT INTO reports (origin, origin_id, ref, category, title,
			description, lang, visibility, status, created_at, received_at, updated_at)
			SELECT 'citizen', 100900 + i, 'R-8' || i || '00-0000', 'VOI', 'Ajout ' || i, '', 'fr', 'public',
			'received', t, t, t FROM (VALUES (1, now() + interval '1 day'),
			(2, timestamptz '2000-01-01')) v(i, t)`);
		await bumped(agent, '/staff/inbox?sort=newest&page=3', await truth('DESC', 3));
		assert.deepEqual(await refsOf('/staff/inbox?page=3'), await truth('ASC', 3), 'oldest first');
		await sql(pair.official, `DELETE FROM reports WHERE origin_id IN (100901, 100902)`);
		await bumped(agent, '/staff/inbox?page=3', await truth('ASC', 3));
	});

	test('the public list filtered by category and status walks every match once, in order', async () => {
		// a third of the grid in another category, every other of those resolved, and ten of
		// them sharing one date across the 20-report pages' boundaries
		await sql(pair.citizen, `UPDATE reports SET category = 'EAU' WHERE origin_id % 3 = 0
			AND visibility = 'public'`);
		await sql(pair.citizen, `UPDATE reports SET status = 'resolved' WHERE origin_id % 6 = 0
			AND visibility = 'public'`);
		await sql(pair.citizen, `UPDATE reports SET created_at = (SELECT created_at FROM reports
			WHERE origin_id = 100030) WHERE origin_id BETWEEN 100020 AND 100080`);
		await sql(pair.citizen, 'NOTIFY page_cache');
		for (const [query, where] of [['category=EAU', "category = 'EAU'"],
			['status=resolved', "status = 'resolved'"],
			['category=EAU&status=received', "category = 'EAU' AND status = 'received'"]]) {
			const want = (await sql(pair.citizen, `SELECT string_agg(ref, ',' ORDER BY created_at
				DESC, id DESC) FROM reports WHERE visibility = 'public' AND ${where}`)).split(',');
			const walked = [];
			let path = `/reports?${query}`;
			for (let i = 0; path; i++) {
				assert.ok(i < 20, `${query}: the pages end`);
				const r = await fetch(`${pair.citizen.url}${path}`, {
					headers: { Accept: 'application/json', 'Cache-Control': 'no-cache' } });
				assert.equal(r.status, 200, path);
				const page = await r.json();
				assert.ok(page.items.length <= 20, `${query}: a page of at most 20`);
				walked.push(...page.items.map((x) => x.ref));
				path = page.next_url;
			}
			assert.ok(want.length > 40, `${query}: more than two pages (${want.length})`);
			assert.deepEqual(walked, want, `${query}: every report once, in the list's order`);
		}
	});

	test('inbox pages walk by keyset cursors: every report once, in order, also on equal dates', async () => {
		// 101 reports of the grid share one date, across page boundaries in both orders
		await sql(pair.official, `UPDATE reports SET created_at = (SELECT created_at FROM reports
			WHERE origin_id = 100080) WHERE origin_id BETWEEN 100030 AND 100130`);
		const refs = async (order) => (await sql(pair.official, `SELECT string_agg(ref, ','
			ORDER BY created_at ${order}, id ${order}) FROM reports WHERE visibility <> 'pending'`)).split(',');
		// a write by SQL tells the daemons as every process's writes do (the page cache's
		// channel): the pages asked by their number before it start where they start now
		await bumped(agent, '/staff/inbox?sort=newest&page=2', (await refs('DESC')).slice(50, 100));
		for (const [sort, order] of [['', 'ASC'], ['sort=newest&', 'DESC']]) {
			const pages = [];
			let page = await json(agent, `/staff/inbox?${sort}`.replace(/[?&]$/, ''));
			for (;;) {
				pages.push(page);
				assert.equal(page.page, pages.length, 'the page number follows the walk');
				assert.ok(page.items.length <= 50);
				if (!page.next_url) break;
				assert.match(page.next_url, new RegExp(`^/staff/inbox\\?${sort}after=\\d+&page=${pages.length + 1}$`));
				page = await json(agent, page.next_url);
				assert.ok(pages.length < 20, 'the pages end');
			}
			assert.ok(pages.length >= 3, `${order}: at least three pages`);
			const walked = pages.flatMap((p) => p.items.map((x) => x.ref));
			assert.equal(new Set(walked).size, walked.length, `${order}: no report twice`);
			assert.deepEqual(walked, await refs(order), `${order}: every report once, in the list's order`);
			// the same pages as the page numbers (OFFSET) give
			for (let i = 1; i < pages.length; i++) {
				const byNumber = await json(agent, `/staff/inbox?${sort}page=${i + 1}`);
				assert.deepEqual(pages[i].items.map((x) => x.ref), byNumber.items.map((x) => x.ref),
					`${order}: page ${i + 1} by cursor and by number`);
			}
			// and back: each "previous" link leads to the page before, the first one to the first page
			for (let i = pages.length - 1; i > 0; i--) {
				const prev = await json(agent, pages[i].prev_url);
				assert.deepEqual(prev.items.map((x) => x.ref), pages[i - 1].items.map((x) => x.ref),
					`${order}: back from page ${i + 1}`);
				assert.equal(prev.page, i);
			}
			assert.equal(pages[1].prev_url, `/staff/inbox${sort ? '?sort=newest' : ''}`);
			assert.equal(pages[0].prev_url, undefined);
		}
		for (const q of ['after=x', 'before=0', 'after=1&before=2', 'after=1&page=0']) {
			const r = await agent.get(`/staff/inbox?${q}`, { json: true });
			assert.equal(r.status, 400, q);
			assert.equal(r.errorCode, q.endsWith('page=0') ? 'invalid_filter' : 'invalid_cursor', q);
		}
	});
});
