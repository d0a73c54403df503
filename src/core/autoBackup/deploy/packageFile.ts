// The package file the automations are written into (`packages/ha_backups.yaml` in the config folder,
// loaded by `homeassistant: packages: !include_dir_named packages`): an `automation:` list that holds
// the automations of every deployed policy. Deploying one policy replaces only the automations whose
// id starts with its prefix; the others, and comments, stay. A password is written as `!secret name`.
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Document, type ScalarTag } from 'yaml';
import type { Automation } from './automationSchema';
import { SecretRef, isSecretRef } from './secretRef';

export const PACKAGE_FILE_NAME = 'ha_backups.yaml';
export const PACKAGES_FOLDER = 'packages';

const HEADER = [
  ' Written by Home Assistant Backups (VS Code): the backup policies of auto_backup.yaml that run in Home',
  ' Assistant through the Auto Backup integration. Edit the policy and run "Deploy Policy as Home Assistant',
  ' Automations" again rather than editing this file; the extension marks the policy when they differ.',
].join('\n');

const secretTag: ScalarTag = { tag: '!secret', resolve: (text: string) => new SecretRef(text) };

function parse(text: string): Document {
  // YAML 1.1, as Home Assistant reads it (PyYAML): unquoted, 12:30:00 is a number and `on` a boolean, so
  // such strings are written quoted, and a hand edit that unquotes them shows as drift.
  return parseDocument(text, { version: '1.1', customTags: [secretTag] });
}

/** The file's text with the policy's automations (ids starting with `prefix`) replaced by `automations`. */
export function withPolicyAutomations(text: string | undefined, prefix: string, automations: readonly Automation[]): string {
  const doc = parse(text ?? '');
  if (doc.errors.length) throw new Error(`the package file cannot be read: ${doc.errors[0]?.message ?? ''}`);
  if (!isMap(doc.contents)) {
    doc.contents = doc.createNode({});
    doc.commentBefore = HEADER;
  }
  let list = doc.get('automation', true);
  if (!isSeq(list)) {
    if (list !== undefined && !(isScalar(list) && list.value === null)) throw new Error("the package file's 'automation:' is not a list");
    list = doc.createNode([]);
    doc.set('automation', list);
  }
  if (!isSeq(list)) throw new Error('unreachable');
  list.items = list.items.filter((item) => {
    const id = isMap(item) ? item.get('id') : undefined;
    return !(typeof id === 'string' && id.startsWith(prefix));
  });
  for (const automation of automations) list.items.push(nodeOf(doc, automation));
  return doc.toString({ lineWidth: 0 });
}

/** The policy's automations as written in the file, by id; `!secret` values as SecretRef. */
export function deployedAutomations(text: string, prefix: string): Map<string, unknown> | string {
  const doc = parse(text);
  if (doc.errors.length) return `the package file cannot be read: ${doc.errors[0]?.message ?? ''}`;
  const value: unknown = doc.toJS();
  const found = new Map<string, unknown>();
  const list = typeof value === 'object' && value !== null ? (value as { automation?: unknown }).automation : undefined;
  if (!Array.isArray(list)) return found;
  for (const item of list as unknown[]) {
    const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
    if (typeof id === 'string' && id.startsWith(prefix)) found.set(id, item);
  }
  return found;
}

export interface PackageDrift {
  missing: string[];
  changed: string[];
  /** In the file with the policy's prefix, but not generated now (a tier removed from the policy). */
  extra: string[];
}

/** What differs between the automations a policy generates now and those in the file. */
export function packageDrift(generated: readonly Automation[], deployed: Map<string, unknown>): PackageDrift {
  const drift: PackageDrift = { missing: [], changed: [], extra: [] };
  const ids = new Set(generated.map((a) => a.id));
  for (const automation of generated) {
    const written = deployed.get(automation.id);
    if (written === undefined) drift.missing.push(automation.id);
    else if (canonical(written) !== canonical(automation)) drift.changed.push(automation.id);
  }
  for (const id of deployed.keys()) if (!ids.has(id)) drift.extra.push(id);
  return drift;
}

export const hasDrift = (d: PackageDrift): boolean => d.missing.length + d.changed.length + d.extra.length > 0;

/** Key order and SecretRef spelled out, so that equal content compares equal. */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (isSecretRef(v)) return { '!secret': v.name };
    if (Array.isArray(v)) return v.map(sort);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value));
}

function nodeOf(doc: Document, automation: Automation): unknown {
  // createNode keeps a value that is already a node: a SecretRef becomes the scalar `!secret name`.
  const withSecrets = (v: unknown): unknown => {
    if (isSecretRef(v)) {
      const scalar = new Scalar(v.name);
      scalar.tag = '!secret';
      return scalar;
    }
    if (Array.isArray(v)) return v.map(withSecrets);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withSecrets(x)]));
    return v;
  };
  return doc.createNode(withSecrets(automation), { aliasDuplicateObjects: false });
}
