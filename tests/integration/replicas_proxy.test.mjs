// SPDX-License-Identifier: AGPL-3.0-or-later
// Two replicas per side on one database behind a real nginx (Debian's, with the repository's
// deploy/nginx/baladiya.conf.template, tests/lib/proxy.mjs), as docker-compose.yml deploys
// them: each side's BALADIYA_PUBLIC_URL is its proxy, its BALADIYA_PEER_URL and its pairing the
// other side's proxy, the replicas share one data folder and trust the proxy's
// X-Forwarded-For. News published through official's proxy reaches the citizen platform through
// the proxies; a page is the same whichever replica answers; a client's flood hits its limit
// at the configured count while two clients are served by two replicas; /readyz answers
// through the proxy (and 503 migrations_pending when a migration is missing); a body over nginx's
// default size reaches the daemon, whose route cap answers; the official replica holding the
// sender SIGKILLed in a burst, the other takes over and the citizen platform, reached through its
// proxy, stores every event once, in order; a replica stopped, the proxy serves from the other.

import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { freePort, startCluster, tempDir } from '../lib/harness.mjs';
import { checkLog, emitBurst, pair, readLog, staffClient, waitForMirror } from '../lib/federation.mjs';
import { Client, createNews, getJson, sql, startSite, waitFor } from '../lib/http.mjs';
import { startNginx } from '../lib/proxy.mjs';
import { waitForHolder } from '../lib/replicas.mjs';

const SIDES = ['official', 'citizen'];
const PEER = { official: 'citizen', citizen: 'official' };
const LIMIT = 3; // reactions a minute per client on the citizen side

let cluster;
const replicas = { official: [], citizen: [] };
const proxies = {};

/**
 * One request from a given loopback source address (nginx routes by the client's address:
 * 127.0.0.x are different clients). Resolves to {status, headers, body}.
 */
function requestFrom(localAddress, url, { method = 'GET', headers = {}, body } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers, localAddress, agent: false }, (res) => {
			const parts = [];
			res.on('data', (c) => parts.push(c));
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
				body: Buffer.concat(parts).toString('utf8') }));
		});
		req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${url}: timeout`)));
		req.on('error', reject);
		req.end(body);
	});
}

/** host:port of a replica, as nginx logs its upstream. */
const hostPort = (srv) => new URL(srv.url).host;

/**
 * Runs fn (requests from the client address from through proxy) and resolves to the replicas
 * nginx logged for them, once all n are logged: nginx writes its access line after the answer
 * has gone, so a client may read the answer first.
 */
async function upstreamsFor(proxy, from, n, fn) {
	const seen = proxy.upstreamsOf(from).length;
	await fn();
	let ups;
	await waitFor(() => (ups = proxy.upstreamsOf(from).slice(seen)).length >= n,
		{ what: `nginx's access lines of ${from}` });
	return ups;
}

before(async () => {
	cluster = await startCluster();
	const proxyPort = {};
	for (const side of SIDES) {
		proxyPort[side] = await freePort();
		while (Object.values(proxyPort).filter((p) => p === proxyPort[side]).length > 1) {
			proxyPort[side] = await freePort();
		}
	}
	const proxyUrl = (side) => `http://127.0.0.1:${proxyPort[side]}`;
	for (const side of SIDES) {
		const database = await cluster.createDatabase(`${side}_replicas`);
		const dataDir = tempDir(`baladiya-${side}-shared-`);
		for (let n = 0; n < 2; n++) {
			replicas[side].push(await startSite(side, {
				cluster, database, dataDir, themeDir: `demo/${side}`,
				env: {
					BALADIYA_PUBLIC_URL: proxyUrl(side),
					BALADIYA_PEER_URL: proxyUrl(PEER[side]),
					BALADIYA_TRUSTED_PROXIES: '127.0.0.1',
					...(side === 'citizen' ? { BALADIYA_RATE_LIMITS: `*=100000,reaction=${LIMIT}` } : {}),
				},
			}));
		}
		proxies[side] = await startNginx({ upstreams: replicas[side].map((r) => r.url),
			port: proxyPort[side] });
	}
	// pairing is stored in the side's database: once per side, with the other side's proxy
	await pair(replicas.official[0], replicas.citizen[0], proxies.citizen.url);
	await pair(replicas.citizen[0], replicas.official[0], proxies.official.url);
});

after(async () => {
	for (const side of SIDES) {
		if (proxies[side]) await proxies[side].stop();
		for (const r of replicas[side]) if (r.proc) assert.equal(await r.stop(), 0);
	}
	await cluster?.destroy();
});

