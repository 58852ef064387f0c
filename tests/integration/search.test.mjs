// Search over HTTP, page and API: one box over publications, comments,
// people and document names; exactly what each person may see (a secret
// group's publication stays invisible to a non-member and to a platform
// administrator even when the words match; nothing deleted; documents gone
// with the Documents application); accents; what a person types taken as
// plain words; refusals with a clear 400; snippets escaped with <mark>
// around the matches; cursor pagination.
//
// Content is created through the API where it exists (groups, profiles,
// publications, comments, documents, the application switch); a feature
// not there yet is seeded with the sqlite3 CLI into main.db while the
// server is stopped, as its service would write it (row and index row).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Bastide, activate, csrfOf, noticesOf } from './lib/bastide.mjs';

const b = new Bastide('search');
const PW = 'nine amber foxes leaping';
let demo;
const people = {}; // name -> {email, token, id, client}
const groups = {}; // kind -> {id, name}
const items = {};  // label -> id
const missing = new Set(); // features seeded through sqlite3
const seed = [];   // SQL run while the server is stopped
let nextSeedId = 900000;

const bearer = (token) => ({ headers: { Authorization: `Bearer ${token}` } });
const mainDb = () => join(b.data, 'platforms', 'demo', 'main.db');
const sqlQuote = (s) => `'${String(s).replace(/'/g, "''")}'`;

function sql(text) {
	const r = spawnSync('sqlite3', ['-bail', mainDb()], { input: text, encoding: 'utf8' });
	assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
	return r.stdout.trim();
}

// The route exists? (an absent route answers 404 not_found)
async function exists(token, method, path, body) {
	const c = b.client();
	const res = body === undefined ? await c.request(method, path, bearer(token))
		: await c.postJson(path, body, { ...bearer(token), method });
	return !(res.status === 404 && /nothing at this address/.test(res.body));
}

async function api(who, method, path, body) {
	const c = b.client();
	const res = body === undefined ? await c.request(method, path, bearer(people[who].token))
		: await c.postJson(path, body, { ...bearer(people[who].token), method });
	return res;
}

/* ---- content, through the API or seeded ---- */

async function publish(label, who, kind, body) {
	const group = kind ? groups[kind] : null;
	if (!missing.has('posts')) {
		const res = await api(who, 'POST', '/api/v1/posts',
				      group ? { body, group_id: group.id } : { body });
		assert.equal(res.status, 201, `publish ${label}: ${res.status} ${res.body}`);
		items[label] = res.json().id;
		return;
	}
	const id = nextSeedId++;
	items[label] = id;
	seed.push(`INSERT INTO posts (id, author_id, group_id, body, created_ms) VALUES (${id}, ` +
		  `${people[who].id}, ${group ? group.id : 'NULL'}, ${sqlQuote(body)}, ${b.now() + id});`,
		  `INSERT INTO search_index (kind, ref, title, body) VALUES ('post', ${id}, ` +
		  `${sqlQuote(group ? group.name : '')}, ${sqlQuote(body)});`);
}

async function comment(label, who, postLabel, body) {
	if (!missing.has('posts')) {
		const res = await api(who, 'POST', `/api/v1/posts/${items[postLabel]}/comments`, { body });
		assert.equal(res.status, 201, `comment ${label}: ${res.status} ${res.body}`);
		items[label] = res.json().id;
		return;
	}
	const id = nextSeedId++;
	items[label] = id;
	seed.push(`INSERT INTO comments (id, post_id, author_id, body, created_ms) VALUES (${id}, ` +
		  `${items[postLabel]}, ${people[who].id}, ${sqlQuote(body)}, ${b.now()});`,
		  `INSERT INTO search_index (kind, ref, title, body) VALUES ('comment', ${id}, '', ` +
		  `${sqlQuote(body)});`);
}

