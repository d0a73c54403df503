// Property tests over seeded random histories (test/unit/retention/random.ts): applyPolicy against an
// independent reference model and restic's counting rules, planPurge against the product rules.
// A failure names its seed; rerun it alone with RETENTION_SEED=<seed> RETENTION_CASES=1.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TZDate } from '@date-fns/tz';
import type { ApplyPolicyResult, Counters, PolicyOwner, RetentionRules, SnapshotLike } from '../../src/core/retention';
import { applyPolicy, planPurge } from '../../src/core/retention';
import { sortNewestFirst } from '../../src/core/retention/newestFirst';
import type { GenTime, Rng } from './retention/random';
import { BASE_SEED, NOW_MS, forAll, formatTime, genCount, genRules, genTags, genTimes } from './retention/random';

const NOW = new Date(NOW_MS).toISOString();

interface Snap extends SnapshotLike {
  tags: string[];
}

function genSnapshots(rng: Rng, shape: { mixedOffsets: boolean; midday?: boolean }, max = 60): { snaps: Snap[]; times: GenTime[] } {
  const times = genTimes(rng, rng.int(0, max), shape);
  return { times, snaps: times.map((t, i) => ({ id: `s${i}`, time: formatTime(t, rng), tags: genTags(rng) })) };
}

// ---------------------------------------------------------------------------------------------------
// Reference model: restic's algorithm written plainly, with its own parsing and JS Date calendar maths.

function refParse(time: string): { ms: number; ns: number; offsetMs: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  assert.ok(m, `reference cannot parse ${time}`);
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  const digits = frac.padEnd(9, '0');
  const offsetMs = zone === 'Z' ? 0 : (zone!.startsWith('-') ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4, 6))) * 60_000;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(digits.slice(0, 3)));
  return { ms: wall - offsetMs, ns: Number(digits.slice(3)), offsetMs };
}

function isoWeek(wall: Date): number {
  const d = new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday); // the Thursday of this week
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return d.getUTCFullYear() * 100 + Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

const RULES = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
const WITHIN = ['withinHourly', 'withinDaily', 'withinWeekly', 'withinMonthly', 'withinYearly'] as const;

function dur(d: { years?: number; months?: number; days?: number; hours?: number } | undefined): string {
  if (!d) return '';
  return `${d.years ? `${d.years}y` : ''}${d.months ? `${d.months}m` : ''}${d.days ? `${d.days}d` : ''}${d.hours ? `${d.hours}h` : ''}`;
}

