// The portable SQL dump (`bastide export --sql`): what a platform holds
// comes out as SQL that stock sqlite3 and a real PostgreSQL (started here on
// loopback) both load as it is, table by table with the source's row counts
// and the same rows; credentials stay out; the command refuses to write
// plaintext unless told, never overwrites a file, and records the export in
// the platform's trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bastide } from './lib/bastide.mjs';
import { Postgres } from './lib/postgres.mjs';

const b = new Bastide('export');
const pg = new Postgres();
let demo;
let token;
const TRICKY = "L'équipe \\ \"dit\" -- pas un commentaire; DROP TABLE posts;\nligne 2 🐘 ''";
const bearer = () => ({ headers: { Authorization: `Bearer ${token}` } });

const sqlite = (db, sql) => execFileSync('sqlite3', [db, sql]).toString().trim();

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
