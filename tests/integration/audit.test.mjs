// The access trail (issue 4): every request to a platform leaves one entry
// with the right fields, secrets scrubbed, the client address taken from
// X-Forwarded-For only behind a trusted proxy; `bastide audit verify` passes
// on an untouched trail and names the entry where a stock sqlite3 edit
// (change, delete, insert, swap, truncate) breaks it; SIGTERM under load
// loses no answered request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Bastide, MINUTE, startWithConfig } from './lib/bastide.mjs';
import { sqlite, withTamper } from './lib/trail.mjs';

const b = new Bastide('audit');
let admin;
const auditDb = () => join(b.data, 'platforms', 'demo', 'audit.db');

const sql = (query) => sqlite(auditDb(), query);

function rows(query) {
	return sql(query).split('\n').filter(Boolean).map((l) => l.split('|'));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The writer commits every 100 ms: wait until the query yields n rows.
async function waitRows(query, n, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const r = rows(query);
		if (r.length >= n || Date.now() > deadline)
			return r;
		await sleep(50);
	}
}

const probe = () => randomBytes(6).toString('hex');

// Requests /login with a fresh probe and headers; the entry's column.
async function traced(column, headers, client = b.client()) {
	const p = probe();
	await client.get(`/login?probe=${p}`, { headers });
	const [[value]] = await waitRows(`SELECT ${column} FROM trail WHERE path = '/login?probe=${p}'`, 1);
	return value;
}

async function verify(...extra) {
	return b.run(['audit', 'verify', '--platform', 'demo', ...extra]);
}

before(async () => {
	admin = await b.initWithDemo();
	await b.start();
});

after(async () => {
	await b.dispose();
});

test('bastide init made the checkpoint key, secret 0600', () => {
	const mode = execFileSync('stat', ['-c', '%a', join(b.data, 'audit.key')], { encoding: 'utf8' }).trim();
	assert.equal(mode, '600');
	assert.ok(existsSync(join(b.data, 'audit.pub')));
});

test('N requests produce N entries with the right fields', async () => {
	const c = b.client();
	assert.equal((await c.login(admin.email, admin.password)).status, 303);
	const userId = execFileSync('sqlite3', [join(b.data, 'platforms', 'demo', 'main.db'),
		`SELECT id FROM users WHERE email = '${admin.email}'`], { encoding: 'utf8' }).trim();
	const p = probe();
	const N = 10;
	const t0 = b.now();
	const sizes = [];
	for (let i = 0; i < N; i++) {
		const res = await c.get(`/?probe=${p}&i=${i}`, { headers: { 'User-Agent': `agent-${p}` } });
		assert.equal(res.status, 200);
		sizes.push(Buffer.byteLength(res.body));
	}
	const got = await waitRows(`SELECT method, path, status, user_id, session_ref, client_addr, bytes,
		duration_ms, coalesce((SELECT ua FROM agents WHERE id = ua_id), user_agent), at_ms, kind FROM trail WHERE path LIKE '/?probe=${p}%' ORDER BY seq`, N);
	// a request's entry is queued once its response is done, so two quick
	// requests may be numbered either way: compare them in request order
	const index = (path) => Number(/&i=(\d+)$/.exec(path)[1]);
	got.sort((x, y) => index(x[1]) - index(y[1]));
	assert.equal(got.length, N);
	got.forEach((r, i) => {
		const [method, path, status, uid, sref, addr, bytes, dur, ua, at, kind] = r;
		assert.equal(method, 'GET');
		assert.equal(path, `/?probe=${p}&i=${i}`);
		assert.equal(status, '200');
		assert.equal(uid, userId);
		assert.match(sref, /^[0-9a-f]{16}$/);
		assert.equal(sref, got[0][4], 'one session, one reference');
		assert.equal(addr, '127.0.0.1');
		assert.equal(Number(bytes), sizes[i]);
		assert.ok(Number(dur) >= 0);
		assert.equal(ua, `agent-${p}`);
		assert.ok(Number(at) >= t0 - 1000 && Number(at) <= b.now() + 1000);
		assert.equal(kind, '0');
	});
	// the session reference does not reveal the session
	assert.ok(!c.cookieHeader().includes(got[0][4]));

	const anon = b.client();
	const q = probe();
	assert.equal((await anon.get(`/login?probe=${q}`)).status, 200);
	const [a] = await waitRows(`SELECT user_id, session_ref FROM trail WHERE path = '/login?probe=${q}'`, 1);
	assert.deepEqual(a, ['', '']);
});

