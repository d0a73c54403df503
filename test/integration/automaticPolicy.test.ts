// A policy that manages Home Assistant's automatic backups (issue #12: `with_automatic_settings: true`),
// on an emulated Core install started here (fresh: backup.local only, no backups). Home Assistant makes
// the backups on its schedule while the extension is stopped (everything it set up disposed, as when its
// host stops), the emulated clock moved a day at a time; after it starts again it finds them, and
// prunes them by the policy's rules: the first purge only after a person confirms, later ones by itself.
// Home Assistant's own retention is the policy's cap, applied from the file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe } from 'mocha';
import * as vscode from 'vscode';
import { HomeAssistantTransport } from '../../src/core/homeAssistant/homeAssistantTransport';
import type { ApplyAutomaticResult } from '../../src/extension/commands/applyAutomaticSettings';
import type { ConnectResult } from '../../src/extension/commands/connect';
import type { PurgeResult } from '../../src/extension/commands/purgeBackups';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { connectToEmulator } from './support/connection';
import { api, logText, snapshot } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { NotificationRecorder } from './support/notifications';
import { screenshot } from './support/screenshot';
import { clickButton } from './support/ui';
import { waitFor } from './support/waitFor';

const TOKEN = 'automatic-policy-admin-token';
const POLICY = `policies:
  - name: generations
    with_automatic_settings: true
    retention: { daily: 2 }
automatic_backups:
  schedule: daily 04:45
  locations: [backup.local]
`;

interface AutomaticInfo {
  backups: { backup_id: string; date: string; with_automatic_settings: boolean | null }[];
}

