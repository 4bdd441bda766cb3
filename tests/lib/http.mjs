// SPDX-License-Identifier: AGPL-3.0-or-later
// HTTP helpers for the integration tests: a browser-like client with a cookie jar (it keeps
// __Host-/Secure cookies over plain http, as a browser would on https), CSRF-aware form posts,
// sign-in, raw requests over a TCP socket, and small readers for the pages' HTML; plus the
// daemon-side steps around them: startSite() (a signing key, then harness.startDaemon),
// cli()/cliFor() (subcommands), addUser(), signedIn(), loadDemo(), createNews(); getJson() and
// getHtml() (asserting a 200) and sql() (psql on a daemon's database).
//
//   const c = new Client(srv.url);
//   await c.login('alice', 'correct horse battery');       // GETs /login for the CSRF cookie
//   const r = await c.post('/staff/news', { title_fr: 'x', action: 'publish' });
//   assert.equal(r.status, 303);
//   const j = await c.get('/news.json');  j.json.items ...

import assert from 'node:assert/strict';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { binaryPath, isAsanBuild, ROOT, startDaemon, tempDir } from './harness.mjs';

/** A password every test account uses (the daemons want at least 10 characters). */
export const PASSWORD = 'correct horse battery';

/**
 * Runs a daemon subcommand like harness.runCli ({code, signal, stdout, stderr}; rejects on a
 * sanitizer report), but survives a command that exits without reading its stdin: runCli
 * writes the input with no 'error' listener on the child's stdin, so such a command (usage
 * errors, --help, keys generate...) can raise an uncaught EPIPE that fails whichever test is
 * running. opts: cluster, database, env, input, timeoutMs.
 */
export function cli(side, args, opts = {}) {
	const s = String(side).replace(/-srv$/, '');
	const env = { ...process.env };
	for (const k of Object.keys(env)) {
		if (k.startsWith('PG') || k.startsWith('BALADIYA_')) delete env[k];
	}
	Object.assign(env, {
		ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=1',
		UBSAN_OPTIONS: process.env.UBSAN_OPTIONS || 'print_stacktrace=1',
		...(opts.cluster ? opts.cluster.pgEnv(opts.database || 'postgres') : {}),
		...(opts.env || {}),
	});
	return new Promise((resolve, reject) => {
		const child = execFile(binaryPath(s), args, { env, cwd: ROOT, encoding: 'utf8',
			maxBuffer: 64 << 20, timeout: opts.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
			if (err?.code === 'ENOENT') {
				reject(new Error(`${binaryPath(s)} does not exist`));
				return;
			}
			if (isAsanBuild() && /AddressSanitizer|LeakSanitizer|runtime error:/.test(stderr)) {
				reject(new Error(`${s}-srv ${args.join(' ')}: sanitizer report\n${stderr}`));
				return;
			}
			let code = 0;
			if (err) code = typeof err.code === 'number' ? err.code : (err.signal ? null : 1);
			resolve({ code, signal: err?.signal ?? null, stdout, stderr });
		});
		child.stdin.on('error', () => {
			// the command exited without reading its input: its exit status tells
		});
		child.stdin.end(opts.input ?? '');
	});
}

const helpCache = new Map();
/** True when `<srv> --help` lists the subcommand (e.g. 'keys generate'). */
export async function hasCommand(side, command) {
	if (!helpCache.has(side)) helpCache.set(side, (await cli(side, ['--help'])).stdout);
	return helpCache.get(side).includes(`${side}-srv ${command}`);
}

/**
 * startDaemon() with what `serve` needs first: a data folder holding a signing key made by
 * `<srv> keys generate` (when the binary has that command). Same options and result.
 */
export async function startSite(side, opts = {}) {
	const s = String(side).replace(/-srv$/, '');
	const dataDir = opts.dataDir || tempDir(`baladiya-${s}-data-`);
	if (await hasCommand(s, 'keys generate')) {
		const r = await cli(s, ['keys', 'generate'], { env: { BALADIYA_DATA_DIR: dataDir } });
		if (r.code !== 0) throw new Error(`${s}-srv keys generate exited ${r.code}: ${r.stderr}`);
	}
	return startDaemon(s, { ...opts, dataDir });
}