async function deletePost(label, who) {
	if (!missing.has('posts')) {
		const res = await api(who, 'DELETE', `/api/v1/posts/${items[label]}`);
		assert.ok(res.status === 204 || res.status === 200, `delete ${label}: ${res.status}`);
		return;
	}
	// the row stays (soft delete); the index row too: search must not rely on it
	seed.push(`UPDATE posts SET deleted_ms = ${b.now()}, deleted_by = ${people[who].id} ` +
		  `WHERE id = ${items[label]};`);
}

function multipart(fields, filename, content) {
	const boundary = `----bastide${randomBytes(8).toString('hex')}`;
	const parts = Object.entries(fields).map(([k, v]) =>
		`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
	parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
		   `filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n`);
	return { type: `multipart/form-data; boundary=${boundary}`,
		 body: Buffer.concat([Buffer.from(parts.join('')), Buffer.from(content),
				      Buffer.from(`\r\n--${boundary}--\r\n`)]) };
}

async function upload(label, who, kind, name) {
	const owner = kind ? 'group' : 'user';
	const ownerId = kind ? groups[kind].id : people[who].id;
	if (!missing.has('documents')) {
		const m = multipart({ owner, owner_id: ownerId, folder: '' }, name, `notes for ${label}\n`);
		const res = await b.client().request('POST', '/api/v1/documents', {
			headers: { Authorization: `Bearer ${people[who].token}`, 'Content-Type': m.type },
			body: m.body,
		});
		assert.equal(res.status, 201, `upload ${label}: ${res.status} ${res.body}`);
		items[label] = res.json().id;
		return;
	}
	const id = nextSeedId++;
	items[label] = id;
	seed.push(`INSERT INTO documents (id, owner, owner_id, name, created_by, created_ms, ` +
		  `updated_ms) VALUES (${id}, '${owner}', ${ownerId}, ${sqlQuote(name)}, ` +
		  `${people[who].id}, ${b.now()}, ${b.now()});`,
		  `INSERT INTO search_index (kind, ref, title, body) VALUES ('document', ${id}, ` +
		  `${sqlQuote(name)}, '');`);
}

async function profile(who, fields) {
	if (!missing.has('profiles')) {
		const res = await api(who, 'PATCH', `/api/v1/users/${people[who].id}`, fields);
		assert.equal(res.status, 200, `profile ${who}: ${res.status} ${res.body}`);
		return;
	}
	seed.push(`UPDATE users SET job_title = ${sqlQuote(fields.job_title)} WHERE id = ${people[who].id};`,
		  `INSERT INTO search_index (kind, ref, title, body) VALUES ('user', ${people[who].id}, ` +
		  `${sqlQuote(fields.name)}, ${sqlQuote(fields.job_title)});`);
}

async function setDocuments(on) {
	if (!missing.has('apps')) {
		const res = await api('admin', 'PATCH', '/api/v1/apps/documents', { enabled: on });
		assert.equal(res.status, 200, `apps: ${res.status} ${res.body}`);
		return;
	}
	await b.stop();
	sql(`UPDATE apps SET enabled = ${on ? 1 : 0} WHERE name = 'documents';`);
	await b.start();
	await signIn();
}

async function signIn() {
	for (const who of ['alice', 'bob', 'admin']) {
		const c = b.client();
		const res = await c.login(people[who].email, people[who].password);
		assert.equal(res.status, 303, `login ${who}: ${res.status} ${noticesOf(res.body)}`);
		people[who].client = c;
	}
}

before(async () => {
	demo = await b.initWithDemo();
	const links = {};
	for (const who of ['alice', 'bob'])
		links[who] = await b.createUser('demo', `${who}@demo.localhost`, { name: `${who} Searcher` });
	for (const who of ['alice', 'bob'])
		people[who] = { email: `${who}@demo.localhost`, password: PW,
				token: (await b.createToken('demo', `${who}@demo.localhost`, { scope: 'read-write' })).token };
	people.admin = { email: demo.email, password: demo.password,
			 token: (await b.createToken('demo', demo.email, { scope: 'read-write' })).token };
	people.bobRead = { token: (await b.createToken('demo', 'bob@demo.localhost', { scope: 'read' })).token };
	await b.start();
	for (const who of ['alice', 'bob'])
		await activate(b.client(), links[who], PW);
	for (const who of ['alice', 'bob', 'admin']) {
		const me = await api(who, 'GET', '/api/v1/me');
		assert.equal(me.status, 200);
		people[who].id = me.json().id;
	}
	// which features answer through the API today
	if (!(await exists(people.alice.token, 'GET', '/api/v1/posts')))
		missing.add('posts');
	if (!(await exists(people.alice.token, 'GET', '/api/v1/documents?owner=user')))
		missing.add('documents');
	if (!(await exists(people.alice.token, 'GET', `/api/v1/users/${people.alice.id}`)))
		missing.add('profiles');
	if (!(await exists(people.alice.token, 'GET', '/api/v1/apps')))
		missing.add('apps');
	if (missing.size)
		console.log(`# seeded through sqlite3: ${[...missing].join(', ')}`);

	// three groups of Alice's; Bob and the administrator are in none
	const suffix = randomBytes(3).toString('hex');
	for (const kind of ['open', 'private', 'secret']) {
		const name = `Search ${kind} ${suffix}`;
		const res = await api('alice', 'POST', '/api/v1/groups', { name, kind, description: '' });
		assert.equal(res.status, 201, `group ${kind}: ${res.status} ${res.body}`);
		groups[kind] = { id: res.json().id, name };
	}

	await publish('feed', 'alice', null, 'Zébulon mange une pomme');
	await publish('open', 'alice', 'open', 'Zébulon au jardin');
	await publish('private', 'alice', 'private', 'Zébulon budget confidentiel');
	await publish('secret', 'alice', 'secret', 'Zébulon projet Quetzalcoatl');
	await publish('gone', 'alice', null, 'Zébulon effacé');
	await publish('xss', 'bob', null, '<img src=x onerror=alert(1)> Hippogriffe <script>alert(2)</script>');
	for (let i = 0; i < 7; i++)
		await publish(`orni${i}`, 'bob', null, `Ornithorynque numéro ${i}`);
	await comment('feed-comment', 'bob', 'feed', 'Bravo Zébulon');
	await comment('secret-comment', 'alice', 'secret', 'Quetzalcoatl avance bien');
	await deletePost('gone', 'alice');
	await upload('doc-open', 'alice', 'open', 'zebulon-plan.txt');
	await upload('doc-secret', 'alice', 'secret', 'quetzalcoatl-secret.txt');
	await upload('doc-alice', 'alice', null, 'zebulon-perso.txt');
	await profile('alice', { name: 'alice Searcher', job_title: 'Dresseuse de Zébulon' });

	if (seed.length) {
		await b.stop();
		sql(`BEGIN;\n${seed.join('\n')}\nCOMMIT;`);
		await b.start();
	}
	await signIn();
});

