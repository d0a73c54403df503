// Fault matrix, part 2: Download, Upload, Delete and Purge (operations on stored backups; no job).
// Each row injects one fault and checks (a)–(d) (support/faultMatrix.ts). Cells that do not apply:
// - job failure, child-job failure, Supervisor restart: none of these runs as a job (a restart during
//   a transfer is a connection reset); for Purge they apply to the backup that triggers the automatic
//   purge, which faults.test.ts covers (create × job failure / child-job failure / restart);
// - freeze conflict: the Supervisor serves downloads, uploads and deletes while frozen (none of them
//   has the RUNNING job condition: home-assistant/supervisor supervisor/backups/manager.py
//   BackupManager.remove, import_backup @090ef31e), so the row checks that they work;
// - disk full: applies to the download (this side) and to the upload (the Supervisor storing it); a
//   delete or purge writes nothing;
// - slow responses past the request timeout (60 s, not a setting): test/unit/slowResponses.test.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, afterEach, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { DownloadResult } from '../../src/core/download';
import type { DeleteResult } from '../../src/extension/commands/deleteBackup';
import type { PurgeResult } from '../../src/extension/commands/purgeBackups';
import type { UploadResult } from '../../src/extension/commands/uploadBackup';
import { storeBackup } from './support/backups';
import { emulator } from './support/emulatorControl';
import {
  CellWatch,
  config,
  fault,
  healEmulator,
  HTTP_FAULTS,
  NAMES,
  removeFromSupervisor,
  RESET_REASON,
  setUpCells,
  type CellExpectation,
  type Fixture,
} from './support/faultMatrix';
import type { NotificationRecorder } from './support/notifications';
import { tinyDisk } from './support/tinyDisk';

/** One row: the fault, how to cause it, and what the user must see. */
interface Row {
  fault: string;
  arrange?: () => Promise<void>;
  /** After the command, before the checks (e.g. bring a mount back up). */
  settle?: () => Promise<void>;
  expect: () => CellExpectation;
}