/** cli() against a running daemon's database and data folder. */
export function cliFor(srv, args, opts = {}) {
	return cli(srv.side, args, {
		cluster: srv.cluster,
		database: srv.database,
		...opts,
		env: { BALADIYA_DATA_DIR: srv.dataDir, ...(opts.env || {}) },
	});
}

/**
 * Adds an account to a running daemon's database with `<srv> user add`; throws unless the
 * command exits 0. Resolves to the username.
 */
export async function addUser(srv, role, username, password = PASSWORD) {
	const r = await cliFor(srv, ['user', 'add', '--role', role, '--username', username],
		{ input: `${password}\n` });
	if (r.code !== 0) {
		throw new Error(`${srv.side}-srv user add ${username} exited ${r.code}: ${r.stderr}`);
	}
	return username;
}

/** A Client signed in on srv as a new account (addUser) with role; asserts the 303. */
export async function signedIn(srv, role, username) {
	await addUser(srv, role, username);
	const c = new Client(srv.url);
	assert.equal((await c.login(username, PASSWORD)).status, 303, `${username} signs in`);
	return c;
}

/** Loads demo/<side> into a running daemon's database; throws unless it exits 0. */
export async function loadDemo(srv) {
	const r = await cliFor(srv, ['demo', 'load', `demo/${srv.side}`]);
	if (r.code !== 0) throw new Error(`${srv.side}-srv demo load exited ${r.code}: ${r.stderr}`);
	return r;
}

/** Parses one Set-Cookie header into {name, value, attrs} (attribute names lower case). */
export function parseSetCookie(header) {
	const [pair, ...rest] = header.split(';');
	const eq = pair.indexOf('=');
	const attrs = {};
	for (const a of rest) {
		const t = a.trim();
		if (!t) continue;
		const i = t.indexOf('=');
		if (i < 0) attrs[t.toLowerCase()] = true;
		else attrs[t.slice(0, i).trim().toLowerCase()] = t.slice(i + 1).trim();
	}
	return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs };
}

/** The response of Client.request: status, headers, body text, json (parsed or undefined). */
class Reply {
	constructor(res, body) {
		this.status = res.status;
		this.headers = res.headers;
		this.body = body;
		this.setCookies = res.headers.getSetCookie().map(parseSetCookie);
		this.location = res.headers.get('location');
		const type = res.headers.get('content-type') || '';
		this.json = undefined;
		if (type.startsWith('application/json')) {
			try {
				this.json = JSON.parse(body);
			} catch {
				this.json = undefined;
			}
		}
	}

	/** The cookie named name set by this response, or undefined. */
	cookie(name) {
		return this.setCookies.find((c) => c.name === name);
	}

	/** The error code of an error reply: JSON error.code, else the HTML page's <code>. */
	get errorCode() {
		if (this.json) return this.json.error?.code;
		return errorCodeOf(this.body);
	}
}

/** A client with a cookie jar; never follows redirects (tests assert on them). */
export class Client {
	constructor(baseUrl, { headers = {} } = {}) {
		this.baseUrl = baseUrl.replace(/\/$/, '');
		this.headers = headers;
		/** name → value */
		this.jar = new Map();
	}