after(async () => {
	await b.dispose();
});

/* ---- helpers on answers ---- */

async function apiSearch(who, query) {
	const res = await b.client().get(`/api/v1/search?${new URLSearchParams(query)}`,
					 bearer(people[who].token));
	return res;
}

// "kind:id" of every item of one API answer.
const keysOf = (res) => res.json().items.map((i) => `${i.kind}:${i.id}`);
const key = (kind, label) => `${kind}:${items[label]}`;
// The hrefs of the result titles of a search page.
const hrefsOf = (html) => [...html.matchAll(/<h3 class="search-title"><a href="([^"]+)"/g)].map((m) => m[1]);

/* ---- the page ---- */

test('GET /search: a search box, labelled, in a search landmark, one h1', async () => {
	const res = await people.bob.client.get('/search');
	assert.equal(res.status, 200);
	assert.match(res.body, /<form method="get" action="\/search" role="search"/);
	assert.match(res.body, /<label for="f-q">[^<]+<\/label><input type="search" id="f-q" name="q"/);
	assert.match(res.body, /<label for="f-kind">/);
	assert.equal((res.body.match(/<h1[ >]/g) ?? []).length, 1);
	assert.doesNotMatch(res.body, /search-results/);
});

test('anonymous visitors are sent to sign in; the API answers 401', async () => {
	const page = await b.client().get('/search?q=zebulon');
	assert.equal(page.status, 303);
	assert.match(page.location, /^\/login/);
	const res = await b.client().get('/api/v1/search?q=zebulon');
	assert.equal(res.status, 401);
});

