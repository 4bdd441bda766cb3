// SPDX-License-Identifier: AGPL-3.0-or-later
// The report loop across a paired pair of daemons (issue 5): a resident files a report with a
// photo on citizen-srv (POST /reports, as the form does) → the official platform mirrors it and
// signs its receipt → it is in the agents' inbox (HTML and JSON) → an agent's status changes
// (in progress, then resolved with a message) reach the citizen report page and its timeline →
// the reporter disputes through the private tracking link → the dispute reopens the report in
// the official inbox with its counter → resolved again and confirmed → the accountability
// figures are identical on both sides (and match the medians computed here from the rows).
// Also: duplicates link both ways, out-of-scope needs the body, filters and the map's GeoJSON,
// overdue marking, bad input on the status form (clear 4xx, nothing changed), forged events
// refused by the mirror, and the reporter's contact and token reach neither the official
// platform nor any event.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/report_loop.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
	adoptEvents, forgeEvents, readLog, signingKey, startLinkedPair, waitForMirror,
} from '../lib/federation.mjs';
import {
	Client, cliFor, getJson as anonJson, signedIn, sql, waitFor,
} from '../lib/http.mjs';
import { png } from '../lib/images.mjs';
import { postReport } from '../lib/reports.mjs';

const CONTACT = 'reporter-7c1e@example.org';
const CENTRE = { lat: 36.7169, lon: 4.0497 }; // demo/*/site.json map centre

let pair;
let agent; // signed in on official-srv, role agent
let main; // the report followed through the loop: {ref, token, trackUrl}
const refs = []; // every report filed here

// --- helpers --------------------------------------------------------------------------------

/** getJson(), through client (signed in) when one is given. */
async function getJson(srv, path, client) {
	if (!client) return anonJson(srv, path);
	const r = await client.get(path, { json: true });
	assert.equal(r.status, 200, `GET ${path} on ${srv.side}`);
	return r.json;
}

