// Verify Backup: read every part of a backup completely — decrypt, decompress, check gzip CRCs,
// SecureTar authentication and padding, tar structure — and report per part, in the log and to the
// person. Used by the command and after a policy's backup (`verify: true`).
import * as vscode from 'vscode';
import { formatSize } from '../../core/format/size';
import type { Backup } from '../../core/supervisor';
import type { VerifyOptions, VerifyResult } from '../../core/archive';
import type { Part } from '../../core/browse';
import { loadArchive } from '../lazy/archive';
import type { EventLog } from '../log';
import type { ArchiveSource } from './archiveSource';
import type { BackupContents, PasswordOptions } from './backupContents';

export interface VerifyOutcome {
  ok: boolean;
  /** One line per part (and per problem of the whole backup). */
  lines: string[];
  result?: VerifyResult;
  error?: string;
}

export class Verifier {
  constructor(
    private readonly source: ArchiveSource,
    private readonly contents: BackupContents,
    private readonly log: EventLog,
  ) {}

  /**
   * Verifies with a cancellable progress notification; `quiet` shows only failures. With `part`, only
   * that part is read (of a remote backup, with Range requests where they work: only its bytes).
   */
  run(backup: Backup, opts: PasswordOptions & { quiet?: boolean; part?: Part } = {}): Thenable<VerifyOutcome> {
    const name = backup.name || backup.slug;
    const part = opts.part;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Verifying "{0}"', name), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancelled = token.onCancellationRequested(() => abort.abort());
        const started = Date.now();
        try {
          const reader = part ? await this.source.freshReader(backup) : { file: await this.source.fileFor(backup, { fresh: true }) };
          const where = 'file' in reader ? reader.file : reader.source.describe;
          this.log.info(`verify ${backup.slug} ("${name}")${part ? ` ${part.archive}` : ''} started, reading ${where}`);
          const archive = await loadArchive();
          let lastPercent = 0;
          const needsPassword = backup.protected || opts.password !== undefined;
          const verify = async (password?: string): Promise<VerifyResult> => {
            const options: VerifyOptions = {
              ...(password !== undefined ? { password } : {}),
              signal: abort.signal,
              onProgress: (p) => {
                const percent = p.bytesTotal ? (p.bytesDone / p.bytesTotal) * 100 : 0;
                if (percent - lastPercent < 1 && p.bytesDone !== p.bytesTotal) return;
                progress.report({
                  increment: percent - lastPercent,
                  message: p.archive ? `${p.archive} · ${formatSize(p.bytesDone)} / ${formatSize(p.bytesTotal)}` : undefined,
                });
                lastPercent = percent;
              },
            };
            if (!part) return archive.verifyBackup(where, options);
            const p = 'file' in reader ? await archive.verifyPart(reader.file, part.archive, options) : await archive.verifyPartFrom(reader.source, part.archive, options);
            return { file: where, ok: p.ok, backup: null, problems: [], parts: [p] };
          };
          // verifyBackup reports a wrong password per part instead of throwing: turn it into the
          // error withPassword understands, so a known or asked password is tried next.
          const withPassword = (): Promise<VerifyResult> =>
            this.contents.withPassword(backup, opts, async (creds) => {
              const r = await verify(creds.password);
              // A password is right when it decrypts at least one part; a part that fails while
              // another opens is damage. (If every encrypted part is damaged at its start, that
              // looks like a wrong password: the prompt says so and can be cancelled.)
              const opened = r.parts.some((p) => p.encrypted && p.ok);
              const wrong = r.parts.filter((p) => p.kind === 'wrong_password' || p.kind === 'password_required');
              if (!opened && wrong.length > 0) {
                throw Object.assign(new Error(wrong[0]?.error ?? 'wrong password'), { name: 'ArchiveError', kind: 'wrong_password' });
              }
              return r;
            });
          // The list can call a backup unprotected while a copy is encrypted: then ask after all.
          const unprotected = needsPassword ? undefined : await verify();
          const result = unprotected && !unprotected.parts.some((p) => p.kind === 'password_required') ? unprotected : await withPassword();
          return this.report(backup, result, Date.now() - started, opts.quiet === true, part);
        } catch (e) {
          if (token.isCancellationRequested || e instanceof vscode.CancellationError) {
            this.log.info(`verify ${backup.slug} cancelled`);
            return { ok: false, lines: [], error: vscode.l10n.t('cancelled') };
          }
          const message = e instanceof Error ? e.message : String(e);
          this.log.error(`verify ${backup.slug} could not run: ${message}`);
          void vscode.window.showErrorMessage(vscode.l10n.t('"{0}" could not be verified: {1}', name, message));
          return { ok: false, lines: [], error: message };
        } finally {
          cancelled.dispose();
        }
      },
    );
  }

  private report(backup: Backup, result: VerifyResult, ms: number, quiet: boolean, part?: Part): VerifyOutcome {
    const name = backup.name || backup.slug;
    const lines = [
      ...result.problems,
      ...result.parts.map((p) => {
        const what = `${p.encrypted ? `SecureTar v${p.version ?? '?'}, ` : ''}${p.compressed ? 'gzip, ' : ''}${p.entries} entries, ${formatSize(p.tarBytes)}`;
        const unsafe = p.unsafeEntries ? `, ${p.unsafeEntries} unsafe entries` : '';
        return p.ok ? `${p.name}: ok (${what}${unsafe})` : `${p.name}: FAILED: ${p.error ?? p.kind ?? 'unknown'}`;
      }),
    ];
    const bytes = result.parts.reduce((n, p) => n + p.bytes, 0);
    const rate = ms > 0 ? `${formatSize((bytes / ms) * 1000)}/s` : '';
    const log = result.ok ? this.log.info.bind(this.log) : this.log.error.bind(this.log);
    log(`verify ${backup.slug} ${result.ok ? 'passed' : 'FAILED'}: ${result.parts.length} parts, ${formatSize(bytes)} in ${(ms / 1000).toFixed(1)} s ${rate}`);
    for (const line of lines) log(`  ${line}`);
    if (result.ok) {
      if (quiet) return { ok: true, lines, result };
      if (part) void vscode.window.showInformationMessage(vscode.l10n.t('{0} of "{1}" is complete and readable.', part.archive, name));
      else void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" is complete and readable: {1} parts verified.', name, result.parts.length));
    } else {
      const failed = lines.filter((l) => !/: ok \(/.test(l));
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window
        .showErrorMessage(vscode.l10n.t('"{0}" failed verification: {1}', name, failed.join('; ')), showLog)
        .then((c) => (c === showLog ? vscode.commands.executeCommand('haBackups.showLog') : undefined));
    }
    return { ok: result.ok, lines, result };
  }
}
