// SPDX-License-Identifier: AGPL-3.0-or-later
// Upgrade: the databases of a running pair made by an older build (tests/fixtures/upgrade: the
// demo commune of both sides, federated, dumped with pg_dump at commit 326e35f; see its
// README.md) are restored into fresh clusters and served by the daemons of BALADIYA_BUILD_DIR.
// Asserted against the rows the dumps hold (read back from the restored databases before the
// new daemons touch them): both start and /healthz is ok; schema_migrations keeps every old
// row and no old migration is applied again under another name; no table lost rows; the public
// lists, the agents' inbox, the reactions and the accountability figures show that content;
// the old signed events are served verbatim and verify with Node's crypto on both sides; and
// the two daemons, paired again at their new addresses with the same keys, still federate: a
// news item and a report made after the upgrade reach the other side and continue the chains.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/upgrade.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT, freePort, startCluster, startDaemon, tempDir } from '../lib/harness.mjs';
import {
	checkLog, fingerprint, pair, publishedKeys, readLog, verifyEnvelope, waitForMirror,
} from '../lib/federation.mjs';
import { Client, createNews, getJson, waitFor } from '../lib/http.mjs';
import { postReport } from '../lib/reports.mjs';

const FIXTURE = path.join(ROOT, 'tests', 'fixtures', 'upgrade');
const SIDES = ['official', 'citizen'];
const PEER = { official: 'citizen', citizen: 'official' };
const KINDS = [['project', 'projects'], ['session', 'sessions'], ['deliberation', 'deliberations'],
	['budget', 'budgets']];
// Tables whose rows may come and go on their own (expired sessions, pruned replay ids).
const VOLATILE_TABLES = new Set(['sessions', 'fed_webhook_ids', 'spatial_ref_sys']);
// Tables whose rows must come out of the upgrade unchanged, field for field.
const DIGESTED = ['news', 'publications', 'publication_versions', 'budget_lines', 'reports',
	'report_timeline', 'reactions', 'accounts', 'fed_keys'];
// Columns a later migration drops on purpose, left out of those digests: the account lock of
// failed sign-ins (0011; throttling is in memory now, never a lock).
const DROPPED = { accounts: ['failed_logins', 'first_failed_at', 'locked_until'] };
/** The demo accounts' passwords, as scripts/run makes them (see the fixture's README). */
const demoPassword = (role) => `baladiya-demo-${role}`;

const cluster = {};
const database = {};
const srv = {};
const before_ = {}; // per side: what the restored database held before the new daemons started

// --- helpers --------------------------------------------------------------------------------

function psql(side, q) {
	return cluster[side].psql(q, { database: database[side] });
}

/** The value of a query returning one JSON value (json_agg...), parsed. */
async function sqlJson(side, q) {
	return JSON.parse((await psql(side, q)).trim());
}

/** Rows of q (a SELECT) as objects, through json_agg. */
async function rows(side, q) {
	return sqlJson(side, `SELECT coalesce(json_agg(row_), '[]') FROM (${q}) row_`);
}

/** md5 of the table's rows, the given columns only (a later migration may add columns). */
async function digest(side, table, columns) {
	const cols = columns.map((c) => `x."${c}"`).join(', ');
	return (await rows(side, `SELECT md5(coalesce(string_agg(t, E'\\n' ORDER BY t), '')) AS d
		FROM (SELECT row(${cols})::text AS t FROM public."${table}" x) y`))[0].d;
}

