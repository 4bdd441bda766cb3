// SPDX-License-Identifier: AGPL-3.0-or-later
// News through the staff area of a real daemon: publishing (and the anonymous page cache
// seeing it at once), drafts, editing, unpublishing with a public reason, role checks, form
// limits and encodings (urlencoded, multipart, long bodies), and hostile text that must come
// back escaped in HTML and intact in JSON.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster } from '../lib/harness.mjs';
import {
	addUser, Client, createNews, errorCodeOf, htmlAttrs, loadDemo, PASSWORD, startSite, tagsOf,
} from '../lib/http.mjs';

let cluster;
let srv;
let editor;
let anon;

before(async () => {
	cluster = await startCluster();
	srv = await startSite('official', { cluster, themeDir: 'demo/official' });
	await loadDemo(srv);
	await addUser(srv, 'editor', 'nadia');
	await addUser(srv, 'agent', 'samir');
	editor = new Client(srv.url);
	assert.equal((await editor.login('nadia', PASSWORD)).status, 303);
	anon = new Client(srv.url);
});

after(async () => {
	if (srv) assert.equal(await srv.stop(), 0);
	await cluster?.destroy();
});

const publicItem = (id, lang = 'fr') => anon.get(`/news/${id}?lang=${lang}`,
	{ json: true, cookies: false });
const publicIds = async (path = '/news') => (await anon.get(path, { json: true })).json.items
	.map((x) => x.id);
const staffItem = async (id) => (await editor.get('/staff/news.json')).json.items
	.find((x) => x.id === id);

/**
 * GETs path as the anonymous visitor until the answer comes from the cache (a first visit
 * with ?lang= sets a cookie, so it takes three; a write just made may still move the cache's
 * generation a moment later, when its notification is read: then a few more); fails when it
 * never does within two seconds.
 */
async function warm(path, opts = {}) {
	let r;
	for (let i = 0; i < 20; i++) {
		r = await anon.get(path, opts);
		if (r.headers.get('x-cache') === 'hit') return r;
		if (i >= 2) await new Promise((done) => setTimeout(done, 100));
	}
	assert.fail(`${path} is not served from the cache`);
	return r;
}

