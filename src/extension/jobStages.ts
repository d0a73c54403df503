// Readable names of the Supervisor's backup and restore job stages (home-assistant/supervisor
// supervisor/backups/const.py BackupJobStage, RestoreJobStage @090ef31e), and of the stages Home Assistant's
// backup manager adds (home-assistant/core homeassistant/components/backup/models.py CreateBackupStage,
// RestoreBackupStage; `core_restart` is its restore state while Core restarts).
import * as vscode from 'vscode';

export function stageLabel(stage: string, job: 'backup' | 'restore'): string {
  const restoring = job === 'restore';
  switch (stage) {
    case 'addon_repositories':
    case 'app_repositories':
      return restoring ? vscode.l10n.t('restoring add-on repositories') : vscode.l10n.t('saving add-on repositories');
    case 'home_assistant':
      return restoring ? vscode.l10n.t('restoring Home Assistant') : vscode.l10n.t('saving Home Assistant');
    case 'addons':
    case 'apps':
      return restoring ? vscode.l10n.t('restoring add-ons') : vscode.l10n.t('saving add-ons');
    case 'folders':
      return restoring ? vscode.l10n.t('restoring folders') : vscode.l10n.t('saving folders');
    case 'supervisor_config':
      return restoring ? vscode.l10n.t('restoring Supervisor settings') : vscode.l10n.t('saving Supervisor settings');
    case 'finishing_file':
      return vscode.l10n.t('finishing the archive');
    case 'copy_additional_locations':
      return vscode.l10n.t('copying to other locations');
    case 'remove_delta_addons':
    case 'remove_delta_apps':
      return vscode.l10n.t('removing add-ons that are not in the backup');
    case 'await_addon_restarts':
    case 'await_app_restarts':
      return vscode.l10n.t('waiting for add-ons to restart');
    case 'await_home_assistant_restart':
      return vscode.l10n.t('waiting for Home Assistant to restart');
    case 'upload_to_agents':
      return vscode.l10n.t('copying to the backup locations');
    case 'download_from_agent':
      return vscode.l10n.t('fetching the backup from its location');
    case 'core_restart':
      return vscode.l10n.t('Home Assistant restarts to restore');
    case 'cleaning_up':
      return vscode.l10n.t('cleaning up');
    case 'check_home_assistant':
      return vscode.l10n.t('checking Home Assistant');
    case 'docker_config':
      return vscode.l10n.t('saving the container settings');
    default:
      return stage;
  }
}
