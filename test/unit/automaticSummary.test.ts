// Home Assistant's automatic backups as the status bar, the view and the warnings show them
// (src/core/homeAssistant/coreInstall/automaticSummary.ts): next, last attempted and completed, a failure
// with its reason and the agents it missed, unreachable agents, and a failure seen while watching.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AutomaticFailureWatch, summarizeAutomatic, unreachableAgents, type AutomaticSchedule } from '../../src/core/homeAssistant/coreInstall/automaticSummary';
import type { BackupManagerStatus } from '../../src/core/homeAssistant/coreInstall';

const WEBDAV = 'webdav.01JKXV07ASC62D620DGYNG2R8H';
const NOW = new Date('2026-05-17T12:00:00Z');

function status(over: Partial<Omit<BackupManagerStatus, 'automatic'>> & { automatic?: Partial<BackupManagerStatus['automatic']> } = {}): BackupManagerStatus {
  return {
    agents: [
      { agentId: 'backup.local', name: 'local' },
      { agentId: WEBDAV, name: 'Nextcloud' },
      { agentId: 'cloud.cloud', name: 'Home Assistant Cloud' },
    ],
    agentErrors: {},
    lastAction: null,
    failedAgentsOfLastAutomatic: [],
    ...over,
    automatic: {
      lastAttempted: '2026-05-17T04:45:12+02:00',
      lastCompleted: '2026-05-17T04:47:30+02:00',
      lastCompletedId: 'a1b2c3d4',
      next: '2026-05-18T04:51:00+02:00',
      nextAdditional: false,
      ...over.automatic,
    },
  };
}

const failed = (reason: string | null) => ({ kind: 'manager' as const, managerState: 'create_backup', stage: null, state: 'failed', reason });

