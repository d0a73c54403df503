// Finding a backup's archive in a folder the machine can read (the add-on maps the Supervisor's
// /backup; a desktop may mount the Samba share): `<slug>.tar` first, then any `*.tar` whose
// backup.json names the slug (newer Supervisors name files after the backup).
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { readBackupJson } from './backupJson';

/** backup.json slugs of files already looked at, keyed by path, size and mtime. */
const seen = new Map<string, string | null>();

async function slugOf(file: string, signal?: AbortSignal): Promise<string | null> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return null;
  const key = `${file}\0${info.size}\0${info.mtimeMs}`;
  const known = seen.get(key);
  if (known !== undefined) return known;
  let slug: string | null = null;
  try {
    slug = (await readBackupJson(file, signal)).slug;
  } catch {
    // Not a readable backup: never a match.
  }
  seen.set(key, slug);
  return slug;
}

/** The path of the backup `slug` in `dir`, or undefined when the folder is not readable or lacks it. */
export async function findBackupFile(dir: string, slug: string, signal?: AbortSignal): Promise<string | undefined> {
  const direct = path.join(dir, `${slug}.tar`);
  const named = await slugOf(direct, signal);
  // `<slug>.tar` is that backup unless its backup.json names another one; a damaged file is still
  // the Supervisor's copy (verifying it must report the damage, not read some other copy).
  if (named === slug || (named === null && (await stat(direct).catch(() => undefined))?.isFile())) return direct;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (!name.endsWith('.tar') || name === `${slug}.tar`) continue;
    const file = path.join(dir, name);
    if ((await slugOf(file, signal)) === slug) return file;
  }
  return undefined;
}
