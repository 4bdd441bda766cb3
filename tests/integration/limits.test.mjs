// SPDX-License-Identifier: AGPL-3.0-or-later
// Limits that act before the cost is paid (issue 11, point 3, and two of point 5), against real
// daemons on a real PostgreSQL, over raw sockets where the timing of bytes matters:
//   - a staff POST without a session, a resident form without its CSRF cookie and a body over
//     the (now small) default cap are refused on the headers: the answer arrives while not one
//     byte of the body has been sent; a client that sends the whole body at once still reads it;
//   - request bodies held at once are bounded (BALADIYA_BODY_MEMORY_MIB): 503 server_busy;
//   - CPU-heavy requests (sign-in) go through a bounded queue: under a flood some get
//     503 server_busy with Retry-After (held a second: the tarpit), and ordinary pages keep
//     answering;
//   - connections per client address and overall are capped;
//   - the page cache keeps a hot page after 600 distinct query strings (unknown parameters are
//     left out of the key; parameters the page reads are in it, and the most used entries stay);
//   - error pages never link to another site, whatever the path (//evil.example/x).
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/limits.test.mjs

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startCluster } from '../lib/harness.mjs';
import {
	Client, errorCodeOf, loadDemo, parseRawResponse, rawRequest, startSite, tagsOf,
} from '../lib/http.mjs';

let cluster;
const daemons = [];
let official; // demo loaded; a work queue of one thread and one waiting slot
let citizen; // 16 MiB of request bodies at once

async function start(side, opts) {
	const srv = await startSite(side, { cluster, ...opts });
	daemons.push(srv);
	return srv;
}

before(async () => {
	cluster = await startCluster();
	[official, citizen] = await Promise.all([
		start('official', { themeDir: 'demo/official',
			env: { BALADIYA_HEAVY_THREADS: '1', BALADIYA_HEAVY_QUEUE: '1' } }),
		start('citizen', { themeDir: 'demo/citizen', env: { BALADIYA_BODY_MEMORY_MIB: '16' } }),
	]);
	await loadDemo(official);
});

after(async () => {
	const codes = await Promise.all(daemons.map((d) => d.stop()));
	assert.deepEqual(codes, codes.map(() => 0));
	await cluster?.destroy();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends only the request's head (which announces a body) and waits up to waitMs for an answer,
 * sending nothing more. Resolves to the parsed answer (status null when none came) and
 * bodyBytesSent (always 0: the body is never sent).
 */
function answerToHead(port, head, { waitMs = 5000 } = {}) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		const parts = [];
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			socket.destroy();
			const text = Buffer.concat(parts).toString('utf8');
			resolve({ text, bodyBytesSent: 0, ...parseRawResponse(text) });
		};
		const timer = setTimeout(finish, waitMs);
		socket.on('data', (c) => parts.push(c));
		socket.on('end', finish);
		socket.on('close', finish);
		socket.on('error', () => {});
		socket.on('connect', () => socket.write(head));
	});
}

function postHead(path, length, headers = {}) {
	const lines = Object.entries({ Host: '127.0.0.1', Accept: 'application/json',
		'Content-Length': String(length), Connection: 'close', ...headers })
		.map(([k, v]) => `${k}: ${v}\r\n`).join('');
	return `POST ${path} HTTP/1.1\r\n${lines}\r\n`;
}

const CSRF = 'c'.repeat(64);

