// `./backup.json` (or the old `./snapshot.json`) of a backup archive, validated and normalized the
// way the Supervisor's SCHEMA_BACKUP does (home-assistant/supervisor supervisor/backups/validate.py
// @090ef31e): old key sets (no `version`, no `supervisor_version`, string `protected`,
// `homeassistant` with `version: null`, `"homeassistant"` in `folders`, legacy `crypto`/`docker`)
// and new ones are read alike; unknown keys are kept.
//
// The Supervisor writes backup.json LAST, but the outer tar is plain, so it is found by walking the
// headers (random access) and only its own bytes are read.
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import * as z from 'zod';
import { ArchiveError, messageOf } from './errors';
import { scanOuterTarStrict } from './outerTar';
import type { OuterMember } from './outerTar';
import { FileSource } from './randomAccess';
import type { RandomAccessSource } from './randomAccess';

/** Member names of the metadata, in the order the Supervisor looks them up. */
export const METADATA_NAMES = ['snapshot.json', 'backup.json'] as const;
const MAX_METADATA_BYTES = 4 * 1024 * 1024;

const TRUE_STRINGS = ['1', 'true', 'yes', 'on', 'enable'];
const FALSE_STRINGS = ['0', 'false', 'no', 'off', 'disable'];

/** voluptuous `vol.Boolean()`. */
const boolish = z.union([
  z.boolean(),
  z.number().transform((n) => n !== 0),
  z
    .string()
    .refine((s) => TRUE_STRINGS.includes(s.toLowerCase()) || FALSE_STRINGS.includes(s.toLowerCase()), { error: 'expected a boolean' })
    .transform((s) => TRUE_STRINGS.includes(s.toLowerCase())),
]);

/** Versions are strings; old files sometimes hold numbers. */
const versionText = z.union([z.string(), z.number().transform(String)]);

const addonSchema = z.looseObject({
  slug: z.string().min(1),
  name: z.string(),
  version: versionText,
  size: z.coerce.number().optional().default(0),
});

const homeAssistantSchema = z
  .looseObject({
    version: versionText.nullish(),
    size: z.coerce.number().nullish(),
    exclude_database: boolish.nullish(),
  })
  .nullish()
  // v1 quirk: an object with `version: null` means "no Home Assistant in this backup".
  .transform((ha) => (ha == null || ha.version == null ? null : { ...ha, version: ha.version, size: ha.size ?? 0, exclude_database: ha.exclude_database ?? false }));

export const backupJsonSchema = z.looseObject({
  version: z
    .union([z.literal(1), z.literal(2), z.enum(['1', '2']).transform(Number)])
    .optional()
    .transform((v) => (v === undefined ? 1 : v)),
  slug: z.string().min(1),
  name: z.string(),
  date: z.string().min(1),
  type: z.enum(['full', 'partial']),
  supervisor_version: versionText.nullish().transform((v) => v ?? '2022.08.3'),
  compressed: boolish.nullish().transform((v) => v ?? true),
  // Legacy: anything but a boolean (an old password hash string) means protected.
  protected: z
    .unknown()
    .optional()
    .transform((v) => (v === undefined || v === null ? false : typeof v === 'boolean' ? v : true)),
  homeassistant: homeAssistantSchema,
  folders: z
    .array(z.string())
    .nullish()
    .transform((f) => (f ?? []).filter((name) => name !== 'homeassistant')),
  addons: z
    .array(addonSchema)
    .nullish()
    .transform((a) => a ?? []),
  repositories: z
    .array(z.string())
    .nullish()
    .transform((r) => r ?? []),
  extra: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((e) => e ?? {}),
  /** Legacy (removed by Supervisor ≥ 2026.03.3): "aes128" for protected backups. */
  crypto: z.string().nullish(),
});

/** backup.json after validation: defaults filled in, legacy quirks normalized, unknown keys kept. */
export type BackupJson = z.output<typeof backupJsonSchema>;
export type BackupJsonAddon = BackupJson['addons'][number];

/** Validate raw JSON; throws `not_a_backup` naming the first problem. */
export function parseBackupJson(raw: unknown, where: string): BackupJson {
  const parsed = backupJsonSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue?.path.length ? issue.path.join('.') : '';
  const missing = issue?.code === 'invalid_type' && issue.input === undefined;
  const what = missing ? `lacks ${at || 'required fields'}` : `has an invalid ${at || 'content'} (${issue?.message ?? 'invalid'})`;
  throw new ArchiveError('not_a_backup', `${where}: backup.json ${what}`, { file: where });
}

/** The metadata member among the outer members, if any. */
export function findMetadataMember(members: OuterMember[]): OuterMember | undefined {
  for (const name of METADATA_NAMES) {
    const m = members.find((x) => x.name === name && (x.typeflag === '0' || x.typeflag === '7'));
    if (m) return m;
  }
  return undefined;
}

/** Read and validate backup.json from an open backup file whose members are known. */
export async function readMetadata(fh: FileHandle, members: OuterMember[], file: string): Promise<BackupJson | undefined> {
  // The size is not used here: the member's range comes from the walk that found it.
  return readMetadataFrom(new FileSource(fh, Number.MAX_SAFE_INTEGER, file), members);
}

/** Read and validate backup.json from any source whose members are known (only its own bytes are read). */
export async function readMetadataFrom(source: RandomAccessSource, members: OuterMember[], signal?: AbortSignal): Promise<BackupJson | undefined> {
  const file = source.describe;
  const member = findMetadataMember(members);
  if (!member) return undefined;
  if (member.size > MAX_METADATA_BYTES) {
    throw new ArchiveError('not_a_backup', `${file}: ${member.name} is too large (${member.size} bytes) to be backup metadata`, { file });
  }
  const bytes = await source.read(member.dataOffset, member.size, signal);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ArchiveError('not_a_backup', `${file}: ${member.name} is not valid JSON (${messageOf(e)})`, { file, cause: e });
  }
  return parseBackupJson(raw, file);
}

/** Open a file for reading, turning file-system errors into ArchiveErrors. */
export async function openBackupFile(file: string): Promise<{ fh: FileHandle; size: number }> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ArchiveError(code === 'ENOENT' ? 'not_found' : 'io', `Cannot open ${file}: ${messageOf(e)}`, { file, cause: e });
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) throw new ArchiveError('not_a_backup', `${file} is not a file`, { file });
    return { fh, size: stat.size };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/**
 * Read `./backup.json` (or `./snapshot.json`) of a backup file. Only the tar headers and the metadata
 * itself are read. Throws an ArchiveError (`not_a_backup` when the file is no tar or has no valid
 * metadata, `corrupt` when the tar is damaged or truncated).
 */
export async function readBackupJson(file: string, signal?: AbortSignal): Promise<BackupJson> {
  const { fh, size } = await openBackupFile(file);
  try {
    const members = await scanOuterTarStrict(fh, size, file, signal);
    const meta = await readMetadata(fh, members, file);
    if (!meta) throw new ArchiveError('not_a_backup', `${file} has no backup.json: it is not a Home Assistant backup`, { file });
    return meta;
  } finally {
    await fh.close();
  }
}
