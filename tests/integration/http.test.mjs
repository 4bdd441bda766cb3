// SPDX-License-Identifier: AGPL-3.0-or-later
// The skeleton over HTTP, against both real daemons on a real PostgreSQL: public pages in
// every language with their JSON twins, keyset pagination, the error codes (404, 405, 413,
// 400, 415) in HTML and JSON, security headers, static files and the theme stylesheet, and
// the configuration errors and --help of the binaries.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, freePort, startCluster, startDaemon } from '../lib/harness.mjs';
import {
	addUser, assertSecurityHeaders, cli, Client, createNews, errorCodeOf, htmlAttrs, loadDemo,
	PASSWORD, rawRequest, startSite, tagsOf,
} from '../lib/http.mjs';

const LANGS = [
	{ lang: 'ar', dir: 'rtl' },
	{ lang: 'fr', dir: 'ltr' },
	{ lang: 'en', dir: 'ltr' },
];

// What each demo theme says, per language (demo/<side>/site.json).
const DEMO = {
	official: {
		name: { ar: 'بلدية تيزيري', fr: 'Commune de Tiziri', en: 'Commune of Tiziri' },
		colors: { primary: '#0b6e4f', accent: '#b3261e' },
		firstNewsFr: 'Adoption du budget primitif 2025',
		priorities: 3,
	},
	citizen: {
		name: { ar: 'تيزيري المواطنة', fr: 'Tiziri citoyenne', en: 'Tiziri citizens' },
		colors: { primary: '#1f4e8c', accent: '#b3261e' },
		priorities: 3,
	},
};
for (const side of Object.keys(DEMO)) {
	DEMO[side].news = JSON.parse(readFileSync(path.join(ROOT, 'demo', side, 'news.json'), 'utf8'))
		.length;
}

function rawGet(srv, path, headers = {}) {
	const lines = Object.entries({ Host: '127.0.0.1', Connection: 'close', ...headers })
		.map(([k, v]) => `${k}: ${v}\r\n`).join('');
	return rawRequest(srv.port, `GET ${path} HTTP/1.1\r\n${lines}\r\n`);
}

let cluster;
const daemons = {};

before(async () => {
	cluster = await startCluster();
	const [official, citizen] = await Promise.all([
		startSite('official', { cluster, themeDir: 'demo/official' }),
		startSite('citizen', { cluster, themeDir: 'demo/citizen' }),
	]);
	daemons.official = official;
	daemons.citizen = citizen;
	await Promise.all([loadDemo(official), loadDemo(citizen)]);
});

after(async () => {
	const codes = await Promise.all(Object.values(daemons).map((d) => d.stop()));
	assert.deepEqual(codes, codes.map(() => 0));
	await cluster?.destroy();
});

