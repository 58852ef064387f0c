// Publications over HTTP, pages and API: the home feed (publishing form,
// Markdown rendered in safe mode, cursor pagination, the "new publications"
// indicator and its JSON endpoint), a group's page and feed, a publication's
// page with comments, replies, likes and who liked, the edit form and
// earlier versions, soft deletion seen by administrators only, pins,
// mentions that reach only people who may read, and documents of the
// document base attached to publications (chosen in the forms and through
// the API, listed with a link, downloaded; refused outside the rule; gone
// when deleted or when the Documents application is off). Every page and
// API route of the feature is exercised, with the answers for anonymous
// visitors, outsiders and read-only tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Bastide, activate, csrfOf, formOf, noticesOf } from './lib/bastide.mjs';

const b = new Bastide('posts');
const PW = 'eleven slow barges drifting';
let demo;
const people = {}; // name -> {email, client, token, id}
let board;         // a private group: alice (admin), carol
let skunk;         // a secret group: carol (admin), alice

const bearer = (token) => ({ headers: { Authorization: `Bearer ${token}` } });

const api = (who) => ({
	get: (path) => b.client().get(path, bearer(people[who].token)),
	post: (path, body) => b.client().postJson(path, body, bearer(people[who].token)),
	patch: (path, body) =>
		b.client().postJson(path, body, { method: 'PATCH', ...bearer(people[who].token) }),
	del: (path) => b.client().request('DELETE', path, bearer(people[who].token)),
});

before(async () => {
	demo = await b.initWithDemo();
	const links = {};
	for (const name of ['alice', 'bob', 'carol'])
		links[name] = await b.createUser('demo', `${name}@demo.localhost`,
						 { name: `${name[0].toUpperCase()}${name.slice(1)} Example` });
	for (const name of ['alice', 'bob', 'carol'])
		people[name] = { email: `${name}@demo.localhost`,
				 token: (await b.createToken('demo', `${name}@demo.localhost`, { scope: 'read-write' })).token };
	people.admin = { email: demo.email,
			 token: (await b.createToken('demo', demo.email, { scope: 'read-write' })).token };
	people.bobRead = { token: (await b.createToken('demo', 'bob@demo.localhost', { scope: 'read' })).token };
	await b.start();
	for (const name of ['alice', 'bob', 'carol'])
		await activate(b.client(), links[name], PW);
	for (const name of ['alice', 'bob', 'carol', 'admin']) {
		const c = b.client();
		const res = await c.login(people[name].email, name === 'admin' ? demo.password : PW);
		assert.equal(res.status, 303, `login ${name}: ${noticesOf(res.body)}`);
		people[name].client = c;
		people[name].id = (await api(name).get('/api/v1/me')).json().id;
	}
	// groups, through the groups API
	board = (await api('alice').post('/api/v1/groups', { name: 'Board', kind: 'private' })).json().id;
	skunk = (await api('carol').post('/api/v1/groups', { name: 'Skunkworks', kind: 'secret' })).json().id;
	await invite('alice', board, 'carol');
	await invite('carol', skunk, 'alice');
});

after(async () => {
	await b.dispose();
});

async function invite(admin, group, who) {
	const res = await api(admin).post(`/api/v1/groups/${group}/members`, { email: people[who].email });
	assert.ok(res.status === 200 || res.status === 201, `invite: ${res.status} ${res.body}`);
	const ok = await api(who).patch(`/api/v1/groups/${group}/members/${people[who].id}`, { state: 'member' });
	assert.equal(ok.status, 200, `accept: ${ok.body}`);
}

// Publishes through the home page's form; returns the new post's id.
async function publish(who, body, groupId = 0) {
	const c = people[who].client;
	const page = await c.get(groupId ? `/groups/${groupId}` : '/');
	assert.equal(page.status, 200);
	const form = formOf(page.body, '/posts');
	assert.ok(form, 'no publishing form');
	const res = await c.post('/posts', { ...form.fields, group_id: String(groupId), body });
	assert.equal(res.status, 303, `publish: ${res.status} ${noticesOf(res.body)}`);
	const m = /#post-(\d+)$/.exec(res.location);
	assert.ok(m, res.location);
	return Number(m[1]);
}

async function notifications(who) {
	const res = await api(who).get('/api/v1/notifications?limit=100');
	assert.equal(res.status, 200, res.body);
	return res.json().items;
}

/* ------------------------------------------------------------------ */

