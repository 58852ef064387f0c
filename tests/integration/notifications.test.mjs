import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
// Notifications over HTTP: the bell's unread count in every page's header
// (in the link's text, so that it is read out), the list (newest first,
// unread marked, links to what each is about), marking read on the page and
// through /api/v1/notifications; secret groups never show to those who may
// not see them; mail per person: at once, in a daily digest, or not at all,
// sent by the scheduler on the server's (test) clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Bastide, HOUR, SECOND, activate, csrfOf } from './lib/bastide.mjs';

const b = new Bastide('notifications');
const PW = 'four brave herons cross the bay';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let demo;
let alice;
let bob;
const ids = {};
const tokens = {};

const bearer = (name) => ({ headers: { Authorization: `Bearer ${tokens[name]}` } });
const api = () => b.client();

async function member(email, name) {
	const link = await b.createUser('demo', email, { name });
	const c = b.client();
	await activate(c, link, PW);
	assert.equal((await c.login(email, PW)).status, 303);
	ids[email] = (await c.get('/api/v1/me')).json().id;
	tokens[email] = (await b.createToken('demo', email, { scope: 'read-write' })).token;
	return c;
}

async function group(name, kind) {
	const res = await api().postJson('/api/v1/groups', { name, kind }, bearer('admin'));
	assert.equal(res.status, 201, res.body);
	return res.json().id;
}

async function invite(groupId, email) {
	const res = await api().postJson(`/api/v1/groups/${groupId}/members`, { email }, bearer('admin'));
	assert.equal(res.status, 201, res.body);
}

