// SPDX-License-Identifier: AGPL-3.0-or-later
// The outgoing-message queue (module notify) on a real official-srv against a real SMTP server
// (Debian's aiosmtpd: STARTTLS with a self-signed certificate and AUTH, then implicit TLS) and a
// local HTTP SMS gateway: the MIME of what arrives (RFC 2047 subject, base64 body, Message-ID
// kept across retries), header injection refused at enqueue, the mail server down then up
// (everything delivered once), the daemon SIGKILLed in the middle of a batch (every message
// delivered, none twice but the one in flight, which keeps its Message-ID), failed messages
// listed and requeued, retention. The callers: a form file's follower gets one digest an hour
// with an unsubscribe link that works without JavaScript or cookies (RFC 8058 one-click too);
// a booking gets its confirmation, a reminder two days before at 09:00 Africa/Algiers with the
// private link, a move, and the commune's closing notice. No address or text in the logs.
//
//   BALADIYA_BUILD_DIR=build/dev node --test tests/integration/notify.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { counterWith, book, bookedOf, openBooking } from '../lib/appointments.mjs';
import { Client, cliFor, errorCodeOf, signedIn, sql, startSite, waitFor } from '../lib/http.mjs';
import { startSmsGateway } from '../lib/sms_gateway.mjs';
import { startSmtpServer } from '../lib/smtp.mjs';

const AUTH = { user: 'baladiya', password: 'smtp-secret-7f2' };
const SERVICE = 'notify-permit';
const DEF = {
	title: { ar: 'رخصة الإشعار', fr: 'Permis de notification' },
	fields: [{ name: 'object', type: 'text', required: true, max_length: 60,
		label: { ar: 'الموضوع', fr: 'Objet' } }],
};
// every address and text used, searched in the logs at the end
const ADDRESSES = [];
const TEXTS = [];

let smtp, sms, off, admin, agent;

function address(tag) {
	const a = `${tag}.${Math.random().toString(36).slice(2, 8)}@example.org`;
	ADDRESSES.push(a);
	return a;
}

/** `official-srv notify send ...`: resolves to {code, stdout, stderr}. */
function send(fields) {
	const args = ['notify', 'send'];
	for (const [k, v] of Object.entries(fields)) args.push(`--${k}`, v);
	if (fields.body?.length > 8) TEXTS.push(fields.body);
	return cliFor(off, args);
}

const count = async (where = 'true') => Number(await sql(off, `SELECT count(*) FROM notify_messages WHERE ${where}`));
const wake = () => sql(off, "SELECT pg_notify('notify_queue', '')");

before(async () => {
	smtp = await startSmtpServer({ tls: 'starttls', auth: AUTH });
	sms = await startSmsGateway();
	off = await startSite('official', { env: { ...smtp.env, ...sms.env,
		BALADIYA_NOTIFY_BACKOFF_MAX_S: '2', BALADIYA_NOTIFY_MAX_ATTEMPTS: '4' } });
	admin = await signedIn(off, 'admin', 'notifyadmin');
	agent = await signedIn(off, 'agent', 'notifyagent');
});

after(async () => {
	await off?.stop();
	await smtp?.stop();
	await sms?.close();
});

