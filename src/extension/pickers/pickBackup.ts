// A backup chosen from a list, for commands run from the palette instead of the tree.
import * as vscode from 'vscode';
import { formatDateTime } from '../../core/format/dates';
import type { Backup } from '../../core/supervisor';
import type { Services } from '../services';

export async function pickBackup(s: Services, title: string, canPickMany = false): Promise<Backup[] | undefined> {
  const items = s.store.backups.map((b) => ({
    label: b.name || b.slug,
    description: b.slug,
    detail: formatDateTime(new Date(b.date), s.store.timeZone),
    backup: b,
  }));
  if (canPickMany) return (await vscode.window.showQuickPick(items, { canPickMany: true, title }))?.map((p) => p.backup);
  const one = await vscode.window.showQuickPick(items, { title });
  return one ? [one.backup] : undefined;
}
