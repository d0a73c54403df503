// The machine a run was measured on, printed above the table (timings mean little without it).
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { BENCH_DIR, bytes, run } from './util';

export async function machineFacts(): Promise<string[]> {
  const cpus = os.cpus();
  mkdirSync(BENCH_DIR, { recursive: true });
  // df -PT: device, type, size, used, available, use%, mount point (1024-byte blocks).
  const df = await run('df', ['-PT', BENCH_DIR]);
  const fields = df.stdout.trim().split('\n').pop()?.split(/\s+/) ?? [];
  const disk =
    df.code === 0 && fields.length >= 7
      ? `${fields[0] ?? '?'} (${fields[1] ?? '?'}) mounted on ${fields[6] ?? '?'}: ${bytes(Number(fields[2]) * 1024)} total, ${bytes(Number(fields[4]) * 1024)} free`
      : 'unknown';
  const virt = await run('systemd-detect-virt', []);
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return [
    `CPU: ${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length} (${os.arch()})${virt.code === 0 ? `, virtualised (${virt.stdout.trim()})` : ''}`,
    `RAM: ${bytes(os.totalmem())} (${bytes(os.freemem())} free at start)`,
    `OS: ${os.type()} ${os.release()}`,
    `Node: ${process.version}`,
    `Disk (for .bench/): ${disk}`,
    `Load average at start (1/5/15 min): ${load}`,
  ];
}
