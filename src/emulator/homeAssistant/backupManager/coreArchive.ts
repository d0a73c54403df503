// Core's own backup archive (home-assistant/core homeassistant/components/backup/manager.py,
// CoreBackupReaderWriter._mkdir_and_generate_backup_contents): an uncompressed outer tar holding
// `./backup.json` first, then `./homeassistant.tar.gz`, a gzip tar of the config folder under `data/`,
// SecureTar encrypted when a password is given. backup.json has no addons/folders/crypto keys.
import { createDecipheriv, createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { homeAssistantMembers } from '../../content';
import { pyGzip } from '../../gzip';
import { deriveIv, encryptSecureTarV2, isSecureTar, passwordToKey, secureTarV2PasswordMatches } from '../../secureTarV2';
import { buildTar, listTarMembers } from '../../tar';
import type { TarInput, TarMember } from '../../tar';

export const BACKUP_JSON = './backup.json';
export const HOMEASSISTANT_MEMBER = './homeassistant.tar.gz';

/** backup.json as Core writes it (keys in Core's order). */
export interface CoreBackupJson {
  compressed: boolean;
  date: string;
  extra: Record<string, unknown>;
  homeassistant?: { exclude_database: boolean; version: string } | null;
  name: string;
  protected: boolean;
  slug: string;
  type: string;
  version: number;
  [key: string]: unknown;
}

/** `_generate_backup_id` (manager.py): sha1 of "<date> - <name>" lower-cased, first 8 hex digits. */
export function coreBackupId(date: string, name: string): string {
  return createHash('sha1').update(`${date} - ${name}`.toLowerCase()).digest('hex').slice(0, 8);
}

/** `suggested_filename` (util.py): "_".join(f"{name} {date:%Y-%m-%d %H.%M %S%f}.tar".split()). */
export function suggestedFilename(name: string, isoDate: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/.exec(isoDate);
  const stamp = m ? `${m[1]} ${m[2]}.${m[3]} ${m[4]}${(m[5] ?? '').padEnd(6, '0')}` : isoDate;
  return `${name} ${stamp}.tar`.split(/\s+/).filter(Boolean).join('_');
}

/** homeassistant/util slugify, as far as backup names need it (Content-Disposition file names). */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug || 'unknown';
}

export interface CoreArchiveInput {
  backupId: string;
  name: string;
  date: string;
  haVersion: string;
  database: boolean;
  password: string | null;
  extra: Record<string, unknown>;
  payload: Buffer;
  /** Seconds since the epoch for the members. */
  mtime: number;
}

export function coreBackupJson(input: CoreArchiveInput): CoreBackupJson {
  return {
    compressed: true,
    date: input.date,
    extra: input.extra,
    homeassistant: { exclude_database: !input.database, version: input.haVersion },
    name: input.name,
    protected: input.password !== null,
    slug: input.backupId,
    type: 'partial',
    version: 2,
  };
}

/** The config folder as Core archives it: `tar.add(config_dir, arcname="data")` (no homeassistant.json, which is the Supervisor's). */
function configMembers(input: CoreArchiveInput): TarInput[] {
  const uuid = createHash('md5').update(`uuid:${input.backupId}`).digest('hex');
  return homeAssistantMembers({ version: input.haVersion, excludeDatabase: !input.database, payload: input.payload, stamp: { mtime: input.mtime }, uuid }).filter(
    (m) => m.name === 'data' || m.name.startsWith('data/'),
  );
}

function outerTar(json: Buffer, inner: Buffer, mtime: number): Buffer {
  return buildTar([
    { name: BACKUP_JSON, type: 'file', mode: 0o644, mtime, data: json },
    { name: HOMEASSISTANT_MEMBER, type: 'file', mode: 0o644, mtime, data: inner },
  ]);
}

/** A whole archive, as `backup.local` stores it. */
export function buildCoreArchive(input: CoreArchiveInput): Buffer {
  const gz = pyGzip(buildTar(configMembers(input)), 'homeassistant.tar', input.mtime);
  const inner = input.password === null ? gz : encryptSecureTarV2(gz, input.password);
  return outerTar(Buffer.from(JSON.stringify(coreBackupJson(input)), 'utf8'), inner, input.mtime);
}

export class CoreArchiveError extends Error {}