describe('the queue and its transports', () => {
	test('an e-mail goes out by SMTP with STARTTLS and AUTH within a second, in proper MIME', async () => {
		const to = address('mime');
		const subject = 'موعدكم في البلدية — Rendez-vous à la mairie, un sujet assez long pour être plié';
		const body = 'نص الرسالة بالعربية\nDeuxième ligne, accentuée : été.\n' + 'x'.repeat(200);
		const t0 = Date.now();
		const r = await send({ channel: 'email', to, lang: 'ar', kind: 'test.mime', subject, body });
		assert.equal(r.code, 0, r.stderr);
		const [m] = await smtp.waitFor((x) => x.to === to);
		assert.ok(Date.now() - t0 < 3000, `delivered in ${Date.now() - t0} ms`);
		assert.equal(m.from, 'mairie@baladiya.test');
		assert.equal(m.subject, subject, 'the subject decodes to the original');
		assert.match(m.rawHeaders, /^Subject: =\?UTF-8\?B\?/m, 'RFC 2047 encoded-words');
		assert.ok(m.rawHeaders.split(/\r?\n/).every((l) => l.length <= 78), 'folded header lines');
		assert.equal(m.body, body, 'the body decodes to the original');
		assert.equal(m.header('content-type'), 'text/plain; charset=utf-8');
		assert.equal(m.header('content-transfer-encoding'), 'base64');
		assert.equal(m.header('mime-version'), '1.0');
		assert.ok(!Number.isNaN(Date.parse(m.header('date'))), 'a Date header');
		assert.equal(m.header('list-unsubscribe'), undefined, 'no unsubscribe on a plain message');
		const id = await sql(off, `SELECT message_id FROM notify_messages WHERE kind = 'test.mime'`);
		assert.equal(m.messageId, `<${id.trim()}@baladiya.test>`, 'the queue\'s stable Message-ID');
		assert.equal(await count("kind = 'test.mime' AND state = 'sent' AND attempts = 1"), 1);
	});

	test('an SMS goes out through the HTTP gateway (JSON POST, bearer token)', async () => {
		const text = 'رمزكم 123456 — code valable 10 minutes "entre guillemets"';
		TEXTS.push(text);
		const r = await send({ channel: 'sms', to: '+213555000111', lang: 'ar', kind: 'test.sms', body: text });
		assert.equal(r.code, 0, r.stderr);
		const [g] = await sms.waitFor((x) => x.to === '+213555000111');
		assert.equal(g.method, 'POST');
		assert.equal(g.text, text, 'the text arrives intact, JSON-escaped');
		assert.ok(g.authorized, 'the auth header is sent');
		assert.equal(g.headers['content-type'], 'application/json');
		assert.equal(await count("kind = 'test.sms' AND state = 'sent'"), 1);
	});

	test('header injection and bad recipients are refused at enqueue, nothing queued', async () => {
		const before = await count();
		for (const bad of [
			{ channel: 'email', to: address('inj'), lang: 'fr', kind: 'test.inj', subject: 'Salut\r\nBcc: victim@example.org', body: 'x' },
			{ channel: 'email', to: address('inj'), lang: 'fr', kind: 'test.inj', subject: 'Salut\nX-Evil: 1', body: 'x' },
			{ channel: 'email', to: 'a@example.org\r\nRCPT TO:<b@example.org>', lang: 'fr', kind: 'test.inj', subject: 's', body: 'x' },
			{ channel: 'email', to: 'pas-une-adresse', lang: 'fr', kind: 'test.inj', subject: 's', body: 'x' },
			{ channel: 'sms', to: '0555 00 01 11', lang: 'fr', kind: 'test.inj', body: 'x' },
			{ channel: 'email', to: address('inj'), lang: 'de', kind: 'test.inj', subject: 's', body: 'x' },
			{ channel: 'fax', to: address('inj'), lang: 'fr', kind: 'test.inj', subject: 's', body: 'x' },
		]) {
			const r = await send(bad);
			assert.equal(r.code, 2, `refused: ${JSON.stringify(bad.subject ?? bad.to)}`);
		}
		assert.equal(await count(), before);
	});

	test('a dedupe key queues one message while the first is queued or sent; cancel drops it', async () => {
		const to = address('dedupe');
		const later = new Date(Date.now() + 86400_000).toISOString();
		for (let i = 0; i < 3; i++) {
			const r = await send({ channel: 'email', to, lang: 'fr', kind: 'test.dedupe', subject: 's', body: 'b', 'not-before': later, dedupe: 'k-42' });
			assert.equal(r.code, 0);
		}
		assert.equal(await count("dedupe_key = 'k-42'"), 1);
		assert.equal(await count("dedupe_key = 'k-42' AND state = 'queued'"), 1, 'not before tomorrow');
	});

	test('mail server down: messages wait; up again: each delivered exactly once', async () => {
		await smtp.stop();
		const tos = [1, 2, 3, 4, 5].map((i) => address(`down${i}`));
		// queued together (one statement, as a module's transaction would), so that the 4
		// attempts of one (about 6 s) cannot run out before the others are queued
		await sql(off, `INSERT INTO notify_messages (channel, recipient, lang, subject, body, kind)
			SELECT 'email', t, 'fr', 'Attente', 'Patience', 'test.down'
			FROM unnest(ARRAY['${tos.join("','")}']) t; SELECT pg_notify('notify_queue', '')`);
		await waitFor(async () => await count("kind = 'test.down' AND attempts >= 1 AND last_error IS NOT NULL") === 5,
			{ what: 'a first failed attempt for each' });
		// queued, or being tried again at this very moment
		assert.equal(await count("kind = 'test.down' AND state IN ('queued', 'sending')"), 5, 'waiting, not lost');
		await smtp.start();
		const got = await smtp.waitFor((m) => tos.includes(m.to), { count: 5 });
		await new Promise((r) => setTimeout(r, 500));
		const all = smtp.messages().filter((m) => tos.includes(m.to));
		assert.equal(all.length, 5, 'none twice');
		assert.equal(new Set(got.map((m) => m.messageId)).size, 5);
		await waitFor(async () => await count("kind = 'test.down' AND state = 'sent'") === 5, { what: 'all marked sent' });
	});

	test('given up after the attempts: listed without addresses, requeued by the operator', async () => {
		await smtp.stop();
		const to = address('failed');
		assert.equal((await send({ channel: 'email', to, lang: 'fr', kind: 'test.failed', subject: 'Échec', body: 'Plus tard' })).code, 0);
		await waitFor(async () => await count("kind = 'test.failed' AND state = 'failed'") === 1,
			{ timeoutMs: 20000, what: 'the message failed after 4 attempts' });
		const failed = await cliFor(off, ['notify', 'failed']);
		assert.equal(failed.code, 0);
		const list = JSON.parse(failed.stdout);
		const row = list.find((x) => x.kind === 'test.failed');
		assert.equal(row.attempts, 4);
		assert.ok(!failed.stdout.includes(to), 'no address in the listing');
		const status = JSON.parse((await cliFor(off, ['notify', 'status'])).stdout);
		assert.ok(status.failed >= 1);
		await smtp.start();
		const re = await cliFor(off, ['notify', 'requeue', String(row.id)]);
		assert.equal(re.code, 0, re.stderr);
		assert.match(re.stdout, /^1 message/);
		await smtp.waitFor((m) => m.to === to);
		assert.equal(await count("kind = 'test.failed' AND state = 'sent'"), 1);
		assert.equal((await cliFor(off, ['notify', 'requeue', 'nope'])).code, 2);
	});

	test('SIGKILL in the middle of a batch: after restart every message is delivered, none twice', async () => {
		// a slow server (40 ms before each RCPT's answer) so the kill falls inside the batch
		await smtp.stop();
		const slow = await startSmtpServer({ tls: 'starttls', auth: AUTH, delayMs: 40, port: smtp.port,
			certificate: smtp.certificate });
		const N = 60;
		await sql(off, `INSERT INTO notify_messages (channel, recipient, lang, subject, body, kind)
			SELECT 'email', 'kill' || i || '@example.org', 'fr', 'Lot ' || i, 'Corps ' || i, 'test.kill'
			FROM generate_series(1, ${N}) i; SELECT pg_notify('notify_queue', '')`);
		await slow.waitFor((m) => m.to.startsWith('kill'), { count: 10 });
		await off.kill();
		const atKill = slow.messages().filter((m) => m.to.startsWith('kill')).length;
		assert.ok(atKill < N, `killed mid-batch (${atKill} of ${N} delivered)`);
		await off.restart();
		await slow.waitFor((m) => m.to.startsWith('kill'), { count: N, timeoutMs: 30000 });
		await waitFor(async () => await count("kind = 'test.kill' AND state = 'sent'") === N, { what: 'all marked sent' });
		const got = slow.messages().filter((m) => m.to.startsWith('kill'));
		const ids = await sql(off, "SELECT message_id || ' ' || recipient FROM notify_messages WHERE kind = 'test.kill'");
		const expected = new Map(ids.trim().split('\n').map((l) => l.split(' ')).map(([id, r]) => [r, `<${id}@baladiya.test>`]));
		const byId = new Map();
		for (const m of got) {
			assert.equal(m.messageId, expected.get(m.to), 'each copy carries its queued Message-ID');
			byId.set(m.messageId, (byId.get(m.messageId) || 0) + 1);
		}
		assert.equal(byId.size, N, 'every message delivered');
		const twice = [...byId.values()].filter((n) => n > 1).length;
		// the one whose 250 came just before the kill and whose "sent" was not yet committed
		// may go out again, with the same Message-ID (docs/modules.md); no other
		assert.ok(twice <= 1, `${twice} messages delivered twice`);
		await slow.stop();
		await smtp.start();
	});

	test('implicit TLS (smtps://) with AUTH; an SMS gateway called by GET', async () => {
		const tls = await startSmtpServer({ tls: 'implicit', auth: AUTH });
		const getGw = await startSmsGateway({ method: 'GET' });
		Object.assign(off.env, tls.env, getGw.env);
		delete off.env.BALADIYA_SMS_BODY;
		await off.restart();
		const to = address('smtps');
		assert.equal((await send({ channel: 'email', to, lang: 'en', kind: 'test.smtps', subject: 'Implicit TLS', body: 'Over TLS from the first byte' })).code, 0);
		const [m] = await tls.waitFor((x) => x.to === to);
		assert.equal(m.body, 'Over TLS from the first byte');
		const text = 'رمز 4242 & plus+';
		assert.equal((await send({ channel: 'sms', to: '+213661000222', lang: 'ar', kind: 'test.smsget', body: text })).code, 0);
		const [g] = await getGw.waitFor((x) => x.to === '+213661000222');
		assert.equal(g.method, 'GET');
		assert.equal(g.text, text, '{text} URL-encoded in the query');
		assert.ok(g.authorized);
		await tls.stop();
		await getGw.close();
		Object.assign(off.env, smtp.env, sms.env);
		await off.restart();
	});

	test('retention erases the recipients and texts of old sent messages', async () => {
		await sql(off, "UPDATE notify_messages SET sent_at = now() - interval '8 days' WHERE kind = 'test.mime'");
		const r = await cliFor(off, ['jobs', 'run']);
		assert.equal(r.code, 0, r.stderr);
		assert.equal(await count("kind = 'test.mime' AND recipient IS NULL AND body IS NULL AND subject IS NULL AND erased_at IS NOT NULL"), 1);
		assert.equal(await count("kind = 'test.sms' AND recipient IS NOT NULL"), 1, 'recent ones kept');
	});
});

