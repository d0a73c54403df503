// Whether configuration.yaml loads packages, and the line that makes it do so. The file is edited as
// text (one line inserted), so its comments, layout and Home Assistant's own tags (!include,
// !secret, !include_dir_named…) stay exactly as they were; the result is parsed again to check it.
import { isMap, isPair, isScalar, parseDocument, type Document } from 'yaml';

export const PACKAGES_LINE = 'packages: !include_dir_named packages';

export type PackagesSetting =
  /** No `homeassistant: packages:`: packages are not loaded. */
  | { kind: 'none' }
  /** `packages: !include_dir_named <folder>`: each file of the folder is a package. */
  | { kind: 'folder'; folder: string }
  /** Packages set up another way (inline, another include): the extension does not write into it. */
  | { kind: 'other'; written: string };

function parse(text: string): Document {
  // Unknown tags are kept as they are (the yaml package warns about them, which is fine here).
  return parseDocument(text, { keepSourceTokens: true });
}

export function packagesSetting(text: string): PackagesSetting | { kind: 'unreadable'; message: string } {
  const doc = parse(text);
  if (doc.errors.length) return { kind: 'unreadable', message: doc.errors[0]?.message ?? 'syntax error' };
  const node = doc.getIn(['homeassistant', 'packages'], true);
  if (node === undefined || (isScalar(node) && node.value === null && !node.tag)) return { kind: 'none' };
  if (isScalar(node) && node.tag === '!include_dir_named' && typeof node.value === 'string') return { kind: 'folder', folder: node.value };
  const range = (node as { range?: [number, number, number] }).range;
  return { kind: 'other', written: range ? (text.slice(range[0], range[1]).split('\n')[0] ?? '') : 'packages:' };
}

/** configuration.yaml with `packages: !include_dir_named packages` under `homeassistant:`; an Error when it cannot be added safely. */
export function withPackagesLine(text: string): string {
  const doc = parse(text);
  if (doc.errors.length) throw new Error(`configuration.yaml cannot be read: ${doc.errors[0]?.message ?? ''}`);
  if (!isMap(doc.contents)) throw new Error('configuration.yaml is not a mapping of integrations');
  const pair = doc.contents.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'homeassistant');
  let next: string;
  if (!pair) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    next = `${text}${sep}\nhomeassistant:\n  ${PACKAGES_LINE}\n`;
  } else {
    const value = pair.value;
    if (isMap(value) && value.items.length > 0 && !value.flow) {
      const first = value.items[0]?.key as { range?: [number, number, number] } | undefined;
      const at = first?.range?.[0];
      if (at === undefined) throw new Error("configuration.yaml's homeassistant: section could not be read");
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      const indent = text.slice(lineStart, at);
      if (!/^ +$/.test(indent)) throw new Error("configuration.yaml's homeassistant: section is not laid out one key per line");
      next = `${text.slice(0, lineStart)}${indent}${PACKAGES_LINE}\n${text.slice(lineStart)}`;
    } else if (value === null || (isScalar(value) && value.value === null && !value.tag)) {
      const keyRange = (pair.key as { range?: [number, number, number] }).range;
      const lineEnd = text.indexOf('\n', keyRange?.[1] ?? 0);
      const end = lineEnd === -1 ? text.length : lineEnd;
      next = `${text.slice(0, end)}\n  ${PACKAGES_LINE}${lineEnd === -1 ? '\n' : ''}${text.slice(end)}`;
    } else {
      throw new Error("configuration.yaml's homeassistant: is not a block of keys (an !include or a flow mapping)");
    }
  }
  const check = packagesSetting(next);
  if (check.kind !== 'folder') throw new Error('adding the packages line to configuration.yaml did not work');
  return next;
}
