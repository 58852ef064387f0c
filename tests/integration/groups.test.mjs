// Groups over HTTP, pages and API: creating open, private and secret
// groups, joining, requests and their approval, invitations, roles and the
// last-administrator rule, settings, and the invisibility of a secret group
// to non-members through every channel of the feature (list, search,
// counts, group pages, members page, API), answered exactly as for a group
// that does not exist.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Bastide, activate, csrfOf, formOf, noticesOf } from './lib/bastide.mjs';

const b = new Bastide('groups');
const PW = 'seven quiet herons fishing';
let demo;
const people = {}; // name -> {email, client, token}
const ids = {};    // group name -> id

const bearer = (token) => ({ headers: { Authorization: `Bearer ${token}` } });

before(async () => {
	demo = await b.initWithDemo();
	const links = {};
	for (const name of ['alice', 'bob', 'carol', 'dave'])
		links[name] = await b.createUser('demo', `${name}@demo.localhost`, { name: `${name[0].toUpperCase()}${name.slice(1)} Example` });
	for (const name of ['alice', 'bob', 'carol'])
		people[name] = { email: `${name}@demo.localhost`,
				 token: (await b.createToken('demo', `${name}@demo.localhost`, { scope: 'read-write' })).token };
	people.admin = { email: demo.email,
			 token: (await b.createToken('demo', demo.email, { scope: 'read-write' })).token };
	people.carolRead = { token: (await b.createToken('demo', 'carol@demo.localhost', { scope: 'read' })).token };
	await b.start();
	for (const name of ['alice', 'bob', 'carol', 'dave'])
		await activate(b.client(), links[name], PW);
	for (const name of ['alice', 'bob', 'carol']) {
		const c = b.client();
		const res = await c.login(people[name].email, PW);
		assert.equal(res.status, 303, `login ${name}: ${noticesOf(res.body)}`);
		people[name].client = c;
	}
	const c = b.client();
	assert.equal((await c.login(demo.email, demo.password)).status, 303);
	people.admin.client = c;
});

after(async () => {
	await b.dispose();
});

// POSTs a form of page (the one posting to action, else the first) with fields.
async function act(client, page, fields, action = page.split('?')[0]) {
	const res = await client.get(page);
	assert.equal(res.status, 200, `GET ${page}: ${res.status}`);
	return client.post(action, { csrf: csrfOf(res.body), ...fields });
}

async function createGroup(who, name, kind, description = '') {
	const res = await act(people[who].client, '/groups', { action: 'create', name, kind, description });
	assert.equal(res.status, 303, `create ${name}: ${res.status} ${noticesOf(res.body)}`);
	const m = /^\/groups\/(\d+)\/members/.exec(res.location);
	assert.ok(m, `redirect to ${res.location}`);
	ids[name] = Number(m[1]);
	return ids[name];
}

const api = (who) => ({
	get: (path) => b.client().get(path, bearer(people[who].token)),
	post: (path, body) => b.client().postJson(path, body, bearer(people[who].token)),
	patch: (path, body) => b.client().postJson(path, body, { method: 'PATCH', ...bearer(people[who].token) }),
	del: (path) => b.client().request('DELETE', path, bearer(people[who].token)),
});

test('a member creates an open group and becomes its administrator; others join it at once', async () => {
	const id = await createGroup('alice', 'Cyclists', 'open', 'We **ride** on Sundays.');
	const page = await people.alice.client.get(`/groups/${id}/members`);
	assert.equal(page.status, 200);
	assert.match(page.body, /<h1>Members of Cyclists<\/h1>/);
	assert.match(page.body, /We <strong>ride<\/strong> on Sundays\./);
	assert.match(page.body, /alice@demo\.localhost<\/td><td>Administrator/);
	assert.ok(formOf(page.body, `/groups/${id}/members`), 'no invite form for the administrator');

	const list = await people.bob.client.get('/groups');
	assert.equal(list.status, 200);
	assert.match(list.body, new RegExp(`<a href="/groups/${id}">Cyclists</a></th><td>Open</td><td>1</td><td>Not a member</td>`));
	assert.match(list.body, /aria-label="Join Cyclists">Join</);
	const res = await act(people.bob.client, '/groups', { action: 'join', group_id: id });
	assert.equal(res.status, 200);
	assert.deepEqual(noticesOf(res.body), ['You joined the group.']);
	const members = await people.carol.client.get(`/groups/${id}/members`);
	assert.equal(members.status, 200);
	assert.match(members.body, /bob@demo\.localhost<\/td><td>Member/);
	// a member has no manager's controls
	assert.doesNotMatch(members.body, /name="action" value="invite"/);
	assert.equal((await people.bob.client.get(`/groups/${id}/settings`)).status, 403);
});

