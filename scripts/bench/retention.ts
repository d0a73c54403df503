// Benchmark 3: `applyPolicy` on 100 000 backups with full generational rules, the first call in a
// fresh process (cold JIT, what a user meets) and the median of warm calls. restic has the reference
// implementation, but comparing needs a restic repository holding as many snapshots; without restic
// on the machine there is no standard tool in the run, and the row says so.
import type { RetentionRules } from '../../src/core/retention/index';
import type { RetentionInput, RetentionOutput } from './child';
import { formatProfile } from './profile';
import { list, median, ms, runChild, which } from './util';
import type { BenchOptions, Row } from './util';

const GOAL_MS = 200;
const COUNT = 100_000;
const RULES: RetentionRules = { last: 10, hourly: 48, daily: 14, weekly: 8, monthly: 24, yearly: 10 };
const NOW = '2026-01-01T00:00:00Z';
/** One sample every 100 µs: the first call takes 100–300 ms, so 1 000–3 000 samples. */
const PROFILE_US = 100;

export async function retentionBenchmark(opts: BenchOptions): Promise<Row[]> {
  const restic = await which('restic');
  const standard = restic
    ? `restic is installed (${restic}) but not compared: it needs a repository of ${COUNT} snapshots`
    : 'no standard tool in this run (restic not installed)';
  const rows: Row[] = [];
  const variants: { label: string; timeZone?: string }[] = [{ label: 'each timestamp’s own offset' }, { label: 'in Europe/Amsterdam', timeZone: 'Europe/Amsterdam' }];
  for (const v of variants) {
    const firsts: number[] = [];
    const firstCpu: number[] = [];
    const warm: number[] = [];
    const warmCpu: number[] = [];
    let kept = 0;
    const base: RetentionInput = { count: COUNT, warmRuns: opts.quick ? 5 : 10, rules: RULES, now: NOW, ...(v.timeZone ? { timeZone: v.timeZone } : {}) };
    // Each fresh process gives one first call; the median of those is reported.
    for (let i = 0; i < opts.runs; i++) {
      opts.log(`retention (${v.label}): process ${i + 1}/${opts.runs}`);
      const r = await runChild<RetentionOutput>('retention', base);
      firsts.push(r.firstMs);
      firstCpu.push(r.firstCpuMs);
      warm.push(...r.warmMs);
      warmCpu.push(...r.warmCpuMs);
      kept = r.keep;
    }
    // One more fresh process, not timed: where the first call's time goes.
    opts.log(`retention (${v.label}): profiling the first call`);
    const profiled = await runChild<RetentionOutput>('retention', { ...base, warmRuns: 0, profileUs: PROFILE_US });
    const first = median(firsts);
    const warmMedian = median(warm);
    rows.push({
      benchmark: `applyPolicy, ${COUNT.toLocaleString('en')} backups, full generational policy (${v.label})`,
      extension: `first ${ms(first)} (CPU ${ms(median(firstCpu))}), warm ${ms(warmMedian)} (CPU ${ms(median(warmCpu))})`,
      standard,
      ratio: 'n/a',
      goal: `≤ ${GOAL_MS} ms (first call, wall)`,
      met: first <= GOAL_MS ? 'yes' : 'no',
      notes: [
        `policy ${JSON.stringify(RULES)}, now ${NOW}${v.timeZone ? `, timeZone ${v.timeZone}` : ''}; backups about an hour apart over 11 years with Home Assistant timestamps (µs, +01:00/+02:00), shuffled; ${kept} kept`,
        `first call in ${opts.runs} fresh process(es): ${list(firsts)} wall, ${list(firstCpu)} CPU (user + system of all the process's threads, JIT and GC included; less sensitive to other load than wall time); warm calls (${warm.length}): median ${ms(warmMedian)}, min ${ms(Math.min(...warm))}, max ${ms(Math.max(...warm))}`,
        ...(profiled.profile ? [formatProfile('first call, an extra untimed process', profiled.profile)] : []),
      ],
    });
  }
  return rows;
}
