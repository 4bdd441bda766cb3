// SPDX-License-Identifier: AGPL-3.0-or-later
// Federation under faults (DESIGN.md §3; protocol/src/delivery.c and federation.c): the peer
// stopped while 1,000 events are emitted, either daemon SIGKILLed in the middle of a burst,
// either side's PostgreSQL restarted under a running daemon. Each test ends the same way
// (assertConverged): the origin's log is the truth, gapless and chained, and the mirror holds
// exactly it, event by event (same seq, same hash); nothing was applied twice; both status
// pages are back to normal (no lag, nothing pending, no alarm). Two more: after its
// PostgreSQL restarts, a sender is still woken by NOTIFY (not only by its 5 s polling
// fallback); a side that paired first delivers on its own once the other side pairs.
//
// Each test has its own pair of daemons on their own clusters. Timeouts are generous but
// bounded: the sender's backoff is capped at 60 s, and the puller catches up when the
// receiver starts.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startCluster } from '../lib/harness.mjs';
import {
	checkLog, emitBurst, federationStatus, newsIdsOf, pair as pairWith, readLog, staffClient,
	startFederatedPair, waitForMirror,
} from '../lib/federation.mjs';
import { createNews, startSite, waitFor } from '../lib/http.mjs';

const CATCH_UP_MS = 90_000; // the mirror complete again after the fault
const LAG_ZERO_MS = 120_000; // the origin's sender acknowledged again (one more 60 s backoff)
const TEST_TIMEOUT_MS = 300_000;

/** A paired pair on separate clusters, staff clients on both, the initial profiles mirrored. */
async function federatedPair(t) {
	const started = Date.now();
	const pair = await startFederatedPair({ separateClusters: true });
	t.after(async () => {
		try {
			await pair.stop();
		} finally {
			await Promise.all(pair.clusters.map((c) => c.destroy()));
		}
	});
	const staff = {
		official: await staffClient(pair.official),
		citizen: await staffClient(pair.citizen),
	};
	const up = Date.now();
	// A sender that posted before the other side had paired was refused (401 not_paired) and
	// marked blocked; pairing again is the operator's remedy (see the pairing test below).
	const repaired = [];
	for (const [a, b] of [['official', 'citizen'], ['citizen', 'official']]) {
		await waitFor(async () => {
			const s = await federationStatus(staff[a]);
			if (s.peer.blocked) {
				await pairWith(pair[a], pair[b]);
				repaired.push(`${a} (${s.peer.last_error})`);
				return false;
			}
			return s.peer.acked_seq === s.own_last_seq;
		}, { timeoutMs: 30_000, intervalMs: 200, what: `${a}'s first delivery` });
	}
	// Each side's profile.updated (seq 1) reaches the other before the fault starts.
	await waitForMirror(pair.official, pair.citizen, { timeoutMs: CATCH_UP_MS });
	await waitForMirror(pair.citizen, pair.official, { timeoutMs: CATCH_UP_MS });
	let note = repaired.length ? ` (paired again: ${repaired.join('; ')})` : '';
	if (Date.now() - up > 10_000) {
		const [so, sc] = await Promise.all([federationStatus(staff.official),
			federationStatus(staff.citizen)]);
		note += ` (official's last error: ${so.peer.last_error}; citizen's: ${sc.peer.last_error})`;
	}
	t.diagnostic(`pair up in ${up - started} ms, profiles mirrored ${Date.now() - up} ms later${note}`);
	return { ...pair, staff };
}

/** psql on srv's database; the single row of the answer split on '|'. */
async function sqlRow(srv, sql) {
	const out = await srv.cluster.psql(sql, { database: srv.database });
	return out.trim().split('|');
}

/** Starts a burst on official; resolves once `ok` POSTs have succeeded, with the burst. */
async function burstUntil(pair, n, ok, opts = {}) {
	const progress = {};
	const done = emitBurst(pair.staff.official, n, { progress, ...opts });
	await waitFor(() => progress.ok >= ok || progress.sent >= n,
		{ timeoutMs: 60_000, intervalMs: 10, what: `${ok} news published` });
	return { done, progress };
}

/**
 * The end of every fault test: the mirror catches up, both logs are equal event by event,
 * nothing was applied twice, the status pages are clean. since: when the fault ended (for the
 * catch-up time). Resolves to {originLog, mirrorMs, lagZeroMs}.
 */
