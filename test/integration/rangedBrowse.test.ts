// Looking inside a remote backup with Range requests (issue #14), in the real extension host: the
// emulated Supervisor serves the download as aiohttp does (206, Content-Range) and counts the bytes it
// sends. Only the tar headers and the opened part cross the wire, the part once; a server that ignores
// Range (the emulator's ignore_range fault, as through a proxy that drops it) gets the whole archive,
// with a note in the log.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { VerifyOutcome } from '../../src/extension/browse/verifier';
import type { RunResult } from '../../src/extension/runner/runResult';
import { connectToEmulator } from './support/connection';
import { emulator } from './support/emulatorControl';
import { logText } from './support/extensionApi';

const PAYLOAD = 8 * 1024 * 1024;

describe('Looking inside a remote backup with Range requests', () => {
  const settings = () => vscode.workspace.getConfiguration('haBackups');
  let slug: string;
  let other: string;
  let total: number;

  before(async () => {
    await connectToEmulator();
    // Not the emulator's folder: the archive is remote.
    await settings().update('backupFolder', '', vscode.ConfigurationTarget.Global);
    await emulator.setNewBackupPayload(PAYLOAD);
    try {
      // Home Assistant's part carries the 8 MiB; the share folder's part stays small.
      const made: string[] = [];
      for (const name of ['Big for ranged reads', 'Big behind a proxy']) {
        const r = await vscode.commands.executeCommand<RunResult>('haBackups.createBackup', { name, include: { folders: ['config', 'share'] } });
        assert.equal(r.status, 'succeeded', r.error ?? r.errors?.join(' '));
        made.push(r.slug!);
      }
      [slug, other] = made as [string, string];
    } finally {
      await emulator.setNewBackupPayload(50_000);
    }
    total = (await emulator.state()).backups.find((b) => b.slug === slug)!.size_bytes;
    assert.ok(total > PAYLOAD, `the backup is big (${total} bytes)`);
    await vscode.commands.executeCommand('haBackups.refresh');
  });
  after(async () => {
    await settings().update('backupFolder', undefined, vscode.ConfigurationTarget.Global);
    await emulator.clearFaults();
  });

  const path = () => `/backups/${slug}/download`;

  it('lists a small part and opens a file from it, fetching the headers and that part only, the part once', async () => {
    await emulator.resetRequests();
    const share = vscode.Uri.parse(`ha-backup://${slug}/share`);
    const entries = await vscode.workspace.fs.readDirectory(share);
    assert.ok(entries.length > 0, 'the share folder lists');
    const first = (await emulator.downloads())[path()];
    assert.ok(first, 'the download was asked for');
    assert.ok(first.bytes < 256 * 1024, `only headers and the share part: ${first.bytes} of ${total} bytes`);
    assert.deepEqual(Object.keys(first.statuses), ['206'], 'every answer was partial');
    const [name] = entries.find(([, type]) => type === vscode.FileType.File) ?? [];
    if (name) await vscode.workspace.fs.readFile(vscode.Uri.parse(`ha-backup://${slug}/share/${name}`));
    const second = (await emulator.downloads())[path()]!;
    assert.ok(second.bytes - first.bytes < 70 * 1024, `opening a file re-reads at most the headers, not the part: ${second.bytes - first.bytes} bytes more`);
    assert.match(await logText(), new RegExp(`browse: reading ${slug} with Range requests`));
  });

  it('verifies one part with Range requests: that part is fetched anew, the big one not at all', async () => {
    await emulator.resetRequests();
    const outcome = await vscode.commands.executeCommand<VerifyOutcome>('haBackups.verifyPart', { slug, partId: 'share' });
    assert.equal(outcome?.ok, true, outcome?.lines.join('\n') ?? outcome?.error);
    assert.match(outcome.lines[0] ?? '', /^share\.tar\.gz: ok/);
    const counted = (await emulator.downloads())[path()];
    assert.ok(counted, 'the Supervisor was asked (not a part kept from browsing)');
    assert.ok(counted.bytes < 256 * 1024, `only headers and the share part: ${counted.bytes} of ${total} bytes`);
    assert.deepEqual(Object.keys(counted.statuses), ['206']);
    assert.match(await logText(), new RegExp(`verify ${slug} passed: 1 parts`));
  });

  it('a server that ignores Range gets the whole archive fetched once, and the log says why', async () => {
    await emulator.addFault({ match: 'GET /backups/*/download', kind: 'ignore_range' });
    // A backup not read before: the first ranged request meets the fault.
    await emulator.resetRequests();
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.parse(`ha-backup://${other}/share`));
    assert.ok(entries.length > 0);
    const counted = (await emulator.downloads())[`/backups/${other}/download`]!;
    assert.ok(counted.statuses['200']! >= 1, JSON.stringify(counted));
    assert.match(await logText(), /browse: backup \w+ at .* was answered in full \(200\) to a Range request: .* the whole file has to be downloaded/);
    assert.match(await logText(), new RegExp(`browse cache: fetched ${other}`));
  });
});
