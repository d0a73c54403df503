// Backup archives in the real Supervisor layout (≥ 2024.02): a plain outer tar whose members
// are the inner archives `<id>.tar.gz` (no "./"), each SecureTar v2 encrypted when a password
// is set, and `./backup.json` written last.
import { createHash } from 'node:crypto';
import { pyGzip } from './gzip';
import { PyFloat, stringifyPyJson } from './pyJson';
import { encryptSecureTarV2 } from './secureTarV2';
import { buildTar, listTarFileMembers, readTarFileMember, TarFormatError } from './tar';
import type { TarInput } from './tar';

export interface BackupJsonAddon {
  slug: string;
  name: string;
  version: string;
  size: number;
}

export interface BackupJsonHomeAssistant {
  version: string;
  exclude_database: boolean;
  size: number;
}

/** backup.json as the Supervisor writes it (version 2). */
export interface BackupJson {
  slug: string;
  version: number;
  name: string;
  date: string;
  type: 'full' | 'partial';
  supervisor_version: string;
  extra: Record<string, unknown>;
  compressed: boolean;
  protected: boolean;
  homeassistant: BackupJsonHomeAssistant | null;
  folders: string[];
  addons: BackupJsonAddon[];
  repositories: string[];
}

/** Compact JSON like orjson; `size` fields print as floats, and so do floats a client put in `extra`. */
export function serializeBackupJson(json: BackupJson): Buffer {
  const withFloats = {
    ...json,
    homeassistant: json.homeassistant ? { ...json.homeassistant, size: new PyFloat(json.homeassistant.size) } : null,
    addons: json.addons.map((a) => ({ ...a, size: new PyFloat(a.size) })),
  };
  return Buffer.from(stringifyPyJson(withFloats), 'utf8');
}

/** Inner member name for a component id ("homeassistant", add-on slug, folder). */
export function innerMemberName(id: string, compressed: boolean): string {
  return `${id.replace(/\//g, '_')}.tar${compressed ? '.gz' : ''}`;
}

export interface InnerPart {
  memberName: string;
  /** Bytes stored in the outer tar (encrypted when protected). */
  data: Buffer;
  /** Seconds since the epoch, float: written as a PAX mtime like Python does. */
  mtime: number;
}

export interface InnerPartOptions {
  compressed: boolean;
  password: string | null;
  mtime: number;
  /** Fixed salt for reproducible archives; random otherwise. */
  salt?: Buffer;
}

/** Build one inner archive from its members. */
export function makeInnerPart(id: string, members: TarInput[], opts: InnerPartOptions): InnerPart {
  const memberName = innerMemberName(id, opts.compressed);
  const tar = buildTar(members);
  const plain = opts.compressed ? pyGzip(tar, memberName.replace(/\.gz$/, ''), opts.mtime) : tar;
  const data = opts.password ? encryptSecureTarV2(plain, opts.password, opts.salt) : plain;
  return { memberName, data, mtime: opts.mtime };
}

/** A salt derived from the backup slug and member, for seeded (reproducible) archives. */
export function seededSalt(slug: string, memberName: string): Buffer {
  return createHash('sha256').update(`salt:${slug}:${memberName}`).digest().subarray(0, 16);
}

/** The outer tar: inner parts in order, then ./backup.json (integer mtime, no PAX record). */
export function assembleArchive(parts: InnerPart[], json: BackupJson, jsonMtime: number): Buffer {
  return buildTar([
    ...parts.map((p): TarInput => ({ name: p.memberName, type: 'file', mode: 0o644, mtime: p.mtime, data: p.data })),
    { name: './backup.json', type: 'file', mode: 0o644, mtime: Math.floor(jsonMtime), data: serializeBackupJson(json) },
  ]);
}

/** Supervisor ≥ 2026.03.3 stores mounts/registries in supervisor.tar(.gz) (plain TarInfo, mtime 0). */
export function supervisorConfigMembers(mountsJson: unknown): TarInput[] {
  return [
    { name: 'mounts.json', type: 'file', mode: 0o644, mtime: 0, data: Buffer.from(JSON.stringify(mountsJson)) },
    { name: 'docker.json', type: 'file', mode: 0o644, mtime: 0, data: Buffer.from(JSON.stringify({ registries: {} })) },
  ];
}

// ---------------------------------------------------------------- reading (SCHEMA_BACKUP subset)

/** Normalized metadata of an archive, as the Supervisor keeps it after validating backup.json. */
export interface BackupMeta {
  slug: string;
  name: string;
  date: string;
  type: 'full' | 'partial';
  supervisorVersion: string;
  compressed: boolean;
  protected: boolean;
  homeassistant: { version: string; size: number; exclude_database: boolean } | null;
  folders: string[];
  addons: BackupJsonAddon[];
  repositories: string[];
  extra: Record<string, unknown>;
  /** Every key of the file after normalization, compared when the same slug is found twice. */
  data: Record<string, unknown>;
}

