// SPDX-License-Identifier: AGPL-3.0-or-later
// The message catalogs of every layer (common/, protocol/, each module under modules/): every key
// French has exists in Arabic and English (the daemons fall back to French, but a missing Arabic
// text is a bug for the default language), every {{t.key}} used by a template and every key the C
// code names exists within the layer's reach, the base's catalogs hold no module's messages, and
// no catalog is invalid JSON or has empty texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lib/harness.mjs';

/** The layers whose assets the daemons embed: the base, each module, each server. */
export const LAYERS = ['common', 'protocol', 'official-srv', 'citizen-srv',
	...readdirSync(path.join(ROOT, 'modules')).map((m) => `modules/${m}`)];

/** The built-in languages: every common/locales/<lang>.json (ar, fr, en, kab...). */
export const LANGUAGES = readdirSync(path.join(ROOT, 'common', 'locales'))
	.map((f) => f.match(/^([a-zA-Z]{2,3}(?:-[A-Za-z0-9]+)*)\.json$/)).filter(Boolean).map((m) => m[1]).sort();

function catalog(lang) {
	const merged = {};
	for (const layer of LAYERS) {
		const dir = path.join(ROOT, layer, 'locales');
		if (!existsSync(dir)) continue;
		for (const f of readdirSync(dir)) {
			if (f === `${lang}.json` || (f.startsWith(`${lang}.`) && f.endsWith('.json'))) {
				const part = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
				for (const k of Object.keys(part)) {
					assert.ok(!(k in merged), `${layer}/locales/${f}: ${k} is defined twice`);
				}
				Object.assign(merged, part);
			}
		}
	}
	return merged;
}

