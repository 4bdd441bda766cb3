// SPDX-License-Identifier: AGPL-3.0-or-later
// The publish → mirror → react loop in Debian's Chromium, on a paired pair of daemons with the
// demo commune: a staff member signs in on official-srv, creates a project through the form and
// publishes it; a resident opens the citizen site, finds it under the projects, reacts with the
// form (without JavaScript); the staff member sees the reaction on the official project page; a
// moderator hides a comment. The publication pages (project list and page, budget list,
// deliberation list, accountability) and the reaction and moderation pages pass axe-core with
// zero violations in Arabic and French on both sides.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/e2e/publications.test.mjs
//
// Screenshots land in tests/.artifacts/ for a person to look at.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir } from '../lib/harness.mjs';
import {
	LANGS, LOCALE, checkPage, withChromium, logIn, open, screenshot, trackedPage, withLang,
} from '../lib/browser.mjs';
import { startLinkedPair, waitForMirror } from '../lib/federation.mjs';
import { addUser, cliFor } from '../lib/http.mjs';

const PROJECT = {
	fr: 'Abribus de la place du marché',
	ar: 'موقف حافلات ساحة السوق',
};
const COMMENT = 'Un abri contre la pluie, enfin ! Pensez à un banc pour les personnes âgées.';
const HIDDEN_COMMENT = 'Texte à masquer : appelez le 0661 00 00 00';

let pair;
let browser;
let projectId; // on official
let citizenProjectPath;

/** Loads the demo commune into official-srv (see the note in before()). */
async function loadOfficialDemo() {
	const full = await cliFor(pair.official, ['demo', 'load', 'demo/official']);
	if (full.code === 0) return;
	// Budgets come from another module's loader: when it fails, the projects and
	// deliberations still make the pages worth checking.
	console.error(`demo load demo/official exited ${full.code}; loading publications.json only: ` +
		`${full.stderr.trim().split('\n').pop()}`);
	const dir = tempDir('baladiya-e2e-demo-');
	mkdirSync(dir, { recursive: true });
	cpSync(path.join(ROOT, 'demo/official/publications.json'), path.join(dir, 'publications.json'));
	const part = await cliFor(pair.official, ['demo', 'load', dir]);
	assert.equal(part.code, 0, part.stderr);
}

