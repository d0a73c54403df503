// `get_config` (home-assistant/core homeassistant/components/websocket_api/commands.py handle_get_config:
// hass.config.as_dict()): the fields clients read, among them `version` and `components` — `backup` there
// means the backup integration is loaded, `hassio` that a Supervisor runs the installation.
import { atLeast } from '../version';

export interface CoreConfigInput {
  install: 'supervisor' | 'core';
  haVersion: string;
  timeZone: string;
  /** Domains of the backup agents' integrations (cloud, webdav, …). */
  agentDomains: string[];
}

const BASE_COMPONENTS = ['api', 'auth', 'config', 'default_config', 'frontend', 'http', 'homeassistant', 'onboarding', 'person', 'recorder', 'websocket_api'];

export function coreConfig(input: CoreConfigInput): Record<string, unknown> {
  const components = new Set(BASE_COMPONENTS);
  // The backup integration: on Core/Container installs since 2022.4, on Supervisor installs since 2025.1.
  if (input.install === 'core' || atLeast(input.haVersion, '2025.1.0')) components.add('backup');
  if (input.install === 'supervisor') components.add('hassio');
  for (const d of input.agentDomains) if (d !== 'backup') components.add(d);
  return {
    allowlist_external_dirs: ['/config/www', '/media'],
    allowlist_external_urls: [],
    components: [...components].sort(),
    config_dir: '/config',
    config_source: 'storage',
    country: 'NL',
    currency: 'EUR',
    debug: false,
    elevation: 0,
    external_url: null,
    internal_url: null,
    language: 'en',
    latitude: 52.3731339,
    location_name: 'Home',
    longitude: 4.8903147,
    radius: 100,
    recovery_mode: false,
    safe_mode: false,
    state: 'RUNNING',
    time_zone: input.timeZone,
    unit_system: { length: 'km', accumulated_precipitation: 'mm', area: 'm²', mass: 'g', pressure: 'Pa', temperature: '°C', volume: 'L', wind_speed: 'm/s' },
    version: input.haVersion,
    whitelist_external_dirs: ['/config/www', '/media'],
  };
}
