// SPDX-License-Identifier: AGPL-3.0-or-later
// Maps (issue 4), black-box over HTTP against a real official-srv and PostgreSQL:
// /projects.geojson is a valid GeoJSON FeatureCollection of the published, located projects
// (coordinates as numbers in lon/lat order, titles in the reader's language), honours the
// list's filters and a bbox, leaves out drafts, withdrawn and unlocated projects, and answers
// bad filters with a stable 400; the Content-Security-Policy allows images from the tile
// server and the peer and nothing else outside; Leaflet is served by the daemon itself with
// its type, ETag and long caching, gzipped for browsers that accept it; the list, item and staff form pages carry the map.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/map.test.mjs

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, startCluster } from '../lib/harness.mjs';
import { addUser, cli, Client, PASSWORD, assertSecurityHeaders, startSite } from '../lib/http.mjs';

const TILES = 'https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png';
const PEER = 'http://127.0.0.1:9/';

// Four projects: three located (two published, one draft), one published without location,
// one published then withdrawn.
const BASE = { category: 'voirie', status: 'en_cours', progress: '40' };
const PROJECTS = {
	centre: { ...BASE, title_fr: 'Trottoirs du centre', title_ar: 'أرصفة وسط المدينة', quarter: 'centre',
		lat_micro: '36716900', lon_micro: '4049700', action: 'publish' },
	tighilt: { ...BASE, title_fr: 'Réseau de Tighilt', title_ar: 'شبكة تيغيلت', quarter: 'tighilt',
		category: 'assainissement', status: 'livre', progress: '100', lat_micro: '36720100',
		lon_micro: '-4055300', action: 'publish' },
	draft: { ...BASE, title_fr: 'Projet en brouillon', quarter: 'centre', lat_micro: '36710000',
		lon_micro: '4040000', action: 'draft' },
	nowhere: { ...BASE, title_fr: 'Programme sans lieu', quarter: 'centre', action: 'publish' },
	withdrawn: { ...BASE, title_fr: 'Projet retiré', quarter: 'centre', lat_micro: '36700000',
		lon_micro: '4030000', action: 'publish' },
};

let cluster;
let srv;
let staff;
const ids = {};

async function get(p, headers = {}) {
	const r = await fetch(`${srv.url}${p}`, { headers });
	return { status: r.status, headers: r.headers, text: await r.text(), res: r };
}

async function geojson(p) {
	const r = await get(p);
	assert.equal(r.status, 200, `GET ${p}: ${r.text.slice(0, 300)}`);
	assert.match(r.headers.get('content-type'), /^application\/geo\+json/);
	return JSON.parse(r.text);
}

/** The GeoJSON shape (RFC 7946) of a FeatureCollection of Points, checked strictly. */
function assertFeatureCollection(fc) {
	assert.equal(fc.type, 'FeatureCollection');
	assert.ok(Array.isArray(fc.features));
	for (const f of fc.features) {
		assert.equal(f.type, 'Feature');
		assert.equal(f.geometry.type, 'Point');
		assert.equal(f.geometry.coordinates.length, 2);
		const [lon, lat] = f.geometry.coordinates;
		assert.equal(typeof lon, 'number');
		assert.equal(typeof lat, 'number');
		assert.ok(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90, `${lon},${lat} in range`);
		assert.equal(typeof f.properties.title, 'string');
		assert.match(f.properties.url, /^\/projects\/\d+$/);
		assert.equal(typeof f.properties.status, 'string');
		assert.equal(typeof f.properties.progress, 'number');
	}
}

const titles = (fc) => fc.features.map((f) => f.properties.title).sort();

