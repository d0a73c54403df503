// What the scheduler remembers of each policy: when it was first seen enabled (runs due before that
// are not caught up) and its schedule. Pure, so the rules that keep a scheduled backup from being
// missed silently are tested on their own:
// - disabled and removed policies are forgotten, so turning one on again (or re-adding a name) starts
//   from now instead of catching up at once — but only when the file can be read: while it has
//   errors, nothing is forgotten, so the runs missed meanwhile are caught up once it is fixed;
// - a first sighting later than now (this machine's clock was ahead) counts from now.

export interface SeenPolicy {
  /** When it was first seen enabled (ISO, Home Assistant's clock). */
  firstSeen: string;
  /** Its schedule (cron) as last read. */
  cron: string;
}

export interface SeenUpdate {
  seen: Record<string, SeenPolicy>;
  /** Policies whose first sighting was in the future and now counts from now. */
  clamped: string[];
}

export function updateSeen(
  before: Readonly<Record<string, SeenPolicy>>,
  policies: readonly { name: string; enabled: boolean; schedule: { cron: string } }[],
  fileHasErrors: boolean,
  now: Date,
): SeenUpdate {
  const seen: Record<string, SeenPolicy> = fileHasErrors ? { ...before } : {};
  const clamped: string[] = [];
  for (const p of policies) {
    if (!p.enabled) {
      delete seen[p.name];
      continue;
    }
    let firstSeen = before[p.name]?.firstSeen ?? now.toISOString();
    if (Date.parse(firstSeen) > now.getTime()) {
      clamped.push(p.name);
      firstSeen = now.toISOString();
    }
    seen[p.name] = { firstSeen, cron: p.schedule.cron };
  }
  // Remembered ones the file no longer shows while it has errors: a first sighting in the future still counts from now.
  for (const [name, entry] of Object.entries(seen)) {
    if (Date.parse(entry.firstSeen) > now.getTime()) {
      clamped.push(name);
      seen[name] = { ...entry, firstSeen: now.toISOString() };
    }
  }
  return { seen, clamped };
}
