// SPDX-License-Identifier: AGPL-3.0-or-later
// Residents' reactions and their moderation, across a paired pair of daemons: the commune
// publishes a project on official-srv, residents react to its mirror on citizen-srv, the
// reactions and counts come back to the official project page; a moderator hides one with a
// public reason and the text disappears from both sides (pages and JSON twins) while the public
// moderation log keeps the reason and the SHA-256 (checked with Node's crypto). Bad input gets
// stable codes and changes nothing; the events carry no personal data, nor do the logs; the
// official mirror refuses forged reaction events; the demo loader. (The per-client limit is
// tests/integration/abuse.test.mjs's.)
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/reactions.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
	adoptEvents, forgeEvents, readLog, signingKey, staffClient, startLinkedPair, waitForMirror,
} from '../lib/federation.mjs';
import {
	Client, cliFor, csrfFieldOf, getHtml, getJson, signedIn, waitFor,
} from '../lib/http.mjs';

const TITLE = 'Trottoirs de la rue des Martyrs';
const TITLE_AR = 'أرصفة شارع الشهداء';
// The comment a moderator will hide: it gives someone's phone number (what moderation is for).
const SECRET = 'Appelez Karim au 0550 12 34 56, il a vu les travaux – marqueur-7f3a';
const SECRET_NAME = 'Voisin-marqueur-91c2';
const KEPT = 'Les trottoirs sont trop étroits pour les poussettes.\nMerci de les élargir.';

let pair;
let staff;
let moderator;
let projectId; // the official's id
let localId; // the citizen mirror's id

/** The reactions part of an item's JSON twin. */
async function reactionsOf(srv, id) {
	const v = await getJson(srv, `/projects/${id}`);
	assert.ok(v.reactions, `no reactions in /projects/${id}.json on ${srv.side}`);
	return v.reactions;
}

/** A resident's browser that opened the citizen item page (it holds a CSRF cookie). */
async function resident() {
	const c = new Client(pair.citizen.url);
	const r = await c.get(`/projects/${localId}?lang=fr`);
	assert.equal(r.status, 200);
	return c;
}

function react(client, fields, opts = {}) {
	return client.post(`/projects/${opts.id ?? localId}/reactions`, fields, opts);
}

async function citizenLogLength() {
	return (await readLog(pair.citizen)).length;
}

async function reactionRows(srv) {
	const out = await srv.cluster.psql('SELECT count(*) FROM reactions', { database: srv.database });
	return Number(out.trim());
}

before(async () => {
	pair = await startLinkedPair();
	staff = await staffClient(pair.official);
	moderator = await signedIn(pair.citizen, 'moderator', 'moderatrice');
});

after(async () => {
	await pair?.stop();
});

