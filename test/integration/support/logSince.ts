// The extension's log lines written since a moment: printed with a failed test, so that a failure on
// CI (where only the console output is kept) shows what the extension did meanwhile.
import { logText } from './extensionApi';

/** `2026-12-06 05:30:00.123 [info] …`, in this machine's time zone (a LogOutputChannel's file). */
const STAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) /;

function stampOf(line: string): number | undefined {
  const m = STAMP.exec(line);
  if (!m) return undefined;
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0, ms = 0] = m.slice(1).map(Number);
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

/** The last `max` lines stamped at or after `since` (continuation lines follow their line). */
export async function logSince(since: number, max = 80): Promise<string> {
  const kept: string[] = [];
  let keeping = false;
  for (const line of (await logText()).split('\n')) {
    const at = stampOf(line);
    if (at !== undefined) keeping = at >= since;
    if (keeping && line.trim()) kept.push(line);
  }
  return kept.slice(-max).join('\n');
}
