// A throwaway OpenSSH server on 127.0.0.1 for the transfer tests (see
// /work/shared/reference/servers.md, "run-sshd"): its own ed25519 host
// key, key authentication only, internal-sftp, one dedicated user whose
// authorized key is a fresh ed25519 key (libssh2 in Debian's libcurl signs
// RSA with SHA-1, which OpenSSH 9 refuses). Started on a free port by the
// test, stopped by its PID.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './bastide.mjs';

export const SFTP_USER = 'bastidesftp';

function ensureUser(user, shell) {
	try {
		execFileSync('id', [user], { stdio: 'ignore' });
	} catch {
		execFileSync('useradd', ['-m', '-s', shell, user], { stdio: 'pipe' });
	}
}

export function homeOf(user) {
	const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
	return line.split(':')[5];
}

const keygen = (file, comment) =>
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdio: 'pipe' });

// "SHA256:" fingerprint of a public key, as ssh-keygen -lf prints it.
export function fingerprint(pubFile) {
	return execFileSync('ssh-keygen', ['-lf', pubFile]).toString().split(' ')[1];
}

export class Sshd {
	async start() {
		this.dir = mkdtempSync(join(tmpdir(), 'bastide-sshd-'));
		chmodSync(this.dir, 0o755); // sshd reads the authorized keys as the user
		ensureUser(SFTP_USER, '/usr/sbin/nologin');
		// "*": no password, but not locked ("!" is refused with UsePAM no)
		execFileSync('usermod', ['-p', '*', SFTP_USER]);
		this.home = homeOf(SFTP_USER);
		this.hostKey = join(this.dir, 'host_ed25519');
		this.clientKey = join(this.dir, 'client_ed25519');
		keygen(this.hostKey, 'host');
		keygen(this.clientKey, 'client');
		this.hostPin = fingerprint(`${this.hostKey}.pub`);
		mkdirSync(join(this.dir, 'keys'));
		writeFileSync(join(this.dir, 'keys', SFTP_USER), readFileSync(`${this.clientKey}.pub`));
		this.port = await freePort();
		writeFileSync(join(this.dir, 'sshd_config'), [
			`Port ${this.port}`, 'ListenAddress 127.0.0.1', `HostKey ${this.hostKey}`,
			`PidFile ${join(this.dir, 'sshd.pid')}`, `AuthorizedKeysFile ${join(this.dir, 'keys')}/%u`,
			'StrictModes no', 'UsePAM no', 'PasswordAuthentication no',
			'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes', 'PermitRootLogin no',
			`AllowUsers ${SFTP_USER}`, 'Subsystem sftp internal-sftp', 'LogLevel VERBOSE', '',
		].join('\n'));
		mkdirSync('/run/sshd', { recursive: true }); // the privilege separation directory
		const conf = join(this.dir, 'sshd_config');
		execFileSync('/usr/sbin/sshd', ['-t', '-f', conf], { stdio: 'pipe' });
		// daemonizes once listening; the PID file follows
		execFileSync('/usr/sbin/sshd', ['-f', conf, '-E', join(this.dir, 'sshd.log')], { stdio: 'pipe' });
		for (let i = 0; i < 100 && !this.pid; i++) {
			try { this.pid = Number(readFileSync(join(this.dir, 'sshd.pid'), 'utf8')); } catch { /* not yet */ }
			if (!this.pid) await new Promise((r) => setTimeout(r, 50));
		}
		if (!this.pid) throw new Error(`sshd did not start: ${readFileSync(join(this.dir, 'sshd.log'), 'utf8')}`);
		return this;
	}

	// Adds a public key line to the user's authorized keys (read by sshd
	// at each login: no restart needed).
	authorize(line) {
		appendFileSync(join(this.dir, 'keys', SFTP_USER), `${line.trim()}\n`);
	}

	// A directory of the user's home for one test, removed by stop().
	scratch(name) {
		const d = join(this.home, name);
		rmSync(d, { recursive: true, force: true });
		return d;
	}

	async stop() {
		if (!this.pid) return;
		try { process.kill(this.pid, 'SIGTERM'); } catch { /* gone already */ }
		for (let i = 0; i < 100; i++) {
			try { process.kill(this.pid, 0); } catch { break; }
			await new Promise((r) => setTimeout(r, 50));
		}
		this.pid = 0;
		rmSync(this.dir, { recursive: true, force: true });
	}
}
