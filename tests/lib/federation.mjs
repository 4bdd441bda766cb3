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

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, startCluster } from './harness.mjs';
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

/**
 * startFederatedPair() whose sides know each other's public URL (BALADIYA_PEER_URL, for the
 * "see the original" links): free ports are chosen first. opts as startFederatedPair's; a
 * side's own env is added to its peer URL.
 */
export async function startLinkedPair(opts = {}) {
	const op = await freePort();
	let cp = await freePort();
	while (cp === op) cp = await freePort();
	const side = (o = {}, port, peerPort) => ({ ...o, port,
		env: { BALADIYA_PEER_URL: `http://127.0.0.1:${peerPort}`, ...(o.env || {}) } });
	return startFederatedPair({ ...opts, official: side(opts.official, op, cp),
		citizen: side(opts.citizen, cp, op) });
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
			const rec = parseRecord(line);
			out.push({
				seq: rec.event.seq,
				type: rec.event.type,
				prev: rec.event.prev,
				hash: crypto.createHash('sha256').update(rec.payload).digest('hex'),
				envelope: rec.envelope,
				record: line,
				payload: rec.payload,
				data: rec.data,
				withheld: rec.withheld,
			});
		}
		// a short page may be the byte cap (protocol §10.1): read on until an empty one
		if (!lines.length) break;
		after = out[out.length - 1].seq;
	}
	return out;
}

/** The commitment of one committed field (docs/protocol.md §4.6), computed by Node's crypto. */
export function commitmentOf(item) {
	return crypto.createHash('sha256').update(Buffer.from(item.salt, 'base64'))
		.update(Buffer.from(item.json, 'utf8')).digest('hex');
}

/**
 * One catch-up line or delivery body: a bare envelope (version 1) or a record
 * {envelope, content, withheld} (version 2). Checks, independently of the daemons, that every
 * committed field is either present and matches its commitment or withheld with a reason, and
 * returns {envelope (string), payload (Buffer), event, data (with the content back), withheld}.
 */
