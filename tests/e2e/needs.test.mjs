// SPDX-License-Identifier: AGPL-3.0-or-later
// Needs and verified participation in Debian's Chromium, on citizen-srv with the demo theme and
// the real SMTP server: on a 390×844 phone a resident opens the needs, wants to express one,
// is sent to verification, types their e-mail address, reads the code (from the server), types
// it, comes back to the form, expresses the need, withdraws and gives their "me too", then
// erases their contact — in Arabic and in French, with JavaScript and without. axe-core finds
// zero violations on every page.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/needs.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../lib/harness.mjs';
import { LANGS, LOCALE, checkPage, withChromium, logIn, open, trackedPage, withLang } from
	'../lib/browser.mjs';
import { addUser, startSite } from '../lib/http.mjs';
import { codeMessages, nextCode } from '../lib/participation.mjs';
import { startSmtpServer } from '../lib/smtp.mjs';

const PHONE = { width: 390, height: 844 };
const TEXT = {
	fr: { need: 'Une crèche à Tighilt, svp', name: 'Parents', verified: 'Votre contact est vérifié' },
	ar: { need: 'دار حضانة في تيغيلت من فضلكم', name: 'أولياء', verified: 'تم تأكيد وسيلة اتصالك' },
};

let cluster;
let srv;
let official;
let smtp;
let browser;

/** axe-core and the page's lang/dir where scripts run; no problems anywhere. */
async function check(page, lang) {
	if (page.js) await checkPage(page, lang);
	else assert.deepEqual(page.problems, []);
}

/** Submits the main form whose button is `button` and waits for the next page. */
async function submit(page, button, urlPred) {
	await Promise.all([page.waitForURL(urlPred), button.click()]);
}

describe('needs and verification in Chromium', () => {
	before(async () => {
		cluster = await startCluster();
		smtp = await startSmtpServer();
		[[srv, official], browser] = await withChromium(Promise.all([
			startSite('citizen', { cluster, themeDir: 'demo/citizen', env: smtp.env }),
			startSite('official', { cluster, themeDir: 'demo/official' }),
		]));
		await addUser(srv, 'moderator', 'moderatrice');
		await addUser(official, 'agent', 'guichet');
	});

	after(async () => {
		await browser?.close();
		if (srv) assert.equal(await srv.stop(), 0);
		if (official) assert.equal(await official.stop(), 0);
		await smtp?.stop();
		await cluster?.destroy();
	});

	for (const js of [true, false]) {
		for (const lang of LANGS) {
			test(`on a phone (${lang}, ${js ? 'with' : 'without'} JavaScript): verify, express a need, me too, erase`, async () => {
				const page = await trackedPage(browser, { locale: LOCALE[lang], viewport: PHONE,
					isMobile: true, hasTouch: true, javaScriptEnabled: js });
				page.js = js;
				const email = `e2e.${lang}.${js ? 'js' : 'nojs'}@example.org`;
				await open(page, withLang(`${srv.url}/needs`, lang));
				await check(page, lang);
				await submit(page, page.locator('main a[href="/needs/new"]'), (u) => u.pathname === '/needs/new');
				await check(page, lang);
				// not verified yet: the way to verification, coming back here
				await submit(page, page.locator('main a[href^="/participation?back="]'),
					(u) => u.pathname === '/participation');
				await check(page, lang);
				await page.locator('#p-contact').fill(email);
				const before = codeMessages(smtp, email).length;
				await submit(page, page.locator('main form[action="/participation"] button'),
					(u) => u.pathname === '/participation/code');
				await check(page, lang);
				const code = await nextCode(smtp, email, before);
				await page.locator('#p-code').fill(code);
				await submit(page, page.locator('main form[action="/participation/code"] button'),
					(u) => u.pathname === '/needs/new');
				await check(page, lang);
				// the form, now
				await page.locator('#n-quarter').selectOption('tighilt');
				await page.locator('#n-theme').selectOption('childcare');
				await page.locator('#n-text').fill(`${TEXT[lang].need} (${js ? 'js' : 'sans js'})`);
				await page.locator('#n-name').fill(TEXT[lang].name);
				await submit(page, page.locator('main form[action="/needs"] button'),
					(u) => /^\/needs\/[0-9]+$/.test(u.pathname));
				await check(page, lang);
				const path = new URL(page.url()).pathname;
				assert.match(await page.locator('main .need-text').textContent(), new RegExp(TEXT[lang].need));
				// withdraw my own "me too", then give it again
				await submit(page, page.locator(`main form[action="${path}/withdraw"] button`),
					(u) => u.search.includes('withdrawn=1'));
				await check(page, lang);
				await submit(page, page.locator(`main form[action="${path}/me-too"] button`),
					(u) => u.search.includes('supported=1'));
				await check(page, lang);
				assert.equal(await page.locator('main .notice[role=status]').count(), 1);
				// the participation page: verified, then erase
				await open(page, withLang(`${srv.url}/participation`, lang));
				await check(page, lang);
				await submit(page, page.locator('main form[action="/participation/erase"] button'),
					(u) => u.search.includes('erased=1'));
				await check(page, lang);
				assert.equal(await page.locator('#p-contact').count(), 1, 'signed out: the form again');
				// the list shows it, by quarter and theme
				await open(page, withLang(`${srv.url}/needs?quarter=tighilt`, lang));
				// the quarters on the map where scripts run (one marker each, with its count);
				// the table of the same rows in any case
				if (js) {
					const map = page.locator('#map');
					await map.and(page.locator('[data-features], [data-error]')).waitFor();
					assert.equal(await map.getAttribute('data-error'), null, 'the GeoJSON loaded');
					const fc = await (await fetch(`${srv.url}/needs.geojson`)).json();
					assert.ok(fc.features.length >= 1);
					assert.equal(await map.getAttribute('data-features'), String(fc.features.length));
					const marker = map.locator('.leaflet-marker-pane .map-area', { hasText: String(fc.features[0].properties.count) });
					assert.ok(await marker.count() >= 1, 'the quarter\'s count on its marker');
				} else {
					assert.equal(await page.locator('#map').isVisible(), false);
				}
				assert.ok(await page.locator('#n-map-table tbody a[href="/needs?quarter=tighilt"]').count() === 1);
				await check(page, lang);
				assert.ok(await page.locator('main article.card').count() >= 1);
				await page.close();
			});
		}
	}

	test('staff pages: the moderators\' hide list (citizen), the commune\'s answers and lists (official)', async () => {
		for (const lang of LANGS) {
			const mod = await trackedPage(browser, { locale: LOCALE[lang] });
			mod.js = true;
			await logIn(mod, srv, 'moderatrice', lang);
			await open(mod, withLang(`${srv.url}/staff/needs`, lang));
			await checkPage(mod, lang);
			assert.ok(await mod.locator('main form input[name=reason]').count() >= 1);
			await mod.close();
			const agent = await trackedPage(browser, { locale: LOCALE[lang] });
			agent.js = true;
			await logIn(agent, official, 'guichet', lang);
			await open(agent, withLang(`${official.url}/staff/needs`, lang));
			await checkPage(agent, lang);
			await open(agent, withLang(`${official.url}/needs`, lang));
			await checkPage(agent, lang);
			await open(agent, withLang(`${official.url}/accountability`, lang));
			await checkPage(agent, lang);
			await agent.close();
		}
	});
});
