// SPDX-License-Identifier: AGPL-3.0-or-later
// The message catalogs: every key French has exists in Arabic and English (the daemons fall
// back to French, but a missing Arabic text is a bug for the default language), every {{t.key}}
// used by a template exists, and no catalog is invalid JSON or has empty texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lib/harness.mjs';

const LOCALES = path.join(ROOT, 'common', 'locales');

function catalog(lang) {
	const merged = {};
	for (const f of readdirSync(LOCALES)) {
		if (f === `${lang}.json` || (f.startsWith(`${lang}.`) && f.endsWith('.json'))) {
			Object.assign(merged, JSON.parse(readFileSync(path.join(LOCALES, f), 'utf8')));
		}
	}
	return merged;
}

function templateKeys() {
	const keys = new Set();
	const dirs = ['common/templates', 'official-srv/templates', 'citizen-srv/templates'];
	for (const d of dirs) {
		let files = [];
		try { files = readdirSync(path.join(ROOT, d)); } catch { continue; }
		for (const f of files.filter((x) => x.endsWith('.mustache'))) {
			const text = readFileSync(path.join(ROOT, d, f), 'utf8');
			for (const m of text.matchAll(/\{\{[#^/]?\s*t\.([a-z0-9_]+)\s*\}\}/g)) keys.add(m[1]);
		}
	}
	return keys;
}

test('Arabic and English have every French message', () => {
	const fr = catalog('fr');
	for (const lang of ['ar', 'en']) {
		const cat = catalog(lang);
		const missing = Object.keys(fr).filter((k) => !(k in cat));
		assert.deepEqual(missing, [], `${lang} lacks ${missing.join(', ')}`);
	}
});

test('every message a template uses exists in French', () => {
	const fr = catalog('fr');
	const missing = [...templateKeys()].filter((k) => !(k in fr));
	assert.deepEqual(missing, [], `templates use unknown messages: ${missing.join(', ')}`);
	assert.ok(templateKeys().size > 50, 'the scan found the templates');
});

test('no message is empty', () => {
	for (const lang of ['fr', 'ar', 'en']) {
		for (const [k, v] of Object.entries(catalog(lang))) {
			assert.equal(typeof v, 'string', `${lang}.${k}`);
			assert.ok(v.trim().length > 0, `${lang}.${k} is empty`);
		}
	}
});
