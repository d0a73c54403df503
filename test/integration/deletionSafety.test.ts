// Nothing deleted and no backup missed without the user knowing (issue #10): each case the review
// reproduced, in the real extension host against the emulator. Every test failed on the code before
// the deletion model (src/core/deletion) and Home Assistant's clock (src/core/supervisor/serverClock.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/extension/runner/runResult';
import type { DeleteResult } from '../../src/extension/commands/deleteBackup';
import type { PurgeResult } from '../../src/extension/commands/purgeBackups';
import type { RestoreFileResult } from '../../src/extension/commands/restoreFile';
import type { UploadResult } from '../../src/extension/commands/uploadBackup';
import { downloadArchive, withBackupJson } from './support/archives';
import { storeBackup } from './support/backups';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { logText, snapshot } from './support/extensionApi';
import { itWithUi } from './support/harness';
import { NotificationRecorder } from './support/notifications';
import { screenshot } from './support/screenshot';
import { clickButton } from './support/ui';
import { waitFor } from './support/waitFor';

const DAY = 86_400_000;
const config = () => vscode.workspace.getConfiguration('haBackups');
const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
const policyFile = () => path.join(folder(), 'auto_backup.yaml');
const storage = (name: string) => path.join(folder(), '.storage', name);
const isoAt = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

