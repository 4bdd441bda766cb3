// SPDX-License-Identifier: AGPL-3.0-or-later
// Appointments in Debian's Chromium, on official-srv with the demo commune's configuration:
// on a 390×844 phone a resident finds a day and a slot, books, opens the private link and
// cancels, in Arabic and in French, with JavaScript and without; the agents' day view (with
// its print stylesheet), marking an arrival, closing a counter, and the staff's setup page.
// axe-core finds zero violations on every page, resident and staff.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/appointments.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../lib/harness.mjs';
import { LANGS, LOCALE, checkPage, withChromium, logIn, open, trackedPage, withLang } from
	'../lib/browser.mjs';
import { addUser, loadDemo, startSite } from '../lib/http.mjs';

const PHONE = { width: 390, height: 844 };
const SERVICE = 'residence-certificate';
const TEXT = {
	fr: { booked: 'Votre rendez-vous est confirmé', cancelled: 'Votre rendez-vous est annulé.' },
	ar: { booked: 'تم تأكيد موعدك', cancelled: 'تم إلغاء موعدك.' },
};

let cluster;
let srv;
let browser;
const booked = []; // {day, code}

/**
 * checkPage (axe-core, lang and dir, no problems) where scripts run: axe-core is a script, and
 * the pages a browser without JavaScript gets are the same.
 */
async function check(page, lang) {
	if (page.js) await checkPage(page, lang);
	else assert.deepEqual(page.problems, []);
}

