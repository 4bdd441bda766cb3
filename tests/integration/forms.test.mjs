// SPDX-License-Identifier: AGPL-3.0-or-later
// Online forms with tracking (module forms, official platform) across a linked pair of daemons:
// staff define and publish a form (strict checks), a resident submits a file with a PDF without
// an account and gets a reference and a private link, an agent asks for a missing document, the
// resident adds it through the link, the agent marks the file ready, the resident sees the
// history. Hostile input gets stable 4xx codes and changes nothing. Privacy: marker values of the
// file are searched in every public page (ar, fr) and JSON twin, both event logs, both
// databases' federation tables and both daemons' logs. forms_figures against the rows.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/forms.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readLog, startLinkedPair } from '../lib/federation.mjs';
import { Client, errorCodeOf, signedIn, sql } from '../lib/http.mjs';

const SERVICE = 'test-permit';
const MARK = {
	name: 'Nom-marqueur-5e1b',
	contact: 'marqueur.9c4d@example.dz',
	answer: 'Réponse-marqueur-2f7a',
	pdf: 'PDF-marqueur-8b3e',
	message: 'Message-marqueur-4d6c',
};
const DEF = {
	title: { ar: 'رخصة اختبار', fr: 'Permis de test' },
	fields: [
		{ name: 'applicant_name', type: 'text', required: true, max_length: 60,
			label: { ar: 'الاسم', fr: 'Nom' } },
		{ name: 'kind', type: 'choice', required: true, label: { ar: 'النوع', fr: 'Type' },
			options: [{ value: 'owner', label: { ar: 'مالك', fr: 'Propriétaire' } },
				{ value: 'agent', label: { ar: 'وكيل', fr: 'Mandataire' } }] },
		{ name: 'mandate_ref', type: 'text', required: true, label: { ar: 'الوكالة', fr: 'Procuration' },
			show_if: { field: 'kind', equals: 'agent' } },
		{ name: 'surface', type: 'number', required: true, min: 1, max: 5000,
			label: { ar: 'المساحة', fr: 'Surface' } },
		{ name: 'quarter', type: 'quarter', required: true, label: { ar: 'الحي', fr: 'Quartier' } },
		{ name: 'notes', type: 'long_text', label: { ar: 'ملاحظات', fr: 'Remarques' } },
		{ name: 'plan', type: 'attachment', required: true, accept: ['pdf', 'image'],
			label: { ar: 'المخطط', fr: 'Plan' } },
	],
};

const pdf = (extra = '') => Buffer.from(`%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n${extra}\n` +
	`(${MARK.pdf})\ntrailer <<>>\n%%EOF\n`);

let pair, admin, agent, official;

/** The resident's multipart POST of the form, with the form_key of a fresh GET. */
async function submit(client, fields, files = [], { key, service = SERVICE, json = true, lang } = {}) {
	let formKey = key;
	if (formKey === undefined) {
		const page = await client.get(`/services/${SERVICE}/form?lang=fr`);
		assert.equal(page.status, 200);
		formKey = /name="form_key" value="([0-9a-f]{32})"/.exec(page.body)[1];
	}
	const body = new FormData();
	for (const [k, v] of Object.entries(fields)) body.append(k, v);
	for (const f of files) body.append(f.field, new File([f.bytes], f.name, { type: f.type }));
	if (formKey !== null) body.append('form_key', formKey);
	body.append('csrf', await client.csrf());
	const r = await client.request(`/services/${service}/form${lang ? `?lang=${lang}` : ''}`, { method: 'POST', body, json });
	return { r, formKey };
}

const ANSWERS = { applicant_name: MARK.name, kind: 'owner', surface: '120', quarter: 'tighilt',
	notes: MARK.answer, contact: MARK.contact, notify: 'yes' };
const PLAN = { field: 'plan', bytes: pdf(), name: 'plan.pdf', type: 'application/pdf' };

