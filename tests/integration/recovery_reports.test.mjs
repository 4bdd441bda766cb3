// SPDX-License-Identifier: AGPL-3.0-or-later
// Recovery of residents' reports and reactions after a database restore (docs/decisions/0010,
// issue 14). First the official platform is restored from a backup taken before a "lost week"
// in which residents filed reports (one with a photo), supported one, reacted to a project and
// a moderator hid a report, while the commune received them and answered one: its own
// report.status events name reports its restored mirror does not hold until the puller catches
// up on the citizen's log, so they wait (fed_restore_pending) and are restored then — with no
// second receipt. Then the citizen platform is restored from its own backup: its reports,
// supports, assessment, hidings and reactions are written back under their ids (a reaction to
// a project published in the lost week waits for the project), the photo is said lost. In both
// cases: no not_restored alarm for these types, no alarm on the peer, the next event chains and
// both copies of the log agree byte for byte.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/recovery_reports.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkLog, federationStatus, readLog, staffClient, startLinkedPair, waitForMirror }
	from '../lib/federation.mjs';
import { Client, getJson, signedIn, sql, waitFor } from '../lib/http.mjs';
import { png } from '../lib/images.mjs';
import { makeParticipants, participantCookie } from '../lib/participation.mjs';
import { backup, records, restore } from '../lib/recovery.mjs';
import { postReport } from '../lib/reports.mjs';

const CENTRE = { lat: 36.7169, lon: 4.0497 }; // demo/*/site.json map centre

let pair;
let staff; // official admin
let agent; // official agent (the inbox)
let moderator; // citizen moderator

/** Files a report on citizen-srv as the form does; resolves to {ref, trackUrl, resident}. */
async function fileReport(title, { photo = false, size = [64, 48] } = {}) {
	const resident = new Client(pair.citizen.url);
	assert.equal((await resident.get('/reports/new?lang=fr')).status, 200);
	const r = await postReport(resident, { category: 'VOI', quarter: 'centre', confirm: '1',
		contact: 'perdu@example.org', title, description: `Description de ${title}`,
		place: 'Rue des Martyrs', lat: String(CENTRE.lat), lon: String(CENTRE.lon) },
	photo ? [{ bytes: png(...size), name: 'trou.png', type: 'image/png' }] : [], { json: true });
	assert.equal(r.status, 201, r.body.slice(0, 400));
	return { ref: r.json.report.ref, trackUrl: r.json.tracking_url, resident };
}

/** A verified participant's browser on citizen-srv (made in the database, no mail). */
async function participant() {
	const c = new Client(pair.citizen.url);
	await c.get('/reports?lang=fr');
	const [token] = await makeParticipants(pair.citizen, 1);
	c.jar.set(participantCookie(c), token);
	return c;
}

async function publishProject(title) {
	const r = await staff.post('/staff/projects', { action: 'publish', title_fr: title,
		category: 'voirie', status: 'programme', progress: '0', quarter: 'centre' });
	assert.equal(r.status, 303, r.body.slice(0, 300));
	const id = (await staff.get('/staff/projects.json')).json.items
		.find((i) => i.title === title || i.data?.title?.fr === title).id;
	const local = await waitFor(async () => (await getJson(pair.citizen, '/projects?lang=fr'))
		.items.find((i) => i.origin_id === id), { timeoutMs: 15_000, what: `${title} on citizen` });
	return { id, localId: local.id };
}

async function react(localId, comment) {
	const c = new Client(pair.citizen.url);
	await c.get(`/projects/${localId}?lang=fr`);
	const r = await c.post(`/projects/${localId}/reactions`, { stance: 'support', comment,
		display_name: 'Nadia' });
	assert.equal(r.status, 303, r.body.slice(0, 300));
}

async function citizenReport(ref) {
	const r = await fetch(`${pair.citizen.url}/reports/${ref}`, { headers: { accept: 'application/json' } });
	return r.status === 200 ? (await r.json()).report : null;
}

/** Both sides exchanged everything: each one's log is mirrored by the other. */
async function settled() {
	await waitForMirror(pair.official, pair.citizen);
	await waitForMirror(pair.citizen, pair.official);
}

/** Once both sides exchanged the lost week: srv stopped, its database restored from dump, and
 * started again (it recovers its own log from the peer as it starts). */
