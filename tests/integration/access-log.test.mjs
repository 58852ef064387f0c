// The back office's access log (issue 4): administrators only; filters on
// user, address, event or path, status class and dates; newest first with
// a cursor; an entry's page; "Verify integrity"; CSV and JSON exports of
// the filtered view, streamed, with formula injection neutralised; every
// reading recorded in the log itself. And "was this you?": each person sees
// their own recent sign-ins, failures included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Bastide, activate, csrfOf, noticesOf } from './lib/bastide.mjs';
import { sqlite, withTamper } from './lib/trail.mjs';

const b = new Bastide('access-log');
const PW = 'correct horse battery staple 42';
let admin;
let adminClient;
let alice;
const auditDb = () => join(b.data, 'platforms', 'demo', 'audit.db');
const sql = (q) => sqlite(auditDb(), q);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Entries of the writer are committed within 100 ms.
const settle = () => sleep(300);

before(async () => {
	admin = await b.initWithDemo();
	const link = await b.createUser('demo', 'alice@demo.localhost');
	await b.start();
	alice = b.client();
	await activate(alice, link, PW);
	assert.equal((await alice.login('alice@demo.localhost', PW)).status, 303);
	adminClient = b.client();
	assert.equal((await adminClient.login(admin.email, admin.password)).status, 303);
});

after(async () => {
	await b.dispose();
});

test('only administrators see the access log', async () => {
	assert.equal((await alice.get('/admin/access-log')).status, 403);
	assert.equal((await alice.get('/admin/access-log.csv')).status, 403);
	assert.equal((await alice.get('/api/v1/audit/access-log')).status, 403);
	const anon = await b.client().get('/admin/access-log');
	assert.equal(anon.status, 303);
	const page = await adminClient.get('/admin/access-log');
	assert.equal(page.status, 200);
	assert.match(page.body, /<caption>Access log entries, newest first/);
	assert.match(page.body, /aria-current="page">Access log</);
});

test('reading the log is itself an entry of it', async () => {
	const before = Number(sql(`SELECT count(*) FROM trail WHERE event = 'audit.log.read'`));
	await adminClient.get('/admin/access-log?status=4xx');
	const [actor, details] = sql(`SELECT actor, details FROM trail WHERE event = 'audit.log.read' ORDER BY seq DESC LIMIT 1`).split('|');
	assert.equal(Number(sql(`SELECT count(*) FROM trail WHERE event = 'audit.log.read'`)), before + 1);
	assert.equal(actor, admin.email);
	assert.deepEqual(JSON.parse(details), { status: '4xx' });
});

test('filters: user (with their refused sign-ins), address, event, path, status, dates', async () => {
	await b.client().submit('/login', { email: 'alice@demo.localhost', password: 'not her password' });
	await alice.get('/?mark=alice-home');
	await settle();
	const byUser = (await adminClient.get('/admin/access-log?user=Alice%40demo.localhost')).body;
	assert.match(byUser, /\/\?mark=alice-home/);
	assert.match(byUser, /auth\.login\.failure<\/code> alice@demo\.localhost/);
	assert.doesNotMatch(byUser, /admin@demo\.localhost/);

	const byEvent = (await adminClient.get('/admin/access-log?what=auth.login.failure')).body;
	assert.match(byEvent, /auth\.login\.failure/);
	assert.doesNotMatch(byEvent, /<code>\/\?mark=/);

	const byPath = (await adminClient.get('/admin/access-log?what=%2F%3Fmark%3Dalice')).body;
	assert.match(byPath, /\/\?mark=alice-home/);
	assert.doesNotMatch(byPath, /<code>auth\.login/);

	await adminClient.get('/no-such-page-here');
	await settle();
	const notFound = (await adminClient.get('/admin/access-log?status=4xx')).body;
	assert.match(notFound, /no-such-page-here/);
	assert.doesNotMatch(notFound, /mark=alice-home/);

	const byAddr = (await adminClient.get('/admin/access-log?addr=192.0.2.77')).body;
	assert.match(byAddr, /No entry matches these filters/);

	const today = new Date(b.now()).toISOString().slice(0, 10);
	const dated = (await adminClient.get(`/admin/access-log?from=${today}&to=${today}&what=%2F%3Fmark`)).body;
	assert.match(dated, /mark=alice-home/);
	const past = (await adminClient.get('/admin/access-log?from=2001-01-01&to=2001-01-31')).body;
	assert.match(past, /No entry matches these filters/);
});

