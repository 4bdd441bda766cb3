// SPDX-License-Identifier: AGPL-3.0-or-later
// Test harness for Node's test runner: private PostgreSQL clusters in temp folders (run by an
// unprivileged user when we are root, as initdb requires), the two daemons on ephemeral
// loopback ports with their stderr captured, and their CLI subcommands. Everything started
// here is stopped when the test process exits, however it exits.
//
//   const cluster = await startCluster();
//   const db = await cluster.createDatabase('official');
//   const srv = await startDaemon('official', { cluster, database: db });
//   const res = await fetch(`${srv.url}/healthz`);
//   assert.equal(await srv.stop(), 0);

import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, chownSync, chmodSync, mkdirSync,
	appendFileSync } from 'node:fs';
import crypto from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tests/lib/../..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Build folder serving the daemons: $BALADIYA_BUILD_DIR (relative to ROOT) or build/dev. */
export const BUILD_DIR = path.resolve(ROOT, process.env.BALADIYA_BUILD_DIR || 'build/dev');

/** OS user that owns the test clusters when we are root; also the clusters' superuser. */
export const PG_USER = process.env.BALADIYA_PG_USER || 'baladiya';

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
const SANITIZER_RE = /AddressSanitizer|LeakSanitizer|runtime error:/;
const HEALTH_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;

// --- small utilities --------------------------------------------------------------------------

// Ports are taken below the kernel's ephemeral range: a port the kernel hands out can be the
// local end of any outgoing connection (a health poll, the peer's push, Chromium) by the time
// a daemon binds it, and the bind then fails (a CI run lost a whole test file that way).
const EPHEMERAL_LOW = (() => {
	try {
		const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
			.trim().split(/\s+/)[0]);
		if (Number.isInteger(low) && low > 12_000) return low;
	} catch {
		// not Linux: the IANA range's start
	}
	return 49_152;
})();
const PORT_LOW = 10_000;

function canListen(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.unref();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/**
 * A TCP port that was free on 127.0.0.1 a moment ago, drawn at random between 10 000 and the
 * start of the ephemeral range, so that no outgoing connection can be holding it meanwhile.
 */
export async function freePort() {
	for (let i = 0; i < 200; i++) {
		const port = PORT_LOW + crypto.randomInt(EPHEMERAL_LOW - PORT_LOW);
		if (await canListen(port)) return port;
	}
	throw new Error(`no free port between ${PORT_LOW} and ${EPHEMERAL_LOW}`);
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function pgBindir() {
	try {
		const d = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
		if (existsSync(path.join(d, 'pg_ctl'))) return d;
	} catch {
		// fall through to Debian's default
	}
	return '/usr/lib/postgresql/15/bin';
}
const PG_BINDIR = pgBindir();

function ensurePgUser() {
	if (!IS_ROOT) return;
	const exists = () => {
		try {
			execFileSync('id', ['-u', PG_USER], { stdio: 'ignore' });
			return true;
		} catch {
			return false;
		}
	};
	if (exists()) return;
	try {
		execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent',
			'--shell', '/usr/sbin/nologin', PG_USER], { stdio: 'pipe' });
	} catch (err) {
		// Another test process may have created it meanwhile.
		if (!exists()) throw new Error(`could not create system user ${PG_USER}: ${err.stderr}`);
	}
}

let pgUid = null;
let pgGid = null;
function pgIds() {
	if (pgUid === null) {
		pgUid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }).trim());
		pgGid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }).trim());
	}
	return [pgUid, pgGid];
}

/** argv for running a PostgreSQL server binary as the cluster owner. */
function asPgUser(bin, args) {
	const exe = path.join(PG_BINDIR, bin);
	return IS_ROOT ? ['runuser', ['-u', PG_USER, '--', exe, ...args]] : [exe, args];
}

function run(file, args, opts = {}) {
	return new Promise((resolve) => {
		const child = execFile(file, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts },
			(err, stdout, stderr) => {
				// code: the exit status, or null when a signal (or the timeout) ended it.
				let code = 0;
				if (err) code = typeof err.code === 'number' ? err.code : (err.signal ? null : 1);
				resolve({ code, signal: err?.signal ?? null, stdout, stderr, error: err });
			});
		// a command that exits without reading stdin must not fail the test with EPIPE
		child.stdin.on("error", () => {});
		if (opts.input !== undefined) child.stdin.end(opts.input);
		else child.stdin.end();
	});
}

