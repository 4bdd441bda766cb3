// SPDX-License-Identifier: AGPL-3.0-or-later
// A real SMTP server for the tests: tests/lib/smtp_server.py (Debian's python3-aiosmtpd) in a
// child process, and what a test needs to read what it received: the messages as parsed
// e-mails (headers unfolded, RFC 2047 subject decoded, body's transfer encoding undone).
//
//   const smtp = await startSmtpServer({ tls: 'starttls', auth: { user: 'u', password: 'p' } });
//   const daemon = await startDaemon('citizen', { env: { ...smtp.env } });
//   const [m] = await smtp.waitFor((m) => m.to === 'a@example.org');
//   m.subject, m.body, m.header('message-id'), m.header('list-unsubscribe')
//   await smtp.stop(); await smtp.start();   // down, then up again on the same port
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, tempDir } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3'; // Debian's, which has aiosmtpd

/** A self-signed certificate for 127.0.0.1 and localhost made with `openssl req`: {cert, key}. */
export function makeCertificate(dir = tempDir('baladiya-smtp-cert-')) {
	const cert = path.join(dir, 'cert.pem');
	const key = path.join(dir, 'key.pem');
	if (!existsSync(cert)) {
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
			'-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
			'-keyout', key, '-out', cert], { stdio: 'ignore' });
	}
	return { cert, key };
}

/** Decode RFC 2047 encoded-words (B and Q, UTF-8) in a header value. */
export function decodeEncodedWords(value) {
	return value
		.replace(/\?=\s+=\?/g, '?==?') // whitespace between two encoded-words is not text
		.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset, enc, text) => {
			const bytes = enc.toUpperCase() === 'B'
				? Buffer.from(text, 'base64')
				: Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g,
					(__, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
			return new TextDecoder(charset.toLowerCase()).decode(bytes);
		});
}

function decodeQuotedPrintable(text) {
	const soft = text.replace(/=\r?\n/g, '');
	const bytes = [];
	for (let i = 0; i < soft.length; i++) {
		if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
			bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			bytes.push(...Buffer.from(soft[i], 'latin1'));
		}
	}
	return Buffer.from(bytes).toString('utf8');
}

/**
 * One received message {mail_from, rcpt_tos, data} parsed: {from, to, rcptTos, raw, rawHeaders,
 * headers (lower-case name → [values], unfolded), header(name) (the first, decoded), subject,
 * messageId, body (transfer encoding undone, UTF-8), at}.
 */
