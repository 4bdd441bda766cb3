// SPDX-License-Identifier: AGPL-3.0-or-later
// Residents' reports in the tests: posting citizen-srv's report form as a browser does
// (multipart, with the CSRF token of the client's jar and its photos).
//
//   const resident = new Client(pair.citizen.url);
//   await resident.get('/reports/new?lang=fr');      // the form: a CSRF cookie
//   const r = await postReport(resident, { category: 'VOI', title: '...' }, [], { json: true });

/**
 * POSTs /reports as multipart from client (fields, then photos [{bytes, name, type}] as
 * 'photo' files, then the CSRF token); opts go to Client.request (json...). Resolves to the reply.
 */
export async function postReport(client, fields, photos = [], opts = {}) {
	const body = new FormData();
	for (const [k, v] of Object.entries(fields)) body.append(k, v);
	for (const p of photos) body.append('photo', new File([p.bytes], p.name, { type: p.type }));
	body.append('csrf', await client.csrf());
	return client.request('/reports', { method: 'POST', body, ...opts });
}
