// SPDX-License-Identifier: AGPL-3.0-or-later
// Issue 15 on a real federated pair with the demo loaded: the competition criteria evaluated
// from each platform's own data and flipping when data ages (the clock moved in the database)
// or is added; the pilot page; the assessment's figures checked against counts made here in
// SQL, with known activity added; both signatures over the same digest -> "shared", one side's
// figures different -> the difference shown; the questionnaire's one answer per verified
// participant and its minimum sample.
//
//   cd tests && node --test --test-timeout=300000 integration/pilot.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLinkedPair, staffClient, waitForMirror } from '../lib/federation.mjs';
import { Client, cliFor, createNews, getJson, sql, waitFor } from '../lib/http.mjs';
import { makeParticipants, participantCookie } from '../lib/participation.mjs';

const DAY = 86400_000;
// the pilot started 20 days ago (UTC midnight), for three months
const START = new Date(Date.now() - 20 * DAY).toISOString().slice(0, 10);
const MIN_SAMPLE = 3;

let pair;
let officialStaff;
let citizenStaff;

async function loadDemo(srv, waitText = null) {
	for (let i = 0; i < 60; i++) {
		const r = await cliFor(srv, ['demo', 'load', `demo/${srv.side}`]);
		assert.equal(r.code, 0, r.stderr);
		if (!waitText || !waitText.test(r.stdout + r.stderr)) return;
		await new Promise((res) => setTimeout(res, 500));
	}
	throw new Error(`${srv.side}: the demo still waits for the peer's items`);
}

