// SPDX-License-Identifier: AGPL-3.0-or-later
// Regressions found by fuzzing the parsers (tests/fuzz, docs/fuzzing.md), replayed over HTTP
// against a real daemon on a real PostgreSQL: each input once crashed or misled the daemon.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster } from '../lib/harness.mjs';
import { rawRequest, startSite } from '../lib/http.mjs';

let cluster;
let srv;

before(async () => {
	cluster = await startCluster();
	srv = await startSite('citizen', { cluster, themeDir: 'demo/citizen' });
});

after(async () => {
	assert.equal(await srv?.stop(), 0, 'the daemon stops cleanly, without a sanitizer report');
	await cluster?.destroy();
});

/** A raw POST with this body and Content-Type, answered in JSON. It carries a well-formed CSRF
 * cookie: without one the daemon refuses a form on its headers, before any parsing. */
function post(path, contentType, body) {
	const head = [
		`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close',
		'Accept: application/json', `Content-Type: ${contentType}`,
		`Cookie: __Host-csrf=${'c'.repeat(64)}`,
		`Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
	].join('\r\n');
	return rawRequest(srv.port, Buffer.from(`${head}\r\n\r\n${body}`, 'latin1'));
}

describe('forms', () => {
	it('answers a multipart part without a Content-Disposition name with 400 invalid_form', async () => {
		// tests/fuzz/corpus/form/regress-part-without-name: the post processor hands such a
		// part over without a field name, which form.c used to copy (a NULL: the daemon died)
		const bodies = [
			'--XyZ\r\nContent-Disqosition: form-data; name="title"\r\n\r\nHello\r\n--XyZ--\r\n',
			'--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n' +
				'--XyZ\r\nContent-Type: text/plain\r\n\r\ny\r\n--XyZ--\r\n',
		];
		for (const body of bodies) {
			const r = await post('/login', 'multipart/form-data; boundary=XyZ', body);
			assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.error || r.text.slice(0, 200)}`);
			assert.equal(JSON.parse(r.body).error.code, 'invalid_form');
		}
		const health = await fetch(`${srv.url}/healthz`);
		assert.equal(health.status, 200, 'the daemon still answers');
	});
});
