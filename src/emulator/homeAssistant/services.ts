// Core's service registry as far as this project needs it: `get_services`, `call_service`
// (home-assistant/core homeassistant/components/websocket_api/commands.py handle_get_services,
// handle_call_service). `automation.reload` (an admin service, automation/__init__.py) is always there;
// the Auto Backup integration's services only while the emulator says it is installed
// (`/_emulator/core/settings {"autoBackupInstalled": true}`). Calls are recorded, not carried out.

export interface ServiceCallRecord {
  domain: string;
  service: string;
  service_data: Record<string, unknown>;
  time_fired: string;
}

export interface ServiceState {
  autoBackupInstalled: boolean;
  calls: ServiceCallRecord[];
}

const field = (name: string, selector: Record<string, unknown>) => ({ name, selector });

/** services.yaml of jcwillox/hass-auto-backup @ faaddd1c, reduced to names and selectors (descriptions are the integration's English). */
const AUTO_BACKUP_BASE = {
  name: field('Name', { text: null }),
  exclude_database: field('Exclude: Database', { boolean: null }),
  encrypted: field('Encrypted', { boolean: null }),
  password: field('Password', { text: { type: 'password' } }),
  keep_days: field('Keep days', { number: { min: 0, max: 10000, step: 0.01, unit_of_measurement: 'days', mode: 'box' } }),
  location: field('Location', { backup_location: null }),
  download_path: field('Download path', { select: { multiple: true, custom_value: true, options: [] } }),
  compressed: field('Compressed', { boolean: null }),
};

function autoBackupServices(): Record<string, unknown> {
  const list = (name: string) => field(name, { object: null });
  return {
    backup: {
      name: 'Backup',
      description: 'Create a full or partial backup.',
      fields: {
        ...AUTO_BACKUP_BASE,
        include_addons: list('Include: Add-ons'),
        include_folders: list('Include: Folders'),
        exclude_addons: list('Exclude: Add-ons'),
        exclude_folders: list('Exclude: Folders'),
      },
    },
    backup_full: { name: 'Backup Full', description: 'Create a full backup with optional exclusions.', fields: { exclude: list('Exclude'), ...AUTO_BACKUP_BASE } },
    backup_partial: { name: 'Backup Partial', description: 'Create a partial backup.', fields: { addons: list('Add-ons'), folders: list('Folders'), ...AUTO_BACKUP_BASE } },
    purge: { name: 'Purge', description: 'Purge expired backups.', fields: {} },
  };
}

/** handle_get_services: every domain's service descriptions. */
export function serviceDescriptions(state: ServiceState): Record<string, Record<string, unknown>> {
  const domains: Record<string, Record<string, unknown>> = {
    automation: {
      reload: { name: 'Reload', description: 'Reloads the automation configuration.', fields: {} },
      trigger: { name: 'Trigger', description: 'Triggers the actions of an automation.', fields: {}, target: { entity: [{ domain: ['automation'] }] } },
    },
    homeassistant: { check_config: { name: 'Check configuration', description: 'Checks the Home Assistant YAML-configuration files for errors.', fields: {} } },
  };
  if (state.autoBackupInstalled) domains.auto_backup = autoBackupServices();
  return domains;
}

/** Services only an administrator may call (async_register_admin_service). */
const ADMIN_SERVICES = new Set(['automation.reload', 'homeassistant.check_config']);

export type CallOutcome = { ok: true } | { ok: false; code: 'not_found' | 'unauthorized'; message: string };

/** handle_call_service: an unknown service is `not_found` ("Service x.y not found."); an admin service needs an admin. */
export function callService(state: ServiceState, call: Omit<ServiceCallRecord, 'time_fired'>, admin: boolean, now: number): CallOutcome {
  const known = serviceDescriptions(state)[call.domain]?.[call.service] !== undefined;
  if (!known) return { ok: false, code: 'not_found', message: `Service ${call.domain}.${call.service} not found.` };
  if (!admin && ADMIN_SERVICES.has(`${call.domain}.${call.service}`)) return { ok: false, code: 'unauthorized', message: 'Unauthorized' };
  state.calls.push({ ...call, time_fired: new Date(now).toISOString() });
  return { ok: true };
}