before(async () => {
	const env = { BALADIYA_PILOT_START: START, BALADIYA_PILOT_MIN_SAMPLE: String(MIN_SAMPLE) };
	pair = await startLinkedPair({ official: { env }, citizen: { env } });
	await loadDemo(pair.official);
	await loadDemo(pair.citizen, /wait for the commune's items/);
	await waitForMirror(pair.citizen, pair.official);
	await loadDemo(pair.official, /wait to be mirrored/);
	await waitForMirror(pair.official, pair.citizen);
	// the proposals' demo tallies reach the commune through the tally job
	assert.equal((await cliFor(pair.citizen, ['jobs', 'run'])).code, 0);
	await waitForMirror(pair.citizen, pair.official);
	officialStaff = await staffClient(pair.official);
	citizenStaff = await staffClient(pair.citizen);
});

after(async () => {
	await pair?.stop();
});

const criteriaOf = async (srv) => {
	const doc = await getJson(srv, '/.well-known/baladiya-criteria.json');
	return Object.fromEntries(doc.criteria.map((c) => [c.id, c]));
};
const count = async (srv, q) => Number(await sql(srv, q));

describe('the competition criteria', () => {
	test('each platform evaluates its own criteria from its data, as counted here', async () => {
		const off = await getJson(pair.official, '/.well-known/baladiya-criteria.json');
		assert.equal(off.platform, 'official');
		assert.equal(off.version, 1);
		assert.ok(off.site_name, 'the commune is named');
		const ids = off.criteria.map((c) => c.id);
		for (const id of ['presentation', 'news', 'projects', 'budgets', 'council', 'services',
			'answers', 'languages', 'response_times', 'accessibility']) {
			assert.ok(ids.includes(id), `official has ${id}`);
		}
		assert.ok(!ids.includes('reports'), 'the citizen criteria are not the commune\'s');
		const cit = await criteriaOf(pair.citizen);
		for (const id of ['reports', 'proposals', 'tracking', 'needs', 'dialogue', 'languages']) {
			assert.ok(cit[id], `citizen has ${id}`);
		}
		// counted here, as the criteria say
		const o = Object.fromEntries(off.criteria.map((c) => [c.id, c]));
		const delib = await count(pair.official, `SELECT count(*) FROM publications WHERE
			kind = 'deliberation' AND status = 'published' AND published_at >= now() - interval '60 days'`);
		assert.equal(o.council.count, delib);
		assert.equal(o.council.status, delib >= 1 ? 'met' : 'not_met');
		const reports = await count(pair.citizen, `SELECT count(*) FROM reports WHERE
			visibility = 'public' AND created_at >= now() - interval '30 days'`);
		assert.equal(cit.reports.count, reports);
		assert.equal(cit.reports.status, reports >= 1 ? 'met' : 'not_met');
		assert.equal(o.response_times.status, 'met');
		assert.equal(o.languages.status, 'met');
		assert.equal(o.presentation.status, 'met');
		assert.equal(o.accessibility.status, 'met', 'the accessibility statement (/accessibility) is served');
		assert.equal(cit.accessibility.status, 'met');
		assert.equal(o.news.status, 'met', 'the demo has recent news');
	});

	test('a criterion flips when its data ages (clock moved in the database) and when data is added', async () => {
		await sql(pair.official, `UPDATE news SET published_at = published_at - interval '200 days'
			WHERE origin = 'official'`);
		assert.equal((await criteriaOf(pair.official)).news.status, 'not_met');
		await sql(pair.official, `UPDATE publications SET published_at = published_at - interval '400 days'
			WHERE kind = 'deliberation'`);
		const aged = await criteriaOf(pair.official);
		assert.equal(aged.council.status, 'not_met');
		assert.equal(aged.council.count, 0);
		// added: one news item published now
		await createNews(officialStaff, { title_fr: 'Critère : une actualité', body_fr: 'Texte' });
		const added = await criteriaOf(pair.official);
		assert.equal(added.news.status, 'met');
		assert.equal(added.news.count, 1);
		// put the clock back for the assessment
		await sql(pair.official, `UPDATE news SET published_at = published_at + interval '200 days'
			WHERE origin = 'official' AND published_at < now() - interval '150 days'`);
		await sql(pair.official, `UPDATE publications SET published_at = published_at + interval '400 days'
			WHERE kind = 'deliberation'`);
		assert.equal((await criteriaOf(pair.official)).council.status, delibMet(await count(pair.official,
			`SELECT count(*) FROM publications WHERE kind = 'deliberation' AND status = 'published'
			AND published_at >= now() - interval '60 days'`)));
	});

	test('the criteria page is served in Arabic (RTL) and French, without JavaScript', async () => {
		for (const [lang, dir] of [['ar', 'rtl'], ['fr', 'ltr']]) {
			for (const srv of [pair.official, pair.citizen]) {
				const r = await fetch(`${srv.url}/criteria?lang=${lang}`);
				assert.equal(r.status, 200);
				const html = await r.text();
				assert.match(html, new RegExp(`<html lang="${lang}" dir="${dir}"`));
				assert.match(html, /id="criterion-languages" data-status="met"/);
				assert.doesNotMatch(html, /<script/);
			}
		}
	});
});

function delibMet(n) {
	return n >= 1 ? 'met' : 'not_met';
}

describe('the pilot page', () => {
	test('shows the period, where it stands and the timeline on both platforms', async () => {
		for (const srv of [pair.official, pair.citizen]) {
			const p = await getJson(srv, '/pilot?lang=fr');
			assert.equal(p.period.from, `${START}T00:00:00Z`);
			assert.equal(p.timeline.stage, 'running');
			assert.equal(p.timeline.day, 21);
			const states = Object.fromEntries(p.timeline.milestones.map((m) => [m.id, m.state]));
			assert.deepEqual(states, { launch: 'done', first_project: 'done', midterm: 'next',
				assessment: 'planned' });
			assert.ok(p.committee.length >= 3);
			assert.equal(typeof p.committee[0].role, 'string');
		}
		assert.equal((await fetch(`${pair.official.url}/pilot/survey`)).status, 404,
			'the questionnaire is on the citizen platform');
		assert.equal((await getJson(pair.official, '/pilot')).peer_survey_url,
			`${pair.citizen.url}/pilot/survey`);
	});
});

describe('the questionnaire', () => {
	const answer = (c, values, opts = {}) => c.post('/pilot/survey?lang=fr',
		{ q_useful: values[0], q_answers: values[1], q_easy: values[2] }, opts);

	async function participant(token) {
		const c = new Client(pair.citizen.url);
		await c.csrf();
		c.jar.set(participantCookie(c), token);
		return c;
	}

	test('one answer per verified participant; results only from the minimum sample', async () => {
		const anon = new Client(pair.citizen.url);
		const r0 = await anon.get('/pilot/survey');
		assert.equal(r0.status, 303);
		assert.match(r0.headers.get('location'), /^\/participation/);
		const tokens = await makeParticipants(pair.citizen, MIN_SAMPLE);
		const clients = await Promise.all(tokens.map(participant));
		const bad = await answer(clients[0], ['4', '9', '3'], { json: true });
		assert.equal(bad.status, 400);
		assert.equal(JSON.parse(bad.body).error.code, 'survey_incomplete');
		const values = [['5', '4', '3'], ['4', '2', '3'], ['3', '3', '5']];
		for (let i = 0; i < MIN_SAMPLE - 1; i++) {
			assert.equal((await answer(clients[i], values[i])).status, 303);
		}
		const again = await answer(clients[0], ['1', '1', '1'], { json: true });
		assert.equal(again.status, 409);
		assert.equal(JSON.parse(again.body).error.code, 'survey_already_answered');
		const below = (await getJson(pair.citizen, '/pilot?lang=fr')).survey;
		assert.equal(below.responses, MIN_SAMPLE - 1);
		assert.equal(below.shown, false);
		assert.equal(below.questions[0].counts, undefined, 'no result below the minimum sample');
		assert.equal((await answer(clients[MIN_SAMPLE - 1], values[MIN_SAMPLE - 1])).status, 303);
		const s = (await getJson(pair.citizen, '/pilot?lang=fr')).survey;
		assert.equal(s.responses, MIN_SAMPLE);
		assert.equal(s.shown, true);
		const useful = s.questions.find((q) => q.id === 'useful');
		assert.deepEqual(useful.counts, [0, 0, 1, 1, 1]);
		assert.equal(useful.mean, '4.0');
		const answers = s.questions.find((q) => q.id === 'answers');
		assert.equal(answers.mean, '3.0');
		// nothing ties an answer to a participant
		const cols = await sql(pair.citizen, `SELECT string_agg(column_name, ',') FROM
			information_schema.columns WHERE table_name IN ('pilot_responses', 'pilot_answers')`);
		assert.doesNotMatch(cols, /key|contact|participant|created_at/);
	});
});

describe('the shared assessment', () => {
	const figures = async (srv) => (await getJson(srv, '/pilot/assessment')).figures;
	const since = `'${START}T00:00:00Z'`;

	test('figures from both logs, checked against counts made here, and known activity', async () => {
		const before = await figures(pair.official);
		assert.deepEqual(await figures(pair.citizen), before, 'both platforms count the same');
		const expect = {
			report: `SELECT count(*) FROM reports WHERE visibility = 'public' AND created_at >= ${since}`,
			'report.answered': `SELECT count(*) FROM reports WHERE visibility = 'public' AND first_answer_at >= ${since}`,
			proposal: `SELECT count(*) FROM proposals WHERE visibility = 'public' AND created_at >= ${since}`,
			'proposal.supports': `SELECT coalesce(sum(supporters), 0) FROM proposals WHERE visibility = 'public' AND created_at >= ${since}`,
			question: `SELECT count(*) FROM questions WHERE visibility = 'public' AND asked_at >= ${since}`,
			reaction: `SELECT count(*) FROM reactions WHERE hidden_reason IS NULL AND created_at >= ${since}`,
			need: `SELECT count(*) FROM needs WHERE hidden_reason IS NULL AND created_at >= ${since}`,
			'news.official': `SELECT count(*) FROM news WHERE origin = 'official' AND status = 'published' AND published_at >= ${since}`,
			project: `SELECT count(*) FROM publications WHERE kind = 'project' AND status = 'published' AND published_at >= ${since}`,
		};
		for (const [name, q] of Object.entries(expect)) {
			assert.equal(before[name], await count(pair.citizen, q), `${name} on the citizen side`);
			assert.equal(before[name], await count(pair.official, q), `${name} on the official side`);
		}
		assert.ok(before.report > 0 && before.question > 0, JSON.stringify(before));
		// by quarter and by the language of the page, as counted here
		for (const [kind, table, col, where] of [['report', 'reports', 'created_at', "visibility = 'public'"],
			['question', 'questions', 'asked_at', "visibility = 'public'"],
			['need', 'needs', 'created_at', 'hidden_reason IS NULL'],
			['proposal', 'proposals', 'created_at', "visibility = 'public'"]]) {
			for (const dim of ['quarter', 'lang']) {
				const rows = await sql(pair.citizen, `SELECT ${dim}, count(*) FROM ${table} WHERE ${where}
					AND ${col} >= ${since} AND ${dim} <> '' GROUP BY ${dim} ORDER BY ${dim}`);
				const want = Object.fromEntries(rows ? rows.split('\n').map((l) => {
					const [code, n] = l.split('|');
					return [`${kind}.${dim}.${code}`, Number(n)];
				}) : []);
				const got = Object.fromEntries(Object.entries(before)
					.filter(([k]) => k.startsWith(`${kind}.${dim}.`)));
				assert.deepEqual(got, want, `${kind} by ${dim}`);
			}
		}
		assert.ok(Object.keys(before).some((k) => k.startsWith('report.quarter.')));
		// known activity: two news items of the commune, one of the collective
		await createNews(officialStaff, { title_fr: 'Bilan : actualité 1', body_fr: 'Texte' });
		await createNews(officialStaff, { title_fr: 'Bilan : actualité 2', body_fr: 'Texte' });
		await createNews(citizenStaff, { title_fr: 'Bilan : actualité du collectif', body_fr: 'Texte' });
		await waitForMirror(pair.official, pair.citizen);
		await waitForMirror(pair.citizen, pair.official);
		for (const srv of [pair.official, pair.citizen]) {
			const f = await figures(srv);
			assert.equal(f['news.official'], before['news.official'] + 2, srv.side);
			assert.equal(f['news.citizen'], before['news.citizen'] + 1, srv.side);
			assert.equal(f.report, before.report, srv.side);
		}
	});

	test('both signatures over the same digest: shared; one side\'s figures different: the difference shown', async () => {
		const sign = (c, text) => c.post('/staff/pilot/sign',
			{ conclusion_ar: `خلاصة ${text}`, conclusion_fr: `Conclusion ${text}` }, { json: true });
		const s1 = await sign(officialStaff, 'de la commune');
		assert.equal(s1.status, 201, s1.body);
		const digest = JSON.parse(s1.body).digest;
		await waitForMirror(pair.official, pair.citizen);
		let a = await getJson(pair.citizen, '/pilot/assessment');
		assert.equal(a.shared, false);
		// the commune's private counts, declared in its signature (outside the digest)
		assert.deepEqual(a.signatures.official.declared, {
			form_file: await count(pair.official, `SELECT count(*) FROM form_files WHERE created_at >= ${since}`),
			booking: await count(pair.official, `SELECT count(*) FROM appt_bookings WHERE created_at >= ${since}`),
		});
		assert.equal(a.signatures.official.digest, digest);
		assert.equal(a.digest, digest, 'the citizen side counts the same figures');
		let html = await (await fetch(`${pair.citizen.url}/pilot/assessment?lang=fr`)).text();
		assert.match(html, /id="pilot-unshared"/);
		assert.doesNotMatch(html, /id="pilot-shared"/);

		const s2 = await sign(citizenStaff, 'du collectif');
		assert.equal(s2.status, 201, s2.body);
		assert.equal(JSON.parse(s2.body).digest, digest);
		await waitForMirror(pair.citizen, pair.official);
		for (const srv of [pair.official, pair.citizen]) {
			a = await getJson(srv, '/pilot/assessment');
			assert.equal(a.shared, true, srv.side);
			assert.equal(a.signatures.citizen.digest, digest);
			html = await (await fetch(`${srv.url}/pilot/assessment?lang=ar`)).text();
			assert.match(html, /id="pilot-shared"/);
			assert.match(html, /خلاصة من الجماعة|خلاصة du collectif|خلاصة/);
			assert.match(html, /<svg[^>]*role="img"/);
			assert.match(html, /id="pilot-by-quarter"/);
			assert.match(html, /id="pilot-by-lang"/);
		}
		// the digest is SHA-256 of the canonical JSON, recomputed here
		const crypto = await import('node:crypto');
		const f = a.figures;
		const canon = JSON.stringify({ figures: Object.fromEntries(Object.keys(f).sort().map((k) => [k, f[k]])),
			from: a.period.from, to: a.period.to });
		assert.equal(crypto.createHash('sha256').update(canon).digest('hex'), digest);

		// the collective's copy differs: one of the commune's news hidden in its database only
		await sql(pair.citizen, `UPDATE news SET status = 'unpublished' WHERE id = (SELECT max(id)
			FROM news WHERE origin = 'official' AND status = 'published')`);
		const s3 = await sign(citizenStaff, 'du collectif, revue');
		assert.equal(s3.status, 201, s3.body);
		assert.notEqual(JSON.parse(s3.body).digest, digest);
		await waitForMirror(pair.citizen, pair.official);
		for (const srv of [pair.official, pair.citizen]) {
			a = await getJson(srv, '/pilot/assessment');
			assert.equal(a.shared, false, srv.side);
			assert.equal(a.differs, true);
			assert.deepEqual(a.difference, [{ name: 'news.official', a: f['news.official'],
				b: f['news.official'] - 1 }]);
			html = await (await fetch(`${srv.url}/pilot/assessment?lang=fr`)).text();
			assert.match(html, /id="pilot-difference"/);
			assert.match(html, /<tr data-name="news.official"><th scope="row">Actualités de la commune<\/th>/);
		}
	});

	test('CSV and JSON downloads', async () => {
		const r = await fetch(`${pair.official.url}/pilot/assessment?format=csv&lang=fr`);
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /^text\/csv/);
		const lines = (await r.text()).trim().split('\r\n');
		assert.equal(lines[0], 'name,label,here,signed_official,signed_citizen');
		const f = (await getJson(pair.official, '/pilot/assessment')).figures;
		assert.equal(lines.length, Object.keys(f).length + 1);
		const report = lines.find((l) => l.startsWith('report,'));
		assert.equal(report.split(',')[2], String(f.report));
		const j = await fetch(`${pair.official.url}/pilot/assessment.json`);
		assert.equal(j.status, 200);
		assert.ok((await j.json()).criteria.length > 0);
	});

	test('a signature whose digest is not its figures\' is refused by the peer', async () => {
		// checked by the applier: the peer recomputes the digest (unit-tested in C); here the
		// staff route refuses a missing conclusion
		const r = await officialStaff.post('/staff/pilot/sign', { conclusion_fr: 'x' }, { json: true });
		assert.equal(r.status, 400);
		assert.equal(JSON.parse(r.body).error.code, 'conclusion_invalid');
		const anon = new Client(pair.official.url);
		const r2 = await anon.post('/staff/pilot/sign', { conclusion_ar: 'x', conclusion_fr: 'x' });
		assert.ok([303, 401, 403].includes(r2.status), String(r2.status));
		await waitFor(async () => true);
	});
});
