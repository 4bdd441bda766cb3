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
import { auditSignatures, checkLog, federationStatus, publishedKeys, readLog,
	startFederatedPair, staffClient, waitForMirror } from '../lib/federation.mjs';
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

async function newsTitles(srv) {
	const list = await getJson(srv, '/news?lang=fr');
	return list.items.map((i) => i.title);
}

before(async () => {
	// citizen witnesses official's checkpoints every second (checkpoint.cosigned, docs/protocol.md
	// §21): the restored official serves an older checkpoint than the one citizen cosigned
	pair = await startFederatedPair({ citizen: { env: { BALADIYA_COSIGN_SECONDS: '1' } } });
});

after(async () => {
	await pair?.stop();
});

describe('restoring a backup, the peer reachable', () => {
	let dump, lost, unpublished, fileSeq, budgetId;

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
		const cp = await cliFor(pair.official, ['tlog', 'checkpoint'],
			{ env: { BALADIYA_PUBLIC_URL: pair.official.url } });
		assert.equal(cp.code, 0, cp.stderr);
		const size = Number(/at size (\d+)/.exec(cp.stdout)?.[1]);
		assert.ok(size >= fileSeq, cp.stdout);
		await waitFor(async () => {
			const r = await fetch(`${pair.official.url}/federation/v1/checkpoint?origin=official`);
			const note = await r.text();
			return note.includes(`\n${size}\n`) && /\n\u2014 \S+\/baladiya\/citizen /.test(note);
		}, { timeoutMs: 30_000, what: "citizen's cosignature of official's checkpoint" });
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
		assert.deepEqual(await records(pair.official, 'official'),
			await records(pair.citizen, 'official'));
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

		await pair.citizen.restart();
		await waitFor(async () => (await federationStatus(held)).recovery_held === null,
			{ timeoutMs: 30_000, what: 'official to recover from citizen' });
		assert.ok((await newsTitles(pair.official)).includes('Perdue pendant la panne'));
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
