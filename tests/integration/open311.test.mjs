// SPDX-License-Identifier: AGPL-3.0-or-later
// The Open311 GeoReport v2 API of citizen-srv, against a real paired pair of daemons: every GET
// answer (discovery, services, a service definition, requests, one request, tokens, the
// history extension) is validated with ajv against the GeoReport v2 JSON schemas of
// ../shared/spec/open311-georeport-v2/ (or, where the spec has no schema, against its text);
// POST files a report (with an API key made by `citizen-srv open311 key add`) that is public on
// citizen-srv and reaches the official side's mirror; a pre-moderated category answers a token
// that gives the reference once moderators approve; the commune's answers come back as status,
// status_notes, agency_responsible and history; errors have the spec's shape and store nothing;
// the contact given in POST never appears in any answer, event or log line.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/open311.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ROOT, tempDir } from '../lib/harness.mjs';
import { readLog, staffClient, startFederatedPair } from '../lib/federation.mjs';
import { cliFor, signedIn, sql, waitFor } from '../lib/http.mjs';

const SPEC_DIR = path.resolve(ROOT, '..', 'shared', 'spec', 'open311-georeport-v2');
const API = '/open311/v2';
// The commune's map centre (demo/citizen/site.json) and a square boundary around it.
const CENTRE = { lat: 36.7169, lon: 4.0497 };
// Private contact data: searched for in every answer, event and log line.
const EMAIL = 'reporter.secret-5c1d@example.org';
const PHONE = '+213 550 98 76 54';

let pair;
let apiKey;
let validate; // name → ajv validator

/** The schemas of the shared spec folder, each given the $id its neighbours $ref. */
function loadSchemas() {
	const ajv = new Ajv({ allErrors: true, strict: false });
	addFormats(ajv);
	for (const f of ['request.json', 'requests.json', 'service.json', 'services.json',
		'service-definition.json']) {
		const schema = JSON.parse(readFileSync(path.join(SPEC_DIR, f), 'utf8'));
		ajv.addSchema({ ...schema, $id: f });
	}
	// No schema is published for these two: written from the spec's text.
	ajv.addSchema({
		$id: 'discovery.json',
		type: 'object',
		required: ['changeset', 'contact', 'key_service', 'endpoints'],
		properties: {
			changeset: { type: 'string', format: 'date-time' },
			contact: { type: 'string' },
			key_service: { type: 'string' },
			endpoints: {
				type: 'array', minItems: 1,
				items: {
					type: 'object',
					required: ['specification', 'url', 'changeset', 'type', 'formats'],
					properties: {
						specification: { type: 'string', format: 'uri' },
						url: { type: 'string', format: 'uri' },
						changeset: { type: 'string', format: 'date-time' },
						type: { enum: ['production', 'test'] },
						formats: { type: 'array', items: { type: 'string' }, minItems: 1 },
					},
				},
			},
		},
	});
	ajv.addSchema({
		$id: 'tokens.json',
		type: 'array', minItems: 1, maxItems: 1,
		items: {
			type: 'object',
			required: ['token', 'service_request_id'],
			properties: {
				token: { type: 'string', minLength: 1 },
				service_request_id: { anyOf: [{ type: 'string' }, { type: 'null' }] },
			},
		},
	});
	ajv.addSchema({
		$id: 'error.json',
		type: 'array', minItems: 1,
		items: {
			type: 'object',
			required: ['code', 'description'],
			properties: {
				code: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
				description: { type: 'string', minLength: 1 },
			},
		},
	});
	return (name) => ajv.getSchema(name);
}

function assertValid(name, value) {
	const v = validate(name);
	assert.ok(v, `schema ${name} loaded`);
	assert.ok(v(value), `${name}: ${JSON.stringify(v.errors)}\n${JSON.stringify(value).slice(0, 500)}`);
}

// Every body any GET returned: searched for the contact at the end.
const seenBodies = [];

/** GET on citizen-srv; asserts the status and JSON content type; resolves to the parsed body. */
async function get(p, { status = 200, headers = {} } = {}) {
	const r = await fetch(`${pair.citizen.url}${p}`, { headers });
	const text = await r.text();
	seenBodies.push(text);
	assert.equal(r.status, status, `GET ${p}: ${text.slice(0, 300)}`);
	assert.match(r.headers.get('content-type'), /^application\/json/, `GET ${p}`);
	return JSON.parse(text);
}

