// SPDX-License-Identifier: AGPL-3.0-or-later
// Council deliberations' PDF attachments between two real daemons (issue 4): a staff member
// uploads a PDF → it is served on the origin with the exact bytes (SHA-256 compared by Node)
// and the right headers; the small "deliberation.file_added" event carries its metadata, not
// its bytes; the citizen mirror lists it and its link leads (303) to the origin's file. Bad
// uploads (a PNG or a text file named .pdf, a truncated PDF, no file, over 10 MiB, over the
// route's 11 MiB cap, a draft, a role without rights) get clear codes and store nothing; a
// peer's malformed file event is kept flagged and changes nothing.
// One federated pair serves the whole file; the tests run in order and build on each other.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client, errorCodeOf, rawRequest, signedIn, waitFor } from '../lib/http.mjs';
import { makePdf } from '../lib/pdf.mjs';
import {
	adoptEvents, federationStatus, forgeEvents, postInbox, readLog, signingKey, staffClient,
	startLinkedPair, waitForMirror,
} from '../lib/federation.mjs';

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

/** The smallest valid PNG (1×1, transparent). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64');

describe('deliberation PDF attachments', () => {
	let pair;
	let official;
	let citizen;
	let staff;
	let cAdmin;
	let delibId;
	let draftId;
	let fileId;
	let mirrorDelibId;
	const pdf = makePdf('Deliberation 2025/014', 300 * 1024);
	const NAME = 'Extrait délibération 2025-014 «BP».pdf';

	/** Official's deliberations as the staff list has them (drafts too). */
	const staffDelibs = async () => {
		const r = await staff.get('/staff/deliberations.json');
		assert.equal(r.status, 200);
		return r.json.items;
	};
	const createDelib = async (fields, publish = true) => {
		const r = await staff.post('/staff/deliberations', {
			action: publish ? 'publish' : 'draft', session_date: '2025-01-12', outcome: 'adoptee',
			...fields,
		});
		assert.equal(r.status, 303, `create answered ${r.status} ${r.errorCode}`);
		const item = (await staffDelibs()).find((x) => x.data.number === fields.number);
		assert.ok(item, 'the new deliberation is in the staff list');
		return item.id;
	};
	const upload = (id, bytes, filename, opts = {}) => {
		const fields = bytes === null ? {}
			: { file: new File([bytes], filename, { type: opts.type ?? 'application/pdf' }) };
		return (opts.client ?? staff).post(`/staff/deliberations/${id}/files`, fields,
			{ multipart: true, json: opts.json });
	};
	/** A multipart upload built by hand: filename goes out exactly as given (UTF-8). */
	const uploadRaw = async (id, bytes, filename) => {
		const boundary = `----baladiya${crypto.randomBytes(8).toString('hex')}`;
		const body = Buffer.concat([
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n` +
				`${await staff.csrf()}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file";` +
				` filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`),
			bytes,
			Buffer.from(`\r\n--${boundary}--\r\n`),
		]);
		return staff.request(`/staff/deliberations/${id}/files`, { method: 'POST', body,
			headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
	};
	const filesOf = async (srv, id) => {
		const r = await fetch(`${srv.url}/deliberations/${id}.json?lang=fr`);
		assert.equal(r.status, 200, `/deliberations/${id}.json answered ${r.status}`);
		return (await r.json()).files;
	};
	const fileRows = async (srv) => Number((await srv.cluster.psql(
		'SELECT count(*) FROM publication_files', { database: srv.database })).trim());
	/** The citizen's local id of official's deliberation id. */
	const mirrorId = async (id) => {
		const r = await fetch(`${citizen.url}/deliberations.json?lang=fr`);
		const item = (await r.json()).items.find((x) => x.origin_id === id);
		return item?.id;
	};

	before(async () => {
		// the public URLs are known before the start, so each side can link to the other
		pair = await startLinkedPair();
		({ official, citizen } = pair);
		[staff, cAdmin] = await Promise.all([staffClient(official), staffClient(citizen)]);
		delibId = await createDelib({ number: '2025/014', title_fr: 'Adoption du budget primitif 2025',
			title_ar: 'المصادقة على الميزانية الأولية لسنة 2025', votes_for: '19', votes_against: '2',
			abstentions: '2' });
		draftId = await createDelib({ number: '2025/099', title_fr: 'Brouillon' }, false);
	});

	after(async () => {
		await pair?.stop();
	});

	test('a staff upload is stored with its hash and served with the exact bytes and headers', async () => {
		const logBefore = await readLog(official);
		const r = await upload(delibId, pdf, NAME);
		assert.equal(r.status, 303, `upload answered ${r.status} ${r.errorCode}`);
		assert.equal(r.location, `/deliberations/${delibId}#files`);
		const files = await filesOf(official, delibId);
		assert.equal(files.length, 1);
		const [f] = files;
		fileId = f.id;
		assert.equal(f.name, NAME);
		assert.equal(f.size, pdf.length);
		assert.equal(f.sha256, sha256(pdf));
		assert.equal(f.url, `/deliberations/${delibId}/files/${f.id}`);
		assert.match(f.size_label, /^30\d Ko$/);

		const d = await fetch(`${official.url}${f.url}`);
		assert.equal(d.status, 200);
		const body = Buffer.from(await d.arrayBuffer());
		assert.equal(sha256(body), sha256(pdf), 'the downloaded bytes differ');
		assert.equal(d.headers.get('content-type'), 'application/pdf');
		assert.equal(d.headers.get('content-length'), String(pdf.length));
		assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
		const cd = d.headers.get('content-disposition');
		assert.match(cd, /^attachment; /);
		assert.ok(cd.includes("filename*=UTF-8''Extrait%20d%C3%A9lib%C3%A9ration%202025-014%20%C2%ABBP%C2%BB.pdf"),
			cd);
		assert.match(cd, /filename="Extrait d_lib_ration 2025-014 _BP_\.pdf"/, 'ASCII fallback');
		assert.match(d.headers.get('cache-control'), /max-age=\d+/);
		const etag = d.headers.get('etag');
		assert.equal(etag, `"${sha256(pdf)}"`);
		const again = await fetch(`${official.url}${f.url}`, { headers: { 'if-none-match': etag } });
		assert.equal(again.status, 304);
		assert.equal((await again.arrayBuffer()).byteLength, 0);
		const head = await fetch(`${official.url}${f.url}`, { method: 'HEAD' });
		assert.equal(head.status, 200);
		assert.equal(head.headers.get('content-length'), String(pdf.length));

		// the deliberation page lists it, in Arabic and French
		for (const [lang, unit] of [['fr', 'Ko'], ['ar', 'ك.ب']]) {
			const page = await (await fetch(`${official.url}/deliberations/${delibId}?lang=${lang}`)).text();
			assert.ok(page.includes(`href="/deliberations/${delibId}/files/${f.id}"`), lang);
			assert.ok(page.includes('Extrait délibération 2025-014 «BP».pdf'), lang);
			assert.ok(page.includes(unit), `${lang}: size unit`);
			assert.ok(page.includes('id="files"'), lang);
		}

		// one small event with the metadata, none of the bytes
		const log = await readLog(official);
		assert.equal(log.length, logBefore.length + 1);
		const ev = JSON.parse(log[log.length - 1].payload.toString('utf8'));
		assert.equal(ev.type, 'deliberation.file_added');
		assert.deepEqual(ev.refs, [{ origin: 'official', type: 'deliberation', id: String(delibId) }]);
		assert.deepEqual(ev.data, { deliberation_id: delibId, file_id: f.id, name: NAME,
			size: pdf.length, sha256: sha256(pdf), content_type: 'application/pdf' });
		assert.ok(log[log.length - 1].payload.length < 1024, 'the event carries the file');
	});

	test('the mirror lists the file and its link leads to the origin\'s file', async () => {
		await waitForMirror(official, citizen);
		const cid = await waitFor(() => mirrorId(delibId), { what: 'the mirrored deliberation' });
		mirrorDelibId = cid;
		const files = await waitFor(async () => {
			const fs = await filesOf(citizen, cid);
			return fs.length ? fs : null;
		}, { what: 'the mirrored file' });
		assert.equal(files.length, 1);
		const [f] = files;
		assert.equal(f.id, fileId, 'the mirror keeps the origin\'s file id');
		assert.equal(f.name, NAME);
		assert.equal(f.size, pdf.length);
		assert.equal(f.sha256, sha256(pdf));
		assert.equal(f.url, `/deliberations/${cid}/files/${fileId}`);
		assert.equal(f.is_on_origin, true);
		const page = await (await fetch(`${citizen.url}/deliberations/${cid}?lang=fr`)).text();
		assert.ok(page.includes(`href="/deliberations/${cid}/files/${fileId}"`));
		assert.ok(page.includes('conservé sur la plateforme de la commune'));
		// the mirror holds no bytes
		assert.equal((await citizen.cluster.psql('SELECT count(*) FROM publication_files WHERE data IS NOT NULL',
			{ database: citizen.database })).trim(), '0');

		const r = await fetch(`${citizen.url}${f.url}`, { redirect: 'manual' });
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), `${official.url}/deliberations/${delibId}/files/${fileId}`);
		const followed = await fetch(`${citizen.url}${f.url}`);
		assert.equal(followed.status, 200);
		assert.equal(followed.headers.get('content-type'), 'application/pdf');
		assert.equal(sha256(Buffer.from(await followed.arrayBuffer())), sha256(pdf));
		// a file id of another deliberation is not found
		const wrong = await fetch(`${citizen.url}/deliberations/${cid}/files/${fileId + 1000}`,
			{ redirect: 'manual' });
		assert.equal(wrong.status, 404);
	});

	test('non-PDF files are refused with 400 not_a_pdf and nothing is stored', async () => {
		const before = { files: await fileRows(official), log: (await readLog(official)).length };
		const cases = [
			['a PNG renamed .pdf', PNG, 'plan.pdf'],
			['a text file', Buffer.from('Procès-verbal de la session\n'.repeat(20)), 'pv.pdf'],
			['a text file that only starts like a PDF', Buffer.from(`%PDF-1.4\n${'x'.repeat(2000)}`), 'x.pdf'],
			['a PDF whose end was cut off', pdf.subarray(0, pdf.length - 2048), 'coupe.pdf'],
			['an HTML page sent as application/pdf', Buffer.from('<html><script>alert(1)</script></html>'), 'a.pdf'],
		];
		for (const [what, bytes, filename] of cases) {
			const r = await upload(delibId, bytes, filename);
			assert.equal(r.status, 400, `${what}: ${r.status}`);
			assert.equal(r.errorCode, 'not_a_pdf', what);
			const j = await upload(delibId, bytes, filename, { json: true });
			assert.equal(j.status, 400);
			assert.equal(j.json.error.code, 'not_a_pdf', what);
		}
		// the client's content type and extension do not matter either way
		const r = await upload(delibId, PNG, 'photo.png', { type: 'image/png' });
		assert.equal(r.errorCode, 'not_a_pdf');
		const none = await upload(delibId, null);
		assert.equal(none.status, 400);
		assert.equal(none.errorCode, 'file_required');
		const empty = await upload(delibId, Buffer.alloc(0), 'vide.pdf');
		assert.equal(empty.status, 400);
		assert.equal(empty.errorCode, 'file_required');
		assert.equal(await fileRows(official), before.files, 'a refused file was stored');
		assert.equal((await readLog(official)).length, before.log, 'a refused file made an event');
		assert.equal((await filesOf(official, delibId)).length, 1);
	});

	test('a file over 10 MiB gets 413 file_too_large, one over the 11 MiB route cap 413 payload_too_large', async () => {
		const before = await fileRows(official);
		const big = makePdf('Trop grand', 10 * 1024 * 1024 + 4096);
		const r = await upload(delibId, big, 'grand.pdf');
		assert.equal(r.status, 413, `${r.status} ${r.errorCode}`);
		assert.equal(r.errorCode, 'file_too_large');

		// 12 MiB: refused from the Content-Length alone, before any of the body is sent (raw
		// socket: the daemon answers at once and closes)
		const huge = makePdf('Énorme', 12 * 1024 * 1024);
		const boundary = `----baladiya${crypto.randomBytes(8).toString('hex')}`;
		const csrf = await staff.csrf();
		const body = Buffer.concat([
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n` +
				`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.pdf"\r\n` +
				'Content-Type: application/pdf\r\n\r\n'),
			huge,
			Buffer.from(`\r\n--${boundary}--\r\n`),
		]);
		const head = `POST /staff/deliberations/${delibId}/files HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
			`Content-Type: multipart/form-data; boundary=${boundary}\r\n` +
			`Content-Length: ${body.length}\r\nCookie: ${staff.cookieHeader()}\r\n` +
			'Accept: application/json\r\nConnection: close\r\n\r\n';
		const raw = await rawRequest(official.port, head);
		assert.equal(raw.status, 413, raw.text.slice(0, 300));
		assert.equal(JSON.parse(raw.body).error.code, 'payload_too_large');
		// and without a Content-Length (chunked), the cap applies while reading: the whole body
		// is read, nothing of it kept
		const chunked = await rawRequest(official.port,
			`POST /staff/deliberations/${delibId}/files HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
			`Content-Type: multipart/form-data; boundary=${boundary}\r\nTransfer-Encoding: chunked\r\n` +
			`Cookie: ${staff.cookieHeader()}\r\nAccept: application/json\r\nConnection: close\r\n\r\n` +
			`${body.length.toString(16)}\r\n`,
		{ chunks: [{ data: body }, { data: '\r\n0\r\n\r\n' }], timeoutMs: 30_000 });
		assert.equal(chunked.status, 413, `${chunked.error} ${chunked.text.slice(0, 300)}`);
		assert.equal(await fileRows(official), before);
	});

	test('file names are reduced to a sane last component', async () => {
		// sent as raw multipart, so the name arrives byte for byte as written here
		const cases = [
			['../../etc/passwd.pdf', 'passwd.pdf'],
			['C:\\Users\\agent\\Documents\\PV session.PDF', 'PV session.pdf'],
			['rapport\u202Efdp.exe', 'rapportfdp.exe.pdf'],
			['a\u0007b\tc\u001b[31m.pdf', 'abc[31m.pdf'],
			['  ..cache.pdf ', 'cache.pdf'],
			['...', 'deliberation.pdf'],
			[`${'م'.repeat(200)}.pdf`, `${'م'.repeat(116)}.pdf`],
			[`${'x'.repeat(300)}`, `${'x'.repeat(116)}.pdf`],
		];
		let n = (await filesOf(official, delibId)).length;
		for (const [sent, want] of cases) {
			const small = makePdf(`n${n}`);
			const r = await uploadRaw(delibId, small, sent);
			assert.equal(r.status, 303, `${JSON.stringify(sent)}: ${r.status} ${r.body.slice(0, 200)}`);
			const files = await filesOf(official, delibId);
			n += 1;
			assert.equal(files.length, n);
			const got = files[files.length - 1].name;
			assert.equal(got, want, JSON.stringify(sent));
			assert.ok([...got].length <= 120);
			assert.ok(!/[\x00-\x1f\x7f/\\\u202a-\u202e\u2066-\u2069]/.test(got), got);
			// the header stays one line, whatever the name
			const d = await fetch(`${official.url}${files[files.length - 1].url}`);
			assert.equal(d.status, 200);
			assert.ok(!/[\r\n]/.test(d.headers.get('content-disposition')));
			assert.equal(sha256(Buffer.from(await d.arrayBuffer())), sha256(small));
		}
		// all of them reach the mirror with the same names
		await waitForMirror(official, citizen);
		const cid = mirrorDelibId;
		assert.deepEqual((await filesOf(citizen, cid)).map((f) => [f.id, f.name, f.sha256]),
			(await filesOf(official, delibId)).map((f) => [f.id, f.name, f.sha256]));
	});

	test('drafts, roles, unknown deliberations and anonymous visitors are refused', async () => {
		const before = await fileRows(official);
		const draft = await upload(draftId, pdf, 'brouillon.pdf');
		assert.equal(draft.status, 409);
		assert.equal(draft.errorCode, 'deliberation_not_published');
		const missing = await upload(999999, pdf, 'x.pdf');
		assert.equal(missing.status, 404);
		assert.equal(missing.errorCode, 'deliberation_not_found');
		const agent = await signedIn(official, 'agent', 'agent_council');
		const forbidden = await upload(delibId, pdf, 'x.pdf', { client: agent });
		assert.equal(forbidden.status, 403);
		assert.equal(forbidden.errorCode, 'forbidden');
		const anon = new Client(official.url);
		const r = await upload(delibId, pdf, 'x.pdf', { client: anon });
		assert.ok([401, 403].includes(r.status), `anonymous upload answered ${r.status}`);
		// the citizen platform has no staff upload for the commune's deliberations
		const cid = await mirrorId(delibId);
		// (no body: the daemon answers an unknown address before reading one and closes)
		const c = await cAdmin.request(`/staff/deliberations/${cid}/files`, { method: 'POST' });
		assert.ok([404, 405].includes(c.status), `citizen upload answered ${c.status}`);
		assert.equal(await fileRows(official), before);
		// a draft's files do not exist publicly; an unknown file id is a 404
		assert.equal((await fetch(`${official.url}/deliberations/${draftId}/files/${fileId}`)).status, 404);
		assert.equal((await fetch(`${official.url}/deliberations/${delibId}/files/999999`)).status, 404);
		assert.equal((await fetch(`${official.url}/deliberations/${delibId}/files/abc`)).status, 404);
	});

	test('a deliberation has at most 20 files (409 too_many_files)', async () => {
		let n = (await filesOf(official, delibId)).length;
		assert.ok(n < 20);
		while (n < 20) {
			const r = await upload(delibId, makePdf(`f${n}`), `annexe-${n}.pdf`);
			assert.equal(r.status, 303, `file ${n + 1}: ${r.status} ${r.errorCode}`);
			n += 1;
		}
		const before = (await readLog(official)).length;
		const r = await upload(delibId, makePdf('21'), 'annexe-21.pdf');
		assert.equal(r.status, 409);
		assert.equal(r.errorCode, 'too_many_files');
		assert.equal((await filesOf(official, delibId)).length, 20);
		assert.equal((await readLog(official)).length, before);
		await waitForMirror(official, citizen);
		assert.equal((await filesOf(citizen, mirrorDelibId)).length, 20);
		// the sizes read well: a small file in KB, a large one in MB with one decimal
		const big = makePdf('Grand', 2 * 1024 * 1024);
		const d2 = await createDelib({ number: '2025/040', title_fr: 'Budget supplémentaire 2025' });
		assert.equal((await upload(d2, big, 'bs-2025.pdf')).status, 303);
		const [f] = await filesOf(official, d2);
		assert.equal(f.size_label, '2.0 Mo');
		const en = await (await fetch(`${official.url}/deliberations/${d2}.json?lang=en`)).json();
		assert.equal(en.files[0].size_label, '2.0 MB');
	});

	test('the staff edit form of a deliberation has the labelled upload form (and other kinds do not)', async () => {
		const r = await staff.get(`/staff/deliberations/${delibId}/edit?lang=fr`);
		assert.equal(r.status, 200);
		assert.ok(r.body.includes(`action="/staff/deliberations/${delibId}/files"`));
		assert.ok(r.body.includes('enctype="multipart/form-data"'));
		assert.match(r.body, /<label for="council-file">[^<]+<\/label> <input type="file" id="council-file" name="file"/);
		const forms = r.body.split('<form').slice(1);
		assert.ok(forms.every((f) => /name="csrf" value="[0-9a-f]{64}"/.test(f)), 'a form without CSRF');
		const p = await staff.post('/staff/projects', { action: 'publish', title_fr: 'Projet témoin',
			category: 'voirie', status: 'etude', progress: '0' });
		assert.equal(p.status, 303);
		const list = await staff.get('/staff/projects.json');
		const pid = list.json.items[0].id;
		const pe = await staff.get(`/staff/projects/${pid}/edit`);
		assert.equal(pe.status, 200);
		assert.ok(!pe.body.includes('council-file'), 'a project form offers PDF uploads');
	});

	test('withdrawing the deliberation withdraws its files on both sides', async () => {
		const url = `/deliberations/${delibId}/files/${fileId}`;
		const r = await staff.post(`/staff/deliberations/${delibId}/unpublish`,
			{ reason: 'Délibération annulée par la tutelle' });
		assert.equal(r.status, 303, `${r.status} ${r.errorCode}`);
		assert.equal((await fetch(`${official.url}${url}`)).status, 404);
		assert.deepEqual(await filesOf(official, delibId), []);
		await waitForMirror(official, citizen);
		const cid = mirrorDelibId;
		assert.deepEqual(await filesOf(citizen, cid), []);
		assert.equal((await fetch(`${citizen.url}/deliberations/${cid}/files/${fileId}`,
			{ redirect: 'manual' })).status, 404);
		const again = await upload(delibId, pdf, 'x.pdf');
		assert.equal(again.status, 409);
		assert.equal(again.errorCode, 'deliberation_not_published');
	});

	test('a peer\'s malformed file event is stored flagged and changes nothing on the mirror', async () => {
		const key = signingKey(official);
		const good = { deliberation_id: delibId, file_id: 990001, name: 'ok.pdf', size: 1000,
			sha256: 'a'.repeat(64), content_type: 'application/pdf' };
		const bad = [
			{ ...good, sha256: 'A'.repeat(64) },
			{ ...good, name: '../x.pdf' },
			{ ...good, name: 'x.exe' },
			{ ...good, name: 'a\u0007b.pdf' },
			{ ...good, size: 11 * 1024 * 1024 },
			{ ...good, size: '1000' },
			{ ...good, content_type: 'text/html' },
			{ ...good, file_id: -3 },
			{ ...good, deliberation_id: 987654 },
			{ ...good, file_id: fileId, name: 'remplace.pdf' },
		];
		const cBefore = await fileRows(citizen);
		const flaggedBefore = (await federationStatus(cAdmin)).peer.flagged;
		const evs = forgeEvents(await readLog(official), 'official', bad.map((data) => ({
			type: 'deliberation.file_added',
			refs: [{ origin: 'official', type: 'deliberation', id: String(delibId) }], data,
		})), key);
		for (const ev of evs) {
			const r = await postInbox(citizen, ev.envelope, key);
			assert.equal(r.status, 200, r.text);
		}
		const st = await federationStatus(cAdmin);
		assert.equal(st.peer.flagged, flaggedBefore + bad.length, 'an invalid file event was applied');
		assert.equal(await fileRows(citizen), cBefore);
		const flags = (await citizen.cluster.psql(
			`SELECT DISTINCT flag FROM fed_events WHERE origin = 'official' AND seq >= ${evs[0].seq}`,
			{ database: citizen.database })).trim();
		assert.equal(flags, 'invalid_data');
		// the pair stays consistent: official adopts them, and a real event still applies
		await adoptEvents(official, evs);
		await waitForMirror(official, citizen);
	});
});