test('the home page is the feed: a publishing form, and what is published appears rendered safely', async () => {
	const home = await people.alice.client.get('/');
	assert.equal(home.status, 200);
	assert.match(home.body, /<h1>Home<\/h1>/);
	assert.match(home.body, /<form method="post" action="\/posts">/);
	assert.match(home.body, /<label for="f-body">/);
	const id = await publish('alice', '**Hello** world <script>alert(1)</script> [x](javascript:alert(1))\n\n' +
				 '| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ www.example.org');
	const page = await people.bob.client.get('/');
	assert.match(page.body, new RegExp(`<article class="post" id="post-${id}"`));
	assert.match(page.body, /<strong>Hello<\/strong> world/);
	assert.doesNotMatch(page.body, /<script>alert/);
	assert.doesNotMatch(page.body, /javascript:/);
	assert.match(page.body, /<div class="table-wrap" role="region" tabindex="0" aria-label="[^"]+"><table>/);
	assert.match(page.body, /<th scope="col">a<\/th>/);
	assert.match(page.body, /<del>old<\/del>/);
	assert.match(page.body, /<a href="http:\/\/www\.example\.org">www\.example\.org<\/a>/);
	// one h1 per page: a text's headings start at h3
	const h = await publish('alice', '# Big title');
	const again = await people.bob.client.get(`/posts/${h}`);
	assert.equal((again.body.match(/<h1[ >]/g) ?? []).length, 1);
	assert.match(again.body, /<h3>Big title<\/h3>/);
});

test('a refused text keeps the draft and says why', async () => {
	const c = people.alice.client;
	const page = await c.get('/');
	const form = formOf(page.body, '/posts');
	const bomb = '>'.repeat(200) + ' deep';
	const res = await c.post('/posts', { ...form.fields, body: bomb });
	assert.equal(res.status, 400);
	assert.match(noticesOf(res.body).join(' '), /nests too deeply/);
	assert.ok(res.body.includes('&gt;&gt;&gt;&gt; deep</textarea>') || res.body.includes('&gt; deep</textarea>'));
	const empty = await c.post('/posts', { ...form.fields, body: '   ' });
	assert.equal(empty.status, 400);
	const big = await api('alice').post('/api/v1/posts', { body: 'x'.repeat(64 * 1024 + 1) });
	assert.equal(big.status, 413);
	assert.equal(big.json().error.code, 'text_too_large');
	const table = '|a'.repeat(100) + '|\n' + '|-'.repeat(100) + '|\n' + 'x\n'.repeat(600);
	const huge = await api('alice').post('/api/v1/posts', { body: table });
	assert.equal(huge.status, 400);
	assert.equal(huge.json().error.code, 'text_too_complex');
});

test('publishing in a group: members only; outsiders of a private group see the header, not the feed', async () => {
	const id = await publish('alice', 'Board meeting on Monday', board);
	const page = await people.carol.client.get(`/groups/${board}`);
	assert.equal(page.status, 200);
	assert.match(page.body, /<h1>Board<\/h1>/);
	assert.match(page.body, /aria-current="page">Publications</);
	assert.match(page.body, new RegExp(`id="post-${id}"`));
	assert.ok(formOf(page.body, '/posts'), 'no form for a member');
	const outside = await people.bob.client.get(`/groups/${board}`);
	assert.equal(outside.status, 200);
	assert.doesNotMatch(outside.body, /Board meeting/);
	assert.equal(formOf(outside.body, '/posts'), null);
	assert.equal((await people.bob.client.get(`/posts/${id}`)).status, 404);
	const refused = await api('bob').post('/api/v1/posts', { body: 'hi', group_id: board });
	assert.equal(refused.status, 403);
	assert.equal((await api('bob').get(`/api/v1/posts?group_id=${board}`)).status, 403);
	assert.equal((await api('bob').get(`/api/v1/posts/${id}`)).status, 404);
});

test('a secret group and its publications do not exist for outsiders, administrators included', async () => {
	const id = (await api('carol').post('/api/v1/posts', { body: 'Prototype ready', group_id: skunk })).json().id;
	for (const who of ['bob', 'admin']) {
		assert.equal((await people[who].client.get(`/groups/${skunk}`)).status, 404);
		assert.equal((await people[who].client.get(`/posts/${id}`)).status, 404);
		const r = await api(who).get(`/api/v1/posts?group_id=${skunk}`);
		assert.equal(r.status, 404);
		assert.equal(r.json().error.code, 'group_not_found');
		assert.equal((await api(who).get(`/api/v1/posts/${id}`)).status, 404);
		assert.equal((await api(who).get(`/api/v1/posts/${id}/comments`)).status, 404);
		assert.equal((await api(who).get(`/api/v1/posts/${id}/reactions`)).status, 404);
		const home = await people[who].client.get('/');
		assert.doesNotMatch(home.body, /Prototype ready|Skunkworks/);
		const feed = (await api(who).get('/api/v1/posts?limit=100')).json();
		assert.ok(!feed.items.some((p) => p.id === id));
		const count = (await api(who).get(`/api/v1/feed/new?since=${id - 1}&group_id=${skunk}`));
		assert.equal(count.status, 404);
	}
	// the member sees it in her home feed
	const feed = (await api('alice').get('/api/v1/posts?limit=100')).json();
	assert.ok(feed.items.some((p) => p.id === id && p.group.name === 'Skunkworks'));
});