export function parseRecord(line) {
	const obj = JSON.parse(line);
	const env = obj.envelope ?? obj;
	const payload = Buffer.from(env.payload, 'base64');
	const event = JSON.parse(payload.toString('utf8'));
	const data = { ...event.data };
	const content = obj.content ?? {};
	const withheld = obj.withheld ?? {};
	if (event.v === 1 && (obj.envelope || event.commit)) throw new Error(`seq ${event.seq}: a version 1 event in a record`);
	for (const [field, commitment] of Object.entries(event.commit ?? {})) {
		if (content[field]) {
			if (commitmentOf(content[field]) !== commitment) throw new Error(`seq ${event.seq}: ${field} does not match its commitment`);
			if (withheld[field]) throw new Error(`seq ${event.seq}: ${field} is both present and withheld`);
			data[field] = JSON.parse(content[field].json);
		} else if (!withheld[field]) {
			throw new Error(`seq ${event.seq}: ${field} is committed but neither present nor withheld`);
		}
	}
	for (const field of [...Object.keys(content), ...Object.keys(withheld)]) {
		if (!event.commit?.[field]) throw new Error(`seq ${event.seq}: ${field} is not committed`);
	}
	return { envelope: JSON.stringify(env), payload, event, data, withheld };
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

/**
 * Publishes n news items through the staff form with `concurrency` POSTs in flight (a burst:
 * the seqs stay gapless, the counter row is locked per transaction). Unlike emitNews it does
 * not read the list back, so concurrent posts are fine, and a failed POST (connection refused
 * while the daemon is down, 503 while its database is) is counted, not thrown. progress (an
 * object, optional) is updated live with {sent, ok, failed}, so a test can inject a fault
 * part-way. Resolves to {ok, failed, statuses} (statuses: count by status or error code).
 */
export async function emitBurst(client, n, { concurrency = 8, prefix = 'Rafale', progress = {},
	timeoutMs = 15_000 } = {}) {
	Object.assign(progress, { sent: 0, ok: 0, failed: 0 });
	const statuses = {};
	let next = 0;
	const worker = async () => {
		while (next < n) {
			const i = next++;
			progress.sent += 1;
			let key;
			try {
				const r = await client.post('/staff/news', { action: 'publish',
					title_fr: `${prefix} ${i}`, body_fr: `Texte ${prefix} ${i}` }, { timeoutMs });
				key = String(r.status);
			} catch (err) {
				key = err.cause?.code || err.name || 'error';
			}
			statuses[key] = (statuses[key] || 0) + 1;
			if (key === '303') progress.ok += 1;
			else progress.failed += 1;
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
	return { ok: progress.ok, failed: progress.failed, statuses };
}

/** The distinct news ids carried by the news.* events of log (from readLog). */
export function newsIdsOf(log) {
	const ids = new Set();
	for (const e of log) {
		if (!e.type.startsWith('news.')) continue;
		ids.add(JSON.parse(e.payload.toString('utf8')).data.id);
	}
	return ids;
}

// --- forging, adopting and intercepting events (protocol tests) --------------------------------

/** Lower-case hex SHA-256 of buf (an event's hash, and the next event's prev). */
export function sha256hex(buf) {
	return crypto.createHash('sha256').update(buf).digest('hex');
}

/**
 * The data of a news.* event as news_emit() makes it. publishedAt: ISO text or null.
 */
export function newsEventData({ id, title, body = `Texte ${title}`, status = 'published',
	publishedAt = new Date().toISOString(), reason = null, lang = 'fr' }) {
	return { id, title: { [lang]: title }, body: { [lang]: body }, status,
		published_at: publishedAt, unpublish_reason: reason };
}

/**
 * Events continuing log (from readLog; [] for an empty log) for origin, one per spec
 * {type, data, refs, seq, prev} (seq and prev default to the correct chain), signed (DSSE) by
 * privateKey. Resolves to [{seq, type, prev, hash, payload (Buffer), envelope (string)}].
 */
export function forgeEvents(log, origin, specs, privateKey) {
	let seq = log.length ? log[log.length - 1].seq : 0;
	let prev = log.length ? log[log.length - 1].hash : '0'.repeat(64);
	return specs.map((s) => {
		seq += 1;
		const ev = { origin, seq: s.seq ?? seq, prev: s.prev ?? prev, type: s.type,
			data: s.data ?? {}, refs: s.refs ?? [] };
		if (s.occurredAt) ev.occurredAt = s.occurredAt;
		const payload = eventPayload(ev);
		const hash = sha256hex(payload);
		prev = hash;
		return { seq: ev.seq, type: ev.type, prev: ev.prev, hash, payload,
			envelope: makeEnvelope(payload, privateKey) };
	});
}

/**
 * Appends events (from forgeEvents, continuing srv's own log) to srv's own log in its database,
 * as if srv had emitted them: fed_events rows, the counter row, NOTIFY (its sender then delivers
 * them). Throws unless the first one follows the counter.
 */
export async function adoptEvents(srv, events) {
	if (!events.length) return;
	const db = { database: srv.database };
	const last = Number((await srv.cluster.psql(
		`SELECT last_seq FROM fed_counter WHERE origin = '${srv.side}'`, db)).trim());
	if (events[0].seq !== last + 1) {
		throw new Error(`adoptEvents: ${srv.side}'s counter is at ${last}, events start at ${events[0].seq}`);
	}
	const tag = `$b${crypto.randomBytes(6).toString('hex')}$`;
	const q = (s) => `${tag}${s}${tag}`;
	const rows = events.map((e) => `('${srv.side}', ${e.seq}, ${q(e.type)}, ` +
		`${q(e.payload.toString('utf8'))}, ${q(e.envelope)}, '${e.hash}')`);
	const end = events[events.length - 1];
	await srv.cluster.psql(['BEGIN;',
		`INSERT INTO fed_events (origin, seq, type, payload, envelope, hash) VALUES ${rows.join(',\n')};`,
		`UPDATE fed_counter SET last_seq = ${end.seq}, last_hash = '${end.hash}' WHERE origin = '${srv.side}';`,
		'COMMIT;', 'NOTIFY fed_outbox;', ''].join('\n'), db);
}

/** POSTs a captured delivery ({headers, body}) to srv's inbox verbatim; {status, json, text}. */
export async function deliverRaw(srv, { headers, body }) {
	const r = await fetch(`${srv.url}/federation/v1/inbox`, { method: 'POST', headers, body });
	const text = await r.text();
	let json = null;
	try { json = JSON.parse(text); } catch { /* not JSON */ }
	return { status: r.status, json, text };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding',
	'upgrade', 'te', 'trailer', 'host']);

/**
 * A plain HTTP proxy on 127.0.0.1 in front of target (a base URL; proxy.target may change):
 * every request is forwarded unchanged, unless intercept({method, url, headers, body}) (body a
 * Buffer) resolves to a reply {status, headers, body}, which is answered instead.
 * Resolves to {url, port, target, close()}.
 */
export async function startProxy(target, { intercept } = {}) {
	const http = await import('node:http');
	const proxy = { target, url: null, port: null, close: null };
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const captured = { method: req.method, url: req.url, headers: { ...req.headers },
				body: Buffer.concat(chunks) };
			try {
				const reply = intercept ? await intercept(captured) : null;
				if (reply) {
					const body = Buffer.from(reply.body ?? '');
					res.writeHead(reply.status, { 'content-length': body.length, ...(reply.headers || {}) });
					res.end(body);
					return;
				}
				const u = new URL(req.url, proxy.target);
				const headers = {};
				for (const [k, v] of Object.entries(req.headers)) {
					if (!HOP_BY_HOP.has(k)) headers[k] = v;
				}
				headers.host = u.host;
				const up = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search,
					method: req.method, headers }, (ur) => {
					const out = {};
					for (const [k, v] of Object.entries(ur.headers)) {
						if (!HOP_BY_HOP.has(k)) out[k] = v;
					}
					res.writeHead(ur.statusCode, out);
					ur.pipe(res);
				});
				up.on('error', () => {
					if (!res.headersSent) res.writeHead(502);
					res.end();
				});
				up.end(captured.body);
			} catch (err) {
				if (!res.headersSent) res.writeHead(500);
				res.end(String(err));
			}
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	server.unref();
	proxy.port = server.address().port;
	proxy.url = `http://127.0.0.1:${proxy.port}`;
	proxy.close = () => new Promise((resolve) => {
		server.closeAllConnections?.();
		server.close(() => resolve());
	});
	return proxy;
}

