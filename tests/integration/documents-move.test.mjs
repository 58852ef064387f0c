// Moving a document between libraries, pages and API: the move form lists
// the libraries and folders one may add to; a move takes every version
// along; search follows the new library at once (a document moved into a
// secret group vanishes from outsiders' results); name clashes, targets one
// may not write to, and publications that could no longer carry the
// document are refused with a clear message and change nothing; every move
// is audited with its libraries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Bastide, activate, csrfOf, noticesOf } from './lib/bastide.mjs';

const b = new Bastide('documents-move');
const PW = 'seven quiet kestrels over dunes';
let demo;
const people = {}; // name -> {client, token, readToken, id}
const groups = {}; // open | secret -> id

const bearer = (token) => ({ headers: { Authorization: `Bearer ${token}` } });

function events(prefix) {
	const out = execFileSync('sqlite3', [join(b.data, 'platforms', 'demo', 'audit.db'),
		`SELECT target || ' ' || details FROM events WHERE event LIKE '${prefix}%' ORDER BY id`],
	{ encoding: 'utf8' }).trim();
	return out.split('\n').filter(Boolean).map((line) => {
		const i = line.indexOf(' {');
		return { target: line.slice(0, i), details: JSON.parse(line.slice(i + 1)) };
	});
}

function api(who, method, path, body) {
	const c = b.client();
	return body === undefined ? c.request(method, path, bearer(people[who].token))
		: c.postJson(path, body, { ...bearer(people[who].token), method });
}

