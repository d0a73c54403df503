// Home Assistant Core's backup settings (`backup/config/info`: home-assistant/core
// homeassistant/components/backup/websocket.py handle_config_info @187c7cc1). What this project
// needs from them is the "default backup key": since Core 2025.1 the UI and the automatic backups
// encrypt with the generated key stored as `create_backup.password`.
import * as z from 'zod';
import { SupervisorError } from '../supervisor/errors';

/**
 * Something that sends Core websocket commands and returns their `result` (or throws a
 * SupervisorError): HomeAssistantTransport outside Home Assistant, AddonHomeAssistantConnection
 * inside the add-on.
 */
export interface HomeAssistantCommands {
  command(message: { type: string } & Record<string, unknown>, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<unknown>;
}

const configInfoSchema = z.object({
  config: z.object({
    automatic_backups_configured: z.boolean().optional(),
    create_backup: z.object({
      agent_ids: z.array(z.string()).optional(),
      password: z.string().nullable().optional(),
    }),
  }),
});

export interface HomeAssistantBackupSettings {
  /** The key Home Assistant encrypts its own backups with; null when backups were never set up. */
  defaultBackupKey: string | null;
  /** Where Core's automatic backups go (`hassio.local`, `hassio.<mount>`, `cloud.cloud`, …). */
  agentIds: string[];
  automaticBackupsConfigured: boolean;
}

export async function readHomeAssistantBackupConfig(
  homeAssistant: HomeAssistantCommands,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<HomeAssistantBackupSettings> {
  const result = await homeAssistant.command({ type: 'backup/config/info' }, options);
  const parsed = configInfoSchema.safeParse(result);
  if (!parsed.success) {
    throw new SupervisorError('Unexpected answer from Home Assistant for backup/config/info', { kind: 'invalid_response', method: 'WS', path: 'backup/config/info' });
  }
  const { config } = parsed.data;
  return {
    defaultBackupKey: config.create_backup.password || null,
    agentIds: config.create_backup.agent_ids ?? [],
    automaticBackupsConfigured: config.automatic_backups_configured ?? false,
  };
}
