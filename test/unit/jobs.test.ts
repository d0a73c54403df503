import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outcomeOf, sleep, type Job } from '../../src/core/supervisor';

const job = (over: Partial<Job>): Job => ({
  name: 'backup_manager_full_backup',
  reference: 'abcd1234',
  uuid: 'f'.repeat(32),
  progress: 100,
  stage: 'finishing_file',
  done: true,
  errors: [],
  child_jobs: [],
  ...over,
});

describe('outcomeOf', () => {
  it('is a success with the reference as slug when the job has no errors', () => {
    const o = outcomeOf(job({}));
    assert.equal(o.failed, false);
    assert.equal(o.slug, 'abcd1234');
    assert.deepEqual(o.warnings, []);
  });
  it('turns child-job errors into warnings, not a failure (partial success)', () => {
    const o = outcomeOf(
      job({
        child_jobs: [
          job({
            name: 'backup_store_addons',
            reference: null,
            child_jobs: [job({ name: 'backup_addon_save', reference: 'core_mosquitto', errors: [{ type: 'BackupError', message: 'Can not export' }] })],
          }),
        ],
      }),
    );
    assert.equal(o.failed, false);
    assert.deepEqual(o.warnings, ['backup_addon_save (core_mosquitto): Can not export']);
  });
  it('tells a failure recorded on both the child and its parent store job once', () => {
    const error = { type: 'BackupError', message: 'Can not export' };
    const o = outcomeOf(
      job({
        child_jobs: [
          job({
            name: 'backup_store_addons',
            reference: 'abcd1234',
            errors: [error, { message: 'another problem' }],
            child_jobs: [job({ name: 'backup_addon_save', reference: 'core_mosquitto', errors: [error] })],
          }),
        ],
      }),
    );
    assert.deepEqual(o.warnings, ['backup_addon_save (core_mosquitto): Can not export', 'backup_store_addons (abcd1234): another problem']);
  });
  it('fails with all error messages of the job itself', () => {
    const o = outcomeOf(job({ errors: [{ message: 'one' }, { message: 'two' }] }));
    assert.equal(o.failed, true);
    assert.equal(o.error, 'one; two');
  });
});

describe('sleep', () => {
  it('rejects at once when aborted', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = sleep(10_000, ac.signal);
    ac.abort();
    await assert.rejects(p);
    assert.ok(Date.now() - started < 1000);
  });
});