async function runChecked(file, args, opts, what) {
	const r = await run(file, args, opts);
	if (r.code !== 0) {
		throw new Error(`${what} failed (exit ${r.code}): ${r.stderr || r.stdout || r.error}`);
	}
	return r;
}

// --- global cleanup ---------------------------------------------------------------------------

const liveClusters = new Set();
const liveDaemons = new Set();
const tempDirs = new Set();

function cleanupSync() {
	for (const d of liveDaemons) {
		try {
			d.proc?.kill('SIGKILL');
		} catch {
			// already gone
		}
	}
	liveDaemons.clear();
	for (const c of liveClusters) c._stopSync();
	liveClusters.clear();
	for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
	tempDirs.clear();
}

process.on('exit', cleanupSync);
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
	process.on(sig, () => {
		cleanupSync();
		process.exit(code);
	});
}

function makeTempDir(prefix) {
	const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
	tempDirs.add(dir);
	return dir;
}

// --- PostgreSQL -------------------------------------------------------------------------------

/**
 * Starts a new PostgreSQL 15 cluster in a temp folder: trust authentication, 127.0.0.1 on a
 * free port, its Unix socket in the cluster folder, fsync on (restart tests mean something).
 * Returns {dir, dataDir, port, host, user, createDatabase(name) → name, pgEnv(db) → {PG*},
 * psql(sql, {database}) → stdout, start(), stop({mode='fast'}), restart({mode}), destroy(),
 * logs() → server log text}.
 */
