// SPDX-License-Identifier: AGPL-3.0-or-later
// docker-compose.yml and Dockerfile, checked without a container engine: docker-compose
// (Debian's) validates and normalizes the file, PyYAML (its own dependency) turns the result
// into JSON, and checkCompose() asserts the deployment's shape: per side a PostgreSQL 15
// service with its volume and health check, two replicas of the daemon on it sharing one data
// volume and one public URL, and nginx in front of both with the repository's configuration;
// the sides on distinct databases, peers crossing.
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

const REPLICAS = ['1', '2'];
const TEMPLATE = path.join(ROOT, 'deploy', 'nginx', 'baladiya.conf.template');

// "server host:port;" entries of a proxy's BALADIYA_UPSTREAM_SERVERS.
function upstreamsOf(proxyEnv) {
	return [...String(proxyEnv.BALADIYA_UPSTREAM_SERVERS || '')
		.matchAll(/server\s+([^\s;]+)[^;]*;/g)].map((m) => m[1]);
}

/** Throws an AssertionError naming what is wrong with a normalized compose config. */
export function checkCompose(cfg) {
	const services = cfg.services || {};
	const expected = SIDES.flatMap((side) => [`${side}-db`, `${side}-proxy`,
		...REPLICAS.map((n) => `${side}-srv-${n}`)]);
	assert.deepEqual(Object.keys(services).sort(), expected.sort(),
		'per side: a database, two replicas, a proxy');
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
	const dataVolume = {};
	const publicUrl = {};
	for (const side of SIDES) {
		const db = services[`${side}-db`];
		const dbEnv = envOf(db);
		for (const n of REPLICAS) {
			const name = `${side}-srv-${n}`;
			const srv = services[name];
			const e = envOf(srv);
			env[name] = e;
			assert.ok(srv.build || srv.image, `${name} has a build or an image`);
			assert.equal((srv.command || [])[0], `${side}-srv`, `${name} runs its own binary`);
			assert.equal((srv.command || [])[1], 'serve', `${name} serves`);
			assert.equal(e.PGHOST, `${side}-db`, `${name} uses ${side}-db`);
			assert.equal(String(e.PGPORT ?? '5432'), '5432', `${name} PGPORT`);
			assert.equal(e.PGDATABASE, dbEnv.POSTGRES_DB, `${name} PGDATABASE is ${side}-db's database`);
			assert.equal(e.PGUSER, dbEnv.POSTGRES_USER, `${name} PGUSER is ${side}-db's user`);
			assert.equal(e.PGPASSWORD, dbEnv.POSTGRES_PASSWORD, `${name} PGPASSWORD matches ${side}-db`);
			assert.equal(srv.depends_on?.[`${side}-db`]?.condition, 'service_healthy',
				`${name} waits for a healthy ${side}-db`);
			assert.equal(e.BALADIYA_BIND, '0.0.0.0', `${name} listens on the container network`);
			assert.match(String(e.BALADIYA_PORT), /^\d+$/, `${name} BALADIYA_PORT`);
			assert.ok(e.BALADIYA_PUBLIC_URL, `${name} BALADIYA_PUBLIC_URL`);
			assert.ok(e.BALADIYA_THEME_DIR, `${name} BALADIYA_THEME_DIR`);
			assert.ok(e.BALADIYA_DATA_DIR, `${name} BALADIYA_DATA_DIR`);
			const vol = volumeAt(srv, e.BALADIYA_DATA_DIR);
			assert.ok(vol, `${name} keeps its keys in a volume`);
			assert.ok(namedVolumes.includes(vol), `${name}'s data volume is a declared named volume`);
			// replicas are one platform: same data folder (keys, secrets), same public address
			dataVolume[side] ??= vol;
			assert.equal(vol, dataVolume[side], `the replicas of ${side} share one data volume`);
			publicUrl[side] ??= e.BALADIYA_PUBLIC_URL;
			assert.equal(e.BALADIYA_PUBLIC_URL, publicUrl[side],
				`the replicas of ${side} have one public URL`);
			assert.match(JSON.stringify(srv.healthcheck?.test || ''), /\/readyz/,
				`${name}'s health check asks /readyz`);
			assert.ok(!(srv.ports || []).length, `${name} is reached through ${side}-proxy only`);
			// docker's default 10 s before SIGKILL would cut the 30 s drain short
			const grace = /^(\d+)s$/.exec(String(srv.stop_grace_period || ''));
			assert.ok(grace && Number(grace[1]) >= 30, `${name} has 30 s or more to drain`);
		}
		// the signing key is made once, by the first replica; the others start after it
		assert.ok(services[`${side}-srv-1`].command.includes('--generate-key'),
			`${side}-srv-1 makes the signing key`);
		for (const n of REPLICAS.slice(1)) {
			assert.ok(!services[`${side}-srv-${n}`].command.includes('--generate-key'),
				`${side}-srv-${n} does not make a key of its own`);
			assert.equal(services[`${side}-srv-${n}`].depends_on?.[`${side}-srv-1`]?.condition,
				'service_healthy', `${side}-srv-${n} waits for a healthy ${side}-srv-1`);
		}

		const proxy = services[`${side}-proxy`];
		const pe = envOf(proxy);
		assert.match(proxy.image || '', /^nginx:/, `${side}-proxy runs nginx`);
		const template = volumeAt(proxy, '/etc/nginx/templates/default.conf.template');
		assert.ok(template && path.resolve(ROOT, template) === TEMPLATE,
			`${side}-proxy renders the repository's deploy/nginx/baladiya.conf.template (${template})`);
		const port = String(env[`${side}-srv-1`].BALADIYA_PORT);
		assert.deepEqual(upstreamsOf(pe).sort(), REPLICAS.map((n) => `${side}-srv-${n}:${port}`),
			`${side}-proxy sends to both replicas on their BALADIYA_PORT`);
		const published = (proxy.ports || []).map((p) => (typeof p === 'object' ? String(p.target)
			: String(p).split(':').pop()));
		assert.ok(published.includes(String(pe.BALADIYA_PROXY_PORT)),
			`${side}-proxy publishes its BALADIYA_PROXY_PORT (${published.join(', ')})`);
		// the replicas trust the proxy's X-Forwarded-For, and only it
		const proxyAddresses = Object.values(proxy.networks || {}).map((n) => n?.ipv4_address);
		assert.ok(proxyAddresses.length && proxyAddresses.every(Boolean),
			`${side}-proxy has a fixed address`);
		for (const n of REPLICAS) {
			assert.deepEqual(String(env[`${side}-srv-${n}`].BALADIYA_TRUSTED_PROXIES || '')
				.split(/[\s,]+/).filter(Boolean), proxyAddresses,
			`${side}-srv-${n} trusts ${side}-proxy's address`);
		}
		assert.match(JSON.stringify(proxy.healthcheck?.test || ''), /\/readyz/,
			`${side}-proxy's health check asks /readyz through it`);
	}

	const one = (side) => env[`${side}-srv-1`];
	assert.notEqual(`${one('official').PGHOST}/${one('official').PGDATABASE}`,
		`${one('citizen').PGHOST}/${one('citizen').PGDATABASE}`, 'the sides use distinct databases');
	assert.notEqual(one('official').PGHOST, one('citizen').PGHOST,
		'the sides use distinct PostgreSQL services');
	assert.notEqual(dataVolume.official, dataVolume.citizen, 'distinct key volumes');

	// BALADIYA_PEER_URL builds readers' links: it is the other platform's public address
	// (pairing, done by an operator, uses the other side's proxy)
	for (const side of SIDES) {
		const peer = PEER[side];
		for (const n of REPLICAS) {
			const e = env[`${side}-srv-${n}`];
			assert.equal(e.BALADIYA_PEER_URL, publicUrl[peer],
				`${side}-srv-${n}'s peer URL is ${peer}'s public URL`);
			assert.notEqual(e.BALADIYA_PEER_URL, e.BALADIYA_PUBLIC_URL,
				`${side}-srv-${n}'s peer URL is not its own`);
		}
	}
}