describe('reactions', () => {
	test('a project published on official-srv appears on citizen-srv with a reaction form', async () => {
		const r = await staff.post('/staff/projects', {
			action: 'publish', title_fr: TITLE, title_ar: TITLE_AR, category: 'voirie',
			status: 'programme', progress: '0', quarter: 'centre',
		});
		assert.equal(r.status, 303, r.body.slice(0, 300));
		const own = await staff.get('/staff/projects.json');
		projectId = own.json.items.find((i) => i.title === TITLE || i.title === TITLE_AR).id;
		const item = await waitFor(async () => {
			const list = await getJson(pair.citizen, '/projects?lang=fr');
			return list.items.find((i) => i.origin_id === projectId);
		}, { timeoutMs: 10_000, what: 'the project on citizen-srv' });
		localId = item.id;

		const browser = new Client(pair.citizen.url);
		await browser.get(`/projects/${localId}`);
		const page = await browser.get(`/projects/${localId}?lang=fr`);
		assert.equal(page.status, 200);
		assert.match(page.body, /<form class="reaction-form" method="post" action="\/projects\/\d+\/reactions#reactions"/);
		assert.match(page.body, /<fieldset>\s*<legend>Votre position<\/legend>/);
		for (const id of ['stance-support', 'stance-concern', 'reaction-comment', 'reaction-name']) {
			assert.match(page.body, new RegExp(`<label for="${id}">`), `label for ${id}`);
		}
		assert.match(page.body, /<input type="hidden" name="csrf" value="[0-9a-f]{64}">/);
		// a page holding this browser's token is never served to another from the cache
		for (let i = 0; i < 2; i++) {
			const mine = await browser.get(`/projects/${localId}`);
			assert.equal(csrfFieldOf(mine.body), browser.cookie('csrf'));
			assert.notEqual(mine.headers.get('x-cache'), 'hit');
		}
		const other = new Client(pair.citizen.url);
		const theirs = await other.get(`/projects/${localId}`);
		assert.notEqual(theirs.headers.get('x-cache'), 'hit');
		assert.equal(csrfFieldOf(theirs.body), other.cookie('csrf'));
		assert.notEqual(other.cookie('csrf'), browser.cookie('csrf'));
		// the JSON twin carries no token, and is cached as usual
		const twin = await getJson(pair.citizen, `/projects/${localId}`);
		assert.ok(!JSON.stringify(twin).includes(browser.cookie('csrf')));
		assert.equal(twin.reactions.can_react, true);

		// the official page has no form (no route there): a link to the citizen platform
		const off = await getJson(pair.official, `/projects/${projectId}`);
		assert.equal(off.reactions.form, undefined);
		assert.equal(off.reactions.react_url,
			`${pair.citizen.url}/origin/projects/${projectId}#reactions`);
		const offHtml = await getHtml(pair.official, `/projects/${projectId}?lang=fr`);
		assert.doesNotMatch(offHtml, /reaction-form/);
		assert.match(offHtml, /Réagir sur la plateforme citoyenne/);
	});

	test('a resident reacts on citizen-srv; the reaction and the counts appear on official-srv', async () => {
		const amina = await resident();
		let r = await react(amina, { stance: 'support', comment: `  ${KEPT}  `, display_name: ' Amina de Tighilt ' });
		assert.equal(r.status, 303, r.body.slice(0, 500));
		assert.equal(r.location, `/projects/${localId}?reacted=1#reactions`);
		const thanks = await amina.get(`/projects/${localId}?reacted=1&lang=fr`);
		assert.match(thanks.body, /role="status"><p>Merci : votre réaction est enregistrée/);
		assert.match(thanks.body, /<bdi>Amina de Tighilt<\/bdi>/);
		assert.match(thanks.body, /<p dir="auto">Les trottoirs sont trop étroits pour les poussettes.<\/p><p dir="auto">Merci de les élargir.<\/p>/);

		// a JSON client gets the reaction back; a blank name is "anonymous"
		const anon = await resident();
		r = await react(anon, { stance: 'concern', comment: '', display_name: '  \u00a0 ' }, { json: true });
		assert.equal(r.status, 201, r.body);
		assert.equal(r.json.stance, 'concern');
		assert.equal(r.json.is_anonymous, true);

		const voisin = await resident();
		r = await react(voisin, { stance: 'concern', comment: SECRET, display_name: SECRET_NAME });
		assert.equal(r.status, 303);

		const mine = await reactionsOf(pair.citizen, localId);
		assert.deepEqual([mine.support, mine.concern, mine.total, mine.comments_total], [1, 2, 3, 2]);
		assert.equal(mine.items[0].comment, SECRET, 'newest first');
		assert.equal(mine.items[1].comment, KEPT.trim());
		assert.equal(mine.items[1].display_name, 'Amina de Tighilt');

		await waitForMirror(pair.citizen, pair.official);
		const theirs = await reactionsOf(pair.official, projectId);
		assert.deepEqual([theirs.support, theirs.concern, theirs.comments_total], [1, 2, 2]);
		assert.deepEqual(theirs.items, mine.items, 'both sides show the same reactions');
		const html = await getHtml(pair.official, `/projects/${projectId}?lang=fr`);
		assert.match(html, /<dt>Soutiens<\/dt><dd>1<\/dd>/);
		assert.match(html, /<dt>Inquiétudes<\/dt><dd>2<\/dd>/);
		assert.ok(html.includes('Les trottoirs sont trop étroits pour les poussettes.'));
		assert.ok(html.includes('<bdi>Amina de Tighilt</bdi>'));
		assert.ok(html.includes(SECRET_NAME));
		const ar = await getHtml(pair.official, `/projects/${projectId}?lang=ar`);
		assert.match(ar, /<dt>التأييد<\/dt><dd>1<\/dd>/);
	});

	test('the official page links to the citizen copy of the item', async () => {
		const r = await fetch(`${pair.citizen.url}/origin/projects/${projectId}`, { redirect: 'manual' });
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), `/projects/${localId}`);
		const missing = await fetch(`${pair.citizen.url}/origin/projects/999999`, { redirect: 'manual' });
		assert.equal(missing.status, 404);
	});

	test('bad input gets a clear code and stores nothing', async () => {
		const rows = await reactionRows(pair.citizen);
		const events = await citizenLogLength();
		const c = await resident();
		const cases = [
			[{ stance: 'maybe', comment: 'x' }, 400, 'invalid_stance'],
			[{ comment: 'sans position' }, 400, 'stance_required'],
			[{ stance: 'support', comment: 'x'.repeat(5000) }, 400, 'comment_too_long'],
			[{ stance: 'support', comment: 'x'.repeat(1001) }, 400, 'comment_too_long'],
			[{ stance: 'support', comment: 'é'.repeat(5000) }, 413, 'payload_too_large'],
			[{ stance: 'support', comment: 'a\u0007b' }, 400, 'invalid_comment'],
			[{ stance: 'support', display_name: 'n'.repeat(41) }, 400, 'display_name_too_long'],
			[{ stance: 'support', display_name: 'deux\nlignes' }, 400, 'invalid_display_name'],
			[{ stance: 'support', display_name: 'karim@example.org' }, 400, 'display_name_personal'],
			[{ stance: 'support', display_name: 'Karim 0550123456' }, 400, 'display_name_personal'],
		];
		for (const [fields, status, code] of cases) {
			const r = await react(c, fields);
			assert.equal(r.status, status, `${JSON.stringify(fields).slice(0, 60)}: ${r.body.slice(0, 200)}`);
			assert.equal(r.errorCode, code);
			const j = await react(c, fields, { json: true });
			assert.equal(j.status, status);
			assert.equal(j.json.error.code, code);
		}
		// the refused form comes back with what was typed
		const back = await react(c, { stance: 'concern', comment: 'Mon avis détaillé', display_name: 'x'.repeat(41) });
		assert.match(back.body, /<textarea[^>]*>Mon avis détaillé<\/textarea>/);
		assert.match(back.body, /id="stance-concern" name="stance" value="concern" checked/);
		assert.match(back.body, /role="alert"/);

		let r = await react(c, { stance: 'support' }, { id: 999999 });
		assert.equal(r.status, 404);
		assert.equal(r.errorCode, 'project_not_found');
		r = await c.post('/projects/abc/reactions', { stance: 'support' });
		assert.equal(r.status, 404);
		r = await react(c, { stance: 'support', comment: 'sans jeton' }, { csrf: false });
		assert.equal(r.status, 403);
		assert.equal(r.errorCode, 'csrf_failed');
		r = await react(c, { stance: 'support' }, { csrf: 'f'.repeat(64) });
		assert.equal(r.status, 403);
		// no reacting on the official platform: there is no such address there
		const o = new Client(pair.official.url);
		r = await o.post(`/projects/${projectId}/reactions`, { stance: 'support' });
		assert.equal(r.status, 404);

		// moderation needs a reason, a moderator, an existing reaction
		const queue = await moderator.get('/staff/reactions.json');
		const target = queue.json.items[0].id;
		for (const reason of [undefined, '', '   ', 'r'.repeat(501)]) {
			r = await moderator.post(`/staff/reactions/${target}/hide`, reason === undefined ? {} : { reason });
			assert.equal(r.status, 400, `reason ${JSON.stringify(reason)?.slice(0, 20)}`);
			assert.equal(r.errorCode, 'reason_required');
		}
		r = await moderator.post('/staff/reactions/999999/hide', { reason: 'test' });
		assert.equal(r.status, 404);
		assert.equal(r.errorCode, 'reaction_not_found');
		r = await c.post(`/staff/reactions/${target}/hide`, { reason: 'je ne suis pas modérateur' });
		assert.equal(r.status, 401);
		r = await moderator.post(`/staff/reactions/${target}/hide`, { reason: 'sans jeton' }, { csrf: false });
		assert.equal(r.status, 403);
		assert.equal((await c.get('/staff/reactions.json')).status, 401);

		assert.equal(await reactionRows(pair.citizen), rows, 'no reaction stored');
		assert.equal(await citizenLogLength(), events, 'no event emitted');
		const still = (await moderator.get('/staff/reactions.json')).json.items;
		assert.ok(still.every((i) => !i.is_hidden), 'nothing hidden');
	});

	test('a moderator hides a comment: gone from both sides, reason and hash in the public log', async () => {
		const queue = await moderator.get('/staff/reactions?lang=fr');
		assert.equal(queue.status, 200);
		assert.ok(queue.body.includes(SECRET), 'the queue shows the comment to moderate');
		assert.match(queue.body, /<label for="reason-\d+">Motif public<\/label>/);
		const items = (await moderator.get('/staff/reactions.json?lang=fr')).json.items;
		const target = items.find((i) => i.comment === SECRET);
		assert.equal(target.target_title, TITLE);
		assert.equal(target.target_url, `/projects/${localId}#reaction-${target.id}`);
		const reason = 'Données personnelles (numéro de téléphone)';
		let r = await moderator.post(`/staff/reactions/${target.id}/hide`, { reason });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		assert.equal(r.location, '/staff/reactions');
		r = await moderator.post(`/staff/reactions/${target.id}/hide`, { reason });
		assert.equal(r.status, 409);
		assert.equal(r.errorCode, 'already_hidden');

		await waitForMirror(pair.citizen, pair.official);
		const sha = crypto.createHash('sha256').update(SECRET, 'utf8').digest('hex');
		for (const [srv, id] of [[pair.citizen, localId], [pair.official, projectId]]) {
			const pages = [
				await getHtml(srv, `/projects/${id}?lang=fr`),
				await getHtml(srv, `/projects/${id}?lang=ar`),
				JSON.stringify(await getJson(srv, `/projects/${id}`)),
				await getHtml(srv, '/moderation?lang=fr'),
				JSON.stringify(await getJson(srv, '/moderation')),
				await getHtml(srv, `/projects/${id}/history`),
			];
			if (srv === pair.citizen) {
				pages.push((await moderator.get('/staff/reactions')).body,
					(await moderator.get('/staff/reactions.json')).body);
			}
			for (const p of pages) {
				assert.ok(!p.includes('0550 12 34 56') && !p.includes('marqueur-7f3a'),
					`${srv.side}: the hidden comment is gone`);
				assert.ok(!p.includes(SECRET_NAME), `${srv.side}: the hidden reaction's name is gone`);
			}
			const rv = await reactionsOf(srv, id);
			assert.deepEqual([rv.support, rv.concern, rv.comments_total], [1, 2, 2], 'counts unchanged');
			const hidden = rv.items.find((i) => i.is_hidden);
			assert.equal(hidden.id, target.id);
			assert.equal(hidden.hidden_reason, reason);
			assert.equal(hidden.comment_sha256, sha);
			assert.equal(hidden.comment, undefined);
			assert.equal(hidden.is_anonymous, true);
			const html = await getHtml(srv, `/projects/${id}?lang=fr`);
			assert.ok(html.includes(`Masqué par les modérateurs :</em> <span dir="auto">${reason}</span>`));
			assert.ok(html.includes('Les trottoirs sont trop étroits'), 'other comments stay');

			const log = await getJson(srv, '/moderation?lang=fr');
			assert.equal(log.items.length, 1);
			const entry = log.items[0];
			assert.equal(entry.action, 'hide_reaction');
			assert.equal(entry.reason, reason);
			assert.equal(entry.comment_sha256, sha);
			assert.equal(entry.origin, 'citizen');
			assert.equal(entry.target, `reaction/${target.id}`);
			assert.equal(entry.item.title, TITLE);
			assert.equal(entry.item.url, `/projects/${id}#reaction-${target.id}`);
			const logHtml = await getHtml(srv, '/moderation?lang=fr');
			assert.ok(logHtml.includes(reason));
			assert.ok(logHtml.replaceAll('<wbr>', '').includes(sha), 'the hash is shown whole');
		}
		const [c, o] = [await getJson(pair.citizen, '/moderation'), await getJson(pair.official, '/moderation')];
		assert.equal(c.items[0].created_at, o.items[0].created_at, 'the same date on both sides');
	});

	test('reaction events carry no personal data, and the logs hold only ids', async () => {
		const log = await readLog(pair.citizen);
		const created = log.filter((e) => e.type === 'reaction.created')
			.map((e) => ({ ...JSON.parse(e.payload), data: { ...e.data, ...e.withheld } }));
		const hidden = log.filter((e) => e.type === 'reaction.hidden').map((e) => JSON.parse(e.payload));
		assert.ok(created.length >= 3);
		assert.equal(hidden.length, 1);
		for (const ev of created) {
			assert.deepEqual(Object.keys(ev.data).sort(),
				['comment', 'created_at', 'display_name', 'id', 'stance', 'target'].sort());
			assert.deepEqual(Object.keys(ev.data.target).sort(), ['id', 'kind', 'origin']);
			assert.deepEqual(ev.data.target, { origin: 'official', kind: 'project', id: projectId });
			assert.match(ev.data.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
			assert.deepEqual(ev.refs[0], { origin: 'citizen', type: 'reaction', id: String(ev.data.id) });
			const text = JSON.stringify(ev);
			assert.doesNotMatch(text, /127\.0\.0\.1|csrf|cookie|user.?agent|e-?mail|"ip"/i);
		}
		const h = hidden[0].data;
		assert.deepEqual(Object.keys(h).sort(),
			['comment_sha256', 'hidden_at', 'id', 'moderation_id', 'reason'].sort());
		assert.equal(h.comment_sha256, crypto.createHash('sha256').update(SECRET).digest('hex'));
		assert.ok(!JSON.stringify(hidden[0]).includes('0550'), 'the hidden event does not repeat the text');

		for (const srv of [pair.citizen, pair.official]) {
			const logs = srv.logs();
			assert.ok(!logs.includes('marqueur-7f3a'), `${srv.side}-srv logs a comment`);
			assert.ok(!logs.includes(SECRET_NAME), `${srv.side}-srv logs a display name`);
			assert.ok(!logs.includes('Amina de Tighilt'), `${srv.side}-srv logs a display name`);
			assert.ok(!logs.includes('poussettes'), `${srv.side}-srv logs a comment`);
		}
		assert.match(pair.citizen.logs(), /reaction \d+ created on project \d+/);
		const flagged = await pair.official.cluster.psql(
			"SELECT count(*) FROM fed_events WHERE origin = 'citizen' AND flag IS NOT NULL",
			{ database: pair.official.database });
		assert.equal(Number(flagged.trim()), 0, 'official applied every reaction event');
	});

	test('official-srv refuses reaction events that do not fit, and keeps applying the next', async () => {
		const log = await readLog(pair.citizen);
		const key = signingKey(pair.citizen);
		const at = new Date().toISOString().replace(/Z$/, '000Z');
		const base = { target: { origin: 'official', kind: 'project', id: projectId }, stance: 'support',
			comment: '', display_name: '', created_at: at };
		const next = 900000;
		const bad = [
			{ ...base, id: next + 1, target: { origin: 'official', kind: 'project', id: 999999 } },
			{ ...base, id: next + 2, target: { origin: 'citizen', kind: 'project', id: projectId } },
			{ ...base, id: next + 3, target: { origin: 'official', kind: 'budget', id: projectId } },
			{ ...base, id: next + 4, stance: 'maybe' },
			{ ...base, id: next + 5, comment: 'x'.repeat(1001) },
			{ ...base, id: next + 6, display_name: 'y'.repeat(41) },
			{ ...base, id: next + 7, created_at: '2025-13-45T99:00:00Z' },
			{ ...base, id: -1 },
		];
		const specs = bad.map((data) => ({ type: 'reaction.created', data }));
		specs.push({ type: 'reaction.hidden', data: { id: 424242, reason: 'x', comment_sha256: '0'.repeat(64),
			moderation_id: 77, hidden_at: at } });
		specs.push({ type: 'reaction.hidden', data: { id: log.length, reason: '', comment_sha256: 'zz',
			moderation_id: 78, hidden_at: at } });
		specs.push({ type: 'reaction.created', data: { ...base, id: next + 9, comment: 'Valide après les autres' } });
		await adoptEvents(pair.citizen, forgeEvents(log, 'citizen', specs, key));
		await waitForMirror(pair.citizen, pair.official);
		const flags = await pair.official.cluster.psql(
			"SELECT string_agg(flag, ',' ORDER BY seq) FROM fed_events WHERE origin = 'citizen' AND flag IS NOT NULL",
			{ database: pair.official.database });
		assert.equal(flags.trim(), Array(bad.length + 2).fill('invalid_data').join(','));
		const rv = await reactionsOf(pair.official, projectId);
		assert.equal(rv.support, 2, 'only the valid one was applied');
		assert.equal(rv.items[0].comment, 'Valide après les autres');
	});

	test('the demo loader reacts to mirrored items only, once', async () => {
		let r = await cliFor(pair.citizen, ['demo', 'load', 'demo/citizen']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /citizen: 0 demo reactions added, 0 already there/);
		assert.match(r.stdout, /7 demo reactions wait for the commune's items/);
		const p = await staff.post('/staff/projects', { action: 'publish', title_fr: "Cantine de l'école El Amel",
			category: 'education', status: 'en_cours', progress: '90', quarter: 'elamel' });
		assert.equal(p.status, 303);
		await waitForMirror(pair.official, pair.citizen);
		r = await cliFor(pair.citizen, ['demo', 'load', 'demo/citizen']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /citizen: 1 demo reactions added, 0 already there/);
		r = await cliFor(pair.citizen, ['demo', 'load', 'demo/citizen']);
		assert.match(r.stdout, /citizen: 0 demo reactions added, 1 already there/);
		await waitForMirror(pair.citizen, pair.official);
		const list = await getJson(pair.official, '/projects');
		const cantine = list.items.find((i) => i.title === "Cantine de l'école El Amel");
		const rv = await reactionsOf(pair.official, cantine.id);
		assert.equal(rv.support, 1);
		assert.match(rv.items[0].comment, /point d'eau/);
	});
});
