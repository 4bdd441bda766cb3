// SPDX-License-Identifier: AGPL-3.0-or-later
// The unsubscribe page of follow messages (module notify) in Debian's Chromium on a phone
// viewport, as a resident reaches it from a message: no account, no cookie before. With
// JavaScript (ar) and without (fr): the confirmation page (axe-core: zero violations), one
// button, then the done page (zero violations); the follow is gone. The follows are made in the
// database as the module makes them (only the token's SHA-256 is stored).
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/notify.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { LOCALE, checkPage, withChromium, open, trackedPage } from '../lib/browser.mjs';
import { sql, startSite } from '../lib/http.mjs';

const PHONE = { width: 390, height: 844 };
let srv, browser;

/** A follow of a form file by a new address, and its unsubscribe token. */
async function follow(lang) {
	const token = crypto.randomBytes(32).toString('base64url');
	const hash = crypto.createHash('sha256').update(token).digest('hex');
	const to = `e2e.${crypto.randomUUID().slice(0, 8)}@example.org`;
	await sql(srv, `WITH f AS (INSERT INTO notify_follows (item_kind, item_id, channel, recipient, lang)
		VALUES ('form_file', 'D-E2E0-${crypto.randomInt(1000, 9999)}', 'email', '${to}', '${lang}') RETURNING id)
		INSERT INTO notify_unsubscribe (token_hash, follow_id) SELECT '${hash}', id FROM f`);
	return { token, to };
}

const follows = async (to) => Number(await sql(srv, `SELECT count(*) FROM notify_follows WHERE recipient = '${to}'`));

describe('unsubscribe in Chromium', () => {
	before(async () => {
		[srv, browser] = await withChromium(startSite('official'));
	});

	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

	test('with JavaScript (ar): confirmation, one button, done', async () => {
		const { token, to } = await follow('ar');
		const page = await trackedPage(browser, { locale: LOCALE.ar, viewport: PHONE });
		await open(page, `${srv.url}/unsubscribe/${token}?lang=ar`);
		await checkPage(page, 'ar');
		assert.equal(await follows(to), 1, 'opening the link changes nothing');
		await Promise.all([page.waitForLoadState('load'),
			page.getByRole('button', { name: 'ألغِ اشتراكي' }).click()]);
		await page.locator('[role="status"]').waitFor();
		await checkPage(page, 'ar');
		assert.equal(await follows(to), 0);
		await page.close();
	});

	test('without JavaScript (fr): the form posts, done', async () => {
		const { token, to } = await follow('fr');
		const page = await trackedPage(browser, { locale: LOCALE.fr, viewport: PHONE,
			javaScriptEnabled: false });
		await open(page, `${srv.url}/unsubscribe/${token}?lang=fr`);
		assert.equal(await page.locator('h1').textContent(), 'Se désabonner');
		await Promise.all([page.waitForNavigation(),
			page.getByRole('button', { name: 'Me désabonner' }).click()]);
		assert.match(await page.locator('[role="status"]').textContent(), /C'est fait/);
		assert.equal(await follows(to), 0);
		assert.deepEqual(page.problems, []);
		await page.close();
		// axe needs JavaScript: the same done page in French, checked with it
		const { token: t2 } = await follow('fr');
		const checked = await trackedPage(browser, { locale: LOCALE.fr, viewport: PHONE });
		await open(checked, `${srv.url}/unsubscribe/${t2}?lang=fr`);
		await checkPage(checked, 'fr');
		await Promise.all([checked.waitForLoadState('load'),
			checked.getByRole('button', { name: 'Me désabonner' }).click()]);
		await checked.locator('[role="status"]').waitFor();
		await checkPage(checked, 'fr');
		await checked.close();
	});
});
