// Home Assistant's `.storage` files in a config folder (JSON written by homeassistant/helpers/storage.py):
// read one, and check its shape with messages that name the file.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type * as z from 'zod';

/** The JSON of `file`, checked against `schema`; throws "<file> is not valid JSON" / "<file> is not <what>". */
export function parseStorageFile<S extends z.ZodType>(text: string, file: string, schema: S, what: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not ${what}`);
  return parsed.data;
}

/** The text of `file` (relative to the config folder); undefined when Home Assistant has not written it. */
export async function readStorageText(configFolder: string, file: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(configFolder, file), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
