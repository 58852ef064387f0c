// The document base over HTTP, pages and API: streamed uploads decrypted
// byte for byte on download (small, over 1 MiB, across chunk boundaries),
// no plaintext in the blob store, a tampered blob cut off, an interrupted
// or oversized upload leaving neither row nor file, typing by content,
// refused names and duplicates, versions, rename/move/delete/restore with
// their audit events, the privacy of personal spaces, group libraries, and
// the Documents switch answering 404 everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { Bastide, activate, csrfOf, noticesOf } from './lib/bastide.mjs';

const b = new Bastide('documents');
const PW = 'eleven grey owls reading maps';
const CHUNK = 64 * 1024; // BST_BLOB_CHUNK
const FILE_MAX = 100 * 1000 * 1000; // BST_DOC_FILE_MAX
let demo;
let admin; // signed-in client of the demo administrator
let bob; // signed-in client of an ordinary member
let adminToken;
let bobToken;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const bearer = (token) => ({ headers: { Authorization: `Bearer ${token}` } });

before(async () => {
	demo = await b.initWithDemo();
	const link = await b.createUser('demo', 'bob@demo.localhost', { name: 'Bob Example' });
	adminToken = (await b.createToken('demo', demo.email, { scope: 'read-write' })).token;
	bobToken = (await b.createToken('demo', 'bob@demo.localhost', { scope: 'read-write' })).token;
	await b.start();
	await activate(b.client(), link, PW);
	admin = b.client();
	assert.equal((await admin.login(demo.email, demo.password)).status, 303);
	bob = b.client();
	assert.equal((await bob.login('bob@demo.localhost', PW)).status, 303);
});

after(async () => {
	await b.dispose();
});

/* ---- helpers ---- */

const blobsDir = () => join(b.data, 'platforms', 'demo', 'blobs');
const mainDb = () => join(b.data, 'platforms', 'demo', 'main.db');

function sql(db, query) {
	return execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
}

function blobFiles() {
	return existsSync(blobsDir()) ? readdirSync(blobsDir()) : [];
}

function documentCount() {
	return Number(sql(mainDb(), 'SELECT count(*) FROM documents'));
}

