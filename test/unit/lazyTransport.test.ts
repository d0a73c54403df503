// LazyTransport (src/extension/lazy/transport.ts): the connection's transport builds the real one
// only on its first request. The client scenarios of transportScenarios.ts run through it in both
// modes, plus what is its own.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HomeAssistantTransport } from '../../src/core/homeAssistant';
import { HttpTransport } from '../../src/core/supervisor/transport';
import { SupervisorClient } from '../../src/core/supervisor';
import type { RunningEmulator } from '../../src/emulator/server';
import { homeAssistantTransportOf, LazyTransport } from '../../src/extension/lazy/transport';
import { HA_ADMIN_TOKEN, describeClientScenarios, rejectsWith, startScenarioEmulator, SUPERVISOR_TOKEN } from './transportScenarios';

describeClientScenarios({
  name: 'through LazyTransport, directly',
  create: (emu, o = {}) => new LazyTransport('supervisor', { baseUrl: o.baseUrl ?? emu.url, token: o.token ?? SUPERVISOR_TOKEN }),
});

describeClientScenarios({
  name: 'through LazyTransport and Home Assistant Core',
  create: (emu, o = {}) => new LazyTransport('core', { baseUrl: o.baseUrl ?? emu.url, token: o.token ?? HA_ADMIN_TOKEN }),
});

describe('LazyTransport', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startScenarioEmulator();
  });
  after(async () => {
    await emu.close();
  });

  it('names its target as the real transports do', () => {
    for (const baseUrl of ['http://supervisor', 'http://ha.local:8123/', 'https://example.org/prefix//']) {
      const options = { baseUrl, token: 't' };
      assert.equal(new LazyTransport('supervisor', options).target, new HttpTransport(options).target);
      assert.equal(new LazyTransport('core', options).target, new HomeAssistantTransport(options).target);
    }
  });

  it('builds the real transport on the first request, after the current turn of the event loop', async () => {
    const transport = new LazyTransport('supervisor', { baseUrl: emu.url, token: SUPERVISOR_TOKEN });
    assert.equal(transport.started, false);
    const info = new SupervisorClient(transport).info();
    assert.equal(transport.started, true);
    const real = transport.open();
    let built = false;
    void real.then(() => (built = true));
    await Promise.resolve();
    assert.equal(built, false, 'not within the same turn');
    assert.ok((await real) instanceof HttpTransport);
    assert.equal((await info).timezone, 'Europe/Amsterdam');
    await transport.close();
  });

  it('closed before any request: nothing is built, and a later request fails like one on a closed transport', async () => {
    const transport = new LazyTransport('supervisor', { baseUrl: emu.url, token: SUPERVISOR_TOKEN });
    await transport.close();
    assert.equal(transport.started, false);
    const closedReal = new HttpTransport({ baseUrl: emu.url, token: SUPERVISOR_TOKEN });
    await closedReal.close();
    const expected = await rejectsWith(new SupervisorClient(closedReal).info(), 'network');
    await rejectsWith(new SupervisorClient(transport).info(), expected.kind);
  });

  it("homeAssistantTransportOf finds the HomeAssistantTransport behind a connection in mode 'core' only", async () => {
    const throughHomeAssistant = new LazyTransport('core', { baseUrl: emu.url, token: HA_ADMIN_TOKEN });
    const direct = new LazyTransport('supervisor', { baseUrl: emu.url, token: SUPERVISOR_TOKEN });
    assert.ok((await homeAssistantTransportOf(throughHomeAssistant)) instanceof HomeAssistantTransport);
    assert.equal(await homeAssistantTransportOf(direct), undefined);
    assert.equal(direct.started, false, 'a direct connection is not opened to find out');
    const eager = new HomeAssistantTransport({ baseUrl: emu.url, token: HA_ADMIN_TOKEN });
    assert.equal(await homeAssistantTransportOf(eager), eager);
    await Promise.all([throughHomeAssistant.close(), direct.close(), eager.close()]);
  });
});
