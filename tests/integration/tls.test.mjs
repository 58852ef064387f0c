// HTTPS done in-process: `bastide serve` with a plain and a TLS listener from
// its configuration file, a throwaway self-signed certificate for
// acme.localhost made with the openssl CLI. Over HTTPS: pages load, every
// response carries Strict-Transport-Security, cookies take the __Host-
// prefix with Secure; HttpOnly; SameSite=Lax; Path=/ and no Domain; only
// TLS 1.2 and 1.3 are spoken, with forward-secret AEAD suites only. The
// plain listener goes on working with the plain cookie names and no HSTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	Bastide, TlsClient, activate, csrfOf, noticesOf, parseSetCookie, startWithConfig,
} from './lib/bastide.mjs';

const b = new Bastide('tls');
const HOST = 'acme.localhost';
const PW = 'seven grey herons wade at dawn';
let acme;
const MEMBER = 'ann@acme.example'; // no second factor asked of members
let ca; // the certificate's PEM: the only CA the clients trust
let ecCert, rsaCert; // {cert, key} file paths

// A self-signed certificate for HOST (SAN included, which node checks) in
// b.dir: kind is 'ec' (P-256) or 'rsa' (2048 bits).
function makeCertificate(kind) {
	const cert = join(b.dir, `${kind}-cert.pem`);
	const key = join(b.dir, `${kind}-key.pem`);
	const alg = kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
		: ['-newkey', 'rsa:2048'];
	const r = spawnSync('openssl', ['req', '-x509', ...alg, '-nodes', '-keyout', key, '-out', cert,
					'-days', '2', '-subj', `/CN=${HOST}`,
					'-addext', `subjectAltName=DNS:${HOST}`], { encoding: 'utf8' });
	assert.equal(r.status, 0, `openssl req: ${r.stderr}`);
	return { cert, key };
}

function config({ cert, key }) {
	return ({ port, tlsPort }) =>
		`[server]\nlisten = 127.0.0.1:${port}\ntls_listen = 127.0.0.1:${tlsPort}\n` +
		`tls_cert = ${cert}\ntls_key = ${key}\n`;
}