describe('maps', () => {
	before(async () => {
		cluster = await startCluster();
		srv = await startSite('official', {
			cluster,
			themeDir: 'demo/official', // its site.json has the map's centre and zoom
			env: { BALADIYA_MAP_TILES: TILES, BALADIYA_PEER_URL: PEER,
				BALADIYA_MAP_ATTRIBUTION: '© Contributeurs <OSM> & co' },
		});
		await addUser(srv, 'admin', 'cartographe');
		staff = new Client(srv.url);
		assert.equal((await staff.login('cartographe', PASSWORD)).status, 303);
		for (const [key, fields] of Object.entries(PROJECTS)) {
			const r = await staff.post('/staff/projects', fields);
			assert.equal(r.status, 303, `create ${key}: ${r.body.slice(0, 400)}`);
		}
		const own = await staff.get('/staff/projects?lang=fr', { json: true });
		for (const it of own.json.items) {
			const key = Object.keys(PROJECTS).find((k) => PROJECTS[k].title_fr === it.title);
			if (key) ids[key] = it.id;
		}
		assert.equal(Object.keys(ids).length, 5, `ids: ${JSON.stringify(ids)}`);
		const r = await staff.post(`/staff/projects/${ids.withdrawn}/unpublish`,
			{ reason: 'Abandonné' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
	});

	after(async () => {
		if (srv) assert.equal(await srv.stop(), 0);
		await cluster?.destroy();
	});

	test('/projects.geojson: published located projects only, numbers in lon/lat order', async () => {
		const fc = await geojson('/projects.geojson?lang=fr');
		assertFeatureCollection(fc);
		assert.deepEqual(titles(fc), ['Réseau de Tighilt', 'Trottoirs du centre']);
		const centre = fc.features.find((f) => f.properties.url === `/projects/${ids.centre}`);
		assert.deepEqual(centre.geometry.coordinates, [4.0497, 36.7169]);
		assert.equal(centre.properties.status, 'en_cours');
		assert.equal(centre.properties.progress, 40);
		assert.equal(typeof centre.properties.label, 'string');
		const tighilt = fc.features.find((f) => f.properties.url === `/projects/${ids.tighilt}`);
		assert.deepEqual(tighilt.geometry.coordinates, [-4.0553, 36.7201], 'negative longitude');
		// the exact decimal text, not float noise
		const raw = (await get('/projects.geojson')).text;
		assert.match(raw, /"coordinates":\[4\.049700,36\.716900\]/);
		assert.doesNotMatch(raw, /brouillon|retiré|sans lieu/i);
	});

	test('titles follow the reader\'s language', async () => {
		const fc = await geojson('/projects.geojson?lang=ar');
		assert.deepEqual(titles(fc), ['أرصفة وسط المدينة', 'شبكة تيغيلت'].sort());
	});

	test('the list\'s filters apply, and a bbox', async () => {
		assert.deepEqual(titles(await geojson('/projects.geojson?status=livre&lang=fr')),
			['Réseau de Tighilt']);
		assert.deepEqual(titles(await geojson('/projects.geojson?quarter=centre&lang=fr')),
			['Trottoirs du centre']);
		assert.deepEqual(titles(await geojson('/projects.geojson?category=assainissement&lang=fr')),
			['Réseau de Tighilt']);
		assert.deepEqual(titles(await geojson('/projects.geojson?quarter=elamel')), []);
		assert.deepEqual(titles(await geojson('/projects.geojson?bbox=4.0,36.7,4.1,36.8&lang=fr')),
			['Trottoirs du centre']);
		assert.deepEqual(titles(await geojson('/projects.geojson?bbox=-5,36,-4,37&lang=fr')),
			['Réseau de Tighilt']);
		assert.deepEqual(titles(await geojson('/projects.geojson?bbox=0,0,1,1')), []);
	});

	test('bad filters and boxes: stable 400 codes in JSON', async () => {
		for (const [q, code] of [
			['status=bogus', 'invalid_filter'],
			['quarter=%27%20OR%201=1', 'invalid_filter'],
			['bbox=1,2,3', 'invalid_bbox'],
			['bbox=4.1,36.7,4.0,36.8', 'invalid_bbox'],
			['bbox=0,0,200,1', 'invalid_bbox'],
			['bbox=a,b,c,d', 'invalid_bbox'],
			['bbox=1e3,0,2,1', 'invalid_bbox'],
		]) {
			const r = await get(`/projects.geojson?${q}`);
			assert.equal(r.status, 400, q);
			assert.equal(JSON.parse(r.text).error.code, code, q);
		}
		assert.equal((await get('/sessions.geojson')).status, 404, 'only located kinds');
	});

	test('CSP: images from self, data:, the tile server and the peer; scripts from self only',
		async () => {
			for (const p of ['/', '/projects', '/projects.geojson', '/static/map.js']) {
				const r = await get(p);
				assertSecurityHeaders(r.headers, p);
				const csp = r.headers.get('content-security-policy');
				const dirs = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/))
					.map(([k, ...v]) => [k, v]));
				assert.deepEqual(dirs['img-src'],
					["'self'", 'data:', 'https://*.tiles.example.org', 'http://127.0.0.1:9'], p);
				assert.deepEqual(dirs['script-src'], ["'self'"], p);
				assert.deepEqual(dirs['style-src'], ["'self'"], p);
				assert.deepEqual(dirs['default-src'], ["'self'"], p);
			}
		});

	test('Leaflet and map.js are served by the daemon: type, ETag, 304, long caching', async () => {
		const dist = path.join(ROOT, 'web/node_modules/leaflet/dist');
		for (const [name, type, file] of [
			['vendor/leaflet/leaflet.js', /^text\/javascript/, 'leaflet.js'],
			['vendor/leaflet/leaflet.css', /^text\/css/, 'leaflet.css'],
			['vendor/leaflet/images/marker-icon.png', /^image\/png$/, 'images/marker-icon.png'],
			['vendor/leaflet/images/marker-shadow.png', /^image\/png$/, 'images/marker-shadow.png'],
			['map.js', /^text\/javascript/, null],
		]) {
			const identity = { 'accept-encoding': 'identity' };
			const r = await fetch(`${srv.url}/static/${name}`, { headers: identity });
			const body = Buffer.from(await r.arrayBuffer());
			assert.equal(r.status, 200, name);
			assert.match(r.headers.get('content-type'), type, name);
			assert.equal(r.headers.get('content-encoding'), null, name);
			if (file) assert.ok(body.equals(readFileSync(path.join(dist, file))), `${name} bytes`);
			const etag = r.headers.get('etag');
			assert.match(etag, /^"[0-9a-f]{16}"$/, name);
			const again = await fetch(`${srv.url}/static/${name}`,
				{ headers: { ...identity, 'if-none-match': etag } });
			assert.equal(again.status, 304, `${name} revalidated`);
			const versioned = await fetch(`${srv.url}/static/${name}?v=${etag.slice(1, 9)}`,
				{ headers: identity });
			await versioned.arrayBuffer();
			assert.match(versioned.headers.get('cache-control'), /max-age=31536000.*immutable/, name);
			const stale = await fetch(`${srv.url}/static/${name}?v=00000000`, { headers: identity });
			await stale.arrayBuffer();
			assert.doesNotMatch(stale.headers.get('cache-control'), /immutable/,
				`${name}: a version that is not this file's is not kept for a year`);
		}
	});

	test('text files go gzipped to browsers that accept it, with their own ETag', async () => {
		const file = readFileSync(path.join(ROOT, 'web/node_modules/leaflet/dist/leaflet.js'));
		const raw = (headers) => new Promise((resolve, reject) => {
			http.get(`${srv.url}/static/vendor/leaflet/leaflet.js`, { headers }, (res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
			}).on('error', reject);
		});
		const gz = await raw({ 'accept-encoding': 'gzip, deflate, br' });
		assert.equal(gz.res.statusCode, 200);
		assert.equal(gz.res.headers['content-encoding'], 'gzip');
		assert.match(gz.res.headers.vary, /Accept-Encoding/);
		assert.ok(gz.body.length < file.length / 2, `${gz.body.length} bytes compressed`);
		assert.ok(gunzipSync(gz.body).equals(file), 'gunzip gives the file back');
		const etag = gz.res.headers.etag;
		assert.match(etag, /^"[0-9a-f]{16}"$/);
		const plain = await raw({});
		assert.equal(plain.res.headers['content-encoding'], undefined, 'no Accept-Encoding');
		assert.match(plain.res.headers.vary, /Accept-Encoding/);
		assert.ok(plain.body.equals(file));
		assert.notEqual(plain.res.headers.etag, etag);
		for (const ae of ['gzip;q=0', 'br', 'identity, *;q=0']) {
			const r = await raw({ 'accept-encoding': ae });
			assert.equal(r.res.headers['content-encoding'], undefined, ae);
		}
		for (const ae of ['GZIP', 'br;q=1, gzip;q=0.5', '*']) {
			const r = await raw({ 'accept-encoding': ae });
			assert.equal(r.res.headers['content-encoding'], 'gzip', ae);
		}
		const revalidated = await raw({ 'accept-encoding': 'gzip', 'if-none-match': etag });
		assert.equal(revalidated.res.statusCode, 304);
		// images are not compressed again
		const png = await raw({ 'accept-encoding': 'gzip' }).then(() =>
			fetch(`${srv.url}/static/vendor/leaflet/images/marker-icon.png`));
		await png.arrayBuffer();
		assert.equal(png.headers.get('content-encoding'), null);
	});

	test('the map on the list, on a located project page and on the staff form', async () => {
		const list = (await get('/projects?lang=fr&status=en_cours')).text;
		assert.match(list, /<div id="map" class="map" role="region" aria-label="Carte des projets" hidden data-map/);
		assert.match(list, /data-geojson="\/projects\.geojson\?status=en_cours"/);
		assert.match(list, /data-tiles="https:\/\/\{s\}\.tiles\.example\.org\/osm\/\{z\}\/\{x\}\/\{y\}\.png"/);
		assert.match(list, /data-attribution="© Contributeurs &lt;OSM&gt; &amp; co"/, 'escaped');
		assert.match(list, /<script defer src="\/static\/vendor\/leaflet\/leaflet\.js\?v=[0-9a-f]{8}"><\/script>/);
		assert.match(list, /<script defer src="\/static\/map\.js\?v=[0-9a-f]{8}"><\/script>/);
		assert.match(list, /<noscript><p class="map-note">/);
		assert.doesNotMatch(list, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
		// the map comes before the list
		assert.ok(list.indexOf('data-map') < list.indexOf('class="cards"'));

		const item = (await get(`/projects/${ids.centre}?lang=fr`)).text;
		assert.match(item, /class="map map-small"[^>]*data-marker-lat="36\.716900" data-marker-lon="4\.049700"/);
		const unlocated = (await get(`/projects/${ids.nowhere}?lang=fr`)).text;
		assert.doesNotMatch(unlocated, /data-map|leaflet/, 'no map without a location');
		const news = (await get('/news?lang=fr')).text;
		assert.doesNotMatch(news, /leaflet|map\.js/, 'pages without a map load no map code');

		const form = (await staff.get(`/staff/projects/${ids.centre}/edit?lang=fr`)).body;
		assert.match(form, /data-pick-lat="lat_micro" data-pick-lon="lon_micro" data-pick-micro="true"/);
		assert.match(form, /<input id="lat_micro" name="lat_micro" value="36716900"/);
		// the JSON twin of the list carries the map's context
		const j = JSON.parse((await get('/projects.json?lang=fr')).text);
		assert.equal(j.map.geojson, '/projects.geojson');
		assert.equal(j.map.zoom, 14);
		assert.equal(j.map.tiles, TILES);
	});
});

