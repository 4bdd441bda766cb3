// SPDX-License-Identifier: AGPL-3.0-or-later
// Issue 14, the tree: each origin's log as an RFC 6962 Merkle tree over the exact payloads, signed
// checkpoints, inclusion and consistency proofs, C2SP hash tiles (docs/protocol.md, "The log as a
// Merkle tree"), checked by code the project did not write: a real pair emits and delivers
// events, then Go's golang.org/x/mod/sumdb/tlog and sumdb/note (tests/tlog/verify/main.go, built
// offline from Debian's GOPATH) verify the checkpoint note, inclusion proofs by seq and by hash,
// consistency between checkpoints (the daemon's own first one and two made by `tlog checkpoint`),
// the tiles, and the root recomputed from the payloads; and the
// same program must fail on a tampered payload byte, on altered proofs and on a checkpoint signed
// by another key. Node's crypto verifies the note's Ed25519 signature too. The peer's copy of a
// log has the same tree as the origin's, and bad requests get their documented error codes.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../lib/harness.mjs';
import { cliFor, sql, waitFor } from '../lib/http.mjs';
import {
	emitNews, publishedKeys, readLog, staffClient, startFederatedPair,
} from '../lib/federation.mjs';

const goTmp = mkdtempSync(path.join(os.tmpdir(), 'baladiya-tlog-go-'));
const goEnv = {
	...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '',
	GOCACHE: path.join(goTmp, 'cache'), HOME: goTmp,
};
const verifier = path.join(goTmp, 'verify');

function buildVerifier() {
	return new Promise((resolve, reject) => {
		execFile('go', ['build', '-o', verifier, path.join(ROOT, 'tests/tlog/verify/main.go')],
			{ env: goEnv }, (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve()));
	});
}

/** Runs the Go verifier with input (an object, as JSON on stdin): {code, out}. */
function runVerifier(input) {
	return new Promise((resolve) => {
		const p = spawn(verifier, [], { env: goEnv });
		let out = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { out += d; });
		p.on('close', (code) => resolve({ code, out }));
		p.stdin.end(JSON.stringify(input));
	});
}

/** The note's body and its signature lines ("— name base64"). */
function splitNote(note) {
	const i = note.indexOf('\n\n');
	assert.ok(i > 0, 'a note has a blank line');
	return {
		body: note.slice(0, i + 1),
		sigs: note.slice(i + 2).split('\n').filter(Boolean).map((l) => {
			const m = /^— (\S+) (\S+)$/.exec(l);
			assert.ok(m, `signature line ${l}`);
			return { name: m[1], raw: Buffer.from(m[2], 'base64') };
		}),
	};
}

/** C2SP signed-note Ed25519 key hash and verifier key of (name, public KeyObject). */
function noteKey(name, publicKey) {
	const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
	const typed = Buffer.concat([Buffer.from([0x01]), pub]);
	const hash = crypto.createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), typed]))
		.digest().subarray(0, 4);
	return { hash, vkey: `${name}+${hash.toString('hex')}+${typed.toString('base64')}` };
}

/** A note over body signed by privateKey under name (another key's checkpoint). */
function signNote(body, name, privateKey) {
	const { hash } = noteKey(name, crypto.createPublicKey(privateKey));
	const sig = crypto.sign(null, Buffer.from(body), privateKey);
	return `${body}\n— ${name} ${Buffer.concat([hash, sig]).toString('base64')}\n`;
}

async function checkpoint(srv) {
	const r = await cliFor(srv, ['tlog', 'checkpoint'], { env: { BALADIYA_PUBLIC_URL: srv.url } });
	assert.equal(r.code, 0, r.stderr);
	const res = await fetch(`${srv.url}/federation/v1/checkpoint?origin=${srv.side}`);
	assert.equal(res.status, 200);
	assert.match(res.headers.get('content-type'), /^text\/plain/);
	assert.match(res.headers.get('cache-control'), /public/);
	return res.text();
}

