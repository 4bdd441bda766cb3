// SPDX-License-Identifier: AGPL-3.0-or-later
// Recovery without forking (docs/decisions/0010, issue 14): an operator restores official-srv's
// database from an older backup. On restart the platform fetches the events it signed since from
// the peer's verified copy, re-imports them, rebuilds the news they describe, and only then
// emits: no fork (the peer raises no alarm, the next event chains on the re-imported ones) and
// both copies of the log agree byte for byte. An event type without a restorer is named by an
// alarm, never a silent gap. With the peer down after a restore, staff writes are refused (503
// recovery_pending) until the peer answers.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import crypto from 'node:crypto';
import { auditSignatures, checkLog, DASH, federationStatus, forgeCosignature, forgeNote, keyHash,
	parseNote, publishedKeys, rawPublic, readLog, signingKey, startFederatedPair, staffClient,
	treeRoot, waitForMirror } from '../lib/federation.mjs';
import { Client, PASSWORD, cliFor, createNews, getJson, waitFor } from '../lib/http.mjs';
import { makePdf } from '../lib/pdf.mjs';
import { backup, ownLogBack, records, restore } from '../lib/recovery.mjs';

let pair;

/** A new signed-in admin session (the sessions of the lost week are gone with the restore). */
async function signIn(srv) {
	const c = new Client(srv.url);
	assert.equal((await c.login('fedadmin', PASSWORD)).status, 303);
	return c;
}

/** The RFC 6962 root (base64) over the payloads of log's events. */
function treeRootOf(log) {
	return treeRoot(log.map((e) => e.payload)).toString('base64');
}

async function newsTitles(srv) {
	const list = await getJson(srv, '/news?lang=fr');
	return list.items.map((i) => i.title);
}

// citizen witnesses official's checkpoints every second (checkpoint.cosigned, docs/protocol.md
// §21): the restored official serves an older checkpoint than the one citizen cosigned
const startPair = () => startFederatedPair({ citizen: { env: { BALADIYA_COSIGN_SECONDS: '1' } } });

before(async () => {
	pair = await startPair();
});

after(async () => {
	await pair?.stop();
});

const sqlOf = async (srv, q) => (await srv.cluster.psql(q, { database: srv.database })).trim();

/** srv's latest checkpoint of its own log: {status, note}. */
async function ownCheckpoint(srv) {
	const r = await fetch(`${srv.url}/federation/v1/checkpoint?origin=${srv.side}`);
	return { status: r.status, note: await r.text() };
}

/** `tlog checkpoint` on srv: resolves to the command's {code, stdout, stderr}. */
function issue(srv) {
	return cliFor(srv, ['tlog', 'checkpoint'], { env: { BALADIYA_PUBLIC_URL: srv.url } });
}

/** Signs a checkpoint of srv's log and waits for its peer's cosignature: its size. */
async function issueCosigned(srv) {
	const cp = await issue(srv);
	assert.equal(cp.code, 0, cp.stderr);
	const size = Number(/at size (\d+)/.exec(cp.stdout)?.[1]);
	await waitFor(async () => {
		const { note } = await ownCheckpoint(srv);
		return note.includes(`\n${size}\n`) && /\n\u2014 \S+\/baladiya\/citizen /.test(note);
	}, { timeoutMs: 30_000, what: "citizen's cosignature of official's checkpoint" });
	return size;
}