async function restoreFrom(srv, dump) {
	await settled();
	await srv.stop();
	await restore(srv, dump);
	await srv.restart();
}

async function logsAgree() {
	for (const origin of ['official', 'citizen']) {
		// both copies read in one round: a side may sign its next event (a witness's
		// checkpoint.cosigned) between two reads
		const [a, b] = await waitFor(async () => {
			const x = await records(pair.official, origin);
			const y = await records(pair.citizen, origin);
			return x.length === y.length ? [x, y] : null;
		}, { timeoutMs: 30_000, what: `both copies of ${origin}'s log` });
		assert.deepEqual(a, b, `${origin}'s log, both copies`);
		checkLog(await readLog(pair.official, origin));
	}
}

/** A timeline as "side:kind:status" strings. */
function steps(timeline) {
	return timeline.map((e) => `${e.side}:${e.kind}${e.status ? `:${e.status}` : ''}`);
}

/** A report's timeline rows on srv as steps() writes them. */
async function timelineOf(srv, ref) {
	return (await sql(srv, `SELECT string_agg(t.side || ':' || t.kind || CASE WHEN t.status <> '' THEN ':' || t.status ELSE '' END, ',' ORDER BY t.at, t.id) FROM report_timeline t JOIN reports r ON r.id = t.report_id WHERE r.ref = '${ref}'`)).split(',');
}

async function alarms(srv, client) {
	return (await federationStatus(client ?? await staffClient(srv))).alarms;
}

before(async () => {
	pair = await startLinkedPair();
	staff = await staffClient(pair.official);
	agent = await signedIn(pair.official, 'agent', 'agente');
	moderator = await signedIn(pair.citizen, 'moderator', 'moderatrice');
});

after(async () => {
	await pair?.stop();
});

describe('the official platform restored from a backup', () => {
	let project, answered, other, hidden;

	before(async () => {
		project = await publishProject('Projet avant la sauvegarde');
		await settled();
		const dump = backup(pair.official);
		// the lost week
		answered = await fileReport('Trou rue des Martyrs', { photo: true });
		other = await fileReport('Lampadaire éteint');
		hidden = await fileReport('Signalement à masquer');
		await waitFor(async () => (await citizenReport(hidden.ref))?.status === 'received',
			{ timeoutMs: 15_000, what: 'the receipts' });
		const s = await agent.post(`/staff/inbox/${answered.ref}/status`,
			{ status: 'in_progress', message: 'Équipe prévue jeudi.' });
		assert.equal(s.status, 303, s.body.slice(0, 300));
		const supporter = await participant();
		const sup = await supporter.post(`/reports/${other.ref}/support`, {}, { json: true });
		assert.equal(sup.status, 200, sup.body.slice(0, 300));
		await react(project.localId, 'Bonne idée, enfin.');
		const h = await moderator.post(`/staff/reports/${hidden.ref}/hide`, { reason: 'Hors sujet' });
		assert.equal(h.status, 303, h.body.slice(0, 300));
		await waitFor(async () => (await citizenReport(answered.ref))?.status === 'in_progress',
			{ timeoutMs: 15_000, what: 'the status on citizen' });
		await restoreFrom(pair.official, dump);
	});

	it('rebuilds the commune\'s statuses once the citizen\'s reports are back, without a second receipt', async () => {
		const v = await waitFor(async () => {
			const r = await agent.get(`/staff/inbox/${answered.ref}`, { json: true });
			return r.status === 200 && r.json.status === 'in_progress' ? r.json : null;
		}, { timeoutMs: 30_000, what: 'the status restored on official' });
		assert.equal(v.status_message ?? v.message, 'Équipe prévue jeudi.');
		assert.deepEqual(await timelineOf(pair.official, answered.ref), ['citizen:created',
			'official:status:received', 'official:status:in_progress']);
		assert.equal(v.timeline.length, 3);
		assert.equal(v.photos.length, 1, 'the photo is the citizen\'s, named by the mirror');
		const o = (await agent.get(`/staff/inbox/${other.ref}`, { json: true })).json;
		assert.deepEqual(await timelineOf(pair.official, other.ref), ['citizen:created',
			'official:status:received']);
		assert.equal(o.supporters, 1);
		assert.equal(await sql(pair.official, 'SELECT count(*) FROM fed_restore_pending'), '0');
		// the times of the accountability figures are the signed ones, equal on both sides
		const times = (srv) => sql(srv, `SELECT received_at || '|' || first_answer_at FROM reports WHERE ref = '${answered.ref}'`);
		assert.equal(await times(pair.official), await times(pair.citizen));
	});

	it('shows the hidden report hidden and the reaction on the project', async () => {
		assert.equal(await sql(pair.official, `SELECT visibility || '|' || title FROM reports WHERE ref = '${hidden.ref}'`), 'hidden|');
		const p = await getJson(pair.official, `/projects/${project.id}`);
		assert.equal(p.reactions.support, 1);
		assert.match(JSON.stringify(p.reactions.items), /Bonne idée, enfin\./);
	});

	it('raises no not_restored alarm, and the log agrees on both sides', async () => {
		const own = await alarms(pair.official, staff);
		assert.deepEqual(own.filter((a) => a.kind === 'not_restored'), [], JSON.stringify(own));
		// exactly one receipt per report in the official log: none signed twice
		const receipts = (await readLog(pair.official)).map((e) => JSON.parse(e.payload))
			.filter((e) => e.type === 'report.status' && e.data.status === 'received');
		for (const r of [answered, other, hidden]) {
			assert.equal(receipts.filter((e) => e.data.ref === r.ref).length, 1, `one receipt of ${r.ref}`);
		}
		await logsAgree();
	});

	it('chains the next status on the restored log: no fork, no alarm on the peer', async () => {
		const s = await agent.post(`/staff/inbox/${answered.ref}/status`,
			{ status: 'resolved', message: 'Rebouché.' });
		assert.equal(s.status, 303, s.body.slice(0, 300));
		await waitFor(async () => (await citizenReport(answered.ref))?.status === 'resolved',
			{ timeoutMs: 15_000, what: 'resolved on citizen' });
		assert.deepEqual(await alarms(pair.citizen), []);
		await logsAgree();
	});
});

