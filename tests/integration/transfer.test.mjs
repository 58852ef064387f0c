// The transfer of an export to the client's server (`bastide export --to`,
// `--push`): to a real OpenSSH server (internal-sftp, key authentication,
// host key pinned) and a real vsftpd with explicit TLS (certificate checked
// against a CA file or a pinned public key), both started here on loopback.
// The archive arrives byte-identical with a .sha256 that sha256sum accepts;
// a wrong host key, certificate or pin is refused with nothing left but
// possibly a .part; plain ftp:// is refused; a partial .part of the same
// file is resumed (only the rest crosses the wire: counted by a proxy for
// SFTP, logged by vsftpd for FTPS), one of another file is sent again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { Bastide } from './lib/bastide.mjs';
import { SFTP_USER, Sshd } from './lib/sshd.mjs';
import { FTP_USER, Vsftpd } from './lib/vsftpd.mjs';
import { stopTransferServers } from './lib/transfer-servers.mjs';
import { sqlite } from './lib/trail.mjs';

const b = new Bastide('transfer');
const sshd = new Sshd();
const ftpd = new Vsftpd();
const RUN = `t${process.pid}`; // this run's directory in each user's home
let passfile;
let pwfile;
let n = 0;

const owner = (user) => {
	const f = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`)).split(':');
	return [Number(f[2]), Number(f[3])];
};
const sftpArgs = (path, pin = sshd.hostPin) => ['--to', `sftp://${SFTP_USER}@127.0.0.1:${sshd.port}/~/${RUN}/${path}`,
	'--ssh-key', sshd.clientKey, '--host-key-sha256', pin];
const ftpsArgs = (path, trust = ['--ca-file', ftpd.cert]) => ['--to', `ftps://${FTP_USER}@127.0.0.1:${ftpd.port}/${RUN}/${path}`,
	'--password-file', pwfile, ...trust];
// A new encrypted archive of the demo platform, and its local path.
async function exportArchive(extra = []) {
	const out = join(b.dir, `export-${++n}.gpg`);
	const r = await b.run(['export', '--platform', 'demo', '--output', out, '--passphrase-file', passfile, ...extra]);
	return { out, r };
}
const lastEvent = (event) => JSON.parse(sqlite(join(b.data, 'platforms', 'demo', 'audit.db'),
	`SELECT details FROM events WHERE event = '${event}' ORDER BY id DESC LIMIT 1`));
const listing = (dir) => (existsSync(dir) ? readdirSync(dir).sort() : []);

// The archive and its .sha256 arrived as they are here.
function assertDelivered(dir, name, local) {
	assert.deepEqual(listing(dir).filter((f) => f.startsWith(name)), [name, `${name}.sha256`]);
	assert.ok(readFileSync(join(dir, name)).equals(readFileSync(local)), 'byte-identical');
	const check = execFileSync('sha256sum', ['--check', `${name}.sha256`], { cwd: dir }).toString();
	assert.equal(check.trim(), `${name}: OK`);
}

// Forwards 127.0.0.1:port to target, counting what the client sends.
function countingProxy(target) {
	const p = { sent: 0 };
	p.server = net.createServer((c) => {
		const s = net.connect({ host: '127.0.0.1', port: target });
		c.on('data', (d) => { p.sent += d.length; });
		c.pipe(s);
		s.pipe(c);
		c.on('error', () => s.destroy());
		s.on('error', () => c.destroy());
	});
	return new Promise((r) => p.server.listen(0, '127.0.0.1', () => { p.port = p.server.address().port; r(p); }));
}

before(async () => {
	await b.initWithDemo();
	passfile = join(b.dir, 'passphrase');
	writeFileSync(passfile, 'correct horse battery staple\n');
	await sshd.start();
	await ftpd.start();
	pwfile = join(b.dir, 'ftp-password');
	writeFileSync(pwfile, `${ftpd.password}\n`);
});

after(async () => {
	await stopTransferServers(sshd, ftpd, RUN);
	await b.dispose();
});

test('an export pushed over SFTP arrives byte-identical with a correct .sha256, and the trail says where', async () => {
	const { out, r } = await exportArchive(sftpArgs('a/export.tar.zst.gpg'));
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stderr, /sent to sftp:\/\/bastidesftp@127\.0\.0\.1:\d+\/~\/t\d+\/a\/export\.tar\.zst\.gpg/);
	assertDelivered(join(sshd.home, RUN, 'a'), 'export.tar.zst.gpg', out);
	const e = lastEvent('platform.export');
	assert.equal(e.transfer, 'delivered');
	assert.equal(e.destination, `sftp://${SFTP_USER}@127.0.0.1:${sshd.port}/~/${RUN}/a/export.tar.zst.gpg`);
	assert.equal(e.sha256.length, 64);
	// never overwritten: the same destination again is refused
	const again = await exportArchive(sftpArgs('a/export.tar.zst.gpg'));
	assert.equal(again.r.code, 1);
	assert.match(again.r.stderr, /exists already on the server/);
	assert.ok(readFileSync(join(sshd.home, RUN, 'a', 'export.tar.zst.gpg')).equals(readFileSync(out)));
	assert.ok(existsSync(again.out), 'the archive stays here when it cannot be sent');
});