describe('restoring a backup, the peer reachable', () => {
	let dump, lost, unpublished, fileSeq, budgetId, cosigned;

	before(async () => {
		const staff = await staffClient(pair.official);
		await createNews(staff, { title_fr: 'Avant la sauvegarde', body_fr: 'gardée' });
		await waitForMirror(pair.official, pair.citizen);
		dump = backup(pair.official);
		// the week the backup does not hold: news published, one unpublished, a project
		lost = [];
		for (const t of ['Perdue A', 'Perdue B', 'Perdue C']) {
			lost.push(await createNews(staff, { title_fr: t, body_fr: `Texte ${t}` }));
		}
		unpublished = lost[2];
		const u = await staff.post(`/staff/news/${unpublished}/unpublish`, { reason: 'erreur' });
		assert.equal(u.status, 303, u.body.slice(0, 300));
		const p = await staff.post('/staff/projects', { action: 'publish', title_fr: 'Projet perdu',
			category: 'voirie', status: 'programme', progress: '0', quarter: 'centre' });
		assert.equal(p.status, 303, p.body.slice(0, 300));
		// a budget and its lines (both restored)
		const b = await staff.post('/staff/budgets', { title_fr: 'Budget perdu', year: '2026',
			type: 'bp', summary_fr: 'Document perdu.', action: 'publish' });
		assert.equal(b.status, 303, b.body.slice(0, 300));
		budgetId = (await staff.get('/staff/budgets.json')).json.items
			.find((i) => i.title === 'Budget perdu' || i.data?.title?.fr === 'Budget perdu').id;
		const csv = 'section,chapter,article,label,planned,executed\r\n' +
			'fonctionnement,60,601,Fournitures,4500000,3120000\r\n' +
			'equipement,90,901,Chaussée,38000000,22800000\r\n';
		const l = await staff.post(`/staff/budgets/${budgetId}/lines`,
			{ file: new File([csv], 'lignes.csv', { type: 'text/csv' }) }, { multipart: true });
		assert.ok(l.status === 200 || l.status === 303, `lines: ${l.status} ${l.body.slice(0, 300)}`);
		// a deliberation (restored) and its PDF, whose bytes no event carries (not restored)
		const d = await staff.post('/staff/deliberations', { action: 'publish',
			session_date: '2025-01-12', outcome: 'adoptee', number: '2025/077',
			title_fr: 'Délibération perdue' });
		assert.equal(d.status, 303, d.body.slice(0, 300));
		const delib = (await staff.get('/staff/deliberations.json')).json.items
			.find((x) => x.data.number === '2025/077');
		const f = await staff.post(`/staff/deliberations/${delib.id}/files`,
			{ file: new File([makePdf('Perdue')], 'perdue.pdf', { type: 'application/pdf' }) },
			{ multipart: true });
		assert.equal(f.status, 303, f.body.slice(0, 300));
		const log = await waitForMirror(pair.official, pair.citizen);
		fileSeq = log.find((e) => e.type === 'deliberation.file_added').seq;
		// a checkpoint of the whole week, cosigned by citizen before the restore loses it
		cosigned = await issueCosigned(pair.official);
		assert.ok(cosigned >= fileSeq, `${cosigned}`);
		await pair.official.stop();
		await restore(pair.official, dump);
		await pair.official.restart();
	});

	it('re-imports the lost events: both copies of the log agree byte for byte', async () => {
		await ownLogBack(pair.official, pair.citizen, { timeoutMs: 20_000 });
		const log = await readLog(pair.official);
		checkLog(log);
		// an auditor with Node's crypto: every re-imported envelope verifies under official's keys
		assert.deepEqual(auditSignatures(log, await publishedKeys(pair.official)), []);
	});

	it('takes back the checkpoint the peer cosigned as its own latest: never a smaller one', async () => {
		// the backup's own latest checkpoint is older; the one citizen cosigned is served again,
		// with citizen's cosignature, and checked with Node's crypto
		const { status, note } = await ownCheckpoint(pair.official);
		assert.equal(status, 200);
		const n = parseNote(note);
		assert.equal(n.size, cosigned);
		const name = `127.0.0.1:${new URL(pair.citizen.url).port}/baladiya/citizen`;
		const cos = n.sigs.find((x) => x.name === name);
		assert.ok(cos, note);
		const t = cos.blob.readBigUInt64BE(4);
		assert.ok(crypto.verify(null, Buffer.from(`cosignature/v1\ntime ${t}\n${n.body}`),
			crypto.createPublicKey(signingKey(pair.citizen)), cos.blob.subarray(12)));
		const own = n.sigs.find((x) => x.name === n.origin);
		assert.ok(crypto.verify(null, Buffer.from(n.body),
			crypto.createPublicKey(signingKey(pair.official)), own.blob.subarray(4)));
		// and the tree agrees with it: the root of the re-imported payloads at that size
		const log = await readLog(pair.official);
		assert.equal(treeRootOf(log.slice(0, cosigned)), n.root);
	});

	it('rebuilds the news the lost events describe, under their ids', async () => {
		const titles = await newsTitles(pair.official);
		assert.ok(titles.includes('Avant la sauvegarde'));
		assert.ok(titles.includes('Perdue A') && titles.includes('Perdue B'),
			`the news published after the backup are public again: ${titles}`);
		assert.ok(!titles.includes('Perdue C'), 'the unpublished item stays unpublished');
		const item = await getJson(pair.official, `/news/${lost[0]}?lang=fr`);
		assert.equal(item.title ?? item.item?.title, 'Perdue A');
		const gone = await getJson(pair.official, `/news/${unpublished}?lang=fr`);
		assert.match(JSON.stringify(gone), /erreur/, 'the public reason of the unpublishing');
	});

	it('rebuilds the publications the lost events describe', async () => {
		const projects = await getJson(pair.official, '/projects?lang=fr');
		assert.ok(projects.items.some((i) => i.title === 'Projet perdu'),
			`the project is public again: ${JSON.stringify(projects.items.map((i) => i.title))}`);
		const delibs = await getJson(pair.official, '/deliberations?lang=fr');
		assert.match(JSON.stringify(delibs), /Délibération perdue/);
		const budget = (await getJson(pair.official, `/budgets/${budgetId}?lang=fr`)).budget;
		assert.equal(budget.line_count, 2, 'the budget lines are back');
		assert.equal(budget.totals.planned, 42500000);
	});

	it('names the re-imported event it could not rebuild in an alarm', async () => {
		const st = await federationStatus(await signIn(pair.official));
		const alarm = st.alarms.find((a) => a.kind === 'not_restored');
		assert.ok(alarm, `an alarm for the file event: ${JSON.stringify(st.alarms)}`);
		assert.equal(alarm.seq, fileSeq);
		assert.match(alarm.detail, /deliberation\.file_added/);
		assert.equal(st.alarms.filter((a) => a.kind === 'not_restored').length, 1,
			'every other lost event was rebuilt');
		assert.equal(st.recovery_held, null);
	});

	it('chains the next event on the re-imported ones: no fork, no alarm on the peer', async () => {
		const staff = await signIn(pair.official);
		const before_ = await readLog(pair.official);
		await createNews(staff, { title_fr: 'Après la restauration', body_fr: 'nouvelle' });
		const log = await waitForMirror(pair.official, pair.citizen);
		assert.equal(log.length, before_.length + 1);
		assert.equal(log.at(-1).prev, before_.at(-1).hash);
		checkLog(log);
		// citizen's witness has seen official's older, restored checkpoint again meanwhile: stale,
		// not a rollback (a smaller checkpoint it stored before, same root)
		await new Promise((r) => setTimeout(r, 3000));
		const peer = await federationStatus(await staffClient(pair.citizen));
		assert.deepEqual(peer.alarms, [], 'the peer saw no equivocation');
		assert.ok(!peer.peer.blocked, 'delivery to the peer is not blocked');
		await ownLogBack(pair.official, pair.citizen);
	});
});

