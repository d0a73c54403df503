// Whether a download comes decrypted: Home Assistant's backup manager (Core and Container installs)
// can decrypt a protected copy on the way (`/api/backup/download?password=`), after it said it can
// (`backup/can_decrypt_on_download`, as its frontend asks). The Supervisor cannot, so there the copy
// always comes as stored. The password is Home Assistant's backup key unless the user gives another.
import * as vscode from 'vscode';
import type { Backup, Location } from '../../core/supervisor';
import { readDefaultBackupKey } from '../defaultKey';
import { describeError } from '../errors';
import { locationLabel } from '../format';
import { isProtectedAt } from '../locations/copies';
import type { Services } from '../services';

/** `{}`: as stored; `{password}`: decrypted by Home Assistant; 'refused': said why, skip this backup. */
export type DecryptChoice = { password?: string } | 'cancelled' | 'refused';

export async function decryptChoice(s: Services, backup: Backup, location: Location | undefined, args?: { decrypt?: boolean; password?: string }): Promise<DecryptChoice> {
  const connection = s.store.connection;
  const client = connection?.client;
  if (!connection || !client?.canDecryptOnDownload || !isProtectedAt(backup, location) || args?.decrypt === false) return {};
  const name = backup.name || backup.slug;
  if (args?.decrypt === undefined) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('Decrypted by Home Assistant'), detail: vscode.l10n.t('A plain archive you can open with any tar tool.'), decrypt: true },
        { label: vscode.l10n.t('As stored (password protected)'), detail: vscode.l10n.t('Exactly the bytes on {0}.', locationLabel(location ?? null)), decrypt: false },
      ],
      { title: vscode.l10n.t('Download "{0}"', name), placeHolder: vscode.l10n.t('This copy is password protected') },
    );
    if (!pick) return 'cancelled';
    if (!pick.decrypt) return {};
  }
  let password = args?.password;
  let fromKey = false;
  if (password === undefined) {
    const key = await readDefaultBackupKey(connection);
    password = 'key' in key && key.key ? key.key : undefined;
    fromKey = password !== undefined;
  }
  for (;;) {
    password ??= await vscode.window.showInputBox({
      title: vscode.l10n.t('Download "{0}" decrypted', name),
      prompt: vscode.l10n.t('The password of this backup (or Home Assistant’s backup encryption key).'),
      password: true,
      ignoreFocusOut: true,
    });
    if (!password) return 'cancelled';
    let answer: Awaited<ReturnType<NonNullable<typeof client.canDecryptOnDownload>>>;
    try {
      answer = await client.canDecryptOnDownload(backup.slug, location, password);
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Home Assistant cannot decrypt "{0}" on download: {1}', name, describeError(e, connection.url)));
      return 'refused';
    }
    if (answer === 'ok') {
      s.log.info(`download of ${backup.slug}: decrypted by Home Assistant`);
      return { password };
    }
    if (answer === 'password_incorrect' && args?.password === undefined) {
      // The key first, without asking; then the user's passwords until one opens it or they cancel.
      if (!fromKey) void vscode.window.showWarningMessage(vscode.l10n.t('That password does not open "{0}". Try another.', name));
      fromKey = false;
      password = undefined;
      continue;
    }
    const why =
      answer === 'password_incorrect'
        ? vscode.l10n.t('the password is wrong')
        : answer === 'decrypt_not_supported'
          ? vscode.l10n.t('Home Assistant cannot decrypt this backup (it was not made by Home Assistant’s backup manager)')
          : vscode.l10n.t('the backup is not on {0}', locationLabel(location ?? null));
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not download "{0}" decrypted: {1}.', name, why));
    return 'refused';
  }
}
