// Streams the FIRST part of a multipart/form-data body to a file (the Supervisor reads the
// first part as the backup whatever its field name) and drains the rest.
import { promises as fsp } from 'node:fs';
import type { IncomingMessage } from 'node:http';

export class MultipartError extends Error {}

export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\//i.test(contentType.trim())) return null;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/** Write the first part's body to `dest`; returns its size. */
export async function saveFirstPart(req: IncomingMessage, boundary: string, dest: string): Promise<number> {
  const opening = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const out = await fsp.open(dest, 'w');
  let state: 'preamble' | 'headers' | 'body' | 'done' = 'preamble';
  let buf: Buffer = Buffer.alloc(0);
  let written = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (state === 'done') continue; // drain
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      if (state === 'preamble') {
        const at = buf.indexOf(opening);
        if (at === -1) {
          buf = buf.subarray(Math.max(0, buf.length - opening.length));
          continue;
        }
        buf = buf.subarray(at + opening.length);
        state = 'headers';
      }
      if (state === 'headers') {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) continue;
        buf = buf.subarray(end + 4);
        state = 'body';
      }
      if (state === 'body') {
        const at = buf.indexOf(delimiter);
        if (at !== -1) {
          await out.write(buf.subarray(0, at));
          written += at;
          state = 'done';
          buf = Buffer.alloc(0);
          continue;
        }
        // Keep a tail that could be the start of the delimiter.
        const safe = buf.length - (delimiter.length - 1);
        if (safe > 0) {
          await out.write(buf.subarray(0, safe));
          written += safe;
          buf = buf.subarray(safe);
        }
      }
    }
  } finally {
    await out.close();
  }
  if (state !== 'done') throw new MultipartError('Improperly formatted upload, could not read backup');
  return written;
}