describe('restoring a backup while the peer is down', () => {
	it('refuses staff writes until the peer answered, then recovers', async () => {
		const staff = await signIn(pair.official);
		const dump = backup(pair.official);
		await createNews(staff, { title_fr: 'Perdue pendant la panne', body_fr: 'texte' });
		await waitForMirror(pair.official, pair.citizen);
		await pair.citizen.stop();
		await pair.official.stop();
		await restore(pair.official, dump);
		// no own checkpoint in the backup: the tree's thread would sign one at once, were it
		// not held
		await sqlOf(pair.official, "DELETE FROM tlog_cosignatures WHERE origin = 'official'; " +
			"DELETE FROM tlog_checkpoints WHERE origin = 'official'");
		await pair.official.restart();

		const held = await signIn(pair.official);
		const r = await held.post('/staff/news', { action: 'publish', title_fr: 'Refusée',
			body_fr: 'texte' });
		assert.equal(r.status, 503);
		assert.equal(r.errorCode, 'recovery_pending');
		const st = await federationStatus(held);
		assert.match(st.recovery_held ?? '', /restored from a backup/);
		const page = await held.get('/staff/federation');
		assert.match(page.body, /id="recovery-held"/, 'the status page says why');
		// no checkpoint of a log about to grow with re-imported events: not by the command ...
		const cli = await issue(pair.official);
		assert.notEqual(cli.code, 0, cli.stdout);
		assert.match(cli.stderr, /a restore is not answered yet/);
		// ... nor served meanwhile (the backup's own latest may be smaller than one cosigned)
		const cp = await ownCheckpoint(pair.official);
		assert.equal(cp.status, 503);
		assert.equal(JSON.parse(cp.note).error.code, 'recovery_pending');
		await new Promise((r) => setTimeout(r, 3000));
		assert.equal(await sqlOf(pair.official,
			"SELECT count(*) FROM tlog_checkpoints WHERE origin = 'official'"), '0',
		'the daemon signed a checkpoint while the restore was not answered');

		await pair.citizen.restart();
		await waitFor(async () => (await federationStatus(held)).recovery_held === null,
			{ timeoutMs: 30_000, what: 'official to recover from citizen' });
		assert.ok((await newsTitles(pair.official)).includes('Perdue pendant la panne'));
		// the checkpoint citizen cosigned is official's own latest again, then the command signs
		const back = parseNote((await ownCheckpoint(pair.official)).note);
		assert.ok(back.sigs.some((x) => x.name.endsWith('/baladiya/citizen')), 'cosigned');
		const again = await issue(pair.official);
		assert.equal(again.code, 0, again.stderr);
		await createNews(held, { title_fr: 'Après la panne', body_fr: 'texte' });
		const log = await waitForMirror(pair.official, pair.citizen);
		checkLog(log);
		const peer = await federationStatus(await staffClient(pair.citizen));
		assert.deepEqual(peer.alarms, []);
	});

	it('starts normally when the peer is down but nothing was restored', async () => {
		await pair.citizen.stop();
		await pair.official.restart();
		const staff = await signIn(pair.official);
		await createNews(staff, { title_fr: 'Pair absent, rien restauré', body_fr: 'texte' });
		assert.equal((await federationStatus(staff)).recovery_held, null);
		await pair.citizen.restart();
		checkLog(await waitForMirror(pair.official, pair.citizen));
	});
});