test('a private group: a join is a request that the group administrator approves', async () => {
	const id = await createGroup('alice', 'Managers', 'private');
	const list = await people.bob.client.get('/groups');
	assert.match(list.body, /aria-label="Ask to join Managers">Ask to join</);
	// visible, not readable
	const before = await people.bob.client.get(`/groups/${id}/members`);
	assert.equal(before.status, 200);
	assert.doesNotMatch(before.body, /alice@demo\.localhost/);
	assert.equal((await api('bob').get(`/api/v1/groups/${id}/members`)).status, 403);

	const res = await act(people.bob.client, `/groups/${id}/members`, { action: 'join' });
	assert.equal(res.status, 200);
	assert.deepEqual(noticesOf(res.body), ['Your request was sent to the group\'s administrators.']);

	const adminPage = await people.alice.client.get(`/groups/${id}/members`);
	assert.match(adminPage.body, /bob@demo\.localhost<\/td><td><\/td><td>Asked to join/);
	const bobId = (await api('bob').get('/api/v1/me')).json().id;
	const ok = await people.alice.client.post(`/groups/${id}/members`,
						  { csrf: csrfOf(adminPage.body), action: 'approve', user_id: bobId });
	assert.equal(ok.status, 200);
	assert.deepEqual(noticesOf(ok.body), ['The request was approved.']);
	const after = await people.bob.client.get(`/groups/${id}/members`);
	assert.match(after.body, /alice@demo\.localhost/);
	assert.match(after.body, /value="leave"/);
});

test('the last administrator may not leave; after naming another one, they may', async () => {
	const id = ids.Cyclists;
	const refused = await act(people.alice.client, `/groups/${id}/members`, { action: 'leave' });
	assert.equal(refused.status, 409);
	assert.match(noticesOf(refused.body)[0], /A group always keeps at least one administrator/);
	const viaApi = await api('alice').del(`/api/v1/groups/${id}/members/${(await api('alice').get('/api/v1/me')).json().id}`);
	assert.equal(viaApi.status, 409);
	assert.equal(viaApi.json().error.code, 'last_group_admin');

	const bobId = (await api('bob').get('/api/v1/me')).json().id;
	const promoted = await act(people.alice.client, `/groups/${id}/members`, { action: 'role', user_id: bobId, role: 'admin' });
	assert.equal(promoted.status, 200, noticesOf(promoted.body).join());
	assert.match(promoted.body, /bob@demo\.localhost<\/td><td>Administrator/);
	const left = await act(people.alice.client, `/groups/${id}/members`, { action: 'leave' });
	assert.equal(left.status, 303);
	assert.equal(left.location, '/groups');
	const page = await people.alice.client.get(`/groups/${id}/members`);
	assert.doesNotMatch(page.body, /alice@demo\.localhost/);
	assert.match(page.body, /value="join"/);
});