describe('docker-compose.yml', () => {
	it('is valid for docker-compose config -q', async () => {
		const r = await compose(COMPOSE_FILE, ['config', '-q']);
		assert.equal(r.code, 0, r.stderr);
	});

	it('has per side a database, two replicas on it behind nginx, peers crossing', async () => {
		checkCompose(await normalizedConfig(COMPOSE_FILE));
	});

	it('takes published ports and public URLs from the environment', async () => {
		const cfg = await normalizedConfig(COMPOSE_FILE, {
			OFFICIAL_PORT: '9080', OFFICIAL_PUBLIC_URL: 'https://baladiya.example',
		});
		const proxy = cfg.services['official-proxy'];
		assert.ok(proxy.ports.some((p) => String(p.published ?? String(p).split(':')[0]) === '9080'),
			JSON.stringify(proxy.ports));
		for (const n of REPLICAS) {
			assert.equal(envOf(cfg.services[`official-srv-${n}`]).BALADIYA_PUBLIC_URL,
				'https://baladiya.example');
		}
		assert.equal(envOf(cfg.services['citizen-srv-2']).BALADIYA_PEER_URL,
			'https://baladiya.example');
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
				env(c, 'official-srv-1').BALADIYA_PEER_URL = env(c, 'official-srv-1').BALADIYA_PUBLIC_URL;
			},
			'peer on the wrong port': (c) => {
				env(c, 'citizen-srv-2').BALADIYA_PEER_URL = 'http://localhost:8081';
			},
			'shared database': (c) => {
				env(c, 'citizen-srv-1').PGHOST = 'official-db';
				env(c, 'citizen-srv-2').PGHOST = 'official-db';
			},
			'a replica on another database': (c) => {
				env(c, 'citizen-srv-2').PGHOST = 'official-db';
			},
			'database name mismatch': (c) => {
				env(c, 'official-srv-1').PGDATABASE = 'postgres';
			},
			'missing service': (c) => {
				delete c.services['citizen-db'];
			},
			'one replica only': (c) => {
				delete c.services['official-srv-2'];
			},
			'no health check': (c) => {
				delete c.services['official-db'].healthcheck;
			},
			'shared volume': (c) => {
				c.services['citizen-db'].volumes = c.services['official-db'].volumes;
			},
			'replicas with data volumes of their own': (c) => {
				c.services['official-srv-2'].volumes = ['official-data-2:/var/lib/baladiya:rw'];
				c.volumes['official-data-2'] = {};
			},
			'replicas with different public URLs': (c) => {
				env(c, 'official-srv-2').BALADIYA_PUBLIC_URL = 'http://localhost:9999';
			},
			'a replica published beside the proxy': (c) => {
				c.services['citizen-srv-1'].ports = [{ target: 8081, published: 8081 }];
			},
			'proxy missing a replica': (c) => {
				env(c, 'official-proxy').BALADIYA_UPSTREAM_SERVERS = 'server official-srv-1:8080;';
			},
			'proxy on the wrong port': (c) => {
				env(c, 'citizen-proxy').BALADIYA_UPSTREAM_SERVERS =
					'server citizen-srv-1:8080; server citizen-srv-2:8080;';
			},
			'proxy without the repository configuration': (c) => {
				c.services['official-proxy'].volumes = [];
			},
			'proxy not trusted': (c) => {
				delete env(c, 'citizen-srv-2').BALADIYA_TRUSTED_PROXIES;
			},
			'no time to drain': (c) => {
				delete c.services['citizen-srv-2'].stop_grace_period;
			},
			'two replicas making keys': (c) => {
				c.services['official-srv-2'].command = ['official-srv', 'serve', '--generate-key'];
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
			assert.equal(envOf(cfg.services[`${side}-srv-1`]).BALADIYA_THEME_DIR,
				`/usr/share/baladiya/demo/${side}`);
			assert.equal(envOf(cfg.services[`${side}-srv-2`]).BALADIYA_THEME_DIR,
				`/usr/share/baladiya/demo/${side}`);
		}
	});
});
