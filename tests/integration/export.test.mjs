// The export (`bastide export`): the portable SQL dump (`--sql`) loads into
// stock sqlite3 and a real PostgreSQL (started here on loopback) as it is,
// table by table with the source's row counts and the same rows; the archive
// (`--output`) opens with stock tar and zstd, every file matches the SHA-256
// of its manifest, every document and earlier version is byte-identical to
// what was uploaded, and the access log is there. Credentials stay out; the
// command refuses to write plaintext unless told, never overwrites a file,
// and records the export in the platform's trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bastide, activate } from './lib/bastide.mjs';
import { Postgres } from './lib/postgres.mjs';

const b = new Bastide('export');
const pg = new Postgres();
let demo;
let token;
const TRICKY = "L'équipe \\ \"dit\" -- pas un commentaire; DROP TABLE posts;\nligne 2 🐘 ''";
const bearer = () => ({ headers: { Authorization: `Bearer ${token}` } });

const sqlite = (db, sql) => execFileSync('sqlite3', [db, sql]).toString().trim();
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const files = {}; // name -> [first version, second version]

// Uploads content through the API (a new version of document when given).
async function upload(name, content, document) {
	const boundary = `----bastide${randomBytes(8).toString('hex')}`;
	const fields = document ? { document: String(document) } : { owner: 'user', owner_id: '', folder: '' };
	const head = Object.entries(fields).map(([k, v]) =>
		`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') +
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
		'Content-Type: application/octet-stream\r\n\r\n';
	const body = Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]);
	const res = await b.client().request('POST', '/api/v1/documents', {
		headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...bearer().headers }, body });
	assert.equal(res.status, 201, res.body);
	return res.json().id;
}

before(async () => {
	demo = await b.initWithDemo();
	token = (await b.createToken('demo', demo.email, { scope: 'read-write' })).token;
	await b.start();
	const api = b.client();
	const group = (await api.postJson('/api/v1/groups', { name: TRICKY.slice(0, 60), kind: 'open' }, bearer())).json().id;
	for (let i = 0; i < 5; i++) {
		const post = await api.postJson('/api/v1/posts', { body: `${TRICKY} #${i}`, group_id: i % 2 ? group : 0 }, bearer());
		assert.equal(post.status, 201, post.body);
		const c = await api.postJson(`/api/v1/posts/${post.json().id}/comments`, { body: `${TRICKY} (comment ${i})` }, bearer());
		assert.equal(c.status, 201, c.body);
	}
	// documents: one with two versions, one with a name that needs care
	files['rapport.bin'] = [randomBytes(300000), randomBytes(1000)];
	const id = await upload('rapport.bin', files['rapport.bin'][0]);
	await upload('rapport.bin', files['rapport.bin'][1], id);
	files['notes / 2025.txt'] = [Buffer.from(TRICKY)];
	await upload('notes 2025.txt', files['notes / 2025.txt'][0]);
	await pg.start();
});

after(async () => {
	await pg.stop();
	await b.dispose();
});

