// SPDX-License-Identifier: AGPL-3.0-or-later
// The witness (docs/protocol.md, "Cosigning"), on a real pair: after events both ways and a
// checkpoint by each side, each side's checkpoint carries the other's cosignature, checked with
// Node's crypto (Ed25519 over the tlog-cosignature message) and with Go's sumdb/note
// (tests/tlog/note_check); each side records checkpoint.cosigned in its own log, and the peer
// stores it as a known type. Then citizen sees official through a proxy that serves forged
// checkpoints signed with official's real key: one of the same size with another root (a fork)
// and one smaller than the one cosigned (a rollback) each raise an alarm on citizen's status
// page with both signed notes as evidence, and neither is cosigned. Last, hostile bodies on
// POST /federation/v1/cosignature get a 4xx with a stable code and store nothing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, ROOT } from '../lib/harness.mjs';
import { cliFor, waitFor } from '../lib/http.mjs';
import { backup, ownLogBack, restore } from '../lib/recovery.mjs';
import {
	adoptEvents, DASH, emitNews, federationStatus, forgeCosignature, forgeEvents, forgeNote,
	keyHash, parseNote, rawPublic, readLog, signingKey, staffClient, publishedKeys,
	startFederatedPair, startProxy, treeRoot, waitForMirror,
} from '../lib/federation.mjs';

/** Checks the cosignature by witness srv (name) on note with Node's crypto; returns its time. */
function verifyCosignature(note, name, srv) {
	const n = parseNote(note);
	const sig = n.sigs.find((s) => s.name === name);
	assert.ok(sig, `no cosignature by ${name} on\n${note}`);
	assert.equal(sig.blob.length, 4 + 8 + 64);
	assert.deepEqual(sig.blob.subarray(0, 4), keyHash(name, 0x04, rawPublic(srv)));
	const t = sig.blob.readBigUInt64BE(4);
	const msg = Buffer.from(`cosignature/v1\ntime ${t}\n${n.body}`);
	assert.ok(crypto.verify(null, msg, crypto.createPublicKey(signingKey(srv)),
		sig.blob.subarray(12)), `the cosignature by ${name} does not verify`);
	return Number(t);
}

/** tests/tlog/note_check (Go's sumdb/note) on note: resolves to {code, stdout, stderr}. */
function goCheck(note, origin, originSrv, witness, witnessSrv) {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'baladiya-notecheck-'));
	const file = path.join(dir, 'note');
	writeFileSync(file, note);
	const args = ['run', path.join(ROOT, 'tests/tlog/note_check/main.go'), '-note', file,
		'-key', `${origin}+${rawPublic(originSrv).toString('base64')}`,
		'-witness', `${witness}+${rawPublic(witnessSrv).toString('base64')}`];
	return new Promise((resolve) => {
		execFile('go', args, {
			env: { PATH: process.env.PATH, GO111MODULE: 'off', GOPATH: '/usr/share/gocode',
				GOCACHE: path.join(dir, 'cache'), HOME: dir, GOFLAGS: '' },
			timeout: 240_000,
		}, (err, stdout, stderr) => {
			rmSync(dir, { recursive: true, force: true });
			resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
		});
	});
}

async function checkpointOf(srv, origin = srv.side) {
	const r = await fetch(`${srv.url}/federation/v1/checkpoint?origin=${origin}`);
	return r.status === 200 ? r.text() : null;
}

async function issue(srv) {
	const r = await cliFor(srv, ['tlog', 'checkpoint'], { env: { BALADIYA_PUBLIC_URL: srv.url } });
	assert.equal(r.code, 0, r.stderr);
}

const sql = (srv, q) => srv.cluster.psql(q, { database: srv.database });

