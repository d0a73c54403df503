// Builds the components of a backup (inner archives + backup.json) for both seeded backups
// and backups created through the API.
import { createHash } from 'node:crypto';
import { makeInnerPart, supervisorConfigMembers } from './archive';
import type { BackupJson, InnerPart } from './archive';
import { addonMembers, folderMembers, homeAssistantMembers } from './content';
import type { ScenarioMount } from './scenario';

export interface AddonRef {
  slug: string;
  name: string;
  version: string;
  state: string;
}

/** backups/utils.py::create_slug. */
export function createSlug(name: string, date: string): string {
  return createHash('sha1').update(`${date} - ${name}`.toLowerCase()).digest('hex').slice(0, 8);
}

const KNOWN_REPOSITORIES: Record<string, string> = {
  a0d7b954: 'https://github.com/hassio-addons/repository',
  '5c53de3b': 'https://github.com/esphome/home-assistant-addon',
  '45df7312': 'https://github.com/zigbee2mqtt/hassio-zigbee2mqtt',
  d5369777: 'https://github.com/music-assistant/home-assistant-addon',
};

/** Store repositories as the Supervisor lists them: "core", "local" and the add-ons' repository URLs. */
export function repositoriesFor(addonSlugs: string[]): string[] {
  const repos = new Set<string>(['core', 'local']);
  for (const slug of addonSlugs) {
    const prefix = slug.split('_')[0] ?? '';
    const url = KNOWN_REPOSITORIES[prefix];
    if (url) repos.add(url);
    else if (/^[0-9a-f]{8}$/.test(prefix)) repos.add(`https://github.com/example/${prefix}-addons`);
  }
  return [...repos];
}

export interface PartOptions {
  slug: string;
  compressed: boolean;
  password: string | null;
  /** mtime (seconds, float) for the next member. */
  mtime: () => number;
  /** Reproducible salts for seeded archives. */
  salt?: (memberName: string) => Buffer;
}

function part(opts: PartOptions, id: string, members: Parameters<typeof makeInnerPart>[1]): InnerPart {
  const mtime = opts.mtime();
  const memberName = `${id.replace(/\//g, '_')}.tar${opts.compressed ? '.gz' : ''}`;
  return makeInnerPart(id, members, { compressed: opts.compressed, password: opts.password, mtime, salt: opts.salt?.(memberName) });
}

export function homeAssistantPart(opts: PartOptions, version: string, excludeDatabase: boolean, payload: Buffer, files?: Readonly<Record<string, string>>): InnerPart {
  const uuid = createHash('md5').update(`uuid:${opts.slug}`).digest('hex');
  const mtime = opts.mtime();
  return part(
    { ...opts, mtime: () => mtime },
    'homeassistant',
    homeAssistantMembers({ version, excludeDatabase, payload, stamp: { mtime }, uuid, ...(files ? { files } : {}) }),
  );
}

export function addonPart(opts: PartOptions, addon: AddonRef, payload?: Buffer): InnerPart {
  const mtime = opts.mtime();
  return part({ ...opts, mtime: () => mtime }, addon.slug, addonMembers(addon, { mtime }, payload));
}

export function folderPart(opts: PartOptions, folder: string, payload?: Buffer): InnerPart {
  const mtime = opts.mtime();
  return part({ ...opts, mtime: () => mtime }, folder, folderMembers(folder, { mtime }, payload));
}

/** supervisor.tar(.gz) with mounts.json (credentials included, as the real one does) and docker.json. */
export function supervisorConfigPart(opts: PartOptions, mounts: ScenarioMount[], defaultBackupMount: string | null): InnerPart {
  const mountsJson = {
    default_backup_mount: defaultBackupMount,
    mounts: mounts.map((m) => {
      const base = { server: m.server, name: m.name, type: m.type, usage: m.usage, read_only: m.readOnly, ...(m.port !== undefined ? { port: m.port } : {}) };
      return m.type === 'cifs' ? { share: m.share ?? '', ...base, version: m.version ?? null } : { path: m.path ?? '', ...base };
    }),
  };
  return part(opts, 'supervisor', supervisorConfigMembers(mountsJson));
}

export interface BackupJsonInput {
  slug: string;
  name: string;
  date: string;
  type: 'full' | 'partial';
  supervisorVersion: string;
  extra: Record<string, unknown>;
  compressed: boolean;
  password: string | null;
  homeassistant: { version: string; excludeDatabase: boolean } | null;
  folders: string[];
  addons: AddonRef[];
  repositories: string[];
}

export function backupJson(input: BackupJsonInput): BackupJson {
  return {
    slug: input.slug,
    version: 2,
    name: input.name,
    date: input.date,
    type: input.type,
    supervisor_version: input.supervisorVersion,
    extra: input.extra,
    compressed: input.compressed,
    protected: Boolean(input.password),
    // securetar reports 0 for inner archive sizes, so the Supervisor stores 0.0.
    homeassistant: input.homeassistant ? { version: input.homeassistant.version, exclude_database: input.homeassistant.excludeDatabase, size: 0 } : null,
    folders: input.folders,
    addons: input.addons.map((a) => ({ slug: a.slug, name: a.name, version: a.version, size: 0 })),
    repositories: input.repositories,
  };
}
