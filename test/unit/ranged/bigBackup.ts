// A backup with a 50 MiB part written in a moment (the part's data is a hole in a sparse file), for
// the ranged-read tests: the part's size field is GNU base-256, as tar writes sizes ≥ 8 GiB.
import { promises as fsp } from 'node:fs';

/** A tar header for a regular file; `base256` writes the size field as GNU base-256. */
export function header(name: string, size: number, base256 = false): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  if (base256) {
    h[124] = 0x80;
    let n = size;
    for (let i = 135; i > 124; i--) {
      h[i] = n % 256;
      n = Math.floor(n / 256);
    }
  } else h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('14741000000\0', 136);
  h.fill(0x20, 148, 156);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

export const BIG = 50 * 1024 * 1024;
export const pad = (n: number): number => Math.ceil(n / 512) * 512;

/**
 * A backup with a 50 MiB `homeassistant.tar.gz` (size in GNU base-256; the data is a hole in a
 * sparse file, written in seconds), a small add-on part and `./backup.json` last.
 */
export async function writeBigBackup(file: string): Promise<{ meta: Buffer; addon: Buffer }> {
  const meta = Buffer.from(
    JSON.stringify({
      slug: 'bigpart1',
      name: 'Big part',
      date: '2026-12-01T03:00:00+00:00',
      type: 'full',
      version: 2,
      protected: false,
      compressed: true,
      homeassistant: { version: '2026.12.0', size: 50 },
      addons: [],
      folders: [],
    }),
  );
  const addon = Buffer.alloc(3000, 0x61);
  const fh = await fsp.open(file, 'w');
  try {
    let pos = 0;
    await fh.write(header('./homeassistant.tar.gz', BIG, true), 0, 512, pos);
    pos += 512;
    // A few bytes at both ends of the part, so its hash is not that of zeros only.
    await fh.write(Buffer.from('start of the big part'), 0, 21, pos);
    await fh.write(Buffer.from('end of it'), 0, 9, pos + BIG - 9);
    pos += pad(BIG);
    await fh.write(header('./core_ssh.tar.gz', addon.length), 0, 512, pos);
    pos += 512;
    await fh.write(addon, 0, addon.length, pos);
    pos += pad(addon.length);
    await fh.write(header('./backup.json', meta.length), 0, 512, pos);
    pos += 512;
    await fh.write(meta, 0, meta.length, pos);
    pos += pad(meta.length);
    await fh.truncate(pos + 1024);
  } finally {
    await fh.close();
  }
  return { meta, addon };
}
