// SPDX-License-Identifier: AGPL-3.0-or-later
// Needs across a linked pair, with the real SMTP server for the residents' codes: a verified
// resident expresses a need in a quarter and a theme, others say "me too" (one per verified
// contact), the official platform mirrors it read-only and its staff answer, the answer comes
// back to the citizen platform; both list needs by quarter and theme and show the same "needs
// by quarter" on /accountability. Bad input (10,000 characters, bidi overrides and markup in
// names, contact-looking names, unknown quarter or theme) gets its stable code and stores
// nothing; the demo loader is idempotent.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/needs.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readLog, staffClient, startLinkedPair } from '../lib/federation.mjs';
import { tempDir } from '../lib/harness.mjs';
import { Client, cliFor, getJson, signedIn, sql, waitFor } from '../lib/http.mjs';
import { verifyParticipant } from '../lib/participation.mjs';
import { startSmtpServer } from '../lib/smtp.mjs';

let pair;
let smtp;
let author;
let needId;
const TEXT = 'Une crèche à Tighilt – marqueur-b7e1';

const count = async (srv, q) => Number((await sql(srv, q)).trim());

async function verified(email) {
	const c = new Client(pair.citizen.url);
	await verifyParticipant({ citizenUrl: pair.citizen.url, smtp, email, client: c });
	return c;
}

before(async () => {
	smtp = await startSmtpServer();
	pair = await startLinkedPair({ citizen: { env: smtp.env } });
	author = await verified('parent@example.org');
});

after(async () => {
	const codes = pair ? { official: await pair.official.stop(), citizen: await pair.citizen.stop() } : {};
	await smtp?.stop();
	assert.deepEqual(codes, { official: 0, citizen: 0 });
});

describe('expressing a need', () => {
	test('an unverified resident is sent to verification first', async () => {
		const c = new Client(pair.citizen.url);
		const form = await c.get('/needs/new?lang=fr');
		assert.equal(form.status, 200);
		assert.match(form.body, /href="\/participation\?back=%2Fneeds%2Fnew"/);
		const r = await c.post('/needs', { quarter: 'tighilt', theme: 'childcare', text: 'x', display_name: 'y' });
		assert.equal(r.status, 303);
		assert.equal(r.location, '/participation?back=%2Fneeds%2Fnew');
	});

	test('a verified resident expresses a need: its page, its event, the mirror', async () => {
		const form = await author.get('/needs/new?lang=fr');
		assert.match(form.body, /name="text"/);
		const r = await author.post('/needs', { quarter: 'tighilt', theme: 'childcare', text: TEXT,
			display_name: 'Parents de Tighilt' });
		assert.equal(r.status, 303);
		needId = Number(/^\/needs\/([0-9]+)$/.exec(r.location)[1]);
		const v = await getJson(pair.citizen, `/needs/${needId}`);
		assert.equal(v.need.text, TEXT);
		assert.equal(v.need.quarter, 'tighilt');
		assert.equal(v.need.supporters, 1, "the author's own me too");
		const ev = (await readLog(pair.citizen)).find((e) => e.type === 'need.created');
		assert.equal(ev.data.id, needId);
		assert.ok(!ev.payload.includes('marqueur-b7e1'), 'the text is committed, not in the signed payload');
		await waitFor(async () => (await fetch(`${pair.official.url}/needs/${needId}.json`)).status === 200,
			{ timeoutMs: 30000, what: 'the mirror on official-srv' });
		const o = await getJson(pair.official, `/needs/${needId}`);
		assert.equal(o.need.text, TEXT);
		assert.equal(o.need.display_name, 'Parents de Tighilt');
		const list = await getJson(pair.citizen, '/needs?quarter=tighilt&theme=childcare');
		assert.ok(list.needs.some((n) => n.id === needId));
		assert.ok(list.aggregates.by_quarter.some((q) => q.quarter === 'tighilt' && q.needs >= 1));
	});

	test('bad input: a clear 400 and nothing stored', async () => {
		const rows = await count(pair.citizen, 'SELECT count(*) FROM needs');
		const events = (await readLog(pair.citizen)).length;
		const ok = { quarter: 'centre', theme: 'health', text: 'Une pharmacie de garde', display_name: 'Voisin' };
		const cases = [
			[{ text: 'x'.repeat(10000) }, 'need_text_too_long'],
			[{ text: '   ' }, 'need_text_required'],
			[{ display_name: 'Ali\u202Egnp.exe' }, 'invalid_need_display_name'],
			[{ display_name: '<b>Ali</b>' }, 'invalid_need_display_name'],
			[{ display_name: 'x'.repeat(61) }, 'need_display_name_too_long'],
			[{ display_name: 'ali@example.org' }, 'need_display_name_personal'],
			[{ display_name: 'Appelez 0555 11 22 33' }, 'need_display_name_personal'],
			[{ text: 'texte \u2066caché\u2069' }, 'invalid_need_text'],
			[{ quarter: 'atlantis' }, 'invalid_need_quarter'],
			[{ theme: 'spaceport' }, 'invalid_need_theme'],
		];
		for (const [change, code] of cases) {
			const r = await author.post('/needs', { ...ok, ...change }, { json: true });
			assert.equal(r.status, 400, code);
			assert.equal(r.json.error.code, code);
			const html = await author.post('/needs?lang=fr', { ...ok, ...change });
			assert.equal(html.status, 400);
			assert.match(html.body, /role="alert"/);
		}
		assert.equal(await count(pair.citizen, 'SELECT count(*) FROM needs'), rows);
		assert.equal((await readLog(pair.citizen)).length, events);
		const f = await fetch(`${pair.citizen.url}/needs.json?quarter=atlantis`);
		assert.equal(f.status, 400);
		assert.equal((await f.json()).error.code, 'invalid_need_filter');
		assert.equal((await fetch(`${pair.citizen.url}/needs/999999.json`)).status, 404);
	});
});

