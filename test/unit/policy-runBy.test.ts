// run_by: auto_backup policies run in Home Assistant; VS Code's scheduler neither runs nor remembers
// them (src/extension/policy/scheduler.ts filters with runsInVsCode before updateSeen and its loop).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicyFile, runsInVsCode, updateSeen } from '../../src/core/policy';
import { withPolicyRunBy } from '../../src/core/policy/writeRunBy';

const FILE = `policies:
  - name: here
    schedule: daily 02:30
  - name: in-ha
    schedule: daily 03:30
    run_by: auto_backup
  - name: paused
    enabled: false
    schedule: daily 04:30
`;

describe('runsInVsCode', () => {
  it('is true only for an enabled policy with run_by vscode (the default)', () => {
    const { policies } = parsePolicyFile(FILE);
    assert.deepEqual(
      policies.map((p) => [p.name, runsInVsCode(p)]),
      [
        ['here', true],
        ['in-ha', false],
        ['paused', false],
      ],
    );
  });

  it('leaves a policy deployed to Home Assistant out of what the scheduler remembers, so it is never due nor overdue here', () => {
    const { policies } = parsePolicyFile(FILE);
    const now = new Date('2026-12-06T08:00:00Z');
    const before = { 'in-ha': { firstSeen: '2026-12-01T00:00:00.000Z', cron: '30 3 * * *' } };
    const { seen } = updateSeen(
      before,
      policies.filter((p) => runsInVsCode(p) && p.schedule !== null).map((p) => ({ ...p, schedule: p.schedule! })),
      false,
      now,
    );
    assert.deepEqual(Object.keys(seen), ['here']);
  });
});

describe('withPolicyRunBy', () => {
  it('adds run_by after the name, or replaces it, leaving every other character', () => {
    const text =
      '# mine\npolicies:\n  - name: nightly   # the one\n    schedule: daily 02:30\n    backup:\n      password: !secret pw\n  - name: other\n    schedule: daily 03:00\n';
    const secrets = (t: string) => parsePolicyFile(t, { secrets: () => 'x' });
    const added = withPolicyRunBy(text, 'nightly', 'auto_backup', secrets);
    assert.equal(added, text.replace('# the one\n', '# the one\n    run_by: auto_backup\n'));
    assert.equal(withPolicyRunBy(added, 'nightly', 'vscode', secrets), added.replace('run_by: auto_backup', 'run_by: vscode'));
    assert.throws(() => withPolicyRunBy(text, 'missing', 'auto_backup', secrets), /not a block/);
  });
});
