// SPDX-License-Identifier: AGPL-3.0-or-later
// The daemon under trouble: its PostgreSQL stopped and started again under it (503 with a
// stable code, never a crash, and recovery without a restart), and SIGTERM while a request
// is still arriving (the request finishes, new connections are refused, the process exits 0).

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startCluster } from '../lib/harness.mjs';
import {
	addUser, Client, createNews, errorCodeOf, loadDemo, PASSWORD, rawRequest, startSite, waitFor,
} from '../lib/http.mjs';

let cluster;

// 'connected' or the error code of a new TCP connection to the daemon.
function connectOutcome(port) {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		s.setTimeout(2000, () => {
			s.destroy();
			resolve('timeout');
		});
		s.once('connect', () => {
			s.destroy();
			resolve('connected');
		});
		s.once('error', (err) => resolve(err.code));
	});
}

before(async () => {
	cluster = await startCluster();
});

after(async () => {
	await cluster?.destroy();
});

describe('graceful shutdown', () => {
	it('finishes a request still arriving at SIGTERM, then exits 0', async () => {
		const srv = await startSite('official', { cluster });
		let exited = null;
		srv.exited.then((r) => {
			exited = r;
		});
		try {
			await addUser(srv, 'editor', 'slowpoke');
			const c = new Client(srv.url);
			const csrf = await c.csrf();
			const body = new URLSearchParams({ csrf, username: 'slowpoke', password: PASSWORD,
				next: '/staff' }).toString();
			const half = Math.floor(body.length / 2);
			const head = 'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
				'Content-Type: application/x-www-form-urlencoded\r\n' +
				`Content-Length: ${Buffer.byteLength(body)}\r\n` +
				`Cookie: __Host-csrf=${csrf}\r\nConnection: close\r\n\r\n`;
			let exitedBeforeRest = null;
			let newConnection = null;
			const r = await rawRequest(srv.port, head + body.slice(0, half), {
				timeoutMs: 15_000,
				chunks: [
					{ delayMs: 250, data: () => srv.proc.kill('SIGTERM') },
					{ delayMs: 0, data: async () => {
						// draining: the listening socket is closed, a new connection is
						// refused at once (a proxy tries another replica)
						await waitFor(() => /received SIGTERM/.test(srv.logs()),
							{ what: 'the SIGTERM log line' });
						newConnection = await connectOutcome(srv.port);
					} },
					{ delayMs: 300, data: (socket) => {
						exitedBeforeRest = exited;
						socket.write(body.slice(half));
					} },
				],
			});
			assert.equal(exitedBeforeRest, null, 'the daemon exited with a request in flight');
			assert.equal(newConnection, 'ECONNREFUSED', 'a new connection after SIGTERM');
			assert.equal(r.error, null, `the connection failed: ${r.error?.code}`);
			assert.equal(r.status, 303, `the answer: ${r.text.slice(0, 200)}`);
			assert.equal(r.headers.location, '/staff', 'the sign-in went through');
			assert.match(r.headers['set-cookie'] || '', /__Host-/);
		} finally {
			// waits for the exit (holding the process: it is unref'd once up), checks the code
			// and, on a sanitizer build, for reports
			assert.equal(await srv.stop(), 0);
		}
		assert.deepEqual(exited, { code: 0, signal: null });
		assert.match(srv.logs(), /received SIGTERM/);
	});

	it('exits 0 on SIGTERM with an idle keep-alive connection open', async () => {
		const srv = await startSite('citizen', { cluster });
		const r = await rawRequest(srv.port,
			'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', {
				timeoutMs: 10_000,
				chunks: [{ delayMs: 200, data: () => srv.proc.kill('SIGTERM') }],
			});
		assert.equal(r.status, 200);
		const t0 = Date.now();
		assert.equal(await srv.stop(), 0);
		assert.ok(Date.now() - t0 < 10_000);
	});
});

describe('database outage', () => {
	let srv;
	let editor;
	let newsId;

	before(async () => {
		srv = await startSite('official', { cluster, themeDir: 'demo/official' });
		await loadDemo(srv);
		await addUser(srv, 'editor', 'rania');
		editor = new Client(srv.url);
		assert.equal((await editor.login('rania', PASSWORD)).status, 303);
		newsId = (await new Client(srv.url).get('/news.json')).json.items[0].id;
	});

	after(async () => {
		if (!cluster.isRunning) await cluster.start();
		if (srv) assert.equal(await srv.stop(), 0);
	});

	it('answers 503 database_unavailable while PostgreSQL is down, and recovers', async () => {
		const anon = new Client(srv.url);
		assert.equal((await anon.get('/healthz')).status, 200);
		// a write makes every cached page stale, so the pages below are rendered (a query
		// string of its own would not do: the page cache leaves unread parameters out of its key)
		await createNews(editor, { title_fr: 'Avant la panne' });

		await cluster.stop();
		try {
			const health = await anon.get('/healthz');
			assert.equal(health.status, 503);
			assert.notEqual(health.json.status, 'ok');
			const ready = await anon.get('/readyz');
			assert.equal(ready.status, 503);
			assert.equal(ready.json.error.code, 'database_unavailable');
			const tag = `outage=${Date.now()}`;
			for (const path of [`/?${tag}`, `/news?${tag}`, `/news/${newsId}?${tag}`]) {
				const html = await anon.get(path);
				assert.equal(html.status, 503, path);
				assert.equal(errorCodeOf(html.body), 'database_unavailable', path);
				const json = await anon.get(path, { json: true });
				assert.equal(json.status, 503, path);
				assert.equal(json.json.error.code, 'database_unavailable', path);
			}
			const login = await new Client(srv.url).login('rania', PASSWORD, { json: true });
			assert.equal(login.status, 503);
			assert.equal(login.json.error.code, 'database_unavailable');
			const write = await editor.post('/staff/news', { title_fr: 'Pendant la panne',
				action: 'publish' }, { json: true });
			assert.ok(write.status >= 400, `a write during the outage answered ${write.status}`);
			assert.ok(write.status !== 500, 'a 500 during the outage');
			assert.equal((await anon.get('/about')).status, 200, 'pages without data still work');
			assert.equal(srv.proc?.exitCode, null, 'the daemon died');
		} finally {
			await cluster.start();
		}

		await waitFor(async () => (await anon.get('/healthz')).status === 200,
			{ what: '/healthz 200 after the restart', timeoutMs: 15_000 });
		assert.equal((await anon.get('/readyz')).status, 200);
		// every worker's connection recovers (more requests than threads)
		const answers = await Promise.all(Array.from({ length: 12 }, (_, i) =>
			new Client(srv.url).get(`/news/${newsId}?after=${i}`, { json: true })));
		assert.deepEqual(answers.map((r) => r.status), answers.map(() => 200));
		assert.equal((await anon.get('/news?after-outage=1', { json: true })).status, 200);
		// the old session still works and writes go through
		const id = await createNews(editor, { title_fr: 'Après la panne' });
		const item = await anon.get(`/news/${id}`, { json: true });
		assert.equal(item.json.title, 'Après la panne');
		const again = await new Client(srv.url).login('rania', PASSWORD);
		assert.equal(again.status, 303);
	});
});
