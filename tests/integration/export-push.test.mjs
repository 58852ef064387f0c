// The back office's export destination (issue 6): a platform administrator
// sets where exports go (/admin/export/destination) and the server pushes
// them there, showing the progress on /admin/export. Against a real OpenSSH
// server (internal-sftp) that authorises the installation's own key, shown
// on the page, and a real vsftpd with explicit TLS (its certificate pasted
// as the CA, the password sealed in main.db): the archive arrives, its size
// and SHA-256 checked on the server's side against the download, and the
// page says delivered; a wrong pinned host key fails with a clear message
// and nothing sent; members get 403; every change is in the trail and no
// password is anywhere but sealed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Bastide, activate, csrfOf, noticesOf, unescapeHtml } from './lib/bastide.mjs';
import { SFTP_USER, Sshd } from './lib/sshd.mjs';
import { FTP_USER, Vsftpd } from './lib/vsftpd.mjs';
import { stopTransferServers } from './lib/transfer-servers.mjs';
import { sqlite } from './lib/trail.mjs';

const b = new Bastide('export-push');
const sshd = new Sshd();
const ftpd = new Vsftpd();
const RUN = `p${process.pid}`; // this run's folder in each user's home
const PASSPHRASE = 'the client chose this passphrase';
const PW = 'seven careful herons counting';
let admin;
let member;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const notices = (res) => unescapeHtml(noticesOf(res.body).join(' '));
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const events = (event) => sqlite(join(b.data, 'platforms', 'demo', 'audit.db'),
	`SELECT details FROM events WHERE event = '${event}' ORDER BY id`).split('\n').filter(Boolean).map((l) => JSON.parse(l));
const sftpFolder = (sub) => `sftp://${SFTP_USER}@127.0.0.1:${sshd.port}/~/${RUN}/${sub}`;

async function setDestination(fields) {
	const page = await admin.get('/admin/export/destination');
	assert.equal(page.status, 200);
	return admin.post('/admin/export/destination', {
		csrf: csrfOf(page.body), action: 'save', url: '', host_key_sha256: '', ca_pem: '',
		pinned_key: '', password: '', ...fields,
	});
}

// Starts an export (pushed once ready) and waits until the page says how
// the push ended; returns the page's text and the export's id.
async function exportAndPush() {
	const page = await admin.get('/admin/export');
	assert.match(page.body, /name="push" value="1" checked/, 'the push is offered when a destination is set');
	const res = await admin.post('/admin/export', {
		csrf: csrfOf(page.body), method: 'passphrase', passphrase: PASSPHRASE, confirm: PASSPHRASE, push: '1',
	});
	assert.equal(res.status, 303, notices(res));
	return waitForPush();
}

async function waitForPush(timeoutMs = 60000) {
	let sawRefresh = false;
	for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(200)) {
		const page = await admin.get('/admin/export');
		assert.equal(page.status, 200);
		// the page's words, without its tags
		const text = unescapeHtml(page.body.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
		if (page.headers.refresh)
			sawRefresh = true;
		const pending = /id="push-state">(It will be sent|Sending to)/.test(page.body);
		if (/Delivered to|failed:/.test(text) && !pending) {
			const id = Number(/\/admin\/export\/(\d+)\/download/.exec(page.body)?.[1]);
			return { text, id, sawRefresh, refresh: page.headers.refresh };
		}
	}
	throw new Error('the push did not end in time');
}

before(async () => {
	const demo = await b.initWithDemo();
	await sshd.start();
	await ftpd.start();
	await b.start();
	admin = b.client();
	assert.equal((await admin.login(demo.email, demo.password)).status, 303);
	member = b.client();
	await activate(member, await b.createUser('demo', 'alice@demo.localhost'), PW);
	assert.equal((await member.login('alice@demo.localhost', PW)).status, 303);
});

after(async () => {
	await stopTransferServers(sshd, ftpd, RUN);
	await b.dispose();
});

test('members cannot see nor set the destination, nor push', async () => {
	assert.equal((await member.get('/admin/export/destination')).status, 403);
	const page = await member.get('/settings');
	const res = await member.post('/admin/export/destination', { csrf: csrfOf(page.body), action: 'remove' });
	assert.equal(res.status, 403);
	assert.equal((await member.post('/admin/export/1/push', { csrf: csrfOf(page.body) })).status, 403);
	assert.ok([303, 401].includes((await b.client().get('/admin/export/destination')).status), 'anonymous: to the sign-in page');
});