describe('follows: a form file\'s digest and the unsubscribe link', () => {
	let ref, contact, unsubscribe, tracking;

	async function setStatus(status, extra = {}) {
		const r = await agent.post(`/staff/files/${ref}/status`, { status, ...extra }, { json: true });
		assert.equal(r.status, 200, r.body);
	}

	test('a resident who consented is told of the first change at once', async () => {
		let r = await admin.post(`/staff/forms/${SERVICE}`, { definition: JSON.stringify(DEF) });
		assert.equal(r.status, 303);
		r = await admin.post(`/staff/forms/${SERVICE}/publish`, { version: '1' });
		assert.equal(r.status, 303);
		const resident = new Client(off.url);
		const page = await resident.get(`/services/${SERVICE}/form?lang=ar`);
		const formKey = /name="form_key" value="([0-9a-f]{32})"/.exec(page.body)[1];
		contact = address('file');
		const body = new FormData();
		for (const [k, v] of Object.entries({ object: 'Objet-marqueur-61c', contact, notify: 'yes', form_key: formKey })) body.append(k, v);
		TEXTS.push('Objet-marqueur-61c');
		body.append('csrf', await resident.csrf());
		r = await resident.request(`/services/${SERVICE}/form?lang=ar`, { method: 'POST', body, json: true });
		assert.equal(r.status, 201, r.body);
		({ ref, tracking_url: tracking } = JSON.parse(r.body));
		TEXTS.push(new URL(tracking).pathname.split('/').pop());
		assert.equal(await sql(off, `SELECT lang || ' ' || channel FROM notify_follows WHERE item_id = '${ref}'`), 'ar email');
		// the private link beside the contact, in the follow only (the file keeps its hash)
		assert.equal(await sql(off, `SELECT private_path FROM notify_follows WHERE item_id = '${ref}'`), new URL(tracking).pathname);
		await setStatus('in_progress');
		const [m] = await smtp.waitFor((x) => x.to === contact);
		assert.equal(m.subject, `جديد: ${ref}`, 'in the language the resident filed in');
		assert.match(m.body, new RegExp(`ملفك ${ref} قيد المعالجة`));
		// the link is the file's tracking page, not the service's public sheet
		assert.ok(m.body.includes(`${tracking}?lang=ar`), m.body);
		assert.ok(!m.body.includes(`/services/${SERVICE}`));
		const link = /(http:\/\/\S+\/forms\/track\/\S+)/.exec(m.body)[1];
		const tracked = await fetch(link);
		assert.equal(tracked.status, 200);
		assert.match(await tracked.text(), new RegExp(`<strong id="file-status">قيد المعالجة</strong>`), 'the file\'s status');
		unsubscribe = /(http:\/\/\S+\/unsubscribe\/[A-Za-z0-9_-]{43})/.exec(m.body)[1];
		assert.equal(m.header('list-unsubscribe'), `<${unsubscribe}>`);
		assert.equal(m.header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
		assert.equal(await sql(off, `SELECT notified_status FROM form_files WHERE ref = '${ref}'`), 'in_progress');
	});

	test('changes within the hour fold into one digest, sent when the hour has passed', async () => {
		await setStatus('incomplete', { missing: 'Le plan' });
		await setStatus('ready', { pickup: 'Guichet 2' });
		await new Promise((r) => setTimeout(r, 1500));
		assert.equal(smtp.messages().filter((x) => x.to === contact).length, 1, 'no second message within the hour');
		assert.equal(await count(`state = 'queued' AND kind = 'follow.form_file'`), 1, 'one digest queued');
		assert.equal(await sql(off, "SELECT jsonb_array_length(digest->'changes') FROM notify_messages WHERE state = 'queued' AND kind = 'follow.form_file'"), '2');
		assert.equal(await sql(off, "SELECT not_before > now() + interval '55 minutes' FROM notify_messages WHERE state = 'queued' AND kind = 'follow.form_file'"), 't');
		// the clock moved an hour on, in the database
		await sql(off, "UPDATE notify_messages SET not_before = not_before - interval '1 hour', next_attempt = next_attempt - interval '1 hour' WHERE state = 'queued'; UPDATE notify_follows SET last_digest_at = last_digest_at - interval '1 hour'");
		await wake();
		const got = await smtp.waitFor((x) => x.to === contact, { count: 2 });
		const digest = got[1];
		assert.match(digest.body, /ناقص/);
		assert.match(digest.body, /جاهز/);
		assert.ok(digest.body.indexOf('ناقص') < digest.body.indexOf('جاهز'), 'in order');
		assert.notEqual(digest.messageId, got[0].messageId);
		assert.match(digest.body, /\/unsubscribe\/[A-Za-z0-9_-]{43}/);
	});

	test('unsubscribe: GET changes nothing, the form posts without JavaScript or cookies', async () => {
		const path = new URL(unsubscribe).pathname;
		for (const lang of ['ar', 'fr', 'en']) {
			const r = await fetch(`${off.url}${path}?lang=${lang}`);
			assert.equal(r.status, 200);
			const html = await r.text();
			assert.match(html, new RegExp(`<form class="form" method="post" action="${path}">`));
			assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
			assert.match(r.headers.get('cache-control'), /no-store/);
			if (lang === 'fr') assert.match(html, /Me désabonner/);
			if (lang === 'ar') assert.match(html, /dir="rtl"/);
		}
		assert.equal(await count(`kind = 'follow.form_file'`) > 0, true);
		assert.equal(Number(await sql(off, `SELECT count(*) FROM notify_follows WHERE item_id = '${ref}'`)), 1, 'GET left the follow');
		// RFC 8058: the mail client's one-click POST, no cookie, no CSRF field
		const r = await fetch(`${off.url}${path}`, { method: 'POST', body: 'List-Unsubscribe=One-Click',
			headers: { 'content-type': 'application/x-www-form-urlencoded' } });
		assert.equal(r.status, 200);
		assert.match(await r.text(), /role="status"/);
		assert.equal(Number(await sql(off, `SELECT count(*) FROM notify_follows WHERE item_id = '${ref}'`)), 0);
		// the private link went with the follow: nowhere in the database any more
		const secret = new URL(tracking).pathname.split('/').pop();
		assert.equal(await sql(off, `SELECT count(*) FROM notify_follows f WHERE f::text LIKE '%${secret}%'`), '0');
		assert.equal(await sql(off, `SELECT count(*) FROM notify_messages m WHERE m::text LIKE '%${secret}%'`), '0');
		assert.equal(await sql(off, `SELECT count(*) FROM form_files f WHERE f::text LIKE '%${secret}%'`), '0');
		const again = await fetch(`${off.url}${path}?lang=fr`);
		assert.equal(again.status, 404);
		const html = await again.text();
		assert.equal(errorCodeOf(html), 'unsubscribe_unknown');
		assert.match(html, /déjà servi/);
		assert.equal((await fetch(`${off.url}/unsubscribe/not-a-token`)).status, 404);
		await setStatus('closed');
		await new Promise((r) => setTimeout(r, 500));
		assert.equal(await count(`kind = 'follow.form_file' AND state = 'queued'`), 0, 'no more messages');
	});
});

describe('follows end with their item', () => {
	test('a closed file: the last change is sent, then the job erases the follow', async () => {
		const resident = new Client(off.url);
		const page = await resident.get(`/services/${SERVICE}/form?lang=fr`);
		const formKey = /name="form_key" value="([0-9a-f]{32})"/.exec(page.body)[1];
		const to = address('closed');
		const body = new FormData();
		for (const [k, v] of Object.entries({ object: 'Objet', contact: to, notify: 'yes', form_key: formKey })) body.append(k, v);
		body.append('csrf', await resident.csrf());
		const r = await resident.request(`/services/${SERVICE}/form?lang=fr`, { method: 'POST', body, json: true });
		assert.equal(r.status, 201, r.body);
		const { ref } = JSON.parse(r.body);
		const set = await agent.post(`/staff/files/${ref}/status`, { status: 'closed' }, { json: true });
		assert.equal(set.status, 200);
		const [m] = await smtp.waitFor((x) => x.to === to);
		assert.match(m.body, new RegExp(`Votre dossier ${ref} est clos`));
		assert.match(m.body, new RegExp(`${off.url}/forms/track/[A-Za-z0-9_-]{43}\\?lang=fr`), 'its tracking page');
		await waitFor(async () => await count(`kind = 'follow.form_file' AND recipient = '${to}' AND state = 'sent'`) === 1, { what: 'marked sent' });
		assert.equal(await sql(off, `SELECT count(*) FROM notify_follows WHERE item_id = '${ref}' AND ended_at IS NOT NULL`), '1');
		assert.equal((await cliFor(off, ['jobs', 'run'])).code, 0);
		assert.equal(await sql(off, `SELECT count(*) FROM notify_follows WHERE item_id = '${ref}'`), '0', 'the contact is gone');
	});
});

describe('appointments: confirmation, reminder, move, cancel, the commune\'s notice', () => {
	const svc = 'notify-rdv';
	let cid;

	/** A day at least three days ahead on the booking page, and its page. */
	async function laterDay() {
		const first = await openBooking(off.url, svc);
		const soon = new Date(Date.now() + 3600_000 + 3 * 86400_000).toISOString().slice(0, 10);
		const day = first.choices.days.find((d) => d >= soon);
		return openBooking(off.url, svc, { day });
	}

	async function reminderOf(code) {
		return (await sql(off, `SELECT id || '|' || state || '|' || to_char(not_before AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') FROM notify_messages WHERE dedupe_key LIKE 'appt.reminder.${code}.%' ORDER BY id`)).trim().split('\n').filter(Boolean).map((l) => l.split('|'));
	}

	test('booking: a confirmation with the link, and a reminder at 09:00 two days before', async () => {
		cid = await counterWith(admin, svc, { capacity: 3 });
		const { client, choices } = await laterDay();
		const to = address('rdv');
		const b = bookedOf(await book(client, svc, { day: choices.day, slot: choices.slots[1], contact: to }));
		const [m] = await smtp.waitFor((x) => x.to === to);
		assert.match(m.subject, new RegExp(`Rendez-vous ${b.code} confirmé : ${choices.day}`));
		assert.ok(m.body.includes(`${off.url}${b.link}`), 'the private link');
		const [[, state, at]] = await reminderOf(b.code);
		assert.equal(state, 'queued');
		const expected = await sql(off, `SELECT to_char(((starts_at AT TIME ZONE 'Africa/Algiers')::date - 2 + time '09:00') AT TIME ZONE 'Africa/Algiers' AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') FROM appt_bookings WHERE code = '${b.code}'`);
		assert.equal(at, expected.trim());
		const d = new Date(`${choices.day}T00:00:00Z`);
		d.setUTCDate(d.getUTCDate() - 2);
		assert.equal(at, `${d.toISOString().slice(0, 10)}T08:00`, '09:00 Africa/Algiers is 08:00 UTC');
		// two days before: the clock moved to the reminder's time
		await sql(off, `UPDATE notify_messages SET next_attempt = now() WHERE dedupe_key LIKE 'appt.reminder.${b.code}.%'`);
		await wake();
		const [rem] = await smtp.waitFor((x) => x.to === to && /Rappel/.test(x.subject));
		const link = /(http:\/\/\S+\/appointments\/b\/[A-Za-z0-9_-]{43})/.exec(rem.body)[1];
		assert.equal(new URL(link).pathname, b.link);
		const page = await new Client(off.url).get(`${new URL(link).pathname}?lang=fr`);
		assert.equal(page.status, 200, 'the cancel link in the reminder works');
		assert.match(page.body, /cancel/);
	});

	test('the resident cancels: the reminder is dropped; moves: it is re-timed', async () => {
		const { client, choices } = await laterDay();
		const to = address('rdv2');
		const b = bookedOf(await book(client, svc, { day: choices.day, slot: choices.slots[2], contact: to }));
		await smtp.waitFor((x) => x.to === to);
		// move to a later day
		const next = await openBooking(off.url, svc, { day: choices.days.find((d) => d > choices.day) });
		const resident = new Client(off.url);
		await resident.get(`${b.link}?lang=fr`);
		let r = await resident.post(`${b.link}/reschedule`, { day: next.choices.day, slot: next.choices.slots[0] });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		const [moved] = await smtp.waitFor((x) => x.to === to && /déplacé/.test(x.subject));
		assert.match(moved.subject, new RegExp(next.choices.day));
		const rems = await reminderOf(b.code);
		assert.equal(rems.length, 2);
		assert.equal(rems[0][1], 'cancelled', 'the old slot\'s reminder dropped');
		assert.equal(rems[1][1], 'queued');
		const d = new Date(`${next.choices.day}T00:00:00Z`);
		d.setUTCDate(d.getUTCDate() - 2);
		assert.equal(rems[1][2], `${d.toISOString().slice(0, 10)}T08:00`, 're-timed to the new slot');
		assert.equal((await sql(off, `SELECT string_agg(m.moved_by || ' ' || (m.account_id IS NULL), ',') FROM appt_booking_moves m JOIN appt_bookings b ON b.id = m.booking_id WHERE b.code = '${b.code}'`)).trim(), 'resident true', 'the move in the history');
		assert.ok(moved.body.includes(`${off.url}${b.link}`), 'the resident\'s own move keeps their link');
		r = await resident.post(`${b.link}/cancel`, {});
		assert.equal(r.status, 303);
		assert.deepEqual((await reminderOf(b.code)).map((x) => x[1]), ['cancelled', 'cancelled']);
		assert.equal(await count(`dedupe_key LIKE 'appt.reminder.${b.code}.%' AND (recipient IS NOT NULL OR body IS NOT NULL)`), 0, 'erased');
	});

	test('the commune moves a booking: a notice in the resident\'s language, a fresh link, the reminder re-timed, the history', async () => {
		const svc2 = 'notify-move';
		const cid2 = await counterWith(admin, svc2, { capacity: 1 });
		const first = await openBooking(off.url, svc2);
		const soon = new Date(Date.now() + 3600_000 + 3 * 86400_000).toISOString().slice(0, 10);
		const [d1, d2] = first.choices.days.filter((d) => d >= soon);
		const one = await openBooking(off.url, svc2, { day: d1, lang: 'ar' });
		const two = await openBooking(off.url, svc2, { day: d2 });
		const to = address('moved');
		const other = address('other');
		const a = bookedOf(await one.client.post(`/services/${svc2}/book?lang=ar`, { name: 'صاحب الموعد',
			contact: to, nonce: crypto.randomUUID().replaceAll('-', ''), day: d1, slot: one.choices.slots[0] }));
		const b = bookedOf(await book(two.client, svc2, { day: d2, slot: two.choices.slots[1], contact: other, name: 'Autre Personne' }));
		await smtp.waitFor((x) => x.to === to);
		const id = (await sql(off, `SELECT id FROM appt_bookings WHERE code = '${a.code}'`)).trim();
		const oldSlot = (await sql(off, `SELECT slot_id FROM appt_bookings WHERE code = '${a.code}'`)).trim();
		// the day view links to the move, which lists the free slots of the service
		const desk = await agent.get(`/staff/appointments?counter=${cid2}&day=${d1}&lang=fr`);
		assert.match(desk.body, new RegExp(`<a class="appt-noprint" href="/staff/appointments/${id}/move">Déplacer <bdi>${a.code}</bdi></a>`));
		const form = await agent.get(`/staff/appointments/${id}/move?day=${d2}&lang=fr`);
		assert.equal(form.status, 200);
		assert.match(form.body, /<h1>Déplacer le rendez-vous <bdi>/);
		assert.ok(!form.body.includes(`value="${two.choices.slots[1]}"`), 'a full slot is not offered');
		// a full slot: refused with a stable code, nothing changed
		let r = await agent.post(`/staff/appointments/${id}/move`, { day: d2, slot: two.choices.slots[1] });
		assert.equal(r.status, 409);
		assert.equal(r.errorCode, 'booking_slot_full');
		assert.equal((await sql(off, `SELECT slot_id FROM appt_bookings WHERE id = ${id}`)).trim(), oldSlot);
		assert.equal((await sql(off, `SELECT booked FROM appt_slots WHERE id = ${oldSlot}`)).trim(), '1');
		// without the grant: a resident's client cannot
		r = await new Client(off.url).post(`/staff/appointments/${id}/move`, { day: d2, slot: two.choices.slots[2] });
		assert.ok([302, 303, 401, 403].includes(r.status), String(r.status));
		assert.equal((await sql(off, `SELECT slot_id FROM appt_bookings WHERE id = ${id}`)).trim(), oldSlot);
		// the move
		const target = two.choices.slots[2];
		const time = target.split('@')[1];
		r = await agent.post(`/staff/appointments/${id}/move`, { day: d2, slot: target });
		assert.equal(r.status, 303, r.body.slice(0, 300));
		assert.equal(r.location, `/staff/appointments?counter=${cid2}&day=${d2}`);
		const [m] = await smtp.waitFor((x) => x.to === to && x.subject.includes('تغيير الموعد'));
		assert.equal(m.subject, `تغيير الموعد ${a.code}: ${d2} على الساعة ${time}`, 'in Arabic, the new time in Algiers\' time');
		assert.match(m.body, /تم تغيير موعدك/);
		const link = /(http:\/\/\S+\/appointments\/b\/[A-Za-z0-9_-]{43})\n/.exec(m.body)[1];
		assert.notEqual(new URL(link).pathname, a.link, 'a fresh private link');
		assert.ok(m.body.includes(`${link}/ics`), 'the .ics');
		for (const x of [other, 'Autre Personne', b.code, b.link, 'صاحب الموعد']) assert.ok(!m.body.includes(x), `${x} in the notice`);
		// the old link no longer works; the new one shows the new slot and its .ics
		assert.equal((await fetch(`${off.url}${a.link}`)).status, 404);
		const page = await new Client(off.url).get(`${new URL(link).pathname}?lang=fr`);
		assert.equal(page.status, 200);
		assert.ok(page.body.includes(`${d2} ${time}`), 'the new day and time');
		const ics = await (await fetch(`${link}/ics`)).text();
		assert.match(ics, new RegExp(`DTSTART;TZID=Africa/Algiers:${d2.replaceAll('-', '')}T${time.replace(':', '')}00`));
		// the old place is free, the new one taken
		assert.equal((await sql(off, `SELECT booked FROM appt_slots WHERE id = ${oldSlot}`)).trim(), '0');
		assert.equal((await sql(off, `SELECT s.booked || ' ' || to_char(s.starts_at AT TIME ZONE 'Africa/Algiers', 'YYYY-MM-DD HH24:MI') FROM appt_slots s JOIN appt_bookings b ON b.slot_id = s.id WHERE b.id = ${id}`)).trim(), `1 ${d2} ${time}`);
		// the reminder: the old one dropped, the new one at 09:00 two days before
		const rems = await reminderOf(a.code);
		assert.deepEqual(rems.map((x) => x[1]), ['cancelled', 'queued']);
		const d = new Date(`${d2}T00:00:00Z`);
		d.setUTCDate(d.getUTCDate() - 2);
		assert.equal(rems[1][2], `${d.toISOString().slice(0, 10)}T08:00`);
		// the history: who moved it, from where to where
		assert.equal((await sql(off, `SELECT moved_by || ' ' || (account_id IS NOT NULL) || ' ' || to_char(to_starts AT TIME ZONE 'Africa/Algiers', 'YYYY-MM-DD HH24:MI') FROM appt_booking_moves WHERE booking_id = ${id}`)).trim(), `staff true ${d2} ${time}`);
		const again = await agent.get(`/staff/appointments/${id}/move?lang=fr`);
		assert.match(again.body, /<h2>Déplacements<\/h2>/);
		assert.match(again.body, /par la commune/);
		// the other resident's booking is untouched
		assert.equal((await sql(off, `SELECT status FROM appt_bookings WHERE code = '${b.code}'`)).trim(), 'booked');
	});

	test('the commune closes the counter that day: a notice, and the reminder dropped', async () => {
		const { client, choices } = await laterDay();
		const phone = '0555 12 34 56';
		const b = bookedOf(await book(client, svc, { day: choices.day, slot: choices.slots[3], contact: phone }));
		const [conf] = await sms.waitFor((x) => x.to === '+213555123456');
		assert.ok(conf.text.includes(b.code), 'the confirmation by SMS, the number in E.164');
		const r = await agent.post('/staff/appointments/close', { counter: cid, day: choices.day, reason: 'Panne électrique' });
		assert.equal(r.status, 200);
		const [notice] = await sms.waitFor((x) => x.to === '+213555123456' && x.text.includes('Panne électrique'));
		assert.ok(notice.text.includes(`${off.url}/services/${svc}/book`));
		const rems = await reminderOf(b.code);
		assert.ok(rems.length === 1 && rems[0][1] === 'cancelled');
	});
});

test('the logs carry message ids and kinds, never an address or a text', async () => {
	const logs = off.logs();
	assert.match(logs, /notify: could not send message \d+ \(test\.down\)/);
	for (const a of [...ADDRESSES, '+213555000111', '+213555123456', '+213661000222', 'kill1@example.org']) {
		assert.ok(!logs.includes(a), `${a} in the logs`);
	}
	for (const t of TEXTS) assert.ok(!logs.includes(t), `a text in the logs: ${t.slice(0, 30)}`);
	assert.ok(!logs.includes(AUTH.password));
});