test('a secret group is invisible to non-members: lists, search, counts, pages and API answer as for no group', async () => {
	const id = await createGroup('alice', 'Skunkworks', 'secret', 'Nobody must know.');
	const missing = id + 1000;
	for (const who of ['bob', 'admin']) {
		const c = people[who].client;
		// the list, a search, "my groups", and the API list and search
		for (const path of ['/groups', '/groups?q=Skunk', '/groups?mine=1'])
			assert.doesNotMatch((await c.get(path)).body, /Skunkworks/, `${who} ${path}`);
		for (const path of ['/api/v1/groups', '/api/v1/groups?q=skunk', '/api/v1/groups?mine=true&limit=100']) {
			const res = await api(who).get(path);
			assert.equal(res.status, 200);
			assert.ok(!res.json().items.some((g) => g.id === id), `${who} ${path}`);
		}
		// pages: the same 404 as a group that does not exist
		for (const suffix of ['/members', '/settings']) {
			const secret = await c.get(`/groups/${id}${suffix}`);
			const none = await c.get(`/groups/${missing}${suffix}`);
			assert.equal(secret.status, 404, `${who} /groups/${id}${suffix}`);
			assert.equal(secret.body, none.body);
		}
		// page actions
		for (const action of ['join', 'accept', 'leave']) {
			const res = await act(c, '/groups', { action, group_id: id });
			assert.equal(res.status, 404, `${who} ${action}`);
		}
		const page = await c.get('/groups');
		const post = await c.post(`/groups/${id}/members`, { csrf: csrfOf(page.body), action: 'invite', email: 'dave@demo.localhost' });
		assert.equal(post.status, 404);
		// API: every route, the same answer as for no group
		const pairs = [
			['get', `/api/v1/groups/ID`],
			['patch', `/api/v1/groups/ID`, { name: 'Taken over' }],
			['get', `/api/v1/groups/ID/members`],
			['post', `/api/v1/groups/ID/members`, {}],
			['post', `/api/v1/groups/ID/members`, { email: 'dave@demo.localhost' }],
			['patch', `/api/v1/groups/ID/members/1`, { role: 'admin' }],
			['del', `/api/v1/groups/ID/members/1`],
		];
		for (const [m, path, body] of pairs) {
			const secret = await api(who)[m](path.replace('ID', id), body);
			const none = await api(who)[m](path.replace('ID', missing), body);
			assert.equal(secret.status, 404, `${who} ${m} ${path}: ${secret.body}`);
			assert.deepEqual(secret.json(), none.json());
			assert.equal(secret.json().error.code, 'group_not_found');
		}
	}
	// nothing changed: the name and members are as created
	const own = await api('alice').get(`/api/v1/groups/${id}`);
	assert.equal(own.status, 200);
	assert.equal(own.json().name, 'Skunkworks');
	assert.equal(own.json().members, 1);
});

test('an invitation to a secret group shows it to the invitee, who accepts and becomes a member', async () => {
	const id = ids.Skunkworks;
	const res = await act(people.alice.client, `/groups/${id}/members`, { action: 'invite', email: 'carol@demo.localhost' });
	assert.equal(res.status, 200);
	assert.deepEqual(noticesOf(res.body), ['The invitation was sent.']);
	assert.match(res.body, /carol@demo\.localhost<\/td><td><\/td><td>Invited/);
	const unknown = await act(people.alice.client, `/groups/${id}/members`, { action: 'invite', email: 'nobody@demo.localhost' });
	assert.equal(unknown.status, 404);
	assert.match(noticesOf(unknown.body)[0], /no active user/);

	const list = await people.carol.client.get('/groups');
	assert.match(list.body, /aria-label="Accept the invitation to Skunkworks">Accept</);
	// an invitee sees the group but not its members
	const page = await people.carol.client.get(`/groups/${id}/members`);
	assert.equal(page.status, 200);
	assert.doesNotMatch(page.body, /alice@demo\.localhost/);
	const accepted = await act(people.carol.client, `/groups/${id}/members`, { action: 'accept' });
	assert.equal(accepted.status, 200);
	assert.deepEqual(noticesOf(accepted.body), ['You joined the group.']);
	assert.match(accepted.body, /alice@demo\.localhost/);
	// still hidden from the others
	assert.doesNotMatch((await people.bob.client.get('/groups')).body, /Skunkworks/);
	assert.equal((await api('bob').get(`/api/v1/groups/${id}`)).status, 404);
});

