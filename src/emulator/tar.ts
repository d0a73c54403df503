// Minimal tar writer/reader matching Python's `tarfile` in PAX format (what the Supervisor and
// securetar produce): a `././@PaxHeader` record before entries with a float mtime, ustar
// headers with empty device fields, two zero blocks at the end, padded to 10240-byte records.
import { promises as fsp } from 'node:fs';

export const BLOCK = 512;
export const RECORD = 10240;

export interface TarEntryHeader {
  name: string;
  type: 'file' | 'dir';
  size: number;
  mode: number;
  /** Seconds since the epoch; a fractional value gets a PAX `mtime` record like Python writes. */
  mtime: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
}

function writeString(buf: Buffer, offset: number, length: number, value: string): void {
  buf.write(value, offset, length, 'utf8');
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  // Python itn(): digits-1 zero-padded octal digits and a NUL.
  writeString(buf, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

function ustarHeader(name: string, typeflag: string, size: number, mode: number, mtime: number, uid: number, gid: number, uname: string, gname: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, mode);
  writeOctal(h, 108, 8, uid);
  writeOctal(h, 116, 8, gid);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, Math.floor(mtime));
  h.fill(0x20, 148, 156); // checksum is computed over spaces
  writeString(h, 156, 1, typeflag);
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 265, 32, uname);
  writeString(h, 297, 32, gname);
  // devmajor/devminor stay NUL for regular files and directories (Python ≥ 3.12).
  let sum = 0;
  for (const byte of h) sum += byte;
  writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** One PAX record: "<len> <key>=<value>\n" where len counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  // Same fixed-point loop as tarfile._create_pax_generic_header.
  let p = 0;
  for (;;) {
    const n = bodyLen + String(p).length;
    if (n === p) break;
    p = n;
  }
  return `${p}${body}`;
}

/** Python `str(float)`: integral floats keep ".0". */
function pyFloat(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest);
}

/** Header block(s) for one entry (PAX extension first when needed). */
export function entryHeader(e: TarEntryHeader): Buffer {
  const uid = e.uid ?? 0;
  const gid = e.gid ?? 0;
  const uname = e.uname ?? '';
  const gname = e.gname ?? '';
  let name = e.type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  const records: string[] = [];
  if (Buffer.byteLength(name) > 100 || /[^\x20-\x7e]/.test(name)) {
    records.push(paxRecord('path', name));
    name = Buffer.from(name).subarray(0, 100).toString('latin1');
  }
  if (!Number.isInteger(e.mtime)) records.push(paxRecord('mtime', pyFloat(e.mtime)));
  const typeflag = e.type === 'dir' ? '5' : '0';
  const size = e.type === 'dir' ? 0 : e.size;
  const main = ustarHeader(name, typeflag, size, e.mode, e.mtime, uid, gid, uname, gname);
  if (records.length === 0) return main;
  const pax = Buffer.from(records.join(''), 'utf8');
  const paxHeader = ustarHeader('././@PaxHeader', 'x', pax.length, 0, 0, 0, 0, '', '');
  return Buffer.concat([paxHeader, pax, padding(pax.length), main]);
}

export interface TarInput extends Omit<TarEntryHeader, 'size'> {
  data?: Buffer;
}

/** End of archive: two zero blocks, then zeros up to the next full 10240-byte record. */
export function archiveEnd(writtenSoFar: number): Buffer {
  const withEnd = writtenSoFar + 2 * BLOCK;
  const rest = withEnd % RECORD;
  return Buffer.alloc(2 * BLOCK + (rest === 0 ? 0 : RECORD - rest));
}

/** Build a whole tar archive in memory. */
export function buildTar(entries: TarInput[]): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    const chunk = [entryHeader({ ...e, size: data.length }), data, padding(data.length)];
    for (const c of chunk) {
      parts.push(c);
      total += c.length;
    }
  }
  parts.push(archiveEnd(total));
  return Buffer.concat(parts);
}