void describe('summarizeAutomatic', () => {
  void it('gives the next, last attempted and last completed automatic backup as dates', () => {
    const s = summarizeAutomatic(status(), NOW);
    assert.equal(s.enabled, true);
    assert.equal(s.next?.toISOString(), '2026-05-18T02:51:00.000Z');
    assert.equal(s.nextAdditional, false);
    assert.equal(s.nextDue, false);
    assert.equal(s.lastAttempted?.toISOString(), '2026-05-17T02:45:12.000Z');
    assert.equal(s.lastCompleted?.toISOString(), '2026-05-17T02:47:30.000Z');
    assert.equal(s.failure, null);
    assert.equal(s.schedule, null);
  });

  void it('is off without a next automatic backup, and due once its time has come', () => {
    assert.equal(summarizeAutomatic(status({ automatic: { next: null } }), NOW).enabled, false);
    const due = summarizeAutomatic(status({ automatic: { next: '2026-05-17T11:59:00Z', nextAdditional: true } }), NOW);
    assert.equal(due.nextDue, true);
    assert.equal(due.nextAdditional, true);
  });

  void it('follows the schedule when it was read: never, and custom days without a day, are off', () => {
    const daily: AutomaticSchedule = { recurrence: 'daily', days: [], time: '04:45:00' };
    assert.equal(summarizeAutomatic(status({ automatic: { next: null } }), NOW, daily).enabled, true);
    assert.deepEqual(summarizeAutomatic(status(), NOW, daily).schedule, daily);
    assert.equal(summarizeAutomatic(status(), NOW, { recurrence: 'never', days: [], time: null }).enabled, false);
    assert.equal(summarizeAutomatic(status(), NOW, { recurrence: 'custom_days', days: [], time: null }).enabled, false);
    assert.equal(summarizeAutomatic(status(), NOW, { recurrence: 'custom_days', days: ['mon'], time: null }).enabled, true);
  });

  void it('has never attempted one on a fresh install', () => {
    const s = summarizeAutomatic(status({ automatic: { lastAttempted: null, lastCompleted: null, lastCompletedId: null } }), NOW);
    assert.equal(s.lastAttempted, null);
    assert.equal(s.lastCompleted, null);
    assert.equal(s.failure, null);
  });

  void it('failed when attempted after the last completed one, with the reason and the agents it missed, by name', () => {
    const s = summarizeAutomatic(
      status({
        automatic: { lastAttempted: '2026-05-17T04:45:12+02:00', lastCompleted: '2026-05-16T04:47:30+02:00' },
        lastAction: failed('upload_failed'),
        failedAgentsOfLastAutomatic: [WEBDAV, 'cloud.cloud', 'onedrive.gone'],
      }),
      NOW,
    );
    assert.ok(s.failure);
    assert.equal(s.failure.attempted.toISOString(), '2026-05-17T02:45:12.000Z');
    assert.equal(s.failure.reason, 'upload_failed');
    assert.deepEqual(s.failure.failedAgents, [
      { agentId: WEBDAV, name: 'Nextcloud', local: false },
      { agentId: 'cloud.cloud', name: 'Home Assistant Cloud', local: false },
      { agentId: 'onedrive.gone', name: null, local: false },
    ]);
  });

  void it('failed when one was attempted but none ever completed', () => {
    const s = summarizeAutomatic(status({ automatic: { lastCompleted: null }, lastAction: failed('unknown_error') }), NOW);
    assert.equal(s.failure?.reason, 'unknown_error');
  });

  void it('a create that failed before the backup was made names no agents (the newest automatic backup is an older one)', () => {
    const s = summarizeAutomatic(
      status({ automatic: { lastCompleted: '2026-05-15T04:47:30+02:00' }, lastAction: failed('backup_reader_writer_error'), failedAgentsOfLastAutomatic: [WEBDAV] }),
      NOW,
    );
    assert.equal(s.failure?.reason, 'backup_reader_writer_error');
    assert.deepEqual(s.failure?.failedAgents, []);
  });

  void it('has no reason when the last action was not a failed create (a restore since, or a restart)', () => {
    const restored = { kind: 'manager' as const, managerState: 'restore_backup', stage: null, state: 'completed', reason: null };
    const s = summarizeAutomatic(
      status({ automatic: { lastCompleted: '2026-05-15T04:47:30+02:00' }, lastAction: restored, failedAgentsOfLastAutomatic: ['backup.local'] }),
      NOW,
    );
    assert.equal(s.failure?.reason, null);
    assert.deepEqual(s.failure?.failedAgents, [{ agentId: 'backup.local', name: 'local', local: true }]);
    assert.equal(summarizeAutomatic(status({ automatic: { lastCompleted: null } }), NOW).failure?.reason, null);
  });

  void it('has not failed while a backup is being created (Core stamps the attempt when it starts)', () => {
    const creating = { kind: 'manager' as const, managerState: 'create_backup', stage: 'upload_to_agents', state: 'in_progress', reason: null };
    const s = summarizeAutomatic(status({ automatic: { lastCompleted: '2026-05-16T04:47:30+02:00' }, lastAction: creating }), NOW);
    assert.equal(s.creating, true);
    assert.equal(s.failure, null);
    // The last action is still the previous run's end, but the manager already makes the new one.
    const done = { kind: 'manager' as const, managerState: 'create_backup', stage: null, state: 'completed', reason: null };
    const early = summarizeAutomatic(status({ automatic: { lastCompleted: '2026-05-16T04:47:30+02:00' }, lastAction: done, managerState: 'create_backup' }), NOW);
    assert.equal(early.failure, null);
  });

  void it('reads a date it cannot parse as none', () => {
    const s = summarizeAutomatic(status({ automatic: { next: 'soon', lastCompleted: 'garbage' } }), NOW);
    assert.equal(s.next, null);
    assert.equal(s.enabled, false);
    assert.equal(s.lastCompleted, null);
    assert.ok(s.failure, 'attempted, and no completion that can be read');
  });
});

