// Security checklist, in the real extension host: a wrong token, a Supervisor error that repeats
// the Authorization header, a password-protected backup, a wrong-password restore and a self-signed
// certificate, each made here with secrets unique to the run, which none of the messages, logs,
// settings or tree may repeat. The scan for them (and for every other secret of the suite) runs
// after the whole run, as a root hook (support/secretScan.ts, registered in index.ts), so this file
// may run in any order; its last test checks that the scan finds a planted secret. With the
// harness's untrusted mode (run-integration.ts --untrusted) only the `@untrusted` tests run, in a
// Restricted Mode window: nothing runs or purges there.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunResult } from '../../src/extension/runner/runResult';
import type { ConnectResult } from '../../src/extension/commands/connect';
import type { PurgeResult } from '../../src/extension/commands/purgeBackups';
import type { RestoreResult } from '../../src/extension/commands/restoreBackup';
import { ENV } from '../harness/protocol';
import { storeBackup } from './support/backups';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { logText, snapshot } from './support/extensionApi';
import { NotificationRecorder } from './support/notifications';
import { registerScanText, registerSecret, scanForSecrets } from './support/secretScan';
import { findSecret } from './support/secrets';
import { waitFor } from './support/waitFor';

const untrustedRun = process.env[ENV.untrusted] === '1';
const workspaceFolder = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

