// SPDX-License-Identifier: AGPL-3.0-or-later
// Accounts and sessions against a real daemon and PostgreSQL: the `user add` command, signing
// in (cookie attributes), the staff area's guard, wrong passwords and the lockout, signing
// out, the double-submit CSRF check on every POST, garbage session cookies, and `next`.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startCluster } from '../lib/harness.mjs';
import {
	addUser, cliFor, Client, csrfFieldOf, errorCodeOf, PASSWORD, startSite,
} from '../lib/http.mjs';

let cluster;
let srv;

before(async () => {
	cluster = await startCluster();
	srv = await startSite('official', { cluster, themeDir: 'demo/official' });
	await addUser(srv, 'admin', 'amina');
	await addUser(srv, 'editor', 'karim');
	await addUser(srv, 'agent', 'yacine');
});

after(async () => {
	if (srv) assert.equal(await srv.stop(), 0);
	await cluster?.destroy();
});

async function staffNewsCount(client) {
	const r = await client.get('/staff/news.json');
	assert.equal(r.status, 200);
	return r.json.items.length;
}

describe('user add', () => {
	it('refuses an existing username with exit 3', async () => {
		const r = await cliFor(srv, ['user', 'add', '--role', 'editor', '--username', 'karim'],
			{ input: 'another long password\n' });
		assert.equal(r.code, 3, r.stderr);
		assert.match(r.stderr, /already exists/);
		// the first password still works
		assert.equal((await new Client(srv.url).login('karim', PASSWORD)).status, 303);
	});

	it('refuses a password shorter than 10 characters', async () => {
		const r = await cliFor(srv, ['user', 'add', '--role', 'editor', '--username', 'shorty'],
			{ input: 'short\n' });
		assert.notEqual(r.code, 0);
		assert.match(r.stderr, /10/);
		assert.equal((await new Client(srv.url).login('shorty', 'short', { json: true })).status,
			401, 'no account was made');
	});

	it('refuses an unknown role and a bad username', async () => {
		let r = await cliFor(srv, ['user', 'add', '--role', 'moderator', '--username', 'zed'],
			{ input: `${PASSWORD}\n` });
		assert.equal(r.code, 2, 'moderator is a citizen role');
		assert.match(r.stderr, /roles: admin editor agent/);
		r = await cliFor(srv, ['user', 'add', '--role', 'editor', '--username', 'Bad Name'],
			{ input: `${PASSWORD}\n` });
		assert.notEqual(r.code, 0);
		r = await cliFor(srv, ['user', 'add', '--role', 'editor'], { input: `${PASSWORD}\n` });
		assert.equal(r.code, 2);
	});
});

