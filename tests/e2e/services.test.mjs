// SPDX-License-Identifier: AGPL-3.0-or-later
// The catalogue of services in Debian's Chromium, on a phone (390×844), in Arabic and French,
// on a paired pair of daemons with the demo commune's catalogue: a resident finds a service
// by searching the catalogue and opens its sheet, with JavaScript and without (the filters are
// a plain GET form). Every new page — the catalogue, sheets of each kind, a sheet's history,
// the accountability page with the services' figures, and the staff list and forms — passes
// axe-core with zero violations in both languages.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/services.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir } from '../lib/harness.mjs';
import {
	DIR, LANGS, LOCALE, checkPage, withChromium, logIn, open, screenshot, trackedPage, withLang,
} from '../lib/browser.mjs';
import { startLinkedPair, waitForMirror } from '../lib/federation.mjs';
import { addUser, cliFor, getJson } from '../lib/http.mjs';

const PHONE = { width: 390, height: 844 };
// what a resident types, and the sheet it leads to
const SEARCH = { ar: 'جواز', fr: 'passeport' };
const TITLE = { ar: 'جواز السفر البيومتري', fr: 'Passeport biométrique' };

let pair;
let browser;

describe('the catalogue of services in Chromium', () => {
	before(async () => {
		[pair, browser] = await withChromium(startLinkedPair());
		await addUser(pair.official, 'editor', 'redactrice');
		// the catalogue only: the other demo files are other modules' business
		const dir = tempDir('baladiya-e2e-services-');
		mkdirSync(dir, { recursive: true });
		cpSync(path.join(ROOT, 'demo/official/services.json'), path.join(dir, 'services.json'));
		let r = await cliFor(pair.official, ['demo', 'load', dir]);
		assert.equal(r.code, 0, r.stderr);
		r = await cliFor(pair.official, ['jobs', 'run']); // the services' figures
		assert.equal(r.code, 0, r.stderr);
		await waitForMirror(pair.official, pair.citizen);
	});

	after(async () => {
		await browser?.close();
		await pair?.stop();
	});

	for (const lang of LANGS) {
		test(`${lang}: a resident on a phone searches the catalogue and opens a sheet`, async () => {
			const page = await trackedPage(browser, { locale: LOCALE[lang], viewport: PHONE });
			await open(page, withLang(`${pair.citizen.url}/services`, lang));
			await checkPage(page, lang);
			await page.locator('#f-q').fill(SEARCH[lang]);
			await Promise.all([page.waitForURL(/[?&]q=/), page.locator('form.filters button').click()]);
			const link = page.getByRole('link', { name: TITLE[lang] });
			assert.equal(await link.count(), 1, 'the search finds the service');
			await Promise.all([page.waitForURL(/\/services\/passport/), link.click()]);
			assert.equal(await page.locator('h1').textContent(), TITLE[lang]);
			// a link-out: the national portal, https
			const portal = page.locator('a[rel~="external"]');
			assert.match(await portal.getAttribute('href'), /^https:\/\//);
			await checkPage(page, lang);
			await screenshot(page, `services-sheet-phone-${lang}`);
			await page.close();
		});

		test(`${lang}: the same without JavaScript, by life event`, async () => {
			const page = await trackedPage(browser, { locale: LOCALE[lang], viewport: PHONE,
				javaScriptEnabled: false });
			await open(page, withLang(`${pair.citizen.url}/services`, lang));
			await page.locator('#f-life_event').selectOption('social_aid');
			await Promise.all([page.waitForURL(/life_event=social_aid/),
				page.locator('form.filters button').click()]);
			const cards = page.locator('.service-group h3 a');
			assert.equal(await cards.count(), 1, 'one service helps with social aid');
			await Promise.all([page.waitForURL(/\/services\/social-aid/), cards.first().click()]);
			assert.equal(await page.locator('#s-figures').count(), 1, 'the sheet shows its figures');
			// axe-core needs scripts: the same pages are checked with them in the other tests
			assert.equal(await page.locator('html').getAttribute('dir'), DIR[lang]);
			assert.deepEqual(page.problems, []);
			await page.close();
		});
	}

	test('every new resident page passes axe-core, in Arabic and French, on both platforms', async () => {
		const passport = await getJson(pair.official, '/services/passport');
		const pages = ['/services', '/services/urbanism-certificate', '/services/residence-certificate',
			'/services/passport', `/services/${passport.id}/history`, '/accountability',
			'/services?q=zzzz'];
		const page = await trackedPage(browser, { locale: LOCALE.fr, viewport: PHONE });
		// the mirror's pages are the same templates: its catalogue, a sheet and its figures
		const mirrored = ['/services', '/services/urbanism-certificate', '/accountability'];
		for (const [srv, list] of [[pair.official, pages], [pair.citizen, mirrored]]) {
			for (const lang of LANGS) {
				for (const p of list) {
					await open(page, withLang(`${srv.url}${p}`, lang));
					await checkPage(page, lang);
				}
			}
		}
		await page.close();
	});

	test('the staff pages pass axe-core, in Arabic and French', async () => {
		const page = await trackedPage(browser, { locale: LOCALE.fr });
		await logIn(page, pair.official, 'redactrice', 'fr');
		const id = (await getJson(pair.official, '/services/social-aid')).id;
		for (const lang of LANGS) {
			for (const p of ['/staff/services', '/staff/services/new', `/staff/services/${id}/edit`]) {
				await open(page, withLang(`${pair.official.url}${p}`, lang));
				await checkPage(page, lang);
			}
		}
		// the form refused (a key another service has): its error, still accessible
		await open(page, withLang(`${pair.official.url}/staff/services/new`, 'fr'));
		await page.locator('#key').fill('passport');
		await page.locator('#title_fr').fill('Doublon');
		await page.locator('#life_event').selectOption('civil_status');
		await page.locator('#mode').selectOption('info');
		const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
			page.locator('main form button[type=submit]').first().click()]);
		assert.equal(res.status(), 409);
		assert.match(await page.locator('main').textContent(), /key_taken/);
		await checkPage(page, 'fr', { ignore: /HTTP 409|status of 409/ });
		await page.close();
	});
});
