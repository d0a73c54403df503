// A backup as the Supervisor lists it (what a tree node carries), read straight from the emulator.
import * as assert from 'node:assert/strict';
import type { Backup } from '../../../src/core/supervisor';
import { emulator } from './emulatorControl';

export async function storeBackup(slug: string): Promise<Backup> {
  const res = await fetch(`${emulator.url}/backups`, { headers: { authorization: `Bearer ${emulator.token}` } });
  const list = (await res.json()) as { data: { backups: Backup[] } };
  const item = list.data.backups.find((b) => b.slug === slug);
  assert.ok(item, `the emulator lists ${slug}`);
  return item;
}
