// Home Assistant's automatic backups as code: the `automatic_backups:` section of auto_backup.yaml,
// compared with what `backup/config/info` says (home-assistant/core homeassistant/components/backup/
// config.py BackupConfig), and the `backup/config/update` that makes Home Assistant match the file.
// Only the keys the section names are managed; the rest of Home Assistant's settings stay as they are.
// No vscode import: this is core.
import * as z from 'zod';
import type { BackupManagerConfig, RetentionSetting } from './backupManager/client';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** Home Assistant's folders (models.py Folder). */
export const AUTOMATIC_FOLDERS = ['share', 'addons/local', 'ssl', 'media'] as const;
export const AUTOMATIC_KEYS = ['schedule', 'locations', 'database', 'addons', 'folders', 'name', 'encryption_key', 'retention', 'per_location'] as const;
export type AutomaticKey = (typeof AUTOMATIC_KEYS)[number];

const SCHEDULE = /^(never|daily|(?:mon|tue|wed|thu|fri|sat|sun)(?:,(?:mon|tue|wed|thu|fri|sat|sun))*)(?:\s+([01]\d|2[0-3]):([0-5]\d))?$/;

const count = z.number({ error: 'expected a whole number of 1 or more, or null (unlimited)' }).int().min(1).nullable();
const retentionSetting = z
  .strictObject({ copies: count.optional(), days: count.optional() })
  .describe('Keep this many backups (copies) or backups of this many days (days); null or absent: unlimited. Home Assistant deletes the older ones itself.');

export const automaticSectionSchema = z
  .strictObject({
    schedule: z
      .string()
      .regex(SCHEDULE, { error: 'expected "never", "daily", "daily 04:45", or days like "mon,thu 04:45" (no time: Home Assistant picks one between 04:45 and 05:45)' })
      .optional()
      .describe('When Home Assistant makes its automatic backup: never, daily [HH:MM], or days mon,tue,… [HH:MM].'),
    locations: z
      .array(z.string().min(1))
      .min(1, { error: 'at least one location' })
      .optional()
      .describe("Home Assistant's backup locations (agent ids) the automatic backup goes to: backup.local, hassio.local, hassio.<mount>, cloud.cloud…"),
    database: z.boolean().optional().describe("Include Home Assistant's database."),
    addons: z
      .union([z.literal('all'), z.array(z.string().min(1))], { error: 'expected "all" or a list of add-on slugs' })
      .optional()
      .describe('Add-ons in the automatic backup: all, or a list of slugs (Home Assistant OS and Supervised only).'),
    folders: z
      .array(z.enum(AUTOMATIC_FOLDERS))
      .optional()
      .describe('Folders in the automatic backup: share, addons/local, ssl, media (Home Assistant OS and Supervised only).'),
    name: z.string().nullable().optional().describe('The automatic backups\' name; null: "Automatic backup <version>".'),
    encryption_key: z.string().min(1).nullable().optional().describe("Home Assistant's backup encryption key; write it as !secret <name> (secrets.yaml), never in clear."),
    retention: retentionSetting.optional(),
    per_location: z
      .record(z.string().min(1), z.strictObject({ protected: z.boolean().optional(), retention: retentionSetting.nullable().optional() }))
      .optional()
      .describe('Per location: protected (encrypted with the key there) and its own retention (null: the global one).'),
  })
  .describe(
    "Home Assistant's own automatic backups (Settings → System → Backups), kept in this file: Home Assistant runs them around the clock, whether VS Code is open or not.",
  );

export type AutomaticSection = z.output<typeof automaticSectionSchema>;

/** The `backup/config/update` message body (every key optional; omitted keys are left as they are). */
export interface BackupConfigUpdate {
  schedule?: { recurrence: 'never' | 'daily' | 'custom_days'; days: string[]; time: string | null };
  create_backup?: {
    agent_ids?: string[];
    include_database?: boolean;
    include_all_addons?: boolean;
    include_addons?: string[] | null;
    include_folders?: string[] | null;
    name?: string | null;
    password?: string | null;
  };
  retention?: { copies: number | null; days: number | null };
  agents?: Record<string, { protected?: boolean; retention?: { copies: number | null; days: number | null } | null }>;
}

/** One setting where the file and Home Assistant differ. Values are for people; the key is never shown. */
export interface AutomaticChange {
  key: AutomaticKey;
  /** e.g. `per_location.cloud.cloud.retention`. */
  label: string;
  file: string;
  homeAssistant: string;
}

