// The trail when audit.db cannot be written (issue 4, "Bad input and
// faults"): requests keep being answered, the failure is logged loudly and
// shown on the operator's health report, the entries go to the platform's
// spill file, and once the file can be written again they are replayed into
// the chain in order — every one of them, security events included — and
// `bastide audit verify` passes. The file is made unwritable with
// `chattr +i` (the tests run as root, whom a mode of 0444 does not stop).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Bastide, Client } from './lib/bastide.mjs';
import { sqlite } from './lib/trail.mjs';

const b = new Bastide('audit-faults');
const dir = () => join(b.data, 'platforms', 'demo');
const auditDb = () => join(dir(), 'audit.db');
const spill = () => join(dir(), 'audit.spill');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let immutable = [];

function chattr(flag, files) {
	for (const f of files)
		execFileSync('chattr', [flag, f]);
}

// The operator's report: GET /health on a host that is no platform's.
async function health(headers = {}) {
	return new Client(b.port, '127.0.0.1').get('/health', { headers });
}

async function until(fn, what, timeoutMs = 10000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > deadline)
			throw new Error(`${what}: not within ${timeoutMs} ms`);
		await sleep(100);
	}
}

before(async () => {
	await b.initWithDemo();
	await b.start();
});

after(async () => {
	if (immutable.length)
		chattr('-i', immutable);
	await b.dispose();
});

test('the health report is the operator\'s only: loopback, no proxy, no platform host', async () => {
	const r = await health();
	assert.equal(r.status, 200);
	const h = r.json();
	assert.equal(h.status, 'ok');
	assert.equal(h.audit.running, true);
	assert.equal(h.audit.spilling, false);
	// a request a local reverse proxy passes on carries X-Forwarded-For
	assert.equal((await health({ 'X-Forwarded-For': '203.0.113.9' })).status, 421);
	// on a platform's host, /health is nothing
	assert.equal((await b.client().get('/health')).status, 404);
});

test('an unwritable audit.db: requests answered, failure reported, every entry replayed in order', async () => {
	const c = b.client();
	const p = randomBytes(6).toString('hex');
	assert.equal((await c.get(`/login?fault=${p}&i=before`)).status, 200);
	await until(() => sqlite(auditDb(), `SELECT count(*) FROM trail WHERE path = '/login?fault=${p}&i=before'`) === '1',
		'the first entry written');

	immutable = [auditDb(), `${auditDb()}-wal`].filter(existsSync);
	chattr('+i', immutable);
	const N = 20;
	for (let i = 0; i < N; i++)
		assert.equal((await c.get(`/login?fault=${p}&i=${i}`)).status, 200);
	// a security event (written before the response) while the file is unwritable
	const refused = await c.submit('/login', { email: `nobody-${p}@example.org`, password: 'wrong wrong wrong' });
	assert.ok(refused.status < 500, `a refused sign-in is answered (got ${refused.status})`);
	assert.equal((await c.get(`/login?fault=${p}&i=last`)).status, 200);

	await b.waitForLog(/trail of platform demo CANNOT BE WRITTEN/);
	const during = await until(async () => {
		const r = await health();
		return r.json().audit.spilled >= N ? r : null;
	}, 'the health report shows the spilled entries');
	assert.equal(during.status, 503);
	assert.equal(during.json().status, 'degraded');
	assert.equal(during.json().audit.spilling, true);
	assert.equal(during.json().audit.spilling_platforms, 1);
	assert.ok(existsSync(spill()), 'the spill file exists');
	assert.equal(sqlite(auditDb(), `SELECT count(*) FROM trail WHERE path LIKE '/login?fault=${p}&i=%'`), '1');

	chattr('-i', immutable);
	immutable = [];
	const after = await until(async () => {
		const r = await health();
		return r.status === 200 ? r : null;
	}, 'the health report is ok again');
	assert.equal(after.json().audit.spilling, false);
	assert.ok(after.json().audit.replayed >= N + 2);
	assert.equal(after.json().audit.failed, 0);
	assert.equal(existsSync(spill()), false, 'the spill file is gone once replayed');
	await b.waitForLog(/trail of platform demo can be written again/);

	// every request, in the order answered, then newer entries after them
	assert.equal((await c.get(`/login?fault=${p}&i=newer`)).status, 200);
	const paths = await until(() => {
		const rows = sqlite(auditDb(), `SELECT path FROM trail WHERE path LIKE '/login?fault=${p}&i=%' ORDER BY seq`)
			.split('\n').filter(Boolean);
		return rows.length === N + 3 ? rows : null;
	}, 'every entry in the trail');
	const want = ['before', ...Array.from({ length: N }, (_, i) => String(i)), 'last', 'newer']
		.map((i) => `/login?fault=${p}&i=${i}`);
	assert.deepEqual(paths, want);
	const ev = sqlite(auditDb(), `SELECT count(*) FROM trail WHERE event = 'auth.login.failure'` +
		` AND target = 'nobody-${p}@example.org'`);
	assert.equal(ev, '1', 'the security event was replayed');
	const seqEv = Number(sqlite(auditDb(), `SELECT seq FROM trail WHERE target = 'nobody-${p}@example.org'`));
	const seqLast = Number(sqlite(auditDb(), `SELECT seq FROM trail WHERE path = '/login?fault=${p}&i=last'`));
	const seq19 = Number(sqlite(auditDb(), `SELECT seq FROM trail WHERE path = '/login?fault=${p}&i=${N - 1}'`));
	assert.ok(seq19 < seqEv && seqEv < seqLast, 'the event sits between the requests around it');

	await b.stop();
	const v = await b.run(['audit', 'verify', '--platform', 'demo']);
	assert.equal(v.code, 0, v.stdout + v.stderr);
	assert.match(v.stdout, /^ok: \d+ entries/);
});