export interface TarMember {
  name: string;
  /** '0' file, '5' directory, … (raw typeflag). */
  typeflag: string;
  size: number;
  /** Absolute offset of the member's data. */
  dataOffset: number;
  mtime: number;
}

export class TarFormatError extends Error {}

function parseOctal(buf: Buffer, offset: number, length: number): number {
  const raw = buf.subarray(offset, offset + length);
  if ((raw[0] ?? 0) & 0x80) {
    // GNU base-256 for big numbers.
    let n = 0;
    for (let i = 1; i < raw.length; i++) n = n * 256 + (raw[i] ?? 0);
    return n;
  }
  const text = raw.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`invalid octal field ${JSON.stringify(text)}`);
  return Number.parseInt(text, 8);
}

function cString(buf: Buffer, offset: number, length: number): string {
  const raw = buf.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
}

function checksumOk(h: Buffer): boolean {
  const stored = parseOctal(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  return sum === stored;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = Number.parseInt(data.subarray(pos, space).toString('latin1'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Random-access reader over a byte source (file or buffer). */
type ReadAt = (offset: number, length: number) => Promise<Buffer>;

async function listMembersWith(readAt: ReadAt, totalSize: number): Promise<TarMember[]> {
  const members: TarMember[] = [];
  let offset = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  while (offset + BLOCK <= totalSize) {
    const h = await readAt(offset, BLOCK);
    if (h.every((b) => b === 0)) break;
    if (!checksumOk(h)) throw new TarFormatError(`bad tar header checksum at offset ${offset}`);
    const typeflag = String.fromCharCode(h[156] ?? 0x30) === '\0' ? '0' : String.fromCharCode(h[156] ?? 0x30);
    let size = parseOctal(h, 124, 12);
    const dataOffset = offset + BLOCK;
    const next = dataOffset + size + ((BLOCK - (size % BLOCK)) % BLOCK);
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (dataOffset + size > totalSize) throw new TarFormatError('truncated tar extension header');
      const data = await readAt(dataOffset, size);
      if (typeflag === 'x') pax = { ...pax, ...parsePax(data) };
      if (typeflag === 'L') longName = cString(data, 0, data.length);
      offset = next;
      continue;
    }
    const prefix = h.subarray(257, 263).toString('latin1').startsWith('ustar') ? cString(h, 345, 155) : '';
    let name = cString(h, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    if (longName !== undefined) name = longName;
    if (pax.path !== undefined) name = pax.path;
    if (pax.size !== undefined) size = Number(pax.size);
    const mtime = pax.mtime !== undefined ? Number(pax.mtime) : parseOctal(h, 136, 12);
    // Python strips the trailing slash of directory names when reading.
    if (typeflag === '5' && name.length > 1 && name.endsWith('/')) name = name.slice(0, -1);
    if (dataOffset + size > totalSize) throw new TarFormatError(`member ${name} is truncated`);
    members.push({ name, typeflag, size, dataOffset, mtime });
    offset = dataOffset + size + ((BLOCK - (size % BLOCK)) % BLOCK);
    pax = {};
    longName = undefined;
  }
  return members;
}

/** List members of a tar held in memory. */
export async function listTarMembers(buf: Buffer): Promise<TarMember[]> {
  return listMembersWith((o, l) => Promise.resolve(buf.subarray(o, o + l)), buf.length);
}

/** Read `count` bytes at `offset` of an open file. */
async function readExact(fh: fsp.FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
    if (bytesRead === 0) throw new TarFormatError('unexpected end of file');
    done += bytesRead;
  }
  return buf;
}

/** List members of a tar file without reading the members' data. */
export async function listTarFileMembers(file: string): Promise<TarMember[]> {
  const fh = await fsp.open(file, 'r');
  try {
    const { size } = await fh.stat();
    return await listMembersWith((o, l) => readExact(fh, o, l), size);
  } finally {
    await fh.close();
  }
}

/** Read one member's data from a tar file. */
export async function readTarFileMember(file: string, member: TarMember): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    return await readExact(fh, member.dataOffset, member.size);
  } finally {
    await fh.close();
  }
}