describe("A policy of Home Assistant's automatic backups (with_automatic_settings)", () => {
  let emu: RunningEmulator;
  let dir: string;
  let ha: HomeAssistantTransport;
  const configDir = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const policyFile = () => path.join(configDir(), 'auto_backup.yaml');
  const automatic = async (): Promise<AutomaticInfo['backups']> =>
    ((await ha.command({ type: 'backup/info' })) as AutomaticInfo).backups
      .filter((b) => b.with_automatic_settings === true)
      .sort((a, b) => Date.parse(b.date) - Date.parse(a.date));

  /** Moves Home Assistant's clock past its next automatic backup, `days` times, each time until that backup is there. */
  async function automaticBackupsMade(days: number): Promise<void> {
    for (let i = 0; i < days; i++) {
      const before = (await automatic()).length;
      const config = ((await ha.command({ type: 'backup/config/info' })) as { config: { next_automatic_backup: string } }).config;
      const at = Date.parse(config.next_automatic_backup) + 2_000;
      const res = await fetch(`${emu.url}/_emulator/settings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clockOffsetMs: at - Date.now() }),
      });
      assert.equal(res.status, 200, await res.text());
      await waitFor(`Home Assistant's automatic backup ${i + 1} of ${days}`, async () => (await automatic()).length === before + 1, 20_000);
    }
  }

  /** The extension stopped while Home Assistant makes `days` automatic backups, then started again and connected. */
  async function whileStopped(days: number): Promise<void> {
    const probe = await api();
    assert.ok(probe.restart, 'the test probe can stop and start the extension');
    await probe.restart(() => automaticBackupsMade(days));
    await waitFor('the stored Core connection loaded again', async () => {
      const s = await snapshot();
      return s.connectionUrl === emu.url && s.status === 'ready';
    });
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'automatic-policy-'));
    emu = await startEmulator({ port: 0, token: TOKEN, install: 'core', dataDir: path.join(dir, 'emulator') });
    ha = new HomeAssistantTransport({ baseUrl: emu.url, token: TOKEN });
    const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'core', url: emu.url, token: TOKEN });
    assert.equal(r.ok, true, r.message);
    // Through the editor, as the other policy-file tests write it: a write behind an open document's back
    // (one an earlier test left) makes a later save fail (modified since).
    if (!fs.existsSync(policyFile())) fs.writeFileSync(policyFile(), '');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(policyFile()));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), POLICY);
    await vscode.workspace.applyEdit(edit);
    assert.ok(await doc.save(), 'the policy file is saved');
  });
  after(async () => {
    // Emptied through the editor, not deleted behind the open document's back: the next file that writes
    // the policy file would find a stale document, and its save would fail (modified since).
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(policyFile()));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), '');
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await ha.close();
    await connectToEmulator();
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  itWithUi("applies the file to Home Assistant: its schedule, and the policy's cap as Home Assistant's retention (shown above the policy)", async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(policyFile()));
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor('the policy lenses with the cap', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 20);
      const titles = all.filter((l) => l.range.start.line === 1).map((l) => l.command?.title ?? '');
      return titles.some((t) => t.startsWith("Home Assistant's retention")) && titles;
    });
    assert.ok(lenses.includes('$(home) made by Home Assistant (24/7), purged while VS Code runs'), lenses.join(' | '));
    assert.ok(lenses.includes("Home Assistant's retention: at most 32 (this policy keeps up to 2; 30 days without VS Code fit)"), lenses.join(' | '));
    assert.ok(lenses.includes('its first purge asks'), lenses.join(' | '));
    await screenshot('a0-automatic-policy-lenses');

    const applying = vscode.commands.executeCommand<ApplyAutomaticResult>('haBackups.applyAutomaticSettings');
    await clickButton('Apply');
    const r = await applying;
    assert.equal(r.status, 'applied', r.error);
    assert.deepEqual(r.changes.map((c) => c.label).sort(), ['locations', 'retention (the cap of the policy "generations")', 'schedule']);
    const config = ((await ha.command({ type: 'backup/config/info' })) as { config: { retention: unknown; schedule: { recurrence: string; time: string } } }).config;
    assert.deepEqual(config.retention, { copies: 32, days: null });
    assert.equal(config.schedule.recurrence, 'daily');
    assert.match(config.schedule.time, /^04:45/);
  });

  itWithUi('Home Assistant makes five automatic backups while the extension is stopped; after it starts, the first purge waits for a person, who confirms it', async () => {
    const recorder = new NotificationRecorder();
    try {
      await whileStopped(5);
      const made = await automatic();
      assert.equal(made.length, 5);
      // Found after the start: listed, and owned by the policy.
      const pointedOut = await waitFor('the first purge pointed out', () => recorder.of('info').find((m) => m.includes('now manages Home Assistant')), 30_000);
      assert.match(
        pointedOut,
        /The policy "generations" now manages Home Assistant's automatic backups: 3 of them are no longer kept by its rules\. Its first purge asks you/,
      );
      assert.equal((await automatic()).length, 5, 'nothing deleted without a person');
      const s = await snapshot();
      for (const b of made)
        assert.ok(
          s.backups.some((x) => x.slug === b.backup_id),
          `${b.backup_id} is listed`,
        );

      const purging = vscode.commands.executeCommand<PurgeResult>('haBackups.purgeBackups');
      await clickButton('Delete', 'a1-automatic-first-purge');
      const result = await purging;
      const confirmation = recorder.confirmations.find((c) => c.text.startsWith('Delete 3 backups'));
      assert.ok(confirmation, recorder.confirmations.map((c) => c.text).join(' | '));
      assert.match(
        confirmation.detail ?? '',
        /The policy "generations" manages Home Assistant's automatic backups \(with_automatic_settings: true\)\. After this confirmation it deletes/,
      );
      assert.deepEqual(
        [...result.deleted].sort(),
        made
          .slice(2)
          .map((b) => b.backup_id)
          .sort(),
        'the three older ones',
      );
      assert.deepEqual(
        (await automatic()).map((b) => b.backup_id),
        made.slice(0, 2).map((b) => b.backup_id),
        'the newest two days are kept',
      );
    } finally {
      recorder.dispose();
    }
  });

  itWithUi('two more while stopped: after the start, the policy prunes them by itself', async () => {
    const kept = (await automatic()).map((b) => b.backup_id);
    await whileStopped(2);
    const now = await automatic();
    assert.equal(now.length, 4);
    await waitFor('the unattended purge after the start', async () => (await automatic()).length === 2, 30_000);
    assert.deepEqual(
      (await automatic()).map((b) => b.backup_id),
      now.slice(0, 2).map((b) => b.backup_id),
      'the two new ones are kept; the two of the earlier days go',
    );
    assert.ok(!kept.some((id) => now.slice(0, 2).some((b) => b.backup_id === id)));
    assert.match(await logText(), /policy "generations": 2 of Home Assistant's automatic backups are no longer kept by its rules; purging/);
  });
});