/** Files a report on citizen-srv as the form does (multipart); resolves to {ref, token, trackUrl}. */
async function fileReport(fields, { photo = false } = {}) {
	const resident = new Client(pair.citizen.url);
	const form = await resident.get('/reports/new?lang=fr');
	assert.equal(form.status, 200);
	const r = await postReport(resident,
		{ category: 'VOI', quarter: 'centre', contact: CONTACT, confirm: '1', ...fields },
		photo ? [{ bytes: png(), name: 'trou.png', type: 'image/png' }] : [], { json: true });
	assert.equal(r.status, 201, r.body.slice(0, 400));
	const ref = r.json.report.ref;
	assert.match(ref, /^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
	const trackUrl = r.json.tracking_url;
	assert.match(trackUrl, /^\/reports\/track\/[A-Za-z0-9_-]{43}$/);
	refs.push(ref);
	return { ref, trackUrl, resident };
}

async function inboxItem(ref) {
	const v = await getJson(pair.official, `/staff/inbox/${ref}`, agent);
	return v;
}

async function waitOfficial(ref, pred, what) {
	return waitFor(async () => {
		const r = await agent.get(`/staff/inbox/${ref}`, { json: true });
		return r.status === 200 && pred(r.json) ? r.json : null;
	}, { timeoutMs: 15_000, what: `${what} (official, ${ref})` });
}

async function waitCitizen(ref, pred, what) {
	return waitFor(async () => {
		const r = await fetch(`${pair.citizen.url}/reports/${ref}`, { headers: { accept: 'application/json' } });
		if (r.status !== 200) return null;
		const v = await r.json();
		return pred(v) ? v : null;
	}, { timeoutMs: 15_000, what: `${what} (citizen, ${ref})` });
}

/** The citizen view's report (the reports helper's JSON twin may wrap it). */
function rep(v) {
	return v.report ?? v;
}
function statusOf(v) {
	const r = rep(v);
	return typeof r.status === 'string' ? r.status : r.status?.code ?? r.status?.value;
}

async function setStatus(ref, fields, opts) {
	return agent.post(`/staff/inbox/${ref}/status`, fields, opts);
}

/** What an invalid attempt must leave as it was: the official log and the report's rows. */
async function snapshot(ref) {
	return {
		log: (await readLog(pair.official)).length,
		row: await sql(pair.official, `SELECT status || '|' || status_message || '|' || status_body || '|' || coalesce(duplicate_of, '') || '|' || updated_at FROM reports WHERE ref = '${ref}'`),
		timeline: await sql(pair.official, `SELECT count(*) FROM report_timeline t JOIN reports r ON r.id = t.report_id WHERE r.ref = '${ref}'`),
	};
}

function median(xs, p) {
	// percentile_cont: linear interpolation between the closest ranks
	const s = [...xs].sort((a, b) => a - b);
	const pos = (s.length - 1) * p;
	const lo = Math.floor(pos);
	const hi = Math.ceil(pos);
	return Math.round(s[lo] + (s[hi] - s[lo]) * (pos - lo));
}

before(async () => {
	pair = await startLinkedPair();
	agent = await signedIn(pair.official, 'agent', 'agente');
});

after(async () => {
	await pair?.stop();
});

describe('the report loop', () => {
	test('a report filed with a photo on citizen-srv is received in the official inbox', async () => {
		main = await fileReport({
			title: 'Nid-de-poule devant le lycée',
			description: 'Un trou profond au milieu de la chaussée.\nLes voitures l\'évitent au dernier moment.',
			place: 'Boulevard de l\'Indépendance',
			lat: String(CENTRE.lat), lon: String(CENTRE.lon),
		}, { photo: true });
		const v = await waitOfficial(main.ref, (x) => x.status === 'received', 'received');
		assert.equal(v.category, 'VOI');
		assert.equal(v.title, 'Nid-de-poule devant le lycée');
		assert.equal(v.photos.length, 1);
		assert.match(v.photos[0].url, /^\/photos\/[0-9a-f]{64}\.jpg$/);
		assert.match(v.photos[0].small_url, /^\/photos\/[0-9a-f]{64}-small\.jpg$/);
		assert.deepEqual(v.timeline.map((e) => [e.side, e.kind, e.kind === 'status' ? 'received' : '']),
			[['citizen', 'created', ''], ['official', 'status', 'received']]);
		assert.ok(v.received_at, 'received_at is set');
		assert.equal(v.overdue, false);
		assert.equal(v.disputes, 0);
		// the list, JSON and HTML
		const list = await getJson(pair.official, '/staff/inbox', agent);
		const item = list.items.find((i) => i.ref === main.ref);
		assert.ok(item, 'in the inbox JSON');
		assert.equal(item.status, 'received');
		assert.equal(item.url, `/staff/inbox/${main.ref}`);
		const html = await agent.get('/staff/inbox?lang=fr');
		assert.equal(html.status, 200);
		assert.ok(html.body.includes(`href="/staff/inbox/${main.ref}"`));
		assert.ok(html.body.includes('data-geojson="/staff/inbox.geojson"'), 'the inbox map');
		const page = await agent.get(`/staff/inbox/${main.ref}?lang=fr`);
		assert.equal(page.status, 200);
		assert.match(page.body, /<form method="post" action="\/staff\/inbox\/R-[0-9A-Z-]+\/status"/);
		assert.match(page.body, /<input type="hidden" name="csrf" value="[0-9a-f]{64}">/);
		assert.match(page.body, /<img src="\/photos\/[0-9a-f]{64}-small\.jpg"/);
		// the official side's photo address answers (its bytes or a redirect to the peer)
		const photo = await fetch(`${pair.official.url}${v.photos[0].url}`, { redirect: 'manual' });
		assert.ok([200, 302, 303, 307].includes(photo.status), `photo answered ${photo.status}`);
		// the commune's receipt is back on the citizen side
		await waitCitizen(main.ref, (x) => statusOf(x) === 'received', 'received');
	});

	test('the staff home links the inbox for agents', async () => {
		const home = await agent.get('/staff?lang=fr');
		assert.equal(home.status, 200);
		assert.ok(home.body.includes('href="/staff/inbox"'));
	});

	test('status changes propagate to the citizen report page and its timeline', async () => {
		let r = await setStatus(main.ref, { status: 'in_progress', message: 'L\'équipe de voirie passe jeudi.' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		assert.equal(r.headers.get('location'), `/staff/inbox/${main.ref}?saved=1`);
		let c = await waitCitizen(main.ref, (x) => statusOf(x) === 'in_progress', 'in progress');
		r = await setStatus(main.ref, { status: 'resolved', message: 'Le trou est rebouché.' });
		assert.equal(r.status, 303);
		c = await waitCitizen(main.ref, (x) => statusOf(x) === 'resolved', 'resolved');
		const html = await (await fetch(`${pair.citizen.url}/reports/${main.ref}?lang=fr`)).text();
		assert.ok(html.includes('Le trou est rebouché.'), 'the public message on the report page');
		assert.ok(html.includes('L&#39;équipe de voirie passe jeudi.') || html.includes('L&#x27;équipe de voirie passe jeudi.'),
			'the earlier message in the timeline');
		// both sides hold the same timeline, at the same (signed) times
		const q = (srv) => sql(srv, `SELECT string_agg(t.side || ':' || t.kind || ':' || t.status || ':' || t.message || '@' || to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), ' | ' ORDER BY t.at, t.id) FROM report_timeline t JOIN reports r ON r.id = t.report_id WHERE r.ref = '${main.ref}'`);
		assert.equal(await q(pair.official), await q(pair.citizen));
		const times = (srv) => sql(srv, `SELECT received_at || '|' || first_answer_at || '|' || resolved_at FROM reports WHERE ref = '${main.ref}'`);
		assert.equal(await times(pair.official), await times(pair.citizen));
		assert.ok(rep(c));
	});

	test('the reporter disputes through the tracking link: the report reopens in the inbox', async () => {
		const page = await main.resident.get(main.trackUrl);
		assert.equal(page.status, 200);
		const r = await main.resident.post(`${main.trackUrl}/assess`, {
			assessment: 'disputed', comment: 'Le trou est toujours là, rebouché à moitié.',
		});
		assert.equal(r.status, 303, r.body.slice(0, 300));
		const v = await waitOfficial(main.ref, (x) => x.disputes === 1 && x.status === 'received', 'reopened');
		assert.equal(v.assessment, 'disputed');
		assert.equal(v.assessment_comment, 'Le trou est toujours là, rebouché à moitié.');
		assert.equal(v.has_disputes, true);
		const last = v.timeline[v.timeline.length - 1];
		assert.deepEqual([last.side, last.kind], ['official', 'status']);
		// in the inbox, with the counter, and under the disputed filter
		const list = await getJson(pair.official, '/staff/inbox?disputed=1', agent);
		assert.deepEqual(list.items.map((i) => i.ref), [main.ref]);
		assert.equal(list.items[0].disputes, 1);
		assert.ok(list.counts.disputed >= 1);
		const html = await agent.get('/staff/inbox?lang=fr');
		assert.match(html.body, /Contestations 1/);
		// the citizen side holds the reopening and the same counter
		await waitCitizen(main.ref, (x) => statusOf(x) === 'received', 'reopened');
		await waitFor(async () => await sql(pair.citizen, `SELECT disputes FROM reports WHERE ref = '${main.ref}'`) === '1',
			{ timeoutMs: 10_000, what: 'the dispute counter on citizen-srv' });
		// resolved_at stays the first resolution; the dispute share shows what happened
		const times = (srv) => sql(srv, `SELECT received_at || '|' || first_answer_at || '|' || resolved_at || '|' || disputes FROM reports WHERE ref = '${main.ref}'`);
		await waitFor(async () => await times(pair.official) === await times(pair.citizen),
			{ timeoutMs: 10_000, what: 'identical times' });
	});

	test('resolved again, the reporter confirms', async () => {
		assert.equal((await setStatus(main.ref, { status: 'resolved', message: 'Reprise complète de l\'enrobé.' })).status, 303);
		await waitCitizen(main.ref, (x) => statusOf(x) === 'resolved', 'resolved again');
		const r = await main.resident.post(`${main.trackUrl}/assess`, { assessment: 'confirmed', comment: '' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		const v = await waitOfficial(main.ref, (x) => x.assessment === 'confirmed', 'confirmed');
		assert.equal(v.status, 'resolved', 'a confirmation does not reopen');
		assert.equal(v.disputes, 1);
	});

	test('bad input on the status form: clear 4xx, nothing changed', async () => {
		const before = await snapshot(main.ref);
		const cases = [
			[{ status: 'fixed', message: 'x' }, 400, 'unknown_status'],
			[{ status: 'new', message: 'x' }, 400, 'unknown_status'],
			[{ message: 'sans statut' }, 400, 'unknown_status'],
			[{ status: 'out_of_scope', message: 'Voir ailleurs', body: '  ' }, 400, 'body_required'],
			[{ status: 'duplicate', message: 'Déjà signalé', duplicate_of: 'R-ZZZZ-ZZZZ' }, 400, 'duplicate_unknown'],
			[{ status: 'duplicate', message: 'Déjà signalé', duplicate_of: main.ref }, 400, 'duplicate_unknown'],
			[{ status: 'duplicate', message: 'Déjà signalé' }, 400, 'duplicate_required'],
			[{ status: 'in_progress', message: 'é'.repeat(2001) }, 400, 'message_too_long'],
			[{ status: 'resolved', message: 'Reprise complète de l\'enrobé.' }, 409, 'status_unchanged'],
		];
		for (const [fields, code, err] of cases) {
			const r = await setStatus(main.ref, fields, { json: true });
			assert.equal(r.status, code, `${JSON.stringify(fields).slice(0, 80)} → ${r.status}`);
			assert.equal(r.json?.error?.code, err);
		}
		// the HTML form gets the same code on an error page
		const h = await setStatus(main.ref, { status: 'bogus' });
		assert.equal(h.status, 400);
		assert.equal(h.errorCode, 'unknown_status');
		// no CSRF token, a wrong one
		assert.equal((await setStatus(main.ref, { status: 'in_progress' }, { csrf: false })).status, 403);
		assert.equal((await setStatus(main.ref, { status: 'in_progress' }, { csrf: 'f'.repeat(64) })).status, 403);
		// not signed in
		const anon = new Client(pair.official.url);
		const a = await anon.post(`/staff/inbox/${main.ref}/status`, { status: 'in_progress' });
		assert.ok([401, 303].includes(a.status), `anonymous → ${a.status}`);
		if (a.status === 303) assert.match(a.headers.get('location'), /^\/login/);
		assert.notEqual((await anon.get(`/staff/inbox/${main.ref}`)).status, 200);
		assert.notEqual((await anon.get('/staff/inbox.json', { json: true })).status, 200);
		// wrong method, unknown report
		assert.equal((await agent.get(`/staff/inbox/${main.ref}/status`)).status, 405);
		const nf = await setStatus('R-0000-0000', { status: 'in_progress' }, { json: true });
		assert.equal(nf.status, 404);
		assert.equal(nf.json.error.code, 'report_not_found');
		assert.equal((await agent.get('/staff/inbox/R-0000-0000', { json: true })).status, 404);
		assert.equal((await agent.get('/staff/inbox/not-a-ref', { json: true })).status, 404);
		// bad filters
		for (const q of ['category=XYZ', 'status=new', 'quarter=nowhere', 'overdue=yes', 'sort=random', 'page=0']) {
			const r = await agent.get(`/staff/inbox?${q}`, { json: true });
			assert.equal(r.status, 400, q);
			assert.equal(r.json.error.code, 'invalid_filter', q);
		}
		assert.deepEqual(await snapshot(main.ref), before);
	});

	test('duplicates link both ways, on both platforms', async () => {
		const dup = await fileReport({
			title: 'Trou dans la chaussée près du lycée', description: 'Même trou, je crois.',
			place: 'Bd de l\'Indépendance',
		});
		await waitOfficial(dup.ref, (x) => x.status === 'received', 'received');
		const r = await setStatus(dup.ref, { status: 'duplicate', message: 'Déjà signalé.', duplicate_of: main.ref });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		const v = await inboxItem(dup.ref);
		assert.equal(v.duplicate_of, main.ref);
		assert.equal(v.duplicate_url, `/staff/inbox/${main.ref}`);
		const orig = await inboxItem(main.ref);
		assert.deepEqual(orig.duplicates.map((d) => d.ref), [dup.ref]);
		const page = await agent.get(`/staff/inbox/${main.ref}?lang=fr`);
		assert.ok(page.body.includes(`href="/staff/inbox/${dup.ref}"`));
		// the citizen page of the duplicate links the original
		await waitCitizen(dup.ref, (x) => statusOf(x) === 'duplicate', 'duplicate');
		const html = await (await fetch(`${pair.citizen.url}/reports/${dup.ref}?lang=fr`)).text();
		assert.ok(html.includes(`href="/reports/${main.ref}"`), 'the citizen page links the original');
	});

	test('out of scope: the category\'s usual body is offered, and required', async () => {
		const eau = await fileReport({
			category: 'EAU', title: 'Fuite d\'eau rue des Oliviers', description: 'L\'eau coule depuis hier.',
			place: 'Rue des Oliviers, Tighilt', quarter: 'tighilt',
		});
		await waitOfficial(eau.ref, (x) => x.status === 'received', 'received');
		const v = await getJson(pair.official, `/staff/inbox/${eau.ref}?lang=fr`, agent);
		assert.equal(v.form.body, 'l\'Algérienne des eaux (ADE)', 'prefilled from the category');
		const page = await agent.get(`/staff/inbox/${eau.ref}?lang=fr`);
		assert.ok(page.body.includes('value="l&#39;Algérienne des eaux (ADE)"') ||
			page.body.includes('value="l&#x27;Algérienne des eaux (ADE)"'), 'the form field is prefilled');
		const r = await setStatus(eau.ref, { status: 'out_of_scope', message: 'Transmis à l\'ADE.', body: 'l\'Algérienne des eaux (ADE)' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		await waitFor(async () => await sql(pair.citizen, `SELECT status || '|' || status_body FROM reports WHERE ref = '${eau.ref}'`) ===
			'out_of_scope|l\'Algérienne des eaux (ADE)', { timeoutMs: 10_000, what: 'the body on citizen-srv' });
	});

	test('filters and the map GeoJSON', async () => {
		const eau = await getJson(pair.official, '/staff/inbox?category=EAU', agent);
		assert.ok(eau.items.length >= 1);
		assert.ok(eau.items.every((i) => i.category === 'EAU'));
		const dup = await getJson(pair.official, '/staff/inbox?status=duplicate', agent);
		assert.ok(dup.items.every((i) => i.status === 'duplicate') && dup.items.length === 1);
		const open = await getJson(pair.official, '/staff/inbox?status=open', agent);
		assert.ok(!open.items.some((i) => ['resolved', 'duplicate'].includes(i.status)));
		const sorted = await getJson(pair.official, '/staff/inbox', agent);
		const times = sorted.items.map((i) => i.created_at);
		assert.deepEqual(times, [...times].sort(), 'oldest first');
		const newest = await getJson(pair.official, '/staff/inbox?sort=newest', agent);
		assert.deepEqual(newest.items.map((i) => i.ref), sorted.items.map((i) => i.ref).reverse());
		const g = await agent.get('/staff/inbox.geojson');
		assert.equal(g.status, 200);
		assert.match(g.headers.get('content-type'), /^application\/geo\+json/);
		const fc = JSON.parse(g.body);
		assert.equal(fc.type, 'FeatureCollection');
		const f = fc.features.find((x) => x.properties.ref === main.ref);
		assert.ok(f, 'the report with a pin is on the map');
		assert.equal(f.geometry.type, 'Point');
		assert.ok(Math.abs(f.geometry.coordinates[0] - CENTRE.lon) < 1e-6);
		assert.ok(Math.abs(f.geometry.coordinates[1] - CENTRE.lat) < 1e-6);
		assert.equal(f.properties.url, `/staff/inbox/${main.ref}`);
		const none = JSON.parse((await agent.get('/staff/inbox.geojson?category=EAU')).body);
		assert.ok(none.features.every((x) => x.properties.ref !== main.ref), 'the map honours the filters');
		// the map loads by viewport: a box around the pin holds it, one elsewhere does not
		const box = (dlon, dlat) => [CENTRE.lon - 0.01 + dlon, CENTRE.lat - 0.01 + dlat,
			CENTRE.lon + 0.01 + dlon, CENTRE.lat + 0.01 + dlat].map((x) => x.toFixed(6)).join(',');
		const inside = JSON.parse((await agent.get(`/staff/inbox.geojson?bbox=${box(0, 0)}`)).body);
		assert.ok(inside.features.some((x) => x.properties.ref === main.ref), 'in the viewport');
		const away = JSON.parse((await agent.get(`/staff/inbox.geojson?bbox=${box(1, 1)}`)).body);
		assert.ok(away.features.every((x) => x.properties.ref !== main.ref), 'outside the viewport');
		for (const bad of ['1,2,3', '4.1,36.8,4.0,36.7', 'a,b,c,d', '4,36,5,1e3']) {
			const r = await agent.get(`/staff/inbox.geojson?bbox=${bad}`);
			assert.equal(r.status, 400, bad);
			assert.ok(r.body.includes('<code>invalid_bbox</code>'), bad);
		}
		assert.equal((await new Client(pair.official.url).get('/staff/inbox.geojson')).status === 200, false);
	});

	test('the accountability figures agree on both sides', async () => {
		// enough reports for every figure: five more, answered, and resolved
		for (let i = 0; i < 5; i++) {
			const r = await fileReport({
				category: 'ECL', title: `Lampadaire éteint n° ${i + 1}`, description: 'Plus de lumière le soir.',
				place: `Rue ${12 + i}`, quarter: 'cite500',
			});
			await waitOfficial(r.ref, (x) => x.status === 'received', 'received');
			assert.equal((await setStatus(r.ref, { status: 'forwarded', message: 'Transmis au service.' })).status, 303);
			assert.equal((await setStatus(r.ref, { status: 'resolved', message: 'Lampe remplacée.' })).status, 303);
		}
		await waitForMirror(pair.official, pair.citizen);
		await waitForMirror(pair.citizen, pair.official);
		const [o, c] = await Promise.all([getJson(pair.official, '/accountability?lang=fr'),
			getJson(pair.citizen, '/accountability?lang=fr')]);
		assert.ok(o.reports && c.reports, 'both pages carry the report figures');
		assert.deepEqual(o.reports, c.reports);
		assert.equal(o.reports.min_sample, 5);
		const ecl = o.reports.categories.find((x) => x.code === 'ECL');
		assert.equal(ecl.received, 5);
		assert.equal(ecl.share_resolved_pct, 100);
		assert.equal(ecl.share_disputed_pct, 0);
		assert.ok(ecl.first_answer && ecl.resolution, 'figures shown from 5 reports');
		// below the minimum sample: no number
		const voi = o.reports.categories.find((x) => x.code === 'VOI');
		assert.equal(voi.first_answer, null);
		assert.equal(voi.share_resolved_pct, null);
		// the medians and 90th percentiles, computed here from the rows
		const rows = (await sql(pair.citizen, "SELECT extract(epoch FROM first_answer_at - received_at) || ',' || extract(epoch FROM resolved_at - received_at) FROM reports WHERE category = 'ECL'"))
			.split('\n').map((l) => l.split(',').map(Number));
		assert.equal(ecl.first_answer.median_s, median(rows.map((x) => x[0]), 0.5));
		assert.equal(ecl.first_answer.p90_s, median(rows.map((x) => x[0]), 0.9));
		assert.equal(ecl.resolution.median_s, median(rows.map((x) => x[1]), 0.5));
		assert.equal(ecl.resolution.p90_s, median(rows.map((x) => x[1]), 0.9));
		const all = o.reports.overall;
		assert.equal(all.received, refs.length);
		assert.equal(all.disputed, 1);
		// the HTML pages show them, and "not enough reports" below the minimum
		for (const srv of [pair.official, pair.citizen]) {
			const html = await (await fetch(`${srv.url}/accountability?lang=fr`)).text();
			assert.ok(html.includes('pas assez de signalements'), srv.side);
			assert.ok(html.includes('100 %'), srv.side);
		}
	});

	test('overdue: open past the category\'s target delay', async () => {
		const late = await fileReport({
			category: 'PRO', title: 'Ordures non ramassées', description: 'Depuis une semaine.',
			place: 'Marché couvert', quarter: 'centre',
		});
		await waitOfficial(late.ref, (x) => x.status === 'received', 'received');
		// received 4 days ago (PRO: 3 days); the test moves the clock of this row only
		await sql(pair.official, `UPDATE reports SET received_at = received_at - interval '4 days', created_at = created_at - interval '4 days' WHERE ref = '${late.ref}'`);
		const v = await inboxItem(late.ref);
		assert.equal(v.overdue, true);
		assert.equal(v.target_days, 3);
		const list = await getJson(pair.official, '/staff/inbox?overdue=1', agent);
		assert.deepEqual(list.items.map((i) => i.ref), [late.ref]);
		assert.equal(list.counts.overdue, 1);
		const html = await agent.get('/staff/inbox?overdue=1&lang=fr');
		assert.match(html.body, /<tr class="overdue">/);
		// answered and resolved, it is no longer overdue in the inbox
		assert.equal((await setStatus(late.ref, { status: 'resolved', message: 'Ramassé.' })).status, 303);
		assert.equal((await inboxItem(late.ref)).overdue, false);
	});

	test('the mirror refuses forged report events, and applies the valid one after them', async () => {
		const key = signingKey(pair.citizen);
		const log = await readLog(pair.citizen);
		const base = { id: 900001, ref: 'R-AAAA-BBBB', category: 'VOI', title: 'Faux', description: 'x',
			place: 'Ici', quarter: 'centre', lang: 'fr', photos: [] };
		const bad = [
			{ ...base, category: 'XYZ' },
			{ ...base, lat_e6: 91_000_000, lon_e6: 4_000_000 },
			{ ...base, photos: [{ sha256: 'nothex', width: 10, height: 10 }] },
			{ ...base, title: 'a'.repeat(121) },
			{ ...base, ref: 'not-a-ref' },
			{ ...base, ref: main.ref, id: 900002 }, // another report's reference
		];
		const specs = [
			...bad.map((data) => ({ type: 'report.created', data })),
			{ type: 'report.status', data: { report: 1, ref: main.ref, status: 'resolved', message: '' } }, // wrong writer
			{ type: 'report.supported', data: { id: 999999, supporters: 3 } }, // no such report
			{ type: 'report.created', data: { ...base, lat_e6: 36_717_000, lon_e6: 4_049_000 } },
		];
		await adoptEvents(pair.citizen, forgeEvents(log, 'citizen', specs, key));
		await waitForMirror(pair.citizen, pair.official);
		const flags = await sql(pair.official,
			`SELECT string_agg(coalesce(flag, 'ok'), ',' ORDER BY seq) FROM fed_events WHERE origin = 'citizen' AND seq > ${log.length}`);
		assert.equal(flags, [...Array(specs.length - 1).fill('invalid_data'), 'ok'].join(','));
		assert.equal(await sql(pair.official, "SELECT count(*) FROM reports WHERE ref = 'R-AAAA-BBBB'"), '1');
		assert.equal(await sql(pair.official, `SELECT status FROM reports WHERE ref = '${main.ref}'`), 'resolved');
		// its receipt was signed at once
		await waitOfficial('R-AAAA-BBBB', (x) => x.status === 'received', 'received');
	});

	test('the reporter\'s contact and token never reach the official platform or an event', async () => {
		const token = main.trackUrl.split('/').pop();
		const everything = [
			await sql(pair.official, 'SELECT coalesce(string_agg(payload::text, \'\'), \'\') FROM fed_events'),
			await sql(pair.citizen, 'SELECT coalesce(string_agg(payload::text, \'\'), \'\') FROM fed_events'),
			await sql(pair.official, 'SELECT coalesce(string_agg(r::text, \'\'), \'\') FROM reports r'),
			await sql(pair.official, 'SELECT coalesce(string_agg(t::text, \'\'), \'\') FROM report_timeline t'),
			(await agent.get('/staff/inbox?lang=fr')).body,
			JSON.stringify((await agent.get('/staff/inbox', { json: true })).json),
			(await agent.get(`/staff/inbox/${main.ref}?lang=fr`)).body,
			JSON.stringify((await agent.get(`/staff/inbox/${main.ref}`, { json: true })).json),
			(await agent.get('/staff/inbox.geojson')).body,
			await (await fetch(`${pair.official.url}/accountability.json`)).text(),
		];
		for (const text of everything) {
			assert.ok(!text.includes(CONTACT), 'contact found');
			assert.ok(!text.includes(token), 'tracking token found');
		}
		assert.equal(await sql(pair.official, 'SELECT count(*) FROM report_private'), '0');
	});

	test('retention: a closed report\'s contact is erased after the period, an open one\'s is kept', async () => {
		const closed = await fileReport({ title: 'Avaloir bouché rue 3', description: 'L\'eau stagne.',
			place: 'Rue 3', category: 'ASS' });
		const open = await fileReport({ title: 'Avaloir bouché rue 4', description: 'L\'eau stagne aussi.',
			place: 'Rue 4', category: 'ASS' });
		for (const r of [closed, open]) await waitOfficial(r.ref, (x) => x.status === 'received', 'received');
		assert.equal((await setStatus(closed.ref, { status: 'resolved', message: 'Curé.' })).status, 303);
		await waitCitizen(closed.ref, (v) => statusOf(v) === 'resolved', 'resolved');
		const priv = (ref) => sql(pair.citizen, `SELECT p.contact || '|' || (p.closed_at IS NOT NULL)
			FROM report_private p JOIN reports r ON r.id = p.report_id WHERE r.ref = '${ref}'`);
		// the clock starts at the commune's closing, at the signed event's time
		assert.equal(await priv(closed.ref), `${CONTACT}|true`);
		assert.equal(await sql(pair.citizen, `SELECT p.closed_at = r.resolved_at FROM report_private p
			JOIN reports r ON r.id = p.report_id WHERE r.ref = '${closed.ref}'`), 't');
		assert.equal(await priv(open.ref), `${CONTACT}|false`);
		// within the period, the job keeps it
		let run = await cliFor(pair.citizen, ['jobs', 'run']);
		assert.equal(run.code, 0, run.stderr);
		assert.equal(await priv(closed.ref), `${CONTACT}|true`);
		// 366 days later (the default period is 365): erased; the open report's is kept
		await sql(pair.citizen, `UPDATE report_private SET closed_at = closed_at - interval '366 days'
			WHERE report_id = (SELECT id FROM reports WHERE ref = '${closed.ref}')`);
		run = await cliFor(pair.citizen, ['jobs', 'run']);
		assert.equal(run.code, 0, run.stderr);
		assert.match(run.stderr + run.stdout, /erased the contact of 1 closed report/);
		assert.equal(await priv(closed.ref), '|true');
		assert.equal(await priv(open.ref), `${CONTACT}|false`);
		// the report itself stays public, as it was
		assert.equal(statusOf(await waitCitizen(closed.ref, () => true, 'still public')), 'resolved');
	});

	test('the official demo answers the demo reports once they are mirrored, once', async () => {
		const citizen = await cliFor(pair.citizen, ['demo', 'load', 'demo/citizen']);
		assert.equal(citizen.code, 0, citizen.stderr);
		await waitForMirror(pair.citizen, pair.official);
		const first = await cliFor(pair.official, ['demo', 'load', 'demo/official']);
		assert.equal(first.code, 0, first.stderr);
		const given = Number(first.stdout.match(/official: (\d+) demo report answers given, 0 already there/)?.[1]);
		assert.ok(given >= 9, first.stdout);
		assert.doesNotMatch(first.stdout, /wait to be mirrored/);
		const again = await cliFor(pair.official, ['demo', 'load', 'demo/official']);
		assert.equal(again.code, 0, again.stderr);
		assert.match(again.stdout, new RegExp(`official: 0 demo report answers given, ${given} already there`));
		await waitForMirror(pair.official, pair.citizen);
		const row = (srv) => sql(srv, "SELECT status || '|' || status_message FROM reports WHERE title = 'Lampadaire éteint rue 12'");
		assert.match(await row(pair.citizen), /^resolved\|La lampe a été remplacée/);
		assert.equal(await row(pair.citizen), await row(pair.official));
		assert.equal(await sql(pair.citizen, "SELECT status_body FROM reports WHERE title = 'Fuite d''eau Tighilt'"),
			'l\'Algérienne des eaux (ADE)');
	});
});