/** POST requests.json (form-urlencoded, no cookie, no CSRF token: a machine client). */
async function post(fields, { withKey = true } = {}) {
	const body = new URLSearchParams({ ...(withKey ? { api_key: apiKey } : {}), ...fields });
	const r = await fetch(`${pair.citizen.url}${API}/requests.json`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body,
	});
	const text = await r.text();
	seenBodies.push(text);
	return { status: r.status, json: JSON.parse(text), text, headers: r.headers };
}

/** Asserts an error answer in the spec's shape with HTTP status code. */
function assertSpecError(reply, code, what) {
	assert.equal(reply.status, code, `${what}: ${reply.text ?? JSON.stringify(reply.json)}`);
	assertValid('error.json', reply.json);
	assert.equal(reply.json[0].code, code, what);
	assert.equal(reply.json.error, undefined, `${what}: not our usual {"error": ...} shape`);
}

const citizenSql = (q) => sql(pair.citizen, q);
const officialSql = (q) => sql(pair.official, q);

async function reportCount() {
	return Number(await citizenSql('SELECT count(*) FROM reports'));
}

function themeWithBoundary() {
	const dir = tempDir('baladiya-open311-theme-');
	const site = JSON.parse(readFileSync(path.join(ROOT, 'demo', 'citizen', 'site.json'), 'utf8'));
	const d = 0.05;
	site.map = {
		...(site.map || {}),
		boundary: [[CENTRE.lon - d, CENTRE.lat - d], [CENTRE.lon + d, CENTRE.lat - d],
			[CENTRE.lon + d, CENTRE.lat + d], [CENTRE.lon - d, CENTRE.lat + d]],
	};
	writeFileSync(path.join(dir, 'site.json'), JSON.stringify(site));
	mkdirSync(path.join(dir, 'static'), { recursive: true });
	return dir;
}

before(async () => {
	validate = loadSchemas();
	pair = await startFederatedPair({ citizen: { themeDir: themeWithBoundary() } });
	const r = await cliFor(pair.citizen, ['open311', 'key', 'add', 'test-client']);
	assert.equal(r.code, 0, r.stderr);
	apiKey = r.stdout.trim();
	assert.match(apiKey, /^[A-Za-z0-9_-]{43}$/);
});

after(async () => {
	await pair?.stop();
});

describe('keys', () => {
	test('stored hashed, listed by name, a name once, revoked keys refused', async () => {
		const stored = await citizenSql('SELECT key_sha256 FROM open311_keys WHERE name = \'test-client\'');
		assert.match(stored, /^[0-9a-f]{64}$/);
		assert.ok(!stored.includes(apiKey));
		const again = await cliFor(pair.citizen, ['open311', 'key', 'add', 'test-client']);
		assert.equal(again.code, 3, 'a taken name');
		const bad = await cliFor(pair.citizen, ['open311', 'key', 'add', 'no spaces']);
		assert.equal(bad.code, 2);
		const other = await cliFor(pair.citizen, ['open311', 'key', 'add', 'revoked-client']);
		assert.equal(other.code, 0);
		const revoked = await cliFor(pair.citizen, ['open311', 'key', 'revoke', 'revoked-client']);
		assert.equal(revoked.code, 0, revoked.stderr);
		const list = await cliFor(pair.citizen, ['open311', 'key', 'list']);
		assert.equal(list.code, 0);
		assert.match(list.stdout, /^test-client\t.*live/m);
		assert.match(list.stdout, /^revoked-client\t.*revoked/m);
		assert.ok(!list.stdout.includes(apiKey), 'list never shows a key');
		const before = await reportCount();
		const r = await post({ service_code: 'VOI', description: 'x', address_string: 'y' },
			{ withKey: false });
		assertSpecError(r, 403, 'no api_key');
		const r2 = await post({ api_key: other.stdout.trim(), service_code: 'VOI',
			description: 'x', address_string: 'y' });
		assertSpecError(r2, 403, 'a revoked api_key');
		const r3 = await post({ api_key: 'not-a-key', service_code: 'VOI', description: 'x',
			address_string: 'y' });
		assertSpecError(r3, 403, 'a wrong api_key');
		assert.equal(await reportCount(), before, 'nothing stored');
	});
});

