// SPDX-License-Identifier: AGPL-3.0-or-later
// The catalogue of services across a paired pair of daemons: staff write a service on
// official-srv as a draft, publish it and edit it (a second version); the catalogue and the
// sheet show it on both platforms; residents react to the sheet on citizen-srv and the
// reaction comes back to the official sheet; bad input gets stable codes and changes nothing;
// the public figures are emitted by the official job only when they changed, mirrored, shown
// identically (deep-equal JSON) on both platforms, and malformed figures events are refused.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/services.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
	adoptEvents, forgeEvents, readLog, signingKey, staffClient, startLinkedPair, waitForMirror,
} from '../lib/federation.mjs';
import { Client, cliFor, errorCodeOf, getJson, signedIn, sql, waitFor } from '../lib/http.mjs';

const KEY = 'test-urbanism-advice';
const TITLE_FR = 'Conseil en urbanisme';
const TITLE_AR = 'استشارة عمرانية';

let pair;
let staff;
let officialId;
let citizenId;

const fields = (over = {}) => ({
	key: KEY, title_fr: TITLE_FR, title_ar: TITLE_AR, life_event: 'housing_urbanism',
	mode: 'info', summary_fr: 'Un architecte de la commune répond à vos questions.',
	summary_ar: 'مهندس معماري من البلدية يجيب عن أسئلتكم.', documents_fr: '- Plan de situation',
	fees_da: '0', legal_delay_days: '10', department_fr: "Service de l'urbanisme", ...over,
});

async function serviceRows(srv) {
	return Number(await sql(srv, "SELECT count(*) FROM publications WHERE kind = 'service'"));
}

async function eventsOf(srv, type) {
	return (await readLog(srv)).filter((e) => e.type === type);
}

/** Runs the official platform's jobs once (the figures job among them). */
async function runJobs() {
	const r = await cliFor(pair.official, ['jobs', 'run']);
	assert.equal(r.code, 0, r.stderr);
	return r;
}

before(async () => {
	pair = await startLinkedPair();
	staff = await staffClient(pair.official);
});

after(async () => {
	await pair?.stop();
});

