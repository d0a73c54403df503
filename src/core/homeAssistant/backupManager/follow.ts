// Following one backup made through Core's backup manager from start to the finished backup.
//
// Core answers `backup/generate` with a job id and tells the rest only through events, which carry no
// backup id (manager.py CreateBackupEvent). This file finds the backup without guessing:
//
// 1. Which events are ours. Subscribe first. The manager runs one thing at a time and refuses a create
//    while it is not idle ("Backup manager busy"), and Core sends the events of one connection in order,
//    so when our generate is accepted, its first event is the first `create_backup` `in_progress` that
//    follows an `idle` (the replayed state on subscribing counts). Events of an earlier run all come
//    before that idle. Our run ends at the next `create_backup` `completed` or `failed`. The generate's
//    answer may come before or after that end (Core's own tests see both: test_manager.py
//    test_initiate_backup, test_initiate_backup_with_task_error).
// 2. Which backup is ours, once completed:
//    - Core and Container installs: the job id *is* the backup id (CoreBackupReaderWriter:
//      `backup_job_id = backup_id`): `backup/details` of it.
//    - With a Supervisor the job id is the Supervisor job's. If the caller can ask the Supervisor
//      (`supervisorJobReference`), the job's `reference` is the slug = the backup id.
//    - Automatic runs: `last_completed_automatic_backup_id` (newer Cores) when it is a backup that was
//      not there before.
//    - Otherwise: among the backups not listed before the run, the one with the requested name (any name
//      when none was given); if several, the newest, but only if its date is newer than every other
//      candidate's. Anything else (none, or a tie) is reported as not found rather than picked.
import type { BackupRecord } from '../../backups/record';
import type { HomeAssistantCommands } from '../backupConfig';
import { backupDetails, backupInfo, generate, generateWithAutomaticSettings, type CallOptions, type GenerateOptions, type InstallType } from './client';
import { subscribeBackupEvents, type BackupManagerEvent, type HomeAssistantEventSource } from './events';

export type CreateRequest = { automatic: false; options: GenerateOptions } | { automatic: true };

export type FoundBy = 'job_id' | 'supervisor_job' | 'last_completed_automatic_backup_id' | 'new_backup';

export type CreateOutcome =
  | {
      outcome: 'completed';
      backupJobId: string;
      /** The finished backup; null when it could not be told apart (see `note`). */
      backup: BackupRecord | null;
      foundBy: FoundBy | null;
      note: string | null;
    }
  | { outcome: 'failed'; backupJobId: string; reason: string | null };

export interface FollowCreateOptions extends CallOptions {
  /** From detectBackupManager. */
  installType: InstallType;
  /** Every event of the run (stages, upload progress), for showing progress. */
  onEvent?: (event: BackupManagerEvent) => void;
  /** Called once Core accepted the create, with its job id (before the run ends). */
  onStarted?: (backupJobId: string) => void;
  /** With a Supervisor: the `reference` (slug) of a Supervisor job (`GET /jobs/{uuid}`), when the caller can ask. */
  supervisorJobReference?: (jobId: string) => Promise<string | null>;
}

