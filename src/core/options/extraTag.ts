// What the extension writes into a backup's `extra` (Supervisor ≥ 2024.12 keeps it in backup.json):
// `{ vscode_ha_backups: { policy?, keep_days?, safety_net? } }`. The tag says which policy asked for a backup; it
// travels with the archive (downloads, uploads, other machines), so it shows where a backup came from
// but never, by itself, allows deleting it: that needs the ledger (src/core/deletion/ledger.ts).

/** The one key of `extra` this extension owns. */
export const EXTRA_KEY = 'vscode_ha_backups';

export interface ExtraTag {
  /** The policy the backup was made for. */
  policy?: string;
  /** keep_days it was made with. */
  keepDays?: number;
  /** A safety-net backup: the config files being edited when it was started. */
  safetyNet?: string[];
}

/** `extra` with this extension's tag merged in (what else is under the key is kept). */
export function withExtraTag(extra: Readonly<Record<string, unknown>> | null | undefined, tag: ExtraTag): Record<string, unknown> {
  const mine: unknown = extra?.[EXTRA_KEY];
  const own = isRecord(mine) ? mine : {};
  const add: Record<string, unknown> = {};
  if (tag.policy !== undefined) add.policy = tag.policy;
  if (tag.keepDays !== undefined) add.keep_days = tag.keepDays;
  if (tag.safetyNet !== undefined) add.safety_net = [...tag.safetyNet];
  return { ...extra, [EXTRA_KEY]: { ...own, ...add } };
}

/** This extension's tag in a backup's `extra` (empty when there is none; values of the wrong type are left out). */
export function readExtraTag(extra: unknown): ExtraTag {
  const mine = isRecord(extra) ? extra[EXTRA_KEY] : undefined;
  if (!isRecord(mine)) return {};
  const tag: ExtraTag = {};
  if (typeof mine.policy === 'string' && mine.policy !== '') tag.policy = mine.policy;
  if (typeof mine.keep_days === 'number' && Number.isFinite(mine.keep_days)) tag.keepDays = mine.keep_days;
  if (Array.isArray(mine.safety_net)) tag.safetyNet = mine.safety_net.filter((f): f is string => typeof f === 'string');
  return tag;
}

/** The policy a backup's `extra` names; undefined when none (or not a non-empty string). */
export function taggedPolicy(extra: unknown): string | undefined {
  return readExtraTag(extra).policy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
