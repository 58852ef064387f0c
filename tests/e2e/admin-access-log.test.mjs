// Browser scenario (issue 4): a user signs in (once with a wrong password
// first) and looks around; an administrator opens the back office's access
// log, filters it by that user, opens one of her entries, exports the
// filtered view as CSV and finds only her entries in it, with her refused
// sign-in; she sees that refused attempt on her own sessions page ("was
// this you?"). axe-core checks every page; screenshots go to
// tests/artifacts/e2e/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Bastide } from '../integration/lib/bastide.mjs';
import { check, launch } from './lib/browser.mjs';

let b;
let browser;
let base;
let admin;
const PW = 'a long phrase only she knows';

before(async () => {
  b = new Bastide('e2e-access-log');
  admin = await b.initWithDemo();
  b.aliceLink = await b.createUser('demo', 'alice@demo.localhost', { name: 'Alice Martin' });
  await b.start();
  base = `http://demo.localhost:${b.port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await b?.stop();
  b?.dispose();
});

async function signIn(page, email, password) {
  await page.goto(`${base}/login`);
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await page.click('main button[type=submit]');
}

test('an administrator filters the access log by a user and exports it as CSV', async () => {
  // Alice activates her account, fails once, signs in and reads her home page
  const alice = await (await browser.newContext()).newPage();
  await alice.goto(new URL(b.aliceLink, base).href);
  await alice.fill('#f-password', PW);
  await alice.fill('#f-confirm', PW);
  await alice.click('main button[type=submit]');
  await alice.waitForURL(/\/login\?notice=activated/);
  await signIn(alice, 'alice@demo.localhost', 'not my password at all');
  await alice.waitForSelector('.notice-error');
  await signIn(alice, 'alice@demo.localhost', PW);
  await alice.waitForURL(`${base}/`);
  await alice.goto(`${base}/?from=e2e-alice`);

  // the administrator filters the log by Alice
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, admin.email, admin.password);
  await page.waitForURL(`${base}/`);
  await page.goto(`${base}/admin/users`);
  await page.click('nav.subnav a[href="/admin/access-log"]');
  await page.waitForSelector('#f-user');
  await check(page, 'access-log');
  await page.fill('#f-user', 'alice@demo.localhost');
  await page.click('form[role=search] button[type=submit]');
  await page.waitForURL(/\/admin\/access-log\?user=alice%40demo\.localhost/);
  await check(page, 'access-log-filtered');
  const rows = await page.$$eval('main table tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.ok(rows.length >= 3, `rows: ${rows.length}`);
  assert.ok(rows.some((r) => r.includes('/?from=e2e-alice')), 'her request');
  assert.ok(rows.some((r) => r.includes('auth.login.failure')), 'her refused sign-in');
  assert.ok(!rows.some((r) => r.includes(admin.email)), 'nobody else');

  // one of her entries
  await page.click('main table tbody tr:has-text("/?from=e2e-alice") a');
  await page.waitForSelector('dl.entry');
  await check(page, 'access-log-entry');
  assert.match(await page.textContent('dl.entry'), /alice@demo\.localhost/);
  await page.goBack();

  // the CSV export of the filtered view
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a[href^="/admin/access-log.csv?user="]'),
  ]);
  assert.match(download.suggestedFilename(), /^access-log-demo-\d{4}-\d\d-\d\d\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.split('\r\n').filter(Boolean);
  assert.match(lines[0], /^seq,time,kind,user,actor,/);
  assert.ok(lines.length - 1 >= rows.length, 'every entry shown, and more');
  assert.ok(lines.slice(1).every((l) => l.includes('alice@demo.localhost')), 'only her entries');
  assert.ok(lines.some((l) => l.includes('/?from=e2e-alice')));
  assert.ok(lines.some((l) => l.includes('auth.login.failure')));

  // Alice sees the refused attempt on her own page
  await alice.goto(`${base}/settings/sessions`);
  await alice.waitForSelector('#h-signins');
  await check(alice, 'was-this-you');
  assert.match(await alice.textContent('main'), /Refused: wrong password/);
  await context.close();
});
