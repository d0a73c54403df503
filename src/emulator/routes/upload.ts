// POST /backups/new/upload: first multipart part → temp file → validated by reading its
// backup.json → moved into the target location (merged with an existing copy of the slug).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../http';
import type { RequestContext } from '../http';
import { stampFile } from '../clock';
import { boundaryOf, MultipartError, saveFirstPart } from '../multipart';
import { pyRepr, pyStr } from '../pyFormat';
import { convertLocalLocation, LOCATION_CLOUD_BACKUP, RE_BACKUP_FILENAME, RE_BACKUP_FILENAME_SOURCE } from '../requestSchemas';
import { consolidationConflict } from '../store';
import type { Location } from '../store';
import type { Supervisor } from '../supervisor';

/** The handler returned False: the generic message. */
const unknownError = (): ApiError => new ApiError('Unknown error, see Supervisor logs');

export async function postUpload(ctx: RequestContext, sup: Supervisor): Promise<unknown> {
  const query = ctx.url.searchParams;
  let location: Location = null;
  let additional: Location[] = [];
  if (query.has('location')) {
    const names = query.getAll('location');
    if (names.includes(LOCATION_CLOUD_BACKUP)) throw new ApiError(`Location ${LOCATION_CLOUD_BACKUP} is only available for Home Assistant`, 403);
    const resolved = names.map((n) => {
      const converted = convertLocalLocation(n) as string | null;
      return converted ? sup.resolveLocation(converted) : null;
    });
    location = resolved[0] ?? null;
    additional = resolved.slice(1);
  }

  const filename = query.get('filename');
  if (filename !== null && !RE_BACKUP_FILENAME.test(filename)) {
    throw new ApiError(`does not match regular expression ${RE_BACKUP_FILENAME_SOURCE}. Got ${pyRepr(filename)}`);
  }

  const boundary = boundaryOf(ctx.req.headers['content-type']);
  if (!boundary) throw new ApiError('Improperly formatted upload, could not read backup');

  const tmpDir = await fsp.mkdtemp(path.join(sup.dataDir, 'tmp', 'upload-'));
  const tmpFile = path.join(tmpDir, 'upload.tar');
  try {
    try {
      await saveFirstPart(ctx.req, boundary, tmpFile);
    } catch (e) {
      if (e instanceof MultipartError) throw new ApiError(e.message);
      throw unknownError();
    }
    // Written now on the emulated host; the move into place keeps that time.
    await stampFile(tmpFile, sup.clock);
    // "Can't write new backup file: [Errno 28] No space left on device" is only logged: the handler returns False.
    if (sup.faults.take(ctx.method, ctx.path, ['disk_full']).length > 0) throw unknownError();

    // BackupManager.import_backup: the target must be reachable.
    if (location !== null && !sup.isLocationUp(location)) {
      throw new ApiError(`Backup mount '${location}' is down`, 400, { errorKey: 'backup_mount_down', extraFields: { mount: location } });
    }
    const loaded = await sup.store.loadCopy(tmpFile);
    // The slug becomes a file name: never let an uploaded backup.json point outside the folder.
    if (!loaded || /[\\/]|^\.\.?$/.test(loaded.meta.slug)) throw unknownError();

    const dir = sup.store.locationDir(location);
    await fsp.mkdir(dir, { recursive: true });
    const target = path.join(dir, filename ?? `${loaded.meta.slug}.tar`);
    await fsp.rename(tmpFile, target);
    const copy = { ...loaded.copy, path: target };

    const existing = sup.store.get(loaded.meta.slug);
    if (existing) {
      const field = consolidationConflict(existing.meta, loaded.meta);
      if (field !== null) {
        await fsp.rm(target, { force: true });
        const where = (l: Location): string => pyStr(l);
        throw new ApiError(
          `Cannot import backup ${loaded.meta.slug} due to: Cannot consolidate backups in ${where(location)} and ${where(existing.location)} with slug ${loaded.meta.slug} ` +
            `because field ${field} has different values: ${pyStr(existing.meta.data[field])} and ${pyStr(loaded.meta.data[field])}!`,
        );
      }
    }
    const backup = sup.store.addCopy(loaded.meta, location, copy);

    for (const extra of additional) {
      if (extra !== null && !sup.isLocationUp(extra)) continue; // the real copy job records the error and goes on
      const extraDir = sup.store.locationDir(extra);
      await fsp.mkdir(extraDir, { recursive: true });
      const dest = path.join(extraDir, path.basename(target));
      await fsp.copyFile(target, dest);
      await stampFile(dest, sup.clock);
      sup.store.addCopy(backup.meta, extra, { ...copy, path: dest });
    }
    return { slug: backup.slug };
  } finally {
    await fsp.rm(tmpDir, { recursive: true, force: true });
  }
}
