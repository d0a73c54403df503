// A policy that manages Home Assistant's automatic backups (`with_automatic_settings: true`, issue #12):
// the file's rules for it, the cap it needs of Home Assistant's retention, and the deletion plan over
// the automatic backups (owned by that policy, the first purge asks, then unattended).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GONE_LIMIT, planDeletions, reconcileAutomatic, type DeletionInput, type DeletionPlan, type LedgerEntry } from '../../src/core/deletion';
import { ABSENCE_DAYS, automaticCap, managedAutomaticSection, parsePolicyFile } from '../../src/core/policy';
import type { Backup } from '../../src/core/supervisor/schemas';
import { NOW, generational, listed, made, policy, validFile } from './deletion/world';

const parse = (text: string) => parsePolicyFile(text);
const errors = (text: string) =>
  parse(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);
const warnings = (text: string) =>
  parse(text)
    .diagnostics.filter((d) => d.severity === 'warning')
    .map((d) => d.message);

const GENERATIONS = `policies:
  - name: generations
    with_automatic_settings: true
    retention: { daily: 7, weekly: 4, monthly: 12 }
`;

describe('automaticCap: what Home Assistant may keep so that it never deletes what the policy keeps', () => {
  it('sums the counts and adds the days VS Code may stay closed', () => {
    assert.deepEqual(automaticCap({ daily: 7, weekly: 4, monthly: 12 }), { keeps: 23, copies: 23 + ABSENCE_DAYS });
    assert.equal(ABSENCE_DAYS, 30);
  });

  it('counts a within rule as one backup a day of its span, plus the newest', () => {
    assert.deepEqual(automaticCap({ daily: 3, within: { days: 7 } }), { keeps: 3 + 8, copies: 11 + ABSENCE_DAYS });
    assert.equal(automaticCap({ withinMonthly: { years: 1 } }).keeps, 367);
  });

  it('has no cap for rules that keep an unlimited number', () => {
    assert.deepEqual(automaticCap({ daily: 7, yearly: -1 }), { keeps: null, copies: null });
  });

  it('ignores rules turned off with 0', () => {
    assert.deepEqual(automaticCap({ daily: 0, weekly: 2 }), { keeps: 2, copies: 32 });
  });
});

