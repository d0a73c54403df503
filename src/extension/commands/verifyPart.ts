// Verify This Part: reads one part of a backup completely (src/extension/browse/verifier.ts) — of a
// remote backup, with Range requests where the server allows them, so only that part is fetched.
import * as vscode from 'vscode';
import type { VerifyOutcome } from '../browse/verifier';
import type { Services } from '../services';
import { PartNode } from '../tree/contentNodes';
import { registerConnectedCommand } from './command';

/** A part of the tree, or `{ slug, partId }` (other commands, tests). */
type PartArg = PartNode | { slug: string; partId: string };

export function registerVerifyPart(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.verifyPart', async (_connection, arg?: PartArg, options?: { password?: string }): Promise<VerifyOutcome | undefined> => {
    const backup = arg instanceof PartNode ? arg.backup : arg ? s.contents.backup(arg.slug) : undefined;
    const part = backup && (arg instanceof PartNode ? arg.part : s.contents.part(backup, arg?.partId ?? ''));
    if (!backup || !part) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Choose a part of a backup first (expand a backup in the Backups view).'));
      return undefined;
    }
    return s.verifier.run(backup, { part, ...(options?.password !== undefined ? { password: options.password } : {}) });
  });
}
