// Helpers for the integration tests: a fresh data directory and the CLI
// around it, a `bastide serve` child on a free loopback port with a clock the
// test controls, an HTTP client with its own cookie jar and an explicit Host
// header, and TOTP codes (RFC 6238) for the second factor.
//
// The binary is $BASTIDE_BIN: a sanitizer build configured with
// -Dtest_clock=true, so that BASTIDE_TEST_CLOCK names a file whose number of
// milliseconds is added to the server's clock at every read.

import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = resolve(HERE, '../../artifacts/integration');

export const BIN = process.env.BASTIDE_BIN;
if (!BIN)
	throw new Error('BASTIDE_BIN must name a bastide binary built with -Dtest_clock=true');

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

// What a sanitizer prints when it finds something: any of these on the
// server's stderr fails the test that stops it.
const SANITIZER_MARKS = ['ERROR: AddressSanitizer', 'runtime error:', 'LeakSanitizer'];
const STOP_TIMEOUT_MS = 15000;
const START_TIMEOUT_MS = 15000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Servers still running when this process exits (a test crashed before its
// after()) are killed, by PID, so that none outlives the run.
const live = new Set();
process.on('exit', () => {
	for (const p of live)
		try {
			process.kill(p.pid, 'SIGKILL');
		} catch {
			/* already gone */
		}
});

/* ------------------------------------------------------------------ */
/* Parsing what the CLI and the server print                           */

// The first one-time link path (/activate/<t> or /reset/<t>) in text.
export function findLink(text) {
	const m = /\/(activate|reset)\/([A-Za-z0-9_-]{20,})/.exec(text ?? '');
	return m ? `/${m[1]}/${m[2]}` : null;
}

// Every such link path in text, in order.
export function findLinks(text) {
	return [...(text ?? '').matchAll(/\/(activate|reset)\/([A-Za-z0-9_-]{20,})/g)].map(
		(m) => `/${m[1]}/${m[2]}`,
	);
}

// The first personal access token (bst_...) in text.
export function findToken(text) {
	const m = /\bbst_[A-Za-z0-9_-]{20,}/.exec(text ?? '');
	return m ? m[0] : null;
}

// The value of the hidden csrf field of the first form in an HTML page.
export function csrfOf(html) {
	const m = /name="csrf" value="([^"]+)"/.exec(html ?? '');
	return m ? m[1] : null;
}

// The text of the notices (<p class="notice ...">) of a page.
export function noticesOf(html) {
	return [...(html ?? '').matchAll(/<p class="notice[^"]*"[^>]*>([\s\S]*?)<\/p>/g)].map((m) =>
		m[1].trim(),
	);
}

// The TOTP key shown on the enrolment page.
export function totpKeyOf(html) {
	const m = /<code class="secret">([A-Z2-7= ]+)<\/code>/.exec(html ?? '');
	return m ? m[1].replace(/[ =]/g, '') : null;
}

// The recovery codes listed after enrolment.
export function recoveryCodesOf(html) {
	return [...(html ?? '').matchAll(/<li><code>([a-z2-7-]+)<\/code><\/li>/g)].map((m) => m[1]);
}

/* ------------------------------------------------------------------ */
/* TOTP (RFC 6238 over RFC 4226: HMAC-SHA-1, 6 digits, 30-second steps) */

