// SPDX-License-Identifier: AGPL-3.0-or-later
// The resident's whole journey across the services space (catalogue, online forms, appointments)
// in Debian's Chromium on a 390×844 phone, in Arabic and French, with JavaScript and without,
// on a linked pair of daemons with the demo commune:
//   - appointment: the official catalogue (found by search with scripts, by life event without),
//     the sheet, "book an appointment", a day and a free slot, the code and the private link,
//     cancel — and the place is offered again; from the citizen platform's catalogue, the
//     sheet's booking link leads to the official booking page;
//   - online form: the catalogue, the sheet, "fill the form online", a PDF attached, the
//     reference and the tracking link; an agent (HTTP client signed in as staff) asks for a
//     missing document, the resident adds it through the tracking page's own form, the agent
//     marks the file ready, the resident's page says so with where and when.
// With scripts, every page of the journeys passes axe-core (zero violations): the catalogue's
// search results and life-event lists, the sheets, the booking and form pages, the confirmation
// pages, the booking's private page before and after cancelling, the mirrored sheet, and the
// tracking page showing "incomplete" and "ready". axe-core is a script: without JavaScript the
// same pages are walked and their content checked.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/services_journeys.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir } from '../lib/harness.mjs';
import { DIR, LANGS, LOCALE, checkPage, withChromium, open, trackedPage, withLang } from
	'../lib/browser.mjs';
import { startLinkedPair, waitForMirror } from '../lib/federation.mjs';
import { cliFor, signedIn } from '../lib/http.mjs';

const PHONE = { width: 390, height: 844 };
const BOOKING = 'residence-certificate';
const FORM = 'urbanism-certificate';
// what a resident types in the catalogue's search box, and the life event the services belong to
const SEARCH = {
	[BOOKING]: { ar: 'الإقامة', fr: 'résidence' },
	[FORM]: { ar: 'التعمير', fr: 'urbanisme' },
};
const LIFE_EVENT = 'housing_urbanism';

let pair, browser, agent, pdfPath, morePdfPath;
const titles = {}; // key -> {ar, fr}, from the demo commune's catalogue

/** The text of a locale key of a module, in lang (what the resident reads). */
const locales = new Map();
function t(module, lang, key) {
	const file = path.join(ROOT, 'modules', module, 'locales', `${lang}.${module}.json`);
	if (!locales.has(file)) locales.set(file, JSON.parse(readFileSync(file, 'utf8')));
	const text = locales.get(file)[key];
	assert.ok(text, `${file} has ${key}`);
	return text;
}

/**
 * A small, well-formed PDF: a catalog, a page tree, one empty A4 page, and a cross-reference
 * table whose offsets are the objects' real byte positions.
 */
function smallPdf(note) {
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
		`<< /Title (${note}) >>`,
	];
	let out = '%PDF-1.4\n';
	const offsets = objects.map((body, i) => {
		const at = out.length;
		out += `${i + 1} 0 obj\n${body}\nendobj\n`;
		return at;
	});
	const xref = out.length;
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const at of offsets) out += `${String(at).padStart(10, '0')} 00000 n \n`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}

/** A phone page; page.js says whether scripts run (and so whether axe-core can). */
async function phone(lang, js) {
	const page = await trackedPage(browser, { locale: LOCALE[lang], viewport: PHONE,
		isMobile: true, hasTouch: true, javaScriptEnabled: js });
	page.js = js;
	page.lang = lang;
	return page;
}

/**
 * The page's lang and dir and no problems; with scripts and unless axe is false, zero axe-core
 * violations too (false: a page the other e2e files already check, in the same state).
 */
async function check(page, { axe = true } = {}) {
	if (page.js && axe) return checkPage(page, page.lang);
	assert.equal(await page.locator('html').getAttribute('lang'), page.lang);
	assert.equal(await page.locator('html').getAttribute('dir'), DIR[page.lang]);
	assert.deepEqual(page.problems, [], `problems on ${page.url()}`);
}

/** Clicks what leads to another page, waits for it and checks it (opts: check's). */
async function follow(page, locator, url, opts) {
	await Promise.all([page.waitForURL(url), locator.click()]);
	await check(page, opts);
}

/**
 * From srv's catalogue to the sheet of key, as a resident finds it: by the search box with
 * scripts, by the life-event filter without (both are the same plain GET form).
 */
async function findSheet(page, srv, key) {
	const lang = page.lang;
	await open(page, withLang(`${srv.url}/services`, lang));
	await check(page, { axe: false });
	if (page.js) {
		await page.locator('#f-q').fill(SEARCH[key][lang]);
		await follow(page, page.locator('form.filters button'), /[?&]q=/);
		assert.match(await page.locator('main [role=status]').textContent(), /\d/);
	} else {
		await page.locator('#f-life_event').selectOption(LIFE_EVENT);
		await follow(page, page.locator('form.filters button'), /life_event=housing_urbanism/);
		assert.equal(await page.locator('.service-group').count(), 1, 'one life event shown');
	}
	const card = page.getByRole('link', { name: titles[key][lang], exact: true });
	assert.equal(await card.count(), 1, `${key} is found in the catalogue (${lang})`);
	await follow(page, card, (u) => u.pathname === `/services/${key}`);
	assert.equal((await page.locator('main h1').textContent()).trim(), titles[key][lang]);
}

