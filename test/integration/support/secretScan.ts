// The security scan of a whole run: no token or password the suite used may be in the extension's
// log, the extension host's log, the settings, the extension's global storage, the tree and status
// bar, a notification shown during the run, or a message a test registered. index.ts runs it as a
// root "after all" hook, after the last test of every file, whatever the file order or --grep: it
// sees everything the run produced, and a secret it finds fails the run. (It used to be the last
// test of zz_security.test.ts, which had to sort last to mean that.)
//
// Test files add what only they know (their own secrets, the messages their commands returned)
// with registerSecret / registerScanText. Each test file is a bundle of its own, with its own copy
// of this module, so that ledger and the run's notification recorder live on globalThis.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulator } from './emulatorControl';
import { EXTENSION_ID, snapshot } from './extensionApi';
import { hasHarness } from './harness';
import { NotificationRecorder } from './notifications';
import { collectSecrets, findSecret, TEST_SECRETS, type FoundSecret } from './secrets';

/** A text that is scanned, and where it comes from (for the failure message). */
export interface Place {
  where: string;
  text: string;
}

interface Ledger {
  secrets: FoundSecret[];
  texts: Place[];
  notifications?: NotificationRecorder;
}

const LEDGER = Symbol.for('ha-auto-backup.integration.secretScan');

function ledger(): Ledger {
  const g = globalThis as { [LEDGER]?: Ledger };
  return (g[LEDGER] ??= { secrets: [], texts: [] });
}

/** A secret the scan must look for besides the suite's known ones (e.g. one made up by a test). */
export function registerSecret(value: string, source: string): void {
  ledger().secrets.push({ value, source });
}

/** A text the scan must search too (e.g. a message a command returned). */
export function registerScanText(where: string, text: string): void {
  ledger().texts.push({ where, text });
}

/**
 * Records every notification from now on (index.ts calls it before the test files load, so that
 * the recorders test files make and dispose are stacked on top of it).
 */
export function startRecordingNotifications(): vscode.Disposable {
  const recorder = new NotificationRecorder();
  ledger().notifications = recorder;
  return {
    dispose: () => {
      recorder.dispose();
      if (ledger().notifications === recorder) ledger().notifications = undefined;
    },
  };
}

/** Every file under `dir` as text (logs are small; binary files are skipped). */
function textFilesUnder(dir: string): { file: string; text: string }[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((rel) => path.join(dir, rel))
    .filter((file) => fs.statSync(file).isFile() && fs.statSync(file).size < 20 * 1024 * 1024)
    .map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }))
    .filter(({ text }) => !text.includes('\u0000'));
}

export interface ScanResult {
  secrets: FoundSecret[];
  places: Place[];
  /** One line per secret found in a place. */
  leaks: string[];
}

/**
 * Searches every place the run wrote to, and `extraPlaces`, for every secret of the run. Checks
 * that it looks at the right things (the collector found the suite's secrets, the extension's own
 * log and the extension host's log are among the places), so that an empty result means something.
 */
export async function scanForSecrets(extraPlaces: Place[] = []): Promise<ScanResult> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const secrets = collectSecrets(ext.extensionPath, workspaceFolder, ledger().secrets);
  const values = secrets.map((s) => s.value);
  // The collector works: the run's token, the suite's known secrets and what tests registered are in.
  for (const value of [emulator.token, ...Object.values(TEST_SECRETS), ...ledger().secrets.map((s) => s.value)].filter((v) => v.length >= 4)) {
    assert.ok(values.includes(value), `collected: ${value}`);
  }
  assert.ok(
    secrets.some((s) => s.source.startsWith('test/integration/')),
    'literals found in the test sources',
  );

  const places: Place[] = [];
  const s = await snapshot();
  // The extension's own log channel(s), and the extension host's log (uncaught errors land there).
  for (const { file, text } of textFilesUnder(s.logFolder)) places.push({ where: `log ${path.basename(file)}`, text });
  // exthost.log on the desktop, remoteexthost.log in code-server.
  for (const name of fs.readdirSync(path.dirname(s.logFolder)).filter((f) => /exthost\.log$/i.test(f))) {
    places.push({ where: name, text: fs.readFileSync(path.join(path.dirname(s.logFolder), name), 'utf8') });
  }
  assert.ok(
    places.some((p) => /exthost\.log$/i.test(p.where)),
    'the extension host log is scanned too',
  );
  assert.ok(
    places.some((p) => /\bactivated in [\d.]+ ms/.test(p.text)),
    'the log that is scanned is the one the extension writes',
  );
  // Settings: every haBackups setting at every level, and the settings files themselves.
  const properties = Object.keys((ext.packageJSON as { contributes: { configuration: { properties: Record<string, unknown> } } }).contributes.configuration.properties);
  const config = vscode.workspace.getConfiguration();
  places.push({ where: 'haBackups settings (inspect)', text: JSON.stringify(properties.map((p) => config.inspect(p))) });
  const userData = s.logFolder.split(`${path.sep}logs${path.sep}`)[0]!;
  const userSettings = path.join(userData, 'User', 'settings.json');
  if (hasHarness) assert.ok(fs.existsSync(userSettings), `the run's user settings are at ${userSettings}`);
  for (const file of [userSettings, path.join(workspaceFolder ?? '', '.vscode', 'settings.json')]) {
    if (fs.existsSync(file)) places.push({ where: file, text: fs.readFileSync(file, 'utf8') });
  }
  for (const { file, text } of textFilesUnder(path.join(userData, 'User', 'globalStorage', EXTENSION_ID))) places.push({ where: file, text });
  // The tree (labels, descriptions, tooltips), the status bar and the view's error.
  places.push({ where: 'the tree, status bar and view state', text: JSON.stringify(s) });
  // What the user was told: every notification of the run, and the messages tests registered.
  const recorder = ledger().notifications;
  if (recorder) places.push({ where: 'notifications', text: JSON.stringify([...recorder.shown, ...recorder.confirmations]) });
  places.push(...ledger().texts, ...extraPlaces);

  const leaks: string[] = [];
  for (const place of places) {
    for (const secret of secrets) {
      const context = findSecret(place.text, secret.value);
      if (context) leaks.push(`${secret.source} in ${place.where}: …${context}…`);
    }
  }
  return { secrets, places, leaks };
}

/** The scan of the whole run (index.ts): fails with every leak it found. */
export async function assertNoSecretLeaked(): Promise<void> {
  const { secrets, places, leaks } = await scanForSecrets();
  const sizes = new Map<string, number>();
  for (const p of places) sizes.set(path.basename(p.where), (sizes.get(path.basename(p.where)) ?? 0) + p.text.length);
  const total = places.reduce((n, p) => n + p.text.length, 0);
  const notifications = ledger().notifications;
  const shown = notifications ? notifications.shown.length + notifications.confirmations.length : 0;
  console.log(
    `security scan: ${secrets.length} secrets × ${places.length} places (${total} characters; ${shown} notifications): ${[...sizes].map(([name, n]) => `${name} ${n}`).join(', ')}`,
  );
  assert.deepEqual(leaks, [], `${leaks.length} secret(s) found:\n${leaks.join('\n')}`);
}
