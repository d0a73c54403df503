// Turns errors from src/core into one clear, localized sentence for a person.
import * as vscode from 'vscode';
import { isFreezeConflict, isSupervisorError } from '../core/supervisor';

export function describeError(e: unknown, target?: string): string {
  if (!isSupervisorError(e)) return e instanceof Error ? e.message : String(e);
  const where = target ?? vscode.l10n.t('the Supervisor');
  const route = `/${e.path.split('/')[1] ?? ''}`.replace(/\?.*$/, '');
  switch (e.kind) {
    case 'unauthorized':
      return vscode.l10n.t('The Supervisor at {0} did not accept the request: no valid token was sent (401).', where);
    case 'token_rejected':
      return vscode.l10n.t('The token was rejected by the Supervisor at {0}. Check that it is a current Supervisor token.', where);
    case 'forbidden_role':
      // Through Home Assistant the "role" is the user's: only administrators may use the Supervisor API.
      if (/not an administrator/.test(e.message)) {
        return vscode.l10n.t(
          "Home Assistant refused: the token's user is not an administrator. Connecting through Home Assistant needs a long-lived access token of an administrator.",
        );
      }
      return vscode.l10n.t("This token's role may not call {0}. Use a token with the manager (or backup) role.", route);
    case 'connection_refused':
      return vscode.l10n.t('Cannot connect to {0}: the connection was refused. Is the Supervisor running and the URL right?', where);
    case 'dns':
      return vscode.l10n.t('Cannot find the host of {0}: the name did not resolve.', where);
    case 'timeout':
      return vscode.l10n.t('{0} did not answer in time.', where);
    case 'connection_reset':
      return vscode.l10n.t('The connection to {0} was closed before the answer was complete.', where);
    case 'tls':
      return vscode.l10n.t('The certificate of {0} could not be verified ({1}).', where, e.message.replace(/^.*\(([^)]*)\)$/, '$1'));
    case 'aborted':
      return vscode.l10n.t('The request was cancelled.');
    case 'api':
      if (isFreezeConflict(e)) {
        return vscode.l10n.t('A backup or restore is already in progress (the Supervisor is frozen). Try again when it has finished.');
      }
      return vscode.l10n.t('The Supervisor refused: {0}', e.message);
    default:
      return e.message;
  }
}
