// SPDX-License-Identifier: AGPL-3.0-or-later
// Photos on project milestones, across a paired pair of daemons: staff attach a JPEG that
// carries GPS coordinates and a camera model (written by exiftool, an outside tool); exiftool
// then finds no EXIF, GPS, XMP or camera data at all in what the site serves. The project page
// shows the thumbnail (sized, lazy, with the milestone's text as alt) linking to the photo, on
// official-srv and on the citizen mirror, whose /photos/... redirects to the official copy.
// The photo files are immutable (strong ETag = the hash Node computes, 304, a year of cache).
// Bad input (a PDF called .jpg, an oversized file, a truncated JPEG, too many pixels, a PNG
// that would cost too much to decode) gets a clear 4xx with its stable code, and nothing is
// stored: no photo row, no milestone, no event.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/photos.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../lib/harness.mjs';
import { readLog, staffClient, startLinkedPair, waitForMirror } from '../lib/federation.mjs';
import { errorCodeOf, getHtml, getJson, sql, waitFor } from '../lib/http.mjs';
import { noiseImage } from '../lib/images.mjs';

const TITLE = 'Réfection de la place du marché';
const STEP = 'Pose des pavés – côté nord';
const CAMERA = 'PhoneCam-marqueur-4d1e';
// Algiers, as a phone would record it
const GPS = ['-GPSLatitude=36.7538', '-GPSLatitudeRef=N', '-GPSLongitude=3.0588',
	'-GPSLongitudeRef=E'];

let pair;
let staff;
let projectId; // the official's id
let localId; // the citizen mirror's id
let dir;
const files = {};

function sh(cmd, args) {
	return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** exiftool's view of a file: every tag, with its group (IFD0:Model, GPS:GPSLatitude...). */
function exif(file) {
	return JSON.parse(sh('exiftool', ['-j', '-a', '-G1', file]))[0];
}

/** The tags of groups that hold metadata (anything but the file and the JPEG's own structure). */
function metadataTags(tags) {
	return Object.keys(tags).filter((k) => /^(IFD\d|ExifIFD|GPS|XMP|ICC|IPTC|Photoshop|MakerNotes|InteropIFD)/.test(k) ||
		/GPS|Model|Make|Orientation/i.test(k));
}

async function count(srv, q) {
	return Number(await sql(srv, q));
}

const photoRows = (srv) => count(srv, 'SELECT count(*) FROM photos');

async function milestones(srv, id) {
	return (await getJson(srv, `/projects/${id}?lang=fr`)).milestones ?? [];
}

/** POSTs the milestone form (multipart) with file as its photo (null: no file chosen). */
async function addMilestone(file, { name = 'photo.jpg', type = 'image/jpeg', text = STEP } = {}) {
	const body = new FormData();
	body.append('csrf', await staff.csrf());
	body.append('date', '2026-03-14');
	body.append('text_fr', text);
	if (file === null) body.append('photo', new File([], ''), ''); // what a browser sends
	else body.append('photo', new File([file], name, { type }));
	return staff.request(`/staff/projects/${projectId}/milestones`, { method: 'POST', body });
}

before(async () => {
	dir = tempDir('baladiya-photos-');
	// the photo: a real JPEG made by libvips' command line, then tagged by exiftool
	files.photo = path.join(dir, 'IMG_0042.jpg');
	noiseImage(path.join(dir, 'noise.v'), 1200, 900, '--mean', '128', '--sigma', '50');
	sh('vips', ['copy', path.join(dir, 'noise.v'), `${files.photo}[Q=90]`]);
	sh('exiftool', ['-overwrite_original', `-Model=${CAMERA}`, '-Make=TestMaker', ...GPS,
		'-XMP:Description=marqueur-xmp', files.photo]);
	// the bad inputs
	files.pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
		'trailer << /Root 1 0 R >>\n%%EOF\n');
	files.big = Buffer.alloc(8 * 1024 * 1024 + 4096);
	readFileSync(files.photo).copy(files.big); // a JPEG's first bytes, then zeros: too large
	const whole = readFileSync(files.photo);
	files.truncated = whole.subarray(0, Math.floor(whole.length / 2));
	files.huge = path.join(dir, 'huge.png');
	sh('vips', ['black', files.huge, '8000', '5001']); // 40 008 000 pixels, a small file
	// 39.7 megapixels, under the 40 allowed, but a PNG is decoded whole: refused by its header
	files.costly = path.join(dir, 'costly.png');
	sh('vips', ['black', files.costly, '6300', '6300']);

	pair = await startLinkedPair();
	staff = await staffClient(pair.official);
	const r = await staff.post('/staff/projects', {
		action: 'publish', title_fr: TITLE, category: 'voirie', status: 'programme', progress: '40',
		quarter: 'centre',
	});
	assert.equal(r.status, 303, `create answered ${r.status} ${r.errorCode}`);
	projectId = (await staff.get('/staff/projects.json')).json.items.find((i) => i.title === TITLE).id;
});