describe('the citizen platform restored from a backup', () => {
	let filed, hidden, supported, late, early;

	before(async () => {
		early = await publishProject('Projet connu avant');
		await settled();
		const dump = backup(pair.citizen);
		// the lost week: a report with a photo, resolved by the commune and confirmed by its
		// reporter; a supported one; a hidden one; reactions to a known project and to one
		// the commune published meanwhile
		// (a photo of its own: one already stored before the backup would still be here)
		filed = await fileReport('Égout bouché', { photo: true, size: [72, 40] });
		supported = await fileReport('Banc cassé');
		hidden = await fileReport('Texte à masquer');
		await waitFor(async () => (await citizenReport(filed.ref))?.status === 'received',
			{ timeoutMs: 15_000, what: 'the receipt' });
		const s = await agent.post(`/staff/inbox/${filed.ref}/status`,
			{ status: 'resolved', message: 'Curé.' });
		assert.equal(s.status, 303, s.body.slice(0, 300));
		await waitFor(async () => (await citizenReport(filed.ref))?.status === 'resolved',
			{ timeoutMs: 15_000, what: 'resolved on citizen' });
		const a = await filed.resident.post(`${filed.trackUrl}/assess`, { assessment: 'confirmed',
			comment: 'Merci, c\'est réglé.' });
		assert.equal(a.status, 303, a.body.slice(0, 300));
		const sup = await (await participant()).post(`/reports/${supported.ref}/support`, {}, { json: true });
		assert.equal(sup.status, 200, sup.body.slice(0, 300));
		const h = await moderator.post(`/staff/reports/${hidden.ref}/hide`, { reason: 'Injurieux' });
		assert.equal(h.status, 303, h.body.slice(0, 300));
		await react(early.localId, 'Réaction perdue A');
		late = await publishProject('Projet de la semaine perdue');
		await react(late.localId, 'Réaction perdue B');
		await restoreFrom(pair.citizen, dump);
	});

	it('rebuilds the reports under their references, with the commune\'s statuses', async () => {
		const r = await waitFor(async () => {
			const x = await citizenReport(filed.ref);
			return x?.status === 'resolved' ? x : null;
		}, { timeoutMs: 30_000, what: 'the report back on citizen' });
		assert.equal(r.title, 'Égout bouché');
		assert.equal(r.assessment?.code ?? r.assessment, 'confirmed');
		const v = await getJson(pair.citizen, `/reports/${filed.ref}`);
		const kinds = steps(v.timeline);
		assert.ok(kinds.includes('citizen:restored_photos'), `the page says it was restored: ${kinds}`);
		assert.deepEqual(kinds.filter((k) => k !== 'citizen:restored_photos'), ['citizen:created',
			'official:status:received', 'official:status:resolved', 'citizen:assessed:confirmed']);
		// the photo's bytes were on the citizen side only: not invented, said lost
		assert.deepEqual(r.photos, []);
		const html = await (await fetch(`${pair.citizen.url}/reports/${filed.ref}?lang=fr`)).text();
		assert.match(html, /ses photos, le lien de suivi et le contact n(&#39;|&#x27;|')ont pas pu être récupérés/);
		assert.equal((await citizenReport(supported.ref)).supporters, 1);
		// no private row: the lost tracking link does not come back
		assert.equal(await sql(pair.citizen, `SELECT count(*) FROM report_private p JOIN reports r ON r.id = p.report_id WHERE r.ref = '${filed.ref}'`), '0');
		assert.equal((await fetch(`${pair.citizen.url}${filed.trackUrl}`)).status, 404);
		// the ids are the origin's: the official mirror names the same ones
		const ids = (srv) => sql(srv, `SELECT string_agg(ref || '=' || origin_id, ',' ORDER BY ref) FROM reports WHERE origin = 'citizen'`);
		assert.equal(await ids(pair.citizen), await ids(pair.official));
	});

	it('keeps the hidden report hidden everywhere, with its moderation entry', async () => {
		for (const srv of [pair.citizen, pair.official]) {
			assert.equal(await sql(srv, `SELECT visibility || '|' || title || '|' || hidden_reason FROM reports WHERE ref = '${hidden.ref}'`), 'hidden||Injurieux');
		}
		const list = await getJson(pair.citizen, '/reports?lang=fr');
		assert.ok(!list.items.some((i) => i.ref === hidden.ref));
		const log = await (await fetch(`${pair.citizen.url}/moderation?lang=fr`)).text();
		assert.match(log, /Injurieux/);
	});

	it('rebuilds the reactions, the one to the lost week\'s project once the project is back', async () => {
		const a = await getJson(pair.citizen, `/projects/${early.localId}`);
		assert.match(JSON.stringify(a.reactions.items), /Réaction perdue A/);
		const b = await waitFor(async () => {
			const p = await getJson(pair.citizen, '/projects?lang=fr');
			const item = p.items.find((i) => i.origin_id === late.id);
			if (!item) return null;
			const v = await getJson(pair.citizen, `/projects/${item.id}`);
			return /Réaction perdue B/.test(JSON.stringify(v.reactions.items)) ? v : null;
		}, { timeoutMs: 30_000, what: 'the reaction to the lost week\'s project' });
		assert.equal(b.reactions.support, 1);
		const ids = (srv) => sql(srv, `SELECT string_agg(origin_id || ':' || comment, ',' ORDER BY origin_id) FROM reactions`);
		assert.equal(await ids(pair.citizen), await ids(pair.official));
	});

	it('raises no not_restored alarm; the next report chains; both logs agree', async () => {
		const own = await alarms(pair.citizen);
		assert.deepEqual(own.filter((a) => a.kind === 'not_restored'), [], JSON.stringify(own));
		assert.equal(await sql(pair.citizen, 'SELECT count(*) FROM fed_restore_pending'), '0');
		const next = await fileReport('Après la restauration');
		await waitFor(async () => (await citizenReport(next.ref))?.status === 'received',
			{ timeoutMs: 15_000, what: 'the receipt of the next report' });
		// a new report takes a new id, past the restored ones
		const max = await sql(pair.citizen, `SELECT (SELECT origin_id FROM reports WHERE ref = '${next.ref}') > (SELECT max(origin_id) FROM reports WHERE ref <> '${next.ref}')`);
		assert.equal(max, 't');
		assert.deepEqual(await alarms(pair.official, staff), []);
		await logsAgree();
	});
});
