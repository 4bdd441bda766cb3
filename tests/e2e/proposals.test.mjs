// SPDX-License-Identifier: AGPL-3.0-or-later
// Proposals in Debian's Chromium, on a real pair with the demo commune's themes: on a phone,
// without JavaScript, a verified resident submits a proposal in French and another in Arabic,
// supports one, argues for it; a resident not yet verified is led to the verification page
// that comes back to the proposal; the commune's agent records a stage. Every new page (list,
// map, form, proposal with its buttons and arguments, the collective's moderation queue, the
// commune's queue and stage form, the accountability section) passes axe-core with zero
// violations in Arabic and French, with <html lang> and dir right.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/proposals.test.mjs
//
// Verified participants are written straight into the database (tests/lib/proposals.mjs):
// the verification pages have their own browser tests.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGS, LOCALE, checkPage, withChromium, logIn, open, trackedPage, withLang } from '../lib/browser.mjs';
import { startLinkedPair } from '../lib/federation.mjs';
import { addUser, sql, waitFor } from '../lib/http.mjs';
import { directParticipants } from '../lib/proposals.mjs';

const PHONE = { width: 390, height: 844 };
const TILES = '/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}';

let pair;
let browser;
let tokens;
let ref; // submitted in French, supported up to the threshold
const env = { BALADIYA_MAP_TILES: TILES, BALADIYA_PROPOSAL_THRESHOLD: '2' };

