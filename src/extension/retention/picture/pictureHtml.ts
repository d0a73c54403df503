// The retention picture's page: the SVG, a legend, the focused mark's details in a text line, a "Show
// as text" button. A strict content security policy: nothing remote, no inline style or script; the
// style sheet and the keyboard script are media/retention-picture/ (the webview's only resource root),
// the script also by nonce.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { escapeXml, type RetentionPictureModel } from '../../../core/retentionPicture';

/** The shapes of the marks, for the legend. */
const SHAPES = {
  kept: '<g class="mark kept"><circle class="dot" r="6"/></g>',
  pinned: '<g class="mark kept pinned"><path class="dot" d="M0 -7L7 0L0 7L-7 0Z"/></g>',
  removed: '<g class="mark removed"><circle class="ring" r="5"/><path class="cross" d="M-3.5 -3.5L3.5 3.5M-3.5 3.5L3.5 -3.5"/></g>',
};

function legend(): string {
  const item = (shape: string, label: string) =>
    `<span><svg class="retention-picture" width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">${shape}</svg> ${escapeXml(label)}</span>`;
  return `<p class="legend">${item(SHAPES.kept, vscode.l10n.t('kept'))}${item(SHAPES.pinned, vscode.l10n.t('pinned'))}${item(SHAPES.removed, vscode.l10n.t('to remove'))}</p>`;
}

export interface PageInput {
  webview: vscode.Webview;
  /** media/retention-picture/ */
  media: vscode.Uri;
  title: string;
  model: RetentionPictureModel;
  svg: string;
  hasProjection: boolean;
}

export function pictureHtml({ webview, media, title, model, svg, hasProjection }: PageInput): string {
  const nonce = randomBytes(16).toString('hex');
  const src = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(media, file)).toString();
  const csp = `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';`;
  const text = (t: string) => escapeXml(t);
  return `<!DOCTYPE html>
<html lang="${text(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${text(title)}</title>
<link rel="stylesheet" href="${src('picture.css')}">
</head>
<body>
<h1>${text(title)}</h1>
<p>${text(vscode.l10n.t('{0} backups: {1} kept, {2} to remove.', model.marks.length, model.kept, model.removed))} <button id="as-text">${text(vscode.l10n.t('Show as text'))}</button></p>
${legend()}
<div class="picture">${svg}</div>
<p id="details" role="status" aria-live="polite">${text(vscode.l10n.t('Tab to the backups, then the arrow keys move between them; each one says why it is kept or removed.'))}</p>
<p class="note">${text(vscode.l10n.t('Nothing is deleted by this view. Purge Backups deletes exactly the backups marked to remove, after a confirmation.'))}</p>
${hasProjection ? `<p class="note">${text(vscode.l10n.t("The projection runs the policy's schedule forward from now with made-up backups and applies its retention after each run, as the automatic purge does; blue: backups it has today."))}</p>` : ''}
<script nonce="${nonce}" src="${src('picture.js')}"></script>
</body>
</html>`;
}