describe('two replicas per side behind nginx', () => {
	it('answers /readyz through the proxy; 503 migrations_pending without a migration', async () => {
		for (const side of SIDES) {
			const r = await fetch(`${proxies[side].url}/readyz`);
			assert.equal(r.status, 200);
			assert.equal(r.headers.get('cache-control'), 'no-store');
			assert.deepEqual(await r.json(), { status: 'ready', database: 'reachable',
				migrations: 'current' });
		}
		const srv = replicas.official[0];
		const last = (await sql(srv, 'SELECT name FROM schema_migrations ORDER BY name DESC LIMIT 1'))
			.trim();
		await sql(srv, `DELETE FROM schema_migrations WHERE name = '${last}'`);
		try {
			for (const url of [proxies.official.url, ...replicas.official.map((r) => r.url)]) {
				const r = await fetch(`${url}/readyz`, { headers: { accept: 'text/html' } });
				assert.equal(r.status, 503, url);
				assert.equal((await r.json()).error.code, 'migrations_pending', url);
			}
			// alive all the same
			assert.equal((await fetch(`${proxies.official.url}/healthz`)).status, 200);
		} finally {
			await sql(srv, `INSERT INTO schema_migrations (name) VALUES ('${last}')`);
		}
		assert.equal((await fetch(`${proxies.official.url}/readyz`)).status, 200);
		// a database never migrated (no table at all): every migration is pending
		await sql(srv, 'ALTER TABLE schema_migrations RENAME TO schema_migrations_away');
		try {
			const r = await fetch(`${replicas.official[1].url}/readyz`);
			assert.equal(r.status, 503);
			assert.equal((await r.json()).error.code, 'migrations_pending');
		} finally {
			await sql(srv, 'ALTER TABLE schema_migrations_away RENAME TO schema_migrations');
		}
		assert.equal((await fetch(`${replicas.official[1].url}/readyz`)).status, 200);
	});

	it('passes bodies larger than nginx\'s default: the route\'s own cap answers, with its code',
		async () => {
			// 2 MiB: over nginx's default client_max_body_size (1 MiB), under the configuration's
			// 42 MiB; /login takes 4 KiB, so the daemon refuses it itself
			const r = await fetch(`${proxies.official.url}/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded',
					accept: 'application/json' },
				body: 'x'.repeat(2 << 20),
			});
			assert.equal(r.status, 413);
			assert.equal((await r.json()).error.code, 'payload_too_large');
		});

	it('news published through official\'s proxy reaches the citizen platform through the proxies',
		async () => {
			const staff = await staffClient(replicas.official[0]);
			// the session made on a replica works through the proxy (sessions are in the database)
			const editor = new Client(proxies.official.url);
			editor.jar = staff.jar;
			const title = `Coupure d'eau ${crypto.randomUUID().slice(0, 8)}`;
			await createNews(editor, { title_fr: title, body_fr: 'Quartier centre, de 8 h à 12 h.' });
			const item = await waitFor(async () => {
				const list = await getJson(proxies.citizen, '/news.json?from=peer&lang=fr');
				return list.items.find((i) => i.title === title);
			}, { timeoutMs: 20_000, what: 'the news on the citizen platform, through its proxy' });
			assert.ok(item.id);
			// the links readers follow name the public addresses: the proxies
			const page = await (await fetch(`${proxies.citizen.url}/news/${item.id}?lang=fr`)).text();
			assert.ok(page.includes(proxies.official.url), 'a link to official\'s public URL');
		});

	it('returns the same pages whichever replica answers', async () => {
		for (const side of SIDES) {
			for (const path of ['/?lang=fr', '/news?lang=fr', '/news.json?lang=fr', '/about?lang=ar',
				'/news.json?from=peer&lang=en']) {
				const bodies = [];
				for (const url of [proxies[side].url, ...replicas[side].map((r) => r.url)]) {
					const r = await fetch(`${url}${path}`);
					assert.equal(r.status, 200, `${url}${path}`);
					bodies.push(await r.text());
				}
				assert.equal(bodies[1], bodies[0], `${side} ${path}: replica 1 and the proxy`);
				assert.equal(bodies[2], bodies[0], `${side} ${path}: replica 2 and the proxy`);
			}
		}
	});

	it('a client\'s flood hits its limit at the configured count while both replicas serve',
		async () => {
			const staff = await staffClient(replicas.official[0]);
			const title = `Éclairage ${crypto.randomUUID().slice(0, 8)}`;
			const made = await staff.post('/staff/projects', { action: 'publish', title_fr: title,
				category: 'voirie', status: 'programme', progress: '0', quarter: 'centre' });
			assert.equal(made.status, 303, made.body.slice(0, 300));
			const project = await waitFor(async () => {
				const list = await getJson(proxies.citizen, '/projects?lang=fr');
				return list.items.find((i) => i.title === title);
			}, { timeoutMs: 20_000, what: 'the project on the citizen platform' });

			// two client addresses that nginx sends to different replicas
			const proxy = proxies.citizen;
			const clients = new Map(); // upstream → source address
			for (let i = 2; i < 60 && clients.size < 2; i++) {
				const from = `127.0.0.${i}`;
				const [up] = await upstreamsFor(proxy, from, 1, async () => {
					assert.equal((await requestFrom(from, `${proxy.url}/healthz`)).status, 200);
				});
				if (!clients.has(up)) clients.set(up, from);
			}
			assert.deepEqual([...clients.keys()].sort(), replicas.citizen.map(hostPort).sort(),
				'two client addresses served by the two replicas');

			const react = (from) => {
				const csrf = crypto.randomBytes(32).toString('hex');
				return requestFrom(from, `${proxy.url}/projects/${project.id}/reactions`, {
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded',
						accept: 'application/json', cookie: `__Host-csrf=${csrf}` },
					body: new URLSearchParams({ csrf, stance: 'support' }).toString(),
				});
			};
			for (const [upstream, from] of clients) {
				const answers = [];
				const ups = await upstreamsFor(proxy, from, LIMIT + 2, async () => {
					for (let i = 0; i < LIMIT + 2; i++) answers.push(await react(from));
				});
				assert.deepEqual(answers.map((r) => r.status),
					[...Array(LIMIT).fill(answers[0].status), 429, 429], `client ${from}`);
				assert.ok(answers[0].status < 400, `a reaction answered ${answers[0].status}: ` +
					answers[0].body.slice(0, 200));
				for (const r of answers.slice(LIMIT)) {
					assert.equal(JSON.parse(r.body).error.code, 'too_many_reactions');
					assert.ok(Number(r.headers['retry-after']) >= 1);
				}
				// every one of this client's requests went to the same replica
				assert.deepEqual([...new Set(ups)], [upstream]);
			}
			const v = await getJson(proxies.citizen, `/projects/${project.id}`);
			assert.equal(v.reactions.support, 2 * LIMIT);
		});

	it('the official replica holding the sender is SIGKILLed in a burst: through the proxies, the citizen platform stores every event once, in order',
		async (t) => {
			const SENDER = 'federation-sender/citizen';
			const offs = replicas.official;
			const staffs = await Promise.all(offs.map((r) => staffClient(r)));
			const holderName = await waitForHolder(staffs[0], SENDER);
			// BALADIYA_INSTANCE is unset here: its default names the replica's port
			const holderIdx = offs.findIndex((r) => holderName.endsWith(`:${r.port}`));
			assert.ok(holderIdx >= 0, `the holder ${holderName} is one of the replicas`);
			const survivor = 1 - holderIdx;
			const progress = {};
			const burst = emitBurst(staffs[survivor], 60, { concurrency: 4, progress });
			await waitFor(() => progress.ok >= 20, { timeoutMs: 60_000, what: '20 events emitted' });
			await offs[holderIdx].kill();
			const newHolder = await waitForHolder(staffs[survivor], SENDER,
				{ notHolder: holderName, timeoutMs: 10_000 });
			assert.ok(newHolder.endsWith(`:${offs[survivor].port}`), newHolder);
			const result = await burst;
			assert.equal(result.failed, 0, JSON.stringify(result.statuses));
			const originLog = await waitForMirror(offs[survivor], replicas.citizen[0],
				{ timeoutMs: 60_000 });
			checkLog(await readLog(replicas.citizen[0], 'official'), originLog);
			const [count, distinct] = (await sql(replicas.citizen[0],
				"SELECT count(*), count(DISTINCT seq) FROM fed_events WHERE origin = 'official'")).split('|');
			assert.equal(Number(count), originLog.length, 'every event stored once');
			assert.equal(Number(distinct), originLog.length);
			assert.equal(await sql(replicas.citizen[0], 'SELECT count(*) FROM fed_alarms'), '0');
			t.diagnostic(`sender taken over by ${newHolder}; ${originLog.length} events mirrored`);
			// the killed replica back behind the proxy for the tests after this one
			await offs[holderIdx].restart();
		});

	it('keeps serving from the other replica when one is stopped', async () => {
		const proxy = proxies.citizen;
		const [served] = await upstreamsFor(proxy, '127.0.0.1', 1, async () => {
			assert.equal((await fetch(`${proxy.url}/healthz`)).status, 200);
		});
		const victim = replicas.citizen.find((r) => hostPort(r) === served);
		const other = replicas.citizen.find((r) => r !== victim);
		assert.equal(await victim.stop(), 0);
		const paths = ['/news?lang=fr', '/news.json?from=peer&lang=fr', '/readyz', '/about'];
		const ups = await upstreamsFor(proxy, '127.0.0.1', paths.length, async () => {
			for (const path of paths) {
				const r = await fetch(`${proxy.url}${path}`);
				assert.equal(r.status, 200, path);
				await r.arrayBuffer();
			}
		});
		// the first request found the stopped one refusing and went on to the other
		assert.ok(ups.every((u) => u.endsWith(hostPort(other))), ups.join(' | '));
		// a write too (the client's session and CSRF cookie are the database's and the page's)
		const staff = await staffClient(replicas.official[0]);
		const title = `Après l'arrêt ${crypto.randomUUID().slice(0, 8)}`;
		const editor = new Client(proxies.official.url);
		editor.jar = staff.jar;
		await createNews(editor, { title_fr: title });
		await waitFor(async () => (await getJson(proxy, '/news.json?from=peer&lang=fr')).items
			.some((i) => i.title === title), { timeoutMs: 20_000, what: 'news after the stop' });
	});
});