export function parseMessage(rec) {
	const raw = rec.data;
	const sep = raw.search(/\r?\n\r?\n/);
	const rawHeaders = sep < 0 ? raw : raw.slice(0, sep);
	const bodyText = sep < 0 ? '' : raw.slice(sep).replace(/^\r?\n\r?\n/, '');
	const headers = new Map();
	for (const line of rawHeaders.replace(/\r?\n[ \t]/g, ' ').split(/\r?\n/)) {
		const i = line.indexOf(':');
		if (i <= 0) continue;
		const name = line.slice(0, i).trim().toLowerCase();
		if (!headers.has(name)) headers.set(name, []);
		headers.get(name).push(line.slice(i + 1).trim());
	}
	const header = (name) => {
		const v = headers.get(name.toLowerCase());
		return v ? decodeEncodedWords(v[0]) : undefined;
	};
	const cte = (header('content-transfer-encoding') || '7bit').toLowerCase();
	let body;
	if (cte === 'base64') body = Buffer.from(bodyText.replace(/\s+/g, ''), 'base64').toString('utf8');
	else if (cte === 'quoted-printable') body = decodeQuotedPrintable(bodyText);
	else body = bodyText;
	return {
		from: rec.mail_from,
		to: rec.rcpt_tos[0],
		rcptTos: rec.rcpt_tos,
		raw,
		rawHeaders,
		headers,
		header,
		subject: header('subject'),
		messageId: header('message-id'),
		body,
		at: rec.at,
	};
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the server. Options: port (default a free one, kept across stop/start), tls:
 * false | 'starttls' | 'implicit', requireStarttls (default true with 'starttls'), auth:
 * {user, password}, delayMs (before each RCPT's answer), certificate (another server's, to
 * stand in for it). Returns {port, url, caFile, env,
 * messages(), waitFor(pred, {count, timeoutMs}), clear(), stop(), start()}; env holds the
 * BALADIYA_SMTP_* settings a daemon needs to use it.
 */
export async function startSmtpServer(opts = {}) {
	const dir = tempDir('baladiya-smtp-');
	const out = path.join(dir, 'messages.jsonl');
	writeFileSync(out, '');
	const port = opts.port || await freePort();
	const tls = opts.tls || false;
	const cert = tls ? opts.certificate || makeCertificate(dir) : null;
	const args = [path.join(HERE, 'smtp_server.py'), '--port', String(port), '--out', out];
	if (cert) args.push('--cert', cert.cert, '--key', cert.key);
	if (tls === 'implicit') args.push('--tls');
	if (tls === 'starttls' && opts.requireStarttls !== false) args.push('--require-starttls');
	if (opts.auth) args.push('--auth', `${opts.auth.user}:${opts.auth.password}`);
	if (opts.delayMs) args.push('--delay-ms', String(opts.delayMs));
	let proc = null;
	let logs = '';
	const url = `${tls === 'implicit' ? 'smtps' : 'smtp'}://127.0.0.1:${port}`;
	const server = {
		port,
		url,
		caFile: cert ? cert.cert : null,
		certificate: cert,
		env: {
			BALADIYA_SMTP_URL: url,
			BALADIYA_SMTP_FROM: opts.from || 'mairie@baladiya.test',
			BALADIYA_SMTP_STARTTLS: tls === 'starttls' ? 'required' : 'off',
			...(cert ? { BALADIYA_SMTP_CA_FILE: cert.cert } : {}),
			...(opts.auth ? { BALADIYA_SMTP_USER: opts.auth.user,
				BALADIYA_SMTP_PASSWORD: opts.auth.password } : {}),
		},
		logs: () => logs,
		/** Every message received so far (across restarts), parsed. */
		messages() {
			return readFileSync(out, 'utf8').split('\n').filter(Boolean)
				.map((l) => parseMessage(JSON.parse(l)));
		},
		/** Forget what was received so far. */
		clear() {
			writeFileSync(out, '');
		},
		/** Waits until count (default 1) messages match pred; resolves to them. */
		async waitFor(pred = () => true, { count = 1, timeoutMs = 15000 } = {}) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const got = server.messages().filter(pred);
				if (got.length >= count) return got;
				if (Date.now() > deadline) {
					throw new Error(`smtp: ${got.length} of ${count} messages after ${timeoutMs} ms` +
						`\n--- server ---\n${logs}`);
				}
				await sleep(50);
			}
		},
		async start() {
			proc = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
			proc.stderr.on('data', (d) => { logs += d.toString(); });
			await new Promise((resolve, reject) => {
				let seen = '';
				const timer = setTimeout(() => reject(new Error(`smtp server did not start\n${logs}`)),
					15000);
				proc.stdout.on('data', (d) => {
					seen += d.toString();
					if (seen.includes('READY')) {
						clearTimeout(timer);
						resolve();
					}
				});
				proc.on('exit', (code) => {
					clearTimeout(timer);
					reject(new Error(`smtp server exited (${code})\n${logs}`));
				});
			});
			proc.unref();
			proc.stdout.unref?.();
			proc.stderr.unref?.();
			return server;
		},
		async stop() {
			if (!proc) return;
			const p = proc;
			proc = null;
			p.removeAllListeners('exit'); // start()'s, which would call it a failure
			const exited = new Promise((r) => p.once('exit', r));
			p.ref(); // keep the event loop alive until it is gone
			p.kill('SIGKILL');
			if (p.exitCode === null && p.signalCode === null) await exited;
		},
	};
	process.once('exit', () => proc?.kill('SIGKILL'));
	await server.start();
	return server;
}
