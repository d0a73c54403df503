// Home Assistant Core's backup settings (`backup/config/info`, supervisor-api.md §8.3). What this
// project needs from them is the "default backup key": since Core 2025.1 the UI and the automatic
// backups encrypt with the generated key stored as `create_backup.password`.
import { z } from 'zod';
import type { CoreTransport } from '../supervisor/coreTransport';
import { SupervisorError } from '../supervisor/errors';

const configInfoSchema = z.object({
  config: z.object({
    automatic_backups_configured: z.boolean().optional(),
    create_backup: z.object({
      agent_ids: z.array(z.string()).optional(),
      password: z.string().nullable().optional(),
    }),
  }),
});

export interface CoreBackupSettings {
  /** The key Home Assistant encrypts its own backups with; null when backups were never set up. */
  defaultBackupKey: string | null;
  /** Where Core's automatic backups go (`hassio.local`, `hassio.<mount>`, `cloud.cloud`, …). */
  agentIds: string[];
  automaticBackupsConfigured: boolean;
}

export async function readCoreBackupConfig(transport: CoreTransport, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CoreBackupSettings> {
  const result = await transport.command({ type: 'backup/config/info' }, options);
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
