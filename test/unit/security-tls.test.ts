// Security checklist: TLS verification is on unless the user turns it off for an instance. A real
// HTTPS/WSS endpoint on 127.0.0.1 (a TLS front to the emulator) with certificates made by openssl at
// test time: self-signed, a leaf whose issuer is not sent, and a chain ending in an unknown CA. Every
// way in (Supervisor REST, Core websocket + /api/hassio, Core through the Supervisor inside the
// add-on) refuses them by default with the `tls` kind, and works only with verification turned off.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { HttpTransport, networkError, SupervisorClient, SupervisorError } from '../../src/core/supervisor';
import { AddonHomeAssistantConnection, HomeAssistantTransport, readAddonHomeAssistantBackupConfig, readHomeAssistantBackupConfig } from '../../src/core/homeAssistant';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { HA_ADMIN_TOKEN, DEFAULT_BACKUP_KEY, SCENARIO, SUPERVISOR_TOKEN } from './transportScenarios';

interface Certificates {
  selfSigned: { key: Buffer; cert: Buffer };
  /** Signed by a CA the client does not know, sent without the CA. */
  leafOnly: { key: Buffer; cert: Buffer };
  /** The same leaf with the unknown CA sent along. */
  leafWithCa: { key: Buffer; cert: Buffer };
}