test('the page lists what Alice may see, labelled, linked to each object, with marked snippets', async () => {
	const res = await people.alice.client.get('/search?q=zebulon');
	assert.equal(res.status, 200);
	const hrefs = hrefsOf(res.body);
	for (const label of ['feed', 'open', 'private', 'secret'])
		assert.ok(hrefs.includes(`/posts/${items[label]}`), `${label} missing from ${hrefs}`);
	assert.ok(hrefs.includes(`/posts/${items.feed}#comment-${items['feed-comment']}`));
	assert.ok(hrefs.includes(`/documents/${items['doc-open']}`));
	assert.ok(hrefs.includes(`/documents/${items['doc-alice']}`));
	assert.ok(hrefs.includes(`/people/${people.alice.id}`));
	assert.ok(!hrefs.includes(`/posts/${items.gone}`), 'a deleted publication was found');
	assert.match(res.body, /<span class="search-kind">Publication<\/span>/);
	assert.match(res.body, /<span class="search-kind">Comment<\/span>/);
	assert.match(res.body, /<span class="search-kind">Document<\/span>/);
	assert.match(res.body, /<span class="search-kind">Person<\/span>/);
	assert.match(res.body, /<mark>Zébulon<\/mark>/);
	// the query stays in the box
	assert.match(res.body, /name="q" value="zebulon"/);
});

test('a secret group publication is invisible to a non-member even when the words match: page and API', async () => {
	for (const who of ['bob', 'admin']) {
		const page = await people[who].client.get('/search?q=quetzalcoatl');
		assert.equal(page.status, 200);
		assert.deepEqual(hrefsOf(page.body), [], `${who} found ${hrefsOf(page.body)}`);
		assert.doesNotMatch(page.body, /Quetzalcoatl|quetzalcoatl-secret|projet/);
		const res = await apiSearch(who, { q: 'quetzalcoatl' });
		assert.equal(res.status, 200);
		assert.deepEqual(res.json().items, []);
		// nor by the group's name, which publications carry as title
		const byName = await apiSearch(who, { q: groups.secret.name });
		assert.deepEqual(keysOf(byName), []);
	}
	const res = await apiSearch('alice', { q: 'quetzalcoatl' });
	assert.deepEqual(new Set(keysOf(res)), new Set([key('post', 'secret'), key('comment', 'secret-comment'),
							key('document', 'doc-secret')]));
});

test('Bob sees the platform feed and the open group, not the private group nor anyone\'s personal documents', async () => {
	const res = await apiSearch('bob', { q: 'zebulon' });
	assert.equal(res.status, 200);
	const keys = new Set(keysOf(res));
	for (const k of [key('post', 'feed'), key('post', 'open'), key('comment', 'feed-comment'),
			 key('document', 'doc-open'), `user:${people.alice.id}`])
		assert.ok(keys.has(k), `missing ${k} in ${[...keys]}`);
	for (const k of [key('post', 'private'), key('post', 'secret'), key('post', 'gone'),
			 key('document', 'doc-alice')])
		assert.ok(!keys.has(k), `${k} must not be found`);
	// a read-only token searches as well
	const ro = await b.client().get('/api/v1/search?q=zebulon', bearer(people.bobRead.token));
	assert.equal(ro.status, 200);
	assert.deepEqual(new Set(keysOf(ro)), keys);
});

