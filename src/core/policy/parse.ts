// parsePolicyFile: the text of auto_backup.yaml → the policies that are valid, and a diagnostic with
// an exact range for everything that is not. Never throws: whatever the text, the answer is
// diagnostics (see load.ts for the limits on hostile input).
import { AUTOMATIC_KEYS, automaticSectionSchema, type AutomaticKey, type AutomaticSection } from '../homeAssistant/automaticSettings';
import type { z } from 'zod';
import type { BackupRequest } from '../options';
import { mixedShapesMessage, SELECTION_SHAPES, type SelectionShapeName } from '../options/shape';
import { PositionMapper, type DiagnosticCode, type PolicyDiagnostic, type Range, type Severity } from './diagnostics';
import { loadYaml, pathKey, type LoadLimits, type Loaded, type NodeInfo, type Path, type Problem, type SecretLookup } from './load';
import { toRetention, type Retention } from './retention';
import { nextRuns, parseSchedule, type Schedule } from './schedule';
import { ABSENCE_DAYS, automaticCap, type AutomaticCap } from './automaticCap';
import { allowedKeysAt, automaticPolicyKeyMessage, policyFileSchema, policySchema, type PolicyOutput } from './schema';
import { didYouMean } from '../format/suggest';

export interface Policy {
  name: string;
  enabled: boolean;
  /** null: Home Assistant makes this policy's backups (`with_automatic_settings`); the extension runs nothing. */
  schedule: Schedule | null;
  /** Manages Home Assistant's automatic backups of this instance (see schema.ts). */
  withAutomaticSettings: boolean;
  /** What to back up, defaults applied (`keep_days` is never set: retention decides). */
  backup: BackupRequest;
  /** null: keep every backup of this policy. */
  retention: Retention | null;
  verify: boolean;
  purge: 'auto' | 'manual';
  /** Who runs it: VS Code's scheduler, or Home Assistant through deployed Auto Backup automations. */
  runBy: 'vscode' | 'auto_backup';
  /** The secrets.yaml name when the password is written `!secret name` (a deployment writes the name, never the value). */
  passwordSecret?: string;
  /** Where the policy's name is in the file (for code lenses and "go to policy"). */
  nameRange: Range;
}

export interface ParsedPolicyFile {
  /** The policies without errors, in file order. A policy with an error is left out (its diagnostics say why). */
  policies: Policy[];
  /** Sorted by position; at most `maxDiagnostics` (+1 saying how many more there were). */
  diagnostics: PolicyDiagnostic[];
  /** The `automatic_backups:` section when it is there without errors (its diagnostics say what is wrong otherwise). */
  automaticBackups?: AutomaticBackupsSection;
  /** The valid policy with `with_automatic_settings: true`, and the cap it needs of Home Assistant's retention. */
  automaticPolicy?: AutomaticPolicy;
}

export interface AutomaticPolicy {
  name: string;
  enabled: boolean;
  cap: AutomaticCap;
  /** The `with_automatic_settings` key. */
  range: Range;
}

export interface AutomaticBackupsSection {
  section: AutomaticSection;
  /** The `automatic_backups` key. */
  range: Range;
  /** Each key of the section, where it is written. */
  keyRanges: Partial<Record<AutomaticKey, Range>>;
}

export interface ParsePolicyOptions {
  /** Resolves `!secret name`; without it every !secret is reported as undefined. */
  secrets?: SecretLookup;
  limits?: Partial<LoadLimits>;
  /** Default 100. */
  maxDiagnostics?: number;
}

/** Whether any diagnostic is an error. */
export function hasErrors(diagnostics: readonly PolicyDiagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}

export function parsePolicyFile(text: string, options: ParsePolicyOptions = {}): ParsedPolicyFile {
  const positions = new PositionMapper(text);
  try {
    return new FileParser(text, positions, options).run();
  } catch (error) {
    // Should not happen; if it does, say so at the top of the file instead of breaking the caller.
    const message = error instanceof Error ? error.message : String(error);
    return {
      policies: [],
      diagnostics: [{ message: `could not check this file: ${message}`, severity: 'error', code: 'yaml-syntax', range: positions.range(0, 0) }],
    };
  }
}

