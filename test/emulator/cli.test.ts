import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, TEST_SCENARIO } from './helpers';

const CLI = path.join(REPO_ROOT, 'src/emulator/cli.ts');

function runCli(args: string[]): { child: ReturnType<typeof spawn>; firstLine: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.on('exit', () => reject(new Error(`exited before printing; stdout=${out}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, firstLine, exit };
}

void describe('cli', () => {
  void it('prints the listening line, serves, and stops cleanly on SIGTERM', async () => {
    const data = await mkdtemp(path.join(tmpdir(), 'emu-cli-'));
    try {
      const { child, firstLine, exit } = runCli(['--port', '0', '--token', 'cli-token', '--data', data, '--scenario', TEST_SCENARIO]);
      const line = await firstLine;
      const m = /^Supervisor emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
      assert.ok(m, line);
      assert.notEqual(m[2], '0');
      const res = await fetch(`${m[1]}/backups`, { headers: { 'X-Supervisor-Token': 'cli-token' } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { data: { backups: unknown[] } }).data.backups.length, 5);
      child.kill('SIGTERM');
      assert.equal(await exit, 0);
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });

  void it('exits 2 on bad arguments', async () => {
    for (const args of [
      ['--token', 'x'],
      ['--port', 'abc', '--token', 'x'],
      ['--port', '0'],
      ['--port', '0', '--token', 'x', '--bogus'],
      ['--port', '0', '--token', 'x', '--scenario', '/nonexistent/scenario.json'],
    ]) {
      const { exit, firstLine } = runCli(args);
      firstLine.catch(() => undefined);
      assert.equal(await exit, 2, args.join(' '));
    }
  });
});
