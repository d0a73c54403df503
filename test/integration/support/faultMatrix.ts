// The fault matrix (faults*.test.ts): the backups every cell looks after, and the four checks each
// cell makes — (a) no backup deleted that should not be, (b) no partial file under a final name and
// no temporary file left, (c) pins and keep_days expiries survive, (d) exactly one clear message,
// in the notifications and the log, without the token.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/extension/runner/runResult';
import { connectToEmulator } from './connection';
import { emulator } from './emulatorControl';
import { logText, snapshot } from './extensionApi';
import { NotificationRecorder, type Severity } from './notifications';
import { waitFor } from './waitFor';

export const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('haBackups');

/** Names of the backups the matrix keeps between cells (and between its test files). */
export const NAMES = {
  /** Pinned, keep_days 30, here and on nas_backups: downloaded and restored; must never change. */
  witness: 'Fault witness',
  /** Here and on nas_backups, not managed: what the Delete cells try to delete. */
  deleteTarget: 'Fault delete target',
  /** keep_days -1 (expired), here and on nas_backups: what the Purge cells try to purge. */
  expired: 'Fault expired',
  /** Downloaded to disk, then deleted on the Supervisor: what the Upload cells send back. */
  uploadSource: 'Fault upload source',
} as const;

export interface Fixture {
  witness: string;
  deleteTarget: string;
  expired: string;
  uploadFile: string;
  uploadSlug: string;
  /** The download folder of every cell. */
  dir: string;
}

async function slugNamed(name: string): Promise<string | undefined> {
  return (await emulator.state()).backups.find((b) => b.name === name)?.slug;
}

async function ensureBackup(name: string, request: Record<string, unknown>): Promise<string> {
  const existing = await slugNamed(name);
  if (existing) return existing;
  const r = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name, include: { folders: ['ssl'] }, ...request });
  assert.equal(r.status, 'succeeded', r.error ?? r.errors?.join());
  return r.slug!;
}

/** Connects, sets short polls, and finds or makes the matrix's backups (so each test file can start alone). */
export async function setUpFixture(dir: string): Promise<Fixture> {
  await connectToEmulator();
  await config().update('jobPollIntervalMilliseconds', 150, vscode.ConfigurationTarget.Global);
  await config().update('autoPurge', false, vscode.ConfigurationTarget.Global);
  await emulator.setJobStepDelay(100);
  const both = ['/backup', 'nas_backups'];
  // The expired one first: the newest keep_days backup is always kept, so the witness must be newer.
  const expired = await ensureBackup(NAMES.expired, { keep_days: -1, location: both });
  const witness = await ensureBackup(NAMES.witness, { keep_days: 30, location: both });
  const deleteTarget = await ensureBackup(NAMES.deleteTarget, { location: both });
  const uploadFile = path.join(dir, 'upload-source.tar');
  let uploadSlug = await slugNamed(NAMES.uploadSource);
  if (!uploadSlug || !fs.existsSync(uploadFile)) {
    uploadSlug ??= await ensureBackup(NAMES.uploadSource, {});
    const res = await fetch(`${emulator.url}/backups/${uploadSlug}/download`, { headers: { authorization: `Bearer ${emulator.token}` } });
    fs.writeFileSync(uploadFile, Buffer.from(await res.arrayBuffer()));
  }
  await removeFromSupervisor(uploadSlug);
  const node = { backup: { slug: witness } };
  await vscode.commands.executeCommand('haBackups.pinBackup', node, [node]);
  await vscode.commands.executeCommand('haBackups.refresh');
  return { witness, deleteTarget, expired, uploadFile, uploadSlug, dir };
}

/** Deletes a backup behind the extension's back (setting up and cleaning up, not under test). */
export async function removeFromSupervisor(slug: string): Promise<void> {
  const res = await emulator.supervisor('DELETE', `/backups/${slug}`);
  assert.ok(res.status === 200 || res.status === 404, `cleanup of ${slug}: HTTP ${res.status} ${res.json.message ?? ''}`);
}