test('eleve finds Élève: accents and case do not matter', async () => {
	const a = await apiSearch('alice', { q: 'ZEBULON', kind: 'post' });
	const b2 = await apiSearch('alice', { q: 'zébulon', kind: 'post' });
	assert.deepEqual(keysOf(a), keysOf(b2));
	assert.ok(keysOf(a).includes(key('post', 'feed')));
});

test('API items: kind, id, url, name, plain and HTML snippets, date, group', async () => {
	const res = await apiSearch('alice', { q: 'jardin' });
	assert.equal(res.status, 200);
	const [item] = res.json().items;
	assert.equal(item.kind, 'post');
	assert.equal(item.id, items.open);
	assert.equal(item.url, `/posts/${items.open}`);
	assert.equal(item.post_id, items.open);
	assert.equal(item.name, 'alice Searcher');
	assert.deepEqual(item.group, { id: groups.open.id, name: groups.open.name });
	assert.match(item.snippet, /Zébulon au jardin/);
	assert.match(item.snippet_html, /<mark>jardin<\/mark>/);
	assert.match(item.date, /^\d{4}-\d\d-\d\dT/);
	assert.equal(res.json().next_cursor, null);
});

test('index text is escaped on the page and in snippet_html; only <mark> is markup', async () => {
	const page = await people.bob.client.get('/search?q=hippogriffe');
	assert.equal(page.status, 200);
	assert.doesNotMatch(page.body, /<img src=x|<script>alert/);
	assert.match(page.body, /&lt;img src=x onerror=alert\(1\)&gt; <mark>Hippogriffe<\/mark> &lt;script&gt;/);
	const res = await apiSearch('bob', { q: 'hippogriffe' });
	const [item] = res.json().items;
	assert.equal(item.snippet_html,
		     '&lt;img src=x onerror=alert(1)&gt; <mark>Hippogriffe</mark> &lt;script&gt;alert(2)&lt;/script&gt;');
	assert.equal(item.snippet, '<img src=x onerror=alert(1)> Hippogriffe <script>alert(2)</script>');
});

test('what people type is plain words: FTS5 syntax is neither an error nor an operator', async () => {
	for (const q of ['"', 'zebulon"', 'zebulon OR quetzalcoatl', 'NOT zebulon', 'title:zebulon',
			 'zebulon*', '(zebulon', 'NEAR(zebulon jardin)', '^zebulon', '{title}: x', '-', "l'élève"]) {
		const res = await apiSearch('bob', { q });
		assert.equal(res.status, 200, `${q}: ${res.status} ${res.body}`);
		const page = await people.bob.client.get(`/search?q=${encodeURIComponent(q)}`);
		assert.equal(page.status, 200, `page ${q}: ${page.status}`);
	}
	// OR is a word: nothing holds zebulon, "or" and quetzalcoatl
	assert.deepEqual(keysOf(await apiSearch('alice', { q: 'zebulon OR quetzalcoatl' })), []);
});

