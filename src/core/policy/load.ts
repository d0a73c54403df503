// Reading YAML safely: the text becomes a plain value plus, for every path in it, where its node is
// in the text. Built on `yaml` (CST parser + composer) with our own conversion to JS instead of
// `toJS()`, so that:
// - hostile input cannot hurt: the text length, the nesting depth (checked on the CST, before the
//   recursive composer runs) and the number of values produced (which bounds alias/merge
//   expansion, the "billion laughs") are limited, and exceeding a limit is a problem, not an
//   exception;
// - every value knows its node range, also through aliases (mapped to the alias) and merge keys;
// - `!secret name` is resolved like Home Assistant does, through a callback, and remembered so that
//   no message ever shows a secret's value.
// Scalars follow the YAML 1.2 core schema as the `yaml` package reads it, except booleans, which are
// PyYAML's (Home Assistant's): true/false/yes/no/on/off in lower, Title or UPPER case.
import { Composer, Parser, isAlias, isCollection, isMap, isPair, isScalar, isSeq, type CST, type Node as YamlNode, type Pair, type ScalarTag, type Tags } from 'yaml';
import type { DiagnosticCode, Severity } from './diagnostics';

export type SecretValue = string | number | boolean | null;
/** Looks a `!secret` name up (secrets.yaml next to the file, then parent folders up to the config folder). */
export type SecretLookup = (name: string) => SecretValue | undefined;

export interface LoadLimits {
  /** Characters of text; longer text is not parsed at all. */
  maxLength: number;
  /** Nesting of mappings and lists, including through aliases. */
  maxDepth: number;
  /** Values produced, including every expansion of an alias or merge key. */
  maxValues: number;
}

/** A real policy file is a few KB; 256 KB already takes `yaml` a quarter of a second. */
export const DEFAULT_LIMITS: LoadLimits = { maxLength: 256 * 1024, maxDepth: 64, maxValues: 100_000 };

export interface Problem {
  message: string;
  severity: Severity;
  code: DiagnosticCode;
  start: number;
  end: number;
  /** The value it is about, when it is about one. */
  path?: Path;
}

export interface NodeInfo {
  /** Offsets of the value's node (for values from an alias or merge key: of the alias). */
  start: number;
  end: number;
  /** Offsets of the key whose value this is, if any. */
  key?: { start: number; end: number };
  /** A mapping or list. */
  collection: boolean;
  /** The secret this value came from. */
  secret?: string;
}

export type Path = readonly (string | number)[];

export interface Loaded {
  /** The document as plain data; undefined when it could not be read (syntax errors, limits). */
  value: unknown;
  problems: Problem[];
  /** Where the value at `path` is; undefined for paths without a node. */
  info(path: Path): NodeInfo | undefined;
  /** Paths (JSON keys) whose values already have a problem (bad secret, unsupported tag). */
  reported: ReadonlySet<string>;
  /** Values of the secrets that were used, to keep out of messages. */
  secretValues: ReadonlySet<string>;
}

export const pathKey = (path: Path): string => JSON.stringify(path);

const PYYAML_TRUE = /^(?:[Tt]rue|TRUE|[Yy]es|YES|[Oo]n|ON)$/;
const pyyamlBool: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (value) => typeof value === 'boolean',
  test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE|[Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF)$/,
  resolve: (text: string) => PYYAML_TRUE.test(text),
};
/** `!secret name` read as its name (load resolves it against secrets.yaml; the writers keep it as written). */
export const secretTag: ScalarTag = { tag: '!secret', resolve: (text: string) => text };

