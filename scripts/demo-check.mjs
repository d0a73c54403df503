// `bash scripts/demo.sh --check` runs this against the running demo: opens it in headless Chromium
// (the test environment's playwright-core and Debian's chromium), waits for the Backups view to list
// the demo backups, expands one down to a file, opens it, and saves a screenshot. Exit 0 = the demo
// works as the README says; otherwise the reason is printed and test-artifacts/demo-check.png shows it.
// Usage: node scripts/demo-check.mjs <url> <playwright-core dir>
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const [url, playwrightDir] = process.argv.slice(2);
if (!url || !playwrightDir) {
  console.error('usage: node scripts/demo-check.mjs <url> <playwright-core dir>');
  process.exit(2);
}
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHOT = path.join(REPO, 'test-artifacts', 'demo-check.png');
mkdirSync(path.dirname(SHOT), { recursive: true });
const { chromium } = createRequire(import.meta.url)(playwrightDir);
const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const row = (label) =>
  page.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
let step = 'open the workbench';
try {
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  step = 'open the Backups view';
  await page.locator('.activitybar [aria-label*="Home Assistant"]').first().click({ timeout: 60_000 });
  step = 'list the demo backups (a backup named "Config only")';
  await row('Config only').waitFor({ timeout: 60_000 });
  step = 'expand "Config only" down to configuration.yaml';
  await row('Config only').click();
  await row('Home Assistant configuration').click({ timeout: 20_000 });
  await row('data').click({ timeout: 30_000 });
  await row('configuration.yaml').click({ timeout: 20_000 });
  step = 'open configuration.yaml from the backup';
  await page.locator('.view-lines', { hasText: 'default_config' }).first().waitFor({ timeout: 20_000 });
  await page.screenshot({ path: SHOT });
  console.log(`[demo-check] ok: the view lists the demo backups and a file opens from inside one (${path.relative(REPO, SHOT)})`);
  await browser.close();
} catch (e) {
  await page.screenshot({ path: SHOT }).catch(() => undefined);
  console.error(`[demo-check] FAILED to ${step}: ${String(e.message ?? e).split('\n')[0]} (see ${path.relative(REPO, SHOT)})`);
  await browser.close();
  process.exit(1);
}
