// Route table with aiohttp semantics: `{name}` path parameters, HEAD allowed on GET routes,
// 405 when the path exists for another method, 404 otherwise.
import type { RequestContext } from './http';
import type { Supervisor } from './supervisor';

export type Handler = (ctx: RequestContext, sup: Supervisor) => Promise<unknown>;

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

export type Resolution = { kind: 'found'; handler: Handler; params: Record<string, string> } | { kind: 'method_not_allowed'; allowed: string[] } | { kind: 'not_found' };

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const source = pattern
      .split(/(\{[a-z_]+\})/)
      .map((part) => {
        const m = /^\{([a-z_]+)\}$/.exec(part);
        if (m?.[1]) {
          names.push(m[1]);
          return '([^{}/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    this.routes.push({ method, regex: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  resolve(method: string, path: string): Resolution {
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        const params: Record<string, string> = {};
        route.names.forEach((name, i) => (params[name] = m[i + 1] ?? ''));
        return { kind: 'found', handler: route.handler, params };
      }
      allowed.add(route.method);
      if (route.method === 'GET') allowed.add('HEAD');
    }
    return allowed.size > 0 ? { kind: 'method_not_allowed', allowed: [...allowed] } : { kind: 'not_found' };
  }
}