test('secrets are scrubbed from query strings and one-time link paths', async () => {
	const c = b.client();
	const secret = `S3CR3T${probe()}`;
	await c.get(`/reset/${secret}?next=/x&token=${secret}&code=${secret}&Password=${secret}` +
		    `&state=${secret}&api_key=${secret}&keep=1`);
	await c.get(`/activate/${secret}`);
	// entries are numbered when each response completes: two requests in a
	// row may be recorded in either order
	const got = await waitRows(`SELECT path FROM trail WHERE path LIKE '/reset/%' OR path LIKE '/activate/%' ORDER BY path`, 2);
	assert.deepEqual(got.map((r) => r[0]), [
		'/activate/[redacted]',
		'/reset/[redacted]?next=/x&token=[redacted]&code=[redacted]&Password=[redacted]' +
			'&state=[redacted]&api_key=[redacted]&keep=1',
	]);
	assert.equal(sql(`SELECT count(*) FROM trail WHERE instr(path, '${secret}') OR instr(user_agent, '${secret}')`), '0');
	assert.equal(sql(`SELECT count(*) FROM agents WHERE instr(ua, '${secret}')`), '0');
});

test('user agents have control characters neutralised and are cut at 512 bytes', async () => {
	const ua = await traced('coalesce((SELECT ua FROM agents WHERE id = ua_id), user_agent)', { 'User-Agent': `a\tb${'x'.repeat(3000)}` });
	assert.equal(ua.length, 512);
	assert.ok(ua.startsWith('a?bxxx'));
});

test('a forged X-Forwarded-For from an untrusted peer is ignored', async () => {
	assert.equal(await traced('client_addr', { 'X-Forwarded-For': '203.0.113.9' }), '127.0.0.1');
});

