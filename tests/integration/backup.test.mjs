// Backups and restore against a running server: a platform with users,
// groups, publications, comments and documents backed up, changed and
// restored equals what it was, table by table and byte for byte; a
// flipped byte, an edited manifest and a removed object (a document's or a
// database chunk) make verify fail and restore refuse, each named; a
// backup killed part-way leaves nothing that looks like a backup, and the
// next run succeeds; a restore of one platform while another is under
// load is invisible to the other; and,
// with the test clock, 400 days of daily backups pruned as the scheduler
// does leave exactly 7 daily, 4 weekly and 12 monthly, every kept backup
// still verifying.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { BIN, Bastide, Client, DAY, activate, multipartBody } from './lib/bastide.mjs';

const b = new Bastide('backup');
const PW = 'eleven grey owls reading maps';
let token;

before(async () => {
	const demo = await b.initWithDemo();
	token = (await b.createToken('demo', demo.email, { scope: 'read-write' })).token;
	await b.start();
});

after(async () => {
	await b.dispose();
});

const auth = (t = token) => ({ headers: { Authorization: `Bearer ${t}` } });
const platformDir = (slug = 'demo') => join(b.data, 'platforms', slug);
const backupsDir = (slug = 'demo') => join(b.data, 'backups', slug);
const sql = (file, q) => execFileSync('sqlite3', [file, q], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function upload(name, data, t = token, host = 'demo.localhost') {
	const m = multipartBody({ owner: 'user', name }, { name, data });
	const res = await b.client(host).request('POST', '/api/v1/documents', {
		headers: { Authorization: `Bearer ${t}`, 'Content-Type': m.contentType },
		body: m.body,
	});
	assert.equal(res.status, 201, `upload ${name}: ${res.status} ${res.body}`);
	return res.json().id;
}

function getBytes(path, host = 'demo.localhost', t = token) {
	const c = b.client(host);
	return new Promise((resolve, reject) => {
		http.get({ host: '127.0.0.1', port: c.port, path, agent: false, setHost: false,
			   headers: { Host: c.host, Authorization: `Bearer ${t}` } }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
			res.on('error', reject);
		}).on('error', reject);
	});
}

