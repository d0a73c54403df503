// The websocket commands of Core's backup integration (home-assistant/core homeassistant/components/backup/
// websocket.py and basic_websocket.py) over the emulated backup manager. Every command needs an admin.
import { atLeast } from '../../version';
import { ManagerError } from './errors';
import type { ManagerEvent } from './events';
import type { BackupManager, GenerateParams, RestoreParams } from './manager';
import { backupInfo, managerBackup } from './shapes';
import { validate } from './validate';

type Message = Record<string, unknown>;

/** The first release with the backup manager and its agents; before it these commands do not exist. */
export const BACKUP_MANAGER_RELEASE = '2025.1.0';

export interface CommandContext {
  admin: boolean;
  haVersion: string;
  /** Sends an event message with the command's id. */
  sendEvent(event: unknown): void;
  /** Registers the command's subscription (ended by unsubscribe_events or when the connection closes). */
  subscribe(unsubscribe: () => void): void;
}

export type CommandHandler = (msg: Message, ctx: CommandContext) => Promise<unknown>;

const handlers: Record<string, (m: BackupManager, msg: Message, ctx: CommandContext) => Promise<unknown>> = {
  'backup/agents/info': (m, _msg, ctx) =>
    Promise.resolve({
      agents: [...m.agents.values()].map((a) => (atLeast(ctx.haVersion, '2025.2.0') ? { agent_id: a.agentId, name: a.name } : { agent_id: a.agentId })),
    }),

  'backup/info': async (m, _msg, ctx) => {
    const { backups, agentErrors } = await m.getBackups();
    return backupInfo(m, [...backups.values()], agentErrors, ctx.haVersion);
  },

  'backup/details': async (m, msg, ctx) => {
    const { backup_id } = validate(msg, { backup_id: { type: 'str', required: true } }) as { backup_id: string };
    const { backup, agentErrors } = await m.getBackup(backup_id);
    return { agent_errors: agentErrors, backup: backup ? managerBackup(m, backup, ctx.haVersion) : null };
  },

  'backup/delete': async (m, msg) => {
    const { backup_id } = validate(msg, { backup_id: { type: 'str', required: true } }) as { backup_id: string };
    return { agent_errors: await m.deleteBackup(backup_id) };
  },

  'backup/generate': (m, msg) => {
    const p = validate(msg, {
      agent_ids: { type: 'str_list', required: true },
      include_addons: { type: 'str_list' },
      include_all_addons: { type: 'bool', default: false },
      include_database: { type: 'bool', default: true },
      include_folders: { type: 'folder_list' },
      include_homeassistant: { type: 'bool', default: true },
      name: { type: 'str_or_none' },
      password: { type: 'str_or_none' },
    }) as unknown as GenerateParams;
    return Promise.resolve(m.initiateBackup(p, false));
  },

  'backup/generate_with_automatic_settings': (m, msg) => {
    validate(msg, {});
    return Promise.resolve(m.initiateBackup(m.automaticBackupParams(), true));
  },

  'backup/restore': async (m, msg) => {
    const p = validate(msg, {
      backup_id: { type: 'str', required: true },
      agent_id: { type: 'str', required: true },
      password: { type: 'str' },
      restore_addons: { type: 'str_list' },
      restore_database: { type: 'bool', default: true },
      restore_folders: { type: 'folder_list' },
      restore_homeassistant: { type: 'bool', default: true },
    }) as unknown as RestoreParams;
    await m.restore(p);
    return null;
  },

  'backup/can_decrypt_on_download': async (m, msg) => {
    const p = validate(msg, { backup_id: { type: 'str', required: true }, agent_id: { type: 'str', required: true }, password: { type: 'str', required: true } }) as {
      backup_id: string;
      agent_id: string;
      password: string;
    };
    await m.canDecrypt(p.backup_id, p.agent_id, p.password);
    return null;
  },

  // basic_websocket.py handle_subscribe_events: the last event first, then the result, then every event.
  'backup/subscribe_events': (m, msg, ctx) => {
    validate(msg, {});
    ctx.sendEvent(m.events.lastEvent);
    ctx.subscribe(m.events.subscribe((event: ManagerEvent) => ctx.sendEvent(event)));
    return Promise.resolve(null);
  },
};

/** The handler of a backup command, or undefined when this Home Assistant does not know it. */
export function backupCommand(type: string, manager: BackupManager, haVersion: string): CommandHandler | undefined {
  const handler = handlers[type];
  if (!handler || !atLeast(haVersion, BACKUP_MANAGER_RELEASE)) return undefined;
  return (msg, ctx) => {
    if (!ctx.admin) return Promise.reject(new ManagerError('Unauthorized', { wsCode: 'unauthorized' }));
    manager.count(type);
    try {
      return handler(manager, msg, ctx);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
}