/** A phone page of a verified participant (their cookie in the browser), without JavaScript. */
async function residentPage(lang, token, { js = false } = {}) {
	const page = await trackedPage(browser, { locale: LOCALE[lang], viewport: PHONE,
		isMobile: true, hasTouch: true, javaScriptEnabled: js });
	if (token) {
		// the daemons' cookies are Secure and __Host- prefixed (BALADIYA_SECURE_COOKIES)
		await page.context().addCookies([{ name: '__Host-participant', value: token,
			domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' }]);
	}
	return page;
}

/** Fills and sends the proposal form (no JavaScript): the reference on the success page. */
async function submitProposal(page, lang, { title, body, type, quarter, name }) {
	await open(page, withLang(`${pair.citizen.url}/proposals/new`, lang));
	await page.locator('#proposal-type').selectOption(type);
	await page.locator('#proposal-title').fill(title);
	await page.locator('#proposal-body').fill(body);
	await page.locator('#proposal-quarter').selectOption(quarter);
	await page.locator('#proposal-name').fill(name);
	await Promise.all([page.waitForURL((u) => u.pathname === '/proposals'),
		page.locator('form.proposal-form button[type=submit]').click()]);
	const got = await page.locator('main bdi').first().textContent();
	assert.match(got, /^P-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
	return got;
}

describe('proposals in Chromium', () => {
	before(async () => {
		[pair, browser] = await withChromium(startLinkedPair({
			citizen: { env }, official: { env: { BALADIYA_MAP_TILES: TILES } },
		}));
		tokens = await directParticipants(pair.citizen, 4, 'e2e');
		await addUser(pair.citizen, 'moderator', 'moderatrice-e2e');
		await addUser(pair.official, 'editor', 'agente-e2e');
	});

	after(async () => {
		await browser?.close();
		await pair?.stop();
	});

	test('on a phone without JavaScript: submit, support, argue (fr), submit (ar)', async () => {
		const page = await residentPage('fr', tokens[0]);
		ref = await submitProposal(page, 'fr', { title: 'Des bancs au jardin public',
			body: 'Il n\'y a aucun banc pour les personnes âgées.', type: 'amenagement',
			quarter: 'centre', name: 'Yasmine du Centre' });
		await open(page, withLang(`${pair.citizen.url}/proposals/${ref}`, 'fr'));
		assert.equal(await page.locator('#proposal-supporters').textContent(), '0');
		await Promise.all([page.waitForURL((u) => u.searchParams.get('done') === 'supported'),
			page.locator('#support form button[type=submit]').first().click()]);
		assert.equal(await page.locator('#proposal-supporters').textContent(), '1');
		assert.match(await page.locator('#support button').first().textContent(), /Retirer mon soutien/);
		await page.locator('#argue-body').fill('Les anciens du quartier attendent depuis longtemps.');
		await page.locator('#argue-name').fill('Yasmine');
		await Promise.all([page.waitForURL((u) => u.searchParams.get('done') === 'argued'),
			page.locator('#arguments form button[type=submit]').last().click()]);
		assert.match(await page.locator('#arguments').textContent(), /Les anciens du quartier/);
		assert.deepEqual(page.problems, []);
		await page.close();
		const ar = await residentPage('ar', tokens[1]);
		const arRef = await submitProposal(ar, 'ar', { title: 'ملعب جواري في تيغيلت',
			body: 'لا يوجد مكان يلعب فيه الأطفال.', type: 'culture_sport', quarter: 'tighilt',
			name: 'سليم' });
		await open(ar, withLang(`${pair.citizen.url}/proposals/${arRef}`, 'ar'));
		assert.equal(await ar.locator('main h1').textContent(), 'ملعب جواري في تيغيلت');
		// the second support crosses the threshold of this file (2): forwarded with its countdown
		await open(ar, withLang(`${pair.citizen.url}/proposals/${ref}`, 'ar'));
		await Promise.all([ar.waitForURL((u) => u.searchParams.get('done') === 'supported'),
			ar.locator('#support form button[type=submit]').first().click()]);
		assert.match(await ar.locator('#proposal-countdown').textContent(), /60/);
		assert.deepEqual(ar.problems, []);
		await ar.close();
	});

	test('a resident not yet verified is led to verification and back', async () => {
		const page = await residentPage('fr', null);
		await open(page, withLang(`${pair.citizen.url}/proposals/${ref}`, 'fr'));
		const href = await page.locator('#support a.button').getAttribute('href');
		assert.equal(href, `/participation?back=%2Fproposals%2F${ref}`);
		await open(page, withLang(`${pair.citizen.url}/proposals/new`, 'fr'));
		assert.equal(await page.locator('form.proposal-form').count(), 0);
		assert.match(await page.locator('main .notice a').getAttribute('href'), /^\/participation\?back=/);
		await page.close();
	});

	for (const lang of LANGS) {
		test(`axe-core (${lang}): every proposals page on both platforms`, async () => {
			await waitFor(async () => (await sql(pair.official,
				`SELECT stage FROM proposals WHERE ref = '${ref}'`)) === 'supported',
			{ what: 'the forwarded proposal on the official side' });
			const page = await residentPage(lang, tokens[2], { js: true });
			for (const p of ['/proposals', '/proposals?stage=supported', '/proposals/map',
				'/proposals/new', `/proposals/${ref}`, '/accountability']) {
				await open(page, withLang(`${pair.citizen.url}${p}`, lang));
				if (p === '/proposals/map') await page.locator('#map .leaflet-tile-loaded').first().waitFor();
				await checkPage(page, lang);
			}
			// the form with an error shown (axe needs JavaScript in the page)
			const nojs = await residentPage(lang, tokens[3], { js: true });
			await open(nojs, withLang(`${pair.citizen.url}/proposals/new`, lang));
			await nojs.locator('#proposal-type').selectOption('social');
			await nojs.locator('#proposal-title').fill('Titre');
			await nojs.locator('#proposal-body').fill('Texte');
			await nojs.locator('#proposal-quarter').selectOption('elamel');
			await nojs.locator('#proposal-name').fill('<b>x</b>');
			await Promise.all([nojs.waitForURL((u) => u.pathname === '/proposals'),
				nojs.locator('form.proposal-form button[type=submit]').click()]);
			assert.equal(await nojs.locator('#proposal-error code').textContent(), 'invalid_display_name');
			await checkPage(nojs, lang, { ignore: /HTTP 400 for \/proposals$|status of 400 .*\/proposals\)$/ });
			await nojs.close();
			// an anonymous reader and the official mirror
			const anon = await residentPage(lang, null, { js: true });
			await open(anon, withLang(`${pair.citizen.url}/proposals/${ref}`, lang));
			await checkPage(anon, lang);
			for (const p of ['/proposals', `/proposals/${ref}`, '/accountability']) {
				await open(anon, withLang(`${pair.official.url}${p}`, lang));
				await checkPage(anon, lang);
			}
			await anon.close();
			// the collective's moderation queue
			await logIn(page, pair.citizen, 'moderatrice-e2e', lang);
			await open(page, withLang(`${pair.citizen.url}/staff/proposals`, lang));
			await checkPage(page, lang);
			await page.close();
			// the commune's queue and stage form; the agent records "examined" (fr only)
			const staff = await residentPage(lang, null, { js: true });
			await logIn(staff, pair.official, 'agente-e2e', lang);
			await open(staff, withLang(`${pair.official.url}/staff/proposals`, lang));
			await checkPage(staff, lang);
			await open(staff, withLang(`${pair.official.url}/staff/proposals/${ref}`, lang));
			await checkPage(staff, lang);
			if (lang === 'fr') {
				await staff.locator('#stage-next').selectOption('examined');
				await Promise.all([staff.waitForURL((u) => u.pathname === `/staff/proposals/${ref}` && !u.search),
					staff.locator('main form button[type=submit]').last().click()]);
				assert.match(await staff.locator('#proposal-stage').textContent(), /Examinée en commission/);
			}
			await staff.close();
		});
	}
});
