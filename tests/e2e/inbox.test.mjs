// SPDX-License-Identifier: AGPL-3.0-or-later
// The agents' inbox in Debian's Chromium, on a paired pair of daemons: residents' reports filed
// on citizen-srv reach the official inbox; an agent signs in, opens the inbox, filters it, opens
// a report and changes its status with the form (no JavaScript needed); the citizen report page
// then shows the commune's new status. The inbox, a report's inbox page and the accountability
// page (both sides) pass axe-core with zero violations in Arabic and French.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/inbox.test.mjs
//
// Screenshots land in tests/.artifacts/ for a person to look at.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
	LANGS, LOCALE, checkPage, withChromium, logIn, open, screenshot, trackedPage, withLang,
} from '../lib/browser.mjs';
import { startLinkedPair } from '../lib/federation.mjs';
import { Client, PASSWORD, addUser, waitFor } from '../lib/http.mjs';
import { postReport } from '../lib/reports.mjs';

const CENTRE = { lat: 36.7169, lon: 4.0497 };

let pair;
let browser;
const reports = []; // refs, oldest first

/** checkPage(), but map tiles point at the Internet, which the test machine does not reach. */
function checkInboxPage(page, lang) {
	return checkPage(page, lang, { ignore: /tile|openstreetmap/i });
}

/** Files a report on citizen-srv as its form does; resolves to its reference. */
async function fileReport(fields) {
	const resident = new Client(pair.citizen.url);
	await resident.get('/reports/new');
	const r = await postReport(resident, { quarter: 'centre', confirm: '1', ...fields }, [],
		{ json: true });
	assert.equal(r.status, 201, r.body.slice(0, 300));
	return r.json.report.ref;
}

describe('the agents\' inbox in Chromium', () => {
	before(async () => {
		[pair, browser] = await withChromium(startLinkedPair());
		await addUser(pair.official, 'agent', 'agente');
		reports.push(await fileReport({
			category: 'VOI', title: 'Nid-de-poule devant l\'école El Amel',
			description: 'Un trou profond à l\'entrée de l\'école.', place: 'Rue de l\'école',
			lat: String(CENTRE.lat), lon: String(CENTRE.lon), quarter: 'elamel',
		}));
		reports.push(await fileReport({
			category: 'EAU', title: 'تسرب مياه في تيغيلت', description: 'الماء يسيل منذ يومين.',
			place: 'تيغيلت', quarter: 'tighilt',
		}));
		const agent = new Client(pair.official.url);
		assert.equal((await agent.login('agente', PASSWORD)).status, 303);
		await waitFor(async () => {
			const r = await agent.get('/staff/inbox', { json: true });
			return r.status === 200 && reports.every((ref) => r.json.items.some((i) => i.ref === ref));
		}, { timeoutMs: 15_000, what: 'the reports in the official inbox' });
	});

	after(async () => {
		await browser?.close();
		await pair?.stop();
	});

	test('an agent opens the inbox, a report, and changes its status', async () => {
		const page = await trackedPage(browser, { locale: LOCALE.fr, viewport: { width: 1280, height: 900 } });
		try {
			await logIn(page, pair.official, 'agente', 'fr');
			await open(page, withLang(`${pair.official.url}/staff`, 'fr'));
			await Promise.all([page.waitForURL(/\/staff\/inbox/), page.locator('a[href="/staff/inbox"]').first().click()]);
			const rows = page.locator('table.inbox tbody tr');
			assert.equal(await rows.count(), 2);
			// oldest first
			assert.equal(await rows.nth(0).locator('a').first().innerText(), reports[0]);
			// a filter through the form (a GET, no JavaScript needed)
			await page.locator('#f-category').selectOption('EAU');
			await Promise.all([page.waitForURL(/category=EAU/), page.locator('form.filters button[type=submit]').click()]);
			assert.equal(await page.locator('table.inbox tbody tr').count(), 1);
			await screenshot(page, 'inbox-list-fr');
			await open(page, withLang(`${pair.official.url}/staff/inbox`, 'fr'));
			await Promise.all([page.waitForURL(new RegExp(`/staff/inbox/${reports[0]}`)),
				page.locator(`a[href="/staff/inbox/${reports[0]}"]`).click()]);
			await page.locator('#st-status').selectOption('in_progress');
			await page.locator('#st-message').fill('L\'équipe de voirie intervient jeudi.');
			await Promise.all([page.waitForURL(/saved=1/), page.locator('form.inbox-status-form button[type=submit]').click()]);
			assert.equal(await page.locator('p.notice[role=status]').count(), 1, 'the saved notice');
			assert.equal(await page.locator('#st-status').inputValue(), 'in_progress');
			assert.ok((await page.locator('ol.timeline').innerText()).includes('L\'équipe de voirie intervient jeudi.'));
			await screenshot(page, 'inbox-report-fr');
			assert.deepEqual(page.problems.filter((p) => !/tile|openstreetmap/i.test(p)), []);
		} finally {
			await page.close();
		}
		// the resident sees the commune's answer on the citizen platform
		await waitFor(async () => {
			const html = await (await fetch(`${pair.citizen.url}/reports/${reports[0]}?lang=fr`)).text();
			return html.includes('L&#39;équipe de voirie intervient jeudi.') ||
				html.includes('L&#x27;équipe de voirie intervient jeudi.');
		}, { timeoutMs: 10_000, what: 'the answer on the citizen report page' });
	});

	for (const lang of LANGS) {
		test(`axe-core: inbox, report page and accountability in ${lang}`, async () => {
			const page = await trackedPage(browser, { locale: LOCALE[lang] });
			try {
				await logIn(page, pair.official, 'agente', lang);
				for (const path of ['/staff/inbox', '/staff/inbox?overdue=1', `/staff/inbox/${reports[0]}`,
					`/staff/inbox/${reports[1]}`, '/accountability']) {
					await open(page, withLang(`${pair.official.url}${path}`, lang));
					await checkInboxPage(page, lang);
					await screenshot(page, `inbox-${lang}-${path.replace(/\W+/g, '_')}`);
				}
			} finally {
				await page.close();
			}
			const citizen = await trackedPage(browser, { locale: LOCALE[lang] });
			try {
				await open(citizen, withLang(`${pair.citizen.url}/accountability`, lang));
				await checkInboxPage(citizen, lang);
			} finally {
				await citizen.close();
			}
		});
	}
});