/** The evidence (JSON) of srv's alarm of kind. */
async function alarmEvidence(srv, kind) {
	return JSON.parse(await sqlOf(srv, `SELECT evidence FROM fed_alarms WHERE kind = '${kind}'`));
}

/** Checks official's signature and citizen's cosignature on note with Node's crypto. */
function checkCosignedNote(note) {
	const n = parseNote(note);
	const own = n.sigs.find((x) => x.name === n.origin);
	assert.ok(crypto.verify(null, Buffer.from(n.body),
		crypto.createPublicKey(signingKey(pair.official)), own.blob.subarray(4)), note);
	const cos = n.sigs.find((x) => x.name.endsWith('/baladiya/citizen'));
	assert.deepEqual(cos.blob.subarray(0, 4), keyHash(cos.name, 0x04, rawPublic(pair.citizen)));
	const t = cos.blob.readBigUInt64BE(4);
	assert.ok(crypto.verify(null, Buffer.from(`cosignature/v1\ntime ${t}\n${n.body}`),
		crypto.createPublicKey(signingKey(pair.citizen)), cos.blob.subarray(12)), note);
	return n;
}

describe('the checkpoint the peer cosigned does not match the own log', () => {
	it('raises recovery_root_mismatch with that signed checkpoint as evidence', async () => {
		const staff = await signIn(pair.official);
		await createNews(staff, { title_fr: 'Avant la racine', body_fr: 'texte' });
		await waitForMirror(pair.official, pair.citizen);
		const size = await issueCosigned(pair.official);
		const oName = parseNote((await ownCheckpoint(pair.official)).note).origin;
		const cName = `127.0.0.1:${new URL(pair.citizen.url).port}/baladiya/citizen`;
		// citizen's copy of that checkpoint: another root, signed with official's real key and
		// cosigned with citizen's real key (the logs themselves agree)
		const where = `WHERE origin = 'official' AND size = ${size}`;
		const saved = await sqlOf(pair.citizen, `SELECT note || '|' || encode(root, 'hex') FROM tlog_checkpoints ${where}`);
		const savedLine = await sqlOf(pair.citizen, `SELECT line FROM tlog_cosignatures ${where}`);
		const root = crypto.randomBytes(32);
		const note = forgeNote(pair.official, oName, size, root);
		const line = forgeCosignature(pair.citizen, cName, parseNote(note).body);
		await sqlOf(pair.citizen, `UPDATE tlog_checkpoints SET note = '${note}', root = decode('${root.toString('hex')}', 'hex') ${where}; ` +
			`UPDATE tlog_cosignatures SET line = '${line}' ${where}`);
		try {
			await pair.official.restart(); // the comparison runs at every start
			const st = await federationStatus(await signIn(pair.official));
			const alarm = st.alarms.find((a) => a.kind === 'recovery_root_mismatch');
			assert.ok(alarm, JSON.stringify(st.alarms));
			assert.equal(alarm.seq, size);
			const ev = await alarmEvidence(pair.official, 'recovery_root_mismatch');
			assert.equal(ev.cosigned, note + line);
			checkCosignedNote(ev.cosigned);
			assert.equal(ev.here, `root of the own events stored here: ${treeRootOf((await readLog(pair.official)).slice(0, size))}`);
			// holding would not undo it (as recovery_diverged): emitting goes on
			assert.equal(st.recovery_held, null);
		} finally {
			const [n, r] = saved.split('|');
			await sqlOf(pair.citizen, `UPDATE tlog_checkpoints SET note = '${n}', root = decode('${r}', 'hex') ${where}; ` +
				`UPDATE tlog_cosignatures SET line = '${savedLine}' ${where}`);
		}
	});
});