test('the dump loads into stock sqlite3 and PostgreSQL with every row of every table', async () => {
	const out = join(b.dir, 'dump.sql');
	const r = await b.cli('export', '--platform', 'demo', '--sql', out, '--insecure-plaintext');
	assert.match(r.stderr, /demo: \d+ tables, \d+ rows/);
	assert.equal(statSync(out).mode & 0o777, 0o600);
	const sql = readFileSync(out, 'utf8');
	assert.doesNotMatch(sql, /argon2id|password_hash|totp_secret/);
	for (const t of ['sessions', 'api_tokens', 'one_time_links', 'recovery_codes', 'search_index'])
		assert.doesNotMatch(sql, new RegExp(`CREATE TABLE "${t}"`));

	const tables = [...sql.matchAll(/^CREATE TABLE "([a-z_]+)"/gm)].map((m) => m[1]);
	assert.ok(tables.includes('posts') && tables.includes('users') && tables.includes('comments'));
	const source = join(b.data, 'platforms', 'demo', 'main.db');

	// stock sqlite3
	const copy = join(b.dir, 'loaded.db');
	execFileSync('sqlite3', [copy], { input: sql });
	// PostgreSQL
	pg.createDb('dump');
	pg.psql('dump', ['-f', out]);

	for (const t of tables) {
		const want = sqlite(source, `SELECT count(*) FROM "${t}"`);
		assert.equal(sqlite(copy, `SELECT count(*) FROM "${t}"`), want, `sqlite3: rows of ${t}`);
		assert.equal(pg.psql('dump', ['-Atc', `SELECT count(*) FROM "${t}"`]).trim(), want, `psql: rows of ${t}`);
	}
	// sampled rows, equal to the source's, through both engines
	const q = 'SELECT id, body, created_ms FROM posts ORDER BY id';
	const want = sqlite(source, q);
	assert.equal(sqlite(copy, q), want);
	assert.equal(pg.psql('dump', ['-At', '-F', '|', '-c', q]).trim(), want);
	assert.ok(want.includes("L'équipe \\ \"dit\" -- pas un commentaire; DROP TABLE posts;"));
	const cq = 'SELECT post_id, body FROM comments ORDER BY id';
	assert.equal(pg.psql('dump', ['-At', '-F', '|', '-c', cq]).trim(), sqlite(source, cq));
	// foreign keys hold in PostgreSQL, which checked them at COMMIT
	assert.equal(pg.psql('dump', ['-Atc',
		'SELECT count(*) FROM comments c LEFT JOIN posts p ON p.id = c.post_id WHERE p.id IS NULL']).trim(), '0');
});

test('the archive opens with stock tar and zstd; files match the manifest; documents are byte-identical', async () => {
	const out = join(b.dir, 'export.tar.zst');
	const r = await b.cli('export', '--platform', 'demo', '--output', out, '--insecure-plaintext');
	assert.match(r.stderr, /demo: \d+ files \(2 documents, 1 earlier versions\)/);
	assert.equal(statSync(out).mode & 0o777, 0o600);
	const dir = join(b.dir, 'unpacked');
	mkdirSync(dir);
	execFileSync('tar', ['--zstd', '-xf', out, '-C', dir]);
	const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
	assert.equal(manifest.platform.slug, 'demo');
	assert.match(manifest.installation, /^[0-9a-f]{64}$/);
	const paths = manifest.files.map((f) => f.path).sort();
	for (const f of manifest.files) {
		const data = readFileSync(join(dir, f.path));
		assert.equal(data.length, f.size, f.path);
		assert.equal(sha256(data), f.sha256, f.path);
	}
	// what sha256sum would say, for whoever checks by hand
	const sums = manifest.files.map((f) => `${f.sha256}  ${f.path}`).join('\n') + '\n';
	execFileSync('sha256sum', ['--check', '--quiet', '-'], { cwd: dir, input: sums });
	assert.ok(paths.includes('dump.sql') && paths.includes('access-log.csv') && paths.includes('README.txt'));
	const lib = paths.find((p) => p.startsWith('documents/people/'));
	const root = lib.slice(0, lib.lastIndexOf('/') + 1);
	assert.deepEqual(readFileSync(join(dir, root, 'rapport.bin')), files['rapport.bin'][1]);
	assert.deepEqual(readFileSync(join(dir, root.replace('documents/', 'versions/'), 'rapport.bin', '1 rapport.bin')),
		files['rapport.bin'][0]);
	assert.deepEqual(readFileSync(join(dir, root, 'notes 2025.txt')), files['notes / 2025.txt'][0]);
	// the rows of every table, as in the dump, as in the source
	const copy = join(b.dir, 'from-archive.db');
	execFileSync('sqlite3', [copy], { input: readFileSync(join(dir, 'dump.sql')) });
	const source = join(b.data, 'platforms', 'demo', 'main.db');
	for (const [t, rows] of Object.entries(manifest.tables)) {
		assert.equal(Number(sqlite(copy, `SELECT count(*) FROM "${t}"`)), rows, t);
		if (t !== 'notifications')
			assert.equal(Number(sqlite(source, `SELECT count(*) FROM "${t}"`)), rows, t);
	}
	const csv = readFileSync(join(dir, 'access-log.csv'), 'utf8');
	assert.match(csv.split('\n')[0], /seq/);
	assert.ok(csv.split('\n').length > 5);
	assert.doesNotMatch(readFileSync(join(dir, 'dump.sql'), 'utf8'), /argon2id/);
});