describe('map configuration', () => {
	test('default tiles are OpenStreetMap; a tile URL that is not http(s) stops the start',
		async () => {
			// the harness points the tiles at a local image (no internet here): the
			// defaults are read from --help, and the OpenStreetMap URL is given explicitly
			const help = (await cli('official', ['--help'])).stdout;
			assert.match(help, /BALADIYA_MAP_TILES +string +default: https:\/\/tile\.openstreetmap\.org\/\{z\}\/\{x\}\/\{y\}\.png\n/);
			assert.match(help, /BALADIYA_MAP_ATTRIBUTION +string +default: © OpenStreetMap contributors\n/);
			const c = await startCluster();
			try {
				const d = await startSite('official', { cluster: c,
					env: { BALADIYA_MAP_TILES: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' } });
				const r = await fetch(`${d.url}/projects.json`);
				const j = await r.json();
				assert.equal(j.map.tiles, 'https://tile.openstreetmap.org/{z}/{x}/{y}.png');
				assert.equal(j.map.attribution, '© OpenStreetMap contributors');
				assert.match(r.headers.get('content-security-policy'),
					/img-src 'self' data: https:\/\/tile\.openstreetmap\.org;/);
				assert.equal(await d.stop(), 0);
				// a local tile path adds no origin
				const l = await startSite('official', { cluster: c });
				const lr = await fetch(`${l.url}/`);
				await lr.arrayBuffer();
				assert.match(lr.headers.get('content-security-policy'), /img-src 'self' data:;/);
				assert.equal(await l.stop(), 0);
				await assert.rejects(startSite('official', { cluster: c,
					env: { BALADIYA_MAP_TILES: 'javascript:alert(1)//{z}' } }),
				/exited before answering[\s\S]*BALADIYA_MAP_TILES/);
				await assert.rejects(startSite('official', { cluster: c,
					env: { BALADIYA_MAP_TILES: 'https://tiles.example.org; script-src *' } }),
				/BALADIYA_MAP_TILES/);
			} finally {
				await c.destroy();
			}
		});
});
