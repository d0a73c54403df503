// zod schemas for the answers of Home Assistant Core's backup manager (home-assistant/core
// homeassistant/components/backup/websocket.py, manager.py, models.py, config.py @187c7cc1), accepting
// every shape since 2025.1 and turning a backup into a BackupRecord. Shapes by release (checked against
// the bodies in test/fixtures/home-assistant-responses):
//
//   2025.1  backups carry `agent_ids`, top-level `protected`/`size`; agents/info without `name`;
//           backup/info without `state`; config `schedule.state` string
//   2025.2  `agents: {agent_id: {protected, size}}`; agents/info `name`; `next_automatic_backup(_additional)`;
//           config schedule {recurrence, days, time}
//   2025.3  backup/info `state`, `last_non_idle_event` (renamed `last_action_event` in 2025.4)
//   2025.5  config `agents[id].retention`
//   2025.6  `failed_addons`, `failed_folders`
//   later   backup/info and config `last_completed_automatic_backup_id`
//
// Stages, states and reasons are open strings (renamed for apps in 2026, new ones added); unknown keys
// are ignored.
import * as z from 'zod';
import { effectiveDate, originOf, extraOf, type BackupRecord } from '../../backups/record';

const addonInfoSchema = z.object({ name: z.string().nullish(), slug: z.string(), version: z.string().nullish() });

const copySchema = z.object({ protected: z.boolean(), size: z.number().nonnegative() });

export const managerBackupSchema = z.object({
  backup_id: z.string().min(1),
  name: z.string(),
  date: z.string(),
  addons: z.array(addonInfoSchema).default([]),
  /** 2025.2+ */
  agents: z.record(z.string(), copySchema).optional(),
  /** 2025.1: the agents, with one `protected` and `size` for all of them. */
  agent_ids: z.array(z.string()).optional(),
  protected: z.boolean().optional(),
  size: z.number().nonnegative().optional(),
  database_included: z.boolean(),
  extra_metadata: z.record(z.string(), z.unknown()).nullish(),
  failed_addons: z.array(addonInfoSchema).default([]),
  failed_agent_ids: z.array(z.string()).default([]),
  failed_folders: z.array(z.string()).default([]),
  folders: z.array(z.string()).default([]),
  homeassistant_included: z.boolean(),
  homeassistant_version: z.string().nullish(),
  with_automatic_settings: z.boolean().nullish(),
});
export type ManagerBackup = z.infer<typeof managerBackupSchema>;

/** A backup of Core's answer as the shared model. */
export function toBackupRecord(b: ManagerBackup): BackupRecord {
  const copies: BackupRecord['copies'] = {};
  if (b.agents) {
    for (const [agentId, copy] of Object.entries(b.agents)) copies[agentId] = { protected: copy.protected, size: copy.size };
  } else {
    for (const agentId of b.agent_ids ?? []) copies[agentId] = { protected: b.protected ?? false, size: b.size ?? 0 };
  }
  const extra = extraOf(b.extra_metadata);
  const addon = (a: z.infer<typeof addonInfoSchema>) => ({ slug: a.slug, name: a.name ?? a.slug, version: a.version ?? null });
  return {
    id: b.backup_id,
    name: b.name,
    date: effectiveDate(b.date, extra),
    copies,
    content: {
      homeassistant: b.homeassistant_included,
      homeassistantVersion: b.homeassistant_included ? (b.homeassistant_version ?? null) : null,
      database: b.database_included,
      addons: b.addons.map(addon),
      folders: b.folders,
    },
    extra,
    origin: originOf(b.with_automatic_settings, extra),
    failures: { agents: b.failed_agent_ids, addons: b.failed_addons.map(addon), folders: b.failed_folders },
  };
}

export const agentErrorsSchema = z.record(z.string(), z.string()).default({});

/** An event of `backup/subscribe_events` (manager.py ManagerStateEvent and friends); everything open. */
export const managerEventSchema = z.looseObject({
  manager_state: z.string(),
  stage: z.string().nullish(),
  state: z.string().nullish(),
  reason: z.string().nullish(),
  agent_id: z.string().optional(),
  uploaded_bytes: z.number().optional(),
  total_bytes: z.number().optional(),
});
export type RawManagerEvent = z.infer<typeof managerEventSchema>;

export const backupInfoSchema = z.object({
  agent_errors: agentErrorsSchema,
  backups: z.array(managerBackupSchema),
  last_attempted_automatic_backup: z.string().nullish(),
  last_completed_automatic_backup: z.string().nullish(),
  last_completed_automatic_backup_id: z.string().nullish(),
  /** 2025.4+; `last_non_idle_event` in 2025.3. */
  last_action_event: managerEventSchema.nullish(),
  last_non_idle_event: managerEventSchema.nullish(),
  next_automatic_backup: z.string().nullish(),
  next_automatic_backup_additional: z.boolean().nullish(),
  /** 2025.3+ */
  state: z.string().nullish(),
});

export const backupDetailsSchema = z.object({ agent_errors: agentErrorsSchema, backup: managerBackupSchema.nullable() });

export const agentsInfoSchema = z.object({ agents: z.array(z.object({ agent_id: z.string(), name: z.string().nullish() })) });

export const generateResultSchema = z.object({ backup_job_id: z.string() });

export const deleteResultSchema = z.object({ agent_errors: agentErrorsSchema });

const retentionSchema = z.object({ copies: z.number().nullish(), days: z.number().nullish() });

export const configInfoSchema = z.object({
  config: z.object({
    agents: z.record(z.string(), z.object({ protected: z.boolean().optional(), retention: retentionSchema.nullish() })).default({}),
    automatic_backups_configured: z.boolean().optional(),
    create_backup: z.object({
      agent_ids: z.array(z.string()).default([]),
      include_addons: z.array(z.string()).nullish(),
      include_all_addons: z.boolean().default(false),
      include_database: z.boolean().default(true),
      include_folders: z.array(z.string()).nullish(),
      name: z.string().nullish(),
      password: z.string().nullish(),
    }),
    last_attempted_automatic_backup: z.string().nullish(),
    last_completed_automatic_backup: z.string().nullish(),
    last_completed_automatic_backup_id: z.string().nullish(),
    retention: retentionSchema.nullish(),
    /** 2025.2+: {recurrence, days, time}; 2025.1: {state: "never"|"daily"|"mon"…}. */
    schedule: z
      .object({
        recurrence: z.string().optional(),
        days: z.array(z.string()).optional(),
        time: z.string().nullish(),
        state: z.string().optional(),
      })
      .optional(),
    next_automatic_backup: z.string().nullish(),
    next_automatic_backup_additional: z.boolean().nullish(),
  }),
});

export const getConfigSchema = z.object({ version: z.string(), components: z.array(z.string()).default([]), time_zone: z.string().nullish() });
