// The first user-visible slice, end to end: the real extension in a real VS Code extension host,
// against the Supervisor emulator seeded with scenarios/test.json.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/extension/runner/runResult';
import type { ConnectResult } from '../../src/extension/commands/connect';
import type { DeleteResult } from '../../src/extension/commands/deleteBackup';
import type { BackupEvent } from '../../src/extension/events';
import { connectToEmulator } from './support/connection';
import { emulator, type EmulatorBackup } from './support/emulatorControl';
import { api, logText, snapshot } from './support/extensionApi';
import { hasHarness, itWithUi } from './support/harness';
import { screenshot } from './support/screenshot';
import { clickButton, hoverRow, setSidebarWidth } from './support/ui';
import { waitFor } from './support/waitFor';

const DAY = 86_400_000;

describe('Backups view against the Supervisor emulator', () => {
  const events: BackupEvent[] = [];
  let seeded: EmulatorBackup[] = [];

  before(async () => {
    await connectToEmulator();
    const extension = await api();
    extension.onDidBackupEvent((e) => events.push(e));
    await vscode.workspace.getConfiguration('haBackups').update('jobPollIntervalMilliseconds', 150, vscode.ConfigurationTarget.Global);
    seeded = (await emulator.state()).backups;
    // What this file checks (ages, the status bar, staleness) is the scenario as seeded.
    assert.equal(seeded.length, 5, 'the emulator holds the five backups scenarios/test.json seeds, and no others');
  });

  beforeEach(async () => {
    // Notifications of earlier tests would hide what the next screenshot is about.
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  after(async () => {
    await emulator.clearFaults();
  });

  it('without a connection: the Connect welcome and no status bar item', async () => {
    // Forget the stored connection, as the first start of VS Code has none.
    await vscode.commands.executeCommand('haBackups.disconnect');
    const s = await waitFor('no connection', async () => {
      const snap = await snapshot();
      return !snap.connected && snap;
    });
    assert.equal(s.statusBar.state, 'hidden');
    await vscode.commands.executeCommand('haBackups.backups.focus');
    await screenshot('01-not-connected');
  });

  it('a wrong token is refused with a clear message and nothing is stored', async () => {
    const result = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { url: emulator.url, token: 'not-the-token' });
    assert.equal(result.ok, false);
    assert.match(result.message, /token was rejected/i);
    assert.doesNotMatch(result.message, /not-the-token/, 'the token never appears in messages');
    assert.equal((await snapshot()).connected, false);
    await screenshot('02-wrong-token');
    assert.doesNotMatch(await logText(), /not-the-token/, 'the token never appears in the log');
  });

  it('an unreachable Supervisor gets its own message', async () => {
    const result = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { url: 'http://127.0.0.1:9', token: emulator.token });
    assert.equal(result.ok, false);
    assert.match(result.message, /connection was refused/i);
    assert.equal((await snapshot()).connected, false);
  });

  it('connects and shows the seeded backups newest first with age · size · type', async () => {
    const result = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { url: emulator.url, token: emulator.token });
    assert.equal(result.ok, true, result.message);
    const s = await waitFor('the backup list', async () => {
      const snap = await snapshot();
      return snap.status === 'ready' && snap.backups.length === 5 && snap;
    });
    const expectedOrder = [...seeded].sort((a, b) => Date.parse(b.date) - Date.parse(a.date)).map((b) => b.slug);
    assert.deepEqual(
      s.backups.map((b) => b.slug),
      expectedOrder,
    );
    for (const b of s.backups) {
      const truth = seeded.find((x) => x.slug === b.slug)!;
      const days = Math.floor((Date.now() - Date.parse(truth.date)) / DAY);
      const age = days < 60 ? (days === 1 ? '1 day ago' : `${days} days ago`) : /\d+ months? ago|\d+ years? ago/;
      const [agePart, sizePart, typePart] = (b.description ?? '').split(' · ');
      if (typeof age === 'string') assert.equal(agePart, age, `age of ${b.slug}`);
      else assert.match(agePart ?? '', age);
      assert.match(sizePart ?? '', /^\d+(\.\d)? (B|KB|MB|GB)$/, `size of ${b.slug}`);
      assert.equal(typePart, truth.type, `type of ${b.slug}`);
    }
    assert.equal(s.statusBar.state, 'ok');
    const newestDays = Math.floor((Date.now() - Date.parse(seeded.find((x) => x.slug === expectedOrder[0])!.date)) / DAY);
    assert.equal(s.statusBar.text, `$(archive) ${newestDays} d`);
    assert.equal(s.statusBar.background, undefined);
    await vscode.commands.executeCommand('haBackups.backups.focus');
    if (hasHarness) await setSidebarWidth(520);
    await screenshot('03-connected-tree');
  });

  itWithUi('the tooltip shows date in the HA time zone, content with names and versions, and each location', async () => {
    const s = await snapshot();
    const target = seeded.find((b) => b.protected) ?? seeded[0]!;
    const row = s.backups.find((b) => b.slug === target.slug)!;
    assert.match(row.contextValue ?? '', new RegExp(`^backup ${target.type} ${target.protected ? 'protected' : 'unprotected'}`));
    // Hovering asks for the details; a redraw of the tree meanwhile (a refresh) cancels that, so hover
    // again — from another row first, or the pointer does not move and nothing is asked.
    const elsewhere = s.backups.find((b) => b.slug !== target.slug)!.name;
    let tooltip: string | false = false;
    for (let attempt = 0; attempt < 5 && !tooltip; attempt++) {
      if (attempt > 0) await hoverRow(elsewhere);
      await hoverRow(row.name, attempt === 0 ? '03b-tooltip' : undefined);
      tooltip = await waitFor(
        'the tooltip with details',
        async () => {
          const t = (await snapshot()).backups.find((b) => b.slug === target.slug)?.tooltip ?? '';
          return /Home Assistant \d{4}\\\.\d+/.test(t) && t;
        },
        4_000,
      ).catch(() => false as const);
    }
    assert.ok(tooltip, 'the tooltip gets its details within five hovers');
    assert.match(tooltip, /\(Europe\/Amsterdam\)/);
    assert.match(tooltip, new RegExp(target.slug));
    assert.match(tooltip, /This system/);
    assert.match(tooltip, target.protected ? /\$\(lock\) This system: password protected/ : /not protected/);
  });

  it('the status bar turns to warning colours when the newest backup is older than the stale setting', async () => {
    const config = vscode.workspace.getConfiguration('haBackups');
    await config.update('staleAfterDays', 1, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('haBackups.refresh');
      const s = await waitFor('stale state', async () => {
        const snap = await snapshot();
        return snap.statusBar.state === 'stale' && snap;
      });
      assert.equal(s.statusBar.background, 'statusBarItem.warningBackground');
    } finally {
      await config.update('staleAfterDays', undefined, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand('haBackups.refresh');
    assert.equal((await snapshot()).statusBar.state, 'ok');
  });

  it('Create Full Backup writes a new archive, shows it first, and logs start and success', async () => {
    const before = emulator.localArchives();
    const running = vscode.commands.executeCommand<RunResult>('haBackups.createFullBackup', { useDefaults: true });
    const during = await waitFor('the running state', async () => {
      const snap = await snapshot();
      return snap.statusBar.state === 'running' && snap;
    });
    assert.match(during.statusBar.text, /^\$\(sync~spin\)/);
    await screenshot('04-backup-running');
    const result = await running;
    assert.equal(result.status, 'succeeded', result.error);
    assert.match(result.name, /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), [A-Z][a-z]{2} \d{2}, \d{4}$/);
    const slug = result.slug!;
    assert.match(slug, /^[0-9a-f]{8}$/);

    const added = emulator.localArchives().filter((f) => !before.includes(f));
    assert.equal(added.length, 1, 'exactly one new archive file in the data folder');
    assert.ok(fs.statSync(path.join(emulator.dataDir, 'backup', added[0]!)).size > 10_000);

    const s = await snapshot();
    assert.equal(s.backups[0]?.slug, slug, 'the new backup is first in the tree');
    assert.equal(s.backups[0]?.name, result.name);
    assert.match(s.backups[0]?.description ?? '', /^just now · .* · full$/);
    assert.equal(s.statusBar.state, 'ok');
    assert.equal(s.statusBar.text, '$(archive) now');

    assert.deepEqual(
      events.filter((e) => e.name === result.name).map((e) => e.type),
      ['backup_start', 'backup_successful'],
    );
    const log = await logText();
    assert.match(log, new RegExp(`backup_start name="${escapeRe(result.name)}"`));
    assert.match(log, new RegExp(`backup_successful name="${escapeRe(result.name)}" slug=${slug} duration=\\d+\\.\\ds`));
    await screenshot('05-backup-created');
  });

  itWithUi('Delete removes exactly the chosen backups after one confirmation', async () => {
    const s = await snapshot();
    const chosen = s.backups.slice(-2);
    const keep = s.backups.slice(0, -2).map((b) => b.slug);
    const deleting = vscode.commands.executeCommand<DeleteResult>(
      'haBackups.deleteBackup',
      { backup: chosen[0] },
      chosen.map((b) => ({ backup: b })),
    );
    await clickButton('Delete', '06-delete-confirmation');
    const result = await deleting;
    assert.deepEqual([...result.deleted].sort(), chosen.map((b) => b.slug).sort());
    assert.deepEqual(result.failed, []);
    const truth = (await emulator.state()).backups.map((b) => b.slug).sort();
    assert.deepEqual(truth, [...keep].sort(), 'the emulator holds exactly the other backups');
    assert.deepEqual(
      (await snapshot()).backups.map((b) => b.slug),
      keep,
    );
    assert.match(await logText(), new RegExp(`purged_backups backups=\\[${chosen.map((b) => b.slug).join(',')}\\]`));
  });

  it('a failing backup job gives backup_failed, an error status bar and a clear notification', async () => {
    await emulator.addFault({ match: 'POST /backups/new/full', kind: 'job_failure', message: 'Home Assistant Core backup failed: disk I/O error' });
    const result = await vscode.commands.executeCommand<RunResult>('haBackups.createFullBackup', { name: 'Doomed backup' });
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /disk I\/O error/);
    const s = await snapshot();
    assert.equal(s.statusBar.state, 'failed');
    assert.equal(s.statusBar.background, 'statusBarItem.errorBackground');
    assert.match(s.statusBar.tooltip, /Doomed backup/);
    assert.ok(!s.backups.some((b) => b.name === 'Doomed backup'), 'the failed backup is not listed');
    assert.deepEqual(
      events.filter((e) => e.name === 'Doomed backup').map((e) => e.type),
      ['backup_start', 'backup_failed'],
    );
    assert.match(await logText(), /backup_failed name="Doomed backup" .*error="Home Assistant Core backup failed: disk I\/O error"/);
    await screenshot('07-backup-failed');
  });

  itWithUi('Cancel on the progress stops the wait, not the backup, which is still tracked and logged', async () => {
    await emulator.setJobStepDelay(700);
    try {
      const waiting = vscode.commands.executeCommand<RunResult>('haBackups.createFullBackup', { name: 'Left running' });
      await waitFor('the running state', async () => (await snapshot()).running.length === 1);
      await clickButton('Cancel', '08-progress-before-cancel');
      const result = await waiting;
      assert.equal(result.status, 'still_running');
      const during = await snapshot();
      assert.equal(during.running.length, 1, 'the job is still tracked after cancelling the wait');
      assert.equal(during.statusBar.state, 'running');
      assert.ok(!events.some((e) => e.name === 'Left running' && e.type === 'backup_successful'));

      const success = await waitFor(
        'backup_successful after the wait was cancelled',
        () => events.find((e) => e.name === 'Left running' && e.type === 'backup_successful'),
        20_000,
      );
      assert.match(success.slug ?? '', /^[0-9a-f]{8}$/);
      const after = await waitFor('the backup in the tree', async () => {
        const snap = await snapshot();
        return snap.backups[0]?.slug === success.slug && snap;
      });
      assert.equal(after.running.length, 0);
      assert.equal(after.statusBar.state, 'ok');
      assert.ok((await emulator.state()).backups.some((b) => b.slug === success.slug));
    } finally {
      await emulator.setJobStepDelay(100);
    }
  });

  it('polls the Supervisor only while the Backups view is visible', async () => {
    const config = vscode.workspace.getConfiguration('haBackups');
    await config.update('refreshIntervalSeconds', 5, vscode.ConfigurationTarget.Global);
    try {
      // A backup an earlier test left running reloads the list when it ends: that is not polling.
      await waitFor('no backup running', async () => (await snapshot()).running.length === 0, 30_000);
      await vscode.commands.executeCommand('workbench.view.explorer');
      // The end of an earlier test's backup still reloads the list once (for its automatic purge): wait for a quiet second.
      await waitFor('a second without list requests', async () => {
        await emulator.resetRequests();
        await new Promise((r) => setTimeout(r, 1000));
        return ((await emulator.requests())['GET /backups/info'] ?? 0) === 0;
      });
      await emulator.resetRequests();
      await new Promise((r) => setTimeout(r, 6_000));
      const hidden = await emulator.requests();
      assert.equal(hidden['GET /backups/info'] ?? 0, 0, `no list requests while hidden: ${JSON.stringify(hidden)}`);

      await vscode.commands.executeCommand('haBackups.backups.focus');
      await waitFor('a refresh when the view shows', async () => ((await emulator.requests())['GET /backups/info'] ?? 0) >= 1, 5_000);
      await emulator.resetRequests();
      await new Promise((r) => setTimeout(r, 5_600));
      const visible = (await emulator.requests())['GET /backups/info'] ?? 0;
      assert.ok(visible >= 1 && visible <= 2, `one poll per 5 s while visible, saw ${visible}`);
    } finally {
      await config.update('refreshIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a second backup while one runs is explained as "already in progress"', async () => {
    const first = vscode.commands.executeCommand<RunResult>('haBackups.createFullBackup', { name: 'First of two' });
    await waitFor('the first backup to run', async () => (await snapshot()).running.length === 1);
    const second = await vscode.commands.executeCommand<RunResult>('haBackups.createFullBackup', { name: 'Second of two' });
    assert.equal(second.status, 'failed');
    assert.match(second.error ?? '', /already in progress/);
    const done = await first;
    assert.equal(done.status, 'succeeded', done.error);
    const s = await snapshot();
    assert.equal(s.backups[0]?.name, 'First of two');
    assert.equal(s.statusBar.state, 'ok', 'a success after the failure clears the error colour');
  });
});

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