describe('publishing', () => {
	it('shows a published item on /news and / at once (the cache is invalidated)', async () => {
		const homeBefore = await warm('/');
		const listBefore = await warm('/news');
		const jsonBefore = await warm('/news', { json: true });
		const title = 'Ouverture de la bibliothèque municipale';
		assert.ok(!homeBefore.body.includes(title));

		const id = await createNews(editor, {
			title_ar: 'افتتاح المكتبة البلدية', title_fr: title,
			body_fr: 'La bibliothèque ouvre **lundi**.',
		});
		const home = await anon.get('/');
		assert.equal(home.headers.get('x-cache'), null, 'a stale home page from the cache');
		assert.ok(home.body.includes('افتتاح المكتبة البلدية'), 'the home page lists it (ar)');
		assert.ok(home.body.includes(`href="/news/${id}"`));
		const list = await anon.get('/news');
		assert.equal(list.headers.get('x-cache'), null);
		assert.ok(list.body.includes(`href="/news/${id}"`), 'the news page lists it');
		assert.notEqual(list.body, listBefore.body);
		const json = await anon.get('/news', { json: true });
		assert.equal(json.json.items[0].id, id, 'newest first');
		assert.equal(json.json.items.length, jsonBefore.json.items.length + 1);
		const home2 = await anon.get('/', { json: true });
		assert.equal(home2.json.items[0].id, id);

		const item = await publicItem(id);
		assert.equal(item.status, 200);
		assert.equal(item.json.title, title);
		assert.equal(item.json.status, 'published');
		assert.match(item.json.body_html, /<strong>lundi<\/strong>/);
		assert.match(item.json.published_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
		const html = await anon.get(`/news/${id}?lang=fr`, { cookies: false });
		assert.deepEqual(htmlAttrs(html.body), { lang: 'fr', dir: 'ltr' });
		assert.ok(html.body.includes('<strong>lundi</strong>'));
	});

	it('keeps a draft private until it is published', async () => {
		await warm('/news', { json: true });
		const id = await createNews(editor, { title_fr: 'Brouillon confidentiel',
			body_fr: 'pas encore' }, { publish: false });
		for (const lang of ['fr', 'ar']) {
			const r = await publicItem(id, lang);
			assert.equal(r.status, 404, `a draft is public (${lang})`);
			assert.equal(r.json.error.code, 'news_not_found');
		}
		const html = await anon.get(`/news/${id}`);
		assert.equal(html.status, 404);
		assert.ok(!html.body.includes('Brouillon confidentiel'));
		assert.ok(!(await publicIds()).includes(id));
		assert.ok(!(await publicIds('/')).includes(id));
		const mine = await staffItem(id);
		assert.equal(mine.status, 'draft');
		assert.equal(mine.published_at, null);

		const r = await editor.post(`/staff/news/${id}/publish`, {});
		assert.equal(r.status, 303);
		assert.equal(r.location, '/staff/news');
		const now = await publicItem(id);
		assert.equal(now.status, 200);
		assert.equal(now.json.status, 'published');
		assert.ok((await publicIds()).includes(id));
	});

	it('does not make a never-published draft public by unpublishing it', async () => {
		const id = await createNews(editor, { title_fr: 'Projet interne non publié' },
			{ publish: false });
		const r = await editor.post(`/staff/news/${id}/unpublish`, { reason: 'abandonné' });
		assert.ok(r.status === 303 || (r.status >= 400 && r.status < 500), `status ${r.status}`);
		const pub = await publicItem(id);
		assert.equal(pub.status, 404,
			`a draft that was never published is public after "unpublish": ${pub.body.slice(0, 200)}`);
		const html = await anon.get(`/news/${id}?lang=fr`, { cookies: false });
		assert.ok(!html.body.includes('Projet interne non publié'));
	});

	it('edits an item: the public page changes, the cache too', async () => {
		const id = await createNews(editor, { title_fr: 'Titre initial', body_fr: 'Texte initial' });
		await warm(`/news/${id}?lang=fr`);
		const form = await editor.get(`/staff/news/${id}/edit`);
		assert.equal(form.status, 200);
		assert.match(form.body, /name="title_fr" value="Titre initial"/);
		assert.match(form.body, new RegExp(`action="/staff/news/${id}"`));

		const r = await editor.post(`/staff/news/${id}`, { title_fr: 'Titre corrigé',
			title_en: 'Corrected title', body_fr: 'Texte *corrigé*' });
		assert.equal(r.status, 303);
		const page = await anon.get(`/news/${id}?lang=fr`);
		assert.equal(page.headers.get('x-cache'), null);
		assert.ok(page.body.includes('Titre corrigé'));
		assert.ok(!page.body.includes('Titre initial'));
		assert.ok(page.body.includes('<em>corrigé</em>'));
		const en = await publicItem(id, 'en');
		assert.equal(en.json.title, 'Corrected title');
		assert.equal(en.json.status, 'published', 'editing keeps the status');

		// an edit with no title at all is refused and changes nothing
		const bad = await editor.post(`/staff/news/${id}`, { title_fr: '', body_fr: 'orphan' },
			{ json: true });
		assert.equal(bad.status, 400);
		assert.equal(bad.errorCode, 'title_required');
		assert.equal((await publicItem(id)).json.title, 'Titre corrigé');

		const missing = await editor.post('/staff/news/999999', { title_fr: 'x' }, { json: true });
		assert.equal(missing.status, 404);
		assert.equal(missing.json.error.code, 'news_not_found');
		assert.equal((await editor.get('/staff/news/999999/edit')).status, 404);
	});

	it('unpublishes with a public reason: the item page shows it, the list drops it', async () => {
		const id = await createNews(editor, { title_fr: 'Coupure d\'eau mardi',
			body_fr: 'Détails de la coupure' });
		await warm('/news', { json: true });
		await warm('/');
		await warm(`/news/${id}?lang=fr`);

		// without a reason: refused, nothing changes
		for (const fields of [{}, { reason: '' }, { reason: 'x'.repeat(501) }]) {
			const r = await editor.post(`/staff/news/${id}/unpublish`, fields, { json: true });
			assert.equal(r.status, 400, JSON.stringify(fields).slice(0, 40));
			assert.equal(r.json.error.code, 'reason_required');
		}
		const html400 = await editor.post(`/staff/news/${id}/unpublish`, {});
		assert.equal(html400.status, 400);
		assert.equal(errorCodeOf(html400.body), 'reason_required');
		let item = await publicItem(id);
		assert.equal(item.json.status, 'published');
		assert.equal(item.json.unpublish_reason, null);
		assert.ok((await publicIds()).includes(id));

		const reason = 'Annonce erronée : la coupure est reportée';
		const r = await editor.post(`/staff/news/${id}/unpublish`, { reason });
		assert.equal(r.status, 303);
		item = await publicItem(id);
		assert.equal(item.status, 200, 'the item stays readable, with its reason');
		assert.equal(item.json.status, 'unpublished');
		assert.equal(item.json.unpublish_reason, reason);
		const page = await anon.get(`/news/${id}?lang=fr`);
		assert.equal(page.status, 200);
		assert.equal(page.headers.get('x-cache'), null);
		assert.ok(page.body.includes('Annonce erronée : la coupure est reportée'));
		assert.ok(!page.body.includes('Détails de la coupure'), 'the body stays hidden');
		assert.ok(!(await publicIds()).includes(id), 'still listed on /news');
		assert.ok(!(await publicIds('/')).includes(id), 'still listed on /');
		assert.equal((await staffItem(id)).status, 'unpublished');

		// publishing again clears the reason
		assert.equal((await editor.post(`/staff/news/${id}/publish`, {})).status, 303);
		item = await publicItem(id);
		assert.equal(item.json.status, 'published');
		assert.equal(item.json.unpublish_reason, null);
		assert.ok((await publicIds()).includes(id));
	});

	it('hides the body of a withdrawn item in its JSON twin as on its page', async () => {
		const secret = 'Numéro personnel publié par erreur : 0555 00 00 00';
		const id = await createNews(editor, { title_fr: 'Annonce à retirer', body_fr: secret });
		assert.equal((await editor.post(`/staff/news/${id}/unpublish`,
			{ reason: 'données personnelles' })).status, 303);
		const page = await anon.get(`/news/${id}?lang=fr`);
		assert.ok(!page.body.includes('0555 00 00 00'), 'the page shows the withdrawn body');
		const json = await publicItem(id);
		assert.equal(json.json.status, 'unpublished');
		assert.equal(json.json.unpublish_reason, 'données personnelles');
		assert.ok(!json.body.includes('0555 00 00 00'),
			`the JSON twin still carries the withdrawn body: ${json.body.slice(0, 400)}`);
	});
});

describe('roles', () => {
	it('gives an agent (no news rights) 403 on every news action', async () => {
		const agent = new Client(srv.url);
		assert.equal((await agent.login('samir', PASSWORD)).status, 303);
		const home = await agent.get('/staff');
		assert.equal(home.status, 200);
		assert.ok(!home.body.includes('href="/staff/news"'), 'the agent is offered news');
		const id = (await anon.get('/news.json')).json.items[0].id;
		const snapshot = JSON.stringify((await editor.get('/staff/news.json')).json.items);

		for (const path of ['/staff/news', '/staff/news/new', `/staff/news/${id}/edit`]) {
			const r = await agent.get(path);
			assert.equal(r.status, 403, path);
			assert.equal(errorCodeOf(r.body), 'forbidden', path);
		}
		const json = await agent.get('/staff/news.json');
		assert.equal(json.status, 403);
		assert.equal(json.json.error.code, 'forbidden');
		for (const [path, fields] of [
			['/staff/news', { title_fr: 'Par un agent', action: 'publish' }],
			[`/staff/news/${id}`, { title_fr: 'Modifié par un agent' }],
			[`/staff/news/${id}/unpublish`, { reason: 'par un agent' }],
			[`/staff/news/${id}/publish`, {}],
		]) {
			const r = await agent.post(path, fields);
			assert.equal(r.status, 403, path);
			assert.equal(errorCodeOf(r.body), 'forbidden', path);
		}
		assert.equal(JSON.stringify((await editor.get('/staff/news.json')).json.items), snapshot,
			'an agent changed the news');
	});

	it('lets the citizen side\'s moderator write news', async () => {
		const citizen = await startSite('citizen', { cluster, themeDir: 'demo/citizen' });
		try {
			await addUser(citizen, 'moderator', 'leila');
			const m = new Client(citizen.url);
			assert.equal((await m.login('leila', PASSWORD)).status, 303);
			const id = await createNews(m, { title_ar: 'خبر من التجمع' });
			const r = await new Client(citizen.url).get(`/news/${id}`, { json: true });
			assert.equal(r.json.title, 'خبر من التجمع');
			assert.equal(r.json.origin, 'citizen');
			assert.equal(r.json.title_rtl, true);
		} finally {
			assert.equal(await citizen.stop(), 0);
		}
	});
});

describe('the news form', () => {
	it('accepts multipart/form-data, with UTF-8 text and an ignored file part', async () => {
		const fields = { title_ar: 'أشغال الطريق', title_fr: 'Travaux « rue » — été',
			body_fr: 'Ligne 1\r\nLigne 2 ✓' };
		const c = editor;
		const form = new FormData();
		for (const [k, v] of Object.entries({ ...fields, action: 'publish', csrf: await c.csrf() })) {
			form.append(k, v);
		}
		form.append('attachment', new Blob(['not a field'], { type: 'text/plain' }), 'note.txt');
		const r = await c.request('/staff/news', { method: 'POST', body: form });
		assert.equal(r.status, 303, `${r.status} ${r.errorCode}`);
		const id = (await c.get('/staff/news.json')).json.items[0].id;
		const item = await publicItem(id);
		assert.equal(item.json.title, fields.title_fr);
		assert.deepEqual(item.json.texts_title, { ar: fields.title_ar, fr: fields.title_fr });
		assert.equal(item.json.texts_body.fr, 'Ligne 1\nLigne 2 ✓', 'CRLF is stored as LF');
		assert.equal((await publicItem(id, 'ar')).json.title, fields.title_ar);
	});

	it('keeps a 20 000-character body intact (urlencoded and multipart)', async () => {
		const body = `${'ب'.repeat(9995)}\n\n${'é'.repeat(9995)}\nفين`;
		assert.ok([...body].length <= 20000);
		for (const multipart of [false, true]) {
			const id = await createNews(editor, { title_ar: `نص طويل ${multipart}`, body_ar: body },
				{ multipart });
			const item = await publicItem(id, 'ar');
			assert.equal(item.json.texts_body.ar, body, `multipart=${multipart}`);
		}
	});

	it('checks the titles and the body length, storing nothing on error', async () => {
		const count = async () => (await editor.get('/staff/news.json')).json.items.length;
		const n = await count();
		const cases = [
			[{ title_fr: '', body_fr: 'un texte sans titre' }, 'title_required'],
			[{}, 'title_required'],
			[{ title_ar: 'ب'.repeat(201) }, 'title_too_long'],
			[{ title_fr: 'ok', body_fr: 'x'.repeat(20001) }, 'body_too_long'],
		];
		for (const [fields, code] of cases) {
			const r = await editor.post('/staff/news', { ...fields, action: 'publish' },
				{ json: true });
			assert.equal(r.status, 400, code);
			assert.equal(r.errorCode, code);
			const html = await editor.post('/staff/news', { ...fields, action: 'publish' });
			assert.equal(html.status, 400);
			assert.match(html.body, /role="alert"/);
		}
		assert.equal(await count(), n, 'a refused form stored an item');
		// 200 characters (400 bytes in Arabic) is the limit, not 200 bytes
		const id = await createNews(editor, { title_ar: 'ب'.repeat(200) }, { publish: false });
		assert.equal((await staffItem(id)).texts_title.ar.length, 200);
	});

	it('gives the refused form back with what was typed', async () => {
		const typed = { title_ar: 'عنوان صحيح', body_ar: 'نص عربي مكتوب',
			title_fr: '', body_fr: 'un texte sans titre', title_en: 'Kept title', body_en: 'kept body' };
		const r = await editor.post('/staff/news', { ...typed, action: 'publish' });
		assert.equal(r.status, 400);
		assert.match(r.body, /role="alert"/);
		for (const [field, value] of Object.entries(typed)) {
			if (!value) continue;
			const shown = field.startsWith('title_')
				? new RegExp(`name="${field}" value="([^"]*)"`).exec(r.body)?.[1]
				: new RegExp(`<textarea id="${field}"[^>]*>([^<]*)</textarea>`).exec(r.body)?.[1];
			assert.equal(shown, value, `the refused form lost ${field}`);
		}
	});
});

describe('hostile text', () => {
	const title = '<script>alert(1)</script> "quoted" \'single\' \u202eRTL-override';
	const body = '<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n<script>alert(2)</script>';
	let id;

	before(async () => {
		id = await createNews(editor, { title_fr: title, body_fr: body, title_ar: title });
	});

	function assertInert(html, what) {
		assert.ok(!/<script/i.test(html), `${what}: a raw <script>`);
		for (const tag of tagsOf(html)) {
			assert.ok(!/\bon[a-z]+\s*=/i.test(tag), `${what}: an event handler in ${tag}`);
			assert.ok(!/javascript:/i.test(tag), `${what}: a javascript: URL in ${tag}`);
			assert.ok(!/<img[^>]*src=x/i.test(tag), `${what}: the raw <img> in ${tag}`);
		}
	}

	it('comes back escaped on the public pages', async () => {
		for (const path of [`/news/${id}?lang=fr`, '/news?lang=fr', '/?lang=fr', `/news/${id}?lang=ar`]) {
			const r = await new Client(srv.url).get(path);
			assert.equal(r.status, 200, path);
			assertInert(r.body, path);
			assert.ok(r.body.includes('&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; ' +
				'&#39;single&#39; \u202eRTL-override'), `${path}: the escaped title`);
		}
		const page = await new Client(srv.url).get(`/news/${id}?lang=fr`);
		assert.ok(!/javascript:/i.test(page.body), 'javascript: anywhere in the item page');
		assert.ok(!page.body.includes('onerror='), 'onerror= anywhere in the item page');
		assert.match(page.body, /<title>&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
	});

	it('comes back escaped in the staff pages, with the form values intact', async () => {
		const list = await editor.get('/staff/news');
		assertInert(list.body, '/staff/news');
		const form = await editor.get(`/staff/news/${id}/edit`);
		assertInert(form.body, 'the edit form');
		const value = /name="title_fr" value="([^"]*)"/.exec(form.body)?.[1];
		const unescape = (s) => s.replaceAll('&lt;', '<').replaceAll('&gt;', '>')
			.replaceAll('&quot;', '"').replaceAll('&#39;', '\'').replaceAll('&amp;', '&');
		assert.equal(unescape(value), title, 'the title input round-trips');
		const area = /<textarea id="body_fr"[^>]*>([^<]*)<\/textarea>/.exec(form.body)?.[1];
		assert.equal(unescape(area), body, 'the body textarea round-trips');
	});

	it('comes back intact in JSON', async () => {
		const item = await publicItem(id);
		assert.equal(item.json.title, title);
		assert.equal(item.json.texts_title.fr, title);
		assert.equal(item.json.texts_body.fr, body);
		assert.ok(!/<script|<img|javascript:/i.test(item.json.body_html), item.json.body_html);
		const list = await anon.get('/news.json?lang=fr', { cookies: false });
		assert.equal(list.json.items.find((x) => x.id === id).title, title);
	});
});
