// Self-registration: closed by default (the Security Assurance Plan's
// "closed mode"), refused with a clear page and a stable API error; when an
// administrator opens it, restricted to the configured e-mail domains.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Bastide, csrfOf, formOf, noticesOf } from './lib/bastide.mjs';

const b = new Bastide('registration');
let demo;

before(async () => {
	demo = await b.initWithDemo();
	await b.createPlatform('acme');
	await b.start();
});

after(async () => {
	await b.dispose();
});

const newcomer = {
	email: 'newcomer@example.org',
	name: 'New Comer',
	password: 'a long enough passphrase',
};

test('closed registration: GET /register answers 403 with a page that says why', async () => {
	for (const host of ['demo.localhost', 'acme.localhost']) {
		const res = await b.client(host).get('/register');
		assert.equal(res.status, 403, host);
		assert.match(res.headers['content-type'], /^text\/html/);
		assert.match(res.body, /registration_closed/);
		const notices = noticesOf(res.body);
		assert.ok(notices.some((n) => /closed/i.test(n) && /administrator/i.test(n)),
			  `no clear notice on ${host}: ${JSON.stringify(notices)}`);
	}
});

test('closed registration: POST /register with a valid form is refused with 403 and creates nobody', async () => {
	const c = b.client();
	// the sign-in page has a form, hence a csrf token bound to this client
	const token = csrfOf((await c.get('/login')).body);
	const res = await c.post('/register', { csrf: token, ...newcomer });
	assert.equal(res.status, 403);
	assert.match(res.body, /registration_closed/);
	const list = await b.cli('user', 'list', '--platform', 'demo');
	assert.doesNotMatch(list.stdout, /newcomer@example\.org/);
});

test('closed registration: POST /api/v1/register from a browser client with its CSRF token answers 403 registration_closed', async () => {
	const c = b.client();
	const token = csrfOf((await c.get('/login')).body); // sets the pre-session cookie
	const res = await c.postJson('/api/v1/register', newcomer, { headers: { 'X-CSRF-Token': token } });
	assert.equal(res.status, 403);
	assert.match(res.headers['content-type'], /^application\/json/);
	const body = res.json();
	assert.equal(body.error.code, 'registration_closed');
	assert.equal(typeof body.error.message, 'string');
	assert.ok(body.error.message.length > 20, body.error.message);
});

test('closed registration: POST /api/v1/register from a plain API client (no cookie, no token) answers 403 registration_closed', async () => {
	// A client without cookies has no ambient credentials to abuse, so there
	// is no forgery to prevent: it must learn that registration is closed,
	// not that a CSRF token is missing.
	const res = await b.client().postJson('/api/v1/register', newcomer);
	assert.equal(res.status, 403);
	assert.equal(res.json().error.code, 'registration_closed', res.body);
});

test('an administrator opens registration to one domain on /admin/settings; other domains are refused', async () => {
	const admin = b.client();
	const login = await admin.login(demo.email, demo.password);
	assert.equal(login.status, 303);
	const page = await admin.get('/admin/settings');
	assert.equal(page.status, 200, `GET /admin/settings: ${page.status} ${page.location ?? ''}`);
	const form = formOf(page.body, '/admin/settings');
	assert.ok(form, 'no form posting to /admin/settings');
	assert.ok('registration' in form.fields, `no "registration" field: ${Object.keys(form.fields)}`);
	assert.ok('registration_domains' in form.fields, `no "registration_domains" field: ${Object.keys(form.fields)}`);
	// everything else as the page shows it
	const saved = await admin.post(form.action ?? '/admin/settings', {
		...form.fields,
		registration: 'open',
		registration_domains: 'example.org',
	});
	assert.ok([200, 303].includes(saved.status), `saving settings: ${saved.status} ${noticesOf(saved.body)}`);
	const show = await b.cli('platform', 'show', 'demo');
	assert.match(show.stdout, /registration:\s+open for example\.org/);

	const visitor = b.client();
	const form2 = await visitor.get('/register');
	assert.equal(form2.status, 200);
	assert.match(form2.body, /example\.org/);
	const token = csrfOf(form2.body);

	const elsewhere = await visitor.postJson('/api/v1/register',
		{ ...newcomer, email: 'someone@elsewhere.test' }, { headers: { 'X-CSRF-Token': token } });
	assert.equal(elsewhere.status, 403);
	assert.equal(elsewhere.json().error.code, 'registration_domain');

	const viaApi = await visitor.postJson('/api/v1/register',
		{ ...newcomer, email: 'api.newcomer@example.org' }, { headers: { 'X-CSRF-Token': token } });
	assert.equal(viaApi.status, 201, viaApi.body);
	assert.equal(viaApi.json().email, 'api.newcomer@example.org');
	assert.equal(viaApi.json().role, 'member');

	const viaForm = await visitor.post('/register', { csrf: token, ...newcomer });
	assert.equal(viaForm.status, 303, noticesOf(viaForm.body).join(' '));
	assert.equal(viaForm.location, '/');
	const me = await visitor.get('/api/v1/me');
	assert.equal(me.status, 200);
	assert.equal(me.json().email, newcomer.email);
});