export interface AutomaticDrift {
  changes: AutomaticChange[];
  /** What makes Home Assistant match the file; empty when nothing differs. */
  update: BackupConfigUpdate;
}

interface Schedule {
  recurrence: 'never' | 'daily' | 'custom_days';
  days: string[];
  time: string | null;
}

export function parseAutomaticSchedule(text: string): Schedule {
  const m = SCHEDULE.exec(text.trim());
  if (!m) throw new Error(`not a schedule: ${text}`);
  const time = m[2] !== undefined ? `${m[2]}:${m[3]}` : null;
  if (m[1] === 'never') return { recurrence: 'never', days: [], time };
  if (m[1] === 'daily') return { recurrence: 'daily', days: [], time };
  const days = [...new Set(m[1]!.split(','))].sort((a, b) => DAYS.indexOf(a as (typeof DAYS)[number]) - DAYS.indexOf(b as (typeof DAYS)[number]));
  return { recurrence: 'custom_days', days, time };
}

/** `daily 04:45`, `mon,thu 04:45`, `never`: the file's way of writing Home Assistant's schedule. */
export function formatAutomaticSchedule(s: { recurrence: string; days: readonly string[]; time: string | null }): string {
  const time = s.time ? ` ${s.time.slice(0, 5)}` : '';
  if (s.recurrence === 'never') return 'never';
  if (s.recurrence === 'daily') return `daily${time}`;
  return `${[...s.days].sort((a, b) => DAYS.indexOf(a as (typeof DAYS)[number]) - DAYS.indexOf(b as (typeof DAYS)[number])).join(',')}${time}`;
}

function sameSchedule(a: Schedule, b: { recurrence: string; days: readonly string[]; time: string | null }): boolean {
  if (a.recurrence !== b.recurrence) return false;
  // Without a time, Home Assistant picks one itself: only the file's "no time" matches its null.
  if ((a.time ?? null) !== (b.time ? b.time.slice(0, 5) : null)) return false;
  return a.recurrence !== 'custom_days' || [...a.days].sort().join() === [...b.days].sort().join();
}

const sorted = (list: readonly string[] | null | undefined): string => [...(list ?? [])].sort().join(',');
const show = (list: readonly string[] | null | undefined): string => (list?.length ? list.join(', ') : 'none');

function showRetention(r: RetentionSetting | { copies?: number | null; days?: number | null } | null | undefined): string {
  if (!r || (r.copies == null && r.days == null)) return 'unlimited';
  const copies = r.copies != null ? `${r.copies} ${r.copies === 1 ? 'copy' : 'copies'}` : '';
  const days = r.days != null ? `${r.days} ${r.days === 1 ? 'day' : 'days'}` : '';
  return [copies, days].filter(Boolean).join(', ');
}

function sameRetention(a: { copies?: number | null; days?: number | null } | null | undefined, b: RetentionSetting | null | undefined): boolean {
  return (a?.copies ?? null) === (b?.copies ?? null) && (a?.days ?? null) === (b?.days ?? null);
}