describe('the witness: cosigned checkpoints, fork and rollback alarms', () => {
	let pair;
	let official;
	let citizen;
	let oAdmin;
	let cAdmin;
	let proxy;
	let forged = null; // the note the proxy serves citizen as official's checkpoint
	const cosignaturesSeen = []; // cosignature POSTs from citizen to official, through the proxy
	let oName;
	let cName;
	let cosignedSize;

	before(async () => {
		const op = await freePort();
		proxy = await startProxy(`http://127.0.0.1:${op}`, {
			intercept: async (req) => {
				if (req.method === 'POST' && req.url.startsWith('/federation/v1/cosignature')) {
					cosignaturesSeen.push(JSON.parse(req.body.toString()));
				}
				if (forged && req.method === 'GET' && req.url.startsWith('/federation/v1/checkpoint')) {
					return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' },
						body: forged };
				}
				return null;
			},
		});
		const env = { BALADIYA_COSIGN_SECONDS: '1' };
		// citizen reaches official through the proxy, and knows official's public URL, which
		// names official's log (the origin line its checkpoints must carry exactly)
		pair = await startFederatedPair({
			official: { port: op, env },
			citizen: { env: { ...env, BALADIYA_PEER_URL: `http://127.0.0.1:${op}` } },
			officialUrlForCitizen: proxy.url,
		});
		({ official, citizen } = pair);
		[oAdmin, cAdmin] = await Promise.all([staffClient(official), staffClient(citizen)]);
		oName = `127.0.0.1:${new URL(official.url).port}/baladiya/official`;
		cName = `127.0.0.1:${new URL(citizen.url).port}/baladiya/citizen`;
	});

	after(async () => {
		await pair?.stop();
		await proxy?.close();
	});

	test('after events both ways, each checkpoint carries the other side\'s valid cosignature', async () => {
		await emitNews(oAdmin, 3, 'Témoin');
		await waitForMirror(official, citizen);
		await waitForMirror(citizen, official); // citizen's profile.updated at least
		const issued = (await readLog(official)).length;
		await issue(official);
		await issue(citizen);
		let oNote;
		let cNote;
		await waitFor(async () => {
			oNote = await checkpointOf(official);
			cNote = await checkpointOf(citizen);
			return oNote && cNote && parseNote(oNote).sigs.some((s) => s.name === cName) &&
				parseNote(cNote).sigs.some((s) => s.name === oName);
		}, { timeoutMs: 60_000, what: 'both checkpoints cosigned by the peer' });
		const o = parseNote(oNote);
		assert.equal(o.origin, oName);
		// (official's log may since have grown by its own checkpoint.cosigned)
		assert.ok(o.size >= issued, `checkpoint of ${o.size} events, ${issued} were there`);
		cosignedSize = o.size;
		const t = verifyCosignature(oNote, cName, citizen);
		assert.ok(Math.abs(t - Date.now() / 1000) < 300, `cosignature time ${t}`);
		verifyCosignature(cNote, oName, official);
		// a cosignature by the wrong key does not pass for one
		assert.throws(() => verifyCosignature(oNote, cName, official));

		// Go's sumdb/note: official's signature and citizen's cosignature, and the reverse
		const g1 = await goCheck(oNote, oName, official, cName, citizen);
		assert.equal(g1.code, 0, g1.stderr);
		assert.equal(JSON.parse(g1.stdout).size, o.size);
		const g2 = await goCheck(cNote, cName, citizen, oName, official);
		assert.equal(g2.code, 0, g2.stderr);
		// and it refuses a note whose cosignature is by someone else's key
		const g3 = await goCheck(oNote, oName, official, cName, official);
		assert.notEqual(g3.code, 0);
	});

	test('each side records checkpoint.cosigned in its own log; the peer stores it as a known type', async () => {
		const cLog = await readLog(citizen);
		const rec = cLog.find((e) => e.type === 'checkpoint.cosigned' &&
			e.data.origin === 'official' && e.data.size === cosignedSize);
		assert.ok(rec, 'citizen did not record its cosignature of official\'s checkpoint');
		const o = parseNote(await checkpointOf(official));
		assert.equal(rec.data.root, o.root);
		assert.equal(rec.data.time, verifyCosignature(await checkpointOf(official), cName, citizen));
		assert.deepEqual(Object.keys(rec.data).sort(), ['origin', 'root', 'size', 'time']);
		assert.ok((await readLog(official)).some((e) => e.type === 'checkpoint.cosigned' &&
			e.data.origin === 'citizen'), 'official did not record its cosignature');
		await waitForMirror(citizen, official);
		const flagged = await sql(official,
			"SELECT count(*) FROM fed_events WHERE origin = 'citizen' AND type = 'checkpoint.cosigned' AND flag IS NOT NULL");
		assert.equal(flagged.trim(), '0');
		assert.equal((await federationStatus(oAdmin)).peer.flagged, 0);
	});

	test('a fork (same size, another root, official\'s real key) raises an alarm with both notes, never cosigned', async () => {
		const stored = (await sql(citizen,
			`SELECT note FROM tlog_checkpoints WHERE origin = 'official' AND size = ${cosignedSize}`)).trim();
		assert.ok(stored.startsWith(oName));
		const events = (await readLog(citizen)).filter((e) => e.type === 'checkpoint.cosigned').length;
		const posts = cosignaturesSeen.length;
		forged = forgeNote(official, oName, cosignedSize, crypto.randomBytes(32));
		await waitFor(async () => (await federationStatus(cAdmin)).alarms
			.some((a) => a.kind === 'fork' && a.origin === 'official' && a.seq === cosignedSize),
		{ timeoutMs: 30_000, what: 'a fork alarm on citizen\'s status page' });
		const ev = JSON.parse((await sql(citizen,
			"SELECT evidence FROM fed_alarms WHERE kind = 'fork' AND origin = 'official'")).trim());
		assert.equal(ev.later, forged);
		assert.equal(`${ev.earlier}\n`.trim(), stored.trim());
		// the public audit page shows both signed notes, and anyone verifies them with the keys
		// official publishes
		const audit = await (await fetch(`${citizen.url}/audit.json`)).json();
		const shown = audit.checkpoint_alarms.find((a) => a.kind === 'fork' && a.size === cosignedSize);
		assert.ok(shown, JSON.stringify(audit.checkpoint_alarms));
		assert.equal(shown.later, forged);
		assert.equal(shown.earlier, ev.earlier);
		const keys = [...(await publishedKeys(official)).values()];
		for (const note of [shown.earlier, shown.later]) {
			const n = parseNote(note);
			const sig = n.sigs.find((x) => x.name === oName);
			assert.ok(keys.some((k) => crypto.verify(null, Buffer.from(n.body), k, sig.blob.subarray(4))),
				`a note of the evidence does not verify under official's published keys:\n${note}`);
		}
		const html = await (await fetch(`${citizen.url}/audit?lang=fr`)).text();
		assert.match(html, /Alertes sur les points de contrôle/);
		assert.ok((html.match(/<pre><code dir="ltr">/g) || []).length >= 3, 'both notes and the command');
		// the page shows it too (HTML, the alarm's kind)
		const page = await cAdmin.get('/staff/federation');
		assert.equal(page.status, 200);
		assert.match(page.body, /fork/);
		// not cosigned: no stored checkpoint with that root, no event, no cosignature sent
		const root = parseNote(forged).root;
		assert.equal((await sql(citizen,
			`SELECT count(*) FROM tlog_checkpoints WHERE origin = 'official' AND encode(root, 'base64') = '${root}'`)).trim(), '0');
		assert.equal((await readLog(citizen)).filter((e) => e.type === 'checkpoint.cosigned').length, events);
		assert.equal(cosignaturesSeen.length, posts, 'a cosignature was sent after the fork');
	});

	test('a rollback (smaller than the one cosigned, official\'s real key) raises an alarm, never cosigned', async () => {
		const events = (await readLog(citizen)).filter((e) => e.type === 'checkpoint.cosigned').length;
		const small = cosignedSize - 1;
		forged = forgeNote(official, oName, small, crypto.randomBytes(32));
		await waitFor(async () => (await federationStatus(cAdmin)).alarms
			.some((a) => a.kind === 'rollback' && a.origin === 'official' && a.seq === small),
		{ timeoutMs: 30_000, what: 'a rollback alarm on citizen\'s status page' });
		const ev = JSON.parse((await sql(citizen,
			"SELECT evidence FROM fed_alarms WHERE kind = 'rollback' AND origin = 'official'")).trim());
		assert.equal(ev.later, forged);
		assert.ok(ev.earlier.startsWith(`${oName}\n${cosignedSize}\n`));
		assert.equal((await sql(citizen,
			`SELECT count(*) FROM tlog_checkpoints WHERE origin = 'official' AND size = ${small}`)).trim(), '0');
		assert.equal((await readLog(citizen)).filter((e) => e.type === 'checkpoint.cosigned').length, events);
		forged = null;
	});

	test('a checkpoint under another origin line (official\'s real key, true size and root) raises an alarm, never cosigned', async () => {
		// the origin line ends like official's ("/baladiya/official") and every other check
		// passes: the tree, the consistency proof from the last one cosigned, citizen's copy
		await emitNews(oAdmin, 1, 'Ailleurs');
		await waitForMirror(official, citizen);
		const log = await readLog(official);
		const events = (await readLog(citizen)).filter((e) => e.type === 'checkpoint.cosigned').length;
		const posts = cosignaturesSeen.length;
		const other = 'evil.example/baladiya/official';
		forged = forgeNote(official, other, log.length, treeRoot(log.map((e) => e.payload)));
		await waitFor(async () => (await federationStatus(cAdmin)).alarms
			.some((a) => a.kind === 'checkpoint_origin_mismatch' && a.origin === 'official' &&
				a.seq === log.length),
		{ timeoutMs: 30_000, what: 'a checkpoint_origin_mismatch alarm on citizen\'s status page' });
		const ev = JSON.parse((await sql(citizen,
			"SELECT evidence FROM fed_alarms WHERE kind = 'checkpoint_origin_mismatch'")).trim());
		assert.equal(ev.later, forged);
		assert.match(ev.earlier, new RegExp(`${oName.replace(/\./g, '\\.')}$`));
		await new Promise((r) => setTimeout(r, 2000)); // more rounds: still nothing cosigned
		assert.equal((await sql(citizen,
			`SELECT count(*) FROM tlog_checkpoints WHERE origin = 'official' AND (size = ${log.length} OR note LIKE '${other}%')`)).trim(), '0');
		assert.equal((await readLog(citizen)).filter((e) => e.type === 'checkpoint.cosigned').length, events);
		assert.equal(cosignaturesSeen.length, posts, 'a cosignature was sent for another log');
		forged = null;
	});

	test('a checkpoint that only adds the peer\'s own cosigning records is cosigned, not recorded again', async () => {
		const records = async (srv, origin) => (await readLog(srv))
			.filter((e) => e.type === 'checkpoint.cosigned' && e.data.origin === origin).length;
		// a real event of official: citizen cosigns official's checkpoint and records it ...
		await emitNews(oAdmin, 1, 'Encore');
		await waitForMirror(official, citizen);
		const r0 = await records(citizen, 'official');
		await issue(official);
		await waitFor(async () => (await records(citizen, 'official')) === r0 + 1,
			{ timeoutMs: 30_000, what: 'citizen to record its cosignature' });
		// ... so citizen's log grew by that record only: official cosigns citizen's next
		// checkpoint but does not record it (else each side would record the other's records
		// forever, a checkpoint interval apart)
		await waitForMirror(citizen, official);
		const cLog = await readLog(citizen);
		const before = await records(official, 'citizen');
		const last = (await sql(official,
			"SELECT max(size) FROM tlog_checkpoints WHERE origin = 'citizen'")).trim();
		assert.ok(cLog.slice(Number(last)).length > 0 &&
			cLog.slice(Number(last)).every((e) => e.type === 'checkpoint.cosigned'),
		`citizen's log since official last cosigned it: ${cLog.slice(Number(last)).map((e) => e.type)}`);
		await issue(citizen);
		await waitFor(async () => {
			const n = parseNote(await checkpointOf(citizen));
			return n.size === cLog.length && n.sigs.some((x) => x.name === oName);
		}, { timeoutMs: 30_000, what: 'citizen\'s new checkpoint cosigned by official' });
		verifyCosignature(await checkpointOf(citizen), oName, official);
		assert.equal(await records(official, 'citizen'), before);
	});

	test('hostile cosignature bodies get a 4xx with a stable code and store nothing', async () => {
		const note = await checkpointOf(official);
		const real = parseNote(note).sigs.find((s) => s.name === cName).line;
		const size = parseNote(note).size;
		const count = async () => (await sql(official, 'SELECT count(*) FROM tlog_cosignatures')).trim();
		const before = await count();
		const post = async (body) => {
			const r = await fetch(`${official.url}/federation/v1/cosignature`, {
				method: 'POST', headers: { 'content-type': 'application/json' },
				body: typeof body === 'string' ? body : JSON.stringify(body),
			});
			return { status: r.status, code: (await r.json().catch(() => ({}))).error?.code };
		};
		// the genuine one again: accepted, already there
		assert.deepEqual(await post({ origin: 'official', size, cosignature: real }),
			{ status: 200, code: undefined });
		const blob = Buffer.from(real.slice(DASH.length + cName.length + 1).trim(), 'base64');
		blob[20] ^= 1;
		const badSig = `${DASH}${cName} ${blob.toString('base64')}\n`;
		const cases = [
			[{ origin: 'official', size, cosignature: badSig }, 400, 'bad_cosignature'],
			[{ origin: 'official', size, cosignature: real.replace(cName, 'evil.example/baladiya/intruder') },
				403, 'unknown_witness'],
			// a valid cosignature by citizen's real key, under a name that only ends like its own
			[{ origin: 'official', size,
				cosignature: forgeCosignature(citizen, 'evil.example/baladiya/citizen', parseNote(note).body) },
			403, 'unknown_witness'],
			[{ origin: 'official', size, cosignature: forgeCosignature(citizen, `x${cName}`, parseNote(note).body) },
				403, 'unknown_witness'],
			[{ origin: 'official', size: size + 1000, cosignature: real }, 404, 'unknown_checkpoint'],
			[{ origin: 'citizen', size, cosignature: real }, 404, 'unknown_checkpoint'],
			[{ origin: 'official', size, cosignature: real, extra: 1 }, 400, 'malformed_cosignature'],
			[{ origin: 'official', size: -1, cosignature: real }, 400, 'malformed_cosignature'],
			[{ origin: 'official', size, cosignature: real + real }, 400, 'malformed_cosignature'],
			['not json', 400, 'malformed_cosignature'],
			[{ origin: 'official', size, cosignature: real, pad: 'x'.repeat(5000) }, 413, 'payload_too_large'],
		];
		for (const [body, status, code] of cases) {
			const r = await post(body);
			assert.deepEqual(r, { status, code }, JSON.stringify(body).slice(0, 200));
		}
		assert.equal(await count(), before);
	});

	test('the peer\'s applier knows checkpoint.cosigned: a well-formed one applies, a malformed one is flagged invalid_data', async () => {
		const cLog = await readLog(citizen);
		const root = crypto.randomBytes(32).toString('base64');
		const events = forgeEvents(cLog, 'citizen', [
			{ type: 'checkpoint.cosigned', data: { origin: 'official', size: 3, root, time: 1796601600 } },
			{ type: 'checkpoint.cosigned', data: { origin: 'official', size: '3', root, time: 1796601600 } },
			{ type: 'checkpoint.cosigned', data: { origin: 'official', size: 3, root: 'AAAA', time: 1 } },
		], signingKey(citizen));
		await adoptEvents(citizen, events);
		await waitForMirror(citizen, official);
		const flags = (await sql(official,
			`SELECT seq || ':' || coalesce(flag, '-') FROM fed_events WHERE origin = 'citizen' AND seq >= ${events[0].seq} ORDER BY seq`))
			.trim().split('\n');
		assert.deepEqual(flags, [`${events[0].seq}:-`, `${events[1].seq}:invalid_data`,
			`${events[2].seq}:invalid_data`]);
	});
	test('after a database restore, the witness holds the peer to what its own log says it cosigned', async () => {
		forged = null;
		const storedMax = async () => Number((await sql(citizen,
			"SELECT coalesce(max(size), 0) FROM tlog_checkpoints WHERE origin = 'official'")).trim());
		const dump = backup(citizen);
		const stored = await storedMax();
		// the lost days: official grows by two news items, citizen cosigns its checkpoint and
		// records it in its own log (checkpoint.cosigned), which official holds a copy of
		await emitNews(oAdmin, 2, 'Jours perdus');
		await waitForMirror(official, citizen);
		await issue(official);
		const recorded = await waitFor(async () => {
			const r = (await readLog(citizen)).filter((e) => e.type === 'checkpoint.cosigned' &&
				e.data.origin === 'official' && e.data.size >= stored + 2);
			return r.length ? r.at(-1).data.size : null;
		}, { timeoutMs: 30_000, what: 'citizen\'s record of its cosignature' });
		await waitForMirror(citizen, official);
		const oLog = await readLog(official);
		// restored: its stored checkpoints of official end before the one it recorded
		await citizen.stop();
		await restore(citizen, dump);
		await citizen.restart();
		await ownLogBack(citizen, official);
		assert.ok(await storedMax() < recorded - 1, `stored ${await storedMax()}, recorded ${recorded}`);
		// official serves an older checkpoint, genuinely signed, smaller than the one citizen
		// vouched for: cosigning it now would take back what citizen's log says it cosigned
		const posts = cosignaturesSeen.length;
		const older = recorded - 1;
		forged = forgeNote(official, oName, older,
			treeRoot(oLog.slice(0, older).map((e) => e.payload)));
		await waitFor(async () => (await readLog(citizen, 'official')).length >= older,
			{ timeoutMs: 30_000, what: 'citizen\'s copy of official\'s log back' });
		await new Promise((r) => setTimeout(r, 4000)); // witness rounds every second
		assert.equal((await sql(citizen,
			`SELECT count(*) FROM tlog_checkpoints WHERE origin = 'official' AND size = ${older}`)).trim(), '0');
		assert.ok(!cosignaturesSeen.slice(posts).some((c) => c.size === older),
			'citizen cosigned a checkpoint smaller than the one its log records');
		assert.ok(!(await readLog(citizen)).some((e) => e.type === 'checkpoint.cosigned' &&
			e.data.origin === 'official' && e.data.size === older));
		forged = null;
	});
});