test('mentions: resolved and notified for readers only, rendered as profile links', async () => {
	const id = await publish('alice', 'Thanks @carol and @bob for the figures', board);
	const carolN = (await notifications('carol')).filter((n) => n.kind === 'mention' && n.post_id === id);
	assert.equal(carolN.length, 1);
	const bobN = (await notifications('bob')).filter((n) => n.kind === 'mention');
	assert.equal(bobN.length, 0, 'bob may not read the private group: no mention');
	const p = (await api('carol').get(`/api/v1/posts/${id}`)).json();
	assert.match(p.html, new RegExp(`<a href="/people/${people.carol.id}">@carol</a>`));
	assert.doesNotMatch(p.html, /<a href="\/people\/\d+">@bob<\/a>/);
	// on the platform feed, everyone may read: bob is mentioned
	const pub = await publish('alice', 'cc @bob');
	const bobNow = (await notifications('bob')).filter((n) => n.kind === 'mention' && n.post_id === pub);
	assert.equal(bobNow.length, 1);
});

test('a publication page: comments, one level of replies, likes and who liked, with notifications', async () => {
	const id = await publish('alice', 'What do you think?');
	const c = people.bob.client;
	let page = await c.get(`/posts/${id}`);
	assert.equal(page.status, 200);
	assert.match(page.body, /<h1>Publication by Alice Example<\/h1>/);
	let res = await c.post(`/posts/${id}/comments`, { csrf: csrfOf(page.body), body: 'Looks good @carol' });
	assert.equal(res.status, 303);
	const c1 = Number(/#comment-(\d+)$/.exec(res.location)[1]);
	page = await people.carol.client.get(`/posts/${id}`);
	res = await people.carol.client.post(`/posts/${id}/comments`,
					     { csrf: csrfOf(page.body), body: 'Agreed', parent_id: String(c1) });
	assert.equal(res.status, 303);
	const r1 = Number(/#comment-(\d+)$/.exec(res.location)[1]);
	page = await people.alice.client.get(`/posts/${id}`);
	res = await people.alice.client.post(`/posts/${id}/comments`,
					     { csrf: csrfOf(page.body), body: 'Reply to the reply', parent_id: String(r1) });
	assert.equal(res.status, 303);
	const r2 = Number(/#comment-(\d+)$/.exec(res.location)[1]);
	const list = (await api('bob').get(`/api/v1/posts/${id}/comments`)).json().items;
	assert.deepEqual(list.map((x) => [x.id, x.parent_id]), [[c1, null], [r1, c1], [r2, c1]]);
	// the page nests replies under their comment
	page = await c.get(`/posts/${id}`);
	assert.match(page.body, new RegExp(`id="comment-${c1}"[\\s\\S]*<ol class="replies">[\\s\\S]*id="comment-${r1}"[\\s\\S]*id="comment-${r2}"`));
	// notifications: the author of the comment, the reply
	assert.equal((await notifications('alice')).filter((n) => n.kind === 'comment' && n.post_id === id).length, 1);
	assert.equal((await notifications('bob')).filter((n) => n.kind === 'reply' && n.post_id === id).length, 1);
	assert.equal((await notifications('carol')).filter((n) => n.kind === 'reply' && n.post_id === id).length, 1);
	assert.equal((await notifications('carol')).filter((n) => n.kind === 'mention' && n.post_id === id).length, 1);
	// likes, from the page, twice: idempotent
	for (let i = 0; i < 2; i++) {
		res = await c.post(`/posts/${id}`, { csrf: csrfOf(page.body), action: 'like', next: `/posts/${id}` });
		assert.equal(res.status, 303);
		assert.equal(res.location, `/posts/${id}#post-${id}`);
	}
	const r = (await api('carol').post(`/api/v1/posts/${id}/reactions`, { kind: 'like' })).json();
	assert.equal(r.changed, true);
	assert.equal(r.count, 2);
	const again = (await api('carol').post(`/api/v1/posts/${id}/reactions`, {})).json();
	assert.equal(again.changed, false);
	assert.equal(again.count, 2);
	const who = (await api('alice').get(`/api/v1/posts/${id}/reactions`)).json();
	assert.deepEqual(who.items.map((x) => x.user.name), ['Bob Example', 'Carol Example']);
	page = await people.alice.client.get(`/posts/${id}`);
	assert.match(page.body, /<h2 id="h-likes">[^<]+<\/h2><ul class="inline-list"><li><a href="\/people\/\d+">Bob Example<\/a><\/li><li><a href="\/people\/\d+">Carol Example<\/a><\/li><\/ul>/);
	const off = (await api('carol').del(`/api/v1/posts/${id}/reactions`)).json();
	assert.equal(off.changed, true);
	assert.equal(off.count, 1);
	assert.equal((await api('carol').del(`/api/v1/posts/${id}/reactions`)).json().changed, false);
	assert.equal((await api('carol').post(`/api/v1/posts/${id}/reactions`, { kind: 'love' })).status, 400);
	// comment actions: edit (with its earlier version), like, delete
	page = await c.get(`/posts/${id}?comment=${c1}`);
	const edit = formOf(page.body, `/posts/${id}/comments/${c1}`);
	assert.ok(edit);
	res = await c.post(`/posts/${id}/comments/${c1}`, { ...edit.fields, action: 'edit', body: 'Looks great' });
	assert.equal(res.status, 303);
	page = await c.get(`/posts/${id}?comment=${c1}`);
	assert.match(page.body, /<details class="versions" open>[\s\S]*Looks good @carol/);
	const alicePage = await people.alice.client.get(`/posts/${id}`);
	res = await people.alice.client.post(`/posts/${id}/comments/${c1}`, { csrf: csrfOf(alicePage.body), action: 'edit', body: 'hijack' });
	assert.equal(res.status, 403);
	assert.match(res.body, /forbidden/);
	const patched = await api('bob').patch(`/api/v1/posts/${id}/comments/${c1}`, { body: 'Looks great!' });
	assert.equal(patched.status, 200);
	assert.equal(patched.json().body, 'Looks great!');
	assert.equal((await api('bob').del(`/api/v1/posts/${id}/comments/${c1}`)).status, 200);
	const after = (await api('carol').get(`/api/v1/posts/${id}/comments`)).json().items;
	assert.deepEqual(after.map((x) => x.id), [r1, r2], 'replies stay when their comment is deleted');
	page = await people.carol.client.get(`/posts/${id}`);
	assert.match(page.body, /class="comment-gone"/);
	assert.doesNotMatch(page.body, /Looks great/);
});

test('edit keeps earlier versions, shown to the author and administrators only', async () => {
	const id = await publish('alice', 'Version one');
	const c = people.alice.client;
	let page = await c.get(`/posts/${id}/edit`);
	assert.equal(page.status, 200);
	const form = formOf(page.body, `/posts/${id}/edit`);
	assert.equal(form.fields.body, 'Version one');
	let res = await c.post(`/posts/${id}/edit`, { ...form.fields, body: 'Version two' });
	assert.equal(res.status, 303);
	assert.equal(res.location, `/posts/${id}`);
	res = await api('alice').patch(`/api/v1/posts/${id}`, { body: 'Version three' });
	assert.equal(res.status, 200);
	assert.equal(res.json().body, 'Version three');
	assert.ok(res.json().edited_at);
	page = await c.get(`/posts/${id}/edit`);
	assert.match(page.body, /<ol class="versions">[\s\S]*Version two[\s\S]*Version one/);
	const v = (await api('admin').get(`/api/v1/posts/${id}/versions`)).json().items;
	assert.deepEqual(v.map((x) => x.body), ['Version two', 'Version one']);
	const adminPage = await people.admin.client.get(`/posts/${id}/edit`);
	assert.equal(adminPage.status, 200);
	assert.equal(formOf(adminPage.body, `/posts/${id}/edit`), null, 'administrators read, they do not edit');
	assert.equal((await people.bob.client.get(`/posts/${id}/edit`)).status, 403);
	assert.equal((await api('bob').get(`/api/v1/posts/${id}/versions`)).status, 403);
	assert.equal((await api('bob').patch(`/api/v1/posts/${id}`, { body: 'x' })).status, 403);
	assert.equal((await c.post(`/posts/${id}/edit`, { ...form.fields, body: '' })).status, 400);
});

// Words that translate differently where they stand: "edited" said of a
// publication (feminine in French) and of a comment (masculine), "Comment"
// the verb on the button and the noun in search results.
test('French pages agree words with what they describe', async () => {
	const fr = { headers: { 'Accept-Language': 'fr' } };
	const id = await publish('alice', 'Texte accordé au féminin');
	assert.equal((await api('alice').patch(`/api/v1/posts/${id}`, { body: 'Texte accordé, modifié' })).status, 200);
	const cid = (await api('bob').post(`/api/v1/posts/${id}/comments`, { body: 'Remarque zanzibar' })).json().id;
	assert.equal((await api('bob').patch(`/api/v1/posts/${id}/comments/${cid}`, { body: 'Remarque zanzibar, revue' })).status, 200);
	const page = await people.bob.client.get(`/posts/${id}`, fr);
	assert.equal(page.status, 200);
	assert.match(page.body, /<article class="post[^"]*" id="post-\d+"[\s\S]*?<span class="badge">modifiée<\/span>/);
	assert.match(page.body, /id="comment-\d+"[\s\S]*?<span class="badge">modifié<\/span>/);
	assert.match(page.body, /<button type="submit">Commenter<\/button>/);
	const found = await people.bob.client.get('/search?q=zanzibar', fr);
	assert.equal(found.status, 200);
	assert.match(found.body, />Commentaire</);
});

test('soft delete: gone for everyone but platform administrators, who see it marked', async () => {
	const id = await publish('bob', 'Regrettable');
	const page = await people.bob.client.get(`/posts/${id}`);
	let res = await people.alice.client.post(`/posts/${id}`, { csrf: csrfOf((await people.alice.client.get('/')).body), action: 'delete' });
	assert.equal(res.status, 403);
	assert.match(res.body, /forbidden/);
	res = await people.bob.client.post(`/posts/${id}`, { csrf: csrfOf(page.body), action: 'delete', next: `/posts/${id}` });
	assert.equal(res.status, 303);
	assert.equal(res.location, '/');
	for (const who of ['alice', 'bob']) {
		assert.equal((await people[who].client.get(`/posts/${id}`)).status, 404);
		assert.equal((await api(who).get(`/api/v1/posts/${id}`)).status, 404);
		assert.doesNotMatch((await people[who].client.get('/')).body, /Regrettable/);
	}
	const adminPage = await people.admin.client.get(`/posts/${id}`);
	assert.equal(adminPage.status, 200);
	assert.match(adminPage.body, /post-deleted/);
	assert.match(adminPage.body, /Regrettable/);
	const j = (await api('admin').get(`/api/v1/posts/${id}`)).json();
	assert.ok(j.deleted_at);
	assert.equal(j.can.edit, false);
	assert.match((await people.admin.client.get('/')).body, new RegExp(`id="post-${id}"`));
	assert.equal((await api('admin').del(`/api/v1/posts/${id}`)).status, 409);
	// through the API, by the author
	const other = (await api('bob').post('/api/v1/posts', { body: 'another' })).json().id;
	assert.equal((await api('bobRead').del(`/api/v1/posts/${other}`)).status, 403);
	assert.equal((await api('bob').del(`/api/v1/posts/${other}`)).status, 200);
	assert.equal((await api('bob').get(`/api/v1/posts/${other}`)).status, 404);
});

test('pins: group administrators in their group, platform administrators on the platform feed', async () => {
	const a = await publish('carol', 'Group rules', board);
	const later = await publish('carol', 'Later news', board);
	assert.equal((await api('carol').patch(`/api/v1/posts/${a}`, { pinned: true })).status, 403);
	const res = await api('alice').patch(`/api/v1/posts/${a}`, { pinned: true });
	assert.equal(res.status, 200);
	assert.equal(res.json().pinned, true);
	const page = await people.carol.client.get(`/groups/${board}`);
	const pinned = page.body.indexOf('<h2 id="h-pins">');
	assert.ok(pinned > 0, 'no pinned section');
	assert.ok(page.body.indexOf(`id="post-${a}"`) > pinned);
	assert.ok(page.body.indexOf(`id="post-${a}"`) < page.body.indexOf('<h2 id="h-feed">'), 'the pin comes first');
	assert.equal(page.body.split(`id="post-${a}"`).length, 2, 'shown once');
	assert.ok(page.body.indexOf(`id="post-${later}"`) > page.body.indexOf('<h2 id="h-feed">'));
	const pub = await publish('bob', 'Welcome everyone');
	const c = people.admin.client;
	const p = await c.get(`/posts/${pub}`);
	assert.ok(formOf(p.body, `/posts/${pub}`));
	assert.equal((await c.post(`/posts/${pub}`, { csrf: csrfOf(p.body), action: 'pin', next: `/posts/${pub}` })).status, 303);
	assert.match((await people.bob.client.get('/')).body, /<h2 id="h-pins">[\s\S]*Welcome everyone[\s\S]*<h2 id="h-feed">/);
	assert.equal((await api('alice').patch(`/api/v1/posts/${pub}`, { pinned: false })).status, 403);
	assert.equal((await c.post(`/posts/${pub}`, { csrf: csrfOf(p.body), action: 'unpin' })).status, 303);
	assert.doesNotMatch((await people.bob.client.get('/')).body, /<h2 id="h-pins">/);
});

test('the home feed pages with a cursor, newest first, and counts new publications', async () => {
	const ids = [];
	for (let i = 0; i < 25; i++)
		ids.push((await api('carol').post('/api/v1/posts', { body: `Bulk ${i}` })).json().id);
	// API: cursor pagination walks everything once, newest first
	let seen = [];
	let cursor = null;
	do {
		const res = (await api('bob').get(`/api/v1/posts?limit=10${cursor ? `&cursor=${cursor}` : ''}`)).json();
		seen = seen.concat(res.items.map((p) => p.id));
		cursor = res.next_cursor;
	} while (cursor);
	assert.deepEqual(seen.slice(0, 25), ids.slice().reverse());
	assert.equal(new Set(seen).size, seen.length);
	for (let i = 1; i < seen.length; i++)
		assert.ok(seen[i] < seen[i - 1]);
	// the page: 20, then an "Older publications" link
	const home = await people.bob.client.get('/');
	const older = /<a rel="next" href="\/\?before=(\d+)">/.exec(home.body);
	assert.ok(older, 'no link to older publications');
	const page2 = await people.bob.client.get(`/?before=${older[1]}`);
	assert.equal(page2.status, 200);
	assert.match(page2.body, new RegExp(`id="post-${ids[4]}"`));
	assert.doesNotMatch(page2.body, new RegExp(`id="post-${ids[24]}"`));
	// new publications since the newest seen
	const poll = /data-poll="([^"]+)"/.exec(home.body)[1].replace(/&amp;/g, '&');
	assert.equal((await people.bob.client.get(poll)).json().count, 0);
	await api('carol').post('/api/v1/posts', { body: 'Fresh one' });
	await api('carol').post('/api/v1/posts', { body: 'Fresh two' });
	await api('bob').post('/api/v1/posts', { body: 'my own' });
	assert.equal((await people.bob.client.get(poll)).json().count, 2);
	const since = /id="feed-new" href="([^"]+)"/.exec(home.body)[1];
	const marked = await people.bob.client.get(since);
	assert.match(noticesOf(marked.body).join(' '), /2 new publications/);
	assert.equal((marked.body.match(/class="fresh"/g) ?? []).length, 2);
	assert.equal((await api('bob').get('/api/v1/feed/new')).status, 400);
});

