// SPDX-License-Identifier: AGPL-3.0-or-later
// Online forms in Debian's Chromium on official-srv with the demo commune's forms, on a phone
// viewport: a resident fills the social aid form with a PDF attached (the conditional field
// hidden by the script until its condition holds), gets the reference and the tracking link
// and opens the tracking page; the same without JavaScript (the condition stated in words);
// axe-core finds zero violations on every new page, resident and staff, in Arabic and French.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/forms.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startCluster, tempDir } from '../lib/harness.mjs';
import {
	LANGS, LOCALE, checkPage, withChromium, logIn, open, trackedPage, withLang,
} from '../lib/browser.mjs';
import { addUser, loadDemo, startSite } from '../lib/http.mjs';

const PHONE = { width: 390, height: 844 };
const FORM = '/services/social-aid/form';

let srv, browser, pdfPath;
const refs = [], links = [];

async function fill(page, { other }) {
	await page.locator('#f-applicant_name').fill('Résidente Test');
	await page.locator('#f-quarter').selectOption('tighilt');
	await page.locator('#f-address').fill('12 rue des Oliviers');
	await page.locator('#f-household').fill('4');
	await page.locator('#f-aid_kind').selectOption(other ? 'other' : 'school');
	if (other) await page.locator('#f-aid_details').fill('Aide pour des lunettes');
	await page.locator('#f-income_proof').setInputFiles(pdfPath);
}

/** Submits, checks the confirmation page and opens the tracking link; returns the reference. */
async function submitAndTrack(page, lang, { axe = true } = {}) {
	await Promise.all([
		page.waitForURL((u) => u.pathname === FORM),
		page.locator('form.form-file button[type=submit]').click(),
	]);
	const ref = (await page.locator('#file-ref').textContent()).trim();
	assert.match(ref, /^D-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
	if (axe) await checkPage(page, lang);
	const link = await page.locator('#tracking-link').getAttribute('href');
	assert.match(link, /\/forms\/track\/[A-Za-z0-9_-]{43}$/);
	await open(page, withLang(link, lang));
	assert.ok((await page.locator('main').textContent()).includes(ref));
	assert.equal(await page.locator('#file-status').count(), 1);
	if (axe) await checkPage(page, lang);
	refs.push(ref);
	links.push(link);
	return ref;
}

describe('forms in Chromium', () => {
	before(async () => {
		const dir = tempDir('baladiya-e2e-forms-');
		pdfPath = path.join(dir, 'revenus.pdf');
		writeFileSync(pdfPath, '%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <<>>\n%%EOF\n');
		const cluster = await startCluster();
		[srv, browser] = await withChromium(startSite('official', { cluster, themeDir: 'demo/official' }));
		await loadDemo(srv);
		await addUser(srv, 'admin', 'formsadmin');
		await addUser(srv, 'agent', 'formsagent');
	});

	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

	test('with JavaScript (fr): the conditional field hides, the file is sent and tracked', async () => {
		const page = await trackedPage(browser, { locale: LOCALE.fr, viewport: PHONE });
		await open(page, withLang(FORM, 'fr').replace(/^/, srv.url));
		await checkPage(page, 'fr');
		const details = page.locator('[data-show-field="f-aid_kind"]');
		assert.equal(await details.isHidden(), true, 'hidden until "other" is chosen');
		await page.locator('#f-aid_kind').selectOption('other');
		assert.equal(await details.isVisible(), true);
		await fill(page, { other: true });
		await submitAndTrack(page, 'fr');
		await page.close();
	});

	test('without JavaScript (ar): the condition is stated, the file is sent and tracked', async () => {
		const page = await trackedPage(browser, { locale: LOCALE.ar, viewport: PHONE,
			javaScriptEnabled: false });
		await open(page, `${srv.url}${withLang(FORM, 'ar')}`); // axe needs JavaScript: see below
		assert.equal(await page.locator('.form-condition').first().isVisible(), true);
		await fill(page, { other: false });
		await submitAndTrack(page, 'ar', { axe: false });
		await page.close();
	});

	test('a refused answer: the form again with what was typed and the errors (ar, fr, with and without the script)', async () => {
		for (const lang of LANGS) {
			for (const script of [true, false]) {
				const page = await trackedPage(browser, { locale: LOCALE[lang], viewport: PHONE });
				// the page as without JavaScript, where axe can still run: the form's script is empty
				if (!script) await page.route('**/static/forms.js', (r) => r.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
				await open(page, `${srv.url}${withLang(FORM, lang)}`);
				await fill(page, { other: true });
				await page.locator('#f-household').fill('99');
				const [res] = await Promise.all([
					page.waitForResponse((r) => new URL(r.url()).pathname === FORM && r.request().method() === 'POST'),
					page.locator('form.form-file button[type=submit]').click(),
				]);
				assert.equal(res.status(), 400);
				await page.waitForLoadState();
				assert.equal(await page.locator('#form-errors').isVisible(), true);
				assert.equal(await page.locator('#form-errors a[href="#f-household"]').count(), 1);
				assert.equal(await page.locator('#f-household').inputValue(), '99');
				assert.equal(await page.locator('#f-household').getAttribute('aria-invalid'), 'true');
				assert.equal(await page.locator('#f-applicant_name').inputValue(), 'Résidente Test');
				assert.equal(await page.locator('#f-aid_details').inputValue(), 'Aide pour des lunettes');
				assert.equal(await page.locator('#f-aid_details').isVisible(), true, 'its condition holds');
				assert.equal(await page.locator('.form-condition').first().isVisible(), !script);
				await checkPage(page, lang, { ignore: /\b400\b.*\/services\/social-aid\/form\)?$/ });
				// the summary's link leads to the field
				await page.locator('#form-errors a[href="#f-household"]').click();
				assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-household');
				await page.close();
			}
		}
	});

	test('every new page passes axe-core in Arabic and French (resident and staff)', async () => {
		for (const lang of LANGS) {
			const page = await trackedPage(browser, { locale: LOCALE[lang], viewport: PHONE });
			for (const key of ['urbanism-certificate', 'building-permit', 'public-space-use',
				'school-canteen-transport', 'social-aid']) {
				await open(page, `${srv.url}${withLang(`/services/${key}/form`, lang)}`);
				await checkPage(page, lang);
			}
			await open(page, withLang(links[1], lang)); // the tracking page
			await checkPage(page, lang);
			await logIn(page, srv, 'formsagent', lang);
			for (const p of ['/staff/files', `/staff/files/${refs[0]}`]) {
				await open(page, `${srv.url}${withLang(p, lang)}`);
				await checkPage(page, lang);
			}
			await page.close();
			const admin = await trackedPage(browser, { locale: LOCALE[lang], viewport: PHONE });
			await logIn(admin, srv, 'formsadmin', lang);
			for (const p of ['/staff/forms', '/staff/forms/social-aid']) {
				await open(admin, `${srv.url}${withLang(p, lang)}`);
				await checkPage(admin, lang);
			}
			await admin.close();
		}
	});
});
