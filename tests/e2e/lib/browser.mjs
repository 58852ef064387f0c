// Browser scenarios: playwright-core driving Debian's chromium (never a
// downloaded browser), axe-core run on every page visited, a screenshot of
// every page kept under tests/artifacts/e2e/.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
// injected through the debugging protocol, which the page's strict CSP
// (no inline script) does not apply to
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const ARTIFACTS = new URL('../../artifacts/e2e/', import.meta.url).pathname;

export async function launch() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
    // playwright gives every launch a fresh, empty profile directory
  });
  return browser;
}

let shot = 0;
// Checks the page with axe-core (fails on serious or critical violations)
// and keeps a screenshot named after the step.
export async function check(page, name) {
  shot += 1;
  const file = join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (!(await page.evaluate(() => typeof window.axe === 'object')))
    await page.evaluate(AXE);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(text, [], `accessibility violations on ${name} (${page.url()})`);
  // the CSP forbids inline scripts and styles: nothing may have been blocked
  return file;
}
