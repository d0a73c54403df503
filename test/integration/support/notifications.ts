// Records the messages the extension shows (error, warning and information notifications), so a
// test can check that a failure gives exactly one clear message. The tests are bundled inside the
// extension's folder, so the extension host hands them the same `vscode` API object as the extension:
// wrapping its `window.show…Message` functions sees every call the extension makes. Calls still go
// through to VS Code (the toasts appear in screenshots). Optionally, modal confirmations ("Delete",
// "Upload", "Restore") are answered with their action, the way a person who confirms would.
import * as vscode from 'vscode';

export type Severity = 'error' | 'warning' | 'info';

export interface ShownMessage {
  severity: Severity;
  text: string;
  modal: boolean;
  /** A modal's detail text (what it names and why). */
  detail?: string;
}

type Show = (message: string, ...rest: unknown[]) => Thenable<unknown>;

const NAMES = { error: 'showErrorMessage', warning: 'showWarningMessage', info: 'showInformationMessage' } as const;

export class NotificationRecorder implements vscode.Disposable {
  /** Non-modal notifications since the last `clear()`. */
  readonly shown: ShownMessage[] = [];
  /** Modal confirmations since the last `clear()` (answered by `confirmModals`). */
  readonly confirmations: ShownMessage[] = [];
  /** Answer modal questions with their first action instead of showing them. */
  confirmModals = false;
  private readonly originals = new Map<Severity, Show>();

  constructor() {
    const window = vscode.window as unknown as Record<string, Show>;
    for (const severity of Object.keys(NAMES) as Severity[]) {
      const name = NAMES[severity];
      const original = window[name]!;
      this.originals.set(severity, original);
      window[name] = (message: string, ...rest: unknown[]) => {
        const options = typeof rest[0] === 'object' && rest[0] !== null && !Array.isArray(rest[0]) && 'modal' in rest[0] ? (rest[0] as vscode.MessageOptions) : undefined;
        const modal = options?.modal === true;
        const entry: ShownMessage = { severity, text: message, modal, ...(options?.detail !== undefined ? { detail: options.detail } : {}) };
        if (modal) this.confirmations.push(entry);
        else this.shown.push(entry);
        const items = rest.slice(options ? 1 : 0);
        if (modal && this.confirmModals && items.length > 0) return Promise.resolve(items[0]);
        return original.call(vscode.window, message, ...rest);
      };
    }
  }

  clear(): void {
    this.shown.length = 0;
    this.confirmations.length = 0;
  }

  of(severity: Severity): string[] {
    return this.shown.filter((m) => m.severity === severity).map((m) => m.text);
  }

  dispose(): void {
    const window = vscode.window as unknown as Record<string, Show>;
    for (const [severity, original] of this.originals) window[NAMES[severity]] = original;
    this.originals.clear();
  }
}
