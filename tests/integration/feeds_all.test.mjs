// SPDX-License-Identifier: AGPL-3.0-or-later
// Every public list's Atom feed on both platforms (issue 13, "following without giving
// anything"), checked by programs the project did not write: Python's html.parser finds each
// list page's <link rel="alternate" type="application/atom+xml">, and Debian's
// python3-feedparser fetches and parses the feed it points at (bozo 0, the feed's language, the
// entries' titles, absolute links and RFC 3339 times as this test created them). Filters carry
// into the feed (a category, a quarter, a life event, the peer's news); drafts, withdrawn items
// and hidden or pending reports are in no feed; hostile titles (markup, "]]>", control and
// direction characters) come back as text; a feed is cached like its page and a write shows in
// it at once; a feed sets no cookie (so the page cache keeps it); a list without a feed has no
// ".atom" twin.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/feeds_all.test.mjs

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { createNews, sql } from '../lib/http.mjs';
import { staffClient, startLinkedPair, waitForMirror } from '../lib/federation.mjs';

const PYTHON = '/usr/bin/python3'; // Debian's, with feedparser (not the pyenv one on PATH)

// For each page: its <html lang>, the Atom feeds its head advertises (html.parser), and each
// feed as feedparser reads it from the server. For each bare feed address: the same, without
// the page. Reads [{page}|{feed}] as JSON on stdin, writes the results as JSON.
const CHECKER = String.raw`
import json, sys, urllib.request, urllib.parse
from html.parser import HTMLParser
import feedparser

class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = None
        self.feeds = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'html':
            self.lang = a.get('lang')
        if tag == 'link' and 'alternate' in (a.get('rel') or '').split() \
                and a.get('type') == 'application/atom+xml':
            self.feeds.append({'href': a.get('href'), 'title': a.get('title')})

def read_feed(url):
    d = feedparser.parse(url)
    return {
        'url': url,
        'status': d.get('status'),
        'content_type': d.get('headers', {}).get('content-type'),
        'cache': d.get('headers', {}).get('x-cache'),
        'set_cookie': d.get('headers', {}).get('set-cookie'),
        'bozo': int(bool(d.bozo)),
        'bozo_exception': str(d.get('bozo_exception', '')),
        'version': d.get('version'),
        'language': d.feed.get('language'),
        'title': d.feed.get('title'),
        'id': d.feed.get('id'),
        'author': d.feed.get('author'),
        'updated': d.feed.get('updated'),
        'entries': [{
            'id': e.get('id'), 'title': e.get('title'), 'link': e.get('link'),
            'updated': e.get('updated'), 'published': e.get('published'),
            'summary': e.get('summary'),
            'category': e.get('tags', [{}])[0].get('term') if e.get('tags') else None,
        } for e in d.entries],
    }

out = []
for job in json.load(sys.stdin):
    if 'page' in job:
        with urllib.request.urlopen(job['page']) as r:
            html = r.read().decode('utf-8')
        h = Head()
        h.feed(html)
        feeds = []
        for f in h.feeds:
            url = urllib.parse.urljoin(job['page'], f['href'])
            feeds.append(dict(read_feed(url), advertised=f))
        out.append({'page': job['page'], 'lang': h.lang, 'feeds': feeds})
    else:
        out.append(read_feed(job['feed']))
json.dump(out, sys.stdout)
`;

