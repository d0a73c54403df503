// Security checklist: fuzz the archive reader for a bounded number of iterations. Seeded mutations
// (bit flips, random bytes, damaged tar headers, truncations, zeroed and repeated blocks, splices of
// one backup into another) of emulator-made backups and of the real ones in
// test/fixtures/ha-backup (SecureTar v1, v2, v3), each written to a temporary copy and read
// with listArchives, verifyBackup and openEntry. Every failure must be an ArchiveError, nothing may
// throw asynchronously, no call may hang (per-call timeout). On failure the seed, the iteration and
// the mutated file are kept. HA_FUZZ_SEED and HA_FUZZ_ARCHIVE_ITERATIONS explore further.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArchiveError, listArchives, openEntry, verifyBackup, type ReadOptions } from '../../src/core/archive/index';
import { startEmulator } from '../../src/emulator/server';
import { FIXTURES, readAll, tempDir } from './archive/helpers';
import { Rng } from './retention/random';

const SEED = Number(process.env.HA_FUZZ_SEED ?? 20_261_126);
const ITERATIONS = Number(process.env.HA_FUZZ_ARCHIVE_ITERATIONS ?? 500);
/** One call taking longer than this is a hang (the files are a few KB; v3's Argon2id takes ~0.3 s). */
const CALL_LIMIT_MS = 10_000;

interface Base {
  name: string;
  bytes: Buffer;
  creds: ReadOptions;
  /** [inner archive, entry path] of regular files in the undamaged backup. */
  files: [string, string][];
  /** How often it is picked (v3 re-derives its key when a salt is hit: slow). */
  weight: number;
}

const KINDS = new Set(['wrong_password', 'password_required', 'corrupt', 'not_a_backup', 'unsupported', 'aborted', 'unsafe_path', 'not_found', 'io']);

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what} did not finish within ${CALL_LIMIT_MS} ms`)), CALL_LIMIT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the value, or with the error if it is an ArchiveError of a known kind; anything else is rethrown. */
async function archiveErrorOr<T>(p: Promise<T>, what: string): Promise<T | ArchiveError> {
  try {
    return await within(p, what);
  } catch (e) {
    if (e instanceof ArchiveError && KINDS.has(e.kind) && e.message.length > 0) return e;
    throw new Error(`${what}: not an ArchiveError: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, { cause: e });
  }
}

function mutate(bytes: Buffer, rng: Rng, bases: readonly Base[]): { data: Buffer; how: string } {
  let data = Buffer.from(bytes);
  const at = () => rng.int(0, Math.max(0, data.length - 1));
  // Block-wise mutations need blocks; an already truncated file gets the others.
  const choice = data.length >= 1024 ? rng.int(0, 7) : rng.pick([0, 1, 3, 6]);
  switch (choice) {
    case 0: {
      const n = rng.int(1, 16);
      for (let k = 0; k < n; k++) data[at()]! ^= 1 << rng.int(0, 7);
      return { data, how: `${n} bit flips` };
    }
    case 1: {
      const i = at();
      const n = rng.int(1, 64);
      for (let k = i; k < Math.min(data.length, i + n); k++) data[k] = rng.int(0, 255);
      return { data, how: `${n} random bytes at ${i}` };
    }
    case 2: {
      // a tar header field: name, mode, size, mtime, checksum, typeflag, linkname, magic, prefix
      const block = rng.int(0, Math.max(0, Math.floor(data.length / 512) - 1)) * 512;
      const field = rng.pick([0, 100, 124, 136, 148, 156, 157, 257, 345]);
      const value = rng.pick(['\0', '7', 'L', 'x', 'g', '2', '5', '1', '77777777777', '00000000000', '../../../etc/passwd', '\xff\xff\xff\xff', ' ']);
      data.write(value, block + field, 'latin1');
      return { data, how: `header field ${field} of block ${block / 512} = ${JSON.stringify(value)}` };
    }
    case 3: {
      const n = rng.int(0, data.length);
      return { data: data.subarray(0, n), how: `truncated to ${n}` };
    }
    case 4: {
      const block = rng.int(0, Math.max(0, Math.floor(data.length / 512) - 1)) * 512;
      data.fill(0, block, block + 512);
      return { data, how: `block ${block / 512} zeroed` };
    }
    case 5: {
      const block = rng.int(0, Math.max(0, Math.floor(data.length / 512) - 1)) * 512;
      data = Buffer.concat([data.subarray(0, block + 512), data.subarray(block, block + 512 * rng.int(1, 4)), data.subarray(block + 512)]);
      return { data, how: `blocks from ${block / 512} repeated` };
    }
    case 6: {
      const other = rng.pick(bases).bytes;
      const from = rng.int(0, other.length);
      const length = rng.int(1, 4096);
      const i = at();
      data = Buffer.concat([data.subarray(0, i), other.subarray(from, from + length), data.subarray(i + rng.int(0, length))]);
      return { data, how: `spliced ${length} bytes of another backup at ${i}` };
    }
    default: {
      // within the first bytes of an inner archive: SecureTar/gzip headers, salts
      const inner = rng.int(1, Math.max(1, Math.floor(data.length / 512) - 1)) * 512;
      const i = Math.min(data.length - 1, inner + rng.int(0, 160));
      if (i >= 0) data[i] = rng.int(0, 255);
      return { data, how: `byte ${i} near an inner archive's start` };
    }
  }
}

