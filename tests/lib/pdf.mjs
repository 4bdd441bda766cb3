// SPDX-License-Identifier: AGPL-3.0-or-later
// PDF files for the tests of deliberation attachments (council.test.mjs, recovery.test.mjs).

import crypto from 'node:crypto';

/**
 * A well-formed PDF (one page saying text, cross-reference table with the right offsets) padded
 * to about padBytes more with an unreferenced binary stream, so sizes can be chosen.
 */
export function makePdf(text = 'Extrait de deliberation', padBytes = 0) {
	const parts = [];
	const offsets = [];
	let len = 0;
	const push = (b) => {
		const buf = Buffer.isBuffer(b) ? b : Buffer.from(b, 'latin1');
		parts.push(buf);
		len += buf.length;
	};
	push('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
	const content = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
	const pad = crypto.randomBytes(padBytes);
	const objs = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R' +
			' /Resources << /Font << /F1 5 0 R >> >> >>',
		[`<< /Length ${content.length} >>\nstream\n`, content, '\nendstream'],
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
		[`<< /Length ${pad.length} >>\nstream\n`, pad, '\nendstream'],
	];
	objs.forEach((o, i) => {
		offsets.push(len);
		push(`${i + 1} 0 obj\n`);
		for (const p of [].concat(o)) push(p);
		push('\nendobj\n');
	});
	const xref = len;
	push(`xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`);
	for (const off of offsets) push(`${String(off).padStart(10, '0')} 00000 n \n`);
	push(`trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
	return Buffer.concat(parts);
}