/** Runs the checker over jobs ([{page: url}] or [{feed: url}]); resolves to its results. */
function check(jobs) {
	return new Promise((resolve, reject) => {
		const p = spawn(PYTHON, ['-c', CHECKER], { stdio: ['pipe', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => {
			if (code !== 0) reject(new Error(`the feed checker exited ${code}: ${err}`));
			else resolve(JSON.parse(out));
		});
		p.stdin.end(JSON.stringify(jobs));
	});
}

/**
 * The one feed each page of srv advertises (paths, in lang), asserted well-formed Atom in lang;
 * one run of the checker for them all (Python starts in a few hundred milliseconds).
 */
async function advertisedAll(srv, paths, lang = 'fr', { urlIds = false } = {}) {
	const urls = paths.map((p) => `${srv.url}${p}${p.includes('?') ? '&' : '?'}lang=${lang}`);
	const pages = await check(urls.map((page) => ({ page })));
	return pages.map((page, i) => {
		assert.equal(page.lang, lang, `${urls[i]}: the page's language`);
		assert.equal(page.feeds.length, 1,
			`${urls[i]} advertises one Atom feed: ${JSON.stringify(page.feeds)}`);
		assertGoodFeed(page.feeds[0], urls[i], lang, urlIds);
		return page.feeds[0];
	});
}

/** advertisedAll for one page. */
async function advertised(srv, p, lang = 'fr', opts = {}) {
	return (await advertisedAll(srv, [p], lang, opts))[0];
}

/** Asserts f (a checker's result) is a good Atom feed in lang; urlIds: the reports' feed, whose
 * entries keep the ids (their pages' addresses) they had before the tag: ones. */
function assertGoodFeed(f, what, lang, urlIds = false) {
	assert.equal(f.status, 200, `${what}: its feed ${f.url} answered ${f.status}`);
	assert.equal(f.bozo, 0, `${what}: feedparser found an error in ${f.url}: ${f.bozo_exception}`);
	assert.equal(f.version, 'atom10', `${what}: ${f.url} is Atom 1.0`);
	assert.equal(f.content_type, 'application/atom+xml; charset=utf-8');
	assert.equal(f.language, lang, `${what}: the feed's language`);
	assert.equal(f.set_cookie, null, `${what}: a feed sets no cookie (its address has the language)`);
	assert.match(f.id, /^tag:|^https?:/);
	assert.ok(f.author, 'the platform is the author');
	for (const e of f.entries) {
		assert.match(e.id, urlIds ? /^http:\/\/127\.0\.0\.1:\d+\/reports\/R-/ : /^tag:127\.0\.0\.1,2026:/,
			`${what}: a stable id`);
		assert.match(e.link, /^http:\/\/127\.0\.0\.1:\d+\//, `${what}: an absolute link`);
		assert.match(e.updated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/,
			`${what}: RFC 3339 updated`);
		assert.ok(Math.abs(Date.parse(e.updated) - Date.now()) < 3_600_000 ||
			/T00:00:00Z$/.test(e.updated), `${what}: a time near now: ${e.updated}`);
	}
}

const titles = (f) => f.entries.map((e) => e.title).sort();

describe('every public list has an Atom feed', () => {
	let pair;
	let official;
	let citizen;
	let staff;
	let cstaff;
	const ids = {};
	const HOSTILE = 'Coupure ]]> <b>"eau"</b> & gaz \u202Eégout\u202C\u0007 fin';
	const HOSTILE_READ = 'Coupure ]]> <b>"eau"</b> & gaz \u202Eégout\u202C fin'; // BEL dropped

	const create = async (who, p, fields, publish = true) => {
		const r = await who.post(`/staff/${p}`, { action: publish ? 'publish' : 'draft', ...fields });
		assert.equal(r.status, 303, `create ${p}: ${r.status} ${r.errorCode}`);
		const list = (await who.get(`/staff/${p}.json`)).json.items;
		const item = list.find((i) => i.data.title?.fr === fields.title_fr);
		assert.ok(item, `the new item is in /staff/${p}.json`);
		return item.id;
	};

	before(async () => {
		pair = await startLinkedPair();
		({ official, citizen } = pair);
		staff = await staffClient(official);
		cstaff = await staffClient(citizen);
		ids.news = await createNews(staff, { title_fr: 'Travaux rue Didouche', title_ar: 'أشغال شارع ديدوش',
			body_fr: 'La **rue** sera fermée du 3 au 5.\n\nMerci de votre patience.' });
		ids.hostile = await createNews(staff, { title_fr: HOSTILE, body_fr: 'Texte ]]> & <i>x</i>' });
		ids.draft = await createNews(staff, { title_fr: 'Brouillon secret', body_fr: 'x' },
			{ publish: false });
		ids.withdrawn = await createNews(staff, { title_fr: 'Actualité retirée', body_fr: 'x' });
		const r = await staff.post(`/staff/news/${ids.withdrawn}/unpublish`, { reason: 'Erreur de date' });
		assert.equal(r.status, 303, `unpublish: ${r.status} ${r.errorCode}`);
		ids.citizenNews = await createNews(cstaff, { title_fr: 'Assemblée du collectif',
			body_fr: 'Samedi à 10 h.' });
		await create(staff, 'projects', { title_fr: 'Réfection de la voirie du centre',
			description_fr: 'Deux kilomètres de **chaussée**.', category: 'voirie', quarter: 'centre',
			status: 'en_cours', progress: '40' });
		await create(staff, 'projects', { title_fr: 'Château d\'eau de Tighilt', category: 'eau',
			quarter: 'tighilt', status: 'etude', progress: '0' });
		await create(staff, 'projects', { title_fr: 'Projet en brouillon', category: 'eau',
			status: 'etude', progress: '0' }, false);
		await create(staff, 'sessions', { title_fr: 'Session ordinaire de mars', date: '2026-03-20',
			type: 'ordinaire', public: '1', agenda_fr: '1. Budget' });
		await create(staff, 'deliberations', { number: '2026/007', title_fr: 'Éclairage LED',
			session_date: '2026-03-20', outcome: 'adoptee', summary_fr: '900 points lumineux.' });
		await create(staff, 'budgets', { title_fr: 'Budget primitif 2026', year: '2026', type: 'bp',
			summary_fr: 'Le budget de l\'année.' });
		await create(staff, 'services', { key: 'feed-test', title_fr: 'Certificat de résidence',
			life_event: 'civil_status', mode: 'info', summary_fr: 'Délivré au guichet.' });
		// reports: one public, one pending and one hidden (which no feed may show)
		await sql(citizen, `INSERT INTO reports (origin, origin_id, ref, category, title,
			description, quarter, visibility, created_at, updated_at) VALUES
			('citizen', 9001, 'R-FEED-0001', 'ECL', 'Lampadaire éteint', 'Depuis lundi', 'centre',
			 'public', now(), now()),
			('citizen', 9002, 'R-FEED-0002', 'ECL', 'Signalement en attente', 'x', 'centre',
			 'pending', now(), now()),
			('citizen', 9003, 'R-FEED-0003', 'ECL', 'Signalement masqué', 'y', 'centre',
			 'hidden', now(), now())`);
		await sql(citizen, `INSERT INTO moderation_log (origin, origin_id, action, target, reason)
			VALUES ('citizen', 9003, 'hide_report', 'report/R-FEED-0003',
			'Un numéro de téléphone   dans le texte')`);
		await waitForMirror(official, citizen);
		await waitForMirror(citizen, official);
	});

	after(async () => {
		if (!pair) return;
		const codes = await Promise.all([official.stop(), citizen.stop()]);
		assert.deepEqual(codes, [0, 0], 'both daemons stop cleanly (no leak)');
	});

	test('news: each side\'s own and the peer\'s mirrored, without drafts or withdrawn items', async () => {
		const own = await advertised(official, '/news');
		assert.deepEqual(titles(own), [HOSTILE_READ, 'Travaux rue Didouche'].sort());
		const item = own.entries.find((e) => e.title === 'Travaux rue Didouche');
		assert.equal(item.link, `${official.url}/news/${ids.news}`);
		assert.equal(item.summary, 'La rue sera fermée du 3 au 5. Merci de votre patience.',
			'a plain-text summary, Markdown removed');
		assert.equal(item.id, `tag:127.0.0.1,2026:news/official/${ids.news}`);
		assert.match(own.advertised.title, /Actualités/);
		assert.match(own.title, /Actualités$/);

		const mirrored = await advertised(citizen, '/news?from=peer');
		assert.deepEqual(titles(mirrored), titles(own), 'the citizen platform\'s feed of the commune\'s news');
		for (const e of mirrored.entries) assert.ok(e.link.startsWith(`${citizen.url}/news/`));
		assert.equal(mirrored.entries.find((e) => e.title === 'Travaux rue Didouche').id, item.id,
			'the same id on both platforms for the same news');

		const cown = await advertised(citizen, '/news');
		assert.deepEqual(titles(cown), ['Assemblée du collectif']);
		const peer = await advertised(official, '/news?from=peer');
		assert.deepEqual(titles(peer), ['Assemblée du collectif']);
	});

	test('the home page advertises both sides\' news', async () => {
		for (const srv of [official, citizen]) {
			const [home] = await check([{ page: `${srv.url}/?lang=fr` }]);
			assert.equal(home.feeds.length, 2, JSON.stringify(home.feeds));
			for (const f of home.feeds) assertGoodFeed(f, `${srv.side} /`, 'fr');
			assert.deepEqual(home.feeds.map((f) => new URL(f.url).search),
				['?lang=fr', '?from=peer&lang=fr']);
			const own = srv === official ? ['Travaux rue Didouche'] : ['Assemblée du collectif'];
			assert.ok(own.every((t) => home.feeds[0].entries.some((e) => e.title === t)));
		}
	});

	test('the feed speaks the page\'s language', async () => {
		const ar = await advertised(official, '/news', 'ar');
		assert.ok(ar.entries.some((e) => e.title === 'أشغال شارع ديدوش'));
		assert.match(ar.advertised.title, /الأخبار|أخبار/);
	});

	test('every kind of publication, on both platforms, with its filters', async () => {
		const expect = {
			projects: ['Château d\'eau de Tighilt', 'Réfection de la voirie du centre'],
			sessions: ['Session ordinaire de mars'],
			deliberations: ['Éclairage LED'],
			budgets: ['Budget primitif 2026'],
		};
		for (const srv of [official, citizen]) {
			const kinds = Object.keys(expect);
			const [voirie, tighilt, none, services, civil, ...lists] = await advertisedAll(srv, [
				'/projects?category=voirie', '/projects?quarter=tighilt',
				'/projects?quarter=tighilt&category=voirie', '/services', '/services?life_event=school',
				...kinds.map((p) => `/${p}`)]);
			kinds.forEach((p, i) => {
				assert.deepEqual(titles(lists[i]), expect[p], `${srv.side} /${p}`);
				for (const e of lists[i].entries) assert.match(e.link, new RegExp(`^${srv.url}/${p}/\\d+$`));
			});
			assert.deepEqual(titles(voirie), ['Réfection de la voirie du centre'], 'a category');
			assert.match(voirie.advertised.href, /category=voirie/);
			assert.equal(voirie.entries[0].category, 'voirie');
			assert.equal(voirie.entries[0].summary, 'Deux kilomètres de chaussée.');
			assert.deepEqual(titles(tighilt), ['Château d\'eau de Tighilt'], 'a quarter');
			assert.deepEqual(none.entries, [], 'both filters: nothing matches');
			assert.ok(services.entries.some((e) => e.title === 'Certificat de résidence' &&
				e.link === `${srv.url}/services/feed-test`), `${srv.side} /services`);
			assert.ok(!civil.entries.some((e) => e.title === 'Certificat de résidence'),
				'a life event the service is not in');
		}
	});

	test('reports: the list and the map advertise the feed of what they show, hidden ones never in it', async () => {
		const [list, map, all, status] = await advertisedAll(citizen, ['/reports?category=ECL',
			'/reports/map?category=ECL', '/reports', '/reports?status=resolved'], 'fr', { urlIds: true });
		for (const f of [list, map]) {
			assert.match(f.url, /\/reports\/feed\.atom\?category=ECL&lang=fr$/);
			assert.deepEqual(titles(f), ['Lampadaire éteint']);
		}
		assert.ok(!all.entries.some((e) => /attente|masqué/.test(e.title)));
		assert.ok(!status.entries.some((e) => e.title === 'Lampadaire éteint'), 'the status filter');
	});

	test('the public moderation log: each decision with its public reason', async () => {
		const f = await advertised(citizen, '/moderation');
		const e = f.entries.find((x) => x.id === 'tag:127.0.0.1,2026:moderation/citizen/9003');
		assert.ok(e, JSON.stringify(f.entries));
		assert.equal(e.title, 'Textes d\'un signalement masqués — report/R-FEED-0003');
		assert.equal(e.summary, 'Un numéro de téléphone dans le texte');
		assert.equal(e.link, `${citizen.url}/moderation#m-citizen-9003`);
		assert.ok(!JSON.stringify(f).includes('Signalement masqué'), 'the hidden text is not in it');
	});

	test('a write shows at once in a cached feed; an unknown filter is a 400; no twin elsewhere', async () => {
		const url = `${official.url}/news.atom?lang=fr`;
		// twice: the second answer comes from the page cache, with the same type
		const [before1, cached] = await check([{ feed: url }, { feed: url }]);
		assert.deepEqual(cached.entries, before1.entries);
		assert.equal(cached.cache, 'hit', 'the feed is kept by the page cache');
		await createNews(staff, { title_fr: 'Nouvelle du jour', body_fr: 'x' });
		const [after1] = await check([{ feed: url }]);
		for (const f of [before1, cached, after1]) assertGoodFeed(f, url, 'fr');
		assert.notEqual(after1.cache, 'hit', 'the write emptied the cache');
		assert.equal(after1.entries.length, before1.entries.length + 1);
		assert.ok(after1.entries.some((e) => e.title === 'Nouvelle du jour'));
		const bad = await fetch(`${official.url}/projects.atom?category=nope`);
		assert.equal(bad.status, 400);
		assert.doesNotMatch(bad.headers.get('content-type'), /atom/);
		for (const p of ['/news/1.atom', '/about.atom', '/staff/news.atom']) {
			const r = await fetch(`${official.url}${p}`);
			assert.equal(r.status, 404, p);
		}
		// a page without a feed advertises none
		const [about] = await check([{ page: `${official.url}/about?lang=fr` }]);
		assert.deepEqual(about.feeds, []);
	});
});