/** Books the first free slot of the second open day on the page, as a resident would. */
async function bookOnPhone(page, lang, name, contact = '+213 555 10 20 30') {
	await open(page, withLang(`${srv.url}/services/${SERVICE}/book`, lang));
	await check(page, lang);
	// the second open day, through its link
	const day = page.locator('.appt-days a').nth(1);
	const href = await day.getAttribute('href');
	await Promise.all([page.waitForURL((u) => u.search.includes('day=')), day.click()]);
	await check(page, lang);
	assert.equal(await page.locator('.appt-days a[aria-current="date"]').getAttribute('href'), href);
	const slot = page.locator('label.appt-slot').first();
	const box = await slot.boundingBox();
	assert.ok(box.width <= PHONE.width && box.height >= 24, 'a slot is easy to tap on a phone');
	await slot.click();
	await page.locator('#appt-name').fill(name);
	await page.locator('#appt-contact').fill(contact);
	await Promise.all([
		page.waitForURL((u) => u.pathname.endsWith('/book') && !u.search),
		page.locator('main form button[type=submit]').click(),
	]);
	await page.locator('main h1').waitFor();
	assert.equal(await page.locator('main h1').textContent(), TEXT[lang].booked);
	await check(page, lang);
	const code = await page.locator('.appt-code bdi').textContent();
	assert.match(code, /^A-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
	const link = await page.locator('.appt-link a').getAttribute('href');
	assert.match(link, /^\/appointments\/b\/[A-Za-z0-9_-]{43}$/);
	booked.push({ day: new URL(href, srv.url).searchParams.get('day'), code });
	return { code, link };
}

/** Opens the private link and cancels through its form. */
async function cancelOnPhone(page, lang, link, code) {
	await open(page, withLang(`${srv.url}${link}`, lang));
	await check(page, lang);
	assert.match(await page.locator('main h1').textContent(), new RegExp(code));
	await Promise.all([
		page.waitForURL((u) => u.search.includes('done=cancelled')),
		page.locator(`form[action="${link}/cancel"] button`).click(),
	]);
	assert.equal(await page.locator('main .notice[role=status]').textContent(), TEXT[lang].cancelled);
	await check(page, lang);
	assert.equal(await page.locator(`form[action="${link}/cancel"]`).count(), 0);
}

describe('appointments in Chromium', () => {
	before(async () => {
		cluster = await startCluster();
		[srv, browser] = await withChromium(startSite('official', { cluster, themeDir: 'demo/official' }));
		await loadDemo(srv);
		await addUser(srv, 'agent', 'guichet');
		await addUser(srv, 'admin', 'regisseur');
	});

	after(async () => {
		await browser?.close();
		if (srv) assert.equal(await srv.stop(), 0);
		await cluster?.destroy();
	});

	for (const js of [true, false]) {
		for (const lang of LANGS) {
			test(`on a phone (${lang}, ${js ? 'with' : 'without'} JavaScript): find a slot, book, cancel`, async () => {
				const page = await trackedPage(browser, { locale: LOCALE[lang], viewport: PHONE,
					isMobile: true, hasTouch: true, javaScriptEnabled: js });
				page.js = js;
				const { code, link } = await bookOnPhone(page, lang, `Résident ${lang} ${js}`);
				await cancelOnPhone(page, lang, link, code);
				await page.close();
			});
		}
	}

	test('agents: the day view (printable), an arrival, closing a counter; the setup page', async () => {
		// one more booking to see in the day view
		const resident = await trackedPage(browser, { locale: LOCALE.fr, viewport: PHONE });
		resident.js = true;
		const { code } = await bookOnPhone(resident, 'fr', 'Personne à appeler');
		await resident.close();
		const day = booked.at(-1).day;
		for (const lang of LANGS) {
			const page = await trackedPage(browser, { locale: LOCALE[lang] });
			page.js = true;
			await logIn(page, srv, 'guichet', lang);
			await open(page, withLang(`${srv.url}/staff/appointments?counter=1&day=${day}`, lang));
			await check(page, lang);
			const row = page.locator('table.appt-day tbody tr', { hasText: code });
			assert.equal(await row.count(), 1);
			assert.match(await row.textContent(), /Personne à appeler/);
			// on paper: the list only, without the forms and the site's header
			await page.emulateMedia({ media: 'print' });
			assert.equal(await page.locator('header.site-header').isVisible(), false);
			for (const form of await page.locator('form.appt-noprint').all()) {
				assert.equal(await form.isVisible(), false);
			}
			assert.equal(await page.locator('table.appt-day button').first().isVisible(), false);
			assert.equal(await page.locator('table.appt-day').isVisible(), true);
			await page.emulateMedia({ media: 'screen' });
			await page.close();
		}
		// moving a booking: the day view's link, the free slots, the notice sent, back to the new day
		const mover = await trackedPage(browser, { locale: LOCALE.fr, viewport: PHONE });
		mover.js = true;
		const moving = await bookOnPhone(mover, 'fr', 'Personne à déplacer', '+213 555 40 50 60');
		await mover.close();
		let desk = `counter=1&day=${booked.at(-1).day}`;
		for (const lang of LANGS) {
			const page = await trackedPage(browser, { locale: LOCALE[lang] });
			page.js = true;
			await logIn(page, srv, 'guichet', lang);
			await open(page, withLang(`${srv.url}/staff/appointments?${desk}`, lang));
			await Promise.all([
				page.waitForURL((u) => /^\/staff\/appointments\/[0-9]+\/move$/.test(u.pathname)),
				page.locator('table.appt-day tr', { hasText: moving.code }).locator('a[href$="/move"]').click(),
			]);
			await check(page, lang);
			assert.ok(await page.locator('label.appt-slot').count() > 0, 'free slots to move to');
			if (lang === 'fr') {
				await page.locator('label.appt-slot').last().click();
				await Promise.all([
					page.waitForURL((u) => u.pathname === '/staff/appointments' && u.search.includes('day=')),
					page.locator('main form.appt-form button[type=submit]').click(),
				]);
				await check(page, lang);
				assert.equal(await page.locator('table.appt-day tr', { hasText: moving.code }).count(), 1, 'on its new slot');
				desk = new URL(page.url()).search.slice(1);
			}
			await page.close();
		}
		const page = await trackedPage(browser, { locale: LOCALE.fr });
		page.js = true;
		await logIn(page, srv, 'guichet', 'fr');
		await open(page, withLang(`${srv.url}/staff/appointments?counter=1&day=${day}`, 'fr'));
		await Promise.all([
			page.waitForURL((u) => u.pathname === '/staff/appointments'),
			page.locator('table.appt-day tr', { hasText: code }).locator('button[value=arrived]').click(),
		]);
		assert.match(await page.locator('table.appt-day tr', { hasText: code }).textContent(), /Présent/);
		await Promise.all([
			page.waitForURL((u) => u.pathname === '/staff/appointments/close'),
			page.locator('form[action="/staff/appointments/close"] button').click(),
		]);
		await checkPage(page, 'fr');
		await page.close();
		for (const lang of LANGS) {
			const admin = await trackedPage(browser, { locale: LOCALE[lang] });
			admin.js = true;
			await logIn(admin, srv, 'regisseur', lang);
			await open(admin, withLang(`${srv.url}/staff/appointments/setup`, lang));
			await checkPage(admin, lang);
			await open(admin, withLang(`${srv.url}/staff`, lang));
			assert.equal(await admin.locator('a[href="/staff/appointments/setup"]').count(), 1);
			await admin.close();
		}
	});
});
