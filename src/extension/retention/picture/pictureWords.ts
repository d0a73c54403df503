// The retention picture's words, localised: the rules of its marks, its lanes and its projection.
import * as vscode from 'vscode';
import { formatShortDateTime } from '../../../core/format/dates';
import type { MarkRule, PictureMark, PictureWords, Projection, ProjectionPoint } from '../../../core/retentionPicture';

/** A mark's rule in words; slot matches (`daily 3/7`) keep the policy file's keys, which are not translated. */
export function ruleWords(rule: MarkRule, timeZone: string | null): string {
  const date = (iso: string) => formatShortDateTime(new Date(iso), timeZone);
  switch (rule.kind) {
    case 'slots':
      return rule.matches.join(', ');
    case 'pinned':
      return vscode.l10n.t('pinned');
    case 'newest':
      return vscode.l10n.t('newest of the policy');
    case 'keep-days':
      return vscode.l10n.t('keep_days until {0}', date(rule.until));
    case 'expired':
      return vscode.l10n.t('keep_days expired {0}', date(rule.since));
    case 'no-slot':
      return vscode.l10n.t('no slot left in its policy');
    case 'not-managed':
      return vscode.l10n.t('not managed');
    case 'future':
      return vscode.l10n.t('dated in the future');
    case 'unreadable':
      return vscode.l10n.t('date not readable');
    case 'no-retention':
      return vscode.l10n.t('the policy keeps every backup');
    case 'protected':
      switch (rule.code) {
        case 'policy-file-invalid':
          return vscode.l10n.t('never deleted while the policy file has errors');
        case 'policy-not-in-file':
          return vscode.l10n.t('its policy is not in the policy file');
        case 'policy-disabled':
          return vscode.l10n.t('its policy is disabled');
        case 'made-elsewhere':
          return vscode.l10n.t("not this policy's: made elsewhere");
        case 'auto-backup-purge-off':
          return vscode.l10n.t("Auto Backup's purge is off");
      }
  }
}

export function markLabel(mark: PictureMark, timeZone: string | null): string {
  const when = Number.isNaN(mark.time) ? mark.date : formatShortDateTime(new Date(mark.time), timeZone);
  const state = mark.kept ? vscode.l10n.t('kept') : mark.asks ? vscode.l10n.t('to remove after a confirmation') : vscode.l10n.t('to remove');
  return `${mark.name}, ${when}, ${state}: ${ruleWords(mark.rule, timeZone)}`;
}

function after(point: ProjectionPoint): string {
  return point.months === 1 ? vscode.l10n.t('after 1 month') : vscode.l10n.t('after {0} months', point.months);
}

export function pictureWords(title: string, timeZone: string | null, schedules: ReadonlyMap<string, string>): PictureWords {
  return {
    title,
    kept: vscode.l10n.t('Kept'),
    removed: vscode.l10n.t('To remove'),
    now: vscode.l10n.t('now'),
    mark: (mark) => markLabel(mark, timeZone),
    projection: (p: Projection) => {
      const what = vscode.l10n.t('What "{0}" will hold, running {1}', p.policy, schedules.get(p.policy) ?? '');
      if (p.disabled) return `${what}: ${vscode.l10n.t('disabled, it makes no backups')}`;
      return p.keepsAll ? `${what}: ${vscode.l10n.t('no retention, it keeps every backup')}` : what;
    },
    strip: (point) => `${after(point)}: ${point.count}`,
    stripDetails: (point) =>
      vscode.l10n.t(
        '{0} ({1}), {2} backups: {3}',
        after(point),
        formatShortDateTime(point.at, timeZone),
        point.count,
        point.backups.map((b) => `${formatShortDateTime(new Date(b.date), timeZone)} ${ruleWords(b.rule, timeZone)}`).join('; '),
      ),
    unreached: (p) => (p.unreached.length ? vscode.l10n.t('It runs too often to be projected {0} months ahead.', p.unreached.join(', ')) : undefined),
  };
}
