// The demo content of `make run` (src/cli/demo_seed.c): `bastide demo`
// fills the demo platform once with people, groups of the three kinds,
// publications with comments, replies, likes and mentions, a pinned one,
// and documents; a second run only gives the administrator a new password
// and duplicates nothing. Checked through the API and the home page as the
// demo administrator, who signs in with the printed password, belongs to
// groups, and finds unread notifications. The document of the
// administrator's personal space downloads byte-identical to the text
// src/cli/demo_seed.h declares.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { crc32, inflateSync } from 'node:zlib';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bastide, noticesOf, waitForCliChange } from './lib/bastide.mjs';

const HEADER = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/demo_seed.h');

// The value of a string-literal macro of the header (adjacent literals,
// backslash-continued lines), as bytes.
function headerString(name) {
	const text = readFileSync(HEADER, 'utf8');
	const m = new RegExp(`#define ${name}((?:[^\\n]*\\\\\\n)*[^\\n]*)`).exec(text);
	assert.ok(m, `no #define ${name} in ${HEADER}`);
	const escapes = { n: '\n', t: '\t', '"': '"', '\\': '\\', "'": "'" };
	let out = '';
	for (const [, lit] of m[1].matchAll(/"((?:[^"\\]|\\.)*)"/g))
		out += lit.replace(/\\(.)/g, (_, c) => {
			assert.ok(c in escapes, `escape \\${c} not handled by this test`);
			return escapes[c];
		});
	return Buffer.from(out, 'utf8');
}

const b = new Bastide('demo');

// `bastide demo` as `make run` calls it (with its content: not b.demo(),
// which other tests may want empty). Returns {password, stdout}.
async function runDemo() {
	const r = await b.cli('demo');
	const m = /password:\s+(\S+)/.exec(r.stdout);
	assert.ok(m, `no password in the output of bastide demo: ${r.stdout}`);
	return { password: m[1], stdout: r.stdout, stderr: r.stderr };
}
let runs;  // the outputs of the two `bastide demo`
let admin; // {client, id, get(path)}

async function signIn(password) {
	const c = b.client();
	const res = await c.login('admin@demo.localhost', password);
	assert.equal(res.status, 303, `login: ${noticesOf(res.body)}`);
	const get = async (path) => {
		const r = await c.get(path);
		assert.equal(r.status, 200, `GET ${path}: ${r.status} ${r.body.slice(0, 300)}`);
		return r;
	};
	const id = (await get('/api/v1/me')).json().id;
	return { client: c, id, get, json: async (path) => (await get(path)).json() };
}

// The body of GET path as bytes (the Client decodes bodies as text).
function bytes(client, path) {
	return new Promise((resolvePromise, reject) => {
		const req = http.get({ host: '127.0.0.1', port: b.port, path, setHost: false, agent: false,
				       headers: { Host: client.host, Cookie: client.cookieHeader() } },
				     (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('error', reject);
			res.on('end', () => resolvePromise({ status: res.statusCode, headers: res.headers,
							     body: Buffer.concat(chunks) }));
		});
		req.on('error', reject);
	});
}

// Every item of a paginated collection.
async function all(who, path) {
	const items = [];
	let cursor = null;
	do {
		const sep = path.includes('?') ? '&' : '?';
		const page = await who.json(`${path}${sep}limit=100${cursor ? `&cursor=${cursor}` : ''}`);
		items.push(...page.items);
		cursor = page.next_cursor;
	} while (cursor);
	return items;
}

// What the administrator sees of the platform, counted.
async function census(who) {
	const users = await all(who, '/api/v1/users');
	const groups = await all(who, '/api/v1/groups');
	const feeds = [0, ...groups.map((g) => g.id)];
	const posts = [];
	for (const f of feeds)
		posts.push(...(await all(who, `/api/v1/posts?group_id=${f}`)));
	let comments = 0;
	for (const p of posts)
		comments += (await all(who, `/api/v1/posts/${p.id}/comments`)).length;
	const documents = [];
	const libraries = [['user', who.id], ...groups.filter((g) => g.can.read).map((g) => ['group', g.id])];
	for (const [owner, id] of libraries) {
		const q = `owner=${owner}&owner_id=${id}`;
		documents.push(...(await all(who, `/api/v1/documents?${q}`)));
		for (const f of await all(who, `/api/v1/folders?${q}`))
			documents.push(...(await all(who, `/api/v1/documents?${q}&folder=${f.id}`)));
	}
	return { users, groups, posts, comments, documents };
}