describe('discovery and services', () => {
	test('discovery.json', async () => {
		const d = await get(`${API}/discovery.json`);
		assertValid('discovery.json', d);
		assert.equal(d.endpoints[0].url, `${pair.citizen.url}${API}`);
		assert.deepEqual(d.endpoints[0].formats, ['application/json']);
		assert.equal(d.endpoints[0].specification, 'http://wiki.open311.org/GeoReport_v2');
	});

	test('services.json: one per category, named in the request\'s language', async () => {
		const cats = JSON.parse(readFileSync(path.join(ROOT, 'modules', 'reports', 'config',
			'report_categories.json'), 'utf8'));
		const ar = await get(`${API}/services.json`);
		assertValid('services.json', ar);
		assert.deepEqual(ar.map((s) => s.service_code), cats.map((c) => c.code));
		assert.equal(ar[0].service_name, cats[0].name.ar, 'Arabic by default');
		const fr = await get(`${API}/services.json`, { headers: { 'accept-language': 'fr' } });
		assertValid('services.json', fr);
		assert.equal(fr[0].service_name, cats[0].name.fr, 'Accept-Language: fr');
		const en = await get(`${API}/services.json?locale=en_US`);
		assert.equal(en[0].service_name, cats[0].name.en, '?locale=en_US');
		for (const s of fr) {
			assert.equal(s.metadata, false);
			const cat = cats.find((c) => c.code === s.service_code);
			assert.equal(s.type, cat.premoderate ? 'batch' : 'realtime', s.service_code);
			assert.ok(s.keywords.includes(cat.name.fr) && s.keywords.includes(cat.name.ar));
			assert.ok(s.group.length > 0);
		}
		const eau = fr.find((s) => s.service_code === 'EAU');
		assert.equal(eau.group, cats.find((c) => c.code === 'EAU').body.fr, 're-routed body');
	});

	test('services/{code}.json and its errors', async () => {
		const def = await get(`${API}/services/VOI.json`);
		assertValid('service-definition.json', def);
		assert.deepEqual(def, { service_code: 'VOI', attributes: [] });
		const nf = await fetch(`${pair.citizen.url}${API}/services/XYZ.json`);
		assertSpecError({ status: nf.status, json: await nf.json() }, 404, 'unknown service');
		const xml = await fetch(`${pair.citizen.url}${API}/services/VOI.xml`);
		assertSpecError({ status: xml.status, json: await xml.json() }, 400, 'XML not offered');
		const xml2 = await fetch(`${pair.citizen.url}${API}/services.xml`);
		assertSpecError({ status: xml2.status, json: await xml2.json() }, 400, 'XML not offered');
		const none = await fetch(`${pair.citizen.url}${API}/nothing.json`);
		assertSpecError({ status: none.status, json: await none.json() }, 404, 'unknown resource');
		const del = await fetch(`${pair.citizen.url}${API}/requests.json`, { method: 'DELETE' });
		assertSpecError({ status: del.status, json: await del.json() }, 405, 'another method');
		const big = await fetch(`${pair.citizen.url}${API}/requests.json`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: `api_key=${apiKey}&description=${'x'.repeat(70_000)}`,
		});
		assertSpecError({ status: big.status, json: await big.json() }, 413, 'a body too large');
	});
});

