// The policy file's problems as diagnostics at exact positions, published by the extension itself
// (the Studio Code Server add-on maps *.yaml to its own language, so the YAML extension cannot be
// relied on). Checked on open, on change (debounced) and on save; also in untrusted workspaces.
import * as vscode from 'vscode';
import type { PolicyDiagnostic } from '../../core/policy';
import { isPolicyFile, parsePolicyText } from './policyFile';

const SEVERITY: Record<PolicyDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export class PolicyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('haBackups');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a policy file was checked (code lenses follow it). */
  readonly onDidCheck = this.changed.event;

  constructor() {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidSaveTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.later(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (isPolicyFile(d.uri)) this.collection.delete(d.uri);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('haBackups.policyFile')) this.checkOpen();
      }),
    );
    this.checkOpen();
  }

  checkOpen(): void {
    this.collection.clear();
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  check(document: vscode.TextDocument): void {
    if (!isPolicyFile(document.uri)) return;
    const { diagnostics } = parsePolicyText(document.getText(), document.uri.fsPath);
    this.collection.set(document.uri, diagnostics.map(toDiagnostic));
    this.changed.fire(document.uri);
  }

  private later(document: vscode.TextDocument): void {
    if (!isPolicyFile(document.uri)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => this.check(document), 300),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

function toDiagnostic(d: PolicyDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
  const diagnostic = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
  diagnostic.source = 'Home Assistant Backups';
  diagnostic.code = d.code;
  return diagnostic;
}
