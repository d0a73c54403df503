// Home Assistant Core's backup manager over its websocket commands (home-assistant/core
// homeassistant/components/backup/websocket.py @187c7cc1; all @require_admin, registered on every
// install type since 2025.1). Every answer is parsed (schemas.ts) and a backup becomes a BackupRecord;
// every refusal becomes a BackupManagerError (errors.ts). The backup key and passwords never appear in
// an error message.
import * as z from 'zod';
import type { BackupRecord } from '../../backups/record';
import type { HomeAssistantCommands } from '../backupConfig';
import { backupManagerError, invalidAnswer } from './errors';
import {
  agentsInfoSchema,
  backupDetailsSchema,
  backupInfoSchema,
  configInfoSchema,
  deleteResultSchema,
  generateResultSchema,
  getConfigSchema,
  managerEventSchema,
  toBackupRecord,
} from './schemas';
import { toManagerEvent, type ManagerStateEvent } from './events';
import type { BackupConfigUpdate } from '../automaticSettings';

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Home Assistant's address for messages: the `target` of the transport when it has one. */
function targetOf(ha: HomeAssistantCommands): string {
  const t = (ha as { target?: unknown }).target;
  return typeof t === 'string' && t ? t : 'Home Assistant';
}

async function send<S extends z.ZodType>(
  ha: HomeAssistantCommands,
  message: { type: string } & Record<string, unknown>,
  schema: S,
  options: CallOptions,
  context: { subject?: string; secrets?: string[] } = {},
): Promise<z.infer<S>> {
  const target = targetOf(ha);
  let result: unknown;
  try {
    result = await ha.command(message, options);
  } catch (e) {
    throw backupManagerError(e, { command: message.type, target, ...context });
  }
  return parseAnswer(schema, result, message.type, target);
}

function parseAnswer<S extends z.ZodType>(schema: S, value: unknown, command: string, target: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw invalidAnswer(command, target, first ? `at ${first.path.join('.') || 'the top'}` : undefined);
  }
  return parsed.data;
}

/**
 * The oldest Home Assistant release whose `backup/info` answer has the keys of `raw` (feature detection
 * from shapes; the table is in schemas.ts). A floor, not the version: an empty list hides the backups' keys.
 */
export function releaseOfInfoShape(raw: unknown): string {
  const info = (raw ?? {}) as Record<string, unknown>;
  const backups = Array.isArray(info.backups) ? (info.backups as Record<string, unknown>[]) : [];
  if (backups.some((b) => 'failed_addons' in b)) return '2025.6';
  if ('last_action_event' in info) return '2025.4';
  if ('state' in info || 'last_non_idle_event' in info) return '2025.3';
  if ('next_automatic_backup' in info || backups.some((b) => 'agents' in b)) return '2025.2';
  return '2025.1';
}

export interface AutomaticBackupState {
  lastAttempted: string | null;
  lastCompleted: string | null;
  /** The id of the last completed automatic backup (newer Cores only; null when unknown). */
  lastCompletedId: string | null;
  next: string | null;
  /** A missed slot is made up with one more backup at the next daily time. */
  nextAdditional: boolean;
}

/** The automatic-backup keys `backup/info` and `backup/config/info` both carry, each optional by version. */
interface AutomaticBackupKeys {
  last_attempted_automatic_backup?: string | null;
  last_completed_automatic_backup?: string | null;
  last_completed_automatic_backup_id?: string | null;
  next_automatic_backup?: string | null;
  next_automatic_backup_additional?: boolean | null;
}

function automaticStateOf(answer: AutomaticBackupKeys): AutomaticBackupState {
  return {
    lastAttempted: answer.last_attempted_automatic_backup ?? null,
    lastCompleted: answer.last_completed_automatic_backup ?? null,
    lastCompletedId: answer.last_completed_automatic_backup_id ?? null,
    next: answer.next_automatic_backup ?? null,
    nextAdditional: answer.next_automatic_backup_additional ?? false,
  };
}

