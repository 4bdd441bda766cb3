// SPDX-License-Identifier: AGPL-3.0-or-later
// Replicas of one daemon on one PostgreSQL (issue 16; common/leader.h, docs/protocol.md §10.3):
// one sender and one puller per peer and one runner of the jobs across the replicas, elected by
// advisory locks, with fail-over.
// - SIGKILL the replica holding the sender in the middle of a burst: another takes the role
//   within seconds, goes on from acked_seq, and the peer stores every event once, in order
//   (every delivery is recorded on its way: none skips ahead of what was sent before); the
//   status page names the holder before and the new one after. Then the new holder's lock
//   connection is terminated by the server: it notices, a replica takes the role, the events
//   emitted meanwhile arrive once each; the shared recovery marker never goes back.
// - The peer's deliveries of a burst land on two replicas at once (each event posted to both,
//   eight events in flight): the stored copy of the peer's log is exact.
// - A job with a 2 s interval runs once per period with three replicas, and the schedule goes
//   on when the replica running the jobs is killed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { freePort, startCluster } from '../lib/harness.mjs';
import {
	checkLog, emitBurst, newsIdsOf, pair, parseRecord, postInbox, readLog, signingKey,
	staffClient, startProxy, waitForMirror,
} from '../lib/federation.mjs';
import { sql, startSite, waitFor } from '../lib/http.mjs';
import { roleOf, startReplicas, waitForHolder } from '../lib/replicas.mjs';

const TEST_TIMEOUT_MS = 300_000;
const SENDER = 'federation-sender/citizen';
const TAKE_OVER_MS = 5_000; // the brief: within a few seconds (the others ask every second)

const rows = async (srv, q) => (await sql(srv, q)).split('|');

/** A proxy that forwards everything but refuses the catch-up endpoint (503): only pushed
 * deliveries reach the other side; onInbox(seq) sees each delivery's seq in arrival order. */
function noPullProxy(target, onInbox) {
	return startProxy(target, {
		intercept: async ({ method, url, body }) => {
			if (method === 'GET' && url.startsWith('/federation/v1/events')) {
				return { status: 503, headers: { 'content-type': 'application/json' },
					body: '{"error":{"code":"unavailable","message":"test"}}' };
			}
			if (method === 'POST' && url === '/federation/v1/inbox' && onInbox) {
				onInbox(parseRecord(body.toString('utf8')).event.seq);
			}
			return null;
		},
	});
}

/** In order: no delivery skipped ahead of what had been posted before it, up to last. */
function assertInOrder(posted, last) {
	let highest = 0;
	for (const seq of posted) {
		assert.ok(seq <= highest + 1, `seq ${seq} posted after at most ${highest}: out of order`);
		highest = Math.max(highest, seq);
	}
	assert.equal(highest, last, 'every seq was posted');
}

