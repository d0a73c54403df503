// The retention picture as an SVG string: every backup on a time axis (kept: a filled dot; removed: a
// crossed ring; pinned: a diamond — shape, not only colour), then the projection as small strips.
// Colours come only from classes that media/retention-picture/picture.css maps onto VS Code's theme
// variables, so light, dark and high-contrast themes work; every mark is focusable and labelled for the
// keyboard script (media/retention-picture/picture.js).
import { timeScale, timeTicks, type TimeScale } from './axis';
import type { PictureMark, RetentionPictureModel } from './model';
import type { Projection, ProjectionPoint } from './projection';

/** The words of the picture, from the extension (localised). */
export interface PictureWords {
  /** The whole picture's label. */
  title: string;
  kept: string;
  removed: string;
  now: string;
  /** A mark's label: name, date, kept or removed and the rule. */
  mark: (mark: PictureMark) => string;
  /** The heading over a policy's projection. */
  projection: (projection: Projection) => string;
  /** A strip's label, e.g. "after 6 months: 15". */
  strip: (point: ProjectionPoint) => string;
  /** The strip's full text for assistive technology: every backup it holds with its rule. */
  stripDetails: (point: ProjectionPoint) => string;
  /** Said instead of the strips that could not be worked out. */
  unreached: (projection: Projection) => string | undefined;
}

export interface PictureOptions {
  now: Date;
  timeZone: string;
  locale: string;
  words: PictureWords;
  /** Default 960. */
  width?: number;
}

const LEFT = 150;
const RIGHT_PAD = 24;
const R = 6;
const LEVEL = 2 * R + 2;
const MAX_LEVELS = 6;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();

