// How every command runs. Each call is logged (debug level), and an error nobody caught on the way is
// logged and shown once, in words (describeError), after which the command returns undefined. A
// command that works on the Supervisor requires a connection: without one it says so — the same
// message, with a Connect button, for every such command — and returns undefined.
import * as vscode from 'vscode';
import type { Connection } from '../connection/connectionManager';
import { describeError } from '../errors';
import type { Services } from '../services';

type Deps = Pick<Services, 'log' | 'store'>;

/** A command that works without a connection. */
export function registerCommand<A extends unknown[], R>(s: Deps, id: string, run: (...args: A) => R | Thenable<R>): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: A) => runLogged(s, id, () => run(...args)));
}

export interface ConnectedCommandOptions<A extends unknown[]> {
  /** Calls that must not show the "not connected" message (e.g. the automatic purge after a backup); it is still logged. */
  quiet?: (...args: A) => boolean;
}

/** A command that needs a connection; it gets the current one first, then the command's own arguments. */
export function registerConnectedCommand<A extends unknown[], R>(
  s: Deps,
  id: string,
  run: (connection: Connection, ...args: A) => R | Thenable<R>,
  options: ConnectedCommandOptions<A> = {},
): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: A) => {
    const connection = s.store.connection;
    if (!connection) return notConnected(s, id, options.quiet?.(...args) ?? false);
    return runLogged(s, id, () => run(connection, ...args));
  });
}

async function runLogged<R>(s: Deps, id: string, run: () => R | Thenable<R>): Promise<R | undefined> {
  s.log.debug(`command ${id}`);
  try {
    return await run();
  } catch (e) {
    if (e instanceof vscode.CancellationError) {
      s.log.info(`${id}: cancelled`);
      return undefined;
    }
    const message = describeError(e, s.store.connection?.url);
    s.log.error(`${id} failed: ${message}`);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}

function notConnected(s: Deps, id: string, quiet: boolean): undefined {
  s.log.info(`${id}: not connected to Home Assistant`);
  if (quiet) return undefined;
  const connect = vscode.l10n.t('Connect…');
  void vscode.window
    .showWarningMessage(vscode.l10n.t('Not connected to Home Assistant. Connect first, then try again.'), connect)
    .then((choice) => (choice === connect ? vscode.commands.executeCommand('haBackups.connect') : undefined));
  return undefined;
}