/** Fresh certificates for 127.0.0.1, made with openssl in a temp folder (EC keys: fast). */
function makeCertificates(): Certificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'ha-tls-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl('req', '-x509', ...ec, '-keyout', 'self.key', '-out', 'self.crt', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=Unknown Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    );
    openssl('req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(file('leaf.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '2', '-extfile', 'leaf.ext');
    const read = (name: string) => readFileSync(file(name));
    return {
      selfSigned: { key: read('self.key'), cert: read('self.crt') },
      leafOnly: { key: read('leaf.key'), cert: read('leaf.crt') },
      leafWithCa: { key: read('leaf.key'), cert: Buffer.concat([read('leaf.crt'), read('ca.crt')]) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A TLS front on 127.0.0.1 that passes the decrypted bytes to the emulator (HTTP and websocket alike). */
async function tlsFront(target: RunningEmulator, credentials: { key: Buffer; cert: Buffer }): Promise<{ server: Server; url: string }> {
  const server = createServer(credentials, (socket) => {
    const upstream = connect(target.port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  // A client that refuses the certificate aborts the handshake: not our concern here.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function tlsFailure(p: Promise<unknown>, code: RegExp): Promise<SupervisorError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SupervisorError, `expected a SupervisorError, got ${String(e)}`);
    assert.equal(e.kind, 'tls', `${e.kind}: ${e.message}`);
    assert.match(e.message, /certificate of https:\/\/127\.0\.0\.1:\d+ could not be verified/);
    assert.match(e.message, code);
    for (const token of [SUPERVISOR_TOKEN, HA_ADMIN_TOKEN]) assert.ok(!e.message.includes(token), 'no token in the message');
    return e;
  }
  assert.fail('expected the certificate to be refused');
}

describe('security: TLS certificates are verified unless turned off', () => {
  let emu: RunningEmulator;
  const fronts: Record<keyof Certificates, string> = { selfSigned: '', leafOnly: '', leafWithCa: '' };
  const servers: Server[] = [];
  const closers: (() => Promise<void>)[] = [];
  const track = <T extends { close(): Promise<void> }>(t: T): T => {
    closers.push(() => t.close());
    return t;
  };

  before(async () => {
    emu = await startEmulator({ port: 0, token: SUPERVISOR_TOKEN, scenario: SCENARIO });
    const certificates = makeCertificates();
    for (const name of Object.keys(fronts) as (keyof Certificates)[]) {
      const front = await tlsFront(emu, certificates[name]);
      servers.push(front.server);
      fronts[name] = front.url;
    }
  });
  after(async () => {
    await Promise.all(closers.map((close) => close()));
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    await emu.close();
  });

  const CASES: { front: keyof Certificates; code: RegExp }[] = [
    { front: 'selfSigned', code: /DEPTH_ZERO_SELF_SIGNED_CERT/ },
    { front: 'leafOnly', code: /UNABLE_TO_VERIFY_LEAF_SIGNATURE/ },
    { front: 'leafWithCa', code: /SELF_SIGNED_CERT_IN_CHAIN/ },
  ];

  describe('Supervisor REST API (HttpTransport)', () => {
    for (const { front, code } of CASES) {
      it(`refuses a ${front} certificate by default, for JSON calls, downloads and uploads`, async () => {
        const client = new SupervisorClient(track(new HttpTransport({ baseUrl: fronts[front], token: SUPERVISOR_TOKEN })));
        await tlsFailure(client.info(), code);
        await tlsFailure(client.download('abcdef12'), code);
        await tlsFailure(client.uploadBackup({ fileName: 'x.tar', blob: new Blob([Buffer.alloc(16)]) }), code);
      });
    }

    it('refuses it when verification is asked for explicitly', async () => {
      const client = new SupervisorClient(track(new HttpTransport({ baseUrl: fronts.selfSigned, token: SUPERVISOR_TOKEN, rejectUnauthorized: true })));
      await tlsFailure(client.info(), /DEPTH_ZERO_SELF_SIGNED_CERT/);
    });

    it('accepts it only with verification turned off for this instance', async () => {
      const client = new SupervisorClient(track(new HttpTransport({ baseUrl: fronts.selfSigned, token: SUPERVISOR_TOKEN, rejectUnauthorized: false })));
      const { backups } = await client.listBackups();
      assert.deepEqual(
        backups.map((b) => b.name),
        ['Newest', 'Middle', 'Old', 'Imported'],
      );
      const download = await client.download(backups[0]!.slug);
      assert.equal(download.status, 200);
      download.body.resume();
    });
  });

  describe('Home Assistant Core (websocket over wss:// and the /api/hassio proxy)', () => {
    for (const { front, code } of CASES) {
      it(`refuses a ${front} certificate by default`, async () => {
        const transport = track(new HomeAssistantTransport({ baseUrl: fronts[front], token: HA_ADMIN_TOKEN }));
        await tlsFailure(transport.connect(), code);
        await tlsFailure(new SupervisorClient(transport).listBackups(), code);
        await tlsFailure(transport.openStream('GET', '/backups/abcdef12/download'), code);
        await tlsFailure(readHomeAssistantBackupConfig(transport), code);
      });
    }

    it('accepts it only with verification turned off', async () => {
      const transport = track(new HomeAssistantTransport({ baseUrl: fronts.selfSigned, token: HA_ADMIN_TOKEN, rejectUnauthorized: false }));
      assert.deepEqual(await transport.connect(), { haVersion: '2026.11.2' });
      const { backups } = await new SupervisorClient(transport).listBackups();
      assert.equal(backups.length, 4);
      assert.equal((await readHomeAssistantBackupConfig(transport)).defaultBackupKey, DEFAULT_BACKUP_KEY);
    });
  });

  describe('Core through the Supervisor, inside the add-on (AddonHomeAssistantConnection)', () => {
    it('refuses a self-signed certificate by default', async () => {
      await tlsFailure(track(new AddonHomeAssistantConnection({ supervisorUrl: fronts.selfSigned, token: SUPERVISOR_TOKEN })).connect(), /DEPTH_ZERO_SELF_SIGNED_CERT/);
      await tlsFailure(readAddonHomeAssistantBackupConfig({ supervisorUrl: fronts.leafWithCa, token: SUPERVISOR_TOKEN, timeoutMs: 10_000 }), /SELF_SIGNED_CERT_IN_CHAIN/);
    });

    it('accepts it only with verification turned off', async () => {
      const settings = await readAddonHomeAssistantBackupConfig({ supervisorUrl: fronts.selfSigned, token: SUPERVISOR_TOKEN, rejectUnauthorized: false, timeoutMs: 10_000 });
      assert.equal(settings.defaultBackupKey, DEFAULT_BACKUP_KEY);
    });
  });

  it('certificate problems Node reports under other codes are still `tls` (the user is offered the choice)', () => {
    for (const code of [
      'CERT_NOT_YET_VALID',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'UNABLE_TO_GET_ISSUER_CERT',
      'CERT_UNTRUSTED',
      'CERT_SIGNATURE_FAILURE',
      'HOSTNAME_MISMATCH',
      'CERT_REVOKED',
      'INVALID_CA',
    ]) {
      // undici nests the socket's error under `cause`.
      const e = networkError(Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error(code), { code }) }), 'GET', '/info', 'https://ha.example');
      assert.equal(e.kind, 'tls', code);
      assert.match(e.message, new RegExp(`\\(${code}\\)$`));
    }
  });
});