test('the settings page: group administrators edit name, description and kind', async () => {
	const id = ids.Managers;
	assert.equal((await people.bob.client.get(`/groups/${id}/settings`)).status, 403);
	const page = await people.alice.client.get(`/groups/${id}/settings`);
	assert.equal(page.status, 200);
	const form = formOf(page.body, `/groups/${id}/settings`);
	assert.equal(form.fields.name, 'Managers');
	assert.equal(form.fields.kind, 'private');
	const bad = await people.alice.client.post(`/groups/${id}/settings`, { ...form.fields, name: 'Ev\u202eil' });
	assert.equal(bad.status, 400);
	assert.match(noticesOf(bad.body)[0], /invisible characters/);
	const taken = await people.alice.client.post(`/groups/${id}/settings`, { ...form.fields, name: 'cyclists' });
	assert.equal(taken.status, 409);
	const res = await people.alice.client.post(`/groups/${id}/settings`, { ...form.fields, name: 'Managers 2', kind: 'open' });
	assert.equal(res.status, 200);
	assert.deepEqual(noticesOf(res.body), ['Saved.']);
	assert.equal(formOf(res.body, `/groups/${id}/settings`).fields.kind, 'open');
	// a platform administrator may manage an open or private group
	assert.equal((await people.admin.client.get(`/groups/${id}/settings`)).status, 200);
});

