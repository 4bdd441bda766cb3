// SPDX-License-Identifier: AGPL-3.0-or-later
// Residents' reports in Debian's Chromium, on citizen-srv with the demo commune's theme: on a
// phone-sized viewport a resident files a report by tapping the map (the pin fills the lat/lon
// inputs), attaching a photo, and sees it on its page; with JavaScript disabled the same form
// works with the place typed; the form, the list, the map page and a report page pass axe-core
// with zero violations in Arabic and French.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/reports.test.mjs
//
// The test machine has no internet: tiles come from a local image (BALADIYA_MAP_TILES).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startCluster, tempDir } from '../lib/harness.mjs';
import {
	LANGS, LOCALE, expectNoAxeViolations, withChromium, open, screenshot, trackedPage, withLang,
} from '../lib/browser.mjs';
import { startSite } from '../lib/http.mjs';
import { noiseImage } from '../lib/images.mjs';

const PHONE = { width: 390, height: 844 };
const TILES = '/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}';

let cluster;
let srv;
let browser;
let photo;
let filedRef;

/** Fills the texts of the form; the category by its code. */
async function fillTexts(page, { category, title, description }) {
	await page.locator('#report-category').selectOption(category);
	await page.locator('#report-title').fill(title);
	await page.locator('#report-description').fill(description);
}

/** Submits the form and waits for the success page; returns the report's reference. */
async function submit(page) {
	await Promise.all([
		page.waitForURL((u) => u.pathname === '/reports'),
		page.locator('form.report-form button[type=submit]').click(),
	]);
	await page.locator('main h1').waitFor();
	const ref = await page.locator('main .notice bdi').first().textContent();
	assert.match(ref, /^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
	const track = await page.locator('main .tracking-link a').getAttribute('href');
	assert.match(track, /^\/reports\/track\/[A-Za-z0-9_-]{43}$/);
	return ref;
}

describe('reports in Chromium', () => {
	before(async () => {
		const dir = tempDir('baladiya-e2e-reports-');
		photo = path.join(dir, 'trottoir.jpg');
		noiseImage(photo, 640, 480);
		cluster = await startCluster();
		[srv, browser] = await withChromium(startSite('citizen',
			{ cluster, themeDir: 'demo/citizen', env: { BALADIYA_MAP_TILES: TILES } }));
	});

	after(async () => {
		await browser?.close();
		if (srv) assert.equal(await srv.stop(), 0);
		await cluster?.destroy();
	});

	test('on a phone, a resident taps the map, attaches a photo and sees the report', async () => {
		const page = await trackedPage(browser, { locale: LOCALE.fr, viewport: PHONE,
			isMobile: true, hasTouch: true });
		await open(page, withLang(`${srv.url}/reports/new`, 'fr'));
		await fillTexts(page, { category: 'VOI', title: 'Trottoir effondré rue 7',
			description: 'Le trottoir s\'est effondré devant le numéro 7.' });
		const map = page.locator('#map');
		await map.locator('.leaflet-tile-loaded').first().waitFor();
		const box = await map.boundingBox();
		assert.ok(box.width <= PHONE.width, 'the map fits the phone');
		await map.click({ position: { x: box.width / 2, y: box.height / 2 } });
		await map.locator('.leaflet-marker-icon').waitFor();
		const lat = Number(await page.locator('#report-lat').inputValue());
		const lon = Number(await page.locator('#report-lon').inputValue());
		// the demo's centre (36.7169, 4.0497), inside its boundary
		assert.ok(Math.abs(lat - 36.7169) < 0.005, `lat ${lat}`);
		assert.ok(Math.abs(lon - 4.0497) < 0.005, `lon ${lon}`);
		await page.locator('#report-photo').setInputFiles(photo);
		filedRef = await submit(page);
		await screenshot(page, 'reports-phone-created');
		await Promise.all([
			page.waitForURL((u) => u.pathname === `/reports/${filedRef}`),
			page.locator('main .notice a').first().click(),
		]);
		assert.equal(await page.locator('main h1').textContent(), 'Trottoir effondré rue 7');
		const img = page.locator('main ul.photos img');
		await img.waitFor();
		assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the photo shows');
		await page.locator('#map .leaflet-marker-icon').waitFor();
		const v = await fetch(`${srv.url}/reports/${filedRef}.json`).then((r) => r.json());
		assert.equal(v.report.photos.length, 1);
		assert.equal(v.report.lat, lat.toFixed(6));
		await screenshot(page, 'reports-phone-page');
		assert.deepEqual(page.problems, []);
		await page.close();
	});

	test('without JavaScript the form works with the place typed', async () => {
		const page = await trackedPage(browser, { locale: LOCALE.ar, viewport: PHONE,
			javaScriptEnabled: false });
		await open(page, withLang(`${srv.url}/reports/new`, 'ar'));
		assert.equal(await page.locator('#map').isVisible(), false);
		assert.ok(await page.locator('.map-note').isVisible());
		await fillTexts(page, { category: 'PRO', title: 'نفايات أمام السوق',
			description: 'أكياس نفايات لم ترفع منذ أسبوع.' });
		await page.locator('#report-place').fill('أمام السوق المغطى');
		await page.locator('#report-quarter').selectOption('centre');
		const ref = await submit(page);
		await open(page, withLang(`${srv.url}/reports/${ref}`, 'ar'));
		assert.equal(await page.locator('main h1').textContent(), 'نفايات أمام السوق');
		assert.match(await page.locator('main').textContent(), /أمام السوق المغطى/);
		assert.deepEqual(page.problems, []);
		await page.close();
	});

	for (const lang of LANGS) {
		test(`axe-core (${lang}): the form, the list, the map page and a report page`, async () => {
			const page = await trackedPage(browser, { locale: LOCALE[lang], viewport: PHONE });
			for (const p of ['/reports/new', '/reports', '/reports/map', `/reports/${filedRef}`]) {
				await open(page, withLang(`${srv.url}${p}`, lang));
				assert.equal(await page.locator('html').getAttribute('dir'), lang === 'ar' ? 'rtl' : 'ltr');
				if (p !== '/reports') await page.locator('#map .leaflet-tile-loaded').first().waitFor();
				await expectNoAxeViolations(page);
			}
			// the form with an error shown
			await open(page, withLang(`${srv.url}/reports/new`, lang));
			await fillTexts(page, { category: 'VOI', title: 'x', description: 'y' });
			await page.locator('#report-lat').fill('36.9');
			await page.locator('#report-lon').fill('4.3');
			await Promise.all([page.waitForURL((u) => u.pathname === '/reports'),
				page.locator('form.report-form button[type=submit]').click()]);
			await page.locator('#report-error').waitFor();
			await expectNoAxeViolations(page);
			assert.equal(await page.locator('#report-error code').textContent(), 'outside_commune');
			// the refused POST itself is the one expected 400
			const problems = page.problems.filter((x) => !/HTTP 400 for \/reports$|status of 400 .*\/reports\)$/.test(x));
			assert.deepEqual(problems, []);
			await page.close();
		});
	}
});
