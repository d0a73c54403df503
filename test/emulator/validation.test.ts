import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pyRepr } from '../../src/emulator/pyFormat';
import { SCHEMA_BACKUP_FULL, SCHEMA_BACKUP_PARTIAL, SCHEMA_OPTIONS, SCHEMA_RESTORE_FULL } from '../../src/emulator/requestSchemas';
import { validateOrMessage } from '../../src/emulator/validation';
import type { Validator } from '../../src/emulator/validation';
import { startTestEmulator } from './helpers';
import type { TestEmulator } from './helpers';

function message(schema: Validator, data: unknown): string {
  const r = validateOrMessage(schema, data);
  assert.equal(r.ok, false, 'expected a validation error');
  return r.ok ? '' : r.message;
}

void describe('voluptuous-style validation (unit)', () => {
  void it('prints Python reprs', () => {
    assert.equal(pyRepr({ a: [1, 'x', null, true] }), "{'a': [1, 'x', None, True]}");
    assert.equal(pyRepr("it's"), '"it\'s"');
    assert.equal(pyRepr(1.5), '1.5');
  });

  void it('rejects unknown keys', () => {
    assert.equal(message(SCHEMA_BACKUP_FULL, { x: 1 }), "extra keys not allowed @ data['x']. Got 1");
  });

  void it('reports wrong types like voluptuous does', () => {
    assert.equal(message(SCHEMA_BACKUP_FULL, { name: 5 }), "expected str for dictionary value @ data['name']. Got 5");
    assert.equal(message(SCHEMA_BACKUP_FULL, { background: 'maybe' }), "expected boolean for dictionary value @ data['background']. Got 'maybe'");
    // Maybe(Boolean()) reports the None alternative first.
    assert.equal(message(SCHEMA_BACKUP_FULL, { compressed: 'maybe' }), "not a valid value for dictionary value @ data['compressed']. Got 'maybe'");
    assert.equal(message(SCHEMA_BACKUP_FULL, { extra: [] }), "expected dict for dictionary value @ data['extra']. Got []");
    assert.equal(message(SCHEMA_BACKUP_FULL, [1]), 'expected a dictionary. Got [1]');
  });

  void it('sorts several errors, one per line', () => {
    assert.equal(message(SCHEMA_BACKUP_FULL, { name: 1, zzz: 2 }), "expected str for dictionary value @ data['name']. Got 1\nextra keys not allowed @ data['zzz']. Got 2");
  });

  void it('checks filename, location and folders', () => {
    assert.equal(
      message(SCHEMA_BACKUP_FULL, { filename: 'a/b.tar' }),
      "does not match regular expression ^[^\\\\\\/]+\\.tar$ for dictionary value @ data['filename']. Got 'a/b.tar'",
    );
    assert.equal(
      message(SCHEMA_BACKUP_FULL, { location: ['.local', null] }),
      "contains duplicate items: [None] for dictionary value @ data['location']. Got ['.local', None]",
    );
    assert.equal(
      message(SCHEMA_BACKUP_PARTIAL, { folders: ['ssl', 'config'] }),
      "value must be one of ['addons/local', 'homeassistant', 'media', 'share', 'ssl'] @ data['folders'][1]. Got 'config'",
    );
    assert.equal(message(SCHEMA_BACKUP_PARTIAL, { addons: 'all' }), "not a valid value for dictionary value @ data['addons']. Got 'all'");
    // vol.Or("ALL", All([str], Unique())): on a tie voluptuous keeps the first alternative's error.
    assert.equal(message(SCHEMA_BACKUP_PARTIAL, { addons: ['a', 'a'] }), "not a valid value for dictionary value @ data['addons']. Got ['a', 'a']");
  });

  void it('converts values the way the Supervisor does', () => {
    const full = validateOrMessage(SCHEMA_BACKUP_FULL, { location: '.local', compressed: null, background: 'yes' });
    assert.deepEqual(full, { ok: true, value: { location: [null], compressed: null, background: true } });
    const partial = validateOrMessage(SCHEMA_BACKUP_PARTIAL, { addons: 'ALL' });
    assert.deepEqual(partial, { ok: true, value: { addons: 'ALL', background: false } });
    assert.deepEqual(validateOrMessage(SCHEMA_OPTIONS, { days_until_stale: '7' }), { ok: true, value: { days_until_stale: 7 } });
    assert.equal(message(SCHEMA_OPTIONS, { days_until_stale: 0 }), "value must be at least 1 for dictionary value @ data['days_until_stale']. Got 0");
    assert.equal(message(SCHEMA_RESTORE_FULL, { location: ['x'] }), "not a valid value for dictionary value @ data['location']. Got ['x']");
  });
});

void describe('validation over HTTP', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.close());

  void it('answers 400 with the humanized message', async () => {
    const res = await emu.call('POST', '/backups/new/full', { body: { x: 1 } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { result: 'error', message: "extra keys not allowed @ data['x']. Got 1" });
  });

  void it('rejects locations that are not backup mounts', async () => {
    // Supervisor ≥ 2026.08.0 (the default scenario is newer): 404 with an error key; see mountNotFound.test.ts.
    const unknown = await emu.call('POST', '/backups/new/full', { body: { location: 'nowhere' } });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json, { result: 'error', message: "No mount exists with name 'nowhere'", error_key: 'mount_not_found_error' });
    const media = await emu.call('POST', '/backups/new/partial', { body: { location: ['nas_backups', 'nas_media'], folders: ['ssl'] } });
    assert.equal(media.status, 400);
    assert.equal(media.json.message, 'Mount nas_media is not used for backups, cannot backup to there');
    const cloud = await emu.call('POST', '/backups/new/full', { body: { location: '.cloud_backup' } });
    assert.equal(cloud.status, 403);
    assert.equal(cloud.json.message, 'Location .cloud_backup is only available for Home Assistant');
  });

  void it('sets days_until_stale', async () => {
    assert.equal((await emu.call('POST', '/backups/options', { body: { days_until_stale: 0 } })).status, 400);
    assert.equal((await emu.call('POST', '/backups/options', { body: { days_until_stale: 12 } })).status, 200);
    const info = await emu.call('GET', '/backups/info');
    assert.equal(info.json.data?.days_until_stale, 12);
  });
});
