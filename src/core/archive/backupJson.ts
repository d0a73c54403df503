// Reads `./backup.json` (or the old `./snapshot.json`) from a backup archive on disk, streaming: the
// Supervisor writes it last (supervisor-api.md §6.1), so the whole outer tar is read but never held.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { z } from 'zod';

const METADATA_NAMES = new Set(['backup.json', 'snapshot.json']);
const MAX_METADATA_BYTES = 1024 * 1024;

export const backupJsonSchema = z.looseObject({
  slug: z.string().min(1),
  name: z.string(),
  date: z.string(),
  type: z.enum(['full', 'partial']),
  protected: z.unknown().optional(),
});
export type BackupJson = z.infer<typeof backupJsonSchema>;

export async function readBackupJson(file: string, signal?: AbortSignal): Promise<BackupJson> {
  const extract = tar.extract();
  let found: unknown;
  let problem: string | undefined;
  extract.on('entry', (header, stream, next) => {
    const name = header.name.replace(/^\.\//, '');
    if (!METADATA_NAMES.has(name) || header.size === undefined || header.size > MAX_METADATA_BYTES) {
      stream.on('end', next);
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      try {
        found = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        problem = `${name} is not valid JSON`;
      }
      next();
    });
  });
  try {
    await pipeline(createReadStream(file), extract, { signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new Error(`${file} is not a readable tar archive (${(e as Error).message})`, { cause: e });
  }
  if (problem) throw new Error(`${file}: ${problem}`);
  if (found === undefined) throw new Error(`${file} has no backup.json: it is not a Home Assistant backup`);
  const parsed = backupJsonSchema.safeParse(found);
  if (!parsed.success) throw new Error(`${file}: backup.json lacks ${parsed.error.issues[0]?.path.join('.') || 'required fields'}`);
  return parsed.data;
}
