// SPDX-License-Identifier: AGPL-3.0-or-later
// Residents' proposals on a real pair (citizen-srv and official-srv, real PostgreSQL, the real
// SMTP server for verification codes and followers' messages): a verified resident submits a
// proposal (with a photo), supports it, argues; unverified residents are sent to verification
// and nothing is counted; bad input gets its stable code and changes nothing; a proposal
// crosses the threshold (3 in this file's settings) exactly once and reaches the commune with
// its due date, which moves it through examined, agenda and adopted with a reasoned answer,
// both platforms showing the same stage and countdown; the clock moved in the database makes
// one overdue and another expire; 1,000 concurrent distinct verified supports are counted
// exactly, and a second support of the same contact with another cookie is refused;
// moderation hides a proposal everywhere; the accountability figures agree on both sides.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/proposals.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../lib/harness.mjs';
import { staffClient, startLinkedPair } from '../lib/federation.mjs';
import { Client, cliFor, getJson, signedIn, sql, waitFor } from '../lib/http.mjs';
import { noiseImage } from '../lib/images.mjs';
import { verifyParticipant } from '../lib/participation.mjs';
import { directParticipants, proposalFields, refOf, secondCookie } from '../lib/proposals.mjs';
import { startSmtpServer } from '../lib/smtp.mjs';

const AUTHOR = 'auteure.propositions-7q2@example.org';
const NOTIFY_ENV = {
	BALADIYA_PROPOSAL_THRESHOLD: '3',
	BALADIYA_RATE_LIMITS: 'proposal=200,proposal_support=5000,proposal_argument=200',
};
// 1,000 browsers at once from one address
const CONNECTIONS_ENV = { BALADIYA_MAX_CONNECTIONS: '2048', BALADIYA_MAX_CONNECTIONS_PER_IP: '0' };

let smtp;
let pair;
let author; // a Client verified through the pages, with notify consent
let cookieName; // the participation cookie's name
let agent; // official staff
let moderator; // citizen moderator

/** The feed at url as Debian's python3-feedparser reads it: {bozo, lang, entries}. */
function parseFeed(url) {
	const py = 'import json, sys, feedparser\n' +
		'd = feedparser.parse(sys.argv[1])\n' +
		'print(json.dumps({"bozo": d.bozo, "lang": d.feed.get("language"), "entries": ' +
		'[{"title": e.title, "link": e.link, "tags": [t.term for t in e.get("tags", [])]} ' +
		'for e in d.entries]}))';
	return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, url], { encoding: 'utf8' }));
}

const n = async (srv, q) => Number(await sql(srv, q));

/** Rows bad input must not change, on the citizen side. */
async function counts() {
	const c = pair.citizen;
	return {
		proposals: await n(c, 'SELECT count(*) FROM proposals'),
		arguments: await n(c, 'SELECT count(*) FROM proposal_arguments'),
		supports: await n(c, "SELECT count(*) FROM participation_supports WHERE item_kind LIKE 'proposal%'"),
		events: await n(c, "SELECT count(*) FROM fed_events WHERE origin = 'citizen'"),
	};
}

/** A resident's client holding a direct participant's cookie and a CSRF cookie. */
function participantClient(token) {
	const c = new Client(pair.citizen.url);
	c.jar.set(cookieName, token);
	return c;
}

/** Submits a proposal with client c; resolves to the reply. */
function submit(c, fields = {}, opts = {}) {
	return c.post('/proposals?lang=fr', proposalFields(fields), { multipart: true, ...opts });
}

/** Submits and asserts a 201: the reference. */
async function created(c, fields) {
	const r = await submit(c, fields);
	assert.equal(r.status, 201, r.body.slice(0, 800));
	const ref = refOf(r.body);
	assert.ok(ref, 'no reference on the success page');
	return ref;
}

/** The citizen side's row of ref. */
async function row(srv, ref, cols = 'stage, supporters') {
	return sql(srv, `SELECT ${cols} FROM proposals WHERE ref = '${ref}'`);
}

