// Verifies a backup right after it was made (a policy's `verify: true`): every part read completely
// (src/extension/browse/verifier.ts), without asking for a password and showing only a failure.
import * as vscode from 'vscode';
import type { Verifier } from '../browse/verifier';
import type { BackupStore } from '../store/backupStore';

/** Undefined when the backup is complete and readable; otherwise why not, as a warning of the run. */
export async function verifyNewBackup(verifier: Verifier, store: BackupStore, slug: string | undefined, password: string | undefined): Promise<string | undefined> {
  const backup = store.backups.find((b) => b.slug === slug);
  const verified = backup
    ? await verifier.run(backup, { password, interactive: false, quiet: true, remember: false })
    : { ok: false, error: vscode.l10n.t('it is not in the Supervisor’s list') };
  return verified.ok ? undefined : vscode.l10n.t('verification failed: {0}', verified.error ?? vscode.l10n.t('a part is damaged (see the log)'));
}
