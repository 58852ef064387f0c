// The purge of the document base, driven by the server's own scheduler and
// the test clock: documents and folders deleted more than 30 days ago go
// for good (rows, versions, search entries, attachment links, blob files),
// orphan files of the blob store go, and the pass is audited with its
// counts; a document deleted 29 days ago is still restorable, byte for
// byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { Bastide, DAY, multipartBody } from './lib/bastide.mjs';

const b = new Bastide('documents-purge');
let token;

before(async () => {
	const demo = await b.initWithDemo();
	token = (await b.createToken('demo', demo.email, { scope: 'read-write' })).token;
	await b.start();
});

after(async () => {
	await b.dispose();
});

const auth = () => ({ headers: { Authorization: `Bearer ${token}` } });
const blobsDir = () => join(b.data, 'platforms', 'demo', 'blobs');
const sql = (db, q) => execFileSync('sqlite3', [join(b.data, 'platforms', 'demo', db), q],
				    { encoding: 'utf8' }).trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function upload(name, data, documentId, group) {
	const fields = documentId ? { document: String(documentId) }
		: group ? { owner: 'group', owner_id: String(group), name } : { owner: 'user', name };
	const m = multipartBody(fields, { name, data });
	const res = await b.client().request('POST', '/api/v1/documents', {
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': m.contentType },
		body: m.body,
	});
	assert.equal(res.status, 201, `upload ${name}: ${res.status} ${res.body}`);
	return res.json().id;
}

function blobNames(docId) {
	return sql('main.db', `SELECT b.name FROM blobs b JOIN document_versions v ON v.blob_id = b.id
			       WHERE v.document_id = ${docId}`).split('\n').filter(Boolean);
}

// GET path as bytes: {status, body: Buffer}
function getBytes(path) {
	const c = b.client();
	return new Promise((resolve, reject) => {
		http.get({ host: '127.0.0.1', port: c.port, path, agent: false, setHost: false,
			   headers: { Host: c.host, Authorization: `Bearer ${token}` } }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
			res.on('error', reject);
		}).on('error', reject);
	});
}

async function remove(docId) {
	assert.equal((await b.client().request('DELETE', `/api/v1/documents/${docId}`, auth())).status, 200);
}

test('documents deleted 31 days ago are purged with their blobs; one deleted 29 days ago is restorable', async () => {
	const old = randomBytes(3 * 65536 + 5);
	const oldId = await upload('old.bin', old);
	await upload('old.bin', randomBytes(1000), oldId); // a second version
	const group = (await b.client().postJson('/api/v1/groups', { name: 'Archivists', kind: 'open' },
		auth())).json();
	const attachedId = await upload('attached.txt', Buffer.from('attached to a post'), 0, group.id);
	const recent = randomBytes(70000);
	const recentId = await upload('recent.bin', recent);
	const post = await b.client().postJson('/api/v1/posts', { body: 'see attached',
		group_id: group.id, attachments: [attachedId] }, auth());
	assert.equal(post.status, 201, String(post.body));
	const folder = (await b.client().postJson('/api/v1/folders', { owner: 'user', name: 'Old folder' },
		auth())).json();
	const oldBlobs = [...blobNames(oldId), ...blobNames(attachedId)];
	assert.equal(oldBlobs.length, 3);
	const recentBlobs = blobNames(recentId);
	for (const n of [...oldBlobs, ...recentBlobs])
		assert.ok(existsSync(join(blobsDir(), n)), `blob ${n} on disk`);
	// files of the blob store with no row: a crash between a file and its
	// row, and an upload cut by a crash
	const orphan = randomBytes(16).toString('hex');
	writeFileSync(join(blobsDir(), orphan), randomBytes(100));
	writeFileSync(join(blobsDir(), `${randomBytes(16).toString('hex')}.part`), randomBytes(100));
	const notOurs = join(blobsDir(), 'README');
	writeFileSync(notOurs, 'not a blob');

	await remove(oldId);
	await remove(attachedId);
	assert.equal((await b.client().request('DELETE', `/api/v1/folders/${folder.id}`, auth())).status, 200);
	b.advanceClock(2 * DAY);
	await remove(recentId);
	b.advanceClock(29 * DAY); // old ones: 31 days; the recent one: 29

	// the scheduler's pass (every tick looks whether the job is due)
	const deadline = Date.now() + 15000;
	while (sql('main.db', `SELECT count(*) FROM documents WHERE id IN (${oldId}, ${attachedId})`) !== '0') {
		assert.ok(Date.now() < deadline, 'the purge did not run');
		await sleep(100);
	}
	await sleep(200); // the files go right after the rows' commit
	for (const n of oldBlobs)
		assert.ok(!existsSync(join(blobsDir(), n)), `blob ${n} removed`);
	for (const n of recentBlobs)
		assert.ok(existsSync(join(blobsDir(), n)), `blob ${n} kept`);
	assert.equal(sql('main.db', `SELECT count(*) FROM document_versions WHERE document_id IN (${oldId}, ${attachedId})`), '0');
	assert.equal(sql('main.db', `SELECT count(*) FROM post_attachments WHERE document_id = ${attachedId}`), '0');
	assert.equal(sql('main.db', `SELECT count(*) FROM search_refs WHERE kind = 'document' AND ref IN (${oldId}, ${attachedId})`), '0');
	assert.equal(sql('main.db', `SELECT count(*) FROM folders WHERE id = ${folder.id}`), '0');
	const left = readdirSync(blobsDir());
	assert.ok(!left.includes(orphan), 'the orphan blob file is removed');
	assert.ok(!left.some((f) => f.endsWith('.part')), 'the orphan temporary file is removed');
	assert.ok(left.includes('README'), 'a file the store did not write is left alone');
	assert.equal((await b.client().get(`/api/v1/documents/${oldId}`, auth())).status, 404);

	// audited once, with its counts
	const ev = sql('audit.db', "SELECT details FROM events WHERE event = 'document.purge'").split('\n');
	assert.equal(ev.length, 1);
	const det = JSON.parse(ev[0]);
	assert.equal(det.documents, 2);
	assert.equal(det.versions, 3);
	assert.equal(det.blobs, 3);
	assert.equal(det.folders, 1);
	assert.equal(det.orphans, 2);
	assert.deepEqual(det.ids.sort(), [oldId, attachedId].sort());

	// deleted 29 days ago: restorable, and whole
	const restored = await b.client().postJson(`/api/v1/documents/${recentId}/restore`, {}, auth());
	assert.equal(restored.status, 200);
	const res = await getBytes(`/api/v1/documents/${recentId}/content`);
	assert.equal(res.status, 200);
	assert.ok(res.body.equals(recent), 'the restored document is byte-identical');
});