export interface BackupInfo {
  backups: BackupRecord[];
  /** agent id → why it could not list its backups: the list lacks that agent's copies. */
  agentErrors: Record<string, string>;
  automatic: AutomaticBackupState;
  /** The manager's state (`idle`, `create_backup`, `blocked`, …); null before 2025.3. */
  state: string | null;
  /** The oldest release whose answer looks like this one (releaseOfInfoShape). */
  shapeRelease: string;
  /** The last event that was neither idle nor blocked (2025.3: `last_non_idle_event`). */
  lastActionEvent: ManagerStateEvent | null;
}

/** `backup/info`: every backup Core's agents list, merged by id, newest first. */
export async function backupInfo(ha: HomeAssistantCommands, options: CallOptions = {}): Promise<BackupInfo> {
  // Listing reaches every agent (hassio: one Supervisor call per backup; cloud agents: the internet).
  const raw = await send(ha, { type: 'backup/info' }, z.unknown(), { timeoutMs: 120_000, ...options });
  const data = parseAnswer(backupInfoSchema, raw, 'backup/info', targetOf(ha));
  const action = data.last_action_event ?? data.last_non_idle_event ?? null;
  const event = action ? toManagerEvent(managerEventSchema.parse(action)) : null;
  return {
    backups: data.backups.map(toBackupRecord).sort((a, b) => Date.parse(b.date) - Date.parse(a.date)),
    agentErrors: data.agent_errors,
    automatic: automaticStateOf(data),
    state: data.state ?? null,
    shapeRelease: releaseOfInfoShape(raw),
    lastActionEvent: event && event.kind === 'manager' ? event : null,
  };
}

/** `backup/details`: one backup, or null when no agent has it (Core answers that with success and `backup: null`). */
export async function backupDetails(
  ha: HomeAssistantCommands,
  backupId: string,
  options: CallOptions = {},
): Promise<{ backup: BackupRecord | null; agentErrors: Record<string, string> }> {
  const data = await send(ha, { type: 'backup/details', backup_id: backupId }, backupDetailsSchema, { timeoutMs: 120_000, ...options }, { subject: `backup ${backupId}` });
  return { backup: data.backup ? toBackupRecord(data.backup) : null, agentErrors: data.agent_errors };
}

export interface AgentInfo {
  agentId: string;
  /** The agent's name; 2025.1 sent none: then the id. */
  name: string;
}

/** `backup/agents/info`: where backups can go. */
export async function agentsInfo(ha: HomeAssistantCommands, options: CallOptions = {}): Promise<AgentInfo[]> {
  const data = await send(ha, { type: 'backup/agents/info' }, agentsInfoSchema, options);
  return data.agents.map((a) => ({ agentId: a.agent_id, name: a.name || a.agent_id }));
}

export interface GenerateOptions {
  agentIds: string[];
  name?: string;
  /** Encrypts the backup; null or absent: not encrypted. */
  password?: string | null;
  includeHomeAssistant?: boolean;
  includeDatabase?: boolean;
  /** Add-on slugs (Supervisor installs only). */
  includeAddons?: string[];
  includeAllAddons?: boolean;
  /** `share`, `addons/local`, `ssl`, `media` (Supervisor installs only). */
  includeFolders?: string[];
}

/**
 * `backup/generate`: starts a backup and returns Core's job id as soon as it started. On Core and
 * Container installs the job id is the new backup's id; with a Supervisor it is the Supervisor job's
 * id, not the backup's (see followCreate in follow.ts).
 */
export async function generate(ha: HomeAssistantCommands, options: GenerateOptions, call: CallOptions = {}): Promise<{ backupJobId: string }> {
  const message: { type: string } & Record<string, unknown> = { type: 'backup/generate', agent_ids: options.agentIds };
  if (options.name !== undefined) message.name = options.name;
  if (options.password !== undefined) message.password = options.password;
  if (options.includeHomeAssistant !== undefined) message.include_homeassistant = options.includeHomeAssistant;
  if (options.includeDatabase !== undefined) message.include_database = options.includeDatabase;
  if (options.includeAddons !== undefined) message.include_addons = options.includeAddons;
  if (options.includeAllAddons !== undefined) message.include_all_addons = options.includeAllAddons;
  if (options.includeFolders !== undefined) message.include_folders = options.includeFolders;
  const data = await send(ha, message, generateResultSchema, call, { secrets: options.password ? [options.password] : [] });
  return { backupJobId: data.backup_job_id };
}

