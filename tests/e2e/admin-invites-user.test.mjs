// Browser scenario: an administrator activates their account, enrols a
// second factor, signs in, invites a user from the back office; the user
// activates the account from the link, signs in, enrols TOTP, signs out and
// signs back in with the second factor. axe-core checks every page; a
// screenshot of each is kept in tests/artifacts/e2e/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Bastide, findLink, totp, SECOND } from '../integration/lib/bastide.mjs';
import { check, launch } from './lib/browser.mjs';

let b;
let browser;
let base;

before(async () => {
  b = new Bastide('e2e');
  await b.init();
  const admin = await b.createPlatform('acme', { name: 'ACME Corp', adminEmail: 'boss@acme.example' });
  b.adminLink = admin.link;
  await b.start();
  base = `http://acme.localhost:${b.port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await b?.stop();
  b?.dispose();
});

// The key shown on the enrolment page, typed into an "authenticator app".
async function enrol(page, name) {
  await page.waitForSelector('code.secret');
  await check(page, `${name}-mfa-setup`);
  const key = (await page.textContent('code.secret')).trim();
  await page.fill('#f-code', totp(key, b.now()));
  await page.click('main button[type=submit]');
  await page.waitForSelector('ul.codes');
  const codes = await page.$$eval('ul.codes code', (els) => els.map((e) => e.textContent));
  assert.equal(codes.length, 10);
  await check(page, `${name}-recovery-codes`);
  return key;
}

async function signIn(page, email, password, name) {
  await page.goto(`${base}/login`);
  await check(page, `${name}-login`);
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await page.click('main button[type=submit]');
}

async function signOut(page) {
  await page.click('header .who button');
  await page.waitForURL(/\/login\?notice=signed-out/);
}

async function activate(page, link, password, name) {
  await page.goto(new URL(link, base).href);
  await check(page, `${name}-activate`);
  await page.fill('#f-password', password);
  await page.fill('#f-confirm', password);
  await page.click('main button[type=submit]');
  await page.waitForURL(/\/login\?notice=activated/);
}

test('an administrator invites a user who activates, enrols TOTP and signs in with it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const blocked = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });

  // the administrator activates the account created with the platform
  await activate(page, b.adminLink, 'correct horse battery staple', 'admin');
  await signIn(page, 'boss@acme.example', 'correct horse battery staple', 'admin');
  // administrators must have a second factor on this platform
  await page.waitForURL(/\/login\/2fa\/setup/);
  await enrol(page, 'admin');
  await page.click('main a.button');
  await page.waitForURL(`${base}/`);
  await check(page, 'admin-home');

  // invite a user from the back office
  await page.click('nav a[href="/admin/users"]');
  await page.waitForSelector('#f-email');
  await check(page, 'admin-users');
  await page.fill('#f-email', 'alice@acme.example');
  await page.fill('#f-name', 'Alice Martin');
  await page.click('form:has(#f-email) button[type=submit]');
  await page.waitForSelector('.notice-ok');
  await check(page, 'admin-invited');
  // no SMTP relay in tests: the invitation is printed in the server log
  const line = await b.waitForLog(/alice@acme\.example.*\/activate\/[A-Za-z0-9_-]{43}/, 10 * SECOND);
  const link = findLink(line[0]);
  assert.ok(link, 'invitation link in the server log');
  await signOut(page);

  // the user activates the account and signs in (members need no second factor here)
  await activate(page, link, 'a long phrase only she knows', 'user');
  await signIn(page, 'alice@acme.example', 'a long phrase only she knows', 'user');
  await page.waitForURL(`${base}/`);
  await check(page, 'user-home');

  // she enrols TOTP from her account page
  await page.click('nav a[href="/settings"]');
  await check(page, 'user-settings');
  await page.click('main a[href^="/login/2fa/setup"]');
  const key = await enrol(page, 'user');
  await signOut(page);

  // and signs back in with the second factor (a later code: codes are single use)
  b.advanceClock(31 * SECOND);
  await signIn(page, 'alice@acme.example', 'a long phrase only she knows', 'user-again');
  await page.waitForURL(/\/login\/2fa(\?|$)/);
  await check(page, 'user-2fa');
  await page.fill('#f-code', totp(key, b.now()));
  await page.click('main button[type=submit]');
  await page.waitForURL(`${base}/`);
  assert.match(await page.textContent('main'), /Alice Martin/);
  await check(page, 'user-home-again');

  // at a phone's width the pages still work
  await page.setViewportSize({ width: 360, height: 780 });
  await check(page, 'user-home-phone');
  assert.deepEqual(blocked, [], 'nothing blocked by the Content-Security-Policy');
  await context.close();
});