/** More policies than this are not checked (see `capped`). */
export const MAX_POLICIES = 500;

class FileParser {
  private readonly drafts: Problem[] = [];
  private loaded!: Loaded;

  constructor(
    private readonly text: string,
    private readonly positions: PositionMapper,
    private readonly options: ParsePolicyOptions,
  ) {}

  run(): ParsedPolicyFile {
    this.loaded = loadYaml(this.text, { ...(this.options.secrets ? { secrets: this.options.secrets } : {}), ...(this.options.limits ? { limits: this.options.limits } : {}) });
    for (const problem of this.loaded.problems)
      this.drafts.push(problem.code === 'yaml-syntax' || problem.code === 'yaml-warning' ? { ...problem, ...this.widen(problem) } : problem);
    const value = this.loaded.value;
    const policies: Policy[] = [];
    let automaticBackups: AutomaticBackupsSection | undefined;
    let automaticPolicy: AutomaticPolicy | undefined;
    // undefined: unreadable (already reported); null: empty, or only comments: no policies, nothing wrong.
    if (value !== undefined && value !== null) {
      const root = this.capped(value);
      const result = policyFileSchema.safeParse(root);
      if (!result.success) {
        // A mapping with an unknown key: its refinements (say "retention keeps nothing") may only be
        // the consequence of the typo, so the unknown key is all that is said about it.
        const withUnknownKeys = new Set(result.error.issues.filter((issue) => issue.code === 'unrecognized_keys').map((issue) => pathKey(zodPath(issue))));
        for (const issue of result.error.issues) {
          if (issue.code === 'custom' && withUnknownKeys.has(pathKey(zodPath(issue)))) continue;
          this.issue(issue, root);
        }
      }
      this.crossChecks(root);
      policies.push(...this.validPolicies(root));
      automaticBackups = this.automaticSection(root);
      automaticPolicy = this.automaticPolicyOf(root, policies, automaticBackups);
    }
    return { policies, diagnostics: this.finish(), ...(automaticBackups ? { automaticBackups } : {}), ...(automaticPolicy ? { automaticPolicy } : {}) };
  }

  /** The file with at most MAX_POLICIES policies (more is not a policy file; checking them would take long). */
  private capped(value: unknown): unknown {
    if (!isPlainObject(value) || !Array.isArray(value.policies) || value.policies.length <= MAX_POLICIES) return value;
    this.add(
      `more than ${MAX_POLICIES} policies: this file is not used (the policies from here on are not even checked)`,
      'error',
      'too-many-values',
      this.spanAt(['policies', MAX_POLICIES]),
      ['policies'],
    );
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: key === 'policies' ? value.policies.slice(0, MAX_POLICIES) : item, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }

  // --- zod issues -------------------------------------------------------------------------