describe('refused on the headers, before the body', () => {
	test('a staff POST without a session: 401 before any byte of its 8 MiB body', async () => {
		const size = 8 * 1024 * 1024; // under the milestone route's 9 MiB cap
		const multipart = { 'Content-Type': 'multipart/form-data; boundary=x' };
		for (const cookie of [undefined, `__Host-session=${'a'.repeat(64)}`]) {
			const head = postHead('/staff/projects/1/milestones', size,
				{ ...multipart, ...(cookie ? { Cookie: cookie } : {}) });
			const t0 = Date.now();
			const r = await answerToHead(official.port, head);
			assert.equal(r.status, 401, `${cookie ?? 'no cookie'}: no answer before the body ` +
				`(${r.text.slice(0, 100)})`);
			assert.equal(JSON.parse(r.body).error.code, 'login_required');
			assert.ok(Date.now() - t0 < 4000);
			// the same, from a client that sends everything at once and keeps sending: it
			// still reads the answer (the socket lingers instead of being reset)
			const whole = await rawRequest(official.port,
				Buffer.concat([Buffer.from(head), Buffer.alloc(size, 'x')]));
			assert.equal(whole.status, 401, `${whole.error?.code} ${whole.text.slice(0, 100)}`);
		}
	});

	test('a resident form without its CSRF cookie: 403 before the body', async () => {
		const r = await answerToHead(citizen.port, postHead('/reports', 20 * 1024 * 1024,
			{ 'Content-Type': 'multipart/form-data; boundary=x' }));
		assert.equal(r.status, 403, r.text.slice(0, 200));
		assert.equal(JSON.parse(r.body).error.code, 'csrf_failed');
	});

	test('the default body cap is small (64 KiB): 413 on the headers for a route without one',
		async () => {
			// POST /reports/{ref}/support sets no cap of its own
			const r = await answerToHead(citizen.port, postHead('/reports/R-AAAA-AAAA/support',
				100 * 1024, { 'Content-Type': 'application/x-www-form-urlencoded',
					Cookie: `__Host-csrf=${CSRF}` }));
			assert.equal(r.status, 413, r.text.slice(0, 200));
			assert.equal(JSON.parse(r.body).error.code, 'payload_too_large');
		});

	test('413 is read by a plain client that sends its whole body at once', async () => {
		const size = 5 * 1024 * 1024;
		const head = postHead('/login', size,
			{ 'Content-Type': 'application/x-www-form-urlencoded' });
		for (let i = 0; i < 5; i++) {
			const r = await rawRequest(official.port,
				Buffer.concat([Buffer.from(head), Buffer.alloc(size, 'a')]));
			assert.equal(r.status, 413, `try ${i}: ${r.error?.code} ${r.text.slice(0, 100)}`);
			assert.equal(JSON.parse(r.body).error.code, 'payload_too_large');
		}
		// and fetch, which reports a reset as an error instead of the answer
		for (let i = 0; i < 3; i++) {
			const res = await fetch(`${official.url}/login`, { method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded',
					accept: 'application/json' },
				body: Buffer.alloc(size, 'a') });
			assert.equal(res.status, 413);
			assert.equal((await res.json()).error.code, 'payload_too_large');
		}
	});

	test('request bodies held at once are bounded: 503 server_busy on the headers', async () => {
		// a slow upload holds 10 of the 16 MiB; a second one of 10 MiB is refused at once
		const head = postHead('/reports', 10 * 1024 * 1024,
			{ 'Content-Type': 'multipart/form-data; boundary=x', Cookie: `__Host-csrf=${CSRF}` });
		const slow = net.connect(citizen.port, '127.0.0.1');
		slow.on('error', () => {});
		await new Promise((r) => slow.on('connect', r));
		slow.write(head);
		slow.write('--x\r\n');
		await sleep(300);
		try {
			const r = await answerToHead(citizen.port, head);
			assert.equal(r.status, 503, r.text.slice(0, 200));
			assert.equal(JSON.parse(r.body).error.code, 'server_busy');
			assert.ok(Number(r.headers['retry-after']) > 0, 'no Retry-After');
		} finally {
			slow.destroy();
		}
		// once it is gone, the room is back
		await sleep(300);
		const again = await answerToHead(citizen.port, postHead('/reports/R-AAAA-AAAA/support',
			10, { 'Content-Type': 'application/x-www-form-urlencoded' }), { waitMs: 1500 });
		assert.notEqual(again.status, 503);
	});
});

