// The deletion model (src/core/deletion/plan.ts): who owns a backup, and whether retention may remove
// it without asking, only after asking, or never. Each case of issue #10 at the unit level.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDeletions, type DeletionInput, type DeletionPlan, type LedgerEntry, type PolicyFileState } from '../../src/core/deletion';
import type { Backup } from '../../src/core/supervisor/schemas';
import { DAY, NOW, generational, keepDays, listed, made, policy, validFile } from './deletion/world';

function plan(backups: Backup[], ledger: LedgerEntry[], options: Partial<DeletionInput<Backup>> = {}): DeletionPlan<Backup> {
  return planDeletions({
    backups,
    ledger: new Map(ledger.map((e) => [e.slug, e])),
    taggedPolicy: () => undefined,
    file: { status: 'missing' },
    pins: new Set(),
    now: NOW,
    confirmAbove: 5,
    ...options,
  });
}

const decision = (p: DeletionPlan<Backup>, slug: string) => {
  const d = p.decisions.find((x) => x.slug === slug);
  assert.ok(d, `no decision for ${slug}`);
  return d;
};

describe('planDeletions: unattended only for an enabled policy of a valid file', () => {
  // A daily policy that keeps 2: four backups made here, the two oldest go.
  const backups = [listed('d1', 1), listed('d2', 2), listed('d3', 3), listed('d4', 4)];
  const ledger = backups.map((b) => made(b, { policy: 'nightly' }));

  it('removes what the policy no longer keeps, without asking', () => {
    const p = plan(backups, ledger, { file: validFile(policy('nightly', generational({ daily: 2 }))) });
    assert.deepEqual(p.unattended, ['d3', 'd4']);
    assert.deepEqual(p.remove, ['d3', 'd4']);
    assert.equal(decision(p, 'd3').consent, 'unattended');
  });

  it('asks for a policy with purge: manual', () => {
    const p = plan(backups, ledger, { file: validFile(policy('nightly', generational({ daily: 2 }), { purge: 'manual' })) });
    assert.deepEqual(p.unattended, []);
    assert.deepEqual(p.remove, ['d3', 'd4']);
    assert.match(decision(p, 'd3').reasons.join(', '), /asks first \(purge: manual\)/);
  });

  for (const [label, file, reason] of [
    ['disabled', validFile(policy('nightly', generational({ daily: 2 }), { enabled: false })), /its policy "nightly" is disabled/],
    ['deployed to Auto Backup', validFile(policy('nightly', generational({ daily: 2 }), { runBy: 'auto_backup' })), /runs in Home Assistant through Auto Backup/],
    ['renamed', validFile(policy('every night', generational({ daily: 2 }))), /its policy "nightly" is not in the policy file/],
    ['removed', validFile(), /its policy "nightly" is not in the policy file/],
    [
      'in a file with errors',
      { status: 'invalid', policies: [policy('nightly', generational({ daily: 2 }))], problem: 'auto_backup.yaml line 3: unknown key' },
      /the policy file has errors/,
    ],
    ['in a file with a YAML syntax error', { status: 'invalid', policies: [], problem: 'auto_backup.yaml line 1: bad indentation' }, /the policy file has errors/],
    ['with no policy file', { status: 'missing' }, /not in the policy file/],
  ] as [string, PolicyFileState, RegExp][]) {
    it(`deletes nothing of a policy ${label} (case 2)`, () => {
      const p = plan(backups, ledger, { file });
      assert.deepEqual(p.remove, []);
      assert.deepEqual(p.unattended, []);
      for (const d of p.decisions) {
        assert.equal(d.action, 'keep');
        assert.match(d.reasons[0] ?? '', reason);
      }
    });
  }

  it('a keep_days policy in a broken file keeps its expired backups, and says why (case 2)', () => {
    const old = [listed('k1', 10), listed('k2', 9)];
    const entries = old.map((b) => made(b, { policy: 'short', keepDays: 2 }));
    const broken = plan(old, entries, { file: { status: 'invalid', policies: [], problem: 'auto_backup.yaml line 4: schedule: unknown form "dialy 02:30"' } });
    assert.deepEqual(broken.remove, []);
    assert.match(decision(broken, 'k1').reasons.join(', '), /policy file has errors.*expired 8 d ago/);
    const fixed = plan(old, entries, { file: validFile(policy('short', keepDays(2))) });
    assert.deepEqual(fixed.unattended, ['k1']); // k2 is the newest of its policy
  });
});