before(async () => {
	await b.init();
	const first = await runDemo();
	await b.start();
	admin = await signIn(first.password);
	const before = await census(admin);
	// a second run: a new password, nothing written twice
	const second = await runDemo();
	await waitForCliChange();
	runs = { first, second, before };
});

after(async () => {
	await b.dispose();
});

test('test_demo_prints_a_fresh_password_each_run_and_seeds_once', async () => {
	const { first, second } = runs;
	assert.match(first.stdout, /demo content:/);
	assert.equal(first.stderr, '', 'the seed reports no problem');
	assert.doesNotMatch(second.stdout, /demo content:/);
	assert.notEqual(first.password, second.password);
	// the first password no longer works; the second does
	const old = await b.client().login('admin@demo.localhost', first.password);
	assert.notEqual(old.status, 303);
	admin = await signIn(second.password);
});

test('test_demo_empty_leaves_the_content_out_until_a_plain_run', async () => {
	const e = new Bastide('demo-empty');
	try {
		await e.init();
		const r = await e.cli('demo', '--empty');
		assert.match(r.stdout, /password:\s+\S+/);
		assert.doesNotMatch(r.stdout, /demo content:/);
		// no publication yet: a plain run still writes the content
		assert.match((await e.cli('demo')).stdout, /demo content:/);
	} finally {
		await e.dispose();
	}
});

test('test_demo_second_run_duplicates_nothing', async () => {
	const after = await census(admin);
	const ids = (xs) => xs.map((x) => x.id).sort((p, q) => p - q);
	assert.deepEqual(ids(after.users), ids(runs.before.users));
	assert.deepEqual(ids(after.groups), ids(runs.before.groups));
	assert.deepEqual(ids(after.posts), ids(runs.before.posts));
	assert.equal(after.comments, runs.before.comments);
	assert.deepEqual(ids(after.documents), ids(runs.before.documents));
});

test('test_demo_has_a_dozen_people_with_profiles', async () => {
	const users = await all(admin, '/api/v1/users');
	assert.ok(users.length >= 12, `${users.length} users`);
	const directory = await all(admin, `/api/v1/users?department=${encodeURIComponent('Ingénierie')}`);
	assert.ok(directory.length >= 2, 'people in the Ingénierie department');
	for (const p of directory) {
		assert.ok(p.job_title && p.location, `profile of ${p.email}`);
		assert.equal(p.status, 'active');
	}
	const names = users.map((u) => u.name);
	assert.ok(names.includes('Chloé Moreau') && names.includes("James O'Connor"), names.join(', '));
});

test('test_demo_has_groups_of_each_kind_with_the_admin_in_some', async () => {
	const groups = await all(admin, '/api/v1/groups');
	const kinds = new Set(groups.map((g) => g.kind));
	for (const k of ['open', 'private', 'secret'])
		assert.ok(kinds.has(k), `a ${k} group among ${groups.map((g) => `${g.name} (${g.kind})`)}`);
	const mine = groups.filter((g) => g.membership?.state === 'member');
	assert.ok(mine.length >= 2, 'the administrator is a member of groups');
	assert.ok(mine.some((g) => g.membership.role === 'admin'), 'and the administrator of one');
	for (const g of groups) {
		assert.ok(g.members >= 2, `${g.name} has members`);
		const members = await all(admin, `/api/v1/groups/${g.id}/members`);
		assert.equal(members.filter((m) => m.role === 'admin' && m.state === 'member').length, 1,
			     `${g.name} has one administrator`);
	}
});