function reference(snaps: readonly Snap[], rules: RetentionRules, nowMs: number): ApplyPolicyResult {
  const list = snaps.map((s, index) => ({ s, index, ...refParse(s.time) }));
  list.sort((a, b) => b.ms - a.ms || b.ns - a.ns || a.index - b.index);
  const anchor = list.find((x) => x.ms < nowMs);
  const threshold = (d: RetentionRules['within']): { ms: number; ns: number } | null => {
    if (!dur(d)) return null;
    if (!anchor) return { ms: -Infinity, ns: 0 }; // Go's zero time: every generated snapshot is after it
    const w = new Date(anchor.ms + anchor.offsetMs);
    const back = Date.UTC(
      w.getUTCFullYear() - (d?.years ?? 0),
      w.getUTCMonth() - (d?.months ?? 0),
      w.getUTCDate() - (d?.days ?? 0),
      w.getUTCHours(),
      w.getUTCMinutes(),
      w.getUTCSeconds(),
      w.getUTCMilliseconds(),
    );
    return { ms: back - anchor.offsetMs - (d?.hours ?? 0) * 3_600_000, ns: anchor.ns };
  };
  const after = (x: { ms: number; ns: number }, t: { ms: number; ns: number }) => x.ms > t.ms || (x.ms === t.ms && x.ns > t.ns);
  const key = (rule: string, x: (typeof list)[number], nr: number): number => {
    const w = new Date(x.ms + x.offsetMs);
    const y = w.getUTCFullYear();
    const m = w.getUTCMonth() + 1;
    const d = w.getUTCDate();
    switch (rule) {
      case 'last':
        return nr;
      case 'hourly':
        return y * 1_000_000 + m * 10_000 + d * 100 + w.getUTCHours();
      case 'daily':
        return y * 10_000 + m * 100 + d;
      case 'weekly':
        return isoWeek(w);
      case 'monthly':
        return y * 100 + m;
      default:
        return y;
    }
  };
  const counts: Record<string, number> = Object.fromEntries(RULES.map((r) => [r, rules[r] ?? 0]));
  const last: Record<string, number> = Object.fromEntries([...RULES, ...WITHIN].map((r) => [r, -1]));
  const withinT = threshold(rules.within);
  const wT = Object.fromEntries(WITHIN.map((r) => [r, threshold(rules[r])]));
  const res: ApplyPolicyResult = { keep: [], remove: [], reasons: {}, counters: {} };
  list.forEach((x, nr) => {
    const oldest = nr === list.length - 1;
    const why: string[] = [];
    for (const l of rules.tags ?? []) {
      // restic's HasTags: "" on an untagged snapshot matches at once; otherwise every tag must be present.
      const hasTags = (() => {
        for (const t of l) {
          if (t === '' && x.s.tags.length === 0) return true;
          if (!x.s.tags.includes(t)) return false;
        }
        return true;
      })();
      if (hasTags) why.push(`has tags [${l.join(', ')}]`);
    }
    if (withinT && after(x, withinT)) why.push(`within ${dur(rules.within)}`);
    for (const r of RULES) {
      const c = counts[r] as number;
      if (!(c > 0 || c === -1)) continue;
      const v = key(r, x, nr);
      if (v !== last[r] || oldest) {
        why.push(`${v === last[r] && oldest ? 'oldest ' : ''}${r} snapshot`);
        last[r] = v;
        if (c > 0) counts[r] = c - 1;
      }
    }
    for (const r of WITHIN) {
      const t = wT[r];
      if (!t || !after(x, t)) continue;
      const period = r.slice('within'.length).toLowerCase();
      const v = key(period, x, nr);
      if (v !== last[r] || oldest) {
        why.push(`${v === last[r] && oldest ? 'oldest ' : ''}${period} within ${dur(rules[r])}`);
        last[r] = v;
      }
    }
    if (why.length > 0) {
      res.keep.push(x.s.id);
      res.reasons[x.s.id] = why;
      const left: Counters = {};
      for (const r of RULES) if (counts[r] !== 0) left[r] = counts[r];
      res.counters[x.s.id] = left;
    } else {
      res.remove.push(x.s.id);
    }
  });
  return res;
}

// ---------------------------------------------------------------------------------------------------

const instantOf = (s: SnapshotLike) => refParse(s.time);
function assertNewestFirst(ids: string[], byId: Map<string, { s: Snap; index: number }>, what: string): void {
  for (let k = 1; k < ids.length; k++) {
    const a = byId.get(ids[k - 1] as string)!;
    const b = byId.get(ids[k] as string)!;
    const ta = instantOf(a.s);
    const tb = instantOf(b.s);
    const cmp = ta.ms - tb.ms || ta.ns - tb.ns;
    assert.ok(cmp > 0 || (cmp === 0 && a.index < b.index), `${what} not newest first at ${a.s.id} (${a.s.time}) / ${b.s.id} (${b.s.time})`);
  }
}

