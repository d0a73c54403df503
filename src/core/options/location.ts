// Backup locations: a mount name, or local storage written as null, "/backup" (Auto Backup's spelling),
// ".local" or "" (the Supervisor's aliases). The Supervisor wants null for local.
import type { Location } from '../supervisor/client';

const LOCAL_SPELLINGS: readonly string[] = ['/backup', '.local', ''];

export function normalizeLocation(location: string | null): Location {
  return location === null || LOCAL_SPELLINGS.includes(location) ? null : location;
}

/** Locations named more than once once normalised ("/backup" and ".local" are the same place). */
export function duplicateLocations(locations: readonly (string | null)[]): Location[] {
  const seen = new Set<Location>();
  const duplicates = new Set<Location>();
  for (const location of locations.map(normalizeLocation)) {
    if (seen.has(location)) duplicates.add(location);
    seen.add(location);
  }
  return [...duplicates];
}

export function describeLocation(location: Location): string {
  return location === null ? 'local storage' : `'${location}'`;
}