after(async () => {
	await pair?.stop();
});

describe('milestone photos', () => {
	test('the input does carry GPS, camera and XMP data (exiftool sees them)', () => {
		const tags = exif(files.photo);
		assert.equal(tags['IFD0:Model'], CAMERA);
		assert.ok(tags['GPS:GPSLatitude'], 'no GPS in the input');
		assert.ok(tags['XMP-dc:Description'], 'no XMP in the input');
	});

	test('bad photos get a clear 4xx with a stable code, and nothing is stored', async () => {
		const rows0 = await photoRows(pair.official);
		const ms0 = (await milestones(pair.official, projectId)).length;
		const log0 = (await readLog(pair.official)).length;
		const cases = [
			['a PDF named .jpg', files.pdf, 415, 'photo_type'],
			['plain text named .jpg', Buffer.from('not a photo\n'), 415, 'photo_type'],
			['an oversized file', files.big, 413, 'photo_too_large'],
			['a truncated JPEG', files.truncated, 400, 'photo_unreadable'],
			['40 megapixels and more', readFileSync(files.huge), 400, 'photo_dimensions'],
			['a PNG declaring 6,300 × 6,300 pixels', readFileSync(files.costly), 413,
				'photo_decode_limit'],
		];
		for (const [what, bytes, status, code] of cases) {
			const r = await addMilestone(bytes);
			assert.equal(r.status, status, `${what}: ${r.status} ${r.errorCode}`);
			assert.equal(r.errorCode, code, what);
		}
		// the JSON twin of an error
		const body = new FormData();
		body.append('csrf', await staff.csrf());
		body.append('date', '2026-03-14');
		body.append('text_fr', STEP);
		body.append('photo', new File([files.pdf], 'scan.jpg', { type: 'image/jpeg' }));
		const j = await staff.request(`/staff/projects/${projectId}/milestones`,
			{ method: 'POST', body, json: true });
		assert.equal(j.status, 415);
		assert.equal(j.json.error.code, 'photo_type');
		assert.equal(await photoRows(pair.official), rows0, 'a refused photo was stored');
		assert.equal((await milestones(pair.official, projectId)).length, ms0, 'a milestone was added');
		assert.equal((await readLog(pair.official)).length, log0, 'an event was emitted');
	});

	test('an accepted photo is stored without any metadata and shown on the timeline', async () => {
		const log0 = (await readLog(pair.official)).length;
		const r = await addMilestone(readFileSync(files.photo), { name: 'IMG_0042.JPG' });
		assert.equal(r.status, 303, `${r.status} ${r.errorCode} ${r.body.slice(0, 200)}`);
		assert.equal(await photoRows(pair.official), 1);
		const ms = await milestones(pair.official, projectId);
		const m = ms.find((x) => x.photo);
		assert.ok(m, 'no milestone with a photo');
		assert.equal(m.text, STEP);
		const { sha256, width, height, url, thumb_url: thumbUrl, thumb_width: tw,
			thumb_height: th } = m.photo;
		assert.match(sha256, /^[0-9a-f]{64}$/);
		assert.deepEqual([width, height], [1200, 900]);
		assert.deepEqual([tw, th], [400, 300]);
		assert.equal(url, `/photos/${sha256}.jpg`);
		assert.equal(thumbUrl, `/photos/${sha256}-small.jpg`);

		// the event carries {sha256, width, height} and nothing else of the photo
		const log = await readLog(pair.official);
		assert.equal(log.length, log0 + 1);
		const ev = JSON.parse(log[log.length - 1].payload.toString('utf8'));
		const text = JSON.stringify(ev);
		assert.ok(!text.includes(CAMERA) && !text.includes('IMG_0042'), 'the event names the file or camera');
		const evMs = (ev.data.fields ?? ev.data).milestones;
		assert.deepEqual(evMs[evMs.length - 1].photo, { sha256, width, height });

		// served: the bytes hash to their name, immutable, no metadata (exiftool)
		const full = await fetch(`${pair.official.url}${url}`);
		assert.equal(full.status, 200);
		assert.equal(full.headers.get('content-type'), 'image/jpeg');
		assert.equal(full.headers.get('etag'), `"${sha256}"`);
		assert.match(full.headers.get('cache-control'), /public/);
		assert.match(full.headers.get('cache-control'), /max-age=31536000/);
		assert.match(full.headers.get('cache-control'), /immutable/);
		const bytes = Buffer.from(await full.arrayBuffer());
		assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), sha256);
		const served = path.join(dir, 'served.jpg');
		writeFileSync(served, bytes);
		const tags = exif(served);
		assert.deepEqual(metadataTags(tags), [], `metadata left: ${JSON.stringify(tags)}`);
		assert.equal(tags['File:ImageWidth'], 1200);
		assert.equal(tags['File:ImageHeight'], 900);
		assert.ok(!bytes.includes(Buffer.from(CAMERA)) && !bytes.includes(Buffer.from('Exif\0\0')));

		const small = await fetch(`${pair.official.url}${thumbUrl}`);
		assert.equal(small.status, 200);
		assert.equal(small.headers.get('etag'), `"${sha256}-small"`);
		const thumb = path.join(dir, 'thumb.jpg');
		writeFileSync(thumb, Buffer.from(await small.arrayBuffer()));
		const ttags = exif(thumb);
		assert.deepEqual(metadataTags(ttags), []);
		assert.deepEqual([ttags['File:ImageWidth'], ttags['File:ImageHeight']], [400, 300]);

		// revalidation: 304 without the bytes
		const again = await fetch(`${pair.official.url}${url}`, { headers: { 'if-none-match': `"${sha256}"` } });
		assert.equal(again.status, 304);
		assert.equal((await again.arrayBuffer()).byteLength, 0);
		assert.equal(again.headers.get('etag'), `"${sha256}"`);

		// the same photo again is the same row
		const r2 = await addMilestone(readFileSync(files.photo), { text: `${STEP} (suite)` });
		assert.equal(r2.status, 303);
		assert.equal(await photoRows(pair.official), 1);

		// the timeline: a lazy, sized thumbnail with the milestone's text, linking to the photo
		const html = await getHtml(pair.official, `/projects/${projectId}?lang=fr`);
		assert.ok(html.includes(`<a class="milestone-photo" href="/photos/${sha256}.jpg">` +
			`<img src="/photos/${sha256}-small.jpg" width="400" height="300" loading="lazy" ` +
			`alt="${STEP}"></a>`), 'no thumbnail on the official page');
	});

	test('a milestone without a photo still works (an empty file input)', async () => {
		const rows0 = await photoRows(pair.official);
		const r = await addMilestone(null, { text: 'Réception des travaux' });
		assert.equal(r.status, 303, `${r.status} ${r.errorCode}`);
		const ms = await milestones(pair.official, projectId);
		const m = ms.find((x) => x.text === 'Réception des travaux');
		assert.ok(m && !m.photo);
		assert.equal(await photoRows(pair.official), rows0);
	});

	test('the citizen mirror shows the thumbnail; its /photos/ redirects to the official copy', async () => {
		await waitForMirror(pair.official, pair.citizen);
		const item = await waitFor(async () => {
			const list = await getJson(pair.citizen, '/projects?lang=fr');
			return list.items.find((i) => i.origin_id === projectId);
		}, { what: 'the project on citizen-srv' });
		localId = item.id;
		const m = (await milestones(pair.citizen, localId)).find((x) => x.photo);
		assert.ok(m, 'no photo on the mirror');
		const { sha256 } = m.photo;
		assert.equal(await photoRows(pair.citizen), 0, 'the mirror holds photo bytes');
		for (const lang of ['fr', 'ar']) {
			const html = await getHtml(pair.citizen, `/projects/${localId}?lang=${lang}`);
			assert.ok(html.includes(`<img src="/photos/${sha256}-small.jpg" width="400" height="300" loading="lazy"`),
				`${lang}: no thumbnail on the mirror page`);
		}
		for (const file of [`${sha256}.jpg`, `${sha256}-small.jpg`]) {
			const r = await fetch(`${pair.citizen.url}/photos/${file}`, { redirect: 'manual' });
			assert.equal(r.status, 303);
			const loc = r.headers.get('location');
			assert.equal(loc, `${pair.official.url}/photos/${file}?via=peer`);
			const o = await fetch(loc);
			assert.equal(o.status, 200);
			assert.equal(o.headers.get('content-type'), 'image/jpeg');
			if (!file.includes('small')) {
				const b = Buffer.from(await o.arrayBuffer());
				assert.equal(crypto.createHash('sha256').update(b).digest('hex'), sha256);
			}
		}
	});

	test('unknown and malformed photo names: 404 photo_not_found, no redirect loop', async () => {
		const unknown = 'ab'.repeat(32);
		// official does not have it: to the peer, which does not have it either and says so
		const r = await fetch(`${pair.official.url}/photos/${unknown}.jpg`, { redirect: 'manual' });
		assert.equal(r.status, 303);
		const loc = r.headers.get('location');
		assert.equal(loc, `${pair.citizen.url}/photos/${unknown}.jpg?via=peer`);
		const end = await fetch(loc, { redirect: 'manual' });
		assert.equal(end.status, 404);
		assert.equal(errorCodeOf(await end.text()), 'photo_not_found');
		for (const name of [`${unknown}.png`, `${unknown.toUpperCase()}.jpg`, `${unknown}`,
			`${unknown.slice(2)}.jpg`, `${unknown}-big.jpg`, `${unknown}.jpg.exe`, 'x.jpg']) {
			const b = await fetch(`${pair.official.url}/photos/${name}`, { redirect: 'manual' });
			assert.equal(b.status, 404, name);
			assert.equal(errorCodeOf(await b.text()), 'photo_not_found', name);
		}
	});
});
