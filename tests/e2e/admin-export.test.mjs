// Browser scenario (issue 6): an administrator starts the export of all the
// platform's data from the back office, encrypted with a passphrase the
// client chose, watches its progress (the page refreshes itself while it
// runs), and downloads it; stock gpg and tar open it and its manifest
// checks. axe-core checks every page; screenshots go to tests/artifacts/e2e/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bastide } from '../integration/lib/bastide.mjs';
import { check, launch } from './lib/browser.mjs';

let b;
let browser;
let base;
let admin;
const PASSPHRASE = 'the client picked this one';

before(async () => {
  b = new Bastide('e2e-export');
  admin = await b.initWithDemo();
  await b.start();
  base = `http://demo.localhost:${b.port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await b?.stop();
  b?.dispose();
});

test('an administrator starts an export, watches it, and downloads it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#f-email', admin.email);
  await page.fill('#f-password', admin.password);
  await page.click('main button[type=submit]');
  await page.waitForURL(`${base}/`);
  await page.goto(`${base}/admin/users`);
  await page.click('nav.subnav a[href="/admin/export"]');
  await page.waitForSelector('#f-passphrase');
  await check(page, 'export');

  // a refusal first: the two passphrases differ
  await page.fill('#f-passphrase', PASSPHRASE);
  await page.fill('#f-confirm', `${PASSPHRASE}!`);
  await page.click('main form button[type=submit]');
  await page.waitForSelector('.notice-error');
  assert.match(await page.textContent('.notice-error'), /differ/);

  await page.fill('#f-passphrase', PASSPHRASE);
  await page.fill('#f-confirm', PASSPHRASE);
  await page.click('main form button[type=submit]');
  await page.waitForSelector('#export-state');
  await check(page, 'export-started');
  // in progress, then ready: the page refreshes itself until it is
  await page.waitForSelector('a[href$="/download"]', { timeout: 60000 });
  await check(page, 'export-ready');
  assert.match(await page.textContent('#export-state'), /Ready/);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a[href$="/download"]'),
  ]);
  assert.match(download.suggestedFilename(), /^export-demo-\d{4}-\d\d-\d\d\.tar\.zst\.gpg$/);
  const file = await download.path();
  const home = join(b.dir, 'gnupg');
  mkdirSync(home, { mode: 0o700 });
  writeFileSync(join(b.dir, 'pass'), `${PASSPHRASE}\n`);
  const tarball = execFileSync('gpg', ['--batch', '--homedir', home, '--pinentry-mode', 'loopback',
    '--passphrase-file', join(b.dir, 'pass'), '--decrypt', file], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const dir = join(b.dir, 'export');
  mkdirSync(dir);
  execFileSync('tar', ['--zstd', '-xf', '-', '-C', dir], { input: tarball });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.platform.slug, 'demo');
  for (const f of manifest.files)
    assert.equal(createHash('sha256').update(readFileSync(join(dir, f.path))).digest('hex'), f.sha256, f.path);
  assert.ok(manifest.files.some((f) => f.path === 'dump.sql'));
  await context.close();
});
