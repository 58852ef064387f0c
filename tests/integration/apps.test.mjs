// Application switches and video meetings over HTTP: administrators see,
// before switching video meetings on, the operator's Jitsi server and the
// region it declared; a switched-off application answers 404 on its pages
// and leaves the menu; the switch is audited; meetings are links with
// unguessable room names, listed to the platform's members; an application
// whose service is not configured cannot be switched on; members may read
// the registry but not switch anything.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Bastide, activate, csrfOf, startWithConfig } from './lib/bastide.mjs';

const PW = 'eleven silver kites drift north';

function auditEvents(b, prefix) {
	return execFileSync('sqlite3', [join(b.data, 'platforms', 'demo', 'audit.db'),
		`SELECT event || ' ' || target || ' ' || details FROM events WHERE event LIKE '${prefix}%' ORDER BY id`],
	{ encoding: 'utf8' }).split('\n').filter(Boolean);
}

async function setup(b) {
	const demo = await b.initWithDemo();
	const link = await b.createUser('demo', 'alice@demo.localhost', { name: 'Alice Martin' });
	const tokens = {
		admin: (await b.createToken('demo', demo.email, { scope: 'read-write' })).token,
	};
	return { demo, link, tokens };
}

async function signIn(b, demo, link) {
	const admin = b.client();
	assert.equal((await admin.login(demo.email, demo.password)).status, 303);
	const alice = b.client();
	await activate(alice, link, PW);
	assert.equal((await alice.login('alice@demo.localhost', PW)).status, 303);
	return { admin, alice };
}