test('API: create, read, edit and list groups, with cursor pagination and scopes', async () => {
	const created = await api('bob').post('/api/v1/groups', { name: 'API group', kind: 'private', description: 'Made by a script.' });
	assert.equal(created.status, 201, created.body);
	const g = created.json();
	ids['API group'] = g.id;
	assert.equal(g.name, 'API group');
	assert.equal(g.kind, 'private');
	assert.equal(g.members, 1);
	assert.deepEqual(g.membership, { state: 'member', role: 'admin' });
	assert.deepEqual(g.can, { read: true, write: true, manage: true });

	assert.equal((await api('bob').post('/api/v1/groups', { name: 'api GROUP', kind: 'open' })).status, 409);
	const badKind = await api('bob').post('/api/v1/groups', { name: 'X', kind: 'public' });
	assert.equal(badKind.status, 400);
	assert.equal(badKind.json().error.code, 'group_kind_invalid');
	assert.equal((await api('bob').post('/api/v1/groups', { name: 7, kind: 'open' })).status, 400);
	// a read-only token may not write
	const ro = await b.client().postJson('/api/v1/groups', { name: 'RO', kind: 'open' }, bearer(people.carolRead.token));
	assert.equal(ro.status, 403);
	assert.equal((await b.client().get('/api/v1/groups', bearer(people.carolRead.token))).status, 200);

	const seen = await api('carol').get(`/api/v1/groups/${g.id}`);
	assert.equal(seen.status, 200);
	assert.equal(seen.json().membership, null);
	assert.deepEqual(seen.json().can, { read: false, write: false, manage: false });
	assert.equal((await api('carol').patch(`/api/v1/groups/${g.id}`, { kind: 'open' })).status, 403);
	const edited = await api('bob').patch(`/api/v1/groups/${g.id}`, { kind: 'open', description: 'Now open.' });
	assert.equal(edited.status, 200, edited.body);
	assert.equal(edited.json().kind, 'open');
	assert.equal(edited.json().name, 'API group');

	// pages of one, following next_cursor, see every visible group once
	const all = [];
	let cursor = null;
	for (let i = 0; i < 20; i++) {
		const res = await api('carol').get(`/api/v1/groups?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
		assert.equal(res.status, 200);
		all.push(...res.json().items.map((x) => x.name));
		cursor = res.json().next_cursor;
		if (!cursor)
			break;
	}
	assert.ok(all.includes('API group') && all.includes('Cyclists') && all.includes('Skunkworks'), all.join());
	assert.equal(new Set(all).size, all.length);
	const none = await api('bob').get('/api/v1/groups?limit=0');
	assert.equal(none.status, 400);
	// anonymous
	assert.equal((await b.client().get('/api/v1/groups')).status, 401);
	const anon = await b.client().get('/groups');
	assert.equal(anon.status, 303);
	assert.match(anon.location, /^\/login/);
});

test('API: members are invited, accept, get promoted, demoted and removed; they leave', async () => {
	const id = ids['API group'];
	const carolId = (await api('carol').get('/api/v1/me')).json().id;
	const bobId = (await api('bob').get('/api/v1/me')).json().id;
	const inv = await api('bob').post(`/api/v1/groups/${id}/members`, { email: 'carol@demo.localhost' });
	assert.equal(inv.status, 201, inv.body);
	assert.equal(inv.json().state, 'invited');
	assert.equal(inv.json().user_id, carolId);
	assert.equal((await api('bob').post(`/api/v1/groups/${id}/members`, { user_id: carolId })).status, 409);
	// the manager sees invitations; the invitee accepts by setting the state
	const list = await api('bob').get(`/api/v1/groups/${id}/members`);
	assert.deepEqual(list.json().items.map((m) => [m.email, m.state]),
			 [['bob@demo.localhost', 'member'], ['carol@demo.localhost', 'invited']]);
	const acc = await api('carol').patch(`/api/v1/groups/${id}/members/${carolId}`, { state: 'member' });
	assert.equal(acc.status, 200, acc.body);
	assert.equal(acc.json().state, 'member');
	// roles
	assert.equal((await api('carol').patch(`/api/v1/groups/${id}/members/${bobId}`, { role: 'member' })).status, 403);
	const prom = await api('bob').patch(`/api/v1/groups/${id}/members/${carolId}`, { role: 'admin' });
	assert.equal(prom.status, 200);
	assert.equal(prom.json().role, 'admin');
	const dem = await api('carol').patch(`/api/v1/groups/${id}/members/${bobId}`, { role: 'member' });
	assert.equal(dem.status, 200);
	const last = await api('carol').patch(`/api/v1/groups/${id}/members/${carolId}`, { role: 'member' });
	assert.equal(last.status, 409);
	assert.equal(last.json().error.code, 'last_group_admin');
	assert.equal((await api('carol').patch(`/api/v1/groups/${id}/members/${bobId}`, { role: 'boss' })).status, 400);
	// removal, and leaving
	const rm = await api('carol').del(`/api/v1/groups/${id}/members/${bobId}`);
	assert.equal(rm.status, 204);
	assert.equal((await api('carol').del(`/api/v1/groups/${id}/members/${bobId}`)).status, 404);
	const joined = await api('bob').post(`/api/v1/groups/${id}/members`, {});
	assert.equal(joined.status, 201);
	assert.equal(joined.json().state, 'member'); // the group is open now
	assert.equal((await api('bob').del(`/api/v1/groups/${id}/members/${bobId}`)).status, 204);
	const members = await api('carol').get(`/api/v1/groups/${id}/members`);
	assert.deepEqual(members.json().items.map((m) => [m.email, m.role]), [['carol@demo.localhost', 'admin']]);
});

test('API: a private group turns joins into requests approved by a manager', async () => {
	const id = ids.Cyclists; // bob is its administrator now
	assert.equal((await api('bob').patch(`/api/v1/groups/${id}`, { kind: 'private' })).status, 200);
	const req = await api('carol').post(`/api/v1/groups/${id}/members`, {});
	assert.equal(req.status, 201, req.body);
	assert.equal(req.json().state, 'requested');
	const carolId = req.json().user_id;
	assert.equal((await api('carol').get(`/api/v1/groups/${id}/members`)).status, 403);
	const ok = await api('bob').patch(`/api/v1/groups/${id}/members/${carolId}`, { state: 'member' });
	assert.equal(ok.status, 200, ok.body);
	assert.equal(ok.json().state, 'member');
	assert.equal((await api('carol').get(`/api/v1/groups/${id}/members`)).status, 200);
});
