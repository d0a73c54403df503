// A folder on a tiny disk, for "disk full while writing the download", without root: a tmpfs of a
// few KiB mounted inside a user + mount namespace (`unshare -rm`) held open by a sleeping process,
// and reached from outside through that process's root (/proc/<pid>/root/…), where writes beyond the
// size fail with ENOSPC like on a full disk. Undefined where user namespaces are not available.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TinyDisk {
  /** A folder on the tiny disk, usable from this process. */
  dir: string;
  dispose(): void;
}

export async function tinyDisk(bytes: number): Promise<TinyDisk | undefined> {
  const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tiny-disk-'));
  let child: ChildProcess;
  try {
    child = spawn('unshare', ['-rm', 'sh', '-c', `mount -t tmpfs -o size=${bytes} tmpfs "$0" && echo mounted && exec sleep 600`, mountPoint], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    fs.rmSync(mountPoint, { recursive: true, force: true });
    return undefined;
  }
  const cleanUp = (): void => {
    if (child.exitCode === null && child.pid) child.kill('SIGKILL');
    fs.rmSync(mountPoint, { recursive: true, force: true });
  };
  const mounted = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 5_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('mounted')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.on('error', () => resolve(false));
    child.on('exit', () => resolve(false));
  });
  const dir = `/proc/${child.pid}/root${mountPoint}`;
  if (!mounted || !fs.existsSync(dir)) {
    cleanUp();
    return undefined;
  }
  return { dir, dispose: cleanUp };
}
