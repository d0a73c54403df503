// Writing a file taken from a backup into the config folder, the one safe way: never over unsaved
// edits, never outside the config folder or through a link (src/core/browse/restoreTarget.ts), and the
// current version copied first into the extension's storage so that it can be had back.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { keepCopy, resolveRestoreTarget, RestoreRefusedError, writeRestoredFile } from '../../core/browse';

export interface WrittenFile {
  target: string;
  /** Where the replaced version was copied (none when the file did not exist). */
  previous?: string;
}

/** Throws RestoreRefusedError (unsaved changes, a path that leaves the folder) before writing anything. */
export async function writeConfigFile(storage: vscode.Uri, root: string, rel: string, bytes: Uint8Array, stamp: string): Promise<WrittenFile> {
  const where = await resolveRestoreTarget(root, rel);
  if (hasUnsavedChanges(where.target)) throw new RestoreRefusedError(vscode.l10n.t('{0} has unsaved changes. Save or revert them first; nothing was restored.', rel));
  let previous: string | undefined;
  if (where.exists) {
    previous = path.join(storage.fsPath, 'replaced-files', stamp, ...rel.split('/'));
    await keepCopy(where.target, previous);
  }
  await writeRestoredFile(where, bytes, 0o644);
  return { target: where.target, ...(previous ? { previous } : {}) };
}

/**
 * Whether an editor holds unsaved changes of `target`. Paths are compared without regard to case: on
 * macOS, Windows or a Samba-mounted config folder, `Automations.yaml` is the same file.
 */
export function hasUnsavedChanges(target: string): boolean {
  const key = path.resolve(target).toLowerCase();
  return vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.scheme === 'file' && path.resolve(d.uri.fsPath).toLowerCase() === key);
}