describe('me too and the answer', () => {
	test('"me too" once per verified contact; the count reaches the commune', async () => {
		const a = await verified('moi.aussi@example.org');
		const b = await verified('moi.aussi@example.org'); // same contact, another browser
		const r = await a.post(`/needs/${needId}/me-too`, {});
		assert.equal(r.status, 303);
		assert.equal(r.location, `/needs/${needId}?supported=1#me-too`);
		const again = await b.post(`/needs/${needId}/me-too`, {}, { json: true });
		assert.equal(again.status, 409);
		assert.equal(again.json.error.code, 'already_supported');
		await waitFor(async () => (await getJson(pair.citizen, `/needs/${needId}`)).need.supporters === 2,
			{ timeoutMs: 20000, what: 'the tally on citizen-srv' });
		await waitFor(async () => (await getJson(pair.official, `/needs/${needId}`)).need.supporters === 2,
			{ timeoutMs: 30000, what: 'the tally on official-srv' });
		// withdrawn, then given again
		const w = await b.post(`/needs/${needId}/withdraw`, {}, { json: true });
		assert.equal(w.status, 200);
		assert.equal(w.json.supporters, 1);
		const w2 = await b.post(`/needs/${needId}/withdraw`, {}, { json: true });
		assert.equal(w2.json.error.code, 'not_supported');
		assert.equal((await a.post(`/needs/${needId}/me-too`, {}, { json: true })).status, 200);
		await waitFor(async () => (await getJson(pair.official, `/needs/${needId}`)).need.supporters === 2,
			{ timeoutMs: 30000, what: 'the count back to 2 on official-srv' });
		assert.equal(await count(pair.citizen, `SELECT count(*) FROM participation_supports WHERE item_kind = 'need' AND item_id = ${needId}`), 2);
	});

	test('the commune answers from its staff page; the answer shows on both platforms', async () => {
		const staff = await staffClient(pair.official);
		const page = await staff.get('/staff/needs?lang=fr');
		assert.equal(page.status, 200);
		assert.match(page.body, new RegExp(`action="/staff/needs/${needId}/answer"`));
		const anon = await new Client(pair.official.url).post(`/staff/needs/${needId}/answer`, { answer: 'x' });
		assert.ok([303, 401, 403].includes(anon.status));
		const bad = await staff.post(`/staff/needs/${needId}/answer`, { answer: 'y'.repeat(2001) }, { json: true });
		assert.equal(bad.json.error.code, 'invalid_need_answer');
		const missing = await staff.post('/staff/needs/999999/answer', { answer: 'Oui' }, { json: true });
		assert.equal(missing.status, 404);
		const ANSWER = 'Une crèche communale est inscrite au budget supplémentaire 2025.';
		const r = await staff.post(`/staff/needs/${needId}/answer`, { answer: ANSWER });
		assert.equal(r.status, 303);
		assert.equal((await getJson(pair.official, `/needs/${needId}`)).need.answer.text, ANSWER);
		await waitFor(async () => (await getJson(pair.citizen, `/needs/${needId}`)).need.answer?.text === ANSWER,
			{ timeoutMs: 30000, what: 'the answer on citizen-srv' });
	});

	test('"needs by quarter" is the same on both platforms', async () => {
		let last;
		await waitFor(async () => {
			const c = (await getJson(pair.citizen, '/accountability')).needs_by_quarter;
			const o = (await getJson(pair.official, '/accountability')).needs_by_quarter;
			last = [c, o];
			return JSON.stringify(c) === JSON.stringify(o);
		}, { timeoutMs: 30000, what: 'the same figures' }).catch((e) => {
			throw new Error(`${e.message}: ${JSON.stringify(last)}`);
		});
		const rows = (await getJson(pair.citizen, '/accountability')).needs_by_quarter;
		const t = rows.find((q) => q.quarter === 'tighilt');
		assert.deepEqual({ needs: t.needs, supporters: t.supporters, answered: t.answered },
			{ needs: 1, supporters: 2, answered: 1 });
		const html = await (await fetch(`${pair.official.url}/accountability?lang=fr`)).text();
		assert.match(html, /Besoins par quartier/);
	});
});

