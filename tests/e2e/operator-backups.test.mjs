// Browser scenario (issue 5): the operator, through an SSH tunnel to the
// server's loopback, opens the Backups page after a backup copied to an
// off-site directory target: the target's provider and region, the
// platform's last backup and its copy are there, and the page passes
// axe-core. A screenshot goes to tests/artifacts/e2e/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bastide } from '../integration/lib/bastide.mjs';
import { check, launch } from './lib/browser.mjs';

let b;
let browser;
let conf;

before(async () => {
  b = new Bastide('e2e-backups');
  await b.initWithDemo();
  conf = join(b.dir, 'backups.ini');
  writeFileSync(conf, `[target disk]\nurl = ${join(b.dir, 'disk')}\nprovider = Example Storage SAS\nregion = EU (France, Strasbourg)\n`);
  const run = await b.run(['backup', 'run', '--config', conf]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  process.env.BASTIDE_CONFIG = conf;
  try {
    await b.start();
  } finally {
    delete process.env.BASTIDE_CONFIG;
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await b?.stop();
  b?.dispose();
});

test('the operator reads the Backups page: targets with their regions, each platform\'s last backup and copy', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const res = await page.goto(`http://127.0.0.1:${b.port}/operator/backups`);
  assert.equal(res.status(), 200);
  assert.equal(await page.textContent('h1'), 'Backups');
  const targets = await page.textContent('main table');
  assert.match(targets, /Example Storage SAS/);
  assert.match(targets, /EU \(France, Strasbourg\)/);
  const demo = page.locator('section', { has: page.locator('h3', { hasText: 'demo' }) });
  assert.match(await demo.textContent(), /Last backup/);
  assert.match(await demo.textContent(), /\d{4}-\d\d-\d\dT\d\d:\d\dZ ok/);
  assert.equal(await page.locator('[role=alert]').count(), 0);
  await check(page, 'operator-backups');
  await context.close();
});
