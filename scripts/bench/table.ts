// The result table in Markdown, with each row's details as numbered notes below it.
import type { Row } from './util';

const HEADER = ['benchmark', 'extension', 'standard tool', 'ratio', 'goal', 'met?'];

/** A Markdown table cell: pipes escaped, no line breaks. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

export function formatTable(rows: readonly Row[]): string[] {
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  rows.forEach((r, i) => {
    const name = r.notes.length ? `${r.benchmark} [${i + 1}]` : r.benchmark;
    lines.push(`| ${[name, r.extension, r.standard, r.ratio, r.goal, r.met].map(cell).join(' | ')} |`);
  });
  const notes = rows.flatMap((r, i) => (r.notes.length ? [`${i + 1}. ${r.notes.join(' — ')}`] : []));
  if (notes.length) lines.push('', ...notes);
  return lines;
}
