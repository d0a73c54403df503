// The backup's name: the request's template expanded, or Auto Backup's default
// (jcwillox/hass-auto-backup custom_components/auto_backup/manager.py
// AutoBackup.generate_backup_name @faaddd1c).
import { defaultBackupName } from '../format/dates';
import { expandTemplate, type Expanded, type TemplateValues } from './template';

/**
 * A missing, null or empty name gives the seed's default `Monday, Jan 06, 2025` (date only, in the
 * HA zone); any other name is a template (see template.ts), so `Nightly %Y-%m-%d` works.
 */
export function backupName(template: string | null | undefined, values: TemplateValues): Expanded {
  if (!template) return { text: defaultBackupName(values.now, values.timeZone), errors: [] };
  return expandTemplate(template, values);
}
