// SPDX-License-Identifier: AGPL-3.0-or-later
// Browser helpers for the e2e tests: Debian's Chromium driven by playwright-core (which never
// downloads a browser of its own), accessibility checks with axe-core, screenshots kept under
// tests/.artifacts for a person to look at.
//
//   const browser = await launchChromium();
//   const page = await newPage(browser, { locale: 'ar' });  // not browser.newPage(): axe needs a context
//   await page.goto(srv.url);
//   await expectNoAxeViolations(page);
//   await browser.close();

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { ROOT } from './harness.mjs';

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
