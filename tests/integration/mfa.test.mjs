// Second factor on a platform with the default policy (administrators need
// one): enrolment at first sign-in, the pending session's limits, TOTP
// codes, replay refusal and single-use recovery codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	Bastide, SECOND, activate, csrfOf, noticesOf, recoveryCodesOf, totp, totpKeyOf,
} from './lib/bastide.mjs';

const b = new Bastide('mfa');
const PW = 'four grey wolves run at night';
let admin; // acme's first administrator
let c; // the administrator's browser
let key; // TOTP key, base32
let recovery = []; // recovery codes
let usedCode; // the last TOTP code accepted

before(async () => {
	await b.init();
	admin = await b.createPlatform('acme', { hosts: ['acme.localhost'], name: 'ACME' });
	await b.start();
	await activate(b.client('acme.localhost'), admin.link, PW);
	c = b.client('acme.localhost');
});

after(async () => {
	await b.dispose();
});

// A code for the next time step not yet used: moves the test clock on by
// one step, so that a code is never refused as a replay by accident.
function freshCode() {
	b.advanceClock(31 * SECOND);
	return totp(key, b.now());
}

// Signs out (when signed in) and in again with the password.
async function signInAgain() {
	if (c.cookie('bastide')) {
		// a full session has the sign-out form on /, a pending one on /login/2fa
		let page = await c.get('/');
		if (page.status !== 200)
			page = await c.get('/login/2fa');
		const out = await c.post('/logout', { csrf: csrfOf(page.body) });
		assert.equal(out.status, 303);
	}
	const res = await c.login(admin.email, PW);
	assert.equal(res.status, 303);
	return res;
}

test('an administrator signing in is sent to set up a second factor', async () => {
	const res = await c.login(admin.email, PW);
	assert.equal(res.status, 303);
	assert.match(res.location, /^\/login\/2fa\/setup(\?|$)/);
	assert.ok(c.cookie('bastide'), 'no pending session cookie');
});

test('a session awaiting its second factor reaches neither pages (redirect to /login/2fa) nor the API (401)', async () => {
	const home = await c.get('/');
	assert.equal(home.status, 303);
	assert.match(home.location, /^\/login\/2fa/);
	const me = await c.get('/api/v1/me');
	assert.equal(me.status, 401);
	assert.equal(me.json().error.code, 'second_factor_required');
});

test('the setup page shows a QR code and the key as text', async () => {
	const page = await c.get('/login/2fa/setup');
	assert.equal(page.status, 200);
	key = totpKeyOf(page.body);
	assert.ok(key, 'no <code class="secret"> key');
	assert.ok(key.length >= 32, `a ${key.length}-character key is under 160 bits`);
	assert.match(page.body, /<svg[^>]*role="img"/);
	// the key stays the same until it is confirmed
	assert.equal(totpKeyOf((await c.get('/login/2fa/setup')).body), key);
});

test('enrolment refuses a wrong code with 400', async () => {
	const page = await c.get('/login/2fa/setup');
	const right = totp(key, b.now());
	const wrong = String((Number(right) + 500000) % 1000000).padStart(6, '0');
	const res = await c.post('/login/2fa/setup', { csrf: csrfOf(page.body), code: wrong });
	assert.equal(res.status, 400);
	assert.ok(noticesOf(res.body).length > 0);
	assert.equal((await c.get('/api/v1/me')).status, 401, 'a wrong code completed the sign-in');
});

test('enrolment with the right code shows ten recovery codes and completes the sign-in', async () => {
	const page = await c.get('/login/2fa/setup');
	usedCode = freshCode();
	const res = await c.post('/login/2fa/setup', { csrf: csrfOf(page.body), code: usedCode });
	assert.equal(res.status, 200, noticesOf(res.body).join(' '));
	recovery = recoveryCodesOf(res.body);
	assert.equal(recovery.length, 10);
	assert.equal(new Set(recovery).size, 10);
	const me = await c.get('/api/v1/me');
	assert.equal(me.status, 200);
	assert.equal(me.json().second_factor, true);
	assert.equal((await c.get('/')).status, 200);
});

test('signing in again asks for the code at /login/2fa', async () => {
	const res = await signInAgain();
	assert.match(res.location, /^\/login\/2fa(\?|$)/);
	assert.equal((await c.get('/api/v1/me')).status, 401);
	assert.equal((await c.get('/login/2fa')).status, 200);
});

test('a TOTP code from the app completes the sign-in', async () => {
	usedCode = freshCode();
	const res = await c.submit('/login/2fa', { code: usedCode });
	assert.equal(res.status, 303, noticesOf(res.body).join(' '));
	assert.equal((await c.get('/api/v1/me')).status, 200);
});

test('the same TOTP code is refused when replayed in a new sign-in', async () => {
	await signInAgain();
	const res = await c.submit('/login/2fa', { code: usedCode });
	assert.equal(res.status, 401);
	assert.equal((await c.get('/api/v1/me')).status, 401, 'the replayed code signed in');
});

test('a recovery code completes the sign-in once, and only once', async () => {
	// still pending from the refused replay
	const first = await c.submit('/login/2fa', { code: recovery[0] });
	assert.equal(first.status, 303, noticesOf(first.body).join(' '));
	assert.equal((await c.get('/api/v1/me')).status, 200);

	await signInAgain();
	const again = await c.submit('/login/2fa', { code: recovery[0] });
	assert.equal(again.status, 401, 'a recovery code worked twice');
	assert.equal((await c.get('/api/v1/me')).status, 401);

	// another one works, typed the way people type (upper case, no dashes)
	const other = await c.submit('/login/2fa', { code: recovery[1].replaceAll('-', '').toUpperCase() });
	assert.equal(other.status, 303, noticesOf(other.body).join(' '));
	assert.equal((await c.get('/api/v1/me')).status, 200);
});
