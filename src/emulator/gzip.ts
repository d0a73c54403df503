// gzip the way Python's gzip module writes it inside securetar: FNAME set to the inner tar's
// name, an integer mtime, XFL 0 (compresslevel 6) and OS byte 255 ("unknown").
import { crc32, deflateRawSync } from 'node:zlib';

export function pyGzip(data: Buffer, fileName: string, mtime: number): Buffer {
  const name = Buffer.from(`${fileName}\0`, 'latin1');
  const header = Buffer.alloc(10);
  header[0] = 0x1f;
  header[1] = 0x8b;
  header[2] = 8; // deflate
  header[3] = 0x08; // FNAME
  header.writeUInt32LE(Math.floor(mtime) >>> 0, 4);
  header[8] = 0;
  header[9] = 0xff;
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([header, name, deflateRawSync(data, { level: 6 }), trailer]);
}