// --- auditing signatures through rotations and revocations -------------------------------------

/**
 * Verifies the signature of every envelope of one origin's log (from readLog, in seq order) as an
 * auditor does (docs/protocol.md sections 12.1 and 15), with Node's crypto only: a signature
 * counts when its keyid names a key of keys (Map kid → KeyObject, e.g. publishedKeys()) or one
 * a keys.rotated event announced earlier in the log (its kid checked against x), it verifies over
 * PAE, and no earlier keys.revoked revoked that key before this seq (data.last_seq < seq).
 * Returns the refusals [{seq, reason}] — reason 'unknown_key', 'bad_signature' or
 * 'revoked_key' (a verifying signature whose key was revoked for that seq) — [] when every
 * envelope verifies.
 */
export function auditSignatures(log, keys) {
	const known = new Map(keys);
	const revokedAfter = new Map();
	const refusals = [];
	for (const e of log) {
		const env = typeof e.envelope === 'string' ? JSON.parse(e.envelope) : e.envelope;
		const payload = Buffer.from(env.payload, 'base64');
		const ev = JSON.parse(payload.toString('utf8'));
		let verdict = 'unknown_key';
		for (const s of env.signatures) {
			const key = known.get(s.keyid);
			if (!key) continue;
			if (!crypto.verify(null, pae(env.payloadType, payload), key, Buffer.from(s.sig, 'base64'))) {
				if (verdict === 'unknown_key') verdict = 'bad_signature';
				continue;
			}
			if (revokedAfter.has(s.keyid) && ev.seq > revokedAfter.get(s.keyid)) {
				verdict = 'revoked_key';
				continue;
			}
			verdict = 'ok';
			break;
		}
		if (verdict !== 'ok') {
			refusals.push({ seq: ev.seq, reason: verdict });
			continue;
		}
		const d = ev.data || {};
		if (ev.type === 'keys.rotated' && typeof d.x === 'string') {
			const pub = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: d.x }, format: 'jwk' });
			if (kidOf(pub) === d.kid) known.set(d.kid, pub);
		}
		if (ev.type === 'keys.revoked' && Number.isSafeInteger(d.last_seq) && d.last_seq >= 0 &&
			d.last_seq < ev.seq && known.has(d.kid)) {
			const before = revokedAfter.get(d.kid);
			revokedAfter.set(d.kid, before === undefined ? d.last_seq : Math.min(before, d.last_seq));
		}
	}
	return refusals;
}