export function base32Decode(s) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0;
	let value = 0;
	const out = [];
	for (const ch of s.toUpperCase().replace(/[\s=]/g, '')) {
		const i = alphabet.indexOf(ch);
		if (i < 0)
			throw new Error(`not base32: ${ch}`);
		value = (value << 5) | i;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

// The code for base32 key at time timeMs (Unix milliseconds). Pass
// Date.now() + the clock offset given to the server.
export function totp(key, timeMs = Date.now(), { step = 30, digits = 6 } = {}) {
	const counter = Math.floor(timeMs / 1000 / step);
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const mac = createHmac('sha1', base32Decode(key)).update(msg).digest();
	const off = mac[mac.length - 1] & 0x0f;
	const bin = (mac.readUInt32BE(off) & 0x7fffffff) % 10 ** digits;
	return String(bin).padStart(digits, '0');
}

/* ------------------------------------------------------------------ */
/* HTTP client                                                         */

// One browser-like client: its own cookie jar, a fixed Host header, no
// automatic redirects. Connects to 127.0.0.1:port.
export class Client {
	constructor(port, host) {
		this.port = port;
		this.host = host.includes(':') ? host : `${host}:${port}`;
		this.origin = `http://${this.host}`;
		this.jar = new Map();
	}

	cookie(name) {
		return this.jar.get(name);
	}

	setCookie(name, value) {
		if (value === undefined || value === null)
			this.jar.delete(name);
		else
			this.jar.set(name, value);
	}

	cookieHeader() {
		return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	// A raw request. opts: headers, body (string or Buffer), cookies (false:
	// send none), jar (false: do not store what Set-Cookie says).
	// Returns {status, headers, body, setCookies, location, json()}.
	request(method, path, opts = {}) {
		// English messages whatever the platform's default language, so that
		// assertions on texts do not depend on the catalogues built
		const headers = { Host: this.host, 'Accept-Language': 'en', ...(opts.headers ?? {}) };
		if (opts.cookies !== false && this.jar.size && !('Cookie' in headers))
			headers.Cookie = this.cookieHeader();
		let body = opts.body;
		if (body !== undefined && !Buffer.isBuffer(body))
			body = Buffer.from(String(body));
		if (body !== undefined)
			headers['Content-Length'] = body.length;
		return new Promise((resolvePromise, reject) => {
			const req = http.request(
				{ host: '127.0.0.1', port: this.port, method, path, headers, agent: false,
				  setHost: false },
				(res) => {
					const chunks = [];
					res.on('data', (c) => chunks.push(c));
					res.on('error', reject);
					res.on('end', () => {
						const setCookies = res.headers['set-cookie'] ?? [];
						if (opts.jar !== false)
							for (const sc of setCookies)
								this.#store(sc);
						const raw = Buffer.concat(chunks);
						const text = raw.toString('utf8');
						resolvePromise({
							status: res.statusCode,
							headers: res.headers,
							body: text,
							raw, // the bytes, for binary downloads
							setCookies,
							location: res.headers.location,
							json() {
								return JSON.parse(text);
							},
						});
					});
				},
			);
			req.on('error', reject);
			req.setTimeout(30000, () => req.destroy(new Error(`${method} ${path}: timeout`)));
			if (body !== undefined)
				req.end(body);
			else
				req.end();
		});
	}

	#store(setCookie) {
		const [pair, ...attrs] = setCookie.split(';');
		const eq = pair.indexOf('=');
		const name = pair.slice(0, eq).trim();
		const value = pair.slice(eq + 1).trim();
		const maxAge = attrs.map((a) => a.trim()).find((a) => /^max-age=/i.test(a));
		if (value === '' || (maxAge && Number(maxAge.split('=')[1]) <= 0))
			this.jar.delete(name);
		else
			this.jar.set(name, value);
	}

	get(path, opts = {}) {
		return this.request('GET', path, opts);
	}

	// POST an urlencoded form (fields: object).
	post(path, fields, opts = {}) {
		return this.request('POST', path, {
			...opts,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(opts.headers ?? {}) },
			body: new URLSearchParams(fields).toString(),
		});
	}

	// POST a JSON body (object, or a string sent as is).
	postJson(path, value, opts = {}) {
		return this.request(opts.method ?? 'POST', path, {
			...opts,
			headers: { 'Content-Type': 'application/json', ...(opts.headers ?? {}) },
			body: typeof value === 'string' ? value : JSON.stringify(value),
		});
	}

	// GET page and return its csrf field (asserts there is one).
	async csrf(page = '/login') {
		const res = await this.get(page);
		const token = csrfOf(res.body);
		assert.ok(token, `no csrf field on ${page} (HTTP ${res.status})`);
		return token;
	}

	// GET formPage for its csrf field, then POST fields to action with it.
	async submit(action, fields = {}, { formPage = action, headers } = {}) {
		const token = await this.csrf(formPage);
		return this.post(action, { csrf: token, ...fields }, { headers });
	}

	// GET /login then POST /login. Returns the POST's response.
	async login(email, password, next) {
		const page = next ? `/login?next=${encodeURIComponent(next)}` : '/login';
		return this.submit(page, { email, password });
	}

	// POST /logout with a csrf field taken from formPage.
	async logout(formPage = '/') {
		return this.submit('/logout', {}, { formPage });
	}
}