void describe('unreachableAgents', () => {
  void it('names each agent Home Assistant could not list, with its reason, in the order of the agents', () => {
    const agents = unreachableAgents(status({ agentErrors: { 'cloud.cloud': 'Cloud is down', [WEBDAV]: 'Connection refused', 'unknown.x': 'gone' } }));
    assert.deepEqual(agents, [
      { agentId: WEBDAV, name: 'Nextcloud', local: false, reason: 'Connection refused' },
      { agentId: 'cloud.cloud', name: 'Home Assistant Cloud', local: false, reason: 'Cloud is down' },
      { agentId: 'unknown.x', name: null, local: false, reason: 'gone' },
    ]);
    assert.deepEqual(unreachableAgents(status()), []);
  });
});

void describe('AutomaticFailureWatch', () => {
  const at = (lastAttempted: string, lastCompleted = '2026-05-16T04:47:30+02:00') =>
    summarizeAutomatic(status({ automatic: { lastAttempted, lastCompleted }, lastAction: failed('upload_failed') }), NOW);

  void it('takes a failure that was there when watching began as old', () => {
    const watch = new AutomaticFailureWatch();
    assert.equal(watch.observe(undefined), null, 'nothing listed yet');
    assert.equal(watch.observe(at('2026-05-17T04:45:12+02:00')), null);
    assert.equal(watch.observe(at('2026-05-17T04:45:12+02:00')), null);
  });

  void it('reports a newer failed attempt once', () => {
    const watch = new AutomaticFailureWatch();
    watch.observe(at('2026-05-17T04:45:12+02:00'));
    const failure = watch.observe(at('2026-05-18T04:45:12+02:00'));
    assert.equal(failure?.attempted.toISOString(), '2026-05-18T02:45:12.000Z');
    assert.equal(watch.observe(at('2026-05-18T04:45:12+02:00')), null, 'the same failure again');
    assert.ok(watch.observe(at('2026-05-19T04:45:12+02:00')), 'the next day fails as well');
  });

  void it('reports a failure after a success seen at the start, not the success', () => {
    const watch = new AutomaticFailureWatch();
    const ok = summarizeAutomatic(status(), NOW);
    assert.equal(watch.observe(ok), null);
    assert.equal(watch.observe(ok), null);
    assert.ok(watch.observe(at('2026-05-18T04:45:12+02:00', '2026-05-17T04:47:30+02:00')));
  });

  void it('on a fresh install, reports the first failure', () => {
    const watch = new AutomaticFailureWatch();
    watch.observe(summarizeAutomatic(status({ automatic: { lastAttempted: null, lastCompleted: null } }), NOW));
    assert.ok(watch.observe(at('2026-05-18T04:45:12+02:00', '')));
  });

  void it('leaves an attempt of the extension’s own backup to the extension (it reports its own failures)', () => {
    const watch = new AutomaticFailureWatch();
    watch.observe(at('2026-05-17T04:45:12+02:00'));
    assert.equal(watch.observe(at('2026-05-17T10:00:00+02:00'), true), null, 'made from VS Code with the automatic settings');
    assert.equal(watch.observe(at('2026-05-17T10:00:00+02:00')), null, 'still its own afterwards');
    assert.equal(watch.observe(at('2026-05-17T10:00:00+02:00'), true), null, 'an own run without a new attempt');
    assert.ok(watch.observe(at('2026-05-18T04:45:12+02:00')), 'the next scheduled one is Home Assistant’s');
  });

  void it('takes an attempt still being made when watching began as old', () => {
    const creating = { kind: 'manager' as const, managerState: 'create_backup', stage: null, state: 'in_progress', reason: null };
    const watch = new AutomaticFailureWatch();
    watch.observe(
      summarizeAutomatic(status({ automatic: { lastAttempted: '2026-05-17T04:45:12+02:00', lastCompleted: '2026-05-16T04:47:30+02:00' }, lastAction: creating }), NOW),
    );
    assert.equal(watch.observe(at('2026-05-17T04:45:12+02:00')), null);
  });
});
