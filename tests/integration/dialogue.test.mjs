// SPDX-License-Identifier: AGPL-3.0-or-later
// The public dialogue on a real pair of daemons (modules/dialogue): a resident asks on
// citizen-srv; the question reaches the official agents' queue with its age; an agent answers
// with citations checked to exist (a deliberation, a project, a report, an earlier answer);
// the answer shows on both platforms with links to each side's copy; merging and pointing;
// bad input gets stable codes and stores nothing; a moderator hides a question everywhere
// (pages, both logs' content, with the hash in the public log); pre-moderation and the
// per-client limit on a second citizen daemon; the accountability figures are the same on
// both sides; the demo's answers; and no question text or name in the logs.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/dialogue.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../lib/harness.mjs';
import { readLog, startLinkedPair, waitForMirror } from '../lib/federation.mjs';
import { verifyParticipant } from '../lib/participation.mjs';
import { startSmtpServer } from '../lib/smtp.mjs';
import {
	Client, cliFor, getHtml, getJson, loadDemo, signedIn, sql, startSite,
} from '../lib/http.mjs';

const MARKER = 'marqueur-dlg-5k2p';
const NAME = 'Lecteur-dlg-77x';

const PYTHON = '/usr/bin/python3'; // Debian's, with feedparser (not the pyenv one on PATH)
const FEEDPARSER = String.raw`
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
json.dump({'status': d.get('status'), 'bozo': int(bool(d.bozo)),
    'error': str(d.get('bozo_exception', '')), 'version': d.get('version'),
    'language': d.feed.get('language'), 'title': d.feed.get('title'),
    'entries': [{'id': e.get('id'), 'title': e.get('title'), 'link': e.get('link'),
        'summary': e.get('summary'), 'published': e.get('published')} for e in d.entries]},
    sys.stdout)
`;

/** The feed at url as feedparser (an outside parser) reads it. */
function feedparse(url) {
	return new Promise((resolve, reject) => {
		const p = spawn(PYTHON, ['-c', FEEDPARSER, url], { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out))
			: reject(new Error(`feedparser exited ${code}: ${err}`))));
	});
}

let pair;
let smtp;
let hidden; // a question a moderator hid
let agent;
let moderator;

/** A resident's browser that opened the question form (it holds a CSRF cookie). */
async function resident(srv = pair.citizen) {
	const c = new Client(srv.url);
	const r = await c.get('/dialogue/ask?lang=fr');
	assert.equal(r.status, 200);
	return c;
}

async function ask(client, fields, opts = {}) {
	return client.post('/dialogue/ask', { title: 'Une question', text: 'Le texte.', ...fields }, opts);
}

/** Ask and return the new question's reference. */
async function asked(fields) {
	const r = await ask(await resident(), fields);
	assert.equal(r.status, 303, r.body.slice(0, 300));
	const m = r.location.match(/^\/dialogue\/(Q-[0-9A-Z]{4}-[0-9A-Z]{4})\?asked=1$/);
	assert.ok(m, r.location);
	return m[1];
}

async function count(srv, table) {
	return Number(await sql(srv, `SELECT count(*) FROM ${table}`));
}

async function official(p) {
	return getJson(pair.official, p);
}

/** The official (origin) id of the published deliberation with this number. */
async function deliberationId(number) {
	const list = await official('/deliberations?lang=fr');
	const d = list.items.find((i) => JSON.stringify(i).includes(number));
	assert.ok(d, `deliberation ${number}`);
	return d.id;
}

before(async () => {
	smtp = await startSmtpServer();
	pair = await startLinkedPair({ citizen: { env: smtp.env } });
	agent = await signedIn(pair.official, 'agent', 'agente');
	moderator = await signedIn(pair.citizen, 'moderator', 'moderatrice');
	// the demo: the commune's items, then residents' reports and questions, then the answers
	await loadDemo(pair.official);
	await waitForMirror(pair.official, pair.citizen);
	// the residents' part of the demo the answers need (reports, questions) from its own files
	const dir = tempDir('baladiya-dialogue-demo-');
	for (const f of ['reports.json', 'questions.json']) copyFileSync(`demo/citizen/${f}`, path.join(dir, f));
	const r = await cliFor(pair.citizen, ['demo', 'load', dir]);
	assert.equal(r.code, 0, r.stderr);
	await waitForMirror(pair.citizen, pair.official);
	const out = await loadDemo(pair.official);
	assert.doesNotMatch(out.stdout, /wait to be mirrored/);
	await waitForMirror(pair.official, pair.citizen);
});