async function tableCounts(side) {
	const names = (await rows(side, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'
		ORDER BY tablename`)).map((r) => r.tablename).filter((n) => !VOLATILE_TABLES.has(n));
	const parts = names.map((n) => `SELECT '${n}' AS name, count(*) AS n FROM public."${n}"`);
	const out = {};
	for (const r of await rows(side, parts.join(' UNION ALL '))) out[r.name] = Number(r.n);
	return out;
}

/** Everything the tests compare with, read from a restored database. */
async function snapshot(side) {
	return {
		migrations: await rows(side, `SELECT name, applied_at::text AS applied_at
			FROM schema_migrations ORDER BY name`),
		tables: await tableCounts(side),
		events: await rows(side, `SELECT origin, seq, hash, envelope FROM fed_events
			ORDER BY origin, seq`),
		counter: await rows(side, 'SELECT origin, last_seq, last_hash FROM fed_counter'),
		peers: await rows(side, 'SELECT name, url, acked_seq, applied_seq, applied_hash FROM fed_peers'),
		keys: await rows(side, 'SELECT kid, owner, public_key, pinned_by, retired_at FROM fed_keys'),
		alarms: Number((await psql(side, 'SELECT count(*) FROM fed_alarms')).trim()),
		digests: Object.fromEntries(await Promise.all(DIGESTED.map(async (table) => {
			const columns = (await rows(side, `SELECT column_name AS c FROM information_schema.columns
				WHERE table_schema = 'public' AND table_name = '${table}'
				ORDER BY ordinal_position`)).map((r) => r.c)
				.filter((c) => !(DROPPED[table] || []).includes(c));
			return [table, { columns, digest: await digest(side, table, columns) }];
		}))),
	};
}

/** Every item of a paginated JSON list (following next_url), through client or anonymously. */
async function listAll(side, p, client) {
	const items = [];
	let next = p;
	for (let page = 0; next && page < 100; page++) {
		let j;
		if (client) {
			const r = await client.get(next, { json: true });
			assert.equal(r.status, 200, `GET ${next} on ${side}: ${r.status}`);
			j = r.json;
		} else {
			j = await getJson(srv[side], next);
		}
		assert.ok(Array.isArray(j.items), `GET ${next} on ${side}: no items array`);
		items.push(...j.items);
		next = j.next_url || null;
	}
	return items;
}

const byKey = (k) => (a, b) => String(a[k]).localeCompare(String(b[k]));
const basename = (name) => name.slice(name.lastIndexOf('/') + 1);

/**
 * side's log as served now continues the chain of the dump (the first new event follows the old
 * counter and chains onto its hash) and is gapless; resolves to the events added since the dump.
 */
async function newEvents(side) {
	const counter = before_[side].counter.find((c) => c.origin === side);
	const log = await readLog(srv[side]);
	checkLog(log);
	const last = Number(counter.last_seq);
	const next = log.find((e) => e.seq === last + 1);
	assert.ok(next, `${side}: an event follows the old counter (${last})`);
	assert.equal(next.prev, counter.last_hash, `${side}: it chains onto the last old event`);
	return log.filter((e) => e.seq > last);
}

function started() {
	for (const s of SIDES) {
		if (!srv[s]?.proc) throw new Error(`${s}-srv is not running (its start failed above)`);
	}
}

async function signedIn(side, role) {
	const c = new Client(srv[side].url);
	const r = await c.login(role, demoPassword(role));
	assert.equal(r.status, 303, `${side}: the demo account ${role} signs in with its old password`);
	return c;
}

// --- setup: restore both dumps, read what they hold -------------------------------------------

before(async () => {
	for (const s of SIDES) {
		cluster[s] = await startCluster();
		database[s] = await cluster[s].createDatabase(`${s}_upgrade`);
		// psql before 15.14 does not know the \restrict lines newer pg_dumps write (they only
		// fence off meta-commands a hostile server could inject): dropped, the dump runs anywhere
		const dump = gunzipSync(readFileSync(path.join(FIXTURE, `${s}.sql.gz`))).toString('utf8')
			.replace(/^\\(un)?restrict \S+$/gm, '');
		await cluster[s].psql(dump, { database: database[s] });
		before_[s] = await snapshot(s);
	}
});

after(async () => {
	await Promise.all(SIDES.map((s) => (srv[s]?.proc ? srv[s].stop() : null)));
	await Promise.all(SIDES.map((s) => cluster[s]?.destroy()));
});

describe('a database made by 326e35f under the current build', () => {
	test('the dumps hold the federated demo commune', () => {
		for (const s of SIDES) {
			const t = before_[s].tables;
			for (const table of ['news', 'publications', 'reports', 'reactions', 'accounts',
				'report_timeline', 'fed_events']) {
				assert.ok(t[table] > 0, `${s}: the dump has rows in ${table}`);
			}
			const origins = new Set(before_[s].events.map((e) => e.origin));
			assert.deepEqual([...origins].sort(), ['citizen', 'official'],
				`${s}: the dump holds its own log and the mirrored one`);
			assert.ok(before_[s].migrations.length > 0, `${s}: schema_migrations has rows`);
			assert.equal(before_[s].peers.length, 1, `${s}: paired with one peer`);
		}
		// both sides had mirrored each other completely when dumped
		for (const o of SIDES) {
			const a = before_.official.events.filter((e) => e.origin === o).map((e) => e.hash);
			const b = before_.citizen.events.filter((e) => e.origin === o).map((e) => e.hash);
			assert.deepEqual(a, b, `${o}'s log is the same in both dumps`);
		}
	});

	test('both daemons start on the restored databases and /healthz is ok', async () => {
		const port = { official: await freePort(), citizen: await freePort() };
		while (port.citizen === port.official) port.citizen = await freePort();
		for (const s of SIDES) {
			// the signing key that made the old events (and that the peer pinned)
			const dataDir = tempDir(`baladiya-upgrade-${s}-`);
			const key = path.join(dataDir, 'signing.pem');
			copyFileSync(path.join(FIXTURE, `${s}-signing.pem`), key);
			chmodSync(key, 0o600);
			srv[s] = await startDaemon(s, {
				cluster: cluster[s], database: database[s], port: port[s], dataDir,
				themeDir: `demo/${s}`,
				env: { BALADIYA_PEER_URL: `http://127.0.0.1:${port[PEER[s]]}` },
			});
		}
		for (const s of SIDES) {
			const r = await fetch(`${srv[s].url}/healthz`);
			assert.equal(r.status, 200);
			assert.equal((await r.json()).status, 'ok', `${s} /healthz`);
			const home = await fetch(`${srv[s].url}/`);
			assert.equal(home.status, 200, `${s} home page`);
		}
	});

	test('each daemon signs with the key its peer pinned, and pairs again at the new address', async () => {
		started();
		for (const s of SIDES) {
			const kid = await fingerprint(srv[s]);
			const own = before_[s].keys.filter((k) => k.owner === s && !k.retired_at);
			assert.deepEqual(own.map((k) => k.kid), [kid], `${s}: keys show is its own key in the dump`);
			const pinned = before_[PEER[s]].keys.filter((k) => k.owner === s && k.pinned_by === 'pairing');
			assert.ok(pinned.some((k) => k.kid === kid), `${PEER[s]} had pinned ${s}'s key ${kid}`);
			const published = await publishedKeys(srv[s]);
			assert.ok(published.has(kid), `${s} publishes ${kid}`);
		}
		await pair(srv.official, srv.citizen);
		await pair(srv.citizen, srv.official);
		for (const s of SIDES) {
			const peers = await rows(s, 'SELECT name, url, blocked FROM fed_peers');
			assert.deepEqual(peers, [{ name: PEER[s], url: srv[PEER[s]].url, blocked: false }],
				`${s}: one peer, at its new address`);
			assert.notEqual(before_[s].peers[0].url, srv[PEER[s]].url, 'the address did change');
		}
	});

	test('schema_migrations kept every old row and no migration was applied twice', async (t) => {
		started();
		for (const s of SIDES) {
			const now = await rows(s, `SELECT name, applied_at::text AS applied_at
				FROM schema_migrations ORDER BY name`);
			const nowByName = new Map(now.map((r) => [r.name, r.applied_at]));
			for (const old of before_[s].migrations) {
				assert.ok(nowByName.has(old.name), `${s}: ${old.name} is still recorded`);
				assert.equal(nowByName.get(old.name), old.applied_at, `${s}: ${old.name} kept its time`);
			}
			const oldNames = new Set(before_[s].migrations.map((r) => r.name));
			const oldFiles = new Set(before_[s].migrations.map((r) => basename(r.name)));
			const added = now.filter((r) => !oldNames.has(r.name));
			for (const r of added) {
				assert.ok(!oldFiles.has(basename(r.name)),
					`${s}: ${r.name} is ${basename(r.name)} applied again under another name`);
			}
			// what the new daemon says it applied: only migrations it did not have
			const applied = [...srv[s].logs().matchAll(/applying migration (\S+)/g)].map((m) => m[1]);
			for (const name of applied) {
				assert.ok(!oldNames.has(name), `${s}: ${name} was applied again`);
				assert.ok(!oldFiles.has(basename(name)), `${s}: ${name} re-applies an old file`);
			}
			if (applied.length === 0 && added.length > 0) {
				// the log no longer says "applying migration NAME": the rows above are the check
				t.diagnostic(`${s}: ${added.length} migrations added, none named in the log`);
			} else {
				assert.deepEqual([...applied].sort(), added.map((r) => r.name).sort(),
					`${s}: the rows added are the migrations the daemon applied`);
			}
		}
	});

	test('no table lost rows', async () => {
		started();
		for (const s of SIDES) {
			const now = await tableCounts(s);
			for (const [table, n] of Object.entries(before_[s].tables)) {
				assert.ok(table in now, `${s}: table ${table} still exists`);
				// at least as many: a start may add rows (the new address's profile.updated event)
				assert.ok(now[table] >= n, `${s}: ${table} had ${n} rows, now ${now[table]}`);
			}
			// the content is unchanged: the same rows, field for field (the dump's columns)
			for (const table of DIGESTED) {
				const { columns, digest: want } = before_[s].digests[table];
				assert.equal(await digest(s, table, columns), want,
					`${s}: the rows of ${table} are unchanged`);
			}
		}
	});

	test('the publication lists show the published items the dumps hold', async () => {
		started();
		for (const s of SIDES) {
			for (const [kind, p] of KINDS) {
				const want = await rows(s, `SELECT id, origin, origin_id, version FROM publications
					WHERE kind = '${kind}' AND status = 'published' ORDER BY id`);
				assert.ok(want.length > 0, `${s}: the dump holds published ${p}`);
				const got = (await listAll(s, `/${p}.json`)).map((i) => ({ id: i.id,
					origin: i.origin, origin_id: i.origin_id, version: i.version }));
				assert.deepEqual(got.sort(byKey('id')), want, `${s} /${p}.json`);
				const html = await (await fetch(`${srv[s].url}/${p}`)).text();
				for (const w of want) {
					assert.ok(html.includes(`href="/${p}/${w.id}"`), `${s} /${p} links item ${w.id}`);
				}
				// each item page answers with its title from the row
				for (const w of want) {
					const item = await getJson(srv[s], `/${p}/${w.id}.json`);
					const title = await rows(s, `SELECT data -> 'title' AS t FROM publications
						WHERE id = ${w.id}`);
					assert.deepEqual(item.data.title, title[0].t, `${s} /${p}/${w.id} title`);
				}
			}
		}
	});

	test('the news lists show each side\'s own news and the mirrored ones', async () => {
		started();
		for (const s of SIDES) {
			for (const [query, origin] of [['', s], ['?from=peer', PEER[s]]]) {
				const want = await rows(s, `SELECT id, origin, origin_id FROM news
					WHERE origin = '${origin}' AND status = 'published' ORDER BY id`);
				assert.ok(want.length > 0, `${s}: the dump holds published news of ${origin}`);
				const got = (await listAll(s, `/news.json${query}`)).map((i) => ({ id: i.id,
					origin: i.origin, origin_id: i.origin_id }));
				assert.deepEqual(got.sort(byKey('id')), want, `${s} /news.json${query}`);
			}
		}
		// a mirrored item has its origin's title
		const o = await rows('official', `SELECT id, title FROM news WHERE origin = 'official'
			AND status = 'published'`);
		const mirrored = await listAll('citizen', '/news.json?from=peer');
		for (const n of o) {
			const m = mirrored.find((i) => i.origin_id === n.id);
			assert.ok(m, `official news ${n.id} is listed on citizen-srv`);
			assert.deepEqual(m.texts_title, n.title, `official news ${n.id}: mirrored title`);
		}
	});

	test('reports: the citizen list and pages, and the official inbox', async () => {
		started();
		const pub = await rows('citizen', `SELECT ref, status FROM reports
			WHERE visibility = 'public' ORDER BY ref`);
		assert.ok(pub.length > 0, 'the citizen dump holds public reports');
		const listed = (await listAll('citizen', '/reports.json')).map((i) => ({ ref: i.ref,
			status: i.status }));
		assert.deepEqual(listed.sort(byKey('ref')), pub, 'citizen /reports.json');
		const timelines = await rows('citizen', `SELECT r.ref, count(t.id)::int AS n FROM reports r
			LEFT JOIN report_timeline t ON t.report_id = r.id WHERE r.visibility = 'public'
			GROUP BY r.ref ORDER BY r.ref`);
		for (const { ref, n } of timelines) {
			const v = await getJson(srv.citizen, `/reports/${ref}.json`);
			const rep = v.report ?? v;
			assert.equal(rep.ref, ref);
			const tl = v.timeline ?? rep.timeline;
			assert.ok(Array.isArray(tl), `citizen /reports/${ref}.json has a timeline`);
			assert.equal(tl.length, n, `citizen /reports/${ref}: timeline entries`);
		}
		const agent = await signedIn('official', 'agent');
		const want = await rows('official', 'SELECT ref, status FROM reports ORDER BY ref');
		assert.ok(want.length > 0, 'the official dump holds mirrored reports');
		const inbox = (await listAll('official', '/staff/inbox', agent)).map((i) => ({ ref: i.ref,
			status: i.status }));
		assert.deepEqual(inbox.sort(byKey('ref')), want, 'official /staff/inbox');
		// the same reports on both sides, with the same statuses
		const citizenSide = await rows('citizen', `SELECT ref, status FROM reports
			WHERE ref IN (${want.map((w) => `'${w.ref}'`).join(',')}) ORDER BY ref`);
		assert.deepEqual(citizenSide, want, 'the mirrored reports match their origin');
	});

	test('residents\' reactions show on the commune\'s items on both sides', async () => {
		started();
		const targets = await rows('citizen', `SELECT target_kind, target_origin, target_id,
			count(*) FILTER (WHERE stance = 'support')::int AS support,
			count(*) FILTER (WHERE stance = 'concern')::int AS concern
			FROM reactions GROUP BY 1, 2, 3 ORDER BY 1, 3`);
		assert.ok(targets.length > 0, 'the citizen dump holds reactions');
		const pathOf = Object.fromEntries(KINDS);
		for (const s of SIDES) {
			for (const t of targets) {
				const [{ id }] = await rows(s, `SELECT id FROM publications WHERE kind = '${t.target_kind}'
					AND origin = '${t.target_origin}' AND origin_id = ${t.target_id}`);
				const item = await getJson(srv[s], `/${pathOf[t.target_kind]}/${id}.json`);
				assert.ok(item.reactions, `${s} /${pathOf[t.target_kind]}/${id}: reactions`);
				assert.equal(item.reactions.support, t.support, `${s} ${t.target_kind} ${id}: support`);
				assert.equal(item.reactions.concern, t.concern, `${s} ${t.target_kind} ${id}: concern`);
			}
		}
	});

	test('the accountability figures match the rows, the same on both sides', async () => {
		started();
		const a = await getJson(srv.official, '/accountability.json');
		const b = await getJson(srv.citizen, '/accountability.json');
		assert.deepEqual(b, a, 'the same figures on both sides');
		for (const s of SIDES) {
			const projects = await sqlJson(s, `SELECT coalesce(json_object_agg(s, n), '{}') FROM
				(SELECT data ->> 'status' AS s, count(*) AS n FROM publications
				WHERE kind = 'project' AND status = 'published' GROUP BY 1) x`);
			assert.deepEqual(a.projects_by_status, projects, `${s}: projects by status`);
			const delib = Number((await psql(s, `SELECT count(*) FROM publications
				WHERE kind = 'deliberation' AND status = 'published'`)).trim());
			assert.equal(a.deliberations.published, delib, `${s}: deliberations published`);
			const budgets = await rows(s, `SELECT (p.data ->> 'year')::int AS year,
				p.data ->> 'type' AS type, sum(l.planned)::bigint AS planned,
				sum(l.executed)::bigint AS executed FROM publications p
				JOIN budget_lines l ON l.publication_id = p.id
				WHERE p.kind = 'budget' AND p.status = 'published' GROUP BY 1, 2 ORDER BY 1 DESC, 2`);
			assert.ok(budgets.length > 0, `${s}: the dump holds budget lines`);
			assert.deepEqual(a.budget_execution.map((x) => ({ year: x.year, type: x.type,
				planned: Number(x.planned), executed: Number(x.executed) })), budgets.map((x) => ({
				...x, planned: Number(x.planned), executed: Number(x.executed) })),
			`${s}: budget execution`);
		}
		const received = Number((await psql('official',
			'SELECT count(*) FROM reports WHERE received_at IS NOT NULL')).trim());
		assert.equal(a.reports.overall.received, received, 'reports received by the commune');
	});

	test('the old signed events are served verbatim and still verify', async () => {
		started();
		const peerKeys = (s, origin) => new Map(before_[s].keys.filter((k) => k.owner === origin)
			.map((k) => [k.kid, crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519',
				x: k.public_key }, format: 'jwk' })]));
		for (const origin of SIDES) {
			const stored = before_[origin].events.filter((e) => e.origin === origin);
			const log = await readLog(srv[origin]);
			// the old events first; a start may append (profile.updated for the new address)
			assert.ok(log.length >= stored.length,
				`${origin}: ${log.length} events served, the dump holds ${stored.length}`);
			checkLog(log);
			log.slice(0, stored.length).forEach((e, i) => {
				assert.equal(e.seq, stored[i].seq);
				assert.equal(e.hash, stored[i].hash, `${origin} seq ${e.seq}: hash`);
				assert.equal(e.envelope, stored[i].envelope, `${origin} seq ${e.seq}: envelope bytes`);
			});
			const keys = await publishedKeys(srv[origin]);
			for (const e of log) {
				assert.ok(verifyEnvelope(e.envelope, keys),
					`${origin} seq ${e.seq} verifies with the published keys`);
			}
			// the peer's copy: the same events, verifying with the key it pinned
			const mirror = (await readLog(srv[PEER[origin]], origin)).slice(0, stored.length);
			checkLog(mirror, log.slice(0, stored.length));
			const pinned = peerKeys(PEER[origin], origin);
			assert.ok(pinned.size > 0);
			for (const e of mirror) {
				assert.ok(verifyEnvelope(e.envelope, pinned),
					`${PEER[origin]}'s copy of ${origin} seq ${e.seq} verifies with the pinned key`);
			}
		}
	});

	test('a news item published after the upgrade reaches the citizen side', async () => {
		started();
		const editor = await signedIn('official', 'editor');
		const title = `Après la mise à jour ${crypto.randomUUID().slice(0, 8)}`;
		const id = await createNews(editor, { title_fr: title, body_fr: 'Publié par le nouveau binaire.' });
		const added = await newEvents('official');
		assert.ok(added.some((e) => e.type.startsWith('news.') &&
			JSON.parse(e.payload.toString('utf8')).data.id === id),
		`an event carries news ${id}: ${added.map((e) => e.type)}`);
		await waitForMirror(srv.official, srv.citizen);
		const item = await waitFor(async () => (await listAll('citizen', '/news.json?from=peer'))
			.find((i) => i.origin_id === id), { timeoutMs: 15_000, what: 'the news on citizen-srv' });
		assert.equal(item.texts_title.fr, title);
		const row = await rows('citizen', `SELECT title ->> 'fr' AS t FROM news
			WHERE origin = 'official' AND origin_id = ${id}`);
		assert.deepEqual(row, [{ t: title }]);
	});

	test('a report filed after the upgrade reaches the official inbox and its receipt comes back', async () => {
		started();
		const resident = new Client(srv.citizen.url);
		assert.equal((await resident.get('/reports/new?lang=fr')).status, 200);
		const title = `Trottoir effondré ${crypto.randomUUID().slice(0, 8)}`;
		const r = await postReport(resident, {
			category: 'VOI', quarter: 'centre', title, description: 'Signalé après la mise à jour.',
			place: 'Rue des Martyrs', lat: '36.7169', lon: '4.0497', confirm: '1',
		}, [], { json: true });
		assert.equal(r.status, 201, r.body.slice(0, 400));
		const ref = r.json.report.ref;
		const added = await newEvents('citizen');
		assert.ok(added.some((e) => e.type.startsWith('report') && e.payload.toString('utf8').includes(ref)),
			`an event carries report ${ref}: ${added.map((e) => e.type)}`);
		const agent = await signedIn('official', 'agent');
		const v = await waitFor(async () => {
			const x = await agent.get(`/staff/inbox/${ref}`, { json: true });
			return x.status === 200 && x.json.status === 'received' ? x.json : null;
		}, { timeoutMs: 15_000, what: `${ref} in the official inbox` });
		assert.equal(v.title, title);
		await waitFor(async () => {
			const x = await rows('citizen', `SELECT status FROM reports WHERE ref = '${ref}'`);
			return x[0]?.status === 'received';
		}, { timeoutMs: 15_000, what: `the commune's receipt of ${ref} on citizen-srv` });
		await waitForMirror(srv.citizen, srv.official);
		await waitForMirror(srv.official, srv.citizen);
	});

	test('each side\'s new address reached the other (its profile)', async () => {
		started();
		for (const s of SIDES) {
			await waitFor(async () => {
				const p = await rows(PEER[s], `SELECT data ->> 'url' AS url FROM fed_profiles
					WHERE origin = '${s}'`);
				return p[0]?.url === srv[s].url;
			}, { timeoutMs: 15_000, what: `${PEER[s]} to mirror ${s}'s profile with its new URL` });
			const old = await rows(s, `SELECT data ->> 'url' AS url FROM fed_profiles
				WHERE origin = '${s}'`);
			assert.equal(old[0].url, srv[s].url, `${s}: its own profile has its new URL`);
		}
	});

	test('no alarm, nothing pending, no peer blocked', async () => {
		started();
		for (const s of SIDES) {
			const alarms = Number((await psql(s, 'SELECT count(*) FROM fed_alarms')).trim());
			assert.equal(alarms, before_[s].alarms, `${s}: no new federation alarm`);
			assert.equal((await psql(s, 'SELECT count(*) FROM fed_pending')).trim(), '0', `${s}: pending`);
			assert.equal((await psql(s, 'SELECT count(*) FROM fed_peers WHERE blocked')).trim(), '0',
				`${s}: blocked peers`);
		}
	});
});
