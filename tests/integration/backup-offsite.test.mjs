// Off-site copies of the backups to a real OpenSSH server on loopback
// (internal-sftp, key authentication, the host key pinned): each backup
// is copied after it is taken, with the key-store replica; it lists,
// verifies and restores from there; a wrong pin or another installation's
// target is refused; a byte flipped on the target makes verify fail and
// names the object; a platform whose local backups are lost is restored
// from the target; a whole installation is rebuilt on an empty data
// directory from the target and the master key; the scheduler's restore
// drill reads the latest backup back and alerts on the health report and
// the operator's Backups page when it fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { Bastide, Client, DAY, multipartBody } from './lib/bastide.mjs';
import { SFTP_USER, Sshd } from './lib/sshd.mjs';

const sshd = new Sshd();
const RUN = `offsite-${process.pid}`;
const b = new Bastide('backup-offsite');
let token;
let remote; // the target's directory, as the SFTP server's disk holds it

const sql = (file, q) => execFileSync('sqlite3', [file, q], { encoding: 'utf8' }).trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let configs = 0;
function config(s, { pin = sshd.hostPin, dir = `${RUN}/bastide`, extra = '' } = {}) {
	const file = join(s.dir, `offsite-${++configs}.ini`);
	writeFileSync(file, [
		'[target offsite]',
		`url = sftp://${SFTP_USER}@127.0.0.1:${sshd.port}/~/${dir}`,
		`ssh_key = ${sshd.clientKey}`,
		`host_key_sha256 = ${pin}`,
		'provider = Test Hosting SAS',
		'region = EU (France, Roubaix)',
		extra, '',
	].join('\n'));
	return file;
}

const cli = (s, conf, ...args) => s.run([...args, '--config', conf]);

