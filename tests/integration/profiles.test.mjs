// Profiles and the people directory over HTTP: the directory's search,
// filters and cursor; editing one's own profile (and only one's own, unless
// a platform administrator), with Markdown rendered safely and Unicode
// tricks refused; avatars typed by their content, bounded in bytes and
// pixels, served with their real type, an entity tag and nosniff, stored
// encrypted; the same through /api/v1/users; nothing across platforms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bastide, activate, csrfOf, formOf, noticesOf } from './lib/bastide.mjs';

const b = new Bastide('profiles');
const PW = 'seven amber lanterns glow softly';
let demo;
let admin; // Client signed in as the demo administrator
let alice; // Client of a member
let bob; // Client of another member
const ids = {};
let aliceToken;
let adminToken;
let acme;

const bearer = (token) => ({ headers: { Authorization: `Bearer ${token}` } });

/* ---- images ---- */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++)
		c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(buf) {
	let c = 0xffffffff;
	for (const x of buf)
		c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
}

// A valid w x h grey PNG with a tEXt chunk holding marker.
async function png(w, h, marker = 'x') {
	const { deflateSync } = await import('node:zlib');
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
	const raw = Buffer.alloc((w + 1) * h, 0x80);
	for (let y = 0; y < h; y++)
		raw[y * (w + 1)] = 0;
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('tEXt', Buffer.from(`Comment\0${marker}`, 'latin1')),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

// A multipart/form-data body: the csrf field first (the upload streams).
function multipart(csrf, file) {
	const boundary = `----bastide${Math.random().toString(16).slice(2)}`;
	const body = Buffer.concat([
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n`),
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'avatar'}"; ` +
			    `filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`),
		file.data,
		Buffer.from(`\r\n--${boundary}--\r\n`),
	]);
	return { body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } };
}

async function uploadAvatar(client, id, file) {
	const page = await client.get(`/people/${id}/edit`);
	assert.equal(page.status, 200, `GET /people/${id}/edit: ${page.status}`);
	const csrf = csrfOf(page.body);
	return client.request('POST', `/people/${id}/avatar`, multipart(csrf, file));
}

function blobsContain(marker) {
	const dir = join(b.data, 'platforms', 'demo', 'blobs');
	let names = [];
	try {
		names = readdirSync(dir);
	} catch {
		return false;
	}
	return names.some((n) => readFileSync(join(dir, n)).includes(Buffer.from(marker)));
}

async function member(email, name) {
	const link = await b.createUser('demo', email, { name });
	const c = b.client();
	await activate(c, link, PW);
	const res = await c.login(email, PW);
	assert.equal(res.status, 303, `sign-in of ${email}`);
	const me = await c.get('/api/v1/me');
	ids[email] = me.json().id;
	return c;
}

async function editProfile(client, id, fields) {
	const page = await client.get(`/people/${id}/edit`);
	assert.equal(page.status, 200);
	const form = formOf(page.body, `/people/${id}/edit`);
	assert.ok(form, 'no profile form');
	return client.post(`/people/${id}/edit`, { ...form.fields, ...fields });
}

before(async () => {
	demo = await b.initWithDemo();
	acme = await b.createPlatform('acme');
	await b.start();
	admin = b.client();
	assert.equal((await admin.login(demo.email, demo.password)).status, 303);
	ids.admin = (await admin.get('/api/v1/me')).json().id;
	alice = await member('alice@demo.localhost', 'Alice Martin');
	bob = await member('bob@demo.localhost', 'Bob Durand');
	aliceToken = (await b.createToken('demo', 'alice@demo.localhost', { scope: 'read-write' })).token;
	adminToken = (await b.createToken('demo', demo.email, { scope: 'read-write' })).token;
});

after(async () => {
	await b.dispose();
});

test('anonymous visitors are sent to sign in; the API answers 401', async () => {
	const page = await b.client().get('/people');
	assert.equal(page.status, 303);
	assert.match(page.location, /^\/login\?next=%2Fpeople/);
	assert.equal((await b.client().get(`/people/${ids.admin}/avatar`)).status, 303);
	assert.equal((await b.client().get(`/api/v1/users/${ids.admin}`)).status, 401);
});

