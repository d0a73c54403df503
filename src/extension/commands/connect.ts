// Connect: ask for the Supervisor URL and a token, test them, and only then save them
// (URL in global state, token in SecretStorage). Arguments skip the prompts (automation, tests).
import * as vscode from 'vscode';
import { describeError } from '../errors';
import type { Services } from '../services';

export interface ConnectArgs {
  url?: string;
  token?: string;
}

export interface ConnectResult {
  ok: boolean;
  message: string;
}

export function registerConnect(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand('haBackups.connect', async (args?: ConnectArgs): Promise<ConnectResult | undefined> => {
    const url = args?.url ?? (await askUrl(s));
    if (!url) return undefined;
    const token =
      args?.token ??
      (await vscode.window.showInputBox({
        title: vscode.l10n.t('Connect to the Home Assistant Supervisor (2/2)'),
        prompt: vscode.l10n.t('Supervisor token. It is kept in VS Code’s secret storage, never in settings.'),
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a token.')),
      }));
    if (!token) return undefined;
    try {
      const connection = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing the connection to {0}…', url), cancellable: true },
        (_progress, cancel) => {
          const abort = new AbortController();
          cancel.onCancellationRequested(() => abort.abort());
          return s.connections.connect(url, token.trim(), abort.signal);
        },
      );
      const message = vscode.l10n.t('Connected to {0}.', connection.url);
      s.log.info(`connected to ${connection.url}`);
      void vscode.window.showInformationMessage(message);
      return { ok: true, message };
    } catch (e) {
      const message = vscode.l10n.t('Could not connect: {0}', describeError(e, url));
      s.log.warn(message);
      void vscode.window.showErrorMessage(message);
      return { ok: false, message };
    }
  });
}

async function askUrl(s: Services): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Connect to the Home Assistant Supervisor (1/2)'),
    prompt: vscode.l10n.t('Supervisor URL (inside the Studio Code Server add-on no connection is needed).'),
    value: s.connections.connection?.url ?? 'http://supervisor',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        const u = new URL(/^[a-z]+:\/\//i.test(v.trim()) ? v.trim() : `http://${v.trim()}`);
        return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : vscode.l10n.t('Use an http or https URL.');
      } catch {
        return vscode.l10n.t('This is not a URL.');
      }
    },
  });
}
