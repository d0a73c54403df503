// The benchmark helpers (scripts/bench): the generated backups must be real backups that both the
// extension's reader and the openssl pipeline list alike, or the benchmark compares nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureBackup } from '../../scripts/bench/data';
import { opensslPipeline } from '../../scripts/bench/list';
import { retentionSnapshots } from '../../scripts/bench/retentionInput';
import { formatTable } from '../../scripts/bench/table';
import { median, run, which } from '../../scripts/bench/util';
import type { Row } from '../../scripts/bench/util';
import { listBackup } from '../../src/core/archive/index';
import { applyPolicy } from '../../src/core/retention/index';
import { loadBackupFile } from '../../src/emulator/archive';

void describe('bench: small helpers', () => {
  void it('median of odd and even counts, in any order', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]));
  });

  void it('formats a Markdown table with escaped pipes and numbered notes', () => {
    const row = (benchmark: string, notes: string[]): Row => ({ benchmark, extension: '1 ms', standard: 'a | b', ratio: '1.00×', goal: '≤ 2×', met: 'yes', notes });
    const lines = formatTable([row('first', ['note one', 'note two']), row('second', [])]);
    assert.equal(lines[0], '| benchmark | extension | standard tool | ratio | goal | met? |');
    assert.equal(lines[2], '| first [1] | 1 ms | a \\| b | 1.00× | ≤ 2× | yes |');
    assert.equal(lines[3], '| second | 1 ms | a \\| b | 1.00× | ≤ 2× | yes |');
    assert.deepEqual(lines.slice(4), ['', '1. note one — note two']);
  });

  void it('retention input: unique ids and Home Assistant timestamps that applyPolicy accepts', () => {
    const snaps = retentionSnapshots(2000);
    assert.equal(new Set(snaps.map((s) => s.id)).size, 2000);
    for (const s of snaps) assert.match(s.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+0[12]:00$/);
    const r = applyPolicy(snaps, { daily: 7 }, { now: '2026-01-01T00:00:00Z' });
    assert.equal(r.keep.length, 7);
    assert.equal(r.keep.length + r.remove.length, 2000);
  });
});

void describe('bench: generated backups', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ha-bench-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const quiet = (): void => undefined;

  for (const version of [2, 3] as const) {
    void it(`a SecureTar v${version} backup that the extension's reader and the emulator accept`, async () => {
      const b = await ensureBackup(version, 3 * 1024 * 1024, quiet, dir);
      assert.equal(statSync(b.file).size, b.bytes);
      assert.equal(b.bytes % 10240, 0, 'the outer tar is padded to whole records');
      const loaded = await loadBackupFile(b.file, b.bytes);
      assert.equal(loaded?.meta.slug, b.slug);
      assert.equal(loaded.meta.protected, true);
      const listing = await listBackup(b.file, { password: b.password });
      assert.deepEqual(
        listing.archives.map((a) => ({ name: a.name, entries: a.entries.length, version: a.version })),
        b.archives.map((a) => ({ name: a.name, entries: a.entries, version })),
      );
      assert.ok(b.archives.every((a) => a.entries > 1));
    });
  }

  void it('is built once and then reused', async () => {
    const first = await ensureBackup(2, 3 * 1024 * 1024, quiet, dir);
    const mtime = statSync(first.file).mtimeMs;
    const lines: string[] = [];
    const again = await ensureBackup(2, 3 * 1024 * 1024, (l) => lines.push(l), dir);
    assert.equal(statSync(again.file).mtimeMs, mtime);
    assert.deepEqual(lines, []);
  });

  void it('the openssl | gzip | tar pipeline lists the same entries as the generator wrote', async (t) => {
    if (!(await which('openssl'))) return t.skip('openssl is not installed');
    const b = await ensureBackup(2, 3 * 1024 * 1024, quiet, dir);
    const { script, names } = await opensslPipeline(b);
    assert.deepEqual(
      names,
      b.archives.map((a) => a.name),
    );
    const r = await run('bash', ['-c', script]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stdout.trim().split('\n').map(Number),
      b.archives.map((a) => a.entries),
    );
  });
});
