// SPDX-License-Identifier: AGPL-3.0-or-later
// Tamazight over HTTP on both demo daemons: the demo theme enables kab (site.json "languages"),
// chosen by ?lang, the cookie or Accept-Language (kab-DZ); <html lang="kab" dir="ltr">; the
// switcher names it "Taqbaylit"; the pages of each side are in Kabyle; texts the theme or the
// content lack in Kabyle show French marked lang="fr"; the commune's Tifinagh name carries its
// lang and the Tifinagh font is served, loaded only for U+2D30-2D7F. BALADIYA_LANGUAGES wins over
// the theme, and a list with something that is not a language code stops the daemon.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import { ROOT, startCluster } from '../lib/harness.mjs';
import { Client, cliFor, htmlAttrs, loadDemo, sql, startSite } from '../lib/http.mjs';

let cluster;
const srv = {};

before(async () => {
	cluster = await startCluster();
	[srv.official, srv.citizen] = await Promise.all([
		startSite('official', { cluster, themeDir: 'demo/official' }),
		startSite('citizen', { cluster, themeDir: 'demo/citizen' }),
	]);
	await Promise.all([loadDemo(srv.official), loadDemo(srv.citizen)]);
});

after(async () => {
	await Promise.all(Object.values(srv).map((s) => s.stop()));
	await cluster?.destroy();
});

/** The language links of the header: [{code, name}]. */
function switcher(html) {
	const nav = /<nav class="langs"[^>]*>(.*?)<\/nav>/s.exec(html)?.[1] || '';
	return [...nav.matchAll(/<a href="[^"]*" lang="([^"]+)" hreflang="[^"]+"[^>]*>([^<]+)<\/a>/g)]
		.map((m) => ({ code: m[1], name: m[2] }));
}

describe('Tamazight (kab) on the demo theme', () => {
	it('is chosen by ?lang, the cookie and Accept-Language, left to right, named Taqbaylit', async () => {
		for (const side of ['official', 'citizen']) {
			const c = new Client(srv[side].url);
			let r = await c.get('/?lang=kab');
			assert.equal(r.status, 200);
			assert.deepEqual(htmlAttrs(r.body), { lang: 'kab', dir: 'ltr' }, side);
			assert.equal(c.cookie('lang'), 'kab');
			assert.deepEqual(switcher(r.body).map((l) => l.code), ['ar', 'fr', 'kab', 'en'],
				'the theme\'s languages, in its order');
			assert.equal(switcher(r.body).find((l) => l.code === 'kab').name, 'Taqbaylit');
			r = await c.get('/about');
			assert.equal(htmlAttrs(r.body).lang, 'kab', 'the cookie');
			r = await new Client(srv[side].url).get('/about',
				{ headers: { 'accept-language': 'kab-DZ,kab;q=0.9,fr;q=0.8' } });
			assert.deepEqual(htmlAttrs(r.body), { lang: 'kab', dir: 'ltr' }, 'kab-DZ → kab');
			r = await new Client(srv[side].url).get('/about',
				{ headers: { 'accept-language': 'KAB' } });
			assert.equal(htmlAttrs(r.body).lang, 'kab', 'case-insensitive');
		}
	});

	it('shows the pages of each side in Kabyle', async () => {
		const pages = {
			official: [['/', 'Isallen ineggura'], ['/news', 'Isallen'], ['/projects', 'Isenfaren'],
				['/services', 'Imeẓla'], ['/dialogue', 'Tiririyin i yimdanen'], ['/login', 'Awal uffir']],
			citizen: [['/', 'Tizwarin-nneɣ'], ['/reports', 'Ineqqisen n yimezdaɣ'],
				['/reports/new', 'Mmel-d ugur'], ['/proposals', 'Isumar n yimezdaɣ'],
				['/dialogue', 'Tallunt n udiwenni'], ['/needs', 'Ilaqen']],
		};
		for (const [side, list] of Object.entries(pages)) {
			for (const [p, text] of list) {
				const r = await new Client(srv[side].url).get(`${p}${p.includes('?') ? '&' : '?'}lang=kab`);
				assert.equal(r.status, 200, `${side} ${p}`);
				assert.deepEqual(htmlAttrs(r.body), { lang: 'kab', dir: 'ltr' }, `${side} ${p}`);
				assert.ok(r.body.includes(text), `${side} ${p} shows "${text}"`);
				assert.ok(r.body.includes('Agejdan'), `${side} ${p}: the navigation is in Kabyle`);
			}
		}
	});

	it('marks what it shows in French for lack of Kabyle with lang="fr"', async () => {
		const r = await new Client(srv.official.url).get('/?lang=kab');
		// the theme names the commune in Kabyle, but has its presentation and priorities in ar/fr
		assert.match(r.body, /<span class="brand-name" dir="auto">Tagiwnt n Tiziri<\/span>/);
		assert.match(r.body, /<div class="prose" dir="auto" lang="fr">/);
		assert.match(r.body, /<h3 dir="auto" lang="fr">Voirie et trottoirs<\/h3>/);
		// news exist in ar and fr only: their titles are French, marked so
		assert.match(r.body, /<a href="\/news\/\d+" lang="fr" dir="auto">/);
		// on a French page nothing is marked: the page's own lang holds
		const fr = await new Client(srv.official.url).get('/?lang=fr');
		assert.match(fr.body, /<div class="prose" dir="auto">/);
		assert.match(fr.body, /<h3 dir="auto">Voirie et trottoirs<\/h3>/);
		// English lacks the priorities too: French, marked
		const en = await new Client(srv.official.url).get('/?lang=en');
		assert.match(en.body, /<h3 dir="auto" lang="fr">Voirie et trottoirs<\/h3>/);
	});

	it('shows the commune\'s Tifinagh name with its lang on every page, in every language', async () => {
		for (const side of ['official', 'citizen']) {
			for (const lang of ['ar', 'fr', 'kab', 'en']) {
				const r = await new Client(srv[side].url).get(`/about?lang=${lang}`);
				assert.match(r.body,
					/<span class="brand-tifinagh tifinagh" lang="kab-Tfng" dir="ltr">ⵜⵉⵣⵉⵔⵉ<\/span>/,
					`${side} ${lang}`);
			}
		}
		const home = await new Client(srv.official.url).get('/?lang=ar');
		assert.match(home.body, /<h1 id="home-title">.*<span class="tifinagh" lang="kab-Tfng" dir="ltr">ⵜⵉⵣⵉⵔⵉ<\/span><\/h1>/);
	});

	it('serves the Tifinagh font, which the stylesheet loads only for U+2D30-2D7F', async () => {
		const c = new Client(srv.citizen.url);
		const page = await c.get('/?lang=kab');
		const cssUrl = /<link rel="stylesheet" href="([^"]+baladiya\.css[^"]*)">/.exec(page.body)[1];
		const css = (await c.get(cssUrl)).body;
		const face = /@font-face\s*\{[^}]*\}/.exec(css)?.[0];
		assert.ok(face, 'an @font-face');
		assert.match(face, /font-family: "Baladiya Tifinagh"/);
		assert.match(face, /unicode-range: U\+2D30-2D7F/);
		const src = /url\("([^"]+)"\)/.exec(face)[1];
		const fontUrl = new URL(src, new URL(cssUrl, srv.citizen.url)).href;
		const res = await fetch(fontUrl);
		assert.equal(res.status, 200, fontUrl);
		assert.equal(res.headers.get('content-type'), 'font/ttf');
		const bytes = new Uint8Array(await res.arrayBuffer());
		assert.ok(bytes.length > 10_000, `${bytes.length} bytes`);
		assert.deepEqual([...bytes.slice(0, 4)], [0, 1, 0, 0], 'a TrueType font');
		// the font's name table (UTF-16BE) names it
		assert.ok(Buffer.from(bytes).includes(Buffer.from('Noto Sans Tifinagh', 'utf16le').swap16()));
	});
});

