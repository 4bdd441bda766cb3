// SPDX-License-Identifier: AGPL-3.0-or-later
// Helpers of the appointments tests (integration, browser, benchmark): the staff's setup
// forms, the booking form's choices, one booking.

import assert from 'node:assert/strict';
import { Client, errorCodeOf } from './http.mjs';

/** POSTs a setup form as JSON (staff client with appointments.manage); resolves to {ok, id}. */
export async function setup(staff, what, fields) {
	const r = await staff.post(`/staff/appointments/setup/${what}`, fields, { json: true });
	assert.equal(r.status, 200, `setup ${what}: ${r.status} ${r.body.slice(0, 300)}`);
	return JSON.parse(r.body);
}

/**
 * A counter open every weekday (the commune's rest days still apply) from 08:00 to 16:30
 * taking service with slot length and capacity; resolves to its id.
 */
export async function counterWith(staff, service, { slotMinutes = 30, capacity = 1,
	name = `Guichet ${service}`, opens = '08:00', closes = '16:30' } = {}) {
	const { id } = await setup(staff, 'counter', { name_ar: `شباك ${service}`, name_fr: name,
		place_ar: 'مقر البلدية', place_fr: 'Hôtel de ville' });
	for (let wd = 0; wd < 7; wd++) {
		await setup(staff, 'hours', { counter: id, weekday: wd, opens, closes });
	}
	await setup(staff, 'offer', { counter: id, service, title_ar: `خدمة ${service}`,
		title_fr: `Service ${service}`, slot_minutes: slotMinutes, capacity });
	return id;
}

/** The choices of a booking (or rescheduling) page: {nonce, day, days, slots: [value]}. */
export function choicesOf(html) {
	return {
		nonce: /name="nonce" value="([0-9a-f]+)"/.exec(html)?.[1],
		day: /<input type="hidden" name="day" value="([0-9-]{10})">/.exec(html)?.[1],
		days: [...html.matchAll(/\?day=([0-9-]{10})"/g)].map((m) => m[1]),
		slots: [...html.matchAll(/name="slot" id="[^"]+" value="([^"]+)"/g)].map((m) => m[1]),
	};
}

/** A resident's browser on the booking page of service (day: optional); {client, choices}. */
export async function openBooking(url, service, { day, lang = 'fr' } = {}) {
	const client = new Client(url);
	const q = day ? `?day=${day}&lang=${lang}` : `?lang=${lang}`;
	const r = await client.get(`/services/${service}/book${q}`);
	assert.equal(r.status, 200, `booking page of ${service}: ${r.status} ${r.body.slice(0, 300)}`);
	return { client, choices: choicesOf(r.body), html: r.body };
}

/** POSTs the booking form; fields override the defaults; opts as Client.post's. Resolves to
 * the reply. */
export function book(client, service, fields, opts = {}) {
	return client.post(`/services/${service}/book`, {
		name: 'Résident de test',
		contact: `r${Math.random().toString(36).slice(2, 10)}@example.org`,
		nonce: crypto.randomUUID().replaceAll('-', ''),
		...fields,
	}, opts);
}

/** The code, private link and .ics link of a booking's 201 page. */
export function bookedOf(reply) {
	assert.equal(reply.status, 201, reply.body.slice(0, 600));
	const code = /<bdi>(A-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})<\/bdi>/.exec(reply.body)?.[1];
	const link = /href="(\/appointments\/b\/[A-Za-z0-9_-]{43})"/.exec(reply.body)?.[1];
	const ics = /href="(\/appointments\/b\/[A-Za-z0-9_-]{43}\/ics)"/.exec(reply.body)?.[1];
	assert.ok(code && link && ics, 'code, link and .ics on the confirmation page');
	return { code, link, ics, token: link.split('/').pop() };
}

/** The error code of an error reply (HTML or JSON). */
export function codeOf(reply) {
	try {
		return JSON.parse(reply.body).error.code;
	} catch {
		return errorCodeOf(reply.body);
	}
}
