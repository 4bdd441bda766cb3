// SPDX-License-Identifier: AGPL-3.0-or-later
// The public dialogue in Debian's Chromium on a 390×844 phone, in Arabic and French, with
// JavaScript and without, on a linked pair of daemons: a resident opens the dialogue space,
// asks a question through the form (a refused one first: the error is announced and what was
// typed is kept), reads their question's page; an agent of the commune finds it in the queue by
// age and answers in both languages, citing an earlier answer; the answer shows on the citizen
// question page and on the official "answers to citizens" page; the moderators' list and both
// accountability pages. With scripts, every new page passes axe-core with zero violations;
// without, the same pages are walked and their content checked.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/dialogue.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lib/harness.mjs';
import { DIR, LOCALE, checkPage, launchChromium, logIn, open, trackedPage, withLang } from
	'../lib/browser.mjs';
import { startLinkedPair, waitForMirror } from '../lib/federation.mjs';
import { addUser, signedIn } from '../lib/http.mjs';

const PHONE = { width: 390, height: 844 };
let pair, browser, agentClient;
let firstRef; // the first question answered: later answers cite it

const catalog = {};
function t(lang, key) {
	catalog[lang] ??= JSON.parse(readFileSync(path.join(ROOT, 'modules', 'dialogue', 'locales',
		`${lang}.dialogue.json`), 'utf8'));
	const text = catalog[lang][key];
	assert.ok(text, `${lang}.dialogue.json has ${key}`);
	return text;
}

async function phone(lang, js) {
	const page = await trackedPage(browser, { locale: LOCALE[lang], viewport: PHONE,
		isMobile: true, hasTouch: true, javaScriptEnabled: js });
	page.js = js;
	page.lang = lang;
	return page;
}

/** lang, dir, no problems; with scripts, zero axe-core violations. ignore: problems allowed. */
async function check(page, ignore) {
	if (page.js) return checkPage(page, page.lang, { ignore });
	assert.equal(await page.locator('html').getAttribute('lang'), page.lang);
	assert.equal(await page.locator('html').getAttribute('dir'), DIR[page.lang]);
	const problems = ignore ? page.problems.filter((p) => !ignore.test(p)) : page.problems;
	assert.deepEqual(problems, [], `problems on ${page.url()}`);
}

async function submit(page, button, url) {
	await Promise.all([page.waitForURL(url), button.click()]);
}

before(async () => {
	pair = await startLinkedPair();
	await addUser(pair.official, 'agent', 'agente');
	agentClient = await signedIn(pair.official, 'agent', 'agent-http');
	await addUser(pair.citizen, 'moderator', 'moderatrice');
	browser = await launchChromium();
});

after(async () => {
	await browser?.close();
	await pair?.stop();
});

