// Platforms (tenants) as seen over HTTP: the Host header picks the
// platform, never a default one; a platform answers on each of its host
// names; sessions do not cross platforms; suspension takes one platform
// down for maintenance while the others, and the server, keep running.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Bastide, Client, waitForCliChange } from './lib/bastide.mjs';

const b = new Bastide('platforms');
let demo;

before(async () => {
	demo = await b.initWithDemo();
	await b.createPlatform('acme', { hosts: ['acme.localhost', 'acme.example.net'], name: 'ACME Corp' });
	await b.start();
});

after(async () => {
	await b.dispose();
});

const title = (html) => /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';

test('a platform with two host names answers on both, as itself', async () => {
	for (const host of ['acme.localhost', 'acme.example.net']) {
		const res = await b.client(host).get('/login');
		assert.equal(res.status, 200, host);
		assert.match(title(res.body), /ACME Corp/, host);
	}
	const res = await b.client('demo.localhost').get('/login');
	assert.equal(res.status, 200);
	assert.match(title(res.body), /Bastide demo/);
	assert.doesNotMatch(res.body, /ACME Corp/);
});

test('host names are matched without regard to case', async () => {
	const res = await b.client('ACME.Localhost').get('/login');
	assert.equal(res.status, 200);
	assert.match(title(res.body), /ACME Corp/);
});

test('a session cookie of one platform is worthless on another platform\'s host', async () => {
	const c = b.client('demo.localhost');
	assert.equal((await c.login(demo.email, demo.password)).status, 303);
	assert.equal((await c.get('/api/v1/me')).status, 200);
	const cookie = c.cookie('bastide');
	for (const host of ['acme.localhost', 'acme.example.net']) {
		const other = b.client(host);
		other.setCookie('bastide', cookie);
		const home = await other.get('/');
		assert.equal(home.status, 303, host);
		assert.match(home.location, /^\/login/, host);
		const me = await other.get('/api/v1/me');
		assert.equal(me.status, 401, host);
		assert.equal(me.json().error.code, 'unauthenticated');
	}
});

test('platform suspend: acme answers 503 (maintenance page, API JSON) on every host while demo keeps answering', async () => {
	const demoClient = b.client('demo.localhost');
	assert.equal((await demoClient.login(demo.email, demo.password)).status, 303);
	const r = await b.cli('platform', 'suspend', 'acme');
	assert.match(r.stdout, /suspended/);
	await waitForCliChange();
	for (const host of ['acme.localhost', 'acme.example.net']) {
		const page = await b.client(host).get('/login');
		assert.equal(page.status, 503, host);
		assert.match(page.headers['content-type'], /^text\/html/);
		assert.match(page.body, /maintenance/i);
		assert.ok(page.headers['retry-after'], 'no Retry-After');
		const api = await b.client(host).get('/api/v1/me');
		assert.equal(api.status, 503, host);
		assert.equal(api.json().error.code, 'maintenance');
		const post = await b.client(host).post('/login', { email: 'a@b.c', password: 'x' });
		assert.equal(post.status, 503, `POST on ${host}`);
	}
	assert.equal((await b.client('demo.localhost').get('/login')).status, 200);
	assert.equal((await demoClient.get('/')).status, 200);
	assert.equal((await demoClient.get('/api/v1/me')).status, 200);
	assert.ok(b.running, 'the server stopped');
});

test('platform resume: acme answers normally again, without a restart', async () => {
	const starts = b.starts;
	const r = await b.cli('platform', 'resume', 'acme');
	assert.match(r.stdout, /resumed/);
	await waitForCliChange();
	const page = await b.client('acme.localhost').get('/login');
	assert.equal(page.status, 200);
	assert.match(title(page.body), /ACME Corp/);
	assert.equal((await b.client('acme.localhost').get('/api/v1/me')).status, 401);
	assert.equal(b.starts, starts);
	assert.ok(b.running);
});

test('an unknown Host gets 421 in plain text, never a default platform', async () => {
	for (const host of ['unknown.localhost', `127.0.0.1`, 'localhost.evil.example']) {
		const res = await new Client(b.port, host).get('/login');
		assert.equal(res.status, 421, host);
		assert.match(res.headers['content-type'], /^text\/plain/);
		assert.match(res.body, /^421 Misdirected Request/);
		assert.doesNotMatch(res.body, /<html|Bastide demo|ACME/);
	}
});
