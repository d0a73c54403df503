// planPurge: the product rules over Home Assistant backups (expiry, pins, unmanaged backups, newest of a
// policy, unreadable dates, confirmation) and the words it gives a UI.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PurgeOptions, PurgePlan, RetentionRules } from '../../src/core/retention';
import { DEFAULT_CONFIRM_ABOVE, formatSpan, planPurge } from '../../src/core/retention';
import type { Backup } from '../../src/core/supervisor/schemas';
import { backupSchema } from '../../src/core/supervisor/schemas';

const NOW = '2025-03-10T12:00:00+00:00';
const DAY = 86_400_000;

/** A Supervisor backup (through the real schema), `daysAgo` days before NOW, in UTC unless `offset` says otherwise. */
function backup(slug: string, daysAgo: number, offset = '+00:00'): Backup {
  const at = new Date(Date.parse(NOW) - daysAgo * DAY);
  const [h, m] = offset.slice(1).split(':').map(Number) as [number, number];
  const shift = (offset.startsWith('-') ? -1 : 1) * (h * 60 + m) * 60_000;
  const wall = new Date(at.getTime() + shift).toISOString().replace('Z', '');
  return backupSchema.parse({
    slug,
    name: `Backup ${slug}`,
    date: `${wall}${offset}`,
    type: 'full',
    size: 10,
    protected: false,
    content: { homeassistant: true, addons: [], folders: [] },
  });
}

function plan(backups: Backup[], options: Partial<PurgeOptions<Backup>> = {}): PurgePlan<Backup> {
  return planPurge(backups, { managed: () => true, now: NOW, ...options });
}