describe('CPU-heavy work on a bounded queue', () => {
	test('a sign-in flood gets 503 server_busy with Retry-After; pages keep answering',
		async () => {
			const c = new Client(official.url);
			const csrf = await c.csrf();
			const login = async () => {
				const t0 = Date.now();
				const r = await c.request('/login', { method: 'POST', json: true,
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					body: `csrf=${csrf}&username=nobody-${Math.random()}&password=wrong-password-1` });
				r.ms = Date.now() - t0;
				return r;
			};
			const statuses = [];
			const pages = [];
			for (let round = 0; round < 3; round++) {
				const flood = Array.from({ length: 16 }, login);
				const page = (async () => {
					const t0 = Date.now();
					const r = await fetch(`${official.url}/about`);
					await r.text();
					pages.push({ status: r.status, ms: Date.now() - t0 });
				})();
				for (const r of await Promise.all(flood)) {
					statuses.push(r.status);
					if (r.status === 503) {
						assert.equal(r.json.error.code, 'server_busy');
						assert.ok(Number(r.headers.get('retry-after')) > 0, 'no Retry-After');
						// a small request's refusal waits a second (the tarpit), so that a
						// client asking again at once cannot send thousands a second
						assert.ok(r.ms >= 900, `a 503 after ${r.ms} ms`);
					} else {
						// checked: a wrong password, or the sign-in throttle of this client
						assert.ok([401, 429].includes(r.status), `${r.status} ${r.body.slice(0, 100)}`);
					}
				}
				await page;
			}
			assert.ok(statuses.includes(503), `no 503 in ${statuses.join(' ')}`);
			assert.ok(statuses.includes(401) || statuses.includes(429), 'no sign-in was checked');
			assert.ok(pages.every((p) => p.status === 200), JSON.stringify(pages));
		});
});

describe('connection limits', () => {
	/** Opens a connection and resolves once it is established. */
	const open = (port) => new Promise((resolve, reject) => {
		const s = net.connect(port, '127.0.0.1', () => resolve(s));
		s.on('error', reject);
	});
	const healthz = (port, waitMs) => rawRequest(port,
		'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
		{ timeoutMs: waitMs });

	test('per client address (BALADIYA_MAX_CONNECTIONS_PER_IP)', async () => {
		const srv = await start('official', { env: { BALADIYA_MAX_CONNECTIONS_PER_IP: '4' } });
		const idle = await Promise.all([1, 2, 3, 4].map(() => open(srv.port)));
		await sleep(200);
		try {
			const r = await healthz(srv.port, 3000);
			assert.equal(r.status, null, `a fifth connection was served: ${r.text.slice(0, 80)}`);
		} finally {
			idle.forEach((s) => s.destroy());
		}
		await sleep(300);
		assert.equal((await healthz(srv.port, 3000)).status, 200);
	});

	test('overall (BALADIYA_MAX_CONNECTIONS): the next one waits for a free place', async () => {
		const srv = await start('official', { env: { BALADIYA_MAX_CONNECTIONS: '6',
			BALADIYA_MAX_CONNECTIONS_PER_IP: '0', BALADIYA_THREADS: '1' } });
		const idle = await Promise.all([1, 2, 3, 4, 5, 6].map(() => open(srv.port)));
		await sleep(200);
		const t0 = Date.now();
		const waiting = healthz(srv.port, 8000).then((r) => ({ ...r, ms: Date.now() - t0 }));
		await sleep(1500);
		idle[0].destroy();
		const r = await waiting;
		idle.forEach((s) => s.destroy());
		assert.equal(r.status, 200);
		assert.ok(r.ms >= 1400, `the seventh connection was served after ${r.ms} ms`);
	});
});

