// Response headers and the transport's plain answers: the security headers
// on every kind of response, caching of static assets, and 400 / 404 / 405
// for malformed queries, unknown paths and wrong methods.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Bastide, Client } from './lib/bastide.mjs';

const b = new Bastide('headers');
let demo;

before(async () => {
	demo = await b.initWithDemo();
	await b.start();
});

after(async () => {
	await b.dispose();
});

// The headers every response must carry, whatever produced it.
function assertSecurityHeaders(res, what) {
	const h = res.headers;
	const csp = h['content-security-policy'];
	assert.ok(csp, `${what}: no Content-Security-Policy`);
	assert.doesNotMatch(csp, /'unsafe-inline'/, `${what}: CSP allows inline code`);
	assert.doesNotMatch(csp, /'unsafe-eval'/, `${what}: CSP allows eval`);
	assert.match(csp, /default-src 'none'|default-src 'self'/, `${what}: CSP has no default-src`);
	assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP lets other sites frame the page`);
	assert.equal(h['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
	assert.ok(h['referrer-policy'], `${what}: no Referrer-Policy`);
	assert.match(h['referrer-policy'], /^(no-referrer|same-origin|strict-origin)/, `${what}: Referrer-Policy leaks`);
	assert.ok(h['permissions-policy'], `${what}: no Permissions-Policy`);
	assert.equal(h.server, undefined, `${what}: Server header "${h.server}" names the software`);
	assert.equal(h['x-powered-by'], undefined, `${what}: X-Powered-By`);
}

// Static asset paths referenced in a page's head.
function assetsOf(html) {
	const head = /<head>([\s\S]*?)<\/head>/.exec(html)?.[1] ?? '';
	return [...head.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]);
}

test('a page carries the security headers', async () => {
	const res = await b.client().get('/login');
	assert.equal(res.status, 200);
	assertSecurityHeaders(res, 'GET /login');
	assert.match(res.headers['cache-control'], /no-store/);
});

test('a signed-in page carries the security headers', async () => {
	const c = b.client();
	assert.equal((await c.login(demo.email, demo.password)).status, 303);
	const res = await c.get('/');
	assert.equal(res.status, 200);
	assertSecurityHeaders(res, 'GET /');
	assert.match(res.headers['cache-control'], /no-store/);
	assertSecurityHeaders(await c.get('/api/v1/me'), 'GET /api/v1/me (signed in)');
});

test('an API response carries the security headers', async () => {
	const res = await b.client().get('/api/v1/me');
	assert.equal(res.status, 401);
	assert.match(res.headers['content-type'], /^application\/json/);
	assertSecurityHeaders(res, 'GET /api/v1/me');
});

test('a redirect carries the security headers', async () => {
	const res = await b.client().get('/');
	assert.equal(res.status, 303);
	assertSecurityHeaders(res, 'GET / (redirect)');
});

test('an unknown path answers 404 with the security headers', async () => {
	for (const path of ['/nothing-here', '/api/v1/nothing-here', '/static/nothing.css']) {
		const res = await b.client().get(path);
		assert.equal(res.status, 404, path);
		assertSecurityHeaders(res, `GET ${path}`);
	}
	const api = await b.client().get('/api/v1/nothing-here');
	assert.equal(api.json().error.code, 'not_found');
});

test('a wrong method answers 405 with the security headers', async () => {
	for (const [method, path] of [['DELETE', '/login'], ['PUT', '/'], ['POST', '/api/v1/me']]) {
		const res = await b.client().request(method, path);
		assert.equal(res.status, 405, `${method} ${path}`);
		assertSecurityHeaders(res, `${method} ${path}`);
	}
});

test('a 405 names the allowed methods in an Allow header (RFC 9110 §15.5.6)', async () => {
	const res = await b.client().request('DELETE', '/login');
	assert.equal(res.status, 405);
	assert.ok(res.headers.allow, 'no Allow header on 405');
	assert.match(res.headers.allow, /\bGET\b/);
	assert.match(res.headers.allow, /\bPOST\b/);
});

test('a malformed query (/?a=%zz) answers 400 with the security headers', async () => {
	for (const path of ['/?a=%zz', '/login?next=%', '/api/v1/me?a=%G0']) {
		const res = await b.client().get(path);
		assert.equal(res.status, 400, path);
		assertSecurityHeaders(res, `GET ${path}`);
	}
});

test('static assets under their hashed names are immutable, carry an ETag, and If-None-Match gives 304', async () => {
	const page = await b.client().get('/login');
	const assets = assetsOf(page.body);
	assert.ok(assets.length >= 1, 'no static asset in the page head');
	for (const path of assets) {
		assert.match(path, /^\/static\/[^/]+\.[0-9a-f]{8,}\.[a-z0-9]+$/, `${path} is not a hashed name`);
		const res = await b.client().get(path);
		assert.equal(res.status, 200, path);
		assertSecurityHeaders(res, `GET ${path}`);
		assert.match(res.headers['cache-control'], /\bimmutable\b/, path);
		assert.match(res.headers['cache-control'], /max-age=\d{7,}/, path);
		const etag = res.headers.etag;
		assert.ok(etag, `${path}: no ETag`);
		assert.ok(res.body.length > 0, `${path} is empty`);
		assert.ok(res.headers['content-type'], `${path}: no Content-Type`);
		const again = await b.client().get(path, { headers: { 'If-None-Match': etag } });
		assert.equal(again.status, 304, path);
		assert.equal(again.body, '');
		assert.equal(again.headers.etag, etag);
		assertSecurityHeaders(again, `GET ${path} (304)`);
	}
});

test('a static asset needs no session and sets no cookie', async () => {
	const [path] = assetsOf((await b.client().get('/login')).body);
	const res = await b.client().get(path);
	assert.equal(res.status, 200);
	assert.deepEqual(res.setCookies, []);
});

// Last: it may take the server down while it has a defect.
test('a 421 for an unknown host carries the security headers', async () => {
	const res = await new Client(b.port, 'unknown.localhost').get('/');
	assert.equal(res.status, 421);
	assertSecurityHeaders(res, '421');
});
