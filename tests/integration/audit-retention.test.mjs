// Retention of the access trail (issue 4): over 400 days of a controlled
// clock, the scheduler's daily purge keeps exactly the entries of the last
// 365 days, records itself as an event, and leaves a trail that
// `bastide audit verify` accepts; tampering with what remains is still
// named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Bastide, DAY } from './lib/bastide.mjs';
import { sqlite, withTamper } from './lib/trail.mjs';

const b = new Bastide('audit-retention');
const auditDb = () => join(b.data, 'platforms', 'demo', 'audit.db');
const sql = (q) => sqlite(auditDb(), q);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const verify = () => b.run(['audit', 'verify', '--platform', 'demo']);

// when each day's request was sent, as the server's clock saw it (day 1 to
// 401: the last purge, after day 401's request, cuts day 36)
const sent = [];
let cutoff;

before(async () => {
	await b.initWithDemo();
	await b.start();
});

after(async () => {
	await b.dispose();
});

test('over 400 days, exactly the entries of the last 365 days remain', async () => {
	const c = b.client();
	let final;
	for (let d = 1; d <= 401; d++) {
		b.advanceClock(DAY);
		final = b.now();
		sent.push(final);
		assert.equal((await c.get(`/login?day=${d}`)).status, 200);
	}
	const deadline = Date.now() + 15000;
	const done = `SELECT (SELECT count(*) FROM trail WHERE event = 'audit.purge' AND at_ms >= ${final})` +
		` * (SELECT count(*) FROM trail WHERE path = '/login?day=401')`;
	while (sql(done) === '0') {
		assert.ok(Date.now() < deadline, 'no purge after the last day');
		await sleep(100);
	}
	cutoff = final - 365 * DAY;
	// by day: a request's entry is queued once its response is done, so
	// two quick requests may be numbered either way
	const day = (p) => Number(p.split('=')[1]);
	const kept = sql(`SELECT path FROM trail WHERE path LIKE '/login?day=%'`).split('\n').sort((x, y) => day(x) - day(y));
	const expected = sent.map((t, i) => [t, `/login?day=${i + 1}`]).filter(([t]) => t >= cutoff).map(([, p]) => p);
	assert.equal(expected.length, 365);
	assert.deepEqual(kept, expected);
	// nothing older than the cutoff is left, of any kind
	assert.ok(Number(sql('SELECT min(at_ms) FROM trail')) >= cutoff);
	// the purge is an event of the chain, with what it did
	const [details] = sql(`SELECT details FROM trail WHERE event = 'audit.purge' ORDER BY seq DESC LIMIT 1`).split('\n');
	const p = JSON.parse(details);
	assert.equal(p.retention_days, 365);
	assert.ok(p.deleted >= 1);
	assert.ok(Number(sql(`SELECT count(*) FROM checkpoints WHERE kind = 'truncation'`)) >= 1);
});

test('what remains verifies', async () => {
	const r = await verify();
	assert.equal(r.code, 0, r.stdout + r.stderr);
	const m = /^ok: (\d+) entries, (\d+) checkpoints\n$/.exec(r.stdout);
	assert.ok(m, r.stdout);
});

const tamper = (statements, fn) => withTamper(auditDb(), statements, fn);

test('tampering with what remains is still named', async () => {
	await b.stop();
	const first = Number(sql('SELECT min(seq) FROM trail'));
	const k = first + 10;
	let r = await tamper(`UPDATE trail SET client_addr = '10.9.9.9' WHERE seq = ${k}`, verify);
	assert.equal(r.code, 1);
	assert.match(r.stdout, new RegExp(`^broken at entry ${k} .*does not match its hash`));
	// deleting the oldest entries left, as if the purge had done it, is not a purge
	r = await tamper(`DELETE FROM trail WHERE seq <= ${first + 2}`, verify);
	assert.equal(r.code, 1);
	assert.match(r.stdout, new RegExp(`^broken at entry ${first} .*entry ${first} is missing`));
	r = await verify();
	assert.equal(r.code, 0, r.stdout);
});
