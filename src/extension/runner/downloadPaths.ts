// The file-system check of a backup's download paths, made before anything is started: each one must
// be an existing folder (the finished backup is downloaded into it).
import * as fs from 'node:fs';
import * as vscode from 'vscode';

/** One problem per download path that is not an existing folder. */
export function downloadPathProblems(directories: readonly string[]): string[] {
  return directories
    .filter((dir) => !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    .map((dir) => vscode.l10n.t('The download path {0} is not an existing folder.', dir));
}
