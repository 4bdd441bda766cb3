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

	it('makes a client wait after 5 failures on an account, even for the right password', async () => {
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
		assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After');
		assert.equal(r.cookie('__Host-session'), undefined, 'no session while waiting');
		// every test here is the same client (127.0.0.1): a fresh cookie jar changes nothing
		r = await new Client(srv.url).login('locked-out', PASSWORD);
		assert.equal(r.status, 429, 'a fresh cookie jar is the same client');
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

	it('keeps no sign-in failures or locks in the database (migration 0011)', async () => {
		const cols = await sql("SELECT string_agg(column_name, ',' ORDER BY column_name) " +
			"FROM information_schema.columns WHERE table_name = 'accounts'");
		assert.equal(cols, 'created_at,id,password_hash,role,username');
	});

	it('forgets a client\'s failures on an account once it signs in', async () => {
		await addUser(srv, 'editor', 'forgetful');
		const c = new Client(srv.url);
		for (let i = 0; i < 4; i++) {
			assert.equal((await c.login('forgetful', 'wrong password', { json: true })).status, 401);
		}
		assert.equal((await c.login('forgetful', PASSWORD)).status, 303);
		for (let i = 0; i < 5; i++) {
			assert.equal((await c.login('forgetful', 'wrong password', { json: true })).status, 401,
				`failure ${i + 1} after signing in`);
		}
		assert.equal((await c.login('forgetful', PASSWORD, { json: true })).status, 429);
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

// Issue 11, point 4: throttling per client and per account that slows an attacker without
// locking the staff out. This daemon believes X-Forwarded-For from 127.0.0.1, so that one test
// process can be many clients; its ceilings are low so that the loops stay short.
describe('sign-in throttling (per client, per account, never a lock)', () => {
	const CLIENT_MAX = 8;
	const ACCOUNT_MAX = 12;
	// wrong passwords carry this marker: it must never reach the log
	const WRONG = 'wrong-pw-marker-5e0c1f';
	let guarded;
	const from = (ip) => new Client(guarded.url, { headers: { 'x-forwarded-for': ip } });
	const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

	before(async () => {
		guarded = await startSite('official', { cluster, env: {
			BALADIYA_TRUSTED_PROXIES: '127.0.0.1',
			BALADIYA_LOGIN_CLIENT_FAILURES: String(CLIENT_MAX),
			BALADIYA_LOGIN_ACCOUNT_FAILURES: String(ACCOUNT_MAX),
		} });
		for (const u of ['known-user', 'sprayed', 'target']) await addUser(guarded, 'editor', u);
	});
	after(async () => {
		if (guarded) assert.equal(await guarded.stop(), 0);
	});

	it('answers an unknown and a known username alike: same statuses, bodies, and time', async (t) => {
		const known = from('198.51.100.10');
		const unknown = from('198.51.100.11');
		const answers = { known: [], unknown: [] };
		const times = { known: [], unknown: [] };
		// interleaved, so that the machine's load touches both alike
		for (let i = 0; i < 7; i++) {
			for (const [who, c, name] of [['known', known, 'known-user'], ['unknown', unknown, 'nobody-at-all']]) {
				const t0 = performance.now();
				const r = await c.login(name, `${WRONG}-${i}`, { json: true });
				times[who].push(performance.now() - t0);
				answers[who].push(`${r.status} ${r.body} retry-after:${r.headers.has('retry-after')}`);
			}
		}
		assert.deepEqual(answers.known, answers.unknown);
		// five free failures, then the wait, whether the account exists or not
		assert.deepEqual(answers.known.map((a) => a.slice(0, 3)),
			['401', '401', '401', '401', '401', '429', '429']);
		// the password checks (the 401s) cost the same: Argon2id against the account's hash or
		// a dummy one
		const k = median(times.known.slice(0, 5));
		const u = median(times.unknown.slice(0, 5));
		t.diagnostic(`median of the 401s: ${k.toFixed(1)} ms known, ${u.toFixed(1)} ms unknown; ` +
			`the 429s: ${median(times.known.slice(5)).toFixed(1)} ms, ${median(times.unknown.slice(5)).toFixed(1)} ms`);
		assert.ok(Math.abs(k - u) < Math.max(30, 0.35 * Math.max(k, u)),
			`median ${k.toFixed(1)} ms for a known username, ${u.toFixed(1)} ms for an unknown one`);
	});

	it('throttles one client spraying passwords over many accounts', async () => {
		const sprayer = from('203.0.113.50');
		const statuses = [];
		for (let i = 0; i < CLIENT_MAX + 4; i++) {
			const name = i === CLIENT_MAX + 2 ? 'sprayed' : `guess-${i}`;
			const r = await sprayer.login(name, `${WRONG}-spray`, { json: true });
			statuses.push(r.status);
		}
		assert.deepEqual(statuses, [...Array(CLIENT_MAX).fill(401), ...Array(4).fill(429)]);
		// even the right password of a real account is refused to that client for now...
		const r = await sprayer.login('sprayed', PASSWORD, { json: true });
		assert.equal(r.status, 429);
		assert.equal(r.json.error.code, 'too_many_attempts');
		assert.ok(Number(r.headers.get('retry-after')) > 0);
		// ...and not to anyone else
		assert.equal((await from('203.0.113.51').login('sprayed', PASSWORD)).status, 303);
	});

	it('lets the real user sign in from her own device while attackers fail on her account', async () => {
		// three attackers, each stopped after its free failures; together past the account's
		// ceiling
		const attackers = ['192.0.2.1', '192.0.2.2', '192.0.2.3'].map(from);
		let failures = 0;
		for (let round = 0; round < 6; round++) {
			for (const a of attackers) {
				const r = await a.login('target', `${WRONG}-${round}`, { json: true });
				if (r.status === 401) failures++;
				else assert.equal(r.status, 429);
			}
		}
		assert.ok(failures >= ACCOUNT_MAX, `${failures} failures on the account`);
		// a fourth attacker gets one try (it has no failures yet), then the account's ceiling
		// stops it after a single failure
		const late = from('192.0.2.4');
		assert.equal((await late.login('target', `${WRONG}-late`, { json: true })).status, 401);
		assert.equal((await late.login('target', `${WRONG}-late2`, { json: true })).status, 429);
		// the attackers are refused even with the right password
		for (const a of attackers) {
			assert.equal((await a.login('target', PASSWORD, { json: true })).status, 429);
		}
		// the owner, from a client with no failures: signed in at once
		const owner = from('198.51.100.200');
		const r = await owner.login('target', PASSWORD);
		assert.equal(r.status, 303);
		assert.ok(r.cookie('__Host-session'));
		assert.equal((await owner.get('/staff')).status, 200);
	});

	it('writes an audit line for each refusal: a keyed client id, no address, no password', async () => {
		const logs = guarded.logs();
		const refusals = logs.split('\n').filter((l) => l.includes('sign-in refused'));
		assert.ok(refusals.some((l) => /wrong username or password \(client [0-9a-f]{8}, account [0-9a-f]{8}\)/.test(l)),
			refusals.slice(0, 3).join('\n'));
		assert.ok(refusals.some((l) => /sign-in refused: too many failures of this client \(client [0-9a-f]{8}, account [0-9a-f]{8}, retry in \d+ s\)/.test(l)));
		assert.ok(refusals.some((l) => /sign-in refused: repeated failures of this client on this account/.test(l)));
		assert.ok(refusals.some((l) => /sign-in refused: too many failures on this account/.test(l)));
		// one line per refusal: 5 + 2 and 5 + 2 (first test), 8 + 5 (spray), the attack's
		assert.ok(refusals.length >= 30, `${refusals.length} refusal lines`);
		assert.ok(!logs.includes(WRONG), 'a wrong password is in the log');
		assert.ok(!logs.includes(PASSWORD), 'a password is in the log');
		for (const ip of ['198.51.100.', '203.0.113.', '192.0.2.']) {
			assert.ok(!logs.includes(ip), `a client address (${ip}…) is in the log`);
		}
		// the usernames tried are not in the log either (a password typed in the wrong field)
		assert.ok(!logs.includes('nobody-at-all') && !logs.includes('guess-3'));
	});
});
