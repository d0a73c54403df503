// Backup archives for tests: fetched from the emulator, and with their backup.json changed (another
// slug, date or `extra`), as a person would get them from a download kept elsewhere or another machine.
import { buildTar, listTarMembers, type TarInput } from '../../../src/emulator/tar';
import { emulator } from './emulatorControl';

export async function downloadArchive(slug: string): Promise<Buffer> {
  const res = await fetch(`${emulator.url}/backups/${slug}/download`, { headers: { authorization: `Bearer ${emulator.token}` } });
  if (!res.ok) throw new Error(`download of ${slug}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The same archive with its ./backup.json changed by `change`. */
export async function withBackupJson(archive: Buffer, change: (json: Record<string, unknown>) => Record<string, unknown>): Promise<Buffer> {
  const members = await listTarMembers(archive);
  const entries: TarInput[] = members.map((m) => {
    const data = archive.subarray(m.dataOffset, m.dataOffset + m.size);
    const isJson = m.name === './backup.json' || m.name === 'backup.json';
    const body = isJson ? Buffer.from(JSON.stringify(change(JSON.parse(data.toString('utf8')) as Record<string, unknown>))) : data;
    return { name: m.name, type: 'file', mode: 0o644, mtime: Math.floor(m.mtime), data: body };
  });
  return buildTar(entries);
}
