// The starter file: the seed's "Automatic Backups" blueprint as policies, parsing with no diagnostics.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicyFile, STARTER_POLICY_FILE } from '../../src/core/policy';

describe('STARTER_POLICY_FILE', () => {
  it('parses with zero diagnostics, with or without secrets', () => {
    assert.deepEqual(parsePolicyFile(STARTER_POLICY_FILE).diagnostics, []);
    assert.deepEqual(parsePolicyFile(STARTER_POLICY_FILE, { secrets: () => undefined }).diagnostics, []);
  });

  it('is the blueprint: nightly full backup, daily 7 / weekly 4 / monthly 12 / yearly forever; a disabled 3-hourly config tier', () => {
    const { policies } = parsePolicyFile(STARTER_POLICY_FILE);
    assert.equal(policies.length, 2);
    const [nightly, hourly] = policies;
    assert.equal(nightly?.name, 'nightly');
    assert.equal(nightly?.enabled, true);
    assert.equal(nightly?.schedule?.cron, '30 2 * * *');
    assert.deepEqual(nightly?.retention, { kind: 'generational', rules: { daily: 7, weekly: 4, monthly: 12, yearly: -1 } });
    assert.deepEqual(nightly?.backup, { name: 'Backup: %A, %B %-d, %Y', encrypted: false, compressed: true });
    assert.equal(nightly?.purge, 'auto');

    assert.equal(hourly?.enabled, false);
    assert.equal(hourly?.schedule?.cron, '0 */3 * * *');
    assert.deepEqual(hourly?.retention, { kind: 'keep_days', keepDays: 2 });
    assert.deepEqual(hourly?.backup.include_folders, ['config']);
  });

  it('its commented examples work when uncommented', () => {
    const text = STARTER_POLICY_FILE.replace('# password: !secret', 'password: !secret').replace('# location: my_nas', 'location: my_nas');
    assert.notEqual(text, STARTER_POLICY_FILE);
    const { policies, diagnostics } = parsePolicyFile(text, { secrets: (name) => (name === 'backup_password' ? 'pw' : undefined) });
    assert.deepEqual(diagnostics, []);
    assert.equal(policies[0]?.backup.password, 'pw');
    assert.equal(policies[0]?.backup.location, 'my_nas');
  });

  it("names the tag that marks a policy's backups", () => {
    assert.match(STARTER_POLICY_FILE, /extra\.vscode_ha_backups\.policy/);
  });
});