function templateKeys() {
	const keys = new Set();
	for (const d of LAYERS.map((l) => `${l}/templates`)) {
		let files = [];
		try { files = readdirSync(path.join(ROOT, d)); } catch { continue; }
		for (const f of files.filter((x) => x.endsWith('.mustache'))) {
			const text = readFileSync(path.join(ROOT, d, f), 'utf8');
			for (const m of text.matchAll(/\{\{[#^/]?\s*t\.([a-z0-9_]+)\s*\}\}/g)) keys.add(m[1]);
		}
	}
	return keys;
}

test('every language has every French message, in every part French has', () => {
	assert.ok(['ar', 'en', 'fr', 'kab'].every((l) => LANGUAGES.includes(l)), `languages found: ${LANGUAGES}`);
	const fr = catalog('fr');
	for (const lang of LANGUAGES.filter((l) => l !== 'fr')) {
		const cat = catalog(lang);
		const missing = Object.keys(fr).filter((k) => !(k in cat));
		assert.deepEqual(missing, [], `${lang} lacks ${missing.join(', ')}`);
		// and in the same layer: a platform loads only the parts of the modules it serves
		for (const layer of LAYERS) {
			const frPart = layerCatalog(layer, 'fr');
			const part = layerCatalog(layer, lang);
			const elsewhere = Object.keys(frPart).filter((k) => !(k in part));
			assert.deepEqual(elsewhere, [], `${layer}/locales: ${lang} has these French keys in another layer`);
		}
	}
});

test('translations keep the placeholders of the French text', () => {
	const fr = catalog('fr');
	const holes = (t) => [...t.matchAll(/\{\{[^}]*\}\}|\{[a-z_]+\}/g)].map((m) => m[0]).sort();
	for (const lang of LANGUAGES.filter((l) => l !== 'fr')) {
		const cat = catalog(lang);
		const bad = Object.keys(fr).filter((k) => k in cat &&
			JSON.stringify(holes(fr[k])) !== JSON.stringify(holes(cat[k])));
		assert.deepEqual(bad, [], `${lang}: placeholders differ from French in ${bad.join(', ')}`);
	}
});

test('every message a template uses exists in French', () => {
	const fr = catalog('fr');
	const missing = [...templateKeys()].filter((k) => !(k in fr));
	assert.deepEqual(missing, [], `templates use unknown messages: ${missing.join(', ')}`);
	assert.ok(templateKeys().size > 50, 'the scan found the templates');
});

test('no message is empty', () => {
	for (const lang of LANGUAGES) {
		for (const [k, v] of Object.entries(catalog(lang))) {
			assert.equal(typeof v, 'string', `${lang}.${k}`);
			assert.ok(v.trim().length > 0, `${lang}.${k} is empty`);
		}
	}
});

/** Each module's declared dependencies (DEPS in its CMakeLists.txt), with the base. */
function moduleDeps() {
	const deps = new Map();
	for (const layer of LAYERS.filter((l) => l.startsWith('modules/'))) {
		const text = readFileSync(path.join(ROOT, layer, 'CMakeLists.txt'), 'utf8');
		const m = text.match(/baladiya_module\(\s*\w+\s*(?:DEPS([^)]*))?\)/);
		assert.ok(m, `${layer}/CMakeLists.txt calls baladiya_module()`);
		deps.set(layer, (m[1] || '').trim().split(/\s+/).filter(Boolean)
			.map((d) => (d === 'protocol' ? 'protocol' : `modules/${d}`)));
	}
	return deps;
}

/** The layers a module's assets may use: itself, its dependencies (transitively), the base. */
function reachable(layer, deps) {
	const seen = new Set(['common', 'protocol', layer]);
	const stack = [...(deps.get(layer) || [])];
	while (stack.length) {
		const d = stack.pop();
		if (seen.has(d)) continue;
		seen.add(d);
		stack.push(...(deps.get(d) || []));
	}
	return seen;
}

function layerCatalog(layer, lang) {
	const dir = path.join(ROOT, layer, 'locales');
	const out = {};
	if (!existsSync(dir)) return out;
	for (const f of readdirSync(dir)) {
		if (f === `${lang}.json` || (f.startsWith(`${lang}.`) && f.endsWith('.json'))) {
			Object.assign(out, JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
		}
	}
	return out;
}

function layerTemplates(layer) {
	const dir = path.join(ROOT, layer, 'templates');
	if (!existsSync(dir)) return [];
	return readdirSync(dir).filter((f) => f.endsWith('.mustache'))
		.map((f) => ({ name: f.replace(/\.mustache$/, ''), text: readFileSync(path.join(dir, f), 'utf8') }));
}

// A platform serves only some modules: a module's template may use only the messages and
// partials of the layers it depends on, or the other platform would render empty texts.
test('a module\'s templates use only its own and its dependencies\' messages and partials', () => {
	const deps = moduleDeps();
	const problems = [];
	for (const layer of LAYERS.filter((l) => l.startsWith('modules/'))) {
		const ok = reachable(layer, deps);
		const keys = new Set();
		const partials = new Set();
		for (const l of ok) {
			for (const k of Object.keys(layerCatalog(l, 'fr'))) keys.add(k);
			for (const t of layerTemplates(l)) partials.add(t.name);
		}
		for (const t of layerTemplates(layer)) {
			for (const m of t.text.matchAll(/\{\{[#^/]?\s*t\.([a-z0-9_]+)\s*\}\}/g)) {
				if (!keys.has(m[1])) problems.push(`${layer}/templates/${t.name}: t.${m[1]}`);
			}
			for (const m of t.text.matchAll(/\{\{[<>]\s*([a-z0-9_]+)\s*\}\}/g)) {
				if (!partials.has(m[1])) problems.push(`${layer}/templates/${t.name}: partial ${m[1]}`);
			}
		}
	}
	assert.deepEqual(problems, []);
	assert.ok(deps.size >= 10, 'the modules were found');
});

/** A layer's C sources (src/ and include/, recursively), comments removed. */
function layerSources(layer) {
	const out = [];
	const walk = (dir) => {
		if (!existsSync(dir)) return;
		for (const e of readdirSync(dir, { withFileTypes: true })) {
			const p = path.join(dir, e.name);
			if (e.isDirectory()) walk(p);
			else if (/\.[ch]$/.test(e.name)) {
				// comments become blanks of the same lines, so the line numbers stay right
				const text = readFileSync(p, 'utf8')
					.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
					.replace(/^\s*\/\/.*$/gm, '');
				out.push({ file: path.relative(ROOT, p), text });
			}
		}
	};
	walk(path.join(ROOT, layer, 'src'));
	walk(path.join(ROOT, layer, 'include'));
	return out;
}

/** The arguments of the call whose '(' is at text[open], split at the top-level commas. */
function callArgs(text, open) {
	const args = [];
	let depth = 0;
	let start = open + 1;
	for (let i = open; i < text.length; i++) {
		const c = text[i];
		if (c === '"' || c === "'") {
			for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
		} else if (c === '(') {
			depth++;
		} else if (c === ')' && --depth === 0) {
			args.push(text.slice(start, i));
			return args;
		} else if (c === ',' && depth === 1) {
			args.push(text.slice(start, i));
			start = i + 1;
		}
	}
	return args;
}

const literals = (s) => [...s.matchAll(/"([a-z0-9_]+)"/g)].map((m) => m[1]);

/** The literals of an argument itself, not of the calls inside it: `x ? "yes" : "no"` names
 * two keys, `arena_printf(req->arena, "status_%s", s)` none. */
function argLiterals(arg) {
	let flat = arg;
	for (let prev = ''; prev !== flat;) {
		prev = flat;
		flat = flat.replace(/\([^()]*\)/g, '');
	}
	return literals(flat);
}

/**
 * What a layer's C code names of the catalogs: `keys`, the literal keys it looks up (given to
 * i18n_get / t_get, or labels of its `struct nav_link` arrays); `codes`, the literal error codes
 * it answers with (http_error's code, page_read_failed's and page_write_failed's codes), whose
 * message is the catalog's error_<code>; `strings`, every identifier-like string literal (error
 * codes also travel through variables: `*code = "photo_type"`, `err = "title_required"`).
 * Keys built at run time ("field_%s_%s", "status_%s"...) are not seen.
 */
function cRefs(layer) {
	const keys = new Map();
	const codes = new Map();
	const strings = new Set();
	const at = (src, index) => `${src.file}:${src.text.slice(0, index).split('\n').length}`;
	for (const src of layerSources(layer)) {
		const { text } = src;
		for (const s of literals(text)) strings.add(s);
		for (const m of text.matchAll(/\b(i18n_get|t_get|http_error|page_read_failed|page_write_failed)\s*\(/g)) {
			const args = callArgs(text, m.index + m[0].length - 1);
			const where = at(src, m.index);
			if (m[1] === 'i18n_get' || m[1] === 't_get') {
				for (const k of argLiterals(args.at(-1) || '')) keys.set(k, where);
			} else {
				const pos = m[1] === 'page_write_failed' ? [2, 3] : [2];
				for (const p of pos) for (const c of argLiterals(args[p] || '')) codes.set(c, where);
			}
		}
		for (const m of text.matchAll(/struct\s+nav_link\s+\w+\s*\[\s*\]\s*=\s*\{([\s\S]*?)\};/g)) {
			for (const l of m[1].matchAll(/\{\s*"[^"]*"\s*,\s*"([a-z0-9_]+)"/g)) {
				keys.set(l[1], at(src, m.index + m[0].indexOf(l[0])));
			}
		}
	}
	return { keys, codes, strings };
}

/** The layers whose catalogs a layer's code may count on: the base for the base, a module's
 * own and its dependencies', and every layer for a server (it links and serves them all). */
function reachableFrom(layer, deps) {
	if (layer === 'common' || layer === 'protocol') return new Set(['common', 'protocol']);
	if (layer.startsWith('modules/')) return reachable(layer, deps);
	return new Set(LAYERS);
}

// Like the templates, the C code may only name messages of the layers it depends on: a key in a
// module the platform does not serve would show its English fallback, or nothing.
test('every message the C code names exists in the catalogs its layer reaches', () => {
	const deps = moduleDeps();
	const all = catalog('fr');
	const problems = [];
	let nkeys = 0;
	let ncodes = 0;
	for (const layer of LAYERS) {
		const known = new Set();
		for (const l of reachableFrom(layer, deps)) {
			for (const k of Object.keys(layerCatalog(l, 'fr'))) known.add(k);
		}
		const { keys, codes } = cRefs(layer);
		nkeys += keys.size;
		ncodes += codes.size;
		for (const [k, where] of keys) if (!known.has(k)) problems.push(`${where}: ${k}`);
		// an error code with no message anywhere answers in English: allowed (api.md)
		for (const [c, where] of codes) {
			if (`error_${c}` in all && !known.has(`error_${c}`)) problems.push(`${where}: error_${c}`);
		}
	}
	assert.deepEqual(problems, [], 'messages named by C code but out of its layer\'s reach');
	assert.ok(nkeys > 20 && ncodes > 40, `the scan found the C code's keys (${nkeys}) and codes (${ncodes})`);
});

/**
 * The base's messages that no base file uses, and why they stay in the base anyway. Keep it
 * short: a feature's message belongs to its module (modules/<name>/locales/<lang>.<name>.json).
 * Keys used by several modules that share no module (news and publications, say) are allowed
 * without being listed here: the base is the only catalog they all reach.
 */
const BASE_KEPT = new Map([
	// the quarters are the base's (site_quarters, common/src/site.c); their labels are built at
	// run time by publications ("%s_%s_%s"), reports and feeds ("project_quarter_%s")
	...['centre', 'cite500', 'tighilt', 'elamel', 'zone_activites', 'autre']
		.map((q) => [`project_quarter_${q}`, 'quarters']),
	// built at run time ("status_%s") by news and publications, which share no module
	...['draft', 'published', 'unpublished'].map((s) => [`status_${s}`, 'item statuses']),
	// news names these codes; publications builds them at run time (publication.c err_code)
	['error_title_required', 'shared form error'],
	['error_title_too_long', 'shared form error'],
	// the map and photo parts (common/locales/<lang>.map.json, .photo.json) go with the base's
	// map partial and photo store, with the labels of the maps and photo fields of its callers
	['map_label_projects', 'map part'], ['map_label_project', 'map part'],
	['map_label_pick', 'map part'], ['error_invalid_bbox', 'map part'],
	['milestone_photo', 'photo part'], ['milestone_photo_hint', 'photo part'],
	// no code answers "internal_error" today (the base says "no_response" and "template_error"):
	// use it or remove it
	['error_internal_error', 'unused'],
]);

test('the base defines only the messages the base uses', () => {
	const deps = moduleDeps();
	const base = ['common', 'protocol'];
	const modules = LAYERS.filter((l) => l.startsWith('modules/'));
	/** The catalog keys a layer's templates and C code use. */
	const usedBy = (layer, candidates) => {
		const used = new Set();
		for (const t of layerTemplates(layer)) {
			for (const m of t.text.matchAll(/\{\{[#^/]?\s*t\.([a-z0-9_]+)\s*\}\}/g)) used.add(m[1]);
		}
		const { keys, codes, strings } = cRefs(layer);
		for (const k of keys.keys()) used.add(k);
		for (const c of [...codes.keys(), ...strings]) {
			if (candidates.has(`error_${c}`)) used.add(`error_${c}`);
		}
		return used;
	};
	const defined = new Set();
	for (const lang of LANGUAGES) {
		for (const l of base) for (const k of Object.keys(layerCatalog(l, lang))) defined.add(k);
	}
	const byBase = new Set(base.flatMap((l) => [...usedBy(l, defined)]));
	const byModule = new Map(modules.map((l) => [l, usedBy(l, defined)]));
	const problems = [];
	for (const k of defined) {
		if (byBase.has(k) || BASE_KEPT.has(k)) continue;
		const users = modules.filter((l) => byModule.get(l).has(k));
		// the modules every user reaches; the highest of them is where the key belongs
		const common = modules.filter((m) => users.every((u) => reachable(u, deps).has(m)));
		const home = common.find((m) => common.every((o) => reachable(m, deps).has(o)));
		if (users.length === 0) problems.push(`${k}: used by no code`);
		else if (home) problems.push(`${k}: used by ${users.join(', ')}: belongs in ${home}`);
	}
	assert.deepEqual(problems, [], 'the base\'s catalogs hold messages of the modules');
	for (const k of BASE_KEPT.keys()) {
		assert.ok(defined.has(k), `BASE_KEPT lists ${k}, which common/locales does not define`);
		assert.ok(!byBase.has(k), `BASE_KEPT lists ${k}, which the base uses: remove it from the list`);
	}
	assert.ok(byBase.size > 50, 'the scan found the base\'s messages');
});