test('the page shows the installation\'s SSH key, made once, and refuses what is not a safe destination', async () => {
	const page = await admin.get('/admin/export/destination');
	assert.equal(page.status, 200);
	const line = /<pre class="key" id="ssh-public-key">([^<]+)<\/pre>/.exec(page.body)?.[1];
	assert.ok(line, 'the public key line is shown');
	assert.match(line, /^ssh-ed25519 [A-Za-z0-9+/=]{68} bastide-transfer$/);
	assert.equal(readFileSync(join(b.data, 'transfer_ed25519.pub'), 'utf8').trim(), line);
	assert.equal(statSync(join(b.data, 'transfer_ed25519')).mode & 0o777, 0o600);
	// shown again, the same
	assert.match((await admin.get('/admin/export/destination')).body, new RegExp(line.replace(/[+/]/g, '\\$&')));

	let res = await setDestination({ url: `ftp://${FTP_USER}@127.0.0.1:${ftpd.port}/x`, password: 'x', pinned_key: ftpd.pin });
	assert.equal(res.status, 400);
	assert.match(notices(res), /plain FTP is refused/);
	res = await setDestination({ url: sftpFolder('a') });
	assert.equal(res.status, 400);
	assert.match(notices(res), /fingerprint of the server's host key/);
	res = await setDestination({ url: `ftps://${FTP_USER}@127.0.0.1:${ftpd.port}/${RUN}`, password: 'x' });
	assert.equal(res.status, 400);
	assert.match(notices(res), /CA certificate .* or the server's pinned public key/);
	res = await setDestination({ url: `ftps://${FTP_USER}:secret@127.0.0.1/${RUN}`, pinned_key: ftpd.pin, password: 'x' });
	assert.equal(res.status, 400);
	assert.match(notices(res), /no password in the URL/);
	assert.equal(events('platform.export.destination').length, 0, 'nothing was set');
});

test('an export pushed over SFTP with the installation\'s key arrives whole, and the page says delivered', async () => {
	const line = readFileSync(join(b.data, 'transfer_ed25519.pub'), 'utf8');
	sshd.authorize(line);
	const res = await setDestination({ url: `${sftpFolder('exports')}/`, host_key_sha256: sshd.hostPin });
	assert.equal(res.status, 303, notices(res));
	const set = events('platform.export.destination').at(-1);
	assert.equal(set.change, 'set');
	assert.equal(set.url, sftpFolder('exports'));
	assert.equal(set.host_key_sha256, sshd.hostPin);

	const { text, id, sawRefresh } = await exportAndPush();
	assert.ok(sawRefresh, 'the page refreshed itself while it ran');
	const m = /Delivered to (sftp:\S+): [\d.]+ MB, SHA-256 ([0-9a-f]{64}) \./.exec(text);
	assert.ok(m, `not delivered: ${text.slice(0, 2000)}`);
	const [, url, hash] = m;
	const name = url.split('/').at(-1);
	assert.match(name, /^demo-export-\d{8}-\d{6}-\d+\.tar\.zst\.gpg$/);
	assert.equal(url, `${sftpFolder('exports')}/${name}`);

	// on the server's side: the archive, whole, and its .sha256
	const dir = join(sshd.home, RUN, 'exports');
	assert.deepEqual(readdirSync(dir).sort(), [name, `${name}.sha256`]);
	const arrived = readFileSync(join(dir, name));
	assert.equal(sha256(arrived), hash);
	assert.equal(readFileSync(join(dir, `${name}.sha256`), 'utf8'), `${hash}  ${name}\n`);
	// the very file the administrator downloads
	const dl = await admin.get(`/admin/export/${id}/download`);
	assert.equal(dl.status, 200);
	assert.equal(dl.raw.length, arrived.length);
	assert.equal(sha256(dl.raw), hash);

	const e = events('platform.export.transfer').at(-1);
	assert.equal(e.transfer, 'delivered');
	assert.equal(e.destination, url);
	assert.equal(e.sha256, hash);
	assert.equal(e.size, arrived.length);
	assert.equal(events('platform.export.start').at(-1).push, true);
});

test('a wrong pinned host key: the push fails with a clear message, nothing is sent, and it can be sent again', async () => {
	const wrong = `SHA256:${randomBytes(32).toString('base64').replace(/=+$/, '')}`;
	let res = await setDestination({ url: sftpFolder('wrong'), host_key_sha256: wrong });
	assert.equal(res.status, 303, notices(res));
	const { text, id } = await exportAndPush();
	assert.match(text, /Sending to sftp:\S+ failed: .*the server is not the one expected.*nothing sent/);
	assert.equal(existsSync(join(sshd.home, RUN, 'wrong')), false);
	const e = events('platform.export.transfer').at(-1);
	assert.equal(e.transfer, 'failed');
	assert.match(e.transfer_error, /not the one expected/);

	// the right key, and the same export sent again with the button
	res = await setDestination({ url: sftpFolder('wrong'), host_key_sha256: sshd.hostPin });
	assert.equal(res.status, 303);
	const page = await admin.get('/admin/export');
	assert.match(page.body, /Send to the destination again/);
	res = await admin.post(`/admin/export/${id}/push`, { csrf: csrfOf(page.body) });
	assert.equal(res.status, 303, notices(res));
	const again = await waitForPush();
	assert.match(again.text, /Delivered to sftp:/);
	assert.equal(readdirSync(join(sshd.home, RUN, 'wrong')).length, 2);
	assert.equal((await admin.post('/admin/export/999999/push', { csrf: csrfOf(page.body) })).status, 404);
});

test('FTPS: the CA pasted, the password sealed, never shown nor logged; asked again for another server', async () => {
	const ca = readFileSync(ftpd.cert, 'utf8');
	let res = await setDestination({ url: `ftps://${FTP_USER}@127.0.0.1:${ftpd.port}/${RUN}/ftps`, ca_pem: ca,
		password: ftpd.password });
	assert.equal(res.status, 303, notices(res));
	const form = await admin.get('/admin/export/destination');
	assert.doesNotMatch(form.body, new RegExp(ftpd.password));
	assert.match(form.body, /leave empty to keep the current one/);
	const { text } = await exportAndPush();
	const m = /Delivered to (ftps:\S+): [\d.]+ MB, SHA-256 ([0-9a-f]{64}) \./.exec(text);
	assert.ok(m, text.slice(0, 3000));
	const name = m[1].split('/').at(-1);
	assert.equal(sha256(readFileSync(join(ftpd.home, RUN, 'ftps', name))), m[2]);

	// the same server, the password kept; another host: asked again
	res = await setDestination({ url: `ftps://${FTP_USER}@127.0.0.1:${ftpd.port}/${RUN}/ftps2`, pinned_key: ftpd.pin });
	assert.equal(res.status, 303, notices(res));
	assert.equal(events('platform.export.destination').at(-1).password, 'kept');
	res = await setDestination({ url: `ftps://${FTP_USER}@localhost:${ftpd.port}/${RUN}/ftps2`, pinned_key: ftpd.pin });
	assert.equal(res.status, 400);
	assert.match(notices(res), /give the password/);

	// nowhere in clear: not the trail, not the log, not main.db
	const main = join(b.data, 'platforms', 'demo', 'main.db');
	sqlite(main, 'PRAGMA wal_checkpoint(PASSIVE)');
	for (const f of [main, `${main}-wal`, join(b.data, 'platforms', 'demo', 'audit.db')])
		if (existsSync(f))
			assert.ok(!readFileSync(f).includes(ftpd.password), `the password is in ${f}`);
	assert.ok(!b.log().includes(ftpd.password), 'the password is in the server log');
	assert.match(sqlite(main, 'SELECT password_sealed FROM export_destination'), /^[0-9a-f]{80,}$/);
});

test('removing the destination is recorded, and exports are then for download only', async () => {
	const page = await admin.get('/admin/export/destination');
	const res = await admin.post('/admin/export/destination', { csrf: csrfOf(page.body), action: 'remove' });
	assert.equal(res.status, 303);
	assert.equal(events('platform.export.destination').at(-1).change, 'removed');
	const exp = await admin.get('/admin/export');
	assert.match(exp.body, /No destination is set/);
	assert.doesNotMatch(exp.body, /name="push"/);
	assert.doesNotMatch(exp.body, /Send to the destination/);
});
