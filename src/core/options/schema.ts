// The backup request: "what to back up and how", with every option of Auto Backup's `backup`,
// `backup_full` and `backup_partial` services (jcwillox/hass-auto-backup
// custom_components/auto_backup/__init__.py SCHEMA_BACKUP* @faaddd1c). Parsing only checks; turning
// a request into a Supervisor call is plan.ts. No transforms, so
// `z.toJSONSchema(backupRequestSchema, { io: 'input' })` describes it for editors (refinements
// below are checked at parse time only; the shape rule is also written into the JSON Schema through
// `meta`).
import * as z from 'zod';
import { duplicateLocations, describeLocation } from './location';
import { SELECTION_SHAPES, mixedShapesMessage, type SelectionShapeName } from './shape';
import { closestWord } from '../format/suggest';
import { checkTemplate } from './template';

/** ±100 years: far beyond any retention, and keeps expiry dates inside what a Date can hold. */
export const KEEP_DAYS_LIMIT = 36_500;

const FILENAME_PATTERN = /^[^\\/]+\.tar$/;

const names = (what: string) => z.union([z.string(), z.array(z.string())], { error: `expected ${what}: a string or a list of strings` });

const selectionObject = z
  .strictObject(
    {
      addons: names('add-ons').optional().describe('Add-ons by name (any case) or slug glob (core_*, *grafana).'),
      folders: names('folders').optional().describe('Folders: ssl, share, media, addons (local add-ons), config (Home Assistant configuration).'),
    },
    { error: unknownKeysError(['addons', 'folders']) },
  )
  .describe('{addons, folders}');

const location = z.string().nullable();

const baseFields = {
  name: z
    .string()
    .nullable()
    .optional()
    .describe('Backup name; strftime codes (%Y-%m-%d, %A…) in the Home Assistant time zone and {ha_version}. Empty: "Monday, Jan 06, 2025".'),
  password: z.string().nullable().optional().describe('Password for the backup; empty or null means none.'),
  encrypted: z.boolean().default(false).describe("Encrypt with Home Assistant's default backup key (ignored when a password is given)."),
  keep_days: z
    .number()
    .min(-KEEP_DAYS_LIMIT)
    .max(KEEP_DAYS_LIMIT)
    .nullable()
    .optional()
    .describe('Delete the backup this many days after it succeeded (fractions and negative values allowed); null keeps it.'),
  download_path: names('directories').optional().describe('Directories to copy the finished backup to.'),
  exclude_database: z.boolean().optional().describe("Leave Home Assistant's database out; absent uses the Supervisor's setting."),
  compressed: z.boolean().default(true).describe('Compress the archives inside the backup.'),
  location: z
    .union([location, z.array(location).min(1)], { error: 'expected a location: a mount name, null or "/backup" for local storage, or a list of them' })
    .optional()
    .describe('Where to store it: a backup mount name, or "/backup" / ".local" / null for local storage; a list stores copies.'),
  filename: z
    .string()
    .regex(FILENAME_PATTERN, { error: 'must be a file name ending in .tar, without / or \\' })
    .optional()
    .describe('File name on the Supervisor (same codes as name), e.g. "nightly_%Y-%m-%d.tar".'),
};

const selectionFields = {
  include: selectionObject.optional().describe('Back up only these (and nothing else).'),
  exclude: selectionObject.optional().describe('Leave these out (of everything, or of include).'),
  include_addons: names('add-ons').optional(),
  include_folders: names('folders').optional(),
  exclude_addons: names('add-ons').optional(),
  exclude_folders: names('folders').optional(),
  addons: names('add-ons').optional().describe('backup_partial style: the add-ons to include.'),
  folders: names('folders').optional().describe('backup_partial style: the folders to include.'),
};

const fields = { ...baseFields, ...selectionFields };

export const BACKUP_REQUEST_KEYS = Object.keys(fields) as (keyof typeof fields)[];

export const backupRequestSchema = z
  .strictObject(fields, { error: unknownKeysError(BACKUP_REQUEST_KEYS) })
  .superRefine((request, ctx) => {
    const mixed = mixedShapesMessage(request);
    if (mixed) ctx.addIssue({ code: 'custom', message: mixed, path: [] });
    const locations = Array.isArray(request.location) ? request.location : [];
    for (const duplicate of duplicateLocations(locations)) {
      ctx.addIssue({ code: 'custom', message: `${describeLocation(duplicate)} is listed more than once`, path: ['location'] });
    }
    for (const key of ['name', 'filename'] as const) {
      for (const message of checkTemplate(request[key] ?? '')) ctx.addIssue({ code: 'custom', message, path: [key] });
    }
  })
  .meta({ not: { anyOf: mixedShapePairs().map((pair) => ({ required: pair })) } });

/** The request after parsing: defaults applied (`encrypted`, `compressed`). */
export type BackupRequest = z.output<typeof backupRequestSchema>;
/** What may be written or built in code: the same, with defaults optional. */
export type BackupRequestInput = z.input<typeof backupRequestSchema>;

export type ParseResult = { success: true; request: BackupRequest } | { success: false; errors: string[] };

/** Parses a request and words each problem as `path: message`. */
export function parseBackupRequest(input: unknown): ParseResult {
  const result = backupRequestSchema.safeParse(input);
  if (result.success) return { success: true, request: result.data };
  return { success: false, errors: result.error.issues.map(formatIssue) };
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
  return path ? `${path}: ${issue.message}` : issue.message;
}

function unknownKeysError(allowed: readonly string[]) {
  return (issue: z.core.$ZodRawIssue): string | undefined => {
    if (issue.code !== 'unrecognized_keys') return undefined;
    return issue.keys.map((key) => unknownKeyMessage(key, allowed)).join('; ');
  };
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = closestWord(key, allowed);
  return `unknown option '${key}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; allowed: ${allowed.join(', ')}`;
}

/** Every pair of keys from two different shapes, for the JSON Schema's "not both" rule. */
function mixedShapePairs(): [string, string][] {
  const shapes = Object.keys(SELECTION_SHAPES) as SelectionShapeName[];
  const pairs: [string, string][] = [];
  shapes.forEach((shape, i) => {
    for (const other of shapes.slice(i + 1)) {
      for (const a of SELECTION_SHAPES[shape]) for (const b of SELECTION_SHAPES[other]) pairs.push([a, b]);
    }
  });
  return pairs;
}