for (const side of ['official', 'citizen']) {
	describe(`${side}: public pages`, () => {
		let srv;
		let firstId;
		before(async () => {
			srv = daemons[side];
			const list = await new Client(srv.url).get('/news.json');
			assert.equal(list.status, 200);
			assert.ok(DEMO[side].news >= 2, 'the demo has news items');
			assert.equal(list.json.items.length, DEMO[side].news, 'the demo news items are listed');
			firstId = list.json.items.at(-1).id;
		});

		it('answers every public page in ar, fr and en with the right lang and dir', async () => {
			const pages = ['/', '/about', '/news', `/news/${firstId}`];
			for (const page of pages) {
				for (const { lang, dir } of LANGS) {
					const c = new Client(srv.url);
					const r = await c.get(`${page}?lang=${lang}`);
					assert.equal(r.status, 200, `${page}?lang=${lang}`);
					assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/);
					assert.deepEqual(htmlAttrs(r.body), { lang, dir }, `${page}?lang=${lang}`);
					// the page speaks that language: the commune's name in it
					assert.ok(r.body.includes(DEMO[side].name[lang]),
						`${page}?lang=${lang} lacks "${DEMO[side].name[lang]}"`);
					assert.equal(r.cookie('lang')?.value, lang, `${page}?lang=${lang} sets lang`);
					assertSecurityHeaders(r.headers, `${page}?lang=${lang}`);
				}
			}
		});

		it('chooses the language from ?lang, then the lang cookie, then Accept-Language', async () => {
			const c = new Client(srv.url);
			let r = await c.get('/about');
			assert.deepEqual(htmlAttrs(r.body), { lang: 'ar', dir: 'rtl' }, 'default is Arabic');

			r = await c.get('/about', { headers: { 'accept-language': 'fr-DZ,fr;q=0.9,ar;q=0.8' } });
			assert.deepEqual(htmlAttrs(r.body), { lang: 'fr', dir: 'ltr' }, 'fr-DZ → fr');
			r = await c.get('/about', { headers: { 'accept-language': 'ar;q=0.2, en;q=0.7' } });
			assert.equal(htmlAttrs(r.body).lang, 'en', 'highest q wins');
			r = await c.get('/about', { headers: { 'accept-language': 'de, *;q=0.1' } });
			assert.equal(htmlAttrs(r.body).lang, 'ar', 'nothing enabled → default');

			r = await c.get('/about?lang=en');
			assert.equal(c.cookie('lang'), 'en');
			r = await c.get('/about', { headers: { 'accept-language': 'fr' } });
			assert.deepEqual(htmlAttrs(r.body), { lang: 'en', dir: 'ltr' }, 'cookie beats Accept-Language');
			r = await c.get('/about?lang=ar', { headers: { 'accept-language': 'fr' } });
			assert.deepEqual(htmlAttrs(r.body), { lang: 'ar', dir: 'rtl' }, '?lang beats the cookie');
			assert.equal(c.cookie('lang'), 'ar');

			r = await new Client(srv.url).get('/about?lang=xx', { headers: { cookie: 'lang=zz' } });
			assert.equal(r.status, 200);
			assert.equal(htmlAttrs(r.body).lang, 'ar', 'unknown languages are ignored');
			assert.equal(r.cookie('lang'), undefined, 'no cookie for an unknown language');
		});

		it('serves the home JSON twin: name, presentation_html, priorities, items', async () => {
			const c = new Client(srv.url);
			for (const path of ['/.json?lang=fr', '/?lang=fr']) {
				const r = await c.get(path, { json: !path.includes('.json'), cookies: false });
				assert.equal(r.status, 200, path);
				assert.match(r.headers.get('content-type'), /^application\/json/, path);
				const j = r.json;
				assert.equal(j.name, DEMO[side].name.fr, path);
				assert.equal(typeof j.presentation_html, 'string');
				assert.match(j.presentation_html, /<p>.*<strong>Tiziri( citoyenne)?<\/strong>/s);
				assert.ok(Array.isArray(j.priorities), 'priorities is an array');
				assert.equal(j.priorities.length, DEMO[side].priorities);
				for (const p of j.priorities) {
					assert.equal(typeof p.title, 'string');
					assert.ok(p.title.length > 0);
					assert.equal(typeof p.text, 'string');
				}
				assert.ok(Array.isArray(j.items));
				assert.equal(j.items.length, Math.min(DEMO[side].news, 4));
				for (const it of j.items) {
					assert.equal(typeof it.id, 'number');
					assert.equal(typeof it.title, 'string');
					assert.equal(it.url, `/news/${it.id}`);
				}
			}
		});

		it('serves the about JSON twin', async () => {
			const r = await new Client(srv.url).get('/about.json?lang=en');
			assert.equal(r.status, 200);
			assert.equal(r.json.name, DEMO[side].name.en);
			assert.equal(r.json.side, side);
			assert.equal(typeof r.json.presentation_html, 'string');
		});

		it('serves the news list JSON twin: items and next', async () => {
			const c = new Client(srv.url);
			const a = await c.get('/news.json');
			const b = await c.get('/news', { json: true });
			for (const r of [a, b]) {
				assert.equal(r.status, 200);
				assert.ok(Array.isArray(r.json.items));
				assert.equal(r.json.items.length, DEMO[side].news);
				assert.ok('next' in r.json, 'the list has a next field');
				assert.equal(r.json.next, null, 'one page only');
			}
			assert.deepEqual(a.json, b.json, '.json and Accept: application/json agree');
			// newest first
			const ids = a.json.items.map((x) => x.id);
			assert.deepEqual(ids, [...ids].sort((x, y) => y - x));
		});

		it('serves the news item JSON twin with Accept: application/json', async () => {
			const r = await new Client(srv.url).get(`/news/${firstId}?lang=fr`, { json: true,
				cookies: false });
			assert.equal(r.status, 200);
			assert.equal(r.json.id, firstId);
			assert.equal(typeof r.json.title, 'string');
			if (DEMO[side].firstNewsFr) assert.equal(r.json.title, DEMO[side].firstNewsFr);
			assert.match(r.json.body_html, /^<p>/);
			assert.equal(r.json.status, 'published');
		});

		it('serves the news item JSON twin with the .json suffix', async () => {
			const r = await new Client(srv.url).get(`/news/${firstId}.json`);
			assert.equal(r.status, 200, `GET /news/${firstId}.json answered ${r.status} ` +
				`${r.headers.get('content-type')} (${r.errorCode})`);
			assert.match(r.headers.get('content-type'), /^application\/json/);
			assert.equal(r.json.id, firstId);
			assert.equal(typeof r.json.title, 'string');
			assert.equal(typeof r.json.body_html, 'string');
		});

		it('links every HTML page to its JSON twin', async () => {
			const r = await new Client(srv.url).get('/news');
			assert.ok(r.body.includes('href="/news.json"'), 'the news page links /news.json');
		});
	});
}

