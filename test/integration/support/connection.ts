// The one way a test file gets its connection: `before(connectToEmulator)`. Each file connects for
// itself, so no file depends on another having connected first (or on mocha's file order), and the
// connection it gets is checked to be the harness's emulator, not whatever an earlier file left.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConnectResult } from '../../../src/extension/commands/connect';
import type { ApiSnapshot } from '../../../src/extension/testProbe';
import { emulator } from './emulatorControl';
import { snapshot } from './extensionApi';
import { waitFor } from './waitFor';

function toEmulator(s: ApiSnapshot): boolean {
  return s.connected && s.connectionMode === 'supervisor' && s.connectionUrl === emulator.url;
}

function describeConnection(s: ApiSnapshot): string {
  return s.connected ? `${s.connectionMode ?? '?'} connection (${s.connectionSource ?? '?'}) to ${s.connectionUrl ?? '?'}, list ${s.status}` : 'not connected';
}

/**
 * Connects the extension straight to the emulator's Supervisor API (a stored connection, as Connect
 * makes it) unless it already is, and waits for the backup list. Idempotent: a file that finds the
 * connection in place keeps it. Resolves with the snapshot once the list is ready.
 */
export async function connectToEmulator(): Promise<ApiSnapshot> {
  const found = await snapshot();
  if (!toEmulator(found)) {
    const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'supervisor', url: emulator.url, token: emulator.token });
    assert.equal(r.ok, true, `connecting to the emulator at ${emulator.url} (found: ${describeConnection(found)}): ${r.message}`);
  } else if (found.status === 'error') {
    // Connected, but the last list request failed (a fault of an earlier test): list again.
    await vscode.commands.executeCommand('haBackups.refresh');
  }
  const s = await waitFor(`the backup list from the emulator at ${emulator.url}`, async () => {
    const now = await snapshot();
    return now.status === 'ready' && now;
  });
  assert.ok(toEmulator(s), `the extension talks to the emulator's Supervisor API at ${emulator.url}, not: ${describeConnection(s)}`);
  return s;
}