/** Makes citizen lose official's events after seq n, as if it had never had them (its tree and
 * its stored checkpoints of official's log included): what a peer restored from a backup, or
 * one withholding events, serves. */
async function citizenForgetsAfter(n) {
	const where = `WHERE origin = 'official' AND size > ${n}`;
	const stored = 2 * n - n.toString(2).split('').filter((b) => b === '1').length;
	await sqlOf(pair.citizen, [
		`DELETE FROM fed_events WHERE origin = 'official' AND seq > ${n}`,
		`DELETE FROM tlog_cosignatures ${where}`, `DELETE FROM tlog_checkpoints ${where}`,
		`DELETE FROM tlog_hashes WHERE origin = 'official' AND idx >= ${stored}`,
		`UPDATE tlog_trees SET size = ${n} WHERE origin = 'official'`,
		`UPDATE fed_peers SET applied_seq = ${n}, applied_hash = (SELECT hash FROM fed_events WHERE origin = 'official' AND seq = ${n}) WHERE name = 'official'`,
	].join('; '));
}

/** A backup of official, then two news and a checkpoint of them cosigned by citizen: {dump,
 * kept (the backup's own log length), size (the checkpoint's)}. */
async function backupThenCosigned(titles) {
	const staff = await signIn(pair.official);
	const dump = backup(pair.official);
	const kept = (await readLog(pair.official)).length;
	for (const t of titles) await createNews(staff, { title_fr: t, body_fr: 'texte' });
	await waitForMirror(pair.official, pair.citizen);
	const size = await issueCosigned(pair.official);
	assert.ok(size >= kept + titles.length);
	return { dump, kept, size };
}

