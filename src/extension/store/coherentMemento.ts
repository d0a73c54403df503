// VS Code's global state, without its stale echoes. The extension host keeps one object for all of
// an extension's keys; every write is flushed to the workbench, which sends the whole object back
// ($acceptValue, for other windows' sake, also for the window's own writes) and the extension host
// replaces its copy with it (ExtensionMemento's onDidChangeStorage listener, extHostMemento.ts). An
// echo that arrives after a newer write reverts that write until the next echo, or for good when the
// stale copy is flushed again. Under load this dropped a ledger entry written right after another
// state write, so the automatic purge after a policy's backup saw one backup too few.
//
// Here every read checks whether global state holds one of this window's own earlier writes of the
// key: then it is an echo, and the window's latest write is the value. Anything else (another
// window's write) is taken as it is.
import type * as vscode from 'vscode';

/** Own writes remembered per key: more than can be in flight at once. */
const REMEMBERED = 32;

interface OwnWrites {
  latest: unknown;
  /** JSON of the earlier writes, oldest first. */
  earlier: string[];
}

export class CoherentMemento implements vscode.Memento {
  private readonly own = new Map<string, OwnWrites>();

  constructor(private readonly inner: vscode.Memento) {}

  keys(): readonly string[] {
    return this.inner.keys();
  }

  get<T>(key: string): T | undefined;
  get<T>(key: string, defaultValue: T): T;
  get<T>(key: string, defaultValue?: T): T | undefined {
    const stored = this.inner.get<T>(key);
    const own = this.own.get(key);
    if (own && own.earlier.includes(json(stored))) return (own.latest as T | undefined) ?? defaultValue;
    return stored ?? defaultValue;
  }

  update(key: string, value: unknown): Thenable<void> {
    const own = this.own.get(key);
    const latest = json(value);
    const earlier = own ? [...own.earlier, json(own.latest)] : [json(this.inner.get(key))];
    // The value now written is not an echo of itself.
    this.own.set(key, { latest: value, earlier: earlier.filter((e) => e !== latest).slice(-REMEMBERED) });
    return this.inner.update(key, value);
  }
}

function json(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}
