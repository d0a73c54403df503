// Home Assistant's own retention of its automatic backups (home-assistant/core homeassistant/components/backup/
// config.py: delete_backups_exceeding_configured_count, RetentionConfig._schedule_next's `_delete_filter`,
// _automatic_backups_filter; manager.py BackupManager.async_delete_filtered_backups). Only this instance's
// backups made with the automatic settings count; a retention of an agent (config store 1.6+) replaces the
// global one on that agent; the newest counted backup on an agent is never deleted from it.
import type { HomeAssistantBackupConfig } from '../homeAssistantScenario';
import type { BackupManager, MergedBackup } from './manager';

type Backups = Map<string, MergedBackup>;
type Retention = { copies: number | null; days: number | null } | null;

/**
 * ManagerBackup.date: the date in backup.json, or on a Supervisor install the date Core asked the Supervisor
 * for (`supervisor.backup_request_date`), as the websocket shows it.
 */
export function managerDate(b: MergedBackup): string {
  const requestDate = b.json.extra['supervisor.backup_request_date'];
  return typeof requestDate === 'string' ? requestDate : b.json.date;
}

/** Python's sorted(…, key=date) on the date strings (stable; ISO strings compare as Python compares them). */
function byDate(backups: Iterable<[string, MergedBackup]>): [string, MergedBackup][] {
  return [...backups].sort(([, a], [, b]) => {
    const [x, y] = [managerDate(a), managerDate(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** dt_util.parse_datetime(…, raise_on_error=True) as an instant. */
function parseDate(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`Invalid datetime: ${text}`);
  return ms;
}

/** The backup with only the copies on `agentIds` (dataclasses.replace(backup, agents=…)). */
function onAgents(b: MergedBackup, agentIds: Set<string>): MergedBackup {
  return { ...b, agents: new Map([...b.agents].filter(([id]) => agentIds.has(id))) };
}

function agentsRetention(config: HomeAssistantBackupConfig): Map<string, Retention> {
  return new Map(Object.entries(config.agents).map(([id, a]) => [id, a.retention ?? null]));
}

/** _automatic_backups_filter: the backups this instance made with the automatic settings. */
export function automaticBackups(manager: BackupManager, backups: Backups): Backups {
  return new Map([...backups].filter(([, b]) => manager.withAutomaticSettings(b.json) === true));
}

/** delete_backups_exceeding_configured_count's `_delete_filter`: the oldest beyond `copies`, globally or per agent. */
export function exceedingCopies(config: HomeAssistantBackupConfig, backups: Backups): Backups {
  const retentions = agentsRetention(config);
  const hasAgentsRetention = [...retentions.values()].some((r) => r !== null);
  const hasAgentsRetentionCopies = [...retentions.values()].some((r) => r !== null && r.copies !== null);
  const globalCopies = config.retention.copies;
  if (globalCopies === null && !hasAgentsRetentionCopies) return new Map();
  if (globalCopies !== null && !hasAgentsRetention) return new Map(byDate(backups).slice(0, Math.max(backups.size - globalCopies, 0)));

  const byAgent = new Map<string, Backups>();
  for (const [id, b] of backups) {
    for (const agentId of b.agents.keys()) {
      if (!byAgent.has(agentId)) byAgent.set(agentId, new Map());
      byAgent.get(agentId)?.set(id, b);
    }
  }
  const agentIdsToDelete = new Map<string, Set<string>>();
  for (const [agentId, agentBackups] of byAgent) {
    const retention = retentions.get(agentId) ?? null;
    // No retention of its own: the global one; its own with copies null: kept forever on that agent.
    const copies = retention === null ? globalCopies : retention.copies;
    if (copies === null) continue;
    for (const [id] of byDate(agentBackups).slice(0, Math.max(agentBackups.size - copies, 0))) {
      if (!agentIdsToDelete.has(id)) agentIdsToDelete.set(id, new Set());
      agentIdsToDelete.get(id)?.add(agentId);
    }
  }
  return new Map([...agentIdsToDelete].map(([id, agentIds]) => [id, onAgents(backups.get(id) as MergedBackup, agentIds)]));
}

/** RetentionConfig._schedule_next's `_delete_filter`: the copies older than `days`, globally or per agent. */
export function olderThanDays(config: HomeAssistantBackupConfig, backups: Backups, nowMs: number): Backups {
  const retentions = agentsRetention(config);
  const hasAgentsRetention = [...retentions.values()].some((r) => r !== null);
  const hasAgentsRetentionDays = [...retentions.values()].some((r) => r !== null && r.days !== null);
  const globalDays = config.retention.days;
  if (globalDays === null && !hasAgentsRetentionDays) return new Map();
  const expired = (b: MergedBackup, days: number): boolean => parseDate(managerDate(b)) + days * 86_400_000 < nowMs;
  if (globalDays !== null && !hasAgentsRetention) return new Map([...backups].filter(([, b]) => expired(b, globalDays)));

  const toDelete: Backups = new Map();
  for (const [id, b] of backups) {
    const fromAgents = new Set<string>();
    for (const agentId of b.agents.keys()) {
      const retention = retentions.get(agentId) ?? null;
      const days = retention === null ? globalDays : retention.days;
      if (days !== null && expired(b, days)) fromAgents.add(agentId);
    }
    // Core keeps the backup in the result even with no agent left to delete it from.
    toDelete.set(id, onAgents(b, fromAgents));
  }
  return toDelete;
}

/**
 * BackupManager.async_delete_filtered_backups: the backups `include` keeps are counted per agent; of those
 * `deleteFilter` returns, oldest first, each agent deletes its copies — all but its newest counted one when
 * the filter would take them all. Errors (listing, deleting) are only logged by Core; here they are ignored.
 */
export async function deleteFilteredBackups(manager: BackupManager, include: (b: Backups) => Backups, deleteFilter: (b: Backups) => Backups): Promise<string[]> {
  const { backups: all } = await manager.getBackups();
  const backups = include(all);
  const countByAgent = new Map<string, number>();
  for (const b of backups.values()) for (const agentId of b.agents.keys()) countByAgent.set(agentId, (countByAgent.get(agentId) ?? 0) + 1);
  const toDelete = deleteFilter(backups);
  if (toDelete.size === 0) return [];

  const toDeleteByAgent = new Map<string, string[]>();
  for (const [id, b] of byDate(toDelete)) {
    for (const agentId of b.agents.keys()) {
      if (!toDeleteByAgent.has(agentId)) toDeleteByAgent.set(agentId, []);
      toDeleteByAgent.get(agentId)?.push(id);
    }
  }
  // Never delete the last backup (popitem: the newest of those to delete).
  for (const [agentId, ids] of toDeleteByAgent) if (ids.length >= (countByAgent.get(agentId) ?? 0)) ids.pop();

  const agentIdsToDelete = new Map<string, string[]>();
  for (const [agentId, ids] of toDeleteByAgent) {
    for (const id of ids) {
      if (!agentIdsToDelete.has(id)) agentIdsToDelete.set(id, []);
      agentIdsToDelete.get(id)?.push(agentId);
    }
  }
  await Promise.all([...agentIdsToDelete].map(([id, agentIds]) => manager.deleteBackup(id, agentIds)));
  return [...agentIdsToDelete.keys()];
}

/** delete_backups_exceeding_configured_count: run at the end of every backup Core makes. */
export function deleteBackupsExceedingConfiguredCount(manager: BackupManager): Promise<string[]> {
  return deleteFilteredBackups(
    manager,
    (b) => automaticBackups(manager, b),
    (b) => exceedingCopies(manager.config, b),
  );
}

/** The daily run of RetentionConfig._schedule_next: automatic backups older than the retention's days. */
export function deleteBackupsOlderThanConfiguredDays(manager: BackupManager, nowMs: () => number): Promise<string[]> {
  return deleteFilteredBackups(
    manager,
    (b) => automaticBackups(manager, b),
    (b) => olderThanDays(manager.config, b, nowMs()),
  );
}