/** Starts a backup (`backup/generate` or `backup/generate_with_automatic_settings`) and follows it to the finished backup. */
export async function createAndFollow(
  ha: HomeAssistantCommands,
  events: HomeAssistantEventSource,
  request: CreateRequest,
  options: FollowCreateOptions,
): Promise<CreateOutcome> {
  const call: CallOptions = { signal: options.signal, timeoutMs: options.timeoutMs };
  const before = options.installType === 'core_or_container' ? null : new Set((await backupInfo(ha, call)).backups.map((b) => b.id));

  let armed = false;
  let lastWasIdle = true;
  let started = false;
  let settle: (end: { state: string; reason: string | null }) => void = () => undefined;
  let fail: (e: Error) => void = () => undefined;
  const end = new Promise<{ state: string; reason: string | null }>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  // Awaited below; until then a lost connection must not count as an unhandled rejection.
  end.catch(() => undefined);
  let done = false;
  const onEvent = (e: BackupManagerEvent): void => {
    if (done) return;
    if (e.kind === 'manager') {
      const isStart = e.managerState === 'create_backup' && e.state === 'in_progress';
      if (armed && !started && isStart && lastWasIdle) started = true;
      lastWasIdle = e.managerState === 'idle';
    }
    if (!armed || !started) return;
    options.onEvent?.(e);
    if (e.kind === 'manager' && e.managerState === 'create_backup' && (e.state === 'completed' || e.state === 'failed')) {
      done = true;
      settle({ state: e.state, reason: e.reason });
    }
  };
  const unsubscribe = await subscribeBackupEvents(events, onEvent, {
    signal: options.signal,
    onEnd: (e) => fail(new Error(`Lost the connection to Home Assistant while following the backup; it may still finish (${e.message})`)),
  });
  try {
    armed = true;
    const abort = new Promise<never>((_, reject) => {
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason instanceof Error ? options.signal.reason : new Error('The request was cancelled')), {
        once: true,
      });
    });
    abort.catch(() => undefined);
    const { backupJobId } = await (request.automatic ? generateWithAutomaticSettings(ha, call) : generate(ha, request.options, call));
    options.onStarted?.(backupJobId);
    const result = await Promise.race([end, abort]);
    if (result.state === 'failed') return { outcome: 'failed', backupJobId, reason: result.reason };
    const name = request.automatic ? undefined : request.options.name;
    return { outcome: 'completed', backupJobId, ...(await findCreated(ha, { backupJobId, before, automatic: request.automatic, name }, options)) };
  } finally {
    await unsubscribe();
  }
}

/** Finds the backup a completed run made (rule 2 above). */
export async function findCreated(
  ha: HomeAssistantCommands,
  run: { backupJobId: string; before: Set<string> | null; automatic: boolean; name?: string },
  options: FollowCreateOptions,
): Promise<{ backup: BackupRecord | null; foundBy: FoundBy | null; note: string | null }> {
  const call: CallOptions = { signal: options.signal, timeoutMs: options.timeoutMs };
  if (options.installType === 'core_or_container') {
    const { backup } = await backupDetails(ha, run.backupJobId, call);
    return backup ? { backup, foundBy: 'job_id', note: null } : { backup: null, foundBy: null, note: `Home Assistant does not list backup ${run.backupJobId} (the job's id)` };
  }
  if (options.supervisorJobReference) {
    const slug = await options.supervisorJobReference(run.backupJobId);
    if (slug) {
      const { backup } = await backupDetails(ha, slug, call);
      if (backup) return { backup, foundBy: 'supervisor_job', note: null };
    }
  }
  const info = await backupInfo(ha, call);
  const before = run.before ?? new Set<string>();
  const id = info.automatic.lastCompletedId;
  if (run.automatic && id && !before.has(id)) {
    const backup = info.backups.find((b) => b.id === id);
    if (backup) return { backup, foundBy: 'last_completed_automatic_backup_id', note: null };
  }
  return pickNewBackup(info.backups, before, run.name);
}

/** Among `backups` not in `before`: the one named `name` (any when undefined); several: the strictly newest; else none. */
export function pickNewBackup(backups: BackupRecord[], before: Set<string>, name?: string): { backup: BackupRecord | null; foundBy: FoundBy | null; note: string | null } {
  const candidates = backups.filter((b) => !before.has(b.id) && (name === undefined || b.name === name));
  const what = name === undefined ? 'a new backup' : `a new backup named "${name}"`;
  if (candidates.length === 0) return { backup: null, foundBy: null, note: `Home Assistant lists no ${what.slice(2)}` };
  const sorted = [...candidates].sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
  const [newest, second] = sorted;
  if (newest && (!second || Date.parse(newest.date) > Date.parse(second.date))) return { backup: newest, foundBy: 'new_backup', note: null };
  return { backup: null, foundBy: null, note: `Home Assistant lists ${candidates.length} candidates for ${what} with the same date; not picking one` };
}