async function upload(who, name, content, fields = {}) {
	const boundary = `----bastide${randomBytes(8).toString('hex')}`;
	const all = { owner: 'user', owner_id: '', folder: '', ...fields };
	const parts = Object.entries(all).map(([k, v]) =>
		`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
	parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
		   'Content-Type: text/plain\r\n\r\n');
	const body = Buffer.concat([Buffer.from(parts.join('')), Buffer.from(content),
				    Buffer.from(`\r\n--${boundary}--\r\n`)]);
	const res = await b.client().request('POST', '/api/v1/documents', {
		headers: { Authorization: `Bearer ${people[who].token}`,
			   'Content-Type': `multipart/form-data; boundary=${boundary}` },
		body,
	});
	assert.equal(res.status, 201, `upload ${name}: ${res.status} ${res.body}`);
	return res.json();
}

async function addVersion(who, id, content) {
	const boundary = `----bastide${randomBytes(8).toString('hex')}`;
	const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="document"\r\n\r\n${id}\r\n` +
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n` +
		`Content-Type: text/plain\r\n\r\n${content}\r\n--${boundary}--\r\n`);
	const res = await b.client().request('POST', '/api/v1/documents', {
		headers: { Authorization: `Bearer ${people[who].token}`,
			   'Content-Type': `multipart/form-data; boundary=${boundary}` },
		body,
	});
	assert.equal(res.status, 201, `version: ${res.status} ${res.body}`);
}

async function found(who, word) {
	const res = await api(who, 'GET', `/api/v1/search?q=${encodeURIComponent(word)}&kind=document`);
	assert.equal(res.status, 200, res.body);
	return res.json().items.map((i) => i.id);
}

async function pageMove(who, id, target) {
	const c = people[who].client;
	const csrf = csrfOf((await c.get(`/documents/${id}`)).body);
	return c.post(`/documents/${id}`, { csrf, action: 'move', target });
}

before(async () => {
	demo = await b.initWithDemo();
	const links = {};
	for (const name of ['alice', 'bob'])
		links[name] = await b.createUser('demo', `${name}@demo.localhost`, { name: `${name} Mover` });
	await b.start();
	for (const name of ['alice', 'bob']) {
		await activate(b.client(), links[name], PW);
		const client = b.client();
		assert.equal((await client.login(`${name}@demo.localhost`, PW)).status, 303);
		const token = (await b.createToken('demo', `${name}@demo.localhost`, { scope: 'read-write' })).token;
		const readToken = (await b.createToken('demo', `${name}@demo.localhost`, { scope: 'read' })).token;
		people[name] = { client, token, readToken };
		people[name].id = (await api(name, 'GET', '/api/v1/me')).json().id;
	}
	const admin = b.client();
	assert.equal((await admin.login(demo.email, demo.password)).status, 303);
	const adminToken = (await b.createToken('demo', demo.email, { scope: 'read-write' })).token;
	people.admin = { client: admin, token: adminToken };
	for (const kind of ['open', 'secret']) {
		const res = await api('alice', 'POST', '/api/v1/groups', { name: `Move ${kind}`, kind, description: '' });
		assert.equal(res.status, 201, res.body);
		groups[kind] = res.json().id;
	}
	const join = await api('bob', 'POST', `/api/v1/groups/${groups.open}/members`, {});
	assert.ok(join.status < 300, `join: ${join.status} ${join.body}`);
});

after(async () => {
	await b.dispose();
});

test('the move form lists the libraries and folders one may add to, and no other', async () => {
	const folder = await api('alice', 'POST', '/api/v1/folders', { owner: 'group', owner_id: groups.open, name: 'Plans' });
	assert.equal(folder.status, 201, folder.body);
	const doc = await upload('alice', 'form-check.txt', 'f');
	const page = await people.alice.client.get(`/documents/${doc.id}`);
	assert.equal(page.status, 200);
	assert.match(page.body, /<label for="f-target">Library and folder<\/label><select id="f-target" name="target">/);
	assert.match(page.body, /<optgroup label="My documents"><option value="user:\d+:0" selected>/);
	assert.match(page.body, new RegExp(`<optgroup label="Library of the group Move open"><option value="group:${groups.open}:0">`));
	assert.match(page.body, new RegExp(`<option value="group:${groups.open}:${folder.json().id}">Plans</option>`));
	assert.match(page.body, new RegExp(`<optgroup label="Library of the group Move secret"><option value="group:${groups.secret}:0">`));
	// bob writes to the open group only: the secret one is not even named
	const bobs = await upload('bob', 'bob-form.txt', 'b');
	const bobPage = await people.bob.client.get(`/documents/${bobs.id}`);
	assert.match(bobPage.body, new RegExp(`value="group:${groups.open}:0"`));
	assert.doesNotMatch(bobPage.body, /Move secret/);
	assert.doesNotMatch(bobPage.body, new RegExp(`group:${groups.secret}:`));
});

test('a page move into a group takes every version; its members find and read it', async () => {
	const doc = await upload('alice', 'kestrel-plan.txt', 'version one');
	await addVersion('alice', doc.id, 'version two');
	assert.deepEqual(await found('bob', 'kestrel'), []);
	const res = await pageMove('alice', doc.id, `group:${groups.open}:0`);
	assert.equal(res.status, 303, res.body);
	assert.equal(res.location, `/documents/${doc.id}?notice=moved`);
	const moved = await people.alice.client.get(res.location);
	assert.deepEqual(noticesOf(moved.body), ['The document is moved.']);
	const row = (await api('bob', 'GET', `/api/v1/documents/${doc.id}`)).json();
	assert.equal(row.owner, 'group');
	assert.equal(row.owner_id, groups.open);
	assert.equal(row.folder, null);
	assert.deepEqual(row.versions.map((v) => v.number), [2, 1]);
	const v1 = await people.bob.client.get(`/documents/${doc.id}/download?version=1`);
	assert.equal(v1.status, 200);
	assert.equal(v1.body.toString(), 'version one');
	const lib = await people.bob.client.get(`/groups/${groups.open}/documents`);
	assert.match(lib.body, /kestrel-plan\.txt/);
	assert.deepEqual(await found('bob', 'kestrel'), [doc.id]);
	const [event] = events('document.move').filter((e) => e.target === 'kestrel-plan.txt');
	assert.deepEqual(event.details.from, { owner: 'user', owner_id: people.alice.id, folder: 0 });
	assert.deepEqual(event.details.to, { owner: 'group', owner_id: groups.open, folder: 0 });
});

test('an API move into a secret group hides the document from outsiders at once, search included', async () => {
	const [id] = await found('alice', 'kestrel');
	const res = await api('alice', 'PATCH', `/api/v1/documents/${id}`, { owner: 'group', owner_id: groups.secret });
	assert.equal(res.status, 200, res.body);
	assert.equal(res.json().owner_id, groups.secret);
	assert.equal(res.json().folder, null);
	for (const who of ['bob', 'admin']) {
		assert.deepEqual(await found(who, 'kestrel'), [], `${who} still finds it`);
		const page = await people[who].client.get('/search?q=kestrel');
		assert.doesNotMatch(page.body, /kestrel-plan/);
		assert.equal((await people[who].client.get(`/documents/${id}`)).status, 404);
		assert.equal((await people[who].client.get(`/documents/${id}/download`)).status, 404);
	}
	assert.deepEqual(await found('alice', 'kestrel'), [id]);
	// and back to a folder of alice's own space
	const folder = (await api('alice', 'POST', '/api/v1/folders', { owner: 'user', name: 'Back home' })).json();
	const back = await api('alice', 'PATCH', `/api/v1/documents/${id}`, { owner: 'user', folder: folder.id });
	assert.equal(back.status, 200, back.body);
	assert.equal(back.json().owner, 'user');
	assert.equal(back.json().folder, folder.id);
	const last = events('document.move').filter((e) => e.target === 'kestrel-plan.txt').at(-1);
	assert.deepEqual(last.details.from, { owner: 'group', owner_id: groups.secret, folder: 0 });
	assert.deepEqual(last.details.to, { owner: 'user', owner_id: people.alice.id, folder: folder.id });
});

test('one may not move what one may not change, nor into a library one may not add to', async () => {
	const bobs = await upload('bob', 'bob-own.txt', 'b', { owner: 'group', owner_id: groups.open });
	const alices = await upload('alice', 'alice-in-open.txt', 'a', { owner: 'group', owner_id: groups.open });
	// a secret group bob is not in, alice's personal space: as if they did not exist
	let res = await api('bob', 'PATCH', `/api/v1/documents/${bobs.id}`, { owner: 'group', owner_id: groups.secret });
	assert.equal(res.status, 404);
	res = await api('bob', 'PATCH', `/api/v1/documents/${bobs.id}`, { owner: 'user', owner_id: people.alice.id });
	assert.equal(res.status, 404);
	res = await pageMove('bob', bobs.id, `group:${groups.secret}:0`);
	assert.equal(res.status, 404);
	// another member's document
	res = await api('bob', 'PATCH', `/api/v1/documents/${alices.id}`, { owner: 'user' });
	assert.equal(res.status, 403);
	assert.equal(res.json().error.code, 'forbidden');
	// a read-only token
	res = await b.client().postJson(`/api/v1/documents/${bobs.id}`, { owner: 'user' },
					{ ...bearer(people.bob.readToken), method: 'PATCH' });
	assert.equal(res.status, 403);
	// owner_id alone is no library; nothing at all is nothing to change
	res = await api('bob', 'PATCH', `/api/v1/documents/${bobs.id}`, { owner_id: groups.open });
	assert.equal(res.status, 400);
	assert.equal(res.json().error.code, 'owner_invalid');
	res = await api('bob', 'PATCH', `/api/v1/documents/${bobs.id}`, {});
	assert.equal(res.json().error.code, 'nothing_to_change');
	for (const id of [bobs.id, alices.id])
		assert.equal((await api('alice', 'GET', `/api/v1/documents/${id}`)).json().owner_id, groups.open);
	// bob may take his own into his space
	res = await api('bob', 'PATCH', `/api/v1/documents/${bobs.id}`, { owner: 'user' });
	assert.equal(res.status, 200, res.body);
	assert.equal(res.json().owner_id, people.bob.id);
});

test('a name clash in the target folder is refused clearly, on the page and through the API', async () => {
	const mine = await upload('alice', 'Budget.ods', 'mine');
	await upload('alice', 'budget.ODS', 'theirs', { owner: 'group', owner_id: groups.open });
	const res = await api('alice', 'PATCH', `/api/v1/documents/${mine.id}`, { owner: 'group', owner_id: groups.open });
	assert.equal(res.status, 409);
	assert.equal(res.json().error.code, 'name_taken');
	assert.match(res.json().error.message, /A document in the chosen folder already has this name/);
	const page = await pageMove('alice', mine.id, `group:${groups.open}:0`);
	assert.equal(page.status, 409);
	assert.ok(noticesOf(page.body).includes('A document in the chosen folder already has this name. Rename one of them first, or choose another folder.'));
	assert.equal((await api('alice', 'GET', `/api/v1/documents/${mine.id}`)).json().owner, 'user');
});

test('a document a publication carries stays until the publication lets it go', async () => {
	const doc = await upload('alice', 'deck.pdf', 'deck', { owner: 'group', owner_id: groups.open });
	const post = await api('alice', 'POST', '/api/v1/posts', { body: 'The deck', group_id: groups.open, attachments: [doc.id] });
	assert.equal(post.status, 201, post.body);
	let res = await api('alice', 'PATCH', `/api/v1/documents/${doc.id}`, { owner: 'group', owner_id: groups.secret });
	assert.equal(res.status, 409);
	assert.equal(res.json().error.code, 'document_attached');
	assert.match(res.json().error.message, /Remove it from those publications first/);
	const page = await pageMove('alice', doc.id, 'user:0:0');
	assert.equal(page.status, 409);
	assert.ok(noticesOf(page.body).some((n) => /attached to publications/.test(n)));
	assert.equal((await api('alice', 'GET', `/api/v1/documents/${doc.id}`)).json().owner_id, groups.open);
	// the publication still shows it to the group's members
	const shown = await api('bob', 'GET', `/api/v1/posts/${post.json().id}`);
	assert.deepEqual(shown.json().attachments.map((a) => a.id), [doc.id]);
	// once the author removes it, it may go
	const edit = await api('alice', 'PATCH', `/api/v1/posts/${post.json().id}`, { attachments: [] });
	assert.equal(edit.status, 200, edit.body);
	res = await api('alice', 'PATCH', `/api/v1/documents/${doc.id}`, { owner: 'group', owner_id: groups.secret });
	assert.equal(res.status, 200, res.body);
});