// Every table of a database, each as its rows sorted on every column
// (virtual tables' shadow tables included).
function tables(file) {
	const names = sql(file, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%' ORDER BY name")
		.split('\n').filter(Boolean);
	const out = {};
	for (const t of names) {
		const n = Number(sql(file, `SELECT count(*) FROM pragma_table_info('${t}')`));
		const order = Array.from({ length: n }, (_, i) => i + 1).join(', ');
		out[t] = sql(file, `SELECT * FROM "${t}" ORDER BY ${order}`);
	}
	return out;
}

function ids(slug = 'demo') {
	return existsSync(backupsDir(slug))
		? readdirSync(backupsDir(slug)).filter((n) => /^\d{8}T\d{6}Z$/.test(n)).sort()
		: [];
}

async function backup(...extra) {
	const before = ids();
	const r = await b.cli('backup', 'run', '--platform', 'demo', ...extra);
	const after = ids();
	assert.equal(after.length, before.length + 1, r.stdout);
	// one per second: the next one gets its own name
	await sleep(1000);
	return after.filter((i) => !before.includes(i))[0];
}

test('round trip: back up, change and delete, restore to that date: equal table by table and byte for byte', async () => {
	// content: users, a group, a publication with a comment, documents
	const link = await b.createUser('demo', 'carol@demo.localhost', { name: 'Carol' });
	await activate(b.client(), link, PW);
	const group = await b.client().postJson('/api/v1/groups', { name: 'Backup club', kind: 'open' }, auth());
	assert.equal(group.status, 201);
	const post = await b.client().postJson('/api/v1/posts', { body: 'kept in the backup', group_id: group.json().id }, auth());
	assert.equal(post.status, 201);
	const comment = await b.client().postJson(`/api/v1/posts/${post.json().id}/comments`, { body: 'me too' }, auth());
	assert.equal(comment.status, 201);
	const docs = [];
	for (const size of [0, 1000, 3 * 65536 + 7]) {
		const data = randomBytes(size);
		docs.push({ id: await upload(`doc-${size}.bin`, data), data });
	}
	const mainBefore = tables(join(platformDir(), 'main.db'));
	const id = await backup();
	assert.ok(existsSync(join(backupsDir(), id, 'manifest.sig')));
	// no plaintext marker in the backup: the documents are encrypted
	const manifest = JSON.parse(readFileSync(join(backupsDir(), id, 'manifest.json'), 'utf8'));
	assert.equal(manifest.blobs.length >= 3, true);

	// change and delete
	assert.equal((await b.client().request('DELETE', `/api/v1/documents/${docs[1].id}`, auth())).status, 200);
	await upload('after.bin', randomBytes(5000));
	await b.client().postJson('/api/v1/posts', { body: 'after the backup' }, auth());
	await b.cli('user', 'create', '--platform', 'demo', '--email', 'dave@demo.localhost', '--name', 'Dave');
	assert.notDeepEqual(tables(join(platformDir(), 'main.db')), mainBefore);

	const r = await b.cli('restore', '--platform', 'demo', '--at', id);
	assert.match(r.stdout, new RegExp(`restored from backup demo/${id}`));
	const mainAfter = tables(join(platformDir(), 'main.db'));
	for (const t of Object.keys(mainBefore))
		assert.equal(mainAfter[t], mainBefore[t], `table ${t} differs after the restore`);
	assert.deepEqual(Object.keys(mainAfter), Object.keys(mainBefore));
	// the running server serves the restored platform: documents byte for byte
	for (const d of docs) {
		const res = await getBytes(`/api/v1/documents/${d.id}/content`);
		assert.equal(res.status, 200, `document ${d.id}`);
		assert.ok(res.body.equals(d.data), `document ${d.id} differs after the restore`);
	}
	// no blob left that the restored database does not know
	const known = sql(join(platformDir(), 'main.db'), 'SELECT name FROM blobs ORDER BY name').split('\n').filter(Boolean);
	assert.deepEqual(readdirSync(join(platformDir(), 'blobs')).filter((n) => /^[0-9a-f]{32}$/.test(n)).sort(), known);
	// the restore is in the restored platform's trail, and the trail verifies
	const events = sql(join(platformDir(), 'audit.db'), "SELECT target FROM events WHERE event = 'backup.restore'");
	assert.equal(events, id);
	await b.cli('audit', 'verify', '--platform', 'demo');
	// side by side: a new platform, the live one untouched
	const side = await b.cli('restore', '--platform', 'demo', '--at', id, '--as', 'demo-copy', '--host', 'copy.localhost');
	assert.match(side.stdout, /as demo-copy/);
	const copy = tables(join(platformDir('demo-copy'), 'main.db'));
	assert.equal(copy.users, mainBefore.users);
	await sleep(1200); // the server loads the new platform (BST_DB_WATCH_MAX_MS)
	const res = await getBytes(`/api/v1/documents/${docs[2].id}/content`, 'copy.localhost');
	assert.equal(res.status, 200);
	assert.ok(res.body.equals(docs[2].data));
});

// Restores a file's bytes after a tampering case.
function tamper(file, change) {
	const saved = readFileSync(file);
	change();
	return () => writeFileSync(file, saved);
}

test('tampering: a flipped byte, an edited manifest, a removed object: verify fails and restore refuses, naming it', async () => {
	await upload('tamper.bin', randomBytes(2000));
	const id = await backup();
	const dir = join(backupsDir(), id);
	const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
	const object = join(backupsDir(), 'objects', manifest.blobs[0].blake2b);
	// the databases are objects too, in chunks
	const [main, audit] = ['main.db', 'audit.db'].map((n) => manifest.databases.find((d) => d.name === n));
	const mainChunk = join(backupsDir(), 'objects', main.chunks[0].blake2b);
	const auditChunk = join(backupsDir(), 'objects', audit.chunks[0].blake2b);
	const cases = [
		['a flipped byte', () => tamper(mainChunk, () => {
			const buf = readFileSync(mainChunk);
			buf[buf.length >> 1] ^= 0x01;
			writeFileSync(mainChunk, buf);
		}), new RegExp(`main\\.db: chunk 0, object ${main.chunks[0].blake2b}: does not decrypt`)],
		['an edited manifest', () => tamper(join(dir, 'manifest.json'), () => {
			const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
			m.databases[0].chunks[0].size += 1;
			writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 1));
		}), /manifest\.json: the signature does not verify/],
		['a removed object', () => tamper(object, () => rmSync(object)), new RegExp(`object ${manifest.blobs[0].blake2b}.*missing`)],
		['a removed database chunk', () => tamper(auditChunk, () => rmSync(auditChunk)),
			new RegExp(`audit\\.db: chunk 0, object ${audit.chunks[0].blake2b}: missing`)],
	];
	for (const [what, make, named] of cases) {
		const undo = make();
		try {
		const v = await b.run(['backup', 'verify', '--platform', 'demo', '--backup', id]);
		assert.equal(v.code, 1, `verify after ${what}: ${v.stdout}`);
		assert.match(v.stdout, named, `verify after ${what}`);
		const before = sql(join(platformDir(), 'main.db'), 'SELECT count(*) FROM documents');
		const r = await b.run(['restore', '--platform', 'demo', '--at', id]);
		assert.equal(r.code, 1, `restore after ${what}`);
		assert.match(r.stderr, /does not verify, nothing restored/);
		assert.match(r.stderr, named, `restore after ${what}`);
		assert.equal(sql(join(platformDir(), 'main.db'), 'SELECT count(*) FROM documents'), before);
		} finally {
			undo();
		}
		assert.equal((await b.run(['backup', 'verify', '--platform', 'demo', '--backup', id])).code, 0);
	}
	// the platform is not left suspended by a refused restore
	assert.equal((await b.client().get('/login')).status, 200);
});