describe('the log as a Merkle tree, verified by Go\'s sumdb/tlog and sumdb/note', () => {
	let pair;
	let official;
	let citizen;
	const notes = [];
	let first;
	let log;
	let vkey;
	let name;

	before(async () => {
		const [p] = await Promise.all([startFederatedPair(), buildVerifier()]);
		pair = p;
		({ official, citizen } = pair);
		// the daemon signs a first checkpoint by itself once its log is not empty (its profile)
		first = await waitFor(async () => {
			const r = await fetch(`${official.url}/federation/v1/checkpoint`);
			return r.status === 200 && r.text();
		}, { timeoutMs: 30_000, what: 'official\'s first checkpoint' });
		const staff = await staffClient(official);
		await emitNews(staff, 5, 'Arbre');
		notes.push(await checkpoint(official));
		await emitNews(staff, 6, 'Branche');
		notes.push(await checkpoint(official));
		log = await readLog(official);
		name = notes[1].split('\n')[0];
		const keys = [...(await publishedKeys(official)).values()];
		assert.equal(keys.length, 1);
		({ vkey } = noteKey(name, keys[0]));
	});

	after(async () => {
		await pair?.stop();
		rmSync(goTmp, { recursive: true, force: true });
	});

	test('checkpoints are C2SP notes over the whole log, their signature verified by Node', async () => {
		const url = new URL(official.url);
		assert.equal(name, `${url.host}/baladiya/official`);
		const latest = splitNote(notes[1]);
		const lines = latest.body.split('\n');
		assert.equal(lines.length, 4);
		assert.equal(Number(lines[1]), log.length, 'the checkpoint covers every event');
		const [pub] = (await publishedKeys(official)).values();
		const { hash } = noteKey(name, pub);
		const own = latest.sigs.find((s) => s.name === name);
		assert.ok(own, 'signed under the origin line');
		assert.deepEqual(own.raw.subarray(0, 4), hash);
		assert.ok(crypto.verify(null, Buffer.from(latest.body), pub, own.raw.subarray(4)));
		assert.ok(!crypto.verify(null, Buffer.from(latest.body.replace(/\n\d+\n/, '\n1\n')), pub,
			own.raw.subarray(4)), 'the signature covers the size');
		// the root is RFC 6962's over SHA-256(0x00 || payload), recomputed here in Node
		const leaves = log.map((e) => crypto.createHash('sha256')
			.update(Buffer.concat([Buffer.from([0]), e.payload])).digest());
		const mth = (l) => {
			if (l.length === 1) return l[0];
			let k = 1;
			while (k * 2 < l.length) k *= 2;
			return crypto.createHash('sha256').update(Buffer.concat([Buffer.from([1]), mth(l.slice(0, k)),
				mth(l.slice(k))])).digest();
		};
		assert.equal(lines[2], mth(leaves).toString('base64'));
	});

	test('Go verifies the checkpoint, the tree, inclusion, consistency and the tiles', async () => {
		const input = {
			base: official.url, origin: 'official', vkey,
			payloads: log.map((e) => e.payload.toString('base64')),
			old_notes: [first, notes[0]],
			inclusion: [{ seq: 1 }, { seq: 4 }, { seq: log.length }, { hash: log[2].hash },
				{ hash: log[log.length - 2].hash }],
		};
		const r = await runVerifier(input);
		assert.equal(r.code, 0, r.out);
		assert.doesNotMatch(r.out, /FAIL/);
		assert.equal((r.out.match(/^ok /gm) || []).length, 2 + 5 + 2 + 1, r.out);
		assert.ok(Number(first.split('\n')[1]) < Number(notes[0].split('\n')[1]), 'the daemon\'s own checkpoint came first');
		assert.match(r.out, /consistency \d+ -> \d+/);
	});

	test('Go detects a tampered payload byte, altered proofs and another key\'s checkpoint', async () => {
		const good = {
			base: official.url, origin: 'official', vkey,
			payloads: log.map((e) => e.payload.toString('base64')),
			old_notes: [notes[0]],
			inclusion: [{ seq: 3 }],
		};
		const tampered = log.map((e) => Buffer.from(e.payload));
		tampered[2][tampered[2].length - 3] ^= 0x01;
		let r = await runVerifier({ ...good, payloads: tampered.map((p) => p.toString('base64')) });
		assert.equal(r.code, 1, r.out);
		assert.match(r.out, /FAIL tree hash of the payloads/);
		assert.match(r.out, /FAIL inclusion seq=3/);
		assert.match(r.out, /FAIL hash tiles/);

		r = await runVerifier({ ...good, tamper_proofs: true });
		assert.equal(r.code, 1, r.out);
		assert.match(r.out, /FAIL inclusion seq=3/);
		assert.match(r.out, /FAIL consistency/);

		const other = crypto.generateKeyPairSync('ed25519');
		r = await runVerifier({ ...good, vkey: noteKey(name, other.publicKey).vkey });
		assert.equal(r.code, 1, r.out);
		assert.match(r.out, /FAIL checkpoint signature/);
		const forged = signNote(splitNote(notes[0]).body, name, other.privateKey);
		r = await runVerifier({ ...good, old_notes: [forged] });
		assert.equal(r.code, 1, r.out);
		assert.match(r.out, /FAIL old checkpoint 0 signature/);
	});

	test('the peer\'s copy has the same tree as the origin\'s', async () => {
		const own = await checkpoint(citizen);
		const size = Number(own.split('\n')[1]);
		const root = own.split('\n')[2];
		assert.ok(size >= 1);
		await waitFor(async () => {
			const r = await fetch(`${official.url}/federation/v1/proof/consistency?origin=citizen&from=${size}&to=${size}`);
			if (r.status !== 200) return false;
			const j = await r.json();
			return j.to_root === root;
		}, { timeoutMs: 30_000, what: 'official\'s copy of citizen\'s log to have its tree' });
		const r = await fetch(`${official.url}/federation/v1/proof/inclusion?origin=citizen&seq=1&size=${size}`);
		assert.equal(r.status, 200);
		const j = await r.json();
		assert.equal(j.root, root);
		assert.match(r.headers.get('cache-control'), /immutable/);
	});

	test('a tree lost (or made before the tree existed) is built again from the stored events', async () => {
		const root = notes[1].split('\n')[2];
		const size = Number(notes[1].split('\n')[1]);
		await sql(official, "DELETE FROM tlog_hashes WHERE origin = 'official';"
			+ " UPDATE tlog_trees SET size = 0 WHERE origin = 'official'");
		// the daemon's thread notices within a second and rebuilds the same tree
		await waitFor(async () => {
			const r = await fetch(`${official.url}/federation/v1/proof/consistency?from=${size}&to=${size}`);
			return r.status === 200 && (await r.json()).to_root === root;
		}, { timeoutMs: 30_000, what: 'official to rebuild its tree' });
		assert.equal(Number(await sql(official, "SELECT size FROM tlog_trees WHERE origin = 'official'")),
			log.length);
	});

	test('bad requests get stable error codes', async () => {
		const n = log.length;
		const cases = [
			['/federation/v1/checkpoint?origin=elsewhere', 404, 'unknown_origin'],
			['/federation/v1/proof/inclusion?seq=0', 400, 'invalid_parameter'],
			['/federation/v1/proof/inclusion?seq=1&hash=' + log[0].hash, 400, 'invalid_parameter'],
			['/federation/v1/proof/inclusion', 400, 'invalid_parameter'],
			['/federation/v1/proof/inclusion?hash=ABC', 400, 'invalid_parameter'],
			['/federation/v1/proof/inclusion?hash=' + '0'.repeat(64), 404, 'unknown_event'],
			[`/federation/v1/proof/inclusion?seq=${n}&size=${n - 1}`, 404, 'not_in_tree'],
			[`/federation/v1/proof/inclusion?seq=1&size=${n + 1000}`, 404, 'unknown_size'],
			['/federation/v1/proof/inclusion?seq=1&size=01', 400, 'invalid_parameter'],
			['/federation/v1/proof/consistency?from=3&to=2', 400, 'invalid_range'],
			['/federation/v1/proof/consistency?from=0&to=2', 400, 'invalid_range'],
			['/federation/v1/proof/consistency?from=1', 400, 'invalid_range'],
			[`/federation/v1/proof/consistency?from=1&to=${n + 1000}`, 404, 'unknown_size'],
			['/federation/v1/tile/official/0/1', 400, 'invalid_tile'],
			['/federation/v1/tile/official/0/000.p/0', 400, 'invalid_tile'],
			['/federation/v1/tile/official/0/x000/000', 400, 'invalid_tile'],
			['/federation/v1/tile/official/0/000', 404, 'unknown_tile'],
			['/federation/v1/tile/official/0/001.p/1', 404, 'unknown_tile'],
			['/federation/v1/tile/elsewhere/0/000.p/1', 404, 'unknown_origin'],
		];
		for (const [p, status, code] of cases) {
			const r = await fetch(official.url + p);
			assert.equal(r.status, status, p);
			assert.equal((await r.json()).error.code, code, p);
		}
		// a peer's checkpoint ahead of the copy held here: no proof at its size yet (not a 503)
		await sql(official, "INSERT INTO tlog_checkpoints (origin, size, root, note)"
			+ " VALUES ('citizen', 1000000, sha256(''), 'ahead')");
		const ahead = await fetch(`${official.url}/federation/v1/proof/inclusion?origin=citizen&seq=1`);
		assert.equal(ahead.status, 404);
		assert.equal((await ahead.json()).error.code, 'unknown_size');
		await sql(official, "DELETE FROM tlog_checkpoints WHERE note = 'ahead'");
		// the partial tile of the leaves: each leaf hash, 32 bytes each
		const r = await fetch(`${official.url}/federation/v1/tile/official/0/000.p/${n}`);
		assert.equal(r.status, 200);
		const tile = Buffer.from(await r.arrayBuffer());
		assert.equal(tile.length, 32 * n);
		assert.deepEqual(tile.subarray(0, 32), crypto.createHash('sha256')
			.update(Buffer.concat([Buffer.from([0]), log[0].payload])).digest());
	});
});