describe('signing in', () => {
	it('sets a __Host- session cookie: HttpOnly, Secure, SameSite=Lax, Path=/', async () => {
		const c = new Client(srv.url);
		const page = await c.get('/login');
		assert.equal(page.status, 200);
		const csrfCookie = page.cookie('__Host-csrf');
		assert.ok(csrfCookie, 'GET /login sets __Host-csrf');
		assert.match(csrfCookie.value, /^[0-9a-f]{64}$/);
		assert.equal(csrfFieldOf(page.body), csrfCookie.value, 'the form carries the cookie');

		const r = await c.login('amina', PASSWORD);
		assert.equal(r.status, 303);
		assert.equal(r.location, '/');
		const s = r.cookie('__Host-session');
		assert.ok(s, `no __Host-session in ${JSON.stringify(r.setCookies)}`);
		assert.match(s.value, /^[0-9a-f]{64}$/);
		assert.equal(s.attrs.httponly, true, 'HttpOnly');
		assert.equal(s.attrs.secure, true, 'Secure');
		assert.equal(s.attrs.samesite, 'Lax');
		assert.equal(s.attrs.path, '/');
		assert.equal(s.attrs.domain, undefined, 'a __Host- cookie has no Domain');
		assert.ok(Number(s.attrs['max-age']) > 0);
		// a new CSRF token comes with the new privilege level
		const newCsrf = r.cookie('__Host-csrf');
		assert.ok(newCsrf);
		assert.notEqual(newCsrf.value, csrfCookie.value);
		assert.equal(newCsrf.attrs.secure, true);

		const staff = await c.get('/staff');
		assert.equal(staff.status, 200);
		assert.ok(staff.body.includes('amina'), 'the page names the signed-in account');
		assert.equal(staff.headers.get('cache-control'), 'private, no-store');
	});

	it('sends anonymous visitors of the staff area to /login?next=...', async () => {
		const c = new Client(srv.url);
		for (const path of ['/staff', '/staff/news', '/staff/news/new', '/staff/news/1/edit']) {
			const r = await c.get(path);
			assert.equal(r.status, 303, path);
			assert.equal(r.location, `/login?next=${encodeURIComponent(path)}`);
		}
		const json = await c.get('/staff/news.json');
		assert.equal(json.status, 401);
		assert.equal(json.json.error.code, 'login_required');
		const post = await c.post('/staff/news', { title_fr: 'x', action: 'publish' });
		assert.equal(post.status, 401);
		assert.equal(errorCodeOf(post.body), 'login_required');
	});

	it('follows next after signing in, and only to a local path', async () => {
		let r = await new Client(srv.url).login('karim', PASSWORD, { next: '/staff/news' });
		assert.equal(r.status, 303);
		assert.equal(r.location, '/staff/news');
		for (const next of ['//evil.example', 'https://evil', 'https://evil.example/staff',
			'/\\evil.example', 'javascript:alert(1)', '/x\r\nSet-Cookie: evil=1', '\t//evil.example']) {
			r = await new Client(srv.url).login('karim', PASSWORD, { next });
			assert.equal(r.status, 303, JSON.stringify(next));
			assert.equal(r.location, '/', `next=${JSON.stringify(next)} went to ${r.location}`);
			assert.ok(!r.setCookies.some((cookie) => cookie.name === 'evil'));
		}
		// a staff link survives the round trip through the sign-in form, even a failed one
		const c = new Client(srv.url);
		const bounce = await c.get('/staff/news/new');
		assert.equal(bounce.location, '/login?next=%2Fstaff%2Fnews%2Fnew');
		const form = await c.get(bounce.location);
		assert.match(form.body, /name="next" value="\/staff\/news\/new"/);
		const failed = await c.login('karim', 'wrong password', { next: '/staff/news/new' });
		assert.equal(failed.status, 401);
		assert.match(failed.body, /name="next" value="\/staff\/news\/new"/);
		const ok = await c.login('karim', PASSWORD, { next: '/staff/news/new' });
		assert.equal(ok.location, '/staff/news/new');
		assert.equal((await c.get(ok.location)).status, 200);
		// the login form never carries a foreign next either
		const page = await new Client(srv.url).get(`/login?next=${encodeURIComponent('//evil.example')}`);
		assert.match(page.body, /name="next" value="\/"/);
	});

	it('answers a wrong password or unknown user with 401 bad_credentials', async () => {
		const c = new Client(srv.url);
		let r = await c.login('karim', 'not the password', { json: true });
		assert.equal(r.status, 401);
		assert.equal(r.json.error.code, 'bad_credentials');
		assert.equal(r.cookie('__Host-session'), undefined);
		r = await c.login('nobody-here', 'not the password', { json: true });
		assert.equal(r.status, 401);
		assert.equal(r.json.error.code, 'bad_credentials');
		r = await c.login('karim', 'not the password');
		assert.equal(r.status, 401);
		assert.match(r.body, /role="alert"/, 'the HTML form shows the error');
		assert.equal(csrfFieldOf(r.body), c.cookie('csrf'), 'and can be sent again');
		r = await c.login('karim', '', { json: true });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.code, 'missing_credentials');
		// a wrong password does not lock a right one out
		assert.equal((await c.login('karim', PASSWORD)).status, 303);
	});

	it('locks an account after 5 failures, even for the right password', async () => {
		await addUser(srv, 'editor', 'locked-out');
		const c = new Client(srv.url);
		for (let i = 1; i <= 5; i++) {
			const r = await c.login('locked-out', `wrong password ${i}`, { json: true });
			assert.equal(r.status, 401, `failure ${i}`);
			assert.equal(r.json.error.code, 'bad_credentials');
		}
		let r = await c.login('locked-out', PASSWORD, { json: true });
		assert.equal(r.status, 429);
		assert.equal(r.json.error.code, 'too_many_attempts');
		assert.equal(r.cookie('__Host-session'), undefined, 'no session while locked');
		r = await new Client(srv.url).login('locked-out', PASSWORD);
		assert.equal(r.status, 429, 'from another client too');
		assert.match(r.body, /role="alert"/);
		// only that account
		assert.equal((await new Client(srv.url).login('amina', PASSWORD)).status, 303);
	});

	it('signs out: the old session cookie no longer works', async () => {
		const c = new Client(srv.url);
		assert.equal((await c.login('amina', PASSWORD)).status, 303);
		const token = c.cookie('session');
		assert.equal((await c.get('/staff')).status, 200);

		const r = await c.logout();
		assert.equal(r.status, 303);
		assert.equal(r.location, '/');
		const cleared = r.cookie('__Host-session');
		assert.ok(cleared, 'the session cookie is cleared');
		assert.equal(cleared.value, '');
		assert.equal(cleared.attrs['max-age'], '0');

		const replay = new Client(srv.url);
		replay.jar.set('__Host-session', token);
		const staff = await replay.get('/staff');
		assert.equal(staff.status, 303, 'the old token still opens /staff');
		assert.match(staff.location, /^\/login/);
		const json = await replay.get('/staff/news.json');
		assert.equal(json.status, 401);
	});

	it('ignores a garbage or unknown session cookie (anonymous, no error)', async () => {
		for (const value of ['garbage', 'f'.repeat(64), 'F'.repeat(64), '0'.repeat(63),
			"x'%20OR%201=1--", 'a'.repeat(4000)]) {
			const c = new Client(srv.url);
			c.jar.set('__Host-session', value);
			const home = await c.get('/');
			assert.equal(home.status, 200, `/ with session=${value.slice(0, 20)}`);
			assert.ok(!home.body.includes('action="/logout"'), 'shown as signed in');
			const staff = await c.get('/staff');
			assert.equal(staff.status, 303, `/staff with session=${value.slice(0, 20)}`);
			const login = await c.login('karim', PASSWORD);
			assert.equal(login.status, 303, 'signing in still works');
		}
	});
});

