// Access to the extension under test through the value activate() returns: its public API, plus the
// test probe (snapshot, reveal) it adds when it runs in Test mode, as it does under the harness.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HaBackupsApi } from '../../../src/extension/api';
import type { ApiSnapshot, TestProbe } from '../../../src/extension/testProbe';

export const EXTENSION_ID = 'ha-auto-backup.home-assistant-auto-backup';

export async function api(): Promise<HaBackupsApi & TestProbe> {
  const ext = vscode.extensions.getExtension<HaBackupsApi & TestProbe>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  const value = await ext.activate();
  if (typeof value.snapshot !== 'function') throw new Error(`extension ${EXTENSION_ID} exports no test probe: it does not run in Test mode (extensionTestsPath)`);
  return value;
}

export async function snapshot(): Promise<ApiSnapshot> {
  return (await api()).snapshot();
}

/** The text of the "Home Assistant Backups" log channel, read from its log file. */
export async function logText(): Promise<string> {
  const folder = (await snapshot()).logFolder;
  const files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.includes('Home Assistant Backups')) : [];
  return files.map((f) => fs.readFileSync(path.join(folder, f), 'utf8')).join('\n');
}