/** A TLS front on 127.0.0.1 for the emulator, with a self-signed certificate made by openssl now. */
async function selfSignedFront(): Promise<{ server: TlsServer; url: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'k.pem',
        '-out',
        'c.pem',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const target = new URL(emulator.url);
    const server = createTlsServer({ key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) }, (socket) => {
      const upstream = tcpConnect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return { server, url: `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (!untrustedRun) {
  describe('Security: no secret in the log, the settings, messages or the tree', function () {
    this.timeout(60_000);
    const run = randomBytes(4).toString('hex');
    // This file's own secrets, unique to the run: found only if something leaks them. The run's
    // security scan looks for them too.
    const own = { wrongToken: `sec-wrong-token-${run}`, backupPassword: `sec-backup-password-${run}`, wrongRestorePassword: `sec-wrong-restore-${run}` };
    for (const [name, value] of Object.entries(own)) registerSecret(value, `security.test.ts (${name})`);
    /** Messages the commands returned (what a caller would show): scanned with everything else. */
    const returned = (message: string | undefined): void => registerScanText('messages returned by commands', message ?? '');
    let recorder: NotificationRecorder;
    let made: string | undefined;

    before(async () => {
      await connectToEmulator();
      recorder = new NotificationRecorder();
      recorder.confirmModals = true; // the restore confirmation is answered "Restore"
      await vscode.commands.executeCommand('haBackups.refresh');
    });
    after(async () => {
      recorder.dispose();
      await emulator.clearFaults();
      if (made) await fetch(`${emulator.url}/backups/${made}`, { method: 'DELETE', headers: { authorization: `Bearer ${emulator.token}` } });
      await vscode.commands.executeCommand('haBackups.refresh');
    });

    it('a wrong token is refused, and not repeated', async () => {
      const r = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'supervisor', url: emulator.url, token: own.wrongToken });
      returned(r.message);
      assert.equal(r.ok, false);
      assert.match(r.message, /token was rejected/i);
      assert.match(await logText(), /Could not connect: The token was rejected/);
    });

    it('a Supervisor error that repeats the Authorization header shows and logs it without the token', async () => {
      await connectToEmulator();
      await emulator.addFault({ match: 'GET /backups/info', kind: 'status', status: 500, body: `bad request; you sent Authorization: Bearer ${emulator.token}`, times: 1 });
      await vscode.commands.executeCommand('haBackups.refresh');
      const s = await waitFor('the list to fail', async () => {
        const snap = await snapshot();
        return snap.status === 'error' && snap;
      });
      returned(s.error);
      assert.match(s.error ?? '', /HTTP 500: bad request; you sent Authorization: Bearer \*\*\*/);
      await vscode.commands.executeCommand('haBackups.refresh');
      await waitFor('the list again', async () => (await snapshot()).status === 'ready');
    });

    it('a password-protected backup', async () => {
      const r = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', {
        name: `Security check ${run}`,
        include: { folders: ['ssl'] },
        password: own.backupPassword,
      });
      assert.equal(r.status, 'succeeded', r.error ?? r.errors?.join());
      made = r.slug;
      assert.equal((await emulator.state()).backups.find((b) => b.slug === made)?.protected, true);
      assert.match(await logText(), new RegExp(`backup_successful name="Security check ${run}"`));
    });

    it('a restore with a wrong password fails, and the password is not repeated', async () => {
      assert.ok(made, 'the backup of the previous test');
      const node = { backup: await storeBackup(made) };
      const r = await vscode.commands.executeCommand<RestoreResult>('haBackups.restoreBackup', node, [node], {
        kind: 'partial',
        folders: ['ssl'],
        password: own.wrongRestorePassword,
      });
      returned(r.error);
      assert.equal(r.status, 'failed');
      assert.match(r.error ?? '', /password is wrong/);
      assert.ok(recorder.confirmations.length > 0, 'the restore was confirmed in a modal');
    });

    it('a self-signed certificate is refused unless verification is turned off for that instance', async () => {
      const front = await selfSignedFront();
      try {
        const strict = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', {
          mode: 'supervisor',
          url: front.url,
          token: emulator.token,
          verifyTls: true,
        });
        returned(strict.message);
        assert.equal(strict.ok, false);
        assert.match(strict.message, /certificate of https:\/\/127\.0\.0\.1:\d+ could not be verified \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
        // Without a choice given, the user is asked (here: declines), and nothing is stored.
        recorder.confirmModals = false;
        const asked: string[] = [];
        const original = vscode.window.showWarningMessage;
        (vscode.window as { showWarningMessage: unknown }).showWarningMessage = (message: string, ...rest: unknown[]) => {
          if ((rest[0] as vscode.MessageOptions | undefined)?.modal) {
            asked.push(message);
            return Promise.resolve(undefined);
          }
          return (original as (...a: unknown[]) => Thenable<unknown>).call(vscode.window, message, ...rest);
        };
        let declined: ConnectResult;
        try {
          declined = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', { mode: 'supervisor', url: front.url, token: emulator.token });
        } finally {
          (vscode.window as { showWarningMessage: unknown }).showWarningMessage = original;
          recorder.confirmModals = true;
        }
        assert.equal(declined.ok, false);
        assert.equal(asked.length, 1, 'asked once whether to connect without verifying');
        assert.match(asked[0]!, /could not be verified/);
        const loose = await vscode.commands.executeCommand<ConnectResult>('haBackups.connect', {
          mode: 'supervisor',
          url: front.url,
          token: emulator.token,
          verifyTls: false,
        });
        assert.equal(loose.ok, true, loose.message);
        await waitFor('the list over https', async () => (await snapshot()).status === 'ready');
        assert.match(await logText(), new RegExp(`connected to ${front.url.replace(/[.]/g, '\\.')} \\(Supervisor API, certificate not verified\\)`));
      } finally {
        await connectToEmulator();
        front.server.close();
      }
    });

    it("the run's security scan finds a planted secret, and nothing else so far", async () => {
      // The real scan runs after the last test (index.ts); this one shows it can fail, and points at a
      // leak of this file's own secrets right away.
      const planted = `planted ${own.backupPassword} here`;
      const { leaks } = await scanForSecrets([{ where: 'planted text', text: planted }]);
      assert.deepEqual(
        leaks.filter((l) => !l.includes('planted text')),
        [],
        `secret(s) found:\n${leaks.join('\n')}`,
      );
      assert.equal(leaks.length, 1, 'the planted secret is found');
      assert.match(leaks[0]!, /security\.test\.ts \(backupPassword\) in planted text/);
      // A phrase counts only as a value (quoted or after `=`): the log may well say "a password is needed".
      assert.ok(findSecret('password="a password"', 'a password') && !findSecret('a password is needed', 'a password'));
    });
  });
}

if (untrustedRun) {
  describe('@untrusted: in Restricted Mode nothing runs or purges', function () {
    this.timeout(60_000);
    const config = () => vscode.workspace.getConfiguration('haBackups');
    const policyFile = () => path.join(workspaceFolder()!, 'auto_backup.yaml');
    const backupRequests = async () => Object.entries(await emulator.requests()).filter(([key]) => /^(POST \/backups\/new\/|DELETE \/backups\/)/.test(key));
    const kept: string[] = [];

    before(async () => {
      assert.equal(vscode.workspace.isTrusted, false, 'the harness opened the workspace in Restricted Mode');
      await connectToEmulator();
      // Due every minute, keeps one backup, purges automatically: a trusted window would act on it.
      fs.writeFileSync(
        policyFile(),
        `policies:\n  - name: every minute\n    schedule: "* * * * *"\n    backup:\n      name: "Policy %H:%M:%S"\n      include: {folders: [ssl]}\n    retention:\n      last: 1\n    purge: auto\n`,
      );
      await config().update('schedulerIntervalSeconds', 5, vscode.ConfigurationTarget.Global);
      await emulator.resetRequests();
    });
    after(async () => {
      fs.rmSync(policyFile(), { force: true });
      await config().update('schedulerIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
      for (const slug of kept) await fetch(`${emulator.url}/backups/${slug}`, { method: 'DELETE', headers: { authorization: `Bearer ${emulator.token}` } });
    });

    it('Run Policy is refused', async () => {
      assert.equal(await vscode.commands.executeCommand('haBackups.runPolicy', 'every minute'), undefined);
      assert.deepEqual(await backupRequests(), []);
    });

    it('the scheduler never runs a policy that is due', async function () {
      this.timeout(120_000);
      // A trusted window notes the policy now and runs it at the next minute (scheduler.test.ts);
      // wait past that minute, by the 5-second timer and by hand.
      assert.deepEqual(await vscode.commands.executeCommand('haBackups.runDuePolicies'), []);
      await new Promise((resolve) => setTimeout(resolve, 60_000 - (Date.now() % 60_000) + 7_000));
      assert.deepEqual(await vscode.commands.executeCommand('haBackups.runDuePolicies'), []);
      assert.deepEqual(await backupRequests(), []);
      assert.doesNotMatch((await snapshot()).statusBar.tooltip, /every minute/, 'no next run is announced');
    });

    it('the policy file is checked, but its code lenses only offer to trust the workspace', async () => {
      const document = await vscode.workspace.openTextDocument(policyFile());
      await vscode.window.showTextDocument(document);
      const lenses = await waitFor('code lenses', async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 10);
        return l.length > 0 && l;
      });
      assert.deepEqual(
        lenses.map((l) => l.command?.title),
        ['$(shield) Trust this workspace to run policies'],
      );
      assert.equal(lenses[0]?.command?.command, 'workbench.trust.manage');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('the workspace cannot point the policy file elsewhere (a restricted setting)', async () => {
      const settings = path.join(workspaceFolder()!, '.vscode', 'settings.json');
      fs.mkdirSync(path.dirname(settings), { recursive: true });
      fs.writeFileSync(settings, JSON.stringify({ 'haBackups.policyFile': 'elsewhere.yaml', 'haBackups.groupByPolicy': true }));
      try {
        // The unrestricted setting next to it is read: the file itself was seen.
        await waitFor('the workspace settings', () => config().get<boolean>('groupByPolicy') === true);
        assert.equal(config().get<string>('policyFile'), 'auto_backup.yaml');
      } finally {
        fs.rmSync(path.dirname(settings), { recursive: true, force: true });
      }
      await waitFor('the workspace settings to be gone', () => config().get<boolean>('groupByPolicy') === false);
    });

    it('expired backups are neither purged after a backup nor by the Purge command', async () => {
      await config().update('autoPurge', true, vscode.ConfigurationTarget.Global);
      try {
        // A manual backup is the user's own action, allowed here; keep_days -1 makes each one expired at once.
        for (const name of ['Expired one', 'Expired two']) {
          const r = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name, keep_days: -1, include: { folders: ['ssl'] } });
          assert.equal(r.status, 'succeeded', r.error ?? r.errors?.join());
          kept.push(r.slug!);
        }
        // The newest keep_days backup is always kept; the older one is what a trusted window deletes.
        const remove = await vscode.commands.executeCommand<string[]>('haBackups.previewRetention');
        assert.ok(remove.includes(kept[0]!), `a trusted purge would delete ${kept[0]} (preview: ${remove.join(', ')})`);
        assert.equal(await vscode.commands.executeCommand<PurgeResult | undefined>('haBackups.purgeBackups'), undefined);
        assert.equal(await vscode.commands.executeCommand<PurgeResult | undefined>('haBackups.purgeBackups', { unattended: true }), undefined);
        const left = (await emulator.state()).backups.map((b) => b.slug);
        for (const slug of kept) assert.ok(left.includes(slug), `${slug} is still there`);
        assert.deepEqual(
          (await backupRequests()).filter(([key]) => key.startsWith('DELETE')),
          [],
        );
      } finally {
        await config().update('autoPurge', undefined, vscode.ConfigurationTarget.Global);
      }
    });
  });
}