/* ------------------------------------------------------------------ */
/* The installation: data directory, CLI, server                      */

export async function freePort() {
	return new Promise((resolvePromise, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolvePromise(port));
		});
	});
}

function canConnect(port) {
	return new Promise((resolvePromise) => {
		const sock = net.connect({ host: '127.0.0.1', port });
		sock.once('connect', () => {
			sock.destroy();
			resolvePromise(true);
		});
		sock.once('error', () => resolvePromise(false));
	});
}

// One installation under test: name is used for the log file
// (tests/artifacts/integration/<name>.log).
export class Bastide {
	constructor(name) {
		this.name = name;
		this.dir = mkdtempSync(join(tmpdir(), `bastide-it-${name}-`));
		this.data = join(this.dir, 'data');
		this.clockFile = join(this.dir, 'clock');
		this.clock = 0;
		this.port = 0;
		this.proc = null;
		this.stderr = '';
		this.stdout = '';
		this.exit = null;
		this.starts = 0;
		writeFileSync(this.clockFile, '0\n');
	}

	env() {
		// leak detection on, whatever else the caller's ASAN_OPTIONS say
		const asan = (process.env.ASAN_OPTIONS ?? '').split(':').filter((o) => o && !o.startsWith('detect_leaks='));
		return {
			...process.env,
			BASTIDE_TEST_CLOCK: this.clockFile,
			ASAN_OPTIONS: [...asan, 'detect_leaks=1'].join(':'),
		};
	}

	// The offset (ms) added to the server's clock (and the CLI's).
	setClock(ms) {
		this.clock = ms;
		writeFileSync(this.clockFile, `${Math.round(ms)}\n`);
	}

	advanceClock(ms) {
		this.setClock(this.clock + ms);
	}

	// Now, as the server sees it.
	now() {
		return Date.now() + this.clock;
	}