// openssl s_client against the TLS listener; extra: its protocol and
// cipher options; caFile: the certificate to trust. Returns {ok, protocol,
// cipher, out}.
function sClient(extra, caFile = ecCert.cert) {
	const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${b.tlsPort}`,
					'-servername', HOST, '-CAfile', caFile, ...extra],
			    { input: '', encoding: 'utf8', timeout: 15000 });
	const out = `${r.stdout}\n${r.stderr}`;
	const m = /New, (\S+), Cipher is (\S+)/.exec(out);
	const proto = /Protocol\s*:\s*(\S+)/.exec(out);
	return {
		ok: r.status === 0 && !!m && m[2] !== '(NONE)',
		// TLS 1.3 sessions arrive after the handshake: no Protocol line then
		protocol: proto ? proto[1] : m && m[2] !== '(NONE)' ? m[1] : null,
		cipher: m ? m[2] : null,
		out,
	};
}

// The client offered the version: a refusal is the server's, not a
// client-side "no protocols available" (OpenSSL's own security level).
function assertClientOffered(r, what) {
	assert.doesNotMatch(r.out, /no protocols available|no ciphers available/,
			    `${what}: openssl refused on its own side, the test proves nothing:\n${r.out}`);
	assert.match(r.out, /written [1-9]\d* bytes/, `${what}: no ClientHello sent:\n${r.out}`);
}

// An HTTPS client for Host host, SNI acme.localhost (the certificate's name).
const tls = (host = HOST) => new TlsClient(b.tlsPort, `${host}:${b.tlsPort}`, ca, { servername: HOST });

before(async () => {
	await b.init();
	acme = await b.createPlatform('acme');
	ecCert = makeCertificate('ec');
	rsaCert = makeCertificate('rsa');
	ca = readFileSync(ecCert.cert);
	await startWithConfig(b, config(ecCert), { tls: true });
	// accounts are activated over HTTPS
	await activate(tls(), acme.link, PW);
	await activate(tls(), await b.createUser('acme', MEMBER), PW);
});

after(async () => {
	await b.dispose();
});

test('HTTPS: the sign-in page of acme.localhost loads over TLS 1.3 with the configured certificate', async () => {
	const res = await tls().get('/login');
	assert.equal(res.status, 200);
	assert.equal(res.tls, 'TLSv1.3');
	assert.match(res.headers['content-type'], /^text\/html/);
	assert.ok(csrfOf(res.body), 'no form on /login');
});

test('HTTPS: every kind of response carries Strict-Transport-Security for at least a year', async () => {
	const c = tls();
	const cases = [
		['page', await c.get('/login')],
		['redirect', await c.get('/')],
		['not found', await c.get('/no/such/page')],
		['API error', await c.get('/api/v1/me')],
		['unknown host', await tls('nowhere.localhost').get('/login')],
	];
	for (const [what, res] of cases) {
		const hsts = res.headers['strict-transport-security'];
		assert.ok(hsts, `${what} (HTTP ${res.status}): no Strict-Transport-Security`);
		const age = /max-age=(\d+)/.exec(hsts);
		assert.ok(age && Number(age[1]) >= 31536000, `${what}: ${hsts}`);
	}
});

test('plain HTTP: responses carry no Strict-Transport-Security (RFC 6797 8.1: ignored and misleading there)', async () => {
	const c = b.client(HOST);
	for (const path of ['/login', '/', '/no/such/page']) {
		const res = await c.get(path);
		assert.equal(res.headers['strict-transport-security'], undefined, `${path} (HTTP ${res.status})`);
	}
});

// The cookie rules of a __Host- name (RFC 6265bis 4.1.3.2) plus ours.
function assertHostCookie(sc, name) {
	const { name: n, attrs } = parseSetCookie(sc);
	assert.equal(n, name, sc);
	assert.equal(attrs.secure, true, `${sc}: no Secure`);
	assert.equal(attrs.httponly, true, `${sc}: no HttpOnly`);
	assert.equal(attrs.samesite, 'Lax', `${sc}: SameSite`);
	assert.equal(attrs.path, '/', `${sc}: Path`);
	assert.equal(attrs.domain, undefined, `${sc}: a __Host- cookie may not have a Domain`);
}

test('HTTPS: the pre-session cookie is __Host-bastide-pre; Secure; HttpOnly; SameSite=Lax; Path=/; no Domain', async () => {
	const res = await tls().get('/login');
	const pre = res.setCookies.filter((sc) => /^__Host-bastide-pre=/.test(sc));
	assert.equal(pre.length, 1, `Set-Cookie: ${JSON.stringify(res.setCookies)}`);
	assertHostCookie(pre[0], '__Host-bastide-pre');
	assert.ok(!res.setCookies.some((sc) => /^bastide(-pre)?=/.test(sc)), 'a plain cookie name over HTTPS');
});

test('HTTPS: signing in sets __Host-bastide; Secure; HttpOnly; SameSite=Lax; Path=/; no Domain, and the session works', async () => {
	const c = tls();
	const token = await c.csrf('/login');
	// a browser sends its origin on a form post: the https one must pass
	const res = await c.post('/login', { csrf: token, email: MEMBER, password: PW },
				 { headers: { Origin: c.origin } });
	assert.equal(res.status, 303, `sign-in: ${res.status} ${noticesOf(res.body)}`);
	const session = res.setCookies.filter((sc) => /^__Host-bastide=/.test(sc));
	assert.equal(session.length, 1, `Set-Cookie: ${JSON.stringify(res.setCookies)}`);
	assertHostCookie(session[0], '__Host-bastide');
	for (const sc of res.setCookies)
		assert.match(sc, /^__Host-/, `every cookie over HTTPS has the prefix: ${sc}`);
	const home = await c.get('/');
	assert.equal(home.status, 200, `GET / with the session: ${home.status} ${home.location ?? ''}`);

	// signing out clears it under the same name, with the attributes a
	// browser needs to match it
	const out = await c.logout('/');
	const cleared = out.setCookies.filter((sc) => /^__Host-bastide=/.test(sc));
	assert.equal(cleared.length, 1, `sign-out Set-Cookie: ${JSON.stringify(out.setCookies)}`);
	assertHostCookie(cleared[0], '__Host-bastide');
	assert.equal(parseSetCookie(cleared[0]).attrs['max-age'], '0');
});

test('HTTPS: a session cookie without the __Host- prefix (as a sibling host or plain HTTP could plant) is ignored', async () => {
	const c = tls();
	assert.equal((await c.login(MEMBER, PW)).status, 303);
	const value = c.cookie('__Host-bastide');
	assert.ok(value);
	const planted = tls();
	planted.setCookie('bastide', value);
	const res = await planted.get('/');
	assert.equal(res.status, 303, 'signed in through an unprefixed cookie over HTTPS');
	assert.match(res.location, /^\/login/);
});

test('plain HTTP keeps working on the plain listener: bastide-pre and bastide cookies, without Secure', async () => {
	const c = b.client(HOST);
	const page = await c.get('/login');
	assert.equal(page.status, 200);
	const pre = page.setCookies.find((sc) => /^bastide-pre=/.test(sc));
	assert.ok(pre, `Set-Cookie: ${JSON.stringify(page.setCookies)}`);
	assert.equal(parseSetCookie(pre).attrs.secure, undefined, pre);
	const res = await c.post('/login', { csrf: csrfOf(page.body), email: MEMBER, password: PW });
	assert.equal(res.status, 303, `sign-in: ${res.status} ${noticesOf(res.body)}`);
	const session = res.setCookies.find((sc) => /^bastide=/.test(sc));
	assert.ok(session, `Set-Cookie: ${JSON.stringify(res.setCookies)}`);
	const { attrs } = parseSetCookie(session);
	assert.equal(attrs.secure, undefined, session);
	assert.equal(attrs.httponly, true, session);
	assert.equal(attrs.samesite, 'Lax', session);
	assert.equal((await c.get('/')).status, 200);
	assert.ok(!res.setCookies.some((sc) => /^__Host-/.test(sc)), 'a __Host- cookie over plain HTTP');
});

test('TLS 1.0 and 1.1 are refused; TLS 1.2 and 1.3 are accepted', () => {
	for (const v of ['-tls1', '-tls1_1']) {
		// security level 0 so that this OpenSSL offers the old version at all
		const r = sClient([v, '-cipher', 'DEFAULT@SECLEVEL=0']);
		assertClientOffered(r, v);
		assert.equal(r.ok, false, `${v} was accepted (${r.protocol}, ${r.cipher})`);
	}
	const v12 = sClient(['-tls1_2']);
	assert.ok(v12.ok, `TLS 1.2 refused:\n${v12.out}`);
	assert.equal(v12.protocol, 'TLSv1.2');
	assert.match(v12.out, /Verify return code: 0 \(ok\)/);
	const v13 = sClient(['-tls1_3']);
	assert.ok(v13.ok, `TLS 1.3 refused:\n${v13.out}`);
	assert.equal(v13.protocol, 'TLSv1.3');
});

// Mozilla's "intermediate" server profile and ANSSI's TLS guide: with an RSA
// certificate, TLS 1.2 must not fall back to RSA key transport (no forward
// secrecy) nor to CBC with SHA-1 MACs. Needs its own server: the key
// exchange depends on the certificate's key.
test('with an RSA certificate, TLS 1.2 offers only forward-secret AEAD suites', async () => {
	await b.stop();
	await startWithConfig(b, config(rsaCert), { tls: true });
	try {
		for (const suite of ['AES128-SHA', 'AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384',
				     'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA', 'DHE-RSA-AES128-SHA']) {
			const r = sClient(['-tls1_2', '-cipher', `${suite}@SECLEVEL=0`], rsaCert.cert);
			assertClientOffered(r, suite);
			assert.equal(r.ok, false, `${suite} was accepted`);
		}
		for (const suite of ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384',
				     'ECDHE-RSA-CHACHA20-POLY1305']) {
			const r = sClient(['-tls1_2', '-cipher', suite], rsaCert.cert);
			assert.ok(r.ok, `${suite} refused:\n${r.out}`);
			assert.equal(r.cipher, suite);
		}
		const v13 = sClient(['-tls1_3'], rsaCert.cert);
		assert.ok(v13.ok, `TLS 1.3 refused:\n${v13.out}`);
		const page = await new TlsClient(b.tlsPort, `${HOST}:${b.tlsPort}`, readFileSync(rsaCert.cert))
			.get('/login');
		assert.equal(page.status, 200);
	} finally {
		await b.stop();
	}
});
