// What Home Assistant's backup manager says with each list beyond the backups — its agents and their
// names, the agents it could not reach, the automatic backups — and what both clients that ask it
// (CoreInstallClient, SupervisorWithAgentsClient) derive from that: agent names, agents as backup
// locations, the copies a delete may have left.
import type { BackupRecord } from '../../backups/record';
import { SupervisorError, type CallOptions, type Mount } from '../../supervisor';
import type { HomeAssistantCommands } from '../backupConfig';
import { backupConfig, type AgentInfo, type AutomaticBackupState, type BackupInfo, type BackupManagerConfig, type ManagerStateEvent } from '../backupManager';

/** What the backup manager said with the last list: shown by the view and the status bar. */
export interface BackupManagerStatus {
  agents: AgentInfo[];
  /** agent id → why it could not be listed (its copies are missing from the list). */
  agentErrors: Record<string, string>;
  automatic: AutomaticBackupState;
  /** The manager's last action (a create or restore), with its end and reason. */
  lastAction: ManagerStateEvent | null;
  /** The newest backup made with the automatic settings whose upload to some agents failed. */
  failedAgentsOfLastAutomatic: string[];
  /** The manager's state when listed (`idle`, `create_backup`, …; 2025.3+), null before. */
  managerState?: string | null;
  /** The automatic backups' schedule (`backup/config/info`); null when it could not be read. */
  schedule?: BackupManagerConfig['schedule'] | null;
}

/** What one list of Home Assistant's backup manager says beyond the backups (both clients keep it). */
export function managerStatusOf(info: BackupInfo, agents: AgentInfo[], schedule: BackupManagerConfig['schedule'] | null): BackupManagerStatus {
  const lastAutomatic = info.backups.find((b) => b.origin === 'automatic');
  return {
    agents,
    agentErrors: info.agentErrors,
    automatic: info.automatic,
    lastAction: info.lastActionEvent,
    failedAgentsOfLastAutomatic: lastAutomatic?.failures.agents ?? [],
    managerState: info.state,
    schedule,
  };
}

/** Only the schedule of the automatic-backup settings is kept (they also hold the backup key). */
export async function scheduleOf(ha: HomeAssistantCommands, opts: CallOptions): Promise<BackupManagerConfig['schedule'] | null> {
  try {
    return (await backupConfig(ha, opts)).schedule;
  } catch {
    return null;
  }
}

/** The agent's name from the last list (`backup/agents/info`), else its id. */
export function agentNameIn(status: BackupManagerStatus | undefined, agentId: string): string {
  return status?.agents.find((a) => a.agentId === agentId)?.name ?? agentId;
}

/** The agents `include` picks, as backup locations; one Home Assistant could not list is not `active`. */
export function agentMounts(status: Pick<BackupManagerStatus, 'agents' | 'agentErrors'>, include: (agentId: string) => boolean): Mount[] {
  return status.agents
    .filter((a) => include(a.agentId))
    .map((a) => ({ name: a.agentId, type: 'agent', usage: 'backup', state: status.agentErrors[a.agentId] ? 'failed' : 'active', server: a.name }));
}

/**
 * After `backup/delete` (which asks every agent, also those without a copy): the error naming the copies
 * that may remain — on an agent that held one, or on one that could not say (`unknown`) — or null when
 * every copy is gone.
 */
export function remainingCopies(
  slug: string,
  agentErrors: Record<string, string>,
  held: BackupRecord['copies'] | undefined,
  unknown: Record<string, string>,
  name: (agentId: string) => string,
): SupervisorError | null {
  const failed = Object.entries(agentErrors).filter(([agent]) => (held !== undefined && agent in held) || agent in unknown);
  if (failed.length === 0) return null;
  const failures = failed.map(([agent, why]) => `${name(agent)}${agent in unknown ? ' (unreachable: may hold a copy)' : ''}: ${why}`);
  return new SupervisorError(`Home Assistant could not delete every copy of backup ${slug}; these may remain: ${failures.join('; ')}`, {
    kind: 'api',
    method: 'WS',
    path: 'backup/delete',
  });
}