export async function startCluster({ sharedBuffers = '16MB' } = {}) {
	ensurePgUser();
	const dir = makeTempDir('baladiya-pg-');
	const dataDir = path.join(dir, 'data');
	const logFile = path.join(dir, 'server.log');
	if (IS_ROOT) {
		const [uid, gid] = pgIds();
		chownSync(dir, uid, gid);
	}
	chmodSync(dir, 0o700);
	const port = await freePort();
	const host = '127.0.0.1';

	{
		const [file, args] = asPgUser('initdb', ['-D', dataDir, `--username=${PG_USER}`,
			'--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
		await runChecked(file, args, { cwd: dir }, 'initdb');
	}
	// A Unix socket path is limited to 107 bytes: past that, TCP only.
	const sockDir = (dir.length + 20 < 100) ? dir : '';
	const conf = [
		'',
		'# baladiya test cluster',
		`listen_addresses = '${host}'`,
		`port = ${port}`,
		`unix_socket_directories = '${sockDir}'`,
		`shared_buffers = ${sharedBuffers}`,
		// up to four daemons share a cluster in some tests; each holds about 12 connections
		// (docs/architecture.md "Database"), and the tests' own psql come and go
		'max_connections = 100',
		'max_wal_size = 256MB',
		"log_line_prefix = '%m [%p] %d '",
		'',
	].join('\n');
	appendFileSync(path.join(dataDir, 'postgresql.conf'), conf);

	let running = false;
	const cluster = {
		dir,
		dataDir,
		port,
		host,
		user: PG_USER,

		async start() {
			if (running) return;
			const [file, args] = asPgUser('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60',
				'start']);
			const r = await run(file, args, { cwd: dir });
			if (r.code !== 0) {
				throw new Error(`could not start PostgreSQL in ${dataDir}: ${r.stderr}\n` +
					`--- server log ---\n${cluster.logs().slice(-4000)}`);
			}
			running = true;
			liveClusters.add(cluster);
		},

		/** mode: 'smart' | 'fast' | 'immediate' (a crash, for recovery tests). */
		async stop({ mode = 'fast' } = {}) {
			if (!running) return;
			const [file, args] = asPgUser('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60',
				'stop']);
			await runChecked(file, args, { cwd: dir }, `pg_ctl stop -m ${mode}`);
			running = false;
			liveClusters.delete(cluster);
		},

		async restart({ mode = 'fast' } = {}) {
			await cluster.stop({ mode });
			await cluster.start();
		},

		/** Stops the cluster and removes its folder. */
		async destroy() {
			await cluster.stop({ mode: 'immediate' });
			rmSync(dir, { recursive: true, force: true });
			tempDirs.delete(dir);
		},

		get isRunning() {
			return running;
		},

		_stopSync() {
			if (!running) return;
			const [file, args] = asPgUser('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', '-t',
				'20', 'stop']);
			try {
				execFileSync(file, args, { cwd: dir, stdio: 'ignore' });
			} catch {
				// best effort at exit
			}
			running = false;
		},

		/** libpq environment for a daemon, psql or runCli. */
		pgEnv(database = 'postgres') {
			return { PGHOST: host, PGPORT: String(port), PGDATABASE: database, PGUSER: PG_USER };
		},

		/** Creates database NAME (UTF8) and returns NAME. */
		async createDatabase(name) {
			if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name: ${name}`);
			await runChecked(path.join(PG_BINDIR, 'createdb'),
				['-h', host, '-p', String(port), '-U', PG_USER, '-E', 'UTF8', name], {},
				`createdb ${name}`);
			return name;
		},

		/** Runs SQL through psql (unaligned, tuples only); resolves to stdout, throws on error. */
		async psql(sql, { database = 'postgres' } = {}) {
			const r = await runChecked('psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-f', '-'],
				{ env: { ...cleanEnv(), ...cluster.pgEnv(database) }, input: sql }, 'psql');
			return r.stdout;
		},

		logs() {
			try {
				return readFileSync(logFile, 'utf8');
			} catch {
				return '';
			}
		},
	};
	await cluster.start();
	return cluster;
}

// --- daemons ----------------------------------------------------------------------------------

const SIDES = new Set(['official', 'citizen']);

function sideName(side) {
	const s = String(side).replace(/-srv$/, '');
	if (!SIDES.has(s)) throw new Error(`unknown side ${side} (official or citizen)`);
	return s;
}

/** Path of a daemon binary in BUILD_DIR. */
export function binaryPath(side) {
	const s = sideName(side);
	return path.join(BUILD_DIR, `${s}-srv`, `${s}-srv`);
}

let asanBuild = null;
/** True when BUILD_DIR is a sanitizer build (its CMake cache says so). */
export function isAsanBuild() {
	if (asanBuild === null) {
		try {
			const cache = readFileSync(path.join(BUILD_DIR, 'CMakeCache.txt'), 'utf8');
			asanBuild = /^BALADIYA_SANITIZE:BOOL=(ON|1|TRUE|YES)$/im.test(cache);
		} catch {
			asanBuild = path.basename(BUILD_DIR) === 'asan';
		}
	}
	return asanBuild;
}

// The environment of the test process without libpq and daemon settings that would leak in.
function cleanEnv() {
	const env = { ...process.env };
	for (const k of Object.keys(env)) {
		if (k.startsWith('PG') || k.startsWith('BALADIYA_')) delete env[k];
	}
	return env;
}

function sanitizerEnv() {
	return {
		ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=1',
		UBSAN_OPTIONS: process.env.UBSAN_OPTIONS || 'print_stacktrace=1',
	};
}

/**
 * Starts one daemon (`<srv> serve`) and waits until GET /healthz answers 200.
 *   side: 'official' | 'citizen'
 *   cluster: from startCluster() (default: a new one); database: its database (default: a new
 *   one named after the side); port: default a free one; themeDir → BALADIYA_THEME_DIR;
 *   BALADIYA_MAP_TILES is a local image (no internet here) unless env says otherwise; the
 *   per-client limits and event ceilings are lifted (BALADIYA_RATE_LIMITS,
 *   BALADIYA_EVENT_CEILINGS, BALADIYA_LOGIN_CLIENT_FAILURES) unless env sets them; the witness
 *   cosigns once a day (BALADIYA_COSIGN_SECONDS) besides at start and after catch-ups;
 *   env: extra environment, wins over everything; args: default ['serve'];
 *   healthTimeoutMs: default 20 000; binary, asan: overrides (tests of the harness itself).
 * Returns {side, url, port, cluster, database, dataDir, env, proc, logs(), stop(signal),
 * kill(), restart(), exited}. stop() resolves to the exit code; on a sanitizer build it
 * rejects when stderr holds a sanitizer report or the exit code is not 0.
 */
export async function startDaemon(side, opts = {}) {
	const s = sideName(side);
	const cluster = opts.cluster || await startCluster();
	const database = opts.database || await createUniqueDatabase(cluster, s);
	const port = opts.port || await freePort();
	const url = `http://127.0.0.1:${port}`;
	const binary = opts.binary || binaryPath(s);
	const asan = opts.asan ?? isAsanBuild();
	const dataDir = opts.dataDir || makeTempDir(`baladiya-${s}-data-`);
	if (!existsSync(binary)) {
		throw new Error(`${binary} does not exist: build it (cmake --build --preset ...) or set ` +
			'BALADIYA_BUILD_DIR');
	}
	const env = {
		...cleanEnv(),
		...sanitizerEnv(),
		...cluster.pgEnv(database),
		BALADIYA_BIND: '127.0.0.1',
		BALADIYA_PORT: String(port),
		BALADIYA_PUBLIC_URL: url,
		BALADIYA_DATA_DIR: dataDir,
		BALADIYA_LOG_LEVEL: 'debug',
		// The test machine has no internet: map tiles come from one of the daemon's own images.
		BALADIYA_MAP_TILES: '/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}',
		// Every test is one client (127.0.0.1): the per-client limits, the ceilings on signed
		// events and the per-client sign-in ceiling are lifted unless opts.env sets them
		// (tests/integration/abuse.test.mjs does).
		BALADIYA_RATE_LIMITS: '*=100000',
		BALADIYA_EVENT_CEILINGS: '*=100000',
		BALADIYA_LOGIN_CLIENT_FAILURES: '100000',
		// The witness (protocol.md §21) records each checkpoint of the peer it cosigns as an
		// event of its own: once a day here, besides at start and after a catch-up, so that a
		// test counting its own events is not crossed by one (tlog_witness.test.mjs sets 1).
		BALADIYA_COSIGN_SECONDS: '86400',
		...(opts.themeDir ? { BALADIYA_THEME_DIR: path.resolve(ROOT, opts.themeDir) } : {}),
		...(opts.env || {}),
	};
	const args = opts.args || ['serve'];

	let allLogs = '';
	let runLogs = '';
	const daemon = {
		side: s,
		url,
		port,
		cluster,
		database,
		dataDir,
		env,
		proc: null,
		/** Promise of {code, signal} for the current run. */
		exited: null,

		/** stderr and stdout of every run so far. */
		logs() {
			return allLogs;
		},

		/** Sends signal, waits for the exit (SIGKILL after 15 s: a failure); resolves to the code. */
		async stop(signal = 'SIGTERM') {
			const proc = daemon.proc;
			if (!proc) throw new Error(`${s}-srv is not running`);
			holdProcess(proc);
			if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
			let timer;
			const timeout = new Promise((resolve) => {
				timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
			});
			let result = await Promise.race([daemon.exited, timeout]);
			clearTimeout(timer);
			const hung = result === null;
			if (hung) {
				proc.kill('SIGKILL');
				result = await daemon.exited;
			}
			liveDaemons.delete(daemon);
			daemon.proc = null;
			const code = result.code ?? `signal ${result.signal}`;
			if (hung) {
				throw new Error(`${s}-srv did not exit within ${STOP_TIMEOUT_MS} ms of ${signal}\n` +
					`--- stderr ---\n${runLogs}`);
			}
			if (asan && (SANITIZER_RE.test(runLogs) || code !== 0)) {
				throw new Error(`${s}-srv (sanitizer build) exited with ${code} after ${signal}` +
					`${SANITIZER_RE.test(runLogs) ? ' and a sanitizer report' : ''}\n` +
					`--- stderr ---\n${runLogs}`);
			}
			return code;
		},

		/** SIGKILL, no checks (a crash); resolves to {code, signal}. */
		async kill() {
			const proc = daemon.proc;
			if (!proc) return null;
			holdProcess(proc);
			proc.kill('SIGKILL');
			const result = await daemon.exited;
			liveDaemons.delete(daemon);
			daemon.proc = null;
			return result;
		},

		/** stop() (checked) when running, then start again on the same port and environment. */
		async restart() {
			if (daemon.proc) await daemon.stop();
			await launch();
			return daemon;
		},
	};

	async function launch() {
		runLogs = '';
		const proc = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
		daemon.proc = proc;
		liveDaemons.add(daemon);
		const onData = (chunk) => {
			const text = chunk.toString('utf8');
			runLogs += text;
			allLogs += text;
			if (process.env.BALADIYA_TEST_VERBOSE) process.stderr.write(`[${s}-srv] ${text}`);
		};
		proc.stdout.on('data', onData);
		proc.stderr.on('data', onData);
		daemon.exited = new Promise((resolve) => {
			proc.on('error', (err) => {
				runLogs += `\n[harness] spawn failed: ${err.message}\n`;
				resolve({ code: null, signal: null, error: err });
			});
			proc.on('close', (code, signal) => resolve({ code, signal }));
		});
		// Held while starting (the start may fail and we wait for its exit), released once up.
		holdProcess(proc);

		const healthTimeoutMs = opts.healthTimeoutMs ?? HEALTH_TIMEOUT_MS;
		const deadline = Date.now() + healthTimeoutMs;
		let exited = null;
		daemon.exited.then((r) => {
			exited = r;
		});
		let last = 'no answer';
		while (Date.now() < deadline) {
			if (exited) {
				liveDaemons.delete(daemon);
				daemon.proc = null;
				throw new Error(`${s}-srv exited before answering /healthz ` +
					`(code ${exited.code}, signal ${exited.signal})\n--- stderr ---\n${runLogs}`);
			}
			try {
				const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
				await res.arrayBuffer();
				if (res.status === 200) {
					releaseProcess(proc);
					return;
				}
				last = `HTTP ${res.status}`;
			} catch (err) {
				last = err.cause?.code || err.message;
			}
			await sleep(100);
		}
		proc.kill('SIGKILL');
		await daemon.exited;
		liveDaemons.delete(daemon);
		daemon.proc = null;
		throw new Error(`${s}-srv did not answer 200 on ${url}/healthz within ` +
			`${healthTimeoutMs} ms (last: ${last})\n--- stderr ---\n${runLogs}`);
	}

	await launch();
	return daemon;
}

// A running daemon is unref'd so that one a test forgot cannot keep the test process alive
// (the exit hook kills it); while we wait for its exit it must keep the event loop going,
// stdio included ('close' comes after the last stderr bytes, where sanitizer reports are).
function holdProcess(proc) {
	proc.ref();
	proc.stdout?.ref?.();
	proc.stderr?.ref?.();
}
function releaseProcess(proc) {
	proc.unref();
	proc.stdout?.unref?.();
	proc.stderr?.unref?.();
}

let dbCounter = 0;
async function createUniqueDatabase(cluster, side) {
	dbCounter += 1;
	return cluster.createDatabase(`${side}_${process.pid}_${dbCounter}`);
}

/**
 * Runs a daemon subcommand: runCli('official', ['user', 'add', '--role', 'admin',
 * '--username', 'a'], {cluster, database, env, input: 'secret\n'}) → {code, stdout, stderr}.
 * Never rejects for a non-zero exit (assert on code); rejects on a sanitizer report.
 */
export async function runCli(side, args, opts = {}) {
	const s = sideName(side);
	const binary = opts.binary || binaryPath(s);
	const asan = opts.asan ?? isAsanBuild();
	const env = {
		...cleanEnv(),
		...sanitizerEnv(),
		...(opts.cluster ? opts.cluster.pgEnv(opts.database || 'postgres') : {}),
		...(opts.env || {}),
	};
	const r = await run(binary, args, {
		env,
		cwd: ROOT,
		input: opts.input ?? '',
		timeout: opts.timeoutMs ?? 60_000,
	});
	if (r.error && r.error.code === 'ENOENT') throw new Error(`${binary} does not exist`);
	if (asan && SANITIZER_RE.test(r.stderr)) {
		throw new Error(`${s}-srv ${args.join(' ')}: sanitizer report\n${r.stderr}`);
	}
	return { code: r.code, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Both daemons, each with its own database, BALADIYA_PEER_URL pointing at the other.
 *   opts.cluster: shared by both (default: one new cluster, two databases);
 *   opts.separateClusters: one new cluster each (for database-down tests);
 *   opts.official / opts.citizen: extra startDaemon options for that side.
 * Returns {official, citizen, stop()} where stop() stops both (checked) in parallel.
 */
export async function startPair(opts = {}) {
	const clusterFor = {};
	if (opts.separateClusters) {
		[clusterFor.official, clusterFor.citizen] = await Promise.all([startCluster(),
			startCluster()]);
	} else {
		const c = opts.cluster || await startCluster();
		clusterFor.official = c;
		clusterFor.citizen = c;
	}
	const port = { official: await freePort(), citizen: await freePort() };
	while (port.citizen === port.official) port.citizen = await freePort();
	const peerOf = { official: 'citizen', citizen: 'official' };
	const start = (s) => {
		const o = opts[s] || {};
		return startDaemon(s, {
			...o,
			cluster: clusterFor[s],
			port: port[s],
			env: { BALADIYA_PEER_URL: `http://127.0.0.1:${port[peerOf[s]]}`, ...(o.env || {}) },
		});
	};
	const official = await start('official');
	const citizen = await start('citizen');
	return {
		official,
		citizen,
		async stop() {
			const codes = await Promise.all([official.stop(), citizen.stop()]);
			return { official: codes[0], citizen: codes[1] };
		},
	};
}

/** A temp folder removed at exit (for themes, keys, fixtures). */
export function tempDir(prefix = 'baladiya-test-') {
	const dir = makeTempDir(prefix);
	mkdirSync(dir, { recursive: true });
	return dir;
}
