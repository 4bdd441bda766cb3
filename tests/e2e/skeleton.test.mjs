// SPDX-License-Identifier: AGPL-3.0-or-later
// Browser tests of the shared skeleton on both daemons, in Debian's Chromium: accessibility
// (axe-core) and text direction of every public and staff page in Arabic and French, a right-to-
// left layout measured on screenshots, the staff publishing flow through the forms (with and
// without JavaScript), and the skip link.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/
//
// Screenshots land in tests/.artifacts/ for a person to look at.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, startDaemon, runCli, tempDir } from '../lib/harness.mjs';
import {
	DIR, LANGS, LOCALE, checkPage, withChromium, open, screenshot, trackedPage, withLang,
} from '../lib/browser.mjs';

const SIDES = ['official', 'citizen'];
const USERNAME = 'admin';
const PASSWORD = 'demo-password-1';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let cluster;
let browser;

before(async () => {
	[cluster, browser] = await withChromium(startCluster());
});

after(async () => {
	await browser?.close();
	await cluster?.destroy();
});

function assertNoProblems(page) {
	assert.deepEqual(page.problems, [], `problems on ${page.url()}`);
}

/** checkPage(), and the body's computed direction. */
async function checkSkeletonPage(page, lang) {
	assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), DIR[lang]);
	await checkPage(page, lang);
}

/** Signs in through the login form; leaves the page where the site redirects. */
async function logIn(page, srv, lang) {
	await open(page, withLang(`${srv.url}/login`, lang));
	await page.locator('#username').pressSequentially(USERNAME);
	await page.locator('#password').fill(PASSWORD);
	await Promise.all([
		page.waitForURL((u) => u.pathname !== '/login'),
		page.locator('main form button[type=submit]').click(),
	]);
	// The session cookie is __Host- and Secure, and the daemon runs on plain http://127.0.0.1:
	// Chromium must keep it (127.0.0.1 is a potentially trustworthy origin), or nothing works.
	const cookies = await page.context().cookies(srv.url);
	const session = cookies.find((c) => c.name === '__Host-session');
	assert.ok(session, `no __Host-session cookie after login: ${JSON.stringify(cookies)}`);
	assert.equal(session.secure, true);
	assert.equal(session.httpOnly, true);
	await assert.doesNotReject(page.locator('form.signout').waitFor({ state: 'attached' }));
}

async function signOut(page, srv) {
	await Promise.all([
		page.waitForURL((u) => u.pathname !== '/logout'),
		page.locator('form.signout button[type=submit]').click(),
	]);
	assert.equal(await page.locator('form.signout').count(), 0, 'still signed in');
	assert.equal(await page.locator('.main-nav a[href="/login"]').count(), 1);
	const cookies = await page.context().cookies(srv.url);
	assert.equal(cookies.find((c) => c.name === '__Host-session'), undefined,
		'session cookie survives sign-out');
	// The staff area is closed again.
	await page.goto(`${srv.url}/staff`);
	assert.equal(await page.locator('form.signout').count(), 0);
	assert.equal(await page.locator('a[href="/staff/news/new"]').count(), 0);
}

/**
 * Language of parts in the news form: labels and buttons speak the interface language, each
 * language's fields (and their legend) are marked with that language and its direction.
 */
async function checkFormLanguages(page, uiLang) {
	const labelLangs = await page.evaluate(() => [...document.querySelectorAll(
		'main form label, main form button, main form .hint')]
		.map((el) => `${el.textContent.trim()}: ${el.closest('[lang]').getAttribute('lang')}`));
	for (const l of labelLangs) {
		assert.ok(l.endsWith(`: ${uiLang}`), `form text in ${uiLang}: ${l}`);
	}
	for (const code of LANGS) {
		for (const sel of [`#title_${code}`, `#body_${code}`]) {
			const el = page.locator(sel);
			assert.equal(await el.evaluate((e) => e.closest('[lang]').getAttribute('lang')), code,
				sel);
			assert.equal(await el.evaluate((e) => getComputedStyle(e).direction), DIR[code], sel);
		}
	}
}

/**
 * Fills the new-item form (typing the titles key by key, Arabic and French), publishes it, and
 * checks the staff list, then the public list and the item in both languages.
 */
