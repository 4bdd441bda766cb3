// SPDX-License-Identifier: AGPL-3.0-or-later
// The Atom and RSS feeds of citizen-srv's reports, read with an outside XML parser and
// validator (fast-xml-parser): both are well-formed, carry the elements Atom (RFC 4287) and
// RSS 2.0 require, absolute links built from BALADIYA_PUBLIC_URL (to each report, the list and
// its JSON twin), the newest 50 public reports only (no pending or hidden one), each with its
// title, description, category and time; hostile texts (markup, ampersands, quotes, direction
// controls, characters XML cannot carry) are escaped so that parsing gives the text back and
// nothing else; the category and quarter filters work and unknown values are 400.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/feeds.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { cliFor, startSite } from '../lib/http.mjs';

const PUBLIC_URL = 'https://citoyens.tiziri.example/'; // the trailing slash must not double
const BASE = 'https://citoyens.tiziri.example';
const HOSTILE_TITLE = '<script>alert("x&y")</script> \'q\' \u202Eevil\u200F!';
const HOSTILE_TEXT = 'A & B <b>gras</b> "cité" \'500\' </summary></entry> ]]> \u202B\u2067شارع\u2069';

let srv;
let apiKey;
const refs = {}; // name → reference

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@_',
	htmlEntities: true, // numeric character references (direction controls) are decoded too
	isArray: (name, jpath) => ['entry', 'item', 'atom:link', 'category'].includes(name) ||
		['feed.link', 'feed.entry.link'].includes(jpath), // RSS's <link> is text
	parseTagValue: false,
	trimValues: false,
});

async function fetchFeed(p, { status = 200 } = {}) {
	const r = await fetch(`${srv.url}${p}`);
	const text = await r.text();
	assert.equal(r.status, status, `GET ${p}: ${text.slice(0, 300)}`);
	return { text, type: r.headers.get('content-type') };
}

/** The parsed feed, after checking it is well-formed XML. */
function parse(text, what) {
	const valid = XMLValidator.validate(text);
	assert.equal(valid, true, `${what} is not well-formed: ${JSON.stringify(valid)}`);
	return parser.parse(text);
}

async function file(fields) {
	const r = await fetch(`${srv.url}/open311/v2/requests.json`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ api_key: apiKey, ...fields }),
	});
	const j = await r.json();
	assert.equal(r.status, 200, JSON.stringify(j));
	return j[0].service_request_id;
}

async function sql(q) {
	return (await srv.cluster.psql(q, { database: srv.database })).trim();
}

before(async () => {
	srv = await startSite('citizen', { themeDir: 'demo/citizen',
		env: { BALADIYA_PUBLIC_URL: PUBLIC_URL } });
	const k = await cliFor(srv, ['open311', 'key', 'add', 'feeds']);
	assert.equal(k.code, 0, k.stderr);
	apiKey = k.stdout.trim();
	// 52 ordinary reports (more than a feed holds), oldest first, straight into the table
	await sql(`INSERT INTO reports (origin, origin_id, ref, category, title, description, quarter,
		created_at, updated_at)
		SELECT 'citizen', 1000 + g, 'R-OLD0-' || lpad(g::text, 4, '0'), 'ECL',
			'Lampadaire ' || g, 'Éteint depuis ' || g || ' jours', 'tighilt',
			now() - interval '1 day' - g * interval '1 minute',
			now() - interval '1 day' - g * interval '1 minute'
		FROM generate_series(1, 52) g`);
	// a mirrored text may hold what no form accepts: controls and non-characters are dropped
	await sql(`INSERT INTO reports (origin, origin_id, ref, category, title, description,
		created_at, updated_at) VALUES ('citizen', 2001, 'R-CTRL-0001', 'AUT',
		'Bell' || chr(7) || 'e' || chr(65535), 'Tab' || chr(9) || 'ok' || chr(1), now(), now())`);
	// neither pending nor hidden reports are in a feed
	await sql(`INSERT INTO reports (origin, origin_id, ref, category, title, description,
		visibility, created_at, updated_at) VALUES
		('citizen', 2002, 'R-PEND-0001', 'VOI', 'En attente secrète', 'x', 'pending', now(), now()),
		('citizen', 2003, 'R-HIDE-0001', 'VOI', 'Texte masqué', 'y', 'hidden', now(), now())`);
	refs.hostile = await file({ service_code: 'VOI', title: HOSTILE_TITLE,
		description: HOSTILE_TEXT, address_string: 'Centre', quarter: 'centre' });
	refs.pro = await file({ service_code: 'PRO', description: 'Dépôt sauvage près du marché',
		address_string: 'Marché', quarter: 'elamel' });
});

