// SPDX-License-Identifier: AGPL-3.0-or-later
// docker-compose.yml and Dockerfile, checked without a container engine: docker-compose
// (Debian's) validates and normalizes the file, PyYAML (its own dependency) turns the result
// into JSON, and checkCompose() asserts the deployment's shape: two PostgreSQL 15 services
// with volumes and health checks, two daemons each on its own database, peers crossing.
// The same checks run on broken variants to show they can fail.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, tempDir } from '../lib/harness.mjs';

const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const SIDES = ['official', 'citizen'];
const PEER = { official: 'citizen', citizen: 'official' };

// The environment without the variables the compose file reads, so defaults are tested.
function composeEnv(extra = {}) {
	const env = { ...process.env };
	for (const k of Object.keys(env)) {
		if (/^(OFFICIAL_|CITIZEN_|BALADIYA_|COMPOSE_)/.test(k)) delete env[k];
	}
	return { ...env, ...extra };
}

function run(file, args, opts = {}) {
	return new Promise((resolve) => {
		const child = execFile(file, args, { encoding: 'utf8', maxBuffer: 16 << 20, ...opts },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr }));
		child.stdin.end(opts.input ?? '');
	});
}

function compose(file, args, env) {
	return run('docker-compose', ['-f', file, '--project-directory', path.dirname(file), ...args],
		{ env: composeEnv(env), cwd: path.dirname(file) });
}

