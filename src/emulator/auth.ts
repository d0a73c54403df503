// Token check and role-based path access (supervisor/api/middleware/security.py, v1 patterns).
import type { IncomingHttpHeaders } from 'node:http';
import { forbidden, unauthorized } from './http';
import type { Role } from './scenario';

const RE_SLUG = '[-_.A-Za-z0-9]+';

/** Paths an app token may always call, whatever its role. */
const API_BYPASS = /^(?:|\/addons\/self\/(?!security|update)[^/]+|\/addons\/self\/options\/config|\/info|\/services.*|\/discovery.*|\/auth)$/;

/** Paths without token check at all. */
const NO_SECURITY_CHECK = new RegExp(`^(?:|/supervisor/ping|/app/.*\\.(?:js|gz|json|map|woff2)|/(store/)?addons/${RE_SLUG}/(logo|icon))$`);

const ROLE_ACCESS: Record<Role, RegExp> = {
  default: /^(?:|\/.+\/info)$/,
  homeassistant: /^(?:|\/.+\/info|\/core\/.+|\/homeassistant\/.+)$/,
  backup: /^(?:|\/.+\/info|\/backups.*)$/,
  manager: new RegExp(
    '^(?:|/.+/info' +
      `|/addons(?:/${RE_SLUG}/(?!security).+|/reload)?` +
      '|/audio/.+|/auth/cache|/available_updates|/backups.*|/cli/.+|/core/.+|/dns/.+|/docker/.+|/jobs/.+' +
      '|/hardware/.+|/homeassistant/.+|/host/.+|/mounts.*|/multicast/.+|/network/.+|/observer/.+' +
      '|/os/(?!datadisk/wipe).+|/refresh_updates|/resolution/.+|/security/.+|/snapshots.*|/store.*|/supervisor/.+' +
      ')$',
  ),
  admin: /.*/,
};

/** utils.py::extract_supervisor_token: X-Supervisor-Token, X-Hassio-Key, then the last word of Authorization. */
export function extractToken(headers: IncomingHttpHeaders): string | null {
  const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  const supervisorToken = first(headers['x-supervisor-token']);
  if (supervisorToken) return supervisorToken;
  const hassioKey = first(headers['x-hassio-key']);
  if (hassioKey) return hassioKey;
  const authorization = first(headers.authorization);
  if (authorization) return authorization.split(' ').pop() ?? null;
  return null;
}

/**
 * Returns the caller's role (null for paths that need no token); throws the aiohttp
 * plain-text 401 (no token) or 403 (unknown token or role not allowed).
 */
export function authorize(path: string, headers: IncomingHttpHeaders, tokens: ReadonlyMap<string, Role>): Role | null {
  if (NO_SECURITY_CHECK.test(path)) return null;
  const token = extractToken(headers);
  if (!token) throw unauthorized();
  const role = tokens.get(token);
  if (role === undefined) throw forbidden();
  if (API_BYPASS.test(path) || ROLE_ACCESS[role].test(path)) return role;
  throw forbidden();
}
