// The ledger (src/core/deletion/ledger.ts): entries bound to a backup's identity and dropped when a list
// shows the backup gone — the fix for case 1a (an old expiry applied to a re-uploaded backup).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSameBackup, reconcileLedger } from '../../src/core/deletion';
import { listed, made, NOW } from './deletion/world';

const LIST_TIME = NOW.getTime();

describe('the ledger', () => {
  it('binds an entry to the backup with the same slug, date and size', () => {
    const b = listed('aaaa1111', 1, { size: 4096 });
    const entry = made(b, { keepDays: 3 });
    assert.equal(isSameBackup(entry, b), true);
    assert.equal(isSameBackup(entry, listed('aaaa1111', 2, { size: 4096 })), false, 'another date');
    assert.equal(isSameBackup(entry, listed('aaaa1111', 1, { size: 4097 })), false, 'another size');
    assert.equal(isSameBackup(entry, { ...b, size_bytes: 5000, size_exact: false }), true, 'an estimated size says nothing');
  });

  it('drops an entry when the list shows its backup gone, and keeps the rest bound', () => {
    const kept = listed('k', 1);
    const gone = listed('g', 2);
    const r = reconcileLedger([made(kept), made(gone)], [kept], { listedAt: LIST_TIME });
    assert.deepEqual([...r.bound.keys()], ['k']);
    assert.deepEqual(
      r.dropped.map((d) => [d.entry.slug, d.why]),
      [['g', 'gone']],
    );
  });

  it('drops an entry when another backup now has its slug (an upload of a different archive)', () => {
    const original = listed('s', 3);
    const other = listed('s', 1);
    const r = reconcileLedger([made(original)], [other], { listedAt: LIST_TIME });
    assert.equal(r.bound.size, 0);
    assert.deepEqual(
      r.dropped.map((d) => d.why),
      ['replaced'],
    );
  });

  it('keeps an entry whose copies are on a backup mount that is down (the Supervisor does not list them then)', () => {
    const onNas = listed('n', 2, { locations: ['nas'] });
    const r = reconcileLedger([made(onNas)], [], { listedAt: LIST_TIME, downMounts: new Set(['nas']) });
    assert.deepEqual(r.dropped, []);
    assert.equal(r.kept.length, 1);
    // When the mounts cannot be read, absence means gone: forgetting only ever makes the extension ask more.
    assert.deepEqual(
      reconcileLedger([made(onNas)], [], { listedAt: LIST_TIME }).dropped.map((d) => d.why),
      ['gone'],
    );
  });

  it('does not judge an entry by a list asked for before it was written', () => {
    const b = listed('new', 0);
    const r = reconcileLedger([made(b, { recordedAt: LIST_TIME + 5 })], [], { listedAt: LIST_TIME });
    assert.deepEqual(r.dropped, []);
  });
});
