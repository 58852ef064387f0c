// The end of a platform (`bastide platform destroy`): its key goes first,
// then its databases, documents and local backups; a report of what was
// destroyed is signed with the installation's Ed25519 key (checked here with
// Node's own crypto), kept, printed and mailed to its administrators and its
// security contact (through a real SMTP peer, lib/smtp-sink.mjs). After
// it no file of the data directory holds a marker planted in the platform's
// publications and documents, an old copy of its backup cannot be restored
// (its key is gone), running servers stop serving it, and the other
// platforms notice nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bastide, activate, enrolTotp, startWithConfig } from './lib/bastide.mjs';
import { Sink } from './lib/smtp-sink.mjs';
import { sqlite } from './lib/trail.mjs';

const b = new Bastide('destroy');
const PW = 'seven quiet lanterns glowing';
const MARKER = `DESTROY-MARKER-${randomBytes(6).toString('hex')}`;
const CONTACT = 'rssi@acme.example';
let demo;
let sink;
let acmeToken;
let acmeAdmin;
let demoToken;

const acme = () => b.client('acme.localhost');
const bearer = (t) => ({ headers: { Authorization: `Bearer ${t}` } });

// Every file under dir holding needle, as bytes.
function filesHolding(dir, needle) {
	const found = [];
	const walk = (d) => {
		for (const e of readdirSync(d, { withFileTypes: true })) {
			const p = join(d, e.name);
			if (e.isDirectory())
				walk(p);
			else if (e.isFile() && readFileSync(p).includes(needle))
				found.push(p);
		}
	};
	walk(dir);
	return found;
}

async function uploadDoc(client, token, name, content) {
	const boundary = `----b${randomBytes(8).toString('hex')}`;
	const head = `--${boundary}\r\nContent-Disposition: form-data; name="owner"\r\n\r\nuser\r\n` +
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
		'Content-Type: application/octet-stream\r\n\r\n';
	const res = await client.request('POST', '/api/v1/documents', {
		headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...bearer(token).headers },
		body: Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]) });
	assert.equal(res.status, 201, res.body);
}

before(async () => {
	demo = await b.initWithDemo();
	const { link, email } = await b.createPlatform('acme');
	sink = new Sink(join(b.dir, 'sink'));
	await sink.start();
	await startWithConfig(b, ({ port }) => `[server]\nlisten = 127.0.0.1:${port}\n` +
		`[smtp]\nurl = smtp://127.0.0.1:${sink.port}\nfrom = Bastide <noreply@ops.example>\n`);
	await b.cli('platform', 'set-contact', 'acme', '--name', 'Rémi Sécurité', '--email', CONTACT,
		'--phone', '+33 1 02 03 04 05');
	await activate(acme(), link, PW);
	acmeAdmin = acme();
	assert.equal((await acmeAdmin.login(email, PW)).status, 303);
	await enrolTotp(b, acmeAdmin); // a second factor is the rule for administrators
	acmeToken = (await b.createToken('acme', email, { scope: 'read-write' })).token;
	demoToken = (await b.createToken('demo', demo.email, { scope: 'read-write' })).token;
	let res = await acme().postJson('/api/v1/posts', { body: `Our plans: ${MARKER}` }, bearer(acmeToken));
	assert.equal(res.status, 201, res.body);
	await uploadDoc(acme(), acmeToken, 'plans.txt', Buffer.from(`secret plans ${MARKER}\n`));
	res = await b.client().postJson('/api/v1/posts', { body: 'Demo keeps living' }, bearer(demoToken));
	assert.equal(res.status, 201, res.body);
	await b.cli('backup', 'run', '--platform', 'acme');
});

after(async () => {
	await b.dispose();
	await sink.stop();
});

test('the security contact: set by the operator, checked, shown by platform show and on the administrators\' settings page', async () => {
	assert.match((await b.cli('platform', 'show', 'acme')).stdout,
		/security contact: +Rémi Sécurité <rssi@acme\.example>, \+33 1 02 03 04 05/);
	let r = await b.run(['platform', 'set-contact', 'acme', '--name', 'X', '--email', 'not an address']);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /e-mail address is not valid/);
	r = await b.run(['platform', 'set-contact', 'acme', '--name', 'X\u202eY', '--email', CONTACT]);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /name must be 1 to 200 bytes/);
	r = await b.run(['platform', 'set-contact', 'acme', '--name', 'X', '--email', CONTACT, '--phone', 'call me']);
	assert.equal(r.code, 1);
	r = await b.run(['platform', 'set-contact', 'acme', '--name', 'X'.repeat(201), '--email', CONTACT]);
	assert.equal(r.code, 1);
	assert.equal((await b.run(['platform', 'set-contact', 'acme', '--email', CONTACT])).code, 2);
	const page = await acmeAdmin.get('/admin/settings');
	assert.equal(page.status, 200);
	assert.match(page.body, /<dl id="security-contact"><dt>Name<\/dt><dd>Rémi Sécurité<\/dd><dt>E-mail<\/dt><dd><a href="mailto:rssi@acme\.example">/);
	assert.match(page.body, /\+33 1 02 03 04 05/);
	// demo has none: its administrators are told so
	const demoAdmin = b.client();
	assert.equal((await demoAdmin.login(demo.email, demo.password)).status, 303);
	assert.match((await demoAdmin.get('/admin/settings')).body, /No security contact is set/);
	const events = sqlite(join(b.data, 'platforms', 'acme', 'audit.db'),
		"SELECT details FROM events WHERE event = 'platform.security_contact'");
	assert.equal(JSON.parse(events).email, CONTACT);
});