function decision(p: PurgePlan<Backup>, slug: string): { action: string; reasons: string[] } {
  const d = p.decisions.find((x) => x.slug === slug);
  assert.ok(d, `no decision for ${slug}`);
  return { action: d.action, reasons: d.reasons };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('planPurge: keep_days expiry (strictly now > expiry, as Auto Backup)', () => {
  const backups = [backup('a', 1), backup('b', 2), backup('c', 3)];

  it('removes a managed backup whose expiry has passed, and says how long ago', () => {
    const p = plan(backups, { expiries: new Map([['c', iso(Date.parse(NOW) - 2 * DAY)]]) });
    assert.deepEqual(p.remove, ['c']);
    assert.deepEqual(decision(p, 'c'), { action: 'remove', reasons: ['expired 2 d ago'] });
  });

  it('keeps a backup that expires exactly now, and removes it one millisecond later', () => {
    const expiries = new Map([['c', NOW]]);
    assert.deepEqual(plan(backups, { expiries }).remove, []);
    assert.deepEqual(decision(plan(backups, { expiries }), 'c'), { action: 'keep', reasons: ['expires in < 1 min'] });
    assert.deepEqual(plan(backups, { expiries, now: iso(Date.parse(NOW) + 1) }).remove, ['c']);
  });

  it('compares with microsecond dates as the Supervisor and Auto Backup write them', () => {
    const expiries = { c: '2025-03-10T12:00:00.000001+00:00' };
    assert.deepEqual(plan(backups, { expiries }).remove, []);
    assert.deepEqual(plan(backups, { expiries, now: '2025-03-10T12:00:00.000002Z' }).remove, ['c']);
  });

  it('says how long until a backup expires', () => {
    const p = plan(backups, { expiries: { b: iso(Date.parse(NOW) + 3 * DAY + 5 * 3_600_000) } });
    assert.deepEqual(decision(p, 'b'), { action: 'keep', reasons: ['expires in 3 d'] });
  });

  it("takes the extension's ExpiryStore entries ({expires, keepDays}) and Dates", () => {
    const p = plan(backups, {
      expiries: { b: { expires: iso(Date.parse(NOW) - DAY) }, c: new Date(Date.parse(NOW) - 3 * 3_600_000) } as PurgeOptions<Backup>['expiries'],
    });
    assert.deepEqual(p.remove, ['b', 'c']);
    assert.deepEqual(decision(p, 'c').reasons, ['expired 3 h ago']);
  });

  it('ignores an expiry it cannot read', () => {
    const p = plan(backups, { expiries: { c: 'next Tuesday' } });
    assert.deepEqual(p.remove, []);
    assert.deepEqual(decision(p, 'c'), { action: 'keep', reasons: ['expiry not readable'] });
  });

  it('keeps an unexpired backup without a policy', () => {
    const p = plan(backups, { expiries: { b: iso(Date.parse(NOW) + DAY) } });
    assert.equal(decision(p, 'b').action, 'keep');
    assert.deepEqual(p.remove, []);
  });
});

describe('planPurge: what is never removed', () => {
  const expired = (slugs: string[]) => new Map(slugs.map((s) => [s, iso(Date.parse(NOW) - DAY)]));

  it('pins win over expiry and over the policy', () => {
    const backups = [backup('new', 0.5), backup('old', 5), backup('older', 9)];
    const p = plan(backups, { rules: { last: 1 }, expiries: expired(['old', 'older']), pins: new Set(['old']) });
    assert.deepEqual(p.remove, ['older']);
    assert.deepEqual(decision(p, 'old'), { action: 'keep', reasons: ['pinned', 'not kept by its policy', 'expired 1 d ago'] });
    // an array of slugs works too
    assert.deepEqual(plan(backups, { rules: { last: 1 }, pins: ['old', 'older'] }).remove, []);
  });

  it('backups nobody manages (manual, Home Assistant automatic, app-update, other tools) stay, even when expired', () => {
    const backups = [backup('mine', 1), backup('manual', 2), backup('ha-auto', 3), backup('mine-old', 4)];
    const managed = (b: Backup) => b.slug.startsWith('mine');
    const p = plan(backups, { managed, rules: { last: 1 }, expiries: expired(['manual', 'mine-old']) });
    assert.deepEqual(p.remove, ['mine-old']);
    assert.deepEqual(decision(p, 'manual'), { action: 'keep', reasons: ['not managed', 'expired 1 d ago'] });
    assert.deepEqual(decision(p, 'ha-auto'), { action: 'keep', reasons: ['not managed'] });
    assert.equal(p.decisions.find((d) => d.slug === 'manual')?.policy, undefined);
  });

  it('opting in (includeUnmanaged) puts unmanaged backups under the default policy', () => {
    const backups = [backup('mine', 1), backup('manual', 2), backup('ha-auto', 3)];
    const managed = (b: Backup) => b.slug === 'mine';
    const p = plan(backups, { managed, rules: { last: 2 }, includeUnmanaged: true });
    assert.deepEqual(p.remove, ['ha-auto']);
    assert.deepEqual(decision(p, 'manual'), { action: 'keep', reasons: ['last 2/2'] });
  });

  it('keeps the newest backup of each policy, even when expired or not matched by the policy', () => {
    const backups = [backup('n1', 1), backup('n2', 2), backup('w1', 3), backup('w2', 4)];
    const managed = (b: Backup) => (b.slug.startsWith('n') ? 'nightly' : 'weekly');
    const rulesByPolicy = { nightly: { tags: [['never']] }, weekly: { tags: [['never']] } };
    const p = plan(backups, { managed, rulesByPolicy, expiries: expired(['n1', 'n2', 'w1', 'w2']) });
    assert.deepEqual(p.remove, ['n2', 'w2']);
    assert.deepEqual(decision(p, 'n1'), { action: 'keep', reasons: ['newest of its policy', 'not kept by its policy', 'expired 1 d ago'] });
    assert.deepEqual(decision(p, 'w1').reasons, ['newest of its policy', 'not kept by its policy', 'expired 1 d ago']);
    // the newest is the newest instant, whatever the offsets say
    const mixed = [backup('a', 1, '-08:00'), backup('b', 0.9, '+09:00')];
    assert.deepEqual(plan(mixed, { expiries: expired(['a', 'b']) }).remove, ['a']);
  });

  it('never removes a backup whose date it cannot read, and leaves it out of the policy', () => {
    const broken = { ...backup('broken', 30), date: '2025-02-08 12:00' }; // no offset: the instant is unknown
    const backups = [backup('a', 1), backup('b', 2), broken];
    const p = plan(backups, { rules: { last: 1 }, expiries: expired(['broken']) });
    assert.deepEqual(p.remove, ['b']);
    assert.deepEqual(decision(p, 'broken'), { action: 'keep', reasons: ['date not readable', 'expired 1 d ago'] });
  });

  it('a policy with no rule removes nothing (restic would remove everything)', () => {
    const backups = [backup('a', 1), backup('b', 2)];
    assert.deepEqual(plan(backups, { rules: {} }).remove, []);
  });

  it("a policy id without a policy only applies expiries; the default policy never applies to another policy's backups", () => {
    const backups = [backup('x1', 1), backup('x2', 2), backup('x3', 3)];
    const p = plan(backups, { managed: () => 'unknown', rules: { last: 1 }, expiries: expired(['x3']) });
    assert.deepEqual(p.remove, ['x3']);
    assert.equal(p.decisions[0]?.policy, 'unknown');
  });
});

describe('planPurge: the generational rules', () => {
  // One backup a day at 03:00 UTC for 20 days.
  const daily = Array.from({ length: 20 }, (_, i) => backup(`d${String(i).padStart(2, '0')}`, i + 0.375));

  it('removes what the policy does not keep, with UI reasons for what it keeps', () => {
    // NOW is Monday 2025-03-10: d00 is the newest of ISO week 11, d01 (Sunday) of week 10, d08 of week 9.
    const p = plan(daily, { rules: { last: 2, daily: 3, weekly: 3 } });
    const kept = p.decisions.filter((d) => d.action === 'keep').map((d) => d.slug);
    assert.deepEqual(kept, ['d00', 'd01', 'd02', 'd08']);
    assert.deepEqual(decision(p, 'd00').reasons, ['newest of its policy', 'last 1/2', 'daily 1/3', 'weekly 1/3']);
    assert.deepEqual(decision(p, 'd01').reasons, ['last 2/2', 'daily 2/3', 'weekly 2/3']);
    assert.deepEqual(decision(p, 'd02').reasons, ['daily 3/3']);
    assert.deepEqual(decision(p, 'd08').reasons, ['weekly 3/3']);
    assert.deepEqual(decision(p, 'd05'), { action: 'remove', reasons: ['not kept by its policy'] });
    assert.equal(p.remove.length, 16);
    assert.deepEqual(p.remove.slice(0, 3), ['d03', 'd04', 'd05']);
  });

  it('shows unlimited counts, the oldest rule and within rules', () => {
    const few = daily.slice(0, 3);
    const p = plan(few, { rules: { monthly: -1, withinDaily: { days: 1 }, within: { hours: 12 } } });
    assert.deepEqual(decision(p, 'd00').reasons, ['newest of its policy', 'within 12h', 'monthly 1/∞', 'daily within 1d']);
    assert.deepEqual(decision(p, 'd02').reasons, ['monthly 2/∞ (oldest)']);
    assert.deepEqual(decision(p, 'd01'), { action: 'remove', reasons: ['not kept by its policy'] });
  });

  it('applies each policy to its own backups only', () => {
    const backups = [backup('a1', 1), backup('b1', 1.5), backup('a2', 2), backup('b2', 2.5), backup('a3', 3), backup('b3', 3.5)];
    const managed = (b: Backup) => (b.slug.startsWith('a') ? 'alpha' : 'beta');
    const p = plan(backups, {
      managed,
      rulesByPolicy: new Map<string, RetentionRules>([
        ['alpha', { last: 2 }],
        ['beta', { last: 1 }],
      ]),
    });
    assert.deepEqual(p.remove, ['b2', 'a3', 'b3']);
    assert.deepEqual(decision(p, 'a2').reasons, ['last 2/2']);
    assert.equal(p.decisions.find((d) => d.slug === 'b1')?.policy, 'beta');
  });

  it('buckets days in the Home Assistant time zone when given one', () => {
    // 22:30 and 23:30 UTC on the same UTC day are two different days in Amsterdam (UTC+1 in March before the switch).
    const backups = [
      { ...backup('late', 2), date: '2025-03-08T22:30:00+00:00' },
      { ...backup('later', 2), date: '2025-03-08T23:30:00+00:00' },
      { ...backup('early', 3), date: '2025-03-07T12:00:00+00:00' },
    ];
    assert.deepEqual(plan(backups, { rules: { daily: 5 } }).remove, ['late']);
    assert.deepEqual(plan(backups, { rules: { daily: 5 }, timeZone: 'Europe/Amsterdam' }).remove, []);
  });

  it('passes tags to the tags rule', () => {
    const backups = [backup('a', 1), backup('b', 2), backup('c', 3)];
    const p = plan(backups, { rules: { last: 1, tags: [['keep']] }, tags: (b) => (b.slug === 'c' ? ['keep'] : []) });
    assert.deepEqual(p.remove, ['b']);
    assert.deepEqual(decision(p, 'c').reasons, ['has tags [keep]']);
  });

  it('rejects invalid rules', () => {
    assert.throws(() => plan(daily, { rules: { daily: -2 } }), RangeError);
    assert.throws(() => plan(daily, { rulesByPolicy: { x: { weekly: 1.5 } } }), RangeError);
    assert.throws(() => plan(daily, { timeZone: 'Mars/Olympus_Mons' }), RangeError);
  });
});

describe('planPurge: confirmation and output shape', () => {
  const backups = Array.from({ length: 10 }, (_, i) => backup(`s${i}`, i + 1));
  const expiries = new Map(backups.map((b) => [b.slug, iso(Date.parse(NOW) - 1)]));

  it(`asks for confirmation above ${DEFAULT_CONFIRM_ABOVE} removals by default`, () => {
    const p = plan(backups, { expiries });
    assert.equal(p.remove.length, 9); // all but the newest
    assert.equal(p.needsConfirmation, true);
    assert.equal(p.confirmAbove, DEFAULT_CONFIRM_ABOVE);
    const five = plan(backups.slice(0, 6), { expiries });
    assert.equal(five.remove.length, 5);
    assert.equal(five.needsConfirmation, false);
  });

  it('takes a configured threshold', () => {
    assert.equal(plan(backups, { expiries, confirmAbove: 9 }).needsConfirmation, false);
    assert.equal(plan(backups, { expiries, confirmAbove: 8 }).needsConfirmation, true);
    assert.equal(plan(backups, { expiries, confirmAbove: 0 }).needsConfirmation, true);
    assert.equal(plan(backups, { expiries, confirmAbove: Infinity }).needsConfirmation, false);
    assert.throws(() => plan(backups, { expiries, confirmAbove: -1 }), RangeError);
  });

  it('has one decision per backup in input order, and removals newest first', () => {
    const shuffled = [backups[3]!, backups[0]!, backups[9]!, backups[5]!];
    const p = plan(shuffled, { expiries });
    assert.deepEqual(
      p.decisions.map((d) => d.slug),
      ['s3', 's0', 's9', 's5'],
    );
    assert.deepEqual(p.remove, ['s3', 's5', 's9']);
    assert.equal(p.decisions[1]?.backup, shuffled[1]);
    assert.deepEqual(p.decisions[1]?.details, [
      { code: 'newest-of-policy', policy: true },
      { code: 'expired', expires: expiries.get('s0'), agoMs: 1 },
    ]);
  });

  it('handles no backups', () => {
    assert.deepEqual(plan([], { rules: { last: 1 } }), { decisions: [], remove: [], needsConfirmation: false, confirmAbove: DEFAULT_CONFIRM_ABOVE });
  });
});

describe('formatSpan', () => {
  it('formats spans in whole units', () => {
    assert.equal(formatSpan(59_999), '< 1 min');
    assert.equal(formatSpan(60_000), '1 min');
    assert.equal(formatSpan(3_599_999), '59 min');
    assert.equal(formatSpan(3_600_000), '1 h');
    assert.equal(formatSpan(DAY - 1), '23 h');
    assert.equal(formatSpan(2 * DAY + 23 * 3_600_000), '2 d');
  });
});