describe('fuzz: archive reader', () => {
  const tmp = tempDir('ha-fuzz-archive-');
  const bases: Base[] = [];
  const asyncErrors: unknown[] = [];
  const onAsyncError = (e: unknown) => asyncErrors.push(e);

  before(async () => {
    // Emulator-made backups: plain, SecureTar v2, uncompressed + v2.
    const emulatorData = path.join(tmp.dir, 'emulator');
    const emu = await startEmulator({
      token: 'fuzz-token',
      dataDir: emulatorData,
      scenario: {
        backups: [
          { name: 'Plain', date: '2026-11-20T03:00:00.000000+01:00', type: 'partial', homeassistant: true, folders: ['share'], payloadBytes: 3000 },
          { name: 'Protected', date: '2026-11-19T03:00:00.000000+01:00', type: 'full', password: 'fuzz-pw', payloadBytes: 3000 },
          {
            name: 'Uncompressed',
            date: '2026-11-18T03:00:00.000000+01:00',
            type: 'partial',
            folders: ['ssl', 'share'],
            password: 'fuzz-pw',
            compressed: false,
            payloadBytes: 2000,
          },
        ],
      },
    });
    await emu.close();
    const backupDir = path.join(emulatorData, 'backup');
    const made = readdirSync(backupDir).filter((f) => f.endsWith('.tar'));
    assert.equal(made.length, 3, 'the emulator wrote three backups');
    const candidates: Omit<Base, 'files'>[] = made.map((f) => ({
      name: `emulator/${f}`,
      bytes: readFileSync(path.join(backupDir, f)),
      creds: { password: 'fuzz-pw' },
      weight: 3,
    }));
    for (const [rel, creds, weight] of [
      ['supervisor/backup_example.tar', {}, 2],
      ['supervisor/backup_example_enc.tar', { password: 'test' }, 2],
      ['supervisor/test_consolidate.tar', { password: 'test' }, 1],
      ['supervisor/backup_example_sec_v3.tar', { password: 'supervisor' }, 1],
      ['securetar/backup_encrypted_gzipped_legacy_format.tar', { key: Buffer.from('0123456789abcdef') }, 2],
      ['securetar/backup_empty.tar', { password: 'hunter2' }, 1],
    ] as const) {
      const file = path.join(FIXTURES, rel);
      assert.ok(existsSync(file), `fixture ${file}`);
      candidates.push({ name: rel, bytes: readFileSync(file), creds, weight });
    }
    // What the undamaged files hold: the entries openEntry will ask for.
    for (const c of candidates) {
      const copy = path.join(tmp.dir, 'base.tar');
      writeFileSync(copy, c.bytes);
      const listing = await archiveErrorOr(listArchives(copy, c.creds), c.name);
      const files: [string, string][] =
        listing instanceof ArchiveError
          ? []
          : listing.archives.flatMap((a) => a.entries.filter((e) => e.type === 'file' && !e.unsafe).map((e): [string, string] => [a.name, e.path]));
      bases.push({ ...c, files });
    }
    assert.ok(bases.filter((b) => b.files.length > 0).length >= 5, `most bases have readable entries: ${bases.map((b) => `${b.name}=${b.files.length}`).join(', ')}`);
    process.on('unhandledRejection', onAsyncError);
    process.on('uncaughtException', onAsyncError);
  });
  after(() => {
    process.off('unhandledRejection', onAsyncError);
    process.off('uncaughtException', onAsyncError);
    tmp.cleanup();
  });

  it(`${ITERATIONS} seeded mutations of emulator-made and real backups (seed ${SEED}): only ArchiveErrors, no hang`, async () => {
    const rng = new Rng(SEED);
    const weighted = bases.flatMap((b) => Array.from({ length: b.weight }, () => b));
    const file = path.join(tmp.dir, 'fuzz.tar');
    const started = performance.now();
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    for (let i = 0; i < ITERATIONS; i++) {
      const base = rng.pick(weighted);
      let data = base.bytes;
      const hows: string[] = [];
      for (let m = rng.int(1, 3); m > 0; m--) {
        const mutation = mutate(data, rng, bases);
        data = mutation.data;
        hows.push(mutation.how);
      }
      writeFileSync(file, data);
      const creds: ReadOptions = rng.next() < 0.1 ? { password: 'not-the-password' } : base.creds;
      const target = base.files.length ? rng.pick(base.files) : undefined;
      try {
        const listed = await archiveErrorOr(listArchives(file, creds), 'listArchives');
        count(listed instanceof ArchiveError ? `list:${listed.kind}` : 'list:ok');
        const verified = await archiveErrorOr(verifyBackup(file, creds), 'verifyBackup');
        if (!(verified instanceof ArchiveError)) for (const part of verified.parts) if (part.kind) assert.ok(KINDS.has(part.kind), `verify part kind ${part.kind}`);
        if (target) {
          const opened = await archiveErrorOr(openEntry(file, target[0], target[1], creds), 'openEntry');
          if (!(opened instanceof ArchiveError)) {
            const read = await archiveErrorOr(readAll(opened), 'reading the entry');
            count(read instanceof ArchiveError ? `read:${read.kind}` : 'read:ok');
          }
        }
        // Errors surface asynchronously (a stream's late 'error'): give them a turn to show.
        await new Promise((resolve) => setImmediate(resolve));
        if (asyncErrors.length) throw new Error(`asynchronous error: ${String(asyncErrors[0])}`);
      } catch (e) {
        const kept = path.join(tmpdir(), `ha-fuzz-archive-${SEED}-${i}.tar`);
        copyFileSync(file, kept);
        assert.fail(
          `archive fuzz failed (seed ${SEED}, iteration ${i}, base ${base.name}, ${hows.join('; ')}); file kept in ${kept}:\n${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    const elapsed = performance.now() - started;
    console.log(`archive fuzz: ${ITERATIONS} iterations in ${Math.round(elapsed)} ms; ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`);
    // Both sides reached: damaged files refused, and damage the reader does not notice (or read around).
    assert.ok((outcomes.get('list:ok') ?? 0) > ITERATIONS / 20, 'some mutations leave a readable listing');
    assert.ok(ITERATIONS - (outcomes.get('list:ok') ?? 0) > ITERATIONS / 4, 'most mutations are refused');
  });
});