// The page's advertised Atom feed, read by Debian's python3-feedparser (not our code).
const FEED_CHECK = String.raw`
import json, sys, urllib.request, urllib.parse
from html.parser import HTMLParser
import feedparser
class Head(HTMLParser):
    def __init__(self):
        super().__init__(); self.href = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'link' and a.get('rel') == 'alternate' and a.get('type') == 'application/atom+xml':
            self.href = a.get('href')
page = sys.argv[1]
h = Head(); h.feed(urllib.request.urlopen(page).read().decode('utf-8'))
d = feedparser.parse(urllib.parse.urljoin(page, h.href))
print(json.dumps({'href': h.href, 'bozo': int(bool(d.bozo)), 'version': d.version,
    'language': d.feed.get('language'),
    'entries': [{'id': e.id, 'title': e.title, 'link': e.link, 'summary': e.get('summary'),
                 'category': e.tags[0].term if e.get('tags') else None} for e in d.entries]}))
`;

describe('feed', () => {
	test('the list advertises its Atom feed, filters carried, read by feedparser', async () => {
		for (const srv of [pair.citizen, pair.official]) {
			const r = spawnSync('/usr/bin/python3', ['-c', FEED_CHECK, `${srv.url}/needs?quarter=tighilt&lang=fr`],
				{ encoding: 'utf8' });
			assert.equal(r.status, 0, r.stderr);
			const f = JSON.parse(r.stdout);
			assert.match(f.href, /^\/needs\.atom\?quarter=tighilt&lang=fr$/);
			assert.equal(f.bozo, 0);
			assert.equal(f.version, 'atom10');
			assert.equal(f.language, 'fr');
			const e = f.entries.find((x) => x.link.endsWith(`/needs/${needId}`));
			assert.ok(e, `the need in the feed of ${srv.side}`);
			assert.match(e.title, /marqueur-b7e1/);
			assert.equal(e.category, 'childcare');
			assert.match(e.summary, /budget supplémentaire/, 'the answer as the summary');
			assert.match(e.id, new RegExp(`need/citizen/${needId}$`));
			assert.ok(f.entries.every((x) => !/atlantis/.test(x.link)));
		}
		const bad = await fetch(`${pair.citizen.url}/needs.atom?quarter=atlantis`);
		assert.equal(bad.status, 400);
	});
});