describe('what the database keeps', () => {
	const sql = (q) => cluster.psql(q, { database: srv.database }).then((out) => out.trim());

	it('stores passwords as Argon2id PHC strings, never in clear', async () => {
		const phc = await sql("SELECT password_hash FROM accounts WHERE username = 'amina'");
		assert.match(phc, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
		assert.ok(!phc.includes(PASSWORD));
		const role = await sql("SELECT role FROM accounts WHERE username = 'yacine'");
		assert.equal(role, 'agent');
	});

	it('stores sessions as the SHA-256 of the token, and signing out deletes the row', async () => {
		const c = new Client(srv.url);
		assert.equal((await c.login('yacine', PASSWORD)).status, 303);
		const token = c.cookie('session');
		const digest = createHash('sha256').update(token).digest('hex');
		assert.equal(await sql(`SELECT count(*) FROM sessions WHERE token_hash = '\\x${digest}'`), '1');
		assert.equal(await sql(`SELECT count(*) FROM sessions WHERE encode(token_hash, 'hex') ` +
			`LIKE '%${token.slice(0, 16)}%'`), '0', 'the raw token is stored');
		assert.equal((await c.logout()).status, 303);
		assert.equal(await sql(`SELECT count(*) FROM sessions WHERE token_hash = '\\x${digest}'`), '0');
	});

	it('refuses an expired session', async () => {
		const c = new Client(srv.url);
		assert.equal((await c.login('yacine', PASSWORD)).status, 303);
		assert.equal((await c.get('/staff')).status, 200);
		const digest = createHash('sha256').update(c.cookie('session')).digest('hex');
		await sql(`UPDATE sessions SET expires_at = now() - interval '1 second' ` +
			`WHERE token_hash = '\\x${digest}'`);
		const r = await c.get('/staff');
		assert.equal(r.status, 303, 'an expired session opens /staff');
	});

	it('unlocks an account once the lock has expired, and forgets old failures', async () => {
		await addUser(srv, 'editor', 'unlock-me');
		const c = new Client(srv.url);
		for (let i = 0; i < 5; i++) await c.login('unlock-me', 'wrong password', { json: true });
		assert.equal((await c.login('unlock-me', PASSWORD, { json: true })).status, 429);
		await sql("UPDATE accounts SET locked_until = now() - interval '1 second', " +
			"first_failed_at = now() - interval '16 minutes' WHERE username = 'unlock-me'");
		assert.equal((await c.login('unlock-me', PASSWORD)).status, 303, 'still locked');
		// four failures, then an old window: the fifth failure starts a new count
		for (let i = 0; i < 4; i++) {
			assert.equal((await c.login('unlock-me', 'wrong password', { json: true })).status, 401);
		}
		await sql("UPDATE accounts SET first_failed_at = now() - interval '16 minutes' " +
			"WHERE username = 'unlock-me'");
		assert.equal((await c.login('unlock-me', 'wrong password', { json: true })).status, 401);
		assert.equal((await c.login('unlock-me', PASSWORD)).status, 303,
			'failures older than 15 minutes counted towards the lock');
	});
});

describe('CSRF', () => {
	it('refuses a POST without the csrf field or cookie, or with a mismatch (403)', async () => {
		const c = new Client(srv.url);
		const token = await c.csrf();
		const other = 'a'.repeat(64);
		const cases = [
			['no field', { csrf: false }],
			['mismatched field', { csrf: other }],
			['empty field', { csrf: '' }],
			['field without cookie', { csrf: token, cookies: false }],
		];
		for (const [what, opts] of cases) {
			const r = await c.post('/login', { username: 'karim', password: PASSWORD }, opts);
			assert.equal(r.status, 403, what);
			assert.equal(errorCodeOf(r.body), 'csrf_failed', what);
			assert.equal(r.cookie('__Host-session'), undefined, `${what}: signed in`);
		}
		const json = await c.post('/login', { username: 'karim', password: PASSWORD },
			{ csrf: other, json: true });
		assert.equal(json.status, 403);
		assert.equal(json.json.error.code, 'csrf_failed');
	});

	it('refuses staff writes without a valid token, and stores nothing', async () => {
		const c = new Client(srv.url);
		assert.equal((await c.login('karim', PASSWORD)).status, 303);
		const before = await staffNewsCount(c);
		for (const csrf of [false, 'b'.repeat(64), c.cookie('csrf').toUpperCase()]) {
			const r = await c.post('/staff/news', { title_fr: 'Forged', action: 'publish' },
				{ csrf });
			assert.equal(r.status, 403, `csrf=${csrf}`);
			assert.equal(errorCodeOf(r.body), 'csrf_failed');
		}
		// an old token (before signing in) no longer matches the cookie
		const r = await c.post('/staff/news', { title_fr: 'Forged', action: 'publish' },
			{ multipart: true, csrf: 'c'.repeat(64) });
		assert.equal(r.status, 403);
		assert.equal(await staffNewsCount(c), before, 'a forged form stored a news item');
		const pub = await new Client(srv.url).get('/news.json');
		assert.ok(!pub.json.items.some((x) => x.title === 'Forged'));
		// a sign-out without the token keeps the session
		const out = await c.post('/logout', {}, { csrf: false });
		assert.equal(out.status, 403);
		assert.equal((await c.get('/staff')).status, 200);
	});
});

describe('plain-http cookies (BALADIYA_SECURE_COOKIES=false)', () => {
	let plain;
	before(async () => {
		plain = await startSite('official', { cluster, env: { BALADIYA_SECURE_COOKIES: 'false' } });
		await addUser(plain, 'editor', 'plain');
	});
	after(async () => {
		if (plain) assert.equal(await plain.stop(), 0);
	});

	it('names the cookies session and csrf, without Secure, and signs in', async () => {
		const c = new Client(plain.url);
		const page = await c.get('/login');
		const csrf = page.cookie('csrf');
		assert.ok(csrf, JSON.stringify(page.setCookies));
		assert.equal(csrf.attrs.secure, undefined);
		const r = await c.login('plain', PASSWORD);
		assert.equal(r.status, 303);
		const s = r.cookie('session');
		assert.ok(s);
		assert.equal(s.attrs.secure, undefined);
		assert.equal(s.attrs.httponly, true);
		assert.equal((await c.get('/staff')).status, 200);
		// a __Host- cookie means nothing here
		const other = new Client(plain.url);
		other.jar.set('__Host-session', s.value);
		assert.equal((await other.get('/staff')).status, 303);
	});
});
