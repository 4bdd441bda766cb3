// SPDX-License-Identifier: AGPL-3.0-or-later
// Several replicas of one daemon on one database and one BALADIYA_DATA_DIR (issue 16), each
// named by BALADIYA_INSTANCE "<side>-<i>" (i from 1), and the elected roles as the staff
// federation page shows them (common/leader.h).
//
//   const reps = await startReplicas('official', 2, { themeDir: 'demo/official' });
//   const holder = await roleHolder(staffOf(reps[0]), 'federation-sender/citizen');

import { freePort, startDaemon, startCluster } from './harness.mjs';
import { startSite, waitFor } from './http.mjs';
import { federationStatus } from './federation.mjs';

/**
 * n replicas of side: the first as startSite (keys generated in a new data folder, its own
 * database unless opts.database), the others with startDaemon on the same cluster, database and
 * data folder, one after the other. They share one BALADIYA_PUBLIC_URL, as behind a proxy
 * (opts.publicUrl, by default the first one's address: it is in the signed profile and names
 * the transparency log). opts: cluster, database, dataDir, themeDir, publicUrl, env (shared),
 * envOf(i) (extra environment of replica i). Resolves to the daemons, each with .instance.
 */
export async function startReplicas(side, n, opts = {}) {
	const cluster = opts.cluster || await startCluster();
	const port = await freePort();
	const publicUrl = opts.publicUrl || `http://127.0.0.1:${port}`;
	const envOf = (i) => ({ BALADIYA_INSTANCE: `${side}-${i + 1}`, BALADIYA_PUBLIC_URL: publicUrl,
		...(opts.env || {}), ...(opts.envOf ? opts.envOf(i) : {}) });
	const first = await startSite(side, { cluster, database: opts.database, dataDir: opts.dataDir,
		port, themeDir: opts.themeDir, env: envOf(0) });
	first.instance = first.env.BALADIYA_INSTANCE;
	const all = [first];
	for (let i = 1; i < n; i++) {
		const d = await startDaemon(side, { cluster, database: first.database,
			dataDir: first.dataDir, themeDir: opts.themeDir, env: envOf(i) });
		d.instance = d.env.BALADIYA_INSTANCE;
		all.push(d);
	}
	return all;
}

/** The role's entry {role, holder, since, held} on the status page read by client, or null. */
export async function roleOf(client, role) {
	const st = await federationStatus(client);
	return (st.roles || []).find((r) => r.role === role) || null;
}

/**
 * Waits until the status page read by client names a live holder of role (other than
 * `notHolder` when given); resolves to the holder's instance name.
 */
export async function waitForHolder(client, role, { notHolder, timeoutMs = 15_000 } = {}) {
	let holder;
	await waitFor(async () => {
		const r = await roleOf(client, role);
		if (r && r.held && r.holder !== notHolder) holder = r.holder;
		return holder;
	}, { timeoutMs, intervalMs: 100, what: `a live holder of ${role}` });
	return holder;
}
