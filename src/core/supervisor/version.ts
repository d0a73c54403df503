// Which Supervisor release a feature needs (request keys such as `extra` or `filename` are refused by
// older ones).

/** Whether a Supervisor version (`2025.01.1`, `2026.11.0.dev…`) is at least `min`; unknown counts as new. */
export function supervisorAtLeast(version: string | undefined, min: readonly [number, number, number]): boolean {
  const parts = version
    ?.match(/^(\d+)\.(\d+)\.(\d+)/)
    ?.slice(1)
    .map(Number);
  if (!parts) return true;
  for (let i = 0; i < 3; i++) if (parts[i] !== min[i]) return (parts[i] ?? 0) > min[i]!;
  return true;
}

/** `extra` on create (BackupDetails.extra). */
export const EXTRA_SINCE = [2024, 12, 0] as const;
/** `filename` on create and upload. */
export const FILENAME_SINCE = [2025, 1, 1] as const;