	/** Cookie header value for the jar, or undefined when it is empty. */
	cookieHeader() {
		if (this.jar.size === 0) return undefined;
		return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	/** A value from the jar: cookie('csrf') also finds __Host-csrf. */
	cookie(name) {
		return this.jar.get(name) ?? this.jar.get(`__Host-${name}`);
	}

	/**
	 * One request. opts: method, headers, body (string/Buffer/FormData/URLSearchParams),
	 * json (true: Accept: application/json), cookies (false: send none), timeoutMs.
	 */
	async request(path, opts = {}) {
		const headers = { ...this.headers, ...(opts.headers || {}) };
		if (opts.json) headers.accept = 'application/json';
		const cookie = opts.cookies === false ? undefined : this.cookieHeader();
		if (cookie && !headers.cookie) headers.cookie = cookie;
		const res = await fetch(this.baseUrl + path, {
			method: opts.method || 'GET',
			headers,
			body: opts.body,
			redirect: 'manual',
			signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
		});
		const body = await res.text();
		const reply = new Reply(res, body);
		if (opts.cookies !== false) {
			for (const c of reply.setCookies) {
				const maxAge = c.attrs['max-age'];
				if (c.value === '' || (maxAge !== undefined && Number(maxAge) <= 0)) {
					this.jar.delete(c.name);
				} else {
					this.jar.set(c.name, c.value);
				}
			}
		}
		return reply;
	}

	get(path, opts = {}) {
		return this.request(path, { ...opts, method: 'GET' });
	}

	/** The CSRF token of the jar, fetched from GET /login when there is none yet. */
	async csrf() {
		if (!this.cookie('csrf')) {
			const r = await this.get('/login');
			if (r.status !== 200 && r.status !== 303) {
				throw new Error(`GET /login answered ${r.status}: ${r.body.slice(0, 300)}`);
			}
		}
		const tok = this.cookie('csrf');
		if (!tok) throw new Error('no CSRF cookie after GET /login');
		return tok;
	}

	/**
	 * POSTs a form. fields: an object (arrays repeat a field). opts.csrf: true (default: the
	 * jar's token), false (none), or a string (that value); opts.multipart: send
	 * multipart/form-data; opts.json: Accept: application/json; opts.headers.
	 */
	async post(path, fields = {}, opts = {}) {
		const all = { ...fields };
		const csrf = opts.csrf ?? true;
		if (csrf === true) all.csrf = await this.csrf();
		else if (typeof csrf === 'string') all.csrf = csrf;
		let body;
		const headers = { ...(opts.headers || {}) };
		if (opts.multipart) {
			body = new FormData();
			for (const [k, v] of Object.entries(all)) {
				for (const x of [].concat(v)) body.append(k, x);
			}
		} else {
			const p = new URLSearchParams();
			for (const [k, v] of Object.entries(all)) {
				for (const x of [].concat(v)) p.append(k, x);
			}
			body = p.toString();
			headers['content-type'] ??= 'application/x-www-form-urlencoded';
		}
		return this.request(path, { ...opts, method: 'POST', headers, body });
	}

	/** Signs in; resolves to the reply (303 on success). */
	async login(username, password, { next, json } = {}) {
		const fields = { username, password };
		if (next !== undefined) fields.next = next;
		return this.post('/login', fields, { json });
	}

	async logout() {
		return this.post('/logout', {});
	}
}

/**
 * Asserts the headers every response carries: a strict CSP with frame-ancestors 'none',
 * X-Content-Type-Options: nosniff and a Referrer-Policy. headers: a fetch Headers or a plain
 * object with lower-case names (parseRawResponse).
 */
export function assertSecurityHeaders(headers, what) {
	const get = (n) => (typeof headers.get === 'function' ? headers.get(n) : headers[n]);
	const csp = get('content-security-policy');
	assert.ok(csp, `${what}: no Content-Security-Policy`);
	assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP without frame-ancestors 'none'`);
	assert.match(csp, /default-src 'self'/, `${what}: CSP without default-src 'self'`);
	assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${what}: CSP allows inline code`);
	assert.equal(get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
	assert.ok(get('referrer-policy'), `${what}: no Referrer-Policy`);
}

/** The lang and dir attributes of the page's <html> element. */
export function htmlAttrs(html) {
	const m = /<html\b([^>]*)>/i.exec(html);
	if (!m) return null;
	const attr = (n) => new RegExp(`\\b${n}="([^"]*)"`).exec(m[1])?.[1];
	return { lang: attr('lang'), dir: attr('dir') };
}

/** The error code shown on an HTML error page (<code>CODE</code>). */
export function errorCodeOf(html) {
	return /<code>([a-z0-9_]+)<\/code>/.exec(html || '')?.[1];
}

/** The value of the hidden CSRF input of the page's first form. */
export function csrfFieldOf(html) {
	return /<input type="hidden" name="csrf" value="([^"]*)">/.exec(html)?.[1];
}