describe('services', () => {
	test('staff write a draft, publish it, edit it: two versions, mirrored on citizen-srv', async () => {
		let r = await staff.post('/staff/services', fields());
		assert.equal(r.status, 303, r.body.slice(0, 300));
		const own = await staff.get('/staff/services', { json: true });
		const item = own.json.items.find((i) => i.data.key === KEY);
		assert.ok(item, 'the draft is in the staff list');
		assert.equal(item.status, 'draft');
		officialId = item.id;
		// a draft is not public
		r = await fetch(`${pair.official.url}/services/${KEY}`, { headers: { accept: 'application/json' } });
		assert.equal(r.status, 404);
		assert.equal((await r.json()).error.code, 'service_not_found');
		r = await staff.post(`/staff/services/${officialId}/publish`, {});
		assert.equal(r.status, 303);
		r = await staff.post(`/staff/services/${officialId}`, fields({ title_fr: `${TITLE_FR} (v2)`,
			hours_fr: 'Mardi, 09:00–12:00' }));
		assert.equal(r.status, 303, r.body.slice(0, 300));
		const sheet = await getJson(pair.official, `/services/${KEY}`);
		assert.equal(sheet.title, TITLE_AR, 'Arabic first');
		assert.equal(sheet.version, 2);
		assert.equal(sheet.data.title.fr, `${TITLE_FR} (v2)`);
		const hours = sheet.service_facts.find((f) => f.name === 'hours');
		assert.equal(hours.value, 'Mardi, 09:00–12:00');
		const hist = await getJson(pair.official, `/services/${officialId}/history`);
		assert.equal(hist.versions.length, 2);
		// the citizen platform mirrors it, read-only, with the same content
		await waitForMirror(pair.official, pair.citizen);
		const mirror = await getJson(pair.citizen, `/services/${KEY}?lang=fr`);
		assert.equal(mirror.title, `${TITLE_FR} (v2)`);
		assert.equal(mirror.version, 2);
		assert.equal(mirror.is_own, false);
		assert.deepEqual(mirror.data, sheet.data);
		citizenId = mirror.id;
		const cat = await getJson(pair.citizen, '/services?lang=fr');
		const group = cat.groups.find((g) => g.life_event === 'housing_urbanism');
		assert.ok(group.services.some((s) => s.key === KEY), 'in its life event on citizen-srv');
		// no staff pages on the mirror
		assert.equal((await fetch(`${pair.citizen.url}/staff/services`)).status, 404);
	});

	test('the catalogue searches and filters without JavaScript (plain GET)', async () => {
		let cat = await getJson(pair.official, `/services?q=${encodeURIComponent('architecte')}&lang=fr`);
		assert.deepEqual(cat.groups.flatMap((g) => g.services.map((s) => s.key)), [KEY]);
		cat = await getJson(pair.official, '/services?life_event=school');
		assert.equal(cat.count, 0);
		cat = await getJson(pair.official, '/services?life_event=housing_urbanism&mode=info');
		assert.equal(cat.count, 1);
		const html = await (await fetch(`${pair.official.url}/services?lang=fr`)).text();
		assert.match(html, /<form class="filters" method="get" action="\/services"/);
		assert.match(html, new RegExp(`href="/services/${KEY}"`));
	});

	test('bad input gets a 4xx with a stable code and changes nothing', async () => {
		const before = await serviceRows(pair.official);
		const logBefore = (await readLog(pair.official)).length;
		const cases = [
			[fields({ key: 'Bad Key' }), 400, 'key_invalid_format'],
			[fields({ key: '123' }), 400, 'key_invalid_format'],
			[fields({ key: '' }), 400, 'key_required'],
			[fields({ portal_url: 'http://example.org/' }), 400, 'portal_url_invalid_format'],
			[fields({ key: 'other-key', life_event: 'party' }), 400, 'life_event_invalid_choice'],
			[fields({ key: 'other-key', fees_da: '-5' }), 400, 'fees_da_out_of_range'],
			[fields({ key: 'other-key', legal_delay_days: 'ten' }), 400, 'legal_delay_days_not_a_number'],
			[fields(), 409, 'key_taken'],
		];
		for (const [f, status, code] of cases) {
			const r = await staff.post('/staff/services', f);
			assert.equal(r.status, status, `${code}: ${r.body.slice(0, 200)}`);
			assert.equal(errorCodeOf(r.body), code);
		}
		// an edit may not take another service's key either
		const other = await staff.post('/staff/services', fields({ key: 'test-other' }));
		assert.equal(other.status, 303);
		const own = await staff.get('/staff/services', { json: true });
		const otherId = own.json.items.find((i) => i.data.key === 'test-other').id;
		const r = await staff.post(`/staff/services/${otherId}`, fields());
		assert.equal(r.status, 409);
		assert.equal(errorCodeOf(r.body), 'key_taken');
		assert.equal(await serviceRows(pair.official), before + 1, 'only the valid draft was added');
		assert.equal((await readLog(pair.official)).length, logBefore, 'a draft emits nothing');
		// residents' side
		for (const [path, status, code] of [
			['/services?life_event=party', 400, 'invalid_filter'],
			['/services?mode=x', 400, 'invalid_filter'],
			[`/services?q=${'a'.repeat(201)}`, 400, 'query_too_long'],
			['/services/no-such-service', 404, 'service_not_found'],
			['/services/Bad_Key', 404, 'service_not_found'],
			['/services/999999', 404, 'service_not_found'],
		]) {
			for (const srv of [pair.official, pair.citizen]) {
				const res = await fetch(`${srv.url}${path}`, { headers: { accept: 'application/json' } });
				assert.equal(res.status, status, `${path} on ${srv.side}`);
				assert.equal((await res.json()).error.code, code);
			}
		}
		// only staff with the grant write services
		const anon = new Client(pair.official.url);
		await anon.get('/login'); // a CSRF cookie, as a browser would have
		const denied = await anon.post('/staff/services', fields({ key: 'anon-key' }), { json: true });
		assert.equal(denied.status, 401);
		assert.equal(denied.json.error.code, 'login_required');
		const resident = await signedIn(pair.official, 'agent', 'agent-services');
		const forbidden = await resident.post('/staff/services', fields({ key: 'agent-key' }), { json: true });
		assert.equal(forbidden.status, 403, 'an agent does not write the catalogue');
		assert.equal(forbidden.json.error.code, 'forbidden');
		assert.equal(await serviceRows(pair.official), before + 1);
	});

	test('residents react to a sheet on citizen-srv; the reaction shows on the official sheet', async () => {
		const resident = new Client(pair.citizen.url);
		const page = await resident.get(`/services/${KEY}?lang=fr`);
		assert.equal(page.status, 200);
		assert.match(page.body, new RegExp(`action="/services/${citizenId}/reactions#reactions"`));
		let r = await resident.post(`/services/${citizenId}/reactions`, {
			stance: 'concern', comment: "Le délai de 10 jours n'a pas été tenu.", display_name: '',
		});
		assert.equal(r.status, 303, r.body.slice(0, 300));
		assert.equal(r.headers.get('location'), `/services/${citizenId}?reacted=1#reactions`);
		// bad input: stable code, nothing stored
		r = await resident.post(`/services/${citizenId}/reactions`, { stance: 'maybe', comment: 'x' },
			{ json: true });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.code, 'invalid_stance');
		// in a browser: the sheet again, with the error and what was typed
		r = await resident.post(`/services/${citizenId}/reactions`, { stance: 'maybe', comment: 'Texte gardé' });
		assert.equal(r.status, 400);
		assert.match(r.body, /class="publication service-sheet"/);
		assert.equal(errorCodeOf(r.body), 'invalid_stance');
		assert.match(r.body, /Texte gardé/);
		const mine = await getJson(pair.citizen, `/services/${KEY}`);
		assert.equal(mine.reactions.concern, 1);
		await waitForMirror(pair.citizen, pair.official);
		const theirs = await getJson(pair.official, `/services/${KEY}`);
		assert.equal(theirs.reactions.concern, 1);
		assert.equal(theirs.reactions.items[0].comment, "Le délai de 10 jours n'a pas été tenu.");
		assert.ok(theirs.reactions.react_url.startsWith(pair.citizen.url));
	});

	test('figures: emitted on change only, mirrored, identical JSON on both platforms', async () => {
		const before = (await eventsOf(pair.official, 'service.figures')).length;
		await runJobs();
		let evs = await eventsOf(pair.official, 'service.figures');
		assert.equal(evs.length, before + 1, 'one published service, one event');
		const ev = JSON.parse(evs.at(-1).payload);
		assert.equal(ev.data.service, KEY);
		// aggregates only: exactly these members
		assert.deepEqual(Object.keys(ev.data).sort(), ['booking_offered', 'bookings', 'decided', 'files',
			'form_offered', 'median_days_tenths', 'min_sample', 'next_free', 'no_show_pct',
			'p90_days_tenths', 'service', 'within_delay_pct']);
		assert.equal(ev.data.min_sample, 5);
		// unchanged: nothing more
		await runJobs();
		assert.equal((await eventsOf(pair.official, 'service.figures')).length, before + 1);
		// what is stored differs from what is computed now: emitted again
		await sql(pair.official, `UPDATE service_figures SET figures = figures || '{"files": 7}' WHERE service = '${KEY}'`);
		await runJobs();
		evs = await eventsOf(pair.official, 'service.figures');
		assert.equal(evs.length, before + 2);
		await waitForMirror(pair.official, pair.citizen);
		const o = await getJson(pair.official, `/services/${KEY}`);
		const c = await getJson(pair.citizen, `/services/${KEY}`);
		assert.deepEqual(c.figures, o.figures);
		assert.equal(o.figures.files, 0);
		const oa = await getJson(pair.official, '/accountability');
		const ca = await getJson(pair.citizen, '/accountability');
		assert.deepEqual(ca.services_figures, oa.services_figures);
		assert.deepEqual(oa.services_figures.map((s) => s.service), [KEY]);
		const html = await (await fetch(`${pair.citizen.url}/accountability?lang=fr`)).text();
		assert.match(html, /Chiffres du service/);
	});

	test('figures events that do not fit are refused; real values show alike', async () => {
		const log = await readLog(pair.official);
		const key = signingKey(pair.official);
		const good = { service: KEY, form_offered: true, booking_offered: true, files: 40, decided: 32,
			median_days_tenths: 45, p90_days_tenths: 120, within_delay_pct: 81, bookings: 90,
			next_free: '2026-12-08T09:30:00+01:00', no_show_pct: 7, min_sample: 5 };
		const bad = [
			{ ...good, service: 'Bad Key' },
			{ ...good, within_delay_pct: 101 },
			{ ...good, median_days_tenths: -1 },
			{ ...good, next_free: 'tomorrow' },
			{ ...good, files: '40' },
			{ ...good, contact: 'someone@example.org' },
			(({ bookings, ...rest }) => rest)(good),
		];
		const specs = bad.map((data) => ({ type: 'service.figures', data }));
		specs.push({ type: 'service.figures', data: good });
		const stored = () => sql(pair.citizen, `SELECT figures::text FROM service_figures WHERE service = '${KEY}'`);
		const was = await stored();
		await adoptEvents(pair.official, forgeEvents(log, 'official', specs, key));
		await waitForMirror(pair.official, pair.citizen);
		const flags = await sql(pair.citizen,
			"SELECT string_agg(flag, ',' ORDER BY seq) FROM fed_events WHERE origin = 'official' AND flag IS NOT NULL");
		assert.equal(flags, Array(bad.length).fill('invalid_data').join(','));
		assert.notEqual(await stored(), was, 'the valid one was applied');
		const c = await getJson(pair.citizen, `/services/${KEY}`);
		assert.deepEqual(c.figures, good);
		assert.equal(c.figures_shown.median, '4.5');
		assert.equal(c.figures_shown.p90, '12.0');
		assert.equal(c.figures_shown.within, '81 %');
		assert.equal(c.figures_shown.next_free, '2026-12-08 09:30');
		// the mirror sends residents to the official form and booking (absolute addresses)
		assert.equal(c.form_url, `${pair.official.url}/services/${KEY}/form`);
		assert.equal(c.book_url, `${pair.official.url}/services/${KEY}/book`);
		const html = await (await fetch(`${pair.citizen.url}/services/${KEY}?lang=fr`)).text();
		assert.match(html, /Remplir la demande en ligne/);
		assert.match(html, /Prendre rendez-vous/);
		// the official sheet asks the forms and appointments modules: they offer nothing yet
		const o = await getJson(pair.official, `/services/${KEY}`);
		assert.equal(o.form_url, undefined);
		assert.equal(o.book_url, undefined);
	});

	test('the demo catalogue loads once, every service of the demo commune', async () => {
		let r = await cliFor(pair.official, ['demo', 'load', 'demo/official']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /official: 15 demo services added, 0 already there/);
		r = await cliFor(pair.official, ['demo', 'load', 'demo/official']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /official: 0 demo services added, 15 already there/);
		await waitForMirror(pair.official, pair.citizen, { timeoutMs: 60_000 });
		const cat = await getJson(pair.citizen, '/services?lang=ar');
		const keys = cat.groups.flatMap((g) => g.services.map((s) => s.key));
		for (const k of ['civil-status-certificates', 'birth-certificate-12s', 'national-id-card', 'passport',
			'id-passport-file', 'signature-legalisation', 'residence-certificate', 'family-booklet',
			'audience-president', 'urbanism-file', 'urbanism-certificate', 'building-permit',
			'public-space-use', 'school-canteen-transport', 'social-aid']) {
			assert.ok(keys.includes(k), `${k} in the mirrored catalogue`);
		}
		const passport = await getJson(pair.citizen, '/services/passport?lang=fr');
		assert.match(passport.portal_url, /^https:\/\//);
		await waitFor(async () => (await readLog(pair.official)).length > 0);
	});
});
