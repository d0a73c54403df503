// Writing one file from a backup into the Home Assistant config folder, safely: the target must be
// inside the folder, no existing part of its path may be a symbolic link (never followed), and the
// bytes go to a temporary name first, so the file is either the old one or the complete new one.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export class RestoreRefusedError extends Error {
  override readonly name = 'RestoreRefusedError';
}

export interface RestoreTarget {
  /** Absolute path of the file to write. */
  target: string;
  /** The file is there now (it will be replaced). */
  exists: boolean;
  /** Permission bits of the current file. */
  mode?: number;
}

function isErrno(e: unknown, code: string): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === code;
}

/** Where `rel` (POSIX, relative to the config folder) would be written, after every check. */
export async function resolveRestoreTarget(root: string, rel: string): Promise<RestoreTarget> {
  const segments = rel.split('/');
  if (rel === '' || rel.startsWith('/') || /^[A-Za-z]:/.test(rel) || rel.includes('\\') || rel.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new RestoreRefusedError(`"${rel}" is not a plain path inside the config folder`);
  }
  const base = path.resolve(root);
  const target = path.join(base, ...segments);
  const back = path.relative(base, target);
  if (back.startsWith('..') || path.isAbsolute(back)) throw new RestoreRefusedError(`"${rel}" would be written outside ${base}`);

  let current = base;
  for (let i = 0; i < segments.length; i++) {
    current = path.join(current, segments[i]!);
    const last = i === segments.length - 1;
    let info;
    try {
      info = await lstat(current);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return { target, exists: false };
      throw e;
    }
    if (info.isSymbolicLink()) throw new RestoreRefusedError(`${current} is a symbolic link; links are never followed when restoring`);
    if (!last && !info.isDirectory()) throw new RestoreRefusedError(`${current} is not a folder`);
    if (last && !info.isFile()) throw new RestoreRefusedError(`${current} exists and is not a regular file`);
    if (last) return { target, exists: true, mode: info.mode & 0o7777 };
  }
  throw new RestoreRefusedError(`"${rel}" is empty`);
}

/** Copies the current file to `copy` (never overwriting one), so the restore can be undone. */
export async function keepCopy(target: string, copy: string): Promise<void> {
  await mkdir(path.dirname(copy), { recursive: true });
  await copyFile(target, copy, constants.COPYFILE_EXCL);
}

/**
 * Writes `bytes` to the checked target: a temporary file beside it (created exclusively, so an
 * existing name or link is never written through), then a rename over the target.
 */
export async function writeRestoredFile(t: RestoreTarget, bytes: Uint8Array, fallbackMode: number): Promise<void> {
  const dir = path.dirname(t.target);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(t.target)}.${randomBytes(4).toString('hex')}.restoring`);
  try {
    await writeFile(temp, bytes, { flag: 'wx', mode: t.mode ?? fallbackMode });
    // The target may have changed since the check: look once more right before the rename.
    let now;
    try {
      now = await lstat(t.target);
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) throw e;
    }
    if (now && !now.isFile()) throw new RestoreRefusedError(`${t.target} is no longer a regular file; nothing was written`);
    // It appeared after the check, so no copy of it was kept: do not replace it.
    if (now && !t.exists) throw new RestoreRefusedError(`${t.target} was created meanwhile; nothing was written`);
    await rename(temp, t.target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}
