// The Auto Backup integration's events (custom_components/auto_backup/manager.py: `backup_start {name}`,
// `backup_successful {name, slug}`, `backup_failed {name, error}`, `purged_backups {backups}`) for the
// extension's own events of the same names: what goes on Home Assistant's event bus so that automations
// written for the integration keep working.

/** One of the extension's events, as far as the integration's data needs it. */
export interface ExtensionEvent {
  type: string;
  name?: string;
  slug?: string;
  error?: string;
  backups?: string[];
}

/** The integration's event data for one of the extension's events; undefined for events it does not have. */
export function autoBackupEventOf(e: ExtensionEvent): { type: string; data: Record<string, unknown> } | undefined {
  switch (e.type) {
    case 'backup_start':
      return { type: 'auto_backup.backup_start', data: { name: e.name ?? '' } };
    case 'backup_successful':
      return { type: 'auto_backup.backup_successful', data: { name: e.name ?? '', slug: e.slug ?? null } };
    case 'backup_failed':
      return { type: 'auto_backup.backup_failed', data: { name: e.name ?? '', error: e.error ?? '' } };
    case 'purged_backups':
      return { type: 'auto_backup.purged_backups', data: { backups: e.backups ?? [] } };
    default:
      return undefined;
  }
}