/** Every start tag of the page, e.g. ['<html lang="ar" dir="rtl">', ...]. */
export function tagsOf(html) {
	return html.match(/<[a-zA-Z][^>]*>/g) || [];
}

/**
 * Sends bytes over a new TCP connection and collects what comes back until the server closes
 * (or timeoutMs). Resolves to {text, status, headers, body, error} where error is a socket
 * error seen (EPIPE/ECONNRESET), if any. opts.chunks: more buffers to write after delays:
 * [{delayMs, data}]. opts.onSocket(socket) is called once connected.
 */
export function rawRequest(port, data, opts = {}) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		const parts = [];
		let error = null;
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			socket.destroy();
			const text = Buffer.concat(parts).toString('utf8');
			resolve({ text, error, ...parseRawResponse(text) });
		};
		const timer = setTimeout(finish, opts.timeoutMs ?? 10_000);
		socket.on('data', (c) => parts.push(c));
		socket.on('end', finish);
		socket.on('close', finish);
		socket.on('error', (err) => {
			error = err;
		});
		socket.on('connect', async () => {
			opts.onSocket?.(socket);
			socket.write(data);
			for (const c of opts.chunks || []) {
				await new Promise((r) => setTimeout(r, c.delayMs || 0));
				if (socket.destroyed) break;
				if (typeof c.data === 'function') await c.data(socket);
				else socket.write(c.data);
			}
		});
	});
}

/** Splits a raw HTTP/1.1 response into status, headers (lower-case names) and body. */
export function parseRawResponse(text) {
	const end = text.indexOf('\r\n\r\n');
	const head = end < 0 ? text : text.slice(0, end);
	const lines = head.split('\r\n');
	const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] || '');
	const headers = {};
	for (const l of lines.slice(1)) {
		const i = l.indexOf(':');
		if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
	}
	return { status: m ? Number(m[1]) : null, headers, body: end < 0 ? '' : text.slice(end + 4) };
}

/** Polls fn until it returns a truthy value (returned) or timeoutMs passes (throws). */
export async function waitFor(fn, { timeoutMs = 10_000, intervalMs = 100, what = 'condition' } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	while (Date.now() < deadline) {
		try {
			last = await fn();
			if (last) return last;
		} catch (err) {
			last = err;
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
	throw new Error(`timed out waiting for ${what} (last: ${last?.message ?? last})`);
}

/**
 * Creates a news item through the staff form as client (signed in with news rights) and
 * resolves to its id. fields: title_fr, body_ar... ; publish: true (default) or false (draft).
 */
export async function createNews(client, fields, { publish = true, multipart = false } = {}) {
	const r = await client.post('/staff/news', { action: publish ? 'publish' : 'draft', ...fields },
		{ multipart });
	if (r.status !== 303) {
		throw new Error(`POST /staff/news answered ${r.status} (${r.errorCode}): ` +
			`${r.body.slice(0, 300)}`);
	}
	const list = await client.get('/staff/news.json');
	const newest = list.json?.items?.[0];
	const titles = Object.entries(fields).filter(([k]) => k.startsWith('title_'));
	if (!newest || !titles.every(([k, v]) => newest.texts_title[k.slice(6)] === v)) {
		throw new Error(`the new item is not first in /staff/news.json: ${list.body.slice(0, 300)}`);
	}
	return newest.id;
}

/** The parsed JSON of GET p on srv (Accept: application/json), asserting a 200. */
export async function getJson(srv, p) {
	const r = await fetch(`${srv.url}${p}`, { headers: { accept: 'application/json' } });
	assert.equal(r.status, 200, `GET ${p} on ${srv.side}: ${r.status}`);
	return r.json();
}

/** The HTML text of GET p on srv, asserting a 200. */
export async function getHtml(srv, p) {
	const r = await fetch(`${srv.url}${p}`);
	assert.equal(r.status, 200, `GET ${p} on ${srv.side}: ${r.status}`);
	return r.text();
}

/** psql's answer to q on srv's own database, trimmed (columns joined by '|'). */
export async function sql(srv, q) {
	return (await srv.cluster.psql(q, { database: srv.database })).trim();
}