async function normalizedConfig(file, env) {
	const r = await compose(file, ['config'], env);
	assert.equal(r.code, 0, `docker-compose config failed: ${r.stderr}`);
	const json = await run('python3', ['-c',
		'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
	{ input: r.stdout });
	assert.equal(json.code, 0, `could not parse docker-compose config output: ${json.stderr}`);
	return JSON.parse(json.stdout);
}

// environment may be a mapping or a list of KEY=VALUE.
function envOf(service) {
	const e = service.environment || {};
	if (!Array.isArray(e)) return e;
	return Object.fromEntries(e.map((kv) => {
		const i = kv.indexOf('=');
		return i < 0 ? [kv, undefined] : [kv.slice(0, i), kv.slice(i + 1)];
	}));
}

// Named volume mounted at target (normalized short syntax "name:/path:rw" or long syntax).
function volumeAt(service, target) {
	for (const v of service.volumes || []) {
		if (typeof v === 'string') {
			const [source, dest] = v.split(':');
			if (dest === target) return source;
		} else if (v.target === target) {
			return v.source;
		}
	}
	return undefined;
}

/** Throws an AssertionError naming what is wrong with a normalized compose config. */
export function checkCompose(cfg) {
	const services = cfg.services || {};
	assert.deepEqual(Object.keys(services).sort(),
		['citizen-db', 'citizen-srv', 'official-db', 'official-srv'], 'the four services');
	const namedVolumes = Object.keys(cfg.volumes || {});

	const dbVolume = {};
	for (const side of SIDES) {
		const db = services[`${side}-db`];
		// PostgreSQL 15 with PostGIS 3 (reports' geometry): the PostGIS project's image
		assert.match(db.image || '', /^postgis\/postgis:15-3(\.|$)/, `${side}-db runs PostgreSQL 15 with PostGIS 3`);
		const hc = db.healthcheck || {};
		assert.ok(!hc.disable, `${side}-db health check disabled`);
		assert.match(JSON.stringify(hc.test || ''), /pg_isready/, `${side}-db health check uses pg_isready`);
		dbVolume[side] = volumeAt(db, '/var/lib/postgresql/data');
		assert.ok(dbVolume[side], `${side}-db keeps its data in a volume`);
		assert.ok(namedVolumes.includes(dbVolume[side]), `${side}-db volume is a declared named volume`);
	}
	assert.notEqual(dbVolume.official, dbVolume.citizen, 'the databases have distinct volumes');

	const env = {};
	for (const side of SIDES) {
		const srv = services[`${side}-srv`];
		const db = services[`${side}-db`];
		const dbEnv = envOf(db);
		const e = envOf(srv);
		env[side] = e;
		assert.ok(srv.build || srv.image, `${side}-srv has a build or an image`);
		assert.equal((srv.command || [])[0], `${side}-srv`, `${side}-srv runs its own binary`);
		assert.equal(e.PGHOST, `${side}-db`, `${side}-srv uses ${side}-db`);
		assert.equal(String(e.PGPORT ?? '5432'), '5432', `${side}-srv PGPORT`);
		assert.equal(e.PGDATABASE, dbEnv.POSTGRES_DB, `${side}-srv PGDATABASE is ${side}-db's database`);
		assert.equal(e.PGUSER, dbEnv.POSTGRES_USER, `${side}-srv PGUSER is ${side}-db's user`);
		assert.equal(e.PGPASSWORD, dbEnv.POSTGRES_PASSWORD, `${side}-srv PGPASSWORD matches ${side}-db`);
		assert.equal(srv.depends_on?.[`${side}-db`]?.condition, 'service_healthy',
			`${side}-srv waits for a healthy ${side}-db`);
		assert.equal(e.BALADIYA_BIND, '0.0.0.0', `${side}-srv listens on the container network`);
		assert.match(String(e.BALADIYA_PORT), /^\d+$/, `${side}-srv BALADIYA_PORT`);
		assert.ok(e.BALADIYA_PUBLIC_URL, `${side}-srv BALADIYA_PUBLIC_URL`);
		assert.ok(e.BALADIYA_THEME_DIR, `${side}-srv BALADIYA_THEME_DIR`);
		assert.ok(e.BALADIYA_DATA_DIR, `${side}-srv BALADIYA_DATA_DIR`);
		assert.ok(volumeAt(srv, e.BALADIYA_DATA_DIR), `${side}-srv keeps its keys in a volume`);
		const published = (srv.ports || []).map((p) => (typeof p === 'object' ? String(p.target)
			: String(p).split(':').pop()));
		assert.ok(published.includes(String(e.BALADIYA_PORT)),
			`${side}-srv publishes its BALADIYA_PORT (${published.join(', ')})`);
	}

	assert.notEqual(`${env.official.PGHOST}/${env.official.PGDATABASE}`,
		`${env.citizen.PGHOST}/${env.citizen.PGDATABASE}`, 'the daemons use distinct databases');
	assert.notEqual(env.official.PGHOST, env.citizen.PGHOST, 'the daemons use distinct PostgreSQL services');
	assert.notEqual(volumeAt(services['official-srv'], env.official.BALADIYA_DATA_DIR),
		volumeAt(services['citizen-srv'], env.citizen.BALADIYA_DATA_DIR), 'distinct key volumes');

	// BALADIYA_PEER_URL builds readers' links: it is the other platform's public address
	// (pairing, done by an operator, uses the internal service address)
	for (const side of SIDES) {
		const peer = PEER[side];
		assert.equal(env[side].BALADIYA_PEER_URL, env[peer].BALADIYA_PUBLIC_URL,
			`${side}-srv's peer URL is ${peer}-srv's public URL`);
		assert.notEqual(env[side].BALADIYA_PEER_URL, env[side].BALADIYA_PUBLIC_URL,
			`${side}-srv's peer URL is not its own`);
	}
}

describe('docker-compose.yml', () => {
	it('is valid for docker-compose config -q', async () => {
		const r = await compose(COMPOSE_FILE, ['config', '-q']);
		assert.equal(r.code, 0, r.stderr);
	});

	it('has two databases, two daemons on distinct databases, peers crossing', async () => {
		checkCompose(await normalizedConfig(COMPOSE_FILE));
	});

	it('takes published ports and public URLs from the environment', async () => {
		const cfg = await normalizedConfig(COMPOSE_FILE, {
			OFFICIAL_PORT: '9080', OFFICIAL_PUBLIC_URL: 'https://baladiya.example',
		});
		const srv = cfg.services['official-srv'];
		assert.ok(srv.ports.some((p) => String(p.published ?? String(p).split(':')[0]) === '9080'),
			JSON.stringify(srv.ports));
		assert.equal(envOf(srv).BALADIYA_PUBLIC_URL, 'https://baladiya.example');
		checkCompose(cfg);
	});

	it('the checks fail on broken variants', async () => {
		const good = await normalizedConfig(COMPOSE_FILE);
		const variant = (mutate) => {
			const cfg = structuredClone(good);
			mutate(cfg);
			return cfg;
		};
		const env = (cfg, svc) => cfg.services[svc].environment;
		const broken = {
			'peer not crossing': (c) => {
				env(c, 'official-srv').BALADIYA_PEER_URL = env(c, 'official-srv').BALADIYA_PUBLIC_URL;
			},
			'peer on the wrong port': (c) => {
				env(c, 'citizen-srv').BALADIYA_PEER_URL = 'http://localhost:8081';
			},
			'shared database': (c) => {
				env(c, 'citizen-srv').PGHOST = 'official-db';
			},
			'database name mismatch': (c) => {
				env(c, 'official-srv').PGDATABASE = 'postgres';
			},
			'missing service': (c) => {
				delete c.services['citizen-db'];
			},
			'no health check': (c) => {
				delete c.services['official-db'].healthcheck;
			},
			'shared volume': (c) => {
				c.services['citizen-db'].volumes = c.services['official-db'].volumes;
			},
			'wrong PostgreSQL': (c) => {
				c.services['citizen-db'].image = 'postgis/postgis:16-3.4';
			},
			'PostgreSQL without PostGIS': (c) => {
				c.services['citizen-db'].image = 'postgres:15';
			},
		};
		for (const [name, mutate] of Object.entries(broken)) {
			assert.throws(() => checkCompose(variant(mutate)), assert.AssertionError, name);
		}
	});

	it('docker-compose config -q rejects an invalid file', async () => {
		const dir = tempDir('baladiya-compose-');
		const file = path.join(dir, 'docker-compose.yml');
		writeFileSync(file, readFileSync(COMPOSE_FILE, 'utf8')
			.replace('condition: service_healthy', 'condition: service_sleeping'));
		const r = await compose(file, ['config', '-q']);
		assert.notEqual(r.code, 0, 'an invalid depends_on condition was accepted');
	});
});

describe('Dockerfile', () => {
	const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').replace(/^\s*#.*\n/gm, '');
	const stages = text.split(/^FROM /m).slice(1);

	it('builds on debian:12 in stages, the release preset in the first', () => {
		assert.ok(stages.length >= 2, 'multi-stage');
		for (const s of stages) assert.match(s, /^debian:12(-slim)?\b/, 'every stage is Debian 12');
		assert.match(stages[0], /cmake --preset release/);
	});

	it('runs both binaries as a non-root user, exposes both ports', () => {
		const last = stages.at(-1);
		const user = [...last.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
		assert.ok(user && !/^(root|0)(:|$)/.test(user), `runtime user ${user}`);
		assert.match(last, /^EXPOSE\s+8080\s+8081\s*$/m);
		assert.doesNotMatch(last, /-dev\b/, 'no -dev packages in the runtime stage');
		assert.match(stages[0], /official-srv\/official-srv/);
		assert.match(stages[0], /citizen-srv\/citizen-srv/);
	});

	it('ships the theme folders that docker-compose.yml points at', async () => {
		const cfg = await normalizedConfig(COMPOSE_FILE);
		assert.match(text, /\/usr\/share\/baladiya\/demo/);
		for (const side of SIDES) {
			assert.equal(envOf(cfg.services[`${side}-srv`]).BALADIYA_THEME_DIR,
				`/usr/share/baladiya/demo/${side}`);
		}
	});
});
