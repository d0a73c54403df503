// Small, realistic file contents for the inner archives (what a real /config, add-on data
// folder or /ssl would hold), plus a deterministic filler so backup sizes differ.
import { createCipheriv, createHash } from 'node:crypto';
import type { TarInput } from './tar';

/** Deterministic pseudo-random bytes (AES-CTR keystream over a seed): incompressible, reproducible. */
export function seededBytes(seed: string, length: number): Buffer {
  const digest = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-128-ctr', digest.subarray(0, 16), digest.subarray(16, 32));
  return cipher.update(Buffer.alloc(length));
}

interface Stamp {
  mtime: number;
}

const dir = (name: string, s: Stamp, mode = 0o755): TarInput => ({ name, type: 'dir', mode, mtime: s.mtime, uname: 'root', gname: 'root' });
const file = (name: string, text: string | Buffer, s: Stamp, mode = 0o644): TarInput => ({
  name,
  type: 'file',
  mode,
  mtime: s.mtime,
  uname: 'root',
  gname: 'root',
  data: typeof text === 'string' ? Buffer.from(text, 'utf8') : text,
});

export const CONFIGURATION_YAML = `# Loads default set of integrations. Do not remove.
default_config:

# Load frontend themes from the themes folder
frontend:
  themes: !include_dir_merge_named themes

homeassistant:
  name: Home
  unit_system: metric
  time_zone: Europe/Amsterdam
  currency: EUR
  country: NL

http:
  use_x_forwarded_for: true
  trusted_proxies:
    - 172.30.33.0/24

recorder:
  purge_keep_days: 10

automation: !include automations.yaml
script: !include scripts.yaml
scene: !include scenes.yaml
`;

export const AUTOMATIONS_YAML = `- id: '1718123456789'
  alias: Hallway light on motion
  description: Turn on the hallway light when motion is detected after sunset
  triggers:
    - trigger: state
      entity_id: binary_sensor.hallway_motion
      to: 'on'
  conditions:
    - condition: sun
      after: sunset
  actions:
    - action: light.turn_on
      target:
        entity_id: light.hallway
      data:
        brightness_pct: 60
  mode: restart
- id: '1718123999001'
  alias: Notify when washing machine is done
  triggers:
    - trigger: numeric_state
      entity_id: sensor.washing_machine_power
      below: 3
      for: '00:02:00'
  actions:
    - action: notify.mobile_app_phone
      data:
        message: The washing machine is done.
  mode: single
`;

const SECRETS_YAML = `# Use this file to store secrets like usernames and passwords.
# Learn more at https://www.home-assistant.io/docs/configuration/secrets/
some_password: welcome
mqtt_password: emulator-not-a-real-secret
`;

/** Members of homeassistant.tar(.gz): ./homeassistant.json, then data/ = the /config tree. */
export function homeAssistantMembers(opts: {
  version: string;
  excludeDatabase: boolean;
  payload: Buffer;
  stamp: Stamp;
  uuid: string;
  /** Config files (path relative to /config → text) over the defaults: a file's history across backups. */
  files?: Readonly<Record<string, string>>;
}): TarInput[] {
  const s = opts.stamp;
  const settings = {
    uuid: opts.uuid,
    version: opts.version,
    boot: true,
    port: 8123,
    ssl: false,
    watchdog: true,
    audio_output: null,
    audio_input: null,
    backups_exclude_database: false,
    duplicate_log_file: false,
    override_image: false,
    image: 'ghcr.io/home-assistant/raspberrypi5-64-homeassistant',
  };
  const members: TarInput[] = [
    dir('.', s, 0o700),
    file('./homeassistant.json', JSON.stringify(settings), s, 0o600),
    dir('data', s),
    file('data/.HA_VERSION', opts.version, s),
    file('data/configuration.yaml', CONFIGURATION_YAML, s),
    file('data/automations.yaml', AUTOMATIONS_YAML, s),
    file('data/scripts.yaml', '', s),
    file('data/scenes.yaml', '', s),
    file('data/secrets.yaml', SECRETS_YAML, s),
    dir('data/.storage', s),
    file('data/.storage/core.uuid', JSON.stringify({ version: 1, minor_version: 1, key: 'core.uuid', data: { uuid: opts.uuid } }, null, 2), s, 0o600),
  ];
  for (const [rel, text] of Object.entries(opts.files ?? {})) {
    const name = `data/${rel}`;
    const at = members.findIndex((m) => m.name === name);
    if (at >= 0) members[at] = file(name, text, s);
    else members.push(file(name, text, s));
  }
  if (opts.payload.length > 0) {
    // The recorder database is what makes real backups big; without it, the traces.
    const name = opts.excludeDatabase ? 'data/.storage/trace.saved_traces' : 'data/home-assistant_v2.db';
    members.push(file(name, opts.payload, s));
  }
  return members;
}