async function upload(name, data) {
	const m = multipartBody({ owner: 'user', name }, { name, data });
	const res = await b.client().request('POST', '/api/v1/documents', {
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': m.contentType }, body: m.body });
	assert.equal(res.status, 201, `upload ${name}: ${res.status} ${res.body}`);
	return res.json().id;
}

function download(id, s = b, tok = token) {
	const c = s.client();
	return new Promise((resolve, reject) => {
		http.get({ host: '127.0.0.1', port: c.port, path: `/api/v1/documents/${id}/content`, agent: false,
			   setHost: false, headers: { Host: c.host, Authorization: `Bearer ${tok}` } }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
		}).on('error', reject);
	});
}

const ids = (dir) => (existsSync(dir) ? readdirSync(dir).filter((n) => /^\d{8}T\d{6}Z$/.test(n)).sort() : []);

before(async () => {
	await sshd.start();
	sshd.scratch(RUN);
	remote = join(sshd.home, RUN, 'bastide');
	const demo = await b.initWithDemo();
	token = (await b.createToken('demo', demo.email, { scope: 'read-write' })).token;
	await b.start();
});

after(async () => {
	await b.dispose();
	sshd.scratch(RUN);
	await sshd.stop();
});

const docs = new Map();
let first;

test('a backup is copied to the SFTP target with the key-store replica; list and verify read it back', async () => {
	for (let i = 0; i < 3; i++) {
		const data = randomBytes(50000 + i);
		docs.set(await upload(`f${i}.bin`, data), data);
	}
	const conf = config(b);
	const t = await cli(b, conf, 'backup', 'targets');
	assert.equal(t.code, 0, t.stdout + t.stderr);
	assert.match(t.stdout, /\[target offsite\] sftp .* provider Test Hosting SAS, region EU \(France, Roubaix\): ok/);
	const run = await cli(b, conf, 'backup', 'run', '--prune');
	assert.equal(run.code, 0, run.stdout + run.stderr);
	assert.match(run.stdout, /key store: replicated to \[target offsite\]/);
	assert.match(run.stdout, /demo: 1 copied to \[target offsite\]/);
	assert.match(run.stdout, /_control: 1 copied to \[target offsite\]/);
	first = /demo: backup (\d{8}T\d{6}Z)/.exec(run.stdout)[1];
	// the same layout as the local store, complete, and nothing half-sent
	assert.deepEqual(ids(join(remote, 'demo')), [first]);
	for (const f of readdirSync(join(b.data, 'backups', 'demo', first)))
		assert.ok(readFileSync(join(remote, 'demo', first, f)).equals(readFileSync(join(b.data, 'backups', 'demo', first, f))), f);
	assert.deepEqual(readdirSync(join(remote, 'demo', 'objects')).sort(),
			 readdirSync(join(b.data, 'backups', 'demo', 'objects')).filter((n) => !n.startsWith('.')).sort());
	assert.deepEqual(readdirSync(join(remote, '_keys')).sort(), ['audit.key.bst', 'audit.pub', 'keys.db.bst']);
	assert.match(readFileSync(join(remote, 'BASTIDE-TARGET'), 'utf8'), /installation whose public key is [0-9a-f]{64}/);
	// the key store is not readable there without the master key
	assert.ok(!readFileSync(join(remote, '_keys', 'keys.db.bst')).includes('SQLite format'));
	const l = await cli(b, conf, 'backup', 'list', '--target', 'offsite', '--platform', 'demo');
	assert.equal(l.code, 0, l.stderr);
	assert.match(l.stdout, new RegExp(`demo\\s+${first}\\s+\\S+\\s+daily,weekly,monthly`));
	const v = await cli(b, conf, 'backup', 'verify', '--target', 'offsite');
	assert.equal(v.code, 0, v.stdout + v.stderr);
	assert.match(v.stdout, new RegExp(`demo: ok on \\[target offsite\\], backup ${first} verified`));
	assert.match(v.stdout, /_control: ok on \[target offsite\]/);
	// a second run sends only what changed
	await sleep(1100); // one backup per second
	const again = await cli(b, conf, 'backup', 'run', '--platform', 'demo');
	assert.equal(again.code, 0, again.stderr);
	assert.equal(ids(join(remote, 'demo')).length, 2);
});

test('a wrong pinned host key is refused: nothing is sent, the local backup is still taken', async () => {
	const wrong = config(b, { pin: 'SHA256:' + Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '') });
	const t = await cli(b, wrong, 'backup', 'targets');
	assert.equal(t.code, 1);
	assert.match(t.stdout, /FAILED: .*host key is not the one pinned/);
	const before = ids(join(remote, 'demo'));
	await sleep(1100); // one backup per second
	const run = await cli(b, wrong, 'backup', 'run', '--platform', 'demo');
	assert.equal(run.code, 1);
	assert.match(run.stdout, /demo: backup \d{8}T\d{6}Z/);
	assert.match(run.stdout, /demo: copy to \[target offsite\] FAILED: .*not the one pinned/);
	assert.deepEqual(ids(join(remote, 'demo')), before);
	// the next run with the right pin catches up
	const ok = await cli(b, config(b), 'backup', 'copy', '--platform', 'demo');
	assert.equal(ok.code, 0, ok.stdout + ok.stderr);
	assert.match(ok.stdout, /demo: 1 copied to \[target offsite\]/);
	assert.deepEqual(ids(join(remote, 'demo')), ids(join(b.data, 'backups', 'demo')));
});

test('a byte flipped on the target fails verify, naming the object; a removed manifest too', async () => {
	const conf = config(b);
	const objects = readdirSync(join(remote, 'demo', 'objects'));
	const victim = join(remote, 'demo', 'objects', objects[0]);
	const saved = readFileSync(victim);
	const flipped = Buffer.from(saved);
	flipped[flipped.length >> 1] ^= 1;
	writeFileSync(victim, flipped);
	try {
		const v = await cli(b, conf, 'backup', 'verify', '--target', 'offsite', '--platform', 'demo', '--backup', first);
		assert.equal(v.code, 1);
		assert.match(v.stdout, new RegExp(`demo: FAILED on \\[target offsite\\]: .*${objects[0]}`));
	} finally {
		writeFileSync(victim, saved);
	}
	const manifest = join(remote, 'demo', first, 'manifest.json');
	const text = readFileSync(manifest, 'utf8');
	writeFileSync(manifest, text.replace('"demo"', '"dema"'));
	try {
		const v = await cli(b, conf, 'backup', 'verify', '--target', 'offsite', '--platform', 'demo', '--backup', first);
		assert.equal(v.code, 1);
		assert.match(v.stdout, /signature does not verify/);
	} finally {
		writeFileSync(manifest, text);
	}
	const v = await cli(b, conf, 'backup', 'verify', '--target', 'offsite', '--platform', 'demo', '--backup', first);
	assert.equal(v.code, 0, v.stdout);
});

