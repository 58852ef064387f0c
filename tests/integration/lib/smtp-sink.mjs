// A real SMTP peer on loopback for the tests (lib/smtp-sink.py, which
// writes each message it accepts to a directory): started on a free port,
// stopped by its PID; the messages read back with their envelopes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SINK = resolve(dirname(fileURLToPath(import.meta.url)), 'smtp-sink.py');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Sink {
	constructor(dir) {
		this.dir = dir;
		mkdirSync(dir, { recursive: true });
		this.proc = null;
		this.port = 0;
		this.stdout = '';
	}

	// Starts the sink (on port, or a free one); resolves once it listens.
	async start({ port = 0, mute = false } = {}) {
		assert.equal(this.proc, null, 'sink already running');
		const args = [SINK, this.dir];
		if (port)
			args.push('--port', String(port));
		if (mute)
			args.push('--mute');
		const p = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
		this.proc = p;
		this.stdout = '';
		let stderr = '';
		p.stderr.on('data', (d) => (stderr += d));
		this.exited = new Promise((r) => p.on('exit', r));
		this.port = await new Promise((resolvePort, reject) => {
			p.stdout.on('data', (d) => {
				this.stdout += d;
				const m = /^port (\d+)$/m.exec(this.stdout);
				if (m)
					resolvePort(Number(m[1]));
			});
			p.on('exit', (code) => reject(new Error(`smtp-sink exited ${code}: ${stderr}`)));
		});
		return this.port;
	}

	// SIGTERM by PID, then waits for the exit.
	async stop() {
		if (!this.proc)
			return;
		try {
			process.kill(this.proc.pid, 'SIGTERM');
		} catch {
			/* already gone */
		}
		await this.exited;
		this.proc = null;
	}

	// The messages received so far, oldest first: {raw (Buffer), envelope}.
	messages() {
		if (!existsSync(this.dir))
			return [];
		return readdirSync(this.dir)
			.filter((f) => f.endsWith('.json'))
			.sort()
			.map((f) => ({
				raw: readFileSync(join(this.dir, f.replace(/\.json$/, '.eml'))),
				envelope: JSON.parse(readFileSync(join(this.dir, f), 'utf8')),
			}));
	}

	// Waits until a message to rcpt has arrived; returns the first one.
	async waitFor(rcpt, timeoutMs = 10000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const m = this.messages().find((x) => x.envelope.rcpt_to.includes(rcpt));
			if (m)
				return m;
			if (Date.now() > deadline)
				throw new Error(`no message to ${rcpt} in the sink within ${timeoutMs} ms`);
			await sleep(50);
		}
	}
}