test('static assets are left out by default; requests to no platform too', async () => {
	const c = b.client();
	const html = (await c.get('/login')).body;
	const asset = /(\/static\/[^"']+)/.exec(html)[1];
	assert.equal((await c.get(asset)).status, 200);
	assert.equal((await b.client('nowhere.localhost').get('/login')).status, 421);
	await sleep(400);
	assert.equal(sql(`SELECT count(*) FROM trail WHERE path LIKE '/static/%'`), '0');
});

test('security events share the chain with access entries', async () => {
	const c = b.client();
	await c.submit('/login', { email: admin.email, password: 'wrong password' });
	const got = await waitRows(`SELECT kind, event FROM trail WHERE event = 'auth.login.failure'`, 1);
	assert.equal(got[0][0], '1');
	// seq has no gap and every row is chained
	assert.equal(sql('SELECT count(*) = max(seq) AND count(coalesce(hash_bin, hash)) = count(*) FROM trail'), '1');
});

test('a checkpoint is signed every 10 minutes while the chain moves', async () => {
	b.advanceClock(11 * MINUTE);
	await b.client().get(`/login?probe=${probe()}`);
	const got = await waitRows(`SELECT kind FROM checkpoints WHERE kind = 'periodic'`, 1);
	assert.equal(got.length, 1);
	const r = await verify();
	assert.equal(r.code, 0, r.stdout + r.stderr);
	assert.match(r.stdout, /^ok: \d+ entries, 1 checkpoints\n$/);
});

test('behind a trusted proxy the X-Forwarded-For address is recorded', async () => {
	await b.stop();
	await startWithConfig(b, ({ port }) => `[server]\nlisten = 127.0.0.1:${port}\ntrusted_proxy = 127.0.0.1\n`);
	assert.equal(await traced('client_addr', { 'X-Forwarded-For': '198.51.100.1, 203.0.113.9' }),
		     '203.0.113.9');
});

test('SIGTERM under load: every request answered before shutdown is in the trail', async () => {
	const c = b.client();
	const p = probe();
	const answered = [];
	let stopAt = null;
	const worker = async (w) => {
		for (let i = 0; ; i++) {
			try {
				const res = await c.get(`/login?probe=${p}&w=${w}&i=${i}`);
				answered.push(`/login?probe=${p}&w=${w}&i=${i}`);
				if (res.status !== 200)
					return;
			} catch {
				return; // connection refused or reset: the server is stopping
			}
			if (stopAt === null && answered.length >= 200)
				stopAt = b.stop();
		}
	};
	await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(worker));
	await stopAt;
	assert.ok(answered.length >= 200);
	const logged = new Set(rows(`SELECT path FROM trail WHERE path LIKE '/login?probe=${p}&%'`).map((r) => r[0]));
	const missing = answered.filter((x) => !logged.has(x));
	assert.deepEqual(missing, [], `${missing.length} of ${answered.length} answered requests not traced`);
	assert.match(b.log(), /received SIGTERM/);
});

/* ---- tampering, with the stock sqlite3 tool, server stopped ---- */

const tamper = (statements, fn) => withTamper(auditDb(), statements, fn);

test('an untouched trail verifies, including from a date', async () => {
	assert.equal(b.running, false);
	const r = await verify();
	assert.equal(r.code, 0, r.stdout + r.stderr);
	const m = /^ok: (\d+) entries, (\d+) checkpoints\n$/.exec(r.stdout);
	assert.ok(m, r.stdout);
	assert.equal(m[1], sql('SELECT count(*) FROM trail'));
	assert.ok(Number(m[2]) >= 3, 'periodic and two shutdowns');
	const today = new Date(b.now()).toISOString().slice(0, 10);
	const from = await verify('--from', today);
	assert.equal(from.code, 0, from.stdout + from.stderr);
});

const mid = () => Number(sql('SELECT max(seq) FROM trail')) - 20;

test('verify names the entry whose field was changed', async () => {
	const k = mid();
	const r = await tamper(`UPDATE trail SET client_addr = '10.9.9.9' WHERE seq = ${k}`, () => verify());
	assert.equal(r.code, 1);
	assert.match(r.stdout, new RegExp(`^broken at entry ${k} \\(\\d{4}-.*\\): entry ${k} does not match its hash`));
});

test('verify names a deleted entry', async () => {
	const k = mid();
	const r = await tamper(`DELETE FROM trail WHERE seq = ${k}`, () => verify());
	assert.equal(r.code, 1);
	assert.match(r.stdout, new RegExp(`^broken at entry ${k} .*entry ${k} is missing`));
});

test('verify names an inserted entry', async () => {
	const k = mid();
	const r = await tamper(
		`UPDATE trail SET seq = -seq WHERE seq >= ${k}; UPDATE trail SET seq = 1 - seq WHERE seq < 0;` +
		`INSERT INTO trail (seq, at_ms, kind, client_addr, method, path, status, hash)` +
		` SELECT ${k}, at_ms, 0, '10.0.0.1', 'GET', '/forged', 200, hash FROM trail WHERE seq = ${k - 1};`,
		() => verify());
	assert.equal(r.code, 1);
	assert.match(r.stdout, new RegExp(`^broken at entry ${k} .*does not match its hash`));
});

test('verify names the first of two swapped entries', async () => {
	const k = mid();
	const r = await tamper(
		`UPDATE trail SET seq = -1 WHERE seq = ${k}; UPDATE trail SET seq = ${k} WHERE seq = ${k + 1};` +
		`UPDATE trail SET seq = ${k + 1} WHERE seq = -1;`, () => verify());
	assert.equal(r.code, 1);
	assert.match(r.stdout, new RegExp(`^broken at entry ${k} `));
});

test('verify notices entries removed from the end, past the last checkpoint', async () => {
	const last = Number(sql('SELECT max(seq) FROM trail'));
	const r = await tamper(`DELETE FROM trail WHERE seq > ${last - 3}`, () => verify());
	assert.equal(r.code, 1);
	assert.match(r.stdout, new RegExp(`^broken at entry ${last - 2} .*entries ${last - 2} to ${last} are missing`));
});

test('verify refuses a checkpoint not signed by the installation key', async () => {
	const r = await tamper(`UPDATE checkpoints SET at_ms = at_ms + 1 WHERE id = 1`, () => verify());
	assert.equal(r.code, 1);
	assert.match(r.stdout, /does not carry a valid signature/);
	const again = await verify();
	assert.equal(again.code, 0, again.stdout);
});