test('a platform whose local backups are lost is restored from the target', async () => {
	const conf = config(b);
	const main = join(b.data, 'platforms', 'demo', 'main.db');
	const users = sql(main, 'SELECT count(*) FROM users');
	const [id0] = docs.keys();
	assert.equal((await b.client().request('DELETE', `/api/v1/documents/${id0}`,
		{ headers: { Authorization: `Bearer ${token}` } })).status, 200);
	execFileSync('rm', ['-rf', join(b.data, 'backups', 'demo')]);
	const r = await cli(b, conf, 'restore', '--platform', 'demo', '--at', first);
	assert.equal(r.code, 0, r.stdout + r.stderr);
	assert.match(r.stdout, new RegExp(`restored from backup demo/${first}`));
	assert.equal(sql(main, 'SELECT count(*) FROM users'), users);
	for (const [id, data] of docs) {
		let got;
		for (let i = 0; i < 40 && (got = await download(id)).status !== 200; i++)
			await sleep(100); // resumed within the registry's poll
		assert.equal(got.status, 200, `document ${id}`);
		assert.ok(got.body.equals(data), `document ${id} byte for byte`);
	}
});

test('another installation cannot use the target; restore --all rebuilds this one on an empty machine', async () => {
	const other = new Bastide('backup-offsite-other');
	const fresh = new Bastide('backup-offsite-new');
	try {
		await other.initWithDemo();
		const theirs = await cli(other, config(other), 'backup', 'run');
		assert.equal(theirs.code, 1);
		assert.match(theirs.stdout, /holds the copies of another installation/);
		// an empty machine: init, the master key put back, the same target
		await fresh.cli('init');
		copyFileSync(join(b.data, 'master.key'), join(fresh.data, 'master.key'));
		const conf = config(fresh);
		const r = await cli(fresh, conf, 'restore', '--all', '--from', 'offsite');
		assert.equal(r.code, 0, r.stdout + r.stderr);
		assert.match(r.stdout, /key store and signing key: restored/);
		assert.match(r.stdout, /control database: restored from backup/);
		assert.match(r.stdout, /demo: restored from backup \d{8}T\d{6}Z/);
		const latest = ids(join(remote, 'demo')).at(-1);
		assert.match(r.stdout, new RegExp(`demo: restored from backup ${latest}`));
		// the same installation: its trail verifies with its own key
		assert.equal(readFileSync(join(fresh.data, 'audit.pub'), 'utf8'), readFileSync(join(b.data, 'audit.pub'), 'utf8'));
		const a = await fresh.cli('audit', 'verify', '--platform', 'demo');
		assert.match(a.stdout, /^ok/);
		// and the platform serves its documents
		await fresh.start();
		const tok = (await fresh.createToken('demo', 'admin@demo.localhost', { scope: 'read' })).token;
		const [deleted] = docs.keys(); // deleted before the latest backup
		for (const [id, data] of docs) {
			const got = await download(id, fresh, tok);
			if (id === deleted)
				continue;
			assert.equal(got.status, 200, `document ${id}`);
			assert.ok(got.body.equals(data), `document ${id} byte for byte`);
		}
		// refused where platforms exist
		const again = await cli(fresh, conf, 'restore', '--all', '--from', 'offsite');
		assert.equal(again.code, 1);
		assert.match(again.stderr, /has platforms already/);
	} finally {
		await other.dispose();
		await fresh.dispose();
	}
});