// The bell's text as a screen reader reads it: tags dropped.
function bellText(html) {
	const m = /<a href="\/notifications" class="bell"[^>]*>([\s\S]*?)<\/a>/.exec(html);
	assert.ok(m, 'no notifications link in the header');
	return m[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
}

async function unread(name) {
	const res = await api().get('/api/v1/notifications', bearer(name));
	assert.equal(res.status, 200, res.body);
	return res.json().unread_count;
}

// Lines of the server log that print a notification mail to `to` (their
// subject starts with the platform's name; the account invitation's does not).
function mailsTo(to) {
	const head = `mail to ${to} (no SMTP relay configured, printed here instead): Bastide demo: `;
	return b.log().split('\n').filter((l) => l.includes(head));
}

before(async () => {
	demo = await b.initWithDemo();
	tokens.admin = (await b.createToken('demo', demo.email, { scope: 'read-write' })).token;
	// mails speak their recipient's language, else the platform's (French
	// by default): these assertions read English
	execFileSync('sqlite3', [join(b.data, 'platforms', 'demo', 'main.db'),
				 "UPDATE settings SET default_lang = 'en'"]);
	await b.start();
	alice = await member('alice@demo.localhost', 'Alice Martin');
	bob = await member('bob@demo.localhost', 'Bob Durand');
	// Bob wants a daily digest; Alice keeps the default (at once)
	const res = await api().postJson(`/api/v1/users/${ids['bob@demo.localhost']}`,
					 { notify_mail: 'digest' }, { method: 'PATCH', ...bearer('bob@demo.localhost') });
	assert.equal(res.status, 200, res.body);
});

after(async () => {
	await b.dispose();
});

test('anonymous visitors are sent to sign in; the API answers 401', async () => {
	const page = await b.client().get('/notifications');
	assert.equal(page.status, 303);
	assert.match(page.location, /^\/login/);
	assert.equal((await b.client().get('/api/v1/notifications')).status, 401);
	assert.equal((await b.client().postJson('/api/v1/notifications/read', { all: true })).status, 401);
});

test('an invitation shows on the bell, in the link text, and in the list with a link; marking it read clears it', async () => {
	assert.equal(bellText((await alice.get('/')).body), 'Notifications');
	const cooks = await group('Cooks', 'open');
	await invite(cooks, 'alice@demo.localhost');
	const home = await alice.get('/');
	assert.equal(bellText(home.body), 'Notifications (1)');
	assert.match(home.body, /<span class="badge">/);
	const list = await alice.get('/notifications');
	assert.equal(list.status, 200);
	assert.match(list.body, /<li class="notification unread" id="n-\d+"><span class="badge">New<\/span>/);
	assert.match(list.body, new RegExp(`<a href="/groups/${cooks}">Demo Administrator invited you to the group Cooks\\.</a>`));
	const res = await alice.post('/notifications', {
		csrf: csrfOf(list.body), action: 'read', id: /id="n-(\d+)"/.exec(list.body)[1],
	});
	assert.equal(res.status, 303);
	assert.equal(bellText((await alice.get('/people')).body), 'Notifications');
	const again = await alice.get('/notifications');
	assert.doesNotMatch(again.body, /class="notification unread"/);
	assert.match(again.body, /invited you to the group Cooks/);
	assert.match((await alice.get('/notifications?unread=1')).body, /You have read all your notifications/);
});

test('group names are escaped in the list', async () => {
	const g = await group('<b>Bold</b> & co', 'open');
	await invite(g, 'alice@demo.localhost');
	const list = await alice.get('/notifications');
	assert.match(list.body, /the group &lt;b&gt;Bold&lt;\/b&gt; &amp; co\./);
	const all = await alice.get('/notifications');
	const mark = await alice.post('/notifications', { csrf: csrfOf(all.body), action: 'read-all' });
	assert.equal(mark.status, 303);
	assert.equal(await unread('alice@demo.localhost'), 0);
});

test('GET /api/v1/notifications pages newest first with the unread count; POST .../read marks some or all', async () => {
	const g1 = await group('Gardeners', 'open');
	const g2 = await group('Runners', 'private');
	await invite(g1, 'alice@demo.localhost');
	await invite(g2, 'alice@demo.localhost');
	const first = await api().get('/api/v1/notifications?limit=1&unread=true', bearer('alice@demo.localhost'));
	assert.equal(first.status, 200);
	const body = first.json();
	assert.equal(body.unread_count, 2);
	assert.equal(body.items.length, 1);
	const newest = body.items[0];
	assert.equal(newest.kind, 'group_invitation');
	assert.equal(newest.text, 'Demo Administrator invited you to the group Runners.');
	assert.equal(newest.url, `/groups/${g2}`);
	assert.deepEqual(newest.group, { id: g2, name: 'Runners' });
	assert.equal(newest.read_at, null);
	assert.ok(body.next_cursor);
	const second = await api().get(`/api/v1/notifications?limit=1&unread=true&cursor=${body.next_cursor}`,
				       bearer('alice@demo.localhost'));
	assert.equal(second.json().items[0].group.name, 'Gardeners');

	const read = await api().postJson('/api/v1/notifications/read', { ids: [newest.id] },
					  bearer('alice@demo.localhost'));
	assert.equal(read.status, 200, read.body);
	assert.deepEqual(read.json(), { marked: 1, unread_count: 1 });
	// someone else's notification: nothing to mark
	const other = await api().postJson('/api/v1/notifications/read', { ids: [second.json().items[0].id] },
					   bearer('bob@demo.localhost'));
	assert.equal(other.json().marked, 0);
	assert.equal(await unread('alice@demo.localhost'), 1);
	const all = await api().postJson('/api/v1/notifications/read', { all: true }, bearer('alice@demo.localhost'));
	assert.deepEqual(all.json(), { marked: 1, unread_count: 0 });

	for (const bad of [{}, { ids: [] }, { ids: ['1'] }, { ids: [1], all: true }, { all: true, extra: 1 }, { all: 'yes' }]) {
		const res = await api().postJson('/api/v1/notifications/read', bad, bearer('alice@demo.localhost'));
		assert.equal(res.status, 400, JSON.stringify(bad));
	}
	assert.equal((await api().get('/api/v1/notifications?unread=maybe', bearer('alice@demo.localhost'))).status, 400);
	assert.equal((await api().get('/api/v1/notifications?cursor=x', bearer('alice@demo.localhost'))).status, 400);
});

test('a read-only token may list but not mark notifications', async () => {
	const { token } = await b.createToken('demo', 'alice@demo.localhost', { scope: 'read' });
	const h = { headers: { Authorization: `Bearer ${token}` } };
	assert.equal((await api().get('/api/v1/notifications', h)).status, 200);
	const res = await api().postJson('/api/v1/notifications/read', { all: true }, h);
	assert.equal(res.status, 403);
});

test('a withdrawn invitation to a secret group vanishes from the list, the count and the API; others never see it', async () => {
	const board = await group('Board', 'secret');
	await invite(board, 'bob@demo.localhost');
	assert.equal(await unread('bob@demo.localhost'), 1);
	assert.match((await bob.get('/notifications')).body, /the group Board\./);
	assert.equal(bellText((await bob.get('/')).body), 'Notifications (1)');
	const del = await api().request('DELETE', `/api/v1/groups/${board}/members/${ids['bob@demo.localhost']}`,
					bearer('admin'));
	assert.ok([200, 204].includes(del.status), `${del.status} ${del.body}`);
	assert.equal(await unread('bob@demo.localhost'), 0);
	const page = await bob.get('/notifications');
	assert.doesNotMatch(page.body, /Board/);
	assert.equal(bellText((await bob.get('/')).body), 'Notifications');
	const items = (await api().get('/api/v1/notifications', bearer('bob@demo.localhost'))).json().items;
	assert.ok(!items.some((n) => n.group?.name === 'Board'), JSON.stringify(items));
	assert.doesNotMatch((await alice.get('/notifications')).body, /Board/);
});

test('a person who wants them at once gets one mail per notification, linking to it', async () => {
	const before = mailsTo('alice@demo.localhost').length;
	const g = await group('Readers', 'open');
	await invite(g, 'alice@demo.localhost');
	// the scheduler's sender runs every 30 s of the server's clock
	b.advanceClock(31 * SECOND);
	await b.waitForLog(/mail to alice@demo\.localhost \(no SMTP relay[^\n]*invited you to the group Readers/);
	const line = mailsTo('alice@demo.localhost').at(-1);
	assert.match(line, new RegExp(`http://demo\\.localhost:${b.port}/groups/${g}`));
	b.advanceClock(31 * SECOND);
	await sleep(2.5 * SECOND);
	assert.equal(mailsTo('alice@demo.localhost').length, before + 1, 'mailed twice');
	// Bob wants a digest: nothing at once
	assert.equal(mailsTo('bob@demo.localhost').length, 0);
});

test('a person who wants a digest gets one mail a day grouping the unread notifications', async () => {
	const g1 = await group('Chess', 'open');
	const g2 = await group('Choir', 'open');
	await invite(g1, 'bob@demo.localhost');
	await invite(g2, 'bob@demo.localhost');
	b.advanceClock(HOUR + 2 * SECOND);
	await b.waitForLog(/mail to bob@demo\.localhost \(no SMTP relay[^\n]*daily summary, 2 notifications/);
	const digest = mailsTo('bob@demo.localhost').at(-1);
	assert.match(digest, /invited you to the group Chess/);
	assert.match(digest, /invited you to the group Choir/);
	assert.doesNotMatch(digest, /Board/);
	const g3 = await group('Climbers', 'open');
	await invite(g3, 'bob@demo.localhost');
	b.advanceClock(HOUR + 2 * SECOND);
	await sleep(2.5 * SECOND);
	assert.equal(mailsTo('bob@demo.localhost').length, 1, 'a second digest the same day');
	b.advanceClock(24 * HOUR);
	await b.waitForLog(/mail to bob@demo\.localhost \(no SMTP relay[^\n]*daily summary, 1 notification:/);
	assert.match(mailsTo('bob@demo.localhost').at(-1), /Climbers/);
});

test('a person who wants no mail gets none', async () => {
	const res = await api().postJson(`/api/v1/users/${ids['alice@demo.localhost']}`, { notify_mail: 'off' },
					 { method: 'PATCH', ...bearer('alice@demo.localhost') });
	assert.equal(res.status, 200);
	const before = mailsTo('alice@demo.localhost').length;
	const g = await group('Silent', 'open');
	await invite(g, 'alice@demo.localhost');
	b.advanceClock(25 * HOUR);
	await sleep(2.5 * SECOND);
	assert.equal(mailsTo('alice@demo.localhost').length, before);
	// the notification is there in the app, unread (with Readers', mailed)
	const items = (await api().get('/api/v1/notifications?unread=true', bearer('alice@demo.localhost'))).json().items;
	assert.deepEqual(items.map((n) => n.group.name), ['Silent', 'Readers']);
});