/** What the tree says about a backup's pin and expiry (the markdown escapes removed). */
export async function trackedState(slug: string): Promise<{ listed: boolean; pinned: boolean; expires: string | undefined }> {
  const node = (await snapshot()).backups.find((b) => b.slug === slug);
  const tooltip = node?.tooltip.replace(/\\/g, '') ?? '';
  return { listed: node !== undefined, pinned: /Pinned: never deleted by retention/.test(tooltip), expires: /Expires .*? \(kept -?[\d.]+ days\)/.exec(tooltip)?.[0] };
}

export interface CellExpectation {
  /** The one message the user gets, or 'none' when the fault is absorbed without bothering anyone. */
  message: { severity: Severity; text: RegExp } | 'none';
  /** A line the log must gain (the reason, for the person who looks later). */
  log?: RegExp;
  /** Backups this cell is meant to delete (everything else must still be there). */
  deleted?: string[];
  /** How many backups this cell is meant to add. */
  added?: number;
  /** Files the download folder is meant to gain (complete, under their final names). */
  downloaded?: { name: RegExp; bytes: number }[];
  /** Files the Supervisor's folders are meant to gain or lose (its archives and temp folder). */
  storedFilesChange?: 'none' | 'any';
}

/**
 * Watches one cell: takes the "before" picture, and checks (a)–(d) against it afterwards. `tracked`
 * lists backups whose pin/expiry must be unchanged afterwards (if they are still listed).
 */
export class CellWatch {
  private constructor(
    private readonly fx: Fixture,
    private readonly recorder: NotificationRecorder,
    private readonly backups: string[],
    private readonly files: string[],
    private readonly stored: string[],
    private readonly log: string,
    private readonly tracked: Map<string, Awaited<ReturnType<typeof trackedState>>>,
    private readonly extraDirs: string[],
  ) {}

  static async start(fx: Fixture, recorder: NotificationRecorder, options: { tracked?: string[]; extraDirs?: string[] } = {}): Promise<CellWatch> {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('haBackups.refresh');
    const tracked = new Map<string, Awaited<ReturnType<typeof trackedState>>>();
    for (const slug of [fx.witness, ...(options.tracked ?? [])]) tracked.set(slug, await trackedState(slug));
    const watch = new CellWatch(
      fx,
      recorder,
      (await emulator.state()).backups.map((b) => b.slug),
      fs.readdirSync(fx.dir).sort(),
      emulator.storedFiles(),
      await logText(),
      tracked,
      options.extraDirs ?? [],
    );
    recorder.clear();
    return watch;
  }

