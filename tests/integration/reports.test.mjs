// SPDX-License-Identifier: AGPL-3.0-or-later
// Residents' problem reports on citizen-srv, with a real official-srv paired to it: filing a
// report with photos (multipart) and finding it in the list, its JSON twin, the GeoJSON and its
// page; the nearby check before filing (support instead, or file anyway with the photos
// carried); one support per verified contact (the real SMTP server brings the codes); the private tracking page and the assessment, allowed
// only once the commune (through the official inbox) marks the report resolved, a dispute
// reopening it there; pre-moderation and hiding by the collective's moderators; bad input
// with stable codes and nothing stored (rows and events counted before and after); and the
// reporter's contact and tracking token in no page, JSON, GeoJSON, event or daemon log.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/reports.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../lib/harness.mjs';
import { readLog, staffClient, startLinkedPair } from '../lib/federation.mjs';
import { Client, getJson, signedIn, sql, waitFor } from '../lib/http.mjs';
import { noiseImage } from '../lib/images.mjs';
import { verifyParticipant } from '../lib/participation.mjs';
import { postReport } from '../lib/reports.mjs';
import { startSmtpServer } from '../lib/smtp.mjs';

const FOLLOWER = 'suiveuse@example.org';
// Markers that must never leave the reporter's own pages.
const CONTACT = 'signaleur.marqueur-5k9z@example.org';
const CONTACT_PHONE = '+213 555 12 34 97';
// Inside the demo commune's boundary (demo/citizen/site.json), and a point well outside it.
const PIN = { lat: '36.718200', lon: '4.051000' };
const PIN_NEAR = { lat: '36.718500', lon: '4.051300' }; // about 40 m away
const PIN_OUT = { lat: '36.800000', lon: '4.200000' };

let pair;
let smtp;
let agent; // official staff
let moderator; // citizen moderator
let images;
const tokens = [];

/** An image made by libvips' command line (the format from the name), read back. */
function image(name, width, height) {
	return readFileSync(noiseImage(path.join(images, name), width, height));
}

/** A resident's browser that opened the form (it holds a CSRF cookie). */
async function resident() {
	const c = new Client(pair.citizen.url);
	const r = await c.get('/reports/new?lang=fr');
	assert.equal(r.status, 200);
	return c;
}

/** POSTs the report form as multipart; photos: [{bytes, name, type}]. */
function file(client, fields, photos = [], opts = {}) {
	return postReport(client, { title: 'Trottoir effondré', description: 'Le trottoir s\'est effondré.',
		category: 'VOI', place: '', quarter: 'centre', ...fields }, photos, opts);
}

/** Rows that bad input must not change, on the citizen side. */
async function counts() {
	const n = async (q) => Number(await sql(pair.citizen, q));
	return {
		reports: await n('SELECT count(*) FROM reports'),
		private: await n('SELECT count(*) FROM report_private'),
		photos: await n('SELECT count(*) FROM photos'),
		timeline: await n('SELECT count(*) FROM report_timeline'),
		supports: await n('SELECT count(*) FROM report_supports'),
		events: await n("SELECT count(*) FROM fed_events WHERE origin = 'citizen'"),
	};
}

/** The reference and tracking path shown on a success page. */
function created(reply) {
	assert.equal(reply.status, 201, reply.body.slice(0, 600));
	const ref = /<bdi>(R-[0-9A-Z]{4}-[0-9A-Z]{4})<\/bdi>/.exec(reply.body)?.[1];
	const track = /href="(\/reports\/track\/[A-Za-z0-9_-]{43})"/.exec(reply.body)?.[1];
	assert.ok(ref, 'no reference on the success page');
	assert.ok(track, 'no tracking link on the success page');
	tokens.push(track.split('/').pop());
	return { ref, track };
}

before(async () => {
	images = tempDir('baladiya-report-images-');
	smtp = await startSmtpServer();
	pair = await startLinkedPair({ citizen: { env: smtp.env } });
	agent = await staffClient(pair.official);
	moderator = await signedIn(pair.citizen, 'moderator', 'moderatrice');
});

after(async () => {
	await pair?.stop();
	await smtp?.stop();
});