test('destroying asks for the slug again', async () => {
	let r = await b.run(['platform', 'destroy', 'acme']);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /--confirm acme/);
	r = await b.run(['platform', 'destroy', 'acme', '--confirm', 'demo']);
	assert.equal(r.code, 2);
	assert.equal((await acme().get('/api/v1/me', bearer(acmeToken))).status, 200);
});

test('destroyed: key, data, documents and backups gone, a signed report, the others untouched', async () => {
	// what an off-site copy of the backup would be, kept aside
	const offsite = join(b.dir, 'offsite-acme');
	cpSync(join(b.data, 'backups', 'acme'), offsite, { recursive: true });
	assert.ok(filesHolding(join(b.data, 'platforms', 'acme'), MARKER).length > 0, 'the marker is there before');

	const r = await b.cli('platform', 'destroy', 'acme', '--confirm', 'acme');
	const report = JSON.parse(r.stdout);
	assert.equal(report.platform.slug, 'acme');
	assert.equal(report.destroyed.documents.files, 1);
	assert.equal(report.destroyed.local_backups.list.length, 1);
	assert.match(report.destroyed.local_backups.list[0].manifest_blake2b, /^[0-9a-f]{64}$/);

	// the report as kept, and its signature, checked by Node's own crypto
	const kept = (await b.cli('platform', 'reports', 'acme')).stdout.trim().split('\n').map((l) => JSON.parse(l));
	assert.equal(kept.length, 1);
	assert.deepEqual(kept[0].report, report);
	const pk = Buffer.from(kept[0].public_key, 'hex');
	assert.equal(pk.toString('hex'), readFileSync(join(b.data, 'audit.pub'), 'utf8').trim());
	const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pk.toString('base64url') }, format: 'jwk' });
	const signed = Buffer.from(r.stdout.trim());
	assert.ok(verify(null, signed, key, Buffer.from(kept[0].signature, 'hex')), 'the signature holds');
	assert.ok(!verify(null, Buffer.from(r.stdout.trim().replace('acme', 'acmf')), key,
		Buffer.from(kept[0].signature, 'hex')), 'an edited report does not');

	// nothing of it left in the data directory
	assert.deepEqual(filesHolding(b.data, MARKER), []);
	assert.equal(readdirSync(join(b.data, 'platforms')).includes('acme'), false);
	assert.equal(readdirSync(join(b.data, 'backups')).includes('acme'), false);
	assert.match((await b.cli('platform', 'list')).stdout, /demo/);
	assert.doesNotMatch((await b.cli('platform', 'list')).stdout, /acme/);

	// the running server stopped serving it; demo lives on
	await new Promise((res) => setTimeout(res, 1200));
	assert.equal((await acme().get('/login')).status, 421);
	const feed = await b.client().get('/api/v1/posts', bearer(demoToken));
	assert.equal(feed.status, 200);
	assert.match(feed.body, /Demo keeps living/);
	// its administrators and its security contact are told, with the report
	// and its signature
	const reportTo = (to) => sink.messages().filter((m) => m.envelope.rcpt_to.includes(to) &&
		m.raw.includes('was destroyed'));
	for (const to of ['boss@acme.example', CONTACT]) {
		for (const end = Date.now() + 40000; !reportTo(to).length && Date.now() < end;)
			await new Promise((res) => setTimeout(res, 100));
		assert.equal(reportTo(to).length, 1, `one report mailed to ${to}`);
		const mail = reportTo(to)[0].raw.toString('utf8');
		assert.ok(mail.includes(r.stdout.trim()), `the report is in the mail to ${to}`);
		assert.ok(mail.includes(kept[0].signature), `the signature is in the mail to ${to}`);
		assert.match(mail, /"ACME" \(acme\) was destroyed/);
	}
	// the contact went with the platform's row
	assert.equal(sqlite(join(b.data, 'control.db'), 'SELECT count(*) FROM security_contacts'), '0');

	// an old copy of its backup is noise: the key is gone
	cpSync(offsite, join(b.data, 'backups', 'acme'), { recursive: true });
	const restore = await b.run(['restore', '--platform', 'acme', '--at', `${new Date(b.now() + 60000).toISOString().slice(0, 19)}Z`,
		'--as', 'acme2', '--host', 'acme2.localhost']);
	assert.notEqual(restore.code, 0);
	assert.match(restore.stderr, /key/i);
	assert.equal(readdirSync(join(b.data, 'platforms')).includes('acme2'), false);
});

test('destroying what does not exist fails clearly', async () => {
	const r = await b.run(['platform', 'destroy', 'nowhere', '--confirm', 'nowhere']);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /no platform nowhere/);
});