function member(members: TarMember[], name: string): TarMember | undefined {
  const bare = name.replace(/^\.\//, '');
  return members.find((m) => m.name === name || m.name === bare);
}

/** True when the archive holds only what Core writes (backup.json and homeassistant.tar[.gz]): no add-ons or folders. */
export function isCoreOnly(members: TarMember[]): boolean {
  const core = new Set([BACKUP_JSON, HOMEASSISTANT_MEMBER, './homeassistant.tar'].map((n) => n.replace(/^\.\//, '')));
  return members.every((m) => core.has(m.name.replace(/^\.\//, '')));
}

export async function readCoreArchive(archive: Buffer): Promise<{ json: CoreBackupJson; inner: Buffer | null; members: TarMember[] }> {
  const members = await listTarMembers(archive);
  const jsonMember = member(members, BACKUP_JSON);
  if (!jsonMember) throw new CoreArchiveError('Backup does not contain backup.json');
  const raw = JSON.parse(archive.subarray(jsonMember.dataOffset, jsonMember.dataOffset + jsonMember.size).toString('utf8')) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CoreArchiveError('Invalid backup.json');
  const json = raw as CoreBackupJson;
  if (typeof json.slug !== 'string' || typeof json.name !== 'string' || typeof json.date !== 'string') throw new CoreArchiveError('Invalid backup.json');
  const ha = member(members, HOMEASSISTANT_MEMBER) ?? member(members, './homeassistant.tar');
  return { json, inner: ha ? archive.subarray(ha.dataOffset, ha.dataOffset + ha.size) : null, members };
}

/** util.validate_password: false when the archive is protected and the password does not open homeassistant.tar.gz. */
export async function passwordOpens(archive: Buffer, password: string | null): Promise<boolean> {
  const { json, inner } = await readCoreArchive(archive);
  if (!json.protected) return true;
  if (!inner || password === null) return false;
  return secureTarV2PasswordMatches(inner, password);
}

/** Python json.dumps with its default separators (", " and ": "), as util.decrypt_backup rewrites backup.json. */
export function pyJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pyJsonDumps(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function decryptV2(inner: Buffer, password: string): Buffer {
  const key = passwordToKey(password);
  const decipher = createDecipheriv('aes-128-cbc', key, deriveIv(key, inner.subarray(32, 48)));
  return Buffer.concat([decipher.update(inner.subarray(48)), decipher.final()]);
}

/**
 * util.decrypt_backup: the same archive with backup.json saying `"protected": false` and the inner
 * archive decrypted. `IncorrectPassword` when the password does not open it; the parts written
 * before that point are given to `head` (the download streams them before it stops).
 */
export async function decryptCoreArchive(archive: Buffer, password: string): Promise<{ head: Buffer; archive: Buffer | null }> {
  const { json, inner } = await readCoreArchive(archive);
  const mtime = Math.floor(Date.parse(json.date) / 1000) || 0;
  const jsonBytes = Buffer.from(pyJsonDumps({ ...json, protected: false }), 'utf8');
  const head = buildTar([{ name: BACKUP_JSON, type: 'file', mode: 0o644, mtime, data: jsonBytes }]).subarray(0, 1024);
  if (!inner || !isSecureTar(inner) || !secureTarV2PasswordMatches(inner, password)) return { head, archive: null };
  return { head, archive: outerTar(jsonBytes, decryptV2(inner, password), mtime) };
}

/** Encrypts a plain archive's inner tar (an agent configured as protected receives it this way). */
export async function encryptCoreArchive(archive: Buffer, password: string): Promise<Buffer> {
  const { json, inner } = await readCoreArchive(archive);
  if (json.protected || !inner) return archive;
  const mtime = Math.floor(Date.parse(json.date) / 1000) || 0;
  return outerTar(Buffer.from(JSON.stringify({ ...json, protected: true }), 'utf8'), encryptSecureTarV2(inner, password), mtime);
}

/** The files of the config folder in a (decrypted) archive: path below `data/` → contents. */
export async function configFiles(archive: Buffer, password: string | null): Promise<Map<string, Buffer>> {
  const { json, inner } = await readCoreArchive(archive);
  if (!inner) return new Map();
  const gz = json.protected && password !== null ? decryptV2(inner, password) : inner;
  const tar = gunzipSync(gz);
  const files = new Map<string, Buffer>();
  for (const m of await listTarMembers(tar)) {
    if (m.typeflag !== '0' && m.typeflag !== '\0' && m.typeflag !== '') continue;
    if (!m.name.startsWith('data/')) continue;
    files.set(m.name.slice('data/'.length), Buffer.from(tar.subarray(m.dataOffset, m.dataOffset + m.size)));
  }
  return files;
}