describe('moderation', () => {
	test('a moderator hides a need: blanked on both sides, erased from both logs, in the moderation log', async () => {
		const resident = await verified('cache@example.org');
		const r = await resident.post('/needs', { quarter: 'centre', theme: 'other',
			text: 'Appelez Karim au sujet du terrain – marqueur-h1d3', display_name: 'Voisin' }, { json: true });
		assert.equal(r.status, 201);
		const id = r.json.need.id;
		await waitFor(async () => (await fetch(`${pair.official.url}/needs/${id}.json`)).status === 200,
			{ timeoutMs: 30000, what: 'the mirror' });
		const anon = await resident.post(`/staff/needs/${id}/hide`, { reason: 'Données personnelles' });
		assert.ok([303, 401, 403].includes(anon.status));
		const moderator = await signedIn(pair.citizen, 'moderator', 'moderatrice');
		const page = await moderator.get('/staff/needs?lang=fr');
		assert.match(page.body, new RegExp(`action="/staff/needs/${id}/hide"`));
		const noReason = await moderator.post(`/staff/needs/${id}/hide`, { reason: '' }, { json: true });
		assert.equal(noReason.json.error.code, 'reason_required');
		const h = await moderator.post(`/staff/needs/${id}/hide`, { reason: 'Données personnelles' });
		assert.equal(h.status, 303);
		assert.equal((await fetch(`${pair.citizen.url}/needs/${id}.json`)).status, 404);
		const again = await moderator.post(`/staff/needs/${id}/hide`, { reason: 'Encore' }, { json: true });
		assert.equal(again.status, 404);
		await waitFor(async () => (await fetch(`${pair.official.url}/needs/${id}.json`)).status === 404,
			{ timeoutMs: 30000, what: 'hidden on official-srv' });
		for (const srv of [pair.citizen, pair.official]) {
			const log = await readLog(srv, 'citizen');
			assert.ok(!log.some((e) => e.record.includes('marqueur-h1d3')), `erased from ${srv.side}'s log`);
			const mod = await getJson(srv, '/moderation');
			assert.ok(JSON.stringify(mod).includes('Données personnelles'), `${srv.side}'s moderation log`);
			const list = await (await fetch(`${srv.url}/needs`)).text();
			assert.ok(!list.includes('marqueur-h1d3'));
		}
	});
});

describe('demo', () => {
	test('the demo loader adds the needs once', async () => {
		const dir = tempDir('baladiya-needs-demo-');
		fs.copyFileSync(path.resolve('demo/citizen/needs.json'), path.join(dir, 'needs.json'));
		const r1 = await cliFor(pair.citizen, ['demo', 'load', dir]);
		assert.equal(r1.code, 0, r1.stderr);
		assert.match(r1.stdout, /5 demo needs added/);
		const r2 = await cliFor(pair.citizen, ['demo', 'load', dir]);
		assert.match(r2.stdout, /0 demo needs added, 5 already there/);
		const list = await getJson(pair.citizen, '/needs?quarter=cite500');
		assert.ok(list.needs.some((n) => /bus/.test(n.text) && n.supporters === 52));
		// dated in the past (age_days), as a real list would be
		const bus = list.needs.find((n) => /bus/.test(n.text));
		assert.equal(Math.floor((Date.now() - Date.parse(bus.created_at)) / 86400_000), 25, bus.created_at);
		const official = await cliFor(pair.official, ['demo', 'load', dir]);
		assert.doesNotMatch(official.stdout, /demo needs/, 'needs are the citizen platform\'s');
	});
});

