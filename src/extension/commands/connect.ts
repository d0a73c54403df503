// Connect: through Home Assistant (URL + an administrator's long-lived access token) or to a
// Supervisor URL directly (URL + Supervisor token). Both are tested before anything is saved
// (URL in global state, token in SecretStorage). A certificate that cannot be verified is refused
// unless the user explicitly turns verification off for this instance. Arguments skip the prompts.
import * as vscode from 'vscode';
import { isSupervisorError } from '../../core/supervisor';
import type { BackupSystem } from '../../core/backups';
import type { ConnectionMode } from '../connection/connectionManager';
import { describeError } from '../errors';
import type { Services } from '../services';
import { registerCommand } from './command';

export interface ConnectArgs {
  mode?: ConnectionMode;
  url?: string;
  token?: string;
  verifyTls?: boolean;
}

export interface ConnectResult {
  ok: boolean;
  message: string;
}

export function registerConnect(s: Services): vscode.Disposable {
  return registerCommand(s, 'haBackups.connect', async (args?: ConnectArgs): Promise<ConnectResult | undefined> => {
    const mode = args?.mode ?? (args?.url ? 'supervisor' : await askMode());
    if (!mode) return undefined;
    const url = args?.url ?? (await askUrl(s, mode));
    if (!url) return undefined;
    const token = args?.token ?? (await askToken(mode));
    if (!token) return undefined;
    let verifyTls = args?.verifyTls ?? true;
    for (;;) {
      try {
        const connection = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing the connection to {0}…', url), cancellable: true },
          (_progress, cancel) => {
            const abort = new AbortController();
            cancel.onCancellationRequested(() => abort.abort());
            return s.connections.connect(url, token.trim(), { mode, verifyTls }, abort.signal);
          },
        );
        const message = connectedMessage(connection.url, connection.system, mode);
        s.log.info(
          `connected to ${connection.url} (${mode === 'core' ? 'through Home Assistant' : 'Supervisor API'}${connection.system === 'home_assistant' ? ", Home Assistant's backup manager" : ''}${verifyTls ? '' : ', certificate not verified'})`,
        );
        void vscode.window.showInformationMessage(message);
        return { ok: true, message };
      } catch (e) {
        if (isSupervisorError(e) && e.kind === 'tls' && verifyTls && args?.verifyTls === undefined && (await allowUnverified(url, describeError(e, url)))) {
          verifyTls = false;
          continue;
        }
        const message = vscode.l10n.t('Could not connect: {0}', describeError(e, url));
        s.log.warn(message);
        void vscode.window.showErrorMessage(message);
        return { ok: false, message };
      }
    }
  });
}

/** Names the install type found and what works there (README: "What works on which install type"). */
function connectedMessage(url: string, system: BackupSystem, mode: ConnectionMode): string {
  if (system === 'home_assistant')
    return vscode.l10n.t(
      'Connected to {0}: a Home Assistant Core or Container install (no Supervisor). Backups are Home Assistant’s own, on every backup location it has; they hold Home Assistant’s configuration (no add-ons or folders), and deleting one removes all its copies.',
      url,
    );
  if (mode === 'core') return vscode.l10n.t('Connected to {0}: Home Assistant OS or Supervised, through Home Assistant.', url);
  return vscode.l10n.t('Connected to {0}.', url);
}

async function askMode(): Promise<ConnectionMode | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      {
        label: vscode.l10n.t('Home Assistant'),
        detail: vscode.l10n.t('Its URL (e.g. http://homeassistant.local:8123) and a long-lived access token of an administrator.'),
        mode: 'core' as const,
      },
      {
        label: vscode.l10n.t('Supervisor API'),
        detail: vscode.l10n.t('A Supervisor URL and a Supervisor token (development, or where the Supervisor is reachable).'),
        mode: 'supervisor' as const,
      },
    ],
    { title: vscode.l10n.t('Connect to Home Assistant backups'), placeHolder: vscode.l10n.t('Inside the Studio Code Server add-on no connection is needed.') },
  );
  return pick?.mode;
}

async function askUrl(s: Services, mode: ConnectionMode): Promise<string | undefined> {
  const current = s.connections.connection;
  return vscode.window.showInputBox({
    title: mode === 'core' ? vscode.l10n.t('Home Assistant URL') : vscode.l10n.t('Supervisor URL'),
    value: current?.mode === mode ? current.url : mode === 'core' ? 'http://homeassistant.local:8123' : 'http://supervisor',
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

async function askToken(mode: ConnectionMode): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: mode === 'core' ? vscode.l10n.t('Long-lived access token') : vscode.l10n.t('Supervisor token'),
    prompt:
      mode === 'core'
        ? vscode.l10n.t('Create one in Home Assistant under your profile → Security → Long-lived access tokens (as an administrator). It is kept in VS Code’s secret storage.')
        : vscode.l10n.t('It is kept in VS Code’s secret storage, never in settings.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a token.')),
  });
}

async function allowUnverified(url: string, reason: string): Promise<boolean> {
  const action = vscode.l10n.t('Connect Without Verifying');
  const answer = await vscode.window.showWarningMessage(
    reason,
    {
      modal: true,
      detail: vscode.l10n.t(
        'Connect to {0} without verifying its certificate? Only do this for your own Home Assistant with a self-signed certificate; the choice is kept for this instance only.',
        url,
      ),
    },
    action,
  );
  return answer === action;
}