/** Where the file and Home Assistant's settings differ, and the update that would make Home Assistant match. */
export function automaticDrift(section: AutomaticSection, config: BackupManagerConfig): AutomaticDrift {
  const changes: AutomaticChange[] = [];
  const update: BackupConfigUpdate = {};
  const create = (): NonNullable<BackupConfigUpdate['create_backup']> => (update.create_backup ??= {});
  const cb = config.createBackup;
  if (section.schedule !== undefined) {
    const wanted = parseAutomaticSchedule(section.schedule);
    if (!sameSchedule(wanted, config.schedule)) {
      changes.push({ key: 'schedule', label: 'schedule', file: formatAutomaticSchedule(wanted), homeAssistant: formatAutomaticSchedule(config.schedule) });
      update.schedule = wanted;
    }
  }
  if (section.locations !== undefined && sorted(section.locations) !== sorted(cb.agentIds)) {
    changes.push({ key: 'locations', label: 'locations', file: show(section.locations), homeAssistant: show(cb.agentIds) });
    create().agent_ids = [...section.locations];
  }
  if (section.database !== undefined && section.database !== cb.includeDatabase) {
    changes.push({ key: 'database', label: 'database', file: String(section.database), homeAssistant: String(cb.includeDatabase) });
    create().include_database = section.database;
  }
  if (section.addons !== undefined) {
    const all = section.addons === 'all';
    const list = all ? null : section.addons;
    const same = all ? cb.includeAllAddons : !cb.includeAllAddons && sorted(list as string[]) === sorted(cb.includeAddons);
    if (!same) {
      changes.push({ key: 'addons', label: 'addons', file: all ? 'all' : show(list as string[]), homeAssistant: cb.includeAllAddons ? 'all' : show(cb.includeAddons) });
      create().include_all_addons = all;
      create().include_addons = all ? null : [...(list as string[])];
    }
  }
  if (section.folders !== undefined && sorted(section.folders) !== sorted(cb.includeFolders)) {
    changes.push({ key: 'folders', label: 'folders', file: show(section.folders), homeAssistant: show(cb.includeFolders) });
    create().include_folders = [...section.folders];
  }
  if (section.name !== undefined && (section.name ?? null) !== cb.name) {
    changes.push({ key: 'name', label: 'name', file: section.name ?? '(default)', homeAssistant: cb.name ?? '(default)' });
    create().name = section.name;
  }
  if (section.encryption_key !== undefined && (section.encryption_key ?? null) !== cb.password) {
    const describeKey = (k: string | null | undefined): string => (k ? 'a key' : 'none');
    const file = section.encryption_key && cb.password ? 'another key' : describeKey(section.encryption_key);
    changes.push({ key: 'encryption_key', label: 'encryption key', file, homeAssistant: describeKey(cb.password) });
    create().password = section.encryption_key;
  }
  if (section.retention !== undefined && !sameRetention(section.retention, config.retention)) {
    changes.push({ key: 'retention', label: 'retention', file: showRetention(section.retention), homeAssistant: showRetention(config.retention) });
    update.retention = { copies: section.retention.copies ?? null, days: section.retention.days ?? null };
  }
  for (const [agent, wanted] of Object.entries(section.per_location ?? {})) {
    const now = config.agents[agent];
    const agentUpdate: NonNullable<BackupConfigUpdate['agents']>[string] = {};
    if (wanted.protected !== undefined && wanted.protected !== (now?.protected ?? true)) {
      changes.push({ key: 'per_location', label: `per_location.${agent}.protected`, file: String(wanted.protected), homeAssistant: String(now?.protected ?? true) });
      agentUpdate.protected = wanted.protected;
    }
    if (wanted.retention !== undefined) {
      const same = wanted.retention === null ? (now?.retention ?? null) === null : now?.retention != null && sameRetention(wanted.retention, now.retention);
      if (!same) {
        const describe = (r: typeof wanted.retention | RetentionSetting | null | undefined): string => (r == null ? 'the global one' : showRetention(r));
        changes.push({ key: 'per_location', label: `per_location.${agent}.retention`, file: describe(wanted.retention), homeAssistant: describe(now?.retention) });
        agentUpdate.retention = wanted.retention === null ? null : { copies: wanted.retention.copies ?? null, days: wanted.retention.days ?? null };
      }
    }
    if (Object.keys(agentUpdate).length) (update.agents ??= {})[agent] = agentUpdate;
  }
  return { changes, update };
}

/** Home Assistant's settings as the section writes them (the key is left to the caller: it goes to secrets.yaml). */
export function sectionFromConfig(config: BackupManagerConfig): Omit<AutomaticSection, 'encryption_key'> {
  const cb = config.createBackup;
  const perLocation: NonNullable<AutomaticSection['per_location']> = {};
  for (const [agent, a] of Object.entries(config.agents)) {
    const entry: NonNullable<AutomaticSection['per_location']>[string] = {};
    if (a.protected !== null) entry.protected = a.protected;
    if (a.retention) entry.retention = { copies: a.retention.copies, days: a.retention.days };
    if (Object.keys(entry).length) perLocation[agent] = entry;
  }
  return {
    schedule: formatAutomaticSchedule(config.schedule),
    // None chosen yet (automatic backups never set up): the file leaves locations to Home Assistant.
    ...(cb.agentIds.length ? { locations: [...cb.agentIds] } : {}),
    database: cb.includeDatabase,
    ...(cb.includeAllAddons ? { addons: 'all' as const } : cb.includeAddons?.length ? { addons: [...cb.includeAddons] } : {}),
    ...(cb.includeFolders?.length
      ? { folders: cb.includeFolders.filter((f): f is (typeof AUTOMATIC_FOLDERS)[number] => (AUTOMATIC_FOLDERS as readonly string[]).includes(f)) }
      : {}),
    name: cb.name,
    retention: { copies: config.retention.copies, days: config.retention.days },
    ...(Object.keys(perLocation).length ? { per_location: perLocation } : {}),
  };
}