	// Runs `bastide ...args` (with --data appended unless data === false).
	// Resolves to {code, stdout, stderr, link, token}.
	run(args, { data = true } = {}) {
		const argv = data ? [...args, '--data', this.data] : args;
		return new Promise((resolvePromise, reject) => {
			const p = spawn(BIN, argv, { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
			let stdout = '';
			let stderr = '';
			p.stdout.on('data', (d) => (stdout += d));
			p.stderr.on('data', (d) => (stderr += d));
			p.on('error', reject);
			p.on('close', (code, signal) => {
				resolvePromise({
					code: code ?? 128,
					signal,
					stdout,
					stderr,
					link: findLink(stdout),
					token: findToken(stdout),
				});
			});
		});
	}

	// Like run, but asserts exit status 0 and no sanitizer report.
	async cli(...args) {
		const r = await this.run(args);
		assert.equal(r.code, 0, `bastide ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
		assertNoSanitizerReport(r.stderr, `bastide ${args[0]}`);
		return r;
	}

	async init() {
		return this.cli('init');
	}

	// The demo platform (demo.localhost, localhost; no second factor).
	// Returns {email, password}.
	// The demo content (`bastide demo` seeds it) is left out unless asked:
	// most tests want an empty platform.
	async demo({ seed = false } = {}) {
		const r = await this.cli(...(seed ? ['demo'] : ['demo', '--empty']));
		const m = /password:\s+(\S+)/.exec(r.stdout);
		assert.ok(m, `no password in the output of bastide demo: ${r.stdout}`);
		return { email: 'admin@demo.localhost', password: m[1], stdout: r.stdout };
	}

	// platform create; returns the admin's activation link path.
	async createPlatform(slug, { hosts = [`${slug}.localhost`], name = slug.toUpperCase(),
				     adminEmail = `boss@${slug}.example` } = {}) {
		const args = ['platform', 'create', slug];
		for (const h of hosts)
			args.push('--host', h);
		args.push('--name', name, '--admin-email', adminEmail);
		const r = await this.cli(...args);
		assert.ok(r.link, `no activation link in: ${r.stdout}`);
		return { link: r.link, email: adminEmail };
	}

	// user create; returns the invitation link path.
	async createUser(platform, email, { name = email.split('@')[0], role = 'member' } = {}) {
		const r = await this.cli('user', 'create', '--platform', platform, '--email', email,
					 '--name', name, '--role', role);
		assert.ok(r.link, `no activation link in: ${r.stdout}`);
		return r.link;
	}

	async resetPassword(platform, email) {
		const r = await this.cli('user', 'reset-password', '--platform', platform, '--email',
					 email);
		assert.ok(r.link, `no link in: ${r.stdout}`);
		return r.link;
	}

	// token create; returns {token, id} (the id read from token list).
	async createToken(platform, email, { scope = 'read', expires, name } = {}) {
		const args = ['token', 'create', '--platform', platform, '--email', email, '--scope', scope];
		if (expires !== undefined)
			args.push('--expires', String(expires));
		const tokenName = name ?? `t${Math.random().toString(36).slice(2, 10)}`;
		args.push('--name', tokenName);
		const r = await this.cli(...args);
		assert.ok(r.token, `no token in: ${r.stdout}`);
		const list = await this.cli('token', 'list', '--platform', platform, '--email', email);
		const line = list.stdout.split('\n').find((l) => l.trimEnd().endsWith(`  ${tokenName}`));
		return { token: r.token, id: line ? Number(line.trim().split(/\s+/)[0]) : null };
	}

	// A fresh data directory with the demo platform. Returns demo()'s result.
	async initWithDemo() {
		await this.init();
		return this.demo();
	}

	/* ---- the server ---- */

	// Starts `bastide serve` on a free loopback port and waits until it
	// accepts connections.
	async start() {
		assert.equal(this.proc, null, 'server already running');
		for (let attempt = 0; attempt < 3; attempt++) {
			this.port = await freePort();
			this.stderr = '';
			this.stdout = '';
			this.exit = null;
			this.starts++;
			const p = spawn(BIN, ['serve', '--data', this.data, '--listen', `127.0.0.1:${this.port}`],
					{ env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
			this.proc = p;
			live.add(p);
			p.stdout.on('data', (d) => (this.stdout += d));
			p.stderr.on('data', (d) => (this.stderr += d));
			this.exited = new Promise((r) =>
				p.on('exit', (code, signal) => {
					live.delete(p);
					this.exit = { code, signal };
					r(this.exit);
				}),
			);
			const deadline = Date.now() + START_TIMEOUT_MS;
			while (Date.now() < deadline && !this.exit) {
				if (await canConnect(this.port))
					return this.port;
				await sleep(50);
			}
			if (!this.exit) {
				p.kill('SIGKILL');
				await this.exited;
				this.proc = null;
				this.saveLog();
				throw new Error(`bastide serve did not answer within ${START_TIMEOUT_MS} ms:\n${this.stderr}`);
			}
			this.proc = null;
			// a port taken between freePort() and the bind: try another
			if (!/cannot listen/.test(this.stderr)) {
				this.saveLog();
				throw new Error(`bastide serve exited (${JSON.stringify(this.exit)}):\n${this.stderr}`);
			}
		}
		throw new Error(`bastide serve could not bind a port:\n${this.stderr}`);
	}

	// Is the server process still running?
	get running() {
		return this.proc !== null && this.exit === null;
	}

	// The server's log (stderr) so far.
	log() {
		return this.stderr;
	}

	// Waits until the log matches re (mail is printed by a background job).
	async waitForLog(re, timeoutMs = 10000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const m = re.exec(this.stderr);
			if (m)
				return m;
			if (Date.now() > deadline)
				throw new Error(`log does not match ${re} within ${timeoutMs} ms`);
			await sleep(25);
		}
	}

	saveLog() {
		mkdirSync(ARTIFACTS, { recursive: true });
		const file = join(ARTIFACTS, `${this.name}.log`);
		writeFileSync(file, this.stderr);
		return file;
	}

	// SIGTERM by PID; asserts exit status 0 within 15 s and a stderr free of
	// sanitizer reports. Writes the log to tests/artifacts/integration/.
	async stop() {
		if (!this.proc)
			return;
		const p = this.proc;
		if (this.exit === null) {
			process.kill(p.pid, 'SIGTERM');
			let timer;
			const timeout = new Promise((r) => (timer = setTimeout(() => r('timeout'), STOP_TIMEOUT_MS)));
			const res = await Promise.race([this.exited, timeout]);
			clearTimeout(timer);
			if (res === 'timeout') {
				process.kill(p.pid, 'SIGKILL');
				await this.exited;
				this.proc = null;
				this.saveLog();
				assert.fail(`bastide serve did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
			}
		}
		await this.exited;
		// let the pipes drain
		await sleep(20);
		this.proc = null;
		const file = this.saveLog();
		assertNoSanitizerReport(this.stderr, `bastide serve (log: ${file})`);
		assert.deepEqual(this.exit, { code: 0, signal: null },
				 `bastide serve exited ${JSON.stringify(this.exit)} (log: ${file})`);
	}

	// Stops the server (asserting as stop() does) and removes the data.
	async dispose() {
		try {
			await this.stop();
		} finally {
			rmSync(this.dir, { recursive: true, force: true });
		}
	}

	client(host = 'demo.localhost') {
		assert.ok(this.port, 'server not started');
		return new Client(this.port, host);
	}
}

export function assertNoSanitizerReport(text, what) {
	for (const mark of SANITIZER_MARKS) {
		const i = text.indexOf(mark);
		if (i < 0)
			continue;
		// the report up to its shadow-byte map (the whole log is saved)
		let end = text.indexOf('Shadow bytes around', i);
		if (end < 0 || end - i > 6000)
			end = i + 6000;
		assert.fail(`${what}: sanitizer report on stderr:\n${text.slice(i, end)}`);
	}
}

/* ------------------------------------------------------------------ */
/* Common flows                                                        */

// Activates an account through its link with password. Asserts the 303.
// A running server notices changes made by the CLI (platform suspend,
// resume...) within 50 ms (BST_DB_WATCH_MIN_MS): wait that long, once.
export const CLI_CHANGE_DELAY_MS = 50;
export function waitForCliChange() {
	return sleep(CLI_CHANGE_DELAY_MS + 20);
}

export async function activate(client, link, password) {
	const page = await client.get(link);
	assert.equal(page.status, 200, `GET ${link}: ${page.status}`);
	const res = await client.post(link, { csrf: csrfOf(page.body), password, confirm: password });
	assert.equal(res.status, 303, `POST ${link}: ${res.status} ${noticesOf(res.body)}`);
	return res;
}

// Signs in on a platform whose policy needs a second factor, enrolling one:
// returns {key, recoveryCodes, res}.
export async function enrolTotp(b, client) {
	const page = await client.get('/login/2fa/setup');
	assert.equal(page.status, 200);
	const key = totpKeyOf(page.body);
	assert.ok(key, 'no key on /login/2fa/setup');
	const res = await client.post('/login/2fa/setup', {
		csrf: csrfOf(page.body),
		code: totp(key, b.now()),
	});
	assert.equal(res.status, 200, `enrolment: ${res.status} ${noticesOf(res.body)}`);
	return { key, recoveryCodes: recoveryCodesOf(res.body), res };
}

// The fields of the form posting to action in html, as a browser would send
// them without edits: {name: value} from inputs (checked boxes only),
// selects (the selected option, else the first) and textareas. null when
// there is no such form.
export function formOf(html, action) {
	const forms = [...(html ?? '').matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
	const attr = (tag, name) => {
		const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
		return m ? unescapeHtml(m[1]) : null;
	};
	for (const [, head, inner] of forms) {
		const act = attr(head, 'action');
		if (action !== undefined && act !== action && act?.split('?')[0] !== action)
			continue;
		const fields = {};
		for (const [tag] of inner.matchAll(/<input\b[^>]*>/g)) {
			const name = attr(tag, 'name');
			const type = (attr(tag, 'type') ?? 'text').toLowerCase();
			if (!name || type === 'submit' || type === 'button')
				continue;
			if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(tag))
				continue;
			fields[name] = attr(tag, 'value') ?? (type === 'checkbox' ? 'on' : '');
		}
		for (const [, head2, body] of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
			const name = attr(head2, 'name');
			const options = [...body.matchAll(/<option\b([^>]*)>([\s\S]*?)<\/option>/g)];
			const chosen = options.find(([, o]) => /\bselected\b/.test(o)) ?? options[0];
			if (name && chosen)
				fields[name] = attr(chosen[1], 'value') ?? unescapeHtml(chosen[2]);
		}
		for (const [, head3, body] of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
			const name = attr(head3, 'name');
			if (name)
				fields[name] = unescapeHtml(body);
		}
		return { action: act, fields };
	}
	return null;
}

export function unescapeHtml(s) {
	return s
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;|&#x27;/g, "'")
		.replace(/&amp;/g, '&');
}

/* ------------------------------------------------------------------ */
/* A server started with a configuration file; HTTPS clients          */

// (import declarations are hoisted: this one serves TlsClient below)
import https from 'node:https';

// Starts `bastide serve --config FILE` for b, in place of b.start(), so that
// a test can set what only the file sets (tls_listen, [smtp]...). config is
// a function of the free loopback ports ({port, tlsPort}; tlsPort is 0
// unless tls is true) returning the INI text; it must listen on them. The
// file is written to b.dir/bastide.ini. Sets b.port (the plain listener)
// and b.tlsPort, waits until both accept connections, and returns
// {port, tlsPort}. b.stop(), b.log(), b.waitForLog() and b.client() work
// as after b.start(); call it again after b.stop() to restart (new ports).
export async function startWithConfig(b, config, { tls = false } = {}) {
	assert.equal(b.proc, null, 'server already running');
	const file = join(b.dir, 'bastide.ini');
	for (let attempt = 0; attempt < 3; attempt++) {
		const port = await freePort();
		let tlsPort = 0;
		while (tls && (tlsPort === 0 || tlsPort === port))
			tlsPort = await freePort();
		writeFileSync(file, config({ port, tlsPort }));
		b.port = port;
		b.tlsPort = tlsPort;
		b.configFile = file;
		b.stderr = '';
		b.stdout = '';
		b.exit = null;
		b.starts++;
		const p = spawn(BIN, ['serve', '--data', b.data, '--config', file],
				{ env: b.env(), stdio: ['ignore', 'pipe', 'pipe'] });
		b.proc = p;
		live.add(p);
		p.stdout.on('data', (d) => (b.stdout += d));
		p.stderr.on('data', (d) => (b.stderr += d));
		b.exited = new Promise((r) =>
			p.on('exit', (code, signal) => {
				live.delete(p);
				b.exit = { code, signal };
				r(b.exit);
			}),
		);
		const deadline = Date.now() + START_TIMEOUT_MS;
		while (Date.now() < deadline && !b.exit) {
			if ((await canConnect(port)) && (!tls || (await canConnect(tlsPort))))
				return { port, tlsPort };
			await sleep(50);
		}
		if (!b.exit) {
			p.kill('SIGKILL');
			await b.exited;
			b.proc = null;
			b.saveLog();
			throw new Error(`bastide serve did not answer within ${START_TIMEOUT_MS} ms:\n${b.stderr}`);
		}
		b.proc = null;
		// a port taken between freePort() and the bind: try others
		if (!/cannot listen/.test(b.stderr)) {
			b.saveLog();
			throw new Error(`bastide serve exited (${JSON.stringify(b.exit)}):\n${b.stderr}`);
		}
	}
	throw new Error(`bastide serve could not bind its ports:\n${b.stderr}`);
}

// Client over HTTPS: the same jar and form helpers, through node:https to
// 127.0.0.1:port with Host set to host, SNI to servername (default: host
// without its port) and ca (PEM) as the only trusted certificate. Cookies
// are kept under the names the server gives (__Host-bastide...). Responses
// also carry tls: the protocol negotiated.
export class TlsClient extends Client {
	constructor(port, host, ca, { servername } = {}) {
		super(port, host);
		this.origin = `https://${this.host}`;
		this.servername = servername ?? host.split(':')[0];
		this.ca = ca;
	}

