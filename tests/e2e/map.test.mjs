// SPDX-License-Identifier: AGPL-3.0-or-later
// The map component in Debian's Chromium (issue 4), on official-srv with the demo commune:
// Leaflet is served by the daemon; the project list shows a Leaflet map above the list with one
// marker per located project (counted against /projects.geojson) and popups that link to the
// projects; a project page shows its own pin; a staff member clicks the map on the project form
// and the lat/lon inputs are filled and saved; failing tiles break nothing; without JavaScript
// the list is there and the map is not; /projects and a project page pass axe-core with the map
// present in Arabic and French; the first load of /projects stays under 250 KB (tiles excepted;
// text files travel gzipped).
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/map.test.mjs
//
// The test machine has no internet: tiles come from a local image (BALADIYA_MAP_TILES), and
// one test makes them fail on purpose.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startCluster, tempDir } from '../lib/harness.mjs';
import {
	AXE_TAGS, LANGS, LOCALE, expectNoAxeViolations, withChromium, open, screenshot, trackedPage,
	withLang,
} from '../lib/browser.mjs';
import { PASSWORD, addUser, cliFor, startSite } from '../lib/http.mjs';

// Local "tiles": any small image of ours does (Leaflet stretches it to 256 px).
const TILES = '/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}';
const FIRST_LOAD_MAX = 250 * 1024;

let cluster;
let srv;
let browser;

async function features(query = '') {
	const r = await fetch(`${srv.url}/projects.geojson${query}`);
	assert.equal(r.status, 200);
	return (await r.json()).features;
}

/** Waits until map.js has drawn the GeoJSON layer (or failed) and returns its markers. */
async function mapMarkers(page) {
	const map = page.locator('#map');
	await map.and(page.locator('[data-features], [data-error]')).waitFor();
	assert.equal(await map.getAttribute('data-error'), null, 'the GeoJSON loaded');
	return map.locator('.leaflet-marker-pane .leaflet-marker-icon');
}