describe('the peer serves an older checkpoint than the one its log says it cosigned', () => {
	it('raises cosigned_beyond_log when the peer\'s record of that cosignature is pulled', async () => {
		const { dump, kept, size } = await backupThenCosigned(['Cosignée C', 'Cosignée D']);
		const record = await waitFor(async () => (await readLog(pair.citizen)).find((e) =>
			e.type === 'checkpoint.cosigned' && e.data.origin === 'official' && e.data.size === size),
		{ timeoutMs: 30_000, what: "citizen's record of its cosignature" });
		await pair.official.stop();
		await restore(pair.official, dump);
		// citizen lost official's events after the first lost one and serves the older
		// checkpoint it cosigned before; its own log still records the newer cosignature
		await citizenForgetsAfter(kept + 1);
		await pair.official.restart();

		const st = await waitFor(async () => {
			const s = await federationStatus(await signIn(pair.official));
			return s.alarms.some((a) => a.kind === 'cosigned_beyond_log') ? s : null;
		}, { timeoutMs: 30_000, what: 'the alarm cosigned_beyond_log' });
		const alarm = st.alarms.find((a) => a.kind === 'cosigned_beyond_log');
		assert.equal(alarm.seq, size);
		assert.match(alarm.detail, new RegExp(`end at #${kept + 1}\\b`));
		assert.deepEqual(await alarmEvidence(pair.official, 'cosigned_beyond_log'), record.data);
		// the record is citizen's, signed: an auditor with Node's crypto checks it
		const cLog = await readLog(pair.citizen);
		assert.deepEqual(auditSignatures(cLog.filter((e) => e.seq <= record.seq), await publishedKeys(pair.citizen)), []);
		assert.equal((await readLog(pair.official)).length >= kept + 1, true);
	});
});

describe('the peer cosigned more of the own log than it returns', () => {
	// a pair of its own: after the scenario above, official's log went on past what citizen had
	// cosigned with other events (a fork that citizen's own log records), and citizen's witness
	// rightly cosigns none of official's checkpoints any more (protocol.md §21.2, step 2)
	before(async () => {
		await pair.stop();
		pair = await startPair();
		await staffClient(pair.official); // the admin signIn uses
	});

	it('raises recovery_short_of_cosigned, keeps emitting held and signs no checkpoint', async () => {
		const { dump, kept, size } = await backupThenCosigned(['Cosignée A', 'Cosignée B']);
		await pair.official.stop();
		await restore(pair.official, dump);
		// citizen no longer holds official's events after the first lost one, yet it cosigned
		// a checkpoint of them
		await sqlOf(pair.citizen, `DELETE FROM fed_events WHERE origin = 'official' AND seq > ${kept + 1}`);
		await pair.official.restart();

		const held = await signIn(pair.official);
		const st = await waitFor(async () => {
			const s = await federationStatus(held);
			return s.alarms.some((a) => a.kind === 'recovery_short_of_cosigned') ? s : null;
		}, { timeoutMs: 30_000, what: 'the alarm recovery_short_of_cosigned' });
		const alarm = st.alarms.find((a) => a.kind === 'recovery_short_of_cosigned');
		assert.equal(alarm.seq, size);
		assert.match(alarm.detail, new RegExp(`ends at #${kept + 1}\\b`));
		const ev = await alarmEvidence(pair.official, 'recovery_short_of_cosigned');
		assert.equal(checkCosignedNote(ev.cosigned).size, size);
		assert.match(st.recovery_held ?? '', /shorter than the last checkpoint/);
		assert.equal((await readLog(pair.official)).length, kept + 1, 'the one event citizen returned');
		// signing seq kept + 2 again would fork what citizen cosigned: nothing is emitted ...
		const r = await held.post('/staff/news', { action: 'publish', title_fr: 'Refusée',
			body_fr: 'texte' });
		assert.equal(r.status, 503);
		assert.equal(r.errorCode, 'recovery_pending');
		// ... no checkpoint is signed, by the command or the daemon, nor served meanwhile
		const cli = await issue(pair.official);
		assert.notEqual(cli.code, 0, cli.stdout);
		assert.match(cli.stderr, /restore/);
		assert.equal((await ownCheckpoint(pair.official)).status, 503);
		await new Promise((res) => setTimeout(res, 3000));
		assert.equal((await federationStatus(held)).recovery_held, st.recovery_held, 'still held');
		assert.equal((await readLog(pair.official)).length, kept + 1);
		assert.equal(await sqlOf(pair.official,
			`SELECT max(size) FROM tlog_checkpoints WHERE origin = 'official'`), String(size),
		'the cosigned checkpoint is the own latest: no smaller one can be signed');
	});
});