/** `backup/generate_with_automatic_settings`: a backup as the automatic schedule would make it (Core stamps last_attempted). */
export async function generateWithAutomaticSettings(ha: HomeAssistantCommands, call: CallOptions = {}): Promise<{ backupJobId: string }> {
  const data = await send(ha, { type: 'backup/generate_with_automatic_settings' }, generateResultSchema, call);
  return { backupJobId: data.backup_job_id };
}

export interface DeleteOutcome {
  /** True when every agent deleted its copy (or had none). */
  deleted: boolean;
  /** agent id → why its copy could not be deleted: those copies are still there. */
  agentErrors: Record<string, string>;
}

/**
 * `backup/delete`: deletes the backup from **every** agent (Core has no per-agent delete over the
 * websocket). A partial failure is not an error answer: `deleted` is false and `agentErrors` says which
 * copies remain.
 */
export async function deleteBackup(ha: HomeAssistantCommands, backupId: string, options: CallOptions = {}): Promise<DeleteOutcome> {
  const data = await send(ha, { type: 'backup/delete', backup_id: backupId }, deleteResultSchema, { timeoutMs: 120_000, ...options }, { subject: `backup ${backupId}` });
  return { deleted: Object.keys(data.agent_errors).length === 0, agentErrors: data.agent_errors };
}

export interface RestoreOptions {
  backupId: string;
  /** Which copy to restore from (see preferredCopy). */
  agentId: string;
  password?: string;
  restoreHomeAssistant?: boolean;
  restoreDatabase?: boolean;
  restoreAddons?: string[];
  restoreFolders?: string[];
}

/**
 * `backup/restore`. Resolves when Core accepted the restore (on Core installs just before it restarts);
 * the progress comes as events. Refusals: `password_incorrect`, `backup_not_found`, `busy`, `invalid_request`.
 */
export async function restore(ha: HomeAssistantCommands, options: RestoreOptions, call: CallOptions = {}): Promise<void> {
  const message: { type: string } & Record<string, unknown> = { type: 'backup/restore', backup_id: options.backupId, agent_id: options.agentId };
  if (options.password !== undefined) message.password = options.password;
  if (options.restoreHomeAssistant !== undefined) message.restore_homeassistant = options.restoreHomeAssistant;
  if (options.restoreDatabase !== undefined) message.restore_database = options.restoreDatabase;
  if (options.restoreAddons !== undefined) message.restore_addons = options.restoreAddons;
  if (options.restoreFolders !== undefined) message.restore_folders = options.restoreFolders;
  await send(ha, message, anyResult, call, { subject: `backup ${options.backupId} from ${options.agentId}`, secrets: options.password ? [options.password] : [] });
}

const anyResult = { safeParse: (v: unknown) => ({ success: true as const, data: v }) } as unknown as z.ZodType<unknown>;

export type CanDecryptOutcome = 'ok' | 'password_incorrect' | 'decrypt_not_supported' | 'not_found';

/**
 * `backup/can_decrypt_on_download` (2025.2+): whether Core can hand out the copy on `agentId` decrypted
 * with `password` (the frontend asks this before a decrypted download). Other refusals (a wrong agent,
 * an older Home Assistant) are thrown.
 */
export async function canDecryptOnDownload(
  ha: HomeAssistantCommands,
  request: { backupId: string; agentId: string; password: string },
  options: CallOptions = {},
): Promise<CanDecryptOutcome> {
  try {
    await send(ha, { type: 'backup/can_decrypt_on_download', backup_id: request.backupId, agent_id: request.agentId, password: request.password }, anyResult, options, {
      subject: `backup ${request.backupId} on ${request.agentId}`,
      secrets: [request.password],
    });
    return 'ok';
  } catch (e) {
    const reason = (e as { reason?: unknown }).reason;
    if (reason === 'password_incorrect' || reason === 'decrypt_not_supported') return reason;
    if (reason === 'backup_not_found') return 'not_found';
    throw e;
  }
}

export interface RetentionSetting {
  copies: number | null;
  days: number | null;
}

