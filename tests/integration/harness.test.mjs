// SPDX-License-Identifier: AGPL-3.0-or-later
// Tests of the test harness itself (tests/lib): real PostgreSQL clusters, the daemon
// supervisor against small stand-in daemons, the CLI runner, and Chromium with axe-core.
// None of it needs the real daemons, so it guards the tooling on its own.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
	binaryPath, BUILD_DIR, freePort, ROOT, runCli, startCluster, startDaemon, tempDir,
} from '../lib/harness.mjs';

function psql(env, sql) {
	return new Promise((resolve) => {
		execFile('psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql],
			{ env: { ...process.env, ...env }, encoding: 'utf8' },
			(err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
	});
}

describe('freePort', () => {
	it('returns a port that can be bound on 127.0.0.1', async () => {
		const port = await freePort();
		assert.ok(port > 1024 && port < 65536, `port ${port}`);
		const srv = net.createServer();
		await new Promise((resolve, reject) => {
			srv.on('error', reject);
			srv.listen(port, '127.0.0.1', resolve);
		});
		await new Promise((resolve) => srv.close(resolve));
	});

	it('stays below the kernel\'s ephemeral range, which outgoing connections draw from', async () => {
		const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim()
			.split(/\s+/).map(Number);
		const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
		for (const port of ports) assert.ok(port >= 10_000 && port < low, `port ${port}, range from ${low}`);
		assert.ok(new Set(ports).size > 40, 'drawn at random');
	});
});

describe('startCluster', () => {
	it('creates a database, keeps committed data across a restart, and stops', async () => {
		const cluster = await startCluster();
		assert.equal(cluster.host, '127.0.0.1');
		const db = await cluster.createDatabase('harness_check');
		assert.equal(db, 'harness_check');
		const env = cluster.pgEnv(db);
		assert.deepEqual(Object.keys(env).sort(), ['PGDATABASE', 'PGHOST', 'PGPORT', 'PGUSER']);

		let r = await psql(env, 'SELECT current_database(), current_setting(\'server_version_num\')::int / 10000');
		assert.equal(r.code, 0, r.stderr);
		assert.equal(r.stdout.trim(), 'harness_check|15');

		r = await psql(env, "SELECT current_setting('fsync'), pg_encoding_to_char(encoding) " +
			'FROM pg_database WHERE datname = current_database()');
		assert.equal(r.stdout.trim(), 'on|UTF8');

		r = await psql(env, 'CREATE TABLE t (v text); INSERT INTO t VALUES (\'before restart\')');
		assert.equal(r.code, 0, r.stderr);

		await cluster.restart();
		r = await psql(env, 'SELECT v FROM t');
		assert.equal(r.code, 0, r.stderr);
		assert.equal(r.stdout.trim(), 'before restart');

		// A crash (immediate stop) loses nothing committed either: WAL replay on start.
		await psql(env, 'INSERT INTO t VALUES (\'before crash\')');
		await cluster.restart({ mode: 'immediate' });
		assert.equal(await cluster.psql('SELECT count(*) FROM t', { database: db }), '2\n');
		assert.match(cluster.logs(), /database system was interrupted|redo/);

		await cluster.stop();
		assert.equal(cluster.isRunning, false);
		r = await psql(env, 'SELECT 1');
		assert.notEqual(r.code, 0, 'the cluster still answers after stop()');

		await cluster.destroy();
	});

	it('runs two clusters side by side on different ports', async () => {
		const [a, b] = await Promise.all([startCluster(), startCluster()]);
		assert.notEqual(a.port, b.port);
		await a.createDatabase('only_in_a');
		assert.equal(await a.psql("SELECT count(*) FROM pg_database WHERE datname = 'only_in_a'"),
			'1\n');
		assert.equal(await b.psql("SELECT count(*) FROM pg_database WHERE datname = 'only_in_a'"),
			'0\n');
		await Promise.all([a.destroy(), b.destroy()]);
	});

	it('reports SQL errors from psql()', async () => {
		const c = await startCluster();
		await assert.rejects(c.psql('SELECT * FROM no_such_table'), /no_such_table/);
		await c.destroy();
	});
});

// Stand-in daemons: small Node programs that honour the parts of the contract the harness
// relies on (BALADIYA_PORT, /healthz, SIGTERM → exit 0, logs on stderr).
function fakeDaemon(body) {
	const dir = tempDir('baladiya-fake-');
	const file = path.join(dir, 'fake-srv');
	writeFileSync(file, `#!${process.execPath}\n${body}\n`);
	chmodSync(file, 0o755);
	return file;
}

const GOOD_DAEMON = `
const http = require('node:http');
const port = Number(process.env.BALADIYA_PORT);
const srv = http.createServer((req, res) => {
	if (req.url === '/healthz') {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end('{"status":"ok"}');
	} else if (req.url === '/env') {
		res.writeHead(200, { 'content-type': 'application/json' });
		const pick = Object.fromEntries(Object.entries(process.env)
			.filter(([k]) => k.startsWith('PG') || k.startsWith('BALADIYA_')));
		res.end(JSON.stringify({ argv: process.argv.slice(2), env: pick }));
	} else {
		res.writeHead(404);
		res.end();
	}
});
srv.listen(port, process.env.BALADIYA_BIND, () => console.error('listening on ' + port));
process.on('SIGTERM', () => { console.error('bye'); srv.close(() => process.exit(0)); });
`;

describe('startDaemon (stand-in daemons)', () => {
	it('passes the environment contract, waits for /healthz, captures stderr, stops', async () => {
		const cluster = await startCluster();
		const database = await cluster.createDatabase('fake_official');
		const srv = await startDaemon('official', {
			cluster, database, binary: fakeDaemon(GOOD_DAEMON), asan: true, themeDir: 'demo/official',
			env: { BALADIYA_PEER_URL: 'http://127.0.0.1:1' },
		});
		assert.equal(srv.url, `http://127.0.0.1:${srv.port}`);
		const info = await (await fetch(`${srv.url}/env`)).json();
		assert.deepEqual(info.argv, ['serve']);
		assert.equal(info.env.BALADIYA_PORT, String(srv.port));
		assert.equal(info.env.BALADIYA_BIND, '127.0.0.1');
		assert.equal(info.env.BALADIYA_PEER_URL, 'http://127.0.0.1:1');
		assert.equal(info.env.BALADIYA_THEME_DIR, path.join(ROOT, 'demo/official'));
		assert.equal(info.env.PGDATABASE, 'fake_official');
		assert.equal(info.env.PGPORT, String(cluster.port));
		assert.equal(info.env.PGHOST, '127.0.0.1');
		assert.match(srv.logs(), /listening on/);

		assert.equal(await srv.stop(), 0);
		assert.match(srv.logs(), /bye/);
		await assert.rejects(fetch(`${srv.url}/healthz`));

		await srv.restart();
		assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
		const crash = await srv.kill();
		assert.equal(crash.signal, 'SIGKILL');
		await cluster.destroy();
	});

	it('fails with the captured stderr when the daemon exits at start', async () => {
		const cluster = await startCluster();
		const binary = fakeDaemon("console.error('could not connect to database: boom'); process.exit(3);");
		await assert.rejects(startDaemon('citizen', { cluster, binary }),
			/exited before answering \/healthz \(code 3[\s\S]*could not connect to database: boom/);
		await cluster.destroy();
	});

	it('fails when /healthz never answers 200 (503 while the database is down)', async () => {
			const cluster = await startCluster();
			const binary = fakeDaemon(`
require('node:http').createServer((req, res) => { res.writeHead(503); res.end(); })
	.listen(Number(process.env.BALADIYA_PORT), '127.0.0.1');
console.error('database unavailable');`);
			await assert.rejects(startDaemon('citizen', { cluster, binary, healthTimeoutMs: 2000 }),
				/did not answer 200[\s\S]*last: HTTP 503[\s\S]*database unavailable/);
			await cluster.destroy();
		});

	it('on a sanitizer build, stop() rejects on a sanitizer report or a non-zero exit', async () => {
		const cluster = await startCluster();
		const reporting = fakeDaemon(GOOD_DAEMON.replace("console.error('bye');",
			"console.error('==1==ERROR: LeakSanitizer: detected memory leaks');"));
		let srv = await startDaemon('official', { cluster, binary: reporting, asan: true });
		await assert.rejects(srv.stop(), /sanitizer report[\s\S]*LeakSanitizer/);

		const failing = fakeDaemon(GOOD_DAEMON.replace('process.exit(0)', 'process.exit(1)'));
		srv = await startDaemon('official', { cluster, binary: failing, asan: true });
		await assert.rejects(srv.stop(), /exited with 1/);

		// Not a sanitizer build: the exit code is returned, not judged.
		srv = await startDaemon('official', { cluster, binary: failing, asan: false });
		assert.equal(await srv.stop(), 1);
		await cluster.destroy();
	});
});

describe('runCli', () => {
	it('passes stdin, argv and the database environment; returns code and output', async () => {
		const cluster = await startCluster();
		const binary = fakeDaemon(`
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
	console.log(JSON.stringify({ argv: process.argv.slice(2), input, db: process.env.PGDATABASE }));
	console.error('warning: a note');
	process.exit(input === 'secret\\n' ? 0 : 4);
});`);
		const r = await runCli('official', ['user', 'add', '--role', 'admin', '--username', 'a'],
			{ cluster, database: 'x', binary, input: 'secret\n' });
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(JSON.parse(r.stdout),
			{ argv: ['user', 'add', '--role', 'admin', '--username', 'a'], input: 'secret\n', db: 'x' });
		assert.match(r.stderr, /a note/);
		const bad = await runCli('official', ['user', 'add'], { binary, input: 'wrong\n' });
		assert.equal(bad.code, 4);
		await cluster.destroy();
	});

	it('resolves binaries under BALADIYA_BUILD_DIR', () => {
		assert.equal(binaryPath('official'), path.join(BUILD_DIR, 'official-srv', 'official-srv'));
		assert.equal(binaryPath('citizen-srv'), path.join(BUILD_DIR, 'citizen-srv', 'citizen-srv'));
		assert.throws(() => binaryPath('mayor'), /unknown side/);
	});
});

describe('browser', () => {
	it('drives Debian\'s Chromium, renders Arabic, and reports axe violations readably', async () => {
		const { launchChromium, expectNoAxeViolations, newPage, screenshot } =
			await import('../lib/browser.mjs');
		const browser = await launchChromium();
		try {
			const page = await newPage(browser, { locale: 'ar' });
			await page.setContent(`<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>بلدية</title></head><body><header>
<h1 style="font-family: 'Noto Naskh Arabic', 'Noto Sans Arabic', sans-serif">بلدية</h1></header>
<main><p>مرحبا بكم في موقع البلدية</p><a href="#x">المزيد</a></main></body></html>`);
			assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
			// The Arabic faces scripts/lib.sh installs (fonts-noto-core) reach Chromium: ask it
			// which platform fonts drew the heading that asks for them.
			const cdp = await page.context().newCDPSession(page);
			await cdp.send('DOM.enable');
			await cdp.send('CSS.enable');
			const { root } = await cdp.send('DOM.getDocument');
			const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'h1' });
			const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
			assert.ok(fonts.some((f) => f.glyphCount > 0 && /arab|naskh|kufi/i.test(f.familyName)),
				`Arabic drawn with ${JSON.stringify(fonts)}`);
			await screenshot(page, 'harness-arabic');
			await expectNoAxeViolations(page);

			await page.setContent(`<!doctype html><html><head><title>bad</title></head><body>
<main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main></body></html>`);
			await assert.rejects(expectNoAxeViolations(page),
				(err) => /html-has-lang/.test(err.message) && /image-alt/.test(err.message) &&
					/<img src=/.test(err.message));
		} finally {
			await browser.close();
		}
	});

	it('withChromium closes the browser it launched when the start beside it fails', async () => {
		const { withChromium } = await import('../lib/browser.mjs');
		const marker = `--baladiya-harness-marker=${process.pid}-${Date.now()}`;
		const running = () => new Promise((resolve) => {
			execFile('pgrep', ['-f', '--', marker], (err, stdout) => resolve(err ? '' : stdout.trim()));
		});
		const slowFailure = new Promise((resolve, reject) => {
			setTimeout(() => reject(new Error('start failed')), 3000);
		});
		await assert.rejects(withChromium(slowFailure, { args: [marker] }), /start failed/);
		assert.equal(await running(), '', 'no Chromium left with the marker');
		const [value, browser] = await withChromium(Promise.resolve(42), { args: [marker] });
		assert.equal(value, 42);
		assert.notEqual(await running(), '', 'the marker finds a running Chromium');
		await browser.close();
	});
});