test('the scheduler copies, and its restore drill alerts on the health report and the Backups page when the target is damaged', async () => {
	const s = new Bastide('backup-offsite-drill');
	const saved = new Map();
	try {
		await s.initWithDemo();
		const at = new Date(Date.now() + 2 * 3600 * 1000);
		const hhmm = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
		const conf = config(s, { dir: `${RUN}/drill`, extra: `[backup]\nenabled = true\ntime = "${hhmm}"\ndrill_days = 7\n` });
		process.env.BASTIDE_CONFIG = conf;
		try {
			await s.start();
		} finally {
			delete process.env.BASTIDE_CONFIG;
		}
		s.advanceClock(2 * 3600 * 1000 + 5 * 60 * 1000);
		await s.waitForLog(/backup _control: 1 copied to \[target offsite\]/, 90000);
		s.advanceClock(2 * 60 * 1000); // the next look: the drill
		await s.waitForLog(/restore drill demo on \[target offsite\]: ok/, 90000);
		const op = new Client(s.port, '127.0.0.1');
		let page = await op.get('/operator/backups');
		assert.equal(page.status, 200);
		assert.match(page.body, /EU \(France, Roubaix\)/);
		assert.match(page.body, /Test Hosting SAS/);
		const j = (await op.get('/operator/backups.json')).json();
		const demo = j.scopes.find((x) => x.scope === 'demo');
		assert.equal(demo.attention, false, JSON.stringify(demo));
		assert.equal(demo.targets.offsite.copy.ok, true);
		assert.equal(demo.targets.offsite.verify.ok, true);
		// not for a platform's visitors
		assert.equal((await s.client().get('/operator/backups')).status, 404);
		// a week on: the day's backup is copied, then its drill reads it back
		// from a target where every stored byte of it was damaged
		s.advanceClock(7 * DAY);
		await s.waitForLog(/backup demo: 1 copied to \[target offsite\].*\n(.|\n)*backup demo: 1 copied/, 90000);
		const dir = join(sshd.home, RUN, 'drill', 'demo');
		const id = ids(dir).at(-1);
		const files = readdirSync(join(dir, id)).filter((f) => f.endsWith('.bst')).map((f) => join(dir, id, f));
		if (existsSync(join(dir, 'objects')))
			files.push(...readdirSync(join(dir, 'objects')).map((f) => join(dir, 'objects', f)));
		for (const f of files) {
			const data = readFileSync(f);
			saved.set(f, Buffer.from(data));
			data[data.length >> 1] ^= 1;
			writeFileSync(f, data);
		}
		s.advanceClock(2 * 60 * 1000);
		await s.waitForLog(/RESTORE DRILL FAILED for demo on \[target offsite\]/, 90000);
		const h = await op.get('/health');
		assert.equal(h.status, 503);
		assert.ok(h.json().backup.failing_scopes >= 1);
		page = await op.get('/operator/backups');
		assert.match(page.body, /role="alert"/);
		assert.match(page.body, /verification failed/);
		// repaired: the failed drill is run again an hour later, and passes
		for (const [f, data] of saved)
			writeFileSync(f, data);
		saved.clear();
		s.advanceClock(61 * 60 * 1000);
		await s.waitForLog(/RESTORE DRILL FAILED for demo[^\n]*\n(.|\n)*restore drill demo on \[target offsite\]: ok/, 90000);
		let healthy = await op.get('/health');
		for (let i = 0; i < 40 && healthy.status !== 200; i++) {
			await sleep(100);
			healthy = await op.get('/health');
		}
		assert.equal(healthy.status, 200, healthy.body);
	} finally {
		for (const [f, data] of saved)
			writeFileSync(f, data);
		await s.dispose();
	}
});