test('an export pushed over FTPS (explicit TLS, CA file or pinned key) arrives byte-identical', async () => {
	const { out, r } = await exportArchive(ftpsArgs('b/export.gpg'));
	assert.equal(r.code, 0, r.stderr);
	assertDelivered(join(ftpd.home, RUN, 'b'), 'export.gpg', out);
	assert.equal(lastEvent('platform.export').transfer, 'delivered');
	// the password never reaches the trail
	assert.doesNotMatch(JSON.stringify(lastEvent('platform.export')), new RegExp(ftpd.password));
	// the same archive again, to another name, trusting the pinned key only
	const p = await b.run(['export', '--platform', 'demo', '--push', out, ...ftpsArgs('b/pinned.gpg', ['--pinned-key', ftpd.pin])]);
	assert.equal(p.code, 0, p.stderr);
	assertDelivered(join(ftpd.home, RUN, 'b'), 'pinned.gpg', out);
	assert.equal(lastEvent('platform.export.transfer').transfer, 'delivered');
	// explicit TLS all the way: vsftpd saw AUTH TLS before the login
	const log = ftpd.logText();
	assert.ok(log.indexOf('"AUTH TLS"') >= 0 && log.indexOf('"AUTH TLS"') < log.indexOf('"USER '));
});

test('a wrong host key pin is refused: nothing is sent', async () => {
	const wrong = randomBytes(32).toString('base64').replace(/=+$/, '');
	const { out, r } = await exportArchive(sftpArgs('c/export.gpg', wrong));
	assert.equal(r.code, 1);
	assert.match(r.stderr, /not the one expected/);
	assert.match(r.stderr, new RegExp(`the archive stays in ${out.replace(/[.]/g, '\\.')}`));
	assert.deepEqual(listing(join(sshd.home, RUN, 'c')), []);
	const e = lastEvent('platform.export');
	assert.equal(e.transfer, 'failed');
	assert.match(e.transfer_error, /not the one expected/);
	// and a pin is required at all
	const none = await b.run(['export', '--platform', 'demo', '--push', out, '--to',
		`sftp://${SFTP_USER}@127.0.0.1:${sshd.port}/~/${RUN}/c/x.gpg`, '--ssh-key', sshd.clientKey]);
	assert.equal(none.code, 2);
	assert.match(none.stderr, /host key pinned/);
});

test('a certificate from another CA, or another pinned key, is refused: nothing is sent', async () => {
	const other = join(b.dir, 'other-ca.pem');
	execFileSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
		'-keyout', join(b.dir, 'other-ca.key'), '-out', other], { stdio: 'pipe' });
	const { out, r } = await exportArchive(ftpsArgs('d/export.gpg', ['--ca-file', other]));
	assert.equal(r.code, 1);
	assert.match(r.stderr, /not the one expected/);
	const wrongPin = `sha256//${randomBytes(32).toString('base64')}`;
	const p = await b.run(['export', '--platform', 'demo', '--push', out, ...ftpsArgs('d/export.gpg', ['--pinned-key', wrongPin])]);
	assert.equal(p.code, 1);
	assert.match(p.stderr, /not the one expected/);
	assert.deepEqual(listing(join(ftpd.home, RUN, 'd')), []);
	// no trust given at all: refused before connecting
	const none = await b.run(['export', '--platform', 'demo', '--push', out, '--to',
		`ftps://${FTP_USER}@127.0.0.1:${ftpd.port}/${RUN}/d/x.gpg`, '--password-file', pwfile]);
	assert.equal(none.code, 2);
	assert.match(none.stderr, /--ca-file FILE .* or --pinned-key/);
});

test('plain ftp://, a password in the URL and plaintext exports are refused', async () => {
	const out = join(b.dir, 'never.gpg');
	let r = await b.run(['export', '--platform', 'demo', '--output', out, '--passphrase-file', passfile,
		'--to', `ftp://${FTP_USER}@127.0.0.1:${ftpd.port}/${RUN}/e.gpg`, '--password-file', pwfile, '--ca-file', ftpd.cert]);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /plain FTP is refused/);
	assert.equal(existsSync(out), false);
	r = await b.run(['export', '--platform', 'demo', '--output', out, '--passphrase-file', passfile,
		'--to', `ftps://${FTP_USER}:${ftpd.password}@127.0.0.1:${ftpd.port}/${RUN}/e.gpg`, '--ca-file', ftpd.cert]);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /no password in the URL/);
	assert.doesNotMatch(r.stderr, new RegExp(ftpd.password));
	r = await b.run(['export', '--platform', 'demo', '--output', out, '--insecure-plaintext', ...sftpArgs('e.tar.zst')]);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /only an encrypted archive/);
	// --push looks: a tar.zst is not an OpenPGP message
	const plain = join(b.dir, 'plain.tar.zst');
	assert.equal((await b.run(['export', '--platform', 'demo', '--output', plain, '--insecure-plaintext'])).code, 0);
	r = await b.run(['export', '--platform', 'demo', '--push', plain, ...sftpArgs('e.tar.zst')]);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /not an OpenPGP message/);
	assert.deepEqual(listing(join(sshd.home, RUN)).filter((f) => f.startsWith('e.')), []);
});

