// A throwaway vsftpd on 127.0.0.1 with explicit TLS (AUTH TLS) required
// for login and data, for the transfer tests (see
// /work/shared/reference/servers.md, "run-vsftpd"): a self-signed
// certificate for 127.0.0.1, one dedicated local user with a password,
// passive ports on loopback, the protocol and transfers logged. Started on
// a free port by the test, in the foreground, stopped by its PID.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './bastide.mjs';
import { homeOf } from './sshd.mjs';

export const FTP_USER = 'bastideftp';

function listening(port) {
	return new Promise((resolvePromise) => {
		const s = net.connect({ host: '127.0.0.1', port });
		s.once('connect', () => { s.destroy(); resolvePromise(true); });
		s.once('error', () => resolvePromise(false));
	});
}

export class Vsftpd {
	async start() {
		this.dir = mkdtempSync(join(tmpdir(), 'bastide-vsftpd-'));
		try {
			execFileSync('id', [FTP_USER], { stdio: 'ignore' });
		} catch {
			// a shell listed in /etc/shells: vsftpd's PAM service checks it
			execFileSync('useradd', ['-m', '-s', '/bin/bash', FTP_USER], { stdio: 'pipe' });
		}
		this.password = `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
		execFileSync('chpasswd', { input: `${FTP_USER}:${this.password}\n` });
		this.home = homeOf(FTP_USER);
		this.cert = join(this.dir, 'cert.pem');
		execFileSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-days', '2',
			'-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
			'-keyout', join(this.dir, 'key.pem'), '-out', this.cert], { stdio: 'pipe' });
		// the pin of its public key, as curl's --pinnedpubkey takes it
		const der = execFileSync('openssl', ['x509', '-in', this.cert, '-pubkey', '-noout']);
		const spki = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: der });
		this.pin = `sha256//${execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: spki }).toString('base64')}`;
		this.port = await freePort();
		const pasv = 40000 + Math.floor(Math.random() * 2000) * 10;
		this.log = join(this.dir, 'vsftpd.log');
		const conf = join(this.dir, 'vsftpd.conf');
		writeFileSync(conf, [
			'listen=YES', 'listen_ipv6=NO', 'listen_address=127.0.0.1', `listen_port=${this.port}`,
			'background=NO', 'anonymous_enable=NO', 'local_enable=YES', 'write_enable=YES',
			'local_umask=022', 'pam_service_name=vsftpd', 'secure_chroot_dir=/var/run/vsftpd/empty',
			'pasv_enable=YES', 'pasv_address=127.0.0.1', `pasv_min_port=${pasv}`,
			`pasv_max_port=${pasv + 9}`, 'ssl_enable=YES', 'implicit_ssl=NO',
			`rsa_cert_file=${this.cert}`, `rsa_private_key_file=${join(this.dir, 'key.pem')}`,
			'force_local_logins_ssl=YES', 'force_local_data_ssl=YES', 'allow_anon_ssl=NO',
			'require_ssl_reuse=NO', 'ssl_ciphers=HIGH', 'seccomp_sandbox=NO', 'xferlog_enable=YES',
			`vsftpd_log_file=${this.log}`, 'log_ftp_protocol=YES', '',
		].join('\n'));
		mkdirSync('/var/run/vsftpd/empty', { recursive: true });
		this.proc = spawn('/usr/sbin/vsftpd', [conf], { stdio: 'ignore' });
		this.pid = this.proc.pid;
		for (let i = 0; i < 100; i++) {
			if (await listening(this.port)) return this;
			await new Promise((r) => setTimeout(r, 50));
		}
		throw new Error('vsftpd did not start');
	}

	logText() {
		try { return readFileSync(this.log, 'utf8'); } catch { return ''; }
	}

	async stop() {
		if (!this.pid) return;
		const gone = new Promise((r) => this.proc.once('exit', r));
		try { process.kill(this.pid, 'SIGTERM'); } catch { /* gone already */ }
		if (this.proc.exitCode === null && this.proc.signalCode === null) await gone;
		this.pid = 0;
		rmSync(this.dir, { recursive: true, force: true });
	}
}