// Uploads content (Buffer) as filename through the documents API into a
// library (owner 'group' and its id, or 'user'); returns the document's id.
async function uploadDocument(who, filename, content, owner, ownerId = '') {
	const boundary = `----bastide${randomBytes(8).toString('hex')}`;
	const part = (name, value) =>
		`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
	const body = Buffer.concat([
		Buffer.from(part('owner', owner) + part('owner_id', String(ownerId)) + part('folder', '') +
			    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
			    'Content-Type: application/octet-stream\r\n\r\n'),
		content,
		Buffer.from(`\r\n--${boundary}--\r\n`),
	]);
	const res = await b.client().request('POST', '/api/v1/documents', {
		headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`,
			   Authorization: `Bearer ${people[who].token}` },
		body,
	});
	assert.equal(res.status, 201, `upload ${filename}: ${res.status} ${res.body}`);
	return res.json().id;
}

// The attachments listed under publication id on an HTML page: [{id, name}].
function attachmentsOn(html, id) {
	const card = new RegExp(`<article class="post[^"]*" id="post-${id}"[\\s\\S]*?</article>`).exec(html);
	assert.ok(card, `no publication ${id} on the page`);
	const list = /<ul class="attachments" aria-label="[^"]+">([\s\S]*?)<\/ul>/.exec(card[0]);
	return list ? [...list[1].matchAll(/<a href="\/documents\/(\d+)">([^<]*)<\/a>/g)]
		.map(([, docId, name]) => ({ id: Number(docId), name })) : [];
}

