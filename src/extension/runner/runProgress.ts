// The progress of a running backup: a cancellable notification (in the status bar for scheduled runs)
// showing the job's stages. Cancelling it, or the backup timeout, stops the wait, not the backup: the
// result is then `still_running`, and `finished` still settles when the job is over.
import * as vscode from 'vscode';
import { stageLabel } from '../jobStages';
import type { EventLog } from '../log';
import type { BackupStore } from '../store/backupStore';
import type { StartedRun } from './backupRun';
import type { RunResult } from './runResult';

/** `quiet` (scheduled runs): progress in the status bar instead of a notification. */
export function showRunProgress(run: StartedRun, finished: Promise<RunResult>, quiet: boolean, store: BackupStore, log: EventLog): Thenable<RunResult> {
  const { name, jobId } = run;
  const timeoutMinutes = vscode.workspace.getConfiguration('haBackups').get<number>('backupTimeoutMinutes') ?? 30;
  return vscode.window.withProgress(
    { location: quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: vscode.l10n.t('Backing up "{0}"', name), cancellable: !quiet },
    (progress, token) =>
      new Promise<RunResult>((resolve) => {
        progress.report({ message: vscode.l10n.t('started') });
        const stopWaiting = (why: string) => {
          clearTimeout(timer);
          onStage.dispose();
          log.info(`stopped waiting for backup job ${jobId} (${why}); it goes on and is still tracked`);
          resolve({ status: 'still_running', name, jobId, finished });
        };
        // The job's follower notes each new stage on the run and tells the store.
        const onStage = store.onDidChange(() => {
          if (run.stage) progress.report({ message: stageLabel(run.stage, 'backup') });
        });
        const timer =
          timeoutMinutes > 0
            ? setTimeout(() => {
                stopWaiting(`backup timeout of ${timeoutMinutes} min`);
                void vscode.window.showInformationMessage(
                  vscode.l10n.t(
                    'The backup "{0}" is taking longer than {1} minutes. It goes on, and is still recorded and downloaded when it finishes.',
                    name,
                    timeoutMinutes,
                  ),
                );
              }, timeoutMinutes * 60_000)
            : undefined;
        void finished.then((r) => {
          clearTimeout(timer);
          onStage.dispose();
          resolve(r);
        });
        token.onCancellationRequested(() => {
          stopWaiting('cancelled');
          void vscode.window.setStatusBarMessage(vscode.l10n.t('The backup "{0}" goes on in the background.', name), 5000);
        });
      }),
  );
}