async function publishThroughForm(page, srv, item) {
	await open(page, `${srv.url}/staff/news`);
	await Promise.all([
		page.waitForURL((u) => u.pathname === '/staff/news/new'),
		page.locator('main a[href="/staff/news/new"]').click(),
	]);
	await page.locator('#title_ar').pressSequentially(item.ar.title);
	await page.locator('#body_ar').fill(item.ar.body);
	await page.locator('#title_fr').pressSequentially(item.fr.title);
	await page.locator('#body_fr').fill(item.fr.body);
	assert.equal(await page.locator('#title_ar').inputValue(), item.ar.title);
	assert.equal(await page.locator('#title_fr').inputValue(), item.fr.title);
	await Promise.all([
		page.waitForURL((u) => u.pathname === '/staff/news'),
		page.locator('button[name=action][value=publish]').click(),
	]);
	// The staff list shows titles in the interface language: find the row by the item's tag.
	const row = page.locator('main table tbody tr', { hasText: item.tag });
	assert.equal(await row.count(), 1, 'the new item is listed once in /staff/news');
	// Published: the row offers "unpublish" (with its reason field), not "publish".
	assert.equal(await row.locator('form[action$="/unpublish"]').count(), 1);

	for (const lang of LANGS) {
		await open(page, withLang(`${srv.url}/news`, lang));
		const link = page.locator('main .news-cards a', { hasText: item[lang].title });
		assert.equal(await link.count(), 1, `"${item[lang].title}" on /news?lang=${lang}`);
		assert.ok(await link.isVisible());
		await Promise.all([page.waitForURL(/\/news\/\d+/), link.click()]);
		assert.equal((await page.locator('main h1').textContent()).trim(), item[lang].title);
		assert.ok((await page.locator('main .prose').textContent()).includes(item[lang].bodyWord));
	}
}

/** A news item in Arabic and French; tag (ASCII) appears in both titles. */
function newsItem(tag) {
	return {
		tag,
		ar: { title: `تهيئة ساحة البلدية ${tag}`, body: 'انطلقت **أشغال** تهيئة الساحة.',
			bodyWord: 'أشغال' },
		fr: { title: `Aménagement de la place ${tag}`,
			body: 'Les **travaux** de la place ont commencé.', bodyWord: 'travaux' },
	};
}