test('documents attached to a publication: chosen in the form or the API, listed with a link, downloaded; refused outside the rule', async () => {
	const content = Buffer.from(`%PDF-1.4\nagenda ${randomBytes(6).toString('hex')}\n%%EOF\n`);
	const agenda = await uploadDocument('alice', 'Agenda.pdf', content, 'group', board);
	const notes = await uploadDocument('carol', 'Notes.txt', Buffer.from('plain notes\n'), 'group', board);
	const secretDoc = await uploadDocument('carol', 'Plans.txt', Buffer.from('plans\n'), 'group', skunk);
	const personal = await uploadDocument('alice', 'Mine.txt', Buffer.from('mine\n'), 'user');

	// the page form: the group library's recent documents as boxes
	const c = people.alice.client;
	const page = await c.get(`/groups/${board}`);
	const form = formOf(page.body, '/posts');
	assert.equal(form.fields.attachments_field, '1');
	assert.match(page.body, /<fieldset class="field attach"[^>]*><legend>Documents to attach<\/legend>/);
	assert.match(page.body, new RegExp(`<input type="checkbox" name="attachment" value="${agenda}"> Agenda\\.pdf`));
	assert.doesNotMatch(page.body, /Plans\.txt|Mine\.txt/, 'only this group\'s documents are offered');
	let res = await c.post('/posts', [...Object.entries({ ...form.fields, body: 'The agenda, attached' }),
					  ['attachment', String(agenda)], ['attachment', String(notes)]]);
	assert.equal(res.status, 303, `publish: ${res.status} ${noticesOf(res.body)}`);
	const viaPage = Number(/#post-(\d+)$/.exec(res.location)[1]);

	// every reader sees them under the text, with a link, type and size
	const carolPage = await people.carol.client.get(`/groups/${board}`);
	assert.deepEqual(attachmentsOn(carolPage.body, viaPage),
			 [{ id: agenda, name: 'Agenda.pdf' }, { id: notes, name: 'Notes.txt' }]);
	assert.match(carolPage.body, new RegExp(`<a href="/documents/${agenda}">Agenda\\.pdf</a> <span class="hint">application/pdf · \\d+ bytes</span>`));

	// and download them through the link
	const docPage = await people.carol.client.get(`/documents/${agenda}`);
	assert.equal(docPage.status, 200);
	const link = new RegExp(`href="(/documents/${agenda}/download)"`).exec(docPage.body);
	assert.ok(link, 'no download link on the document page');
	const file = await people.carol.client.request('GET', link[1]);
	assert.equal(file.status, 200);
	assert.equal(file.body, content.toString('utf8'));

	// the API: publish with attachments, read them back, filtered alike
	res = await api('carol').post('/api/v1/posts', { body: 'Notes for Monday', group_id: board, attachments: [notes] });
	assert.equal(res.status, 201, res.body);
	const viaApi = res.json().id;
	assert.deepEqual(res.json().attachments, [{ id: notes, name: 'Notes.txt', content_type: 'text/plain', size: 12 }]);
	const one = (await api('alice').get(`/api/v1/posts/${viaApi}`)).json();
	assert.deepEqual(one.attachments.map((a) => a.id), [notes]);
	const list = (await api('alice').get(`/api/v1/posts?group_id=${board}`)).json().items;
	assert.deepEqual(list.find((p) => p.id === viaPage).attachments.map((a) => a.name), ['Agenda.pdf', 'Notes.txt']);
	assert.deepEqual(list.find((p) => p.id === viaApi).attachments.map((a) => a.id), [notes]);

	// outside the rule: a clear 400, and nothing published
	const refusals = [
		[{ group_id: board, attachments: [secretDoc] }, 'attachment_not_allowed'], // another group's
		[{ group_id: board, attachments: [personal] }, 'attachment_not_allowed'],  // a personal space
		[{ attachments: [agenda] }, 'attachment_not_allowed'],                    // a private group's, to everyone
		[{ group_id: board, attachments: [999999] }, 'attachment_not_found'],
		[{ group_id: board, attachments: ['x'] }, 'bad_field'],
		[{ group_id: board, attachments: Array.from({ length: 11 }, (_, i) => agenda + i) }, 'too_many_attachments'],
	];
	for (const [fields, code] of refusals) {
		const r = await api('alice').post('/api/v1/posts', { body: 'refused', ...fields });
		assert.equal(r.status, 400, `${JSON.stringify(fields)}: ${r.body}`);
		assert.equal(r.json().error.code, code, JSON.stringify(fields));
	}
	assert.ok(!(await api('alice').get(`/api/v1/posts?group_id=${board}`)).json().items.some((p) => p.body === 'refused'));
	// through the page, the refusal keeps the draft and the boxes ticked
	res = await c.post('/posts', [...Object.entries({ ...form.fields, body: 'Keep me' }),
				      ['attachment', String(agenda)], ['attachment', String(personal)]]);
	assert.equal(res.status, 400);
	assert.match(noticesOf(res.body).join(' '), /cannot go with this publication/);
	assert.match(res.body, new RegExp(`value="${agenda}" checked> Agenda\\.pdf`));
	assert.match(res.body, />Keep me<\/textarea>/);

	// the edit form: the current attachments ticked; unticking detaches
	let edit = await c.get(`/posts/${viaPage}/edit`);
	assert.match(edit.body, new RegExp(`value="${agenda}" checked>`));
	assert.match(edit.body, new RegExp(`value="${notes}" checked>`));
	const editForm = formOf(edit.body, `/posts/${viaPage}/edit`);
	res = await c.post(`/posts/${viaPage}/edit`, { ...editForm.fields, attachment: String(agenda) });
	assert.equal(res.status, 303, `${res.status} ${noticesOf(res.body)}`);
	assert.deepEqual((await api('carol').get(`/api/v1/posts/${viaPage}`)).json().attachments.map((a) => a.id), [agenda]);
	// PATCH replaces the list; the previous one is in the audit trail
	res = await api('alice').patch(`/api/v1/posts/${viaPage}`, { attachments: [agenda, notes] });
	assert.equal(res.status, 200, res.body);
	assert.deepEqual(res.json().attachments.map((a) => a.id), [agenda, notes]);
	assert.ok(res.json().edited_at);
	assert.equal((await api('alice').patch(`/api/v1/posts/${viaPage}`, { attachments: [personal] })).status, 400);

	// a deleted document leaves the list, never an error
	assert.equal((await api('carol').del(`/api/v1/documents/${notes}`)).status, 200);
	assert.deepEqual(attachmentsOn((await people.alice.client.get(`/posts/${viaPage}`)).body, viaPage),
			 [{ id: agenda, name: 'Agenda.pdf' }]);
	assert.deepEqual((await api('alice').get(`/api/v1/posts/${viaApi}`)).json().attachments, []);
	assert.deepEqual(attachmentsOn((await people.alice.client.get(`/posts/${viaApi}`)).body, viaApi), []);
});

test('with the Documents application off, attachments are neither shown nor accepted', async () => {
	const doc = await uploadDocument('alice', 'Offline.txt', Buffer.from('offline\n'), 'group', board);
	const id = (await api('alice').post('/api/v1/posts', { body: 'Before the switch', group_id: board, attachments: [doc] })).json().id;
	const toggle = (enabled) => b.client().postJson('/api/v1/apps/documents', { enabled },
							 { method: 'PATCH', ...bearer(people.admin.token) });
	assert.equal((await toggle(false)).status, 200);
	try {
		const page = await people.carol.client.get(`/groups/${board}`);
		assert.deepEqual(attachmentsOn(page.body, id), []);
		assert.doesNotMatch(page.body, /Documents to attach|name="attachment"/);
		assert.deepEqual((await api('carol').get(`/api/v1/posts/${id}`)).json().attachments, []);
		const refused = await api('alice').post('/api/v1/posts', { body: 'x', group_id: board, attachments: [doc] });
		assert.equal(refused.status, 400);
		assert.equal(refused.json().error.code, 'attachments_off');
		assert.doesNotMatch((await people.alice.client.get(`/posts/${id}/edit`)).body, /name="attachment"/);
	} finally {
		assert.equal((await toggle(true)).status, 200);
	}
	assert.deepEqual((await api('carol').get(`/api/v1/posts/${id}`)).json().attachments.map((a) => a.id), [doc]);
});

test('anonymous visitors and bad addresses get nothing', async () => {
	const anon = b.client();
	for (const path of ['/', '/posts/1', '/posts/1/edit', `/groups/${board}`]) {
		const res = await anon.get(path);
		assert.equal(res.status, 303, path);
		assert.match(res.location, /^\/login/);
	}
	for (const path of ['/api/v1/posts', '/api/v1/posts/1', '/api/v1/posts/1/comments',
			    '/api/v1/posts/1/reactions', '/api/v1/posts/1/versions', '/api/v1/feed/new?since=0'])
		assert.equal((await anon.get(path)).status, 401, path);
	assert.equal((await people.bob.client.get('/posts/999999')).status, 404);
	assert.equal((await people.bob.client.get('/posts/abc')).status, 404);
	assert.equal((await api('bob').get('/api/v1/posts/0')).status, 404);
	assert.equal((await api('bob').get('/api/v1/posts?group_id=x')).status, 404);
	// read tokens read, never write
	assert.equal((await api('bobRead').get('/api/v1/posts')).status, 200);
	assert.equal((await api('bobRead').post('/api/v1/posts', { body: 'x' })).status, 403);
	// a page's POST without its csrf field is refused
	const res = await people.bob.client.post('/posts', { body: 'no token' });
	assert.equal(res.status, 403);
});
