// The SupervisorClient scenarios of transportScenarios.ts, run directly against the Supervisor and
// through Home Assistant Core: the client must not notice the difference.
import { HomeAssistantTransport } from '../../src/core/homeAssistant';
import { HttpTransport } from '../../src/core/supervisor/transport';
import { HA_ADMIN_TOKEN, describeClientScenarios, SUPERVISOR_TOKEN } from './transportScenarios';

describeClientScenarios({
  name: 'directly',
  create: (emu, o = {}) => new HttpTransport({ baseUrl: o.baseUrl ?? emu.url, token: o.token ?? SUPERVISOR_TOKEN }),
});

describeClientScenarios({
  name: 'through Home Assistant Core',
  create: (emu, o = {}) => new HomeAssistantTransport({ baseUrl: o.baseUrl ?? emu.url, token: o.token ?? HA_ADMIN_TOKEN }),
});