// Puts bytes as home/RUN/sub/name on the server, owned by user.
function partial(home, sub, name, bytes, user) {
	const dir = join(home, RUN, sub);
	mkdirSync(dir, { recursive: true });
	const [uid, gid] = owner(user);
	chownSync(join(home, RUN), uid, gid);
	chownSync(dir, uid, gid);
	writeFileSync(join(dir, name), bytes);
	chownSync(join(dir, name), uid, gid);
}

// A large file that --push takes for an archive (its first byte is an
// OpenPGP packet tag), incompressible, so that a resumed transfer and a
// whole one differ plainly on the wire.
let big;
function bigArchive() {
	if (big) return big;
	big = join(b.dir, 'big.gpg');
	writeFileSync(big, Buffer.concat([Buffer.from([0x8c, 0x0d]), randomBytes(3 << 19)]));
	return big;
}

test('a transfer cut in the middle resumes over SFTP: only the rest is sent', async () => {
	const out = bigArchive();
	const bytes = readFileSync(out);
	const half = Math.floor(bytes.length / 2);
	const dir = join(sshd.home, RUN, 'f');
	partial(sshd.home, 'f', 'export.gpg.part', bytes.subarray(0, half), SFTP_USER);
	const proxy = await countingProxy(sshd.port);
	try {
		const r = await b.run(['export', '--platform', 'demo', '--push', out, '--to',
			`sftp://${SFTP_USER}@127.0.0.1:${proxy.port}/~/${RUN}/f/export.gpg`,
			'--ssh-key', sshd.clientKey, '--host-key-sha256', sshd.hostPin]);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stderr, new RegExp(`\\(${half} resumed from a partial copy\\)`));
	} finally {
		proxy.server.close();
	}
	assertDelivered(dir, 'export.gpg', out);
	assert.equal(lastEvent('platform.export.transfer').resumed_from, half);
	// what crossed the wire: the rest, the 64 KiB check and SSH's overhead,
	// far from the whole archive
	assert.ok(proxy.sent < bytes.length - half + 200000, `${proxy.sent} bytes sent for ${bytes.length - half}`);
});

test('a transfer cut in the middle resumes over FTPS; a .part of another file is sent again', async () => {
	const out = bigArchive();
	const bytes = readFileSync(out);
	const half = Math.floor(bytes.length / 3);
	const dir = join(ftpd.home, RUN, 'g');
	partial(ftpd.home, 'g', 'export.gpg.part', bytes.subarray(0, half), FTP_USER);
	let r = await b.run(['export', '--platform', 'demo', '--push', out, ...ftpsArgs('g/export.gpg')]);
	assert.equal(r.code, 0, r.stderr);
	assertDelivered(dir, 'export.gpg', out);
	// vsftpd received the rest only: its uploads to the .part (one, or
	// more when one was cut and resumed) add up to it
	const uploads = ftpd.logText().split('\n').filter((l) => /(OK|FAIL) UPLOAD: .*\/g\/export\.gpg\.part"/.test(l));
	assert.ok(uploads.length >= 1 && /OK UPLOAD/.test(uploads.at(-1)), uploads.join('\n'));
	const received = uploads.reduce((sum, l) => sum + Number(l.match(/, (\d+) bytes,/)[1]), 0);
	assert.equal(received, bytes.length - half);

	// a partial copy that is not of this file: sent again from the start
	partial(ftpd.home, 'g', 'other.gpg.part', randomBytes(half), FTP_USER);
	r = await b.run(['export', '--platform', 'demo', '--push', out, ...ftpsArgs('g/other.gpg')]);
	assert.equal(r.code, 0, r.stderr);
	// nothing resumed from the foreign copy; when vsftpd cut the upload
	// (426) the retry resumed from this transfer's own bytes
	if (!/got 426|trying again/.test(r.stderr))
		assert.match(r.stderr, /\(0 resumed from a partial copy\)/);
	assertDelivered(dir, 'other.gpg', out);
	assert.equal(statSync(join(dir, 'other.gpg')).size, bytes.length);
});

test('a server that refuses the write fails the transfer at once, and the archive stays here', async () => {
	const out = bigArchive();
	// /etc is not the user's to write in: refused, not retried
	const r = await b.run(['export', '--platform', 'demo', '--push', out, '--to',
		`sftp://${SFTP_USER}@127.0.0.1:${sshd.port}/etc/bastide-never.gpg`,
		'--ssh-key', sshd.clientKey, '--host-key-sha256', sshd.hostPin]);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /cannot send the file/);
	assert.doesNotMatch(r.stderr, /trying again/);
	assert.equal(existsSync('/etc/bastide-never.gpg.part'), false);
	assert.ok(existsSync(out));
	assert.equal(lastEvent('platform.export.transfer').transfer, 'failed');
});
