// The Supervisor's proxy to Core's REST API for add-ons (`/core/api/…`, supervisor/api/proxy.py APIProxy.api),
// spoken to with real requests: the add-on's token checked by the Supervisor, Core reached as the Supervisor's
// own user, Core's status and body passed back whole with only its media type, Cache-Control and
// Mcp-Session-Id; a download of a cloud copy and an upload through it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Scenario } from '../../src/emulator/scenario';
import { ADMIN } from './coreHelpers';
import { BACKUP_TOKEN, FAST_SCENARIO, startTestEmulator, TOKEN } from './helpers';
import type { TestEmulator } from './helpers';

/** An add-on whose config lacks `homeassistant_api: true`. */
const NO_HA_API = 'no-homeassistant-api-token';

const SCENARIO: Scenario = {
  ...FAST_SCENARIO,
  homeassistantVersion: '2026.11.2',
  tokens: [...(FAST_SCENARIO.tokens ?? []), { token: NO_HA_API, role: 'manager' }],
  core: {
    tokens: [{ token: ADMIN, admin: true }],
    agents: [{ agent_id: 'cloud.cloud', name: 'Home Assistant Cloud' }],
    supervisorBackupCopies: [{ backup: 'Seeded protected', agents: ['cloud.cloud'] }],
    tokensWithoutHomeassistantApi: [NO_HA_API],
  },
};

void describe("Supervisor's Home Assistant REST API proxy", () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator(SCENARIO);
  });
  after(() => emu.close());

  const slugOf = async (name: string): Promise<string> => {
    const res = await emu.call('GET', '/backups');
    const found = (res.json.data as { backups: { slug: string; name: string }[] }).backups.find((b) => b.name === name);
    assert.ok(found, name);
    return found.slug;
  };
  const asAddon = (token = TOKEN): { headers: Record<string, string> } => ({ headers: { Authorization: `Bearer ${token}` } });

  void it("answers GET /core/api/ with Core's answer for an add-on's token, whatever its role", async () => {
    for (const path of ['/core/api/', '/homeassistant/api/']) {
      const res = await fetch(`${emu.url}${path}`, asAddon());
      assert.equal(res.status, 200, path);
      // aiohttp's ClientResponse.content_type: the media type, without Core's charset.
      assert.equal(res.headers.get('content-type'), 'application/json', path);
      assert.deepEqual(await res.json(), { message: 'API running.' }, path);
    }
    assert.equal((await fetch(`${emu.url}/core/api/`, asAddon(BACKUP_TOKEN))).status, 200);
    // _check_access also reads X-Ha-Access, and takes the last word of Authorization.
    assert.equal((await fetch(`${emu.url}/core/api/`, { headers: { 'X-Ha-Access': TOKEN } })).status, 200);
    assert.equal((await fetch(`${emu.url}/core/api/`, { headers: { Authorization: TOKEN } })).status, 200);
  });

  void it('refuses a bad token, a Core long-lived token and an add-on without homeassistant_api with 401', async () => {
    for (const token of ['nope', ADMIN, NO_HA_API]) {
      const res = await fetch(`${emu.url}/core/api/backup/download/x?agent_id=cloud.cloud`, asAddon(token));
      assert.equal(res.status, 401, token);
      assert.equal(await res.text(), '401: Unauthorized');
    }
    assert.equal((await fetch(`${emu.url}/core/api/`)).status, 401);
  });

  void it("forbids Core's hassio endpoints and answers other methods with 405", async () => {
    for (const path of ['/core/api/hassio/backups', '/core/api/hassio_auth', '/homeassistant/api/hassio/info']) {
      const res = await fetch(`${emu.url}${path}`, asAddon());
      assert.equal(res.status, 403, path);
    }
    const put = await fetch(`${emu.url}/core/api/backup/upload`, { method: 'PUT', ...asAddon() });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'GET,HEAD,POST,DELETE');
    assert.equal((await fetch(`${emu.url}/core/api/`, { method: 'POST', ...asAddon() })).status, 405);
    assert.equal((await fetch(`${emu.url}/homeassistant/api/states`, { method: 'DELETE', ...asAddon() })).status, 405);
    // Core's own 404 comes back as it is.
    assert.equal((await fetch(`${emu.url}/core/api/nothing/here`, asAddon())).status, 404);
  });

  void it('downloads the cloud copy through Core, with a Content-Length and without Content-Disposition', async () => {
    const slug = await slugOf('Seeded protected');
    const direct = await fetch(`${emu.url}/api/backup/download/${slug}?agent_id=cloud.cloud`, { headers: { Authorization: `Bearer ${ADMIN}` } });
    assert.equal(direct.status, 200);
    const expected = Buffer.from(await direct.arrayBuffer());
    const res = await fetch(`${emu.url}/core/api/backup/download/${slug}?agent_id=cloud.cloud`, asAddon());
    assert.equal(res.status, 200);
    const body = Buffer.from(await res.arrayBuffer());
    assert.ok(body.length > 0 && body.equals(expected));
    assert.equal(res.headers.get('content-length'), String(expected.length));
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.equal(res.headers.get('content-disposition'), null, 'not among the headers the proxy copies');
    // Core's statuses come back: an agent without the copy, an unknown agent.
    assert.equal((await fetch(`${emu.url}/core/api/backup/download/${await slugOf('Seeded full')}?agent_id=cloud.cloud`, asAddon())).status, 404);
    assert.equal((await fetch(`${emu.url}/core/api/backup/download/${slug}?agent_id=nope.nope`, asAddon())).status, 400);
  });

  void it('answers 502 when Core breaks its answer off (a wrong password ends the decrypted stream early)', async () => {
    const slug = await slugOf('Seeded protected');
    const res = await fetch(`${emu.url}/core/api/backup/download/${slug}?agent_id=hassio.local&password=nope`, asAddon());
    assert.equal(res.status, 502);
    assert.equal(await res.text(), '502: Bad Gateway');
    const right = await fetch(`${emu.url}/core/api/backup/download/${slug}?agent_id=hassio.local&password=secret`, asAddon());
    assert.equal(right.status, 200);
    assert.ok((await right.arrayBuffer()).byteLength > 0);
  });

  void it('streams an upload to Core, which puts it on the agents named in the query', async () => {
    const slug = await slugOf('Seeded full');
    const bytes = Buffer.from(await (await fetch(`${emu.url}/backups/${slug}/download`, asAddon())).arrayBuffer());
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'backup.tar');
    const res = await fetch(`${emu.url}/core/api/backup/upload?agent_id=hassio.nas_backups`, { method: 'POST', ...asAddon(), body: form });
    assert.equal(res.status, 201, await res.clone().text());
    assert.deepEqual(await res.json(), { backup_id: slug });
    const listed = await emu.call('GET', `/backups/${slug}/info`);
    assert.deepEqual(Object.keys((listed.json.data as { location_attributes: Record<string, unknown> }).location_attributes).sort(), ['.local', 'nas_backups']);
  });
});