const bearer = (token) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('with a Jitsi server configured', () => {
	const b = new Bastide('apps');
	let admin;
	let alice;
	let tokens;

	before(async () => {
		const s = await setup(b);
		tokens = s.tokens;
		await startWithConfig(b, ({ port }) =>
			`[server]\nlisten = 127.0.0.1:${port}\n` +
			'[meetings]\nurl = https://meet.example.org/\nprovider = Example Jitsi\nregion = EU (France)\n');
		({ admin, alice } = await signIn(b, s.demo, s.link));
		tokens.alice = (await b.createToken('demo', 'alice@demo.localhost', { scope: 'read-write' })).token;
	});

	after(async () => {
		await b.dispose();
	});

	test('members may read the registry but not switch: the page answers 403, the API too', async () => {
		assert.equal((await alice.get('/admin/apps')).status, 403);
		const res = await b.client().get('/api/v1/apps', bearer(tokens.alice));
		assert.equal(res.status, 200, res.body);
		const apps = Object.fromEntries(res.json().items.map((a) => [a.name, a]));
		assert.equal(apps.documents.enabled, true);
		assert.equal(apps.meetings.enabled, false);
		assert.equal(apps.meetings.available, true);
		assert.equal(apps.meetings.url, 'https://meet.example.org');
		assert.equal(apps.meetings.hosting, 'EU (France)');
		assert.equal(apps.meetings.provider, 'Example Jitsi');
		const patch = await b.client().postJson('/api/v1/apps/meetings', { enabled: true },
							{ method: 'PATCH', ...bearer(tokens.alice) });
		assert.equal(patch.status, 403);
	});

	test('before switching meetings on, the administrator sees the server, its provider and region; the app is off everywhere', async () => {
		const page = await admin.get('/admin/apps');
		assert.equal(page.status, 200, `${page.status} ${page.location ?? ''}`);
		const meetings = page.body.slice(page.body.indexOf('id="h-app-meetings"'));
		assert.match(meetings, /<code>https:\/\/meet\.example\.org<\/code>/);
		assert.match(meetings, /EU \(France\)/);
		assert.match(meetings, /Example Jitsi/);
		assert.match(meetings, /Switch Video meetings on/);
		assert.equal((await alice.get('/meetings')).status, 404);
		assert.equal((await admin.get('/meetings')).status, 404);
		assert.doesNotMatch((await alice.get('/')).body, /href="\/meetings"/);
	});

	test('the administrator switches meetings on: audited, in the menu, and members start meetings with unguessable rooms', async () => {
		const page = await admin.get('/admin/apps');
		const res = await admin.post('/admin/apps', { csrf: csrfOf(page.body), name: 'meetings', enabled: '1' });
		assert.equal(res.status, 303);
		assert.equal(res.location, '/admin/apps?notice=saved');
		const events = auditEvents(b, 'app.switch');
		assert.equal(events.length, 1);
		assert.match(events[0], /^app\.switch meetings .*"enabled":\s*true/);
		assert.match(events[0], /meet\.example\.org/);
		assert.match((await alice.get('/')).body, /<a href="\/meetings">Meetings<\/a>/);

		const list = await alice.get('/meetings');
		assert.equal(list.status, 200);
		assert.match(list.body, /meet\.example\.org/);
		assert.match(list.body, /EU \(France\)/);
		const start = await alice.post('/meetings', { csrf: csrfOf(list.body), title: 'Weekly sync' });
		assert.equal(start.status, 303);
		assert.equal(start.location, '/meetings?notice=meeting-started');
		const start2 = await alice.post('/meetings', { csrf: csrfOf(list.body), title: '' });
		assert.equal(start2.status, 303);
		const seen = await admin.get('/meetings');
		const rooms = [...seen.body.matchAll(/href="https:\/\/meet\.example\.org\/([0-9a-f]+)"/g)].map((m) => m[1]);
		assert.equal(rooms.length, 2);
		for (const room of rooms)
			assert.equal(room.length, 40, 'a room name carries 160 random bits');
		assert.notEqual(rooms[0], rooms[1]);
		assert.match(seen.body, /rel="noopener noreferrer"/);
		assert.match(seen.body, /Weekly sync/);
		assert.match(seen.body, /Alice Martin/);
		// the room names stay out of the audit trail
		for (const e of auditEvents(b, 'meeting.'))
			for (const room of rooms)
				assert.ok(!e.includes(room), 'a room name reached the audit trail');
		const bad = await alice.post('/meetings', { csrf: csrfOf(list.body), title: 'x\u202Ey' });
		assert.equal(bad.status, 400);
	});

	test('switched off through the API, meetings answer 404 and leave the menu', async () => {
		const res = await b.client().postJson('/api/v1/apps/meetings', { enabled: false },
						      { method: 'PATCH', ...bearer(tokens.admin) });
		assert.equal(res.status, 200, res.body);
		assert.equal(res.json().enabled, false);
		assert.equal((await alice.get('/meetings')).status, 404);
		const page = await alice.get('/meetings');
		assert.equal(page.status, 404);
		assert.doesNotMatch((await alice.get('/')).body, /href="\/meetings"/);
		assert.equal(auditEvents(b, 'app.switch').length, 2);
	});

	test('malformed switches are refused: unknown application 404, bad bodies 400', async () => {
		const unknown = await b.client().postJson('/api/v1/apps/chess', { enabled: true },
							  { method: 'PATCH', ...bearer(tokens.admin) });
		assert.equal(unknown.status, 404);
		for (const body of [{}, { enabled: 'yes' }, { enabled: true, extra: 1 }]) {
			const res = await b.client().postJson('/api/v1/apps/meetings', body,
							      { method: 'PATCH', ...bearer(tokens.admin) });
			assert.equal(res.status, 400, JSON.stringify(body));
		}
		const page = await admin.get('/admin/apps');
		const res = await admin.post('/admin/apps', { csrf: csrfOf(page.body), name: 'meetings', enabled: 'maybe' });
		assert.equal(res.status, 400);
	});

	test('documents can be switched off and on again by the administrator', async () => {
		let page = await admin.get('/admin/apps');
		let res = await admin.post('/admin/apps', { csrf: csrfOf(page.body), name: 'documents', enabled: '0' });
		assert.equal(res.status, 303);
		let apps = (await b.client().get('/api/v1/apps', bearer(tokens.alice))).json().items;
		assert.equal(apps.find((a) => a.name === 'documents').enabled, false);
		page = await admin.get('/admin/apps');
		assert.match(page.body, /Switch Documents on/);
		res = await admin.post('/admin/apps', { csrf: csrfOf(page.body), name: 'documents', enabled: '1' });
		assert.equal(res.status, 303);
		apps = (await b.client().get('/api/v1/apps', bearer(tokens.alice))).json().items;
		assert.equal(apps.find((a) => a.name === 'documents').enabled, true);
	});
});

describe('without a Jitsi server configured', () => {
	const b = new Bastide('apps-unconfigured');
	let admin;
	let tokens;

	before(async () => {
		const s = await setup(b);
		tokens = s.tokens;
		await b.start();
		({ admin } = await signIn(b, s.demo, s.link));
	});

	after(async () => {
		await b.dispose();
	});

	test('video meetings cannot be switched on: the page says why, the switch answers 409', async () => {
		const page = await admin.get('/admin/apps');
		assert.equal(page.status, 200);
		const meetings = page.body.slice(page.body.indexOf('id="h-app-meetings"'));
		assert.match(meetings, /has not configured/);
		assert.doesNotMatch(meetings, /Switch Video meetings on/);
		const res = await admin.post('/admin/apps', { csrf: csrfOf(page.body), name: 'meetings', enabled: '1' });
		assert.equal(res.status, 409);
		const api = await b.client().postJson('/api/v1/apps/meetings', { enabled: true },
						      { method: 'PATCH', ...bearer(tokens.admin) });
		assert.equal(api.status, 409);
		assert.equal(api.json().error.code, 'app_unavailable');
		assert.equal((await admin.get('/meetings')).status, 404);
	});
});
