// From a backup request to the exact Supervisor call as Auto Backup makes it
// (jcwillox/hass-auto-backup custom_components/auto_backup/manager.py @faaddd1c: the
// include/exclude algebra of AutoBackup.async_create_backup, the payload transforms and encryption
// of _async_create_backup), with the seed's known weaknesses fixed (duplicates, unknown names sent
// on, `encrypted` without a key silently unencrypted).
import type { Location, NewBackupOptions, NewPartialBackupOptions } from '../supervisor/client';
import type { Addon } from '../supervisor/schemas';
import { resolveAddons } from './addons';
import { SUPERVISOR_FILENAME_PATTERN, supervisorFileName } from './fileName';
import { ALL_BACKUP_FOLDERS, FOLDER_NAMES_HELP, resolveFolders, type BackupFolder } from './folders';
import { normalizeLocation, duplicateLocations, describeLocation } from './location';
import { backupName } from './name';
import { KEEP_DAYS_LIMIT, type BackupRequestInput } from './schema';
import { mixedShapesMessage } from './shape';
import { expandTemplate, zonedDate, type TemplateValues } from './template';

export interface PlanContext {
  /** `GET /addons`, in the Supervisor's order. */
  installedAddons: readonly Addon[];
  now: Date;
  /** Home Assistant's time zone (`GET /info`), for names. */
  timeZone: string | null | undefined;
  /** Home Assistant's default backup key (`create_backup.password`), if one is set up. */
  defaultKey: string | null | undefined;
  /** For `{ha_version}` in names. */
  haVersion?: string | null;
  /**
   * Send a readable `filename` when the request has none (default true). Supervisors older than
   * 2025.01.1 reject the key; pass false for them.
   */
  readableFileName?: boolean;
}

interface PlanCommon {
  /** `keep_days` as given; the expiry is stamped when the backup succeeds. */
  keepDays: number | null;
  downloadPaths: string[];
  /** Worth telling, not blocking: e.g. an unknown add-on that was left out. */
  warnings: string[];
  /** Each one blocks the backup: do not POST a plan with errors. Never contains a password or key. */
  errors: string[];
}

export type BackupPlan = PlanCommon &
  ({ endpoint: 'full'; label: 'full'; body: NewBackupOptions } | { endpoint: 'partial'; label: 'partial' | 'full with exclusions'; body: NewPartialBackupOptions });

/** What a partial backup holds; `homeassistant` is the Home Assistant configuration. */
interface PartialContent {
  label: 'partial' | 'full with exclusions';
  addons: string[];
  folders: Exclude<BackupFolder, 'homeassistant'>[];
  homeassistant: boolean;
}

/**
 * Plans one backup. `request` should have passed `backupRequestSchema`; the few rules that matter for
 * safety (mixed shapes, duplicate locations, keep_days) are checked again so that a request built in
 * code cannot skip them.
 */
export function planBackup(request: BackupRequestInput, context: PlanContext): BackupPlan {
  const warnings: string[] = [];
  const errors: string[] = [];
  const mixed = mixedShapesMessage(request);
  if (mixed) errors.push(mixed);
  if (!zonedDate(context.now, context.timeZone).zoneKnown) {
    warnings.push(`Unknown time zone '${context.timeZone ?? ''}': dates in the name use this machine's time zone.`);
  }

  const values: TemplateValues = { now: context.now, timeZone: context.timeZone, haVersion: context.haVersion };
  const name = backupName(request.name, values);
  errors.push(...name.errors);

  const body: NewBackupOptions = { name: name.text, compressed: request.compressed ?? true };
  const fileName = planFileName(request.filename, name.text, context, errors);
  if (fileName !== undefined) body.filename = fileName;
  const password = planPassword(request, context.defaultKey, errors);
  if (password !== undefined) body.password = password;
  const location = planLocation(request.location, errors);
  if (location !== undefined) body.location = location;
  if (request.exclude_database !== undefined) body.homeassistant_exclude_database = request.exclude_database;

  const keepDays = request.keep_days ?? null;
  if (keepDays !== null && !(Number.isFinite(keepDays) && Math.abs(keepDays) <= KEEP_DAYS_LIMIT)) {
    errors.push(`keep_days must be a number of days between -${KEEP_DAYS_LIMIT} and ${KEEP_DAYS_LIMIT}, not ${keepDays}.`);
  }
  const common = { keepDays, downloadPaths: unique(asList(request.download_path)), warnings, errors };

  const content = planContent(request, context.installedAddons, warnings, errors);
  if (content === 'full') return { ...common, endpoint: 'full', label: 'full', body };
  if (content.addons.length === 0 && content.folders.length === 0 && !content.homeassistant) {
    errors.push('Nothing to back up: the selection has no add-ons, no folders and not the Home Assistant configuration.');
  }
  const { label, ...selection } = content;
  return { ...common, endpoint: 'partial', label, body: { ...body, ...selection } };
}