/** Supports ref with each client (JSON): the replies. */
function supportAll(clients, ref) {
	return Promise.all(clients.map((c) => c.post(`/proposals/${ref}/support`, {}, { json: true })));
}

before(async () => {
	smtp = await startSmtpServer();
	pair = await startLinkedPair({ citizen: { env: { ...smtp.env, ...NOTIFY_ENV, ...CONNECTIONS_ENV } } });
	author = new Client(pair.citizen.url);
	await verifyParticipant({ citizenUrl: pair.citizen.url, smtp, email: AUTHOR, client: author,
		notify: true });
	cookieName = [...author.jar.keys()].find((k) => k.endsWith('participant'));
	assert.ok(cookieName, 'a participation cookie');
	agent = await staffClient(pair.official);
	moderator = await signedIn(pair.citizen, 'moderator', 'moderatrice-prop');
});

after(async () => {
	await pair?.stop();
	await smtp?.stop();
});

describe('proposals', () => {
	let first; // the proposal taken across the threshold

	test('a verified resident submits with a photo: list, JSON twin, page, map, mirror', async () => {
		const form = await author.get('/proposals/new?lang=fr');
		assert.equal(form.status, 200);
		for (const id of ['proposal-type', 'proposal-title', 'proposal-body', 'proposal-quarter',
			'proposal-lat', 'proposal-lon', 'proposal-photo', 'proposal-name']) {
			assert.match(form.body, new RegExp(`<label for="${id}">`), `label for ${id}`);
		}
		assert.match(form.body, /<option value="culture_sport">Culture et sport<\/option>/);
		const dir = tempDir('baladiya-proposal-img-');
		const photo = readFileSync(noiseImage(path.join(dir, 'p.jpg'), 64, 48));
		const before = await counts();
		const r = await submit(author, { title: 'Une aire de jeux à Tighilt', quarter: 'tighilt',
			type: 'culture_sport', body: 'Les enfants jouent dans la rue.\nUn terrain vague est libre.',
			lat: '36.718200', lon: '4.051000', photo: new Blob([photo], { type: 'image/jpeg' }) });
		assert.equal(r.status, 201, r.body.slice(0, 800));
		first = refOf(r.body);
		assert.ok(first);
		const afterCounts = await counts();
		assert.equal(afterCounts.proposals, before.proposals + 1);
		assert.equal(afterCounts.events, before.events + 1);
		const list = await getJson(pair.citizen, '/proposals?type=culture_sport');
		const item = list.items.find((x) => x.ref === first);
		assert.equal(item.title, 'Une aire de jeux à Tighilt');
		assert.equal(item.stage, 'submitted');
		assert.equal(item.threshold, 3);
		assert.match(item.support_countdown, /90/);
		assert.ok(item.photo?.url, 'the photo is shown');
		const page = await author.get(`/proposals/${first}?lang=fr`);
		assert.equal(page.status, 200);
		assert.match(page.body, /Je soutiens/);
		assert.doesNotMatch(page.body, new RegExp(AUTHOR.replace('.', '\\.')));
		const geo = await fetch(`${pair.citizen.url}/proposals.geojson`).then((x) => x.json());
		const pin = geo.features.find((f) => f.properties.url === `/proposals/${first}`);
		assert.deepEqual(pin.geometry.coordinates, [4.051, 36.7182]);
		assert.equal(pin.properties.status, 'submitted');
		// the commune's mirror, read-only
		const mirrored = await waitFor(async () => {
			const x = await fetch(`${pair.official.url}/proposals/${first}.json`);
			return x.status === 200 ? x.json() : null;
		}, { what: 'the proposal on the official side' });
		assert.equal(mirrored.proposal.title, 'Une aire de jeux à Tighilt');
		assert.equal(mirrored.proposal.author_name, 'Amel de Tighilt');
		assert.equal((await fetch(`${pair.official.url}/proposals/new`)).status, 404);
	});

	test('an unverified resident is sent to verification; nothing is counted', async () => {
		const c = new Client(pair.citizen.url);
		const page = await c.get(`/proposals/${first}?lang=fr`);
		assert.match(page.body, /href="\/participation\?back=%2Fproposals%2FP-[^"]*"/);
		await c.csrf();
		const before = await counts();
		const html = await c.post(`/proposals/${first}/support`, {});
		assert.equal(html.status, 303);
		assert.match(html.headers.get('location'), /^\/participation\?back=/);
		const json = await c.post(`/proposals/${first}/support`, {}, { json: true });
		assert.equal(json.status, 403);
		assert.equal(json.json.error.code, 'participation_required');
		const sub = await submit(c, { title: 'Sans vérification' }, { json: true });
		assert.equal(sub.status, 403);
		const fresh = new Client(pair.citizen.url);
		fresh.jar.set(cookieName, 'A'.repeat(43)); // a made-up cookie names nobody
		assert.equal((await fresh.post(`/proposals/${first}/support`, {}, { json: true })).status, 403);
		assert.deepEqual(await counts(), before);
	});

	test('bad input: a clear 4xx with a stable code, nothing stored or counted', async () => {
		const before = await counts();
		const cases = [
			[{ body: 'x'.repeat(10000) }, 400, 'text_too_long'],
			[{ title: '' }, 400, 'empty_text'],
			[{ name: '<b>Amel</b>' }, 400, 'invalid_display_name'],
			[{ name: 'Amel \u202Eorp\u202C' }, 400, 'invalid_display_name'],
			[{ name: 'amel@example.org' }, 400, 'display_name_personal'],
			[{ title: 'Titre \u202Ecaché' }, 400, 'invalid_text'],
			[{ type: 'voirie' }, 400, 'unknown_type'],
			[{ quarter: 'paris' }, 400, 'invalid_quarter'],
			[{ lat: '95', lon: '4' }, 400, 'invalid_point'],
		];
		for (const [fields, status, code] of cases) {
			const r = await submit(author, { title: `Cas ${code}`, ...fields }, { json: true });
			assert.equal(r.status, status, `${code}: ${r.body.slice(0, 200)}`);
			assert.equal(r.json.error.code, code);
		}
		const html = await submit(author, { body: 'x'.repeat(10000) });
		assert.equal(html.status, 400);
		assert.match(html.body, /<code>text_too_long<\/code>/);
		// arguments: 10,000 characters, markup in the name, a side that is not one
		for (const [fields, code] of [[{ body: 'y'.repeat(10000) }, 'text_too_long'],
			[{ name: '<i>x</i>' }, 'invalid_display_name'], [{ side: 'maybe' }, 'invalid_side']]) {
			const r = await author.post(`/proposals/${first}/arguments`,
				{ side: 'for', body: 'Un argument.', name: 'Nadia', ...fields }, { json: true });
			assert.equal(r.status, 400, code);
			assert.equal(r.json.error.code, code);
		}
		assert.deepEqual(await counts(), before);
		// a form sent twice: the second is refused
		const once = await created(author, { title: 'Un abribus au Centre', body: 'Un abri.' });
		const again = await submit(author, { title: 'Un abribus au Centre', body: 'Un abri.' },
			{ json: true });
		assert.equal(again.status, 409);
		assert.equal(again.json.error.code, 'duplicate_proposal');
		assert.equal(await n(pair.citizen, "SELECT count(*) FROM proposals WHERE title = 'Un abribus au Centre'"), 1);
		assert.ok(once);
	});

	test('supports, arguments, the threshold crossed once, the commune\'s stages and answer', async () => {
		const [b, c2, d] = (await directParticipants(pair.citizen, 3, 'thr')).map(participantClient);
		// the author follows (they consented to notifications when verifying) and supports
		assert.equal((await author.post(`/proposals/${first}/follow`, {}, { json: true })).status, 200);
		let r = await author.post(`/proposals/${first}/support`, {}, { json: true });
		assert.equal(r.status, 200, r.body);
		assert.equal(r.json.supporters, 1);
		// the same verified contact with another cookie is refused
		const sameToken = (await directParticipants(pair.citizen, 1, 'same'))[0];
		const sameKey = participantClient(sameToken);
		assert.equal((await sameKey.post(`/proposals/${first}/support`, {}, { json: true })).status, 200);
		const other = participantClient(await secondCookie(pair.citizen, sameToken, 'same'));
		const twice = await other.post(`/proposals/${first}/support`, {}, { json: true });
		assert.equal(twice.status, 409);
		assert.equal(twice.json.error.code, 'already_supported');
		assert.equal(await row(pair.citizen, first), 'submitted|2');
		// withdraw and support again
		r = await sameKey.post(`/proposals/${first}/withdraw`, {}, { json: true });
		assert.equal(r.json.supporters, 1);
		r = await sameKey.post(`/proposals/${first}/support`, {}, { json: true });
		assert.equal(r.json.supporters, 2);
		// arguments for and against, one marked helpful once
		r = await b.post(`/proposals/${first}/arguments`, { side: 'for', body: 'Les enfants en ont besoin.',
			name: 'Nadia' }, { json: true });
		assert.equal(r.status, 200, r.body);
		r = await c2.post(`/proposals/${first}/arguments`, { side: 'against', body: 'Le terrain est privé.',
			name: 'Karim' }, { json: true });
		assert.equal(r.status, 200, r.body);
		const argId = await sql(pair.citizen, "SELECT id FROM proposal_arguments WHERE body = 'Les enfants en ont besoin.'");
		assert.equal((await d.post(`/proposals/arguments/${argId}/helpful`, {}, { json: true })).json.helpful, 1);
		const helpTwice = await d.post(`/proposals/arguments/${argId}/helpful`, {}, { json: true });
		assert.equal(helpTwice.status, 409);
		assert.equal(helpTwice.json.error.code, 'already_marked');
		const page = await author.get(`/proposals/${first}?lang=fr`);
		assert.match(page.body, /Retirer mon soutien/);
		assert.match(page.body, /<h3 id="s-for">Pour<\/h3>[\s\S]*Les enfants en ont besoin[\s\S]*<h3 id="s-against">Contre<\/h3>[\s\S]*Le terrain est privé/);
		// the third support crosses the threshold: forwarded once, with its due date
		const forwardedBefore = await n(pair.citizen, "SELECT count(*) FROM fed_events WHERE type = 'proposal.forwarded'");
		r = await b.post(`/proposals/${first}/support`, {}, { json: true });
		assert.equal(r.json.stage, 'supported');
		r = await c2.post(`/proposals/${first}/support`, {}, { json: true });
		assert.equal(r.json.supporters, 4);
		assert.equal(await n(pair.citizen, "SELECT count(*) FROM fed_events WHERE type = 'proposal.forwarded'"),
			forwardedBefore + 1);
		// both sides: the same stage, due date and countdown
		const off = await waitFor(async () => {
			const j = await getJson(pair.official, `/proposals/${first}`);
			return j.proposal.stage === 'supported' ? j : null;
		}, { what: 'the forwarded proposal on the official side' });
		const cit = await (await author.get(`/proposals/${first}.json`)).json;
		assert.equal(off.proposal.due_at, cit.proposal.due_at);
		assert.equal(cit.proposal.countdown.days, 60);
		assert.equal(off.proposal.countdown.days, 60);
		assert.match((await author.get(`/proposals/${first}?lang=fr`)).body, /60 jours restants/);
		const queue = await agent.get('/staff/proposals?lang=fr');
		assert.equal(queue.status, 200);
		assert.match(queue.body, new RegExp(`${first}[\\s\\S]*60 jours restants`));
		// the commune: examined, on the agenda (session date), adopted with a reasoned answer
		const stage = (fields) => agent.post(`/staff/proposals/${first}/stage`, fields, { json: true });
		r = await stage({ stage: 'adopted', answer_ar: '', answer_fr: '' });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.code, 'reasoned_answer_required');
		assert.equal((await stage({ stage: 'examined' })).status, 200);
		r = await stage({ stage: 'agenda' });
		assert.equal(r.json.error.code, 'session_date_required');
		assert.equal((await stage({ stage: 'agenda', session_date: '2026-12-20' })).status, 200);
		r = await stage({ stage: 'examined' });
		assert.equal(r.status, 409);
		assert.equal(r.json.error.code, 'stage_backwards');
		r = await stage({ stage: 'adopted', answer_ar: 'وافق المجلس على إنشاء الملعب.',
			answer_fr: 'Le conseil adopte l\'aire de jeux, inscrite au budget 2027.',
			deliberation_url: 'https://tiziri.example/deliberations/2026-051' });
		assert.equal(r.status, 200, r.body);
		const answered = await waitFor(async () => {
			const j = await (await author.get(`/proposals/${first}.json`)).json;
			return j.proposal.stage === 'adopted' ? j : null;
		}, { what: 'the answer on the citizen side' });
		assert.equal(answered.proposal.session_date, '2026-12-20');
		assert.equal(answered.proposal.answered_in_time, true);
		assert.deepEqual(answered.timeline.map((s) => s.stage),
			['submitted', 'supported', 'examined', 'agenda', 'adopted']);
		const frPage = (await author.get(`/proposals/${first}?lang=fr`)).body;
		assert.match(frPage, /Le conseil adopte l&#39;aire de jeux|Le conseil adopte l'aire de jeux/);
		assert.match(frPage, /href="https:\/\/tiziri\.example\/deliberations\/2026-051"/);
		assert.match((await author.get(`/proposals/${first}?lang=ar`)).body, /وافق المجلس على إنشاء الملعب/);
		// the follower is told, in French, with the link and nobody else's address
		const mails = await smtp.waitFor((m) => m.to === AUTHOR && m.body.includes(`/proposals/${first}`),
			{ timeoutMs: 20000 });
		assert.match(mails[0].body, new RegExp(`${first}`));
		assert.doesNotMatch(mails[0].body, /@example\.org[\s\S]*@example\.org/);
	});

	test('the clock moved in the database: overdue on both sides, and an expiry', async () => {
		const ref = await created(author, { title: 'Un marché couvert', body: 'Un marché.' });
		const voters = (await directParticipants(pair.citizen, 3, 'late')).map(participantClient);
		for (const r of await supportAll(voters, ref)) assert.equal(r.status, 200, r.body);
		await waitFor(async () => (await row(pair.official, ref, 'stage')) === 'supported',
			{ what: 'forwarded on the official side' });
		// the commune's time runs out: 2 days 23 hours past the due date on both sides
		for (const srv of [pair.citizen, pair.official]) {
			await sql(srv, `UPDATE proposals SET due_at = now() - interval '3 days' + interval '1 hour',
				forwarded_at = now() - interval '63 days' + interval '1 hour' WHERE ref = '${ref}'`);
		}
		const late = await (await author.get(`/proposals/${ref}.json`)).json;
		assert.equal(late.proposal.countdown.overdue, true);
		assert.equal(late.proposal.countdown.days, 3);
		assert.match((await author.get(`/proposals/${ref}?lang=fr`)).body, /En retard de 3 jours/);
		const run = await cliFor(pair.citizen, ['jobs', 'run'], { env: NOTIFY_ENV });
		assert.equal(run.code, 0, run.stderr);
		assert.equal(await n(pair.citizen, `SELECT count(*) FROM proposal_stages s JOIN proposals p
			ON p.id = s.proposal_id WHERE p.ref = '${ref}' AND s.stage = 'overdue'`), 1);
		await waitFor(async () => (await row(pair.official, ref, 'overdue_at IS NOT NULL')) === 't',
			{ what: 'overdue on the official side' });
		const off = await getJson(pair.official, `/proposals/${ref}`);
		assert.equal(off.proposal.countdown.days, 3);
		assert.ok(off.timeline.some((s) => s.stage === 'overdue'));
		// a proposal whose support time ends below the threshold expires, its supports kept
		const slow = await created(author, { title: 'Une piste cyclable', body: 'Une piste.' });
		assert.equal((await author.post(`/proposals/${slow}/support`, {}, { json: true })).status, 200);
		await sql(pair.citizen, `UPDATE proposals SET support_until = now() - interval '1 minute' WHERE ref = '${slow}'`);
		assert.equal((await cliFor(pair.citizen, ['jobs', 'run'], { env: NOTIFY_ENV })).code, 0);
		assert.equal(await row(pair.citizen, slow), 'expired|1');
		const closed = await voters[0].post(`/proposals/${slow}/support`, {}, { json: true });
		assert.equal(closed.status, 409);
		assert.equal(closed.json.error.code, 'support_closed');
		await waitFor(async () => (await row(pair.official, slow, 'stage')) === 'expired',
			{ what: 'expired on the official side' });
	});

	test('1,000 concurrent distinct verified supports are counted exactly', async () => {
		const ref = await created(author, { title: 'Une bibliothèque de quartier', body: 'Des livres.' });
		const tokens = await directParticipants(pair.citizen, 1000, 'burst');
		const csrf = await author.csrf();
		const csrfName = [...author.jar.keys()].find((k) => k.endsWith('csrf'));
		const one = (t) => fetch(`${pair.citizen.url}/proposals/${ref}/support`, {
			method: 'POST', redirect: 'manual',
			headers: { cookie: `${cookieName}=${t}; ${csrfName}=${csrf}`, accept: 'application/json',
				'content-type': 'application/x-www-form-urlencoded' },
			body: `csrf=${csrf}`,
		}).then(async (r) => ({ status: r.status, body: await r.text() }),
			(e) => ({ status: 0, body: String(e) })); // refused at the door: tried again
		let pending = tokens;
		const statuses = {};
		for (let round = 0; round < 5 && pending.length; round++) {
			const replies = await Promise.all(pending.map(one));
			const retry = [];
			replies.forEach((r, i) => {
				statuses[r.status] = (statuses[r.status] || 0) + 1;
				if (r.status === 503 || r.status === 429 || r.status === 0) retry.push(pending[i]);
				else assert.equal(r.status, 200, r.body.slice(0, 200));
			});
			pending = retry;
		}
		assert.equal(pending.length, 0, `left after retries: ${JSON.stringify(statuses)}`);
		assert.equal(await row(pair.citizen, ref), 'supported|1000');
		assert.equal(await n(pair.citizen, `SELECT count(*) FROM participation_supports
			WHERE item_kind = 'proposal' AND item_id = (SELECT id FROM proposals WHERE ref = '${ref}')`), 1000);
		assert.equal(await n(pair.citizen, `SELECT count(*) FROM fed_events WHERE origin = 'citizen'
			AND type = 'proposal.forwarded' AND payload::jsonb->'data'->>'ref' = '${ref}'`), 1);
		// the same cookies again: all refused, nothing more counted
		const replay = await Promise.all(tokens.slice(0, 50).map(one));
		assert.ok(replay.every((r) => r.status === 409), 'a second support is refused');
		assert.equal(await row(pair.citizen, ref, 'supporters'), '1000');
		// the tally reaches the commune with the next run
		assert.equal((await cliFor(pair.citizen, ['jobs', 'run'], { env: NOTIFY_ENV })).code, 0);
		await waitFor(async () => (await row(pair.official, ref, 'supporters')) === '1000',
			{ what: 'the tally on the official side' });
	});

	test('moderation hides a proposal and an argument everywhere', async () => {
		const ref = await created(author, { title: 'Texte à masquer 4k2', body: 'Contenu injurieux 4k2.' });
		await waitFor(async () => (await row(pair.official, ref, 'title')) === 'Texte à masquer 4k2',
			{ what: 'mirrored' });
		const argId = await sql(pair.citizen, "SELECT id FROM proposal_arguments WHERE body = 'Le terrain est privé.'");
		let r = await moderator.post(`/staff/proposals/${ref}/hide`, { reason: 'Propos injurieux' }, { json: true });
		assert.equal(r.status, 200, r.body);
		r = await moderator.post(`/staff/proposals/arguments/${argId}/hide`, { reason: 'Hors sujet' });
		assert.equal(r.status, 303, r.body);
		r = await moderator.post(`/staff/proposals/${ref}/hide`, { reason: 'Encore' }, { json: true });
		assert.equal(r.status, 409);
		await waitFor(async () => (await row(pair.official, ref, 'visibility')) === 'hidden',
			{ what: 'hidden on the official side' });
		await waitFor(async () => (await sql(pair.official,
			`SELECT visibility FROM proposal_arguments WHERE origin_id = ${argId}`)) === 'hidden',
		{ what: 'the argument hidden on the official side' });
		for (const [srv, p] of [[pair.citizen, `/proposals/${ref}`], [pair.citizen, '/proposals'],
			[pair.official, `/proposals/${ref}`], [pair.official, '/proposals'],
			[pair.citizen, `/proposals/${first}`], [pair.official, `/proposals/${first}`]]) {
			for (const suffix of ['', '.json']) {
				const text = await fetch(`${srv.url}${p}${suffix}`).then((x) => x.text());
				assert.doesNotMatch(text, /4k2|Le terrain est privé/, `${srv.side} ${p}${suffix}`);
			}
		}
		const log = await fetch(`${pair.official.url}/moderation.json`).then((x) => x.json());
		assert.ok(log.items.some((m) => m.reason === 'Propos injurieux'));
		// the committed content of its events is erased on both sides
		for (const srv of [pair.citizen, pair.official]) {
			assert.equal(await n(srv, `SELECT count(*) FROM fed_content WHERE json LIKE '%4k2%'`), 0, srv.side);
		}
	});

	test('a hidden proposal\'s photo is gone from /photos too', async () => {
		const dir = tempDir('baladiya-proposal-img-');
		const photo = readFileSync(noiseImage(path.join(dir, 'h.jpg'), 40, 30));
		const ref = await created(author, { title: 'Photo à masquer 7q9', quarter: 'centre',
			type: 'social', body: 'Une photo montre un visage.',
			photo: new Blob([photo], { type: 'image/jpeg' }) });
		const shown = (await getJson(pair.citizen, `/proposals/${ref}`)).photo?.url
			?? (await getJson(pair.citizen, `/proposals/${ref}`)).proposal?.photo?.url;
		assert.ok(shown, 'the photo is shown before hiding');
		assert.equal((await fetch(`${pair.citizen.url}${shown}`)).status, 200);
		const r = await moderator.post(`/staff/proposals/${ref}/hide`, { reason: 'Visage reconnaissable' }, { json: true });
		assert.equal(r.status, 200, r.body);
		assert.equal((await fetch(`${pair.citizen.url}${shown}`)).status, 404);
	});

	test('the list\'s Atom feed, with its filter, on both sides (feedparser)', async () => {
		const page = await fetch(`${pair.citizen.url}/proposals?type=culture_sport&lang=fr`).then((x) => x.text());
		assert.match(page, /<link rel="alternate" type="application\/atom\+xml"[^>]*href="\/proposals\.atom\?type=culture_sport&amp;lang=fr"/);
		for (const srv of [pair.citizen, pair.official]) {
			const feed = parseFeed(`${srv.url}/proposals.atom?type=culture_sport&lang=fr`);
			assert.ok(!feed.bozo, `${srv.side}: the feed parses`);
			assert.ok(feed.entries.length >= 1);
			assert.ok(feed.entries.every((e) => e.tags.includes('culture_sport')));
			const e = feed.entries.find((x) => x.link.endsWith(`/proposals/${first}`));
			assert.equal(e.title, 'Une aire de jeux à Tighilt', srv.side);
			const all = parseFeed(`${srv.url}/proposals.atom`);
			assert.ok(!all.entries.some((x) => /4k2/.test(x.title)), 'a hidden proposal is in no feed');
		}
	});

	test('pre-moderation: a proposal waits for a moderator, then goes public and to the commune', async () => {
		pair.citizen.env.BALADIYA_PROPOSAL_PREMODERATE = 'true';
		await pair.citizen.restart();
		try {
			const ref = await created(author, { title: 'Un parking à vélos', body: 'Des arceaux.' });
			assert.equal(await row(pair.citizen, ref, 'visibility'), 'pending');
			assert.equal((await fetch(`${pair.citizen.url}/proposals/${ref}`)).status, 404);
			const list = await (await author.get('/proposals.json')).json;
			assert.ok(!list.items.some((x) => x.ref === ref));
			assert.equal(await n(pair.citizen, `SELECT count(*) FROM fed_events
				WHERE payload::jsonb->'data'->>'ref' = '${ref}'`), 0);
			const queue = await moderator.get('/staff/proposals?lang=fr');
			assert.match(queue.body, new RegExp(`${ref}[\\s\\S]*Publier`));
			const r = await moderator.post(`/staff/proposals/${ref}/approve`, {}, { json: true });
			assert.equal(r.status, 200, r.body);
			assert.equal((await moderator.post(`/staff/proposals/${ref}/approve`, {}, { json: true })).status, 409);
			assert.equal((await fetch(`${pair.citizen.url}/proposals/${ref}`)).status, 200);
			await waitFor(async () => (await row(pair.official, ref, 'stage')) === 'submitted',
				{ what: 'the approved proposal on the official side' });
		} finally {
			delete pair.citizen.env.BALADIYA_PROPOSAL_PREMODERATE;
			await pair.citizen.restart();
		}
	});

	test('privacy: the author\'s verified contact is in no page, feed, event, proposal row or log', async () => {
		const texts = [];
		for (const srv of [pair.citizen, pair.official]) {
			for (const p of ['/proposals', '/proposals.json', '/proposals.atom', `/proposals/${first}`,
				`/proposals/${first}.json`, '/proposals.geojson', '/moderation.json']) {
				texts.push(await fetch(`${srv.url}${p}`).then((x) => x.text()));
			}
			texts.push(srv.logs());
			texts.push(await sql(srv, 'SELECT string_agg(payload, \' \') FROM fed_events'));
			texts.push(await sql(srv, 'SELECT string_agg(json, \' \') FROM fed_content'));
			texts.push(await sql(srv, 'SELECT string_agg(row_to_json(p)::text, \' \') FROM proposals p'));
			texts.push(await sql(srv, 'SELECT string_agg(row_to_json(a)::text, \' \') FROM proposal_arguments a'));
		}
		texts.push((await author.get(`/proposals/${first}?lang=fr`)).body);
		for (const t of texts) assert.ok(!t.includes(AUTHOR), 'the contact leaked');
	});

	test('the accountability figures are the same on both sides', async () => {
		const [c, o] = await Promise.all([getJson(pair.citizen, '/accountability'),
			getJson(pair.official, '/accountability')]);
		assert.ok(c.proposals_figures.forwarded >= 3);
		assert.deepEqual(c.proposals_figures, o.proposals_figures);
		assert.equal(c.proposals_figures.answered_in_time, 1);
		assert.equal(c.proposals_figures.counted, 2); // the answered one and the overdue one
		assert.equal(c.proposals_figures.in_time_percent, 50);
	});
});
