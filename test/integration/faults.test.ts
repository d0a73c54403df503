// Fault matrix, part 1: Create and Restore (the operations that run as Supervisor jobs), and the
// automatic purge after a backup (rows with autoPurge on: the expired fixture backup must survive a
// backup that did not fully succeed), against the emulator's fault control. Each row injects one
// fault and checks (a)–(d) (support/faultMatrix.ts). Not applicable here:
// - restore × disk full: a restore writes nothing on this side; a full disk on the Supervisor ends
//   the restore job with an error, which is the job-failure row;
// - slow responses past the request timeout (60 s, not a setting) are covered at the unit level
//   (test/unit/slowResponses.test.ts); "slow" here is a backup job slower than `backupTimeoutMinutes`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, afterEach, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/extension/runner/runResult';
import type { RestoreResult } from '../../src/extension/commands/restoreBackup';
import { storeBackup } from './support/backups';
import { emulator } from './support/emulatorControl';
import {
  CellWatch,
  config,
  fault,
  healEmulator,
  HTTP_FAULTS,
  removeFromSupervisor,
  RESET_REASON,
  setUpCells,
  trackedState,
  type CellExpectation,
  type Fixture,
} from './support/faultMatrix';
import type { NotificationRecorder } from './support/notifications';
import { tinyDisk } from './support/tinyDisk';
import { waitFor } from './support/waitFor';

