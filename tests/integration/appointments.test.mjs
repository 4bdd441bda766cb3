// SPDX-License-Identifier: AGPL-3.0-or-later
// Appointments at the town hall's counters (official-srv, with a real citizen-srv paired to
// it): the demo's configuration, booking without an account (code, private link, .ics read by
// ical.js in Africa/Algiers time), rescheduling and cancelling; the database refusing
// overbooking (200 simultaneous requests for 10 places; a reschedule racing a booking for the
// last place); hostile input with stable codes and nothing changed; the limit per contact;
// the agents' day view, arrivals and closing a counter; the resident's data in no public page,
// event, federation table or log; the retention job; appointments_figures from the rows.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/appointments.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { readLog, staffClient, startLinkedPair } from '../lib/federation.mjs';
import { Client, cliFor, loadDemo, signedIn, sql, startSite } from '../lib/http.mjs';
import { book, bookedOf, choicesOf, codeOf, counterWith, openBooking, setup } from
	'../lib/appointments.mjs';

const NAME = 'Marqueur-Nom-q7x2';
const CONTACT = 'marqueur.q7x2@example.org';
const PHONE = '+213 555 77 41 29';

let pair;
let off; // official-srv
let admin; // appointments.manage
let agent; // appointments.desk
const tokens = [];

/** Local (Africa/Algiers, UTC+1) today and the day n days later, YYYY-MM-DD. */
function localDay(n = 0) {
	return new Date(Date.now() + 3600_000 + n * 86400_000).toISOString().slice(0, 10);
}
/**
 * The booking page of service on its first open day after today (whatever the time of day, its
 * slots from 08:00 are neither past nor inside the notice).
 */
/** The booking page of a day after today (today's slots may be few or gone by the test's hour). */
async function openLater(service, url = off.url) {
	const first = await openBooking(url, service);
	const day = first.choices.days.find((d) => d > localDay(0));
	return openBooking(url, service, { day });
}

/** Weekday (0 Sunday) of a YYYY-MM-DD day. */
function weekday(day) {
	return new Date(`${day}T12:00:00Z`).getUTCDay();
}

async function counts() {
	const n = async (q) => Number(await sql(off, q));
	return {
		bookings: await n('SELECT count(*) FROM appt_bookings'),
		booked: await n('SELECT coalesce(sum(booked), 0) FROM appt_slots'),
		statuses: await sql(off, "SELECT string_agg(status, ',' ORDER BY id) FROM appt_bookings"),
	};
}

before(async () => {
	// 200 simultaneous requests come from one address (the concurrency test)
	pair = await startLinkedPair({ official: { env: { BALADIYA_MAX_CONNECTIONS_PER_IP: '1000' } } });
	off = pair.official;
	await loadDemo(off);
	admin = await staffClient(off);
	agent = await signedIn(off, 'agent', 'guichetier');
});

after(async () => {
	await pair?.stop();
});

