// Signing in: one answer for every failure, per-account delays and lock,
// the per-address rate limit, session rotation at each privilege change,
// sign-out on the server, idle timeout and absolute lifetime.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	Bastide, Client, DAY, HOUR, MINUTE, SECOND, activate, csrfOf, enrolTotp, noticesOf, totp,
} from './lib/bastide.mjs';

const b = new Bastide('login');
const PW = 'twelve plump owls hoot softly';
const WRONG = 'not the password at all';
let acme;

// A member of demo, activated with PW.
async function member(email) {
	const link = await b.createUser('demo', email);
	await activate(b.client(), link, PW);
	return email;
}

// The delay the server imposes after n failures (login.h): none below 5,
// then 1 s, 2 s, 4 s ... capped at 5 minutes.
function delayAfter(n) {
	return n < 5 ? 0 : Math.min(1000 * 2 ** (n - 5), 5 * MINUTE);
}

before(async () => {
	await b.initWithDemo();
	acme = await b.createPlatform('acme');
	await b.start();
	await activate(b.client('acme.localhost'), acme.link, PW);
});

after(async () => {
	await b.dispose();
});

test('a wrong password gets 401 and exactly the message of an unknown account', async () => {
	const email = await member('wrong@example.com');
	const wrong = await b.client().login(email, WRONG);
	const unknown = await b.client().login('nobody@example.com', WRONG);
	assert.equal(wrong.status, 401);
	assert.equal(unknown.status, 401);
	const n1 = noticesOf(wrong.body);
	const n2 = noticesOf(unknown.body);
	assert.ok(n1.length > 0);
	assert.deepEqual(n1, n2);
	// nothing else in the page tells them apart either (the e-mail field
	// echoes what was typed; the csrf token is per client)
	const scrub = (s, e) => s.replaceAll(e, 'EMAIL').replace(/name="csrf" value="[^"]*"/g, '');
	assert.equal(scrub(wrong.body, email), scrub(unknown.body, 'nobody@example.com'));
});

test('after five failures each attempt waits a growing delay: the right password is refused within it, accepted after it', async () => {
	const email = await member('delay@example.com');
	const c = b.client();
	for (let i = 0; i < 5; i++)
		assert.equal((await c.login(email, WRONG)).status, 401);
	// let each delay pass, so that three more failures count: the delay is
	// then 8 s, far longer than the next request takes
	for (let n = 5; n < 8; n++) {
		b.advanceClock(delayAfter(n) + SECOND);
		assert.equal((await c.login(email, WRONG)).status, 401);
	}
	const refused = await c.login(email, PW);
	assert.equal(refused.status, 401, 'the right password was accepted within the delay');
	assert.deepEqual(noticesOf(refused.body), noticesOf((await b.client().login(email, WRONG)).body));
	b.advanceClock(delayAfter(8) + SECOND);
	const ok = await c.login(email, PW);
	assert.equal(ok.status, 303);
	assert.equal(ok.location, '/');
});

test('a successful sign-in clears the failures: four more failures do not delay the next sign-in', async () => {
	const email = 'delay@example.com'; // 8 failures, then a success, above
	const c = b.client();
	for (let i = 0; i < 4; i++)
		assert.equal((await c.login(email, WRONG)).status, 401);
	assert.equal((await c.login(email, PW)).status, 303);
});

test('twenty failures within an hour lock the account until an administrator unlocks it', async () => {
	const email = await member('lock@example.com');
	const c = b.client();
	const start = b.clock;
	for (let n = 0; n < 20; n++) {
		b.advanceClock(delayAfter(n) + (n >= 5 ? SECOND : 0));
		assert.equal((await c.login(email, WRONG)).status, 401, `failure ${n + 1}`);
	}
	assert.ok(b.clock - start < HOUR, 'the twenty failures must fit in one hour');
	assert.equal((await c.login(email, PW)).status, 401, 'locked account accepted the right password');
	// the lock does not wear off: long after every delay and the window
	b.advanceClock(3 * HOUR);
	assert.equal((await c.login(email, PW)).status, 401, 'lock wore off by itself');
	const list = await b.cli('user', 'list', '--platform', 'demo', '--search', 'lock@');
	assert.match(list.stdout, /lock@example\.com.*locked/);
	const unlock = await b.cli('user', 'unlock', '--platform', 'demo', '--email', email);
	assert.match(unlock.stdout, /unlocked/);
	const ok = await c.login(email, PW);
	assert.equal(ok.status, 303);
});

