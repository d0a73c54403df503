import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEmulator } from './helpers';
import type { TestEmulator } from './helpers';

describe('control routes for test pacing and request counts', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.close());

  it('counts API requests by method and path until reset', async () => {
    await emu.control('DELETE', '/_emulator/requests');
    await emu.call('GET', '/backups');
    await emu.call('GET', '/backups');
    await emu.call('GET', '/info');
    const counts = (await emu.control('GET', '/_emulator/requests')).json;
    assert.deepEqual(counts, { 'GET /backups': 2, 'GET /info': 1 });
    await emu.control('DELETE', '/_emulator/requests');
    assert.deepEqual((await emu.control('GET', '/_emulator/requests')).json, {});
  });

  it('changes how long each job stage takes', async () => {
    const res = await emu.control('POST', '/_emulator/settings', { jobStepDelayMs: 300 });
    assert.equal(res.json.jobStepDelayMs, 300);
    assert.equal((res.json as { clockOffsetMs?: number }).clockOffsetMs, 0);
    const started = Date.now();
    const job = (await emu.call('POST', '/backups/new/full', { body: { name: 'slow', background: true } })).json.data as { job_id: string };
    await emu.waitForJob(job.job_id, 20_000);
    assert.ok(Date.now() - started >= 5 * 300, 'at least five stages of 300 ms');
    await emu.control('POST', '/_emulator/settings', { jobStepDelayMs: 20 });
  });

  it('rejects unknown settings', async () => {
    const res = await emu.control('POST', '/_emulator/settings', { speed: 'fast' });
    assert.equal(res.status, 400);
  });
});