test('a member edits their own profile; the page shows it, the biography as safe Markdown', async () => {
	const id = ids['alice@demo.localhost'];
	const res = await editProfile(alice, id, {
		job_title: 'Cheffe de projet',
		department: 'Informatique',
		location: 'Lyon',
		phone: '+33 4 72 00 00 00',
		bio: 'I like **bold** things.\n\n<script>alert(1)</script> [x](javascript:alert(1))',
		notify_mail: 'digest',
	});
	assert.equal(res.status, 303, noticesOf(res.body).join(' '));
	assert.equal(res.location, `/people/${id}?notice=saved`);
	const page = await bob.get(`/people/${id}`);
	assert.equal(page.status, 200);
	assert.match(page.body, /<h1>Alice Martin<\/h1>/);
	assert.match(page.body, /Cheffe de projet/);
	assert.match(page.body, /href="\/people\?department=Informatique"/);
	assert.match(page.body, /href="tel:\+33472000000"/);
	assert.match(page.body, /<strong>bold<\/strong>/);
	assert.doesNotMatch(page.body, /<script>alert/);
	assert.doesNotMatch(page.body, /href="javascript:/i);
	// the mail preference is the person's own business
	assert.doesNotMatch(page.body, /digest/);
	const edit = await alice.get(`/people/${id}/edit`);
	assert.match(edit.body, /value="digest" checked/);
});

test('a member may not edit someone else\'s profile; a platform administrator may', async () => {
	const id = ids['alice@demo.localhost'];
	assert.equal((await bob.get(`/people/${id}/edit`)).status, 403);
	const page = await bob.get(`/people/${ids['bob@demo.localhost']}/edit`);
	const forged = await bob.post(`/people/${id}/edit`, {
		csrf: csrfOf(page.body), action: 'profile', name: 'Pwned',
	});
	assert.equal(forged.status, 403);
	assert.doesNotMatch((await bob.get(`/people/${id}`)).body, /Pwned/);
	assert.doesNotMatch((await bob.get(`/people/${id}`)).body, /Edit this profile/);
	const res = await editProfile(admin, id, { location: 'Paris' });
	assert.equal(res.status, 303);
	assert.match((await bob.get(`/people/${id}`)).body, /Paris/);
	assert.match((await admin.get(`/people/${id}`)).body, /Edit this profile/);
});

test('names with a right-to-left override or a zero-width space are refused, and nothing changes', async () => {
	const id = ids['bob@demo.localhost'];
	for (const name of ['Bob\u202Enimda', 'Ad\u200Bmin', '   ']) {
		const res = await editProfile(bob, id, { name, job_title: 'Changed' });
		assert.equal(res.status, 400, JSON.stringify(name));
		assert.match(noticesOf(res.body).join(' '), /name/i);
		assert.match(res.body, /aria-invalid="true"/);
	}
	const page = await bob.get(`/people/${id}`);
	assert.match(page.body, /<h1>Bob Durand<\/h1>/);
	assert.doesNotMatch(page.body, /Changed/);
});

test('the directory searches by name, e-mail and job title and filters by department and location', async () => {
	const all = await bob.get('/people');
	assert.equal(all.status, 200);
	for (const name of ['Alice Martin', 'Bob Durand', 'Demo Administrator'])
		assert.match(all.body, new RegExp(name));
	assert.match(all.body, /<th scope="col">/);
	assert.match(all.body, /class="table-wrap" role="region" tabindex="0"/);
	assert.match(all.body, /<option value="Informatique">Informatique<\/option>/);
	// (names as links of the table: the header names the signed-in person too)
	const byTitle = await bob.get('/people?q=cheffe');
	assert.match(byTitle.body, />Alice Martin<\/a>/);
	assert.doesNotMatch(byTitle.body, />Bob Durand<\/a>/);
	const byMail = await bob.get('/people?q=bob%40demo');
	assert.match(byMail.body, />Bob Durand<\/a>/);
	assert.doesNotMatch(byMail.body, />Alice Martin<\/a>/);
	const byDept = await bob.get('/people?department=Informatique&location=Paris');
	assert.match(byDept.body, />Alice Martin<\/a>/);
	assert.doesNotMatch(byDept.body, />Bob Durand<\/a>/);
	const none = await bob.get('/people?location=Nowhere');
	assert.match(none.body, /Nobody matches this search/);
	assert.equal((await bob.get('/people?after=x')).status, 400);
});

test('an avatar upload round-trips byte for byte, with its real type, an ETag and nosniff; the blob holds no plaintext', async () => {
	const id = ids['alice@demo.localhost'];
	const data = await png(64, 48, 'PLAINTEXT-MARKER-avatar');
	const res = await uploadAvatar(alice, id, { name: 'me.jpg', type: 'image/jpeg', data });
	assert.equal(res.status, 303, res.body);
	assert.equal(res.location, `/people/${id}/edit?notice=saved`);
	assert.equal(blobsContain('PLAINTEXT-MARKER-avatar'), false);
	const got = await bob.request('GET', `/people/${id}/avatar`, { headers: {} });
	assert.equal(got.status, 200);
	assert.equal(got.headers['content-type'], 'image/png');
	assert.equal(got.headers['x-content-type-options'], 'nosniff');
	const etag = got.headers.etag;
	assert.match(etag, /^"[0-9a-f]{32}"$/);
	const raw = await new Promise((resolve, reject) => {
		import('node:http').then(({ default: http }) => {
			const req = http.request({ host: '127.0.0.1', port: b.port, path: `/people/${id}/avatar`,
						   headers: { Host: `demo.localhost:${b.port}`, Cookie: bob.cookieHeader() } },
			(r) => {
				const chunks = [];
				r.on('data', (c) => chunks.push(c));
				r.on('end', () => resolve(Buffer.concat(chunks)));
			});
			req.on('error', reject);
			req.end();
		});
	});
	assert.ok(raw.equals(data), 'the served picture differs from the upload');
	const again = await bob.get(`/people/${id}/avatar`, { headers: { 'If-None-Match': etag } });
	assert.equal(again.status, 304);
	const profile = await bob.get(`/people/${id}`);
	assert.match(profile.body, new RegExp(`<img class="avatar" src="/people/${id}/avatar\\?v=\\d+" alt=""`));
	// a person without a picture has none
	assert.equal((await bob.get(`/people/${ids['bob@demo.localhost']}/avatar`)).status, 404);
});

test('avatars are typed by content and bounded: SVG, text, too small, too large are refused and change nothing', async () => {
	const id = ids['bob@demo.localhost'];
	const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script></svg>');
	let res = await uploadAvatar(bob, id, { name: 'a.png', type: 'image/png', data: svg });
	assert.equal(res.status, 415);
	res = await uploadAvatar(bob, id, { name: 'a.png', type: 'image/png', data: Buffer.from('hello') });
	assert.equal(res.status, 415);
	res = await uploadAvatar(bob, id, { name: 'a.png', type: 'image/png', data: await png(8, 8) });
	assert.equal(res.status, 400);
	assert.match(res.body, /16 × 16 and 1024 × 1024/);
	res = await uploadAvatar(bob, id, { name: 'a.png', type: 'image/png', data: await png(2000, 16) });
	assert.equal(res.status, 400);
	const huge = Buffer.concat([await png(64, 64), Buffer.alloc(3 * 1024 * 1024, 1)]);
	res = await uploadAvatar(bob, id, { name: 'a.png', type: 'image/png', data: huge });
	assert.equal(res.status, 413);
	assert.equal((await bob.get(`/people/${id}/avatar`)).status, 404);
});

test('someone else\'s picture cannot be replaced or removed', async () => {
	const id = ids['alice@demo.localhost'];
	const page = await bob.get(`/people/${ids['bob@demo.localhost']}/edit`);
	const csrf = csrfOf(page.body);
	const res = await bob.request('POST', `/people/${id}/avatar`,
				      multipart(csrf, { name: 'x.png', type: 'image/png', data: await png(32, 32) }));
	assert.equal(res.status, 403);
	const del = await bob.post(`/people/${id}/edit`, { csrf, action: 'avatar-delete' });
	assert.equal(del.status, 403);
	assert.equal((await bob.get(`/people/${id}/avatar`)).status, 200);
});

test('the owner removes their picture: the blob goes', async () => {
	const id = ids['alice@demo.localhost'];
	const page = await alice.get(`/people/${id}/edit`);
	const form = formOf(page.body.slice(page.body.indexOf('avatar-delete') - 400), `/people/${id}/edit`);
	const res = await alice.post(`/people/${id}/edit`, { csrf: form.fields.csrf, action: 'avatar-delete' });
	assert.equal(res.status, 303);
	assert.equal((await bob.get(`/people/${id}/avatar`)).status, 404);
	const dir = join(b.data, 'platforms', 'demo', 'blobs');
	assert.deepEqual(readdirSync(dir).filter((n) => !n.startsWith('.')), []);
});

test('GET /api/v1/users/{id} shows a profile; PATCH changes one\'s own and refuses unknown or invalid fields', async () => {
	const id = ids['alice@demo.localhost'];
	const got = await b.client().get(`/api/v1/users/${ids['bob@demo.localhost']}`, bearer(aliceToken));
	assert.equal(got.status, 200);
	assert.equal(got.json().name, 'Bob Durand');
	assert.equal(got.json().notify_mail, undefined, 'another person\'s preference leaked');
	assert.equal(got.json().avatar_url, null);
	const res = await b.client().postJson(`/api/v1/users/${id}`, { job_title: 'Architecte', notify_mail: 'off' },
					      { method: 'PATCH', ...bearer(aliceToken) });
	assert.equal(res.status, 200, res.body);
	assert.equal(res.json().job_title, 'Architecte');
	assert.equal(res.json().notify_mail, 'off');
	const unknown = await b.client().postJson(`/api/v1/users/${id}`, { role: 'admin' },
						  { method: 'PATCH', ...bearer(aliceToken) });
	assert.equal(unknown.status, 400);
	assert.equal(unknown.json().error.code, 'bad_field');
	const bad = await b.client().postJson(`/api/v1/users/${id}`, { name: 'x\u202Ey' },
					      { method: 'PATCH', ...bearer(aliceToken) });
	assert.equal(bad.status, 400);
	assert.equal(bad.json().error.code, 'name_invalid');
	assert.equal(bad.json().error.field, 'name');
	const other = await b.client().postJson(`/api/v1/users/${ids['bob@demo.localhost']}`, { job_title: 'x' },
						{ method: 'PATCH', ...bearer(aliceToken) });
	assert.equal(other.status, 403);
	assert.equal((await b.client().get('/api/v1/users/999999', bearer(aliceToken))).status, 404);
	assert.equal((await b.client().get('/api/v1/users/abc', bearer(aliceToken))).status, 404);
});

test('GET /api/v1/users filters by department and location', async () => {
	const res = await b.client().get('/api/v1/users?department=Informatique&limit=1', bearer(adminToken));
	assert.equal(res.status, 200, res.body);
	const body = res.json();
	assert.deepEqual(body.items.map((u) => u.name), ['Alice Martin']);
	assert.equal(body.next_cursor, null);
	const page1 = await b.client().get('/api/v1/users?location=Paris&limit=1', bearer(adminToken));
	assert.equal(page1.json().items.length, 1);
	const none = await b.client().get('/api/v1/users?location=Nowhere', bearer(adminToken));
	assert.deepEqual(none.json().items, []);
});

test('people of another platform are not reachable by id', async () => {
	const link = acme.link;
	const c = b.client('acme.localhost');
	await activate(c, link, PW);
	// the acme administrator must enrol a second factor before anything else
	const id = ids['alice@demo.localhost'];
	const res = await b.client('acme.localhost').get(`/api/v1/users/${id}`, bearer(aliceToken));
	assert.equal(res.status, 401);
});
