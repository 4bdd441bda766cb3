// SPDX-License-Identifier: AGPL-3.0-or-later
// Restoring a platform's database from an older backup, as an operator does it (the recovery
// tests, docs/decisions/0010): a plain pg_dump taken through the cluster's environment, loaded
// again with psql into a database dropped and created anew.
//
//   const dump = backup(pair.official);
//   ... the lost week ...
//   await pair.official.stop();
//   await restore(pair.official, dump);
//   await pair.official.restart();
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readLog } from './federation.mjs';
import { waitFor } from './http.mjs';

/** A plain SQL dump of srv's database, taken with pg_dump through the cluster's environment. */
export function backup(srv) {
	const env = { ...process.env, ...srv.cluster.pgEnv(srv.database) };
	return execFileSync('pg_dump', ['--no-owner', '--no-privileges'], { env, encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024 })
		// psql before 15.14 does not know the \restrict lines of newer pg_dumps (upgrade.test.mjs)
		.replace(/^\\(un)?restrict \S+$/gm, '');
}

/** Drops srv's database (srv stopped), creates it again and loads dump into it. */
export async function restore(srv, dump) {
	await srv.cluster.psql(`DROP DATABASE ${srv.database} WITH (FORCE)`);
	await srv.cluster.createDatabase(srv.database);
	await srv.cluster.psql(dump, { database: srv.database });
}

/** The records (exact bytes) of origin's log as srv serves them. */
export async function records(srv, origin) {
	return (await readLog(srv, origin)).map((e) => e.record);
}

/**
 * Waits until restored srv serves as much of its own log as peer holds of it, and asserts both
 * copies agree byte for byte: resolves to the records.
 */
export async function ownLogBack(srv, peer, { timeoutMs = 30_000 } = {}) {
	const origin = srv.side;
	// both copies read in one round: the restored side signs again right after (its witness's
	// checkpoint.cosigned), and a copy read later may hold that next event already
	const [own, theirs] = await waitFor(async () => {
		const a = await records(srv, origin);
		const b = await records(peer, origin);
		return a.length === b.length && a.length > 0 ? [a, b] : null;
	}, { timeoutMs, what: `${origin}'s log back to the peer's length` });
	assert.deepEqual(own, theirs);
	return own;
}
