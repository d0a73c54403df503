// Entry point of the integration tests (extensionTestsPath). The VS Code extension host require()s
// the bundle dist/test/integration/index.js and awaits run(): resolve -> host exit code 0,
// reject -> 1. Besides mocha's spec output (forwarded to the harness through the workbench),
// run() writes a JSON summary to $VSCT_RESULTS, the harness's dependable channel for counts.
// After the last test, a root hook scans everything the run produced for secrets (see
// support/secretScan.ts); a secret found fails the run like a failing test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { ENV, type RunSummary } from '../harness/protocol';
import { logSince } from './support/logSince';
import { assertNoSecretLeaked, startRecordingNotifications } from './support/secretScan';

export async function run(): Promise<void> {
  const started = Date.now();
  const grep = process.env[ENV.grep];
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000, reporter: 'spec', ...(grep ? { grep } : {}) });
  // Every bundled *.test.js next to this file (dist/test/integration/).
  for (const file of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  // Before the test files load (mocha.run() loads them): every notification of the run is recorded.
  const notifications = startRecordingNotifications();
  // A root "after all" hook runs once, after every file's tests and hooks, whichever tests --grep
  // chose (none at all: no hook either); a failure counts as a failed test.
  mocha.suite.afterAll('security scan: no secret in the logs, the settings, the notifications or the tree', async function () {
    this.timeout(60_000);
    await assertNoSecretLeaked();
  });

  const failed: RunSummary['failed'] = [];
  // The extension's log during each failed test, for the console (CI keeps nothing else).
  const logsRead: Promise<void>[] = [];
  let testStarted = Date.now();
  let stats: Mocha.Stats | undefined;
  let failures: number;
  try {
    failures = await new Promise<number>((resolve) => {
      const runner = mocha.run(resolve); // throws when a test file cannot be loaded
      runner.on('test', () => {
        testStarted = Date.now();
      });
      runner.on('fail', (test, err: unknown) => {
        const entry: RunSummary['failed'][number] = { title: test.fullTitle(), error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
        failed.push(entry);
        logsRead.push(
          logSince(testStarted - 1000).then(
            (log) => void (entry.log = log),
            () => undefined,
          ),
        );
      });
      runner.on('end', () => {
        stats = runner.stats;
      });
    });
  } catch (e) {
    failures = 1;
    failed.push({ title: 'loading the test files', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  } finally {
    notifications.dispose();
  }
  await Promise.all(logsRead);

  const summary: RunSummary = {
    passes: stats?.passes ?? 0,
    failures: stats?.failures ?? failures,
    pending: stats?.pending ?? 0,
    tests: stats?.tests ?? 0,
    failed,
    vscodeVersion: vscode.version,
    durationMs: Date.now() - started,
  };
  const resultsFile = process.env[ENV.results];
  if (resultsFile) {
    fs.writeFileSync(resultsFile, JSON.stringify(summary, null, 2));
  }
  if (failures > 0) {
    throw new Error(`${failures} integration test(s) failed.`);
  }
}
