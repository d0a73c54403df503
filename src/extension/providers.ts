// What the extension provides to VS Code's editors besides its commands and its view: the read-only
// `ha-backup:` file system (files inside backups), and the policy file's diagnostics and code lenses.
import * as vscode from 'vscode';
import { BackupFileSystem } from './browse/backupFileSystem';
import { BACKUP_SCHEME } from './browse/backupUri';
import { PolicyCodeLens } from './policy/policyCodeLens';
import { PolicyDiagnostics } from './policy/policyDiagnostics';
import type { Services } from './services';

export function registerProviders(s: Services): vscode.Disposable {
  const policyDiagnostics = new PolicyDiagnostics();
  const policyLenses = new PolicyCodeLens(policyDiagnostics, s.store, s.warnings, s.adoption);
  return vscode.Disposable.from(
    vscode.workspace.registerFileSystemProvider(BACKUP_SCHEME, new BackupFileSystem(s.contents), { isReadonly: true, isCaseSensitive: true }),
    policyDiagnostics,
    policyLenses,
    // A pattern, not a language: the add-on maps *.yaml to its own language id.
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/*.{yaml,yml}' }, policyLenses),
  );
}