export function renderPictureSvg(model: RetentionPictureModel, projections: readonly Projection[], options: PictureOptions): string {
  const width = options.width ?? 960;
  const right = width - RIGHT_PAD;
  const now = options.now.getTime();
  const scale = timeScale([...model.marks.map((m) => m.time), now], LEFT, right);
  const parts: string[] = [];
  let y = 16;

  const lanes = [
    { label: options.words.kept, marks: model.marks.filter((m) => m.kept) },
    { label: options.words.removed, marks: model.marks.filter((m) => !m.kept) },
  ];
  const laneTop = y;
  parts.push('<g class="marks" role="list">');
  for (const lane of lanes) {
    const placed = stack(lane.marks, scale);
    const levels = Math.max(1, ...placed.map((p) => p.level + 1));
    const base = y + levels * LEVEL - R;
    parts.push(`<text class="lane-label" aria-hidden="true" x="${LEFT - 12}" y="${n(base + 4)}" text-anchor="end">${escapeXml(lane.label)}</text>`);
    parts.push(`<line class="lane" aria-hidden="true" x1="${LEFT}" x2="${right}" y1="${n(base)}" y2="${n(base)}"/>`);
    for (const p of placed) parts.push(markSvg(p.mark, p.x, base - p.level * LEVEL, options.words));
    y += levels * LEVEL + 10;
  }
  parts.push('</g>');
  parts.push(nowLine(scale.x(now), laneTop - 6, y, options.words.now));
  y = axis(parts, scale, y + 4, right, options);

  for (const projection of projections) y = projectionSvg(parts, projection, y + 26, right, options);

  const height = Math.ceil(y + 8);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="retention-picture" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="group" aria-label="${escapeXml(options.words.title)}">${parts.join('')}</svg>`
  );
}

interface Placed {
  mark: PictureMark;
  x: number;
  level: number;
}

/** Marks closer than a dot's width stack upwards (a few levels; beyond, they overlap). */
function stack(marks: readonly PictureMark[], scale: TimeScale): Placed[] {
  const lastX: number[] = [];
  return marks
    .filter((m) => Number.isFinite(m.time))
    .map((mark) => {
      const x = scale.x(mark.time);
      let level = lastX.findIndex((lx) => x - lx >= LEVEL);
      if (level === -1) level = lastX.length < MAX_LEVELS ? lastX.length : lastX.indexOf(Math.min(...lastX));
      lastX[level] = x;
      return { mark, x, level };
    });
}

function markSvg(mark: PictureMark, x: number, y: number, words: PictureWords): string {
  const pinned = mark.rule.kind === 'pinned';
  const shape = !mark.kept
    ? `<circle class="ring" r="${R - 1}"/><path class="cross" d="M-3.5 -3.5L3.5 3.5M-3.5 3.5L3.5 -3.5"/>`
    : pinned
      ? `<path class="dot" d="M0 -${R + 1}L${R + 1} 0L0 ${R + 1}L-${R + 1} 0Z"/>`
      : `<circle class="dot" r="${R}"/>`;
  const cls = `mark ${mark.kept ? 'kept' : 'removed'}${pinned ? ' pinned' : ''}`;
  return (
    `<g class="${cls}" role="listitem" tabindex="-1" transform="translate(${n(x)} ${n(y)})" data-slug="${escapeXml(mark.slug)}" data-time="${mark.time}" ` +
    `aria-label="${escapeXml(words.mark(mark))}"><circle class="focus-ring" r="${R + 4}"/>${shape}</g>`
  );
}

function nowLine(x: number, top: number, bottom: number, label: string): string {
  return `<g class="now"><line x1="${n(x)}" x2="${n(x)}" y1="${n(top)}" y2="${n(bottom)}"/><text x="${n(x)}" y="${n(top - 2)}" text-anchor="middle">${escapeXml(label)}</text></g>`;
}

/** The axis line and its ticks at `y`; returns the y below it. */
function axis(parts: string[], scale: TimeScale, y: number, right: number, options: PictureOptions): number {
  parts.push(`<g class="axis" aria-hidden="true"><line x1="${LEFT}" x2="${right}" y1="${n(y)}" y2="${n(y)}"/>`);
  for (const tick of timeTicks(scale.from, scale.to, options.timeZone, options.locale)) {
    const x = scale.x(tick.time);
    parts.push(`<line x1="${n(x)}" x2="${n(x)}" y1="${n(y)}" y2="${n(y + 5)}"/><text x="${n(x)}" y="${n(y + 17)}" text-anchor="middle">${escapeXml(tick.label)}</text>`);
  }
  parts.push('</g>');
  return y + 20;
}

/** A policy's projection: a heading, one strip per point on one shared axis. */
function projectionSvg(parts: string[], projection: Projection, y: number, right: number, options: PictureOptions): number {
  parts.push(`<g class="projection" data-policy="${escapeXml(projection.policy)}">`);
  parts.push(`<text class="heading" x="0" y="${n(y)}">${escapeXml(options.words.projection(projection))}</text>`);
  y += 8;
  const times = projection.points.flatMap((p) => [p.at.getTime(), ...p.backups.map((b) => Date.parse(b.date))]);
  const scale = timeScale([...times, options.now.getTime()], LEFT, right);
  for (const point of projection.points) {
    y += 18;
    parts.push(
      `<g class="strip" role="img" data-months="${point.months}" data-count="${point.count}" aria-label="${escapeXml(options.words.stripDetails(point))}">` +
        `<text x="${LEFT - 12}" y="${n(y + 4)}" text-anchor="end">${escapeXml(options.words.strip(point))}</text>` +
        `<line class="lane" x1="${LEFT}" x2="${right}" y1="${n(y)}" y2="${n(y)}"/>` +
        `<line class="horizon" x1="${n(scale.x(point.at.getTime()))}" x2="${n(scale.x(point.at.getTime()))}" y1="${n(y - 7)}" y2="${n(y + 7)}"/>`,
    );
    for (const b of point.backups) parts.push(`<circle class="${b.existing ? 'dot existing' : 'dot'}" cx="${n(scale.x(Date.parse(b.date)))}" cy="${n(y)}" r="3.5"/>`);
    parts.push('</g>');
  }
  const unreached = options.words.unreached(projection);
  if (unreached) {
    y += 18;
    parts.push(`<text class="note" x="${LEFT}" y="${n(y + 4)}">${escapeXml(unreached)}</text>`);
  }
  parts.push(
    `<line class="now-tick" x1="${n(scale.x(options.now.getTime()))}" x2="${n(scale.x(options.now.getTime()))}" y1="${n(y - projection.points.length * 18 - 4)}" y2="${n(y + 8)}"/>`,
  );
  y = axis(parts, scale, y + 12, right, options);
  parts.push('</g>');
  return y;
}
