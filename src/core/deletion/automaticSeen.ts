// Home Assistant's automatic backups that were gone and came back. Core reports a backup as automatic
// from its metadata (`with_automatic_settings` and this instance's id), so a copy downloaded and uploaded
// again — to restore from it, say — is automatic again, and byte for byte the backup it was. Like the
// ledger for the extension's own backups (ledger.ts), the identities (slug and date) of the automatic
// backups last listed are remembered; one a later list shows gone is remembered as gone, and if it is
// listed again it is never deleted without asking. Mistakes go the safe way: a backup hidden by an
// agent that could not be read counts as gone, so it asks when it is back.

export interface AutomaticIdentity {
  slug: string;
  date: string;
}

export interface AutomaticSeen {
  /** The automatic backups of the last list. */
  seen: AutomaticIdentity[];
  /** Automatic backups a list showed gone (newest last, at most GONE_LIMIT). */
  gone: AutomaticIdentity[];
}

export const GONE_LIMIT = 500;

const key = (b: AutomaticIdentity): string => `${b.slug}\u0000${b.date}`;

/** After a list: what to remember now, and which listed backups came back after being gone (by slug). */
export function reconcileAutomatic(before: AutomaticSeen, listed: readonly (AutomaticIdentity & { automatic?: boolean })[]): { after: AutomaticSeen; returned: Set<string> } {
  const now = listed.filter((b) => b.automatic === true).map((b) => ({ slug: b.slug, date: b.date }));
  const present = new Set(now.map(key));
  const newlyGone = before.seen.filter((b) => !present.has(key(b)));
  const gone = [...before.gone.filter((g) => !newlyGone.some((n) => key(n) === key(g))), ...newlyGone].slice(-GONE_LIMIT);
  const goneKeys = new Set(gone.map(key));
  const returned = new Set(now.filter((b) => goneKeys.has(key(b))).map((b) => b.slug));
  return { after: { seen: now, gone }, returned };
}
