// SPDX-License-Identifier: AGPL-3.0-or-later
// Browser helpers for the e2e tests: Debian's Chromium driven by playwright-core (which never
// downloads a browser of its own), accessibility checks with axe-core, screenshots kept under
// tests/.artifacts for a person to look at; the steps every page test repeats: open() (a 200),
// checkPage() (lang, dir, axe, no problems), logIn() through the form.
//
//   const browser = await launchChromium();
//   const page = await newPage(browser, { locale: 'ar' });  // not browser.newPage(): axe needs a context
//   await page.goto(srv.url);
//   await expectNoAxeViolations(page);
//   await browser.close();

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { ROOT } from './harness.mjs';
import { PASSWORD } from './http.mjs';

/** The languages every page is checked in, their direction and the browser locale for each. */
export const LANGS = ['ar', 'fr'];
/** Every built-in language's direction and browser locale (Tamazight: tests/e2e/tamazight). */
export const DIR = { ar: 'rtl', fr: 'ltr', en: 'ltr', kab: 'ltr' };
export const LOCALE = { ar: 'ar-DZ', fr: 'fr-DZ', en: 'en-GB', kab: 'kab-DZ' };
/** The axe-core rule tags the e2e pages are held to: WCAG 2.x A and AA, and best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export const CHROMIUM_PATH = process.env.BALADIYA_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS_DIR = process.env.BALADIYA_ARTIFACTS_DIR ||
	path.join(ROOT, 'tests', '.artifacts');

// The machine's network is closed: flags that keep Chromium from calling home.
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** Launches headless Chromium; options are passed on to chromium.launch(). */
export async function launchChromium(options = {}) {
	const browser = await chromium.launch({
		executablePath: CHROMIUM_PATH,
		headless: true,
		timeout: 30_000,
		...options,
		args: [...CHROMIUM_ARGS, ...(options.args || [])],
	});
	// playwright-core kills the browsers it launched when this process exits.
	return browser;
}

/**
 * Launches Chromium beside a start (a daemon, a pair, a cluster) and resolves to [what the start
 * gave, browser]. When the start fails, the browser is closed before the error is thrown:
 * a browser left open keeps the test process alive until the file's timeout (the daemons are
 * not held: the harness ends them at exit).
 */
export async function withChromium(starting, options = {}) {
	const [started, browser] = await Promise.allSettled([starting, launchChromium(options)]);
	if (started.status === 'rejected') {
		if (browser.status === 'fulfilled') await browser.value.close().catch(() => {});
		throw started.reason;
	}
	if (browser.status === 'rejected') throw browser.reason;
	return [started.value, browser.value];
}

/**
 * A page in a new browser context (contextOptions go to browser.newContext(): locale,
 * viewport, colorScheme, ...). @axe-core/playwright refuses pages made by browser.newPage().
 * Closing the page closes its context.
 */
export async function newPage(browser, contextOptions = {}) {
	const context = await browser.newContext(contextOptions);
	const page = await context.newPage();
	page.on('close', () => {
		context.close().catch(() => {});
	});
	return page;
}

/** Readable text for axe violations: rule, impact, help, and each offending node. */
export function formatAxeViolations(violations) {
	return violations.map((v) => {
		const nodes = v.nodes.map((n) => {
			const summary = (n.failureSummary || '').split('\n').map((l) => `        ${l}`).join('\n');
			return `    - ${n.target.join(' ')}\n      ${n.html}\n${summary}`;
		}).join('\n');
		return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
	}).join('\n');
}

/**
 * Runs axe-core on the page (WCAG 2.0/2.1/2.2 A and AA rules) and throws with a readable list
 * when anything is violated.
 *   opts.include / opts.exclude: CSS selectors; opts.disableRules: rule ids;
 *   opts.tags: override the rule tags.
 * Resolves to the full axe results.
 */
export async function expectNoAxeViolations(page, opts = {}) {
	let builder = new AxeBuilder({ page })
		.withTags(opts.tags || ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']);
	if (opts.include) builder = builder.include(opts.include);
	if (opts.exclude) builder = builder.exclude(opts.exclude);
	if (opts.disableRules) builder = builder.disableRules(opts.disableRules);
	const results = await builder.analyze();
	if (results.violations.length > 0) {
		throw new Error(`${results.violations.length} accessibility violation(s) on ` +
			`${page.url()}:\n${formatAxeViolations(results.violations)}`);
	}
	return results;
}

/** Saves a full-page screenshot as tests/.artifacts/NAME.png and returns its path. */
export async function screenshot(page, name) {
	mkdirSync(ARTIFACTS_DIR, { recursive: true });
	const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

/** url with ?lang= (or &lang=) added. */
export function withLang(url, lang) {
	return `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`;
}

/**
 * A page (newPage) that records what should never happen on our pages in page.problems: console
 * errors (a CSP refusal of an inline script or style shows up there), uncaught exceptions and
 * failed subresources. Chromium's own /favicon.ico request is not counted.
 */
export async function trackedPage(browser, contextOptions) {
	const page = await newPage(browser, contextOptions);
	page.setDefaultTimeout(10_000);
	page.problems = [];
	page.on('console', (msg) => {
		if (msg.type() !== 'error' || msg.location().url?.endsWith('/favicon.ico')) return;
		page.problems.push(`console: ${msg.text()} (${msg.location().url || 'no url'})`);
	});
	page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
	page.on('response', (res) => {
		const u = new URL(res.url());
		if (res.status() >= 400 && u.pathname !== '/favicon.ico') {
			page.problems.push(`HTTP ${res.status()} for ${u.pathname}${u.search}`);
		}
	});
	return page;
}

/** page.goto(url), asserting a 200; resolves to the response. */
export async function open(page, url) {
	const res = await page.goto(url);
	assert.equal(res.status(), 200, `GET ${url}`);
	return res;
}

/**
 * Checks the page (a trackedPage) in lang: <html lang> and dir, zero axe violations with
 * AXE_TAGS, and no recorded problems. opts.axe: more expectNoAxeViolations options (exclude...);
 * opts.ignore: a RegExp of problems not counted.
 */
export async function checkPage(page, lang, { axe = {}, ignore } = {}) {
	const html = page.locator('html');
	assert.equal(await html.getAttribute('lang'), lang, `<html lang> on ${page.url()}`);
	assert.equal(await html.getAttribute('dir'), DIR[lang], `<html dir> on ${page.url()}`);
	await expectNoAxeViolations(page, { tags: AXE_TAGS, ...axe });
	const problems = ignore ? page.problems.filter((p) => !ignore.test(p)) : page.problems;
	assert.deepEqual(problems, [], `problems on ${page.url()}`);
}

/** Signs username in on srv through the login form, in lang (password: the tests' PASSWORD). */
export async function logIn(page, srv, username, lang = 'fr', { password = PASSWORD } = {}) {
	await open(page, withLang(`${srv.url}/login`, lang));
	await page.locator('#username').fill(username);
	await page.locator('#password').fill(password);
	await Promise.all([
		page.waitForURL((u) => u.pathname !== '/login'),
		page.locator('main form button[type=submit]').click(),
	]);
	assert.equal(await page.locator('form.signout').count(), 1, `${username} signed in`);
}
