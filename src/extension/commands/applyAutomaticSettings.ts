// Apply to Home Assistant: makes Home Assistant's automatic-backup settings match the policy file's
// `automatic_backups:` section, after a confirmation that lists exactly what changes (never the key
// itself). Only the keys the section names are sent (`backup/config/update`); Cancel sends nothing.
import * as vscode from 'vscode';
import type { AutomaticChange } from '../../core/homeAssistant/automaticSettings';
import { managedAutomaticSection } from '../../core/policy';
import { automaticDriftOf } from '../automatic/automaticSettingsDrift';
import { describeError } from '../errors';
import { policyFilePath, readPolicies } from '../policy/policyFile';
import type { Services } from '../services';
import { registerConnectedCommand } from './command';

export interface ApplyAutomaticResult {
  status: 'applied' | 'unchanged' | 'cancelled' | 'refused' | 'failed';
  changes: AutomaticChange[];
  error?: string;
}

export function registerApplyAutomaticSettings(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.applyAutomaticSettings', async (connection): Promise<ApplyAutomaticResult> => {
    const refuse = (message: string): ApplyAutomaticResult => {
      void vscode.window.showWarningMessage(message);
      return { status: 'refused', changes: [], error: message };
    };
    const client = connection.client;
    if (!client.automaticSettings || !client.updateAutomaticSettings) {
      return refuse(vscode.l10n.t("Home Assistant's automatic backups are set through Home Assistant: connect through Home Assistant (or use the add-on) first."));
    }
    const file = policyFilePath();
    if (file && vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.fsPath === file))
      return refuse(vscode.l10n.t('Save the policy file first: what is saved is applied.'));
    const read = readPolicies({ savedOnly: true });
    const found = read && managedAutomaticSection(read.parsed);
    if (!found) return refuse(vscode.l10n.t('The policy file has no valid automatic_backups section (its problems are marked in the file).'));
    try {
      const { changes, update } = automaticDriftOf(found, await client.automaticSettings());
      if (!changes.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Home Assistant already has these automatic backup settings.'));
        return { status: 'unchanged', changes };
      }
      const action = vscode.l10n.t('Apply');
      const detail = changes.map((c) => `• ${c.label}: ${c.homeAssistant} → ${c.file}`).join('\n');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t("Change {0} of Home Assistant's automatic backup settings?", changes.length),
        { modal: true, detail: `${detail}\n\n${vscode.l10n.t('Home Assistant then makes its automatic backups this way, whether VS Code is open or not.')}` },
        action,
      );
      if (choice !== action) return { status: 'cancelled', changes };
      await client.updateAutomaticSettings(update);
      s.log.info(`automatic backups: applied to Home Assistant: ${changes.map((c) => `${c.label} ${c.homeAssistant} → ${c.file}`).join('; ')}`);
      await s.automaticDrift.check();
      void vscode.window.showInformationMessage(vscode.l10n.t("Home Assistant's automatic backup settings now match the policy file."));
      return { status: 'applied', changes };
    } catch (e) {
      const message = vscode.l10n.t("Home Assistant's automatic backup settings were not changed: {0}", describeError(e, connection.url));
      s.log.error(message);
      void vscode.window.showErrorMessage(message);
      return { status: 'failed', changes: [], error: message };
    }
  });
}