function customTags(tags: Tags): Tags {
  return [pyyamlBool, secretTag, ...tags.filter((tag) => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:bool')];
}

class Abort extends Error {}

export function loadYaml(text: string, options: { secrets?: SecretLookup; limits?: Partial<LoadLimits> } = {}): Loaded {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const problems: Problem[] = [];
  const infos = new Map<string, NodeInfo>();
  const reported = new Set<string>();
  const secretValues = new Set<string>();
  const result: Loaded = { value: undefined, problems, info: (path) => infos.get(pathKey(path)), reported, secretValues };

  if (text.length > limits.maxLength) {
    const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);
    problems.push({
      message: `the file is too large to read (${size(text.length)}; at most ${size(limits.maxLength)})`,
      severity: 'error',
      code: 'too-large',
      start: 0,
      end: 0,
    });
    return result;
  }

  const tokens = Array.from(new Parser().parse(text));
  const deep = tooDeep(tokens, limits.maxDepth);
  if (deep !== undefined) {
    problems.push({ message: `nested more than ${limits.maxDepth} levels deep`, severity: 'error', code: 'too-deep', start: deep, end: deep + 1 });
    return result;
  }

  const composer = new Composer({ version: '1.2', merge: true, customTags, prettyErrors: false, uniqueKeys: true, strict: true });
  const documents = Array.from(composer.compose(tokens, true, text.length));
  const document = documents[0];
  for (const extra of documents.slice(1)) {
    const start = extra.range[0];
    problems.push({ message: 'only one YAML document is allowed in this file (remove the ---)', severity: 'error', code: 'multiple-documents', start, end: start + 3 });
  }
  if (!document) return { ...result, value: null };
  for (const error of document.errors) {
    problems.push({ message: withoutSource(error.message), severity: 'error', code: 'yaml-syntax', start: error.pos[0], end: error.pos[1] });
  }
  for (const warning of document.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') continue; // reported by the converter, with advice
    problems.push({ message: warning.message, severity: 'warning', code: 'yaml-warning', start: warning.pos[0], end: warning.pos[1] });
  }
  if (document.errors.length > 0 || documents.length > 1) return result;

  const converter = new Converter(text, limits, options.secrets, problems, infos, reported, secretValues);
  try {
    result.value = converter.convert(document.contents, [], 0, undefined);
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    result.value = undefined;
  }
  return result;
}

/**
 * A `yaml` error message without the source text some of them quote (`Unexpected scalar token in
 * YAML stream: "…"`, `Not a YAML token: …`; up to the whole file): the range already shows where,
 * and in secrets.yaml the quoted text could be a secret.
 */
export function withoutSource(message: string): string {
  return message.replace(/^(Not a YAML token): .*$/s, '$1').replace(/: ".*$/s, '');
}

/** The offset of the first collection nested deeper than `maxDepth`, from the CST (no recursion). */
export function tooDeep(tokens: readonly CST.Token[], maxDepth: number): number | undefined {
  const stack: [CST.Token, number][] = tokens.map((token) => [token, 0]);
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [token, depth] = entry;
    if (token.type === 'document') {
      if (token.value) stack.push([token.value, depth]);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > maxDepth) return token.offset;
      for (const item of token.items) {
        if (item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

interface Span {
  start: number;
  end: number;
}

type Node = YamlNode | Pair | null | undefined;

/** The YAML 1.2 core schema's tags (and the merge key); other `!!` tags (`!!js/function`, `!!python/…`, `!!binary`) are refused. */
const CORE_TAGS = new Set(['map', 'seq', 'str', 'null', 'bool', 'int', 'float', 'merge'].map((name) => `tag:yaml.org,2002:${name}`));

const HA_TAGS = ['!include', '!include_dir_list', '!include_dir_named', '!include_dir_merge_list', '!include_dir_merge_named', '!env_var', '!input'];

class Converter {
  private values = 0;
  private readonly anchors = new Map<string, YamlNode>();
  private readonly active = new Set<YamlNode>();

  constructor(
    private readonly text: string,
    private readonly limits: LoadLimits,
    private readonly secrets: SecretLookup | undefined,
    private readonly problems: Problem[],
    private readonly infos: Map<string, NodeInfo>,
    private readonly reported: Set<string>,
    private readonly secretValues: Set<string>,
  ) {}

  /**
   * `node` at `path`. `via` is set inside an alias or merge expansion: every value there is placed
   * at the alias, and anchors are not registered again. `key` is the span of the key it belongs to.
   */
  convert(node: Node, path: Path, depth: number, via: Span | undefined, key?: Span): unknown {
    if (++this.values > this.limits.maxValues) {
      const at = via ?? spanOf(node) ?? { start: 0, end: 0 };
      this.problem(`too many values (over ${this.limits.maxValues}), for example from aliases that expand again and again`, 'too-many-values', at);
      throw new Abort();
    }
    if (depth > this.limits.maxDepth) {
      const at = via ?? spanOf(node) ?? { start: 0, end: 0 };
      this.problem(`nested more than ${this.limits.maxDepth} levels deep (through aliases)`, 'too-deep', at);
      throw new Abort();
    }
    const span = { ...(via ?? spanOf(node) ?? key ?? { start: 0, end: 0 }) };
    const info: NodeInfo = { start: span.start, end: span.end, collection: isCollection(node) || isPair(node), ...(key ? { key } : {}) };
    this.infos.set(pathKey(path), info);
    if (!node) return null;

    if (isAlias(node)) {
      const target = this.anchors.get(node.source);
      const at = via ?? spanOf(node) ?? span;
      if (!target) return this.fail(path, `unknown alias *${node.source}: define &${node.source} before using it`, 'alias', at);
      if (this.active.has(target)) return this.fail(path, `alias *${node.source} refers to the value that contains it`, 'alias', at);
      info.collection = isCollection(target);
      return this.convert(target, path, depth, at, key);
    }
    if (isPair(node)) return this.mapping([node], path, depth, via);
    if (!via && node.anchor) this.anchors.set(node.anchor, node);

    const tag = node.tag;
    // As written: `!!js/function` is `tag:yaml.org,2002:js/function` once resolved.
    const written = tag?.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
    if (written?.startsWith('!') && !via) {
      // Mark the tag too (`!secret name`, not only `name`).
      const at = this.text.lastIndexOf(written, span.start);
      if (at !== -1 && this.text.slice(at + written.length, span.start).trim() === '') info.start = span.start = at;
    }
    if (tag === '!secret') return this.secret(node, path, info, span);
    if (tag && written && !CORE_TAGS.has(tag)) {
      const advice = HA_TAGS.includes(tag) ? `Home Assistant's ${tag} is not supported in this file; only !secret is` : `unknown tag ${written}: only !secret is supported`;
      return this.fail(path, advice, 'unsupported-tag', span);
    }

    if (isScalar(node)) {
      const value: unknown = node.value;
      if (typeof value === 'symbol') return '<<';
      return value;
    }
    this.active.add(node);
    try {
      if (isMap(node)) return this.mapping(node.items, path, depth, via);
      if (isSeq(node)) {
        const list: unknown[] = [];
        node.items.forEach((item, index) => {
          list.push(this.convert(item as Node, [...path, index], depth + 1, via));
        });
        return list;
      }
    } finally {
      this.active.delete(node);
    }
    return null;
  }

  private mapping(pairs: readonly Pair[], path: Path, depth: number, via: Span | undefined): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const merges: { value: unknown; key: Span; at: Span }[] = [];
    for (const pair of pairs) {
      const keyNode = pair.key as Node;
      const keySpan = via ?? spanOf(keyNode) ?? spanOf(pair.value as Node) ?? { start: 0, end: 0 };
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        const at = via ?? spanOf(pair.value as Node) ?? keySpan;
        const value = this.convert(pair.value as Node, [...path, '<<', merges.length], depth + 1, at, keySpan);
        merges.push({ value, key: keySpan, at });
        continue;
      }
      if (!isScalar(keyNode) || keyNode.value === null) {
        this.problem(keyNode ? 'keys must be plain text, not a mapping, list or alias' : 'a key is missing before the colon', 'complex-key', keySpan, path);
        continue;
      }
      const name = typeof keyNode.value === 'string' ? keyNode.value : this.text.slice(keySpan.start, keySpan.end);
      define(result, name, this.convert(pair.value as Node, [...path, name], depth + 1, via, keySpan));
    }
    for (const merge of merges) {
      const sources: unknown[] = Array.isArray(merge.value) ? (merge.value as unknown[]) : [merge.value];
      for (const source of sources) {
        if (typeof source !== 'object' || source === null || Array.isArray(source)) {
          this.problem('<< merges a mapping or a list of mappings', 'alias', merge.at, path);
          continue;
        }
        for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
          if (Object.prototype.hasOwnProperty.call(result, name)) continue;
          define(result, name, value);
          this.infos.set(pathKey([...path, name]), { start: merge.at.start, end: merge.at.end, key: merge.key, collection: typeof value === 'object' && value !== null });
        }
      }
    }
    return result;
  }

  private secret(node: YamlNode, path: Path, info: NodeInfo, span: Span): unknown {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
      return this.fail(path, '!secret needs the name of a secret, e.g. !secret backup_password', 'secret', span);
    }
    const name = node.value.trim();
    info.secret = name;
    let value: SecretValue | undefined;
    try {
      value = this.secrets?.(name);
    } catch {
      value = undefined;
    }
    if (value === undefined) return this.fail(path, `secret '${name}' is not defined in secrets.yaml`, 'secret', span);
    if (typeof value === 'string' && value !== '') this.secretValues.add(value);
    else if (value !== null) this.secretValues.add(String(value));
    return value;
  }

  private fail(path: Path, message: string, code: DiagnosticCode, at: Span): null {
    this.problem(message, code, at, path);
    this.reported.add(pathKey(path));
    return null;
  }

  private problem(message: string, code: DiagnosticCode, at: Span, path?: Path): void {
    this.problems.push({ message, severity: 'error', code, start: at.start, end: at.end, ...(path ? { path } : {}) });
  }
}

function spanOf(node: Node): Span | undefined {
  if (!node) return undefined;
  if (isPair(node)) {
    const start = spanOf(node.key as Node)?.start;
    const end = spanOf(node.value as Node)?.end ?? spanOf(node.key as Node)?.end;
    return start === undefined || end === undefined ? undefined : { start, end };
  }
  const range = node.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

/** Sets a key as an own property, even `__proto__`. */
function define(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}