describe('replicas: elected roles with fail-over', { timeout: TEST_TIMEOUT_MS }, () => {
	it('the replica holding the sender is SIGKILLed in a burst: another takes over, the peer gets every event once, in order', async (t) => {
		const cluster = await startCluster();
		// each side knows the other's public URL (the origin line of its checkpoints), and
		// reaches it through a proxy
		const citizenPort = await freePort();
		const officials = await startReplicas('official', 2, { cluster, themeDir: 'demo/official',
			env: { BALADIYA_PEER_URL: `http://127.0.0.1:${citizenPort}` } });
		const citizen = await startSite('citizen', { cluster, themeDir: 'demo/citizen',
			port: citizenPort, env: { BALADIYA_PEER_URL: officials[0].url } });
		// official -> citizen through a recording proxy; citizen's puller cannot fetch official's
		// log (only the sender delivers)
		const posted = [];
		const toCitizen = await noPullProxy(citizen.url, (seq) => posted.push(seq));
		const toOfficial = await noPullProxy(officials[0].url);
		t.after(async () => {
			await Promise.all([...officials, citizen].map((d) => (d.proc ? d.stop() : null)));
			await toCitizen.close();
			await toOfficial.close();
			await cluster.destroy();
		});
		await pair(officials[0], citizen, toCitizen.url);
		await pair(citizen, officials[0], toOfficial.url);
		const staff = await Promise.all(officials.map((o) => staffClient(o)));

		// the status page on either replica names one live holder, and which replica answered
		const holderName = await waitForHolder(staff[0], SENDER);
		const alsoSeen = await roleOf(staff[1], SENDER);
		assert.equal(alsoSeen.holder, holderName, 'both replicas name the same holder');
		const holderIdx = officials.findIndex((o) => o.instance === holderName);
		assert.ok(holderIdx >= 0, `the holder ${holderName} is one of the replicas`);
		const survivor = 1 - holderIdx;
		const page = await staff[survivor].get('/staff/federation?lang=fr');
		assert.match(page.body, new RegExp(`id="instance">${officials[survivor].instance}<`));
		assert.match(page.body, new RegExp(`<code dir="ltr">${holderName}</code>`));
		for (const role of ['federation-puller/citizen', 'tlog', 'jobs', 'notify-sender']) {
			assert.ok(await waitForHolder(staff[0], role), `${role} has a holder`);
		}

		// a burst through the survivor; the holder is killed a third of the way in
		const progress = {};
		const burst = emitBurst(staff[survivor], 150, { concurrency: 6, progress });
		await waitFor(() => progress.ok >= 50, { timeoutMs: 60_000, what: '50 events emitted' });
		const killedAt = Date.now();
		await officials[holderIdx].kill();
		const newHolder = await waitForHolder(staff[survivor], SENDER,
			{ notHolder: holderName, timeoutMs: 30_000 });
		const takeOverMs = Date.now() - killedAt;
		assert.equal(newHolder, officials[survivor].instance);
		assert.ok(takeOverMs <= TAKE_OVER_MS, `taken over in ${takeOverMs} ms`);
		const result = await burst;
		assert.equal(result.failed, 0, `every POST through the survivor succeeded: ${JSON.stringify(result.statuses)}`);

		// the citizen holds exactly official's log: gapless, chained, nothing applied twice
		await waitForMirror(officials[survivor], citizen, { timeoutMs: 60_000 });
		const originLog = await readLog(officials[survivor]);
		checkLog(originLog);
		checkLog(await readLog(citizen, 'official'), originLog);
		const ids = newsIdsOf(originLog);
		assert.equal(ids.size, 150);
		const [mirrored, rewritten] = await rows(citizen,
			"SELECT count(*), count(*) FILTER (WHERE updated_at <> created_at) FROM news WHERE origin = 'official'");
		assert.equal(Number(mirrored), ids.size, 'one mirrored news row per news id');
		assert.equal(Number(rewritten), 0, 'no mirrored news row was written twice');
		const [count, distinct] = await rows(citizen,
			"SELECT count(*), count(DISTINCT seq) FROM fed_events WHERE origin = 'official'");
		assert.equal(Number(count), originLog.length);
		assert.equal(Number(distinct), originLog.length);
		assert.equal(await sql(citizen, 'SELECT count(*) FROM fed_alarms'), '0', 'no alarm on the citizen');

		assertInOrder(posted, originLog.length);
		const resent = posted.length - new Set(posted).size;
		t.diagnostic(`take-over ${takeOverMs} ms; ${posted.length} deliveries for ` +
			`${originLog.length} events (${resent} resent after the take-over, answered duplicate)`);

		// the acknowledged position is the last seq: the survivor's sender finished the job
		await waitFor(async () => (await rows(officials[survivor],
			"SELECT acked_seq FROM fed_peers WHERE name = 'citizen'"))[0] === String(originLog.length),
		{ timeoutMs: 30_000, what: 'acked_seq at the last seq' });

		// the recovery marker the replicas share (protocol.md §10.3) reached the last seq
		const marker = () => Number(readFileSync(path.join(officials[0].dataDir, 'fed-last-seq'), 'utf8'));
		await waitFor(() => marker() === originLog.length,
			{ timeoutMs: 15_000, what: `the marker at ${originLog.length}` });

		// the killed replica comes back: the role stays where it is, the page says so
		await officials[holderIdx].restart();
		await new Promise((r) => setTimeout(r, 2500));
		const after = await roleOf(staff[holderIdx], SENDER);
		assert.equal(after.holder, officials[survivor].instance);
		assert.equal(after.held, true);

		// the holder loses its lock connection (terminated by the server) while alive: it
		// notices at its next check and stops; a replica takes the role within seconds and the
		// events emitted meanwhile arrive, once each
		const holderNow = officials[survivor];
		const lostAt = Date.now();
		await sql(holderNow, `SELECT pg_terminate_backend(pid) FROM leader_roles WHERE role = '${SENDER}'`);
		const more = emitBurst(staff[survivor], 20, { concurrency: 2, prefix: 'Après' });
		await waitFor(() => holderNow.logs().includes(`lost the role ${SENDER}`),
			{ timeoutMs: 10_000, what: 'the holder to notice it lost the role' });
		const again = await waitForHolder(staff[survivor], SENDER, { timeoutMs: 10_000 });
		t.diagnostic(`connection lost: ${again} holds the sender ${Date.now() - lostAt} ms later`);
		assert.equal((await more).failed, 0);
		await waitForMirror(holderNow, citizen, { timeoutMs: 60_000 });
		const finalLog = await readLog(holderNow);
		checkLog(await readLog(citizen, 'official'), finalLog);
		const [n2, d2] = await rows(citizen,
			"SELECT count(*), count(DISTINCT seq) FROM fed_events WHERE origin = 'official'");
		assert.deepEqual([Number(n2), Number(d2)], [finalLog.length, finalLog.length]);
		assertInOrder(posted, finalLog.length);

		// a start (a comparison with the peer's copy) and a stop (a note) never lower the marker
		await waitFor(() => marker() === finalLog.length, { timeoutMs: 15_000, what: 'the marker' });
		await officials[holderIdx].stop();
		assert.equal(marker(), finalLog.length);
	});

	it("the peer's deliveries land on two replicas at once: the stored copy of its log is exact", async (t) => {
		const cluster = await startCluster();
		// each side knows the other's public URL (the origin line of its checkpoints), and
		// reaches it through a proxy
		const citizenPort = await freePort();
		const officials = await startReplicas('official', 2, { cluster, themeDir: 'demo/official',
			env: { BALADIYA_PEER_URL: `http://127.0.0.1:${citizenPort}` } });
		const citizen = await startSite('citizen', { cluster, themeDir: 'demo/citizen',
			port: citizenPort, env: { BALADIYA_PEER_URL: officials[0].url } });
		// the citizen delivers nowhere (a proxy closed once paired) and official cannot pull:
		// the test delivers the citizen's log itself
		const toCitizen = await noPullProxy(citizen.url);
		const toOfficial = await startProxy(officials[0].url);
		t.after(async () => {
			await Promise.all([...officials, citizen].map((d) => (d.proc ? d.stop() : null)));
			await toCitizen.close();
			await cluster.destroy();
		});
		await pair(officials[0], citizen, toCitizen.url);
		await pair(citizen, officials[0], toOfficial.url);
		await toOfficial.close();
		const cStaff = await staffClient(citizen);
		const burst = await emitBurst(cStaff, 60, { concurrency: 4 });
		assert.equal(burst.failed, 0);
		const log = await readLog(citizen);
		checkLog(log);
		const key = signingKey(citizen);

		// every event to both replicas at the same moment, eight events in flight, so that
		// some arrive ahead of a gap on one replica while the other fills it
		const answers = {};
		let next = 0;
		const worker = async () => {
			while (next < log.length) {
				const e = log[next++];
				const rs = await Promise.all(officials.map((o) => postInbox(o, e.record, key)));
				for (const r of rs) {
					const k = `${r.status} ${r.json?.status || r.json?.error?.code || ''}`;
					answers[k] = (answers[k] || 0) + 1;
				}
			}
		};
		await Promise.all(Array.from({ length: 8 }, worker));
		t.diagnostic(`answers: ${JSON.stringify(answers)}`);
		for (const k of Object.keys(answers)) {
			assert.match(k, /^(200 stored|200 duplicate|202 buffered)$/, `unexpected answer ${k}`);
		}

		// the copy: exact on both replicas (one database), nothing pending, nothing twice
		await waitFor(async () => (await sql(officials[0], 'SELECT count(*) FROM fed_pending')) === '0',
			{ timeoutMs: 30_000, what: 'nothing pending' });
		for (const o of officials) checkLog(await readLog(o, 'citizen'), log);
		const [count, distinct, maxSeq] = await rows(officials[0],
			"SELECT count(*), count(DISTINCT seq), max(seq) FROM fed_events WHERE origin = 'citizen'");
		assert.deepEqual([count, distinct, maxSeq].map(Number), [log.length, log.length, log.length]);
		const [mirrored, rewritten] = await rows(officials[0],
			"SELECT count(*), count(*) FILTER (WHERE updated_at <> created_at) FROM news WHERE origin = 'citizen'");
		assert.equal(Number(mirrored), newsIdsOf(log).size);
		assert.equal(Number(rewritten), 0, 'no mirrored news row was applied twice');
		assert.equal(await sql(officials[0], 'SELECT count(*) FROM fed_alarms'), '0');
		const [applied] = await rows(officials[0], "SELECT applied_seq FROM fed_peers WHERE name = 'citizen'");
		assert.equal(Number(applied), log.length);
	});

	it('a job runs once per period with three replicas, and goes on when its runner is killed', async (t) => {
		const cluster = await startCluster();
		const env = { BALADIYA_JOB_INTERVALS: 'services_figures=2' };
		const reps = await startReplicas('official', 3, { cluster, themeDir: 'demo/official', env });
		t.after(async () => {
			await Promise.all(reps.map((d) => (d.proc ? d.stop() : null)));
			await cluster.destroy();
		});
		const runs = async () => Number(await sql(reps[0],
			"SELECT runs FROM job_runs WHERE job = 'services_figures'"));
		const logRuns = () => reps.reduce((n, d) =>
			n + (d.logs().match(/job services_figures ran on /g) || []).length, 0);
		await waitFor(async () => (await runs()) >= 1, { timeoutMs: 15_000, what: 'a first run' });
		const r0 = await runs();
		const started = Date.now();
		await new Promise((r) => setTimeout(r, 10_000));
		const r1 = await runs();
		const periods = (Date.now() - started) / 2000;
		t.diagnostic(`${r1 - r0} runs in ${periods.toFixed(1)} periods of 2 s, three replicas`);
		assert.ok(r1 - r0 <= Math.ceil(periods) + 1, `${r1 - r0} runs: more than one per period`);
		assert.ok(r1 - r0 >= Math.floor(periods) - 1, `${r1 - r0} runs: periods were skipped`);
		// a run is counted in the database when claimed, in the log when done
		const inLogs = logRuns(), inDb = await runs();
		assert.ok(inLogs === inDb || inLogs === inDb - 1, `${inLogs} runs logged, ${inDb} claimed`);
		// one replica ran them all
		const runners = reps.filter((d) => /job services_figures ran on /.test(d.logs()));
		assert.equal(runners.length, 1, 'one replica runs the jobs');

		// the runner is killed: another takes over within seconds, without running twice
		const staff = await staffClient(reps.find((d) => d !== runners[0]));
		const holder = await waitForHolder(staff, 'jobs');
		assert.equal(holder, runners[0].instance);
		await runners[0].kill();
		const killedAt = Date.now();
		const rk = await runs();
		await waitForHolder(staff, 'jobs', { notHolder: holder, timeoutMs: 10_000 });
		await waitFor(async () => (await runs()) > rk, { timeoutMs: 10_000, what: 'a run after the kill' });
		const tookMs = Date.now() - killedAt;
		await new Promise((r) => setTimeout(r, 6_000));
		const r2 = await runs();
		const periods2 = (Date.now() - killedAt) / 2000;
		t.diagnostic(`after the kill: first run ${tookMs} ms later, ${r2 - rk} runs in ${periods2.toFixed(1)} periods`);
		assert.ok(r2 - rk <= Math.ceil(periods2) + 1, `${r2 - rk} runs after the kill`);
	});
});
