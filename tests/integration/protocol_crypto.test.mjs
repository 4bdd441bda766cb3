// SPDX-License-Identifier: AGPL-3.0-or-later
// Outside verifier for the federation protocol's cryptography: Node's own crypto checks what
// our C library (protocol/) produces — Ed25519 over DSSE PAE, Standard Webhooks v1a
// signatures, RFC 7638 key ids and the prev hash chain — so both sides cannot share one bug.
// Runs the binary tests/unit/protocol_test_crosscheck --emit from $BALADIYA_BUILD_DIR
// (default build/dev, relative to the repository root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const buildDir = path.resolve(root, process.env.BALADIYA_BUILD_DIR || 'build/dev');
const binary = path.join(buildDir, 'tests', 'unit', 'protocol_test_crosscheck');

const EVENT_KEYS = ['v', 'origin', 'seq', 'prev', 'type', 'occurred_at', 'refs', 'data'];
const GENESIS = '0'.repeat(64);

function emit() {
	assert.ok(existsSync(binary), `${binary} not built (set BALADIYA_BUILD_DIR)`);
	const run = spawnSync(binary, ['--emit'], { encoding: 'utf8' });
	assert.equal(run.status, 0, `--emit failed: ${run.stderr}`);
	return JSON.parse(run.stdout);
}

const b64 = (s) => Buffer.from(s, 'base64');
const sha256 = (buf) => createHash('sha256').update(buf).digest();

// Node's base64 decoder is lenient: insist on canonical text before trusting it.
function strictB64(s) {
	assert.match(s, /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
	const buf = b64(s);
	assert.equal(buf.toString('base64'), s);
	return buf;
}

function pae(type, body) {
	const t = Buffer.from(type, 'utf8');
	return Buffer.concat([
		Buffer.from(`DSSEv1 ${t.length} `), t, Buffer.from(` ${body.length} `), body,
	]);
}

function flipped(buf, index) {
	const copy = Buffer.from(buf);
	copy[index] ^= 0x01;
	return copy;
}

const m = emit();
const pub = strictB64(m.public_key);
const key = createPublicKey({
	key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') },
	format: 'jwk',
});

test('the JWK carries the public key and its RFC 7638 thumbprint as kid', () => {
	assert.equal(pub.length, 32);
	assert.deepEqual(Object.keys(m.jwk), ['kty', 'crv', 'x', 'kid', 'alg', 'use']);
	assert.equal(m.jwk.kty, 'OKP');
	assert.equal(m.jwk.crv, 'Ed25519');
	assert.equal(m.jwk.alg, 'EdDSA');
	assert.equal(m.jwk.use, 'sig');
	assert.equal(m.jwk.x, pub.toString('base64url'));
	// Node's own idea of the key agrees with the raw bytes.
	assert.equal(key.export({ format: 'jwk' }).x, m.jwk.x);
	const canonical = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x: m.jwk.x });
	const thumbprint = sha256(Buffer.from(canonical)).toString('base64url');
	assert.equal(thumbprint, m.keyid);
	assert.equal(m.jwk.kid, m.keyid);
	assert.equal(m.keyid.length, 43);
});

test('the DSSE envelope verifies over PAE with Node crypto', () => {
	const envBytes = strictB64(m.envelope);
	const env = JSON.parse(envBytes.toString('utf8'));
	assert.deepEqual(Object.keys(env), ['payloadType', 'payload', 'signatures']);
	assert.equal(env.payloadType, 'application/vnd.baladiya.event+json');
	assert.equal(env.payloadType, m.payload_type);
	assert.equal(env.signatures.length, 1);
	assert.deepEqual(Object.keys(env.signatures[0]), ['keyid', 'sig']);
	assert.equal(env.signatures[0].keyid, m.keyid);
	const payload = strictB64(env.payload);
	assert.deepEqual(payload, strictB64(m.events[1]));
	const sig = strictB64(env.signatures[0].sig);
	assert.equal(sig.length, 64);
	const msg = pae(env.payloadType, payload);

	assert.equal(verify(null, msg, key, sig), true);
	// The signature covers PAE, not the bare payload.
	assert.equal(verify(null, payload, key, sig), false);
	// Any flipped byte, in the payload, the type's length or the signature, fails.
	for (const i of [0, 7, msg.length - payload.length, msg.length - 1]) {
		assert.equal(verify(null, flipped(msg, i), key, sig), false, `PAE byte ${i}`);
	}
	for (const i of [0, 31, 32, 63]) {
		assert.equal(verify(null, msg, key, flipped(sig, i)), false, `sig byte ${i}`);
	}
	assert.equal(verify(null, pae('application/json', payload), key, sig), false);
});

test('the webhook signature verifies over id.timestamp.body with Node crypto', () => {
	const wh = m.webhook;
	assert.match(wh.id, /^[\x21-\x2d\x2f-\x7e]{1,128}$/);
	assert.match(wh.timestamp, /^[1-9][0-9]{0,18}$/);
	assert.ok(Math.abs(Number(wh.timestamp) - Date.now() / 1000) <= 300, 'timestamp is fresh');
	const body = strictB64(wh.body);
	assert.deepEqual(body, strictB64(m.envelope));
	const entries = wh.signature.split(' ');
	assert.equal(entries.length, 1);
	const [version, value] = entries[0].split(',');
	assert.equal(version, 'v1a');
	const sig = strictB64(value);
	assert.equal(sig.length, 64);
	const signed = Buffer.concat([Buffer.from(`${wh.id}.${wh.timestamp}.`), body]);

	assert.equal(verify(null, signed, key, sig), true);
	assert.equal(verify(null, flipped(signed, signed.length - 1), key, sig), false);
	assert.equal(verify(null, flipped(signed, 0), key, sig), false);
	assert.equal(verify(null, signed, key, flipped(sig, 10)), false);
	const otherTs = Buffer.concat([Buffer.from(`${wh.id}.${Number(wh.timestamp) + 1}.`), body]);
	assert.equal(verify(null, otherTs, key, sig), false);
});

test('the events are compact, ordered and hash-chained', () => {
	const [first, second] = m.events.map(strictB64);
	const e1 = JSON.parse(first.toString('utf8'));
	const e2 = JSON.parse(second.toString('utf8'));
	for (const [bytes, e] of [[first, e1], [second, e2]]) {
		assert.deepEqual(Object.keys(e), EVENT_KEYS);
		// Compact JSON as JSON.stringify writes it: no spaces, raw UTF-8, same escapes.
		assert.equal(bytes.toString('utf8'), JSON.stringify(e));
		assert.equal(e.v, 1);
		assert.match(e.occurred_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
	}
	assert.match(first.toString('utf8'), /Marché de Noël/);
	assert.equal(e1.seq, 1);
	assert.equal(e1.prev, GENESIS);
	assert.equal(e2.seq, 2);
	assert.equal(e2.origin, e1.origin);
	assert.equal(e2.prev, sha256(first).toString('hex'));
	assert.notEqual(e2.prev, sha256(flipped(first, 10)).toString('hex'));
	assert.deepEqual(Object.keys(e2.refs[0]), ['origin', 'type', 'id']);
});