async function assertConverged(t, pair, { since = Date.now() } = {}) {
	const { official, citizen, staff } = pair;
	await waitForMirror(official, citizen, { timeoutMs: CATCH_UP_MS });
	const mirrorMs = Date.now() - since;

	// The origin's log is the truth; the mirror holds exactly it.
	const originLog = await readLog(official);
	const mirrorLog = await readLog(citizen, 'official');
	checkLog(originLog);
	checkLog(mirrorLog, originLog);
	for (let i = 0; i < originLog.length; i++) {
		assert.equal(mirrorLog[i].envelope, originLog[i].envelope,
			`seq ${originLog[i].seq}: the mirror stores the envelope verbatim`);
	}
	// The other direction is intact too.
	await waitForMirror(citizen, official, { timeoutMs: CATCH_UP_MS });
	checkLog(await readLog(official, 'citizen'), await readLog(citizen));

	// Nothing applied twice, nothing lost: one mirrored news row per news id of the log, each
	// written once (a second application in a later transaction would move updated_at).
	const ids = newsIdsOf(originLog);
	const newsEvents = originLog.filter((e) => e.type.startsWith('news.')).length;
	assert.equal(newsEvents, ids.size, 'one news.published event per news item');
	const [mirrored, rewritten] = await sqlRow(citizen,
		"SELECT count(*), count(*) FILTER (WHERE updated_at <> created_at) FROM news WHERE origin = 'official'");
	assert.equal(Number(mirrored), ids.size, 'mirrored news rows = distinct news ids in the log');
	assert.equal(Number(rewritten), 0, 'no mirrored news row was written twice');
	const [count, distinct, maxSeq] = await sqlRow(citizen,
		"SELECT count(*), count(DISTINCT seq), coalesce(max(seq), 0) FROM fed_events WHERE origin = 'official'");
	assert.deepEqual([count, distinct, maxSeq].map(Number),
		[originLog.length, originLog.length, originLog.length], 'fed_events on citizen: no duplicate seq');
	assert.equal((await sqlRow(citizen, 'SELECT count(*) FROM fed_pending'))[0], '0');
	// On the origin, the outbox is transactional: every committed news item has its event.
	const [own, lastSeq] = await sqlRow(official,
		"SELECT (SELECT count(*) FROM news WHERE origin = 'official'), " +
		"(SELECT last_seq FROM fed_counter WHERE origin = 'official')");
	assert.equal(Number(own), ids.size, 'official news rows = news events in its log');
	assert.equal(Number(lastSeq), originLog.length, 'the counter is at the last seq of the log');

	// Status pages: the sender acknowledged everything, nothing pending, no alarm.
	const so = await waitFor(async () => {
		const s = await federationStatus(staff.official);
		return s.peer?.lag === 0 && s;
	}, { timeoutMs: LAG_ZERO_MS, intervalMs: 250, what: "official's status to show lag 0" });
	const lagZeroMs = Date.now() - since;
	const sc = await federationStatus(staff.citizen);
	assert.equal(so.own_last_seq, originLog.length);
	assert.equal(so.peer.acked_seq, so.own_last_seq);
	assert.equal(sc.peer.applied_seq, so.own_last_seq, "citizen applied official's last seq");
	assert.equal(so.peer.applied_seq, sc.own_last_seq, "official applied citizen's last seq");
	for (const [side, s] of [['official', so], ['citizen', sc]]) {
		assert.deepEqual(s.alarms, [], `${side}: no alarms`);
		assert.equal(s.has_alarms, false, `${side}: no alarms`);
		assert.equal(s.peer.pending, 0, `${side}: nothing pending`);
		assert.equal(s.peer.blocked, false, `${side}: not blocked`);
		assert.equal(s.peer.flagged, 0, `${side}: nothing stored unapplied`);
	}
	t.diagnostic(`${originLog.length} events; mirror complete ${mirrorMs} ms after the fault ` +
		`ended, official's lag 0 after ${lagZeroMs} ms`);
	return { originLog, mirrorMs, lagZeroMs };
}

/** ms until citizen holds official's next event after one news item is published. */
async function pushLatency(pair, title) {
	const want = (await readLog(pair.official)).length + 1;
	const t0 = Date.now();
	await createNews(pair.staff.official, { title_fr: title, body_fr: 'Texte' });
	await waitFor(async () => (await readLog(pair.citizen, 'official')).length >= want,
		{ timeoutMs: 30_000, intervalMs: 20, what: `citizen to hold seq ${want}` });
	return Date.now() - t0;
}

