// Subscriptions on HomeAssistantWebSocket, the backup manager's typed events, and following a create to
// the finished backup (follow.ts), against a scripted Core (homeAssistantBackupFakeCore.ts) that plays
// the event sequences of Core's own tests (test/fixtures/home-assistant-responses/events@*.json).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HomeAssistantWebSocket } from '../../src/core/homeAssistant/homeAssistantWebSocket';
import { HomeAssistantTransport } from '../../src/core/homeAssistant';
import { instanceAgent } from '../../src/core/supervisor/transport';
import {
  createAndFollow,
  isBackupManagerError,
  parseManagerEvent,
  pickNewBackup,
  subscribeBackupEvents,
  type BackupManagerEvent,
  type HomeAssistantEventSource,
} from '../../src/core/homeAssistant/backupManager';
import type { BackupRecord } from '../../src/core/backups';
import { FAKE_TOKEN, FakeCore, type Exchange } from './homeAssistantBackupFakeCore';

const FIXTURES = path.join(__dirname, '../fixtures/home-assistant-responses');
const body = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));
const events = (file: string): Record<string, unknown>[] => body(file) as Record<string, unknown>[];
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 20));
/** Waits (up to 2 s) until `cond` holds. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await tick();
}

describe('backup manager events', () => {
  let core: FakeCore;
  let socket: HomeAssistantWebSocket;
  let ha: HomeAssistantTransport;
  const agent = instanceAgent(undefined);

  before(async () => {
    core = await FakeCore.start();
    socket = new HomeAssistantWebSocket({
      url: `${core.url.replace(/^http/, 'ws')}/api/websocket`,
      token: FAKE_TOKEN,
      dispatcher: agent,
      target: core.url,
      explainOpenFailure: () => Promise.resolve(new Error('no')),
    });
    ha = new HomeAssistantTransport({ baseUrl: core.url, token: FAKE_TOKEN });
  });
  after(async () => {
    socket.close();
    await ha.close();
    await agent.close();
    await core.close();
  });
  beforeEach(() => {
    core.handlers.clear();
    core.received.length = 0;
  });

  /** `backup/subscribe_events` as Core answers it: the replayed last event first, then the result. */
  let subscription: Exchange | undefined;
  const subscribeReplaying = (replay: unknown): void => {
    core.handlers.set('backup/subscribe_events', (x) => {
      subscription = x;
      x.event(replay);
      x.result(null);
    });
  };
  const emit = (e: unknown): void => subscription!.event(e, subscription!.message.id);

  describe('subscriptions', () => {
    it('delivers the event Core sends before its result, then later ones, until unsubscribed', async () => {
      subscribeReplaying({ manager_state: 'idle' });
      const got: BackupManagerEvent[] = [];
      const unsubscribe = await subscribeBackupEvents(socket, (e) => got.push(e));
      assert.deepEqual(got, [{ kind: 'manager', managerState: 'idle', stage: null, state: null, reason: null }]);
      emit({ manager_state: 'create_backup', reason: null, stage: 'home_assistant', state: 'in_progress' });
      emit({ manager_state: 'create_backup', agent_id: 'hassio.nas', uploaded_bytes: 1024, total_bytes: 4096 });
      await until(() => got.length >= 3);
      assert.deepEqual(got.slice(1), [
        { kind: 'manager', managerState: 'create_backup', stage: 'home_assistant', state: 'in_progress', reason: null },
        { kind: 'upload_progress', managerState: 'create_backup', agentId: 'hassio.nas', uploadedBytes: 1024, totalBytes: 4096 },
      ]);
      await unsubscribe();
      const [sent] = core.sent('unsubscribe_events');
      assert.equal(sent?.subscription, subscription!.message.id);
      emit({ manager_state: 'idle' });
      await tick();
      assert.equal(got.length, 3);
    });

    it('a refused subscription throws a BackupManagerError (2025.1 before the manager was set up: unknown_command)', async () => {
      const err = await subscribeBackupEvents(socket, () => undefined).catch((e: unknown) => e);
      assert.ok(isBackupManagerError(err, 'not_supported'));
      core.refuse('backup/subscribe_events', 'unauthorized', 'Unauthorized');
      assert.ok(isBackupManagerError(await subscribeBackupEvents(socket, () => undefined).catch((e: unknown) => e), 'needs_admin'));
    });

    it('tells the subscriber when the connection drops', async () => {
      subscribeReplaying({ manager_state: 'idle' });
      let ended: Error | undefined;
      await subscribeBackupEvents(socket, () => undefined, { onEnd: (e) => (ended = e) });
      subscription!.drop();
      await until(() => ended !== undefined);
      assert.match(String(ended?.message), /closed/);
    });

    it('parses every event of the real sequences; anything else is skipped', () => {
      for (const file of ['events@2025.4-manager-create-completed.json', 'events@2025.4-manager-create-upload-failed.json', 'events@2025.4-hassio-create-completed.json']) {
        for (const e of events(file)) assert.equal(parseManagerEvent(e)?.kind, 'manager', file);
      }
      assert.equal(parseManagerEvent({ something: 'else' }), null);
      // Open strings: a stage this code does not know.
      assert.equal(
        (parseManagerEvent({ manager_state: 'restore_backup', stage: 'remove_delta_apps', state: 'core_restart', reason: null }) as { stage: string }).stage,
        'remove_delta_apps',
      );
    });
  });

  describe('following a create', () => {
    /** Plays a recorded sequence: `[replay, start, ...rest]`; the generate result goes after `resultAfter` events of the rest. */
    const scriptCreate = (sequence: Record<string, unknown>[], jobId: string, resultAfter = 0, type = 'backup/generate'): void => {
      const [replay, start, ...rest] = sequence;
      subscribeReplaying(replay);
      core.handlers.set(type, (x) => {
        emit(start);
        rest.slice(0, resultAfter).forEach(emit);
        x.result({ backup_job_id: jobId });
        rest.slice(resultAfter).forEach(emit);
      });
    };

    it('Core install: completed, the job id is the backup id (events of test_initiate_backup)', async () => {
      scriptCreate(events('events@2025.4-manager-create-completed.json'), 'abc123');
      core.handlers.set('backup/details', (x) => x.result({ agent_errors: {}, backup: { ...detailsBackup(), backup_id: x.message.backup_id } }));
      const seen: BackupManagerEvent[] = [];
      const outcome = await createAndFollow(
        ha,
        socket,
        { automatic: false, options: { agentIds: ['backup.local'] } },
        { installType: 'core_or_container', onEvent: (e) => seen.push(e) },
      );
      assert.equal(outcome.outcome, 'completed');
      assert.ok(outcome.outcome === 'completed');
      assert.equal(outcome.backup?.id, 'abc123');
      assert.equal(outcome.foundBy, 'job_id');
      assert.deepEqual(
        seen.map((e) => (e.kind === 'manager' ? `${e.stage ?? '-'}/${e.state ?? '-'}` : e.kind)),
        ['-/in_progress', 'home_assistant/in_progress', 'upload_to_agents/in_progress', '-/completed'],
      );
      assert.equal(core.sent('unsubscribe_events').length, 1);
    });

    it('failed, with the result arriving after the end (events of test_initiate_backup_with_task_error)', async () => {
      const seq = events('events@2025.4-manager-create-upload-failed.json');
      scriptCreate(seq, 'abc123', seq.length - 2);
      const outcome = await createAndFollow(ha, socket, { automatic: false, options: { agentIds: ['backup.local', 'test.remote'] } }, { installType: 'core_or_container' });
      assert.deepEqual(outcome, { outcome: 'failed', backupJobId: 'abc123', reason: 'upload_failed' });
    });

    it("Supervisor install: the job id is the Supervisor's; the new backup with the requested name is ours", async () => {
      scriptCreate(events('events@2025.4-hassio-create-completed.json'), 'd17bd02be1f0437fa7264b16d38f700e');
      const listed = [managerBackup('old00001', 'Test', '2025-01-29T10:00:00+00:00')];
      core.handlers.set('backup/info', (x) => x.result({ agent_errors: {}, backups: listed }));
      core.handlers.set(
        'backup/generate',
        ((inner) => (x: Exchange) => {
          listed.push(managerBackup('1ef41507', 'Test', '2025-01-30T05:42:12.345678-08:00'), managerBackup('2ef41507', 'Other', '2025-01-30T06:00:00-08:00'));
          void inner?.(x);
        })(core.handlers.get('backup/generate')),
      );
      const outcome = await createAndFollow(ha, socket, { automatic: false, options: { agentIds: ['hassio.local'], name: 'Test' } }, { installType: 'os_or_supervised' });
      assert.ok(outcome.outcome === 'completed');
      assert.equal(outcome.backupJobId, 'd17bd02be1f0437fa7264b16d38f700e');
      assert.equal(outcome.backup?.id, '1ef41507');
      assert.equal(outcome.foundBy, 'new_backup');
    });

    it("Supervisor install: the Supervisor job's reference when the caller can ask", async () => {
      scriptCreate(events('events@2025.4-hassio-create-completed.json'), 'd17bd02be1f0437fa7264b16d38f700e');
      core.handlers.set('backup/info', (x) => x.result({ agent_errors: {}, backups: [] }));
      core.handlers.set('backup/details', (x) =>
        x.result({ agent_errors: {}, backup: x.message.backup_id === '1ef41507' ? managerBackup('1ef41507', 'Test', '2025-01-30T05:42:12Z') : null }),
      );
      const outcome = await createAndFollow(
        ha,
        socket,
        { automatic: false, options: { agentIds: ['hassio.local'] } },
        { installType: 'os_or_supervised', supervisorJobReference: (id) => Promise.resolve(id === 'd17bd02be1f0437fa7264b16d38f700e' ? '1ef41507' : null) },
      );
      assert.ok(outcome.outcome === 'completed');
      assert.equal(outcome.backup?.id, '1ef41507');
      assert.equal(outcome.foundBy, 'supervisor_job');
    });

    it('automatic run: last_completed_automatic_backup_id', async () => {
      scriptCreate(events('events@2025.4-hassio-create-completed.json'), 'd17bd02be1f0437fa7264b16d38f700e', 0, 'backup/generate_with_automatic_settings');
      let after = false;
      core.handlers.set('backup/info', (x) =>
        x.result(
          after
            ? {
                agent_errors: {},
                backups: [
                  managerBackup('aaaa0001', 'Automatic backup 2026.11.2', '2026-12-01T04:50:00Z'),
                  managerBackup('aaaa0002', 'Automatic backup 2026.11.2', '2026-12-01T04:50:00Z'),
                ],
                last_completed_automatic_backup_id: 'aaaa0002',
              }
            : { agent_errors: {}, backups: [] },
        ),
      );
      const start = core.handlers.get('backup/generate_with_automatic_settings')!;
      core.handlers.set('backup/generate_with_automatic_settings', (x) => {
        after = true;
        return start(x);
      });
      const outcome = await createAndFollow(ha, socket, { automatic: true }, { installType: 'os_or_supervised' });
      assert.ok(outcome.outcome === 'completed');
      assert.equal(outcome.backup?.id, 'aaaa0002');
      assert.equal(outcome.foundBy, 'last_completed_automatic_backup_id');
    });

    it("does not take an earlier run's end for ours", async () => {
      // Subscribed while another create was uploading: its completion and idle come first, then ours fails.
      const previous = { manager_state: 'create_backup', reason: null, stage: 'upload_to_agents', state: 'in_progress' };
      const [, ...ours] = events('events@2025.4-manager-create-upload-failed.json');
      scriptCreate([previous, { manager_state: 'create_backup', reason: null, stage: null, state: 'completed' }, { manager_state: 'idle' }, ...ours], 'abc123');
      const outcome = await createAndFollow(ha, socket, { automatic: false, options: { agentIds: ['backup.local'] } }, { installType: 'core_or_container' });
      assert.equal(outcome.outcome, 'failed');
    });

    it('a refused generate is thrown, and the subscription ended', async () => {
      subscribeReplaying({ manager_state: 'create_backup', reason: null, stage: null, state: 'in_progress' });
      const { code, message } = body('error@2025.4-generate-busy.json') as { code: string; message: string };
      core.refuse('backup/generate', code, message);
      const err = await createAndFollow(ha, socket, { automatic: false, options: { agentIds: ['backup.local'] } }, { installType: 'core_or_container' }).catch(
        (e: unknown) => e,
      );
      assert.ok(isBackupManagerError(err, 'busy'));
      assert.equal(core.sent('unsubscribe_events').length, 1);
    });

    it('a lost connection ends the wait with a sentence', async () => {
      subscribeReplaying({ manager_state: 'idle' });
      core.handlers.set('backup/generate', (x) => {
        emit({ manager_state: 'create_backup', reason: null, stage: null, state: 'in_progress' });
        x.result({ backup_job_id: 'abc123' });
        setTimeout(() => subscription!.drop(), 20);
      });
      // The events come on their own websocket here, so the transport's commands still work.
      const source: HomeAssistantEventSource = socket;
      await assert.rejects(
        createAndFollow(ha, source, { automatic: false, options: { agentIds: ['backup.local'] } }, { installType: 'core_or_container' }),
        /Lost the connection to Home Assistant while following the backup/,
      );
    });
  });

  describe('picking the new backup', () => {
    const rec = (id: string, name: string, date: string): BackupRecord => ({
      id,
      name,
      date,
      copies: {},
      content: { homeassistant: true, homeassistantVersion: null, database: true, addons: [], folders: [] },
      extra: {},
      origin: 'manual',
      failures: { agents: [], addons: [], folders: [] },
    });
    it('the only new one, by name; the strictly newest of several; none on a tie or when nothing is new', () => {
      const before = new Set(['a']);
      const list = [rec('a', 'X', '2025-01-01T00:00:00Z'), rec('b', 'X', '2025-01-02T00:00:00Z'), rec('c', 'Y', '2025-01-03T00:00:00Z')];
      assert.equal(pickNewBackup(list, before, 'X').backup?.id, 'b');
      assert.equal(pickNewBackup(list, before).backup?.id, 'c');
      const tie = pickNewBackup([...list, rec('d', 'Y', '2025-01-03T00:00:00Z')], before, 'Y');
      assert.equal(tie.backup, null);
      assert.match(tie.note ?? '', /2 candidates/);
      assert.match(pickNewBackup(list, new Set(['a', 'b', 'c'])).note ?? '', /lists no new backup/);
    });
  });
});

/** A backup in Core's newest shape (the webdav fixture's entry with other ids, names and dates). */
function managerBackup(id: string, name: string, date: string): Record<string, unknown> {
  const [base] = JSON.parse(readFileSync(path.join(FIXTURES, 'backup_info.backups@2026-webdav.json'), 'utf8')) as Record<string, unknown>[];
  return { ...base, backup_id: id, name, date };
}

function detailsBackup(): Record<string, unknown> {
  return managerBackup('abc123', 'Custom backup 2025.1.0', '2025-01-30T13:42:12.345678+00:00');
}