  private issue(issue: z.core.$ZodIssue, root: unknown): void {
    const path = zodPath(issue);
    if (this.alreadyReported(path)) return;
    if (issue.code === 'custom' && this.isMixedShapeIssue(issue, path, root)) return; // crossChecks words it per key
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(path);
      for (const key of issue.keys) {
        const info = this.loaded.info([...path, key]);
        const span = info?.key ?? info ?? this.fallbackSpan(path);
        const where = path.length === 0 ? ' at the top of the file' : ` in ${describePath(path, root)}`;
        const message = allowed ? `unknown option '${key}'${where}${didYouMean(key, allowed)}; allowed: ${allowed.join(', ')}` : issue.message;
        this.add(message, 'error', 'unknown-key', span, [...path, key]);
      }
      return;
    }
    const actual = valueAt(root, path);
    if (issue.code === 'invalid_type' && actual === undefined && path.length > 0) {
      const parentPath = path.slice(0, -1);
      const key = String(path[path.length - 1]);
      const parent = this.loaded.info(parentPath);
      const span = parent?.key ?? (parent ? this.firstLine(parent) : this.fallbackSpan(parentPath));
      const owner = parentPath.length === 0 ? 'the file' : describePath(parentPath, root);
      this.add(`${owner} is missing '${key}'${missingHint(key)}`, 'error', 'missing-key', span, path);
      return;
    }
    const { info, exact } = this.deepestInfo(path);
    let span: { start: number; end: number } = info ? this.narrow(info) : this.fallbackSpan(path);
    const secret = this.secretAt(path);
    let message: string;
    if (secret !== undefined) {
      message = `the value of secret '${secret}' is not valid here: ${genericMessage(issue)}`;
    } else {
      message = formatMessage(issue, exact ? actual : undefined, exact);
      if (issue.code === 'custom' && info && exact && typeof actual === 'string') span = this.scheduleSpan(issue, info, actual) ?? span;
    }
    const code: DiagnosticCode =
      path[path.length - 1] === 'schedule'
        ? 'schedule'
        : path.includes('retention') && issue.code === 'custom'
          ? 'retention'
          : path[path.length - 1] === 'keep_days' && path[2] === 'backup'
            ? 'keep-days-in-backup'
            : 'schema';
    this.add(message, 'error', code, span, path);
  }

  private alreadyReported(path: Path): boolean {
    for (let i = 0; i <= path.length; i++) if (this.loaded.reported.has(pathKey(path.slice(0, i)))) return true;
    return false;
  }

  private secretAt(path: Path): string | undefined {
    for (let i = path.length; i >= 0; i--) {
      const secret = this.loaded.info(path.slice(0, i))?.secret;
      if (secret !== undefined) return secret;
    }
    return undefined;
  }

  private deepestInfo(path: Path): { info: NodeInfo | undefined; exact: boolean } {
    for (let i = path.length; i >= 0; i--) {
      const info = this.loaded.info(path.slice(0, i));
      if (info) return { info, exact: i === path.length };
    }
    return { info: undefined, exact: false };
  }

  /** Points into a schedule at the part that is wrong, when the scalar is written plainly or simply quoted. */
  private scheduleSpan(issue: z.core.$ZodIssue, info: NodeInfo, value: string): { start: number; end: number } | undefined {
    const params = (issue as { params?: { scheduleStart?: unknown; scheduleEnd?: unknown } }).params;
    const from = params?.scheduleStart;
    const to = params?.scheduleEnd;
    if (typeof from !== 'number' || typeof to !== 'number' || to <= from) return undefined;
    const source = this.text.slice(info.start, info.end);
    let offset: number | undefined;
    if (source === value) offset = info.start;
    else if (source.length === value.length + 2 && /^(["']).*\1$/s.test(source) && source.slice(1, -1) === value) offset = info.start + 1;
    return offset === undefined ? undefined : { start: offset + from, end: offset + to };
  }

  // --- checks that span nodes or policies --------------------------------------------------

  private crossChecks(root: unknown): void {
    const list = (root as { policies?: unknown }).policies;
    if (!Array.isArray(list)) return;
    const names = new Map<string, number>();
    list.forEach((item: unknown, index) => {
      if (!isPlainObject(item)) return;
      const base: Path = ['policies', index];
      if (typeof item.name === 'string' && item.name !== '') {
        const normalized = item.name.trim().toLowerCase();
        const first = names.get(normalized);
        if (first === undefined) names.set(normalized, index);
        else {
          const line = this.positions.position(this.loaded.info(['policies', first, 'name'])?.start ?? 0).line + 1;
          const span = this.spanAt([...base, 'name']);
          this.add(
            `another policy is already named '${String((list[first] as { name: string }).name)}' (line ${line}); names must be unique, ignoring case`,
            'error',
            'duplicate-name',
            span,
            [...base, 'name'],
          );
        }
      }
      if (isPlainObject(item.backup)) this.mixedShapes(item.backup, [...base, 'backup']);
      if (item.with_automatic_settings === true) this.automaticPolicy(item, base, list);
      this.warnings(item, base);
    });
  }

  /** A policy of Home Assistant's automatic backups: no keys of its own backups, and only one such policy. */
  private automaticPolicy(item: Record<string, unknown>, base: Path, list: unknown[]): void {
    for (const key of ['backup', 'verify', 'run_by'] as const) {
      if (item[key] !== undefined)
        this.add(automaticPolicyKeyMessage(key), 'error', 'automatic-policy', this.loaded.info([...base, key])?.key ?? this.spanAt([...base, key]), [...base, key]);
    }
    const first = list.findIndex((other) => isPlainObject(other) && other.with_automatic_settings === true);
    if (first !== base[1]) {
      const line = this.positions.position(this.loaded.info(['policies', first, 'with_automatic_settings'])?.start ?? 0).line + 1;
      const path = [...base, 'with_automatic_settings'];
      this.add(
        `another policy (line ${line}) already manages Home Assistant's automatic backups: only one policy can have with_automatic_settings: true`,
        'error',
        'automatic-policy',
        this.spanAt(path),
        path,
      );
    }
  }

  /** Mixed selection shapes: one error on each key of every shape but the first one written. */
  private mixedShapes(backup: Record<string, unknown>, path: Path): void {
    if (!mixedShapesMessage(backup)) return;
    const used: { shape: SelectionShapeName; keys: string[]; first: number }[] = [];
    for (const shape of Object.keys(SELECTION_SHAPES) as SelectionShapeName[]) {
      const keys = SELECTION_SHAPES[shape].filter((key) => backup[key] !== undefined);
      if (keys.length === 0) continue;
      const first = Math.min(...keys.map((key) => this.loaded.info([...path, key])?.key?.start ?? Infinity));
      used.push({ shape, keys, first });
    }
    used.sort((a, b) => a.first - b.first);
    const [kept, ...others] = used;
    if (!kept) return;
    for (const other of others) {
      for (const key of other.keys) {
        const info = this.loaded.info([...path, key]);
        this.add(
          `'${key}' cannot be used together with ${kept.keys.map((k) => `'${k}'`).join(' and ')}: select the content one way, either include/exclude objects, or include_addons/include_folders/exclude_addons/exclude_folders, or addons/folders`,
          'error',
          'mixed-selection',
          info?.key ?? this.spanAt([...path, key]),
          [...path, key],
        );
      }
    }
  }

  private isMixedShapeIssue(issue: z.core.$ZodIssue, path: Path, root: unknown): boolean {
    if (path[path.length - 1] !== 'backup') return false;
    const backup = valueAt(root, path);
    return isPlainObject(backup) && mixedShapesMessage(backup) === issue.message;
  }

  /** Not wrong, but worth telling. */
  private warnings(item: Record<string, unknown>, base: Path): void {
    if (typeof item.schedule !== 'string' || this.alreadyReported([...base, 'schedule']) || this.secretAt([...base, 'schedule']) !== undefined) return;
    const parsed = parseSchedule(item.schedule);
    if (!parsed.ok) return;
    for (const warning of parsed.schedule.warnings) this.add(warning, 'warning', 'schedule', this.spanAt([...base, 'schedule']), [...base, 'schedule']);
    const retention = item.retention;
    if (isPlainObject(retention) && typeof retention.keep_days === 'number' && retention.keep_days > 0) {
      const gap = longestGapDays(parsed.schedule);
      if (gap > retention.keep_days) {
        const path = [...base, 'retention', 'keep_days'];
        this.add(
          `keep_days (${retention.keep_days}) is shorter than the time between runs (up to ${formatDays(gap)}): some of the time no backup of this policy will exist`,
          'warning',
          'retention',
          this.spanAt(path),
          path,
        );
      }
    }
    if (item.purge !== undefined && item.retention === undefined) {
      const path = [...base, 'purge'];
      this.add('purge has no effect without retention: every backup of this policy is kept', 'warning', 'retention', this.spanAt(path), path);
    }
  }

  // --- results ------------------------------------------------------------------------------

  private automaticSection(root: unknown): AutomaticBackupsSection | undefined {
    const value = (root as { automatic_backups?: unknown }).automatic_backups;
    if (value === undefined || this.drafts.some((d) => d.severity === 'error' && (d.path === undefined || d.path[0] === 'automatic_backups'))) return undefined;
    const parsed = automaticSectionSchema.safeParse(value);
    if (!parsed.success) return undefined;
    const at = (span: { start: number; end: number }): Range => this.positions.range(span.start, span.end);
    const keyRanges: Partial<Record<AutomaticKey, Range>> = {};
    for (const key of AUTOMATIC_KEYS) if (key in parsed.data) keyRanges[key] = at(this.spanAt(['automatic_backups', key]));
    return { section: parsed.data, range: at(this.spanAt(['automatic_backups'])), keyRanges };
  }

  /** The policy of Home Assistant's automatic backups, and whether the section's own retention would break its cap. */
  private automaticPolicyOf(root: unknown, policies: readonly Policy[], section: AutomaticBackupsSection | undefined): AutomaticPolicy | undefined {
    const policy = policies.find((p) => p.withAutomaticSettings);
    if (!policy || policy.retention?.kind !== 'generational') return undefined;
    const list = (root as { policies: unknown[] }).policies;
    const index = list.findIndex((item) => isPlainObject(item) && item.name === policy.name);
    const keyPath: Path = ['policies', index, 'with_automatic_settings'];
    const keySpan = this.loaded.info(keyPath)?.key ?? this.spanAt(keyPath);
    const cap = automaticCap(policy.retention.rules);
    const retention = section?.section.retention;
    if (policy.enabled && cap.copies === null) {
      this.add(
        `this policy's rules keep an unlimited number of backups, so Home Assistant's retention cannot be capped safely: a long absence of VS Code can fill the disk`,
        'warning',
        'automatic-policy',
        keySpan,
        keyPath,
      );
    } else if (policy.enabled && retention && cap.copies !== null && cap.keeps !== null) {
      const path: Path = ['automatic_backups', 'retention'];
      const needs = `at least ${cap.copies} copies (the policy "${policy.name}" keeps up to ${cap.keeps}, and ${ABSENCE_DAYS} more cover ${ABSENCE_DAYS} days without VS Code); remove this retention and the extension sets ${cap.copies}`;
      if (retention.copies != null && retention.copies < cap.copies)
        this.add(`Home Assistant would delete automatic backups the policy "${policy.name}" keeps: ${needs}`, 'error', 'automatic-policy', this.spanAt(path), path);
      else if (retention.days != null)
        this.add(
          `days lets Home Assistant delete automatic backups the policy "${policy.name}" keeps (its older generations): use copies, ${needs}`,
          'warning',
          'automatic-policy',
          this.spanAt(path),
          path,
        );
      else if (retention.copies == null)
        this.add(`no cap: while VS Code is closed, automatic backups pile up without limit; ${needs}`, 'warning', 'automatic-policy', this.spanAt(path), path);
    }
    return { name: policy.name, enabled: policy.enabled, cap, range: this.positions.range(keySpan.start, keySpan.end) };
  }

  private validPolicies(root: unknown): Policy[] {
    const list = (root as { policies?: unknown }).policies;
    if (!Array.isArray(list)) return [];
    const broken = new Set<number>();
    for (const draft of this.drafts) {
      if (draft.severity === 'error' && draft.path?.[0] === 'policies' && typeof draft.path[1] === 'number') broken.add(draft.path[1]);
    }
    // A file-level problem that is not inside one policy (say, a syntax error) leaves no policy.
    if (this.drafts.some((draft) => draft.severity === 'error' && (draft.path === undefined || draft.path.length < 2) && draft.code !== 'unknown-key')) return [];
    const policies: Policy[] = [];
    list.forEach((item: unknown, index) => {
      if (broken.has(index)) return;
      const parsed = policySchema.safeParse(item);
      if (!parsed.success) return;
      const policy = this.toPolicy(parsed.data, ['policies', index]);
      if (policy) policies.push(policy);
    });
    return policies;
  }

  private toPolicy(data: PolicyOutput, base: Path): Policy | undefined {
    const schedule = data.schedule === undefined ? null : parseSchedule(data.schedule);
    if (schedule ? !schedule.ok : !data.with_automatic_settings) return undefined;
    const nameSpan = this.spanAt([...base, 'name']);
    const passwordSecret = this.loaded.info([...base, 'backup', 'password'])?.secret;
    return {
      name: data.name,
      enabled: data.enabled,
      schedule: schedule?.ok ? schedule.schedule : null,
      withAutomaticSettings: data.with_automatic_settings,
      backup: data.backup,
      retention: data.retention ? toRetention(data.retention) : null,
      verify: data.verify,
      purge: data.purge,
      runBy: data.run_by,
      ...(passwordSecret !== undefined ? { passwordSecret } : {}),
      nameRange: this.positions.range(nameSpan.start, nameSpan.end),
    };
  }

  private finish(): PolicyDiagnostic[] {
    const limit = this.options.maxDiagnostics ?? 100;
    const seen = new Set<string>();
    const unique = this.drafts.filter((draft) => {
      const key = `${draft.start}:${draft.end}:${draft.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    unique.sort((a, b) => a.start - b.start || a.end - b.end);
    const secrets = [...this.loaded.secretValues].filter((secret) => secret.length >= 4);
    const shown = unique.slice(0, limit).map((draft) => this.diagnostic(draft, secrets));
    if (unique.length > limit) {
      shown.push({ message: `${unique.length - limit} more problems are not shown`, severity: 'information', code: 'too-many-problems', range: this.positions.range(0, 0) });
    }
    return shown;
  }

  private diagnostic(draft: Problem, secrets: readonly string[]): PolicyDiagnostic {
    let message = draft.message;
    for (const secret of secrets) message = message.split(secret).join('***');
    const diagnostic: PolicyDiagnostic = { message, severity: draft.severity, code: draft.code, range: this.positions.range(draft.start, draft.end) };
    if (draft.path) diagnostic.path = formatPath(draft.path);
    return diagnostic;
  }

  // --- spans --------------------------------------------------------------------------------

  private add(message: string, severity: Severity, code: DiagnosticCode, span: { start: number; end: number }, path?: Path): void {
    this.drafts.push({ message, severity, code, start: span.start, end: span.end, ...(path ? { path } : {}) });
  }

  /** The span to mark for the value at `path`, or the closest thing that exists. */
  private spanAt(path: Path): { start: number; end: number } {
    const { info } = this.deepestInfo(path);
    return info ? this.narrow(info) : { start: 0, end: 0 };
  }

  /** A collection on one line: itself; over several lines: its key, or else its first line. An empty value: its key. */
  private narrow(info: NodeInfo): { start: number; end: number } {
    if (info.collection && this.text.slice(info.start, info.end).includes('\n')) return info.key ?? this.firstLine(info);
    if (info.end <= info.start && info.key) return info.key;
    return info;
  }

  /**
   * `yaml` marks some errors with one character (a duplicate key's first letter) or none (a missing
   * quote at the end of the text): mark the whole word, or the end of the last line with text.
   */
  private widen(problem: { start: number; end: number }): { start: number; end: number } {
    const span = { start: Math.min(problem.start, this.text.length), end: Math.min(problem.end, this.text.length) };
    if (span.end - span.start > 1) return span;
    const word = /[^\s:,[\]{}#]+/y;
    word.lastIndex = span.start;
    const match = word.exec(this.text);
    if (match) return { start: span.start, end: span.start + match[0].length };
    if (span.end > span.start) return span;
    let end = Math.min(span.start, this.text.length);
    while (end > 0 && /\s/.test(this.text[end - 1] as string)) end--;
    if (end === 0) return span;
    return { start: end - 1, end };
  }

  private firstLine(info: NodeInfo): { start: number; end: number } {
    const end = Math.min(info.end, this.positions.lineEnd(this.text, info.start));
    const line = this.text.slice(info.start, end);
    return { start: info.start, end: info.start + line.trimEnd().length };
  }

  private fallbackSpan(path: Path): { start: number; end: number } {
    return this.spanAt(path);
  }
}

// --- messages -------------------------------------------------------------------------------

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  null: 'nothing (null)',
};

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return value.length <= 40 ? `'${value}'` : 'text';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

/** The issue in words, from zod's own message where it is ours (custom), rewritten where it is zod's default. */
function formatMessage(issue: z.core.$ZodIssue, actual: unknown, exact: boolean): string {
  const zodDefault = /^(Invalid input|Invalid option|Too big|Too small|Invalid string|Invalid element|Invalid key)/.test(issue.message);
  const got = exact ? `, got ${describeValue(actual)}` : '';
  switch (issue.code) {
    case 'invalid_type':
      if (zodDefault) return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}${got}`;
      return /\bgot\b/.test(issue.message) ? issue.message : `${issue.message}${got}`;
    case 'invalid_union':
      return zodDefault ? `has the wrong type${got}` : `${issue.message}${got}`;
    case 'invalid_value': {
      if (!zodDefault) return `${issue.message}${got}${typeof actual === 'string' ? didYouMean(actual, issue.values.map(String)) : ''}`;
      const values = issue.values.map(String);
      const hint = typeof actual === 'string' ? didYouMean(actual, values) : '';
      return `expected one of: ${values.join(', ')}${got}${hint}`;
    }
    case 'too_big':
    case 'too_small': {
      if (!zodDefault) return issue.message;
      const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
      const word = issue.code === 'too_big' ? 'at most' : 'at least';
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
      return `must be ${word} ${String(bound)}${unit}`;
    }
    default:
      return issue.message;
  }
}

/** For values from secrets: never anything built from the value. */
function genericMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `expected one of: ${issue.values.map(String).join(', ')}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    default:
      return 'it does not have the right form';
  }
}

function missingHint(key: string): string {
  switch (key) {
    case 'name':
      return ", e.g. 'name: nightly'";
    case 'schedule':
      return ", e.g. 'schedule: daily 02:30'";
    case 'policies':
      return ': start the file with "policies:" and a list of policies';
    default:
      return '';
  }
}

/** "policy 'nightly'" / "policy 2" / "retention of policy 'nightly'". */
function describePath(path: Path, root?: unknown): string {
  if (path[0] !== 'policies') return formatPath(path);
  if (path.length === 1) return 'policies';
  const index = path[1] as number;
  const name = root === undefined ? undefined : valueAt(root, ['policies', index, 'name']);
  const policy = typeof name === 'string' && name !== '' ? `policy '${name}'` : `policy ${index + 1}`;
  const rest = path.slice(2);
  return rest.length === 0 ? policy : `${rest.map(String).join('.')} of ${policy}`;
}

function formatPath(path: Path): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

/** zod paths may hold symbols; ours never do. */
function zodPath(issue: z.core.$ZodIssue): (string | number)[] {
  return issue.path.filter((part): part is string | number => typeof part !== 'symbol');
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The longest time between two runs over the next year-ish (UTC is good enough for a warning). */
function longestGapDays(schedule: Schedule): number {
  const runs = nextRuns(schedule, new Date(Date.UTC(2024, 0, 1)), 'UTC', 32);
  let longest = 0;
  for (let i = 1; i < runs.length; i++) longest = Math.max(longest, (runs[i] as Date).getTime() - (runs[i - 1] as Date).getTime());
  return longest / 86_400_000;
}

function formatDays(days: number): string {
  if (days < 1) return `${Math.round(days * 24)} hours`;
  const rounded = Math.round(days * 10) / 10;
  return `${rounded} day${rounded === 1 ? '' : 's'}`;
}