describe('Fault matrix: create and restore', function () {
  this.timeout(30_000);
  let fx: Fixture;
  let recorder: NotificationRecorder;
  const made: string[] = [];
  let counter = 0;

  before(async function () {
    this.timeout(60_000);
    ({ recorder, fx } = await setUpCells());
  });

  afterEach(async () => {
    await healEmulator();
    await emulator.setJobStepDelay(100);
    await config().update('autoPurge', false, vscode.ConfigurationTarget.Global);
    await config().update('backupTimeoutMinutes', undefined, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    recorder.dispose();
    await config().update('autoPurge', undefined, vscode.ConfigurationTarget.Global);
    for (const slug of made) await removeFromSupervisor(slug);
    fs.rmSync(fx.dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('haBackups.refresh');
  });

  /** Waits until the Supervisor runs a job (it is then in `freeze`). */
  const jobRunning = () => waitFor('a running job', async () => (await emulator.state()).state === 'freeze');
  const freeze = async () => assert.equal((await emulator.supervisor('POST', '/backups/freeze', { timeout: 60 })).status, 200);

  describe('Create Backup (with keep_days 30 and a download path)', () => {
    interface CreateRow {
      fault: string;
      arrange?: () => Promise<void>;
      request?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
      /** Runs the command; the default just awaits it. */
      act?: (running: Thenable<RunResult>) => Promise<RunResult>;
      status: RunResult['status'];
      expect: (name: string) => CellExpectation;
      /** Automatic purge on: the expired backup must survive a backup that did not fully succeed. */
      autoPurge?: boolean;
      /** The backup is made and downloaded (complete) to the download path. */
      downloads?: boolean;
      /** The download path is on a tiny, full disk. */
      tinyDisk?: boolean;
    }
    const failedWith =
      (reason: RegExp) =>
      (name: string): CellExpectation => ({
        message: { severity: 'error', text: new RegExp(`^Backup "${name}" failed: .*${reason.source}`) },
        log: new RegExp(`backup_failed name="${name}".*${reason.source}`),
      });
    const rows: CreateRow[] = [
      { fault: 'connection reset (start request)', arrange: () => fault('POST /backups/new/partial', 'reset'), status: 'failed', expect: failedWith(RESET_REASON) },
      {
        fault: 'connection reset (while following the job)',
        arrange: () => fault('GET /jobs/*', 'reset', { times: 2 }),
        status: 'succeeded',
        downloads: true,
        expect: () => ({ message: 'none', added: 1 }),
      },
      ...HTTP_FAULTS.map((h): CreateRow => ({
        fault: h.fault,
        arrange: () => fault('POST /backups/new/partial', h.kind, { status: h.status, body: h.body }),
        status: 'failed',
        expect: failedWith(h.reason),
      })),
      {
        fault: 'slow: the job outlives backupTimeoutMinutes',
        arrange: async () => {
          await emulator.setJobStepDelay(500);
          await config().update('backupTimeoutMinutes', 0.01, vscode.ConfigurationTarget.Global);
        },
        act: async (running) => {
          const r = await running;
          // The wait ended; the backup goes on and is recorded and downloaded when it ends.
          await waitFor('the late download', () => fs.readdirSync(fx.dir).includes(`${r.name.replace(/ /g, '_')}.tar`), 20_000);
          return r;
        },
        status: 'still_running',
        downloads: true,
        expect: (name) => ({ message: { severity: 'info', text: new RegExp(`^The backup "${name}" is taking longer than 0.01 minutes. It goes on`) }, added: 1 }),
      },
      {
        fault: 'job failure (and no automatic purge)',
        autoPurge: true,
        arrange: () => fault('POST /backups/new/partial', 'job_failure', { message: 'Home Assistant Core backup failed: disk I/O error' }),
        status: 'failed',
        expect: failedWith(/disk I\/O error/),
      },
      {
        fault: 'child-job failure (and no automatic purge)',
        autoPurge: true,
        arrange: () => fault('POST /backups/new/partial', 'child_job_failure', { message: 'ssl is unreadable' }),
        status: 'succeeded',
        downloads: true,
        expect: (name) => ({
          message: { severity: 'warning', text: new RegExp(`^Backup "${name}" finished, but some parts failed: .*ssl is unreadable`) },
          log: new RegExp(`no automatic purge after "${name}"`),
          added: 1,
        }),
      },
      { fault: 'freeze conflict', arrange: freeze, status: 'failed', expect: failedWith(/already in progress \(the Supervisor is frozen\)/) },
      {
        fault: 'mount down',
        arrange: () => emulator.setMountState('nas_backups', 'failed'),
        request: () => ({ location: 'nas_backups' }),
        status: 'failed',
        expect: failedWith(/Backup mount 'nas_backups' is down/),
      },
      {
        fault: 'disk full on the Supervisor',
        arrange: () => fault('POST /backups/new/partial', 'disk_full'),
        status: 'failed',
        expect: failedWith(/No space left on device/),
      },
      {
        fault: 'disk full while writing the download',
        tinyDisk: true,
        status: 'succeeded',
        expect: (name) => ({
          message: { severity: 'error', text: new RegExp(`^Download of "${name}" failed: Could not write .*: no space left on the device$`) },
          log: new RegExp(`download_failed name="${name}".*no space left on the device`),
          added: 1,
        }),
      },
      {
        fault: 'Supervisor restart: the job vanishes (and no automatic purge)',
        autoPurge: true,
        arrange: () => emulator.setJobStepDelay(500),
        act: async (running) => {
          await jobRunning();
          await emulator.restart();
          return running;
        },
        status: 'lost',
        expect: (name) => ({
          message: { severity: 'warning', text: new RegExp(`^Lost track of the backup "${name}" \\(the Supervisor no longer knows its job; did it restart\\?\\)`) },
          log: /no longer knows job/,
        }),
      },
    ];

    for (const row of rows) {
      it(`create × ${row.fault}`, async function () {
        const disk = row.tinyDisk ? await tinyDisk(16 * 1024) : undefined;
        if (row.tinyDisk && !disk) this.skip(); // no user namespaces on this machine: no full disk to write to
        const name = `Faulty create ${++counter}`;
        try {
          await row.arrange?.();
          if (row.autoPurge) await config().update('autoPurge', true, vscode.ConfigurationTarget.Global);
          const watch = await CellWatch.start(fx, recorder, { tracked: [fx.expired], extraDirs: disk ? [disk.dir] : [] });
          const request = { name, include: { folders: ['ssl'] }, keep_days: 30, download_path: disk?.dir ?? fx.dir, ...(await row.request?.()) };
          const running = vscode.commands.executeCommand<RunResult>('haBackups.createBackup', request);
          const result = await (row.act ? row.act(running) : running);
          assert.equal(result.status, row.status, result.error);
          const expected = row.expect(name);
          const slug = (await emulator.state()).backups.find((b) => b.name === name)?.slug;
          if (slug) made.push(slug);
          // A backup that is there has its expiry, whatever went wrong around it.
          if (expected.added) {
            assert.ok(slug, `the backup "${name}" exists`);
            await vscode.commands.executeCommand('haBackups.refresh');
            assert.match((await trackedState(slug)).expires ?? '', /\(kept 30 days\)$/, 'its keep_days expiry is recorded');
            if (row.downloads) expected.downloaded = [{ name: new RegExp(`^${name.replace(/ /g, '_')}\\.tar$`), bytes: (await storeBackup(slug)).size_bytes }];
          }
          await watch.verify(expected);
        } finally {
          disk?.dispose();
        }
      });
    }
  });

  describe('Restore Backup (the share of the pinned witness)', () => {
    interface RestoreRow {
      fault: string;
      arrange?: () => Promise<void>;
      args?: Record<string, unknown>;
      act?: (running: Thenable<RestoreResult>) => Promise<RestoreResult>;
      status: RestoreResult['status'];
      expect: CellExpectation;
    }
    const name = 'Fault witness';
    const failedWith = (reason: RegExp): CellExpectation => ({
      message: { severity: 'error', text: new RegExp(`^Restore of "${name}" failed: .*${reason.source}`) },
      log: new RegExp(`restore_failed name="${name}".*${reason.source}`),
    });
    const start = () => `POST /backups/${fx.witness}/restore/partial`;
    const rows: RestoreRow[] = [
      { fault: 'connection reset (start request)', arrange: () => fault(start(), 'reset'), status: 'failed', expect: failedWith(RESET_REASON) },
      {
        fault: 'connection reset (while following the job)',
        arrange: () => fault('GET /jobs/*', 'reset', { times: 2 }),
        status: 'succeeded',
        expect: { message: { severity: 'info', text: new RegExp(`^Restore of "${name}" finished\\.$`) }, log: /restore_successful/ },
      },
      ...HTTP_FAULTS.map((h): RestoreRow => ({
        fault: h.fault,
        arrange: () => fault(start(), h.kind, { status: h.status, body: h.body }),
        status: 'failed',
        expect: failedWith(h.reason),
      })),
      { fault: 'job failure', arrange: () => fault(start(), 'job_failure', { message: 'Restore broke' }), status: 'failed', expect: failedWith(/Restore broke/) },
      {
        fault: 'child-job failure',
        arrange: () => fault(start(), 'child_job_failure'),
        status: 'succeeded',
        expect: {
          message: { severity: 'warning', text: new RegExp(`^Restore of "${name}" finished, but: backup_folder_restore \\(ssl\\): Can't restore backup ssl$`) },
          log: /restore of "Fault witness" finished with a warning/,
        },
      },
      { fault: 'freeze conflict', arrange: freeze, status: 'failed', expect: failedWith(/already in progress \(the Supervisor is frozen\)/) },
      {
        fault: 'mount down (restoring the copy on it)',
        arrange: () => emulator.setMountState('nas_backups', 'failed'),
        args: { location: 'nas_backups' },
        status: 'failed',
        expect: failedWith(/does not exist in .?nas_backups/),
      },
      {
        fault: 'Supervisor restart: the job vanishes',
        arrange: () => emulator.setJobStepDelay(500),
        act: async (running) => {
          await jobRunning();
          await emulator.restart();
          return running;
        },
        status: 'still_running',
        expect: {
          message: { severity: 'warning', text: new RegExp(`^Lost track of the restore of "${name}"; Home Assistant may still be restoring`) },
          log: /no longer knows job/,
        },
      },
    ];

    for (const row of rows) {
      it(`restore × ${row.fault}`, async () => {
        const node = { backup: await storeBackup(fx.witness) };
        await row.arrange?.();
        const watch = await CellWatch.start(fx, recorder);
        const running = vscode.commands.executeCommand<RestoreResult>('haBackups.restoreBackup', node, [node], {
          kind: 'partial',
          folders: ['ssl'],
          location: null,
          ...row.args,
        });
        const result = await (row.act ? row.act(running) : running);
        assert.equal(result.status, row.status, result.error);
        assert.equal(recorder.confirmations.length, 1, 'one confirmation before restoring');
        await watch.verify(row.expect);
      });
    }
  });
});