test('empty, blank and over-long queries are refused with a clear 400, page and API', async () => {
	for (const q of ['', '   ']) {
		const res = await apiSearch('bob', { q });
		assert.equal(res.status, 400);
		assert.equal(res.json().error.code, 'query_empty');
		const page = await people.bob.client.get(`/search?q=${encodeURIComponent(q)}`);
		assert.equal(page.status, 400);
		assert.ok(noticesOf(page.body).some((n) => /Type one or more words/.test(n)), noticesOf(page.body));
	}
	const missingQ = await b.client().get('/api/v1/search', bearer(people.bob.token));
	assert.equal(missingQ.status, 400);
	assert.equal(missingQ.json().error.code, 'query_empty');
	const long = 'a'.repeat(201);
	const res = await apiSearch('bob', { q: long });
	assert.equal(res.status, 400);
	assert.equal(res.json().error.code, 'query_too_long');
	const page = await people.bob.client.get(`/search?q=${long}`);
	assert.equal(page.status, 400);
	assert.ok(noticesOf(page.body).some((n) => /at most 20 words and 200 characters/.test(n)));
	assert.equal((await apiSearch('bob', { q: 'a'.repeat(200) })).status, 200);
	const many = await apiSearch('bob', { q: Array(21).fill('mot').join(' ') });
	assert.equal(many.status, 400);
	assert.equal(many.json().error.code, 'query_too_long');
	const kind = await apiSearch('bob', { q: 'zebulon', kind: 'group' });
	assert.equal(kind.status, 400);
	assert.equal(kind.json().error.code, 'kind_invalid');
	for (const cursor of ['-1', 'x', '1001']) {
		const bad = await apiSearch('bob', { q: 'zebulon', cursor });
		assert.equal(bad.status, 400, `cursor ${cursor}`);
		assert.equal(bad.json().error.code, 'bad_cursor');
	}
});

test('kind keeps one kind', async () => {
	const res = await apiSearch('bob', { q: 'zebulon', kind: 'user' });
	assert.deepEqual(keysOf(res), [`user:${people.alice.id}`]);
	assert.equal(res.json().items[0].job_title, 'Dresseuse de Zébulon');
	const page = await people.bob.client.get('/search?q=zebulon&kind=comment');
	assert.deepEqual(hrefsOf(page.body), [`/posts/${items.feed}#comment-${items['feed-comment']}`]);
	assert.match(page.body, /<option value="comment" selected>/);
});

test('cursor pagination: every hit once, newest first among equals; the page links to the next', async () => {
	const seen = [];
	let cursor = null;
	let pages = 0;
	do {
		const query = { q: 'ornithorynque', limit: '3' };
		if (cursor)
			query.cursor = cursor;
		const res = await apiSearch('bob', query);
		assert.equal(res.status, 200);
		seen.push(...keysOf(res));
		cursor = res.json().next_cursor;
		pages++;
	} while (cursor && pages < 10);
	assert.equal(pages, 3);
	const want = [6, 5, 4, 3, 2, 1, 0].map((i) => key('post', `orni${i}`));
	assert.deepEqual(new Set(seen), new Set(want));
	assert.equal(seen.length, 7);
	const page = await people.bob.client.get('/search?q=ornithorynque');
	assert.equal(hrefsOf(page.body).length, 7);
	const rest = await people.bob.client.get('/search?q=ornithorynque&cursor=5');
	assert.equal(hrefsOf(rest.body).length, 2);
	assert.match(rest.body, /href="\/search\?q=ornithorynque"[^>]*>First results/);
});

test('with the Documents application off, no document is found and the filter is gone', async () => {
	await setDocuments(false);
	try {
		const res = await apiSearch('alice', { q: 'zebulon' });
		assert.equal(res.status, 200);
		assert.ok(!keysOf(res).some((k) => k.startsWith('document:')), keysOf(res).join(' '));
		assert.ok(keysOf(res).includes(key('post', 'feed')));
		const docs = await apiSearch('alice', { q: 'zebulon', kind: 'document' });
		assert.deepEqual(keysOf(docs), []);
		const page = await people.alice.client.get('/search?q=zebulon');
		assert.ok(!hrefsOf(page.body).some((h) => h.startsWith('/documents/')));
		assert.doesNotMatch(page.body, /<option value="document"/);
	} finally {
		await setDocuments(true);
	}
	const back = await apiSearch('alice', { q: 'zebulon', kind: 'document' });
	assert.deepEqual(new Set(keysOf(back)), new Set([key('document', 'doc-open'), key('document', 'doc-alice')]));
});
