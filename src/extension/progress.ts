// Byte progress of a transfer in a progress notification, reported in steps of at least 1 % so the
// notification is not flooded.
import type * as vscode from 'vscode';
import { formatSize } from '../core/format/size';

export function byteProgress(progress: vscode.Progress<{ message?: string; increment?: number }>): (done: number, total: number | undefined) => void {
  let reported = 0;
  return (done, total) => {
    const percent = total ? (done / total) * 100 : 0;
    if (total && percent - reported < 1 && done !== total) return;
    progress.report({ increment: total ? percent - reported : undefined, message: total ? `${formatSize(done)} / ${formatSize(total)}` : formatSize(done) });
    reported = percent;
  };
}