describe('Nothing deleted and no backup missed without the user knowing', () => {
  const made: string[] = [];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-safety-'));
  let recorder: NotificationRecorder;

  async function create(name: string, request: Record<string, unknown>): Promise<string> {
    const r = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name, include: { folders: ['ssl'] }, ...request });
    assert.equal(r.status, 'succeeded', r.error ?? r.errors?.join());
    made.push(r.slug!);
    return r.slug!;
  }
  async function runPolicy(name: string): Promise<string> {
    const r = await vscode.commands.executeCommand<RunResult>('haBackups.runPolicy', name);
    assert.equal(r.status, 'succeeded', r.error ?? r.errors?.join());
    made.push(r.slug!);
    return r.slug!;
  }
  async function upload(archive: Buffer, fileName: string): Promise<string> {
    const file = path.join(scratch, fileName);
    fs.writeFileSync(file, archive);
    const r = await vscode.commands.executeCommand<UploadResult>('haBackups.uploadBackup', { file, locations: [null] });
    assert.ok(r.slug && !r.error, r.error);
    made.push(r.slug);
    return r.slug;
  }
  /** A backup made behind the extension's back (Home Assistant, the Auto Backup integration). */
  async function madeElsewhere(name: string): Promise<string> {
    const res = await emulator.supervisor('POST', '/backups/new/partial', { name, folders: ['ssl'] });
    const slug = (res.json.data as { slug?: string } | undefined)?.slug;
    assert.ok(slug, `made ${name}: ${res.json.message ?? ''}`);
    made.push(slug);
    await vscode.commands.executeCommand('haBackups.refresh');
    return slug;
  }
  const listed = async () => (await emulator.state()).backups.map((b) => b.slug);
  /** The preview's row of a backup. */
  async function previewRow(slug: string): Promise<string> {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand<string[]>('haBackups.previewRetention', undefined, { as: 'text' });
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    const row = text.split('\n').find((l) => l.includes(`\`${slug}\``));
    assert.ok(row, `the preview lists ${slug}:\n${text}`);
    return row;
  }
  const writePolicies = (yaml: string) => fs.writeFileSync(policyFile(), yaml);

  before(async () => {
    await connectToEmulator();
    recorder = new NotificationRecorder();
    recorder.confirmModals = true; // Delete, Upload, Purge and Restore confirmations are answered yes
    await config().update('autoPurge', true, vscode.ConfigurationTarget.Global);
    // The scheduler's own timer would race the passes these tests run by hand.
    await config().update('scheduler', false, vscode.ConfigurationTarget.Global);
    await config().update('jobPollIntervalMilliseconds', 150, vscode.ConfigurationTarget.Global);
    await emulator.setJobStepDelay(50);
  });

  afterEach(async () => {
    recorder.confirmModals = true;
    await emulator.clearFaults();
    await emulator.setClockOffset(0);
  });

  after(async () => {
    recorder.dispose();
    fs.rmSync(policyFile(), { force: true });
    // Without a policy file the scheduler forgets these tests' policies (and their warnings go).
    await vscode.commands.executeCommand('haBackups.runDuePolicies');
    for (const name of ['auto_backup.snapshots_expiry', 'core.config_entries']) fs.rmSync(storage(name), { force: true });
    for (const slug of made) await emulator.supervisor('DELETE', `/backups/${slug}`);
    for (const key of ['autoPurge', 'scheduler', 'jobPollIntervalMilliseconds', 'backupFolder']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('haBackups.refresh');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('1a: a backup uploaded again after it was deleted is not purged by its old expiry', async () => {
    const slug = await create('Safety re-upload', { keep_days: -1 });
    const archive = await downloadArchive(slug);
    const node = { backup: await storeBackup(slug) };
    const deleted = await vscode.commands.executeCommand<DeleteResult>('haBackups.deleteBackup', node, [node]);
    assert.deepEqual(deleted.deleted, [slug]);
    assert.equal(await upload(archive, 'safety-reupload.tar'), slug, 'the same backup is back under its slug');
    // The next backup's automatic purge.
    await create('Safety trigger 1a', { keep_days: 30 });
    assert.ok((await listed()).includes(slug), 'the uploaded backup is still there');
    assert.match(await previewRow(slug), /\| keep \|.*\| — \| not managed \|/);
  });

  itWithUi('1b: a policy backup uploaded to restore from it is not deleted by that policy, and the upload says so', async () => {
    writePolicies(
      'policies:\n  - name: safety last two\n    schedule: daily 03:00\n    backup: {name: "Safety last two %H:%M:%S", include: {folders: [ssl]}}\n    retention: {last: 2}\n',
    );
    const first = await runPolicy('safety last two');
    // The copy download_path kept of a backup this policy made three weeks ago.
    const copy = await withBackupJson(await downloadArchive(first), (json) => ({
      ...json,
      slug: 'c0ffee21',
      name: 'Safety kept copy',
      date: isoAt(Date.now() - 21 * DAY),
      extra: { vscode_ha_backups: { policy: 'safety last two' } },
    }));
    recorder.confirmModals = false;
    const file = path.join(scratch, 'kept-copy.tar');
    fs.writeFileSync(file, copy);
    const uploading = vscode.commands.executeCommand<UploadResult>('haBackups.uploadBackup', { file, locations: [null] });
    await clickButton('Upload', '70-upload-policy-backup');
    const up = await uploading;
    assert.equal(up.slug, 'c0ffee21', up.error);
    made.push('c0ffee21');
    assert.match(recorder.confirmations.at(-1)?.detail ?? '', /It was made by the policy "safety last two"\. An uploaded backup is never deleted by retention or a policy/);
    recorder.confirmModals = true;
    // Two more runs: with the upload, three backups carry the policy's tag, and it keeps the last two.
    await runPolicy('safety last two');
    await runPolicy('safety last two');
    const now = await listed();
    assert.ok(now.includes('c0ffee21'), 'the uploaded backup is still there');
    assert.ok(!now.includes(first), 'the policy still purges what it made itself');
    assert.match(await previewRow('c0ffee21'), /made by the policy "safety last two", but not by this VS Code/);
  });

  it('2: a keep_days policy that is disabled with a typo, in a file with a YAML error, renamed or removed deletes nothing', async function () {
    this.timeout(60_000);
    const policy = (name: string, extra = '') =>
      `policies:\n  - name: ${name}\n    schedule: daily 03:00\n    backup: {name: "Safety short %H:%M:%S", include: {folders: [ssl]}}\n    retention: {keep_days: 0.0001}\n${extra}`;
    writePolicies(policy('safety short'));
    const older = await runPolicy('safety short');
    await runPolicy('safety short'); // the newest of a policy is always kept
    // keep_days 0.0001 is 8.6 seconds.
    await new Promise((r) => setTimeout(r, 9_500));
    assert.match(await previewRow(older), /\*\*REMOVE\*\*.*expired/, 'while the policy is as it was, its expired backup goes');
    const variants: [string, () => void, RegExp][] = [
      ['disabled, with a typo', () => writePolicies(policy('safety short', '    enabled: false\n').replace('daily 03:00', 'dialy 03:00')), /the policy file has errors/],
      ['a YAML error elsewhere', () => writePolicies(`${policy('safety short')}  - name: [broken\n`), /the policy file has errors/],
      ['renamed', () => writePolicies(policy('safety shorter')), /its policy "safety short" is not in the policy file/],
      ['removed', () => fs.rmSync(policyFile()), /its policy "safety short" is not in the policy file/],
    ];
    for (const [variant, apply, why] of variants) {
      apply();
      const remove = await vscode.commands.executeCommand<string[]>('haBackups.previewRetention');
      assert.ok(!remove.includes(older), `${variant}: not marked REMOVE`);
      assert.match(await previewRow(older), why, variant);
      const purge = await vscode.commands.executeCommand<PurgeResult>('haBackups.purgeBackups');
      assert.ok(!purge.previewed.includes(older), `${variant}: Purge does not delete it`);
      assert.ok((await listed()).includes(older), `${variant}: still there`);
    }
  });

  itWithUi('3a: a backup of a policy dated in the future neither stops the policy nor passes unnoticed', async () => {
    writePolicies('policies:\n  - name: safety minutely\n    schedule: "* * * * *"\n    backup: {name: "Safety minutely %H:%M:%S", include: {folders: [ssl]}}\n');
    await vscode.commands.executeCommand('haBackups.refresh');
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), [], 'first seen: nothing to catch up');
    // Uploaded from a machine whose clock was a month ahead.
    const ahead = await withBackupJson(await downloadArchive(await create('Safety source 3a', {})), (json) => ({
      ...json,
      slug: 'f0f0f0f0',
      name: 'Safety from the future',
      date: isoAt(Date.now() + 30 * DAY),
      extra: { vscode_ha_backups: { policy: 'safety minutely' } },
    }));
    await upload(ahead, 'from-the-future.tar');
    // Home Assistant's clock passes the policy's next minute.
    await emulator.setClockOffset(90_000);
    const ran = await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies');
    assert.deepEqual(ran, ['safety minutely'], 'the policy runs');
    made.push(...(await emulator.state()).backups.filter((b) => b.name.startsWith('Safety minutely')).map((b) => b.slug));
    const s = await snapshot();
    const row = s.backups.find((b) => b.slug === 'f0f0f0f0');
    assert.match(row?.description ?? '', /^dated in the future/);
    assert.match(row?.contextValue ?? '', /\bfuture\b/);
    assert.ok(
      s.warnings.some((w) => /Dated in the future: Safety from the future/.test(w.text)),
      JSON.stringify(s.warnings),
    );
    await vscode.commands.executeCommand('haBackups.backups.focus');
    await screenshot('71-backup-dated-in-the-future');
  });

  itWithUi('3b: a policy file with a YAML error is said everywhere, and the run missed meanwhile is caught up after the fix', async () => {
    const valid = 'policies:\n  - name: safety catch-up\n    schedule: "* * * * *"\n    backup: {name: "Safety catch-up %H:%M:%S", include: {folders: [ssl]}}\n';
    writePolicies(valid);
    await vscode.commands.executeCommand('haBackups.refresh');
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), []);
    recorder.clear();
    writePolicies(valid.replace('    backup:', '   backup: [')); // saved with a YAML error
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), []);
    await waitFor('the status bar warning', async () => (await snapshot()).statusBar.state === 'attention');
    const s = await snapshot();
    assert.match(s.statusBar.text, /Policy file has errors/);
    assert.match(s.statusBar.tooltip.replace(/\\/g, ''), /The policy file has errors \(auto_backup\.yaml line \d+: /);
    assert.match(
      s.viewMessage ?? '',
      /The policy file has errors \(auto_backup\.yaml line \d+: .*\): no policy deletes anything until it is fixed\. Not running: safety catch-up\./,
    );
    assert.match(await logText(), /The policy file has errors \(auto_backup\.yaml line/);
    await vscode.commands.executeCommand('haBackups.backups.focus');
    await screenshot('72-policy-file-has-errors');
    // A scheduled minute passes while the file is broken; the notification was given once.
    await emulator.setClockOffset(90_000);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), []);
    assert.equal(recorder.of('warning').filter((t) => /The policy file has errors/.test(t)).length, 1, 'one notification');
    writePolicies(valid);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), ['safety catch-up'], 'the missed run is caught up');
    made.push(...(await emulator.state()).backups.filter((b) => b.name.startsWith('Safety catch-up')).map((b) => b.slug));
    await waitFor('the warning to go', async () => !(await snapshot()).warnings.some((w) => w.id.startsWith('policy-file:')));
  });

  it('3c: a policy first seen while a clock was ahead is not held back until that time', async () => {
    writePolicies('policies:\n  - name: safety ahead\n    schedule: "* * * * *"\n    backup: {name: "Safety ahead %H:%M:%S", include: {folders: [ssl]}}\n');
    await emulator.setClockOffset(2 * DAY);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), [], 'first seen two days "ahead"');
    // The clock is set right: the policy counts from now, not from two days ahead.
    await emulator.setClockOffset(0);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), []);
    // So its next minute runs (it would have waited two days).
    await emulator.setClockOffset(65_000);
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), ['safety ahead']);
    made.push(...(await emulator.state()).backups.filter((b) => b.name.startsWith('Safety ahead')).map((b) => b.slug));
    assert.match(await logText(), /policy "safety ahead" was first seen at .*, later than Home Assistant's time now/);
  });

  it('3d: a policy overdue for whatever reason shows as a warning that says why', async () => {
    writePolicies('policies:\n  - name: safety hourly\n    schedule: hourly :00\n    backup: {name: "Safety hourly %H:%M:%S", include: {folders: [ssl]}}\n');
    assert.deepEqual(await vscode.commands.executeCommand<string[]>('haBackups.runDuePolicies'), [], 'first seen');
    // Two hours pass on Home Assistant's clock while the scheduler is off (these tests turn it off).
    await emulator.setClockOffset(2 * 3_600_000 + 60_000);
    await vscode.commands.executeCommand('haBackups.refresh');
    const warning = await waitFor('the overdue warning', async () => (await snapshot()).warnings.find((w) => w.short === 'safety hourly overdue'));
    assert.match(warning.text, /^"safety hourly": no backup since its run due .* — the scheduler is off \(haBackups\.scheduler\)$/);
    assert.match((await snapshot()).statusBar.text, /safety hourly overdue/);
    // It runs only while VS Code is open: the file says so where the policy is written, and that it missed a run.
    // (An editor may still hold the file's previous text for a moment: the lenses are asked until they are this file's.)
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(policyFile()));
    const titles = await waitFor('the lenses of the overdue policy', async () => {
      if (!doc.getText().includes('safety hourly')) return undefined;
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 20);
      const all = lenses.map((l) => l.command?.title ?? '');
      return all.some((t) => t.startsWith('$(warning) "safety hourly": no backup since its run due')) ? all : undefined;
    });
    assert.ok(titles.includes('$(vm) runs while VS Code is open'), titles.join(' | '));
    fs.rmSync(policyFile());
  });

  it("4: Auto Backup's expiries are only shown when its automatic purge is off, and asked for when it is on", async () => {
    fs.rmSync(policyFile(), { force: true });
    const older = await madeElsewhere('Safety Auto Backup 1');
    const newer = await madeElsewhere('Safety Auto Backup 2');
    fs.mkdirSync(path.join(folder(), '.storage'), { recursive: true });
    // Expired a millisecond after the newer one was made (keep_days 0.00000001): long before the backup below ends.
    const dates = (await emulator.state()).backups.filter((b) => b.slug === older || b.slug === newer).map((b) => Date.parse(b.date));
    const expired = isoAt(Math.max(...dates) + 1);
    fs.writeFileSync(
      storage('auto_backup.snapshots_expiry'),
      JSON.stringify({ version: 1, minor_version: 1, key: 'auto_backup.snapshots_expiry', data: { [older]: expired, [newer]: expired } }),
    );
    const entries = (autoPurge: boolean) =>
      JSON.stringify({
        version: 1,
        minor_version: 5,
        key: 'core.config_entries',
        data: {
          entries: [{ entry_id: '01J1', domain: 'auto_backup', title: 'Auto Backup', data: {}, options: { auto_purge: autoPurge, backup_timeout: 20 }, disabled_by: null }],
        },
      });
    fs.writeFileSync(storage('core.config_entries'), entries(false));
    await create('Safety trigger 4', { keep_days: 30 });
    assert.ok((await listed()).includes(older), 'kept by the automatic purge');
    assert.match(await previewRow(older), /\| keep \|.*\| Auto Backup \| Auto Backup's automatic purge is off: only shown, expired /);

    fs.writeFileSync(storage('core.config_entries'), entries(true));
    recorder.clear();
    await create('Safety trigger 4b', { keep_days: 30 });
    assert.ok((await listed()).includes(older), 'the automatic purge asks first');
    assert.match(await previewRow(older), /\*\*REMOVE\*\*.*asks first \(tracked by the Auto Backup integration\)/);
    assert.ok(
      recorder.of('info').some((t) => /backups could be purged, but only after you confirm/.test(t)),
      recorder.of('info').join('\n'),
    );
    for (const name of ['auto_backup.snapshots_expiry', 'core.config_entries']) fs.rmSync(storage(name));
  });

  it("5: a delete the Supervisor refuses because one copy's file is gone is a failure that names what may remain", async () => {
    // Purged by hand here: the automatic purge is not what this case is about.
    await config().update('autoPurge', false, vscode.ConfigurationTarget.Global);
    const vanished = await create('Safety vanished', { keep_days: -1, location: ['/backup', 'nas_backups'] });
    await create('Safety vanished newer', { keep_days: 30 });
    await config().update('autoPurge', true, vscode.ConfigurationTarget.Global);
    // Its local file disappears behind the Supervisor's back; the copy on nas_backups stays.
    await emulator.removeArchiveFile(vanished, null);
    recorder.clear();
    const result = await vscode.commands.executeCommand<PurgeResult>('haBackups.purgeBackups');
    assert.ok(result.previewed.includes(vanished));
    assert.deepEqual(result.alreadyGone, [], 'not "already gone"');
    assert.equal(result.failed.find((f) => f.slug === vanished)?.slug, vanished);
    assert.match(result.failed.find((f) => f.slug === vanished)?.error ?? '', /Cannot delete backup at .*, file does not exist!/);
    assert.match(recorder.of('error').join('\n'), /Some of its copies \(local, nas_backups\) may remain; the Backups view shows what is left\./);
    await vscode.commands.executeCommand('haBackups.refresh');
    assert.ok((await storeBackup(vanished)).locations.includes('nas_backups'), 'the copy on nas_backups is still there');
    const tooltip = (await snapshot()).backups.find((b) => b.slug === vanished)?.tooltip.replace(/\\/g, '') ?? '';
    assert.match(tooltip, /Expires .* \(kept -1 days\)/, 'what was recorded about it is kept: the next purge tries again');
  });

  it("6c: expiries follow Home Assistant's clock, not this computer's", async () => {
    // This computer's clock is three days ahead of Home Assistant's.
    await emulator.setClockOffset(-3 * DAY);
    const one = await madeElsewhere('Safety clock 1');
    const two = await madeElsewhere('Safety clock 2');
    // The Auto Backup integration stamped "in one day" on Home Assistant's clock.
    const expires = isoAt(Date.now() - 3 * DAY + DAY);
    fs.mkdirSync(path.join(folder(), '.storage'), { recursive: true });
    fs.writeFileSync(
      storage('auto_backup.snapshots_expiry'),
      JSON.stringify({ version: 1, minor_version: 1, key: 'auto_backup.snapshots_expiry', data: { [one]: expires, [two]: expires } }),
    );
    fs.writeFileSync(
      storage('core.config_entries'),
      JSON.stringify({
        version: 1,
        minor_version: 5,
        key: 'core.config_entries',
        data: { entries: [{ entry_id: '01J1', domain: 'auto_backup', options: { auto_purge: true }, disabled_by: null }] },
      }),
    );
    try {
      await vscode.commands.executeCommand('haBackups.refresh');
      assert.match(await previewRow(one), /\| keep \|.*expires in (23 h|1 d)/);
      const s = await snapshot();
      assert.ok(
        s.warnings.some((w) => /This computer's clock is 3 d ahead of Home Assistant's/.test(w.text)),
        JSON.stringify(s.warnings),
      );
    } finally {
      for (const name of ['auto_backup.snapshots_expiry', 'core.config_entries']) fs.rmSync(storage(name), { force: true });
    }
  });

  describe('6a, 6b: Restore This File', () => {
    let source: string;
    const target = () => path.join(folder(), 'scripts.yaml');
    const fileUri = () => vscode.Uri.parse(`ha-backup://${source}/homeassistant/data/scripts.yaml`);
    before(async () => {
      // A configuration backup of its own (other test files delete the scenario's).
      const res = await emulator.supervisor('POST', '/backups/new/partial', { name: 'Safety restore source', homeassistant: true, folders: [] });
      source = (res.json.data as { slug: string }).slug;
      made.push(source);
      await vscode.commands.executeCommand('haBackups.refresh');
      // Fetched, not read from a folder: the fetch is where the time goes.
      await config().update('backupFolder', '', vscode.ConfigurationTarget.Global);
      // Auto save would save the edit during the fetch (then the restore may go ahead, keeping a copy).
      await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    });
    after(async () => {
      await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    });
    afterEach(async () => {
      // Unsaved edits are dropped, not saved.
      for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('6a: refuses when the file got unsaved changes while the backup was being fetched', async () => {
      const before = fs.readFileSync(target(), 'utf8');
      await emulator.addFault({ match: `GET /backups/${source}/download`, kind: 'delay', delayMs: 5000 });
      await emulator.resetRequests();
      const restoring = vscode.commands.executeCommand<RestoreFileResult>('haBackups.restoreFile', fileUri());
      // Confirmed, and the fetch is under way: now the file is edited (and not saved).
      await waitFor('the fetch', async () => (await emulator.requests())[`GET /backups/${source}/download`] === 1);
      const doc = await vscode.workspace.openTextDocument(target());
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(0, 0), '# typed while the backup was fetched\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(doc.isDirty);
      const result = await restoring;
      assert.equal(result.status, 'refused', result.error);
      assert.match(result.error ?? '', /unsaved changes/);
      assert.equal(fs.readFileSync(target(), 'utf8'), before, 'nothing written under the unsaved editor');
    });

    it('6b: refuses when an editor has unsaved changes of the same path in another case', async () => {
      const other = path.join(folder(), 'SCRIPTS.yaml');
      fs.writeFileSync(other, fs.readFileSync(target()));
      try {
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(other));
        await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# unsaved\n'));
        const result = await vscode.commands.executeCommand<RestoreFileResult>('haBackups.restoreFile', fileUri());
        assert.equal(result.status, 'refused', result.error);
        assert.match(result.error ?? '', /scripts\.yaml has unsaved changes/);
      } finally {
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        fs.rmSync(other, { force: true });
      }
    });
  });
});
