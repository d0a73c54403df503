// SecureTar v2 (securetar ≥ 2025.1, Supervisor 2025.01.0 … 2026.03.0): a 32-byte header,
// a 16-byte salt, then AES-128-CBC with one PKCS7 padding at the end.
//   0..8  "SecureTar"   9 version (2)   10..15 zero   16..23 plaintext size (uint64 BE)   24..31 zero
//   32..47 salt         48.. ciphertext
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const SECURETAR_MAGIC = Buffer.from('SecureTar', 'ascii');
export const SECURETAR_V2_HEADER_SIZE = 32;

/** SHA-256 applied 100 times, first 16 bytes (key and IV derivation of v1/v2). */
function sha256x100(input: Buffer): Buffer {
  let data = input;
  for (let i = 0; i < 100; i++) data = createHash('sha256').update(data).digest();
  return data.subarray(0, 16);
}

export function passwordToKey(password: string): Buffer {
  return sha256x100(Buffer.from(password, 'utf8'));
}

export function deriveIv(key: Buffer, salt: Buffer): Buffer {
  return sha256x100(Buffer.concat([key, salt]));
}

/** Encrypt an inner archive. `salt` is random unless given (seeded archives stay reproducible). */
export function encryptSecureTarV2(plaintext: Buffer, password: string, salt: Buffer = randomBytes(16)): Buffer {
  const key = passwordToKey(password);
  const header = Buffer.alloc(SECURETAR_V2_HEADER_SIZE);
  SECURETAR_MAGIC.copy(header, 0);
  header[9] = 2;
  header.writeBigUInt64BE(BigInt(plaintext.length), 16);
  const cipher = createCipheriv('aes-128-cbc', key, deriveIv(key, salt));
  return Buffer.concat([header, salt, cipher.update(plaintext), cipher.final()]);
}

export function isSecureTar(data: Buffer): boolean {
  return data.length >= 10 && data.subarray(0, 9).equals(SECURETAR_MAGIC);
}

/**
 * The check the Supervisor does before a restore: decrypt and require a gzip or tar start
 * (v1/v2 have no MAC). Returns false for a wrong password or a broken entry.
 */
export function secureTarV2PasswordMatches(entry: Buffer, password: string | null): boolean {
  if (!isSecureTar(entry)) return false;
  if (entry[9] !== 2 || password === null) return false;
  const salt = entry.subarray(32, 48);
  const key = passwordToKey(password);
  const body = entry.subarray(48);
  if (body.length === 0 || body.length % 16 !== 0) return false;
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, deriveIv(key, salt));
    const plain = Buffer.concat([decipher.update(body), decipher.final()]);
    const looksGzip = plain[0] === 0x1f && plain[1] === 0x8b && plain[2] === 0x08;
    const looksTar = plain.subarray(257, 262).toString('latin1') === 'ustar';
    return (looksGzip || looksTar) && BigInt(plain.length) === entry.readBigUInt64BE(16);
  } catch {
    return false;
  }
}
