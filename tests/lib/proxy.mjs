// SPDX-License-Identifier: AGPL-3.0-or-later
// A real reverse proxy for the tests: Debian's nginx, run as the current user on loopback
// from a temp folder (prefix, pid, logs, body buffers), with the repository's configuration
// (deploy/nginx/baladiya.conf.template) rendered for the given replicas, exactly as the nginx
// image renders it in docker-compose.yml. Stopped at exit.
//
//   const proxy = await startNginx({ upstreams: [a.url, b.url] });
//   const r = await fetch(`${proxy.url}/news`);
//   proxy.upstreamsOf()   // the replica each logged request went to, in order
//   await proxy.stop();

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, ROOT, tempDir } from './harness.mjs';

/** The nginx binary: $BALADIYA_NGINX or Debian's. */
export const NGINX = process.env.BALADIYA_NGINX || '/usr/sbin/nginx';
/** The configuration the deployment uses. */
export const TEMPLATE = path.join(ROOT, 'deploy', 'nginx', 'baladiya.conf.template');

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
const live = new Set();

process.on('exit', () => {
	// the master stops its workers on SIGTERM (SIGKILL would leave them listening)
	for (const p of live) {
		try {
			p.kill('SIGTERM');
		} catch {
			// already gone
		}
	}
});

/**
 * The template with every ${NAME} replaced by vars[NAME], as envsubst does for the variables
 * it is given; a ${NAME} left without a value is an error (nginx would read it as a variable).
 */
export function renderTemplate(text, vars) {
	return text.replace(/\$\{([A-Z0-9_]+)\}/g, (m, name) => {
		if (!(name in vars)) throw new Error(`${TEMPLATE}: no value for ${m}`);
		return String(vars[name]);
	});
}

/** "server host:port;" lines of the upstream, from URLs or host:port strings. */
export function upstreamServers(upstreams) {
	return upstreams.map((u) => {
		const hostPort = /^https?:\/\//.test(u) ? new URL(u).host : u;
		return `server ${hostPort};`;
	}).join(' ');
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function canConnect(port) {
	return new Promise((resolve) => {
		const s = net.connect({ host: '127.0.0.1', port });
		s.once('connect', () => {
			s.destroy();
			resolve(true);
		});
		s.once('error', () => resolve(false));
	});
}

/**
 * Starts nginx in front of upstreams (daemon URLs or host:port), listening on 127.0.0.1:port
 * (default: a free one). workers: worker_processes (default 1); accessLog: false to log
 * nothing (benchmarks). Returns {url, port, dir, proc, logs(), accessLog(), upstreamsOf(from),
 * stop()}: upstreamsOf() lists, per logged request (of the client address from, when given),
 * the replicas nginx tried ("a, b" when it went on to the next; "-" when none); stop() sends
 * SIGTERM and resolves to the exit code.
 */
export async function startNginx({ upstreams, port, workers = 1, accessLog = true } = {}) {
	if (!upstreams?.length) throw new Error('startNginx: no upstreams');
	if (!existsSync(NGINX)) {
		throw new Error(`${NGINX} does not exist: install Debian's nginx (scripts/lib.sh lists it)`);
	}
	port = port || await freePort();
	const dir = tempDir('baladiya-nginx-');
	const site = renderTemplate(readFileSync(TEMPLATE, 'utf8'), {
		BALADIYA_PROXY_PORT: `127.0.0.1:${port}`,
		BALADIYA_UPSTREAM_SERVERS: upstreamServers(upstreams),
	});
	writeFileSync(path.join(dir, 'baladiya.conf'), site);
	const user = os.userInfo();
	// as root the master would hand the workers to "nobody", who cannot write here
	const userLine = user.uid === 0 ? 'user root root;\n' : '';
	const accessLogPath = path.join(dir, 'access.log');
	writeFileSync(path.join(dir, 'nginx.conf'), `${userLine}worker_processes ${workers};
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
	log_format upstream '$remote_addr "$request" $status $upstream_addr';
	${accessLog ? `access_log ${accessLogPath} upstream;` : 'access_log off;'}
	client_body_temp_path ${path.join(dir, 'body')};
	proxy_temp_path ${path.join(dir, 'proxy')};
	fastcgi_temp_path ${path.join(dir, 'fastcgi')};
	uwsgi_temp_path ${path.join(dir, 'uwsgi')};
	scgi_temp_path ${path.join(dir, 'scgi')};
	include ${path.join(dir, 'baladiya.conf')};
}
`);
	let stderr = '';
	const proc = spawn(NGINX, ['-p', `${dir}/`, '-c', path.join(dir, 'nginx.conf'),
		'-e', path.join(dir, 'error.log'), '-g', 'daemon off;'],
	{ stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
	live.add(proc);
	proc.stdout.on('data', (c) => {
		stderr += c;
	});
	proc.stderr.on('data', (c) => {
		stderr += c;
	});
	const exited = new Promise((resolve) => {
		proc.on('error', (err) => resolve({ code: null, signal: null, error: err }));
		proc.on('close', (code, signal) => resolve({ code, signal }));
	});
	let done = null;
	exited.then((r) => {
		done = r;
		live.delete(proc);
	});
	const read = (file) => {
		try {
			return readFileSync(path.join(dir, file), 'utf8');
		} catch {
			return '';
		}
	};
	const proxy = {
		url: `http://127.0.0.1:${port}`,
		port,
		dir,
		proc,
		exited,
		/** nginx's stderr and error log. */
		logs() {
			return `${stderr}${read('error.log')}`;
		},
		accessLog() {
			return read('access.log');
		},
		upstreamsOf(from) {
			return proxy.accessLog().split('\n')
				.map((l) => /^(\S+) ".*" \d+ (.*)$/.exec(l))
				.filter((m) => m && (!from || m[1] === from)).map((m) => m[2]);
		},
		async stop() {
			if (!done) proc.kill('SIGTERM');
			let timer;
			const r = await Promise.race([exited, new Promise((resolve) => {
				timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
			})]);
			clearTimeout(timer);
			if (!r) {
				proc.kill('SIGKILL');
				throw new Error(`nginx did not stop within ${STOP_TIMEOUT_MS} ms\n${proxy.logs()}`);
			}
			return r.code;
		},
	};
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (done) {
			throw new Error(`nginx exited at start (code ${done.code}${done.error
				? `, ${done.error.message}` : ''})\n${proxy.logs()}`);
		}
		if (await canConnect(port)) return proxy;
		await sleep(50);
	}
	proc.kill('SIGTERM');
	throw new Error(`nginx did not listen on ${port} within ${START_TIMEOUT_MS} ms\n${proxy.logs()}`);
}