for (const side of SIDES) {
	describe(`${side}-srv skeleton in Chromium`, () => {
		let srv;
		let itemPath;

		before(async () => {
			// The daemon signs what it publishes: it needs its key before it starts.
			const dataDir = tempDir(`baladiya-e2e-${side}-`);
			const keys = await runCli(side, ['keys', 'generate'],
				{ env: { BALADIYA_DATA_DIR: dataDir } });
			assert.equal(keys.code, 0, keys.stderr);
			srv = await startDaemon(side, { cluster, themeDir: `demo/${side}`, dataDir });
			const cli = { cluster, database: srv.database, env: { BALADIYA_DATA_DIR: dataDir } };
			const load = await runCli(side, ['demo', 'load', `demo/${side}`], cli);
			assert.equal(load.code, 0, load.stderr);
			const add = await runCli(side, ['user', 'add', '--role', 'admin', '--username', USERNAME],
				{ ...cli, input: `${PASSWORD}\n` });
			assert.equal(add.code, 0, add.stderr);
			const list = await (await fetch(`${srv.url}/news?lang=fr`)).text();
			itemPath = list.match(/href="(\/news\/\d+)"/)?.[1];
			assert.ok(itemPath, 'the demo news list links to an item');
		});

		// A daemon that died mid-test shows up here with its last words, not as a refused
		// connection in every later test.
		afterEach(() => {
			const p = srv?.proc;
			if (p && (p.exitCode !== null || p.signalCode !== null)) {
				assert.fail(`${side}-srv died (exit ${p.exitCode}, signal ${p.signalCode})\n` +
					`--- last log lines ---\n${srv.logs().slice(-6000)}`);
			}
		});

		after(async () => {
			if (!srv) return;
			assert.equal(await srv.stop(), 0, `--- last log lines ---\n${srv.logs().slice(-6000)}`);
		});

		const publicPages = [
			['home', () => '/'],
			['news list', () => '/news'],
			['news item', () => itemPath],
			['news from the other side', () => '/news?from=peer'],
			['about', () => '/about'],
			['accessibility statement', () => '/accessibility'],
			['login', () => '/login'],
			['audit of the logs', () => '/audit'],
		];
		for (const lang of LANGS) {
			for (const [name, pathOf] of publicPages) {
				test(`${name} in ${lang}: no axe violations, dir=${DIR[lang]}`, async () => {
					const page = await trackedPage(browser, { locale: LOCALE[lang] });
					try {
						await open(page, withLang(`${srv.url}${pathOf()}`, lang));
						await checkSkeletonPage(page, lang);
					} finally {
						await page.close();
					}
				});
			}
		}

		test('Arabic home is laid out right to left on a phone and on a desktop', async (t) => {
			const measure = (page) => page.evaluate(() => {
				const box = (el) => {
					const r = el.getBoundingClientRect();
					return { left: r.left, right: r.right, width: r.width, top: r.top,
						bottom: r.bottom };
				};
				const h1 = document.querySelector('main h1');
				const range = document.createRange();
				range.selectNodeContents(h1);
				const cs = getComputedStyle(h1);
				return {
					viewport: window.innerWidth,
					scrollWidth: document.documentElement.scrollWidth,
					header: box(document.querySelector('.site-header')),
					bar: box(document.querySelector('.site-header .bar')),
					brand: box(document.querySelector('.site-header .brand')),
					langs: box(document.querySelector('.site-header .langs')),
					h1Content: {
						left: h1.getBoundingClientRect().left + parseFloat(cs.paddingLeft),
						right: h1.getBoundingClientRect().right - parseFloat(cs.paddingRight),
					},
					h1Text: box(range),
					h1Direction: cs.direction,
				};
			});
			const mid = (b) => b.left + b.width / 2;

			for (const [vpName, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
				const m = {};
				for (const lang of LANGS) {
					const page = await trackedPage(browser, { locale: LOCALE[lang], viewport,
						isMobile: vpName === 'phone', hasTouch: vpName === 'phone',
						deviceScaleFactor: vpName === 'phone' ? 2 : 1 });
					try {
						await open(page, withLang(`${srv.url}/`, lang));
						await page.evaluate(() => document.fonts.ready);
						m[lang] = await measure(page);
						const file = await screenshot(page, `${side}-home-${lang}-${vpName}`);
						t.diagnostic(`${lang} ${vpName}: ${file}`);
						assertNoProblems(page);
					} finally {
						await page.close();
					}
				}
				const { ar, fr } = m;
				const what = `${vpName} ${viewport.width}px`;
				for (const lang of LANGS) {
					assert.ok(m[lang].scrollWidth <= m[lang].viewport,
						`${lang} ${what}: no horizontal scrolling (${m[lang].scrollWidth}px wide)`);
				}
				// Brand: right half of the header in Arabic, flush with the bar's right edge;
				// left half in French, flush with its left edge.
				assert.ok(mid(ar.brand) > mid(ar.header), `ar ${what}: brand on the right ` +
					`(brand ${JSON.stringify(ar.brand)}, header ${JSON.stringify(ar.header)})`);
				assert.ok(ar.bar.right - ar.brand.right < ar.brand.left - ar.bar.left,
					`ar ${what}: brand nearer the right edge`);
				assert.ok(mid(fr.brand) < mid(fr.header), `fr ${what}: brand on the left`);
				assert.ok(fr.brand.left - fr.bar.left < fr.bar.right - fr.brand.right,
					`fr ${what}: brand nearer the left edge`);
				const arGap = ar.bar.right - ar.brand.right;
				const frGap = fr.brand.left - fr.bar.left;
				assert.ok(Math.abs(arGap - frGap) < 2,
					`${what}: the Arabic brand mirrors the French one (${arGap} vs ${frGap} px)`);
				// Main heading: text flush right in Arabic, flush left in French.
				assert.equal(ar.h1Direction, 'rtl');
				assert.equal(fr.h1Direction, 'ltr');
				assert.ok(Math.abs(ar.h1Text.right - ar.h1Content.right) < 1.5, `ar ${what}: ` +
					`h1 text ends at the right edge (${ar.h1Text.right} vs ${ar.h1Content.right})`);
				assert.ok(ar.h1Text.left > ar.h1Content.left + 10,
					`ar ${what}: h1 text leaves room on the left`);
				assert.ok(Math.abs(fr.h1Text.left - fr.h1Content.left) < 1.5, `fr ${what}: ` +
					`h1 text starts at the left edge (${fr.h1Text.left} vs ${fr.h1Content.left})`);
				assert.ok(fr.h1Text.right < fr.h1Content.right - 10,
					`fr ${what}: h1 text leaves room on the right`);
				// The language switcher sits opposite the brand: on its line, on the other side;
				// wrapped below it (long French name on a phone), at the start of the line.
				const sameLine = (x) => x.langs.top < x.brand.bottom && x.brand.top < x.langs.bottom;
				if (sameLine(ar)) {
					assert.ok(ar.langs.right <= ar.brand.left, `ar ${what}: switcher left of the brand`);
				} else {
					assert.ok(ar.langs.right > mid(ar.bar), `ar ${what}: wrapped switcher on the right`);
				}
				if (sameLine(fr)) {
					assert.ok(fr.langs.left >= fr.brand.right, `fr ${what}: switcher right of the brand`);
				} else {
					assert.ok(fr.langs.left < mid(fr.bar), `fr ${what}: wrapped switcher on the left`);
				}
			}
		});

		test('Arabic text renders with real Arabic-capable fonts', async (t) => {
			const page = await trackedPage(browser, { locale: LOCALE.ar });
			try {
				await open(page, withLang(`${srv.url}/`, 'ar'));
				await page.evaluate(() => document.fonts.ready);
				const cdp = await page.context().newCDPSession(page);
				await cdp.send('DOM.enable');
				await cdp.send('CSS.enable');
				const { root } = await cdp.send('DOM.getDocument');
				for (const sel of ['main h1', '.brand-name', '.main-nav a']) {
					const { nodeId } = await cdp.send('DOM.querySelector',
						{ nodeId: root.nodeId, selector: sel });
					const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
					t.diagnostic(`${sel}: ${fonts.map((f) => `${f.familyName} (${f.glyphCount})`)
						.join(', ')}`);
					assert.ok(fonts.length > 0, `${sel}: no font`);
					for (const f of fonts) {
						assert.match(f.familyName, /Arab|Naskh|Kufi|DejaVu|Noto Sans/,
							`${sel} is drawn with ${f.familyName}`);
					}
				}
				await cdp.detach();
			} finally {
				await page.close();
			}
		});

		test('staff log in, publish through the form, see it on /news, sign out; staff pages pass axe',
			async () => {
				const page = await trackedPage(browser, { locale: LOCALE.ar });
				try {
					await logIn(page, srv, 'ar');
					const item = newsItem(`${side}-js`);
					await publishThroughForm(page, srv, item);
					await open(page, `${srv.url}/staff/news`);
					const editPath = await page.locator('main table tbody tr', { hasText: item.tag })
						.locator('a[href$="/edit"]').getAttribute('href');
					for (const lang of LANGS) {
						for (const p of ['/staff', '/staff/news', '/staff/news/new', editPath,
							'/staff/federation']) {
							await open(page, withLang(`${srv.url}${p}`, lang));
							assert.equal(await page.locator('form.signout').count(), 1,
								`${p}: signed in`);
							await checkSkeletonPage(page, lang);
							if (p === '/staff/news/new' || p === editPath) {
								await checkFormLanguages(page, lang);
							}
						}
					}
					// The home page lists the new item too, and a signed-in page passes axe.
					await open(page, withLang(`${srv.url}/`, 'ar'));
					assert.equal(await page.locator('main a', { hasText: item.ar.title }).count(), 1);
					await checkSkeletonPage(page, 'ar');
					await signOut(page, srv);
					assertNoProblems(page);
				} finally {
					await page.close();
				}
			});

		test('without JavaScript: log in, publish, sign out (plain forms)', async () => {
			const page = await trackedPage(browser, { locale: LOCALE.fr, javaScriptEnabled: false });
			try {
				await logIn(page, srv, 'fr');
				await publishThroughForm(page, srv, newsItem(`${side}-nojs`));
				await signOut(page, srv);
				assertNoProblems(page);
			} finally {
				await page.close();
			}
		});

		for (const lang of LANGS) {
			test(`keyboard in ${lang}: first Tab reaches the skip link, which moves focus to main`,
				async () => {
					const page = await trackedPage(browser, { locale: LOCALE[lang] });
					try {
						await open(page, withLang(`${srv.url}/`, lang));
						await page.keyboard.press('Tab');
						const focused = await page.evaluate(() => {
							const el = document.activeElement;
							const r = el.getBoundingClientRect();
							return { cls: el.className, href: el.getAttribute('href'),
								text: el.textContent.trim(), top: r.top, bottom: r.bottom,
								width: r.width };
						});
						assert.equal(focused.cls, 'skip-link');
						assert.equal(focused.href, '#main');
						assert.ok(focused.text.length > 0);
						// Visible once focused: inside the viewport, not clipped away.
						assert.ok(focused.top >= 0 && focused.bottom > focused.top &&
							focused.width > 1, `skip link visible when focused: ${JSON.stringify(focused)}`);
						await page.keyboard.press('Enter');
						await page.waitForFunction(() => document.activeElement?.id === 'main');
						assert.equal(await page.evaluate(() => document.activeElement.tagName),
							'MAIN');
						assert.match(page.url(), /#main$/);
						// The next Tab continues inside main, not back in the header.
						await page.keyboard.press('Tab');
						assert.equal(await page.evaluate(() =>
							Boolean(document.activeElement.closest('main'))), true);
						assertNoProblems(page);
					} finally {
						await page.close();
					}
				});
		}
	});
}