describe('the pages\' queue', () => {
	test('requests their clients abandon while they wait for a worker are answered to no one, '
		+ 'and nothing of them is kept', async () => {
		// one page worker: most of these wait in the queue while their client closes; the
		// answer made for a closed connection must be freed (LeakSanitizer on the asan build
		// fails the stop in after() otherwise)
		const srv = await start('official', { env: { BALADIYA_THREADS: '1' } });
		await Promise.all(Array.from({ length: 120 }, (_, i) => new Promise((resolve) => {
			const s = net.connect(srv.port, '127.0.0.1', () => {
				s.write(`GET /news?q=${i} HTTP/1.1\r\nHost: 127.0.0.1\r\n`
					+ 'Cache-Control: no-cache\r\n\r\n');
				setTimeout(() => s.destroy(), i % 3);
			});
			s.on('close', resolve);
			s.on('error', () => {});
		})));
		const r = await rawRequest(srv.port,
			'GET /news HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
		assert.equal(r.status, 200);
		daemons.splice(daemons.indexOf(srv), 1);
		assert.equal(await srv.stop(), 0); // throws on a sanitizer report
	});
});

describe('the page cache', () => {
	const get = async (path) => {
		const r = await fetch(`${official.url}${path}`, { headers: { 'accept-language': 'fr' } });
		return { status: r.status, hit: r.headers.get('x-cache') === 'hit', body: await r.text() };
	};

	test('query parameters the page does not read are left out of the key', async () => {
		const first = await get('/?utm_source=0');
		assert.equal(first.status, 200);
		for (let i = 1; i < 600; i++) {
			const r = await get(`/?utm_source=${i}`);
			assert.ok(r.hit, `/?utm_source=${i} was rendered again`);
			assert.equal(r.body, first.body);
		}
	});

	test('the parameters it reads are in the key: different answers, never mixed up', async () => {
		const list = await get('/projects.json');
		const title = JSON.parse(list.body).items[0].title;
		const word = title.split(/\s+/).find((w) => w.length >= 5) ?? title;
		const found = await get(`/projects.json?q=${encodeURIComponent(word)}`);
		const none = await get('/projects.json?q=zzzzqqqq');
		assert.ok(JSON.parse(found.body).items.length > 0, `nothing found for ${word}`);
		assert.equal(JSON.parse(none.body).items.length, 0);
		const again = await get(`/projects.json?q=${encodeURIComponent(word)}&utm=1`);
		assert.ok(again.hit);
		assert.equal(again.body, found.body);
	});

	test('Cache-Control: no-cache renders the page, and stores it for the others', async () => {
		await get('/about');
		const fresh = await fetch(`${official.url}/about`,
			{ headers: { 'accept-language': 'fr', 'cache-control': 'no-cache' } });
		assert.equal(fresh.status, 200);
		assert.equal(fresh.headers.get('x-cache'), null);
		assert.ok((await get('/about')).hit);
	});

	test('a hot page stays cached while 600 distinct searches go through', async () => {
		await get('/about');
		assert.ok((await get('/about')).hit);
		for (let i = 0; i < 600; i++) {
			const r = await get(`/projects?q=flood${i}`);
			assert.equal(r.status, 200);
			if (i % 20 === 19) assert.ok((await get('/about')).hit, `/about evicted after ${i + 1}`);
		}
	});
});

describe('links on error pages', () => {
	test('no path makes a link to another site', async () => {
		for (const p of ['//evil.example/x', '/%2F%2Fevil.example/x', '/\\evil.example/x',
			'/%5Cevil.example/x', '///evil.example/x']) {
			const r = await rawRequest(official.port, `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
				'Accept-Language: fr\r\nConnection: close\r\n\r\n');
			assert.equal(r.status, 404, `${p}: ${r.text.slice(0, 80)}`);
			assert.equal(errorCodeOf(r.body), 'not_found');
			const hrefs = tagsOf(r.body).map((t) => /\shref="([^"]*)"/.exec(t)?.[1])
				.filter((h) => h !== undefined);
			assert.ok(hrefs.length > 3, p);
			for (const h of hrefs) {
				const u = new URL(h.replaceAll('&amp;', '&'), 'http://site.test/here');
				assert.equal(u.host, 'site.test', `${p}: the page links to ${h}`);
			}
			assert.ok(hrefs.some((h) => /evil\.example\/x\?lang=ar$/.test(h)),
				`${p}: no language link to the normalised path in ${hrefs.join(' ')}`);
		}
	});
});