describe('publications and reactions in Chromium', () => {
	before(async () => {
		[pair, browser] = await withChromium(startLinkedPair());
		await addUser(pair.official, 'editor', 'redactrice');
		await addUser(pair.citizen, 'moderator', 'moderateur');
		await loadOfficialDemo();
		await waitForMirror(pair.official, pair.citizen);
		// residents' demo reactions, now that the commune's items are mirrored
		const r = await cliFor(pair.citizen, ['demo', 'load', 'demo/citizen']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /citizen: [1-9]\d* demo reactions added/);
		await waitForMirror(pair.citizen, pair.official);
	});

	after(async () => {
		await browser?.close();
		await pair?.stop();
	});

	test('staff create and publish a project; a resident reacts on the citizen site; staff see it',
		async (t) => {
			// 1. the editor, on the official site, through the forms
			const staff = await trackedPage(browser, { locale: LOCALE.fr });
			await logIn(staff, pair.official, 'redactrice', 'fr');
			await open(staff, withLang(`${pair.official.url}/staff/projects/new`, 'fr'));
			await staff.locator('#title_ar').fill(PROJECT.ar);
			await staff.locator('#title_fr').fill(PROJECT.fr);
			await staff.locator('#description_fr').fill('Un abri avec **banc** et éclairage.');
			await staff.locator('#category').selectOption('equipements');
			await staff.locator('#quarter').selectOption('centre');
			await staff.locator('#status').selectOption('programme');
			await staff.locator('#progress').fill('0');
			await staff.locator('#budget_da').fill('2500000');
			await Promise.all([
				staff.waitForURL((u) => u.pathname === '/staff/projects'),
				staff.locator('button[name=action][value=publish]').click(),
			]);
			const row = staff.locator('main table tbody tr', { hasText: PROJECT.fr });
			assert.equal(await row.count(), 1, 'the project is listed');
			const link = await row.locator('a[href^="/projects/"]').first().getAttribute('href');
			projectId = Number(link.match(/\/projects\/(\d+)/)[1]);
			assert.equal(await row.locator('form[action$="/unpublish"]').count(), 1, 'published');
			await waitForMirror(pair.official, pair.citizen);

			// 2. a resident, on the citizen site, without JavaScript: finds it under the projects
			const resident = await trackedPage(browser, { locale: LOCALE.fr, javaScriptEnabled: false });
			await open(resident, withLang(`${pair.citizen.url}/`, 'fr'));
			await Promise.all([
				resident.waitForURL((u) => u.pathname === '/projects'),
				resident.locator('.main-nav a[href="/projects"]').click(),
			]);
			const card = resident.locator('main .cards a', { hasText: PROJECT.fr });
			assert.equal(await card.count(), 1, 'the project is in the citizen list');
			await Promise.all([resident.waitForURL(/\/projects\/\d+/), card.click()]);
			citizenProjectPath = new URL(resident.url()).pathname;
			assert.equal((await resident.locator('main h1').textContent()).trim(), PROJECT.fr);
			// (axe needs JavaScript: this page is checked below, in a browser that runs it)
			await resident.getByLabel('Je soutiens').check();
			await resident.getByLabel('Commentaire (facultatif)').fill(COMMENT);
			await resident.getByLabel('Nom affiché (facultatif)').fill('Nadia du centre');
			await Promise.all([
				resident.waitForURL((u) => u.searchParams.get('reacted') === '1'),
				resident.locator('form.reaction-form button[type=submit]').click(),
			]);
			assert.equal(await resident.locator('#reactions [role=status]').count(), 1);
			assert.ok((await resident.locator('#reactions .reaction-list').textContent()).includes(COMMENT));
			t.diagnostic(await screenshot(resident, 'citizen-project-reacted-fr'));
			assert.deepEqual(resident.problems, []);

			// a second resident writes a comment the moderators will hide
			const other = await trackedPage(browser, { locale: LOCALE.ar });
			await open(other, withLang(`${pair.citizen.url}${citizenProjectPath}`, 'ar'));
			await other.locator('#stance-concern').check();
			await other.locator('#reaction-comment').fill(HIDDEN_COMMENT);
			await Promise.all([
				other.waitForURL((u) => u.searchParams.get('reacted') === '1'),
				other.locator('form.reaction-form button[type=submit]').click(),
			]);
			await checkPage(other, 'ar');
			// a refused form comes back with its error and what was typed, and passes axe
			await other.locator('#stance-support').check();
			await other.locator('#reaction-name').fill('karim@example.org');
			await other.locator('form.reaction-form button[type=submit]').click();
			await other.locator('#react-error').waitFor();
			assert.equal(await other.locator('#react-error code').textContent(), 'display_name_personal');
			assert.equal(await other.locator('#reaction-name').inputValue(), 'karim@example.org');
			// (the 400 of the refused form is expected)
			other.problems = other.problems.filter((p) => !/\b400\b.*\/reactions\b/.test(p));
			await checkPage(other, 'ar');
			await other.close();
			await resident.close();

			// 3. the editor sees the reaction on the official project page
			await waitForMirror(pair.citizen, pair.official);
			await open(staff, withLang(`${pair.official.url}/projects/${projectId}`, 'fr'));
			const section = staff.locator('#reactions');
			assert.ok((await section.textContent()).includes(COMMENT));
			assert.ok((await section.textContent()).includes('Nadia du centre'));
			assert.equal((await section.locator('dd').first().textContent()).trim(), '1');
			assert.equal(await section.locator('form').count(), 0, 'no reacting on the official site');
			const reactLink = section.locator('a.button');
			assert.match(await reactLink.getAttribute('href'),
				new RegExp(`^${pair.citizen.url}/origin/projects/${projectId}#reactions$`));
			t.diagnostic(await screenshot(staff, 'official-project-reactions-fr'));
			await checkPage(staff, 'fr');
			await staff.close();
		});

	test('a moderator hides a comment with a public reason; the log shows it on both sides', async () => {
		const mod = await trackedPage(browser, { locale: LOCALE.fr });
		await logIn(mod, pair.citizen, 'moderateur', 'fr');
		await open(mod, withLang(`${pair.citizen.url}/staff/reactions`, 'fr'));
		await checkPage(mod, 'fr');
		const row = mod.locator('main table tbody tr', { hasText: HIDDEN_COMMENT });
		assert.equal(await row.count(), 1);
		await row.getByLabel('Motif public').fill('Numéro de téléphone (données personnelles)');
		await Promise.all([
			mod.waitForURL((u) => u.pathname === '/staff/reactions'),
			row.locator('button[type=submit]').click(),
		]);
		assert.equal(await mod.locator('main', { hasText: HIDDEN_COMMENT }).count(), 0);
		for (const lang of LANGS) {
			await open(mod, withLang(`${pair.citizen.url}/staff/reactions`, lang));
			await checkPage(mod, lang);
		}
		await mod.close();
		await waitForMirror(pair.citizen, pair.official);
		for (const srv of [pair.official, pair.citizen]) {
			// on a phone: the hidden text's SHA-256 is whole in the page and wraps, no sideways scrolling
			const page = await trackedPage(browser,
				{ locale: LOCALE.fr, viewport: { width: 360, height: 740 } });
			await open(page, withLang(`${srv.url}/moderation`, 'fr'));
			assert.ok((await page.locator('main').textContent())
				.includes('Numéro de téléphone (données personnelles)'));
			assert.match((await page.locator('main code.hash').first().textContent()).trim(),
				/^[0-9a-f]{64}$/);
			const width = await page.evaluate(() => [document.documentElement.scrollWidth,
				window.innerWidth]);
			assert.ok(width[0] <= width[1], `no horizontal scrolling (${width[0]} > ${width[1]} px)`);
			await page.close();
		}
	});

	const pages = [
		['project list', () => '/projects'],
		['project page', (side) => (side === 'official' ? `/projects/${projectId}` : citizenProjectPath)],
		['budget list', () => '/budgets'],
		['deliberation list', () => '/deliberations'],
		['accountability', () => '/accountability'],
		['moderation log', () => '/moderation'],
	];
	for (const side of ['official', 'citizen']) {
		for (const lang of LANGS) {
			for (const [name, pathOf] of pages) {
				test(`${side} ${name} in ${lang}: no axe violations`, async () => {
					const srv = pair[side];
					const page = await trackedPage(browser, { locale: LOCALE[lang] });
					try {
						await open(page, withLang(`${srv.url}${pathOf(side)}`, lang));
						await checkPage(page, lang);
						if (name === 'project page') {
							const text = await page.locator('#reactions').textContent();
							assert.ok(text.includes(COMMENT), 'the reaction is shown');
							assert.ok(!text.includes('0661'), 'the hidden comment is not');
							await screenshot(page, `${side}-project-${lang}`);
						}
					} finally {
						await page.close();
					}
				});
			}
		}
	}

	test('a demo project page with several reactions passes axe on both sides', async () => {
		for (const side of ['official', 'citizen']) {
			for (const lang of LANGS) {
				const page = await trackedPage(browser, { locale: LOCALE[lang] });
				await open(page, withLang(`${pair[side].url}/projects`, lang));
				const title = lang === 'fr' ? "Réfection de la chaussée du boulevard de l'Indépendance"
					: 'إعادة تهيئة طريق شارع الاستقلال';
				await Promise.all([page.waitForURL(/\/projects\/\d+/),
					page.locator('main .cards a', { hasText: title }).click()]);
				assert.ok(await page.locator('#reactions .reaction-list li').count() >= 2);
				await checkPage(page, lang);
				await page.close();
			}
		}
	});
});
