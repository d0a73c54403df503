// The backup request schema: Auto Backup's service shapes (jcwillox/hass-auto-backup __init__.py
// SCHEMA_BACKUP* @faaddd1c), strictness with useful messages, and the JSON Schema it turns into.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { backupRequestSchema, parseBackupRequest, selectionShape } from '../../src/core/options';

function errorsOf(input: unknown): string[] {
  const result = parseBackupRequest(input);
  assert.equal(result.success, false, `expected ${JSON.stringify(input)} to be invalid`);
  return result.success ? [] : result.errors;
}

function parsed(input: unknown) {
  const result = parseBackupRequest(input);
  assert.ok(result.success, `expected ${JSON.stringify(input)} to be valid: ${result.success ? '' : result.errors.join('; ')}`);
  return result.request;
}

describe('backupRequestSchema', () => {
  it('accepts every option of the seed', () => {
    const request = parsed({
      name: 'Nightly %Y-%m-%d',
      password: 'secret',
      encrypted: true,
      keep_days: 0.5,
      download_path: ['/share/backups', '/media/usb'],
      exclude_database: true,
      compressed: false,
      location: 'nas',
      filename: 'nightly_%Y-%m-%d.tar',
      include: { addons: 'core_*', folders: ['config', 'share'] },
      exclude: { addons: ['MariaDB'] },
    });
    assert.equal(request.keep_days, 0.5);
  });

  it('applies the defaults: compressed true, encrypted false', () => {
    assert.deepEqual(parsed({}), { compressed: true, encrypted: false });
  });

  it('accepts null names, passwords and keep_days, negative and fractional keep_days', () => {
    parsed({ name: null, password: null, keep_days: null });
    assert.equal(parsed({ keep_days: -1 }).keep_days, -1);
    assert.equal(parsed({ keep_days: 30.4167 }).keep_days, 30.4167);
  });

  it('rejects absurd keep_days (the seed overflows on 1e10)', () => {
    assert.match(errorsOf({ keep_days: 1e10 }).join(), /^keep_days: /);
    assert.match(errorsOf({ keep_days: '2' }).join(), /^keep_days: .*expected number/);
  });

  describe('shapes (Auto Backup SCHEMA_BACKUP)', () => {
    it('tells which shape is used', () => {
      assert.equal(selectionShape(parsed({})), 'none');
      assert.equal(selectionShape(parsed({ exclude: { addons: 'x' } })), 'nested');
      assert.equal(selectionShape(parsed({ include_addons: ['x'] })), 'flat');
      assert.equal(selectionShape(parsed({ addons: ['x'], folders: 'share' })), 'partial');
      assert.equal(selectionShape({ include: {}, folders: [] }), 'mixed');
    });

    it('rejects mixed shapes, naming the clashing keys', () => {
      const [message] = errorsOf({ include: { addons: ['x'] }, include_addons: ['y'] });
      assert.match(message ?? '', /not include and include_addons together/);
      assert.match(errorsOf({ exclude: {}, addons: [] })[0] ?? '', /not exclude and addons together/);
      assert.match(errorsOf({ exclude_folders: 'ssl', folders: [] })[0] ?? '', /not exclude_folders and folders together/);
    });

    it('accepts include: {} (an empty partial backup for the seed; the plan reports it)', () => {
      assert.deepEqual(parsed({ include: {} }).include, {});
    });

    it('accepts a scalar or a list in every selection', () => {
      parsed({ include: { addons: 'core_*', folders: 'config' } });
      parsed({ include_addons: 'core_*', exclude_folders: ['media'] });
      parsed({ addons: 'Grafana' });
    });

    it('rejects unknown keys inside include/exclude', () => {
      assert.match(errorsOf({ include: { addon: ['x'] } }).join(), /^include: unknown option 'addon' \(did you mean 'addons'\?\); allowed: addons, folders/);
    });
  });

  it('rejects unknown options with a suggestion', () => {
    assert.match(errorsOf({ keepDays: 3 }).join(), /unknown option 'keepDays' \(did you mean 'keep_days'\?\)/);
    assert.match(errorsOf({ pasword: 'x' }).join(), /unknown option 'pasword' \(did you mean 'password'\?\)/);
    assert.match(errorsOf({ background: true }).join(), /unknown option 'background'; allowed: name, password/);
  });

  it('does not check that download paths exist (the caller does; the seed rejects "/nonexistent")', () => {
    parsed({ download_path: '/nonexistent' });
  });

  describe('location', () => {
    it('takes a name, null, the local spellings, or a list', () => {
      for (const location of ['nas', null, '/backup', '.local', ['/backup', 'nas']]) parsed({ location });
    });
    it('rejects duplicates, also between spellings of local storage', () => {
      assert.match(errorsOf({ location: ['nas', 'nas'] }).join(), /location: 'nas' is listed more than once/);
      assert.match(errorsOf({ location: ['/backup', '.local'] }).join(), /location: local storage is listed more than once/);
    });
    it('rejects an empty list and other types', () => {
      assert.match(errorsOf({ location: [] }).join(), /^location: /);
      assert.match(errorsOf({ location: 3 }).join(), /location: expected a location/);
    });
  });

  it('checks filename against the Supervisor pattern', () => {
    parsed({ filename: 'nightly.tar' });
    for (const filename of ['nightly', 'a/b.tar', 'a\\b.tar', '.tar.gz']) {
      assert.match(errorsOf({ filename }).join(), /^filename: must be a file name ending in \.tar/, filename);
    }
  });

  it('checks name and filename templates', () => {
    assert.match(errorsOf({ name: 'Backup %Q' }).join(), /^name: Unknown date code "%Q"/);
    assert.match(errorsOf({ filename: 'x_%Q.tar' }).join(), /^filename: Unknown date code "%Q"/);
  });

  it('words type errors with the path', () => {
    assert.match(errorsOf({ include: { addons: [1] } }).join(), /^include\.addons: expected add-ons/);
    assert.match(errorsOf({ compressed: 'yes' }).join(), /^compressed: .*expected boolean/);
    assert.match(errorsOf('full').join(), /expected object/);
  });

  it('turns into a JSON Schema that keeps strictness, defaults and the shape rule', () => {
    const json = z.toJSONSchema(backupRequestSchema, { io: 'input' }) as {
      additionalProperties: boolean;
      properties: Record<string, { default?: unknown; additionalProperties?: boolean; anyOf?: { additionalProperties?: boolean }[] }>;
      not: { anyOf: { required: string[] }[] };
    };
    assert.equal(json.additionalProperties, false);
    assert.equal(json.properties.compressed?.default, true);
    assert.equal(json.properties.encrypted?.default, false);
    assert.equal(json.properties.include?.additionalProperties, false);
    assert.ok(json.not.anyOf.some((rule) => rule.required.join() === 'include,include_addons'));
    assert.ok(json.not.anyOf.some((rule) => rule.required.join() === 'exclude_folders,folders'));
    assert.equal(json.not.anyOf.length, 2 * 4 + 2 * 2 + 4 * 2);
  });
});