export interface BackupManagerConfig {
  agents: Record<string, { protected: boolean | null; retention: RetentionSetting | null }>;
  automaticBackupsConfigured: boolean;
  createBackup: {
    agentIds: string[];
    includeAddons: string[] | null;
    includeAllAddons: boolean;
    includeDatabase: boolean;
    includeFolders: string[] | null;
    name: string | null;
    /** The backup key (a secret: keep it in secret storage, never log it). Null when none is set. */
    password: string | null;
  };
  retention: RetentionSetting;
  schedule: {
    /** `never`, `daily`, `custom_days`; 2025.1's `state` (`never`, `daily`, `mon`…) mapped onto these. */
    recurrence: string;
    days: string[];
    time: string | null;
  };
  automatic: AutomaticBackupState;
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `backup/config/info`: the automatic-backup settings. */
export async function backupConfig(ha: HomeAssistantCommands, options: CallOptions = {}): Promise<BackupManagerConfig> {
  const { config } = await send(ha, { type: 'backup/config/info' }, configInfoSchema, options);
  const schedule = config.schedule ?? {};
  let recurrence = schedule.recurrence ?? 'never';
  let days = schedule.days ?? [];
  if (schedule.recurrence === undefined && schedule.state !== undefined) {
    // 2025.1: one weekday or daily/never (config.py ScheduleState before store 1.3).
    recurrence = WEEKDAYS.includes(schedule.state) ? 'custom_days' : schedule.state;
    days = WEEKDAYS.includes(schedule.state) ? [schedule.state] : [];
  }
  return {
    agents: Object.fromEntries(
      Object.entries(config.agents).map(([id, a]) => [
        id,
        { protected: a.protected ?? null, retention: a.retention ? { copies: a.retention.copies ?? null, days: a.retention.days ?? null } : null },
      ]),
    ),
    automaticBackupsConfigured: config.automatic_backups_configured ?? false,
    createBackup: {
      agentIds: config.create_backup.agent_ids,
      includeAddons: config.create_backup.include_addons ?? null,
      includeAllAddons: config.create_backup.include_all_addons,
      includeDatabase: config.create_backup.include_database,
      includeFolders: config.create_backup.include_folders ?? null,
      name: config.create_backup.name ?? null,
      password: config.create_backup.password || null,
    },
    retention: { copies: config.retention?.copies ?? null, days: config.retention?.days ?? null },
    schedule: { recurrence, days, time: schedule.time ?? null },
    automatic: automaticStateOf(config),
  };
}

export type InstallType = 'os_or_supervised' | 'core_or_container';

export interface BackupManagerSupport {
  version: string;
  /** `hassio` loaded: a Supervisor (Home Assistant OS or Supervised); else Core or Container. */
  installType: InstallType;
  /** The backup manager's websocket API is there: `backup` loaded and version 2025.1 or newer. */
  supported: boolean;
  /** Why not, in a sentence; null when supported. */
  reason: string | null;
}

/** Compares Home Assistant versions (`2025.1.0`, `2025.12.0.dev0`, `2026.1.0b1`) by year and month. */
export function atLeastVersion(version: string, year: number, month: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return y > year || (y === year && mo >= month);
}

/** Feature detection from `get_config` (version, loaded components). */
export async function detectBackupManager(ha: HomeAssistantCommands, options: CallOptions = {}): Promise<BackupManagerSupport> {
  const data = await send(ha, { type: 'get_config' }, getConfigSchema, options);
  const target = targetOf(ha);
  const installType: InstallType = data.components.includes('hassio') ? 'os_or_supervised' : 'core_or_container';
  let reason: string | null = null;
  if (!atLeastVersion(data.version, 2025, 1)) reason = `${target} runs Home Assistant ${data.version}; its backup manager needs Home Assistant 2025.1 or newer`;
  else if (!data.components.includes('backup')) reason = `${target} does not have the backup integration loaded (it is part of default_config)`;
  return { version: data.version, installType, supported: reason === null, reason };
}

/**
 * `backup/config/update`: changes only the keys given (config.py BackupConfig.update). The key
 * (`create_backup.password`) never reaches an error message.
 */
export async function updateBackupConfig(ha: HomeAssistantCommands, update: BackupConfigUpdate, options: CallOptions = {}): Promise<void> {
  const key = update.create_backup?.password;
  await send(ha, { type: 'backup/config/update', ...update }, anyResult, options, { subject: 'the automatic backup settings', ...(key ? { secrets: [key] } : {}) });
}
