// The outbound mail queue against a real SMTP peer on loopback
// (lib/smtp-sink.py, which writes each message it accepts to a directory).
// What is proven: a message arrives well formed (envelope, To, an RFC 2047
// subject of whole UTF-8 characters in short encoded words, a UTF-8 plain
// text body with the working activation link, Date, Message-ID,
// MIME-Version, Auto-Submitted, CRLF lines); with the relay down a message
// is kept, retried with a growing back-off, survives a restart and is
// delivered once, exactly once, when the relay is back; a relay that hangs
// does not hold SIGTERM up nor lose the message; and without a relay the
// message is printed in the log and marked sent.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
	Bastide, HOUR, MINUTE, SECOND, activate, csrfOf, enrolTotp, findLink, findLinks, freePort,
	noticesOf, startWithConfig,
} from './lib/bastide.mjs';
import { Sink } from './lib/smtp-sink.mjs';

const FROM = 'Bastide <noreply@acme.example>';
const PW = 'nine quiet otters float downstream';
// the server's mailer looks at the queue every 0.5 s
const MAILER_PERIOD_MS = 500;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ------------------------------------------------------------------ */
/* The SMTP sink (lib/smtp-sink.mjs)                                   */

const sinks = [];
function newSink(b) {
	const s = new Sink(join(b.dir, 'sink'));
	sinks.push(s);
	return s;
}
after(async () => {
	for (const s of sinks)
		await s.stop();
});

/* ------------------------------------------------------------------ */
/* Reading a message                                                   */

