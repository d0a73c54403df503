#!/usr/bin/env node
// Runs the integration tests in desktop VS Code (Electron) through @vscode/test-electron, for
// machines that can download VS Code (not this project's CI, which has no such network access; CI
// uses run-integration.mjs with code-server). Starts the Supervisor emulator like the browser
// harness; tests that need the browser harness (screenshots, clicking dialogs) are skipped.
// Usage: npm run test:desktop [-- --version 1.107.0]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const versionArg = process.argv.indexOf('--version');
const version = versionArg > 0 ? process.argv[versionArg + 1] : '1.107.0';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-desktop-'));
const workspace = path.join(tmp, 'config');
fs.cpSync(path.join(REPO, 'test/fixtures/ha-config'), workspace, { recursive: true });
const token = randomBytes(16).toString('hex');

const emulator = spawn(path.join(REPO, 'node_modules/.bin/tsx'),
  [path.join(REPO, 'src/emulator/cli.ts'), '--port', '0', '--token', token, '--data', path.join(tmp, 'emulator'), '--scenario', path.join(REPO, 'scenarios/test.json')],
  { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let buf = '';
  emulator.stdout.on('data', (d) => { buf += d; const m = /listening on (http:\/\/\S+)/.exec(buf); if (m) resolve(m[1]); });
  emulator.on('exit', (c) => reject(new Error(`the emulator exited (${c})`)));
});

let code = 1;
try {
  code = await runTests({
    version,
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(REPO, 'dist/test/integration/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { HA_EMULATOR_URL: url, HA_EMULATOR_TOKEN: token, HA_EMULATOR_DATA: path.join(tmp, 'emulator') },
  });
} catch (e) {
  console.error('desktop test run failed:', e instanceof Error ? e.message : e);
} finally {
  emulator.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
