// "Did you mean …?": the closest allowed word, for unknown keys, weekdays and schedule keywords.

/** A likely intended word: the same letters ignoring case and separators, or at most two edits away. */
export function closestWord(word: string, allowed: readonly string[], maxDistance = 2): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const target = squash(word);
  if (target.length > 64) return undefined;
  const same = allowed.find((candidate) => squash(candidate) === target);
  if (same !== undefined) return same;
  let best: { word: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(target, squash(candidate));
    if (distance <= maxDistance && distance < target.length && (!best || distance < best.distance)) best = { word: candidate, distance };
  }
  return best?.word;
}

/** ` (did you mean 'x'?)` or ''. */
export function didYouMean(word: string, allowed: readonly string[]): string {
  const suggestion = closestWord(word, allowed);
  return suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
