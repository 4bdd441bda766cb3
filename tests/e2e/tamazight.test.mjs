// SPDX-License-Identifier: AGPL-3.0-or-later
// Tamazight in Debian's Chromium, on both demo daemons (their theme enables ar, fr, kab, en and
// names the commune ⵜⵉⵣⵉⵔⵉ in Tifinagh):
//  - the main pages of both sides in Kabyle: <html lang="kab" dir="ltr">, axe-core with zero
//    violations, no console or HTTP problem;
//  - the Tifinagh name drawn with the served Noto Sans Tifinagh: the @font-face loaded (the
//    font file fetched), the glyphs inked on a screenshot of the element, and wider than the
//    same text in a font that has no Tifinagh and no fallback (boxes would be what a reader
//    without the font sees); a page with no Tifinagh character never downloads the font;
//  - bidirectional text: on an Arabic page, a resident's Latin name with a number stays in its
//    own left-to-right order inside <bdi>, placed in the right-to-left flow.
//
// Screenshots land in tests/.artifacts/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../lib/harness.mjs';
import { Client, loadDemo, startSite } from '../lib/http.mjs';
import {
	LOCALE, checkPage, withChromium, open, screenshot, trackedPage, withLang,
} from '../lib/browser.mjs';

const FONT_PATH = '/static/fonts/NotoSansTifinagh-Regular.ttf';
const TIZIRI = 'ⵜⵉⵣⵉⵔⵉ';

let cluster;
let browser;
const srv = {};

before(async () => {
	[cluster, browser] = await withChromium(startCluster());
	[srv.official, srv.citizen] = await Promise.all([
		startSite('official', { cluster, themeDir: 'demo/official' }),
		startSite('citizen', { cluster, themeDir: 'demo/citizen' }),
	]);
	await Promise.all([loadDemo(srv.official), loadDemo(srv.citizen)]);
});

after(async () => {
	await browser?.close();
	await Promise.all(Object.values(srv).map((s) => s.stop()));
	await cluster?.destroy();
});

describe('pages in Tamazight (kab)', () => {
	const PAGES = {
		official: ['/', '/news', '/projects', '/deliberations', '/budgets', '/services', '/dialogue',
			'/about', '/login'],
		citizen: ['/', '/news', '/reports', '/reports/new', '/proposals', '/dialogue',
			'/dialogue/ask', '/needs', '/about'],
	};
	for (const [side, paths] of Object.entries(PAGES)) {
		test(`${side}: lang, dir and axe-core on ${paths.length} pages`, async () => {
			const page = await trackedPage(browser, { locale: LOCALE.kab });
			try {
				for (const p of paths) {
					await open(page, withLang(`${srv[side].url}${p}`, 'kab'));
					await checkPage(page, 'kab');
					assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), 'ltr');
					assert.equal(await page.locator('nav.langs a[aria-current]').getAttribute('lang'), 'kab');
					assert.equal(await page.locator('nav.langs a[lang="kab"]').textContent(), 'Taqbaylit');
				}
				await open(page, withLang(`${srv[side].url}/`, 'kab'));
				await screenshot(page, `tamazight-${side}-home-kab`);
			} finally {
				await page.close();
			}
		});
	}

	test('a link of the language switcher turns an Arabic page into a Kabyle one', async () => {
		const page = await trackedPage(browser, { locale: LOCALE.ar });
		try {
			await open(page, withLang(`${srv.citizen.url}/reports`, 'ar'));
			await checkPage(page, 'ar');
			await Promise.all([
				page.waitForURL(/lang=kab/),
				page.locator('nav.langs a[lang="kab"]').click(),
			]);
			await checkPage(page, 'kab');
			// the choice sticks (cookie)
			await open(page, `${srv.citizen.url}/proposals`);
			assert.equal(await page.locator('html').getAttribute('lang'), 'kab');
		} finally {
			await page.close();
		}
	});
});

