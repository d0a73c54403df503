// Scenario = the world the emulator starts with (versions, add-ons, mounts, seeded backups).
// Strict zod schema: a typo in a scenario file is an error, not a silently ignored key.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { HomeAssistantScenarioSchema } from './homeAssistant/homeAssistantScenario';

/** A relative path inside /config: no `..`, no leading `/`. */
export const CONFIG_FILE_PATH = /^(?!.*(?:^|\/)\.\.(?:\/|$))[^/][^\0]*$/;

export const ROLES = ['default', 'homeassistant', 'backup', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const FOLDERS = ['share', 'addons/local', 'ssl', 'media'] as const;

const MOUNT_STATES = ['active', 'activating', 'deactivating', 'failed', 'inactive', 'maintenance', 'reloading'] as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

const AddonSchema = z.strictObject({
  slug: z.string().regex(/^[-_.A-Za-z0-9]+$/),
  name: z.string(),
  version: z.string(),
  versionLatest: z.string().optional(),
  state: z.enum(['started', 'stopped', 'unknown', 'error']).default('started'),
  description: z.string().optional(),
  repository: z.string().optional(),
});

const MountSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_]+$/),
  type: z.enum(['cifs', 'nfs']),
  usage: z.enum(['backup', 'media', 'share']),
  server: z.string(),
  share: z.string().optional(),
  path: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  version: z.enum(['1.0', '2.0']).nullable().optional(),
  readOnly: z.boolean().default(false),
  state: z.enum(MOUNT_STATES).nullable().default('active'),
});

const BackupAddonSchema = z.union([z.string(), z.strictObject({ slug: z.string(), name: z.string(), version: z.string() })]);

const BackupSchema = z.strictObject({
  name: z.string(),
  date: z.string().regex(ISO_DATE, 'ISO-8601 date with offset, e.g. 2026-08-03T02:30:00.123456+02:00'),
  type: z.enum(['full', 'partial']).default('full'),
  /** null / ".local" = local folder; other entries are backup mount names. */
  locations: z.array(z.string().nullable()).min(1).default([null]),
  password: z.string().nullable().default(null),
  compressed: z.boolean().default(true),
  /** Defaults: full → true, partial → false. */
  homeassistant: z.boolean().optional(),
  /** Slugs of installed add-ons, or {slug,name,version} for add-ons no longer installed. Defaults: full → all installed, partial → none. */
  addons: z.array(BackupAddonSchema).optional(),
  /** Defaults: full → all four, partial → none. */
  folders: z.array(z.enum(FOLDERS)).optional(),
  excludeDatabase: z.boolean().default(false),
  extra: z.record(z.string(), z.unknown()).default({}),
  /** Pseudo-random (seeded) bytes added to the homeassistant part so archive sizes differ. */
  payloadBytes: z.number().int().min(0).default(20_000),
  slug: z
    .string()
    .regex(/^[-_.A-Za-z0-9]+$/)
    .optional(),
  /** File name on disk (default `<slug>.tar`). */
  filename: z
    .string()
    .regex(/^[^\\/]+\.tar$/)
    .optional(),
  supervisorVersion: z.string().optional(),
  homeassistantVersion: z.string().optional(),
  repositories: z.array(z.string()).optional(),
});

const DEFAULT_ADDONS = [
  { slug: 'core_mosquitto', name: 'Mosquitto broker', version: '6.5.1' },
  { slug: 'core_configurator', name: 'File editor', version: '5.8.0' },
  { slug: 'a0d7b954_vscode', name: 'Studio Code Server', version: '5.19.3' },
];

