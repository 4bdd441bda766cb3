// SPDX-License-Identifier: AGPL-3.0-or-later
// The auditor's command, baladiya-audit (issue 14; docs/protocol.md §15), on a real pair:
// official publishes news, rotates its key and publishes again; a resident's report on citizen
// is hidden by a moderator, so its fields are withheld. `verify-online` fetches both key
// documents and both copies of both logs and exits 0 with a JSON report that the test checks
// field by field against the logs as Node reads them (counts, digests per kind, last hashes,
// withheld fields and their reason, the keys followed through the rotation). Then, on copies of
// the fetched directory: a tampered payload byte, a missing event, a reordered pair and a mirror
// that differs from its origin (the origin's key signing another event at the same seq) each
// make it exit 1 with a problem naming the seq; Node's crypto (auditSignatures) is the outside
// verifier of the signatures. A lagging mirror is no problem: exit 0, lag reported.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/audit.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_DIR, tempDir } from '../lib/harness.mjs';
import {
	auditSignatures, emitNews, federationStatus, fingerprint, forgeEvents, newsEventData,
	parseRecord, publishedKeys, readLog, signingKey, staffClient, startLinkedPair, waitForMirror,
} from '../lib/federation.mjs';
import { Client, cliFor, signedIn, sql, waitFor } from '../lib/http.mjs';
import { postReport } from '../lib/reports.mjs';

const AUDIT = path.join(BUILD_DIR, 'protocol', 'baladiya-audit');

/** Runs baladiya-audit with args: {code, stdout, stderr}. */
function runAudit(args) {
	return new Promise((resolve) => {
		execFile(AUDIT, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
			resolve({ code: err ? err.code : 0, stdout, stderr });
		});
	});
}

async function auditJson(dir) {
	const r = await runAudit(['--json', 'verify', dir]);
	assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
	return { code: r.code, report: JSON.parse(r.stdout) };
}

/** The per-kind summary of a log as docs/protocol.md §15 defines it, computed by Node. */
function kindsOf(log) {
	const kinds = {};
	for (const e of log) {
		kinds[e.type] ??= { count: 0, text: '' };
		kinds[e.type].count++;
		kinds[e.type].text += `${e.hash}\n`;
	}
	return Object.fromEntries(Object.entries(kinds).map(([t, k]) =>
		[t, { count: k.count, digest: crypto.createHash('sha256').update(k.text).digest('hex') }]));
}

