// The `core` part of a scenario: what the emulated Home Assistant Core knows — the long-lived
// access tokens it accepts and its backup settings (`backup/config/info`: home-assistant/core
// homeassistant/components/backup/websocket.py handle_config_info @187c7cc1) — and which add-ons
// may not reach it through the Supervisor's proxy.
import { z } from 'zod';

const RetentionSchema = z.strictObject({
  copies: z.number().int().min(1).nullable().default(null),
  days: z.number().int().min(1).nullable().default(null),
});

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const BackupConfigSchema = z.strictObject({
  agents: z.record(z.string(), z.strictObject({ protected: z.boolean(), retention: RetentionSchema.nullable().default(null) })).default({}),
  automatic_backups_configured: z.boolean().default(false),
  create_backup: z
    .strictObject({
      agent_ids: z.array(z.string()).default([]),
      include_addons: z.array(z.string()).nullable().default(null),
      include_all_addons: z.boolean().default(false),
      include_database: z.boolean().default(true),
      include_folders: z.array(z.string()).nullable().default(null),
      name: z.string().nullable().default(null),
      /** HA's "encryption key" (Settings → System → Backups): `XXXX-XXXX-…` 34 characters; null before backups were set up. */
      password: z.string().nullable().default(null),
    })
    .prefault({}),
  last_attempted_automatic_backup: z.string().nullable().default(null),
  last_completed_automatic_backup: z.string().nullable().default(null),
  last_completed_automatic_backup_id: z.string().nullable().default(null),
  next_automatic_backup: z.string().nullable().default(null),
  next_automatic_backup_additional: z.boolean().default(false),
  retention: RetentionSchema.prefault({}),
  schedule: z
    .strictObject({
      days: z.array(z.enum(DAYS)).default([]),
      recurrence: z.enum(['never', 'daily', 'custom_days']).default('never'),
      state: z.string().default('never'),
      time: z.string().nullable().default(null),
    })
    .prefault({}),
});

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A backup agent of Core's backup manager besides `backup.local`: `<domain>.<unique_id>`
 * (home-assistant/core homeassistant/components/backup/agent.py), e.g. `cloud.cloud` or
 * `webdav.01JKXV07ASC62D620DGYNG2R8H`.
 */
export const CoreAgentSchema = z.strictObject({
  agent_id: z.string().regex(/^[a-z0-9_]+\.[^\s/]+$/, '<domain>.<unique_id>, e.g. webdav.01JKXV07ASC62D620DGYNG2R8H'),
  name: z.string().min(1),
  /** Every call to the agent fails with "The backup agent is unreachable.". */
  unreachable: z.boolean().default(false),
  /** Every call to the agent waits this long first. */
  delayMs: z.number().int().min(0).max(600_000).default(0),
});

/** A backup that Core's backup manager finds on its agents when it starts (written in Core's archive format). */
export const CoreBackupSchema = z.strictObject({
  name: z.string().min(1),
  date: z.string().regex(ISO_DATE, 'ISO-8601 date with offset, e.g. 2026-08-03T02:30:00.123456+02:00'),
  /** Agent ids holding a copy; `backup.local` or ids of `core.agents`. */
  agents: z.array(z.string()).min(1).default(['backup.local']),
  /** Encrypts homeassistant.tar.gz (SecureTar v2) on every copy, except on agents listed in `unprotectedAgents`. */
  password: z.string().min(1).nullable().default(null),
  unprotectedAgents: z.array(z.string()).default([]),
  /** Default: the scenario's homeassistantVersion. */
  homeassistantVersion: z.string().optional(),
  database: z.boolean().default(true),
  /** with_automatic_settings: a bool marks the backup as this instance's (extra instance_id); null = another instance's or an add-on's. */
  automatic: z.boolean().nullable().default(null),
  /** Agents whose upload failed when the backup was made (`failed_agent_ids`). */
  failedAgentIds: z.array(z.string()).default([]),
  payloadBytes: z.number().int().min(0).default(20_000),
  /** Default: sha1(f"{date} - {name}".lower())[:8], as Core makes it. */
  backupId: z
    .string()
    .regex(/^[-_.A-Za-z0-9]+$/)
    .optional(),
});

/**
 * Supervisor install: a copy of one of the Supervisor's backups (by slug or name) on agents of `core.agents`
 * (e.g. `cloud.cloud`), as if Core had uploaded it there when it made the backup.
 */
export const SupervisorBackupCopySchema = z.strictObject({
  backup: z.string().min(1),
  agents: z.array(z.string()).min(1),
});

export const HomeAssistantScenarioSchema = z.strictObject({
  /** Long-lived access tokens; `admin: false` is a token of a non-administrator user. */
  tokens: z.array(z.strictObject({ token: z.string().min(1), admin: z.boolean().default(true) })).default([]),
  backupConfig: BackupConfigSchema.prefault({}),
  /**
   * Supervisor tokens (the emulator's main token or one of `tokens`) of add-ons without
   * `homeassistant_api: true`: the Supervisor's Core proxy (`/core/websocket`) refuses them.
   */
  tokensWithoutHomeassistantApi: z.array(z.string().min(1)).default([]),
  /** Agents besides `backup.local` (Core install) or the hassio agents (Supervisor install); a fresh install has none. */
  agents: z.array(CoreAgentSchema).default([]),
  /** Core install only: backups on the agents when the data folder is used the first time. */
  backups: z.array(CoreBackupSchema).default([]),
  /** Supervisor install only: copies of the Supervisor's backups on `agents`. */
  supervisorBackupCopies: z.array(SupervisorBackupCopySchema).default([]),
  /** Core install only: how long Core is away after `backup/restore` before it answers again. */
  restartDelayMs: z.number().int().min(0).max(600_000).default(300),
  /** Core install only: time each stage of a backup takes. */
  stepDelayMs: z.number().int().min(0).max(600_000).default(100),
  /** The Auto Backup integration is installed: `get_services` lists its services (also `/_emulator/core/settings`). */
  autoBackupInstalled: z.boolean().default(false),
  /** The instance id Core writes into `extra.instance_id` of its backups. */
  instanceId: z.string().min(1).default('8d8ecf2b1e8a4bd5a38c50a9e4b2a6f1'),
});

export type HomeAssistantScenario = z.output<typeof HomeAssistantScenarioSchema>;
export type HomeAssistantBackupConfig = HomeAssistantScenario['backupConfig'];
export type CoreAgentSettings = z.output<typeof CoreAgentSchema>;
export type CoreScenarioBackup = z.output<typeof CoreBackupSchema>;
export type SupervisorBackupCopy = z.output<typeof SupervisorBackupCopySchema>;