describe('dialogue pages', () => {
	for (const lang of ['ar', 'fr']) {
		for (const js of [true, false]) {
			test(`${lang}, ${js ? 'with' : 'without'} JavaScript: ask, answer, read on both platforms`, async () => {
				const page = await phone(lang, js);
				const title = `${lang === 'ar' ? 'سؤال' : 'Question'} ${js ? 'js' : 'nojs'} ${Date.now()}`;
				// the dialogue space, then the form
				await open(page, withLang(`${pair.citizen.url}/dialogue`, lang));
				assert.equal(await page.locator('h1').textContent(), t(lang, 'dialogue_title_citizen'));
				await check(page);
				await submit(page, page.getByRole('link', { name: t(lang, 'dialogue_ask_link') }), /\/dialogue\/ask/);
				await check(page);
				// a refused question: the error is announced, what was typed is kept
				await page.locator('#ask-title').fill(title);
				await page.locator('#ask-text').fill(lang === 'ar' ? 'هل يفتح المكتب يوم السبت؟' : 'Le bureau ouvre-t-il le samedi ?');
				await page.locator('#ask-quarter').selectOption('tighilt');
				await page.locator('#ask-theme').selectOption('administration');
				await page.locator('#ask-name').fill('<b>x</b>');
				await submit(page, page.locator('form.ask-form button[type=submit]'), /\/dialogue\/ask/);
				assert.equal(await page.locator('[role=alert] code').textContent(), 'invalid_display_name');
				assert.equal(await page.locator('#ask-title').inputValue(), title);
				assert.equal(await page.locator('#ask-name').getAttribute('aria-invalid'), 'true');
				await check(page, /400.*\/dialogue\/ask/);
				page.problems.length = 0;
				await page.locator('#ask-name').fill(lang === 'ar' ? 'قارئة' : 'Lectrice');
				await submit(page, page.locator('form.ask-form button[type=submit]'), /\/dialogue\/Q-/);
				const ref = page.url().match(/Q-[0-9A-Z]{4}-[0-9A-Z]{4}/)[0];
				assert.equal(await page.locator('[role=status]').textContent(), t(lang, 'dialogue_thanks'));
				assert.equal(await page.locator('h1').textContent(), title);
				await check(page);

				// the agent: the queue, the question, the answer form (the staff pages are walked
				// once per language, with scripts; without, an HTTP client answers)
				await waitForMirror(pair.citizen, pair.official);
				if (!js) {
					const r = await agentClient.post(`/staff/dialogue/${ref}/answer`, {
						text_ar: 'يفتح المكتب صباح السبت.', text_fr: 'Le bureau ouvre le samedi matin.' });
					assert.equal(r.status, 303);
				}
				const agent = js ? await phone(lang, js) : null;
				if (js) {
				await logIn(agent, pair.official, 'agente', lang);
				await open(agent, withLang(`${pair.official.url}/staff/dialogue`, lang));
				await check(agent);
				await submit(agent, agent.getByRole('link', { name: title }), new RegExp(`/staff/dialogue/${ref}`));
				await check(agent);
				await agent.locator('#answer-ar').fill('يفتح المكتب صباح السبت.');
				await agent.locator('#answer-fr').fill('Le bureau ouvre le samedi matin.');
				if (firstRef) {
					await agent.locator('#cite-kind-1').selectOption('answer');
					await agent.locator('#cite-ref-1').fill(firstRef);
				}
				await submit(agent, agent.locator(`form[action="/staff/dialogue/${ref}/answer"] button`), new RegExp(`/staff/dialogue/${ref}`));
				assert.equal(await agent.locator('#answer-fr').count(), 0, 'answered: no more form');
				await check(agent);
				firstRef ??= ref;
				}

				// the answer on both platforms
				await waitForMirror(pair.official, pair.citizen);
				for (const srv of [pair.citizen, pair.official]) {
					await open(page, withLang(`${srv.url}/dialogue/${ref}`, lang));
					const answer = page.locator('section[aria-labelledby=s-answer]');
					assert.match(await answer.textContent(), lang === 'ar' ? /يفتح المكتب صباح السبت/ : /Le bureau ouvre le samedi matin/);
					if (js && firstRef !== ref) assert.equal(await answer.locator('ul.cites a').getAttribute('href'), `/dialogue/${firstRef}`);
					// one template on both platforms: axe-core reads it once per language
					if (srv === pair.citizen) await check(page);
				}
				await open(page, withLang(`${pair.official.url}/dialogue`, lang));
				assert.equal(await page.locator('h1').textContent(), t(lang, 'dialogue_title_official'));
				assert.equal(await page.getByRole('link', { name: title }).count(), 1);
				await check(page);
				if (!js) return page.context().close();
				for (const srv of [pair.citizen, pair.official]) {
					await open(page, withLang(`${srv.url}/accountability`, lang));
					assert.equal(await page.getByRole('heading', { name: t(lang, 'dialogue_stats_title') }).count(), 1);
					if (srv === pair.citizen) await check(page);
				}
				const mod = await phone(lang, js);
				await logIn(mod, pair.citizen, 'moderatrice', lang);
				await open(mod, withLang(`${pair.citizen.url}/staff/dialogue`, lang));
				assert.equal(await mod.locator(`#reason-${ref}`).count(), 1);
				await check(mod);
				for (const p of [page, agent, mod]) await p.context().close();
			});
		}
	}
});
