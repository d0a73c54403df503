// Setting one policy's `run_by:` in the policy file's text: that one value replaced, or one line
// added after the policy's `name:`; every other character of the file stays (comments, layout,
// `!secret`). The result is parsed again and must give the same policies with the new value.
import { isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { secretTag } from './load';
import { parsePolicyFile, type ParsedPolicyFile } from './parse';

type Range = [number, number, number];

/** `parse` reads the file as the caller does (its secrets.yaml); the check compares before and after with it. */
export function withPolicyRunBy(
  text: string,
  policyName: string,
  value: 'vscode' | 'auto_backup',
  parse: (text: string) => ParsedPolicyFile = (t) => parsePolicyFile(t),
): string {
  const doc = parseDocument(text, { customTags: [secretTag] });
  const list = doc.get('policies', true);
  if (!isSeq(list)) throw new Error('the policy file has no list of policies');
  const item = list.items.find((i) => isMap(i) && i.get('name') === policyName);
  if (!isMap(item) || item.flow) throw new Error(`policy '${policyName}' is not a block of keys in the file`);
  const pairs = item.items.filter(isPair);
  const existing = pairs.find((p) => isScalar(p.key) && p.key.value === 'run_by');
  let next: string;
  if (existing && isScalar(existing.value)) {
    const [start, end] = existing.value.range as Range;
    next = `${text.slice(0, start)}${value}${text.slice(end)}`;
  } else {
    const name = pairs.find((p) => isScalar(p.key) && p.key.value === 'name');
    const keyRange = (name?.key as { range?: Range } | undefined)?.range;
    const valueRange = (name?.value as { range?: Range } | undefined)?.range;
    if (!keyRange || !valueRange) throw new Error(`policy '${policyName}' has no name line to add run_by after`);
    const lineStart = text.lastIndexOf('\n', keyRange[0] - 1) + 1;
    const indent = ' '.repeat(keyRange[0] - lineStart);
    const lineEnd = text.indexOf('\n', valueRange[1]);
    const at = lineEnd === -1 ? text.length : lineEnd;
    next = `${text.slice(0, at)}\n${indent}run_by: ${value}${text.slice(at)}`;
  }
  const before = parse(text).policies.map((p) => p.name);
  const after = parse(next).policies;
  if (after.map((p) => p.name).join('\n') !== before.join('\n') || after.find((p) => p.name === policyName)?.runBy !== value) {
    throw new Error(`run_by of policy '${policyName}' could not be set without changing the rest of the file`);
  }
  return next;
}
