// Forwarding the trail to syslog ([audit] syslog): every access entry and
// security event also leaves as one RFC 5424 datagram whose text is the
// entry in JSON, received here by a UDP listener on loopback; a bad target
// stops the server at start with a clear sentence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Bastide, startWithConfig } from './lib/bastide.mjs';

const b = new Bastide('audit-syslog');
const received = [];
let udp;

// <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG
const RFC5424 = /^<(\d+)>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S+) bastide (\d+) (access|event) - (\{.*\})$/;

before(async () => {
	udp = createSocket('udp4');
	udp.on('message', (m) => received.push(m.toString('utf8')));
	await new Promise((r) => udp.bind(0, '127.0.0.1', r));
	await b.initWithDemo();
	await startWithConfig(b, ({ port }) =>
		`[server]\nlisten = 127.0.0.1:${port}\n[audit]\nsyslog = udp://127.0.0.1:${udp.address().port}\n`);
});

after(async () => {
	await b.dispose();
	udp.close();
});

async function waitFor(pred, ms = 5000) {
	for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50)))
		if (pred())
			return;
	assert.fail('nothing came');
}

test('access entries and security events reach syslog as RFC 5424 messages with the entry in JSON', async () => {
	const probe = `p${Date.now()}`;
	const c = b.client();
	assert.equal((await c.get(`/login?probe=${probe}&token=hush`)).status, 200);
	const bad = await c.login('nobody@demo.localhost', 'not the password at all');
	assert.equal(bad.status, 401);
	const parsed = () => received.map((m) => RFC5424.exec(m)).filter(Boolean)
		.map(([, pri, at, host, pid, msgid, json]) => ({ pri: Number(pri), at, host, pid, msgid, e: JSON.parse(json) }));
	await waitFor(() => parsed().some((m) => m.e.path?.startsWith(`/login?probe=${probe}`)) &&
		parsed().some((m) => m.msgid === 'event' && m.e.event === 'auth.login.failure'));
	const access = parsed().find((m) => m.e.path?.startsWith(`/login?probe=${probe}`));
	assert.equal(access.pri, 134);
	assert.equal(access.e.platform, 'demo');
	assert.equal(access.e.kind, 'access');
	assert.equal(access.e.method, 'GET');
	assert.equal(access.e.status, 200);
	assert.equal(access.e.client_addr, '127.0.0.1');
	assert.equal(access.e.path, `/login?probe=${probe}&token=[redacted]`, 'secrets are scrubbed here too');
	assert.ok(access.e.seq > 0);
	const event = parsed().find((m) => m.msgid === 'event' && m.e.event === 'auth.login.failure');
	assert.equal(event.pri, 133);
	assert.equal(event.e.target, 'nobody@demo.localhost');
	assert.equal(typeof event.e.details, 'object');
	// every message is whole: no message in the RFC 5424 form failed to parse
	assert.equal(parsed().length, received.length, received.find((m) => !RFC5424.test(m)));
});

test('a syslog target that is not one stops the server at start, saying why', async () => {
	await b.stop();
	await assert.rejects(
		startWithConfig(b, ({ port }) => `[server]\nlisten = 127.0.0.1:${port}\n[audit]\nsyslog = udp://nowhere:99999\n`),
		/syslog/);
});
