// A policy's `backup:` options as the data of an Auto Backup service call. The selection shapes map
// to the service that takes them as services.yaml lists them: include/exclude objects and
// include_addons/…/exclude_folders → `auto_backup.backup` with the four list fields; addons/folders →
// `auto_backup.backup_partial`; nothing → a full `auto_backup.backup`. Names and globs pass as written:
// the integration resolves them (manager.py, the same rules the extension follows). What Auto Backup
// cannot do is refused by name: a file name, several locations, `{ha_version}` in the name, and a
// password written in clear (it would end up in a file Home Assistant reads; use !secret).
import * as z from 'zod';
import type { Policy } from '../../policy';
import { normalizeLocation } from '../../options';
import { DeployRefusal } from './scheduleParts';
import { SecretRef, isSecretRef } from './secretRef';
import type { AutoBackupService } from './serviceFields';

export interface ServiceCall {
  service: Extract<AutoBackupService, 'backup' | 'backup_partial'>;
  data: Record<string, unknown>;
}

const list = (value: string | string[] | undefined): string[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

/** `core`: a Home Assistant Core/Container install, where Auto Backup makes full backups only. */
export type Install = 'supervisor' | 'core';

export function serviceCallOf(policy: Policy, keepDays: number | undefined, install: Install = 'supervisor'): ServiceCall {
  const b = policy.backup;
  const refuse = (why: string): never => {
    throw new DeployRefusal(why);
  };
  if (install === 'core') {
    // manager.py validate_backup_config raises for include/exclude without a Supervisor; location and
    // compressed are dropped without a word: refused here rather than failing or ignored at 2:30 at night.
    const partial = ['include', 'exclude', 'include_addons', 'include_folders', 'exclude_addons', 'exclude_folders', 'addons', 'folders'].find(
      (k) => b[k as keyof typeof b] !== undefined,
    );
    if (partial) refuse(`backup.${partial} cannot be deployed on this Home Assistant (no Supervisor): Auto Backup makes only full backups there`);
    if (b.location !== undefined) refuse('backup.location cannot be deployed on this Home Assistant (no Supervisor): Auto Backup ignores it there');
    if (!b.compressed) refuse('backup.compressed: false cannot be deployed on this Home Assistant (no Supervisor): Auto Backup ignores it there');
  }
  if (b.filename !== undefined) refuse('backup.filename cannot be deployed: Auto Backup names the file itself (remove filename, or keep the policy running in VS Code)');
  const data: Record<string, unknown> = {};
  if (b.name) {
    if (/[{}]/.test(b.name)) refuse(`backup.name '${b.name}' cannot be deployed: Auto Backup has no {ha_version} (and braces would be read as a Home Assistant template)`);
    data.name = b.name.includes('%') ? `{{ now().strftime('${b.name.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}') }}` : b.name;
  }
  let service: ServiceCall['service'] = 'backup';
  if (b.addons !== undefined || b.folders !== undefined) {
    service = 'backup_partial';
    data.addons = list(b.addons) ?? [];
    data.folders = list(b.folders) ?? [];
  } else {
    const pairs: [string, string | string[] | undefined][] = [
      ['include_addons', b.include_addons ?? b.include?.addons],
      ['include_folders', b.include_folders ?? b.include?.folders],
      ['exclude_addons', b.exclude_addons ?? b.exclude?.addons],
      ['exclude_folders', b.exclude_folders ?? b.exclude?.folders],
    ];
    for (const [key, value] of pairs) if (value !== undefined) data[key] = list(value);
    // `include: {}` is an empty partial backup in Auto Backup; as lists it needs both keys present.
    if (b.include && b.include.addons === undefined && b.include.folders === undefined) data.include_addons = [];
  }
  if (b.password) {
    if (!policy.passwordSecret) {
      refuse(
        'backup.password is written in clear: a deployed policy would copy it into a file Home Assistant reads. Move it into secrets.yaml and write password: !secret <name>',
      );
    }
    data.password = new SecretRef(policy.passwordSecret as string);
  }
  if (b.encrypted) data.encrypted = true;
  if (keepDays !== undefined) data.keep_days = keepDays;
  if (b.location !== undefined) {
    const locations = Array.isArray(b.location) ? b.location : [b.location];
    if (locations.length > 1) refuse(`backup.location lists ${locations.length} locations: Auto Backup stores one copy in one location`);
    const location = normalizeLocation(locations[0] ?? null);
    data.location = location ?? '/backup';
  }
  const paths = list(b.download_path);
  if (paths?.length) data.download_path = paths;
  if (b.exclude_database) data.exclude_database = true;
  if (!b.compressed) data.compressed = false;
  return { service, data };
}

// The integration's voluptuous schemas for what the generator writes (custom_components/auto_backup/
// __init__.py SCHEMA_BACKUP_BASE, SCHEMA_BACKUP shape B, SCHEMA_BACKUP_PARTIAL @ faaddd1c).
const names = z.array(z.string());
const base = {
  name: z.string().optional(),
  password: z.union([z.string(), z.custom<SecretRef>((v) => isSecretRef(v))]).optional(),
  keep_days: z.number().optional(),
  download_path: z.array(z.string().min(1)).min(1).optional(),
  encrypted: z.boolean().optional(),
  exclude_database: z.boolean().optional(),
  compressed: z.boolean().optional(),
  location: z.string().optional(),
};

export const SERVICE_DATA_SCHEMAS = {
  backup: z.strictObject({
    ...base,
    include_addons: names.optional(),
    include_folders: names.optional(),
    exclude_addons: names.optional(),
    exclude_folders: names.optional(),
  }),
  backup_partial: z.strictObject({ ...base, addons: names.optional(), folders: names.optional() }),
} as const;
