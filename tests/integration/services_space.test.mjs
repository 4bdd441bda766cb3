// SPDX-License-Identifier: AGPL-3.0-or-later
// The services space as a whole, on the demo commune: the catalogue (module services) asks the
// forms and appointments modules what each service offers, so a sheet links to its online
// form or its booking on both platforms (the citizen side to the official addresses); and the
// public figures of a service are computed from the files and bookings that exist, emitted as
// aggregates, and shown identically (deep-equal JSON) on both platforms — the expected values
// computed here from the rows the test makes.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/services_space.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readLog, startLinkedPair, waitForMirror } from '../lib/federation.mjs';
import { cliFor, getJson, sql } from '../lib/http.mjs';
import { book, bookedOf, openBooking } from '../lib/appointments.mjs';

const FORM = 'urbanism-certificate'; // an online form in the demo (legal delay: 30 days)
const BOOKING = 'residence-certificate'; // by appointment in the demo
const MIN_SAMPLE = 3;

let pair;

/** Runs the official platform's jobs once (the services' figures among them). */
async function runJobs() {
	const r = await cliFor(pair.official, ['jobs', 'run'],
		{ env: { BALADIYA_SERVICES_MIN_SAMPLE: String(MIN_SAMPLE) } });
	assert.equal(r.code, 0, r.stderr);
}

/** PostgreSQL's percentile_cont: linear between the two nearest ranks. */
function percentile(sorted, p) {
	const pos = p * (sorted.length - 1);
	const lo = Math.floor(pos);
	const hi = Math.ceil(pos);
	return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

before(async () => {
	pair = await startLinkedPair({
		official: { env: { BALADIYA_SERVICES_MIN_SAMPLE: String(MIN_SAMPLE) } },
	});
	const r = await cliFor(pair.official, ['demo', 'load', 'demo/official']);
	assert.equal(r.code, 0, r.stderr);
	await runJobs();
	await waitForMirror(pair.official, pair.citizen, { timeoutMs: 60_000 });
});

after(async () => {
	await pair?.stop();
});

describe('services space', () => {
	test('a sheet links to its form or its booking, on both platforms', async () => {
		const form = await getJson(pair.official, `/services/${FORM}?lang=fr`);
		assert.equal(form.form_url, `/services/${FORM}/form`);
		assert.equal(form.book_url, undefined);
		const booking = await getJson(pair.official, `/services/${BOOKING}?lang=fr`);
		assert.equal(booking.book_url, `/services/${BOOKING}/book`);
		assert.equal(booking.form_url, undefined);
		// the links lead somewhere
		for (const path of [form.form_url, booking.book_url]) {
			const r = await fetch(`${pair.official.url}${path}?lang=ar`);
			assert.equal(r.status, 200, path);
		}
		// the mirror links to the official platform's form and booking
		const cForm = await getJson(pair.citizen, `/services/${FORM}?lang=fr`);
		assert.equal(cForm.form_url, `${pair.official.url}/services/${FORM}/form`);
		const cBooking = await getJson(pair.citizen, `/services/${BOOKING}?lang=fr`);
		assert.equal(cBooking.book_url, `${pair.official.url}/services/${BOOKING}/book`);
		const html = await (await fetch(`${pair.citizen.url}/services/${BOOKING}?lang=fr`)).text();
		assert.ok(html.includes(`href="${pair.official.url}/services/${BOOKING}/book"`));
	});

	test('figures from the files and bookings, identical on both platforms', async () => {
		// six decided files (days from submission to decision) and two still open
		const days = [2, 5, 10, 20, 35, 40];
		const version = await sql(pair.official,
			`SELECT id FROM form_versions WHERE service = '${FORM}' AND is_current`);
		assert.match(version, /^\d+$/);
		const filesBefore = Number(await sql(pair.official,
			`SELECT count(*) FROM form_files WHERE service = '${FORM}'`));
		assert.equal(Number(await sql(pair.official,
			`SELECT count(*) FROM form_files WHERE service = '${FORM}' AND decided_at IS NOT NULL`)), 0);
		const rows = [...days, null, null];
		let i = 0;
		for (const d of rows) {
			i++;
			const ref = `D-TST${i}-0000`;
			await sql(pair.official,
				'INSERT INTO form_files (ref, service, version_id, answers, status, tracking_sha256,'
				+ ' submit_key, created_at, decided_at) VALUES'
				+ ` ('${ref}', '${FORM}', ${version}, '{}', '${d === null ? 'received' : 'ready'}',`
				+ ` encode(sha256('t${i}'::bytea), 'hex'), 'k${i}-${Date.now()}', now() - interval '60 days',`
				+ ` ${d === null ? 'NULL' : `now() - interval '60 days' + interval '${d} days'`})`);
		}
		// four bookings, then the desk marks one no-show and three arrived
		const codes = [];
		for (let b = 0; b < 4; b++) {
			const { client, choices } = await openBooking(pair.official.url, BOOKING);
			assert.ok(choices.slots.length > 0, 'a free slot');
			const r = await book(client, BOOKING, { day: choices.day, slot: choices.slots[0],
				nonce: choices.nonce });
			codes.push(bookedOf(r).code);
		}
		await sql(pair.official, `UPDATE appt_bookings SET status = CASE WHEN code = '${codes[0]}'`
			+ ` THEN 'no_show' ELSE 'arrived' END WHERE code IN (${codes.map((c) => `'${c}'`).join(',')})`);

		await runJobs();
		await waitForMirror(pair.official, pair.citizen, { timeoutMs: 60_000 });

		const sorted = [...days].sort((a, b) => a - b);
		const expectForm = {
			files: filesBefore + rows.length,
			decided: days.length,
			median_days_tenths: Math.round(percentile(sorted, 0.5) * 10),
			p90_days_tenths: Math.round(percentile(sorted, 0.9) * 10),
			within_delay_pct: Math.round((100 * days.filter((d) => d <= 30).length) / days.length),
		};
		const o = await getJson(pair.official, `/services/${FORM}`);
		const c = await getJson(pair.citizen, `/services/${FORM}`);
		assert.deepEqual(c.figures, o.figures);
		for (const [k, v] of Object.entries(expectForm)) assert.equal(o.figures[k], v, k);
		assert.equal(o.figures.form_offered, true);
		assert.equal(o.figures.min_sample, MIN_SAMPLE);

		const ob = await getJson(pair.official, `/services/${BOOKING}`);
		const cb = await getJson(pair.citizen, `/services/${BOOKING}`);
		assert.deepEqual(cb.figures, ob.figures);
		assert.equal(ob.figures.booking_offered, true);
		assert.equal(ob.figures.bookings, Number(await sql(pair.official,
			`SELECT count(*) FROM appt_bookings WHERE service = '${BOOKING}' AND status NOT IN ('cancelled', 'closed')`)));
		assert.equal(ob.figures.no_show_pct, 25);
		assert.match(ob.figures.next_free, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\+01:00$/);

		// the accountability pages show the same figures, and the events carry aggregates only
		const oa = await getJson(pair.official, '/accountability');
		const ca = await getJson(pair.citizen, '/accountability');
		assert.deepEqual(ca.services_figures, oa.services_figures);
		const events = (await readLog(pair.official)).filter((e) => e.type === 'service.figures');
		assert.ok(events.length >= 2);
		for (const e of events) {
			assert.deepEqual(Object.keys(e.data).sort(), Object.keys(o.figures).sort());
		}
	});
});