// A client's key pair in its own keyring, made with stock gpg.
function clientKey(dir) {
	mkdirSync(dir, { mode: 0o700 });
	const gpg = (...args) => execFileSync('gpg', ['--homedir', dir, '--batch', ...args], { stdio: 'pipe' });
	gpg('--passphrase', '', '--quick-gen-key', 'Client <client@example.org>', 'ed25519', 'sign', '1y');
	const fpr = gpg('--list-keys', '--with-colons').toString().split('\n')
		.find((l) => l.startsWith('fpr')).split(':')[9];
	gpg('--passphrase', '', '--quick-add-key', fpr, 'cv25519', 'encr', '1y');
	writeFileSync(join(dir, 'client.pub'), gpg('--export'));
	return { home: dir, pub: join(dir, 'client.pub') };
}

// The archive inside an OpenPGP message, opened with stock gpg and tar.
function openWithGpg(file, args, into) {
	mkdirSync(into);
	const tarball = execFileSync('gpg', ['--batch', ...args, '--decrypt', file], { stdio: ['ignore', 'pipe', 'pipe'],
		maxBuffer: 1 << 30 });
	execFileSync('tar', ['--zstd', '-xf', '-', '-C', into], { input: tarball });
	const manifest = JSON.parse(readFileSync(join(into, 'manifest.json'), 'utf8'));
	for (const f of manifest.files)
		assert.equal(sha256(readFileSync(join(into, f.path))), f.sha256, f.path);
	return manifest;
}

test('encrypted for the client: to its public key, or with its passphrase; stock gpg opens both', async () => {
	const key = clientKey(join(b.dir, 'client-gnupg'));
	const toKey = join(b.dir, 'export-key.tar.zst.gpg');
	await b.cli('export', '--platform', 'demo', '--output', toKey, '--recipient', key.pub);
	assert.notEqual(readFileSync(toKey).subarray(0, 4).toString('hex'), '28b52ffd', 'not a bare zstd stream');
	const m1 = openWithGpg(toKey, ['--homedir', key.home], join(b.dir, 'from-key'));
	assert.ok(m1.files.some((f) => f.path.endsWith('/rapport.bin')));

	const pass = join(b.dir, 'passphrase');
	writeFileSync(pass, 'correct horse battery staple\n');
	const withPass = join(b.dir, 'export-pass.tar.zst.gpg');
	await b.cli('export', '--platform', 'demo', '--output', withPass, '--passphrase-file', pass);
	const other = join(b.dir, 'empty-gnupg');
	mkdirSync(other, { mode: 0o700 });
	openWithGpg(withPass, ['--homedir', other, '--pinentry-mode', 'loopback', '--passphrase-file', pass],
		join(b.dir, 'from-pass'));
	// the wrong passphrase opens nothing
	writeFileSync(join(b.dir, 'wrong'), 'not the right passphrase\n');
	assert.throws(() => execFileSync('gpg', ['--batch', '--homedir', other, '--pinentry-mode', 'loopback',
		'--passphrase-file', join(b.dir, 'wrong'), '--decrypt', withPass], { stdio: 'pipe' }));

	// refusals: a file without a key, a short passphrase, two modes at once
	writeFileSync(join(b.dir, 'not-a-key'), 'hello');
	let r = await b.run(['export', '--platform', 'demo', '--output', join(b.dir, 'n1'), '--recipient', join(b.dir, 'not-a-key')]);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /no OpenPGP public key/);
	assert.equal(existsSync(join(b.dir, 'n1')), false);
	writeFileSync(join(b.dir, 'short'), 'short\n');
	r = await b.run(['export', '--platform', 'demo', '--output', join(b.dir, 'n2'), '--passphrase-file', join(b.dir, 'short')]);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /at least 12 characters/);
	r = await b.run(['export', '--platform', 'demo', '--output', join(b.dir, 'n3'), '--recipient', key.pub, '--insecure-plaintext']);
	assert.equal(r.code, 2);
	r = await b.run(['export', '--platform', 'demo', '--output', join(b.dir, 'n4')]);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /--recipient KEYFILE or --passphrase-file FILE/);
});