interface Selection {
  addons: string[];
  folders: string[];
}

/** The request's include and exclude lists, whatever shape it used (Auto Backup's async_service_handler). */
export function selectionOf(request: BackupRequestInput): { include?: Selection; exclude?: Selection } {
  const of = (addons: string | string[] | undefined, folders: string | string[] | undefined): Selection => ({
    addons: asList(addons),
    folders: asList(folders),
  });
  const result: { include?: Selection; exclude?: Selection } = {};
  if (request.include) result.include = of(request.include.addons, request.include.folders);
  else if (request.include_addons !== undefined || request.include_folders !== undefined) result.include = of(request.include_addons, request.include_folders);
  else if (request.addons !== undefined || request.folders !== undefined) result.include = of(request.addons, request.folders);
  if (request.exclude) result.exclude = of(request.exclude.addons, request.exclude.folders);
  else if (request.exclude_addons !== undefined || request.exclude_folders !== undefined) result.exclude = of(request.exclude_addons, request.exclude_folders);
  return result;
}

/**
 * No include and no exclude → full. An include replaces the "everything" baseline; an exclude removes
 * from it. Exclusions that remove nothing (empty, or only unknown add-ons) also give a real full
 * backup: it is what the user gets anyway, and restores as a full one.
 */
function planContent(request: BackupRequestInput, installed: readonly Addon[], warnings: string[], errors: string[]): 'full' | PartialContent {
  const { include, exclude } = selectionOf(request);
  if (!include && !exclude) return 'full';

  const resolve = (selection: Selection, role: 'include' | 'exclude') => {
    const addons = resolveAddons(selection.addons, installed);
    for (const name of addons.unknown) {
      const effect = role === 'include' ? 'it is left out' : 'there is nothing to exclude';
      warnings.push(`Unknown add-on '${name}' in ${role}: no installed add-on has this name or a matching slug; ${effect}.`);
    }
    const folders = resolveFolders(selection.folders);
    for (const name of folders.unknown) errors.push(`Unknown folder '${name}' in ${role}: use ${FOLDER_NAMES_HELP}.`);
    return { addons: addons.slugs, folders: folders.folders };
  };

  const everything = { addons: installed.map((addon) => addon.slug), folders: [...ALL_BACKUP_FOLDERS] };
  const base = include ? resolve(include, 'include') : everything;
  const removed = exclude ? resolve(exclude, 'exclude') : { addons: [], folders: [] };
  const addons = base.addons.filter((slug) => !removed.addons.includes(slug));
  const folders = base.folders.filter((folder) => !removed.folders.includes(folder));

  if (!include && addons.length === everything.addons.length && folders.length === everything.folders.length) return 'full';
  return {
    label: include ? 'partial' : 'full with exclusions',
    addons,
    folders: folders.filter((folder): folder is Exclude<BackupFolder, 'homeassistant'> => folder !== 'homeassistant'),
    homeassistant: folders.includes('homeassistant'),
  };
}

/** A given password wins, else `encrypted` uses the default key (as _async_create_backup); no key is an error. */
function planPassword(request: BackupRequestInput, defaultKey: string | null | undefined, errors: string[]): string | undefined {
  if (request.password) return request.password;
  if (!request.encrypted) return undefined;
  if (defaultKey) return defaultKey;
  errors.push(
    "encrypted: true needs Home Assistant's default backup encryption key, but none is set up " +
      '(Settings → System → Backups → Backup settings). Set one up there, or give a password.',
  );
  return undefined;
}

function planLocation(location: string | null | (string | null)[] | undefined, errors: string[]): Location | Location[] | undefined {
  if (location === undefined) return undefined;
  if (!Array.isArray(location)) return normalizeLocation(location);
  for (const duplicate of duplicateLocations(location)) errors.push(`location: ${describeLocation(duplicate)} is listed more than once.`);
  if (location.length === 0) errors.push('location: the list is empty.');
  return location.map(normalizeLocation);
}

function planFileName(template: string | undefined, name: string, context: PlanContext, errors: string[]): string | undefined {
  if (template === undefined) return context.readableFileName === false ? undefined : supervisorFileName(name, context.now, context.timeZone);
  const expanded = expandTemplate(template, { now: context.now, timeZone: context.timeZone, haVersion: context.haVersion });
  errors.push(...expanded.errors);
  if (!SUPERVISOR_FILENAME_PATTERN.test(expanded.text)) errors.push(`filename '${expanded.text}' must end in .tar and contain no / or \\.`);
  return expanded.text;
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
