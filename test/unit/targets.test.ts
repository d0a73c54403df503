// Which backups a tree command acts on: only backup rows count. Part, file, message and group rows
// carry a backup too, and must never turn a Delete of backup A into a Delete of A and B.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backup } from '../../src/core/supervisor';
import { selectedBackups } from '../../src/extension/targets/selectedBackups';

const backup = (slug: string) => ({ slug }) as Backup;

void describe('selectedBackups', () => {
  void it('takes the selection when there is one, else the clicked row', () => {
    assert.deepEqual(
      selectedBackups({ backup: backup('a'), kind: 'backup' }).map((b) => b.slug),
      ['a'],
    );
    assert.deepEqual(
      selectedBackups({ backup: backup('a'), kind: 'backup' }, [
        { backup: backup('b'), kind: 'backup' },
        { backup: backup('c'), kind: 'backup' },
      ]).map((b) => b.slug),
      ['b', 'c'],
    );
    assert.deepEqual(selectedBackups(undefined, []), []);
  });

  void it('leaves out rows inside a backup and group rows, and counts each backup once', () => {
    const selected = [
      { backup: backup('a'), kind: 'backup' },
      { backup: backup('b'), kind: 'entry' },
      { backup: backup('c'), kind: 'part' },
      { backup: backup('d'), kind: 'message' },
      { kind: 'group' },
      { backup: backup('a') },
    ];
    assert.deepEqual(
      selectedBackups(selected[0], selected).map((b) => b.slug),
      ['a'],
    );
    assert.deepEqual(selectedBackups({ backup: backup('b'), kind: 'entry' }), []);
  });
});