/** Members of <addon>.tar(.gz): ./addon.json ({user, system, version, state}) and data/. */
export function addonMembers(addon: { slug: string; name: string; version: string; state: string }, stamp: Stamp, payload?: Buffer): TarInput[] {
  const shortSlug = addon.slug.includes('_') ? addon.slug.slice(addon.slug.indexOf('_') + 1) : addon.slug;
  const repository = addon.slug.includes('_') ? addon.slug.slice(0, addon.slug.indexOf('_')) : 'local';
  const addonJson = {
    user: { options: {}, version: addon.version, auto_update: false, boot: 'auto', watchdog: true, ingress_panel: false, protected: true, system_managed: false },
    system: {
      name: addon.name,
      version: addon.version,
      slug: shortSlug,
      repository,
      description: `${addon.name} (emulated)`,
      arch: ['aarch64', 'amd64'],
      startup: 'application',
      backup: 'hot',
      options: {},
      schema: {},
    },
    version: addon.version,
    state: addon.state === 'started' ? 'started' : 'stopped',
  };
  const members: TarInput[] = [
    dir('.', stamp, 0o700),
    file('./addon.json', JSON.stringify(addonJson, null, 2), stamp, 0o600),
    dir('data', stamp),
    file('data/options.json', JSON.stringify({ log_level: 'info' }), stamp),
  ];
  if (payload && payload.length > 0) members.push(file('data/state.bin', payload, stamp));
  return members;
}

/** Members of a folder archive (folder contents with arcname "."). */
export function folderMembers(folder: string, stamp: Stamp, payload?: Buffer): TarInput[] {
  const s = stamp;
  const members: TarInput[] = [dir('.', s)];
  switch (folder) {
    case 'share':
      members.push(dir('./mosquitto', s), file('./mosquitto/acl.conf', 'user homeassistant\ntopic readwrite #\n', s));
      break;
    case 'addons/local':
      members.push(
        dir('./hello_world', s),
        file('./hello_world/config.yaml', 'name: Hello world\nversion: "1.0.0"\nslug: hello_world\ndescription: My first local add-on\narch:\n  - aarch64\n  - amd64\n', s),
        file('./hello_world/Dockerfile', 'ARG BUILD_FROM\nFROM $BUILD_FROM\nCMD [ "/run.sh" ]\n', s),
      );
      break;
    case 'ssl':
      members.push(
        file('./fullchain.pem', '-----BEGIN CERTIFICATE-----\nRU1VTEFUT1IgRkFLRSBDRVJUSUZJQ0FURQ==\n-----END CERTIFICATE-----\n', s),
        file('./privkey.pem', '-----BEGIN PRIVATE KEY-----\nRU1VTEFUT1IgRkFLRSBLRVk=\n-----END PRIVATE KEY-----\n', s, 0o600),
      );
      break;
    case 'media':
      members.push(dir('./recordings', s), file('./recordings/README.txt', 'Camera recordings are stored here.\n', s));
      break;
    default:
      break;
  }
  if (payload && payload.length > 0) members.push(file('./payload.bin', payload, s));
  return members;
}
