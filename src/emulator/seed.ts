// Writes the scenario's backups as real archives when a data folder is used for the first
// time. Seeded archives are reproducible (salts and payload derive from the slug).
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { assembleArchive, seededSalt } from './archive';
import type { InnerPart } from './archive';
import { addonPart, backupJson, createSlug, folderPart, homeAssistantPart, repositoriesFor, supervisorConfigPart } from './backupBuilder';
import type { AddonRef, PartOptions } from './backupBuilder';
import { seededBytes } from './content';
import { isoToEpochSeconds } from './pyFormat';
import { FOLDERS } from './scenario';
import type { ScenarioBackup } from './scenario';
import { compareVersions } from './supervisor';
import type { Supervisor } from './supervisor';

const SEED_MARKER = '.emulator-seeded';

function resolveAddons(sup: Supervisor, b: ScenarioBackup): AddonRef[] {
  const installed = sup.addons;
  const wanted = b.addons ?? (b.type === 'full' ? installed.map((a) => a.slug) : []);
  return wanted.map((entry) => {
    if (typeof entry !== 'string') return { ...entry, state: 'started' };
    const addon = installed.find((a) => a.slug === entry);
    return addon ? { slug: addon.slug, name: addon.name, version: addon.version, state: addon.state } : { slug: entry, name: entry, version: '1.0.0', state: 'stopped' };
  });
}

/** Build one seeded backup archive. */
export function buildSeedArchive(sup: Supervisor, b: ScenarioBackup): { slug: string; archive: Buffer } {
  const slug = b.slug ?? createSlug(b.name, b.date);
  const start = isoToEpochSeconds(b.date);
  let tick = 0;
  const opts: PartOptions = {
    slug,
    compressed: b.compressed,
    password: b.password,
    // Members a fraction of a second apart, starting at the backup date.
    mtime: () => Math.round((start + 0.25 + 0.731 * tick++) * 1e6) / 1e6,
    salt: (memberName) => seededSalt(slug, memberName),
  };
  const withHa = b.homeassistant ?? b.type === 'full';
  const addons = resolveAddons(sup, b);
  const folders = b.folders ?? (b.type === 'full' ? [...FOLDERS] : []);
  const payload = seededBytes(`payload:${slug}`, b.payloadBytes);
  const supervisorVersion = b.supervisorVersion ?? sup.supervisorVersion;
  const haVersion = b.homeassistantVersion ?? sup.scenario.homeassistantVersion;

  const parts: InnerPart[] = [];
  if (withHa) parts.push(homeAssistantPart(opts, haVersion, b.excludeDatabase, payload));
  addons.forEach((a, i) => parts.push(addonPart(opts, a, !withHa && folders.length === 0 && i === 0 ? payload : undefined)));
  folders.forEach((f, i) => parts.push(folderPart(opts, f, !withHa && i === 0 ? payload : undefined)));
  if (compareVersions(supervisorVersion, '2026.03.3') >= 0 && sup.mounts.length > 0) {
    parts.push(supervisorConfigPart(opts, sup.mounts, sup.defaultBackupMount));
  }
  const json = backupJson({
    slug,
    name: b.name,
    date: b.date,
    type: b.type,
    supervisorVersion,
    extra: b.extra,
    compressed: b.compressed,
    password: b.password,
    homeassistant: withHa ? { version: haVersion, excludeDatabase: b.excludeDatabase } : null,
    folders,
    addons,
    repositories: b.repositories ?? repositoriesFor(addons.map((a) => a.slug)),
  });
  return { slug, archive: assembleArchive(parts, json, opts.mtime()) };
}

/** Create the location folders and, on first use of the data folder, the seeded backups. */
export async function prepareDataDir(sup: Supervisor): Promise<void> {
  await fsp.mkdir(sup.store.locationDir(null), { recursive: true });
  await fsp.mkdir(path.join(sup.dataDir, 'tmp'), { recursive: true });
  for (const m of sup.mounts) if (m.usage === 'backup') await fsp.mkdir(sup.store.locationDir(m.name), { recursive: true });

  const marker = path.join(sup.dataDir, SEED_MARKER);
  if (existsSync(marker)) return;
  for (const b of sup.scenario.backups) {
    const { slug, archive } = buildSeedArchive(sup, b);
    for (const location of b.locations) {
      await fsp.writeFile(path.join(sup.store.locationDir(location), b.filename ?? `${slug}.tar`), archive);
    }
  }
  await fsp.writeFile(marker, `${new Date().toISOString()}\n`);
}