describe('pagination of /news', () => {
	let srv;
	let editor;
	const created = [];
	before(async () => {
		srv = daemons.official;
		await addUser(srv, 'editor', 'pager');
		editor = new Client(srv.url);
		const r = await editor.login('pager', PASSWORD);
		assert.equal(r.status, 303);
		for (let i = 1; i <= 12; i++) {
			const title = `Page test ${String(i).padStart(2, '0')}`;
			created.push({ id: await createNews(editor, { title_fr: title }), title });
			if (i === 6) await createNews(editor, { title_fr: 'A draft between' }, { publish: false });
		}
	});

	it('walks every published item once, newest first, through next', async () => {
		const anon = new Client(srv.url);
		const expected = [...created].reverse().map((x) => x.id);

		const seen = [];
		const sizes = [];
		let url = '/news.json';
		for (let guard = 0; url && guard < 10; guard++) {
			const r = await anon.get(url);
			assert.equal(r.status, 200, url);
			sizes.push(r.json.items.length);
			seen.push(...r.json.items.map((x) => x.id));
			if (r.json.next !== null) {
				assert.equal(typeof r.json.next, 'string');
				url = `/news.json?before=${encodeURIComponent(r.json.next)}`;
			} else {
				url = null;
			}
		}
		assert.equal(url, null, 'the walk ended with next = null');
		// 12 created + the demo items, 10 per page
		const total = 12 + DEMO.official.news;
		assert.deepEqual(sizes, [10, total - 10]);
		assert.equal(new Set(seen).size, seen.length, 'no duplicates');
		assert.deepEqual(seen.slice(0, 12), expected, 'created items, newest first');
		assert.equal(seen.length, total, 'the demo items end the list');
		const titles = (await Promise.all(seen.map((id) => anon.get(`/news/${id}?lang=fr`,
			{ json: true, cookies: false })))).map((r) => r.json.title);
		assert.ok(!titles.includes('A draft between'), 'the draft is not listed');
	});

	it('keeps its place when an item is published during the walk', async () => {
		const anon = new Client(srv.url);
		const first = await anon.get('/news.json');
		assert.equal(first.json.items.length, 10);
		const late = await createNews(editor, { title_fr: 'Published during the walk' });
		const second = await anon.get(`/news.json?before=${encodeURIComponent(first.json.next)}`);
		assert.equal(second.status, 200);
		const ids1 = first.json.items.map((x) => x.id);
		const ids2 = second.json.items.map((x) => x.id);
		assert.equal(ids1.filter((x) => ids2.includes(x)).length, 0, 'no item on both pages');
		assert.ok(!ids2.includes(late));
		assert.equal(ids2.length, 2 + DEMO.official.news, 'the second page is unchanged');
		const fresh = await anon.get('/news.json');
		assert.equal(fresh.json.items[0].id, late, 'the new item heads the first page');
	});

	it('renders the HTML pages with a rel=next link carrying the cursor', async () => {
		const anon = new Client(srv.url);
		const j = await anon.get('/news.json');
		const r = await anon.get('/news?lang=fr');
		const m = /<a href="([^"]*)" rel="next">/.exec(r.body);
		assert.ok(m, 'a rel=next link');
		assert.equal(m[1].replaceAll('&amp;', '&'), `/news?before=${encodeURIComponent(j.json.next)}`);
		const page2 = await anon.get(m[1].replaceAll('&amp;', '&'));
		assert.equal(page2.status, 200);
		assert.deepEqual(htmlAttrs(page2.body), { lang: 'fr', dir: 'ltr' });
	});

	it('rejects malformed cursors with 400 invalid_cursor', async () => {
		const anon = new Client(srv.url);
		for (const cursor of ['abc', '', '-5-1', '12-', '123-0', '1-1x', '1e5-1']) {
			const r = await anon.get(`/news.json?before=${encodeURIComponent(cursor)}`);
			assert.equal(r.status, 400, `cursor ${JSON.stringify(cursor)}`);
			assert.equal(r.json.error.code, 'invalid_cursor');
		}
		const html = await anon.get('/news?before=abc');
		assert.equal(html.status, 400);
		assert.equal(errorCodeOf(html.body), 'invalid_cursor');
	});

	it('rejects out-of-range cursors with 400 invalid_cursor, not a database error', async () => {
		const anon = new Client(srv.url);
		for (const cursor of ['9223372036854775807-1', '99999999999999999999-1']) {
			const r = await anon.get(`/news.json?before=${encodeURIComponent(cursor)}`);
			assert.equal(r.status, 400, `cursor ${cursor}: ${r.status} ${r.errorCode}`);
			assert.equal(r.json.error.code, 'invalid_cursor');
		}
	});
});