	request(method, path, opts = {}) {
		const headers = { Host: this.host, 'Accept-Language': 'en', ...(opts.headers ?? {}) };
		if (opts.cookies !== false && this.jar.size && !('Cookie' in headers))
			headers.Cookie = this.cookieHeader();
		let body = opts.body;
		if (body !== undefined && !Buffer.isBuffer(body))
			body = Buffer.from(String(body));
		if (body !== undefined)
			headers['Content-Length'] = body.length;
		return new Promise((resolvePromise, reject) => {
			const req = https.request(
				{ host: '127.0.0.1', port: this.port, method, path, headers, agent: false,
				  setHost: false, servername: this.servername, ca: this.ca },
				(res) => {
					const tls = res.socket.getProtocol();
					const chunks = [];
					res.on('data', (c) => chunks.push(c));
					res.on('error', reject);
					res.on('end', () => {
						const setCookies = res.headers['set-cookie'] ?? [];
						if (opts.jar !== false)
							for (const sc of setCookies)
								storeCookie(this.jar, sc);
						const text = Buffer.concat(chunks).toString('utf8');
						resolvePromise({
							status: res.statusCode,
							headers: res.headers,
							body: text,
							setCookies,
							location: res.headers.location,
							tls,
							json() {
								return JSON.parse(text);
							},
						});
					});
				},
			);
			req.on('error', reject);
			req.setTimeout(30000, () => req.destroy(new Error(`${method} ${path}: timeout`)));
			if (body !== undefined)
				req.end(body);
			else
				req.end();
		});
	}
}

// What Client keeps of one Set-Cookie header, for TlsClient.
function storeCookie(jar, setCookie) {
	const [pair, ...attrs] = setCookie.split(';');
	const eq = pair.indexOf('=');
	const name = pair.slice(0, eq).trim();
	const value = pair.slice(eq + 1).trim();
	const maxAge = attrs.map((a) => a.trim()).find((a) => /^max-age=/i.test(a));
	if (value === '' || (maxAge && Number(maxAge.split('=')[1]) <= 0))
		jar.delete(name);
	else
		jar.set(name, value);
}

// One Set-Cookie header as {name, value, attrs}: attrs maps each attribute's
// lower-case name to its value (true for flags such as Secure).
export function parseSetCookie(setCookie) {
	const [pair, ...rest] = setCookie.split(';');
	const eq = pair.indexOf('=');
	const attrs = {};
	for (const a of rest) {
		const t = a.trim();
		if (!t)
			continue;
		const i = t.indexOf('=');
		attrs[(i < 0 ? t : t.slice(0, i)).toLowerCase()] = i < 0 ? true : t.slice(i + 1);
	}
	return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs };
}

