// A throwaway PostgreSQL 15 cluster on 127.0.0.1 for the tests that load
// what Bastide exports (see /work/shared/reference/servers.md, "run-pg"):
// initdb as the postgres system user in a scratch directory, trust
// authentication, listening on loopback only, stopped by its PID.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './bastide.mjs';

const BIN = '/usr/lib/postgresql/15/bin';

function uidGid(user) {
	const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
	if (!line) throw new Error(`no ${user} user: is the postgresql package installed?`);
	const f = line.split(':');
	return [Number(f[2]), Number(f[3])];
}

export class Postgres {
	async start() {
		this.dir = mkdtempSync(join(tmpdir(), 'bastide-pg-'));
		const [uid, gid] = uidGid('postgres');
		chownSync(this.dir, uid, gid);
		this.port = await freePort();
		const as = (cmd, args) =>
			execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
		as(`${BIN}/initdb`, ['-D', join(this.dir, 'data'), '-U', 'postgres', '-A', 'trust',
			'-E', 'UTF8', '--locale=C.UTF-8']);
		as(`${BIN}/pg_ctl`, ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'server.log'),
			'-w', '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
			'start']);
		this.pid = Number(readFileSync(join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
		return this;
	}

	// psql as the superuser over TCP; returns stdout. ON_ERROR_STOP: any
	// error fails the call.
	psql(db, args, input) {
		return execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1',
			'-p', String(this.port), '-U', 'postgres', '-d', db, ...args],
		{ input, env: { ...process.env, PGCLIENTENCODING: 'UTF8' }, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
	}

	createDb(name) {
		this.psql('postgres', ['-c', `CREATE DATABASE "${name}"`]);
	}

	// Fast shutdown by the postmaster's PID, then the scratch directory goes.
	async stop() {
		if (!this.pid) return;
		try { process.kill(this.pid, 'SIGINT'); } catch { /* gone already */ }
		for (let i = 0; i < 100; i++) {
			try { process.kill(this.pid, 0); } catch { break; }
			await new Promise((r) => setTimeout(r, 100));
		}
		this.pid = 0;
		rmSync(this.dir, { recursive: true, force: true });
	}
}