// A multipart/form-data body: text fields in order, then the file part.
function multipart(fields, file) {
	const boundary = `----bastide${randomBytes(8).toString('hex')}`;
	const head = [];
	for (const [k, v] of Object.entries(fields))
		head.push(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
	if (file)
		head.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\n` +
			  `Content-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`);
	const tail = file ? `\r\n--${boundary}--\r\n` : `--${boundary}--\r\n`;
	return { contentType: `multipart/form-data; boundary=${boundary}`, head: Buffer.from(head.join('')),
		 tail: Buffer.from(tail) };
}

// A raw request whose body is written piece by piece (pieces: Buffers, or a
// function returning the next Buffer or null). abortAfter: destroy the
// socket after that many bytes instead of finishing. Resolves to
// {status, headers, body: Buffer, error}.
function rawRequest(client, method, path, { headers = {}, pieces = [], length, abortAfter,
					    onAbort } = {}) {
	return new Promise((resolve) => {
		const h = { Host: client.host, 'Accept-Language': 'en', ...headers };
		if (client.jar.size && !h.Authorization)
			h.Cookie = client.cookieHeader();
		if (length !== undefined)
			h['Content-Length'] = length;
		const req = http.request({ host: '127.0.0.1', port: client.port, method, path, headers: h,
					   agent: false, setHost: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('error', (error) => resolve({ status: res.statusCode, headers: res.headers,
							      body: Buffer.concat(chunks), error }));
			res.on('close', () => resolve({ status: res.statusCode, headers: res.headers,
							 body: Buffer.concat(chunks),
							 error: res.complete ? null : new Error('incomplete') }));
		});
		req.on('error', (error) => resolve({ status: 0, error, body: Buffer.alloc(0) }));
		(async () => {
			let sent = 0;
			const next = typeof pieces === 'function' ? pieces : (() => {
				let i = 0;
				return () => (i < pieces.length ? pieces[i++] : null);
			})();
			for (let p = next(); p; p = next()) {
				if (!req.write(p))
					await new Promise((r) => req.once('drain', r));
				sent += p.length;
				if (abortAfter !== undefined && sent >= abortAfter) {
					if (onAbort)
						await onAbort();
					req.destroy();
					resolve({ status: 0, aborted: true, body: Buffer.alloc(0) });
					return;
				}
			}
			req.end();
		})();
	});
}

// Uploads content (Buffer) through the page (session + csrf field) or the
// API (bearer token); fields add to or override owner/owner_id/folder.
async function upload(who, filename, content, { fields = {}, api = false, token } = {}) {
	const client = who;
	let csrf = {};
	if (!api)
		csrf = { csrf: csrfOf((await client.get('/me/documents')).body) };
	const m = multipart({ ...csrf, owner: 'user', owner_id: '', folder: '', ...fields },
			    { filename });
	const body = Buffer.concat([m.head, content, m.tail]);
	const headers = { 'Content-Type': m.contentType };
	if (api)
		headers.Authorization = `Bearer ${token}`;
	return rawRequest(client, 'POST', api ? '/api/v1/documents' : '/documents/upload',
			  { headers, pieces: splitInto(body, 7919), length: body.length });
}

function splitInto(buf, size) {
	const out = [];
	for (let i = 0; i < buf.length; i += size)
		out.push(buf.subarray(i, i + size));
	return out;
}

function docIdOf(res) {
	const m = /^\/documents\/(\d+)\?notice=/.exec(res.headers?.location ?? '');
	assert.ok(m, `no redirect to a document: ${res.status} ${res.body?.toString().slice(0, 500)}`);
	return Number(m[1]);
}

function download(client, path, opts = {}) {
	return rawRequest(client, 'GET', path, opts);
}

async function pageUpload(filename, content, fields) {
	const res = await upload(admin, filename, content, { fields });
	assert.equal(res.status, 303, `upload ${filename}: ${res.status} ${res.body.toString().slice(0, 300)}`);
	return docIdOf(res);
}

function pattern(len, seed) {
	const out = Buffer.alloc(len);
	for (let i = 0; i < len; i++)
		out[i] = (i * 31 + seed + (i >> 11)) & 0xff;
	return out;
}

async function waitFor(what, check, timeoutMs = 10000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await check())
			return;
		if (Date.now() > deadline)
			assert.fail(`timed out waiting for ${what}`);
		await sleep(25);
	}
}

function events(prefix) {
	return sql(join(b.data, 'platforms', 'demo', 'audit.db'),
		   `SELECT event || ' ' || target FROM events WHERE event LIKE '${prefix}%' ORDER BY id`)
		.split('\n').filter(Boolean);
}

/* ---- tests ---- */

test('upload then download is byte-identical: small, over 1 MiB, and across chunk boundaries', async () => {
	const sizes = [0, 1, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7, (1 << 20) + 12345];
	for (const [i, size] of sizes.entries()) {
		const content = i % 2 ? pattern(size, i) : randomBytes(size);
		const id = await pageUpload(`round-trip-${i}.bin`, content);
		const res = await download(admin, `/documents/${id}/download`);
		assert.equal(res.status, 200);
		assert.equal(res.error, null, `download of ${size} bytes: ${res.error}`);
		assert.equal(Number(res.headers['content-length']), size);
		assert.ok(res.body.equals(content), `${size} bytes differ after the round trip`);
		assert.equal(res.headers['x-content-type-options'], 'nosniff');
		assert.match(res.headers['content-disposition'], new RegExp(`^attachment; filename="round-trip-${i}\\.bin"; filename\\*=UTF-8''round-trip-${i}\\.bin$`));
		assert.match(res.headers['cache-control'], /no-store/);
	}
	// the page shows it with its version
	const page = await admin.get('/me/documents');
	assert.match(page.body, /round-trip-7\.bin/);
});

test('the blob store holds no plaintext: a marker uploaded is nowhere in blobs/', async () => {
	const marker = 'PLAINTEXT-MARKER-4c1d9e-do-not-store';
	const content = Buffer.from(`${marker}\n`.repeat(5000));
	const id = await pageUpload('marker.txt', content);
	const files = blobFiles();
	assert.ok(files.length > 0);
	for (const f of files) {
		const data = readFileSync(join(blobsDir(), f));
		assert.equal(data.indexOf(marker), -1, `${f} holds the plaintext marker`);
		assert.equal(data.indexOf('PLAINTEXT-MARKER'), -1);
	}
	const back = await download(admin, `/documents/${id}/download`);
	assert.ok(back.body.equals(content));
});

test('a tampered blob fails to decrypt: the download is cut and the log says why', async () => {
	const content = pattern(3 * CHUNK + 100, 9);
	const id = await pageUpload('tamper.bin', content);
	const name = sql(mainDb(), `SELECT b.name FROM blobs b JOIN document_versions v ON v.blob_id = b.id WHERE v.document_id = ${id}`);
	const file = join(blobsDir(), name);
	const orig = readFileSync(file);
	const bad = Buffer.from(orig);
	bad[32 + (CHUNK + 17) + 1000] ^= 0x01; // inside the second chunk
	writeFileSync(file, bad);
	try {
		const res = await download(admin, `/documents/${id}/download`);
		assert.ok(res.error, 'the transfer of a tampered blob completed');
		assert.ok(res.body.length <= CHUNK, `${res.body.length} bytes were sent past the bad chunk`);
		assert.ok(content.subarray(0, res.body.length).equals(res.body));
		await b.waitForLog(/SECURITY: platform demo: blob [0-9a-f]{32} \(id \d+\) failed authentication/);
	} finally {
		writeFileSync(file, orig);
	}
	const again = await download(admin, `/documents/${id}/download`);
	assert.ok(again.body.equals(content));
});

test('an interrupted upload (socket closed mid-body) leaves no document row and no file', { timeout: 60000 }, async () => {
	const before = { docs: documentCount(), files: blobFiles().length };
	const csrf = csrfOf((await admin.get('/me/documents')).body);
	const m = multipart({ csrf, owner: 'user', folder: '' }, { filename: 'interrupted.bin' });
	const total = m.head.length + 10 * CHUNK + m.tail.length;
	const pieces = [m.head, ...splitInto(randomBytes(3 * CHUNK), 16384)];
	let sawPartial = false;
	const res = await rawRequest(admin, 'POST', '/documents/upload', {
		headers: { 'Content-Type': m.contentType }, length: total, pieces,
		abortAfter: m.head.length + 3 * CHUNK,
		onAbort: () => waitFor('the temporary blob', () => {
			sawPartial = blobFiles().some((f) => f.endsWith('.part'));
			return sawPartial;
		}),
	});
	assert.ok(res.aborted);
	assert.ok(sawPartial, 'the upload never reached the blob store');
	// at once when libmicrohttpd sees the connection close; at worst when
	// the connection times out (30 s by default)
	await waitFor('the server to clean up', () => !blobFiles().some((f) => f.endsWith('.part')),
		      45000);
	assert.equal(blobFiles().length, before.files);
	assert.equal(documentCount(), before.docs);
	assert.equal(sql(mainDb(), "SELECT count(*) FROM documents WHERE name = 'interrupted.bin'"), '0');
});

test('a file over the size limit is refused with 413 and leaves nothing behind', async () => {
	const before = { docs: documentCount(), files: blobFiles().length };
	const csrf = csrfOf((await admin.get('/me/documents')).body);
	const m = multipart({ csrf, owner: 'user', folder: '' }, { filename: 'huge.bin' });
	const size = FILE_MAX + 4096;
	const block = Buffer.alloc(1 << 20, 0x61);
	let sent = -1;
	const res = await rawRequest(admin, 'POST', '/documents/upload', {
		headers: { 'Content-Type': m.contentType }, length: m.head.length + size + m.tail.length,
		pieces: () => {
			if (sent < 0) {
				sent = 0;
				return m.head;
			}
			if (sent >= size) {
				if (sent === Infinity)
					return null;
				sent = Infinity;
				return m.tail;
			}
			const n = Math.min(block.length, size - sent);
			sent += n;
			return block.subarray(0, n);
		},
	});
	assert.equal(res.status, 413, res.body.toString().slice(0, 300));
	// the page says the limit, though the transport answered
	assert.deepEqual(noticesOf(res.body.toString()), ['This file is larger than the limit of 100 MB.']);
	assert.equal(documentCount(), before.docs);
	assert.equal(blobFiles().length, before.files);
	assert.equal(sql(mainDb(), "SELECT count(*) FROM documents WHERE name = 'huge.bin'"), '0');
});

test('a mistyped upload is typed by its content: a .png of text is text/plain, an attachment', async () => {
	const id = await pageUpload('holiday.png', Buffer.from('this is not an image at all\n'));
	const meta = await admin.get(`/api/v1/documents/${id}`);
	assert.equal(meta.status, 200);
	assert.equal(meta.json().content_type, 'text/plain');
	const res = await download(admin, `/documents/${id}/download`);
	assert.equal(res.headers['content-type'], 'text/plain');
	assert.match(res.headers['content-disposition'], /^attachment;/);
	// HTML is never shown inline, whatever its name
	const html = await pageUpload('page.txt', Buffer.from('<!doctype html><html><script>alert(1)</script></html>'));
	const h = await download(admin, `/documents/${html}/download`);
	assert.equal(h.headers['content-type'], 'text/html');
	assert.match(h.headers['content-disposition'], /^attachment;/);
	assert.equal(h.headers['x-content-type-options'], 'nosniff');
	// a real PNG, whatever its name, is an image shown inline
	const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201f6fd1d0f0000000049454e44ae426082', 'hex');
	const img = await pageUpload('image.dat', png, { name: 'résumé "final".dat' });
	const i = await download(admin, `/documents/${img}/download`);
	assert.equal(i.headers['content-type'], 'image/png');
	assert.equal(i.headers['content-disposition'],
		     'inline; filename="r_sum_ _final_.dat"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9%20%22final%22.dat');
	assert.ok(i.body.equals(png));
});

test('path tricks, invisible characters and reserved names are refused, and nothing is stored', async () => {
	const before = { docs: documentCount(), files: blobFiles().length };
	const bad = ['../evil.txt', 'a/b.txt', 'a\\b.txt', '.', '..', ' lead.txt', 'trail.txt ',
		     'CON', 'con.txt', 'NUL.tar.gz', 'com1', 'LPT9.doc', 'invoice\u202Egpj.exe',
		     'zero\u200Bwidth.txt', 'bom\uFEFF.txt', 'iso\u2066late.txt', 'x'.repeat(256)];
	for (const name of bad) {
		const res = await upload(admin, 'fine.txt', Buffer.from('x'), { api: true, token: adminToken,
										 fields: { name } });
		assert.equal(res.status, 400, `${JSON.stringify(name)} was not refused: ${res.status}`);
		assert.equal(JSON.parse(res.body).error.code, 'name_invalid');
	}
	assert.equal(documentCount(), before.docs);
	assert.equal(blobFiles().length, before.files);
	// a path in the file name itself is dropped by the transport (RFC 7578)
	const res = await upload(admin, '../../etc/passwd', Buffer.from('x'), { api: true, token: adminToken });
	assert.equal(res.status, 201, res.body.toString());
	assert.equal(JSON.parse(res.body).name, 'passwd');
	// renaming to a bad name is refused too, in the API and the page
	const id = JSON.parse(res.body).id;
	const api = await b.client().postJson(`/api/v1/documents/${id}`, { name: '../../x' },
					      { method: 'PATCH', ...bearer(adminToken) });
	assert.equal(api.status, 400);
	assert.equal(api.json().error.code, 'name_invalid');
	const page = await admin.get(`/documents/${id}`);
	const form = await admin.post(`/documents/${id}`, { csrf: csrfOf(page.body), action: 'rename', name: 'AUX.txt' });
	assert.equal(form.status, 400);
	assert.match(noticesOf(form.body).join(' '), /reserved device name/);
	// folder names follow the same rules
	const folder = await b.client().postJson('/api/v1/folders', { owner: 'user', name: 'a/b' }, bearer(adminToken));
	assert.equal(folder.status, 400);
});

test('duplicate names in one folder get a clear refusal; folders too', async () => {
	await pageUpload('Minutes.txt', Buffer.from('one'));
	const again = await upload(admin, 'minutes.TXT', Buffer.from('two'));
	assert.equal(again.status, 409);
	assert.match(again.body.toString(), /already has this name/);
	const viaApi = await upload(admin, 'Minutes.txt', Buffer.from('two'), { api: true, token: adminToken });
	assert.equal(viaApi.status, 409);
	assert.equal(JSON.parse(viaApi.body).error.code, 'name_taken');
	const page = await admin.get('/me/documents');
	const first = await admin.post('/me/documents', { csrf: csrfOf(page.body), action: 'folder', parent: '0', name: 'Reports' });
	assert.equal(first.status, 303);
	const folderId = Number(/folder=(\d+)/.exec(first.location)[1]);
	const second = await admin.post('/me/documents', { csrf: csrfOf(page.body), action: 'folder', parent: '0', name: 'reports' });
	assert.equal(second.status, 409);
	assert.deepEqual(noticesOf(second.body), ['Something in this folder already has this name. Choose another name, or upload a new version of the existing document.']);
	// the same name in another folder is fine
	const inFolder = await upload(admin, 'Minutes.txt', Buffer.from('three'), { fields: { folder: String(folderId) } });
	assert.equal(inFolder.status, 303);
	const lib = await admin.get(`/me/documents?folder=${folderId}`);
	assert.equal(lib.status, 200);
	assert.match(lib.body, /<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="\/me\/documents">My documents<\/a><\/li><li><span aria-current="page">Reports<\/span><\/li><\/ol><\/nav>/);
	assert.match(lib.body, /Minutes\.txt/);
});

test('versions: a new upload adds version N+1; every version is listed and downloadable', async () => {
	const v1 = Buffer.from('first version\n');
	const v2 = pattern(2 * CHUNK + 3, 2);
	const id = await pageUpload('plan.txt', v1);
	const res = await upload(admin, 'whatever.bin', v2, { fields: { document: String(id) } });
	assert.equal(res.status, 303);
	assert.equal(res.headers.location, `/documents/${id}?notice=version-added`);
	const meta = (await admin.get(`/api/v1/documents/${id}`)).json();
	assert.equal(meta.name, 'plan.txt');
	assert.equal(meta.version, 2);
	assert.deepEqual(meta.versions.map((v) => [v.number, v.size]), [[2, v2.length], [1, v1.length]]);
	assert.ok((await download(admin, `/documents/${id}/download`)).body.equals(v2));
	assert.ok((await download(admin, `/documents/${id}/download?version=1`)).body.equals(v1));
	assert.ok((await download(admin, `/api/v1/documents/${id}/content?version=2`, bearer(adminToken))).body.equals(v2));
	assert.equal((await admin.get(`/documents/${id}/download?version=3`)).status, 404);
	assert.equal((await admin.get(`/documents/${id}/download?version=x`)).status, 404);
	const page = await admin.get(`/documents/${id}`);
	assert.match(page.body, new RegExp(`href="/documents/${id}/download\\?version=1"`));
	assert.match(page.body, new RegExp(`href="/documents/${id}/download\\?version=2"`));
	// the API adds versions too, without any csrf field
	const v3 = await upload(admin, 'x', Buffer.from('third'), { api: true, token: adminToken, fields: { document: String(id) } });
	assert.equal(v3.status, 201, v3.body.toString());
	assert.equal(JSON.parse(v3.body).version, 3);
	assert.ok(events('document.download').length >= 4);
});

test('rename, move, delete and restore through the pages are audited; deleted documents leave lists', async () => {
	const id = await pageUpload('draft.txt', Buffer.from('draft'));
	let page = await admin.get(`/documents/${id}`);
	const csrf = csrfOf(page.body);
	let res = await admin.post(`/documents/${id}`, { csrf, action: 'rename', name: 'final.txt' });
	assert.equal(res.status, 303);
	const folder = (await b.client().postJson('/api/v1/folders', { owner: 'user', name: 'Archive' }, bearer(adminToken))).json();
	res = await admin.post(`/documents/${id}`, { csrf, action: 'move', folder: String(folder.id) });
	assert.equal(res.status, 303);
	assert.equal((await admin.get(`/api/v1/documents/${id}`)).json().folder, folder.id);
	res = await admin.post(`/documents/${id}`, { csrf, action: 'delete' });
	assert.equal(res.status, 303);
	assert.equal(res.location, `/me/documents?folder=${folder.id}&notice=document-deleted`);
	const list = await admin.get(`/api/v1/documents?owner=user&folder=${folder.id}`);
	assert.deepEqual(list.json().items, []);
	assert.equal((await admin.get(`/documents/${id}/download`)).status, 404);
	// listed as restorable in its folder
	const lib = await admin.get(`/me/documents?folder=${folder.id}`);
	assert.match(lib.body, /Recently deleted/);
	assert.match(lib.body, /aria-label="Restore final\.txt"/);
	res = await admin.post(`/documents/${id}`, { csrf, action: 'restore' });
	assert.equal(res.status, 303);
	assert.equal((await admin.get(`/documents/${id}/download`)).status, 200);
	const seen = events('document.').filter((e) => /draft\.txt|final\.txt/.test(e));
	assert.deepEqual(seen.filter((e) => !e.startsWith('document.download')),
			 ['document.upload draft.txt', 'document.rename final.txt', 'document.move final.txt',
			  'document.delete final.txt', 'document.restore final.txt']);
	// API: delete then restore
	assert.equal((await b.client().request('DELETE', `/api/v1/documents/${id}`, bearer(adminToken))).status, 200);
	const restored = await b.client().postJson(`/api/v1/documents/${id}/restore`, {}, bearer(adminToken));
	assert.equal(restored.status, 200);
	assert.equal(restored.json().deleted_at, null);
});

test('a deleted document is restorable for 30 days only', async () => {
	const id = await pageUpload('old.txt', Buffer.from('old'));
	assert.equal((await b.client().request('DELETE', `/api/v1/documents/${id}`, bearer(adminToken))).status, 200);
	// a minute past the window: expired, and not purged yet (the purge
	// waits an hour more, BST_DOC_PURGE_GRACE_MS: documents-purge.test.mjs)
	const past = 30 * 24 * 3600 * 1000 + 60 * 1000;
	b.advanceClock(past);
	try {
		const res = await b.client().postJson(`/api/v1/documents/${id}/restore`, {}, bearer(adminToken));
		assert.equal(res.status, 410);
		assert.equal(res.json().error.code, 'restore_expired');
	} finally {
		b.advanceClock(-past);
	}
});

test('a personal space is its owner\'s only: other members and platform administrators get 404', async () => {
	const id = await pageUpload('private-notes.txt', Buffer.from('mine'));
	assert.equal((await bob.get(`/documents/${id}`)).status, 404);
	assert.equal((await bob.get(`/documents/${id}/download`)).status, 404);
	assert.equal((await b.client().get(`/api/v1/documents/${id}`, bearer(bobToken))).status, 404);
	const adminId = (await admin.get('/api/v1/me')).json().id;
	assert.equal((await b.client().get(`/api/v1/documents?owner=user&owner_id=${adminId}`, bearer(bobToken))).status, 404);
	// bob's own space is his, and the administrator cannot browse it
	const mine = await upload(bob, 'bob.txt', Buffer.from('bob'), { api: true, token: bobToken });
	assert.equal(mine.status, 201);
	const bobDoc = JSON.parse(mine.body).id;
	assert.equal((await admin.get(`/documents/${bobDoc}`)).status, 404);
	const bobId = (await bob.get('/api/v1/me')).json().id;
	assert.equal((await admin.get(`/api/v1/documents?owner=user&owner_id=${bobId}`)).status, 404);
	const page = await bob.get('/me/documents');
	assert.match(page.body, /bob\.txt/);
	assert.doesNotMatch(page.body, /private-notes/);
});

test('group libraries: readers download, members upload, secret groups do not exist for others', async () => {
	const open = await b.client().postJson('/api/v1/groups', { name: 'Docs open', kind: 'open' }, bearer(adminToken));
	assert.equal(open.status, 201, open.body);
	const secret = await b.client().postJson('/api/v1/groups', { name: 'Docs secret', kind: 'secret' }, bearer(adminToken));
	assert.equal(secret.status, 201, secret.body);
	const g = open.json().id;
	const s = secret.json().id;
	const up = await upload(admin, 'agenda.txt', Buffer.from('agenda'), { api: true, token: adminToken,
									       fields: { owner: 'group', owner_id: String(g) } });
	assert.equal(up.status, 201, up.body.toString());
	const doc = JSON.parse(up.body).id;
	// bob, not a member of the open group: reads, may not upload
	assert.equal((await bob.get(`/groups/${g}/documents`)).status, 200);
	assert.ok((await download(bob, `/documents/${doc}/download`)).body.equals(Buffer.from('agenda')));
	const refused = await upload(bob, 'b.txt', Buffer.from('b'), { api: true, token: bobToken,
								       fields: { owner: 'group', owner_id: String(g) } });
	assert.equal(refused.status, 403);
	// once a member, he uploads, and may not delete the administrator's document
	assert.equal((await b.client().postJson(`/api/v1/groups/${g}/members`, {}, bearer(bobToken))).status, 201);
	const ok = await upload(bob, 'b.txt', Buffer.from('b'), { api: true, token: bobToken,
								  fields: { owner: 'group', owner_id: String(g) } });
	assert.equal(ok.status, 201);
	assert.equal((await b.client().request('DELETE', `/api/v1/documents/${doc}`, bearer(bobToken))).status, 403);
	// the secret group's library answers as if it did not exist
	assert.equal((await bob.get(`/groups/${s}/documents`)).status, 404);
	assert.equal((await b.client().get(`/api/v1/documents?owner=group&owner_id=${s}`, bearer(bobToken))).status, 404);
	assert.equal((await bob.get(`/groups/999999/documents`)).status, 404);
});

test('the Documents switch off: pages and API answer 404, and come back when it is on', async () => {
	const id = await pageUpload('switch.txt', Buffer.from('switch'));
	const csrf = csrfOf((await admin.get('/me/documents')).body);
	const paths = ['/me/documents', `/documents/${id}`, `/documents/${id}/download`,
		       '/api/v1/documents?owner=user', `/api/v1/documents/${id}`,
		       `/api/v1/documents/${id}/content`, '/api/v1/folders?owner=user'];
	sql(mainDb(), "UPDATE apps SET enabled = 0 WHERE name = 'documents'");
	await sleep(100);
	try {
		for (const p of paths)
			assert.equal((await admin.get(p)).status, 404, `GET ${p}`);
		const up = await upload(admin, 'off.txt', Buffer.from('off'), { fields: { csrf } });
		assert.equal(up.status, 404);
		const api = await upload(admin, 'off.txt', Buffer.from('off'), { api: true, token: adminToken });
		assert.equal(api.status, 404);
		assert.equal(JSON.parse(api.body).error.code, 'not_found');
		assert.equal(sql(mainDb(), "SELECT count(*) FROM documents WHERE name = 'off.txt'"), '0');
	} finally {
		sql(mainDb(), "UPDATE apps SET enabled = 1 WHERE name = 'documents'");
		await sleep(100);
	}
	for (const p of paths)
		assert.equal((await admin.get(p)).status, 200, `GET ${p} once switched on again`);
});