test('sign-in issues a fresh session cookie, unlike any cookie the client held before (no fixation)', async () => {
	const email = await member('fixation@example.com');
	const c = b.client();
	const planted = 'A'.repeat(43);
	c.setCookie('bastide', planted);
	const page = await c.get('/login');
	assert.equal(page.status, 200, 'a planted unknown session cookie must not count as signed in');
	const before = new Set(c.jar.values());
	const res = await c.post('/login', { csrf: csrfOf(page.body), email, password: PW });
	assert.equal(res.status, 303);
	const session = c.cookie('bastide');
	assert.ok(session, 'no session cookie after sign-in');
	assert.ok(!before.has(session), 'the session cookie is one the client already had');
	assert.equal(c.cookie('bastide-pre'), undefined, 'the pre-session cookie was not cleared');
	const sc = res.setCookies.find((s) => s.startsWith('bastide='));
	assert.match(sc, /HttpOnly/i);
	assert.match(sc, /SameSite=(Lax|Strict)/i);
	assert.match(sc, /Path=\//);
	assert.equal((await c.get('/api/v1/me')).status, 200);
	// a second sign-in from the same browser gets yet another cookie
	const again = await c.post('/login', { csrf: await c.csrf('/'), email, password: PW });
	assert.equal(again.status, 303);
	assert.notEqual(c.cookie('bastide'), session);
});

test('completing the second factor issues a new session cookie and the pending one stops working', async () => {
	const c = b.client('acme.localhost');
	const login = await c.login(acme.email, PW);
	assert.equal(login.status, 303);
	assert.match(login.location, /^\/login\/2fa\/setup/);
	const pending = c.cookie('bastide');
	assert.ok(pending);
	const { key } = await enrolTotp(b, c);
	const full = c.cookie('bastide');
	assert.ok(full && full !== pending, 'enrolment did not rotate the session cookie');
	const stale = new Client(b.port, 'acme.localhost');
	stale.setCookie('bastide', pending);
	assert.equal((await stale.get('/api/v1/me')).status, 401);
	assert.equal((await c.get('/api/v1/me')).status, 200);

	// and at the next sign-in, the code step
	assert.equal((await c.logout()).status, 303);
	b.advanceClock(31 * SECOND); // the enrolment spent the current time step
	const again = await c.login(acme.email, PW);
	assert.equal(again.status, 303);
	assert.match(again.location, /^\/login\/2fa(\?|$)/);
	const pending2 = c.cookie('bastide');
	assert.notEqual(pending2, full);
	const verified = await c.submit('/login/2fa', { code: totp(key, b.now()) });
	assert.equal(verified.status, 303, noticesOf(verified.body).join(' '));
	const full2 = c.cookie('bastide');
	assert.ok(full2 && full2 !== pending2, 'the second factor did not rotate the session cookie');
	stale.setCookie('bastide', pending2);
	assert.equal((await stale.get('/api/v1/me')).status, 401);
	const home = await stale.get('/');
	assert.equal(home.status, 303);
	assert.match(home.location, /^\/login/);
	assert.equal((await c.get('/api/v1/me')).status, 200);
});

test('sign-out ends the session on the server: the old cookie then leads to /login', async () => {
	const email = await member('logout@example.com');
	const c = b.client();
	assert.equal((await c.login(email, PW)).status, 303);
	const cookie = c.cookie('bastide');
	const out = await c.logout();
	assert.equal(out.status, 303);
	assert.equal(out.location, '/login?notice=signed-out');
	assert.equal(c.cookie('bastide'), undefined, 'the cookie was not cleared');
	const replay = b.client();
	replay.setCookie('bastide', cookie);
	const home = await replay.get('/');
	assert.equal(home.status, 303);
	assert.match(home.location, /^\/login/);
	assert.equal((await replay.get('/api/v1/me')).status, 401);
});

test('a session idle for more than 12 hours is over', async () => {
	const email = await member('idle@example.com');
	const c = b.client();
	assert.equal((await c.login(email, PW)).status, 303);
	b.advanceClock(11 * HOUR);
	assert.equal((await c.get('/')).status, 200, 'ended before 12 idle hours');
	b.advanceClock(13 * HOUR);
	const home = await c.get('/');
	assert.equal(home.status, 303);
	assert.match(home.location, /^\/login/);
	assert.equal((await c.get('/api/v1/me')).status, 401);
});

test('a session ends 14 days after sign-in even when used all along', async () => {
	const email = await member('lifetime@example.com');
	const c = b.client();
	assert.equal((await c.login(email, PW)).status, 303);
	// a request every 11 hours keeps it under the 12-hour idle limit
	let elapsed = 0;
	while (elapsed + 11 * HOUR < 14 * DAY - HOUR) {
		b.advanceClock(11 * HOUR);
		elapsed += 11 * HOUR;
		const me = await c.get('/api/v1/me');
		assert.equal(me.status, 200, `ended after ${elapsed / HOUR} hours`);
	}
	b.advanceClock(14 * DAY - HOUR - elapsed);
	assert.equal((await c.get('/api/v1/me')).status, 200, 'ended before 14 days');
	b.advanceClock(2 * HOUR);
	const home = await c.get('/');
	assert.equal(home.status, 303);
	assert.match(home.location, /^\/login/);
	assert.equal((await c.get('/api/v1/me')).status, 401);
});

test('rapid sign-in attempts from one address get 429 with Retry-After (30 a minute)', async () => {
	b.advanceClock(2 * MINUTE); // a full bucket for this address
	const c = b.client();
	const token = await c.csrf('/login');
	let first429 = 0;
	let res;
	for (let i = 1; i <= 45 && !first429; i++) {
		res = await c.post('/login', { csrf: token, email: `flood${i}@example.com`, password: WRONG });
		if (res.status === 429)
			first429 = i;
		else
			assert.equal(res.status, 401);
	}
	assert.ok(first429, 'no 429 after 45 attempts');
	assert.ok(first429 > 25, `429 after only ${first429} attempts`);
	assert.ok(res.headers['retry-after']);
	// even the right password of an existing account waits
	assert.equal((await c.post('/login', { csrf: token, email: 'lifetime@example.com', password: PW })).status, 429);
	// a rate, not a ban: a minute later sign-in works
	b.advanceClock(MINUTE);
	assert.equal((await b.client().login('lifetime@example.com', PW)).status, 303);
});
