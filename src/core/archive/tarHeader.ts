// The parts of the tar format both readers need: numeric fields (octal and GNU base-256), header
// checksums and PAX records. The outer tar is walked with these (random access, headers only); the
// inner tars go through tar-stream.

export const BLOCK = 512;

export function isZeroBlock(block: Uint8Array): boolean {
  for (const b of block) if (b !== 0) return false;
  return true;
}

/** A numeric header field: octal text (NUL/space terminated) or GNU base-256 (high bit set). */
export function parseNumeric(buf: Buffer, offset: number, length: number): number | undefined {
  const raw = buf.subarray(offset, offset + length);
  const first = raw[0] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) return undefined; // negative
    let n = first & 0x7f;
    for (let i = 1; i < raw.length; i++) n = n * 256 + (raw[i] ?? 0);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  const text = raw.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  return Number.parseInt(text, 8);
}

/** Header checksum: unsigned sum with the checksum field as spaces (signed sums are accepted too). */
export function checksumMatches(h: Buffer): boolean {
  const stored = parseNumeric(h, 148, 8);
  if (stored === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** A NUL-terminated string field. */
export function cString(buf: Buffer, offset: number, length: number): string {
  const raw = buf.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
}

/** PAX extended header records: "<len> <key>=<value>\n". */
export function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = Number.parseInt(data.subarray(pos, space).toString('latin1'), 10);
    if (!Number.isFinite(len) || len <= space - pos || pos + len > data.length) break;
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Does this block look like a tar header (ustar magic, or a valid old-style checksum)? */
export function looksLikeTarHeader(block: Buffer): boolean {
  if (block.length < BLOCK) return false;
  if (block.subarray(257, 262).toString('latin1') === 'ustar') return true;
  return !isZeroBlock(block.subarray(0, BLOCK)) && checksumMatches(block);
}
