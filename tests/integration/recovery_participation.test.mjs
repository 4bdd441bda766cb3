// SPDX-License-Identifier: AGPL-3.0-or-later
// Recovery of residents' participation (docs/decisions/0010, issue 14): an operator restores
// citizen-srv's database from a backup a "week" old. During that week residents expressed a
// need and said "me too", wrote and supported a proposal (forwarded to the commune), argued on
// it (one argument hidden by the moderators), asked a question, and the moderators hid an older
// question; the commune answered an older need and question and moved an older proposal's
// stage. On restart the platform re-imports its own events from official-srv's copy and the
// needs, proposals and dialogue restorers rebuild the rows under their ids, with their counts,
// stages and hidings; the commune's events come back through the puller. No not_restored alarm
// for these types, the next events chain (no fork, no alarm on the peer), both copies of the
// log agree byte for byte, and a "me too" after the restore adds to the restored count. Then
// official-srv is restored: the commune's answers to a need and a question, a merge and two
// stages of the lost week are rebuilt on its mirror, and its next answer takes a fresh id; an
// answer to a need its backup's mirror lacks does not stall the recovery. Last, under
// pre-moderation, a proposal and a question waiting in the backup and approved since come back
// public, and a photo whose bytes the restore lost is not shown.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/recovery_participation.test.mjs

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkLog, federationStatus, readLog, staffClient, startLinkedPair, waitForMirror }
	from '../lib/federation.mjs';
import { tempDir } from '../lib/harness.mjs';
import { Client, cliFor, getJson, signedIn, sql, waitFor } from '../lib/http.mjs';
import { noiseImage } from '../lib/images.mjs';
import { participantCookie } from '../lib/participation.mjs';
import { directParticipants, proposalFields, refOf } from '../lib/proposals.mjs';
import { backup, ownLogBack, records, restore } from '../lib/recovery.mjs';

const ENV = {
	BALADIYA_PROPOSAL_THRESHOLD: '2',
	BALADIYA_RATE_LIMITS: 'proposal=200,proposal_support=500,proposal_argument=200,question=200,need=200',
};

let pair;
let citizenAdmin; // the citizen's admin (its account is in the backup)
let moderator; // the citizen's moderator
let agent; // the commune's staff
let residents; // verified participants (in the backup: their participation records survive)

/** Stops srv, restores dump into its database and starts it again. */
async function restart(srv, dump) {
	await srv.stop();
	await restore(srv, dump);
	await srv.restart();
}

/** The not_restored alarms of a status (federationStatus) about needs, proposals, questions. */
function notRestored(st) {
	return st.alarms.filter((a) => a.kind === 'not_restored' &&
		/need\.|proposal\.|question\./.test(a.detail));
}

/** What /accountability shows of needs, proposals and questions. */
function figures(view) {
	return { needs: view.needs_by_quarter, proposals: view.proposals_figures,
		questions: view.questions };
}

/** A resident's browser on citizen-srv holding the participation cookie of token. */
async function residentClient(token) {
	const c = new Client(pair.citizen.url);
	await c.csrf();
	c.jar.set(participantCookie(c), token);
	return c;
}

/** Runs citizen-srv's jobs once (the tallies sent as need.supported / proposal.supported). */
async function runJobs() {
	const r = await cliFor(pair.citizen, ['jobs', 'run'], { env: ENV });
	assert.equal(r.code, 0, r.stderr);
}

async function newNeed(c, text) {
	const r = await c.post('/needs', { quarter: 'centre', theme: 'other', text,
		display_name: 'Voisins' });
	assert.equal(r.status, 303, r.body.slice(0, 300));
	return Number(/^\/needs\/([0-9]+)$/.exec(r.location)[1]);
}

async function newProposal(c, fields) {
	const r = await c.post('/proposals?lang=fr', proposalFields(fields), { multipart: true });
	assert.equal(r.status, 201, r.body.slice(0, 500));
	return refOf(r.body);
}

async function support(c, ref) {
	const r = await c.post(`/proposals/${ref}/support`, {}, { json: true });
	assert.equal(r.status, 200, r.body.slice(0, 300));
	return r.json;
}

