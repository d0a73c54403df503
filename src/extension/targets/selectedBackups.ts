// The backups a tree command acts on: the multi-selection when there is one, else the clicked node.
// Only backup rows count: group rows carry backups, and part, file and message rows (inside an
// expanded backup) carry the backup they belong to, but selecting them never means "this backup".
import type { Backup } from '../../core/supervisor';

interface MaybeBackupNode {
  backup?: Backup;
  kind?: string;
}

/** Rows that carry a backup without standing for it. */
const NOT_A_BACKUP_ROW = new Set(['group', 'part', 'entry', 'message']);

export function selectedBackups(node?: MaybeBackupNode, selected?: MaybeBackupNode[]): Backup[] {
  const nodes = selected?.length ? selected : node ? [node] : [];
  const seen = new Set<string>();
  return nodes.flatMap((n) => {
    if (!n.backup || (n.kind !== undefined && NOT_A_BACKUP_ROW.has(n.kind)) || seen.has(n.backup.slug)) return [];
    seen.add(n.backup.slug);
    return [n.backup];
  });
}