describe('planDeletions: what the extension did not make (cases 1b, 4)', () => {
  it('a backup tagged by a policy but not in the ledger is never removed (an upload, another machine)', () => {
    const mine = [listed('m1', 1), listed('m2', 2)];
    const upload = listed('up', 21);
    const p = plan(
      [...mine, upload],
      mine.map((b) => made(b, { policy: 'nightly' })),
      {
        file: validFile(policy('nightly', generational({ daily: 7 }))),
        taggedPolicy: (slug) => (slug === 'up' ? 'nightly' : undefined),
      },
    );
    assert.deepEqual(p.remove, []);
    const d = decision(p, 'up');
    assert.deepEqual(d.owner, { kind: 'tagged', policy: 'nightly' });
    assert.match(d.reasons[0] ?? '', /not by this VS Code .* never deleted by retention/);
  });

  it('keep_days backups of Create Backup are removed only after asking', () => {
    const b = [listed('c1', 5), listed('c2', 1)];
    const p = plan(
      b,
      b.map((x) => made(x, { keepDays: 2 })),
    );
    assert.deepEqual(p.remove, ['c1']);
    assert.deepEqual(p.unattended, []);
    assert.match(decision(p, 'c1').reasons.join(', '), /expired 3 d ago, asks first \(made with keep_days by Create Backup\)/);
  });

  it("Auto Backup's expiries: asked for when its automatic purge is on, only shown when it is off", () => {
    const b = [listed('a1', 5), listed('a2', 4), listed('a3', 1)];
    const expiries = new Map(b.map((x) => [x.slug, new Date(Date.parse(x.date) + 2 * DAY)]));
    const on = plan(b, [], { autoBackup: { expiries, autoPurge: true } });
    assert.deepEqual(on.remove, ['a2', 'a1']);
    assert.deepEqual(on.unattended, []);
    const off = plan(b, [], { autoBackup: { expiries, autoPurge: false } });
    assert.deepEqual(off.remove, []);
    assert.match(decision(off, 'a1').reasons.join(', '), /automatic purge is off.*expired 3 d ago/);
  });

  it('an Auto Backup expiry earlier than the backup itself belongs to an older backup of that slug', () => {
    const b = listed('reused', 1);
    const p = plan([b, listed('x', 0)], [], { autoBackup: { expiries: new Map([['reused', new Date(NOW.getTime() - 3 * DAY)]]), autoPurge: true } });
    assert.deepEqual(decision(p, 'reused').owner, { kind: 'none' });
    assert.deepEqual(p.remove, []);
  });
});

describe('planDeletions: dates in the future (case 3a)', () => {
  it('a backup dated in the future is kept, is not the newest, and fills no slot', () => {
    const backups = [listed('future', -30), listed('b1', 1), listed('b2', 2), listed('b3', 3)];
    const ledger = backups.map((b) => made(b, { policy: 'nightly' }));
    const p = plan(backups, ledger, { file: validFile(policy('nightly', generational({ daily: 2 }))) });
    const f = decision(p, 'future');
    assert.equal(f.future, true);
    assert.equal(f.action, 'keep');
    assert.match(f.reasons[0] ?? '', /dated in the future/);
    // Without the future one taking a daily slot and "newest", b1 and b2 are the two kept.
    assert.deepEqual(p.unattended, ['b3']);
    assert.match(decision(p, 'b1').reasons.join(), /newest of its policy/);
  });

  it('a few minutes ahead is clock noise, not the future', () => {
    const p = plan([listed('soon', -2 / (24 * 60))], []);
    assert.equal(decision(p, 'soon').future, false);
  });
});

describe('planDeletions: pins and the newest backup', () => {
  it('a pinned backup is never removed, also when its policy would', () => {
    const backups = [listed('n1', 1), listed('n2', 2), listed('n3', 3)];
    const p = plan(
      backups,
      backups.map((b) => made(b, { policy: 'p' })),
      { file: validFile(policy('p', generational({ last: 1 }))), pins: new Set(['n3']) },
    );
    assert.deepEqual(p.unattended, ['n2']);
    assert.match(decision(p, 'n3').reasons.join(), /pinned/);
  });
});
