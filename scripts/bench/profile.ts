// A CPU profile of one measured task, taken in the child process with V8's sampling profiler
// (node:inspector, `Profiler.start/stop` around the work only, not the process start or tsx's loading),
// and boiled down to what the bench prints: the share of samples per area (the extension's own code,
// undici, Node's internals, the garbage collector, idle…) and the top functions by self time, with
// file:line in the TypeScript sources (through the source maps tsx registers).
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(__dirname, '../..');

/** Where a function lives, for the per-area shares. */
export type ProfileArea = 'extension' | 'bench' | 'undici' | 'package' | 'node' | 'native' | 'gc' | 'program' | 'idle' | 'other';

export interface ProfileEntry {
  /** Function name, `(anonymous)` when it has none. */
  fn: string;
  /** `src/core/retention/time.ts:152`, `node:internal/streams/readable:540`, or `(native)`. */
  where: string;
  area: ProfileArea;
  /** Share of all samples (idle included) spent in this function itself. */
  selfPct: number;
}

export interface ProfileSummary {
  samples: number;
  intervalUs: number;
  /** Share of all samples per area, largest first. */
  areas: { area: ProfileArea; pct: number }[];
  /** Top functions by self time (idle left out). */
  top: ProfileEntry[];
}

/** The parts of a `Profiler.Profile` used here. */
export interface CpuProfile {
  nodes: { id: number; hitCount?: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples?: number[];
  startTime: number;
  endTime: number;
}

/** Runs `work` under the sampling profiler (one sample every `intervalUs` µs of the main thread). */
export async function profiled<T>(work: () => Promise<T> | T, intervalUs: number, topN = 10): Promise<{ result: T; profile: ProfileSummary }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    const stop = async (): Promise<CpuProfile> => ((await session.post('Profiler.stop')) as { profile: CpuProfile }).profile;
    let result: T;
    try {
      result = await work();
    } catch (e) {
      await stop();
      throw e;
    }
    return { result, profile: summarizeProfile(await stop(), intervalUs, topN) };
  } finally {
    session.disconnect();
  }
}

function areaOf(fn: string, url: string): ProfileArea {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(program)') return 'program';
  if (url === '') return 'native';
  if (url.startsWith('node:')) return 'node';
  if (url.includes('/node_modules/undici/')) return 'undici';
  if (url.includes('/node_modules/')) return 'package';
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  if (file.startsWith(path.join(REPO, 'src') + path.sep)) return 'extension';
  if (file.startsWith(path.join(REPO, 'scripts') + path.sep)) return 'bench';
  return 'other';
}

/** `file:line` (1-based) of a call frame, in the original TypeScript when the file has a source map. */
function locationOf(url: string, line0: number, column0: number): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return `${url}:${line0 + 1}`;
  let file = url.startsWith('file:') ? fileURLToPath(url) : url;
  let line = line0 + 1;
  try {
    const entry: { originalSource?: string; originalLine?: number } | undefined = findSourceMap(url)?.findEntry(line0, column0);
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
      file = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : entry.originalSource;
      line = entry.originalLine + 1;
    }
  } catch {
    // No source map: the generated line it is.
  }
  const relative = path.relative(REPO, file);
  return `${relative.startsWith('..') ? file : relative.replace(/^node_modules\//, '')}:${line}`;
}

/** Self samples per function and per area, from a V8 CPU profile. */
export function summarizeProfile(profile: CpuProfile, intervalUs: number, topN = 10): ProfileSummary {
  const hits = new Map<number, number>();
  if (profile.samples?.length) for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const n of profile.nodes) if (n.hitCount) hits.set(n.id, n.hitCount);
  let total = 0;
  const byArea = new Map<ProfileArea, number>();
  const byFunction = new Map<string, { fn: string; url: string; line: number; column: number; area: ProfileArea; count: number }>();
  for (const n of profile.nodes) {
    const count = hits.get(n.id) ?? 0;
    if (count === 0) continue;
    const { functionName, url, lineNumber, columnNumber } = n.callFrame;
    const fn = functionName || '(anonymous)';
    const area = areaOf(fn, url);
    total += count;
    byArea.set(area, (byArea.get(area) ?? 0) + count);
    const key = `${fn}\u0000${url}\u0000${lineNumber}\u0000${columnNumber}`;
    const f = byFunction.get(key);
    if (f) f.count += count;
    else byFunction.set(key, { fn, url, line: lineNumber, column: columnNumber, area, count });
  }
  const pct = (count: number): number => (total ? (count / total) * 100 : 0);
  return {
    samples: total,
    intervalUs,
    areas: [...byArea].map(([area, count]) => ({ area, pct: pct(count) })).sort((a, b) => b.pct - a.pct),
    top: [...byFunction.values()]
      .filter((f) => f.area !== 'idle')
      .sort((a, b) => b.count - a.count)
      .slice(0, topN)
      .map((f) => ({ fn: f.fn, where: f.area === 'gc' || f.area === 'program' ? '' : locationOf(f.url, f.line, f.column), area: f.area, selfPct: pct(f.count) })),
  };
}

const AREA_LABEL: Record<ProfileArea, string> = {
  extension: 'extension (src/)',
  bench: 'bench harness',
  undici: 'undici',
  package: 'other packages',
  node: 'Node internals',
  native: 'V8/native builtins',
  gc: 'GC',
  program: 'V8 (program)',
  idle: 'idle (waiting for I/O)',
  other: 'other',
};

/** One line for the notes under the table: areas (the extension's always, others from 0.5 %), then the top functions. */
export function formatProfile(label: string, p: ProfileSummary): string {
  const areas = (p.areas.some((a) => a.area === 'extension') ? p.areas : [...p.areas, { area: 'extension' as const, pct: 0 }])
    .filter((a) => a.pct >= 0.5 || a.area === 'extension')
    .map((a) => `${AREA_LABEL[a.area]} ${a.pct < 1 ? a.pct.toFixed(1) : a.pct.toFixed(0)} %`)
    .join(', ');
  const top = p.top.map((e) => `${e.fn}${e.where ? ` ${e.where}` : ''} ${e.selfPct.toFixed(1)} %`).join('; ');
  return `CPU profile, ${label} (${p.samples} samples every ${p.intervalUs} µs, self time, % of all samples): ${areas}. Top: ${top}`;
}
