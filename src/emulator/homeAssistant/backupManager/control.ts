// Test controls of the emulated backup manager, under /_emulator/core/backup/… (no token needed):
// agents made unreachable or slow, backups added behind Core's back, the true state, request counts.
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { z } from 'zod';
import { ApiError, readJson } from '../../http';
import { CoreAgentSchema, CoreBackupSchema } from '../homeAssistantScenario';
import type { BackupManager } from './manager';

function parse<T>(schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data);
  if (!result.success) throw new ApiError(result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return result.data;
}

const AgentBody = CoreAgentSchema.omit({ agent_id: true }).partial();

/** POST /_emulator/core/backup/agents/{agent_id}: adds the agent, or changes its name, reachability or delay. */
export async function postAgent(manager: BackupManager, agentId: string, req: IncomingMessage): Promise<unknown> {
  parse(CoreAgentSchema.shape.agent_id, agentId);
  const body = parse(AgentBody, await readJson(req));
  if (!manager.agents.has(agentId) && body.name === undefined) throw new ApiError(`a new agent needs a name`);
  const agent = manager.setAgent({ agent_id: agentId, ...body });
  return { agent_id: agent.agentId, name: agent.name, unreachable: agent.unreachable, delayMs: agent.delayMs };
}

/** POST /_emulator/core/backup/backups: writes a backup onto its agents (as if made earlier, or by another instance). */
export async function postBackup(manager: BackupManager, req: IncomingMessage): Promise<unknown> {
  const body = parse(CoreBackupSchema, await readJson(req));
  try {
    return { backup_id: await manager.addBackup(body) };
  } catch (e) {
    throw new ApiError((e as Error).message);
  }
}

/** GET /_emulator/core/backup/state: what the agents really hold, the manager's state and the request counts. */
export async function getState(manager: BackupManager, dataDir: string): Promise<unknown> {
  const backups: Record<string, { name: string; date: string; failed_agent_ids: string[]; agents: Record<string, { protected: boolean; size: number; file: string }> }> = {};
  for (const agent of manager.agents.values()) {
    for (const copy of await agent.listNow()) {
      const entry = (backups[copy.json.slug] ??= { name: copy.json.name, date: copy.json.date, failed_agent_ids: manager.knownBackups.get(copy.json.slug) ?? [], agents: {} });
      entry.agents[agent.agentId] = { protected: copy.json.protected, size: copy.size, file: path.relative(dataDir, copy.file).split(path.sep).join('/') };
    }
  }
  return {
    state: manager.events.state,
    lastEvent: manager.events.lastEvent,
    lastActionEvent: manager.events.lastActionEvent,
    agents: [...manager.agents.values()].map((a) => ({ agent_id: a.agentId, name: a.name, unreachable: a.unreachable, delayMs: a.delayMs })),
    backups,
    requests: Object.fromEntries(manager.requestCounts),
    stepDelayMs: manager.stepDelayMs,
    restartDelayMs: manager.restartDelayMs,
  };
}
