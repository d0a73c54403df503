// Where the policy file is (default auto_backup.yaml next to configuration.yaml; the setting
// `haBackups.policyFile` changes it) and reading it with Home Assistant's secrets.yaml lookup.
// Only the workspace folders themselves are looked at, never a search of the workspace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PolicyFileState } from '../../core/deletion';
import type { BackupRequestInput } from '../../core/options';
import {
  hasErrors,
  parsePolicyFile,
  parseSecretsFile,
  POLICY_FILE_NAME,
  secretLookup,
  secretsFileCandidates,
  type ParsedPolicyFile,
  type Policy,
  type SecretLookup,
  type SecretsFile,
} from '../../core/policy';

/** The workspace folder that is a Home Assistant config folder (holds configuration.yaml). */
export function configFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file' && fs.existsSync(path.join(f.uri.fsPath, 'configuration.yaml')));
}

/** The path of `uri` relative to the config folder (POSIX), or undefined when it is not a file inside it. */
export function configRelative(uri: vscode.Uri): string | undefined {
  const root = configFolder()?.uri.fsPath;
  if (!root || uri.scheme !== 'file') return undefined;
  const rel = path.relative(root, uri.fsPath);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

export function policyFilePath(): string | undefined {
  const folder = configFolder();
  if (!folder) return undefined;
  const setting = vscode.workspace.getConfiguration('haBackups', folder.uri).get<string>('policyFile')?.trim() || POLICY_FILE_NAME;
  return path.resolve(folder.uri.fsPath, setting);
}

export function isPolicyFile(uri: vscode.Uri): boolean {
  const file = policyFilePath();
  return uri.scheme === 'file' && file !== undefined && path.resolve(uri.fsPath) === file;
}

/** Parses the text of the policy file, resolving `!secret` like Home Assistant (nearest secrets.yaml up to the config folder). */
export function parsePolicyText(text: string, filePath: string): ParsedPolicyFile {
  const root = configFolder()?.uri.fsPath ?? path.dirname(filePath);
  // secrets.yaml is read only when the policy file really uses !secret (parsing runs on every edit).
  let lookup: SecretLookup | undefined;
  const secrets: SecretLookup = (name) => {
    lookup ??= secretLookup(readSecretsFiles(filePath, root));
    return lookup(name);
  };
  return parsePolicyFile(text, { secrets });
}

function readSecretsFiles(filePath: string, root: string): SecretsFile[] {
  const files: SecretsFile[] = [];
  for (const candidate of secretsFileCandidates(filePath.split(path.sep).join('/'), root.split(path.sep).join('/'))) {
    try {
      files.push(parseSecretsFile(fs.readFileSync(candidate, 'utf8')));
    } catch {
      // No secrets.yaml there: the next folder up may have one.
    }
  }
  return files;
}

/**
 * The policy file as saved on disk. Scheduling and purging use only that (`savedOnly`); an editor's
 * unsaved draft is used otherwise (e.g. Run Policy from a code lens while editing).
 */
export function readPolicies(options: { savedOnly?: boolean } = {}): { file: string; parsed: ParsedPolicyFile } | undefined {
  const file = policyFilePath();
  if (!file) return undefined;
  // Closed documents can linger in textDocuments; only unsaved edits are newer than the disk.
  const dirty = options.savedOnly ? undefined : vscode.workspace.textDocuments.find((d) => d.isDirty && d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === file);
  const text = dirty?.getText() ?? (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
  return text === undefined ? undefined : { file, parsed: parsePolicyText(text, file) };
}

/** The backup request a policy run sends: its `backup` options, plus keep_days when that is its retention. */
export function requestOf(policy: Policy): BackupRequestInput {
  return policy.retention?.kind === 'keep_days' ? { ...policy.backup, keep_days: policy.retention.keepDays } : policy.backup;
}

export interface SavedPolicyFile {
  /** Where the file is (or would be); undefined without a Home Assistant config folder. */
  file: string | undefined;
  state: PolicyFileState;
  /** The policies that parsed, in file order (also when the file has errors elsewhere). */
  policies: Policy[];
}

/** The saved policy file as the deletion model and the scheduler see it. */
export function savedPolicyFile(): SavedPolicyFile {
  const loaded = readPolicies({ savedOnly: true });
  if (!loaded) return { file: policyFilePath(), state: { status: 'missing' }, policies: [] };
  const { file, parsed } = loaded;
  const error = parsed.diagnostics.find((d) => d.severity === 'error');
  const state: PolicyFileState =
    error && hasErrors(parsed.diagnostics)
      ? { status: 'invalid', policies: parsed.policies, problem: `${path.basename(file)} line ${error.range.start.line + 1}: ${error.message}` }
      : { status: 'valid', policies: parsed.policies };
  return { file, state, policies: parsed.policies };
}
