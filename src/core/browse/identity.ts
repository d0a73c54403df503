// A backup's identity in file names: its slug, and a hash of its size and date, so that a later
// backup under the same slug (an upload of another archive) never finds what was kept for an earlier one.
import { createHash } from 'node:crypto';

export function identityOf(backup: { slug: string; size_bytes: number; date: string }): string {
  return `${backup.slug}~${createHash('sha256').update(`${backup.size_bytes} ${backup.date}`).digest('hex').slice(0, 12)}`;
}
