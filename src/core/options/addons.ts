// Add-on selection as in Auto Backup (jcwillox/hass-auto-backup
// custom_components/auto_backup/manager.py AutoBackup.ensure_addon_slugs @faaddd1c): each requested
// string matches an installed add-on by its name (exact, case-insensitive) and, independently, by a
// case-sensitive glob on its slug. Two deliberate differences from the seed: the result has no
// duplicates (the Supervisor answers 400 to a duplicate in an include list), and names that match
// nothing are reported, never sent on.
import type { Addon } from '../supervisor/schemas';
import { fnmatchCase } from './fnmatch';

export interface ResolvedAddons {
  /** Matching slugs: per request in order, glob matches in the Supervisor's order; first occurrence wins. */
  slugs: string[];
  /**
   * Requested strings that matched no installed add-on, as written. They are not in `slugs`: in an
   * include they would only make the Supervisor skip them with a log line, and in an exclude there is
   * nothing to remove. The caller warns with the name.
   */
  unknown: string[];
}

export function resolveAddons(requested: readonly string[], installed: readonly Addon[]): ResolvedAddons {
  const slugs = new Set<string>();
  const unknown: string[] = [];
  for (const wanted of requested) {
    const folded = caseFold(wanted);
    const matches = installed.filter((addon) => caseFold(addon.name) === folded || fnmatchCase(addon.slug, wanted));
    if (matches.length === 0 && !unknown.includes(wanted)) unknown.push(wanted);
    for (const addon of matches) slugs.add(addon.slug);
  }
  return { slugs: [...slugs], unknown };
}

/** Close to Python's `str.casefold()`: upper-casing first folds "ß" to "ss" and final sigma to sigma. */
export function caseFold(text: string): string {
  return text.toUpperCase().toLowerCase();
}
