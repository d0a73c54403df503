// !secret like Home Assistant: secrets.yaml next to the file, then parent folders up to the
// configuration folder; the first definition wins; `logger` is not a secret.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicyFile, parseSecretsFile, secretLookup, secretsFileCandidates } from '../../src/core/policy';

describe('parseSecretsFile', () => {
  it('reads names and scalar values, skipping logger', () => {
    const file = parseSecretsFile('backup_password: "s3cret!"\nport: 8123\nflag: on\nempty:\nlogger: debug\nalias: &a x\nsame: *a\nlist: [1, 2]\n');
    assert.deepEqual(file.errors, []);
    assert.deepEqual(
      [...file.secrets],
      [
        ['backup_password', 's3cret!'],
        ['port', 8123],
        ['flag', 'on'],
        ['empty', null],
        ['alias', 'x'],
        ['same', 'x'],
      ],
    );
  });

  it('reports an unreadable file without showing its values', () => {
    const file = parseSecretsFile('backup_password: "s3cret\nother: 1\n');
    assert.equal(file.secrets.size, 0);
    assert.ok(file.errors.length > 0);
    for (const error of file.errors) assert.ok(!error.includes('s3cret'), error);
    assert.deepEqual(parseSecretsFile('- a\n- b\n').errors, ['secrets.yaml is not a mapping of names to values']);
    assert.deepEqual(parseSecretsFile('').errors, []);
    assert.deepEqual(parseSecretsFile('x'.repeat(2 * 1024 * 1024)).errors, ['secrets.yaml is too large to read']);
  });
});

describe('secretsFileCandidates', () => {
  it('walks from the file up to the configuration folder', () => {
    assert.deepEqual(secretsFileCandidates('/config/auto_backup.yaml', '/config'), ['/config/secrets.yaml']);
    assert.deepEqual(secretsFileCandidates('/config/packages/backup/auto_backup.yaml', '/config/'), [
      '/config/packages/backup/secrets.yaml',
      '/config/packages/secrets.yaml',
      '/config/secrets.yaml',
    ]);
    assert.deepEqual(secretsFileCandidates('/homeassistant/auto_backup.yaml', '/homeassistant'), ['/homeassistant/secrets.yaml']);
  });

  it('does not leave the configuration folder, nor mistake a sibling for it', () => {
    assert.deepEqual(secretsFileCandidates('/elsewhere/auto_backup.yaml', '/config'), ['/elsewhere/secrets.yaml']);
    assert.deepEqual(secretsFileCandidates('/config2/auto_backup.yaml', '/config'), ['/config2/secrets.yaml']);
    assert.deepEqual(secretsFileCandidates('/auto_backup.yaml', '/'), ['/secrets.yaml']);
  });
});

describe('secretLookup', () => {
  it('takes the nearest definition', () => {
    const near = parseSecretsFile('backup_password: near\n');
    const far = parseSecretsFile('backup_password: far\nnas: my_nas\n');
    const lookup = secretLookup([near, far]);
    assert.equal(lookup('backup_password'), 'near');
    assert.equal(lookup('nas'), 'my_nas');
    assert.equal(lookup('missing'), undefined);
  });

  it('resolves !secret in a policy file', () => {
    const lookup = secretLookup([parseSecretsFile('pw: hunter2\nnas: my_nas\n')]);
    const text = 'policies:\n  - name: a\n    schedule: daily 01:00\n    backup:\n      password: !secret pw\n      location: !secret nas\n';
    const { policies, diagnostics } = parsePolicyFile(text, { secrets: lookup });
    assert.deepEqual(diagnostics, []);
    assert.equal(policies[0]?.backup.password, 'hunter2');
    assert.equal(policies[0]?.backup.location, 'my_nas');
  });
});