describe('filing and reading requests', () => {
	let withPin; // the reference of a report filed with lat/long
	let withAddress;

	test('POST errors follow the spec and store nothing', async () => {
		const before = await reportCount();
		const base = { service_code: 'VOI', description: 'Nid-de-poule', lat: '36.7169',
			long: '4.0497' };
		assertSpecError(await post({ ...base, service_code: '' }), 400, 'missing service_code');
		assertSpecError(await post({ ...base, service_code: 'XYZ' }), 404, 'unknown service');
		assertSpecError(await post({ ...base, lat: 'abc' }), 400, 'lat not a number');
		assertSpecError(await post({ ...base, lat: '91' }), 400, 'lat out of range');
		assertSpecError(await post({ ...base, long: '4.0497e0' }), 400, 'exponent');
		assertSpecError(await post({ service_code: 'VOI', description: 'x', lat: '36.7' }), 400,
			'lat without long');
		assertSpecError(await post({ ...base, lat: '36.0', long: '3.0' }), 400,
			'outside the commune');
		assertSpecError(await post({ ...base, media_url: 'http://127.0.0.1:9/p.jpg' }), 400,
			'media_url is not fetched');
		assertSpecError(await post({ ...base, description: '   ' }), 400, 'empty description');
		assertSpecError(await post({ ...base, description: 'é'.repeat(10_000) }), 400,
			'10,000 characters');
		assertSpecError(await post({ service_code: 'VOI', description: 'Sans lieu' }), 400,
			'neither lat/long nor address_string');
		const r = await post({ ...base, email: 'not an address' });
		assertSpecError(r, 400, 'contact');
		assert.equal(await reportCount(), before, 'nothing stored');
	});

	test('POST with lat/long files a public report', async () => {
		const r = await post({
			service_code: 'VOI',
			lat: '36.7171',
			long: '4.0501',
			description: 'Nid-de-poule devant l\'école El Amel\nIl s\'agrandit après chaque pluie.',
			email: EMAIL,
			phone: PHONE,
			first_name: 'Ignored',
		});
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.length, 1);
		assert.match(r.json[0].service_request_id, /^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
		assert.equal(r.json[0].token, undefined, 'no token for a public report');
		assert.ok(r.json[0].service_notice.includes(`${pair.citizen.url}/reports/${r.json[0].service_request_id}`));
		withPin = r.json[0].service_request_id;
		const row = await citizenSql(`SELECT title, visibility FROM reports WHERE ref = '${withPin}'`);
		assert.equal(row, 'Nid-de-poule devant l\'école El Amel|public', 'title: the first line');
		// the residents' own page shows it (HTML and its JSON twin)
		for (const p of [`/reports/${withPin}`, `/reports/${withPin}.json`]) {
			const page = await fetch(`${pair.citizen.url}${p}`);
			const text = await page.text();
			seenBodies.push(text);
			assert.equal(page.status, 200, `GET ${p}`);
			assert.ok(text.includes('Nid-de-poule devant'), `GET ${p} shows the report`);
		}

		const one = await get(`${API}/requests/${withPin}.json?locale=fr`);
		assertValid('requests.json', one);
		assert.equal(one.length, 1);
		const q = one[0];
		assert.equal(q.service_request_id, withPin);
		assert.equal(q.service_code, 'VOI');
		assert.equal(q.service_name, 'Voirie, chaussée, trottoirs');
		assert.equal(q.status, 'open');
		assert.equal(q.lat, 36.7171);
		assert.equal(q.long, 4.0501);
		assert.equal(q.media_url, null);
		assert.match(q.description, /^Nid-de-poule devant/);
		assert.ok(Date.parse(q.requested_datetime) > Date.now() - 600_000);
	});

	test('POST with an address, a title and a quarter (extensions)', async () => {
		const r = await post({
			service_code: 'PRO',
			title: 'Dépôt sauvage près du marché',
			description: 'Des gravats et des ordures depuis une semaine.',
			address_string: 'Rue du marché, près de la mosquée',
			quarter: 'centre',
			phone: PHONE,
		});
		assert.equal(r.status, 200, r.text);
		withAddress = r.json[0].service_request_id;
		const [q] = await get(`${API}/requests/${withAddress}.json`);
		assertValid('request.json', q);
		assert.equal(q.address, 'Rue du marché, près de la mosquée');
		assert.equal(q.lat, null);
		assert.equal(q.long, null);
	});

	test('GET requests.json: newest first, filters, page cap', async () => {
		const all = await get(`${API}/requests.json`);
		assertValid('requests.json', all);
		const refs = all.map((x) => x.service_request_id);
		assert.ok(refs.indexOf(withAddress) < refs.indexOf(withPin), 'newest first');
		const times = all.map((x) => Date.parse(x.requested_datetime));
		assert.deepEqual(times, [...times].sort((a, b) => b - a));

		const voi = await get(`${API}/requests.json?service_code=VOI`);
		assertValid('requests.json', voi);
		assert.ok(voi.length >= 1 && voi.every((x) => x.service_code === 'VOI'));
		const both = await get(`${API}/requests.json?service_code=VOI,PRO`);
		assert.ok(both.some((x) => x.service_code === 'PRO') && both.some((x) => x.service_code === 'VOI'));

		const byId = await get(`${API}/requests.json?service_request_id=${withPin},${withAddress}&service_code=ECL`);
		assertValid('requests.json', byId);
		assert.deepEqual(byId.map((x) => x.service_request_id).sort(), [withPin, withAddress].sort(),
			'service_request_id wins over the other filters');

		const open = await get(`${API}/requests.json?status=open`);
		assert.ok(open.length >= 2 && open.every((x) => x.status === 'open'));
		const closed = await get(`${API}/requests.json?status=closed`);
		assert.ok(closed.every((x) => x.status === 'closed'));
		const either = await get(`${API}/requests.json?status=open,closed`);
		assert.equal(either.length, all.length);

		const now = Date.now();
		const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
		const win = await get(`${API}/requests.json?start_date=${iso(now - 3_600_000)}` +
			`&end_date=${encodeURIComponent(iso(now + 3_600_000).replace('Z', '+00:00'))}`);
		assert.ok(win.some((x) => x.service_request_id === withPin), 'inside the window');
		const future = await get(`${API}/requests.json?start_date=${iso(now + 86_400_000)}`);
		assert.deepEqual(future, [], 'nothing after tomorrow');
		// "+01:00" sent unencoded arrives as " 01:00": still read as an offset
		const offset = await get(`${API}/requests.json?end_date=2000-01-01T00:00:00+01:00`);
		assert.deepEqual(offset, []);

		for (const [query, what] of [
			['start_date=2026-11-01', 'a date without time and timezone'],
			['start_date=2026-11-01T00:00:00', 'no timezone'],
			['end_date=2026-02-30T00:00:00Z', 'no such day'],
			['start_date=2026-11-02T00:00:00Z&end_date=2026-11-01T00:00:00Z', 'end before start'],
			['start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z', 'more than 90 days'],
			['status=pending', 'unknown status'],
			['service_code=XYZ', 'unknown service_code'],
			['service_code=VOI,,PRO', 'an empty item'],
			['service_request_id=42', 'not a reference'],
		]) {
			const r = await fetch(`${pair.citizen.url}${API}/requests.json?${query}`);
			assertSpecError({ status: r.status, json: await r.json() }, 400, what);
		}
	});

	test('requests/{id}.json: unknown and malformed ids are 404', async () => {
		for (const id of ['R-0000-0000', 'nothing', '12']) {
			const r = await fetch(`${pair.citizen.url}${API}/requests/${id}.json`);
			assertSpecError({ status: r.status, json: await r.json() }, 404, id);
		}
		const h = await fetch(`${pair.citizen.url}${API}/requests/R-0000-0000/history.json`);
		assertSpecError({ status: h.status, json: await h.json() }, 404, 'history of nothing');
	});

	test('the report reaches the official mirror', async () => {
		await waitFor(async () => Number(await officialSql(
			`SELECT count(*) FROM reports WHERE ref = '${withPin}'`)) === 1,
		{ timeoutMs: 30_000, what: 'the official mirror of the Open311 report' });
		const contact = await officialSql(
			`SELECT count(*) FROM reports WHERE description LIKE '%${EMAIL}%'`);
		assert.equal(contact, '0');
	});

	test('the commune\'s answers: status, notes, agency, history', async () => {
		// the official side acknowledges receipt by itself; then an agent re-routes it
		await waitFor(async () => {
			const [q] = await get(`${API}/requests/${withPin}.json`);
			return (await get(`${API}/requests/${withPin}/history.json`))[0].history
				.some((e) => e.side === 'official' && e.detailed_status === 'received') && q;
		}, { timeoutMs: 30_000, what: 'the commune\'s receipt on the citizen side' });
		const agent = await staffClient(pair.official, 'agent311');
		const body = 'Direction des travaux publics de la wilaya';
		const set = await agent.post(`/staff/inbox/${withPin}/status`, {
			status: 'out_of_scope', message: 'Voie de la wilaya : transmis à la DTP.', body,
		});
		assert.ok([200, 303].includes(set.status), `status change answered ${set.status}: ${set.body.slice(0, 200)}`);
		const q = await waitFor(async () => {
			const [r] = await get(`${API}/requests/${withPin}.json`);
			return r.status === 'closed' && r;
		}, { timeoutMs: 30_000, what: 'the closed status on the citizen side' });
		assertValid('request.json', q);
		assert.equal(q.agency_responsible, body);
		assert.equal(q.status_notes, 'Voie de la wilaya : transmis à la DTP.');
		assert.equal(q.expected_datetime, null, 'closed: nothing expected');
		const hist = await get(`${API}/requests/${withPin}/history.json`);
		assert.equal(hist[0].service_request_id, withPin);
		const last = hist[0].history.at(-1);
		assert.equal(last.side, 'official');
		assert.equal(last.status, 'closed');
		assert.equal(last.detailed_status, 'out_of_scope');
		assert.equal(last.agency_responsible, body);
		for (const e of hist[0].history) assert.ok(!Number.isNaN(Date.parse(e.datetime)));
		const closed = await get(`${API}/requests.json?status=closed`);
		assertValid('requests.json', closed);
		assert.ok(closed.some((x) => x.service_request_id === withPin));
		const open = await get(`${API}/requests.json?status=open`);
		assert.ok(!open.some((x) => x.service_request_id === withPin));
	});
});

