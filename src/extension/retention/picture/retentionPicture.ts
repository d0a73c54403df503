// Preview Retention as a picture: a webview with every backup of the deletion plan on a time axis and
// each policy's projection (src/core/retentionPicture). The text preview stays the accessible
// alternative ("Show as text") and what Purge's confirmation opens.
import * as vscode from 'vscode';
import type { DeletionPlan } from '../../../core/deletion';
import type { Policy } from '../../../core/policy';
import { pictureModel, projectPolicy, renderPictureSvg, type Projection, type RetentionPictureModel } from '../../../core/retentionPicture';
import type { Backup } from '../../../core/supervisor';
import type { PurgePreviewDocuments } from '../purgePreview';
import { pictureHtml } from './pictureHtml';
import { pictureWords } from './pictureWords';

export interface PictureInput {
  plan: DeletionPlan<Backup>;
  /** The saved policy file's policies (their schedules and retention for the projection). */
  policies: readonly Policy[];
  timeZone: string | null;
  /** Home Assistant's now. */
  now: Date;
  /** One policy, or every backup. */
  policy?: string;
}

export class RetentionPictures implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: PictureInput | undefined;
  /** What the open picture shows (the tests compare it with the page). */
  model: RetentionPictureModel | undefined;
  projections: Projection[] = [];

  constructor(
    private readonly previews: PurgePreviewDocuments,
    /** The extension's folder: the page's style sheet and script are in its media/retention-picture/. */
    private readonly extensionUri: vscode.Uri,
  ) {}

  private get media(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'media', 'retention-picture');
  }

  /** Shows the picture; false when the workbench cannot show a webview (the caller shows the text instead). */
  show(input: PictureInput): boolean {
    const title = input.policy ? vscode.l10n.t('Retention of the policy "{0}"', input.policy) : vscode.l10n.t('Retention preview');
    const model = pictureModel(input.plan, input.policy);
    const zone = input.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    // A policy of Home Assistant's automatic backups has no schedule of its own here: no projection.
    const projected = input.policies.filter((p) => input.policy === undefined || p.name === input.policy).flatMap((p) => (p.schedule ? [{ ...p, schedule: p.schedule }] : []));
    const pins = new Set(input.plan.decisions.filter((d) => d.details.some((r) => r.code === 'pinned')).map((d) => d.slug));
    const projections = projected.map((policy) =>
      projectPolicy({
        policy,
        backups: input.plan.decisions
          .filter((d) => d.owner.kind === 'policy' && d.owner.policy === policy.name && d.action === 'keep' && !d.future)
          .map((d) => ({ slug: d.slug, date: d.backup.date })),
        pins,
        now: input.now,
        timeZone: zone,
      }),
    );
    const words = pictureWords(title, input.timeZone, new Map(projected.map((p) => [p.name, p.schedule.text])));
    const svg = renderPictureSvg(model, projections, { now: input.now, timeZone: zone, locale: vscode.env.language, words });
    let panel = this.panel;
    try {
      panel ??= this.open();
    } catch {
      return false;
    }
    panel.title = title;
    panel.webview.html = pictureHtml({ webview: panel.webview, media: this.media, title, model, svg, hasProjection: projections.length > 0 });
    panel.reveal(undefined, false);
    this.shown = input;
    this.model = model;
    this.projections = projections;
    return true;
  }

  private open(): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel('haBackups.retentionPicture', vscode.l10n.t('Retention preview'), vscode.ViewColumn.Active, {
      // Scripts for the keyboard only; the one folder it reads.
      enableScripts: true,
      localResourceRoots: [this.media],
    });
    this.panel = panel;
    panel.webview.onDidReceiveMessage((message: unknown) => {
      if ((message as { type?: unknown } | undefined)?.type === 'showText' && this.shown) void this.previews.show(this.shown.plan, this.shown.timeZone, this.shown.policy);
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.model = undefined;
    });
    return panel;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