describe('the Tifinagh name', () => {
	test('is drawn with the served Noto Sans Tifinagh, glyphs and all', async () => {
		const page = await trackedPage(browser, { locale: LOCALE.kab });
		const fontRequests = [];
		page.on('response', (r) => {
			if (new URL(r.url()).pathname === FONT_PATH) fontRequests.push(r.status());
		});
		try {
			await open(page, withLang(`${srv.official.url}/`, 'kab'));
			await page.evaluate(() => document.fonts.ready);
			const name = page.locator('.brand-tifinagh');
			assert.equal(await name.textContent(), TIZIRI);
			assert.equal(await name.getAttribute('lang'), 'kab-Tfng');
			const state = await page.evaluate(() => {
				const faces = [...document.fonts].filter((f) => f.family.replace(/"/g, '') === 'Baladiya Tifinagh');
				return {
					faces: faces.map((f) => ({ status: f.status, range: f.unicodeRange })),
					family: getComputedStyle(document.querySelector('.brand-tifinagh')).fontFamily,
					check: document.fonts.check('16px "Baladiya Tifinagh"', 'ⵜⵉⵣⵉⵔⵉ'),
				};
			});
			assert.deepEqual(state.faces, [{ status: 'loaded', range: 'U+2D30-2D7F' }], JSON.stringify(state));
			assert.match(state.family, /^"Baladiya Tifinagh"/);
			assert.equal(state.check, true);
			assert.deepEqual(fontRequests, [200], 'the font file was fetched once');

			// The glyphs: Noto's Tifinagh letters have real widths, and ink on the screenshot.
			const widths = await page.evaluate((text) => {
				const measure = (family) => {
					const s = document.createElement('span');
					s.textContent = text;
					s.style.cssText = `font-family: ${family}; font-size: 40px; position: absolute; white-space: nowrap`;
					document.body.append(s);
					const w = s.getBoundingClientRect().width;
					s.remove();
					return w;
				};
				return { served: measure('"Baladiya Tifinagh"') };
			}, TIZIRI);
			assert.ok(widths.served > 60, `six Tifinagh letters at 40px are ${widths.served}px wide`);
			const shot = await name.screenshot();
			const ink = await inkedPixels(page, shot);
			assert.ok(ink > 20, `the Tifinagh name has ${ink} inked pixels`);
			await screenshot(page, 'tamazight-tifinagh-name');
		} finally {
			await page.close();
		}
	});

	test('the font is not downloaded by a page with no Tifinagh', async () => {
		// no theme: no Tifinagh name anywhere
		const plain = await startSite('citizen', { cluster, env: { BALADIYA_LANGUAGES: 'fr,ar,kab' } });
		const page = await trackedPage(browser, { locale: LOCALE.fr });
		const fonts = [];
		page.on('request', (r) => {
			if (r.resourceType() === 'font') fonts.push(r.url());
		});
		try {
			for (const lang of ['fr', 'kab', 'ar']) {
				await open(page, withLang(`${plain.url}/about`, lang));
				await page.evaluate(() => document.fonts.ready);
				assert.equal(await page.locator('.brand-tifinagh').count(), 0);
			}
			assert.deepEqual(fonts, [], 'no font fetched');
			// and the same page with a Tifinagh character does fetch it
			await page.evaluate(() => {
				const s = document.createElement('span');
				s.textContent = 'ⵣ';
				document.querySelector('main').append(s);
			});
			await page.evaluate(() => document.fonts.ready);
			await page.waitForTimeout(200);
			assert.equal(fonts.filter((u) => new URL(u).pathname === FONT_PATH).length, 1, fonts.join(' '));
		} finally {
			await page.close();
			await plain.stop();
		}
	});
});

/** The pixels of a PNG screenshot noticeably darker than the element's background. */
async function inkedPixels(page, png) {
	return page.evaluate(async (b64) => {
		const img = new Image();
		img.src = `data:image/png;base64,${b64}`;
		await img.decode();
		const c = document.createElement('canvas');
		c.width = img.width;
		c.height = img.height;
		const ctx = c.getContext('2d');
		ctx.drawImage(img, 0, 0);
		const d = ctx.getImageData(0, 0, c.width, c.height).data;
		// the background is the header's colour: the most common pixel
		const counts = new Map();
		for (let i = 0; i < d.length; i += 4) {
			const k = `${d[i]},${d[i + 1]},${d[i + 2]}`;
			counts.set(k, (counts.get(k) || 0) + 1);
		}
		const bg = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0].split(',').map(Number);
		let n = 0;
		for (let i = 0; i < d.length; i += 4) {
			if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 150) n++;
		}
		return n;
	}, png.toString('base64'));
}

describe('bidirectional text', () => {
	test('an Arabic page keeps a Latin name with a number in its own order, inside <bdi>', async () => {
		const c = new Client(srv.citizen.url);
		assert.equal((await c.get('/dialogue/ask?lang=ar')).status, 200);
		const r = await c.post('/dialogue/ask', {
			title: 'هل يفتح مكتب الحالة المدنية يوم السبت؟',
			text: 'أسأل عن مواعيد المكتب في تيغيلت.',
			theme: 'administration',
			display_name: 'Karim 2',
		});
		assert.equal(r.status, 303, r.body?.slice(0, 300));
		const ref = /\/dialogue\/(Q-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(r.location)[1];
		const page = await trackedPage(browser, { locale: LOCALE.ar });
		try {
			await open(page, withLang(`${srv.citizen.url}/dialogue/${ref}`, 'ar'));
			await checkPage(page, 'ar');
			const meta = page.locator('main p.meta').first();
			const bdis = meta.locator('bdi');
			assert.deepEqual(await bdis.allTextContents(), [ref, 'Karim 2']);
			const layout = await meta.evaluate((p) => {
				const [refEl, nameEl] = p.querySelectorAll('bdi');
				const text = nameEl.firstChild;
				const box = (el, from, to) => {
					const range = document.createRange();
					range.setStart(el, from);
					range.setEnd(el, to);
					return range.getBoundingClientRect();
				};
				return {
					ref: refEl.getBoundingClientRect().left,
					name: nameEl.getBoundingClientRect().left,
					k: box(text, 0, 1).left,
					two: box(text, 6, 7).left,
					dir: getComputedStyle(p).direction,
					nameDir: getComputedStyle(nameEl).unicodeBidi,
				};
			});
			assert.equal(layout.dir, 'rtl');
			assert.equal(layout.nameDir, 'isolate');
			assert.ok(layout.ref > layout.name, `right to left: the reference (${layout.ref}) is right of the name (${layout.name})`);
			assert.ok(layout.k < layout.two, `left to right inside the name: K at ${layout.k}, 2 at ${layout.two}`);
			await screenshot(page, 'tamazight-bidi-ar-latin-name');
			// the same name on the Kabyle page, left to right: the reference is left of it
			await open(page, withLang(`${srv.citizen.url}/dialogue/${ref}`, 'kab'));
			await checkPage(page, 'kab');
			const kab = await page.locator('main p.meta').first().evaluate((p) => {
				const [refEl, nameEl] = p.querySelectorAll('bdi');
				return { ref: refEl.getBoundingClientRect().left, name: nameEl.getBoundingClientRect().left };
			});
			assert.ok(kab.ref < kab.name, JSON.stringify(kab));
			// the Arabic title on the Kabyle page is right to left, with its own lang
			const h1 = page.locator('main h1').first();
			assert.equal(await h1.evaluate((e) => getComputedStyle(e).direction), 'rtl');
		} finally {
			await page.close();
		}
	});
});