describe('pre-moderated categories: tokens', () => {
	test('a token, then the reference once approved; pending and hidden requests are absent', async () => {
		const r = await post({
			service_code: 'URB',
			description: 'Construction sans permis sur un terrain communal',
			address_string: 'Tighilt, près du stade',
			email: EMAIL,
		});
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json[0].service_request_id, undefined, 'no id before moderation');
		const token = r.json[0].token;
		assert.match(token, /^[A-Za-z0-9_-]{43}$/);
		assert.ok(r.json[0].service_notice.length > 0);

		const pending = await get(`${API}/tokens/${token}.json`);
		assertValid('tokens.json', pending);
		assert.equal(pending[0].service_request_id, null);
		const ref = await citizenSql('SELECT ref FROM reports WHERE visibility = \'pending\'');
		assert.match(ref, /^R-/);
		const list = await get(`${API}/requests.json?service_code=URB`);
		assert.ok(!list.some((x) => x.service_request_id === ref), 'pending is absent');
		const direct = await fetch(`${pair.citizen.url}${API}/requests/${ref}.json`);
		assert.equal(direct.status, 404);

		const nf = await fetch(`${pair.citizen.url}${API}/tokens/${'A'.repeat(43)}.json`);
		assertSpecError({ status: nf.status, json: await nf.json() }, 404, 'unknown token');

		const mod = await signedIn(pair.citizen, 'moderator', 'mod311');
		const ok = await mod.post(`/staff/reports/${ref}/approve`, {});
		assert.ok([200, 303].includes(ok.status), `approve answered ${ok.status}`);

		const done = await get(`${API}/tokens/${token}.json`);
		assertValid('tokens.json', done);
		assert.equal(done[0].service_request_id, ref);
		const [q] = await get(`${API}/requests/${ref}.json`);
		assertValid('request.json', q);
		assert.equal(q.service_code, 'URB');

		// hidden by the moderators: gone from every Open311 answer
		const hide = await mod.post(`/staff/reports/${ref}/hide`, { reason: 'Accusation nominative' });
		assert.ok([200, 303].includes(hide.status), `hide answered ${hide.status}`);
		for (const p of [`${API}/requests/${ref}.json`, `${API}/requests/${ref}/history.json`,
			`${API}/tokens/${token}.json`]) {
			const r2 = await fetch(`${pair.citizen.url}${p}`);
			assertSpecError({ status: r2.status, json: await r2.json() }, 404, `hidden: ${p}`);
		}
		const after = await get(`${API}/requests.json?service_code=URB`);
		assert.ok(!after.some((x) => x.service_request_id === ref), 'hidden is absent');

		assert.ok(!pair.citizen.logs().includes(token), 'the token is in no log line');
	});
});

