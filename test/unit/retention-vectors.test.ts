// Every retention vector in test/fixtures/retention-vectors (restic's TestApplyPolicy golden files +
// hand-written extras computed by restic's own ApplyPolicy) through applyPolicy, with the calling
// convention of the vectors' README.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Counters, RetentionRules, SnapshotLike } from '../../src/core/retention';
import { applyPolicy } from '../../src/core/retention';

const VECTORS_DIR = path.resolve(__dirname, '../fixtures/retention-vectors');

interface Vector {
  source: string;
  case: number | string;
  description?: string;
  now: string;
  policy: RetentionRules;
  snapshots: SnapshotLike[];
  expectKeep: string[];
  expectRemove: string[];
  reasons?: Record<string, string[]>;
  counters?: Record<string, Counters>;
  requiresNanosecondPrecision?: boolean;
}

function loadVectors(): { file: string; vector: Vector }[] {
  if (!fs.existsSync(VECTORS_DIR)) return [];
  return fs
    .readdirSync(VECTORS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, vector: JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, file), 'utf8')) as Vector }));
}

const vectors = loadVectors();

describe('retention vectors (restic forget semantics)', () => {
  it('finds the vector folder', () => {
    assert.ok(fs.existsSync(VECTORS_DIR), `The retention vectors are missing: expected ${VECTORS_DIR}`);
    // 40 restic golden cases + 30 extras (at least: more may be added).
    assert.ok(vectors.length >= 70, `expected at least 70 vector files in ${VECTORS_DIR}, found ${vectors.length}`);
  });

  for (const { file, vector } of vectors) {
    const title = `${file}: ${vector.description ?? JSON.stringify(vector.policy)}`;
    // extra-30 needs nanosecond precision: this module keeps it (ms + ns), so it runs like the others.
    it(title, () => {
      const input = vector.snapshots.map((s) => ({ ...s }));
      const result = applyPolicy(input, vector.policy, { now: vector.now });
      assert.deepEqual(result.keep, vector.expectKeep, 'keep (newest first, ties in input order)');
      assert.deepEqual(result.remove, vector.expectRemove, 'remove (newest first, ties in input order)');
      if (vector.reasons) assert.deepEqual(result.reasons, vector.reasons, 'reasons');
      if (vector.counters) assert.deepEqual(result.counters, vector.counters, 'counters');
      // The caller's array is left alone (restic sorts in place; this module does not).
      assert.deepEqual(input, vector.snapshots);
    });
  }

  it('gives the same answers with timeZone "UTC" for vectors whose times are all in UTC', () => {
    let checked = 0;
    for (const { file, vector } of vectors) {
      if (!vector.snapshots.every((s) => /(?:Z|\+00:00)$/.test(s.time))) continue;
      const plain = applyPolicy(vector.snapshots, vector.policy, { now: vector.now });
      const zoned = applyPolicy(vector.snapshots, vector.policy, { now: vector.now, timeZone: 'UTC' });
      assert.deepEqual(zoned, plain, file);
      checked++;
    }
    assert.ok(checked >= 60, `only ${checked} all-UTC vectors`);
  });
});
