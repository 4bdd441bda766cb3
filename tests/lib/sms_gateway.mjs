// SPDX-License-Identifier: AGPL-3.0-or-later
// A local HTTP SMS gateway for the tests: it records every request (method, path, query,
// headers, body) and answers `status` (default 200). env gives a daemon the BALADIYA_SMS_*
// settings for it (a POST of a JSON body by default, with a bearer token).
//
//   const sms = await startSmsGateway();
//   const daemon = await startDaemon('official', { env: { ...sms.env } });
//   const [r] = await sms.waitFor((r) => r.to === '+213550000001');  r.text, r.headers
import http from 'node:http';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startSmsGateway({ token = 'test-gateway-token', status = 200,
	method = 'POST' } = {}) {
	const received = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const url = new URL(req.url, 'http://gateway');
			let json = null;
			try {
				json = body ? JSON.parse(body) : null;
			} catch {
				json = null;
			}
			const rec = {
				method: req.method,
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				headers: req.headers,
				body,
				json,
				to: json?.to ?? url.searchParams.get('to'),
				text: json?.text ?? url.searchParams.get('text'),
				authorized: req.headers.authorization === `Bearer ${token}`,
			};
			received.push(rec);
			res.writeHead(gw.status, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ ok: gw.status < 300 }));
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address();
	const gw = {
		port,
		status,
		url: `http://127.0.0.1:${port}`,
		received,
		env: method === 'GET'
			? {
				BALADIYA_SMS_URL: `http://127.0.0.1:${port}/send?to={to}&text={text}`,
				BALADIYA_SMS_METHOD: 'GET',
				BALADIYA_SMS_AUTH_HEADER: `Authorization: Bearer ${token}`,
			}
			: {
				BALADIYA_SMS_URL: `http://127.0.0.1:${port}/send`,
				BALADIYA_SMS_METHOD: 'POST',
				BALADIYA_SMS_CONTENT_TYPE: 'application/json',
				BALADIYA_SMS_BODY: '{"to":"{to}","text":"{text}"}',
				BALADIYA_SMS_AUTH_HEADER: `Authorization: Bearer ${token}`,
			},
		async waitFor(pred = () => true, { count = 1, timeoutMs = 15000 } = {}) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const got = received.filter(pred);
				if (got.length >= count) return got;
				if (Date.now() > deadline) {
					throw new Error(`sms gateway: ${got.length} of ${count} requests after ${timeoutMs} ms`);
				}
				await sleep(50);
			}
		},
		close: () => new Promise((r) => server.close(r)),
	};
	server.unref();
	return gw;
}