describe('federation under faults', { timeout: TEST_TIMEOUT_MS }, () => {
	it('catches up 1,000 events emitted while the peer was stopped', async (t) => {
		const pair = await federatedPair(t);
		const before = (await federationStatus(pair.staff.official)).own_last_seq;
		assert.equal(await pair.citizen.stop(), 0);

		const t0 = Date.now();
		const burst = await emitBurst(pair.staff.official, 1000, { prefix: 'Panne' });
		t.diagnostic(`1000 news published on official in ${Date.now() - t0} ms`);
		assert.deepEqual(burst.statuses, { 303: 1000 });

		// The status page shows the lag and why.
		const st = await waitFor(async () => {
			const s = await federationStatus(pair.staff.official);
			const seq = Number(/could not deliver event (\d+)/.exec(s.peer.last_error || '')?.[1]);
			return s.own_last_seq === before + 1000 && seq > before && s;
		}, { timeoutMs: 30_000, what: "official's status to show the outage" });
		assert.equal(st.peer.lag, st.own_last_seq - st.peer.acked_seq);
		assert.ok(st.peer.lag >= 1000, `lag ${st.peer.lag}`);
		assert.match(st.peer.last_error, /^could not deliver event \d+ to peer "citizen": /);
		assert.ok(st.peer.last_error_at, 'last_error_at is shown');
		assert.equal(st.peer.blocked, false, 'a peer that is down is retried, not blocked');

		const back = Date.now();
		await pair.citizen.restart();
		await assertConverged(t, pair, { since: back });
	});

	it('delivers everything official committed when official is SIGKILLed mid-burst', async (t) => {
		const pair = await federatedPair(t);
		const before = (await readLog(pair.official)).length;
		const { done } = await burstUntil(pair, 300, 100, { prefix: 'Coupure' });
		await pair.official.kill();
		const first = await done;
		t.diagnostic(`burst: ${JSON.stringify(first.statuses)} when official was killed`);
		assert.ok(first.failed > 0, 'the kill landed in the middle of the burst');

		const back = Date.now();
		await pair.official.restart();
		const second = await emitBurst(pair.staff.official, 50, { prefix: 'Reprise' });
		assert.deepEqual(second.statuses, { 303: 50 });
		const { originLog } = await assertConverged(t, pair, { since: back });
		// Committed = answered 303, plus at most the POSTs in flight at the kill.
		const emitted = originLog.length - before;
		assert.ok(emitted >= first.ok + 50 && emitted <= first.ok + 50 + 8,
			`${emitted} events for ${first.ok} + 50 acknowledged POSTs`);
	});

	it('applies every event once when citizen is SIGKILLed while applying', async (t) => {
		const pair = await federatedPair(t);
		const { done, progress } = await burstUntil(pair, 300, 100, { prefix: 'Récepteur' });
		const applied = (await readLog(pair.citizen, 'official')).length;
		await pair.citizen.kill();
		t.diagnostic(`citizen killed holding ${applied} events; official had published ${progress.ok}`);
		const back = Date.now();
		await pair.citizen.restart();
		const burst = await done;
		assert.deepEqual(burst.statuses, { 303: 300 });
		await assertConverged(t, pair, { since: back });
	});

	it('applies every event once when citizen is SIGKILLed during a catch-up batch', async (t) => {
		const pair = await federatedPair(t);
		const { citizen } = pair;
		assert.equal(await citizen.stop(), 0);
		const burst = await emitBurst(pair.staff.official, 1000, { prefix: 'Lot' });
		assert.deepEqual(burst.statuses, { 303: 1000 });
		const total = burst.ok + 1;
		// The puller starts with the daemon and applies 500 events per transaction: kill
		// citizen as soon as one of its transactions has written something (its database shows
		// a backend holding a transaction id), maybe before it answers /healthz.
		const restarting = citizen.restart().catch((err) => err);
		let open = null;
		let held = 0;
		const deadline = Date.now() + 60_000;
		while (Date.now() < deadline) {
			const [n, query] = await sqlRow(citizen,
				"SELECT (SELECT count(*) FROM fed_events WHERE origin = 'official'), " +
				"(SELECT left(query, 60) FROM pg_stat_activity WHERE datname = current_database()" +
				" AND backend_xid IS NOT NULL AND pid <> pg_backend_pid() LIMIT 1)");
			held = Number(n);
			if (query) {
				open = query;
				break;
			}
			if (held === total) break;
		}
		await citizen.kill();
		const r = await restarting;
		t.diagnostic(open
			? `citizen killed inside a transaction (last statement: ${open}), ${held} of ` +
				`${total} events committed${r instanceof Error ? ', before it answered /healthz' : ''}`
			: `the catch-up (${held} of ${total} events) finished before the kill`);
		const back = Date.now();
		await citizen.restart();
		await assertConverged(t, pair, { since: back });
	});

	it("recovers when citizen's PostgreSQL restarts during delivery", async (t) => {
		const pair = await federatedPair(t);
		const pid = pair.citizen.proc.pid;
		const { done, progress } = await burstUntil(pair, 300, 100, { prefix: 'Base-citoyen' });
		const applied = (await readLog(pair.citizen, 'official')).length;
		const down = Date.now();
		await pair.citizen.cluster.restart({ mode: 'fast' });
		t.diagnostic(`citizen's PostgreSQL restarted in ${Date.now() - down} ms, holding ` +
			`${applied} events; official had published ${progress.ok}`);
		const back = Date.now();
		const burst = await done;
		assert.deepEqual(burst.statuses, { 303: 300 });
		await assertConverged(t, pair, { since: back });
		assert.equal(pair.citizen.proc?.pid, pid, 'citizen-srv reconnected by itself');
	});

	it("recovers when official's PostgreSQL restarts during emission", async (t) => {
		const pair = await federatedPair(t);
		const pid = pair.official.proc.pid;
		const before = (await readLog(pair.official)).length;
		const fast = await pushLatency(pair, 'Avant la panne');
		const { done } = await burstUntil(pair, 300, 100, { prefix: 'Base-officielle' });
		const down = Date.now();
		await pair.official.cluster.restart({ mode: 'fast' });
		t.diagnostic(`official's PostgreSQL restarted in ${Date.now() - down} ms`);
		const back = Date.now();
		const first = await done;
		t.diagnostic(`burst: ${JSON.stringify(first.statuses)}`);
		const second = await emitBurst(pair.staff.official, 50, { prefix: 'Reprise' });
		assert.deepEqual(second.statuses, { 303: 50 });
		const { originLog } = await assertConverged(t, pair, { since: back });
		assert.equal(pair.official.proc?.pid, pid, 'official-srv reconnected by itself');
		// Committed = answered 303, plus at most the POSTs in flight when the database went down.
		const emitted = originLog.length - before - 1;
		assert.ok(emitted >= first.ok + 50 && emitted <= first.ok + 50 + 8,
			`${emitted} events for ${first.ok} + 50 acknowledged POSTs`);

		const after = [];
		for (let i = 0; i < 3; i++) after.push(await pushLatency(pair, `Après la panne ${i}`));
		t.diagnostic(`push latency: ${fast} ms before the restart, ${after.join(', ')} ms after`);
	});

	it("is woken by NOTIFY again after official's PostgreSQL restarted under an idle sender",
		async (t) => {
			const pair = await federatedPair(t);
			const base = [];
			for (let i = 0; i < 2; i++) base.push(await pushLatency(pair, `Base ${i}`));
			// One restart is not always enough: the lost LISTEN shows up in some rounds only.
			const rounds = [];
			for (const mode of ['fast', 'immediate', 'fast', 'immediate', 'fast']) {
				await pair.official.cluster.restart({ mode });
				// The first push may also wait for the sender to reconnect (its backoff); the
				// second finds it idle, waiting for a NOTIFY: without one, only its 5 s polling
				// fallback wakes it.
				const l = [];
				for (let i = 0; i < 2; i++) l.push(await pushLatency(pair, `${mode} ${i}`));
				rounds.push(l);
			}
			const seen = `${base.join(', ')} ms before; after each restart: ` +
				rounds.map((l) => l.join(', ')).join(' | ');
			t.diagnostic(`push latency: ${seen}`);
			assert.ok(rounds.every((l) => l[1] < 2500),
				`the sender relies on its 5 s polling fallback after a restart: ${seen}`);
			await assertConverged(t, pair);
		});
});