// RFC 2047 encoded words in a header value: {text, words}. White space
// between adjacent encoded words is dropped (6.2); each word must decode
// to UTF-8 on its own (5: a word holds whole characters).
function decodeHeader(value) {
	const re = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
	const words = [];
	let text = '';
	let last = 0;
	let prevWord = false;
	for (const m of value.matchAll(re)) {
		const between = value.slice(last, m.index);
		if (!(prevWord && /^\s*$/.test(between)))
			text += between;
		assert.match(m[1], /^utf-8$/i, `charset of ${m[0]}`);
		const bytes = /b/i.test(m[2])
			? Buffer.from(m[3], 'base64')
			: Buffer.from(m[3].replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi,
					(_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
		let part;
		try {
			part = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		} catch {
			assert.fail(`encoded word ${m[0]} is not UTF-8 on its own (a character split across words?)`);
		}
		text += part;
		words.push(m[0]);
		last = m.index + m[0].length;
		prevWord = true;
	}
	text += value.slice(last);
	return { text, words };
}

// {headers: Map lower-case name -> [unfolded values], rawHead, body (string),
// header(name)} of a raw message, after checking its line discipline.
function parseMail(raw) {
	const sep = raw.indexOf('\r\n\r\n');
	assert.ok(sep > 0, 'no blank line between header and body');
	const text = raw.toString('latin1');
	assert.doesNotMatch(text, /[^\r]\n/, 'a bare LF (RFC 5322 2.3: lines end with CRLF)');
	assert.doesNotMatch(text, /\r[^\n]/, 'a bare CR');
	for (const line of text.split('\r\n'))
		assert.ok(line.length <= 998, `a line of ${line.length} octets (RFC 5322 2.1.1: at most 998)`);
	const rawHead = text.slice(0, sep);
	assert.doesNotMatch(rawHead, /[^\x20-\x7e\r\n\t]/, 'non-ASCII octets in the header');
	const headers = new Map();
	let current = null;
	for (const line of rawHead.split('\r\n')) {
		if (/^[ \t]/.test(line)) {
			assert.ok(current, 'a continuation line first');
			current.value += line;
			continue;
		}
		const colon = line.indexOf(':');
		assert.ok(colon > 0, `not a header field: ${line}`);
		current = { name: line.slice(0, colon).toLowerCase(), value: line.slice(colon + 1).trim() };
		if (!headers.has(current.name))
			headers.set(current.name, []);
		headers.get(current.name).push(current);
	}
	const values = new Map([...headers].map(([k, v]) => [k, v.map((f) => f.value)]));
	const body = new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(sep + 4));
	return {
		headers: values,
		rawHead,
		body,
		header(name) {
			const v = values.get(name.toLowerCase());
			assert.ok(v, `no ${name} header`);
			assert.equal(v.length, 1, `${v.length} ${name} headers`);
			return v[0];
		},
	};
}

// The checks every message must pass; returns the parsed message and its
// decoded subject.
function assertWellFormed(msg, { to, now }) {
	assert.deepEqual(msg.envelope.rcpt_to, [to], 'envelope recipients');
	assert.equal(msg.envelope.mail_from, 'noreply@acme.example', 'envelope sender');
	const m = parseMail(msg.raw);
	assert.match(m.header('To'), new RegExp(`<${to.replace(/[.]/g, '\\.')}>$`));
	assert.equal(m.header('From'), FROM);
	const date = Date.parse(m.header('Date'));
	assert.ok(Number.isFinite(date), `Date: ${m.header('Date')}`);
	assert.ok(Math.abs(date - now) < 5 * MINUTE, `Date ${m.header('Date')} is not now`);
	assert.match(m.header('Message-ID'), /^<[!#-'*+\-/-9=?A-Z^-~.]+@acme\.example>$/,
		     'Message-ID (RFC 5322 3.6.4: a message SHOULD have one; the From domain on the right)');
	assert.equal(m.header('MIME-Version'), '1.0');
	assert.match(m.header('Content-Type'), /^text\/plain;\s*charset="?utf-8"?$/i);
	assert.match(m.header('Content-Transfer-Encoding'), /^(8bit|quoted-printable|base64)$/i);
	assert.equal(m.header('Auto-Submitted'), 'auto-generated');
	const subject = m.header('Subject');
	assert.match(subject, /^=\?/, `Subject is not RFC 2047 encoded: ${subject}`);
	const { text, words } = decodeHeader(subject);
	for (const w of words)
		assert.ok(w.length <= 75, `encoded word of ${w.length} characters (RFC 2047 2: at most 75)`);
	// RFC 5322 2.1.1: lines SHOULD be at most 78 characters
	for (const line of m.rawHead.split('\r\n'))
		assert.ok(line.length <= 78, `header line of ${line.length} characters: ${line}`);
	return { m, subject: text };
}

// The invitation's subject names the platform, in the platform's language.
function assertInvitationSubject(subject, platformName) {
	assert.match(subject, /invitation/i, subject);
	assert.ok(subject.endsWith(` ${platformName}`), `the platform name is not in: ${subject}`);
}

function smtpConfig(port) {
	return ({ port: listen }) =>
		`[server]\nlisten = 127.0.0.1:${listen}\n[smtp]\nurl = smtp://127.0.0.1:${port}\nfrom = ${FROM}\n`;
}

/* ------------------------------------------------------------------ */

describe('with a relay that works', () => {
	const b = new Bastide('mail');
	let sink;
	let acme;
	// a realistic name that makes the subject longer than one encoded word
	const NAME = 'Société Coopérative Agricole des Éleveurs de Haute-Provence';

	before(async () => {
		await b.init();
		sink = newSink(b);
		await sink.start();
		// queued by the CLI before any server runs: sent once one starts
		acme = await b.createPlatform('acme', { name: NAME });
		await startWithConfig(b, smtpConfig(sink.port));
	});

	after(async () => {
		await b.dispose();
	});

	test('the invitation queued by platform create arrives well formed, with the activation link, and the link works', async () => {
		const msg = await sink.waitFor(acme.email);
		const { m, subject } = assertWellFormed(msg, { to: acme.email, now: b.now() });
		assertInvitationSubject(subject, NAME);
		assert.ok(m.body.includes(NAME), 'the platform name in the body, in UTF-8');
		const link = findLink(m.body);
		assert.equal(link, acme.link, 'the link in the mail is the one platform create printed');
		await activate(b.client('acme.localhost'), link, PW);
		await b.waitForLog(/mail: sent message \d+ to boss@acme\.example/);
	});

	test('an invitation made on the web back office arrives with an encoded UTF-8 subject and a UTF-8 body holding its working link', async () => {
		const admin = b.client('acme.localhost');
		assert.equal((await admin.login(acme.email, PW)).status, 303);
		await enrolTotp(b, admin); // administrators need a second factor
		const page = await admin.get('/admin/users');
		assert.equal(page.status, 200, `GET /admin/users: ${page.status} ${page.location ?? ''}`);
		const to = 'zoe@acme.example';
		const res = await admin.post('/admin/users', {
			csrf: csrfOf(page.body), email: to, name: 'Zoë Ünïcode-Ørsted', role: 'member',
		});
		assert.ok(res.status === 200 || res.status === 303, `POST /admin/users: ${res.status} ${noticesOf(res.body)}`);
		const msg = await sink.waitFor(to);
		const { m, subject } = assertWellFormed(msg, { to, now: b.now() });
		assertInvitationSubject(subject, NAME);
		assert.match(m.body, /Zoë Ünïcode-Ørsted/);
		const links = findLinks(m.body);
		assert.equal(links.length, 1, m.body);
		assert.match(m.body, new RegExp(`https?://acme\\.localhost(:\\d+)?${links[0]}`));
		await activate(b.client('acme.localhost'), links[0], PW);
		assert.equal((await b.client('acme.localhost').login(to, PW)).status, 303);
	});

	test('each message has its own Message-ID', () => {
		const ids = sink.messages().map((x) => parseMail(x.raw).header('Message-ID'));
		assert.ok(ids.length >= 2);
		assert.equal(new Set(ids).size, ids.length, JSON.stringify(ids));
	});

	test('a body line that begins with a dot arrives as written (SMTP dot-stuffing done once)', async (t) => {
		// the platform's display name ends up at the start of a body line
		const r = await b.run(['platform', 'create', 'dots', '--host', 'dots.localhost', '--name',
				       'Dots\n.hidden line\n..two dots', '--admin-email', 'dot@acme.example']);
		if (r.code !== 0)
			return t.skip(`platform create refuses a multi-line name: ${r.stderr.trim()}`);
		const msg = await sink.waitFor('dot@acme.example');
		const { m } = assertWellFormed(msg, { to: 'dot@acme.example', now: b.now() });
		assert.match(m.body, /\r\n\.hidden line\r\n\.\.two dots/, m.body);
	});

	test('a very long non-ASCII subject is cut on a character boundary, never inside one', async (t) => {
		// 241 bytes: the platform keeps it whole, but the subject made of it is
		// longer than the queue keeps (255 bytes), and cut inside an é
		const name = `x${'é'.repeat(120)}`;
		const r = await b.run(['platform', 'create', 'long', '--host', 'long.localhost', '--name', name,
				       '--admin-email', 'long@acme.example']);
		if (r.code !== 0)
			return t.skip(`platform create refuses a 121-character name: ${r.stderr.trim()}`);
		const msg = await sink.waitFor('long@acme.example');
		const { subject } = assertWellFormed(msg, { to: 'long@acme.example', now: b.now() });
		assert.match(subject, /x(é){100,}$/, subject);
	});

	test('every message was delivered exactly once', async () => {
		await sleep(3 * MAILER_PERIOD_MS);
		const rcpts = sink.messages().map((x) => x.envelope.rcpt_to.join(','));
		assert.equal(new Set(rcpts).size, rcpts.length, `duplicates: ${rcpts}`);
	});
});

describe('with the relay down', () => {
	const b = new Bastide('mail-retry');
	let sink;
	let smtpPort;
	let acme;
	let id;

	before(async () => {
		await b.init();
		sink = newSink(b);
		smtpPort = await freePort(); // nobody listens there yet
		acme = await b.createPlatform('acme');
		await startWithConfig(b, smtpConfig(smtpPort));
	});

	after(async () => {
		await b.dispose();
	});

	test('a failed message is kept and retried with a growing back-off: 1 minute, then 2', async () => {
		const first = await b.waitForLog(/mail: message (\d+) to boss@acme\.example not sent \((.+?)\); next try in (\d+) s/);
		id = first[1];
		assert.equal(first[3], '60', first[0]);
		assert.match(first[2], /connect/i, 'the reason is in the log');
		// nothing more before the minute is over
		await sleep(3 * MAILER_PERIOD_MS);
		assert.equal(b.log().match(/not sent/g).length, 1, b.log());
		b.advanceClock(MINUTE + SECOND);
		const second = await b.waitForLog(new RegExp(`mail: message ${id} to boss@acme\\.example not sent \\(.+?\\); next try in 120 s`));
		assert.ok(second);
	});

	test('the message survives a restart of the server, which keeps its back-off', async () => {
		await b.stop();
		await sink.start({ port: smtpPort });
		await startWithConfig(b, smtpConfig(smtpPort));
		// due 2 minutes after the second attempt: not before
		await sleep(4 * MAILER_PERIOD_MS);
		assert.equal(sink.messages().length, 0, 'sent before its retry time');
		assert.doesNotMatch(b.log(), /mail: sent/);
	});

	test('once the relay is back and the retry due, it is delivered exactly once', async () => {
		b.advanceClock(2 * MINUTE + SECOND);
		const msg = await sink.waitFor(acme.email);
		const { m } = assertWellFormed(msg, { to: acme.email, now: b.now() });
		assert.equal(findLink(m.body), acme.link);
		await b.waitForLog(new RegExp(`mail: sent message ${id} to boss@acme\\.example`));
		await sleep(4 * MAILER_PERIOD_MS);
		b.advanceClock(HOUR);
		await sleep(2 * MAILER_PERIOD_MS);
		await b.stop();
		assert.equal(sink.messages().length, 1, 'a duplicate in the sink');
		// and a later start sends nothing again
		await startWithConfig(b, smtpConfig(smtpPort));
		await sleep(3 * MAILER_PERIOD_MS);
		await b.stop();
		assert.equal(sink.messages().length, 1, 'sent again after a restart');
	});
});

describe('with a relay that accepts connections and never answers', () => {
	const b = new Bastide('mail-hang');
	let sink;
	let acme;

	before(async () => {
		await b.init();
		sink = newSink(b);
		await sink.start({ mute: true });
		acme = await b.createPlatform('acme');
		await startWithConfig(b, smtpConfig(sink.port));
	});

	after(async () => {
		await b.dispose();
	});

	test('SIGTERM during a hung delivery stops the server promptly, and the message stays queued', async () => {
		const deadline = Date.now() + 10 * SECOND;
		while (!/connection/.test(sink.stdout) && Date.now() < deadline)
			await sleep(50);
		assert.match(sink.stdout, /connection/, 'the mailer never connected');
		const t0 = Date.now();
		await b.stop(); // asserts exit 0 within 15 s
		const took = Date.now() - t0;
		assert.ok(took < 10 * SECOND, `stopping took ${took} ms`);
		assert.match(b.log(), /mail: message \d+ to boss@acme\.example interrupted by shutdown; it stays queued/);
		// (not counted as a failed attempt: it is due at once at the next start)
		// the relay recovers: the message goes out at the next start, once
		const port = sink.port;
		await sink.stop();
		await sink.start({ port });
		await startWithConfig(b, smtpConfig(port));
		const msg = await sink.waitFor(acme.email);
		assert.equal(findLink(parseMail(msg.raw).body), acme.link);
		await sleep(3 * MAILER_PERIOD_MS);
		await b.stop();
		assert.equal(sink.messages().length, 1);
	});
});

describe('without a relay', () => {
	const b = new Bastide('mail-log');
	let acme;

	before(async () => {
		await b.init();
		acme = await b.createPlatform('acme');
		await b.start();
	});

	after(async () => {
		await b.dispose();
	});

	test('the message is printed in the server log with its link, and marked sent: a restart does not print it again', async () => {
		const line = await b.waitForLog(/mail to boss@acme\.example \(no SMTP relay configured, printed here instead\): (.*)/);
		assertInvitationSubject(line[1].split(': ')[0], 'ACME');
		assert.equal(findLink(line[1]), acme.link);
		await b.stop();
		await b.start();
		await sleep(3 * MAILER_PERIOD_MS);
		b.advanceClock(HOUR);
		await sleep(2 * MAILER_PERIOD_MS);
		assert.doesNotMatch(b.log(), /mail to boss@acme\.example/);
	});
});
