// Home Assistant's service registry over the websocket (home-assistant/core websocket_api/commands.py):
// `get_services` (every domain's services and their fields), `call_service`, and `validate_config`
// (triggers, conditions and actions checked as in an automation, without saving anything).
import * as z from 'zod';
import type { HomeAssistantCommands } from './backupConfig';

type CallOptions = { signal?: AbortSignal; timeoutMs?: number };

const servicesSchema = z.record(z.string(), z.record(z.string(), z.looseObject({ fields: z.record(z.string(), z.unknown()).optional() })));

/** domain → service → its description (`fields` among others). */
export type ServiceDescriptions = z.output<typeof servicesSchema>;

export async function getServices(ha: HomeAssistantCommands, opts: CallOptions = {}): Promise<ServiceDescriptions> {
  const answer = servicesSchema.safeParse(await ha.command({ type: 'get_services' }, opts));
  if (!answer.success) throw new Error(`Home Assistant's list of services has an unexpected shape: ${answer.error.issues[0]?.message ?? ''}`);
  return answer.data;
}

export async function callService(ha: HomeAssistantCommands, domain: string, service: string, data: Record<string, unknown> = {}, opts: CallOptions = {}): Promise<void> {
  await ha.command({ type: 'call_service', domain, service, service_data: data }, opts);
}

export interface ConfigParts {
  triggers?: unknown;
  conditions?: unknown;
  actions?: unknown;
}

const validity = z.object({ valid: z.boolean(), error: z.string().nullable() });
const validateSchema = z.object({ triggers: validity.optional(), conditions: validity.optional(), actions: validity.optional() });

export type ConfigValidity = z.output<typeof validateSchema>;

/** Only the parts given are checked and answered. */
export async function validateConfig(ha: HomeAssistantCommands, parts: ConfigParts, opts: CallOptions = {}): Promise<ConfigValidity> {
  const message: { type: string } & Record<string, unknown> = { type: 'validate_config' };
  for (const key of ['triggers', 'conditions', 'actions'] as const) if (parts[key] !== undefined) message[key] = parts[key];
  const answer = validateSchema.safeParse(await ha.command(message, opts));
  if (!answer.success) throw new Error(`Home Assistant's validate_config answer has an unexpected shape: ${answer.error.issues[0]?.message ?? ''}`);
  return answer.data;
}
