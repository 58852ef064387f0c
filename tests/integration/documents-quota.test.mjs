// The document base's limits: the per-platform quota set by the operator
// (bastide platform set-quota, audited, shown to the platform's
// administrators, refused clearly when full) and the per-file limit of the
// configuration ([documents] max_file_mb), both refusals leaving nothing
// behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Bastide, multipartBody, startWithConfig } from './lib/bastide.mjs';

const b = new Bastide('documents-quota');
let demo;
let token;

before(async () => {
	demo = await b.initWithDemo();
	token = (await b.createToken('demo', demo.email, { scope: 'read-write' })).token;
	await startWithConfig(b, ({ port }) => `[server]\nlisten = 127.0.0.1:${port}\n` +
		`public_scheme = http\npublic_port = ${port}\n\n[documents]\nmax_file_mb = 1\n`);
});

after(async () => {
	await b.dispose();
});

const sql = (db, q) => execFileSync('sqlite3', [join(b.data, 'platforms', 'demo', db), q],
				    { encoding: 'utf8' }).trim();
const blobCount = () => Number(sql('main.db', 'SELECT count(*) FROM blobs'));

function upload(name, data) {
	const m = multipartBody({ owner: 'user', name }, { name, data });
	return b.client().request('POST', '/api/v1/documents', {
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': m.contentType },
		body: m.body,
	});
}

test('the per-file limit comes from [documents] max_file_mb; the library page says it', async () => {
	const before = blobCount();
	const res = await upload('big.bin', randomBytes(1000 * 1000 + 1));
	// the transport stops reading the body at the limit and answers
	assert.equal(res.status, 413);
	assert.equal(res.json().error.code, 'upload_refused');
	// and says the limit, as the service's own refusal does
	assert.equal(res.json().error.message, 'This file is larger than the limit of 1 MB.');
	assert.equal(blobCount(), before);
	assert.equal((await upload('fits.bin', randomBytes(1000 * 1000))).status, 201);
	// the library page says the limit
	const admin = b.client();
	assert.equal((await admin.login(demo.email, demo.password)).status, 303);
	assert.match((await admin.get('/me/documents')).body, /At most 1 MB\./);
});

test('an invalid quota is refused by the command line', async () => {
	for (const gb of ['0', '-1', 'ten', '2000000'])
		assert.equal((await b.run(['platform', 'set-quota', 'demo', '--gb', gb])).code, 2, gb);
	assert.equal((await b.run(['platform', 'set-quota', 'demo'])).code, 2);
});

test('the operator sets the quota; it is audited, shown to administrators, and enforced', async () => {
	const used = Number(sql('main.db', `SELECT coalesce(sum(v.size), 0) FROM document_versions v
		JOIN documents d ON d.id = v.document_id WHERE d.deleted_ms IS NULL`));
	const quota = used + 1500000;
	const r = await b.cli('platform', 'set-quota', 'demo', '--gb', String(quota / 1e9));
	assert.match(r.stdout, new RegExp(`\\(${quota} bytes\\)`));
	assert.equal(sql('main.db', 'SELECT doc_quota_bytes FROM settings'), String(quota));
	const ev = sql('audit.db', "SELECT details FROM events WHERE event = 'settings.change' ORDER BY id DESC LIMIT 1");
	assert.deepEqual(JSON.parse(ev).doc_quota_bytes, { from: 10000000000, to: quota });
	assert.match((await b.cli('platform', 'show', 'demo')).stdout, /documents: +[0-9.]+ GB used of 0\.0\d\d GB/);

	// administrators see it
	const admin = b.client();
	assert.equal((await admin.login(demo.email, demo.password)).status, 303);
	const page = await admin.get('/admin/settings');
	assert.equal(page.status, 200);
	assert.match(page.body, /Document storage/);
	assert.match(page.body, /MB used of [0-9.]+ MB \(\d+ %\)\./);
	assert.match(page.body, /Largest file: 1 MB\./);

	// 0.9 MB fits, another 0.9 MB does not
	assert.equal((await upload('first.bin', randomBytes(900000))).status, 201);
	const before = blobCount();
	const res = await upload('second.bin', randomBytes(900000));
	assert.equal(res.status, 413);
	assert.equal(res.json().error.code, 'quota_exceeded');
	assert.match(res.json().error.message, /storage quota is used up/);
	assert.equal(blobCount(), before, 'nothing kept of the refused upload');
});