describe('privacy', () => {
	test('the contact given in POST is in no answer, event or log line', async () => {
		// every public answer once more, then everything seen so far
		await get(`${API}/requests.json`);
		for (const x of await get(`${API}/requests.json`)) {
			await get(`${API}/requests/${x.service_request_id}.json`);
			await get(`${API}/requests/${x.service_request_id}/history.json`);
		}
		for (const feed of ['/reports/feed.atom', '/reports/feed.rss', '/reports.json', '/reports']) {
			const r = await fetch(`${pair.citizen.url}${feed}`);
			seenBodies.push(await r.text());
		}
		const digits = PHONE.replace(/\D/g, '').slice(3); // 550987654, however it is spaced
		for (const body of seenBodies) {
			assert.ok(!body.includes(EMAIL), `the e-mail leaked: ${body.slice(0, 200)}`);
			assert.ok(!body.includes(PHONE) && !body.includes(digits) && !body.includes('550 98'),
				`the phone leaked: ${body.slice(0, 200)}`);
		}
		const events = (await readLog(pair.citizen)).map((e) => e.payload.toString('utf8')).join('\n');
		assert.ok(events.length > 0);
		assert.ok(!events.includes(EMAIL) && !events.includes(PHONE), 'not in an event');
		for (const srv of [pair.citizen, pair.official]) {
			const logs = srv.logs();
			assert.ok(!logs.includes(EMAIL) && !logs.includes(PHONE), `not in ${srv.side}'s logs`);
		}
		// it is stored, privately, where follow-up needs it
		assert.equal(await citizenSql(`SELECT count(*) FROM report_private WHERE contact = '${EMAIL}'`), '2');
	});
});
