// /info, /supervisor/info, /core/info, /addons, /mounts: enough of the system API for a client
// to show versions, installed add-ons and backup locations.
import type { RequestContext } from '../http';
import type { Supervisor } from '../supervisor';

const ok = (data: unknown): Promise<unknown> => Promise.resolve(data);

export const getInfo = (_ctx: RequestContext, sup: Supervisor): Promise<unknown> =>
  ok({
    supervisor: sup.supervisorVersion,
    homeassistant: sup.scenario.homeassistantVersion,
    hassos: sup.scenario.hassosVersion,
    docker: '28.3.3',
    hostname: sup.scenario.hostname,
    operating_system: sup.scenario.hassosVersion ? `Home Assistant OS ${sup.scenario.hassosVersion}` : 'Debian GNU/Linux 12 (bookworm)',
    features: ['reboot', 'shutdown', 'services', 'network', 'hostname', 'timedate', 'os_agent', 'haos', 'resolved', 'journal', 'disk', 'mount'],
    machine: sup.scenario.machine,
    machine_id: sup.machineId,
    arch: sup.scenario.arch,
    state: sup.coreState,
    supported_arch: sup.scenario.arch === 'aarch64' ? ['aarch64', 'armv7', 'armhf'] : [sup.scenario.arch],
    supported: true,
    channel: 'stable',
    logging: 'info',
    timezone: sup.scenario.timeZone,
  });

function addonSummary(sup: Supervisor): Record<string, unknown>[] {
  return sup.addons.map((a) => ({
    name: a.name,
    slug: a.slug,
    version: a.version,
    version_latest: a.versionLatest ?? a.version,
    update_available: (a.versionLatest ?? a.version) !== a.version,
    state: a.state,
    repository: a.repository ?? (a.slug.includes('_') ? a.slug.slice(0, a.slug.indexOf('_')) : 'local'),
    icon: true,
  }));
}

export const getSupervisorInfo = (_ctx: RequestContext, sup: Supervisor): Promise<unknown> =>
  ok({
    version: sup.supervisorVersion,
    version_latest: sup.supervisorVersion,
    update_available: false,
    channel: 'stable',
    arch: sup.scenario.arch,
    supported: true,
    healthy: true,
    ip_address: '172.30.32.2',
    timezone: sup.scenario.timeZone,
    logging: 'info',
    debug: false,
    debug_block: false,
    diagnostics: false,
    auto_update: true,
    detect_blocking_io: false,
    country: 'NL',
    feature_flags: { supervisor_v2_api: false, supervisor_websocket_v2_api: false },
    wait_boot: 5,
    addons: addonSummary(sup),
    addons_repositories: [
      { name: 'Local apps', slug: 'local' },
      { name: 'Official apps', slug: 'core' },
      { name: 'Home Assistant Community Apps', slug: 'a0d7b954' },
    ],
  });

export const getHomeAssistantInfo = (_ctx: RequestContext, sup: Supervisor): Promise<unknown> =>
  ok({
    version: sup.scenario.homeassistantVersion,
    version_latest: sup.scenario.homeassistantVersion,
    update_available: false,
    machine: sup.scenario.machine,
    ip_address: '172.30.32.1',
    arch: sup.scenario.arch,
    image: `ghcr.io/home-assistant/${sup.scenario.machine}-homeassistant`,
    boot: true,
    port: 8123,
    ssl: false,
    watchdog: true,
    audio_input: null,
    audio_output: null,
    backups_exclude_database: false,
    duplicate_log_file: false,
  });

export const getAddons = (_ctx: RequestContext, sup: Supervisor): Promise<unknown> =>
  ok({
    addons: sup.addons.map((a) => ({
      name: a.name,
      slug: a.slug,
      description: a.description ?? `${a.name} add-on`,
      advanced: false,
      stage: 'stable',
      version: a.version,
      version_latest: a.versionLatest ?? a.version,
      update_available: (a.versionLatest ?? a.version) !== a.version,
      available: true,
      detached: false,
      homeassistant: null,
      state: a.state,
      repository: a.repository ?? (a.slug.includes('_') ? a.slug.slice(0, a.slug.indexOf('_')) : 'local'),
      build: false,
      url: null,
      icon: true,
      logo: true,
      system_managed: false,
    })),
  });

export const getMounts = (_ctx: RequestContext, sup: Supervisor): Promise<unknown> =>
  ok({
    default_backup_mount: sup.defaultBackupMount,
    mounts: sup.mounts.map((m) => {
      const base: Record<string, unknown> = { server: m.server, name: m.name, type: m.type, usage: m.usage, read_only: m.readOnly };
      if (m.port !== undefined) base.port = m.port;
      const typed = m.type === 'cifs' ? { share: m.share ?? '', ...base, version: m.version ?? null } : { path: m.path ?? '', ...base };
      // Media and share mounts appear in containers under /media/<name> and /share/<name>.
      return { ...typed, state: m.state, user_path: m.usage === 'backup' ? null : `/${m.usage}/${m.name}` };
    }),
  });

export const getPing = (): Promise<unknown> => ok({});