test('a backup killed part-way leaves earlier backups intact and nothing that looks like a backup; the next run succeeds', async () => {
	const earlier = ids();
	await upload('kill.bin', randomBytes(100000));
	const p = spawn(BIN, ['backup', 'run', '--platform', 'demo', '--data', b.data],
			{ env: { ...b.env(), BASTIDE_TEST_BACKUP_STALL: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
	let stderr = '';
	p.stderr.on('data', (d) => (stderr += d));
	const exited = new Promise((r) => p.on('exit', r));
	for (let i = 0; i < 400 && !/stalled/.test(stderr); i++)
		await sleep(25);
	assert.match(stderr, /stalled/);
	process.kill(p.pid, 'SIGKILL');
	await exited;
	assert.deepEqual(ids(), earlier);
	assert.ok(readdirSync(backupsDir()).some((n) => n.startsWith('.tmp-')), 'the interrupted run left its temporary directory');
	assert.equal((await b.run(['backup', 'list', '--platform', 'demo'])).stdout.trim().split('\n').length, earlier.length);
	await sleep(1000);
	await backup();
	assert.ok(!readdirSync(backupsDir()).some((n) => n.startsWith('.tmp-')), 'left-overs cleaned');
	assert.ok(!readdirSync(b.data).some((n) => n.startsWith('.scratch-')), 'plaintext scratch cleaned');
	const v = await b.cli('backup', 'verify', '--platform', 'demo');
	assert.match(v.stdout, new RegExp(`ok, ${earlier.length + 1} backups verified`));
});

test('a backup that cannot be written fails with exit 1, a clear message and a loud log line, leaving no backup', async () => {
	const earlier = ids();
	// a document whose file vanished: the backup cannot be complete
	const id = await upload('vanishing.bin', randomBytes(1000));
	const name = sql(join(platformDir(), 'main.db'), `SELECT b.name FROM blobs b JOIN document_versions v ON v.blob_id = b.id WHERE v.document_id = ${id}`);
	const file = join(platformDir(), 'blobs', name);
	const saved = readFileSync(file);
	rmSync(file);
	const r = await b.run(['backup', 'run', '--platform', 'demo']);
	writeFileSync(file, saved);
	assert.equal(r.code, 1);
	assert.match(r.stdout, /demo: FAILED: cannot read .*blobs/);
	assert.match(r.stderr, /error BACKUP FAILED for demo/);
	assert.deepEqual(ids(), earlier);
	assert.ok(!readdirSync(backupsDir()).some((n) => n.startsWith('.tmp-')));
});

test('restoring one platform while another is under load: the other sees no error', async () => {
	const { link, email } = await b.createPlatform('other');
	await activate(b.client('other.localhost'), link, PW);
	const otherToken = (await b.createToken('other', email, { scope: 'read-write' })).token;
	const id = await backup();
	let stop = false;
	const statuses = [];
	const demoStatuses = new Set();
	const load = (async () => {
		let n = 0;
		while (!stop) {
			const w = await b.client('other.localhost').postJson('/api/v1/posts', { body: `under load ${n++}` }, auth(otherToken));
			statuses.push(w.status);
			const r = await b.client('other.localhost').get('/api/v1/posts', auth(otherToken));
			statuses.push(r.status);
		}
	})();
	const watch = (async () => {
		while (!stop) {
			demoStatuses.add((await b.client().get('/login')).status);
			await sleep(20);
		}
	})();
	await b.cli('restore', '--platform', 'demo', '--at', id);
	stop = true;
	await Promise.all([load, watch]);
	assert.ok(statuses.length > 10, `only ${statuses.length} requests made`);
	assert.deepEqual([...new Set(statuses)].sort(), [200, 201]);
	// demo answered 503 (maintenance) while it was swapped, nothing else
	assert.ok(demoStatuses.has(503), `demo answered ${[...demoStatuses]}`);
	assert.deepEqual([...demoStatuses].filter((s) => s !== 200 && s !== 503), []);
	// resumed: the server sees it within its registry's poll (a second)
	let after = 0;
	for (let i = 0; i < 40 && after !== 200; i++) {
		after = (await b.client().get('/login')).status;
		if (after !== 200)
			await sleep(100);
	}
	assert.equal(after, 200);
});

// Starts s's server with the configuration file conf.
async function startWith(s, conf) {
	const saved = process.env.BASTIDE_CONFIG;
	process.env.BASTIDE_CONFIG = conf;
	try {
		await s.start();
	} finally {
		if (saved === undefined)
			delete process.env.BASTIDE_CONFIG;
		else
			process.env.BASTIDE_CONFIG = saved;
	}
}

test('the scheduler of serve takes the daily backup at [backup] time, once a day, then prunes', async () => {
	const s = new Bastide('backup-scheduler');
	try {
		await s.initWithDemo();
		// the slot two hours from now, UTC
		const at = new Date(Date.now() + 2 * 3600 * 1000);
		const hhmm = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
		const conf = join(s.dir, 'bastide.ini');
		writeFileSync(conf, `[backup]\nenabled = true\ntime = "${hhmm}"\ndaily = 2\nweekly = 0\nmonthly = 0\n`);
		await startWith(s, conf);
		const count = (scope) => (existsSync(join(s.data, 'backups', scope))
			? readdirSync(join(s.data, 'backups', scope)).filter((n) => /^\d{8}T\d{6}Z$/.test(n)).length : 0);
		// past the slot: one backup of demo and of the control database
		s.advanceClock(2 * 3600 * 1000 + 5 * 60 * 1000);
		await s.waitForLog(/backup _control\/\d{8}T\d{6}Z/, 20000);
		assert.equal(count('demo'), 1);
		assert.equal(count('_control'), 1);
		// later the same day: nothing more
		s.advanceClock(3600 * 1000);
		await sleep(2500);
		assert.equal(count('demo'), 1);
		// the next days: one each, pruned to the 2 daily kept
		for (let day = 1; day <= 3; day++) {
			s.advanceClock(DAY);
			const before = (s.log().match(/backup demo\//g) ?? []).length;
			for (let i = 0; i < 800 && (s.log().match(/backup demo\//g) ?? []).length === before; i++)
				await sleep(25);
		}
		// the prune follows each backup: wait for the third day's
		for (let i = 0; i < 400 && count('demo') !== 2; i++)
			await sleep(25);
		assert.match(s.log(), /backup prune demo: 1 backups/);
		assert.equal(count('demo'), 2);
	} finally {
		await s.dispose();
	}
});

test('a failing scheduled backup shows on the operator\'s health report until one succeeds', async () => {
	const s = new Bastide('backup-health');
	const backups = join(s.data, 'backups');
	try {
		await s.initWithDemo();
		const at = new Date(Date.now() + 2 * 3600 * 1000);
		const hhmm = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
		const conf = join(s.dir, 'bastide.ini');
		writeFileSync(conf, `[backup]\nenabled = true\ntime = "${hhmm}"\n`);
		await startWith(s, conf);
		const health = async () => {
			const r = await new Client(s.port, '127.0.0.1').get('/health');
			return { status: r.status, body: r.json() };
		};
		let h = await health();
		assert.equal(h.status, 200, JSON.stringify(h.body));
		assert.equal(h.body.backup.failing_scopes, 0);
		// nothing can be written where backups go (chattr: root ignores modes)
		mkdirSync(backups, { recursive: true });
		execFileSync('chattr', ['+i', backups]);
		s.advanceClock(2 * 3600 * 1000 + 5 * 60 * 1000);
		await s.waitForLog(/BACKUP FAILED for demo/, 20000);
		h = await health();
		assert.equal(h.status, 503);
		assert.equal(h.body.status, 'degraded');
		assert.ok(h.body.backup.failing_scopes >= 1);
		assert.ok(h.body.backup.last_failure_at);
		// writable again: the next check (every minute) backs up, and all is well
		execFileSync('chattr', ['-i', backups]);
		s.advanceClock(2 * 60 * 1000);
		await s.waitForLog(/backup _control\/\d{8}T\d{6}Z/, 20000);
		for (let i = 0; i < 40 && (h = await health()).status !== 200; i++)
			await sleep(100);
		assert.equal(h.status, 200, JSON.stringify(h.body));
		assert.equal(h.body.backup.failing_scopes, 0);
		assert.ok(h.body.backup.last_success_at);
	} finally {
		try { execFileSync('chattr', ['-i', backups]); } catch { /* not set */ }
		await s.dispose();
	}
});

// The set of backups the documented retention keeps, computed here from
// the definition: first backup of each UTC day / ISO week / month.
function expectedKinds(list, keep) {
	const isoWeek = (ms) => {
		const d = new Date(ms);
		const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7) + 3);
		const year = new Date(thursday).getUTCFullYear();
		const jan4 = new Date(Date.UTC(year, 0, 4));
		const week1 = Date.UTC(year, 0, 4 - ((jan4.getUTCDay() + 6) % 7) + 3);
		return year * 100 + 1 + Math.round((thursday - week1) / (7 * DAY));
	};
	const period = {
		daily: (ms) => Math.floor(ms / DAY),
		weekly: isoWeek,
		monthly: (ms) => new Date(ms).getUTCFullYear() * 12 + new Date(ms).getUTCMonth(),
	};
	const out = new Map(list.map((x) => [x.id, new Set()]));
	for (const [kind, count] of Object.entries(keep)) {
		let seen = 0;
		for (let i = list.length - 1; i >= 0 && seen < count; i--) {
			if (i > 0 && period[kind](list[i - 1].ms) === period[kind](list[i].ms))
				continue;
			out.get(list[i].id).add(kind);
			seen++;
		}
	}
	return out;
}

test('400 days of daily backups, pruned as the scheduler does: 7 daily, 4 weekly, 12 monthly remain, here and on the target, and each verifies', async () => {
	const r = new Bastide('backup-retention');
	try {
		await r.initWithDemo();
		// an off-site target on a mounted disk: the same retention applies there
		const disk = join(r.dir, 'disk');
		const conf = join(r.dir, 'target.ini');
		writeFileSync(conf, `[target disk]\nurl = ${disk}\nprovider = Test\nregion = EU (here)\n`);
		const email = 'admin@demo.localhost';
		let t = null;
		const docs = new Map();
		const all = [];
		for (let day = 0; day < 400; day++) {
			r.setClock(day * DAY);
			// documents come and go: old objects must stay while a kept
			// backup needs them, and go once none does
			if (day % 45 === 0) {
				if (!r.running)
					await r.start();
				t = (await r.createToken('demo', email, { scope: 'read-write' })).token;
				const m = multipartBody({ owner: 'user', name: `d${day}.bin` }, { name: `d${day}.bin`, data: randomBytes(3000) });
				const res = await r.client().request('POST', '/api/v1/documents', {
					headers: { Authorization: `Bearer ${t}`, 'Content-Type': m.contentType }, body: m.body });
				assert.equal(res.status, 201);
				docs.set(day, res.json().id);
				if (docs.has(day - 90))
					assert.equal((await r.client().request('DELETE', `/api/v1/documents/${docs.get(day - 90)}`,
						{ headers: { Authorization: `Bearer ${t}` } })).status, 200);
			}
			const run = await r.run(['backup', 'run', '--platform', 'demo', '--prune', '--config', conf]);
			assert.equal(run.code, 0, `day ${day}: ${run.stdout} ${run.stderr}`);
			all.push(/backup (\d{8}T\d{6}Z)/.exec(run.stdout)[1]);
		}
		const list = (await r.cli('backup', 'list', '--platform', 'demo')).stdout.trim().split('\n')
			.map((l) => l.trim().split(/\s+/)).map((f) => ({ id: f[1], kinds: new Set(f[3].split(',')) }));
		const count = (k) => list.filter((x) => x.kinds.has(k)).length;
		assert.equal(count('daily'), 7);
		assert.equal(count('weekly'), 4);
		assert.equal(count('monthly'), 12);
		const toMs = (id) => Date.UTC(+id.slice(0, 4), +id.slice(4, 6) - 1, +id.slice(6, 8), +id.slice(9, 11), +id.slice(11, 13), +id.slice(13, 15));
		const expected = expectedKinds(all.map((id) => ({ id, ms: toMs(id) })), { daily: 7, weekly: 4, monthly: 12 });
		const kept = [...expected].filter(([, k]) => k.size).map(([id]) => id);
		assert.deepEqual(list.map((x) => x.id), kept);
		for (const x of list)
			assert.deepEqual([...x.kinds].sort(), [...expected.get(x.id)].sort(), `kinds of ${x.id}`);
		// every object a kept backup needs is there (verify reads them all),
		// and no other object is
		const v = await r.cli('backup', 'verify', '--platform', 'demo');
		assert.match(v.stdout, new RegExp(`ok, ${kept.length} backups verified`));
		const needed = new Set();
		for (const id of kept) {
			const m = JSON.parse(readFileSync(join(r.data, 'backups', 'demo', id, 'manifest.json'), 'utf8'));
			for (const blob of m.blobs)
				needed.add(blob.blake2b);
			for (const db of m.databases)
				for (const chunk of db.chunks)
					needed.add(chunk.blake2b);
		}
		assert.deepEqual(readdirSync(join(r.data, 'backups', 'demo', 'objects')).sort(), [...needed].sort());
		// the target holds the same backups and objects, and they read back
		const remote = (await r.cli('backup', 'list', '--platform', 'demo', '--target', 'disk', '--config', conf))
			.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)[1]);
		assert.deepEqual(remote, kept);
		assert.deepEqual(readdirSync(join(disk, 'demo')).filter((n) => /^\d{8}T\d{6}Z$/.test(n)).sort(), kept);
		assert.deepEqual(readdirSync(join(disk, 'demo', 'objects')).sort(), [...needed].sort());
		const vt = await r.cli('backup', 'verify', '--platform', 'demo', '--target', 'disk', '--config', conf);
		assert.match(vt.stdout, /demo: ok on \[target disk\]/);
	} finally {
		await r.dispose();
	}
});