describe('reports', () => {
	let first; // {ref, track}

	test('the form: fields with labels, the emergency banner, the consent text', async () => {
		const c = new Client(pair.citizen.url);
		const r = await c.get('/reports/new?lang=fr');
		assert.equal(r.status, 200);
		assert.match(r.body, /<form class="report-form" method="post" action="\/reports" enctype="multipart\/form-data"/);
		for (const id of ['report-category', 'report-title', 'report-description', 'report-place',
			'report-quarter', 'report-lat', 'report-lon', 'report-photo', 'report-contact']) {
			assert.match(r.body, new RegExp(`<label for="${id}">`), `label for ${id}`);
		}
		assert.match(r.body, /Pas pour les urgences/);
		assert.match(r.body, /12 mois après la clôture/);
		assert.match(r.body, /Responsable du traitement : le collectif/);
		assert.match(r.body, /<option value="VOI">Voirie, chaussée, trottoirs<\/option>/);
		assert.match(r.body, /<option value="tighilt">Tighilt<\/option>/);
		assert.match(r.body, /data-pick-lat="report-lat" data-pick-lon="report-lon"/);
		assert.match(r.body, /<input type="hidden" name="csrf" value="[0-9a-f]{64}">/);
		const ar = await c.get('/reports/new?lang=ar');
		assert.match(ar.body, /<html lang="ar" dir="rtl">/);
		assert.match(ar.body, /ليس للحالات الطارئة/);
		// the navigation offers reports on the citizen side only
		assert.match(r.body, /<a href="\/reports">Signalements<\/a>/);
		const home = await fetch(`${pair.official.url}/?lang=fr`).then((x) => x.text());
		assert.doesNotMatch(home, /href="\/reports"/);
		assert.equal((await fetch(`${pair.official.url}/reports/new`)).status, 404);
	});

	test('a report with two photos is in the list, its JSON twin, the GeoJSON and its page', async () => {
		const c = await resident();
		const before = await counts();
		const r = await file(c, {
			category: 'ECL', title: 'Lampadaire éteint avenue Amirouche',
			description: 'Éteint depuis une semaine.\nLa rue est noire le soir.', ...PIN,
			contact: CONTACT,
		}, [
			{ bytes: image('a.jpg', 64, 48), name: 'a.jpg', type: 'image/jpeg' },
			{ bytes: image('b.png', 40, 30), name: 'b.png', type: 'image/png' },
		]);
		first = created(r);
		assert.equal(r.headers.get('cache-control'), 'no-store');
		assert.match(r.body, /n.(#39;)?est affiché qu.(#39;)?une fois/);
		const afterCounts = await counts();
		assert.equal(afterCounts.reports, before.reports + 1);
		assert.equal(afterCounts.private, before.private + 1);
		assert.equal(afterCounts.photos, before.photos + 2);
		assert.equal(afterCounts.events, before.events + 1);
		// the token is stored only as its SHA-256
		const token = first.track.split('/').pop();
		const stored = await sql(pair.citizen, 'SELECT tracking_sha256 FROM report_private ORDER BY report_id DESC LIMIT 1');
		assert.equal(stored, (await import('node:crypto')).createHash('sha256').update(token).digest('hex'));

		const list = await getJson(pair.citizen, '/reports?lang=fr');
		const item = list.items.find((i) => i.ref === first.ref);
		assert.ok(item, 'the report is in the list');
		assert.equal(item.category_label, 'Éclairage public');
		const twin = await getJson(pair.citizen, `/reports/${first.ref}.json?lang=fr`);
		assert.equal(twin.report.title, 'Lampadaire éteint avenue Amirouche');
		assert.equal(twin.report.lat, PIN.lat);
		assert.equal(twin.report.lon, PIN.lon);
		assert.equal(twin.report.photos.length, 2);
		assert.equal(twin.report.assessment, 'none');
		assert.equal(twin.timeline[0].kind, 'created');
		for (const p of twin.report.photos) {
			const small = await fetch(`${pair.citizen.url}${p.small_url}`);
			assert.equal(small.status, 200);
			assert.equal(small.headers.get('content-type'), 'image/jpeg');
		}
		const geo = await fetch(`${pair.citizen.url}/reports.geojson?bbox=4.0,36.6,4.1,36.8`);
		assert.equal(geo.status, 200);
		assert.match(geo.headers.get('content-type'), /^application\/geo\+json/);
		const fc = await geo.json();
		assert.equal(fc.type, 'FeatureCollection');
		const f = fc.features.find((x) => x.properties.ref === first.ref);
		assert.deepEqual(f.geometry, { type: 'Point', coordinates: [4.051, 36.7182] });
		assert.equal(f.properties.url, `/reports/${first.ref}`);
		const outside = await fetch(`${pair.citizen.url}/reports.geojson?bbox=5,37,5.1,37.1`).then((x) => x.json());
		assert.equal(outside.features.length, 0);
		const page = await fetch(`${pair.citizen.url}/reports/${first.ref}?lang=fr`).then((x) => x.text());
		assert.match(page, /Statut de la commune/);
		assert.match(page, /Avis du signaleur/);
		assert.match(page, /<img src="\/photos\/[0-9a-f]{64}-small\.jpg"/);
		assert.match(page, /<a href="\/photos\/[0-9a-f]{64}\.jpg">/);
		// the commune receives it: its receipt comes back as a status and a timeline entry
		const mirrored = await waitFor(async () => {
			const v = await getJson(pair.citizen, `/reports/${first.ref}.json`);
			return v.report.status === 'received' ? v : null;
		}, { timeoutMs: 15_000, what: 'the commune\'s receipt on citizen-srv' });
		assert.ok(mirrored.timeline.some((e) => e.side === 'official' && e.status === 'received'));
		// the event carries what the decision says, and nothing personal
		const entry = (await readLog(pair.citizen))
			.find((e) => e.type === 'report.created' && e.data.ref === first.ref);
		const ev = { ...JSON.parse(entry.payload), data: entry.data };
		assert.deepEqual(Object.keys(ev.data).sort(), ['category', 'description', 'id', 'lang', 'lat_e6',
			'lon_e6', 'photos', 'place', 'quarter', 'ref', 'title']);
		// what the resident wrote and showed is committed, not carried (protocol §4.6)
		const signed = JSON.parse(entry.payload);
		assert.equal(signed.v, 2);
		assert.deepEqual(Object.keys(signed.commit).sort(), ['description', 'lat_e6', 'lon_e6', 'photos',
			'place', 'title']);
		assert.ok(!entry.payload.toString('utf8').includes('Lampadaire'), 'the title is not in the signed payload');
		assert.equal(ev.data.lat_e6, 36718200);
		assert.equal(ev.data.lon_e6, 4051000);
		// same time on the row and in the signed event
		const createdAt = await sql(pair.citizen, `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') FROM reports WHERE ref = '${first.ref}'`);
		assert.equal(ev.occurred_at.slice(0, 23), createdAt);
	});

	test('filters, keyset pages and bad filters', async () => {
		const byCat = await getJson(pair.citizen, '/reports?category=ECL');
		assert.ok(byCat.items.every((i) => i.category === 'ECL'));
		const none = await getJson(pair.citizen, '/reports?category=CIM');
		assert.equal(none.items.length, 0);
		const recent = await getJson(pair.citizen, '/reports?age=7&quarter=centre&status=received');
		assert.ok(recent.items.some((i) => i.ref === first.ref));
		for (const q of ['category=XYZ', 'status=fixed', 'quarter=nowhere', 'age=0', 'before=abc']) {
			const r = await fetch(`${pair.citizen.url}/reports.json?${q}`);
			assert.equal(r.status, 400, q);
		}
		const bad = await fetch(`${pair.citizen.url}/reports.geojson?bbox=1,2,3`);
		assert.equal(bad.status, 400);
		const map = await fetch(`${pair.citizen.url}/reports/map?lang=fr&category=ECL`).then((x) => x.text());
		assert.match(map, /data-geojson="\/reports\.geojson\?category=ECL"/);
		assert.match(map, /data-bbox="true"/);
		assert.match(map, new RegExp(first.ref));
	});

	test('nearby: the same category close by is shown before filing, photos carried', async () => {
		const nearby = await getJson(pair.citizen, `/reports/nearby.json?category=ECL&lat=${PIN_NEAR.lat}&lon=${PIN_NEAR.lon}`);
		assert.equal(nearby.radius_m, 150);
		assert.equal(nearby.items[0].ref, first.ref);
		assert.ok(nearby.items[0].distance_m > 20 && nearby.items[0].distance_m < 60, `${nearby.items[0].distance_m} m`);
		const other = await getJson(pair.citizen, `/reports/nearby.json?category=PRO&lat=${PIN_NEAR.lat}&lon=${PIN_NEAR.lon}`);
		assert.equal(other.items.length, 0);

		const c = await resident();
		const before = await counts();
		const r = await file(c, { category: 'ECL', title: 'Lampe cassée', description: 'Encore une lampe.',
			...PIN_NEAR }, [{ bytes: image('c.jpg', 50, 50), name: 'c.jpg', type: 'image/jpeg' }]);
		assert.equal(r.status, 200, r.body.slice(0, 300));
		assert.match(r.body, /Des signalements semblables existent déjà tout près/);
		assert.match(r.body, new RegExp(`action="/reports/${first.ref}/support"`));
		assert.match(r.body, /<input type="hidden" name="confirm" value="1">/);
		const sha = /<input type="hidden" name="photo_sha1" value="([0-9a-f]{64})">/.exec(r.body)?.[1];
		assert.ok(sha, 'the stored photo is carried by its hash');
		assert.match(r.body, /value="Lampe cassée"/);
		const mid = await counts();
		assert.deepEqual({ ...mid, photos: mid.photos - 1 }, before, 'only the photo is stored');

		// a sha that is not a stored photo is refused
		const forged = await file(c, { category: 'ECL', title: 'Lampe cassée', description: 'x', ...PIN_NEAR,
			confirm: '1', photo_sha1: 'ab'.repeat(32) });
		assert.equal(forged.status, 400);
		assert.equal(forged.errorCode, 'photo_unknown');

		const filed = await file(c, { category: 'ECL', title: 'Lampe cassée', description: 'Encore une lampe.',
			...PIN_NEAR, confirm: '1', photo_sha1: sha });
		const second = created(filed);
		const v = await getJson(pair.citizen, `/reports/${second.ref}.json`);
		assert.deepEqual(v.report.photos.map((p) => p.sha256), [sha]);
		const afterCounts = await counts();
		assert.equal(afterCounts.reports, before.reports + 1);
		assert.equal(afterCounts.photos, before.photos + 1);
	});

	test('support: once per verified contact, counted, emitted', async () => {
		const anon = await resident();
		const r0 = await anon.post(`/reports/${first.ref}/support`, {});
		assert.equal(r0.status, 303, 'an unverified resident is sent to verification');
		assert.equal(r0.location, `/participation?back=%2Freports%2F${first.ref}`);
		const a = await resident();
		await verifyParticipant({ citizenUrl: pair.citizen.url, smtp, email: 'soutien.a@example.org', client: a });
		const r1 = await a.post(`/reports/${first.ref}/support`, {});
		assert.equal(r1.status, 303);
		assert.equal(r1.location, `/reports/${first.ref}?supported=1#support`);
		const r2 = await a.post(`/reports/${first.ref}/support`, {});
		assert.equal(r2.status, 409);
		assert.equal(r2.errorCode, 'already_supported');
		// the same contact in another browser: refused too
		const a2 = await resident();
		await verifyParticipant({ citizenUrl: pair.citizen.url, smtp, email: 'soutien.a@example.org', client: a2 });
		const r2b = await a2.post(`/reports/${first.ref}/support`, {}, { json: true });
		assert.equal(r2b.status, 409);
		const b = await resident();
		await verifyParticipant({ citizenUrl: pair.citizen.url, smtp, email: 'soutien.b@example.org', client: b });
		const r3 = await b.post(`/reports/${first.ref}/support`, {}, { json: true });
		assert.equal(r3.status, 200);
		assert.equal(r3.json.supporters, 2);
		const v = await getJson(pair.citizen, `/reports/${first.ref}.json`);
		assert.equal(v.report.supporters, 2);
		const evs = (await readLog(pair.citizen)).map((e) => JSON.parse(e.payload))
			.filter((e) => e.type === 'report.supported');
		assert.deepEqual(evs.at(-1).data, { id: evs.at(-1).data.id, supporters: 2 });
		await waitFor(async () => {
			const n = await sql(pair.official, `SELECT supporters FROM reports WHERE ref = '${first.ref}'`);
			return n === '2';
		}, { what: 'the supporters count on official-srv' });
		// following: only with the consent to be notified (the contact kept for that)
		const nf = await b.post(`/reports/${first.ref}/follow`, {}, { json: true });
		assert.equal(nf.status, 409);
		assert.equal(nf.json.error.code, 'notify_consent_required');
		const f = await resident();
		await verifyParticipant({ citizenUrl: pair.citizen.url, smtp, email: FOLLOWER, client: f, notify: true });
		const fr = await f.post(`/reports/${first.ref}/follow`, {});
		assert.equal(fr.status, 303);
		assert.equal(fr.location, `/reports/${first.ref}?followed=1#support`);
		// the page holding a browser's token is never served to another from the cache
		const page = await a.get(`/reports/${first.ref}?lang=fr`);
		assert.equal(page.headers.get('x-cache'), null);
		assert.equal((await fetch(`${pair.citizen.url}/reports/R-0000-0000/support`, { method: 'POST' })).status, 403);
	});

	test('tracking page: private, the assessment only once the commune resolved it', async () => {
		const c = new Client(pair.citizen.url);
		const page = await c.get(`${first.track}?lang=fr`);
		assert.equal(page.status, 200);
		assert.equal(page.headers.get('cache-control'), 'no-store');
		assert.match(page.headers.get('x-robots-tag'), /noindex/);
		// the address holds the token: never sent on as a Referer (one header, the page's own)
		assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
		assert.match(page.body, new RegExp(first.ref));
		assert.doesNotMatch(page.body, /name="assessment"/);
		const early = await c.post(`${first.track}/assess`, { assessment: 'confirmed' });
		assert.equal(early.status, 409);
		assert.equal(early.errorCode, 'assessment_closed');

		// the commune resolves it in its inbox; the status comes back through federation
		const r = await agent.post(`/staff/inbox/${first.ref}/status`, { status: 'resolved', message: 'Lampe remplacée.' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		await waitFor(async () => (await getJson(pair.citizen, `/reports/${first.ref}.json`)).report.status === 'resolved',
			{ timeoutMs: 15_000, what: 'resolved on citizen-srv' });
		// its follower is told, in French, with the report's link and an unsubscribe link
		const [note] = await smtp.waitFor((m) => m.to === FOLLOWER && /résolu/.test(m.body), { timeoutMs: 20_000 });
		assert.match(note.body, new RegExp(`/reports/${first.ref}`));
		assert.match(note.body, /\/unsubscribe\//);
		assert.ok(!note.body.includes(CONTACT), 'no other resident\'s data');
		const open = await c.get(`${first.track}?lang=fr`);
		assert.match(open.body, /<input type="radio" id="assess-disputed" name="assessment" value="disputed">/);
		// not asked "first" yet: resolved only now
		assert.doesNotMatch(open.body, /Le problème est-il vraiment réglé/);
		const bad = await c.post(`${first.track}/assess`, { assessment: 'maybe' });
		assert.equal(bad.status, 400);
		assert.equal(bad.errorCode, 'invalid_assessment');
		const done = await c.post(`${first.track}/assess`, { assessment: 'disputed', comment: 'Toujours éteint le soir.' });
		assert.equal(done.status, 303);
		const v = await getJson(pair.citizen, `/reports/${first.ref}.json?lang=fr`);
		assert.equal(v.report.assessment, 'disputed');
		assert.equal(v.report.assessment_comment, 'Toujours éteint le soir.');
		assert.ok(v.timeline.some((e) => e.kind === 'assessed' && e.status === 'disputed'));
		// the dispute reopens it on the official side, which says so back
		await waitFor(async () => {
			const o = await sql(pair.official, `SELECT status || '/' || disputes FROM reports WHERE ref = '${first.ref}'`);
			return o === 'received/1';
		}, { timeoutMs: 15_000, what: 'the report reopened on official-srv' });
		await waitFor(async () => (await getJson(pair.citizen, `/reports/${first.ref}.json`)).report.status === 'received',
			{ timeoutMs: 15_000, what: 'reopened on citizen-srv' });
		const again = await c.post(`${first.track}/assess`, { assessment: 'confirmed' });
		assert.equal(again.status, 409);

		// the questionnaire: resolved long ago, no assessment yet -> asked first, asked_at set
		await agent.post(`/staff/inbox/${first.ref}/status`, { status: 'resolved', message: 'Remplacée de nouveau.' });
		await waitFor(async () => (await getJson(pair.citizen, `/reports/${first.ref}.json`)).report.status === 'resolved',
			{ timeoutMs: 15_000, what: 'resolved again on citizen-srv' });
		// as if it all happened a month ago (the order of the timeline kept)
		await sql(pair.citizen, `UPDATE reports SET resolved_at = resolved_at - interval '30 days' WHERE ref = '${first.ref}';
			UPDATE report_timeline SET at = at - interval '30 days' WHERE report_id = (SELECT id FROM reports WHERE ref = '${first.ref}')`);
		const asked = await c.get(`${first.track}?lang=fr`);
		assert.match(asked.body, /Le problème est-il vraiment réglé/);
		assert.ok(asked.body.indexOf('id="assess"') < asked.body.indexOf('id="s-statuses"'), 'the question comes first');
		assert.notEqual(await sql(pair.citizen, `SELECT asked_at IS NOT NULL FROM report_private p JOIN reports r ON r.id = p.report_id WHERE r.ref = '${first.ref}'`), 'f');
		const ok = await c.post(`${first.track}/assess`, { assessment: 'confirmed' }, { json: true });
		assert.equal(ok.status, 200);
		assert.equal(ok.json.assessment, 'confirmed');
	});

	test('pre-moderated category: pending until approved, then public and emitted', async () => {
		const c = await resident();
		const beforeEvents = (await counts()).events;
		const r = await file(c, { category: 'URB', title: 'Extension illicite rue 5', description: 'Un étage ajouté.',
			place: 'Rue 5' });
		const pend = created(r);
		assert.match(r.body, /relus par les modérateurs/);
		assert.equal((await fetch(`${pair.citizen.url}/reports/${pend.ref}`)).status, 404);
		assert.ok(!(await getJson(pair.citizen, '/reports')).items.some((i) => i.ref === pend.ref));
		assert.equal((await counts()).events, beforeEvents, 'no event while pending');
		const track = await c.get(pend.track);
		assert.equal(track.status, 200);

		assert.match((await moderator.get('/staff?lang=fr')).body, /<a href="\/staff\/reports">Modération des signalements<\/a>/);
		const queue = await moderator.get('/staff/reports.json');
		assert.equal(queue.json.pending[0].ref, pend.ref);
		assert.equal((await new Client(pair.citizen.url).post(`/staff/reports/${pend.ref}/approve`, {})).status, 401);
		const ok = await moderator.post(`/staff/reports/${pend.ref}/approve`, {});
		assert.equal(ok.status, 303);
		assert.equal((await moderator.post(`/staff/reports/${pend.ref}/approve`, {})).errorCode, 'not_pending');
		assert.equal((await fetch(`${pair.citizen.url}/reports/${pend.ref}`)).status, 200);
		const evs = (await readLog(pair.citizen)).map((e) => JSON.parse(e.payload));
		assert.ok(evs.some((e) => e.type === 'report.created' && e.data.ref === pend.ref));
		await waitFor(async () => await sql(pair.official, `SELECT count(*) FROM reports WHERE ref = '${pend.ref}'`) === '1',
			{ what: 'the approved report on official-srv' });
	});

	test('hide: texts blanked, hash kept, reason public, emitted', async () => {
		const c = await resident();
		const h = created(await file(c, { category: 'PRO', title: 'Ordures chez M. Untel 0550123456',
			description: 'Texte à masquer.', place: 'Rue 9' }));
		const missing = await moderator.post(`/staff/reports/${h.ref}/hide`, { reason: '' });
		assert.equal(missing.errorCode, 'reason_required');
		const r = await moderator.post(`/staff/reports/${h.ref}/hide`, { reason: 'Donnée personnelle' });
		assert.equal(r.status, 303);
		const v = await getJson(pair.citizen, `/reports/${h.ref}.json`);
		assert.equal(v.report.title, '');
		assert.equal(v.report.is_hidden, true);
		assert.equal(v.report.hidden_reason, 'Donnée personnelle');
		const expect = (await import('node:crypto')).createHash('sha256')
			.update('Ordures chez M. Untel 0550123456\nTexte à masquer.\nRue 9').digest('hex');
		assert.equal(v.report.text_sha256, expect);
		const page = await fetch(`${pair.citizen.url}/reports/${h.ref}?lang=fr`).then((x) => x.text());
		assert.doesNotMatch(page, /Untel/);
		assert.match(page, /Donnée personnelle/);
		const log = await fetch(`${pair.citizen.url}/moderation?lang=fr`).then((x) => x.text());
		assert.match(log, /Donnée personnelle/);
		assert.equal((await moderator.post(`/staff/reports/${h.ref}/hide`, { reason: 'encore' })).errorCode, 'already_hidden');
		const ev = (await readLog(pair.citizen)).map((e) => JSON.parse(e.payload)).findLast((e) => e.type === 'report.hidden');
		assert.equal(ev.data.text_sha256, expect);
		await waitFor(async () => await sql(pair.official, `SELECT visibility || title FROM reports WHERE ref = '${h.ref}'`) === 'hidden',
			{ what: 'hidden on official-srv' });
		// hidden reports leave the list
		assert.ok(!(await getJson(pair.citizen, '/reports')).items.some((i) => i.ref === h.ref));
	});

	test('bad input: clear 4xx with stable codes and nothing stored', async () => {
		const c = await resident();
		const before = await counts();
		const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
		const huge = Buffer.alloc(9 * 1024 * 1024, 0xff);
		huge.set([0xff, 0xd8, 0xff, 0xe0], 0);
		const cases = [
			[{ ...PIN_OUT }, [], 400, 'outside_commune'],
			[{ place: 'Rue 1' }, [{ bytes: pdf, name: 'photo.jpg', type: 'image/jpeg' }], 415, 'photo_type'],
			[{ place: 'Rue 1' }, [{ bytes: huge, name: 'big.jpg', type: 'image/jpeg' }], 413, 'photo_too_large'],
			[{ place: 'Rue 1', category: 'XYZ' }, [], 400, 'unknown_category'],
			[{ place: 'Rue 1', title: '   ' }, [], 400, 'empty_text'],
			[{ place: 'Rue 1', description: 'x'.repeat(10_000) }, [], 400, 'text_too_long'],
			[{ place: 'Rue 1', title: 'y'.repeat(121) }, [], 400, 'text_too_long'],
			[{}, [], 400, 'place_required'],
			[{ lat: '36.7', lon: 'east' }, [], 400, 'invalid_point'],
			[{ lat: '95', lon: '4' }, [], 400, 'invalid_point'],
			[{ place: 'Rue 1', contact: 'not a contact' }, [], 400, 'contact_invalid'],
			[{ place: 'Rue 1', quarter: 'atlantis' }, [], 400, 'invalid_quarter'],
		];
		for (const [fields, photos, status, code] of cases) {
			// each case from a fresh browser: the per-browser rate limit is not what is tested
			const b = await resident();
			const r = await file(b, fields, photos);
			assert.equal(r.status, status, `${code}: ${r.body.slice(0, 200)}`);
			assert.equal(r.errorCode, code);
			if (code === 'outside_commune') assert.match(r.body, /en dehors de la commune/);
		}
		const json = await file(await resident(), { category: 'NOP', place: 'x' }, [], { json: true });
		assert.equal(json.status, 400);
		assert.equal(json.json.error.code, 'unknown_category');
		// forged and malformed tracking links
		for (const t of ['A'.repeat(43), 'short', `${'B'.repeat(42)}!`]) {
			const r = await c.get(`/reports/track/${encodeURIComponent(t)}`);
			assert.equal(r.status, 404);
			assert.equal(r.errorCode, 'tracking_unknown');
			const p = await c.post(`/reports/track/${encodeURIComponent(t)}/assess`, { assessment: 'confirmed' });
			assert.equal(p.status, 404);
		}
		// wrong methods, a missing CSRF token
		for (const [m, p] of [['PUT', '/reports'], ['DELETE', `/reports/${first.ref}`], ['POST', '/reports/new'],
			['POST', '/reports.geojson']]) {
			const r = await fetch(`${pair.citizen.url}${p}`, { method: m });
			assert.equal(r.status, 405, `${m} ${p}`);
		}
		const nocsrf = await c.post('/reports', { title: 't', description: 'd', category: 'VOI', place: 'p' }, { csrf: false });
		assert.equal(nocsrf.status, 403);
		assert.deepEqual(await counts(), before);
	});

	test('the contact and the tracking tokens appear in no page, JSON, GeoJSON, event or log', async () => {
		const c = await resident();
		const p = created(await file(c, { category: 'CIR', title: 'Feu rouge en panne', description: 'Carrefour.',
			place: 'Carrefour central', contact: CONTACT_PHONE }));
		const stored = await sql(pair.citizen, 'SELECT count(*) FROM report_private WHERE contact <> \'\'');
		assert.equal(stored, '2');
		const pages = ['/reports', '/reports.json', '/reports/map', '/reports.geojson', `/reports/${first.ref}`,
			`/reports/${first.ref}.json`, `/reports/${p.ref}`, `/reports/${p.ref}.json`, '/moderation',
			`/reports/nearby.json?category=ECL&lat=${PIN.lat}&lon=${PIN.lon}`];
		const bodies = [];
		for (const path0 of pages) {
			for (const lang of ['ar', 'fr']) {
				bodies.push(await fetch(`${pair.citizen.url}${path0}${path0.includes('?') ? '&' : '?'}lang=${lang}`).then((x) => x.text()));
			}
		}
		bodies.push((await moderator.get('/staff/reports')).body, (await moderator.get('/staff/reports.json')).body);
		bodies.push((await agent.get(`/staff/inbox/${first.ref}`)).body, (await agent.get('/staff/inbox.json')).body);
		const events = [];
		for (const [srv, origin] of [[pair.citizen, 'citizen'], [pair.official, 'citizen'],
			[pair.official, 'official'], [pair.citizen, 'official']]) {
			events.push(...(await readLog(srv, origin)).map((e) => e.envelope + e.payload.toString()));
		}
		// and the federation tables themselves, every row of both databases
		for (const srv of [pair.citizen, pair.official]) {
			events.push(await sql(srv, "SELECT string_agg(payload || envelope || coalesce(flag, ''), E'\\n') FROM fed_events"));
			events.push(await sql(srv, 'SELECT coalesce(string_agg(p::text, E\'\\n\'), \'\') FROM fed_pending p'));
		}
		// requests refused before any handler runs (no CSRF, a wrong method)
		// are logged too: the route's pattern stands for the token there as well
		for (const token of tokens.slice(0, 2)) {
			const base = `${pair.citizen.url}/reports/track/${token}`;
			assert.equal((await fetch(`${base}/assess`, { method: 'POST', body: new URLSearchParams({ assessment: 'confirmed' }) })).status, 403);
			assert.equal((await fetch(base, { method: 'DELETE' })).status, 405);
		}
		const all = [...bodies, ...events, pair.citizen.logs(), pair.official.logs()].join('\n');
		assert.ok(all.includes(first.ref), 'the haystack holds the reports');
		for (const secret of [CONTACT, CONTACT_PHONE, '555 12 34 97', ...tokens]) {
			assert.ok(!all.includes(secret), `${secret.slice(0, 12)}… leaked`);
		}
		assert.ok(pair.citizen.logs().includes('/reports/track/{token}/assess'), 'tracking requests are logged by their route');
		// the public tables hold neither: only report_private does (the token as its hash)
		for (const srv of [pair.citizen, pair.official]) {
			const leaks = await sql(srv, `SELECT (SELECT count(*) FROM reports r WHERE r::text LIKE '%example.org%'
				OR r::text LIKE '%12 34 97%') + (SELECT count(*) FROM report_timeline t WHERE t::text LIKE '%example.org%')
				+ (SELECT count(*) FROM moderation_log m WHERE m::text LIKE '%example.org%')`);
			assert.equal(leaks, '0', srv.side);
		}
	});

	test('demo: loads the sample reports once, pins inside the commune, one without a pin', async () => {
		const r1 = await (await import('../lib/http.mjs')).cliFor(pair.citizen, ['demo', 'load', 'demo/citizen']);
		assert.equal(r1.code, 0, r1.stderr);
		assert.match(r1.stdout, /11 demo reports added/);
		const r2 = await (await import('../lib/http.mjs')).cliFor(pair.citizen, ['demo', 'load', 'demo/citizen']);
		assert.match(r2.stdout, /0 demo reports added, 11 already there/);
		const list = await getJson(pair.citizen, '/reports?lang=fr&category=ANI');
		const ani = list.items.find((i) => i.title.startsWith('Chiens errants'));
		assert.ok(ani && !ani.has_pin, 'the report without a pin');
		assert.equal(await sql(pair.citizen, "SELECT visibility FROM reports WHERE category = 'URB' AND title LIKE 'Construction%'"), 'pending');
	});

	test('keyset pages walk every public report once, newest first', async () => {
		for (let i = 0; i < 8; i++) {
			created(await file(await resident(), { category: 'AUT', title: `Page ${i}`, description: 'Pour les pages.',
				place: `Rue ${i}` }));
		}
		const total = Number(await sql(pair.citizen, "SELECT count(*) FROM reports WHERE visibility = 'public'"));
		assert.ok(total > 20, `${total} public reports`);
		const seen = [];
		let url = '/reports?lang=fr';
		let pages = 0;
		while (url) {
			const v = await getJson(pair.citizen, url);
			seen.push(...v.items.map((i) => `${i.created_at}|${i.ref}`));
			url = v.next_url ?? null;
			if (url) assert.match(url, /^\/reports\?before=\d+$/);
			pages++;
		}
		assert.equal(pages, Math.ceil(total / 20));
		assert.equal(new Set(seen).size, total);
		assert.deepEqual(seen, [...seen].sort().reverse());
		// the filters stay in the next page's address
		const v = await getJson(pair.citizen, '/reports?category=AUT&age=30');
		assert.ok(v.items.every((i) => i.category === 'AUT'));
	});

	test('nearby in JSON: 409 with the neighbours; bad nearby queries', async () => {
		// the first report is resolved by now (not open): its neighbour filed anyway is
		const r = await file(await resident(), { category: 'ECL', title: 'Encore', description: 'x', ...PIN },
			[], { json: true });
		assert.equal(r.status, 409, r.body.slice(0, 200));
		assert.equal(r.json.error.code, 'nearby_reports');
		assert.deepEqual(r.json.nearby.items.map((i) => i.title), ['Lampe cassée']);
		for (const q of ['category=ECL&lat=x&lon=4', 'category=ZZZ&lat=36.7&lon=4', 'category=ECL&lat=36.7']) {
			const n = await fetch(`${pair.citizen.url}/reports/nearby.json?${q}`);
			assert.equal(n.status, 400, q);
		}
	});
});