/* ------------------------------------------------------------------ */
/* The routing table, read from the sources; request bodies           */

// Every route of the server as "METHOD /pattern", read from
// src/http/routes.c and the routes_*.inc fragments it includes, in table
// order (guards such as #if defined(...) are ignored: a route listed in
// the sources is a route of the server).
export function serverRoutes(root = resolve(HERE, '../../..')) {
	const routes = [];
	const read = (file, seen) => {
		if (seen.has(file))
			return;
		seen.add(file);
		for (const line of readFileSync(join(root, file), 'utf8').split('\n')) {
			const inc = /^\s*#include\s+"(http\/routes_[a-z0-9_]+\.inc)"/.exec(line);
			if (inc) {
				read(join('src', inc[1]), seen);
				continue;
			}
			const m = /^\s*\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"/.exec(line);
			if (m)
				routes.push(`${m[1]} ${m[2]}`);
		}
	};
	read('src/http/routes.c', new Set());
	return routes;
}

// A multipart/form-data body: text fields in order (put csrf first: the
// transport streams uploads), then, when file is given ({field = 'file',
// name, type, data: Buffer|string}), the file part.
export function multipartBody(fields, file) {
	const boundary = `----bastide${Math.random().toString(16).slice(2)}${Date.now()}`;
	const parts = Object.entries(fields).map(([k, v]) =>
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
	if (file) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; ` +
				       `name="${file.field ?? 'file'}"; filename="${file.name}"\r\n` +
				       `Content-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
		parts.push(Buffer.isBuffer(file.data) ? file.data : Buffer.from(String(file.data ?? '')));
		parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
	} else {
		parts.push(Buffer.from(`--${boundary}--\r\n`));
	}
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

// A valid w x h grey PNG (8-bit greyscale, one IDAT).
export function pngImage(w, h) {
	const table = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc32 = (buf) => {
		let c = 0xffffffff;
		for (const x of buf)
			c = table[(c ^ x) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type, data) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(body));
		return Buffer.concat([len, body, crc]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr.set([8, 0, 0, 0, 0], 8);
	const raw = Buffer.alloc((w + 1) * h, 0x80);
	for (let y = 0; y < h; y++)
		raw[y * (w + 1)] = 0;
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

// (hoisted, like the https import above: for serverRoutes and pngImage)
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
