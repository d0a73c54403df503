// The name of a new backup, asked with Auto Backup's default ("Monday, Jan 06, 2025" in Home
// Assistant's time zone) filled in; strftime codes are checked as they are typed.
import * as vscode from 'vscode';
import { checkTemplate } from '../../core/options';
import { defaultBackupName } from '../../core/format/dates';
import type { Services } from '../services';

/** The name, undefined for the default, null when the user cancelled. */
export async function askName(s: Services, value?: string): Promise<string | undefined | null> {
  const fallback = defaultBackupName(new Date(), s.store.timeZone);
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Backup name'),
    prompt: vscode.l10n.t('strftime codes such as %Y-%m-%d %H:%M and {ha_version} are filled in, in Home Assistant’s time zone; %% is a literal %.'),
    value: value ?? fallback,
    validateInput: (v) => checkTemplate(v)[0],
  });
  if (name === undefined) return null;
  return name.trim() === fallback ? undefined : name;
}
