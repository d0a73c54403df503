// The fields of the Auto Backup integration's backup services, as its services.yaml lists them
// (jcwillox/hass-auto-backup custom_components/auto_backup/services.yaml @ faaddd1c, v1.8.1; a copy is
// test/fixtures/auto-backup/services.yaml, and a unit test checks this list against it). The
// integration's voluptuous schemas have no ALLOW_EXTRA, so any other key fails the call.

export const AUTO_BACKUP_DOMAIN = 'auto_backup';

export const BASE_FIELDS = ['name', 'exclude_database', 'encrypted', 'password', 'keep_days', 'location', 'download_path', 'compressed'] as const;

export const SERVICE_FIELDS = {
  backup: [
    'name',
    'include_addons',
    'include_folders',
    'exclude_addons',
    'exclude_folders',
    'exclude_database',
    'encrypted',
    'password',
    'keep_days',
    'location',
    'download_path',
    'compressed',
  ],
  backup_full: ['name', 'exclude', 'exclude_database', 'encrypted', 'password', 'keep_days', 'location', 'download_path', 'compressed'],
  backup_partial: ['name', 'addons', 'folders', 'exclude_database', 'encrypted', 'password', 'keep_days', 'location', 'download_path', 'compressed'],
  purge: [],
} as const satisfies Record<string, readonly string[]>;

export type AutoBackupService = keyof typeof SERVICE_FIELDS;

/** The services a deployment needs: without them the integration is missing or too old. */
export const REQUIRED_SERVICES: readonly AutoBackupService[] = ['backup', 'backup_partial'];

/** Keys of `data` the service does not list; empty when every key is allowed. */
export function unknownFields(service: AutoBackupService, data: Record<string, unknown>): string[] {
  const allowed: readonly string[] = SERVICE_FIELDS[service];
  return Object.keys(data).filter((key) => !allowed.includes(key));
}