test('bad filters are explained, not run', async () => {
	for (const [q, text] of [['from=2024-02-30', 'Give dates as YYYY-MM-DD'], ['status=6xx', 'Choose a status class'],
				 ['from=2024-03-02&to=2024-03-01', 'The start date is after the end date'],
				 ['user=nobody', 'give their e-mail address'], ['cursor=abc', 'This page address is not valid']]) {
		const res = await adminClient.get(`/admin/access-log?${q}`);
		assert.equal(res.status, 400, q);
		assert.ok(noticesOf(res.body).some((n) => n.includes(text)), `${q}: ${noticesOf(res.body)}`);
	}
	const api = await adminClient.get('/api/v1/audit/access-log?status=9xx');
	assert.equal(api.status, 400);
	assert.equal(api.json().error.code, 'status_invalid');
});

test('newest first, with a cursor that walks every entry once', async () => {
	for (let i = 0; i < 7; i++)
		await alice.get(`/?page-walk=${i}`);
	await settle();
	const seen = [];
	let cursor = null;
	for (;;) {
		const res = await adminClient.get(`/api/v1/audit/access-log?what=%2F%3Fpage-walk&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
		assert.equal(res.status, 200);
		const j = res.json();
		seen.push(...j.items.map((e) => [e.seq, e.path]));
		if (!j.next_cursor)
			break;
		cursor = encodeURIComponent(j.next_cursor);
	}
	// newest first by entry number; a request's entry is queued when its
	// response is done, so two quick requests may be numbered either way
	assert.deepEqual(seen.map(([seq]) => seq), seen.map(([seq]) => seq).sort((x, y) => y - x));
	assert.deepEqual(seen.map(([, p]) => p).sort(), [0, 1, 2, 3, 4, 5, 6].map((i) => `/?page-walk=${i}`));
});

test('an entry has its page, with every field', async () => {
	const seq = sql(`SELECT seq FROM trail WHERE path = '/?mark=alice-home'`);
	const res = await adminClient.get(`/admin/access-log/${seq}`);
	assert.equal(res.status, 200);
	assert.match(res.body, /alice@demo\.localhost/);
	assert.match(res.body, /<dd>\/\?mark=alice-home<\/dd>/);
	assert.equal(sql(`SELECT count(*) FROM trail WHERE event = 'audit.log.entry' AND target = '${seq}'`), '1');
	assert.equal((await adminClient.get('/admin/access-log/99999999')).status, 404);
});

test('the CSV export holds the filtered view, neutralised and quoted', async () => {
	await alice.get('/?x=1', { headers: { 'User-Agent': '=HYPERLINK("http://evil.example","x"),1' } });
	await settle();
	const res = await adminClient.get('/admin/access-log.csv?user=alice%40demo.localhost');
	assert.equal(res.status, 200);
	assert.match(res.headers['content-type'], /^text\/csv/);
	assert.match(res.headers['content-disposition'], /attachment; filename="access-log-demo-\d{4}-\d\d-\d\d\.csv"/);
	const lines = res.body.split('\r\n').filter(Boolean);
	assert.equal(lines[0], 'seq,time,kind,user,actor,session,address,method,path,status,bytes,duration_ms,user_agent,event,target,details');
	assert.ok(lines.length > 3);
	assert.ok(lines.slice(1).every((l) => l.includes('alice@demo.localhost')), 'only her entries');
	assert.ok(res.body.includes(`"'=HYPERLINK(""http://evil.example"",""x""),1"`), 'formula neutralised, quotes doubled');
	assert.equal(sql(`SELECT count(*) FROM trail WHERE event = 'audit.log.export' AND details LIKE '%"format":"csv"%'`), '1');
});

test('the JSON export and its API twin', async () => {
	const res = await adminClient.get('/admin/access-log.json?what=auth.login');
	assert.equal(res.status, 200);
	const items = JSON.parse(res.body);
	assert.ok(items.length >= 2);
	assert.ok(items.every((e) => e.kind === 'event' && e.event.startsWith('auth.login')));
	assert.ok(items[0].seq > items[1].seq, 'newest first');
	const api = await adminClient.get('/api/v1/audit/access-log.csv?status=2xx');
	assert.equal(api.status, 200);
	assert.match(api.body, /^seq,time/);
	assert.equal((await alice.get('/api/v1/audit/access-log.json')).status, 403);
});

test('an export longer than one page of the store is complete', async () => {
	const client = b.client();
	for (let i = 0; i < 520; i++)
		await client.get(`/login?bulk=${i}`);
	await settle();
	const res = await adminClient.get('/admin/access-log.json?what=%2Flogin%3Fbulk%3D');
	const paths = JSON.parse(res.body).map((e) => e.path);
	assert.equal(paths.length, 520);
	assert.equal(new Set(paths).size, 520);
	// the page's own "Older entries" link keeps the filters
	const page = (await adminClient.get('/admin/access-log?what=%2Flogin%3Fbulk%3D&status=2xx')).body;
	const next = /rel="next" href="(\/admin\/access-log\?cursor=\d+\.\d+&amp;what=[^"]+&amp;status=2xx)"/.exec(page);
	assert.ok(next, 'a link to older entries');
	const older = (await adminClient.get(next[1].replaceAll('&amp;', '&'))).body;
	assert.match(older, /bulk=469</);
	assert.doesNotMatch(older, /bulk=470</);
});

test('"Verify integrity" says what it found', async () => {
	const page = await adminClient.get('/admin/access-log');
	const res = await adminClient.post('/admin/access-log/verify', { csrf: csrfOf(page.body) });
	assert.equal(res.status, 200);
	assert.ok(noticesOf(res.body).some((n) => /The access log is intact: \d+ entries recomputed/.test(n)), noticesOf(res.body).join());
	assert.equal(sql(`SELECT count(*) FROM trail WHERE event = 'audit.log.verify'`), '1');
	// without the CSRF field: refused
	assert.equal((await adminClient.post('/admin/access-log/verify', {})).status, 403);
});

test('"Verify integrity" names the first broken entry', async () => {
	await b.stop();
	const k = Number(sql(`SELECT seq FROM trail WHERE path = '/?mark=alice-home'`));
	await withTamper(auditDb(), `UPDATE trail SET client_addr = '10.9.9.9' WHERE seq = ${k}`, async () => {
		await b.start();
		const c = b.client();
		assert.equal((await c.login(admin.email, admin.password)).status, 303);
		const page = await c.get('/admin/access-log');
		const res = await c.post('/admin/access-log/verify', { csrf: csrfOf(page.body) });
		assert.equal(res.status, 409);
		assert.ok(noticesOf(res.body).some((n) => n.includes(`BROKEN at entry ${k}`)), noticesOf(res.body).join());
		await b.stop();
	});
	await b.start();
	adminClient = b.client();
	assert.equal((await adminClient.login(admin.email, admin.password)).status, 303);
	alice = b.client();
	assert.equal((await alice.login('alice@demo.localhost', PW)).status, 303);
});

test('was this you: each person sees their own sign-ins, failures included', async () => {
	await b.client().submit('/login', { email: 'alice@demo.localhost', password: 'wrong again' }, { headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' } });
	const page = await alice.get('/settings/sessions');
	assert.equal(page.status, 200);
	assert.match(page.body, /<caption>Recent sign-ins/);
	assert.match(page.body, /Refused: wrong password/);
	assert.match(page.body, /Signed in/);
	assert.match(page.body, /Firefox on Linux/);
	// only hers
	const other = await adminClient.get('/settings/sessions');
	assert.doesNotMatch(other.body, /wrong password/);
});