/** The free places of each slot of the booking page on screen: value -> count. */
async function freePlaces(page) {
	const free = new Map();
	for (const label of await page.locator('label.appt-slot').all()) {
		const value = await label.locator('input[name=slot]').getAttribute('value');
		const n = /(\d+)\s*\)?\s*$/.exec((await label.textContent()).trim());
		assert.ok(n, `the slot ${value} says how many places are free`);
		free.set(value, Number(n[1]));
	}
	return free;
}

/** The booking page of day (an ISO date) on the official platform, and its free places. */
async function placesOn(page, day) {
	await open(page, withLang(`${pair.official.url}/services/${BOOKING}/book?day=${day}`, page.lang));
	await check(page, { axe: false });
	return freePlaces(page);
}

/** The tracking page's status and notices, reloaded (the tracking link from the confirmation). */
async function openTracking(page, link, opts) {
	await open(page, withLang(link, page.lang));
	await check(page, opts);
	return (await page.locator('#file-status').textContent()).trim();
}

describe('the resident\'s journeys through the services space', () => {
	before(async () => {
		[pair, browser] = await withChromium(startLinkedPair());
		const r = await cliFor(pair.official, ['demo', 'load', 'demo/official']);
		assert.equal(r.code, 0, r.stderr);
		// the services' figures: the citizen platform learns from them which services take
		// files or bookings
		const jobs = await cliFor(pair.official, ['jobs', 'run']);
		assert.equal(jobs.code, 0, jobs.stderr);
		agent = await signedIn(pair.official, 'agent', 'agent-parcours');
		const dir = tempDir('baladiya-e2e-journeys-');
		pdfPath = path.join(dir, 'plan-de-situation.pdf');
		morePdfPath = path.join(dir, 'acte-de-propriete.pdf');
		writeFileSync(pdfPath, smallPdf('Plan de situation'));
		writeFileSync(morePdfPath, smallPdf('Acte de propriete'));
		const catalogue = JSON.parse(readFileSync(path.join(ROOT, 'demo/official/services.json'), 'utf8'));
		for (const { data } of catalogue) titles[data.key] = data.title;
		await waitForMirror(pair.official, pair.citizen, { timeoutMs: 60_000 });
	});

	after(async () => {
		await browser?.close();
		await pair?.stop();
	});

	for (const js of [true, false]) {
		for (const lang of LANGS) {
			const how = `${lang}, ${js ? 'with' : 'without'} JavaScript`;

			test(`appointment (${how}): catalogue, sheet, book a free slot, cancel; the place is free again`, async () => {
				const page = await phone(lang, js);
				await findSheet(page, pair.official, BOOKING);
				const bookLink = page.getByRole('link', { name: t('services', lang, 'services_book') });
				await follow(page, bookLink, (u) => u.pathname === `/services/${BOOKING}/book`);
				// a day (the second one offered), then a free slot of that day
				const dayLink = page.locator('.appt-days a').nth(1);
				const day = new URL(await dayLink.getAttribute('href'), pair.official.url).searchParams.get('day');
				await follow(page, dayLink, (u) => u.searchParams.get('day') === day, { axe: false });
				const before = await freePlaces(page);
				const [slot, free] = [...before].find(([, n]) => n > 0);
				await page.locator(`label.appt-slot:has(input[value="${slot}"])`).click();
				assert.equal(await page.locator(`input[name=slot][value="${slot}"]`).isChecked(), true);
				await page.locator('#appt-name').fill(`Résident ${lang} ${js ? 'js' : 'html'}`);
				await page.locator('#appt-contact').fill(`parcours.${lang}.${js ? 'js' : 'html'}@example.dz`);
				await follow(page, page.locator('main form button[type=submit]'),
					(u) => u.pathname === `/services/${BOOKING}/book` && !u.search, { axe: false });
				assert.equal((await page.locator('main h1').textContent()).trim(),
					t('appointments', lang, 'appt_booked_title'));
				const code = (await page.locator('.appt-code bdi').textContent()).trim();
				assert.match(code, /^A-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
				const link = await page.locator('.appt-link a').getAttribute('href');
				assert.match(link, /^\/appointments\/b\/[A-Za-z0-9_-]{43}$/);
				// the place is taken
				assert.equal((await placesOn(page, day)).get(slot) ?? 0, free - 1);
				// the private link: the booking, and its cancel button
				await open(page, withLang(`${pair.official.url}${link}`, lang));
				await check(page, { axe: false });
				assert.match(await page.locator('main h1').textContent(), new RegExp(code));
				await follow(page, page.locator(`form[action="${link}/cancel"] button`),
					(u) => u.searchParams.get('done') === 'cancelled', { axe: false });
				assert.equal((await page.locator('main .notice[role=status]').textContent()).trim(),
					t('appointments', lang, 'appt_done_cancelled'));
				assert.equal(await page.locator(`form[action="${link}/cancel"]`).count(), 0,
					'a cancelled booking cannot be cancelled again');
				// the place is offered again
				assert.equal((await placesOn(page, day)).get(slot), free);
				await page.close();
			});

			test(`online form (${how}): submit with a PDF, add the missing document, see it ready`, async () => {
				const page = await phone(lang, js);
				await findSheet(page, pair.official, FORM);
				const formLink = page.getByRole('link', { name: t('services', lang, 'services_fill_form') });
				await follow(page, formLink, (u) => u.pathname === `/services/${FORM}/form`);
				await page.locator('#f-applicant_name').fill(`Demandeur ${lang}`);
				await page.locator('#f-applicant_kind').selectOption('owner');
				const quarter = await page.locator('#f-quarter option:not([value=""])').first().getAttribute('value');
				await page.locator('#f-quarter').selectOption(quarter);
				await page.locator('#f-address').fill('Lot 14, route de la source');
				await page.locator('#f-surface_m2').fill('450');
				await page.locator('#f-site_plan').setInputFiles(pdfPath);
				await follow(page, page.locator('form.form-file button[type=submit]'),
					(u) => u.pathname === `/services/${FORM}/form`, { axe: false });
				const ref = (await page.locator('#file-ref').textContent()).trim();
				assert.match(ref, /^D-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
				const tracking = await page.locator('#tracking-link').getAttribute('href');
				assert.match(tracking, /\/forms\/track\/[A-Za-z0-9_-]{43}$/);
				assert.equal(await openTracking(page, tracking, { axe: false }),
					t('forms', lang, 'forms_status_received'));

				// the agent asks for what is missing
				const missing = `Acte de propriété (${lang})`;
				let r = await agent.post(`/staff/files/${ref}/status`, { status: 'incomplete', missing });
				assert.equal(r.status, 303, r.body.slice(0, 300));
				assert.equal(await openTracking(page, tracking), t('forms', lang, 'forms_status_incomplete'));
				const asked = page.locator('main .notice[role=note]');
				assert.match(await asked.textContent(), new RegExp(t('forms', lang, 'forms_track_missing')));
				assert.match(await asked.textContent(), new RegExp(missing.replace(/[()]/g, '\\$&')));

				// the resident adds it through the page's own form
				const send = page.locator('main form[enctype="multipart/form-data"]');
				await send.locator('#m-body').fill('Voici l\'acte demandé.');
				await send.locator('#m-documents').setInputFiles(morePdfPath);
				await follow(page, send.locator('button[type=submit]'), (u) => u.searchParams.get('sent') === '1');
				assert.equal((await page.locator('main .notice[role=status]').textContent()).trim(),
					t('forms', lang, 'forms_track_sent'));
				r = await agent.get(`/staff/files/${ref}.json`);
				const file = JSON.parse(r.body);
				assert.equal(file.attachments.length, 2, 'the added document reached the file');
				assert.equal(file.status, 'received');

				// the agent marks it ready, with where and when
				const pickup = `Guichet de l'urbanisme, dimanche 09:00–12:00 (${lang})`;
				r = await agent.post(`/staff/files/${ref}/status`, { status: 'ready', pickup });
				assert.equal(r.status, 303, r.body.slice(0, 300));
				assert.equal(await openTracking(page, tracking), t('forms', lang, 'forms_status_ready'));
				const history = page.locator('#s-history + ol.timeline li');
				assert.equal(await history.count(), 4, 'received, incomplete, received, ready');
				assert.ok((await history.last().textContent()).includes(pickup), 'where and when');
				await page.close();
			});
		}
	}

	for (const lang of LANGS) {
		test(`from the citizen platform's catalogue (${lang}): the sheet's booking link leads to the official booking page`, async () => {
			const page = await phone(lang, true);
			await findSheet(page, pair.citizen, BOOKING);
			const bookLink = page.getByRole('link', { name: t('services', lang, 'services_book') });
			assert.equal(await bookLink.getAttribute('href'), `${pair.official.url}/services/${BOOKING}/book`);
			await Promise.all([
				page.waitForURL((u) => u.origin === pair.official.url && u.pathname === `/services/${BOOKING}/book`),
				bookLink.click(),
			]);
			assert.ok(await page.locator('.appt-days a').count() > 0, 'days to choose from');
			await check(page);
			await page.close();
		});
	}
});
