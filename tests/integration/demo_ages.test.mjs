// SPDX-License-Identifier: AGPL-3.0-or-later
// The demo's proposals are dated in the past (issue 13): published and forwarded "age_days"
// ago, the commune's stages "after_days" after the forwarding, all signed so; both platforms
// then show countdowns, an overdue proposal and a median time to a reasoned answer that are
// not zero. (The demo's questions: tests/integration/dialogue.test.mjs.)
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/demo_ages.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../lib/harness.mjs';
import { readLog, startLinkedPair, waitForMirror } from '../lib/federation.mjs';
import { cliFor, getJson, loadDemo } from '../lib/http.mjs';

let pair;
const DAY = 86400_000;

before(async () => {
	pair = await startLinkedPair();
	const dir = tempDir('baladiya-demo-ages-');
	copyFileSync('demo/citizen/proposals.json', path.join(dir, 'proposals.json'));
	const r = await cliFor(pair.citizen, ['demo', 'load', dir]);
	assert.equal(r.code, 0, r.stderr);
	await waitForMirror(pair.citizen, pair.official);
	const out = await loadDemo(pair.official);
	assert.match(out.stdout, /2 demo proposal answers given/);
	await waitForMirror(pair.official, pair.citizen);
	// the deadlines job marks the one whose delay was 0 days overdue
	assert.equal((await cliFor(pair.official, ['jobs', 'run'])).code, 0);
	await waitForMirror(pair.official, pair.citizen);
});

after(async () => {
	await pair?.stop();
});

/** Whole days between an ISO time and now. */
const ago = (iso) => Math.floor((Date.now() - Date.parse(iso)) / DAY);

describe('the demo dates its proposals', () => {
	test('published and forwarded in the past, answered 41 days after forwarding, the same on both sides', async () => {
		for (const srv of [pair.citizen, pair.official]) {
			const items = (await getJson(srv, '/proposals?lang=fr')).items;
			const by = Object.fromEntries(items.map((p) => [p.title, p]));
			assert.equal(ago(by['Des bancs et de l\'ombre au jardin public'].created_at), 12, srv.side);
			const tri = (await getJson(srv, `/proposals/${by['Le tri sélectif au marché couvert'].ref}?lang=fr`)).proposal;
			assert.equal(tri.stage, 'adopted');
			assert.equal(ago(tri.forwarded_at), 75, srv.side);
			assert.equal((Date.parse(tri.answer_date) - Date.parse(tri.forwarded_at.slice(0, 10))) / DAY, 41);
			assert.equal(tri.answered_in_time, true);
			const field = (await getJson(srv, `/proposals/${by['Un terrain de proximité à Tighilt'].ref}?lang=fr`)).proposal;
			assert.equal(field.stage, 'examined');
			assert.ok([39, 40].includes(field.countdown.days), `${srv.side}: ${JSON.stringify(field.countdown)}`);
			assert.equal(field.countdown.overdue, false);
			const wifi = (await getJson(srv, `/proposals/${by['Le wifi public à la bibliothèque communale'].ref}?lang=fr`)).proposal;
			assert.equal(wifi.countdown.overdue, true);
			assert.ok(wifi.countdown.days >= 7, JSON.stringify(wifi.countdown));
		}
		const [c, o] = await Promise.all([getJson(pair.citizen, '/accountability'), getJson(pair.official, '/accountability')]);
		assert.deepEqual(c.proposals_figures, o.proposals_figures);
		assert.equal(c.proposals_figures.forwarded, 3);
		assert.equal(c.proposals_figures.answered_in_time, 1);
		assert.equal(c.proposals_figures.median_days, '41.0');
	});

	test('the signed events carry the past times', async () => {
		const log = await readLog(pair.citizen);
		const published = log.filter((e) => e.type === 'proposal.created');
		assert.equal(published.length, 5);
		assert.ok(published.every((e) => ago(JSON.parse(e.payload).occurred_at) >= 8), 'every demo proposal dated in the past');
		const stages = (await readLog(pair.official)).filter((e) => e.type === 'proposal.stage');
		// 41 days after the forwarding, 75 days ago: 34 days ago give or take the second the demo
		// rounds up (common/src/demo.c, demo_backdate_after), so rounded, not floored
		const daysAgo = (iso) => Math.round((Date.now() - Date.parse(iso)) / DAY);
		assert.ok(stages.some((e) => e.data.stage === 'adopted' && daysAgo(JSON.parse(e.payload).occurred_at) === 34),
			JSON.stringify(stages.map((e) => [e.data.stage, JSON.parse(e.payload).occurred_at])));
	});
});