async function counts() {
	return sql(official, 'SELECT (SELECT count(*) FROM form_files) || \'/\' ||' +
		' (SELECT count(*) FROM form_attachments) || \'/\' || (SELECT count(*) FROM form_messages)' +
		' || \'/\' || (SELECT count(*) FROM form_status_changes)');
}

function codeOf(r) {
	try { return JSON.parse(r.body).error.code; } catch { return errorCodeOf(r.body); }
}

before(async () => {
	pair = await startLinkedPair();
	official = pair.official;
	admin = await signedIn(official, 'admin', 'formadmin');
	agent = await signedIn(official, 'agent', 'formagent');
});

after(async () => { await pair?.stop(); });

describe('forms', () => {
	let ref, token, trackPath;

	test('staff define a form: strict checks, versions, publication', async () => {
		const none = await new Client(official.url).get(`/services/${SERVICE}/form`, { json: true });
		assert.equal(none.status, 404);
		assert.equal(codeOf(none), 'form_not_found');
		let r = await admin.post(`/staff/forms/${SERVICE}`, { definition: '{"title": ' });
		assert.equal(r.status, 400);
		assert.match(r.body, /invalid_definition/);
		const bad = structuredClone(DEF);
		bad.fields[2].show_if.field = 'nowhere';
		r = await admin.post(`/staff/forms/${SERVICE}?lang=fr`, { definition: JSON.stringify(bad) });
		assert.equal(r.status, 400);
		assert.match(r.body, /mandate_ref/, 'the error names the field');
		assert.equal(await sql(official, 'SELECT count(*) FROM form_versions'), '0');
		r = await admin.post(`/staff/forms/${SERVICE}`, { definition: JSON.stringify(DEF) });
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), `/staff/forms/${SERVICE}?saved=1`);
		assert.equal((await agent.post(`/staff/forms/${SERVICE}`, { definition: JSON.stringify(DEF) })).status, 403);
		r = await admin.post(`/staff/forms/${SERVICE}/publish`, { version: '7' });
		assert.equal(r.status, 404);
		r = await admin.post(`/staff/forms/${SERVICE}/publish`, { version: '1' });
		assert.equal(r.status, 303);
		const page = await new Client(official.url).get(`/services/${SERVICE}/form?lang=ar`);
		assert.equal(page.status, 200);
		assert.match(page.body, /رخصة اختبار/);
		assert.match(page.body, /data-show-field="f-kind" data-show-value="agent"/);
		assert.match(page.body, /form-condition/, 'the condition is stated for pages without script');
	});

	test('a resident submits a file with a PDF and gets a reference and a private link', async () => {
		const c = new Client(official.url);
		const { r } = await submit(c, ANSWERS, [PLAN]);
		assert.equal(r.status, 201, r.body);
		const v = JSON.parse(r.body);
		assert.match(v.ref, /^D-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
		ref = v.ref;
		trackPath = new URL(v.tracking_url).pathname;
		token = trackPath.split('/').pop();
		assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
		assert.equal(r.headers.get('cache-control'), 'no-store');
		const stored = await sql(official, `SELECT tracking_sha256 FROM form_files WHERE ref = '${ref}'`);
		const { createHash } = await import('node:crypto');
		assert.equal(stored, createHash('sha256').update(token).digest('hex'), 'only the hash is stored');
		assert.equal(await sql(official, `SELECT count(*) FROM form_files WHERE tracking_sha256 LIKE '%${token}%' OR answers::text LIKE '%${token}%'`), '0');
		assert.equal(await sql(official, `SELECT contact_kind || '|' || notify_consent FROM form_files WHERE ref = '${ref}'`), 'email|true');
		// an HTML submission shows the link once
		const html = await submit(new Client(official.url), ANSWERS, [PLAN], { json: false });
		assert.equal(html.r.status, 201);
		assert.match(html.r.body, /id="tracking-link" href="http:\/\/[^"]+\/forms\/track\/[A-Za-z0-9_-]{43}"/);
		const track = await c.get(trackPath + '?lang=fr');
		assert.equal(track.status, 200);
		assert.match(track.body, /Reçu/);
		assert.equal(track.headers.get('referrer-policy'), 'no-referrer');
	});

	test('hostile input gets stable codes and changes nothing', async () => {
		const c = new Client(official.url);
		const before = await counts();
		const cases = [
			[{ ...ANSWERS, applicant_name: 'x'.repeat(61) }, [PLAN], {}, 400, 'field_too_long'],
			[{ ...ANSWERS, surface: 'beaucoup' }, [PLAN], {}, 400, 'field_invalid'],
			[{ ...ANSWERS, surface: '999999' }, [PLAN], {}, 400, 'field_out_of_range'],
			[{ ...ANSWERS, kind: 'king' }, [PLAN], {}, 400, 'field_not_an_option'],
			[{ ...ANSWERS, kind: 'agent' }, [PLAN], {}, 400, 'field_required'],
			[{ ...ANSWERS, quarter: 'atlantis' }, [PLAN], {}, 400, 'field_not_an_option'],
			[ANSWERS, [], {}, 400, 'field_required'],
			[ANSWERS, [{ ...PLAN, bytes: Buffer.from('<html><script>alert(1)</script></html>') }], {}, 415, 'file_type'],
			[ANSWERS, [{ ...PLAN, bytes: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n') }], {}, 400, 'pdf_invalid'],
			[ANSWERS, [{ ...PLAN, bytes: pdf('2 0 obj <</S /JavaScript /JS (app.alert(1))>> endobj') }], {}, 400, 'pdf_active_content'],
			[ANSWERS, [PLAN, { ...PLAN, field: 'notes' }], {}, 400, 'unexpected_file'],
			[ANSWERS, [PLAN, PLAN], {}, 400, 'unexpected_file'],
			[{ ...ANSWERS, contact: 'pas un contact' }, [PLAN], {}, 400, 'invalid_contact'],
			[{ ...ANSWERS, contact: '' }, [PLAN], {}, 400, 'consent_needs_contact'],
			[ANSWERS, [PLAN], { key: null }, 400, 'invalid_form_key'],
			[ANSWERS, [PLAN], { service: 'no-such-service' }, 404, 'form_not_found'],
		];
		for (const [fields, files, opts, status, code] of cases) {
			const { r } = await submit(c, fields, files, opts);
			assert.equal(r.status, status, `${code}: ${r.body.slice(0, 200)}`);
			assert.equal(codeOf(r), code);
		}
		// a replayed form
		const first = await submit(c, ANSWERS, [PLAN]);
		assert.equal(first.r.status, 201);
		const mid = await counts();
		const replay = await submit(c, ANSWERS, [PLAN], { key: first.formKey });
		assert.equal(replay.r.status, 409);
		assert.equal(codeOf(replay.r), 'form_replayed');
		assert.equal(await counts(), mid);
		assert.notEqual(before, mid);
		// forged and malformed tracking tokens
		for (const t of ['a'.repeat(43), 'nope', token.toUpperCase()]) {
			const r = await c.get(`/forms/track/${t}`, { json: true });
			assert.equal(r.status, 404);
			assert.equal(codeOf(r), 'tracking_unknown');
		}
		const r = await c.post(`/forms/track/${'b'.repeat(43)}/messages`, { body: 'x', form_key: 'c'.repeat(32) }, { multipart: true, json: true });
		assert.equal(r.status, 404);
		assert.equal(await counts(), mid);
	});

	test('a refused answer shows the form again in the resident\'s language, with what was typed', async () => {
		const c = new Client(official.url);
		const before = await counts();
		const typed = { ...ANSWERS, surface: 'beaucoup', notes: `${MARK.answer} <b>&"</b>`, contact: 'pas un contact' };
		const words = {
			ar: { summary: 'توجد مشكلة في الاستمارة', field: 'هذا الجواب ليس بالشكل المطلوب.', again: 'اخترها من جديد', title: 'رخصة اختبار' },
			fr: { summary: 'Le formulaire contient des erreurs', field: 'Cette réponse n&#39;a pas la forme attendue.', again: 'choisissez-les à nouveau', title: 'Permis de test' },
		};
		for (const lang of ['ar', 'fr']) {
			const { r } = await submit(c, typed, [PLAN], { json: false, lang });
			assert.equal(r.status, 400, r.body.slice(0, 300));
			const b = r.body;
			assert.match(b, new RegExp(`<html[^>]* lang="${lang}"`));
			assert.ok(b.includes(words[lang].title) && b.includes(words[lang].summary), `${lang}: the form, not the error page`);
			assert.equal(r.headers.get('cache-control'), 'no-store', 'what was typed is not cached');
			// what was typed is kept (escaped), the error sits beside the field and is linked from the summary
			assert.match(b, new RegExp(`id="f-applicant_name" name="applicant_name"[^>]* value="${MARK.name}"`));
			assert.ok(b.includes(`>${MARK.answer} &lt;b&gt;&amp;&quot;&lt;/b&gt;</textarea>`), `${lang}: the long text is kept`);
			assert.match(b, /<option value="owner" selected>/);
			assert.match(b, /<option value="tighilt" selected>/);
			assert.match(b, /id="f-surface" name="surface"[^>]* value="beaucoup"[^>]* aria-describedby="f-surface-error" aria-invalid="true"/);
			assert.ok(b.includes(`<span class="field-error" id="f-surface-error">${words[lang].field}</span>`));
			assert.match(b, /<a href="#f-surface">/);
			assert.match(b, /<a href="#f-contact">/);
			assert.match(b, /id="f-contact"[^>]* value="pas un contact" aria-describedby="f-contact-error contact-help" aria-invalid="true"/);
			assert.match(b, /id="f-notify" name="notify" value="yes" checked/);
			assert.ok(!/id="f-applicant_name"[^>]*aria-invalid/.test(b), 'an accepted field is not marked');
			assert.ok(b.includes(words[lang].again), `${lang}: attachments must be chosen again`);
			assert.match(b, /name="form_key" value="[0-9a-f]{32}"/);
		}
		// the JSON twin: the first code and every refused field
		const { r } = await submit(c, typed, [PLAN]);
		assert.equal(r.status, 400);
		const e = JSON.parse(r.body).error;
		assert.equal(e.code, 'field_invalid');
		assert.deepEqual(e.fields, [{ field: 'surface', code: 'field_invalid' }, { field: 'contact', code: 'invalid_contact' }]);
		// a refused attachment names its field; nothing typed reaches the log
		const bad = await submit(c, ANSWERS, [{ ...PLAN, bytes: pdf('/JavaScript') }], { json: false, lang: 'fr' });
		assert.equal(bad.r.status, 400);
		assert.match(bad.r.body, /<a href="#f-plan">/);
		assert.match(bad.r.body, /id="f-plan"[^>]* aria-describedby="f-plan-error f-plan-help" aria-invalid="true"/);
		assert.equal(await counts(), before, 'nothing stored');
		assert.ok(!official.logs().includes('pas un contact') && !official.logs().includes('beaucoup'));
	});

	test('agent asks for a document, the resident adds it, the agent marks the file ready', async () => {
		let r = await agent.get('/staff/files?lang=fr');
		assert.equal(r.status, 200);
		assert.ok(r.body.includes(ref));
		assert.equal((await agent.get('/staff/files?status=bogus')).status, 400);
		assert.equal((await new Client(official.url).get('/staff/files')).status, 303);
		const q = await agent.get(`/staff/files.json?service=${SERVICE}&status=received`);
		assert.ok(JSON.parse(q.body).items.some((i) => i.ref === ref));
		r = await agent.get(`/staff/files/${ref}?lang=fr`);
		assert.equal(r.status, 200);
		assert.ok(r.body.includes(MARK.answer) && r.body.includes(MARK.contact));
		const url = /href="(\/staff\/files\/[^"]+\/attachments\/\d+)"/.exec(r.body)[1];
		const a = await agent.get(url);
		assert.equal(a.status, 200);
		assert.match(a.headers.get('content-disposition'), /^attachment; filename="D-/);
		assert.equal(a.headers.get('x-content-type-options'), 'nosniff');
		assert.equal(a.headers.get('content-type'), 'application/pdf');
		assert.ok(a.body.includes(MARK.pdf));
		assert.equal((await new Client(official.url).get(url)).status, 303, 'attachments are staff only');

		r = await agent.post(`/staff/files/${ref}/status`, { status: 'incomplete' }, { json: true });
		assert.equal(r.status, 400);
		assert.equal(codeOf(r), 'missing_required');
		r = await agent.post(`/staff/files/${ref}/status`, { status: 'refused', reason: 'Hors délai' }, { json: true });
		assert.equal(codeOf(r), 'refusal_reason_required');
		r = await agent.post(`/staff/files/${ref}/status`, { status: 'incomplete', missing: 'Le plan de masse signé' });
		assert.equal(r.status, 303);
		r = await agent.post(`/staff/files/${ref}/messages`, { body: 'Merci de joindre le plan de masse.' });
		assert.equal(r.status, 303);

		const c = new Client(official.url);
		let t = await c.get(trackPath + '?lang=fr');
		assert.match(t.body, /Incomplet/);
		assert.match(t.body, /Le plan de masse signé/);
		assert.match(t.body, /Merci de joindre le plan de masse/);
		const key = /name="form_key" value="([0-9a-f]{32})"/.exec(t.body)[1];
		const body = new FormData();
		body.append('body', MARK.message);
		body.append('form_key', key);
		body.append('documents', new File([pdf()], 'masse.pdf', { type: 'application/pdf' }));
		body.append('csrf', await c.csrf());
		r = await c.request(`${trackPath}/messages`, { method: 'POST', body });
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), `${trackPath}?sent=1`);
		// the same message again: refused, nothing added
		const again = new FormData();
		again.append('body', MARK.message);
		again.append('form_key', key);
		again.append('csrf', await c.csrf());
		const before = await counts();
		r = await c.request(`${trackPath}/messages`, { method: 'POST', body: again, json: true });
		assert.equal(r.status, 409);
		assert.equal(await counts(), before);

		r = await agent.get(`/staff/files/${ref}.json`);
		assert.equal(JSON.parse(r.body).status, 'received');
		assert.equal(JSON.parse(r.body).attachments.length, 2);
		r = await agent.post(`/staff/files/${ref}/status`, { status: 'ready', pickup: 'Guichet 3, dimanche 08:00–12:00' });
		assert.equal(r.status, 303);
		r = await agent.get(`/staff/files/${ref}.json`);
		const audit = JSON.parse(r.body).history;
		assert.deepEqual(audit.map((h) => h.status), ['received', 'incomplete', 'received', 'ready']);
		assert.equal(audit[1].username, 'formagent', 'the audit trail says who');

		t = await c.get(trackPath + '?lang=ar');
		assert.match(t.body, /جاهز للسحب/);
		assert.match(t.body, /Guichet 3/);
		assert.equal([...t.body.matchAll(/<li><time datetime=/g)].length, 4, 'four steps in the history');
		assert.ok(!t.body.includes('formagent'), 'residents do not see staff names');
		r = await agent.post(`/staff/files/${ref}/status`, { status: 'closed' });
		assert.equal(r.status, 303);
		r = await agent.post(`/staff/files/${ref}/status`, { status: 'in_progress' }, { json: true });
		assert.equal(r.status, 409);
		assert.equal(codeOf(r), 'status_not_allowed');
	});

	test('forms_figures matches figures computed from the rows', async () => {
		const svc = 'figures-test';
		await sql(official, `INSERT INTO form_versions (service, version, definition, published_at, is_current)
			SELECT '${svc}', 1, definition, now(), true FROM form_versions WHERE service = '${SERVICE}' LIMIT 1`);
		const vid = await sql(official, `SELECT id FROM form_versions WHERE service = '${svc}'`);
		const days = [];
		const values = [];
		for (let i = 0; i < 23; i++) {
			const d = i < 19 ? ((i * 7919) % 97) / 3 : null; // some undecided
			if (d !== null) days.push(d);
			const created = `now() - interval '200 days' + interval '${i} hours'`;
			values.push(`('D-FG${String(i).padStart(2, '0').replace(/[01]/g, (x) => x === '0' ? 'A' : 'B')}-TEST', '${svc}', ${vid}, '{}',
				'${'0'.repeat(62)}${String(i).padStart(2, '0')}', 'figkey${i}', ${created},
				${d === null ? 'NULL' : `${created} + interval '${d * 86400} seconds'`})`);
		}
		await sql(official, `INSERT INTO form_files (ref, service, version_id, answers, tracking_sha256, submit_key, created_at, decided_at) VALUES ${values.join(',')}`);
		const pct = (p) => {
			const s = [...days].sort((a, b) => a - b);
			const x = p * (s.length - 1);
			const lo = Math.floor(x);
			return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (x - lo);
		};
		const f = JSON.parse((await admin.get(`/staff/forms/${svc}/figures?legal_delay_days=15&min_sample=5`)).body);
		assert.equal(f.files, 23);
		assert.equal(f.decided, 19);
		assert.ok(Math.abs(f.median_days - pct(0.5)) < 0.01, `median ${f.median_days} vs ${pct(0.5)}`);
		assert.ok(Math.abs(f.p90_days - pct(0.9)) < 0.01, `p90 ${f.p90_days} vs ${pct(0.9)}`);
		assert.ok(Math.abs(f.within_delay - days.filter((d) => d <= 15).length / days.length) < 0.0001);
		const few = JSON.parse((await admin.get(`/staff/forms/${svc}/figures?min_sample=20`)).body);
		assert.deepEqual(few, { files: 23, decided: 19, median_days: null, p90_days: null, within_delay: null });
	});

	test('privacy: no page, event, federation table or log holds the file', async () => {
		const markers = [...Object.values(MARK), token];
		const seen = new Set();
		for (const srv of [pair.official, pair.citizen]) {
			const c = new Client(srv.url);
			const queue = ['/'];
			for (const lang of ['ar', 'fr']) {
				for (let i = 0; i < queue.length && i < 60; i++) {
					const p = queue[i];
					for (const path of [p, p === '/' ? '/.json' : `${p}.json`]) {
						const r = await c.get(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
						for (const m of markers) assert.ok(!r.body.includes(m), `${srv.side} ${path} (${lang}) shows ${m}`);
					}
					const html = (await c.get(`${p}?lang=${lang}`)).body;
					for (const [, href] of html.matchAll(/href="(\/[^"?#]*)"/g)) {
						if (!href.startsWith('/static') && !href.startsWith('/staff') && !seen.has(href) &&
							!href.startsWith('/photos') && !href.startsWith('/forms/track')) {
							seen.add(href);
							queue.push(href);
						}
					}
				}
			}
			const log = JSON.stringify(await readLog(srv));
			for (const m of markers) assert.ok(!log.includes(m), `${srv.side} event log holds ${m}`);
			const tables = (await sql(srv, "SELECT string_agg(tablename, ' ') FROM pg_tables WHERE schemaname = 'public' AND (tablename LIKE 'fed%' OR tablename LIKE '%outbox%' OR tablename LIKE 'federation%' OR tablename LIKE 'peer%' OR tablename LIKE 'inbox%')")).split(' ').filter(Boolean);
			assert.ok(tables.length > 0, `${srv.side} has federation tables`);
			for (const t of tables) {
				const dump = await sql(srv, `SELECT coalesce(string_agg(x::text, ' '), '') FROM ${t} x`);
				for (const m of markers) assert.ok(!dump.includes(m), `${srv.side} table ${t} holds ${m}`);
			}
			const logs = srv.logs();
			for (const m of markers) assert.ok(!logs.includes(m), `${srv.side}-srv logs ${m}`);
		}
		assert.ok(seen.size > 5, `crawled ${seen.size} public pages`);
		assert.match(pair.official.logs(), /\/forms\/track\/\{token\}/, 'the access log shows the pattern');
	});
});
