// One-time links: invitations (/activate/<t>, 72 hours) and password
// resets (/reset/<t>, one hour). A link shows its form, enforces the
// password policy without being spent, works exactly once, expires, and a
// newer link replaces the older one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Bastide, HOUR, MINUTE, activate, csrfOf, noticesOf } from './lib/bastide.mjs';

const b = new Bastide('links');
const GOOD = 'seven brave otters swim at dawn';

before(async () => {
	await b.initWithDemo();
	await b.start();
});

after(async () => {
	await b.dispose();
});

// GET the link's form, then POST password/confirm with its csrf field.
async function submitLink(c, link, password, confirm = password) {
	const page = await c.get(link);
	assert.equal(page.status, 200, `GET ${link}: ${page.status}`);
	return c.post(link, { csrf: csrfOf(page.body), password, confirm });
}

let aliceLink;

test('user create prints an invitation link, also mailed (printed in the server log without an SMTP relay)', async () => {
	const r = await b.cli('user', 'create', '--platform', 'demo', '--email', 'alice@example.com',
			      '--name', 'Alice Liddell');
	assert.match(r.stdout, /valid 72 hours, single use/);
	assert.match(r.stdout, /http:\/\/demo\.localhost(:\d+)?\/activate\/[A-Za-z0-9_-]{43}\n/);
	aliceLink = r.link;
	await b.waitForLog(new RegExp(`mail to alice@example\\.com[^\\n]*${aliceLink.replace(/[-/]/g, '\\$&')}`));
});

test('an invitation link shows the activation form with a csrf field and the account', async () => {
	const res = await b.client().get(aliceLink);
	assert.equal(res.status, 200);
	assert.match(res.body, /alice@example\.com/);
	assert.ok(csrfOf(res.body));
	assert.match(res.body, /name="password"/);
	assert.match(res.body, /name="confirm"/);
});

test('mismatched passwords are refused with 400 and the link stays usable', async () => {
	const c = b.client();
	const res = await submitLink(c, aliceLink, GOOD, `${GOOD}!`);
	assert.equal(res.status, 400);
	assert.ok(noticesOf(res.body).length > 0);
	assert.equal((await c.get(aliceLink)).status, 200);
});

test('a weak password (11 characters, or containing the e-mail local part) is refused with 400 and the link stays usable', async () => {
	const c = b.client();
	for (const weak of ['abcdefghijk', 'my ALICE password is long', 'xxalicexxxxxxxx']) {
		const res = await submitLink(c, aliceLink, weak);
		assert.equal(res.status, 400, `"${weak}" was accepted`);
		assert.ok(noticesOf(res.body).length > 0, `no notice for "${weak}"`);
	}
	assert.equal((await c.get(aliceLink)).status, 200);
});

test('a good password activates the account: 303 to /login?notice=activated', async () => {
	const res = await submitLink(b.client(), aliceLink, GOOD);
	assert.equal(res.status, 303, noticesOf(res.body).join(' '));
	assert.equal(res.location, '/login?notice=activated');
});

test('a used invitation link answers 410 to GET and to POST', async () => {
	const c = b.client();
	const get = await c.get(aliceLink);
	assert.equal(get.status, 410);
	assert.match(get.body, /link_invalid/);
	const token = csrfOf((await c.get('/login')).body);
	const post = await c.post(aliceLink, { csrf: token, password: 'another good passphrase',
					       confirm: 'another good passphrase' });
	assert.equal(post.status, 410);
	// and the password was not changed by that POST
	const login = await b.client().login('alice@example.com', 'another good passphrase');
	assert.equal(login.status, 401);
});

test('the activated user can sign in with the chosen password', async () => {
	const c = b.client();
	const res = await c.login('alice@example.com', GOOD);
	assert.equal(res.status, 303);
	assert.equal(res.location, '/');
	const me = await c.get('/api/v1/me');
	assert.equal(me.status, 200);
	assert.equal(me.json().email, 'alice@example.com');
	assert.equal(me.json().status, 'active');
});

test('an invitation link expires after 72 hours: 410', async () => {
	const link = await b.createUser('demo', 'late@example.com');
	b.advanceClock(71 * HOUR);
	assert.equal((await b.client().get(link)).status, 200, 'expired before 72 hours');
	b.advanceClock(2 * HOUR);
	const c = b.client();
	const res = await c.get(link);
	assert.equal(res.status, 410);
	const token = csrfOf((await c.get('/login')).body);
	const post = await c.post(link, { csrf: token, password: GOOD, confirm: GOOD });
	assert.equal(post.status, 410);
});

test('a password reset link expires after one hour: 410', async () => {
	const link = await b.resetPassword('demo', 'alice@example.com');
	assert.match(link, /^\/reset\//);
	b.advanceClock(59 * MINUTE);
	assert.equal((await b.client().get(link)).status, 200, 'expired before one hour');
	b.advanceClock(2 * MINUTE);
	const c = b.client();
	assert.equal((await c.get(link)).status, 410);
	const token = csrfOf((await c.get('/login')).body);
	const post = await c.post(link, { csrf: token, password: 'a different passphrase', confirm: 'a different passphrase' });
	assert.equal(post.status, 410);
	assert.equal((await b.client().login('alice@example.com', GOOD)).status, 303);
});

test('a new reset link makes the previous one invalid; the new one sets the password', async () => {
	const first = await b.resetPassword('demo', 'alice@example.com');
	const second = await b.resetPassword('demo', 'alice@example.com');
	assert.notEqual(first, second);
	const c = b.client();
	assert.equal((await c.get(first)).status, 410);
	const NEW = 'nine quiet herons fish at noon';
	const res = await submitLink(c, second, NEW);
	assert.equal(res.status, 303);
	assert.equal(res.location, '/login?notice=password-reset');
	assert.equal((await c.get(second)).status, 410);
	assert.equal((await b.client().login('alice@example.com', GOOD)).status, 401);
	assert.equal((await b.client().login('alice@example.com', NEW)).status, 303);
});

test('a password reset ends the sessions opened with the old password', async () => {
	const NEW = 'nine quiet herons fish at noon';
	const c = b.client();
	assert.equal((await c.login('alice@example.com', NEW)).status, 303);
	assert.equal((await c.get('/api/v1/me')).status, 200);
	const link = await b.resetPassword('demo', 'alice@example.com');
	await activate(b.client(), link, 'eleven loud geese fly south');
	assert.equal((await c.get('/api/v1/me')).status, 401);
});
