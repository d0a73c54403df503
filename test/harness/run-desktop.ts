// Runs the integration tests in desktop VS Code (Electron) through @vscode/test-electron, for
// machines that can download VS Code (not this project's CI, which has no such network access; CI
// uses run-integration.ts with code-server). Starts the Supervisor emulator like the browser
// harness; tests that need the browser harness (screenshots, clicking dialogs) are skipped, because
// $HA_TEST_ARTIFACTS is not set (test/integration/support/harness.ts).
// Usage: npm run test:desktop [-- --version 1.107.0]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { errorMessage } from './log';
import { killGroup, startEmulator, tail } from './processes';
import { ENV, type TestEnvironment } from './protocol';

const REPO = path.resolve(__dirname, '../..');

async function main(): Promise<number> {
  const versionArg = process.argv.indexOf('--version');
  const version = versionArg > 0 ? process.argv[versionArg + 1] : '1.107.0';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-desktop-'));
  const workspace = path.join(tmp, 'config');
  const emulatorData = path.join(tmp, 'emulator');
  const emulatorLog = path.join(tmp, 'emulator.log');
  fs.cpSync(path.join(REPO, 'test/fixtures/ha-config'), workspace, { recursive: true });
  const token = randomBytes(16).toString('hex');

  const emulator = startEmulator({
    repo: REPO,
    tsx: path.join(REPO, 'node_modules/.bin/tsx'),
    cli: path.join(REPO, 'src/emulator/cli.ts'),
    token,
    dataDir: emulatorData,
    scenario: path.join(REPO, 'scenarios/test.json'),
    logFile: emulatorLog,
    env: process.env,
    verbose: false,
  });
  emulator.child.stderr.pipe(process.stderr); // its errors show as they happen, as well as in its log
  let code = 1;
  try {
    const url = await emulator.url;
    const extensionTestsEnv: TestEnvironment = { [ENV.emulatorUrl]: url, [ENV.emulatorToken]: token, [ENV.emulatorData]: emulatorData };
    code = await runTests({
      version,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: path.join(REPO, 'dist/test/integration/index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv,
    });
  } catch (e) {
    console.error('desktop test run failed:', errorMessage(e));
    const emulatorOutput = tail(emulatorLog, 15);
    if (emulatorOutput) console.error(`--- emulator.log (tail) ---\n${emulatorOutput}`);
  } finally {
    await killGroup(emulator.child, 'emulator');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
