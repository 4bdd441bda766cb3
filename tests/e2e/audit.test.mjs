// SPDX-License-Identifier: AGPL-3.0-or-later
// The public /audit page with content (issue 14): a paired pair with events both ways, signed
// and cosigned checkpoints and an audit run (`jobs run`), in Arabic and French on both
// platforms: zero axe violations, the text direction, and what it shows (the heads of both
// logs, the checkpoints, the result, the command line). The skeleton's e2e test checks the page
// of a lone daemon (no peer, no audit yet).
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/audit.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIR, LANGS, LOCALE, checkPage, withChromium, open, trackedPage, withLang } from '../lib/browser.mjs';
import { emitNews, readLog, staffClient, startLinkedPair, waitForMirror } from '../lib/federation.mjs';
import { cliFor, waitFor } from '../lib/http.mjs';

let pair;
let browser;

describe('the /audit page', () => {
	before(async () => {
		const env = { BALADIYA_COSIGN_SECONDS: '1' };
		[pair, browser] = await withChromium(startLinkedPair({ official: { env }, citizen: { env } }));
		await emitNews(await staffClient(pair.official), 2, 'Audit e2e');
		await waitForMirror(pair.official, pair.citizen);
		await waitForMirror(pair.citizen, pair.official);
		for (const srv of [pair.official, pair.citizen]) {
			const r = await cliFor(srv, ['tlog', 'checkpoint'], { env: { BALADIYA_PUBLIC_URL: srv.url } });
			assert.equal(r.code, 0, r.stderr);
		}
		await waitFor(async () => {
			for (const srv of [pair.official, pair.citizen]) {
				const r = await fetch(`${srv.url}/federation/v1/checkpoint?origin=${srv.side}`);
				if (r.status !== 200 || (await r.text()).split('\n— ').length < 3) return false;
			}
			return true;
		}, { what: 'both checkpoints cosigned' });
		await waitForMirror(pair.official, pair.citizen);
		await waitForMirror(pair.citizen, pair.official);
		for (const srv of [pair.official, pair.citizen]) {
			const r = await cliFor(srv, ['jobs', 'run'], { env: { BALADIYA_PUBLIC_URL: srv.url } });
			assert.equal(r.code, 0, r.stderr);
		}
	});

	after(async () => {
		await browser?.close();
		await pair?.stop();
	});

	for (const side of ['official', 'citizen']) {
		for (const lang of LANGS) {
			test(`${side} in ${lang}: no axe violations, dir=${DIR[lang]}, the audit shown`, async () => {
				const srv = pair[side];
				const page = await trackedPage(browser, { locale: LOCALE[lang] });
				try {
					await open(page, withLang(`${srv.url}/audit`, lang));
					await checkPage(page, lang);
					const text = await page.locator('main').innerText();
					const own = await readLog(srv);
					assert.ok(text.includes(own.at(-1).hash), 'the head of its own log');
					assert.ok(text.includes(`baladiya-audit verify-online ${srv.url}`), 'the command');
					assert.equal(await page.locator('main h3').count(), 1, 'the checkpoints');
					assert.equal(await page.locator('main .error').count(), 0, 'no problem found');
				} finally {
					await page.close();
				}
			});
		}
	}
});
