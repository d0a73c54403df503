// The retention picture's model (src/core/retentionPicture/model.ts): one mark per row of the text
// preview, kept or removed as the plan says, with the rule that decides it and its slot.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDeletions, type DeletionPlan, type LedgerEntry } from '../../src/core/deletion';
import { describeRule, pictureModel, type PictureMark } from '../../src/core/retentionPicture';
import type { Backup } from '../../src/core/supervisor/schemas';
import { NOW, generational, keepDays, listed, made, policy, validFile } from './deletion/world';

// "nightly" keeps daily 3 of five backups (one of them pinned); Create Backup made two keep_days
// backups (one expired); one backup nobody manages; one tagged "nightly" but made elsewhere.
const nightly = [1, 2, 3, 4, 5].map((d) => listed(`n${d}`, d));
const expiredOne = listed('k-old', 10);
const keptOne = listed('k-new', 1.5);
const manual = listed('m', 7);
const elsewhere = listed('t', 8);
const backups: Backup[] = [...nightly, expiredOne, keptOne, manual, elsewhere];
const ledger: LedgerEntry[] = [...nightly.map((b) => made(b, { policy: 'nightly' })), made(expiredOne, { keepDays: 2 }), made(keptOne, { keepDays: 30 })];

const plan: DeletionPlan<Backup> = planDeletions({
  backups,
  ledger: new Map(ledger.map((e) => [e.slug, e])),
  taggedPolicy: (slug) => (slug === 't' ? 'nightly' : undefined),
  file: validFile(policy('nightly', generational({ daily: 3 })), policy('weekly', keepDays(3))),
  pins: new Set(['n5']),
  now: NOW,
  confirmAbove: 5,
});

const iso = (s: string) => s.slice(0, 10);
const words = (m: PictureMark | undefined) => (m ? describeRule(m.rule, iso) : 'missing');

describe('the retention picture model', () => {
  it("a policy's picture: the preview's rows of that policy, oldest first, each with its rule and slot", () => {
    const model = pictureModel(plan, 'nightly');
    assert.deepEqual(
      model.marks.map((m) => [m.slug, m.kept, words(m)]),
      [
        ['t', true, "not this policy's: made elsewhere"],
        ['n5', true, 'pinned'],
        ['n4', false, 'no slot left in its policy'],
        ['n3', true, 'daily 3/3'],
        ['n2', true, 'daily 2/3'],
        ['n1', true, 'newest of the policy'],
      ],
    );
    assert.equal(model.kept, 5);
    assert.equal(model.removed, 1);
  });

  it('every backup when no policy is named, keep_days with its date, expired ones removed and asking first', () => {
    const model = pictureModel(plan);
    assert.equal(model.marks.length, backups.length);
    const bySlug = new Map(model.marks.map((m) => [m.slug, m]));
    assert.equal(words(bySlug.get('m')), 'not managed');
    assert.equal(words(bySlug.get('k-old')), `keep_days expired ${iso(new Date(NOW.getTime() - 8 * 86_400_000).toISOString())}`);
    assert.equal(bySlug.get('k-old')?.kept, false);
    assert.equal(bySlug.get('k-old')?.asks, true);
    // The newest keep_days backup is kept as the newest of its group, whatever its expiry.
    assert.equal(words(bySlug.get('k-new')), 'newest of the policy');
    assert.equal(bySlug.get('n4')?.asks, false);
  });

  it("carries the plan's reasons, as the text preview shows them, and agrees with plan.remove", () => {
    const model = pictureModel(plan);
    for (const m of model.marks) assert.deepEqual(m.reasons, plan.decisions.find((d) => d.slug === m.slug)?.reasons);
    assert.deepEqual(
      model.marks
        .filter((m) => !m.kept)
        .map((m) => m.slug)
        .sort(),
      [...plan.remove].sort(),
    );
  });

  it('a keep_days backup that is not the newest is kept until its expiry', () => {
    const older = listed('k2', 3);
    const p = planDeletions({
      backups: [older, keptOne],
      ledger: new Map([older, keptOne].map((b) => [b.slug, made(b, { keepDays: 30 })])),
      taggedPolicy: () => undefined,
      file: { status: 'missing' },
      pins: new Set(),
      now: NOW,
      confirmAbove: 5,
    });
    const mark = pictureModel(p).marks[0];
    assert.equal(mark?.slug, 'k2');
    assert.equal(words(mark), `keep_days until ${iso(new Date(NOW.getTime() + 27 * 86_400_000).toISOString())}`);
  });
});