after(async () => {
	await pair?.stop();
	await smtp?.stop();
});

describe('dialogue', () => {
	test('the demo: three answers citing a report, a deliberation and a project; open questions', async () => {
		for (const srv of [pair.official, pair.citizen]) {
			const list = await getJson(srv, '/dialogue?state=answered&lang=fr');
			assert.equal(list.items.length, 3, srv.side);
			const kinds = new Set(list.items.flatMap((q) => q.answer.cites.map((c) => c.kind)));
			assert.deepEqual([...kinds].sort(), ['deliberation', 'project', 'report']);
			for (const q of list.items) {
				assert.equal(q.is_answered, true);
				assert.ok(q.answer.text_lines.length > 0);
				for (const c of q.answer.cites) assert.ok(c.url, `${srv.side}: a link for ${c.kind}`);
			}
			const open = await getJson(srv, '/dialogue?state=open');
			assert.ok(open.items.length >= 2);
			assert.ok(open.items.every((q) => q.is_open && !q.answer));
			// the demo dates its questions in the past (signed so): ages and delays mean something
			const crèche = open.items.find((q) => q.title === 'Y aura-t-il une crèche à Tighilt ?');
			assert.equal(crèche.age_days, 9, srv.side);
			const delays = Object.fromEntries(list.items.map((q) => [q.title, [q.age_days, q.answer_delay_label]]));
			assert.deepEqual(delays['Où en est l\'éclairage LED ?'], [21, 'réponse en 12 jours'], srv.side);
			assert.deepEqual(delays['من يرفع النفايات قرب السوق؟'], [40, 'réponse en 24 jours'], srv.side);
			const acc = (await getJson(srv, '/accountability')).questions;
			assert.equal(acc.answered, 3, srv.side);
			assert.equal(acc.answered_within, 2, 'the demo: answered in 6, 12 and 24 days');
			assert.equal(acc.median_days, '12.0');
			assert.ok(acc.oldest_days >= 9, JSON.stringify(acc));
		}
		const queue = (await agent.get('/staff/dialogue?lang=fr')).body;
		assert.match(queue, /posée il y a 9 jours/);
		// each side links to its own copy of a deliberation; a report's page is the citizen's
		const cit = (await getJson(pair.citizen, '/dialogue?state=answered&lang=fr')).items
			.flatMap((q) => q.answer.cites);
		const off = (await official('/dialogue?lang=fr')).items.flatMap((q) => q.answer.cites);
		const rep = cit.find((c) => c.kind === 'report');
		assert.match(rep.url, /^\/reports\/R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
		assert.ok(off.find((c) => c.kind === 'report').url.startsWith(`${pair.citizen.url}/reports/R-`));
		const delib = cit.find((c) => c.kind === 'deliberation');
		assert.equal((await fetch(`${pair.citizen.url}${delib.url}`)).status, 200);
		assert.equal((await fetch(`${pair.official.url}${off.find((c) => c.kind === 'deliberation').url}`)).status, 200);
		const html = await getHtml(pair.official, '/dialogue?lang=ar');
		assert.match(html, /<h1>الرد على انشغالات المواطنين<\/h1>/);
		const fr = await getHtml(pair.official, '/dialogue?lang=fr');
		assert.match(fr, /<h1>Réponses aux citoyens<\/h1>/);
	});

	let ref;
	test('a question asked on citizen-srv reaches the agents\' queue with its age', async () => {
		const c = await resident();
		const form = await c.get('/dialogue/ask?lang=fr');
		for (const id of ['ask-title', 'ask-text', 'ask-quarter', 'ask-theme', 'ask-name']) {
			assert.match(form.body, new RegExp(`<label for="${id}">`), id);
		}
		const r = await ask(c, { title: `Horaires du bureau d'état civil ${MARKER}`,
			text: `Le bureau ouvre-t-il le samedi ?\nMerci. ${MARKER}`, quarter: 'centre',
			theme: 'administration', display_name: ` ${NAME} ` });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		ref = r.location.match(/Q-[0-9A-Z]{4}-[0-9A-Z]{4}/)[0];
		const page = await c.get(`${r.location}&lang=fr`);
		assert.match(page.body, /role="status"><p>Merci : votre question est publiée/);
		assert.match(page.body, /posée aujourd&#39;hui<\/strong>, sans réponse/);
		const mine = await getJson(pair.citizen, `/dialogue/${ref}`);
		assert.equal(mine.question.display_name, NAME);
		assert.equal(mine.question.is_open, true);

		await waitForMirror(pair.citizen, pair.official);
		const queue = await agent.get('/staff/dialogue.json?lang=fr');
		assert.equal(queue.status, 200);
		const item = queue.json.items.find((q) => q.ref === ref);
		assert.ok(item, 'in the queue');
		assert.equal(item.age_days, 0);
		assert.equal(item.asked_at, mine.question.asked_at, 'the same signed time on both sides');
		// oldest first: move this question's time back on both sides and it leads the queue
		for (const srv of [pair.official, pair.citizen]) {
			await sql(srv, `UPDATE questions SET asked_at = asked_at - interval '40 days' WHERE ref = '${ref}'`);
		}
		const again = await agent.get('/staff/dialogue?lang=fr');
		assert.match(again.body, new RegExp(`<tr><td>posée il y a 40 jours</td><td><bdi>${ref}</bdi>`));
		assert.equal((await agent.get('/staff/dialogue.json')).json.items[0].ref, ref);
		const anon = new Client(pair.official.url);
		const away = await anon.get('/staff/dialogue');
		assert.equal(away.status, 303);
		assert.match(away.location, /^\/login/);
	});

	test('the agents\' queue pages oldest first, 20 at a time, by a keyset cursor', async () => {
		// 25 older copies of the open question, on official only (removed at the end)
		await sql(pair.official, `INSERT INTO questions SELECT (jsonb_populate_record(NULL::questions,
			to_jsonb(q) || jsonb_build_object('id', nextval(pg_get_serial_sequence('questions', 'id')),
			'ref', 'Q-PAGE-' || lpad(g::text, 4, '0'), 'origin_id', q.origin_id * 1000 + g,
			'asked_at', q.asked_at - g * interval '1 day'))).*
			FROM questions q, generate_series(1, 25) g WHERE q.ref = '${ref}'`);
		try {
			const seen = [];
			let url = '/staff/dialogue.json';
			let first;
			for (let i = 0; url && i < 10; i++) {
				const r = await agent.get(url);
				assert.equal(r.status, 200, r.body.slice(0, 300));
				first ??= r.json;
				assert.ok(r.json.items.length <= 20);
				seen.push(...r.json.items);
				url = r.json.next_url ? `${r.json.next_url}&lang=fr`.replace('?', '.json?') : null;
			}
			assert.equal(first.items.length, 20);
			assert.equal(first.items[0].ref, 'Q-PAGE-0025', 'the oldest first');
			// rows put by SQL behind the daemon's back: the heading's count, kept until the next
			// write (common/kept.h), may not have seen them; the database says how many are open
			const open = Number(await sql(pair.official,
				"SELECT count(*) FROM questions WHERE state = 'open' AND visibility = 'public'"));
			assert.ok(open >= 26);
			assert.equal(seen.length, open, 'every open question once');
			assert.equal(new Set(seen.map((q) => q.ref)).size, seen.length, 'no question twice');
			const times = seen.map((q) => q.asked_at);
			assert.deepEqual(times, [...times].sort(), 'oldest first across the pages');
			assert.equal((await agent.get('/staff/dialogue?after=x')).status, 400);
		} finally {
			await sql(pair.official, "DELETE FROM questions WHERE ref LIKE 'Q-PAGE-%'");
		}
	});

	test('an agent answers with citations; the answer shows on both platforms', async () => {
		const page = await agent.get(`/staff/dialogue/${ref}?lang=fr`);
		assert.equal(page.status, 200);
		assert.match(page.body, /<label for="answer-fr">Réponse en français<\/label>/);
		const delib = await deliberationId('2025/047');
		const report = (await getJson(pair.citizen, '/reports?lang=fr')).items[0].ref;
		const r = await agent.post(`/staff/dialogue/${ref}/answer`, {
			text_fr: 'Le bureau ouvre le samedi matin.\nVoir la délibération.',
			text_ar: 'يفتح المكتب صباح السبت.',
			cite_kind_1: 'deliberation', cite_ref_1: String(delib),
			cite_kind_2: 'report', cite_ref_2: report,
		});
		assert.equal(r.status, 303, r.body.slice(0, 300));
		assert.equal(r.location, `/staff/dialogue/${ref}`);
		await waitForMirror(pair.official, pair.citizen);
		const views = [];
		for (const srv of [pair.official, pair.citizen]) {
			const v = (await getJson(srv, `/dialogue/${ref}?lang=fr`)).question;
			assert.equal(v.is_answered, true, srv.side);
			assert.deepEqual(v.answer.text_lines, ['Le bureau ouvre le samedi matin.', 'Voir la délibération.']);
			assert.equal(v.answer_delay_label, 'réponse en 40 jours');
			assert.deepEqual(v.answer.cites.map((c) => c.kind), ['deliberation', 'report']);
			assert.equal(v.answer.cites[0].title, 'Dénomination d\'une voie');
			views.push(v);
		}
		assert.equal(views[0].answer.answered_at, views[1].answer.answered_at);
		const ar = await getHtml(pair.citizen, `/dialogue/${ref}?lang=ar`);
		assert.match(ar, /<p dir="auto" lang="ar">يفتح المكتب صباح السبت.<\/p>/);
		assert.match(ar, /<a href="\/deliberations\/\d+" dir="auto">تسمية طريق<\/a>/);
		assert.match(ar, new RegExp(`<a href="/reports/${report}" dir="auto">${report}</a>`));
		assert.ok(!(await agent.get('/staff/dialogue.json')).json.items.some((q) => q.ref === ref));
	});

	test('the agents\' bad input: answering twice, unknown items, merging into itself or a missing question', async () => {
		const fresh = await asked({ title: 'Question pour les refus', text: 'Texte.' });
		await waitForMirror(pair.citizen, pair.official);
		const answers = await count(pair.official, 'question_answers');
		const events = (await readLog(pair.official)).length;
		const cases = [
			[ref, 'answer', { text_fr: 'Encore' }, 409, 'question_not_open'],
			[fresh, 'answer', {}, 400, 'answer_required'],
			[fresh, 'answer', { text_fr: 'x'.repeat(4001) }, 400, 'answer_too_long'],
			[fresh, 'answer', { text_fr: 'a\u202Eb' }, 400, 'invalid_answer'],
			[fresh, 'answer', { text_fr: 'ok', cite_kind_1: 'deliberation', cite_ref_1: '999999' }, 400, 'invalid_cite'],
			[fresh, 'answer', { text_fr: 'ok', cite_kind_1: 'report', cite_ref_1: 'R-ZZZZ-ZZZZ' }, 400, 'invalid_cite'],
			[fresh, 'answer', { text_fr: 'ok', cite_kind_1: 'answer', cite_ref_1: fresh }, 400, 'invalid_cite'],
			[fresh, 'answer', { text_fr: 'ok', cite_kind_1: 'budget', cite_ref_1: '1' }, 400, 'invalid_cite'],
			[fresh, 'answer', { text_fr: 'ok', cite_kind_1: 'project', cite_ref_1: 'abc' }, 400, 'invalid_cite'],
			[fresh, 'merge', { into: fresh }, 400, 'merge_into_self'],
			[fresh, 'merge', { into: 'Q-ZZZZ-ZZZZ' }, 404, 'merge_target_not_found'],
			[fresh, 'merge', { into: 'nonsense' }, 400, 'merge_target_not_found'],
			[ref, 'merge', { into: fresh }, 409, 'question_not_open'],
			[fresh, 'point', { answer: fresh }, 400, 'point_to_self'],
			[fresh, 'point', { answer: 'Q-ZZZZ-ZZZZ' }, 404, 'answer_not_found'],
			['Q-ZZZZ-ZZZZ', 'answer', { text_fr: 'ok' }, 404, 'question_not_found'],
		];
		for (const [q, what, fields, status, code] of cases) {
			const r = await agent.post(`/staff/dialogue/${q}/${what}`, fields);
			assert.equal(r.status, status, `${what} ${JSON.stringify(fields).slice(0, 60)}: ${r.body.slice(0, 200)}`);
			assert.equal(r.errorCode, code);
			const j = await agent.post(`/staff/dialogue/${q}/${what}`, fields, { json: true });
			assert.equal(j.json.error.code, code);
		}
		// a moderator of the citizen platform has no such page; a resident none either
		assert.equal((await new Client(pair.official.url).post(`/staff/dialogue/${fresh}/answer`, { text_fr: 'x' })).status, 401);
		assert.equal(await count(pair.official, 'question_answers'), answers, 'no answer stored');
		assert.equal((await readLog(pair.official)).length, events, 'no event emitted');
		assert.equal((await official(`/dialogue/${fresh}`)).question.is_open, true);
	});

	test('merging into an earlier question, pointing to an existing answer', async () => {
		const dup = await asked({ title: 'Le bureau ouvre-t-il le samedi ?', text: 'Même question.' });
		const other = await asked({ title: 'Samedi encore', text: 'Et le samedi ?' });
		await waitForMirror(pair.citizen, pair.official);
		let r = await agent.post(`/staff/dialogue/${dup}/merge`, { into: ref });
		assert.equal(r.status, 303, r.body.slice(0, 200));
		// only into an earlier question
		r = await agent.post(`/staff/dialogue/${ref}/merge`, { into: other });
		assert.equal(r.status, 409);
		r = await agent.post(`/staff/dialogue/${other}/point`, { answer: ref, note_fr: 'Déjà répondu.' });
		assert.equal(r.status, 303, r.body.slice(0, 200));
		await waitForMirror(pair.official, pair.citizen);
		for (const srv of [pair.official, pair.citizen]) {
			const m = (await getJson(srv, `/dialogue/${dup}?lang=fr`)).question;
			assert.equal(m.is_merged, true);
			assert.equal(m.merged_into.ref, ref);
			assert.deepEqual(m.linked_answer.text_lines[0], 'Le bureau ouvre le samedi matin.');
			const p = (await getJson(srv, `/dialogue/${other}?lang=fr`)).question;
			assert.equal(p.answer.is_pointer, true);
			assert.equal(p.answer.points_to.ref, ref);
			assert.deepEqual(p.answer.text_lines, ['Déjà répondu.']);
			assert.equal(p.linked_answer.text_lines[0], 'Le bureau ouvre le samedi matin.');
		}
		const html = await getHtml(pair.citizen, `/dialogue/${dup}?lang=fr`);
		assert.match(html, new RegExp(`regroupée avec une question identique posée plus tôt : <a href="/dialogue/${ref}">`));
	});

	test('residents\' bad input gets a clear code and stores nothing', async () => {
		const rows = await count(pair.citizen, 'questions');
		const events = (await readLog(pair.citizen)).length;
		const c = await resident();
		const cases = [
			[{ text: 'x'.repeat(10_000) }, 'question_too_long'],
			[{ text: 'é'.repeat(2001) }, 'question_too_long'],
			[{ text: '' }, 'question_required'],
			[{ title: '' }, 'question_title_required'],
			[{ title: 't'.repeat(151) }, 'question_title_too_long'],
			[{ title: 'abc\u202Egpj.exe' }, 'invalid_question_title'],
			[{ text: 'a\u0007b' }, 'invalid_question'],
			[{ display_name: '<b>Maire</b>' }, 'invalid_display_name'],
			[{ display_name: 'Ali\u202Eila' }, 'invalid_display_name'],
			[{ display_name: '\u2067Ali' }, 'invalid_display_name'],
			[{ display_name: 'n'.repeat(41) }, 'display_name_too_long'],
			[{ display_name: 'ali@example.org' }, 'display_name_personal'],
			[{ quarter: 'atlantide' }, 'invalid_quarter'],
			[{ theme: 'astrologie' }, 'invalid_theme'],
		];
		for (const [fields, code] of cases) {
			const r = await ask(c, fields);
			assert.equal(r.status, 400, `${JSON.stringify(fields).slice(0, 60)}: ${r.body.slice(0, 200)}`);
			assert.equal(r.errorCode, code);
			assert.match(r.body, /role="alert"/);
			const j = await ask(c, fields, { json: true });
			assert.equal(j.status, 400);
			assert.equal(j.json.error.code, code);
		}
		// the refused form comes back with what was typed
		const back = await ask(c, { title: 'Mon titre gardé', display_name: '<i>x</i>' });
		assert.match(back.body, /value="Mon titre gardé"/);
		assert.match(back.body, /id="ask-name"[^>]*value="&lt;i&gt;x&lt;\/i&gt;"[^>]*aria-invalid="true"/);
		let r = await ask(c, {}, { csrf: false });
		assert.equal(r.status, 403);
		r = await getJson(pair.citizen, '/dialogue').catch(() => null);
		for (const q of ['?state=closed', '?quarter=atlantide', '?theme=x', '?before=abc']) {
			const res = await fetch(`${pair.citizen.url}/dialogue${q}`, { headers: { accept: 'application/json' } });
			assert.equal(res.status, 400, q);
		}
		assert.equal((await fetch(`${pair.citizen.url}/dialogue/Q-ZZZZ-ZZZZ`)).status, 404);
		assert.equal((await fetch(`${pair.citizen.url}/dialogue/nonsense`)).status, 404);
		// no asking on the official platform: that address only reads a question there
		assert.equal((await new Client(pair.official.url).post('/dialogue/ask', { title: 'x', text: 'y' })).status, 405);
		assert.equal(await count(pair.citizen, 'questions'), rows, 'no question stored');
		assert.equal((await readLog(pair.citizen)).length, events, 'no event emitted');
	});

	test('a moderator hides a question: gone from both platforms and both logs, reason and hash public', async () => {
		const secret = `Appelez le 0550 11 22 33 ${MARKER}-hide`;
		const title = 'Question à masquer';
		const hid = await asked({ title, text: secret, display_name: 'Masqué-dlg' });
		hidden = hid;
		await waitForMirror(pair.citizen, pair.official);
		assert.ok((await getHtml(pair.official, `/dialogue/${hid}?lang=fr`)).includes(secret));
		const list = await moderator.get('/staff/dialogue?lang=fr');
		assert.match(list.body, new RegExp(`<label for="reason-${hid}">Motif public</label>`));
		const reason = 'Numéro de téléphone';
		let r = await moderator.post(`/staff/dialogue/${hid}/hide`, { reason });
		assert.equal(r.status, 303, r.body.slice(0, 200));
		r = await moderator.post(`/staff/dialogue/${hid}/hide`, { reason });
		assert.equal(r.status, 409);
		assert.equal(r.errorCode, 'already_hidden');
		r = await moderator.post(`/staff/dialogue/${hid}/hide`, { reason: '' });
		assert.equal(r.status, 400);
		await waitForMirror(pair.citizen, pair.official);
		const sha = crypto.createHash('sha256').update(`${title}\n${secret}`, 'utf8').digest('hex');
		for (const srv of [pair.official, pair.citizen]) {
			const html = await getHtml(srv, `/dialogue/${hid}?lang=fr`);
			assert.ok(!html.includes(secret) && !html.includes('Masqué-dlg'), srv.side);
			assert.ok(html.includes(sha), `${srv.side}: the hash`);
			const v = (await getJson(srv, `/dialogue/${hid}`)).question;
			assert.equal(v.is_hidden, true);
			assert.equal(v.hidden_reason, reason);
			const log = await getJson(srv, '/moderation');
			const m = log.items.find((i) => i.target === hid);
			assert.equal(m.action, 'hide_question');
			assert.equal(m.comment_sha256, sha);
			assert.equal(await sql(srv, `SELECT title || body || display_name FROM questions WHERE ref = '${hid}'`), '');
			const ev = (await readLog(srv, 'citizen')).find((e) => e.type === 'question.asked' && e.data.ref === hid);
			assert.deepEqual(Object.keys(ev.withheld).sort(), ['display_name', 'text', 'title']);
			assert.ok(!JSON.stringify(ev).includes(MARKER));
		}
		// a hidden question leaves the agents' queue
		assert.ok(!(await agent.get('/staff/dialogue.json')).json.items.some((q) => q.ref === hid));
		assert.equal((await agent.post(`/staff/dialogue/${hid}/answer`, { text_fr: 'x' })).errorCode, 'question_not_open');
	});

	test('the lists\' Atom feeds, advertised and read by feedparser', async () => {
		for (const srv of [pair.official, pair.citizen]) {
			const html = await getHtml(srv, '/dialogue?state=answered&lang=fr');
			assert.match(html, /<link rel="alternate" type="application\/atom\+xml"[^>]* href="\/dialogue\.atom\?state=answered&amp;lang=fr"/);
			const f = await feedparse(`${srv.url}/dialogue.atom?state=answered&lang=fr`);
			assert.equal(f.status, 200);
			assert.equal(f.bozo, 0, f.error);
			assert.equal(f.version, 'atom10');
			assert.equal(f.language, 'fr');
			const led = f.entries.find((e) => e.title === 'Où en est l\'éclairage LED ?');
			assert.ok(led, `${srv.side}: the demo's answered question`);
			assert.match(led.link, new RegExp(`^${srv.url}/dialogue/Q-[0-9A-Z]{4}-[0-9A-Z]{4}$`));
			assert.match(led.summary, /35 %/, 'an answered question\'s entry is its answer');
			const all = await feedparse(`${srv.url}/dialogue.atom?state=all&lang=ar`);
			assert.equal(all.bozo, 0, all.error);
			assert.ok(all.entries.length >= 8);
			assert.ok(!all.entries.some((e) => e.link.endsWith(hidden)), 'no hidden question');
			assert.ok(!JSON.stringify(all).includes(MARKER + '-hide'));
		}
		const bad = await fetch(`${pair.citizen.url}/dialogue.atom?theme=astrologie`);
		assert.equal(bad.status, 400);
	});

	test('pre-moderation and the per-client limit (a second citizen daemon)', async () => {
		const srv = await startSite('citizen', { cluster: pair.citizen.cluster, themeDir: 'demo/citizen',
			env: { BALADIYA_DIALOGUE_PREMODERATE: 'true', BALADIYA_RATE_LIMITS: 'question=3' } });
		try {
			const mod = await signedIn(srv, 'moderator', 'premod');
			const c = await resident(srv);
			assert.match((await c.get('/dialogue/ask?lang=fr')).body, /lues par les modérateurs/);
			const r = await ask(c, { title: `Attente ${MARKER}`, text: `Texte ${MARKER}` });
			assert.equal(r.status, 303);
			const pending = r.location.match(/Q-[0-9A-Z]{4}-[0-9A-Z]{4}/)[0];
			const page = await c.get(`${r.location}&lang=fr`);
			assert.match(page.body, /attend la lecture des modérateurs/);
			assert.ok(!page.body.includes(MARKER), 'not public yet');
			assert.equal((await getJson(srv, '/dialogue')).items.length, 0);
			assert.equal((await readLog(srv)).filter((e) => e.type === 'question.asked').length, 0);
			const q = (await mod.get('/staff/dialogue.json')).json.items[0];
			assert.equal(q.is_pending, true);
			let a = await mod.post(`/staff/dialogue/${pending}/approve`, {});
			assert.equal(a.status, 303, a.body.slice(0, 200));
			a = await mod.post(`/staff/dialogue/${pending}/approve`, {});
			assert.equal(a.status, 409);
			assert.equal(a.errorCode, 'question_not_pending');
			assert.equal((await getJson(srv, '/dialogue')).items[0].ref, pending);
			assert.equal((await readLog(srv)).filter((e) => e.type === 'question.asked').length, 1);
			// 3 questions a minute from one client (the default; the harness lifts it elsewhere)
			await ask(c, {});
			await ask(c, {});
			const over = await ask(c, {});
			assert.equal(over.status, 429);
			assert.equal(over.errorCode, 'too_many_questions');
		} finally {
			await srv.stop();
		}
	});

	test('the accountability figures are the same on both platforms', async () => {
		await waitForMirror(pair.citizen, pair.official);
		await waitForMirror(pair.official, pair.citizen);
		const a = (await official('/accountability')).questions;
		const b = (await getJson(pair.citizen, '/accountability')).questions;
		assert.deepEqual(a, b);
		// the demo's three answers (6, 12, 24 days), ours (40 days) and the pointer: 3 within 15 days
		assert.equal(a.answered, 5, JSON.stringify(a));
		assert.equal(a.answered_within, 3);
		assert.equal(a.within_days, 15);
		assert.ok(a.unanswered >= 3);
		const html = await getHtml(pair.citizen, '/accountability?lang=fr');
		assert.match(html, /<th scope="row">Répondues en 15 jours au plus<\/th><td>3 \/ 5 \(60 %\)<\/td>/);
	});

	test('a verified asker is told of the answer by e-mail; their address is nowhere public', async () => {
		const email = 'asker-dlg-4r8t@example.org';
		const c = new Client(pair.citizen.url);
		await verifyParticipant({ citizenUrl: pair.citizen.url, smtp, email, client: c, notify: true });
		const form = await c.get('/dialogue/ask?lang=fr');
		assert.match(form.body, /<input type="checkbox" id="ask-follow" name="follow" value="1" checked>/);
		// without consent to notifications: the way to verify, no box
		const other = await resident();
		assert.doesNotMatch((await other.get('/dialogue/ask?lang=fr')).body, /ask-follow/);
		assert.match((await other.get('/dialogue/ask?lang=fr')).body, /href="\/participation[^"]*"/);
		const title = 'Ramassage des encombrants à Tighilt';
		const r = await ask(c, { title, text: 'Quel jour passe le camion ?', follow: '1' });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		const ref = r.location.match(/Q-[0-9A-Z]{4}-[0-9A-Z]{4}/)[0];
		assert.match(pair.citizen.logs(), new RegExp(`question ${ref} asked \\(public, followed\\)`));
		await waitForMirror(pair.citizen, pair.official);
		const a = await agent.post(`/staff/dialogue/${ref}/answer`, { text_fr: 'Le premier mardi du mois.' });
		assert.equal(a.status, 303);
		const [m] = await smtp.waitFor((x) => x.to === email && x.body.includes(ref), { timeoutMs: 20_000 });
		assert.ok(m.body.includes(`/dialogue/${ref}`), m.body);
		assert.ok(m.body.includes('La commune a répondu à la question.'), m.body);
		assert.ok(m.body.includes(title) || m.subject.includes(title), `${m.subject}\n${m.body}`);
		assert.ok(m.header('list-unsubscribe'), 'an unsubscribe link');
		// merged into an earlier question: its follower is told so
		const first = await asked({ title: 'Encombrants : quel jour ?', text: 'Le jour de passage ?' });
		const second = await ask(c, { title: 'Encombrants encore', text: 'Même question.', follow: '1' });
		const dup = second.location.match(/Q-[0-9A-Z]{4}-[0-9A-Z]{4}/)[0];
		await waitForMirror(pair.citizen, pair.official);
		assert.equal((await agent.post(`/staff/dialogue/${dup}/merge`, { into: first })).status, 303);
		const [mm] = await smtp.waitFor((x) => x.to === email && x.body.includes(dup), { timeoutMs: 20_000 });
		assert.ok(mm.body.includes('regroupé la question avec une question identique'), mm.body);
		// the address: in no page, JSON, event or log of either platform, nor in the question's row
		for (const srv of [pair.official, pair.citizen]) {
			for (const p of ['/dialogue?state=all', `/dialogue/${ref}`, '/dialogue.atom?state=all']) {
				const body = await (await fetch(`${srv.url}${p}`)).text();
				assert.ok(!body.includes(email), `${srv.side} ${p}`);
			}
			assert.ok(!JSON.stringify(await getJson(srv, `/dialogue/${ref}`)).includes(email));
			for (const origin of ['official', 'citizen']) {
				assert.ok(!(await readLog(srv, origin)).some((e) => e.record.includes(email)), `${srv.side} ${origin} log`);
			}
			assert.ok(!srv.logs().includes(email), `${srv.side}-srv logs the address`);
			assert.equal(await sql(srv, `SELECT count(*) FROM questions WHERE ref = '${ref}' AND questions::text LIKE '%${email}%'`), '0');
		}
	});

	test('question events carry no personal data, and the logs only references', async () => {
		for (const srv of [pair.official, pair.citizen]) {
			const logs = srv.logs();
			assert.ok(!logs.includes(MARKER), `${srv.side}-srv logs a question's text`);
			assert.ok(!logs.includes(NAME), `${srv.side}-srv logs a display name`);
		}
		assert.match(pair.citizen.logs(), /question Q-[0-9A-Z]{4}-[0-9A-Z]{4} asked \(public\)/);
		assert.match(pair.official.logs(), /question Q-[0-9A-Z]{4}-[0-9A-Z]{4} answered by account \d+/);
	});
});
