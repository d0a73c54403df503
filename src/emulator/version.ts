// Supervisor versions are CalVer ("2026.04.1", "2026.02.3.dev0303"); behaviour that changed between
// releases is chosen by comparing the scenario's supervisorVersion with the release that changed it.

/** Compare CalVer strings like "2026.04.1" / "2026.02.3.dev0303" (dev suffixes ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] =>
    v
      .split('.')
      .map((p) => Number.parseInt(p, 10))
      .filter((n) => !Number.isNaN(n))
      .slice(0, 3);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when `version` is `release` or later. */
export function atLeast(version: string, release: string): boolean {
  return compareVersions(version, release) >= 0;
}