after(async () => {
	if (srv) assert.equal(await srv.stop(), 0);
});

describe('Atom', () => {
	let text;
	let feed;

	test('well-formed, its content type, the required elements', async () => {
		const r = await fetchFeed('/reports/feed.atom?lang=fr');
		text = r.text;
		assert.match(r.type, /^application\/atom\+xml; charset=utf-8$/);
		assert.match(text, /^<\?xml version="1\.0" encoding="utf-8"\?>/);
		feed = parse(text, 'the Atom feed').feed;
		assert.equal(feed['@_xmlns'], 'http://www.w3.org/2005/Atom');
		assert.equal(feed['@_xml:lang'], 'fr');
		assert.equal(feed.id, `${BASE}/reports/feed.atom`);
		assert.match(feed.title['#text'], /Tiziri citoyenne — Signalements/);
		assert.ok(!Number.isNaN(Date.parse(feed.updated)));
		assert.equal(feed.author.name, 'Tiziri citoyenne');
		const rel = (r2, type) => feed.link.find((l) => l['@_rel'] === r2 && l['@_type'] === type);
		assert.equal(rel('self', 'application/atom+xml')['@_href'], `${BASE}/reports/feed.atom?lang=fr`);
		assert.equal(rel('alternate', 'text/html')['@_href'], `${BASE}/reports?lang=fr`);
		assert.equal(rel('alternate', 'application/json')['@_href'], `${BASE}/reports.json?lang=fr`);
	});

	test('the newest 50 public reports, each complete', () => {
		assert.equal(feed.entry.length, 50);
		const ids = feed.entry.map((e) => e.id);
		assert.equal(ids[0], `${BASE}/reports/${refs.pro}`, 'newest first');
		assert.equal(ids[1], `${BASE}/reports/${refs.hostile}`);
		assert.ok(!text.includes('R-PEND-0001') && !text.includes('secrète'), 'no pending report');
		assert.ok(!text.includes('R-HIDE-0001') && !text.includes('masqué'), 'no hidden report');
		assert.ok(!text.includes('R-OLD0-0048') && text.includes('R-OLD0-0047'), 'the oldest left out');
		const updated = feed.entry.map((e) => Date.parse(e.updated));
		for (const e of feed.entry) {
			assert.match(e.id, /^https:\/\/citoyens\.tiziri\.example\/reports\/R-/);
			assert.equal(e.link[0]['@_href'], e.id);
			assert.equal(e.link[0]['@_rel'], 'alternate');
			assert.ok(e.title['#text'].length > 0);
			assert.equal(e.title['@_type'], 'text');
			assert.ok(!Number.isNaN(Date.parse(e.updated)) && !Number.isNaN(Date.parse(e.published)));
			assert.match(e.category[0]['@_term'], /^[A-Z]{3}$/);
			assert.ok(e.category[0]['@_label'].length > 0);
			assert.equal(e.summary['@_type'], 'text');
		}
		assert.ok(updated.every((u) => !Number.isNaN(u)));
		const pro = feed.entry[0];
		assert.equal(pro.category[0]['@_label'], 'Propreté, ordures, dépôts sauvages');
		assert.equal(pro.summary['#text'], 'Dépôt sauvage près du marché');
	});

	test('hostile strings come back as text, nothing more', () => {
		const e = feed.entry.find((x) => x.id.endsWith(refs.hostile));
		assert.equal(e.title['#text'], HOSTILE_TITLE);
		assert.equal(e.summary['#text'], HOSTILE_TEXT);
		assert.ok(!text.includes('<script>') && !text.includes('<b>'), 'markup escaped');
		assert.ok(!text.includes('</summary></entry> ]]>'), 'no early end');
		assert.ok(!/[\u202A-\u202E\u2066-\u2069\u200E\u200F]/.test(text),
			'direction controls only as character references');
		assert.match(text, /&#x202E;/);
		const ctrl = feed.entry.find((x) => x.id.endsWith('R-CTRL-0001'));
		assert.equal(ctrl.title['#text'], 'Belle', 'BEL and U+FFFF dropped');
	});
});

describe('RSS', () => {
	test('well-formed, its content type, channel and items', async () => {
		const r = await fetchFeed('/reports/feed.rss?lang=ar');
		assert.match(r.type, /^application\/rss\+xml; charset=utf-8$/);
		const rss = parse(r.text, 'the RSS feed').rss;
		assert.equal(rss['@_version'], '2.0');
		const ch = rss.channel;
		assert.match(ch.title, /تيزيري المواطنة — التبليغات/);
		assert.equal(ch.link, `${BASE}/reports?lang=ar`);
		assert.ok(ch.description.length > 0);
		assert.equal(ch.language, 'ar');
		assert.ok(!Number.isNaN(Date.parse(ch.lastBuildDate)));
		const self = ch['atom:link'].find((l) => l['@_rel'] === 'self');
		assert.equal(self['@_href'], `${BASE}/reports/feed.rss?lang=ar`);
		const json = ch['atom:link'].find((l) => l['@_type'] === 'application/json');
		assert.equal(json['@_href'], `${BASE}/reports.json?lang=ar`);
		assert.equal(ch.item.length, 50);
		for (const it of ch.item) {
			assert.match(it.link, /^https:\/\/citoyens\.tiziri\.example\/reports\/R-/);
			assert.equal(it.guid['#text'], it.link);
			assert.equal(it.guid['@_isPermaLink'], 'true');
			assert.ok(it.title.length > 0 && typeof it.description === 'string');
			assert.match(it.pubDate, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
			assert.ok(Math.abs(Date.parse(it.pubDate) - Date.parse(it['atom:updated'])) < 86_400_000 * 2);
			assert.ok(it.category[0]['#text'].length > 0);
		}
		const hostile = ch.item.find((x) => x.link.endsWith(refs.hostile));
		assert.equal(hostile.title, HOSTILE_TITLE);
		// a reader takes the description as HTML: after XML parsing it is still escaped HTML
		const html = HOSTILE_TEXT.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
			.replace(/"/g, '&quot;').replace(/'/g, '&#39;');
		assert.equal(hostile.description, html);
		assert.ok(!r.text.includes('<script>') && !r.text.includes('<b>'));
		const pro = ch.item.find((x) => x.link.endsWith(refs.pro));
		assert.equal(pro.category[0]['#text'], 'النظافة ورفع النفايات');
		assert.equal(pro.category[0]['@_domain'], `${BASE}/reports?category=PRO`);
	});
});

describe('filters', () => {
	test('category and quarter, alone and together, in both feeds', async () => {
		const atom = parse((await fetchFeed('/reports/feed.atom?category=PRO')).text, 'PRO').feed;
		assert.deepEqual(atom.entry.map((e) => e.id), [`${BASE}/reports/${refs.pro}`]);
		assert.equal(atom.id, `${BASE}/reports/feed.atom?category=PRO`);
		const json = atom.link.find((l) => l['@_type'] === 'application/json');
		assert.match(json['@_href'], /^https:\/\/citoyens\.tiziri\.example\/reports\.json\?category=PRO&lang=/);

		const rss = parse((await fetchFeed('/reports/feed.rss?quarter=centre')).text, 'centre').rss;
		assert.deepEqual(rss.channel.item.map((i) => i.link), [`${BASE}/reports/${refs.hostile}`]);

		const both = parse((await fetchFeed('/reports/feed.atom?category=ECL&quarter=tighilt')).text,
			'ECL tighilt').feed;
		assert.equal(both.entry.length, 50);
		assert.ok(both.entry.every((e) => e.category[0]['@_term'] === 'ECL'));
		const none = parse((await fetchFeed('/reports/feed.rss?category=ECL&quarter=centre')).text,
			'empty').rss;
		assert.equal(none.channel.item, undefined, 'an empty feed is still a feed');

		const aut = parse((await fetchFeed('/reports/feed.atom?category=AUT')).text, 'AUT').feed;
		assert.equal(aut.entry.length, 1);
		assert.equal(aut.entry[0].title['#text'], 'Belle', 'BEL and U+FFFF dropped');
		assert.equal(aut.entry[0].summary['#text'], 'Tab\tok');
	});

	test('unknown values are 400, valid XML is never sent for them', async () => {
		for (const q of ['category=XYZ', 'category=voi', 'quarter=nowhere', 'quarter=%3Cx%3E',
			'category=PRO&quarter=atlantis']) {
			for (const f of ['atom', 'rss']) {
				const r = await fetch(`${srv.url}/reports/feed.${f}?${q}`, {
					headers: { accept: 'application/json' } });
				assert.equal(r.status, 400, `${f} ?${q}`);
			}
		}
		const r = await fetch(`${srv.url}/reports/feed.atom?category=XYZ`);
		assert.equal(r.status, 400);
		assert.match(r.headers.get('content-type'), /text\/html/);
	});
});
