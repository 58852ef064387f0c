// The JSON API with personal access tokens: scopes, revocation, expiry,
// platform isolation, and the transport's answers to bad bodies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Bastide, DAY, HOUR, activate, findToken } from './lib/bastide.mjs';

const b = new Bastide('api');
const PW = 'three tall cranes stand still';
let demo;
let acmeAdmin;
let readToken;
let rwToken;

const bearer = (token) => ({ headers: { Authorization: `Bearer ${token}` } });

before(async () => {
	demo = await b.initWithDemo();
	acmeAdmin = await b.createPlatform('acme');
	readToken = (await b.createToken('demo', demo.email, { scope: 'read' })).token;
	rwToken = (await b.createToken('demo', demo.email, { scope: 'read-write' })).token;
	await b.start();
	await activate(b.client('acme.localhost'), acmeAdmin.link, PW);
});

after(async () => {
	await b.dispose();
});

test('token create --scope read: GET /api/v1/me with Authorization: Bearer works, as a read token', async () => {
	assert.match(readToken, /^bst_[A-Za-z0-9_-]{43}$/);
	const res = await b.client().get('/api/v1/me', bearer(readToken));
	assert.equal(res.status, 200);
	assert.match(res.headers['content-type'], /^application\/json/);
	const me = res.json();
	assert.equal(me.email, demo.email);
	assert.equal(me.platform.slug, 'demo');
	assert.deepEqual(me.auth, { method: 'token', scope: 'read' });
});

test('a read-write token reports its scope', async () => {
	const res = await b.client().get('/api/v1/me', bearer(rwToken));
	assert.equal(res.status, 200);
	assert.deepEqual(res.json().auth, { method: 'token', scope: 'read-write' });
});

test('a read token may not write: POST /api/v1/tokens answers 403 insufficient_scope and creates nothing', async () => {
	const res = await b.client().postJson('/api/v1/tokens', { name: 'from-read', scope: 'read' },
					      bearer(readToken));
	assert.equal(res.status, 403);
	assert.equal(res.json().error.code, 'insufficient_scope');
	const list = await b.cli('token', 'list', '--platform', 'demo', '--email', demo.email);
	assert.doesNotMatch(list.stdout, /from-read/);
	// reading is what it may do
	assert.equal((await b.client().get('/api/v1/tokens', bearer(readToken))).status, 200);
});

test('a read-write token may write: POST /api/v1/tokens creates a token', async () => {
	const res = await b.client().postJson('/api/v1/tokens', { name: 'from-rw', scope: 'read' },
					      bearer(rwToken));
	assert.equal(res.status, 201, res.body);
	const created = findToken(res.body);
	assert.ok(created, `no token in ${res.body}`);
	const me = await b.client().get('/api/v1/me', bearer(created));
	assert.equal(me.status, 200);
	assert.equal(me.json().auth.scope, 'read');
});

test('a revoked token is refused with 401', async () => {
	const { token, id } = await b.createToken('demo', demo.email, { scope: 'read-write' });
	assert.ok(id, 'token list did not show the new token');
	assert.equal((await b.client().get('/api/v1/me', bearer(token))).status, 200);
	const r = await b.cli('token', 'revoke', '--platform', 'demo', '--id', String(id));
	assert.match(r.stdout, /revoked/);
	const res = await b.client().get('/api/v1/me', bearer(token));
	assert.equal(res.status, 401);
	assert.equal(res.json().error.code, 'unauthenticated');
	// the other tokens are untouched
	assert.equal((await b.client().get('/api/v1/me', bearer(readToken))).status, 200);
});

test('a token created with --expires 1 works for a day, then is refused with 401', async () => {
	const { token } = await b.createToken('demo', demo.email, { scope: 'read', expires: 1 });
	assert.equal((await b.client().get('/api/v1/me', bearer(token))).status, 200);
	b.advanceClock(23 * HOUR);
	assert.equal((await b.client().get('/api/v1/me', bearer(token))).status, 200, 'expired early');
	b.advanceClock(DAY + HOUR); // two days after creation
	assert.equal((await b.client().get('/api/v1/me', bearer(token))).status, 401);
	assert.equal((await b.client().get('/api/v1/me', bearer(readToken))).status, 200);
});

test('a token of one platform is refused with 401 on another platform\'s host', async () => {
	const acmeToken = (await b.createToken('acme', acmeAdmin.email, { scope: 'read' })).token;
	const own = await b.client('acme.localhost').get('/api/v1/me', bearer(acmeToken));
	assert.equal(own.status, 200);
	assert.equal(own.json().platform.slug, 'acme');
	assert.equal((await b.client('demo.localhost').get('/api/v1/me', bearer(acmeToken))).status, 401);
	assert.equal((await b.client('acme.localhost').get('/api/v1/me', bearer(readToken))).status, 401);
});

test('unknown and malformed bearer tokens are refused with 401', async () => {
	const forged = `bst_${'A'.repeat(43)}`;
	for (const token of [forged, readToken.slice(0, -1), readToken.replace(/^bst_/, ''), '']) {
		const res = await b.client().get('/api/v1/me', bearer(token));
		assert.equal(res.status, 401, JSON.stringify(token));
	}
});

test('a bearer token does not sign in to the HTML pages', async () => {
	const res = await b.client().get('/', bearer(rwToken));
	assert.equal(res.status, 303);
	assert.match(res.location, /^\/login/);
});

test('a malformed JSON body is refused with 400 bad_json', async () => {
	for (const body of ['{"email": ', '{"a":1}garbage', '[1,2', '\u0000']) {
		const res = await b.client().postJson('/api/v1/register', body, bearer(rwToken));
		assert.equal(res.status, 400, JSON.stringify(body));
		assert.equal(res.json().error.code, 'bad_json');
	}
});

test('a body over 1 MiB is refused with 413', async () => {
	const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
	assert.ok(big.length > 1024 * 1024);
	const res = await b.client().postJson('/api/v1/register', big, bearer(rwToken));
	assert.equal(res.status, 413);
	assert.equal(res.json().error.code, 'body_too_large');
	// the server is fine afterwards
	assert.equal((await b.client().get('/api/v1/me', bearer(readToken))).status, 200);
});
