// SPDX-License-Identifier: AGPL-3.0-or-later
// Proposals in the tests and the benchmark: many verified participants without many mails,
// and the forms a resident posts.
//
// Verified participants are made the way the participation module's benchmark makes them:
// rows in `participants` (a keyed hash, no contact) and `participation_sessions` (the SHA-256
// of a cookie token), written by one SQL statement; the tokens are derived from a seed so that
// the test computes the same cookies the database holds.
//
//   const tokens = await directParticipants(pair.citizen, 1000, 'seed-1');
//   fetch(url, { headers: { cookie: `__Host-participant=${tokens[0]}; __Host-csrf=...` } });
// (the cookies' names carry __Host- unless the daemon runs with BALADIYA_SECURE_COOKIES=false)
import crypto from 'node:crypto';
import { sql } from './http.mjs';

const token = (seed, i) => crypto.createHash('sha256').update(`${seed}-t-${i}`).digest('base64url');

/** The SQL that writes n verified participants of seed (the benchmark runs it with psql). */
export function directParticipantsSql(n, seed) {
	return `
		INSERT INTO participants (key, channel, lang)
		SELECT encode(sha256(convert_to('${seed}-k-' || i, 'UTF8')), 'hex'), 'email', 'fr'
		FROM generate_series(1, ${n}) i;
		INSERT INTO participation_sessions (token_sha256, key, expires_at)
		SELECT encode(sha256(convert_to(rtrim(translate(encode(sha256(convert_to(
			'${seed}-t-' || i, 'UTF8')), 'base64'), '+/', '-_'), '='), 'UTF8')), 'hex'),
			encode(sha256(convert_to('${seed}-k-' || i, 'UTF8')), 'hex'),
			now() + interval '1 day'
		FROM generate_series(1, ${n}) i;`;
}

/** The cookie tokens of n verified participants written straight into srv's database. */
export async function directParticipants(srv, n, seed) {
	await sql(srv, directParticipantsSql(n, seed));
	return Array.from({ length: n }, (_, i) => token(seed, i + 1));
}

/** A second cookie for the same verified contact as the participant holding cookie tok. */
export async function secondCookie(srv, tok, seed) {
	const t2 = crypto.createHash('sha256').update(`${seed}-again`).digest('base64url');
	const sha = (s) => crypto.createHash('sha256').update(s).digest('hex');
	await sql(srv, `INSERT INTO participation_sessions (token_sha256, key, expires_at)
		SELECT '${sha(t2)}', key, now() + interval '1 day' FROM participation_sessions
		WHERE token_sha256 = '${sha(tok)}'`);
	return t2;
}

/** The proposal form's fields, with defaults. */
export function proposalFields(fields = {}) {
	return { type: 'environnement', title: 'Des arbres rue 12', body: 'Planter des arbres.',
		quarter: 'centre', name: 'Amel de Tighilt', lat: '', lon: '', ...fields };
}

/** The reference on a proposal's success page. */
export function refOf(html) {
	return /<bdi>(P-[0-9A-Z]{4}-[0-9A-Z]{4})<\/bdi>/.exec(html)?.[1];
}
