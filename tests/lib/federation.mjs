// SPDX-License-Identifier: AGPL-3.0-or-later
// Federation helpers for integration tests: a paired pair of daemons (keys generated, each
// pinning the other's fingerprint through `peer pair`), emitting events through the real staff
// path, reading both logs from the public catch-up endpoint, and verifying envelopes with
// Node's own crypto (never with our C code).
//
//   const pair = await startFederatedPair();
//   const staff = await staffClient(pair.official);
//   await emitNews(staff, 5);
//   await waitForMirror(pair.official, pair.citizen);
//   assert.deepEqual(await readLog(pair.citizen, 'official'), await readLog(pair.official));

import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startCluster } from './harness.mjs';
import { Client, PASSWORD, addUser, cliFor, createNews, startSite, waitFor } from './http.mjs';

export const PAYLOAD_TYPE = 'application/vnd.baladiya.event+json';

/** The key fingerprint (RFC 7638 thumbprint) a daemon prints with `keys show`. */
export async function fingerprint(srv) {
	const r = await cliFor(srv, ['keys', 'show']);
	if (r.code !== 0) throw new Error(`${srv.side}-srv keys show exited ${r.code}: ${r.stderr}`);
	return r.stdout.trim();
}

/** `<a> peer pair <b.url> <fingerprint of b>`; throws unless it exits 0. */
export async function pair(a, b, url = b.url) {
	const r = await cliFor(a, ['peer', 'pair', url, await fingerprint(b)]);
	if (r.code !== 0) throw new Error(`${a.side}-srv peer pair exited ${r.code}: ${r.stderr}`);
}

/**
 * Both daemons with keys, each on its own database (own clusters when separateClusters, needed
 * to restart one side's PostgreSQL), paired both ways. opts.official / opts.citizen: extra
 * startSite options (env, port...). opts.citizenUrlForOfficial: the URL official pairs with
 * (a proxy in front of citizen).
 */
export async function startFederatedPair(opts = {}) {
	const shared = opts.separateClusters ? null : await startCluster();
	const clusters = opts.separateClusters
		? await Promise.all([startCluster(), startCluster()])
		: [shared, shared];
	const official = await startSite('official', {
		cluster: clusters[0], themeDir: 'demo/official', ...(opts.official || {}),
	});
	const citizen = await startSite('citizen', {
		cluster: clusters[1], themeDir: 'demo/citizen', ...(opts.citizen || {}),
	});
	await pair(official, citizen, opts.citizenUrlForOfficial || citizen.url);
	await pair(citizen, official, opts.officialUrlForCitizen || official.url);
	return {
		official,
		citizen,
		clusters,
		async stop() {
			await Promise.all([official.proc ? official.stop() : null,
				citizen.proc ? citizen.stop() : null]);
		},
	};
}

/** A signed-in staff client (an admin created on first use). */
export async function staffClient(srv, username = 'fedadmin') {
	try {
		await addUser(srv, 'admin', username);
	} catch (err) {
		if (!/exited 3/.test(err.message)) throw err;
	}
	const c = new Client(srv.url);
	await c.login(username, PASSWORD);
	return c;
}

/** Publishes n news items through the staff form (n events); resolves to their ids. */
export async function emitNews(client, n, prefix = 'Actualité') {
	const ids = [];
	for (let i = 0; i < n; i++) {
		ids.push(await createNews(client, { title_fr: `${prefix} ${i}`, body_fr: `Texte ${i}` }));
	}
	return ids;
}

/**
 * The log of origin as served by srv's public catch-up endpoint, as
 * [{seq, hash, type, envelope (string), payload (Buffer)}], reading pages of 1000.
 */
export async function readLog(srv, origin = srv.side) {
	const out = [];
	for (let after = 0; ;) {
		const r = await fetch(`${srv.url}/federation/v1/events?origin=${origin}&after=${after}&limit=1000`);
		if (r.status !== 200) throw new Error(`events endpoint answered ${r.status}`);
		const lines = (await r.text()).split('\n').filter(Boolean);
		for (const line of lines) {
			const env = JSON.parse(line);
			const payload = Buffer.from(env.payload, 'base64');
			const ev = JSON.parse(payload.toString('utf8'));
			out.push({
				seq: ev.seq,
				type: ev.type,
				prev: ev.prev,
				hash: crypto.createHash('sha256').update(payload).digest('hex'),
				envelope: line,
				payload,
			});
		}
		if (lines.length < 1000) break;
		after = out[out.length - 1].seq;
	}
	return out;
}

