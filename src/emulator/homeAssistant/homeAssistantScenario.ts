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

export const HomeAssistantScenarioSchema = z.strictObject({
  /** Long-lived access tokens; `admin: false` is a token of a non-administrator user. */
  tokens: z.array(z.strictObject({ token: z.string().min(1), admin: z.boolean().default(true) })).default([]),
  backupConfig: BackupConfigSchema.prefault({}),
  /**
   * Supervisor tokens (the emulator's main token or one of `tokens`) of add-ons without
   * `homeassistant_api: true`: the Supervisor's Core proxy (`/core/websocket`) refuses them.
   */
  tokensWithoutHomeassistantApi: z.array(z.string().min(1)).default([]),
});

export type HomeAssistantScenario = z.output<typeof HomeAssistantScenarioSchema>;
export type HomeAssistantBackupConfig = HomeAssistantScenario['backupConfig'];