// Checkpoints made here with Node's crypto, independently of the C code: RFC 6962 tree hashes,
// C2SP signed notes (Ed25519, key hash over name, 0x0A, 0x01, key) and tlog-cosignatures (0x04,
// "cosignature/v1\ntime <t>\n" before the body).
const sha256 = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts.map((p) => Buffer.from(p)))).digest();
const leafHash = (payload) => sha256([0], payload);
function treeHash(leaves) {
	if (leaves.length === 1) return leaves[0];
	let k = 1;
	while (k * 2 < leaves.length) k *= 2;
	return sha256([1], treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
}
const rawPub = (priv) => Buffer.from(crypto.createPublicKey(priv).export({ format: 'jwk' }).x, 'base64url');
const NAMES = { official: 'official.test/baladiya/official', citizen: 'citizen.test/baladiya/citizen' };

function checkpointBody(origin, leaves) {
	return `${NAMES[origin]}\n${leaves.length}\n${treeHash(leaves).toString('base64')}\n`;
}
function signNote(body, name, priv) {
	const kh = sha256(`${name}\n`, [1], rawPub(priv)).subarray(0, 4);
	return `${body}\n— ${name} ${Buffer.concat([kh, crypto.sign(null, Buffer.from(body), priv)]).toString('base64')}\n`;
}
function cosignLine(body, name, priv, t) {
	const kh = sha256(`${name}\n`, [4], rawPub(priv)).subarray(0, 4);
	const tb = Buffer.alloc(8);
	tb.writeBigUInt64BE(BigInt(t));
	const sig = crypto.sign(null, Buffer.from(`cosignature/v1\ntime ${t}\n${body}`), priv);
	return `— ${name} ${Buffer.concat([kh, tb, sig]).toString('base64')}\n`;
}

const lines = (file) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const writeLines = (file, ls) => writeFileSync(file, ls.map((l) => `${l}\n`).join(''));

let pair;
let fetched;
let logs;
let kidA;
let kidB;
let reportSeq;
const reason = 'Donnée personnelle retirée (audit)';

/** A copy of the fetched directory to break. */
function copyOfFetched(name) {
	const dir = path.join(tempDir('baladiya-audit-'), name);
	cpSync(fetched, dir, { recursive: true });
	return dir;
}

describe('baladiya-audit', () => {
	before(async () => {
		const env = { BALADIYA_COSIGN_SECONDS: '1' };
		pair = await startLinkedPair({ official: { env }, citizen: { env } });
		const { official, citizen } = pair;
		const agent = await staffClient(official);
		kidA = await fingerprint(official);
		await emitNews(agent, 2, 'Avant rotation');
		const rot = await cliFor(official, ['keys', 'rotate']);
		assert.equal(rot.code, 0, rot.stderr);
		kidB = rot.stdout.trim();
		await waitFor(async () => {
			const st = await federationStatus(agent);
			return st.peer.acked_seq === st.own_last_seq && !st.peer.blocked;
		}, { what: 'the rotation delivered' });
		await official.restart();
		await emitNews(await staffClient(official), 1, 'Après rotation');

		const resident = new Client(citizen.url);
		assert.equal((await resident.get('/reports/new?lang=fr')).status, 200);
		const r = await postReport(resident, { category: 'PRO', title: 'Dépôt sauvage audit',
			description: 'Des ordures devant le numéro 4.', place: 'Rue audit 4', quarter: 'centre' });
		assert.equal(r.status, 201, r.body.slice(0, 400));
		const ref = /<bdi>(R-[0-9A-Z]{4}-[0-9A-Z]{4})<\/bdi>/.exec(r.body)[1];
		await waitFor(async () => await sql(official, `SELECT count(*) FROM reports WHERE ref = '${ref}'`) === '1',
			{ what: 'the report on official-srv' });
		const moderator = await signedIn(citizen, 'moderator', 'moderatrice');
		assert.equal((await moderator.post(`/staff/reports/${ref}/hide`, { reason })).status, 303);

		await waitForMirror(official, citizen);
		await waitForMirror(citizen, official);
		// each signs a checkpoint of its log; each cosigns the other's (and logs that it did)
		for (const srv of [official, citizen]) {
			const c = await cliFor(srv, ['tlog', 'checkpoint'], { env: { BALADIYA_PUBLIC_URL: srv.url } });
			assert.equal(c.code, 0, c.stderr);
		}
		await waitFor(async () => {
			for (const srv of [official, citizen]) {
				const r = await fetch(`${srv.url}/federation/v1/checkpoint?origin=${srv.side}`);
				if (r.status !== 200 || (await r.text()).split('\n— ').length < 3) return false;
				if (!(await readLog(srv)).some((e) => e.type === 'checkpoint.cosigned')) return false;
			}
			return true;
		}, { what: 'both checkpoints cosigned', timeoutMs: 30_000 });
		logs = {
			official: await waitForMirror(official, citizen),
			citizen: await waitForMirror(citizen, official),
		};
		reportSeq = logs.citizen.find((e) => e.type === 'report.created').seq;
		fetched = path.join(tempDir('baladiya-audit-'), 'fetched');
	});

	after(async () => {
		await pair?.stop();
	});

	test('verify-online: exit 0 and a JSON report matching the logs field by field', async () => {
		const r = await runAudit(['--json', 'verify-online', pair.official.url, pair.citizen.url, fetched]);
		assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(0, 4000)}`);
		const report = JSON.parse(r.stdout);
		assert.equal(report.ok, true);
		assert.deepEqual(report.problems, []);
		assert.deepEqual(report.origins.map((o) => o.origin).sort(), ['citizen', 'official']);
		for (const o of report.origins) {
			const log = logs[o.origin];
			assert.equal(o.agree, true);
			assert.equal(o.kinds_agree, true);
			assert.equal(o.compared, log.length);
			assert.deepEqual(o.copies.map((c) => c.holder).sort(), ['citizen', 'official']);
			for (const c of o.copies) {
				assert.equal(c.events, log.length, `${o.origin} as ${c.holder} serves it`);
				assert.equal(c.verified, log.length);
				assert.equal(c.last_seq, log.at(-1).seq);
				assert.equal(c.last_hash, log.at(-1).hash);
				assert.equal(c.lag, 0);
				assert.equal(c.problems, 0);
				assert.deepEqual(c.kinds, kindsOf(log));
				const want = log.flatMap((e) => Object.entries(e.withheld).map(([field, why]) =>
					({ seq: e.seq, field, reason: why })));
				assert.deepEqual(c.withheld, want);
			}
		}
		const official = report.origins.find((o) => o.origin === 'official');
		assert.equal(official.genesis_key, kidA);
		assert.equal(official.copies[0].kinds['news.published'].count, 3);
		assert.equal(official.copies[0].kinds['keys.rotated'].count, 1);
		assert.deepEqual(official.copies[0].keys.map((k) => k.kid), [kidA, kidB]);
		const citizen = report.origins.find((o) => o.origin === 'citizen');
		for (const c of citizen.copies) {
			assert.equal(c.kinds['report.created'].count, 1);
			const fields = c.withheld.filter((w) => w.seq === reportSeq);
			assert.deepEqual(fields.map((w) => w.field).sort(), ['description', 'photos', 'place', 'title']);
			assert.ok(fields.every((w) => w.reason === reason));
		}
		// the checkpoints both platforms serve (each signs its own log's; the peer cosigns):
		// signed, and their roots are the tree hashes Node computes from the payloads
		assert.ok(report.checkpoints.length >= 2, JSON.stringify(report.checkpoints));
		for (const c of report.checkpoints) {
			assert.equal(c.signed, true);
			assert.equal(c.root_matches, true);
			assert.match(c.name, new RegExp(`^127\\.0\\.0\\.1:\\d+/baladiya/${c.origin}$`));
			assert.ok(c.size >= 1 && c.size <= logs[c.origin].length);
			const leaves = logs[c.origin].slice(0, c.size).map((e) => leafHash(e.payload));
			assert.equal(c.root, treeHash(leaves).toString('base64'));
			if (c.holder === c.origin) {
				assert.deepEqual(c.cosigned_by.map((w) => w.origin), [c.origin === 'official' ? 'citizen' : 'official']);
			}
		}
		assert.deepEqual([...new Set(report.checkpoints.map((c) => c.origin))].sort(), ['citizen', 'official']);
		// the outside verifier agrees: every signature of both copies, through the rotation
		for (const side of ['official', 'citizen']) {
			const keys = await publishedKeys(pair[side]);
			for (const holder of ['official', 'citizen']) {
				const log = await readLog(pair[holder], side);
				assert.deepEqual(auditSignatures(log, keys), []);
			}
		}
		// human text by default, same verdict
		const text = await runAudit(['verify', fetched]);
		assert.equal(text.code, 0);
		assert.match(text.stdout, /RESULT: ok, no problem found/);
		assert.match(text.stdout, new RegExp(`withheld: seq ${reportSeq} field title: ${reason.replace(/[()]/g, '\\$&')}`));
	});

	test('cannot run: usage, an unreachable server, a directory without logs → exit 2', async () => {
		assert.equal((await runAudit([])).code, 2);
		assert.equal((await runAudit(['verify'])).code, 2);
		assert.equal((await runAudit(['fetch', 'http://127.0.0.1:1', pair.citizen.url, tempDir('baladiya-audit-')])).code, 2);
		assert.equal((await runAudit(['verify', tempDir('baladiya-audit-')])).code, 2);
	});

	test('one payload byte tampered: exit 1 naming the seq; Node finds the same', async () => {
		const dir = copyOfFetched('tampered');
		const file = path.join(dir, 'citizen', 'events-official.ndjson');
		const ls = lines(file);
		const seq = 2;
		const rec = JSON.parse(ls[seq - 1]);
		const env = rec.envelope ?? rec;
		const payload = Buffer.from(env.payload, 'base64');
		const at = payload.indexOf('"occurred_at":"') + 16;
		payload[at] = payload[at] === 0x31 ? 0x32 : 0x31; // one digit of the year
		env.payload = payload.toString('base64');
		ls[seq - 1] = JSON.stringify(rec);
		writeLines(file, ls);

		const { code, report } = await auditJson(dir);
		assert.equal(code, 1);
		const p = report.problems.filter((x) => x.code !== 'copies_differ');
		assert.deepEqual(p.map((x) => [x.origin, x.holder, x.seq, x.code]),
			[['official', 'citizen', seq, 'bad_event_signature']]);
		assert.equal(p[0].evidence.line, ls[seq - 1]);
		const differ = report.problems.filter((x) => x.code === 'copies_differ');
		assert.deepEqual(differ.map((x) => [x.origin, x.holder, x.seq]), [['official', 'citizen', seq]]);
		// the outside verifier: the same seq fails with Node's crypto
		const keys = await publishedKeys(pair.official);
		const asNode = ls.map((l) => ({ envelope: JSON.parse(l).envelope ?? JSON.parse(l) }));
		assert.deepEqual(auditSignatures(asNode, keys).map((x) => x.seq), [seq]);
	});

	test('a missing event: exit 1 naming the seq', async () => {
		const dir = copyOfFetched('missing');
		const file = path.join(dir, 'official', 'events-official.ndjson');
		const ls = lines(file);
		const seq = 3;
		writeLines(file, ls.filter((_, i) => i !== seq - 1));
		const { code, report } = await auditJson(dir);
		assert.equal(code, 1);
		const p = report.problems.find((x) => x.code === 'missing_event');
		assert.deepEqual([p.origin, p.holder, p.seq], ['official', 'official', seq]);
		assert.match(p.detail, new RegExp(`seq ${seq} to ${seq} missing`));
	});

	test('a reordered pair: exit 1 naming the seqs', async () => {
		const dir = copyOfFetched('reordered');
		const file = path.join(dir, 'citizen', 'events-citizen.ndjson');
		const ls = lines(file);
		const seq = 2;
		[ls[seq - 1], ls[seq]] = [ls[seq], ls[seq - 1]];
		writeLines(file, ls);
		const { code, report } = await auditJson(dir);
		assert.equal(code, 1);
		const p = report.problems.filter((x) => x.origin === 'citizen' && x.holder === 'citizen');
		assert.deepEqual(p.map((x) => [x.code, x.seq]), [['missing_event', seq], ['out_of_order', seq]]);
	});

	test('a mirror that differs from its origin (equivocation): exit 1 with both lines as evidence', async () => {
		const dir = copyOfFetched('equivocation');
		const file = path.join(dir, 'citizen', 'events-official.ndjson');
		const ls = lines(file);
		const log = logs.official;
		// the origin's current key signs another event at the last seq, chained correctly
		const [other] = forgeEvents(log.slice(0, -1), 'official', [{ type: 'news.published',
			data: newsEventData({ id: 'n-autre', title: 'Une autre histoire' }) }], signingKey(pair.official));
		ls[ls.length - 1] = other.envelope;
		writeLines(file, ls);
		const { code, report } = await auditJson(dir);
		assert.equal(code, 1);
		assert.deepEqual(report.problems.map((x) => [x.code, x.origin, x.holder, x.seq]),
			[['copies_differ', 'official', 'citizen', log.at(-1).seq]]);
		const ev = report.problems[0].evidence;
		assert.equal(ev.citizen, other.envelope);
		assert.equal(ev.official, lines(path.join(fetched, 'official', 'events-official.ndjson')).at(-1));
		// both lines verify with Node's crypto: the origin signed both
		const keys = await publishedKeys(pair.official);
		assert.deepEqual(auditSignatures([{ envelope: other.envelope }], keys), []);
		const official = report.origins.find((o) => o.origin === 'official');
		assert.equal(official.agree, false);
		assert.equal(official.kinds_agree, false);
	});

	test('a lagging mirror is no problem: exit 0 and its lag', async () => {
		const dir = copyOfFetched('lagging');
		const file = path.join(dir, 'official', 'events-citizen.ndjson');
		writeLines(file, lines(file).slice(0, -2));
		const { code, report } = await auditJson(dir);
		assert.equal(code, 0, JSON.stringify(report.problems));
		const c = report.origins.find((o) => o.origin === 'citizen').copies.find((x) => x.holder === 'official');
		assert.equal(c.lag, 2);
		assert.equal(c.events, logs.citizen.length - 2);
		// and a log whose origin serves less than its mirror holds is a problem
		const back = copyOfFetched('rolled-back');
		const own = path.join(back, 'citizen', 'events-citizen.ndjson');
		writeLines(own, lines(own).slice(0, -1));
		const r2 = await auditJson(back);
		assert.equal(r2.code, 1);
		assert.deepEqual(r2.report.problems.map((x) => [x.code, x.seq]), [['origin_behind_mirror', logs.citizen.length]]);
	});

	test('checkpoints: signed, cosigned and matching the logs → 0; a forked one and a rolled-back log → 1', async () => {
		const dir = copyOfFetched('checkpoints');
		rmSync(path.join(dir, 'state.json'), { force: true }); // the real checkpoints seen: not these
		const keys = { official: signingKey(pair.official), citizen: signingKey(pair.citizen) };
		const leavesOf = (origin) => lines(path.join(dir, origin, `events-${origin}.ndjson`))
			.map((l) => leafHash(parseRecord(l).payload));
		const t = 1765000000;
		const notes = {};
		for (const [origin, peer] of [['official', 'citizen'], ['citizen', 'official']]) {
			const body = checkpointBody(origin, leavesOf(origin));
			notes[origin] = signNote(body, NAMES[origin], keys[origin]) + cosignLine(body, NAMES[peer], keys[peer], t);
			for (const holder of ['official', 'citizen']) writeFileSync(path.join(dir, holder, `checkpoint-${origin}.txt`), notes[origin]);
		}
		const ok = await auditJson(dir);
		assert.equal(ok.code, 0, JSON.stringify(ok.report.problems));
		assert.equal(ok.report.checkpoints.length, 4);
		for (const c of ok.report.checkpoints) {
			const peer = c.origin === 'official' ? 'citizen' : 'official';
			assert.equal(c.signed, true);
			assert.equal(c.root_matches, true);
			assert.equal(c.size, logs[c.origin].length);
			assert.equal(c.name, NAMES[c.origin]);
			assert.deepEqual(c.cosigned_by, [{ origin: peer, name: NAMES[peer], time: t }]);
		}
		const state = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8'));
		assert.deepEqual(state.seen.map((e) => e.note).sort(), [notes.citizen, notes.official].sort());

		// a fork: official's key signs a checkpoint of the same size over another last event
		const forkDir = copyOfFetched('fork');
		const leaves = leavesOf('official');
		const n = leaves.length;
		const forked = signNote(checkpointBody('official', [...leaves.slice(0, -1), leafHash(Buffer.from('autre'))]),
			NAMES.official, keys.official);
		writeFileSync(path.join(forkDir, 'official', 'checkpoint-official.txt'), notes.official);
		writeFileSync(path.join(forkDir, 'citizen', 'checkpoint-official.txt'), forked);
		const fork = await auditJson(forkDir);
		assert.equal(fork.code, 1);
		assert.deepEqual(fork.report.problems.map((x) => [x.code, x.origin, x.holder, x.seq]),
			[['checkpoint_fork', 'official', 'citizen', n]]);
		assert.equal(fork.report.problems[0].evidence.note, forked);
		assert.equal(fork.report.problems[0].evidence.other_note, notes.official);

		// rolled back: the next run finds official's log one event shorter and a checkpoint of
		// n - 1 events, while the state holds the checkpoint of n it saw before
		for (const holder of ['official', 'citizen']) {
			const file = path.join(dir, holder, 'events-official.ndjson');
			writeLines(file, lines(file).slice(0, -1));
			const body = checkpointBody('official', leaves.slice(0, -1));
			writeFileSync(path.join(dir, holder, 'checkpoint-official.txt'), signNote(body, NAMES.official, keys.official));
		}
		const back = await auditJson(dir);
		assert.equal(back.code, 1);
		assert.deepEqual(back.report.problems.map((x) => [x.code, x.origin, x.seq]).sort(),
			[['checkpoint_rolled_back', 'official', n - 1], ['rolled_back', 'official', n]]);
		const rb = back.report.problems.find((x) => x.code === 'rolled_back');
		assert.equal(rb.holder, undefined);
		assert.equal(rb.evidence.note, notes.official);
	});

	test('the /audit page: both logs\' heads, lag, the last audit (jobs run) and the command', async () => {
		const { official, citizen } = pair;
		const before = await (await fetch(`${official.url}/audit.json`)).json();
		assert.equal(before.audit, null, 'no audit yet: the first runs a day after start');
		// (a command reads the daemon's configuration: here its public URL)
		const run = await cliFor(official, ['jobs', 'run'], { env: { BALADIYA_PUBLIC_URL: official.url } });
		assert.equal(run.code, 0, run.stderr);
		const view = await (await fetch(`${official.url}/audit.json`)).json();
		const own = await readLog(official);
		const mirrored = await readLog(official, 'citizen');
		assert.equal(view.origin, 'official');
		assert.equal(view.own_last_seq, own.at(-1).seq);
		assert.equal(view.own_last_hash, own.at(-1).hash);
		assert.equal(view.peer.name, 'citizen');
		assert.equal(view.peer.applied_seq, mirrored.at(-1).seq);
		assert.equal(view.peer.applied_hash, mirrored.at(-1).hash);
		assert.equal(view.peer.lag, view.own_last_seq - view.peer.acked_seq);
		assert.equal(view.command, `baladiya-audit verify-online ${official.url} ${citizen.url} audit/`);
		assert.equal(view.audit.ok, true, JSON.stringify(view.audit));
		assert.equal(view.audit.problem_count, 0);
		assert.match(view.audit.at, /^\d{4}-\d\d-\d\dT/);
		const o = view.audit.origins.find((x) => x.origin === 'official');
		assert.deepEqual(o.copies.map((c) => [c.holder, c.last_seq]).sort(),
			[['citizen', own.at(-1).seq], ['official', own.at(-1).seq]]);
		for (const lang of ['ar', 'fr']) {
			const html = await (await fetch(`${official.url}/audit?lang=${lang}`)).text();
			assert.match(html, new RegExp(`dir="${lang === 'ar' ? 'rtl' : 'ltr'}"`));
			assert.ok(html.includes(`baladiya-audit verify-online ${official.url} ${citizen.url} audit/`));
			assert.ok(html.includes(own.at(-1).hash));
			assert.doesNotMatch(html, /<script/);
		}
	});

	test('the daily audit goes on from what it verified: only the new events, in full when asked or when the kept state does not match', async () => {
		const { official, citizen } = pair;
		const run = async (...args) => {
			const r = await cliFor(official, ['audit', 'run', ...args], { env: { BALADIYA_PUBLIC_URL: official.url } });
			assert.equal(r.code, 0, r.stdout + r.stderr);
			return r.stdout;
		};
		const kept = async () => JSON.parse(await sql(official,
			'SELECT json_object_agg(origin, state) FROM fed_audit_verified'));
		const fileLines = (origin) => lines(path.join(official.dataDir, 'audit', 'official', `events-${origin}.ndjson`));
		// what is kept names a true prefix of each log: Node recomputes its hash and its root
		const checkKept = async (k) => {
			for (const origin of ['official', 'citizen']) {
				const log = await readLog(official, origin);
				const st = k[origin];
				assert.ok(st.seq >= 1 && st.seq <= log.length, JSON.stringify(st));
				assert.equal(st.hash, log[st.seq - 1].hash);
				assert.equal(st.root, treeHash(log.slice(0, st.seq).map((e) => leafHash(e.payload))).toString('base64'));
				assert.ok(st.keys.length >= 1);
			}
		};
		// the jobs run of the test before verified every event: it kept where it got to
		const k0 = await kept();
		await checkKept(k0);
		// three new events of official: the next run fetches and verifies only what follows
		await emitNews(await staffClient(official), 3, 'Après l\'audit');
		await waitForMirror(official, citizen);
		assert.match(await run(), /\(since the last one\).*no problem found/);
		const got = fileLines('official').map((l) => parseRecord(l).event.seq);
		assert.equal(got[0], k0.official.seq + 1, 'the first line fetched follows the part kept');
		assert.ok(got.length >= 3 && got.length < k0.official.seq, `${got.length} lines fetched`);
		const view = await (await fetch(`${official.url}/audit.json`)).json();
		assert.equal(view.audit.ok, true);
		assert.equal(view.audit.full, false);
		const o = view.audit.origins.find((x) => x.origin === 'official');
		const own = await readLog(official);
		assert.ok(o.copies.every((c) => c.last_seq >= k0.official.seq + 3), JSON.stringify(o));
		assert.equal(o.copies.find((c) => c.holder === 'official').last_hash, own[o.copies.find((c) => c.holder === 'official').last_seq - 1].hash);
		const k1 = await kept();
		assert.ok(k1.official.seq >= k0.official.seq + 3);
		await checkKept(k1);

		// asked for: every event again
		assert.match(await run('--full'), /\(full\).*no problem found/);
		assert.equal(parseRecord(fileLines('official')[0]).event.seq, 1);
		assert.equal((await (await fetch(`${official.url}/audit.json`)).json()).audit.full, true);

		// a kept state the platforms do not serve any more (its last event's hash): in full
		await sql(official, "UPDATE fed_audit_verified SET state = jsonb_set(state, '{hash}', to_jsonb(repeat('0', 64))) WHERE origin = 'official'");
		assert.match(await run(), /\(full\).*no problem found/);
		await checkKept(await kept());
		// a kept root that is not its edge's: not used, in full
		await sql(official, `UPDATE fed_audit_verified SET state = jsonb_set(state, '{root}', to_jsonb('${crypto.randomBytes(32).toString('base64')}'::text)) WHERE origin = 'citizen'`);
		assert.match(await run(), /\(full\).*no problem found/);
		await checkKept(await kept());
		assert.match(await run(), /\(since the last one\)/);

		// a checkpoint signed since that does not extend the part verified (official's real
		// key, the true size, another root): a run from the kept state finds the fork against
		// the kept tree extended with the new events, and keeps its state where it was
		await emitNews(await staffClient(official), 1, 'Fourche');
		await waitForMirror(official, citizen);
		const k2 = await kept();
		const size = (await readLog(official)).length;
		const name = `127.0.0.1:${new URL(official.url).port}/baladiya/official`;
		const root = crypto.randomBytes(32);
		const forged = signNote(`${name}\n${size}\n${root.toString('base64')}\n`, name, signingKey(official));
		await sql(official, `DELETE FROM tlog_cosignatures WHERE origin = 'official' AND size >= ${size}; ` +
			`DELETE FROM tlog_checkpoints WHERE origin = 'official' AND size >= ${size}; ` +
			`INSERT INTO tlog_checkpoints (origin, size, root, note) VALUES ('official', ${size}, decode('${root.toString('hex')}', 'hex'), '${forged}')`);
		const r = await cliFor(official, ['audit', 'run'], { env: { BALADIYA_PUBLIC_URL: official.url } });
		assert.equal(r.code, 1, r.stdout + r.stderr);
		assert.match(r.stdout, /\(since the last one\).*problems found/);
		const problems = (await (await fetch(`${official.url}/audit.json`)).json()).audit.problems;
		assert.ok(problems.some((p) => p.code === 'checkpoint_fork' && p.origin === 'official' && p.seq === size),
			JSON.stringify(problems));
		assert.deepEqual(await kept(), k2, 'a run that found a problem moves nothing');
	});
});