// ---- signed notes (docs/protocol.md §20.3, §21.1), made and read with Node's crypto ----

export const DASH = '\u2014 ';

/** {body, sigs: [{name, blob (Buffer), line}]} of a signed note. */
export function parseNote(text) {
	const split = text.lastIndexOf('\n\n');
	assert.ok(split > 0, `not a note: ${text}`);
	const body = text.slice(0, split + 1);
	const sigs = text.slice(split + 2).split('\n').filter(Boolean).map((line) => {
		assert.ok(line.startsWith(DASH), line);
		const [name, b64] = line.slice(DASH.length).split(' ');
		return { name, blob: Buffer.from(b64, 'base64'), line: `${line}\n` };
	});
	const [origin, size, root] = body.split('\n');
	return { body, sigs, origin, size: Number(size), root };
}

export function rawPublic(srv) {
	const jwk = crypto.createPublicKey(signingKey(srv)).export({ format: 'jwk' });
	return Buffer.from(jwk.x, 'base64url');
}

export function keyHash(name, type, pub) {
	return crypto.createHash('sha256')
		.update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([type]), pub])).digest()
		.subarray(0, 4);
}

/** A checkpoint note signed by srv's real key, as a dishonest origin would make one. */
export function forgeNote(srv, origin, size, root) {
	const body = `${origin}\n${size}\n${root.toString('base64')}\n`;
	const sig = crypto.sign(null, Buffer.from(body), signingKey(srv));
	const blob = Buffer.concat([keyHash(origin, 0x01, rawPublic(srv)), sig]);
	return `${body}\n${DASH}${origin} ${blob.toString('base64')}\n`;
}

/** A cosignature line of body by srv's real key under name, as a dishonest witness would make. */
export function forgeCosignature(srv, name, body, t = Math.floor(Date.now() / 1000)) {
	const time = Buffer.alloc(8);
	time.writeBigUInt64BE(BigInt(t));
	const sig = crypto.sign(null, Buffer.from(`cosignature/v1\ntime ${t}\n${body}`), signingKey(srv));
	const blob = Buffer.concat([keyHash(name, 0x04, rawPublic(srv)), time, sig]);
	return `${DASH}${name} ${blob.toString('base64')}\n`;
}

/** The RFC 6962 root of the tree over payloads (Buffers), as a Buffer. */
export function treeRoot(payloads) {
	const h = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
	const mth = (lo, hi) => {
		if (hi - lo === 1) return h(Buffer.from([0]), payloads[lo]);
		let k = 1;
		while (k * 2 < hi - lo) k *= 2;
		return h(Buffer.from([1]), mth(lo, lo + k), mth(lo + k, hi));
	};
	return payloads.length ? mth(0, payloads.length) : h();
}
