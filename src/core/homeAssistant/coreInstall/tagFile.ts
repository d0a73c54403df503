// BackupTags in a JSON file (next to the policy file, so every machine that opens the config folder
// reads the same ownership). Written whole, to a temporary file first, then renamed: a crash leaves
// the old file, never half of one. A file that cannot be read is an error, never "no tags" (which
// would silently forget what the extension made).
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as z from 'zod';
import { survivingTags, type BackupTag, type BackupTags } from './tags';

const fileSchema = z.object({
  version: z.literal(1),
  backups: z.record(z.string(), z.object({ date: z.string(), extra: z.record(z.string(), z.unknown()) })),
});

export const TAG_FILE_HEADER =
  'Written by the Home Assistant Backups extension for VS Code: which backups it made for which policy on this Home Assistant (Core has no place for that in a backup). Do not edit.';

export class BackupTagFile implements BackupTags {
  private queue: Promise<unknown> = Promise.resolve();

  /** `file()` is asked each time: the policy file (and with it this file) may move. */
  constructor(private readonly file: () => string) {}

  async read(): Promise<Map<string, BackupTag>> {
    const file = this.file();
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw e;
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${file} is not a backup tag file this extension can read; move it away to start a new one`);
    return new Map(Object.entries(parsed.data.backups));
  }

  write(id: string, date: string, extra: Record<string, unknown>): Promise<void> {
    return this.serial(async () => {
      const tags = await this.read();
      tags.set(id, { date, extra });
      await this.save(tags);
    });
  }

  keepOnly(present: { id: string; date: string }[], current: Map<string, BackupTag>): Promise<void> {
    const kept = survivingTags(current, present);
    if (!kept) return Promise.resolve();
    return this.serial(async () => {
      // Re-read under the queue: a tag written since `current` was read stays if its backup is listed.
      const fresh = survivingTags(await this.read(), present);
      if (fresh) await this.save(fresh);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async save(tags: Map<string, BackupTag>): Promise<void> {
    const file = this.file();
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const body = { comment: TAG_FILE_HEADER, version: 1, backups: Object.fromEntries([...tags].sort(([a], [b]) => a.localeCompare(b))) };
    const tmp = `${file}.${process.pid}.tmp`;
    await fsp.writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`);
    await fsp.rename(tmp, file);
  }
}