const FOLDERS = ['share', 'addons/local', 'ssl', 'media'];

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asBool(v: unknown, dflt: boolean): boolean | undefined {
  if (v === undefined) return dflt;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (['1', 'true', 'yes', 'on', 'enable'].includes(s)) return true;
    if (['0', 'false', 'no', 'off', 'disable'].includes(s)) return false;
    return undefined;
  }
  return Boolean(v);
}

function version(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** Validate/normalize backup.json like SCHEMA_BACKUP; null when the Supervisor would reject it. */
export function normalizeBackupJson(raw: unknown): BackupMeta | null {
  if (!isDict(raw)) return null;
  const { slug, name, date, type } = raw;
  if (typeof slug !== 'string' || typeof name !== 'string' || typeof date !== 'string') return null;
  if (type !== 'full' && type !== 'partial') return null;
  const ver = raw.version === undefined ? 1 : Number(raw.version);
  if (ver !== 1 && ver !== 2) return null;
  const supervisorVersion = raw.supervisor_version === undefined ? '2022.08.3' : version(raw.supervisor_version);
  if (supervisorVersion === undefined) return null;
  const compressed = asBool(raw.compressed, true);
  // Legacy: a non-bool "protected" counts as true.
  const isProtected = raw.protected === undefined ? false : typeof raw.protected === 'boolean' ? raw.protected : true;
  if (compressed === undefined) return null;

  let homeassistant: BackupMeta['homeassistant'] = null;
  if (isDict(raw.homeassistant) && raw.homeassistant.version !== undefined && raw.homeassistant.version !== null) {
    const haVersion = version(raw.homeassistant.version);
    const size = raw.homeassistant.size === undefined ? 0 : Number(raw.homeassistant.size);
    const excl = asBool(raw.homeassistant.exclude_database, false);
    if (haVersion === undefined || Number.isNaN(size) || excl === undefined) return null;
    homeassistant = { version: haVersion, size, exclude_database: excl };
  } else if (raw.homeassistant !== undefined && raw.homeassistant !== null && !isDict(raw.homeassistant)) {
    return null;
  }

  const foldersRaw = raw.folders === undefined ? [] : raw.folders;
  if (!Array.isArray(foldersRaw)) return null;
  const folders = foldersRaw.filter((f) => f !== 'homeassistant');
  if (!folders.every((f): f is string => typeof f === 'string' && FOLDERS.includes(f)) || new Set(folders).size !== folders.length) return null;

  const addonsRaw = raw.addons === undefined ? [] : raw.addons;
  if (!Array.isArray(addonsRaw)) return null;
  const addons: BackupJsonAddon[] = [];
  for (const a of addonsRaw) {
    if (!isDict(a) || typeof a.slug !== 'string' || typeof a.name !== 'string') return null;
    const v = version(a.version);
    const size = a.size === undefined ? 0 : Number(a.size);
    if (v === undefined || Number.isNaN(size)) return null;
    addons.push({ slug: a.slug, name: a.name, version: v, size });
  }
  if (new Set(addons.map((a) => a.slug)).size !== addons.length) return null;

  const repositories = raw.repositories === undefined ? [] : raw.repositories;
  if (!Array.isArray(repositories) || !repositories.every((r) => typeof r === 'string')) return null;
  const extra = raw.extra === undefined ? {} : raw.extra;
  if (!isDict(extra)) return null;

  const data: Record<string, unknown> = { ...raw };
  delete data.crypto;
  Object.assign(data, { version: ver, supervisor_version: supervisorVersion, compressed, protected: isProtected, homeassistant, folders, addons, repositories, extra });

  return { slug, name, date, type, supervisorVersion, compressed, protected: isProtected, homeassistant, folders, addons, repositories, extra, data };
}

export interface LoadedArchive {
  meta: BackupMeta;
  sizeBytes: number;
}

/** Read `./backup.json` (or legacy `./snapshot.json`) from a backup file; null if not a valid backup. */
export async function loadBackupFile(file: string, sizeBytes: number): Promise<LoadedArchive | null> {
  try {
    const members = await listTarFileMembers(file);
    // Looked up literally, like tarfile.extractfile("./backup.json") in the Supervisor.
    const member = members.find((m) => m.name === './snapshot.json') ?? members.find((m) => m.name === './backup.json');
    if (!member) return null;
    const raw = JSON.parse((await readTarFileMember(file, member)).toString('utf8')) as unknown;
    const meta = normalizeBackupJson(raw);
    return meta ? { meta, sizeBytes } : null;
  } catch (e) {
    if (e instanceof TarFormatError || e instanceof SyntaxError) return null;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