describe('errors', () => {
	let srv;
	before(() => {
		srv = daemons.official;
	});

	it('answers unknown routes with 404 not_found in HTML and JSON', async () => {
		const c = new Client(srv.url);
		for (const path of ['/nope', '/news/1/extra', '/staffx', '/static']) {
			const html = await c.get(path);
			assert.equal(html.status, 404, path);
			assert.equal(errorCodeOf(html.body), 'not_found', path);
			assert.deepEqual(htmlAttrs(html.body), { lang: 'ar', dir: 'rtl' });
			assertSecurityHeaders(html.headers, `404 ${path}`);
			const json = await c.get(path, { json: true });
			assert.equal(json.status, 404);
			assert.equal(json.json.error.code, 'not_found');
			assert.equal(typeof json.json.error.message, 'string');
		}
	});

	it('answers a missing news item with 404 news_not_found', async () => {
		const c = new Client(srv.url);
		for (const path of ['/news/999999', '/news/abc', '/news/0', '/news/-1']) {
			const r = await c.get(path, { json: true });
			assert.equal(r.status, 404, path);
			assert.equal(r.json.error.code, 'news_not_found', path);
		}
		const html = await c.get('/news/999999?lang=fr');
		assert.equal(errorCodeOf(html.body), 'news_not_found');
		assert.deepEqual(htmlAttrs(html.body), { lang: 'fr', dir: 'ltr' });
	});

	it('answers a wrong method with 405 method_not_allowed and an Allow header', async () => {
		const c = new Client(srv.url);
		const cases = [
			['DELETE', '/', ['GET', 'HEAD']],
			['POST', '/news', ['GET', 'HEAD']],
			['PUT', '/login', ['GET', 'HEAD', 'POST']],
			['GET', '/logout', ['POST']],
			['DELETE', '/news.json', ['GET', 'HEAD']],
		];
		for (const [method, path, allowed] of cases) {
			for (const json of [false, true]) {
				const r = await c.request(path, { method, json, cookies: false });
				assert.equal(r.status, 405, `${method} ${path}`);
				const allow = (r.headers.get('allow') || '').split(/,\s*/).sort();
				assert.deepEqual(allow, [...allowed].sort(), `Allow of ${method} ${path}`);
				assert.equal(r.errorCode, 'method_not_allowed', `${method} ${path} json=${json}`);
				if (json) assert.ok(r.json, 'a JSON error body');
			}
		}
	});

	it('answers an invalid path (bad UTF-8, %00) with 400 invalid_path', async () => {
		for (const path of ['/%C3%28', '/%00', '/news/%00', '/%FF', '/news/%ED%A0%80']) {
			const html = await rawGet(srv, path);
			assert.equal(html.status, 400, `${path}: ${html.text.slice(0, 80)}`);
			assert.equal(errorCodeOf(html.body), 'invalid_path', path);
			assertSecurityHeaders(html.headers, path);
			const json = await rawGet(srv, path, { Accept: 'application/json' });
			assert.equal(json.status, 400);
			assert.equal(JSON.parse(json.body).error.code, 'invalid_path', path);
		}
	});

	it('escapes the requested path it shows back on a 404 page', async () => {
		const r = await new Client(srv.url).get('/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
		assert.equal(r.status, 404);
		assert.ok(!/<script/i.test(r.body), 'a raw <script> in the page');
		assert.ok(tagsOf(r.body).every((t) => !/<script/i.test(t)));
	});

	it('answers a 5 MB body to /login with 413 payload_too_large', async () => {
		const size = 5 * 1024 * 1024;
		const head = 'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
			'Content-Type: application/x-www-form-urlencoded\r\n' +
			`Content-Length: ${size}\r\nConnection: close\r\n`;
		// a plain client: the headers and the whole body at once, sending on while the daemon
		// answers from the headers; the daemon then lingers on the socket (half-closed, reading
		// and discarding), so the client reads the answer instead of a reset
		const body = Buffer.alloc(size, 'a');
		const html = await rawRequest(srv.port, Buffer.concat([Buffer.from(`${head}\r\n`), body]));
		assert.equal(html.status, 413, html.text.slice(0, 200));
		assert.equal(errorCodeOf(html.body), 'payload_too_large');
		assertSecurityHeaders(html.headers, '413');
		const json = await rawRequest(srv.port,
			Buffer.concat([Buffer.from(`${head}Accept: application/json\r\n\r\n`), body]));
		assert.equal(json.status, 413);
		assert.equal(JSON.parse(json.body).error.code, 'payload_too_large');
	});

	it('caps /login at 4 KiB, also without a Content-Length (chunked)', async () => {
		const c = new Client(srv.url);
		const csrf = await c.csrf();
		// just under the cap is parsed (then the password is wrong or CSRF checked)
		const small = await c.post('/login', { username: 'nobody', password: 'x'.repeat(3500) },
			{ json: true });
		assert.equal(small.status, 401);
		// (over a raw socket: the daemon answers before reading the body and closes, which
		// fetch may report as EPIPE after the response)
		const over = `csrf=${csrf}&username=nobody&password=${'x'.repeat(5000)}`;
		const big = await rawRequest(srv.port,
			'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n' +
			'Content-Type: application/x-www-form-urlencoded\r\n' +
			`Content-Length: ${Buffer.byteLength(over)}\r\n` +
			`Cookie: __Host-csrf=${csrf}\r\nConnection: close\r\n\r\n${over}`);
		assert.equal(big.status, 413);
		assert.equal(JSON.parse(big.body).error.code, 'payload_too_large');

		const body = `csrf=${csrf}&username=nobody&password=${'y'.repeat(8000)}`;
		const chunked = await rawRequest(srv.port,
			'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n' +
			'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n' +
			`Cookie: __Host-csrf=${csrf}\r\nConnection: close\r\n\r\n` +
			`${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`);
		assert.equal(chunked.status, 413, chunked.text.slice(0, 200));
		assert.equal(JSON.parse(chunked.body).error.code, 'payload_too_large');
	});

	it('caps the news form at 256 KiB before anything else', async () => {
		const r = await rawRequest(srv.port,
			'POST /staff/news HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n' +
			'Content-Type: application/x-www-form-urlencoded\r\n' +
			`Content-Length: ${257 * 1024}\r\nConnection: close\r\n\r\n`);
		assert.equal(r.status, 413);
		assert.equal(JSON.parse(r.body).error.code, 'payload_too_large');
	});

	it('answers a malformed urlencoded body with 400 invalid_form', async () => {
		const c = new Client(srv.url);
		await c.csrf();
		for (const body of ['=x', '=x&username=a']) {
			const r = await c.request('/login', { method: 'POST', body, json: true,
				headers: { 'content-type': 'application/x-www-form-urlencoded' } });
			assert.equal(r.status, 400, JSON.stringify(body));
			assert.equal(r.json.error.code, 'invalid_form', JSON.stringify(body));
		}
		const html = await c.request('/login', { method: 'POST', body: '=x',
			headers: { 'content-type': 'application/x-www-form-urlencoded' } });
		assert.equal(html.status, 400);
		assert.equal(errorCodeOf(html.body), 'invalid_form');
	});

	it('answers a body that is not UTF-8 with 400 invalid_utf8', async () => {
		const c = new Client(srv.url);
		const csrf = await c.csrf();
		for (const bad of ['%C3%28', '%00', '%ED%A0%80', '%F4%90%80%80', '%C0%AF']) {
			const r = await c.request('/login', { method: 'POST', json: true,
				body: `csrf=${csrf}&username=${bad}&password=whatever12`,
				headers: { 'content-type': 'application/x-www-form-urlencoded' } });
			assert.equal(r.status, 400, bad);
			assert.equal(r.json.error.code, 'invalid_utf8', bad);
		}
	});

	it('answers another media type with 415 unsupported_media_type', async () => {
		const c = new Client(srv.url);
		for (const type of ['text/plain', 'application/json']) {
			const r = await c.request('/login', { method: 'POST', json: true,
				body: '{"username":"a"}', headers: { 'content-type': type } });
			assert.equal(r.status, 415, type);
			assert.equal(r.json.error.code, 'unsupported_media_type');
		}
	});
});

describe('security headers', () => {
	it('are on every kind of response', async () => {
		const srv = daemons.official;
		const c = new Client(srv.url);
		const etag = (await c.get('/static/baladiya.css')).headers.get('etag');
		const cases = [
			['GET', '/', {}, 200],
			['GET', '/news', { json: true }, 200],
			['GET', '/news.json', {}, 200],
			['HEAD', '/about', {}, 200],
			['GET', '/login', {}, 200],
			['GET', '/staff', {}, 303],
			['GET', '/staff/news.json', {}, 401],
			['GET', '/nope', {}, 404],
			['GET', '/nope', { json: true }, 404],
			['DELETE', '/', {}, 405],
			['GET', '/news?before=x', {}, 400],
			['POST', '/login', { body: 'a=1', headers: { 'content-type': 'text/plain' } }, 415],
			['POST', '/login', { body: 'username=a',
				headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 403],
			['GET', '/static/baladiya.css', { headers: { 'if-none-match': etag } }, 304],
			['GET', '/theme.css', {}, 200],
			['GET', '/healthz', {}, 200],
		];
		for (const [method, path, opts, status] of cases) {
			const r = await c.request(path, { method, cookies: false, ...opts });
			assert.equal(r.status, status, `${method} ${path}`);
			assertSecurityHeaders(r.headers, `${method} ${path} (${status})`);
		}
	});

	it('answers HEAD like GET without a body', async () => {
		const c = new Client(daemons.official.url);
		for (const path of ['/', '/news', '/news.json', '/static/logo.svg']) {
			const get = await c.get(path, { cookies: false });
			const head = await c.request(path, { method: 'HEAD', cookies: false });
			assert.equal(head.status, get.status, path);
			assert.equal(head.body, '', path);
			assert.equal(head.headers.get('content-type'), get.headers.get('content-type'), path);
		}
	});
});

describe('static files and theme', () => {
	it('serves /static/* with an ETag and answers If-None-Match with 304', async () => {
		const srv = daemons.official;
		const c = new Client(srv.url);
		for (const file of ['/static/logo.svg', '/static/baladiya.css']) {
			const r = await c.get(file);
			assert.equal(r.status, 200, file);
			const etag = r.headers.get('etag');
			assert.match(etag, /^"[0-9a-f]{16}"$/, file);
			assert.ok(r.body.length > 0);
			const again = await c.get(file, { headers: { 'if-none-match': etag } });
			assert.equal(again.status, 304, file);
			assert.equal(again.body, '');
			assert.equal(again.headers.get('etag'), etag);
			assertSecurityHeaders(again.headers, `304 ${file}`);
			const other = await c.get(file, { headers: { 'if-none-match': '"0000000000000000"' } });
			assert.equal(other.status, 200, 'another ETag gets the file');
		}
		const svg = await c.get('/static/logo.svg');
		assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
		assert.match(svg.body, /<svg/);
		// the page links its assets with the version from the same ETag
		const home = await c.get('/');
		const etag = svg.headers.get('etag').slice(1, 9);
		assert.ok(home.body.includes(`/static/logo.svg?v=${etag}`));
	});

	it('answers a missing static file with 404 and never leaves the static table', async () => {
		const srv = daemons.official;
		const c = new Client(srv.url);
		assert.equal((await c.get('/static/nope.css')).status, 404);
		for (const path of ['/static/../site.json', '/static/%2e%2e/site.json',
			'/static/..%2Fsite.json', '/static/templates/layout.mustache']) {
			const r = await rawGet(srv, path);
			assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
			assert.ok(!r.body.includes('"colors"'), `${path} leaked site.json`);
		}
	});

	for (const side of ['official', 'citizen']) {
		it(`${side}: /theme.css has the demo theme colours`, async () => {
			const r = await new Client(daemons[side].url).get('/theme.css');
			assert.equal(r.status, 200);
			assert.match(r.headers.get('content-type'), /^text\/css/);
			for (const [name, value] of Object.entries(DEMO[side].colors)) {
				assert.ok(r.body.includes(`--color-${name}: ${value};`),
					`--color-${name}: ${value} missing in:\n${r.body}`);
			}
		});
	}

	it('answers /healthz with 200 {"status":"ok"}', async () => {
		const r = await new Client(daemons.official.url).get('/healthz');
		assert.equal(r.status, 200);
		assert.equal(r.json.status, 'ok');
		assert.equal(r.headers.get('cache-control'), 'no-store');
	});
});

describe('page cache', () => {
	it('serves anonymous repeats from the cache and never a signed-in visitor', async () => {
		const srv = daemons.citizen;
		const anon = new Client(srv.url);
		await anon.get('/about');
		const hit = await anon.get('/about');
		assert.equal(hit.headers.get('x-cache'), 'hit');
		assertSecurityHeaders(hit.headers, 'a cache hit');
		assert.deepEqual(htmlAttrs(hit.body), { lang: 'ar', dir: 'rtl' });
		// another language is another entry
		const fr = await anon.get('/about', { headers: { 'accept-language': 'fr' } });
		assert.deepEqual(htmlAttrs(fr.body), { lang: 'fr', dir: 'ltr' });
		// JSON and HTML are different entries
		const j = await anon.get('/about', { json: true });
		assert.equal(j.json.side, 'citizen');

		await addUser(srv, 'moderator', 'cachemod');
		const staff = new Client(srv.url);
		assert.equal((await staff.login('cachemod', PASSWORD)).status, 303);
		const mine = await staff.get('/about');
		assert.equal(mine.headers.get('x-cache'), null, 'a signed-in page from the cache');
		assert.ok(mine.body.includes('action="/logout"'), 'the signed-in header');
		assert.ok(mine.body.includes('cachemod'));
		// and the anonymous page did not pick up the signed-in one
		const again = await anon.get('/about');
		assert.ok(!again.body.includes('cachemod'));
		assert.ok(!again.body.includes('action="/logout"'));
	});
});

describe('configuration and --help', () => {
	for (const side of ['official', 'citizen']) {
		it(`${side}: a bad value exits 2 naming every bad variable`, async () => {
			const r = await cli(side, [], {
				env: { BALADIYA_PORT: 'abc', BALADIYA_THREADS: '0', BALADIYA_SECURE_COOKIES: 'maybe' },
			});
			assert.equal(r.code, 2, r.stderr);
			assert.match(r.stderr, /BALADIYA_PORT/);
			assert.match(r.stderr, /"abc" is not an integer/);
			assert.match(r.stderr, /BALADIYA_THREADS/);
			assert.match(r.stderr, /BALADIYA_SECURE_COOKIES/);
		});
	}

	it('rejects an out-of-range port and a bad log level with exit 2', async () => {
		for (const env of [{ BALADIYA_PORT: '70000' }, { BALADIYA_LOG_LEVEL: 'loud' },
			{ BALADIYA_MAX_BODY_KIB: '-1' }]) {
			const r = await cli('official', ['serve'], { env });
			assert.equal(r.code, 2, JSON.stringify(env));
			assert.ok(r.stderr.includes(Object.keys(env)[0]), r.stderr);
		}
	});

	it('prints the configuration table with --help', async () => {
		for (const side of ['official', 'citizen']) {
			const r = await cli(side, ['--help']);
			assert.equal(r.code, 0);
			for (const name of ['BALADIYA_PORT', 'BALADIYA_THREADS', 'BALADIYA_THEME_DIR',
				'BALADIYA_SECURE_COOKIES', 'BALADIYA_LANGUAGES', 'PGHOST']) {
				assert.ok(r.stdout.includes(name), `${side}-srv --help lacks ${name}`);
			}
			assert.match(r.stdout, new RegExp(`usage: ${side}-srv`));
			assert.match(r.stdout, /range 1\.\.65535/);
		}
	});

	it('a daemon whose port is taken exits 1 before it migrates, signs or sends anything', async () => {
		const cluster = await startCluster();
		const database = await cluster.createDatabase('port_taken');
		const port = await freePort();
		// the holder hangs up on whoever connects (the harness polls /healthz meanwhile)
		const holder = net.createServer((socket) => socket.destroy());
		await new Promise((resolve) => holder.listen(port, '127.0.0.1', resolve));
		try {
			await assert.rejects(startDaemon('official', { cluster, database, port }), (err) => {
				assert.match(err.message, /exited before answering \/healthz \(code 1/);
				assert.match(err.message,
					new RegExp(`could not listen on 127\\.0\\.0\\.1:${port}: Address already in use`));
				assert.doesNotMatch(err.message, /applying migration|emitted event|holds the role/);
				return true;
			});
			assert.equal((await cluster.psql(
				"SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", { database })).trim(), '0');
		} finally {
			await new Promise((resolve) => holder.close(resolve));
			await cluster.stop();
		}
	});

	it('answers an unknown command with the usage and exit 2', async () => {
		const r = await cli('official', ['frobnicate']);
		assert.equal(r.code, 2);
		assert.match(r.stderr, /usage: official-srv/);
	});
});
