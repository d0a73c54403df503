// The backups a tree command acts on: the multi-selection when there is one, else the clicked node.
// Group nodes (grouping by policy) in a selection carry no backup and are left out.
import type { Backup } from '../../core/supervisor';

interface MaybeBackupNode {
  backup?: Backup;
}

export function selectedBackups(node?: MaybeBackupNode, selected?: MaybeBackupNode[]): Backup[] {
  const nodes = selected?.length ? selected : node ? [node] : [];
  return nodes.flatMap((n) => (n.backup ? [n.backup] : []));
}