  async verify(expect: CellExpectation): Promise<void> {
    const { message } = expect;
    // (d) one clear message. Give late notifications a moment to arrive, then count them.
    if (message !== 'none') await waitFor(`a ${message.severity} notification`, () => this.recorder.shown.some((m) => m.severity === message.severity));
    await new Promise((r) => setTimeout(r, 250));
    const shown = this.recorder.shown.map((m) => `${m.severity}: ${m.text}`);
    if (message === 'none') {
      assert.deepEqual(shown, [], 'no notification for a fault the extension absorbs');
    } else {
      assert.equal(shown.length, 1, `exactly one notification, got ${JSON.stringify(shown)}`);
      assert.equal(this.recorder.shown[0]?.severity, message.severity, shown[0]);
      assert.match(this.recorder.shown[0]?.text ?? '', message.text);
    }
    for (const text of shown) assert.ok(!text.includes(emulator.token), 'no token in notifications');
    const log = (await logText()).slice(this.log.length);
    if (expect.log) {
      const wanted = expect.log;
      await waitFor(`the log line ${String(wanted)}`, async () => wanted.test((await logText()).slice(this.log.length)), 5_000);
    }
    assert.ok(!log.includes(emulator.token), 'no token in the log');

    // (a) nothing deleted but what the cell deletes, and only the backups it makes.
    const now = (await emulator.state()).backups.map((b) => b.slug);
    const deleted = expect.deleted ?? [];
    for (const slug of this.backups) {
      if (deleted.includes(slug)) assert.ok(!now.includes(slug), `${slug} was deleted as asked`);
      else assert.ok(now.includes(slug), `${slug} is still on the Supervisor`);
    }
    assert.equal(now.filter((s) => !this.backups.includes(s)).length, expect.added ?? 0, 'new backups on the Supervisor');

    // (b) only complete files under final names; no temporary files, here or on the Supervisor.
    const added = fs.readdirSync(this.fx.dir).filter((f) => !this.files.includes(f));
    const wantedFiles = expect.downloaded ?? [];
    assert.equal(added.length, wantedFiles.length, `download folder gained ${JSON.stringify(added)}`);
    for (const want of wantedFiles) {
      const file = added.find((f) => want.name.test(f));
      assert.ok(file, `a file named like ${String(want.name)} in ${JSON.stringify(added)}`);
      assert.equal(fs.statSync(path.join(this.fx.dir, file)).size, want.bytes, `${file} is complete`);
    }
    for (const dir of [this.fx.dir, ...this.extraDirs]) {
      assert.deepEqual(
        fs.readdirSync(dir).filter((f) => f.endsWith('.partial')),
        [],
        `no temporary file left in ${dir}`,
      );
    }
    for (const dir of this.extraDirs) assert.deepEqual(fs.readdirSync(dir), [], `nothing left in ${dir}`);
    assert.deepEqual(
      emulator.storedFiles().filter((f) => f.startsWith('tmp/')),
      [],
      'no temporary file on the Supervisor',
    );
    if ((expect.storedFilesChange ?? 'none') === 'none' && !deleted.length && !expect.added) {
      assert.deepEqual(emulator.storedFiles(), this.stored, 'the Supervisor’s files are unchanged');
    }

    // (c) pins and expiries survive.
    await vscode.commands.executeCommand('haBackups.refresh');
    for (const [slug, before] of this.tracked) {
      if (deleted.includes(slug)) continue;
      const after = await trackedState(slug);
      if (!after.listed) continue;
      assert.deepEqual(after, before, `pin and expiry of ${slug} unchanged`);
    }
  }
}

/** Sets an emulator fault for the next matching request. */
/** After a cell: no faults, the NAS mount up, the Supervisor thawed. */
export async function healEmulator(): Promise<void> {
  await emulator.clearFaults();
  await emulator.setMountState('nas_backups', 'active');
  if ((await emulator.state()).state === 'freeze') await emulator.supervisor('POST', '/backups/thaw');
}

/** The recorder every cell reads, answering confirmations, and the fixture the cells look after. */
export async function setUpCells(): Promise<{ recorder: NotificationRecorder; fx: Fixture }> {
  const recorder = new NotificationRecorder();
  recorder.confirmModals = true;
  return { recorder, fx: await setUpFixture(fs.mkdtempSync(`${os.tmpdir()}/ha-faults-`)) };
}

export function fault(match: string, kind: string, extra: Record<string, unknown> = {}): Promise<void> {
  return emulator.addFault({ match, kind, ...extra });
}

/** The answers a plain HTTP failure gets in the matrix: a 5xx and aiohttp's plain-text 401 and 403. */
export const HTTP_FAULTS = [
  { fault: '5xx', kind: 'status', status: 500, body: '500 Internal Server Error\n\nServer got itself in trouble', reason: /HTTP 500/ },
  { fault: '401 (plain text)', kind: 'status', status: 401, body: '401: Unauthorized', reason: /no valid token was sent \(401\)/ },
  { fault: '403 (plain text)', kind: 'status', status: 403, body: '403: Forbidden', reason: /role may not call \/backups/ },
] as const;

/** "The connection … was closed before the answer was complete." */
export const RESET_REASON = /closed before the answer was complete/;