describe('auto_backup.yaml: a policy with with_automatic_settings', () => {
  it('needs no schedule and is parsed with its cap', () => {
    const parsed = parse(GENERATIONS);
    assert.deepEqual(errors(GENERATIONS), []);
    const [p] = parsed.policies;
    assert.equal(p?.withAutomaticSettings, true);
    assert.equal(p?.schedule, null);
    assert.equal(parsed.automaticPolicy?.name, 'generations');
    assert.deepEqual(parsed.automaticPolicy?.cap, { keeps: 23, copies: 53 });
    assert.equal(parsed.automaticPolicy?.range.start.line, 2);
  });

  it('refuses a schedule, backup: and verify: (Home Assistant makes these backups)', () => {
    for (const extra of ["schedule: 'daily 02:30'", 'backup: { name: x }', 'verify: true']) {
      const text = GENERATIONS.replace('    retention:', `    ${extra}\n    retention:`);
      const found = errors(text);
      assert.equal(found.length, 1, `${extra}: ${found.join(' | ')}`);
      assert.match(found[0] ?? '', /cannot be used with with_automatic_settings: true/);
      assert.equal(parse(text).policies.length, 0);
    }
  });

  it('refuses keep_days and a missing retention', () => {
    assert.match(errors(GENERATIONS.replace('{ daily: 7, weekly: 4, monthly: 12 }', '{ keep_days: 7 }')).join(), /keep_days is not for Home Assistant's automatic backups/);
    assert.match(errors(GENERATIONS.replace(/ {4}retention:.*\n/, '')).join(), /needs a retention with generational rules/);
  });

  it('allows only one such policy', () => {
    const text = `${GENERATIONS}  - name: more
    with_automatic_settings: true
    retention: { daily: 2 }
`;
    assert.match(errors(text).join(), /only one policy can have with_automatic_settings: true/);
  });

  it('still needs a schedule on an ordinary policy', () => {
    assert.match(errors('policies:\n  - name: nightly\n    retention: { daily: 2 }\n').join(), /policy 'nightly' is missing 'schedule'/);
  });

  it("says when the section's own retention would delete what the policy keeps", () => {
    const section = (retention: string) => `${GENERATIONS}automatic_backups:\n  schedule: daily 04:45\n  retention: ${retention}\n`;
    assert.match(errors(section('{ copies: 20 }')).join(), /Home Assistant would delete automatic backups the policy "generations" keeps: at least 53 copies/);
    assert.deepEqual(errors(section('{ copies: 53 }')), []);
    assert.deepEqual(warnings(section('{ copies: 60 }')), []);
    assert.match(warnings(section('{ days: 30 }')).join(), /days lets Home Assistant delete automatic backups/);
    assert.match(warnings(section('{ copies: null }')).join(), /no cap/);
  });

  it('warns that unlimited rules cannot be capped', () => {
    assert.match(warnings(GENERATIONS.replace('monthly: 12', 'monthly: unlimited')).join(), /cannot be capped safely/);
  });
});

describe('managedAutomaticSection: the settings the drift compares', () => {
  it("is the policy's cap when the section names no retention", () => {
    const managed = managedAutomaticSection(parse(`${GENERATIONS}automatic_backups:\n  schedule: daily 04:45\n`));
    assert.deepEqual(managed?.section, { schedule: 'daily 04:45', retention: { copies: 53, days: null } });
    assert.equal(managed?.capOf, 'generations');
    assert.equal(managed?.keyRanges.retention?.start.line, 2);
  });

  it('is the cap alone without a section', () => {
    assert.deepEqual(managedAutomaticSection(parse(GENERATIONS))?.section, { retention: { copies: 53, days: null } });
  });

  it('is the section as written when it names a retention, or when the policy is disabled', () => {
    const written = managedAutomaticSection(parse(`${GENERATIONS}automatic_backups:\n  retention: { copies: 60 }\n`));
    assert.deepEqual(written?.section.retention, { copies: 60 });
    assert.equal(written?.capOf, undefined);
    assert.equal(managedAutomaticSection(parse(GENERATIONS.replace('with_automatic_settings: true', 'with_automatic_settings: true\n    enabled: false'))), undefined);
  });
});

describe('planDeletions: automatic backups under a with_automatic_settings policy', () => {
  // Five automatic backups, one a day; the policy keeps the last 2 days.
  const backups = [1, 2, 3, 4, 5].map((d) => listed(`a${d}`, d));
  const manual = listed('m1', 6);
  const all = [...backups, manual];
  const automatic = new Set(backups.map((b) => b.slug));
  const generations = policy('generations', generational({ daily: 2 }), { withAutomaticSettings: true });

  function plan(options: Partial<DeletionInput<Backup>> = {}, ledger: LedgerEntry[] = []): DeletionPlan<Backup> {
    return planDeletions({
      backups: all,
      ledger: new Map(ledger.map((e) => [e.slug, e])),
      taggedPolicy: () => undefined,
      file: validFile(generations),
      pins: new Set(),
      isAutomatic: (slug) => automatic.has(slug),
      now: NOW,
      confirmAbove: 5,
      ...options,
    });
  }
  const decision = (p: DeletionPlan<Backup>, slug: string) => p.decisions.find((d) => d.slug === slug);

  it('owns the automatic backups, not the others, and its first purge asks', () => {
    const p = plan();
    assert.deepEqual(decision(p, 'a1')?.owner, { kind: 'automatic', policy: 'generations' });
    assert.deepEqual(decision(p, 'm1')?.owner, { kind: 'none' });
    assert.deepEqual(p.remove, ['a3', 'a4', 'a5']);
    assert.deepEqual(p.unattended, []);
    assert.match(decision(p, 'a3')?.reasons.join(', ') ?? '', /Home Assistant's automatic backups: the policy's first purge of them is confirmed by a person/);
    assert.equal(decision(p, 'm1')?.action, 'keep');
  });

  it('purges by itself once its purge was confirmed on this instance (purge: auto only)', () => {
    assert.deepEqual(plan({ adopted: new Set(['generations']) }).unattended, ['a3', 'a4', 'a5']);
    const manualPurge = validFile(policy('generations', generational({ daily: 2 }), { withAutomaticSettings: true, purge: 'manual' }));
    const p = plan({ adopted: new Set(['generations']), file: manualPurge });
    assert.deepEqual(p.unattended, []);
    assert.match(decision(p, 'a3')?.reasons.join(', ') ?? '', /purge: manual/);
  });

  it('another policy adopted is not this one', () => {
    assert.deepEqual(plan({ adopted: new Set(['other']) }).unattended, []);
  });

  it('deletes nothing when the policy is disabled, the file has errors, or no policy manages them', () => {
    const disabled = validFile(policy('generations', generational({ daily: 2 }), { withAutomaticSettings: true, enabled: false }));
    assert.deepEqual(plan({ adopted: new Set(['generations']), file: disabled }).remove, []);
    const invalid = { status: 'invalid' as const, policies: [generations], problem: 'auto_backup.yaml line 9: unknown key' };
    assert.deepEqual(plan({ adopted: new Set(['generations']), file: invalid }).remove, []);
    const p = plan({ file: validFile(policy('nightly', generational({ daily: 2 }))) });
    assert.deepEqual(p.remove, []);
    assert.deepEqual(decision(p, 'a1')?.owner, { kind: 'none' });
  });

  it('leaves pinned ones and those the connection cannot tell apart', () => {
    assert.deepEqual(plan({ adopted: new Set(['generations']), pins: new Set(['a4']) }).unattended, ['a3', 'a5']);
    assert.deepEqual(plan({ adopted: new Set(['generations']), isAutomatic: () => false }).remove, []);
  });

  it("a backup this VS Code made for another policy stays that policy's", () => {
    const p = plan({ adopted: new Set(['generations']) }, [made(backups[4] as Backup, { policy: 'nightly' })]);
    assert.deepEqual(decision(p, 'a5')?.owner, { kind: 'policy', policy: 'nightly' });
    assert.deepEqual(p.unattended, ['a3', 'a4']);
  });
});

describe('reconcileAutomatic: an automatic backup that was gone and is back always asks', () => {
  const a = { slug: 'a1', date: '2026-12-01T04:45:00Z', automatic: true };
  const b = { slug: 'b2', date: '2026-12-02T04:45:00Z', automatic: true };

  it('remembers the listed automatic backups, and those a list shows gone', () => {
    const first = reconcileAutomatic({ seen: [], gone: [] }, [a, b, { slug: 'm', date: '2026-12-01T00:00:00Z' }]);
    assert.deepEqual(
      first.after.seen.map((x) => x.slug),
      ['a1', 'b2'],
    );
    assert.deepEqual([...first.returned], []);
    const second = reconcileAutomatic(first.after, [b]);
    assert.deepEqual(second.after.gone, [{ slug: 'a1', date: a.date }]);
    // Uploaded again: the same slug and date.
    const third = reconcileAutomatic(second.after, [a, b]);
    assert.deepEqual([...third.returned], ['a1']);
    assert.deepEqual([...reconcileAutomatic(third.after, [a, b]).returned], ['a1'], 'and stays so');
    // Another backup under that slug (another date) is not the one that was gone.
    assert.deepEqual([...reconcileAutomatic(second.after, [{ ...a, date: '2026-12-03T04:45:00Z' }]).returned], []);
  });

  it('keeps at most GONE_LIMIT gone ones, the newest', () => {
    let state = { seen: [] as { slug: string; date: string }[], gone: [] as { slug: string; date: string }[] };
    for (let i = 0; i < GONE_LIMIT + 5; i++) state = reconcileAutomatic(reconcileAutomatic(state, [{ slug: `s${i}`, date: 'd', automatic: true }]).after, []).after;
    assert.equal(state.gone.length, GONE_LIMIT);
    assert.equal(state.gone.at(-1)?.slug, `s${GONE_LIMIT + 4}`);
  });

  it('the plan asks for it even when the policy purges by itself', () => {
    const backups = [1, 2, 3].map((d) => listed(`a${d}`, d));
    const p = planDeletions({
      backups,
      ledger: new Map(),
      taggedPolicy: () => undefined,
      file: validFile(policy('generations', generational({ last: 1 }), { withAutomaticSettings: true })),
      pins: new Set(),
      isAutomatic: () => true,
      adopted: new Set(['generations']),
      returned: new Set(['a3']),
      now: NOW,
      confirmAbove: 5,
    });
    assert.deepEqual(p.unattended, ['a2']);
    assert.deepEqual(p.remove, ['a2', 'a3']);
    assert.match(p.decisions.find((d) => d.slug === 'a3')?.reasons.join(', ') ?? '', /was gone and is back/);
  });
});
