import type { FastifyInstance, RouteOptions } from 'fastify';
import { authorize } from '../auth/guard.js';
import type { PrincipalResolver } from '../auth/principal.js';
import { badRequest } from './problem.js';

export interface RouteAccessRecord {
  method: string;
  url: string;
  permission: string | null;
  /** Any signed-in caller (no permission key). */
  authenticated: boolean;
  tenant: boolean;
}

/** Routes added by infrastructure plugins (interactive docs, console assets) that are public by nature. */
const INFRASTRUCTURE_PREFIXES = ['/docs'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every route must say who may call it: `config.permission` or `config.public`. A route that says neither,
 * or names a permission no module declared, stops the app from starting.
 */
export function enforceRouteAccessDeclarations(
  app: FastifyInstance,
  catalog: ReadonlySet<string>,
  registry: RouteAccessRecord[],
  segments: { tenant: Set<string>; platform: Set<string> },
): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const config = (route.config ?? {}) as { permission?: string; public?: boolean; authenticated?: boolean };
    const declared = [Boolean(config.permission), config.public === true, config.authenticated === true].filter(Boolean).length;
    if (declared > 1) throw new Error(`route ${String(route.method)} ${route.url} declares more than one of permission, public, authenticated`);
    if (declared === 0) {
      // @fastify/static marks its routes with config.rootPath: console assets, public by nature.
      const isStaticAsset = (route.config as { rootPath?: unknown } | undefined)?.rootPath !== undefined;
      // @fastify/cors adds `OPTIONS *` for preflight requests (answered in its own hook): public by nature.
      const isCorsPreflight = route.url === '*' && [route.method].flat().every((method) => method === 'OPTIONS');
      if (isStaticAsset || isCorsPreflight || INFRASTRUCTURE_PREFIXES.some((prefix) => route.url.startsWith(prefix))) {
        route.config = { ...(route.config ?? {}), public: true } as RouteOptions['config'];
      } else {
        throw new Error(`route ${String(route.method)} ${route.url} declares neither config.permission nor config.public (nor config.authenticated)`);
      }
    }
    if (config.permission && !catalog.has(config.permission)) {
      throw new Error(`route ${String(route.method)} ${route.url} requires ${config.permission}, which no module declares`);
    }
    const tenant = route.url.startsWith('/v1/sites/:siteId/') || route.url === '/v1/sites/:siteId';
    if (route.url.startsWith('/v1/sites/:siteId/')) segments.tenant.add(route.url.split('/')[4] ?? '');
    else if (route.url.startsWith('/v1/')) segments.platform.add(route.url.split('/')[2] ?? '');
    for (const method of [route.method].flat()) {
      registry.push({ method: String(method), url: route.url, permission: config.permission ?? null, authenticated: config.authenticated === true, tenant });
    }
  });
}

/** Resolves the caller and applies the route's permission on every request, before the body is read. */
export function registerAccessControl(app: FastifyInstance, principals: PrincipalResolver): void {
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config as { permission?: string; public?: boolean; authenticated?: boolean } | undefined;
    if (!config || request.is404) return;
    const params = request.params as { siteId?: string } | undefined;
    if (params?.siteId !== undefined) {
      if (!UUID.test(params.siteId)) {
        throw badRequest('validation_failed', 'The site id in the path must be a UUID.', [
          { in: 'params', pointer: '/siteId', detail: 'must be a valid uuid' },
        ]);
      }
      request.siteId = params.siteId.toLowerCase();
    }
    if (config.public) return;
    request.principal = await principals.resolve(request);
    authorize(request.principal, config.authenticated ? { authenticated: true } : { permission: config.permission as string }, request.siteId);
  });
}