describe('map', () => {
	// the demo commune's outline (demo/citizen/site.json): every quarter's place is inside it
	const BOX = { lon: [4.015, 4.09], lat: [36.693, 36.742] };
	const PLACED = ['centre', 'cite500', 'tighilt', 'elamel', 'zone_activites'];

	async function geojson(srv, query = '') {
		const r = await fetch(`${srv.url}/needs.geojson${query}`);
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /^application\/geo\+json/);
		return r.json();
	}

	/** The GeoJSON twin's shape: a FeatureCollection of quarter Points with their aggregate. */
	function checkShape(fc) {
		assert.equal(fc.type, 'FeatureCollection');
		assert.ok(Array.isArray(fc.features));
		const seen = new Set();
		for (const f of fc.features) {
			assert.deepEqual(Object.keys(f).sort(), ['geometry', 'properties', 'type']);
			assert.equal(f.type, 'Feature');
			assert.equal(f.geometry.type, 'Point');
			const [lon, lat] = f.geometry.coordinates;
			assert.equal(f.geometry.coordinates.length, 2);
			assert.ok(typeof lon === 'number' && lon >= BOX.lon[0] && lon <= BOX.lon[1], `lon ${lon}`);
			assert.ok(typeof lat === 'number' && lat >= BOX.lat[0] && lat <= BOX.lat[1], `lat ${lat}`);
			const p = f.properties;
			assert.deepEqual(Object.keys(p).sort(), ['answered', 'count', 'label', 'quarter', 'supporters', 'title', 'url']);
			assert.ok(PLACED.includes(p.quarter), p.quarter);
			assert.ok(!seen.has(p.quarter), 'one point per quarter');
			seen.add(p.quarter);
			assert.ok(Number.isInteger(p.count) && p.count >= 1);
			assert.ok(Number.isInteger(p.supporters) && p.supporters >= 0);
			assert.ok(Number.isInteger(p.answered) && p.answered <= p.count);
			assert.equal(typeof p.title, 'string');
			assert.match(p.url, new RegExp(`^/needs\\?quarter=${p.quarter}(&theme=[a-z_]+)?$`));
			assert.ok(p.label.includes(String(p.count)));
		}
		return fc.features;
	}

	test('the needs\' aggregate per quarter on the map, the theme filter carried, on both platforms', async () => {
		await waitFor(async () => (await getJson(pair.official, '/needs')).aggregates.by_quarter.length ===
			(await getJson(pair.citizen, '/needs')).aggregates.by_quarter.length, { what: 'needs mirrored' });
		for (const srv of [pair.citizen, pair.official]) {
			const all = checkShape(await geojson(srv, '?lang=fr'));
			const list = await getJson(srv, '/needs?lang=fr');
			// the same numbers as the table by quarter, for every placed quarter
			const byQuarter = Object.fromEntries(list.aggregates.by_quarter.map((q) => [q.quarter, q]));
			assert.deepEqual(all.map((f) => f.properties.quarter).sort(),
				Object.keys(byQuarter).filter((q) => PLACED.includes(q)).sort());
			for (const f of all) {
				const q = byQuarter[f.properties.quarter];
				assert.equal(f.properties.count, q.needs);
				assert.equal(f.properties.supporters, q.supporters);
				assert.equal(f.properties.answered, q.answered);
			}
			const tighilt = all.find((f) => f.properties.quarter === 'tighilt');
			assert.equal(tighilt.properties.title, 'Tighilt');
			assert.equal(tighilt.properties.url, '/needs?quarter=tighilt');
			assert.deepEqual(tighilt.geometry.coordinates, [4.029, 36.706], 'config/need_quarters.json');
			// a theme: only the quarters with needs of that theme, counted for it alone
			const child = checkShape(await geojson(srv, '?theme=childcare'));
			const cells = list.aggregates.cells.filter((c) => c.theme === 'childcare' && PLACED.includes(c.quarter));
			assert.deepEqual(child.map((f) => [f.properties.quarter, f.properties.count]).sort(),
				cells.map((c) => [c.quarter, c.needs]).sort());
			assert.ok(child.every((f) => f.properties.url.endsWith('&theme=childcare')));
			const youth = checkShape(await geojson(srv, '?theme=youth'));
			assert.ok(youth.length < all.length, 'the filter narrows the map');
			// the page: the map (its GeoJSON carries the filter) and, without JavaScript, the table
			const html = await (await fetch(`${srv.url}/needs?theme=childcare&lang=fr`)).text();
			assert.match(html, /data-geojson="\/needs\.geojson\?theme=childcare"/);
			assert.match(html, /aria-label="Carte des besoins par quartier"/);
			const table = /<table class="table" id="n-map-table">([\s\S]*?)<\/table>/.exec(html)[1];
			assert.match(table, /<caption>Sur la carte : besoins par quartier, thème · Petite enfance, crèches<\/caption>/);
			for (const f of child) {
				assert.ok(table.includes(`<a href="/needs?quarter=${f.properties.quarter}&amp;theme=childcare">`), f.properties.quarter);
			}
			const twin = await getJson(srv, '/needs?theme=childcare');
			assert.equal(twin.map.geojson, '/needs.geojson?theme=childcare');
			const bad = await fetch(`${srv.url}/needs.geojson?theme=astrologie`);
			assert.equal(bad.status, 400);
			assert.match(await bad.text(), /invalid_need_filter/);
		}
	});

	test('a need in a quarter without a place: in the table and the note, not on the map', async () => {
		const c = await verified('autre-quartier@example.org');
		const form = await c.get('/needs/new?lang=fr');
		assert.equal(form.status, 200);
		const r = await c.post('/needs', { quarter: 'autre', theme: 'water', text: 'Une fontaine publique, marqueur-q9z2', display_name: 'Voisine' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		const fc = await geojson(pair.citizen, '?theme=water&lang=fr');
		assert.ok(!fc.features.some((f) => f.properties.quarter === 'autre'));
		assert.match(fc.note, /Besoins hors des quartiers situés sur la carte \(voir le tableau\) : [1-9]/);
		const html = await (await fetch(`${pair.citizen.url}/needs?theme=water&lang=fr`)).text();
		assert.ok(/<table class="table" id="n-map-table">[\s\S]*?href="\/needs\?quarter=autre&amp;theme=water"/.test(html));
	});
});