describe('appointments', () => {
	test('the demo: six services offered at three counters, Friday and Saturday closed', async () => {
		const offers = await sql(off, 'SELECT string_agg(service, \',\' ORDER BY service) FROM appt_offers');
		assert.deepEqual(offers.split(','), ['audience-president', 'family-booklet', 'id-passport-file',
			'residence-certificate', 'signature-legalisation', 'urbanism-file']);
		assert.equal(await sql(off, 'SELECT rest_days::text FROM appt_settings'), '{5,6}');
		assert.equal(await sql(off, "SELECT count(*) FROM appt_closed WHERE day = '2027-01-01'"), '1');
		// the demo's hours replace a new counter's default ones (Sunday to Thursday, 08:00-16:30)
		const hoursOf = (svc) => sql(off, `SELECT string_agg(h.weekday || ' ' || h.opens || '-' || h.closes, ',' ORDER BY h.weekday)
			FROM appt_hours h JOIN appt_offers o ON o.counter_id = h.counter_id WHERE o.service = '${svc}'`);
		assert.equal(await hoursOf('audience-president'), '0 540-720,2 540-720');
		assert.equal(await hoursOf('residence-certificate'), '0 480-990,1 480-990,2 480-990,3 480-990,4 480-990');
		const { id } = await setup(admin, 'counter', { name_ar: 'شباك جديد', name_fr: 'Nouveau', place_ar: 'هنا', place_fr: 'Ici' });
		assert.equal(await sql(off, `SELECT string_agg(weekday || ' ' || opens || '-' || closes, ',' ORDER BY weekday) FROM appt_hours WHERE counter_id = ${id}`),
			'0 480-990,1 480-990,2 480-990,3 480-990,4 480-990');
		const again = await loadDemo(off);
		assert.match(again.stdout, /already configured/);
		const { html, choices } = await openBooking(off.url, 'residence-certificate');
		assert.match(html, /<html lang="fr" dir="ltr">/);
		assert.ok(choices.days.length > 0 && choices.slots.length > 0, 'open days and slots');
		for (const d of choices.days) assert.ok(![5, 6].includes(weekday(d)), `${d} is no rest day`);
		assert.ok(!choices.days.includes('2027-01-01'), 'the holiday is not offered');
		assert.match(choices.slots[0], /^\d+@(0[89]|1[0-6]):[0-5]\d$/);
		const ar = await openBooking(off.url, 'residence-certificate', { lang: 'ar' });
		assert.match(ar.html, /<html lang="ar" dir="rtl">/);
		assert.match(ar.html, /حجز موعد/);
		// no counter takes a service of another kind
		const r = await fetch(`${off.url}/services/building-permit/book`);
		assert.equal(r.status, 404);
		assert.equal(errorOf(await r.text()), 'booking_service_unknown');
		assert.equal((await fetch(`${pair.citizen.url}/services/residence-certificate/book`)).status, 404);
	});

	let first; // {code, link, ics, token}
	let firstSlot;
	test('book: code, private link shown once, .ics in Africa/Algiers time', async () => {
		const { client, choices } = await openLater('residence-certificate');
		firstSlot = { day: choices.day, slot: choices.slots[0] };
		const r = await book(client, 'residence-certificate', { ...firstSlot, nonce: choices.nonce,
			name: NAME, contact: CONTACT });
		first = bookedOf(r);
		tokens.push(first.token);
		assert.match(r.headers.get('cache-control'), /no-store/);
		assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
		assert.match(r.body, new RegExp(`${off.url}${first.link}`));
		// only the hash of the link is stored
		assert.equal(await sql(off, `SELECT count(*) FROM appt_bookings WHERE token_hash = encode(sha256('${first.token}'), 'hex')`), '1');
		assert.equal(await sql(off, `SELECT count(*) FROM appt_bookings WHERE token_hash LIKE '%${first.token.slice(0, 16)}%'`), '0');

		const page = await new Client(off.url).get(`${first.link}?lang=fr`);
		assert.equal(page.status, 200);
		assert.match(page.body, new RegExp(first.code));
		assert.match(page.body, /Réservé/);
		assert.doesNotMatch(page.body, new RegExp(NAME));
		assert.equal(page.headers.get('referrer-policy'), 'no-referrer');

		const ics = await fetch(off.url + first.ics);
		assert.equal(ics.status, 200);
		assert.match(ics.headers.get('content-type'), /^text\/calendar/);
		const text = await ics.text();
		const comp = new ICAL.Component(ICAL.parse(text));
		const vtz = comp.getFirstSubcomponent('vtimezone');
		assert.equal(vtz.getFirstPropertyValue('tzid'), 'Africa/Algiers');
		ICAL.TimezoneService.register(vtz);
		const ev = new ICAL.Event(comp.getFirstSubcomponent('vevent'));
		const time = firstSlot.slot.split('@')[1];
		assert.equal(ev.startDate.zone.tzid, 'Africa/Algiers');
		assert.equal(ev.startDate.toString(), `${firstSlot.day}T${time}:00`);
		const utc = ev.startDate.toJSDate().toISOString();
		const expect = new Date(`${firstSlot.day}T${time}:00+01:00`).toISOString();
		assert.equal(utc, expect, 'UTC+1 all year');
		assert.equal(ev.duration.toSeconds(), 10 * 60);
		assert.match(ev.summary, new RegExp(first.code));
		assert.match(ev.summary, /Certificat de résidence/);
		assert.doesNotMatch(text, new RegExp(`${NAME}|${CONTACT}`));
	});

	test('reschedule to another slot, then cancel; the link then says so', async () => {
		const c = new Client(off.url);
		const page = await c.get(`${first.link}?lang=fr`);
		const choices = choicesOf(page.body);
		const to = choices.slots.find((s) => s !== firstSlot.slot);
		assert.ok(to, 'another slot offered on the private page');
		const before = await counts();
		const r = await c.post(`${first.link}/reschedule`, { day: choices.day, slot: to });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		assert.equal(r.headers.get('location'), `${first.link}?done=moved`);
		const moved = await c.get(`${first.link}?done=moved&lang=fr`);
		assert.match(moved.body, /Votre rendez-vous est déplacé/);
		assert.match(moved.body, new RegExp(to.split('@')[1]));
		assert.deepEqual(await counts(), before, 'the same places taken, moved');
		const ics = await (await fetch(off.url + first.ics)).text();
		assert.match(ics, new RegExp(`DTSTART;TZID=Africa/Algiers:${choices.day.replaceAll('-', '')}T${to.split('@')[1].replace(':', '')}00`));

		const x = await c.post(`${first.link}/cancel`, {});
		assert.equal(x.status, 303);
		const gone = await c.get(`${first.link}?lang=fr`);
		assert.match(gone.body, /Annulé/);
		assert.doesNotMatch(gone.body, /action="[^"]*\/cancel"/);
		const after = await counts();
		assert.equal(after.booked, before.booked - 1, 'the place is given back');
		// a reused link cannot act again, a forged one matches nothing
		const again = await c.post(`${first.link}/cancel`, {});
		assert.equal(again.status, 409);
		assert.equal(errorOf(again.body), 'booking_inactive');
		const re = await c.post(`${first.link}/reschedule`, { day: choices.day, slot: to });
		assert.equal(errorOf(re.body), 'booking_inactive');
		const cancelledIcs = await (await fetch(off.url + first.ics)).text();
		assert.match(cancelledIcs, /STATUS:CANCELLED/);
		for (const forged of ['0'.repeat(43), `${first.token.slice(0, 42)}${first.token.endsWith('x') ? 'y' : 'x'}`, 'abc']) {
			const f = await c.get(`/appointments/b/${forged}`);
			assert.equal(f.status, 404);
			assert.equal(errorOf(f.body), 'booking_unknown');
			assert.equal((await c.post(`/appointments/b/${forged}/cancel`, {})).status, 404);
		}
		assert.deepEqual(await counts(), after);
	});

	test('hostile input: clear 4xx with stable codes, nothing changed', async () => {
		const svc = 'test-hostile';
		const cid = await counterWith(admin, svc, { slotMinutes: 30, capacity: 1 });
		const { client, choices } = await openLater(svc);
		const open = choices.day;
		const slot = `${cid}@09:00`;
		// a weekday that is open and at least 3 days ahead, and the next Friday
		let friday = 2;
		while (weekday(localDay(friday)) !== 5) friday++;
		let openDay = 3;
		while ([5, 6].includes(weekday(localDay(openDay))) || localDay(openDay) === open) openDay++;
		const holiday = localDay(openDay);
		await setup(admin, 'holiday', { day: holiday, reason_ar: 'عيد', reason_fr: 'Fête' });
		const before = await counts();
		const cases = [
			[{ day: '2020-01-05', slot }, 400, 'booking_date_past'],
			[{ day: localDay(-1), slot }, 400, 'booking_date_past'],
			[{ day: localDay(60), slot }, 400, 'booking_beyond_horizon'],
			[{ day: '2026-13-01', slot }, 400, 'booking_day_invalid'],
			[{ day: open, slot: `${cid}@09:10` }, 400, 'booking_slot_unknown'],
			[{ day: open, slot: `${cid}@20:00` }, 400, 'booking_slot_unknown'],
			[{ day: open, slot: '999999@09:00' }, 400, 'booking_slot_unknown'],
			[{ day: open, slot: 'x' }, 400, 'booking_slot_unknown'],
			[{ day: localDay(friday), slot }, 409, 'booking_day_closed'],
			[{ day: holiday, slot }, 409, 'booking_day_closed'],
			[{ day: open, slot, name: '' }, 400, 'booking_name_required'],
			[{ day: open, slot, name: 'x'.repeat(101) }, 400, 'booking_name_invalid'],
			[{ day: open, slot, contact: 'not a contact' }, 400, 'booking_contact_invalid'],
			[{ day: open, slot, contact: '12' }, 400, 'booking_contact_invalid'],
			[{ day: open, slot, contact: '' }, 400, 'booking_contact_invalid'],
			[{ day: open, slot, nonce: 'short' }, 400, 'booking_form_invalid'],
			[{ day: open, slot, nonce: '' }, 400, 'booking_form_invalid'],
		];
		for (const [fields, status, code] of cases) {
			const r = await book(client, svc, fields);
			assert.equal(r.status, status, `${JSON.stringify(fields)}: ${r.body.slice(0, 200)}`);
			assert.equal(errorOf(r.body), code, JSON.stringify(fields));
		}
		// inside the minimum notice: two days of notice, tomorrow's first slot
		await setup(admin, 'settings', { horizon_days: 30, notice_minutes: 2 * 1440, per_contact: 2, rest_5: 1 });
		assert.equal(await sql(off, 'SELECT rest_days::text FROM appt_settings'), '{5}');
		const soon = await book(client, svc, { day: localDay(1), slot: `${cid}@08:00` });
		assert.equal(errorOf(soon.body), 'booking_too_soon');
		await setup(admin, 'settings', { horizon_days: 30, notice_minutes: 120, per_contact: 2, rest_5: 1, rest_6: 1 });
		assert.equal(await sql(off, 'SELECT rest_days::text FROM appt_settings'), '{5,6}');
		// a JSON client gets the same codes
		const j = await book(client, svc, { day: '2020-01-05', slot }, { json: true });
		assert.equal(j.status, 400);
		assert.equal(JSON.parse(j.body).error.code, 'booking_date_past');
		// without the CSRF token
		const noCsrf = await client.post(`/services/${svc}/book`, { day: open, slot, name: 'x',
			contact: 'a@b.org', nonce: 'n'.repeat(32) }, { csrf: false });
		assert.equal(noCsrf.status, 403);
		assert.deepEqual(await counts(), before, 'nothing written');

		// a replayed form: the same nonce again
		const nonce = 'replay'.padEnd(32, '0');
		const one = await book(client, svc, { day: open, slot: choices.slots[0], nonce });
		tokens.push(bookedOf(one).token);
		const mid = await counts();
		const replay = await book(client, svc, { day: open, slot: choices.slots[1], nonce });
		assert.equal(replay.status, 409);
		assert.equal(errorOf(replay.body), 'booking_replayed');
		// the full slot
		const full = await book(client, svc, { day: open, slot: choices.slots[0] });
		assert.equal(full.status, 409);
		assert.equal(errorOf(full.body), 'booking_slot_full');
		assert.deepEqual(await counts(), mid);
		// staff forms refuse bad values too
		for (const [what, fields, code] of [
			['hours', { counter: cid, weekday: 1, opens: '17:00', closes: '08:00' }, 'appt_hours_invalid'],
			['hours', { counter: cid, weekday: 9, opens: '08:00', closes: '12:00' }, 'appt_hours_invalid'],
			['offer', { counter: cid, service: 'Bad Key', title_ar: 'a', title_fr: 'b', slot_minutes: 10, capacity: 1 }, 'appt_service_key_invalid'],
			['offer', { counter: cid, service: 'ok-key', title_ar: 'a', title_fr: 'b', slot_minutes: 1, capacity: 1 }, 'appt_offer_invalid'],
			['settings', { horizon_days: 0, notice_minutes: 1, per_contact: 1 }, 'appt_setting_invalid'],
			['holiday', { day: 'tomorrow', reason_ar: 'a', reason_fr: 'b' }, 'booking_day_invalid'],
			['counter', { id: 999999, name_ar: 'a', name_fr: 'b', place_ar: 'c', place_fr: 'd' }, 'appt_counter_invalid'],
			['counter', { name_ar: 'a', name_fr: '', place_ar: 'c', place_fr: 'd' }, 'appt_counter_invalid'],
			['hours', { counter: 999999, weekday: 1, opens: '08:00', closes: '12:00' }, 'appt_counter_invalid'],
			['offer', { counter: 999999, service: 'ok-key', title_ar: 'a', title_fr: 'b', slot_minutes: 10, capacity: 1 }, 'appt_counter_invalid'],
		]) {
			const r = await admin.post(`/staff/appointments/setup/${what}`, fields, { json: true });
			assert.equal(r.status, 400, what);
			assert.equal(codeOf(r), code, what);
		}
		// residents and agents may not edit the configuration
		const anon = await new Client(off.url).get('/staff/appointments/setup');
		assert.notEqual(anon.status, 200);
		assert.equal((await agent.get('/staff/appointments/setup')).status, 403);
	});

	test('200 simultaneous booking requests for 10 places: exactly 10 bookings, 190 refusals', async () => {
		const svc = 'test-contention';
		const cid = await counterWith(admin, svc, { slotMinutes: 60, capacity: 10 });
		const { client, choices } = await openLater(svc);
		const slot = `${cid}@10:00`;
		const before = Number(await sql(off, 'SELECT count(*) FROM appt_bookings'));
		const replies = await Promise.all(Array.from({ length: 200 }, (_, i) =>
			book(client, svc, { day: choices.day, slot, contact: `+213 555 00 ${String(i).padStart(4, '0')}` })));
		const by = {};
		for (const r of replies) {
			const k = r.status === 201 ? 'booked' : `${r.status} ${errorOf(r.body)}`;
			by[k] = (by[k] || 0) + 1;
		}
		assert.deepEqual(by, { booked: 10, '409 booking_slot_full': 190 });
		assert.equal(Number(await sql(off, 'SELECT count(*) FROM appt_bookings')) - before, 10);
		assert.equal(await sql(off, `SELECT booked || '/' || capacity FROM appt_slots WHERE counter_id = ${cid}`), '10/10');
	});

	test('a reschedule racing a booking for the last place: exactly one wins', async () => {
		const svc = 'test-race';
		const cid = await counterWith(admin, svc, { slotMinutes: 30, capacity: 1 });
		const { client, choices } = await openLater(svc);
		for (let round = 0; round < 4; round++) {
			const from = choices.slots[2 * round], to = choices.slots[2 * round + 1];
			const mine = bookedOf(await book(client, svc, { day: choices.day, slot: from }));
			const [moved, other] = await Promise.all([
				client.post(`${mine.link}/reschedule`, { day: choices.day, slot: to }),
				book(client, svc, { day: choices.day, slot: to }),
			]);
			const wins = [moved.status === 303, other.status === 201].filter(Boolean).length;
			assert.equal(wins, 1, `round ${round}: ${moved.status} ${other.status}`);
			const loser = moved.status === 303 ? other : moved;
			assert.equal(loser.status, 409);
			assert.equal(errorOf(loser.body), 'booking_slot_full');
			const t = to.split('@')[1];
			assert.equal(await sql(off, `SELECT booked FROM appt_slots WHERE counter_id = ${cid} AND starts_at = '${choices.day} ${t}:00+01'`), '1');
			assert.equal(await sql(off, `SELECT count(*) FROM appt_bookings WHERE counter_id = ${cid} AND status = 'booked' AND starts_at = '${choices.day} ${t}:00+01'`), '1');
		}
		assert.equal(await sql(off, `SELECT count(*) FROM appt_slots WHERE counter_id = ${cid} AND booked > capacity`), '0');
		// the database itself refuses an overbooked slot, whatever the C code does
		const bad = await off.cluster.psql(`UPDATE appt_slots SET booked = capacity + 1 WHERE counter_id = ${cid}`,
			{ database: off.database }).then(() => 'accepted', (e) => e.message);
		assert.match(bad, /check constraint/);
	});

	test('limit per contact and per client', async () => {
		const svc = 'test-limit';
		await counterWith(admin, svc, { slotMinutes: 30, capacity: 5 });
		const { client, choices } = await openLater(svc);
		const contact = '+213 661 23 45 67';
		const ok1 = await book(client, svc, { day: choices.day, slot: choices.slots[0], contact });
		const ok2 = await book(client, svc, { day: choices.day, slot: choices.slots[1], contact: ' +213 661 23 45 67 ' });
		bookedOf(ok1), bookedOf(ok2);
		const same = await book(client, svc, { day: choices.day, slot: choices.slots[1], contact: '+213 661 23 45 67' });
		assert.equal(same.status, 409);
		assert.equal(errorOf(same.body), 'booking_already');
		// the same phone written another way is the same person
		const third = await book(client, svc, { day: choices.day, slot: choices.slots[2], contact: '0661-23-45-67' });
		assert.equal(third.status, 429);
		assert.equal(errorOf(third.body), 'booking_contact_limit');
		// the contact is kept as a keyed hash for the limit, not a plain hash of the value
		const hash = await sql(off, `SELECT contact_hash FROM appt_bookings WHERE contact = '${contact}' LIMIT 1`);
		assert.match(hash, /^[0-9a-f]{64}$/);
		assert.notEqual(hash, await sql(off, `SELECT encode(sha256('${contact}'), 'hex')`));

		// per client: a daemon with the limit it ships with (10 a minute), on its own database
		const solo = await startSite('official', { cluster: off.cluster,
			env: { BALADIYA_RATE_LIMITS: 'appointment=3' } });
		try {
			const staff = await staffClient(solo);
			await counterWith(staff, svc, { slotMinutes: 30, capacity: 20 });
			const o = await openLater(svc, solo.url);
			assert.ok(o.choices.slots.length >= 6, 'six slots on the day');
			const st = [];
			for (let i = 0; i < 5; i++) st.push((await book(o.client, svc, { day: o.choices.day, slot: o.choices.slots[i] })).status);
			assert.deepEqual(st, [201, 201, 201, 429, 429]);
			const r = await book(o.client, svc, { day: o.choices.day, slot: o.choices.slots[5] });
			assert.equal(errorOf(r.body), 'booking_rate_limit');
			assert.ok(r.headers.get('retry-after'));
			assert.equal(await sql(solo, 'SELECT count(*) FROM appt_bookings'), '3');
		} finally {
			await solo.stop();
		}
	});

	test('agents: day view, arrivals and no-shows, closing a counter for a day', async () => {
		const svc = 'test-desk';
		const cid = await counterWith(admin, svc, { slotMinutes: 30, capacity: 2 });
		const { client, choices } = await openLater(svc);
		const a = bookedOf(await book(client, svc, { day: choices.day, slot: choices.slots[0], name: 'Nom Un', contact: PHONE }));
		const b = bookedOf(await book(client, svc, { day: choices.day, slot: choices.slots[1], name: 'Nom Deux', contact: 'deux@example.org' }));
		const view = await agent.get(`/staff/appointments?counter=${cid}&day=${choices.day}&lang=fr`);
		assert.equal(view.status, 200);
		for (const s of [a.code, b.code, 'Nom Un', PHONE, 'deux@example.org']) assert.ok(view.body.includes(s), s);
		assert.match(view.body, /appointments\.css/);
		const json = JSON.parse((await agent.get(`/staff/appointments?counter=${cid}&day=${choices.day}`, { json: true })).body);
		const row = json.rows.find((r) => r.code === a.code);
		const m = await agent.post(`/staff/appointments/${row.id}/mark`, { status: 'arrived', back: `/staff/appointments?counter=${cid}` });
		assert.equal(m.status, 303);
		assert.equal(await sql(off, `SELECT status FROM appt_bookings WHERE id = ${row.id}`), 'arrived');
		const bad = await agent.post(`/staff/appointments/${row.id}/mark`, { status: 'deleted' });
		assert.equal(errorOf(bad.body), 'booking_status_invalid');
		// a resident may not see the day view
		const anon = await new Client(off.url).get(`/staff/appointments?counter=${cid}`);
		assert.notEqual(anon.status, 200);

		const closed = await agent.post('/staff/appointments/close', { counter: cid, day: choices.day, reason: 'Panne' });
		assert.equal(closed.status, 200);
		assert.ok(closed.body.includes(b.code) && closed.body.includes('deux@example.org'), 'affected listed with contacts');
		assert.ok(!closed.body.includes(a.code), 'the one who came is not to be called');
		const link = await new Client(off.url).get(`${b.link}?lang=fr`);
		assert.match(link.body, /La commune a fermé ce guichet/);
		const after = await openBooking(off.url, svc, { day: choices.day });
		assert.ok(!after.choices.slots.some((s) => s.startsWith(`${cid}@`)) || after.choices.day !== choices.day);
		const r = await book(client, svc, { day: choices.day, slot: choices.slots[2] });
		assert.equal(errorOf(r.body), 'booking_day_closed');
	});

	test('appointments_figures from the rows, and the retention job', async () => {
		const svc = 'test-figures';
		const cid = await counterWith(admin, svc, { slotMinutes: 30, capacity: 3 });
		// past bookings made in the database: 12 marked (5 no-shows), 2 cancelled, 1 unmarked
		const statuses = [...Array(7).fill('arrived'), ...Array(5).fill('no_show'), 'cancelled', 'cancelled', 'booked'];
		const days = [100, 100, 100, 95, 95, 95, 40, 40, 40, 20, 20, 20, 10, 10, 10];
		for (const [i, st] of statuses.entries()) {
			const at = `now() - interval '${days[i]} days'`;
			await sql(off, `WITH s AS (INSERT INTO appt_slots (counter_id, service, starts_at, capacity, booked)
				VALUES (${cid}, '${svc}', date_trunc('hour', ${at}) + interval '${i} minutes', 1, 1) RETURNING id)
				INSERT INTO appt_bookings (code, token_hash, nonce, slot_id, counter_id, service, starts_at, status, name, contact, contact_hash)
				SELECT 'A-TEST-${String(i).padStart(4, '0')}', md5('t${i}') || md5('u${i}'), 'figures-nonce-${i}-xxxxxxxx', s.id, ${cid}, '${svc}',
				date_trunc('hour', ${at}) + interval '${i} minutes', '${st}', '${NAME}', '${CONTACT}', md5('${i}') FROM s`);
		}
		const fig = async () => (await (await fetch(`${off.url}/services/${svc}/book`, { headers: { accept: 'application/json' } })).json()).figures;
		const rows = (await sql(off, `SELECT status FROM appt_bookings WHERE service = '${svc}'`)).split('\n');
		const marked = rows.filter((s) => s === 'arrived' || s === 'no_show').length;
		const noShows = rows.filter((s) => s === 'no_show').length;
		const counted = rows.filter((s) => s !== 'cancelled' && s !== 'closed').length;
		const { choices } = await openBooking(off.url, svc);
		const [c, t] = choices.slots[0].split('@');
		assert.equal(Number(c), cid);
		assert.deepEqual(await fig(), { bookings: counted, next_free: `${choices.day}T${t}:00+01:00`,
			no_show_share: noShows / marked });
		assert.equal(counted, 13);
		assert.equal(noShows / marked, 5 / 12);

		// retention: the rows of slots more than 92 days old lose name and contact, the figures stay
		const r = await cliFor(off, ['jobs', 'run']);
		assert.equal(r.code, 0, r.stderr);
		assert.equal(await sql(off, `SELECT count(*) FROM appt_bookings WHERE service = '${svc}' AND erased_at IS NOT NULL AND name IS NULL AND contact IS NULL AND contact_hash IS NULL`), '6');
		assert.equal(await sql(off, `SELECT count(*) FROM appt_bookings WHERE service = '${svc}' AND name IS NOT NULL`), '9');
		assert.deepEqual(await fig(), { bookings: counted, next_free: `${choices.day}T${t}:00+01:00`,
			no_show_share: noShows / marked });
		// the min sample: fewer marked bookings than 10 give null
		await sql(off, `UPDATE appt_bookings SET status = 'booked' WHERE service = '${svc}' AND status = 'arrived' AND code > 'A-TEST-0003'`);
		assert.equal((await fig()).no_show_share, null);
	});

	test('privacy: the resident\'s data in no public page, JSON, event, federation table or log', async () => {
		// a fresh booking with the markers, then every place they must not reach
		const { client, choices } = await openLater('signature-legalisation');
		const b = bookedOf(await book(client, 'signature-legalisation', { day: choices.day, slot: choices.slots[0], name: NAME, contact: PHONE }));
		tokens.push(b.token);
		const markers = [NAME, CONTACT, PHONE, ...tokens];
		const pages = ['/', '/news', '/accountability', '/services/signature-legalisation/book',
			'/services/residence-certificate/book', '/about'];
		for (const srv of [pair.official, pair.citizen]) {
			for (const p of pages) {
				for (const lang of ['ar', 'fr']) {
					for (const json of [false, true]) {
						const r = await fetch(`${srv.url}${p}?lang=${lang}`, { headers: json ? { accept: 'application/json' } : {} });
						const text = await r.text();
						for (const m of markers) assert.ok(!text.includes(m), `${m} on ${srv.side} ${p} ${lang}`);
					}
				}
			}
			for (const origin of ['official', 'citizen']) {
				const log = await readLog(srv, origin).catch(() => []);
				const text = log.map((e) => e.record).join('\n');
				for (const m of markers) assert.ok(!text.includes(m), `${m} in ${srv.side}'s ${origin} events`);
				assert.ok(!log.some((e) => /appoint|booking|appt/.test(e.type)), 'no event carries bookings');
			}
			const tables = (await sql(srv, "SELECT string_agg(tablename, ' ') FROM pg_tables WHERE schemaname = 'public' AND (tablename LIKE 'fed\\_%' OR tablename LIKE '%outbox%')")).split(' ');
			assert.ok(tables.includes('fed_events'), tables.join(' '));
			for (const t of tables) {
				const dump = await sql(srv, `SELECT coalesce(string_agg(x::text, E'\\n'), '') FROM ${t} x`);
				for (const m of markers) assert.ok(!dump.includes(m), `${m} in ${srv.side}.${t}`);
			}
			const logs = srv.logs();
			for (const m of markers) assert.ok(!logs.includes(m), `${m} in ${srv.side}'s log`);
		}
		assert.match(pair.official.logs(), /\/appointments\/b\/\{token\}/, 'the log shows the route, not the link');
	});
});

/** The stable error code of an error page or JSON body. */
function errorOf(body) {
	return codeOf({ body });
}
