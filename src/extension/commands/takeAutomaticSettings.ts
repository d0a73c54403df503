// Take Home Assistant's Settings into the File: writes Home Assistant's automatic-backup settings as the
// policy file's `automatic_backups:` section (the rest of the file, comments included, stays as it is),
// as an edit that can be undone. The encryption key is never written in clear: after asking, it goes to
// secrets.yaml and the section says `!secret <name>`; otherwise the section leaves the key out.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sectionFromConfig } from '../../core/homeAssistant/automaticSettings';
import { parseSecretsFile, SECRETS_FILE_NAME } from '../../core/policy';
import { withAutomaticSection } from '../../core/policy/writeSection';
import { describeError } from '../errors';
import { configFolder, policyFilePath, readPolicies } from '../policy/policyFile';
import type { Services } from '../services';
import { registerConnectedCommand } from './command';

const KEY_SECRET = 'backup_encryption_key';

export interface TakeAutomaticResult {
  status: 'written' | 'cancelled' | 'refused' | 'failed';
  file?: string;
  /** The secrets.yaml entry the key went to, when it did. */
  secret?: string;
  error?: string;
}

export function registerTakeAutomaticSettings(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.takeAutomaticSettings', async (connection, options?: { keyToSecrets?: boolean }): Promise<TakeAutomaticResult> => {
    const refuse = (message: string): TakeAutomaticResult => {
      void vscode.window.showWarningMessage(message);
      return { status: 'refused', error: message };
    };
    const client = connection.client;
    const root = configFolder()?.uri.fsPath;
    const file = policyFilePath();
    if (!client.automaticSettings)
      return refuse(vscode.l10n.t("Home Assistant's automatic backups are set through Home Assistant: connect through Home Assistant (or use the add-on) first."));
    if (!root || !file) return refuse(vscode.l10n.t('Open the Home Assistant config folder (the one with configuration.yaml) first.'));
    try {
      const config = await client.automaticSettings();
      const section: Record<string, unknown> = { ...sectionFromConfig(config) };
      // A policy with with_automatic_settings sets Home Assistant's retention itself (its cap): not written here.
      const capped = readPolicies({ savedOnly: true })?.parsed.automaticPolicy;
      if (capped?.enabled && capped.cap.copies !== null) delete section.retention;
      let secret: string | undefined;
      const key = config.createBackup.password;
      if (key) {
        const put = vscode.l10n.t('Put It in secrets.yaml');
        const leave = vscode.l10n.t('Leave the Key Out');
        const choice =
          options?.keyToSecrets === undefined
            ? await vscode.window.showWarningMessage(
                vscode.l10n.t('Home Assistant has a backup encryption key. Keep it in secrets.yaml (as {0}) and refer to it from the policy file?', KEY_SECRET),
                { modal: true, detail: vscode.l10n.t('The key is never written into the policy file itself. Left out, the section does not manage the key.') },
                put,
                leave,
              )
            : options.keyToSecrets
              ? put
              : leave;
        if (choice === undefined) return { status: 'cancelled' };
        if (choice === put) secret = await keepKey(root, key);
      }
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file)).then(
        (d) => d,
        () => undefined,
      );
      const before = document?.getText() ?? (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
      const after = withAutomaticSection(before, section, secret);
      if (!document) {
        fs.writeFileSync(file, after);
      } else {
        const edit = new vscode.WorkspaceEdit();
        edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(before.length)), after);
        await vscode.workspace.applyEdit(edit);
        await document.save();
      }
      s.log.info(`automatic backups: Home Assistant's settings written into ${path.basename(file)}${secret ? ` (the key as !secret ${secret})` : ''}`);
      await s.automaticDrift.check();
      return { status: 'written', file, ...(secret ? { secret } : {}) };
    } catch (e) {
      const message = vscode.l10n.t("Home Assistant's automatic backup settings were not written into the file: {0}", describeError(e, connection.url));
      s.log.error(message);
      void vscode.window.showErrorMessage(message);
      return { status: 'failed', error: message };
    }
  });
}

/** Writes the key into the config folder's secrets.yaml under a name not used for anything else; returns the name. */
async function keepKey(root: string, key: string): Promise<string> {
  const file = path.join(root, SECRETS_FILE_NAME);
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const { secrets } = parseSecretsFile(text);
  const holds = (n: string): boolean => secrets.has(n) && String(secrets.get(n)) === key;
  let name = KEY_SECRET;
  for (let i = 2; secrets.has(name) && !holds(name); i++) name = `${KEY_SECRET}_${i}`;
  if (holds(name)) return name;
  const line = `${name}: ${JSON.stringify(key)}\n`;
  await fs.promises.writeFile(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}${line}`, { mode: 0o600 });
  return name;
}