describe('messages in Kabyle', () => {
	it('queues a message in kab, a language the platform offers, and refuses one it does not', async () => {
		const send = (lang) => cliFor(srv.citizen, ['notify', 'send', '--channel', 'email',
			'--to', 'amina@example.org', '--lang', lang, '--kind', 'test.kab', '--subject', 'Asentem',
			'--body', 'Tangalt-ik n usenqed: 123456'],
		// the command reads the languages where the daemon does: the theme (same environment)
		{ env: { BALADIYA_THEME_DIR: path.join(ROOT, 'demo', 'citizen') } });
		const ok = await send('kab');
		assert.equal(ok.code, 0, ok.stderr);
		assert.equal(await sql(srv.citizen, "SELECT count(*) FROM notify_messages WHERE kind = 'test.kab' AND lang = 'kab'"), '1');
		const de = await send('de');
		assert.equal(de.code, 2);
		assert.match(de.stderr, /does not offer that language/);
	});
});

describe('which languages a daemon offers', () => {
	it('takes BALADIYA_LANGUAGES over the theme\'s list', async () => {
		const s = await startSite('official', { cluster, themeDir: 'demo/official',
			env: { BALADIYA_LANGUAGES: 'fr,ar' } });
		try {
			const r = await new Client(s.url).get('/about?lang=kab');
			assert.deepEqual(htmlAttrs(r.body), { lang: 'fr', dir: 'ltr' }, 'kab is not enabled: the default');
			assert.deepEqual(switcher(r.body).map((l) => l.code), ['fr', 'ar']);
		} finally {
			await s.stop();
		}
	});

	it('offers kab without a theme when BALADIYA_LANGUAGES lists it', async () => {
		const s = await startSite('citizen', { cluster, env: { BALADIYA_LANGUAGES: 'kab,ar,fr' } });
		try {
			const r = await new Client(s.url).get('/about');
			assert.deepEqual(htmlAttrs(r.body), { lang: 'kab', dir: 'ltr' }, 'first = default');
			assert.ok(r.body.includes('Ɣef usmel'));
			const ar = await new Client(s.url).get('/about?lang=ar');
			assert.deepEqual(htmlAttrs(ar.body), { lang: 'ar', dir: 'rtl' });
		} finally {
			await s.stop();
		}
	});

	it('refuses to start with something that is not a language code, or a language without a catalog', async () => {
		for (const languages of ['ar,../../etc/passwd', 'ar,zz']) {
			await assert.rejects(startSite('official', { cluster, env: { BALADIYA_LANGUAGES: languages } }),
				languages);
		}
	});
});