describe('Fault matrix: download, upload, delete, purge', function () {
  this.timeout(30_000);
  let fx: Fixture;
  let recorder: NotificationRecorder;

  before(async function () {
    this.timeout(60_000);
    ({ recorder, fx } = await setUpCells());
  });

  afterEach(async () => {
    await healEmulator();
  });

  after(async () => {
    recorder.dispose();
    await config().update('autoPurge', undefined, vscode.ConfigurationTarget.Global);
    // The matrix's backups go: an expired or pinned backup left behind would change other tests' retention.
    for (const b of (await emulator.state()).backups.filter((x) => x.name.startsWith('Fault'))) await removeFromSupervisor(b.slug);
    const node = { backup: { slug: fx.witness } };
    await vscode.commands.executeCommand('haBackups.unpinBackup', node, [node]);
    fs.rmSync(fx.dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('haBackups.refresh');
  });

  const freeze = async () => assert.equal((await emulator.supervisor('POST', '/backups/freeze', { timeout: 60 })).status, 200);
  const mountDown = () => emulator.setMountState('nas_backups', 'failed');
  const mountUp = () => emulator.setMountState('nas_backups', 'active');
  /** The same row for every plain HTTP failure of `route`. */
  const httpRows = (route: () => string, expect: (reason: RegExp) => CellExpectation): Row[] =>
    HTTP_FAULTS.map((h) => ({ fault: h.fault, arrange: () => fault(route(), h.kind, { status: h.status, body: h.body }), expect: () => expect(h.reason) }));

  describe('Download Backup (the pinned witness)', () => {
    let disk: Awaited<ReturnType<typeof tinyDisk>>;
    let location: string | null = null;
    const failedWith = (reason: RegExp): CellExpectation => ({
      message: { severity: 'error', text: new RegExp(`^Download of "${NAMES.witness}" failed: .*${reason.source}`) },
      log: new RegExp(`download_failed name="${NAMES.witness}".*${reason.source}`),
    });
    const route = () => `GET /backups/${fx.witness}/download`;
    const rows: (Row & { ok?: boolean })[] = [
      { fault: 'connection reset mid-way', arrange: () => fault(route(), 'reset'), expect: () => failedWith(RESET_REASON) },
      ...httpRows(route, failedWith),
      {
        fault: 'freeze: downloads keep working',
        arrange: freeze,
        ok: true,
        expect: () => ({ message: 'none', downloaded: [{ name: /^Fault_witness( \(\d+\))?\.tar$/, bytes: -1 }] }),
      },
      {
        fault: 'mount down (the copy on it)',
        arrange: async () => {
          await mountDown();
          location = 'nas_backups';
        },
        expect: () => failedWith(/is not in location nas_backups/),
      },
      {
        fault: 'disk full while writing',
        arrange: async () => {
          disk = await tinyDisk(16 * 1024);
        },
        expect: () => ({ ...failedWith(/Could not write .*: no space left on the device$/), log: /download_failed name="Fault witness".*no space left on the device/ }),
      },
    ];
    for (const row of rows) {
      it(`download × ${row.fault}`, async function () {
        location = null;
        try {
          await row.arrange?.();
          if (row.fault.startsWith('disk full') && !disk) this.skip(); // no user namespaces on this machine: no full disk to write to
          const backup = await storeBackup(fx.witness);
          const node = { backup };
          const watch = await CellWatch.start(fx, recorder, { extraDirs: disk ? [disk.dir] : [] });
          const [result] = await vscode.commands.executeCommand<(DownloadResult | undefined)[]>('haBackups.downloadBackup', node, [node], {
            directory: disk?.dir ?? fx.dir,
            location,
          });
          assert.equal(result !== undefined, row.ok === true, 'the download finished');
          const expected = row.expect();
          for (const d of expected.downloaded ?? []) d.bytes = backup.size_bytes;
          await watch.verify(expected);
        } finally {
          disk?.dispose();
          disk = undefined;
        }
      });
    }
  });

  describe('Upload Backup (a backup the Supervisor no longer has)', () => {
    let locations: (string | null)[] = [null];
    const file = 'upload-source.tar';
    const failedWith = (reason: RegExp): CellExpectation => ({
      message: { severity: 'error', text: new RegExp(`^Upload of "${file}" failed: .*${reason.source}`) },
      log: new RegExp(`Upload of "${file}" failed: .*${reason.source}`),
    });
    const route = () => 'POST /backups/new/upload';
    const rows: (Row & { ok?: boolean })[] = [
      { fault: 'connection reset mid-way', arrange: () => fault(route(), 'reset'), expect: () => failedWith(RESET_REASON) },
      ...httpRows(route, failedWith),
      { fault: 'freeze: uploads keep working', arrange: freeze, ok: true, expect: () => ({ message: 'none', added: 1 }) },
      {
        fault: 'mount down (uploading to it)',
        arrange: async () => {
          await mountDown();
          locations = ['nas_backups'];
        },
        expect: () => ({
          message: { severity: 'error', text: /^The backup location nas_backups is not available \(state: failed\)\. Choose another one\.$/ },
          log: /upload of "upload-source.tar" refused/,
        }),
      },
      {
        fault: 'disk full on the Supervisor',
        arrange: () => fault(route(), 'disk_full'),
        expect: () => failedWith(/the Supervisor could not store it, for example because its disk is full \(.*Unknown error, see Supervisor logs\)/),
      },
    ];
    for (const row of rows) {
      it(`upload × ${row.fault}`, async () => {
        locations = [null];
        await row.arrange?.();
        const watch = await CellWatch.start(fx, recorder);
        const result = await vscode.commands.executeCommand<UploadResult>('haBackups.uploadBackup', { file: fx.uploadFile, locations });
        assert.equal(result.slug === fx.uploadSlug && !result.error, row.ok === true, result.error);
        await watch.verify(row.expect());
        if (row.ok) await removeFromSupervisor(fx.uploadSlug);
      });
    }
  });

  describe('Delete Backup (here and on nas_backups)', () => {
    const failedWith = (reason: RegExp): CellExpectation => ({
      message: { severity: 'error', text: new RegExp(`^Could not delete "${NAMES.deleteTarget}" \\(\\w+\\): .*${reason.source}`) },
      log: new RegExp(`could not delete backup \\w+: .*${reason.source}`),
    });
    const route = () => `DELETE /backups/${fx.deleteTarget}`;
    // The last row deletes the backup for good.
    const rows: (Row & { outcome: keyof DeleteResult })[] = [
      { fault: 'connection reset', outcome: 'failed', arrange: () => fault(route(), 'reset'), expect: () => failedWith(RESET_REASON) },
      ...httpRows(route, failedWith).map((r) => ({ ...r, outcome: 'failed' as const })),
      {
        fault: 'mount down: the copy on it is left, and the user is told',
        outcome: 'deleted',
        arrange: mountDown,
        settle: mountUp,
        expect: () => ({
          message: {
            severity: 'warning',
            text: new RegExp(`^Deleted "${NAMES.deleteTarget}" \\(\\w+\\), but nas_backups \\(state: failed\\) is not available: copies stored there were not deleted`),
          },
          log: /copies stored there were not deleted/,
          storedFilesChange: 'any',
        }),
      },
      { fault: 'freeze: deletes keep working', outcome: 'deleted', arrange: freeze, expect: () => ({ message: 'none', deleted: [fx.deleteTarget] }) },
    ];
    for (const row of rows) {
      it(`delete × ${row.fault}`, async () => {
        await row.arrange?.();
        const node = { backup: await storeBackup(fx.deleteTarget) };
        const watch = await CellWatch.start(fx, recorder, { tracked: [fx.deleteTarget] });
        const result = await vscode.commands.executeCommand<DeleteResult>('haBackups.deleteBackup', node, [node]);
        assert.deepEqual(result[row.outcome], row.outcome === 'failed' ? [{ slug: fx.deleteTarget, error: result.failed[0]?.error }] : [fx.deleteTarget]);
        await row.settle?.();
        await watch.verify(row.expect());
      });
    }
  });

  // The expired backup was made by Create Backup with keep_days: the automatic purge never deletes such a
  // backup without asking (src/core/deletion), so these cells purge it through the confirmation.
  describe('Purge (confirmed, of the expired backup here and on nas_backups)', () => {
    const failedWith = (reason: RegExp): CellExpectation => ({
      message: { severity: 'error', text: new RegExp(`^Could not delete "${NAMES.expired}" \\(\\w+\\); it is tried again at the next purge: .*${reason.source}`) },
      log: new RegExp(`could not purge backup \\w+ \\(it is tried again next time\\): .*${reason.source}`),
    });
    const route = () => `DELETE /backups/${fx.expired}`;
    // The last row purges the backup for good.
    const rows: (Row & { outcome: keyof PurgeResult })[] = [
      { fault: 'connection reset', outcome: 'failed', arrange: () => fault(route(), 'reset'), expect: () => failedWith(RESET_REASON) },
      ...httpRows(route, failedWith).map((r) => ({ ...r, outcome: 'failed' as const })),
      {
        fault: 'mount down: the copy on it keeps its expiry and is purged later',
        outcome: 'deleted',
        arrange: mountDown,
        settle: async () => {
          await mountUp();
          await vscode.commands.executeCommand('haBackups.refresh');
        },
        expect: () => ({
          message: {
            severity: 'warning',
            text: new RegExp(
              `^Purged "${NAMES.expired}" \\(\\w+\\), but nas_backups \\(state: failed\\) is not available: copies stored there were not deleted; they are purged when it is back\\.$`,
            ),
          },
          log: /they are purged when it is back/,
          storedFilesChange: 'any',
        }),
      },
      { fault: 'freeze: purges keep working', outcome: 'deleted', arrange: freeze, expect: () => ({ message: 'none', deleted: [fx.expired] }) },
    ];
    for (const row of rows) {
      it(`purge × ${row.fault}`, async () => {
        await row.arrange?.();
        const watch = await CellWatch.start(fx, recorder, { tracked: [fx.expired] });
        // The cells' recorder answers "Delete 1 backups marked REMOVE…?" with Delete.
        const result = await vscode.commands.executeCommand<PurgeResult>('haBackups.purgeBackups');
        assert.deepEqual(result.previewed, [fx.expired], 'only the expired backup is purged');
        assert.match(recorder.confirmations.at(-1)?.text ?? '', /^Delete 1 backups marked REMOVE/);
        assert.deepEqual(result[row.outcome], row.outcome === 'failed' ? [{ slug: fx.expired, error: result.failed[0]?.error }] : [fx.expired]);
        await row.settle?.();
        await watch.verify(row.expect());
      });
    }
  });
});
