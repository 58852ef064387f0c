// The end of a contract (`bastide platform offboard`): the final export is
// written first (nothing changes when it fails or is not encrypted), then
// the platform is closed to its users for a notice period that can be
// cancelled; when it ends, the running server destroys the platform and
// keeps the signed report. Its administrators and its security contact are
// told at each step (no SMTP relay here: the mail is in the server's log).
// The test clock moves the days.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bastide, DAY, MINUTE, activate } from './lib/bastide.mjs';

const b = new Bastide('offboard');
const PW = 'nine patient herons waiting';
let pass;
const acme = () => b.client('acme.localhost');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function statusOf(path = '/login') {
	return (await acme().get(path)).status;
}

async function until(pred, ms = 8000) {
	for (const end = Date.now() + ms; Date.now() < end; await sleep(100))
		if (await pred())
			return true;
	return false;
}

before(async () => {
	await b.initWithDemo();
	const { link, email } = await b.createPlatform('acme');
	await b.start();
	await activate(acme(), link, PW);
	const token = (await b.createToken('acme', email, { scope: 'read-write' })).token;
	const res = await acme().postJson('/api/v1/posts', { body: 'Last words' },
		{ headers: { Authorization: `Bearer ${token}` } });
	assert.equal(res.status, 201, res.body);
	await b.cli('platform', 'set-contact', 'acme', '--name', 'Security Desk', '--email', 'rssi@acme.example');
	pass = join(b.dir, 'client-passphrase');
	writeFileSync(pass, 'the client chose this passphrase\n');
});

after(async () => {
	await b.dispose();
});

test('no encrypted final export, no offboarding', async () => {
	let r = await b.run(['platform', 'offboard', 'acme', '--passphrase-file', pass]);
	assert.equal(r.code, 2, r.stderr);
	assert.match(r.stderr, /platform acme is unchanged|Usage/);
	r = await b.run(['platform', 'offboard', 'acme', '--output', join(b.dir, 'x'), '--insecure-plaintext']);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /encrypted for the client/);
	assert.equal(existsSync(join(b.dir, 'x')), false);
	r = await b.run(['platform', 'offboard', 'acme', '--cancel']);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /not being offboarded/);
	assert.equal(await statusOf(), 200);
});

test('offboarded: the export is written, the platform closed; cancelled: open again', async () => {
	const out = join(b.dir, 'final-1.tar.zst.gpg');
	let r = await b.cli('platform', 'offboard', 'acme', '--output', out, '--passphrase-file', pass,
		'--notice-days', '30');
	assert.match(r.stdout, /closed to its users; it will be destroyed after/);
	assert.ok(readFileSync(out).length > 100);
	assert.match((await b.cli('platform', 'show', 'acme')).stdout, /closed \(offboarding\)[\s\S]*destroyed after/);
	assert.ok(await until(async () => (await statusOf()) === 503), 'closed to its users');
	r = await b.run(['platform', 'offboard', 'acme', '--output', join(b.dir, 'again'), '--passphrase-file', pass]);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /being offboarded already/);
	for (const to of ['boss@acme\\.example', 'rssi@acme\\.example'])
		await b.waitForLog(new RegExp(`mail to ${to}[^\\n]*ACME: the platform is closed and will be destroyed`), 10000);
	await b.cli('platform', 'offboard', 'acme', '--cancel');
	assert.ok(await until(async () => (await statusOf()) === 200), 'open again');
	await b.waitForLog(/mail to rssi@acme\.example[^\n]*ACME: the offboarding was cancelled/, 10000);
	const audit = join(b.data, 'platforms', 'acme', 'audit.db');
	const { execFileSync } = await import('node:child_process');
	const events = execFileSync('sqlite3', [audit,
		"SELECT event FROM events WHERE event LIKE 'platform.offboard%' ORDER BY id"]).toString().trim().split('\n');
	assert.deepEqual(events, ['platform.offboard', 'platform.offboard.cancel']);
});

test('when the notice ends, the running server destroys the platform and keeps the report', async () => {
	await b.cli('platform', 'offboard', 'acme', '--output', join(b.dir, 'final-2.tar.zst.gpg'),
		'--passphrase-file', pass, '--notice-days', '2');
	assert.ok(await until(async () => (await statusOf()) === 503));
	b.advanceClock(DAY); // not yet
	await sleep(2500);
	assert.match((await b.cli('platform', 'list')).stdout, /acme/);
	b.advanceClock(DAY + 2 * MINUTE);
	await b.waitForLog(/platform acme destroyed; report/, 20000);
	assert.doesNotMatch((await b.cli('platform', 'list')).stdout, /acme/);
	const reports = (await b.cli('platform', 'reports', 'acme')).stdout.trim().split('\n');
	assert.equal(reports.length, 1);
	assert.equal(JSON.parse(reports[0]).report.platform.slug, 'acme');
	assert.equal(existsSync(join(b.data, 'platforms', 'acme')), false);
	assert.ok(await until(async () => (await statusOf()) === 421));
	assert.equal((await b.client().get('/login')).status, 200, 'demo lives on');
});