describe('the map component in Chromium', () => {
	before(async () => {
		cluster = await startCluster();
		[srv, browser] = await withChromium(startSite('official',
			{ cluster, themeDir: 'demo/official', env: { BALADIYA_MAP_TILES: TILES } }));
		await addUser(srv, 'editor', 'cartographe');
		// The demo's publications (with their coordinates) are what this test needs; the
		// whole demo may rely on other modules' loaders, so only publications.json is loaded.
		const dir = tempDir('baladiya-e2e-map-');
		cpSync(path.join(ROOT, 'demo/official/publications.json'),
			path.join(dir, 'publications.json'));
		const r = await cliFor(srv, ['demo', 'load', dir]);
		assert.equal(r.code, 0, r.stderr);
	});

	after(async () => {
		await browser?.close();
		if (srv) assert.equal(await srv.stop(), 0);
		await cluster?.destroy();
	});

	test('Leaflet is served by the daemon', async () => {
		for (const [name, type] of [
			['vendor/leaflet/leaflet.js', /^text\/javascript/],
			['vendor/leaflet/leaflet.css', /^text\/css/],
			['vendor/leaflet/images/marker-icon.png', /^image\/png/],
			['map.js', /^text\/javascript/],
		]) {
			const r = await fetch(`${srv.url}/static/${name}`);
			assert.equal(r.status, 200, name);
			assert.match(r.headers.get('content-type'), type, name);
			assert.ok((await r.arrayBuffer()).byteLength > 100, name);
		}
	});

	test('the project list: a map above the list, one marker per located project, popups',
		async () => {
			const expected = await features('?lang=fr');
			assert.ok(expected.length >= 4, `the demo has located projects (${expected.length})`);
			const page = await trackedPage(browser, { locale: LOCALE.fr });
			await open(page, withLang(`${srv.url}/projects`, 'fr'));
			const markers = await mapMarkers(page);
			assert.equal(await markers.count(), expected.length, 'one marker per feature');
			assert.equal(await page.locator('#map').getAttribute('role'), 'region');
			assert.equal(await page.locator('#map').getAttribute('aria-label'), 'Carte des projets');
			assert.ok(await page.locator('#map').isVisible());
			// markers are named by their project's title
			const alts = await markers.evaluateAll((els) => els.map((e) => e.alt).sort());
			assert.deepEqual(alts, expected.map((f) => f.properties.title).sort());
			// the map is above the list
			const [mapY, listY] = await Promise.all([
				page.locator('#map').boundingBox().then((b) => b.y),
				page.locator('main .cards').boundingBox().then((b) => b.y),
			]);
			assert.ok(mapY < listY, 'the map comes first');
			// a popup: the title as text and a link to the project
			const f = expected[0];
			await page.locator(`#map .leaflet-marker-icon[alt="${f.properties.title}"]`).click();
			const popup = page.locator('#map .leaflet-popup-content');
			await popup.waitFor();
			assert.equal(await popup.locator('.map-popup-title').textContent(), f.properties.title);
			assert.equal(await popup.locator('a').getAttribute('href'), f.properties.url);
			await Promise.all([page.waitForURL((u) => u.pathname === f.properties.url),
				popup.locator('a').click()]);
			// the project page: a small map with its own pin
			const pin = page.locator('#map.map-small .leaflet-marker-icon');
			await pin.waitFor();
			assert.equal(await pin.count(), 1);
			assert.equal(await pin.getAttribute('alt'), f.properties.title);
			await screenshot(page, 'map-project-fr');
			assert.deepEqual(page.problems, []);
			await page.close();
		});

	test('filters reach the map: only the matching markers', async () => {
		const expected = await features('?quarter=centre');
		const page = await trackedPage(browser, { locale: LOCALE.fr });
		await open(page, withLang(`${srv.url}/projects?quarter=centre`, 'fr'));
		assert.equal(await (await mapMarkers(page)).count(), expected.length);
		assert.deepEqual(page.problems, []);
		await page.close();
	});

	test('a staff member picks the location on the map; the inputs are filled and saved',
		async () => {
			const before = await features('?lang=fr');
			const page = await trackedPage(browser, { locale: LOCALE.fr });
			await open(page, withLang(`${srv.url}/login`, 'fr'));
			await page.locator('#username').fill('cartographe');
			await page.locator('#password').fill(PASSWORD);
			await Promise.all([page.waitForURL((u) => u.pathname !== '/login'),
				page.locator('main form button[type=submit]').click()]);
			// the demo's one project without a location (public lighting, commune-wide)
			await open(page, withLang(`${srv.url}/staff/projects?lang=fr`, 'fr'));
			const row = page.locator('main table tbody tr', { hasText: 'Éclairage public LED' });
			const href = await row.locator('a[href^="/projects/"]').first().getAttribute('href');
			const id = Number(href.match(/\/projects\/(\d+)/)[1]);
			assert.ok(!before.some((f) => f.properties.id === id), 'not on the map yet');
			await open(page, withLang(`${srv.url}/staff/projects/${id}/edit`, 'fr'));
			assert.equal(await page.locator('#lat_micro').inputValue(), '');
			const map = page.locator('#map');
			await map.locator('.leaflet-tile-loaded').first().waitFor();
			assert.ok(await page.locator('.map-pick-help').isVisible(), 'the help shows with the map');
			await map.click({ position: { x: 150, y: 120 } });
			const pin = map.locator('.leaflet-marker-icon');
			await pin.waitFor();
			assert.equal(await pin.getAttribute('alt'), 'Point choisi');
			const lat = Number(await page.locator('#lat_micro').inputValue());
			const lon = Number(await page.locator('#lon_micro').inputValue());
			assert.ok(Number.isInteger(lat) && Number.isInteger(lon), `${lat} ${lon}`);
			// near the theme's centre (36.7169, 4.0497) at zoom 14: within a few km
			assert.ok(Math.abs(lat - 36716900) < 50000, `lat ${lat}`);
			assert.ok(Math.abs(lon - 4049700) < 50000, `lon ${lon}`);
			await expectNoAxeViolations(page, { tags: AXE_TAGS });
			await Promise.all([
				page.waitForURL((u) => u.pathname === '/staff/projects'),
				page.locator(`form[action="/staff/projects/${id}"] button[type=submit]`).click(),
			]);
			const after = await features('?lang=fr');
			assert.equal(after.length, before.length + 1);
			const f = after.find((x) => x.properties.id === id);
			assert.deepEqual(f.geometry.coordinates, [lon / 1e6, lat / 1e6]);
			// the form shows the saved pin again
			await open(page, withLang(`${srv.url}/staff/projects/${id}/edit`, 'fr'));
			await map.locator('.leaflet-marker-icon').waitFor();
			assert.equal(await page.locator('#lat_micro').inputValue(), String(lat));
			assert.deepEqual(page.problems, []);
			await page.close();
		});

	test('tiles that fail to load break nothing', async () => {
		const page = await trackedPage(browser, { locale: LOCALE.fr });
		await page.route((u) => u.searchParams.has('z'), (route) => route.abort());
		await open(page, withLang(`${srv.url}/projects`, 'fr'));
		assert.equal(await (await mapMarkers(page)).count(), (await features()).length);
		const errors = page.problems.filter((p) => !/ERR_FAILED|Failed to load resource/.test(p));
		assert.deepEqual(errors, []);
		// the map's own text (the attribution) over the bare background still reads well
		await expectNoAxeViolations(page, { tags: AXE_TAGS });
		await page.close();
	});

	test('without JavaScript: the list, a note, no map', async () => {
		const page = await trackedPage(browser, { locale: LOCALE.fr, javaScriptEnabled: false });
		await open(page, withLang(`${srv.url}/projects`, 'fr'));
		assert.equal(await page.locator('#map').isVisible(), false);
		assert.ok(await page.locator('.map-note').isVisible());
		assert.ok(await page.locator('main .cards li').count() > 0);
		assert.deepEqual(page.problems, []);
		await page.close();
	});

	for (const lang of LANGS) {
		test(`axe-core with the map present (${lang}): /projects and a project page`, async () => {
			const page = await trackedPage(browser, { locale: LOCALE[lang] });
			await open(page, withLang(`${srv.url}/projects`, lang));
			await (await mapMarkers(page)).first().waitFor();
			await page.locator('#map .leaflet-tile-loaded').first().waitFor();
			assert.equal(await page.locator('html').getAttribute('dir'), lang === 'ar' ? 'rtl' : 'ltr');
			await expectNoAxeViolations(page, { tags: AXE_TAGS });
			await screenshot(page, `map-projects-${lang}`);
			const url = (await features())[0].properties.url;
			await open(page, withLang(`${srv.url}${url}`, lang));
			await page.locator('#map .leaflet-marker-icon').waitFor();
			await expectNoAxeViolations(page, { tags: AXE_TAGS });
			assert.deepEqual(page.problems, []);
			await page.close();
		});
	}

	test(`first load of /projects stays under ${FIRST_LOAD_MAX / 1024} KB (tiles excepted)`,
		async () => {
			const page = await trackedPage(browser, { locale: LOCALE.ar });
			const responses = [];
			page.on('requestfinished', (req) => responses.push(req));
			await open(page, withLang(`${srv.url}/projects`, 'ar'));
			await (await mapMarkers(page)).first().waitFor();
			await page.waitForLoadState('networkidle');
			let total = 0;
			const seen = [];
			for (const req of responses) {
				const u = new URL(req.url());
				if (u.searchParams.has('z')) continue; // a tile
				const sizes = await req.sizes();
				total += sizes.responseBodySize + sizes.responseHeadersSize;
				seen.push(`${u.pathname} ${sizes.responseBodySize}`);
			}
			const leaflet = seen.find((s) => s.startsWith('/static/vendor/leaflet/leaflet.js'));
			assert.ok(leaflet, `Leaflet was loaded: ${seen.join(', ')}`);
			assert.ok(Number(leaflet.split(' ')[1]) < 60_000, `Leaflet came gzipped: ${leaflet}`);
			console.log(`first load of /projects: ${total} bytes over the wire (${seen.join(', ')})`);
			assert.ok(total <= FIRST_LOAD_MAX, `${total} bytes: ${seen.join(', ')}`);
			await page.close();
		});
});