test('test_demo_has_publications_with_comments_likes_mentions_and_a_pin', async () => {
	const home = await all(admin, '/api/v1/posts');
	assert.ok(home.length >= 10, `${home.length} publications in the home feed`);
	assert.ok(home.some((p) => p.group !== null), 'group publications in the home feed');
	assert.ok(home.some((p) => p.group === null), 'platform publications in the home feed');
	assert.ok(home.some((p) => p.pinned), 'a pinned publication');
	assert.ok(home.some((p) => p.comments > 0) && home.some((p) => p.likes > 0));
	assert.ok(home.some((p) => /<table>/.test(p.html)), 'a table');
	assert.ok(home.some((p) => /<del>/.test(p.html)), 'strikethrough');
	assert.ok(home.some((p) => /<a href="https?:/.test(p.html)), 'a link');
	assert.ok(home.some((p) => /href="\/people\/\d+"/.test(p.html)), 'a mention');
	// spread over several days, newest first
	const days = new Set(home.map((p) => p.created_at.slice(0, 10)));
	assert.ok(days.size >= 5, `publications on ${days.size} days`);
	const times = home.filter((p) => !p.pinned).map((p) => Date.parse(p.created_at));
	assert.deepEqual(times, [...times].sort((p, q) => q - p));
	assert.ok(times.every((t) => t <= b.now()));
	// a reply to a comment
	let replies = 0;
	for (const p of home.filter((x) => x.comments > 0))
		replies += (await all(admin, `/api/v1/posts/${p.id}/comments`)).filter((c) => c.parent_id).length;
	assert.ok(replies >= 1, 'a reply');
	const liked = home.find((p) => p.likes >= 3);
	const reactions = await admin.json(`/api/v1/posts/${liked.id}/reactions`);
	assert.equal(reactions.count ?? reactions.items?.length, liked.likes);
});

test('test_demo_admin_has_unread_notifications', async () => {
	const n = await admin.json('/api/v1/notifications');
	assert.ok(n.unread_count > 0, `unread: ${n.unread_count}`);
	const kinds = new Set(n.items.map((x) => x.kind));
	assert.ok(kinds.has('mention') && kinds.has('comment'), [...kinds].join(', '));
});

test('test_demo_documents_download_as_seeded', async () => {
	const mine = await all(admin, `/api/v1/documents?owner=user&owner_id=${admin.id}`);
	const name = headerString('BST_DEMO_NOTE_NAME').toString('utf8');
	const note = mine.find((d) => d.name === name);
	assert.ok(note, `${name} in ${mine.map((d) => d.name)}`);
	const res = await bytes(admin.client, `/api/v1/documents/${note.id}/content`);
	assert.equal(res.status, 200);
	assert.ok(res.body.equals(headerString('BST_DEMO_NOTE_TEXT')), 'byte-identical');
	// group libraries: several documents, one with two versions, an image
	const docs = runs.before.documents;
	assert.ok(docs.length >= 4, `${docs.length} documents`);
	assert.ok(docs.some((d) => d.version >= 2), 'a document with versions');
	const png = docs.find((d) => d.content_type === 'image/png');
	assert.ok(png, 'an image');
	const img = await bytes(admin.client, `/api/v1/documents/${png.id}/content`);
	assert.equal(img.status, 200);
	assert.equal(img.headers['content-type'], 'image/png');
	assert.equal(img.body.length, png.size);
	assert.ok(img.body.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')));
	// every chunk's CRC holds and the pixels inflate to width x height rows
	let at = 8;
	const chunks = {};
	while (at < img.body.length) {
		const len = img.body.readUInt32BE(at);
		const type = img.body.subarray(at + 4, at + 8).toString('latin1');
		const data = img.body.subarray(at + 8, at + 8 + len);
		assert.equal(img.body.readUInt32BE(at + 8 + len), crc32(img.body.subarray(at + 4, at + 8 + len)),
			     `CRC of ${type}`);
		chunks[type] = data;
		at += 12 + len;
	}
	assert.deepEqual(Object.keys(chunks), ['IHDR', 'IDAT', 'IEND']);
	const w = chunks.IHDR.readUInt32BE(0);
	const h = chunks.IHDR.readUInt32BE(4);
	assert.equal(inflateSync(chunks.IDAT).length, h * (1 + 3 * w));
});

test('test_demo_home_page_shows_publications', async () => {
	const res = await admin.get('/');
	assert.ok((res.body.match(/<article class="post/g) ?? []).length >= 5, 'publications on /');
	assert.match(res.body, /Bienvenue sur Bastide/);
	const search = await admin.json('/api/v1/search?q=croissants');
	assert.ok(search.items.length >= 1, 'the seed is in the search index');
});
