// Create Backup with Home Assistant's Automatic Settings: the backup Home Assistant's schedule would make
// now (its locations, content and key; `backup/generate_with_automatic_settings`), followed to its end
// with progress and the usual backup_* events. Only through Home Assistant: the Supervisor alone has no
// automatic settings. Its retention is Home Assistant's: the extension records nothing as its own.
import * as vscode from 'vscode';
import { waitForJob } from '../../core/supervisor';
import { describeError } from '../errors';
import { stageLabel } from '../jobStages';
import type { RunResult } from '../runner/runResult';
import type { Services } from '../services';
import { registerConnectedCommand } from './command';

const NAME = 'automatic settings';

export function registerCreateAutomaticBackup(s: Services): vscode.Disposable {
  return registerConnectedCommand(s, 'haBackups.createAutomaticBackup', async (connection): Promise<RunResult | undefined> => {
    const client = connection.client;
    if (!client.startAutomaticBackup) {
      const message = vscode.l10n.t('Home Assistant’s automatic backup settings are reached only through Home Assistant. Connect through Home Assistant to use them.');
      void vscode.window.showWarningMessage(message);
      return { status: 'invalid', name: NAME, errors: [message], warnings: [] };
    }
    const startedAt = new Date();
    s.events.fire('backup_start', { name: NAME }, { type: 'automatic settings' });
    let jobId: string;
    try {
      jobId = await client.startAutomaticBackup();
    } catch (e) {
      return failed(s, describeError(e, connection.url), undefined, startedAt);
    }
    s.store.addRunning({ jobId, name: NAME, startedAt });
    const intervalMs = vscode.workspace.getConfiguration('haBackups').get<number>('jobPollIntervalMilliseconds') ?? 1000;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Backup with Home Assistant’s automatic settings') },
      async (progress) => {
        try {
          const outcome = await waitForJob(client, jobId, {
            intervalMs,
            onUpdate: (job) => job.stage && progress.report({ message: stageLabel(job.stage, 'backup') }),
          });
          if (outcome.failed) return failed(s, outcome.error ?? vscode.l10n.t('unknown error'), jobId, startedAt);
          const durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
          s.events.fire('backup_successful', { name: NAME, slug: outcome.slug ?? undefined, durationSeconds });
          s.store.finishRunning(jobId, { success: { name: NAME, slug: outcome.slug ?? undefined, at: new Date() } });
          for (const w of outcome.warnings) s.log.warn(`backup with the automatic settings: ${w}`);
          if (outcome.warnings.length)
            void vscode.window.showWarningMessage(vscode.l10n.t('The backup with Home Assistant’s automatic settings finished, but: {0}', outcome.warnings.join('; ')));
          await s.store.refresh();
          return { status: 'succeeded', name: NAME, jobId, slug: outcome.slug ?? undefined, warnings: outcome.warnings };
        } catch (e) {
          return failed(s, describeError(e, connection.url), jobId, startedAt);
        }
      },
    );
  });
}

function failed(s: Services, error: string, jobId: string | undefined, startedAt: Date): RunResult {
  s.events.fire('backup_failed', { name: NAME, error, durationSeconds: (Date.now() - startedAt.getTime()) / 1000 }, jobId ? { job: jobId } : {});
  if (jobId) s.store.finishRunning(jobId, { failure: { name: NAME, error, at: new Date() } });
  return { status: 'failed', name: NAME, jobId, error };
}