async function ask(title, text) {
	const c = new Client(pair.citizen.url);
	assert.equal((await c.get('/dialogue/ask?lang=fr')).status, 200);
	const r = await c.post('/dialogue/ask', { title, text });
	assert.equal(r.status, 303, r.body.slice(0, 300));
	return /Q-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(r.location)[0];
}

before(async () => {
	pair = await startLinkedPair({ citizen: { env: ENV }, official: { env: ENV } });
	citizenAdmin = await staffClient(pair.citizen);
	moderator = await signedIn(pair.citizen, 'moderator', 'moderatrice-restore');
	agent = await staffClient(pair.official);
	residents = await Promise.all((await directParticipants(pair.citizen, 6, 'restore-part'))
		.map(residentClient));
});

after(async () => {
	await pair?.stop();
});

describe('restoring the citizen platform: residents\' participation rebuilt', () => {
	// in the backup
	let oldNeed, oldProposal, oldQuestion, hiddenLater;
	// the lost week
	let need, proposal, question, argumentFor, argumentHidden, lostIds;
	let dump, before_;

	before(async () => {
		const [p0, p1, p2, p3, p4] = residents;
		oldNeed = await newNeed(p0, 'Un abri de bus au centre – avant la sauvegarde');
		oldProposal = await newProposal(p0, { title: 'Un jardin partagé', body: 'Au centre.' });
		await support(p1, oldProposal);
		assert.equal((await support(p2, oldProposal)).stage, 'supported', 'forwarded');
		oldQuestion = await ask('Horaires de la mairie', 'Quels sont les horaires du samedi ?');
		hiddenLater = await ask('Une question masquée ensuite', 'Texte masqué marqueur-h7k3');
		await runJobs();
		await waitForMirror(pair.citizen, pair.official);
		await waitFor(async () => (await sql(pair.official,
			`SELECT stage FROM proposals WHERE ref = '${oldProposal}'`)) === 'supported',
		{ what: 'the forwarded proposal mirrored' });
		dump = backup(pair.citizen);

		// ---- the lost week ----
		need = await newNeed(p1, 'Une fontaine publique – semaine perdue');
		for (const c of [p2, p3]) {
			const r = await c.post(`/needs/${need}/me-too`, {}, { json: true });
			assert.equal(r.status, 200, r.body.slice(0, 300));
		}
		proposal = await newProposal(p2, { title: 'Des bancs place du marché',
			body: 'Des bancs à l\'ombre.', lat: '36.7', lon: '4.05' });
		await support(p3, proposal);
		assert.equal((await support(p4, proposal)).stage, 'supported', 'forwarded in the lost week');
		let r = await p1.post(`/proposals/${proposal}/arguments`, { side: 'for',
			body: 'Les anciens en ont besoin.', name: 'Nadia' }, { json: true });
		assert.equal(r.status, 200, r.body.slice(0, 300));
		r = await p0.post(`/proposals/${proposal}/arguments`, { side: 'against',
			body: 'Argument masqué marqueur-a5q1', name: 'Karim' }, { json: true });
		assert.equal(r.status, 200, r.body.slice(0, 300));
		argumentFor = Number(await sql(pair.citizen,
			"SELECT id FROM proposal_arguments WHERE body = 'Les anciens en ont besoin.'"));
		argumentHidden = Number(await sql(pair.citizen,
			"SELECT id FROM proposal_arguments WHERE body LIKE '%marqueur-a5q1'"));
		r = await moderator.post(`/staff/proposals/arguments/${argumentHidden}/hide`,
			{ reason: 'Hors sujet' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		question = await ask('Le marché du vendredi', 'Sera-t-il couvert cet hiver ?');
		r = await moderator.post(`/staff/dialogue/${hiddenLater}/hide`, { reason: 'Données personnelles' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		await runJobs();
		await waitForMirror(pair.citizen, pair.official);
		// the commune, on items the backup holds
		r = await agent.post(`/staff/needs/${oldNeed}/answer`, { answer: 'Un abri sera posé en mars.' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		r = await agent.post(`/staff/dialogue/${oldQuestion}/answer`, { text_fr: 'De 8 h à 12 h.' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		r = await agent.post(`/staff/proposals/${oldProposal}/stage`, { stage: 'examined' }, { json: true });
		assert.equal(r.status, 200, r.body.slice(0, 300));
		await waitForMirror(pair.official, pair.citizen);
		await waitFor(async () => (await sql(pair.citizen,
			`SELECT stage FROM proposals WHERE ref = '${oldProposal}'`)) === 'examined',
		{ what: 'the stage applied on the citizen side' });

		before_ = {
			need: (await getJson(pair.citizen, `/needs/${need}`)).need,
			proposal: (await getJson(pair.citizen, `/proposals/${proposal}`)),
			question: (await getJson(pair.citizen, `/dialogue/${question}`)),
			moderation: (await getJson(pair.citizen, '/moderation')).items,
			accountability: figures(await getJson(pair.citizen, '/accountability')),
		};
		lostIds = {
			need: Number(await sql(pair.citizen, 'SELECT max(id) FROM needs')),
			proposal: Number(await sql(pair.citizen, 'SELECT max(id) FROM proposals')),
			question: Number(await sql(pair.citizen, 'SELECT max(id) FROM questions')),
		};
		assert.equal(before_.need.supporters, 3);
		assert.equal(before_.proposal.proposal.supporters, 2);

		await restart(pair.citizen, dump);
	});

	it('re-imports the lost events: both copies of the log agree byte for byte', async () => {
		await ownLogBack(pair.citizen, pair.official);
		checkLog(await readLog(pair.citizen));
	});

	it('raises no not_restored alarm for needs, proposals and questions', async () => {
		const st = await federationStatus(await signedInAgain(citizenAdmin));
		const ours = notRestored(st);
		assert.deepEqual(ours, [], JSON.stringify(st.alarms));
		assert.equal(st.recovery_held, null);
	});

	it('rebuilds the need and its "me too" count, under its id', async () => {
		const v = (await getJson(pair.citizen, `/needs/${need}`)).need;
		assert.equal(v.text, before_.need.text);
		assert.equal(v.supporters, 3, 'the count the lost week tallied');
		const list = await getJson(pair.citizen, '/needs?quarter=centre&theme=other');
		assert.ok(list.needs.some((n) => n.id === need));
		// the commune's answer to the older need came back through the puller
		const old = await waitFor(async () => {
			const n = (await getJson(pair.citizen, `/needs/${oldNeed}`)).need;
			return n.answer ? n : null;
		}, { timeoutMs: 30_000, what: "the commune's answer pulled again" });
		assert.match(old.answer.text, /abri sera posé/);
	});

	it('rebuilds the proposal: tally, forwarding, timeline, arguments, the hidden one blank', async () => {
		const j = await getJson(pair.citizen, `/proposals/${proposal}`);
		const p = j.proposal;
		const was = before_.proposal.proposal;
		for (const k of ['title', 'body', 'stage', 'supporters', 'created_at', 'support_until',
			'forwarded_at', 'due_at', 'lat_e6', 'lon_e6', 'author_name']) {
			assert.deepEqual(p[k], was[k], k);
		}
		assert.equal(p.stage, 'supported');
		assert.deepEqual(j.timeline, before_.proposal.timeline);
		assert.equal(j.arguments_for.length, 1);
		assert.match(JSON.stringify(j.arguments_for), /Les anciens en ont besoin/);
		assert.deepEqual(j.arguments_for.map((a) => a.id), [argumentFor]);
		assert.deepEqual(j.arguments_against.map((a) => a.is_hidden), [true]);
		assert.equal(JSON.stringify(j).includes('marqueur-a5q1'), false, 'the hidden argument stays hidden');
		assert.equal(Number(await sql(pair.citizen,
			`SELECT count(*) FROM proposal_arguments WHERE id IN (${argumentFor}, ${argumentHidden})`)), 2,
		'the arguments keep their ids');
		const page = await fetch(`${pair.citizen.url}/proposals/${proposal}?lang=fr`).then((r) => r.text());
		assert.match(page, /Des bancs place du marché/);
		assert.doesNotMatch(page, /marqueur-a5q1/);
		const old = await waitFor(async () => {
			const o = (await getJson(pair.citizen, `/proposals/${oldProposal}`)).proposal;
			return o.stage === 'examined' ? o : null;
		}, { timeoutMs: 30_000, what: "the commune's stage pulled again" });
		assert.equal(old.supporters, 2);
	});

	it('rebuilds the questions: the new one public, the hidden one hidden, its text erased', async () => {
		const q = await getJson(pair.citizen, `/dialogue/${question}`);
		assert.deepEqual(q.question?.title ?? q.title, before_.question.question?.title ?? before_.question.title);
		assert.match(JSON.stringify(q), /Le marché du vendredi/);
		const hidden = await fetch(`${pair.citizen.url}/dialogue/${hiddenLater}.json`).then((r) => r.text());
		assert.doesNotMatch(hidden, /marqueur-h7k3/);
		assert.match(hidden, /Données personnelles/);
		const list = await fetch(`${pair.citizen.url}/dialogue.json`).then((r) => r.text());
		assert.doesNotMatch(list, /marqueur-h7k3/);
		// the backup held the question's text in its copy of question.asked: erased again
		assert.equal(Number(await sql(pair.citizen,
			"SELECT count(*) FROM fed_content WHERE json LIKE '%marqueur-h7k3%' OR json LIKE '%marqueur-a5q1%'")), 0);
		const answered = await waitFor(async () => {
			const o = await getJson(pair.citizen, `/dialogue/${oldQuestion}`);
			return /De 8 h à 12 h/.test(JSON.stringify(o)) ? o : null;
		}, { timeoutMs: 30_000, what: "the commune's answer pulled again" });
		assert.ok(answered);
		// the public moderation log: the same entries under the same ids
		const log = (await getJson(pair.citizen, '/moderation')).items;
		assert.deepEqual(log.map((m) => [m.id, m.reason]), before_.moderation.map((m) => [m.id, m.reason]));
	});

	it('shows the same accountability figures as before the restore, and as the peer', async () => {
		const [c, o] = await Promise.all([getJson(pair.citizen, '/accountability'),
			getJson(pair.official, '/accountability')]);
		const was = before_.accountability;
		assert.ok(was.needs.length && was.proposals.forwarded === 2 && was.questions.answered >= 1,
			JSON.stringify(was));
		assert.deepEqual(figures(c), was);
		assert.deepEqual(figures(c), figures(o));
	});

	it('counts a "me too" after the restore on top of the restored count', async () => {
		const r = await residents[4].post(`/needs/${need}/me-too`, {}, { json: true });
		assert.equal(r.status, 200, r.body.slice(0, 300));
		await runJobs();
		assert.equal((await getJson(pair.citizen, `/needs/${need}`)).need.supporters, 4);
		await waitFor(async () => Number(await sql(pair.official,
			`SELECT supporters FROM needs WHERE origin_id = ${need}`)) === 4,
		{ timeoutMs: 30_000, what: 'the new count on the official side' });
	});

	it('chains new events on the re-imported ones with fresh ids: no fork, no alarm on the peer', async () => {
		const before2 = await readLog(pair.citizen);
		const fresh = await newNeed(residents[5], 'Un terrain de jeux – après la restauration');
		assert.ok(fresh > lostIds.need, `a fresh id (${fresh} > ${lostIds.need})`);
		const ref = await newProposal(residents[5], { title: 'Après la restauration', body: 'Neuve.' });
		const q = await ask('Après la restauration', 'Une question neuve.');
		assert.ok(Number(await sql(pair.citizen, `SELECT id FROM proposals WHERE ref = '${ref}'`)) > lostIds.proposal);
		assert.ok(Number(await sql(pair.citizen, `SELECT id FROM questions WHERE ref = '${q}'`)) > lostIds.question);
		const log = await waitForMirror(pair.citizen, pair.official);
		assert.ok(log.length >= before2.length + 3);
		assert.equal(log[before2.length].prev, before2.at(-1).hash);
		checkLog(log);
		for (const [table, where] of [['needs', `origin_id = ${fresh}`], ['proposals', `ref = '${ref}'`],
			['questions', `ref = '${q}'`]]) {
			await waitFor(async () => Number(await sql(pair.official,
				`SELECT count(*) FROM ${table} WHERE ${where}`)) === 1, { what: `${table} mirrored` });
		}
		const peer = await federationStatus(agent);
		assert.deepEqual(peer.alarms, [], 'the peer saw no equivocation and refused nothing');
		assert.ok(!peer.peer.blocked);
		assert.deepEqual(await records(pair.citizen, 'citizen'), await records(pair.official, 'citizen'));
	});
});

describe('restoring the official platform: the commune\'s answers rebuilt', () => {
	let needId, asked, merged, ref, dump, answerIds;

	before(async () => {
		// the citizen side's items, mirrored in the backup
		needId = await newNeed(residents[0], 'Un passage piéton devant l\'école');
		asked = await ask('Le ramassage des ordures', 'Quels jours passe le camion ?');
		merged = await ask('Ordures ménagères', 'Quel est le calendrier du ramassage ?');
		ref = await newProposal(residents[1], { title: 'Un city-stade', body: 'Près du lycée.' });
		await support(residents[2], ref);
		assert.equal((await support(residents[3], ref)).stage, 'supported');
		await runJobs();
		await waitForMirror(pair.citizen, pair.official);
		await waitFor(async () => (await sql(pair.official,
			`SELECT stage FROM proposals WHERE ref = '${ref}'`)) === 'supported',
		{ what: 'the forwarded proposal mirrored' });
		dump = backup(pair.official);

		// ---- the commune's lost week ----
		let r = await agent.post(`/staff/needs/${needId}/answer`, { answer: 'Le passage sera peint en avril.' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		r = await agent.post(`/staff/dialogue/${merged}/merge`, { into: asked });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		r = await agent.post(`/staff/dialogue/${asked}/answer`, { text_fr: 'Le lundi et le jeudi.' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		for (const fields of [{ stage: 'examined' }, { stage: 'agenda', session_date: '2027-01-15' }]) {
			r = await agent.post(`/staff/proposals/${ref}/stage`, fields, { json: true });
			assert.equal(r.status, 200, r.body.slice(0, 300));
		}
		await waitForMirror(pair.official, pair.citizen);
		answerIds = await sql(pair.official,
			"SELECT string_agg(origin_id::text, ',' ORDER BY origin_id) FROM question_answers WHERE origin = 'official'");

		await restart(pair.official, dump);
	});

	it('re-imports the commune\'s lost events: both copies agree byte for byte', async () => {
		await ownLogBack(pair.official, pair.citizen);
		checkLog(await readLog(pair.official));
	});

	it('rebuilds the answers, the merge and the stages on the mirror, no not_restored alarm', async () => {
		const st = await federationStatus(agent);
		const ours = notRestored(st);
		assert.deepEqual(ours, [], JSON.stringify(st.alarms));
		const n = (await getJson(pair.official, `/needs/${needId}`)).need;
		assert.match(n.answer?.text ?? '', /peint en avril/);
		const q = await getJson(pair.official, `/dialogue/${asked}`);
		assert.match(JSON.stringify(q), /Le lundi et le jeudi/);
		assert.equal(await sql(pair.official, `SELECT state || ' ' || merged_into FROM questions WHERE ref = '${merged}'`),
			`merged ${asked}`);
		const p = (await getJson(pair.official, `/proposals/${ref}`)).proposal;
		assert.equal(p.stage, 'agenda');
		assert.equal(p.session_date, '2027-01-15');
		assert.equal(await sql(pair.official,
			"SELECT string_agg(origin_id::text, ',' ORDER BY origin_id) FROM question_answers WHERE origin = 'official'"),
		answerIds, 'the answers under their ids');
	});

	it('gives the next answer a fresh id and chains it: no alarm on the peer', async () => {
		const fresh = await ask('Après la restauration de la mairie', 'Une question neuve ?');
		await waitForMirror(pair.citizen, pair.official);
		await waitFor(async () => Number(await sql(pair.official,
			`SELECT count(*) FROM questions WHERE ref = '${fresh}'`)) === 1, { what: 'mirrored' });
		const before2 = await readLog(pair.official);
		const r = await agent.post(`/staff/dialogue/${fresh}/answer`, { text_fr: 'Une réponse neuve.' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		const log = await waitForMirror(pair.official, pair.citizen);
		assert.equal(log[before2.length].prev, before2.at(-1).hash);
		checkLog(log);
		await waitFor(async () => /Une réponse neuve/.test(JSON.stringify(
			await getJson(pair.citizen, `/dialogue/${fresh}`))), { what: 'the new answer on the citizen side' });
		const peer = await federationStatus(citizenAdmin);
		assert.deepEqual(peer.alarms.filter((a) => a.origin === 'official'), [],
			'the citizen side refused nothing of official\'s');
		assert.deepEqual(await records(pair.official, 'official'), await records(pair.citizen, 'official'));
	});
});

// The commune answered a need the citizen side expressed during the commune's lost week: the
// restored mirror gets the need only when the puller catches up after the recovery, so the
// restorer answers STATUS_CONFLICT. The recovery must not stall on it: the log comes back whole
// and emitting resumes; the answer is rebuilt (once the recovery tries again after the
// catch-up) or, failing that, named by a not_restored alarm — never a silent gap.
describe('restoring the official platform: an answer to a need the backup does not hold', () => {
	let needId;

	before(async () => {
		await waitForMirror(pair.citizen, pair.official);
		const dump = backup(pair.official);
		needId = await newNeed(residents[2], 'Un banc devant la poste – après la sauvegarde');
		await waitFor(async () => (await fetch(`${pair.official.url}/needs/${needId}.json`)).status === 200,
			{ what: 'the need mirrored' });
		const r = await agent.post(`/staff/needs/${needId}/answer`, { answer: 'Un banc sera posé.' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		await waitForMirror(pair.official, pair.citizen);
		await restart(pair.official, dump);
	});

	it('does not stall: the log is whole, the answer rebuilt or named by an alarm, new events chain', async () => {
		await ownLogBack(pair.official, pair.citizen);
		const st = await waitFor(async () => {
			const s = await federationStatus(agent);
			return s.recovery_held === null ? s : null;
		}, { timeoutMs: 30_000, what: 'emitting released' });
		await waitFor(async () => Number(await sql(pair.official,
			`SELECT count(*) FROM needs WHERE origin_id = ${needId}`)) === 1,
		{ timeoutMs: 30_000, what: 'the need pulled again' });
		const answer = await sql(pair.official, `SELECT coalesce(answer, '') FROM needs WHERE origin_id = ${needId}`);
		const alarm = notRestored(st).find((a) => /need\.answered/.test(a.detail));
		assert.ok(answer === 'Un banc sera posé.' || alarm,
			`the answer rebuilt, or an alarm: ${JSON.stringify(st.alarms)}`);
		if (alarm) assert.match(alarm.detail, /does not hold yet/);
		const before2 = await readLog(pair.official);
		const r = await agent.post(`/staff/needs/${needId}/answer`, { answer: 'Un banc sera posé en mai.' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		const log = await waitForMirror(pair.official, pair.citizen);
		assert.equal(log[before2.length].prev, before2.at(-1).hash);
		await waitFor(async () => /en mai/.test(await sql(pair.official,
			`SELECT answer FROM needs WHERE origin_id = ${needId}`)), { what: 'answered again' });
		const peer = await federationStatus(citizenAdmin);
		assert.deepEqual(peer.alarms.filter((a) => a.origin === 'official'), []);
	});
});

// Pre-moderation on the citizen platform: a proposal and a question waiting in the backup were
// approved during the lost week, and a proposal with a photo was submitted and approved then.
// The restorers make the waiting rows public under their ids (the backup's photo kept), and the
// lost week's proposal comes back without its photo, whose bytes no event carries.
describe('restoring the citizen platform under pre-moderation', () => {
	let waiting, waitingQuestion, pictured, photoBefore, dump;

	before(async () => {
		pair.citizen.env.BALADIYA_PROPOSAL_PREMODERATE = 'true';
		pair.citizen.env.BALADIYA_DIALOGUE_PREMODERATE = 'true';
		await pair.citizen.restart();
		const dir = tempDir('baladiya-restore-img-');
		const photo = (name) => new Blob([readFileSync(noiseImage(path.join(dir, name), 48, 32))],
			{ type: 'image/jpeg' });
		waiting = await newProposal(residents[4], { title: 'Un abri à vélos', body: 'Près de la gare.',
			photo: photo('a.jpg') });
		waitingQuestion = await ask('Une question en attente', 'Attend un modérateur.');
		assert.equal(await sql(pair.citizen, `SELECT visibility FROM proposals WHERE ref = '${waiting}'`), 'pending');
		await waitForMirror(pair.citizen, pair.official);
		dump = backup(pair.citizen);

		// ---- the lost week: the moderators approve, a proposal with a photo comes and goes public
		let r = await moderator.post(`/staff/proposals/${waiting}/approve`, {}, { json: true });
		assert.equal(r.status, 200, r.body.slice(0, 300));
		r = await moderator.post(`/staff/dialogue/${waitingQuestion}/approve`, {});
		assert.equal(r.status, 303, r.body.slice(0, 300));
		pictured = await newProposal(residents[5], { title: 'Une fresque au marché', body: 'Sur le mur nord.',
			photo: photo('b.jpg') });
		r = await moderator.post(`/staff/proposals/${pictured}/approve`, {}, { json: true });
		assert.equal(r.status, 200, r.body.slice(0, 300));
		photoBefore = (await getJson(pair.citizen, `/proposals/${pictured}`)).proposal.photo;
		assert.ok(photoBefore, 'the photo before the restore');
		await waitForMirror(pair.citizen, pair.official);
		await restart(pair.citizen, dump);
	});

	after(async () => {
		delete pair.citizen.env.BALADIYA_PROPOSAL_PREMODERATE;
		delete pair.citizen.env.BALADIYA_DIALOGUE_PREMODERATE;
		await pair.citizen.restart();
	});

	it('makes the waiting proposal and question public, under their ids, with the backup\'s photo', async () => {
		await ownLogBack(pair.citizen, pair.official);
		assert.deepEqual(notRestored(await federationStatus(citizenAdmin)), []);
		for (const ref of [waiting, pictured]) {
			assert.equal(await sql(pair.citizen, `SELECT visibility || ' ' || (id = origin_id)::text
				FROM proposals WHERE ref = '${ref}'`), 'public true', ref);
		}
		const p = (await getJson(pair.citizen, `/proposals/${waiting}`)).proposal;
		assert.equal(p.title, 'Un abri à vélos');
		assert.ok(p.photo, 'its photo, whose bytes the backup holds');
		const official = (await getJson(pair.official, `/proposals/${waiting}`)).proposal;
		assert.equal(p.created_at, official.created_at);
		assert.equal(p.support_until, official.support_until);
		const q = await getJson(pair.citizen, `/dialogue/${waitingQuestion}`);
		assert.match(JSON.stringify(q), /Attend un modérateur/);
		assert.ok((await getJson(pair.citizen, '/dialogue')).items.some((x) => x.ref === waitingQuestion));
	});

	it('shows no photo whose bytes the restore lost', async () => {
		const p = (await getJson(pair.citizen, `/proposals/${pictured}`)).proposal;
		assert.equal(p.title, 'Une fresque au marché');
		assert.ok(!p.photo, `no photo: ${JSON.stringify(p.photo)}`);
		const page = await fetch(`${pair.citizen.url}/proposals/${pictured}?lang=fr`).then((r) => r.text());
		const sha = JSON.stringify(photoBefore).match(/[0-9a-f]{64}/)?.[0];
		assert.ok(sha, JSON.stringify(photoBefore));
		assert.ok(!page.includes(sha), 'the page links no photo that is gone');
	});
});

/** The same account signed in again (sessions of the lost week are gone with the restore). */
async function signedInAgain(client) {
	const r = await client.get('/staff');
	if (r.status === 200) return client;
	return staffClient(pair.citizen);
}