/** Throws unless log is gapless from 1, chained by prev, and (when given) equals expected. */
export function checkLog(log, expected) {
	log.forEach((e, i) => {
		if (e.seq !== i + 1) throw new Error(`gap: position ${i} holds seq ${e.seq}`);
		const prev = i === 0 ? '0'.repeat(64) : log[i - 1].hash;
		if (e.prev !== prev) throw new Error(`seq ${e.seq}: prev ${e.prev} is not ${prev}`);
	});
	if (expected) {
		if (log.length !== expected.length) {
			throw new Error(`mirror has ${log.length} events, origin has ${expected.length}`);
		}
		log.forEach((e, i) => {
			if (e.hash !== expected[i].hash) {
				throw new Error(`seq ${e.seq}: mirror hash ${e.hash} differs from origin ${expected[i].hash}`);
			}
		});
	}
}

/** Waits until mirror holds exactly origin's log (same seqs and hashes); returns it. */
export async function waitForMirror(origin, mirror, { timeoutMs = 30_000 } = {}) {
	let want;
	await waitFor(async () => {
		want = await readLog(origin);
		const got = await readLog(mirror, origin.side);
		return got.length === want.length && got.every((e, i) => e.hash === want[i].hash);
	}, { timeoutMs, what: `${mirror.side} to mirror ${origin.side}'s log` });
	return want;
}

/** The public keys of srv as Node KeyObjects by kid, from /.well-known/baladiya-keys. */
export async function publishedKeys(srv) {
	const doc = await (await fetch(`${srv.url}/.well-known/baladiya-keys`)).json();
	const keys = new Map();
	for (const jwk of doc.keys) keys.set(jwk.kid, crypto.createPublicKey({ key: jwk, format: 'jwk' }));
	return keys;
}

/** DSSE pre-authentication encoding. */
export function pae(type, body) {
	const t = Buffer.from(type);
	return Buffer.concat([Buffer.from(`DSSEv1 ${t.length} `), t,
		Buffer.from(` ${body.length} `), body]);
}

/** True when Node's crypto verifies the envelope's signature with one of keys (Map kid→key). */
export function verifyEnvelope(envelope, keys) {
	const env = typeof envelope === 'string' ? JSON.parse(envelope) : envelope;
	const payload = Buffer.from(env.payload, 'base64');
	return env.signatures.some((s) => keys.has(s.keyid) &&
		crypto.verify(null, pae(env.payloadType, payload), keys.get(s.keyid),
			Buffer.from(s.sig, 'base64')));
}

/** The daemon's current private signing key (for tests that forge or equivocate). */
export function signingKey(srv) {
	return crypto.createPrivateKey(readFileSync(path.join(srv.dataDir, 'signing.pem')));
}

/** RFC 7638 thumbprint of a public KeyObject (the kid). */
export function kidOf(publicKey) {
	const { crv, kty, x } = publicKey.export({ format: 'jwk' });
	return crypto.createHash('sha256').update(JSON.stringify({ crv, kty, x })).digest('base64url');
}

/** A DSSE envelope (compact JSON string) of payload (Buffer) signed by privateKey. */
export function makeEnvelope(payload, privateKey) {
	const sig = crypto.sign(null, pae(PAYLOAD_TYPE, payload), privateKey);
	return JSON.stringify({
		payloadType: PAYLOAD_TYPE,
		payload: payload.toString('base64'),
		signatures: [{ keyid: kidOf(crypto.createPublicKey(privateKey)), sig: sig.toString('base64') }],
	});
}

/** Standard Webhooks headers (v1a, Ed25519 over id.timestamp.body) for body. */
export function webhookHeaders(body, privateKey, { id = `msg_test_${crypto.randomUUID()}`,
	timestamp = Math.floor(Date.now() / 1000) } = {}) {
	const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.from(body)]);
	return {
		'content-type': 'application/json',
		'webhook-id': id,
		'webhook-timestamp': String(timestamp),
		'webhook-signature': `v1a,${crypto.sign(null, signed, privateKey).toString('base64')}`,
	};
}

/**
 * An event payload in the canonical form the daemons build (field order v, origin, seq, prev,
 * type, occurred_at, refs, data; compact JSON).
 */
export function eventPayload({ origin, seq, prev, type, data = {}, refs = [],
	occurredAt = new Date().toISOString() }) {
	return Buffer.from(JSON.stringify({ v: 1, origin, seq, prev, type, occurred_at: occurredAt, refs, data }));
}

/** POSTs an envelope to srv's inbox signed (transport) by privateKey; {status, json}. */
export async function postInbox(srv, envelope, privateKey, headerOpts = {}) {
	const r = await fetch(`${srv.url}/federation/v1/inbox`, {
		method: 'POST',
		headers: webhookHeaders(envelope, privateKey, headerOpts),
		body: envelope,
	});
	const text = await r.text();
	let json = null;
	try { json = JSON.parse(text); } catch { /* not JSON */ }
	return { status: r.status, json, text };
}

/** /staff/federation.json as an admin client. */
export async function federationStatus(client) {
	const r = await client.get('/staff/federation.json');
	if (r.status !== 200) throw new Error(`/staff/federation.json answered ${r.status}`);
	return r.json;
}
