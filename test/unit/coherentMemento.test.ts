// CoherentMemento against a model of VS Code's extension global state: one object for every key,
// flushed whole after each write, and the flushed object echoed back later, replacing the copy
// (extHostMemento.ts ExtensionMemento; mainThreadStorage.ts $acceptValue).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoherentMemento } from '../../src/extension/store/coherentMemento';

class EchoingState {
  value: Record<string, unknown> = {};
  /** Flushed objects whose echo has not arrived yet. */
  readonly inFlight: Record<string, unknown>[] = [];
  keys(): readonly string[] {
    return Object.keys(this.value);
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return (this.value[key] as T | undefined) ?? defaultValue;
  }
  update(key: string, value: unknown): Promise<void> {
    this.value = { ...this.value, [key]: value };
    this.inFlight.push(JSON.parse(JSON.stringify(this.value)) as Record<string, unknown>);
    return Promise.resolve();
  }
  /** The workbench's echo of the oldest flush arrives. */
  echo(): void {
    const next = this.inFlight.shift();
    if (next) this.value = next;
  }
  /** Another window writes. */
  external(key: string, value: unknown): void {
    this.value = { ...this.value, [key]: value };
  }
}

describe('CoherentMemento', () => {
  it('a late echo of an earlier write of another key does not revert a newer write (the raw state does)', async () => {
    const raw = new EchoingState();
    await raw.update('running', ['job']);
    await raw.update('ledger', ['entry 3']);
    raw.echo(); // the flush of 'running', from before the ledger entry
    assert.equal(raw.get('ledger'), undefined); // what the extension saw without the wrapper

    const state = new EchoingState();
    const m = new CoherentMemento(state);
    await m.update('running', ['job']);
    await m.update('ledger', ['entry 3']);
    state.echo();
    assert.deepEqual(m.get('ledger'), ['entry 3']);
    assert.deepEqual(m.get('running'), ['job']);
    state.echo();
    assert.deepEqual(m.get('ledger'), ['entry 3']);
  });

  it('a late echo of an earlier write of the same key does not revert it', async () => {
    const state = new EchoingState();
    const m = new CoherentMemento(state);
    await m.update('ledger', ['a']);
    await m.update('ledger', ['a', 'b']);
    await m.update('ledger', ['b']);
    state.echo();
    assert.deepEqual(m.get('ledger'), ['b']);
    state.echo();
    assert.deepEqual(m.get('ledger'), ['b']);
  });

  it("another window's write is taken as it is", async () => {
    const state = new EchoingState();
    const m = new CoherentMemento(state);
    await m.update('pins', ['x']);
    state.external('pins', ['x', 'y']);
    assert.deepEqual(m.get('pins'), ['x', 'y']);
    assert.equal(m.get('unknown', 'default'), 'default');
  });

  it('a key removed (undefined) stays removed when an echo still has it', async () => {
    const state = new EchoingState();
    const m = new CoherentMemento(state);
    await m.update('connection', { url: 'http://a' });
    await m.update('connection', undefined);
    state.echo();
    assert.equal(m.get('connection'), undefined);
    assert.equal(m.get('connection', 'none'), 'none');
  });
});