export const ScenarioSchema = z
  .strictObject({
    /**
     * `supervisor`: Home Assistant OS / Supervised (the Supervisor's API, Core in front of it).
     * `core`: a Core or Container install: no Supervisor, Core's own backup manager (`core.agents`, `core.backups`).
     */
    install: z.enum(['supervisor', 'core']).default('supervisor'),
    timeZone: z.string().default('Europe/Amsterdam'),
    homeassistantVersion: z.string().default('2026.11.2'),
    supervisorVersion: z.string().default('2026.11.0'),
    hassosVersion: z.string().nullable().default('16.3'),
    hostname: z.string().default('homeassistant'),
    machine: z.string().default('raspberrypi5-64'),
    arch: z.string().default('aarch64'),
    daysUntilStale: z.number().int().min(1).default(30),
    jobStepDelayMs: z.number().int().min(0).default(150),
    /** Size of the padding payload in backups made through the API. */
    newBackupPayloadBytes: z.number().int().min(0).default(50_000),
    /** Files of /config (relative path → text) that new backups hold instead of, or besides, the defaults. */
    configFiles: z.record(z.string().regex(CONFIG_FILE_PATH), z.string()).default({}),
    tokens: z.array(z.strictObject({ token: z.string().min(1), role: z.enum(ROLES) })).default([]),
    addons: z.array(AddonSchema).default(() => DEFAULT_ADDONS.map((a) => AddonSchema.parse(a))),
    mounts: z.array(MountSchema).default([]),
    defaultBackupMount: z.string().nullable().default(null),
    backups: z.array(BackupSchema).default([]),
    /**
     * The Home Assistant Core in front of the Supervisor (`/api/websocket`, `/api/hassio/…`). The key
     * stays `core` (`core.tokens`, `core.backupConfig`): scenario files and tests are written with it.
     */
    core: HomeAssistantScenarioSchema.prefault({}),
  })
  .superRefine((s, ctx) => {
    const backupMounts = new Set(s.mounts.filter((m) => m.usage === 'backup').map((m) => m.name));
    const names = s.mounts.map((m) => m.name);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', message: 'mount names must be unique', path: ['mounts'] });
    const slugs = s.addons.map((a) => a.slug);
    if (new Set(slugs).size !== slugs.length) ctx.addIssue({ code: 'custom', message: 'add-on slugs must be unique', path: ['addons'] });
    if (s.defaultBackupMount !== null && !backupMounts.has(s.defaultBackupMount)) {
      ctx.addIssue({ code: 'custom', message: `defaultBackupMount ${s.defaultBackupMount} is not a backup mount`, path: ['defaultBackupMount'] });
    }
    if (s.install === 'core' && s.backups.length > 0) {
      ctx.addIssue({ code: 'custom', message: 'a Core install has no Supervisor: put its backups into core.backups', path: ['backups'] });
    }
    const agentIds = new Set(['backup.local', ...s.core.agents.map((a) => a.agent_id)]);
    if (agentIds.size !== s.core.agents.length + 1)
      ctx.addIssue({ code: 'custom', message: 'agent ids must be unique (backup.local is always there)', path: ['core', 'agents'] });
    s.core.backups.forEach((b, i) => {
      for (const id of b.agents)
        if (!agentIds.has(id)) ctx.addIssue({ code: 'custom', message: `agent ${id} is not backup.local or one of core.agents`, path: ['core', 'backups', i, 'agents'] });
    });
    const supervisorBackups = new Set(s.backups.flatMap((b) => [b.name, ...(b.slug ? [b.slug] : [])]));
    s.core.supervisorBackupCopies.forEach((c, i) => {
      if (s.install === 'core') ctx.addIssue({ code: 'custom', message: 'a Core install has no Supervisor backups to copy', path: ['core', 'supervisorBackupCopies'] });
      if (!supervisorBackups.has(c.backup))
        ctx.addIssue({ code: 'custom', message: `${c.backup} is not the name or slug of one of backups`, path: ['core', 'supervisorBackupCopies', i, 'backup'] });
      for (const id of c.agents)
        if (!agentIds.has(id) || id === 'backup.local')
          ctx.addIssue({ code: 'custom', message: `agent ${id} is not one of core.agents`, path: ['core', 'supervisorBackupCopies', i, 'agents'] });
    });
    s.backups.forEach((b, i) => {
      for (const loc of b.locations) {
        if (loc !== null && loc !== '.local' && loc !== '' && !backupMounts.has(loc)) {
          ctx.addIssue({ code: 'custom', message: `location ${loc} is not a backup mount`, path: ['backups', i, 'locations'] });
        }
      }
    });
  });

/** What callers may pass (every field optional). */
export type Scenario = z.input<typeof ScenarioSchema>;
/** The scenario with all defaults applied. */
export type ResolvedScenario = z.output<typeof ScenarioSchema>;
export type ScenarioAddon = ResolvedScenario['addons'][number];
export type ScenarioMount = ResolvedScenario['mounts'][number];
export type ScenarioBackup = ResolvedScenario['backups'][number];

/** Used when no scenario is given at all: a few add-ons, one NAS mount, three backups. */
export const DEFAULT_SCENARIO: Scenario = {
  mounts: [{ name: 'nas_backups', type: 'cifs', usage: 'backup', server: 'nas.local', share: 'backups', state: 'active' }],
  backups: [
    { name: 'Weekly full backup', date: '2026-11-22T03:00:00.412593+01:00', type: 'full', locations: [null, 'nas_backups'] },
    { name: 'Before Mosquitto update', date: '2026-11-10T19:42:11.002137+01:00', type: 'partial', addons: ['core_mosquitto'], folders: ['share'] },
    { name: 'Monthly full backup', date: '2026-10-01T03:00:00.731024+02:00', type: 'full', password: 'demo', payloadBytes: 60_000 },
  ],
};

export class ScenarioError extends Error {}

export function parseScenario(input: unknown, source = 'scenario'): ResolvedScenario {
  const result = ScenarioSchema.safeParse(input ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ScenarioError(`Invalid ${source}:\n${lines.join('\n')}`);
  }
  // ".local" / "" are aliases of the local folder, as in the API.
  for (const b of result.data.backups) b.locations = b.locations.map((l) => (l === '.local' || l === '' ? null : l));
  return result.data;
}

/** Resolve a scenario object, a path to a JSON file, or nothing (→ DEFAULT_SCENARIO). */
export async function loadScenario(input?: Scenario | string, install?: 'supervisor' | 'core'): Promise<ResolvedScenario> {
  // Without a scenario a Core install is a fresh one: backup.local only, no backups.
  if (input === undefined) return parseScenario(install === 'core' ? { install } : DEFAULT_SCENARIO, 'default scenario');
  if (typeof input === 'string') {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(input, 'utf8')) as unknown;
    } catch (e) {
      throw new ScenarioError(`Cannot read scenario ${input}: ${(e as Error).message}`);
    }
    return parseScenario(raw, `scenario ${input}`);
  }
  return parseScenario(input);
}