test('destroying a platform removes its copies from the target and its key from the replica; an unreachable target is finished later', async () => {
	const conf = config(b);
	const marker = `MARKER-${randomBytes(8).toString('hex')}`;
	for (const slug of ['gone', 'late']) {
		await b.createPlatform(slug);
		// planted in the platform's data: in its backups, encrypted
		sql(join(b.data, 'platforms', slug, 'main.db'), `UPDATE users SET name = '${marker}'`);
	}
	await sleep(1100); // one backup per second
	const run = await cli(b, conf, 'backup', 'run');
	assert.equal(run.code, 0, run.stdout + run.stderr);
	for (const slug of ['gone', 'late'])
		assert.equal(ids(join(remote, slug)).length, 1, slug);
	// reachable: removed at once, and said so in the signed report
	let r = await cli(b, conf, 'platform', 'destroy', 'gone', '--confirm', 'gone');
	assert.equal(r.code, 0, r.stderr);
	let report = JSON.parse(r.stdout);
	assert.equal(report.off_site.length, 1);
	assert.equal(report.off_site[0].target, 'offsite');
	assert.equal(report.off_site[0].region, 'EU (France, Roubaix)');
	assert.match(report.off_site[0].backups, /^removed \(\d+ files\)$/);
	assert.match(report.off_site[0].key_store_replica, /^replaced by the key store without/);
	assert.ok(!existsSync(join(remote, 'gone')));
	// unreachable (a wrong pin): named in the report, removed by the next copy
	const wrong = config(b, { pin: 'SHA256:' + Buffer.alloc(32, 9).toString('base64').replace(/=+$/, '') });
	r = await cli(b, wrong, 'platform', 'destroy', 'late', '--confirm', 'late');
	assert.equal(r.code, 0, r.stderr);
	report = JSON.parse(r.stdout);
	assert.match(report.off_site[0].backups, /^not reached .*removed later/);
	assert.ok(existsSync(join(remote, 'late')));
	const c = await cli(b, conf, 'backup', 'copy');
	assert.equal(c.code, 0, c.stdout + c.stderr);
	assert.match(c.stdout, /late \(destroyed\): its copies on \[target offsite\] removed/);
	assert.ok(!existsSync(join(remote, 'late')));
	// nowhere on the target nor here, in any form
	const holding = (dir) => {
		try {
			return execFileSync('grep', ['-rlaF', marker, dir], { encoding: 'utf8' }).trim();
		} catch (e) {
			return e.status === 1 ? '' : String(e);
		}
	};
	assert.equal(holding(remote), '');
	assert.equal(holding(b.data), '');
	// a new machine rebuilt from the target knows neither: their keys are
	// gone from the replica, even though an older control backup lists them
	const fresh = new Bastide('backup-offsite-after');
	try {
		await fresh.cli('init');
		copyFileSync(join(b.data, 'master.key'), join(fresh.data, 'master.key'));
		const all = await cli(fresh, config(fresh), 'restore', '--all', '--from', 'offsite');
		assert.equal(all.code, 0, all.stdout + all.stderr);
		const list = (await fresh.cli('platform', 'list')).stdout;
		assert.doesNotMatch(list, /^(gone|late)\s/m);
		assert.match(list, /^demo\s/m);
	} finally {
		await fresh.dispose();
	}
});

test('a target that cannot be written (a read-only disk) fails the copy, loudly; the backup stays here; the next copy catches up', async () => {
	const disk = join(b.dir, 'disk');
	const conf = join(b.dir, 'disk.ini');
	writeFileSync(conf, `[target disk]\nurl = ${disk}\nprovider = Local\nregion = EU (here)\n`);
	let r = await cli(b, conf, 'backup', 'copy', '--platform', 'demo');
	assert.equal(r.code, 0, r.stdout + r.stderr);
	await sleep(1100);
	execFileSync('chattr', ['+i', join(disk, 'demo')]);
	try {
		r = await cli(b, conf, 'backup', 'run', '--platform', 'demo');
		assert.equal(r.code, 1);
		const id = /demo: backup (\d{8}T\d{6}Z)/.exec(r.stdout)[1];
		assert.match(r.stdout, /demo: copy to \[target disk\] FAILED: /);
		assert.match(r.stderr, /BACKUP COPY FAILED for demo to \[target disk\]/);
		assert.ok(existsSync(join(b.data, 'backups', 'demo', id, 'manifest.json')));
		assert.ok(!ids(join(disk, 'demo')).includes(id));
		const st = await cli(b, conf, 'backup', 'status');
		assert.equal(st.code, 1);
		assert.match(st.stdout, /demo: .*ATTENTION: \[target disk\]: the last copy failed/);
	} finally {
		execFileSync('chattr', ['-i', join(disk, 'demo')]);
	}
	r = await cli(b, conf, 'backup', 'copy', '--platform', 'demo');
	assert.equal(r.code, 0, r.stdout + r.stderr);
	assert.deepEqual(ids(join(disk, 'demo')), ids(join(b.data, 'backups', 'demo')));
	const st = await cli(b, conf, 'backup', 'status');
	assert.doesNotMatch(st.stdout, /^demo: .*ATTENTION/m);
});