// Entries of a zip file, read with Python's standard zipfile module.
function unzip(buf, into) {
	const zip = join(into, 'data.zip');
	mkdirSync(into);
	writeFileSync(zip, buf);
	execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, into]);
	return execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', zip])
		.toString().trim().split('\n');
}

test('each person downloads their own data from their settings: profile, texts and personal documents', async () => {
	const admin = b.client();
	assert.equal((await admin.login(demo.email, demo.password)).status, 303);
	const settings = await admin.get('/settings');
	assert.match(settings.body, /href="\/settings\/export.zip"/);
	const res = await admin.get('/settings/export.zip');
	assert.equal(res.status, 200);
	assert.match(res.headers['content-type'], /application\/zip/);
	assert.match(res.headers['content-disposition'], /attachment; filename="my-data-demo-\d{4}-\d\d-\d\d\.zip"/);
	const body = res.raw;
	const dir = join(b.dir, 'mine');
	const names = unzip(body, dir);
	assert.ok(names.includes('profile.json') && names.includes('publications.json') && names.includes('comments.json'));
	const profile = JSON.parse(readFileSync(join(dir, 'profile.json'), 'utf8'));
	assert.equal(profile.email, demo.email);
	const posts = JSON.parse(readFileSync(join(dir, 'publications.json'), 'utf8'));
	assert.equal(posts.length, 5);
	assert.equal(posts[0].body_markdown, `${TRICKY} #0`);
	const comments = JSON.parse(readFileSync(join(dir, 'comments.json'), 'utf8'));
	assert.equal(comments.length, 5);
	assert.ok(comments.every((c) => posts.some((p) => p.id === c.publication)));
	assert.deepEqual(readFileSync(join(dir, 'documents', 'rapport.bin')), files['rapport.bin'][1]);
	assert.deepEqual(readFileSync(join(dir, 'documents', 'notes 2025.txt')), files['notes / 2025.txt'][0]);
	assert.ok(!names.some((n) => n.includes('versions/')), 'current versions only');
	// someone else gets their own, which is nearly empty here
	const link = await b.createUser('demo', 'zoe@demo.localhost', { name: 'Zoé' });
	const zoe = b.client();
	await activate(zoe, link, 'a long and quiet password');
	assert.equal((await zoe.login('zoe@demo.localhost', 'a long and quiet password')).status, 303);
	const hers = await zoe.get('/settings/export.zip');
	assert.equal(hers.status, 200);
	const herNames = unzip(hers.raw, join(b.dir, 'hers'));
	assert.deepEqual(JSON.parse(readFileSync(join(b.dir, 'hers', 'publications.json'), 'utf8')), []);
	assert.ok(!herNames.some((n) => n.startsWith('documents/')));
	// anonymous visitors are sent to sign in; the export is in the trail
	const anon = await b.client().get('/settings/export.zip');
	assert.equal(anon.status, 303);
	const audit = join(b.data, 'platforms', 'demo', 'audit.db');
	assert.ok(Number(sqlite(audit, "SELECT count(*) FROM events WHERE event = 'user.export'")) >= 2);
});

test('plaintext only when asked; an existing file is never overwritten; the export is in the trail', async () => {
	const out = join(b.dir, 'second.sql');
	let r = await b.run(['export', '--platform', 'demo', '--sql', out]);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /--insecure-plaintext/);
	assert.equal(existsSync(out), false);
	writeFileSync(out, 'keep me');
	r = await b.run(['export', '--platform', 'demo', '--sql', out, '--insecure-plaintext']);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /exists already/);
	assert.equal(readFileSync(out, 'utf8'), 'keep me');
	r = await b.run(['export', '--platform', 'nowhere', '--sql', join(b.dir, 'x.sql'), '--insecure-plaintext']);
	assert.equal(r.code, 1);
	const audit = join(b.data, 'platforms', 'demo', 'audit.db');
	assert.ok(Number(sqlite(audit, "SELECT count(*) FROM events WHERE event = 'platform.export'")) >= 1);
});
