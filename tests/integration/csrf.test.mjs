// Cross-site request forgery: every state-changing request needs the
// synchronizer token bound to the session (or the pre-session cookie), and
// is refused when Origin or Sec-Fetch-Site show another site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Bastide, csrfOf } from './lib/bastide.mjs';

const b = new Bastide('csrf');
let demo;

before(async () => {
	demo = await b.initWithDemo();
	await b.start();
});

after(async () => {
	await b.dispose();
});

// A signed-in demo client and the csrf token of its session.
async function signedIn() {
	const c = b.client();
	const res = await c.login(demo.email, demo.password);
	assert.equal(res.status, 303);
	return { c, token: await c.csrf('/') };
}

async function stillSignedIn(c) {
	return (await c.get('/api/v1/me')).status === 200;
}

test('POST /login without the csrf field is refused with 403 csrf_failed', async () => {
	const c = b.client();
	await c.get('/login'); // the pre-session cookie
	const res = await c.post('/login', { email: demo.email, password: demo.password });
	assert.equal(res.status, 403);
	assert.match(res.body, /csrf_failed/);
	assert.equal(c.cookie('bastide'), undefined, 'signed in without a csrf token');
});

test('POST /logout without the csrf field is refused with 403 and the session lives on', async () => {
	const { c } = await signedIn();
	const res = await c.post('/logout', {});
	assert.equal(res.status, 403);
	assert.match(res.body, /csrf_failed/);
	assert.ok(await stillSignedIn(c));
});

test('a csrf token of another session is refused', async () => {
	const { c } = await signedIn();
	const { token: otherToken } = await signedIn();
	const res = await c.post('/logout', { csrf: otherToken });
	assert.equal(res.status, 403);
	assert.ok(await stillSignedIn(c));
});

test('a valid token with Origin: http://evil.example is refused with 403', async () => {
	const { c, token } = await signedIn();
	const res = await c.post('/logout', { csrf: token }, { headers: { Origin: 'http://evil.example' } });
	assert.equal(res.status, 403);
	assert.match(res.body, /csrf_failed/);
	assert.ok(await stillSignedIn(c));
});

test('a valid token with Sec-Fetch-Site: cross-site is refused with 403', async () => {
	const { c, token } = await signedIn();
	for (const site of ['cross-site', 'same-site']) {
		const res = await c.post('/logout', { csrf: token }, { headers: { 'Sec-Fetch-Site': site } });
		assert.equal(res.status, 403, `Sec-Fetch-Site: ${site}`);
	}
	assert.ok(await stillSignedIn(c));
});

test('a valid token with the platform\'s own Origin and Sec-Fetch-Site: same-origin works', async () => {
	const { c, token } = await signedIn();
	const res = await c.post('/logout', { csrf: token }, {
		headers: { Origin: c.origin, 'Sec-Fetch-Site': 'same-origin' },
	});
	assert.equal(res.status, 303);
	assert.equal(res.location, '/login?notice=signed-out');
	assert.equal(await stillSignedIn(c), false);
});

test('the sign-in form works with its token and the right Origin', async () => {
	const c = b.client();
	const token = await c.csrf('/login');
	const res = await c.post('/login', { csrf: token, email: demo.email, password: demo.password },
				 { headers: { Origin: c.origin } });
	assert.equal(res.status, 303);
	assert.ok(await stillSignedIn(c));
});

test('an API POST with the session cookie but no X-CSRF-Token is refused with 403 csrf_failed', async () => {
	const { c, token } = await signedIn();
	const body = { email: 'x@example.org', name: 'X', password: 'a long enough passphrase' };
	const res = await c.postJson('/api/v1/register', body);
	assert.equal(res.status, 403);
	assert.equal(res.json().error.code, 'csrf_failed');
	// with the header the request gets through to the handler, which then
	// answers for itself (registration is closed here)
	const ok = await c.postJson('/api/v1/register', body, { headers: { 'X-CSRF-Token': token } });
	assert.equal(ok.json().error.code, 'registration_closed');
});
