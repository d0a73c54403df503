// Home Assistant's clock from an HTTP Date header (src/core/supervisor/serverClock.ts); every transport
// reads it from the emulator in transportScenarios.ts.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readClock, ServerClock } from '../../src/core/supervisor';

describe('readClock', () => {
  it('reads the offset from the header, against the middle of the request', () => {
    // Sent at 10.000 s, answered at 10.200 s; the server said 13 s (truncated; its middle is 13.5 s).
    const r = readClock(new Date(13_000).toUTCString(), 10_000, 10_200);
    assert.deepEqual(r, { offsetMs: 3_400, readAt: 10_200 });
  });
  it('treats a second or so as no offset (the header has whole seconds)', () => {
    assert.equal(readClock(new Date(10_000).toUTCString(), 10_000, 10_050)?.offsetMs, 0);
  });
  it('reads days in both directions, and nothing from a missing or broken header', () => {
    assert.equal(readClock(new Date(Date.UTC(2026, 0, 4)).toUTCString(), Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1))?.offsetMs, 3 * 86_400_000 + 500);
    assert.equal(readClock(new Date(Date.UTC(2026, 0, 1)).toUTCString(), Date.UTC(2026, 0, 4), Date.UTC(2026, 0, 4))?.offsetMs, -3 * 86_400_000 + 500);
    assert.equal(readClock(undefined, 0, 0), undefined);
    assert.equal(readClock('yesterday', 0, 0), undefined);
  });
  it('ServerClock applies the last reading to this machine clock', () => {
    let local = 1_000_000;
    const clock = new ServerClock(() => local);
    assert.equal(clock.now().getTime(), 1_000_000, 'unknown offset: this machine');
    clock.update({ offsetMs: -86_400_000, readAt: local });
    local += 5_000;
    assert.equal(clock.now().getTime(), 1_005_000 - 86_400_000);
    clock.reset();
    assert.equal(clock.offsetMs, undefined);
  });
});
