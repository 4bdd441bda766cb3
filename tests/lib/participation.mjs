// SPDX-License-Identifier: AGPL-3.0-or-later
// Verified participation in the tests: a resident verifies an e-mail address through
// citizen-srv's real pages (/participation, then /participation/code), the code read from the
// real SMTP server (tests/lib/smtp.mjs) the daemon was started with.
//
//   const smtp = await startSmtpServer();
//   const pair = await startLinkedPair({ citizen: { env: smtp.env } });
//   const cookie = await verifyParticipant({ citizenUrl: pair.citizen.url, smtp,
//                                            email: 'a@example.org' });
//   // or keep using a Client: verifyParticipant({ ..., client }) leaves it verified
//
// The cookie header value holds the participation cookie and the browser's CSRF cookie: a
// form posted with it needs the CSRF token too (csrfOf(cookie)).
import { Client } from './http.mjs';

const CODE = /(?<![0-9])([0-9]{6})(?![0-9])/;

/** The six-digit code of a participation message's body. */
export function codeOfMessage(m) {
	const found = CODE.exec(m.body);
	if (!found) throw new Error(`no code in the message: ${m.body}`);
	return found[1];
}

/** The CSRF token in a cookie header value (from verifyParticipant). */
export function csrfOf(cookie) {
	const m = /(?:^|;\s*)(?:__Host-)?csrf=([^;]+)/.exec(cookie);
	return m ? m[1] : undefined;
}

/**
 * Asks for a code for contact with client (a Client on citizen-srv): resolves to the reply of
 * POST /participation (303 to the code page on success). opts: notify, back, lang, json.
 */
export async function askCode(client, contact, { notify = false, back, lang = 'fr', json } = {}) {
	if (!client.cookie('csrf')) await client.get(`/participation?lang=${lang}`);
	const fields = { contact };
	if (notify) fields.notify = '1';
	if (back) fields.back = back;
	return client.post(`/participation?lang=${lang}`, fields, { json });
}

/** Posts a code with client: resolves to the reply (303 to back on success). */
export function sendCode(client, code, { back, json } = {}) {
	const fields = { code };
	if (back) fields.back = back;
	return client.post('/participation/code', fields, { json });
}

/** The messages smtp received for address that carry a code. */
export function codeMessages(smtp, address) {
	return smtp.messages().filter((m) => m.to === address.toLowerCase() && CODE.test(m.body));
}

/** Waits for the next code sent to address (after `before` such messages): the code. */
export async function nextCode(smtp, address, before, timeoutMs = 15000) {
	const got = await smtp.waitFor((m) => m.to === address.toLowerCase() && CODE.test(m.body),
		{ count: before + 1, timeoutMs });
	return codeOfMessage(got[got.length - 1]);
}

/**
 * Verifies email through the pages and resolves to the cookie header value of a verified
 * browser (participation cookie + CSRF cookie). opts: client (a Client to verify with, left
 * verified), notify (consent to notifications), lang ('fr').
 */
export async function verifyParticipant({ citizenUrl, smtp, email, client, notify = false,
	lang = 'fr', timeoutMs = 15000 }) {
	const c = client || new Client(citizenUrl);
	const before = codeMessages(smtp, email).length;
	const asked = await askCode(c, email, { notify, lang });
	if (asked.status !== 303) {
		throw new Error(`POST /participation answered ${asked.status}: ${asked.body.slice(0, 300)}`);
	}
	const code = await nextCode(smtp, email, before, timeoutMs);
	const checked = await sendCode(c, code);
	if (checked.status !== 303) {
		throw new Error(`POST /participation/code answered ${checked.status}: ${checked.body.slice(0, 300)}`);
	}
	if (!c.cookie('participant')) throw new Error('no participation cookie after the code');
	return c.cookieHeader();
}

/**
 * n verified participants made directly in srv's database (no mail: for counting tests and
 * benchmarks, docs/performance-participation.md): resolves to their participation tokens, the
 * cookie values a browser would hold (cookie name: participantCookie(client)).
 */
export async function makeParticipants(srv, n) {
	const crypto = await import('node:crypto');
	const { sql } = await import('./http.mjs');
	const tokens = [];
	for (let start = 0; start < n; start += 2000) {
		const rows = [];
		for (let i = start; i < Math.min(n, start + 2000); i++) {
			const token = crypto.randomBytes(32).toString('base64url');
			tokens.push(token);
			rows.push(`('${crypto.randomBytes(32).toString('hex')}', ` +
				`'${crypto.createHash('sha256').update(token).digest('hex')}')`);
		}
		await sql(srv, `WITH v(key, token_sha256) AS (VALUES ${rows.join(',')}),
			p AS (INSERT INTO participants (key, channel, lang) SELECT key, 'email', 'fr' FROM v)
			INSERT INTO participation_sessions (token_sha256, key, expires_at)
			SELECT token_sha256, key, now() + interval '1 day' FROM v`);
	}
	return tokens;
}

/** The participation cookie's name for client's site ("__Host-participant" with secure cookies). */
export function participantCookie(client) {
	return client.jar.has('csrf') ? 'participant' : '__Host-participant';
}