describe(`applyPolicy properties (base seed ${BASE_SEED})`, () => {
  it('sorts newest first, equal instants in input order, whatever the shape of the input', () => {
    forAll(300, (rng) => {
      const n = rng.int(0, rng.pick([5, 50, 2000]));
      const shape = rng.pick(['spread', 'clustered', 'ties', 'one-instant', 'ascending', 'descending'] as const);
      const ms = new Float64Array(n);
      const ns = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        ms[i] =
          shape === 'one-instant'
            ? 1_700_000_000_000
            : shape === 'ties'
              ? 1_700_000_000_000 + rng.int(0, 5)
              : shape === 'clustered'
                ? rng.chance(0.9)
                  ? 1_700_000_000_000 + rng.int(0, 50)
                  : rng.int(0, 1e12)
                : rng.int(-1e12, 2e12);
        ns[i] = rng.chance(0.3) ? rng.int(0, 999_999) : 0;
      }
      if (shape === 'ascending' || shape === 'descending') {
        const pairs = Array.from(ms, (m, i) => [m, ns[i] as number] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        if (shape === 'descending') pairs.reverse();
        pairs.forEach(([m, s], i) => {
          ms[i] = m;
          ns[i] = s;
        });
      }
      const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => (ms[b] as number) - (ms[a] as number) || (ns[b] as number) - (ns[a] as number) || a - b);
      assert.deepEqual(Array.from(sortNewestFirst(ms, ns)), expected, shape);
    });
  });

  it('agrees with an independent reference model, and partitions the input newest first', () => {
    forAll(400, (rng) => {
      const { snaps } = genSnapshots(rng, { mixedOffsets: rng.chance(0.5) });
      const rules = genRules(rng);
      const r = applyPolicy(snaps, rules, { now: NOW });
      assert.deepEqual(r, reference(snaps, rules, NOW_MS), `rules ${JSON.stringify(rules)}`);

      const ids = snaps.map((s) => s.id);
      assert.deepEqual([...r.keep, ...r.remove].sort(), [...ids].sort(), 'keep ∪ remove = input, disjoint');
      assert.deepEqual(Object.keys(r.reasons).sort(), [...r.keep].sort());
      assert.ok(
        r.keep.every((id) => (r.reasons[id] ?? []).length > 0),
        'every kept snapshot has a reason',
      );
      const byId = new Map(snaps.map((s, index) => [s.id, { s, index }]));
      assertNewestFirst(r.keep, byId, 'keep');
      assertNewestFirst(r.remove, byId, 'remove');
    });
  });

  it('respects the counts: last n keeps at least min(n, len); positive counts keep at most their sum; the newest is kept', () => {
    forAll(300, (rng) => {
      const { snaps } = genSnapshots(rng, { mixedOffsets: rng.chance(0.5) });
      const rules: RetentionRules = {};
      for (const k of RULES) if (rng.chance(0.4)) rules[k] = rng.int(1, 10);
      const r = applyPolicy(snaps, rules, { now: NOW });
      const sum = RULES.reduce((acc, k) => acc + (rules[k] ?? 0), 0);
      if (rules.last) assert.ok(r.keep.length >= Math.min(rules.last, snaps.length), `last ${rules.last}: kept ${r.keep.length} of ${snaps.length}`);
      assert.ok(r.keep.length <= sum, `kept ${r.keep.length} > sum of counts ${sum}`);
      if (sum > 0 && snaps.length > 0) {
        const newest = [...snaps].map((s, index) => ({ s, index, ...instantOf(s) })).sort((a, b) => b.ms - a.ms || b.ns - a.ns || a.index - b.index)[0]!;
        assert.equal(r.keep[0], newest.s.id, 'the newest snapshot is kept first');
      }
    });
  });

  it('a single count rule on a single-offset history keeps min(n, periods [+1 for the oldest])', () => {
    forAll(300, (rng) => {
      const { snaps } = genSnapshots(rng, { mixedOffsets: false });
      const rule = rng.pick(['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const);
      const n = rng.int(1, 15);
      const r = applyPolicy(snaps, { [rule]: n }, { now: NOW });
      // Periods as the reference computes them, newest first.
      const sorted = snaps.map((s, index) => ({ s, index, ...instantOf(s) })).sort((a, b) => b.ms - a.ms || b.ns - a.ns || a.index - b.index);
      const periods = sorted.map((x) => keyOf(rule, x.ms + x.offsetMs));
      const distinct = new Set(periods).size;
      const oldestPeriod = periods[periods.length - 1];
      const oldestRepeats = periods.indexOf(oldestPeriod as number) !== periods.length - 1;
      const expected = Math.min(n, distinct + (oldestRepeats && distinct < n ? 1 : 0));
      assert.equal(r.keep.length, expected, `${rule} ${n}: ${distinct} periods`);
    });
  });

  it('is idempotent for last-only, within-only and tags-only rules', () => {
    forAll(300, (rng) => {
      const { snaps } = genSnapshots(rng, { mixedOffsets: rng.chance(0.5) });
      const kind = rng.pick(['last', 'within', 'tags'] as const);
      const rules: RetentionRules =
        kind === 'last' ? { last: genCount(rng) || 1 } : kind === 'within' ? genRules(rng, { within: true }) : { tags: genRules(rng, { tags: true }).tags ?? [['a']] };
      const first = applyPolicy(snaps, rules, { now: NOW });
      const kept = snaps.filter((s) => first.keep.includes(s.id));
      const second = applyPolicy(kept, rules, { now: NOW });
      assert.deepEqual(second.remove, [], `second pass removed ${second.remove.join(', ')} (${JSON.stringify(rules)})`);
      assert.deepEqual(second.keep, first.keep);
    });
  });

  it('does not depend on input order when instants are distinct', () => {
    forAll(200, (rng) => {
      const { snaps } = genSnapshots(rng, { mixedOffsets: true });
      const seen = new Set<string>();
      const distinct = snaps.filter((s) => {
        const t = instantOf(s);
        const k = `${t.ms}:${t.ns}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      const rules = genRules(rng);
      const a = applyPolicy(distinct, rules, { now: NOW });
      const b = applyPolicy(rng.shuffle([...distinct]), rules, { now: NOW });
      assert.deepEqual(b, a);
    });
  });
});

// ---------------------------------------------------------------------------------------------------

function keyOf(rule: string, wallMs: number): number {
  const w = new Date(wallMs);
  const y = w.getUTCFullYear();
  const m = w.getUTCMonth() + 1;
  const d = w.getUTCDate();
  if (rule === 'hourly') return y * 1_000_000 + m * 10_000 + d * 100 + w.getUTCHours();
  if (rule === 'daily') return y * 10_000 + m * 100 + d;
  if (rule === 'weekly') return isoWeek(w);
  if (rule === 'monthly') return y * 100 + m;
  return y;
}

/** The same instant written with the zone's offset at that instant. */
function inZone(s: Snap, zone: string): Snap {
  const t = instantOf(s);
  const offsetMin = -new TZDate(t.ms, zone).getTimezoneOffset();
  return { ...s, time: formatTime({ ms: t.ms, ns: t.ns, offsetMin }) };
}

/** Bucketing in a time zone gives what bucketing the same instants written with that zone's offsets gives. */
function assertZoneIsOffsets(snaps: Snap[], rules: Parameters<typeof applyPolicy>[1], zone: string): void {
  const inOffsets = snaps.map((s) => inZone(s, zone));
  assert.deepEqual(applyPolicy(snaps, rules, { now: NOW, timeZone: zone }), applyPolicy(inOffsets, rules, { now: NOW }), zone);
}

describe('applyPolicy timeZone properties', () => {
  const ZONES = ['Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'];

  it('equals offset bucketing of the same instants written in the zone (count and tag rules)', () => {
    forAll(200, (rng) => {
      const { snaps } = genSnapshots(rng, { mixedOffsets: true });
      const zone = rng.pick(ZONES);
      const rules = genRules(rng, { counts: true, tags: true });
      assertZoneIsOffsets(snaps, rules, zone);
    });
  });

  it('equals it for within rules too when the zone has no DST', () => {
    forAll(150, (rng) => {
      const { snaps } = genSnapshots(rng, { mixedOffsets: true });
      const zone = rng.pick(['Asia/Kolkata', 'UTC', 'Etc/GMT+5']);
      const rules = genRules(rng);
      assertZoneIsOffsets(snaps, rules, zone);
    });
  });

  it('differs from offset bucketing only at day boundaries: same calendar days, same decisions (day-or-coarser rules)', () => {
    let exercised = 0;
    forAll(250, (rng) => {
      const { snaps } = genSnapshots(rng, { mixedOffsets: true, midday: rng.chance(0.8) });
      const zone = rng.pick(ZONES);
      const rules: RetentionRules = {};
      for (const k of ['daily', 'weekly', 'monthly', 'yearly'] as const) if (rng.chance(0.5)) rules[k] = genCount(rng);
      const sameDays = snaps.every((s) => {
        const t = instantOf(s);
        return keyOf('daily', t.ms + t.offsetMs) === keyOf('daily', t.ms - new TZDate(t.ms, zone).getTimezoneOffset() * 60_000);
      });
      if (!sameDays) return;
      exercised++;
      const a = applyPolicy(snaps, rules, { now: NOW });
      const b = applyPolicy(snaps, rules, { now: NOW, timeZone: zone });
      assert.deepEqual(b.keep, a.keep, zone);
      assert.deepEqual(b.remove, a.remove, zone);
    });
    assert.ok(exercised >= 100, `only ${exercised} histories had matching calendar days`);
  });
});

// ---------------------------------------------------------------------------------------------------

interface B {
  slug: string;
  date: string;
}

describe(`planPurge properties (base seed ${BASE_SEED})`, () => {
  it('removes only positively marked backups and never a pinned, unmanaged, newest-of-policy, unreadable or unexpired-unpolicied one', () => {
    forAll(400, (rng) => {
      const { snaps } = genSnapshots(rng, { mixedOffsets: rng.chance(0.5) }, 40);
      const backups: B[] = snaps.map((s) => ({ slug: s.id, date: rng.chance(0.05) ? s.time.slice(0, 19) : s.time }));
      const ownerOf = new Map<string, PolicyOwner>(backups.map((b) => [b.slug, rng.pick<PolicyOwner>([true, true, 'p1', 'p2', 'ghost', false, null, undefined, ''])]));
      const rules = rng.chance(0.7) ? genRules(rng) : undefined;
      const rulesByPolicy: Record<string, RetentionRules> = { p1: genRules(rng), p2: genRules(rng) };
      const expiries = new Map<string, string>();
      for (const b of backups) {
        if (rng.chance(0.5)) expiries.set(b.slug, rng.chance(0.05) ? 'garbage' : new Date(NOW_MS + rng.int(-10, 10) * 86_400_000 + rng.pick([0, 1, -1])).toISOString());
      }
      const pins = new Set(backups.filter(() => rng.chance(0.15)).map((b) => b.slug));
      const includeUnmanaged = rng.chance(0.2);
      const confirmAbove = rng.pick([0, 1, 3, 5, 10, Infinity]);
      const plan = planPurge(backups, { managed: (b) => ownerOf.get(b.slug), rules, rulesByPolicy, expiries, pins, now: NOW, includeUnmanaged, confirmAbove });

      // Shape.
      assert.deepEqual(
        plan.decisions.map((d) => d.slug),
        backups.map((b) => b.slug),
      );
      const removed = new Set(plan.remove);
      assert.equal(removed.size, plan.remove.length, 'no slug removed twice');
      for (const d of plan.decisions) assert.equal(d.action === 'remove', removed.has(d.slug), d.slug);
      assert.equal(plan.needsConfirmation, plan.remove.length > confirmAbove);
      const byId = new Map(backups.map((b, index) => [b.slug, { s: { id: b.slug, time: b.date, tags: [] }, index }]));
      assertNewestFirst(plan.remove, byId, 'remove');

      // Groups as the rules define them, computed here independently.
      const groupOf = (b: B): string | undefined => {
        const o = ownerOf.get(b.slug);
        if (o === true || (typeof o === 'string' && o !== '')) return o === true ? '<default>' : o;
        return includeUnmanaged ? '<default>' : undefined;
      };
      const readable = (b: B) => /[zZ]$|[+-]\d\d:\d\d$/.test(b.date);
      // A policy without any rule has no generational verdict.
      const hasRule = (p: RetentionRules | undefined): p is RetentionRules =>
        !!p && (RULES.some((k) => (p[k] ?? 0) !== 0) || (['within', ...WITHIN] as const).some((k) => dur(p[k]) !== '') || (p.tags ?? []).length > 0);
      const members = new Map<string, B[]>();
      for (const b of backups) {
        const g = groupOf(b);
        if (g !== undefined && readable(b)) members.set(g, [...(members.get(g) ?? []), b]);
      }
      const newest = new Set<string>();
      const notKept = new Set<string>();
      for (const [g, list] of members) {
        const snapsOf = list.map((b) => ({ id: b.slug, time: b.date }));
        newest.add(
          reference(
            snapsOf.map((x) => ({ ...x, tags: [] })),
            { last: 1 },
            NOW_MS,
          ).keep[0] as string,
        );
        const p = g === '<default>' ? rules : rulesByPolicy[g];
        if (hasRule(p))
          for (const id of reference(
            snapsOf.map((x) => ({ ...x, tags: [] })),
            p,
            NOW_MS,
          ).remove)
            notKept.add(id);
      }

      for (const b of backups) {
        const why = `${b.slug} (${b.date}, owner ${String(ownerOf.get(b.slug))}, expiry ${expiries.get(b.slug) ?? '-'})`;
        if (!removed.has(b.slug)) continue;
        assert.ok(!pins.has(b.slug), `pinned ${why} removed`);
        assert.ok(groupOf(b) !== undefined, `unmanaged ${why} removed`);
        assert.ok(readable(b), `unreadable ${why} removed`);
        assert.ok(!newest.has(b.slug), `newest of its policy ${why} removed`);
        const exp = expiries.get(b.slug);
        const expired = exp !== undefined && !Number.isNaN(Date.parse(exp)) && NOW_MS > Date.parse(exp);
        assert.ok(expired || notKept.has(b.slug), `${why} removed without an expiry or a policy verdict`);
      }
      // …and everything positively marked and not protected is removed.
      for (const b of backups) {
        const exp = expiries.get(b.slug);
        const expired = exp !== undefined && !Number.isNaN(Date.parse(exp)) && NOW_MS > Date.parse(exp);
        const marked = expired || notKept.has(b.slug);
        const protectedBy = pins.has(b.slug) || groupOf(b) === undefined || !readable(b) || newest.has(b.slug);
        assert.equal(removed.has(b.slug), marked && !protectedBy, `${b.slug}: marked ${marked}, protected ${protectedBy}`);
      }
    });
  });

  it('pinning a backup never adds a removal', () => {
    forAll(200, (rng) => {
      const { snaps } = genSnapshots(rng, { mixedOffsets: true }, 30);
      const backups: B[] = snaps.map((s) => ({ slug: s.id, date: s.time }));
      const expiries = new Map(backups.filter(() => rng.chance(0.5)).map((b) => [b.slug, new Date(NOW_MS + rng.int(-5, 5) * 86_400_000).toISOString()]));
      const options = { managed: () => true, rules: genRules(rng), expiries, now: NOW };
      const before = planPurge(backups, options);
      const pin = backups.length > 0 ? rng.pick(backups).slug : 'none';
      const after = planPurge(backups, { ...options, pins: new Set([pin]) });
      assert.deepEqual(
        after.remove,
        before.remove.filter((s) => s !== pin),
      );
    });
  });
});
