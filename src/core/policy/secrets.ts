// `!secret name`, the way Home Assistant resolves it (homeassistant/util/yaml/loader.py, `Secrets.get`):
// secrets.yaml in the folder of the file that asks, then in each parent folder, stopping at the
// configuration folder (the one holding configuration.yaml); the first file that defines the name
// wins. A missing secrets.yaml is skipped; the key `logger` is not a secret. This module only works
// on paths and texts: reading the files is the caller's job (VS Code's file system in the extension).
import { isAlias, isMap, isScalar, parseDocument, Parser } from 'yaml';
import { DEFAULT_LIMITS, tooDeep, withoutSource, type SecretLookup, type SecretValue } from './load';

export const SECRETS_FILE_NAME = 'secrets.yaml';

export interface SecretsFile {
  secrets: Map<string, SecretValue>;
  /** Problems reading the file (never containing a value). */
  errors: string[];
}

/** Parses a secrets.yaml: a mapping of names to scalar values. */
export function parseSecretsFile(text: string): SecretsFile {
  const secrets = new Map<string, SecretValue>();
  const errors: string[] = [];
  // The policy file's limit: `yaml` needs about a second for 256 KB of hostile text, and more than linearly longer beyond.
  if (text.length > DEFAULT_LIMITS.maxLength) return { secrets, errors: ['secrets.yaml is too large to read'] };
  // yaml's composer recurses once per level: deep nesting would exhaust the stack (and has been seen
  // to abort the whole process, not only throw), so it is measured on the CST first, without recursion.
  if (tooDeep(Array.from(new Parser().parse(text)), DEFAULT_LIMITS.maxDepth) !== undefined) return { secrets, errors: ['secrets.yaml is nested too deeply to read'] };
  let document;
  try {
    document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  } catch {
    return { secrets, errors: ['secrets.yaml could not be read'] };
  }
  if (document.errors.length > 0) return { secrets, errors: document.errors.map((error) => `secrets.yaml: ${withoutSource(error.message)}`) };
  const contents = document.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return { secrets, errors };
  if (!isMap(contents)) return { secrets, errors: ['secrets.yaml is not a mapping of names to values'] };
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string' || key === 'logger') continue;
    // An alias to a scalar (`b: *a`) is that scalar; nothing else is followed.
    const value = isAlias(pair.value) ? pair.value.resolve(document) : pair.value;
    if (isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number' || typeof value.value === 'boolean' || value.value === null)) {
      secrets.set(key, value.value);
    } else if (value === null) {
      secrets.set(key, null);
    }
  }
  return { secrets, errors };
}

/**
 * The secrets.yaml files to look in for a file at `filePath`, nearest first: its own folder, then
 * each parent up to and including `configDir`. Paths use `/`; a file outside `configDir` gets only
 * its own folder.
 */
export function secretsFileCandidates(filePath: string, configDir: string): string[] {
  const trim = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);
  const root = trim(configDir);
  let folder = trim(filePath.slice(0, Math.max(filePath.lastIndexOf('/'), 0)) || '/');
  const inside = (path: string) => path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
  const candidates: string[] = [];
  if (!inside(folder)) return [`${folder === '/' ? '' : folder}/${SECRETS_FILE_NAME}`];
  for (;;) {
    candidates.push(`${folder === '/' ? '' : folder}/${SECRETS_FILE_NAME}`);
    if (folder === root) break;
    const parent = folder.slice(0, folder.lastIndexOf('/')) || '/';
    if (parent === folder || !inside(parent)) break;
    folder = parent;
  }
  return candidates;
}

/** A lookup over parsed secrets files, nearest first (as from `secretsFileCandidates`). */
export function secretLookup(files: readonly SecretsFile[]): SecretLookup {
  return (name) => {
    for (const file of files) if (file.secrets.has(name)) return file.secrets.get(name);
    return undefined;
  };
}