describe('pairing one side at a time', { timeout: TEST_TIMEOUT_MS }, () => {
	// docs/operations.md "Keys and pairing" and protocol.md §11: until the second side has
	// paired, the first side's deliveries are refused (401 not_paired) and it is shown blocked,
	// then it "retries every 30 s on its own".
	it('delivers the first side\'s events on its own once the second side pairs', async (t) => {
		const clusters = await Promise.all([startCluster(), startCluster()]);
		const official = await startSite('official', { cluster: clusters[0], themeDir: 'demo/official' });
		const citizen = await startSite('citizen', { cluster: clusters[1], themeDir: 'demo/citizen' });
		t.after(async () => {
			try {
				await Promise.all([official.stop(), citizen.stop()]);
			} finally {
				await Promise.all(clusters.map((c) => c.destroy()));
			}
		});
		const staff = await staffClient(official);
		await pairWith(official, citizen);
		// Official's sender finds its new peer (at the latest on its 5 s polling fallback) and
		// posts its seq 1, which citizen refuses: it has not paired yet.
		const refused = await waitFor(async () => {
			const s = await federationStatus(staff);
			return /not_paired/.test(s.peer?.last_error || '') && s;
		}, { timeoutMs: 20_000, what: "official's first delivery to be refused" });
		t.diagnostic(`refused: ${refused.peer.last_error} (blocked: ${refused.peer.blocked})`);
		await pairWith(citizen, official);
		const paired = Date.now();
		const st = await waitFor(async () => {
			const s = await federationStatus(staff);
			return s.peer.lag === 0 && s;
		}, { timeoutMs: 45_000, intervalMs: 250,
			what: 'official to deliver on its own after citizen paired (documented: every 30 s)' });
		assert.equal(st.peer.blocked, false);
		t.diagnostic(`delivered ${Date.now() - paired} ms after citizen paired`);
		checkLog(await readLog(citizen, 'official'), await readLog(official));
	});
});
