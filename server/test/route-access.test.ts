import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type Principal, staticTokenResolver } from '../src/kernel/auth/principal.js';
import { createPool } from '../src/kernel/db/pool.js';
import { Database } from '../src/kernel/db/transaction.js';
import type { RouteAccessRecord } from '../src/kernel/http/access.js';
import type { AdmiralApp } from '../src/kernel/http/app-types.js';
import { HostRouter } from '../src/kernel/http/host-routing.js';
import { JobQueue } from '../src/kernel/jobs/queue.js';
import { Metrics } from '../src/kernel/metrics.js';
import { defineModule, type ModuleDefinition, permissionCatalog } from '../src/kernel/module.js';
import { createModules } from '../src/modules/index.js';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

/** Builds (without starting) an app from the pieces `startAdmiral` assembles, plus extra modules. No database is contacted. */
async function buildWith(extra: ModuleDefinition[], position: 'first' | 'last' = 'last') {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const pool = createPool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1, applicationName: 'route-access-test' });
  const db = new Database(pool);
  const metrics = new Metrics({ main: pool });
  const hostRouter = new HostRouter(db);
  const core = createModules({ hostRouter });
  const modules = position === 'first' ? [...extra, ...core] : [...core, ...extra];
  const jobs = new JobQueue({ runtimeUrl: 'postgres://nobody@127.0.0.1:1/none', definitions: [], db, metrics });
  try {
    const built = await buildApp({ config, db, metrics, jobs, hostRouter, modules, principals: staticTokenResolver({}), logger: false });
    await built.app.ready();
    await built.app.close();
    return built;
  } finally {
    await pool.end();
  }
}

describe('the kernel refuses routes without an access declaration', () => {
  it('builds with well-declared extra routes (control)', async () => {
    const fine = defineModule({
      name: 'fine',
      permissions: [{ key: 'fine.read', description: 'Read fine things' }],
      routes: {
        platform: (app) => {
          app.get('/fine', { config: { permission: 'fine.read' } }, async () => ({}));
          app.get('/fine/public', { config: { public: true } }, async () => ({}));
        },
        tenant: (app) => {
          app.get('/fine', { config: { permission: 'fine.read' } }, async () => ({}));
        },
      },
    });
    const built = await buildWith([fine]);
    expect(built.routes).toContainEqual({ method: 'GET', url: '/v1/fine', permission: 'fine.read', authenticated: false, tenant: false });
    expect(built.routes).toContainEqual({ method: 'GET', url: '/v1/fine/public', permission: null, authenticated: false, tenant: false });
    expect(built.routes).toContainEqual({ method: 'GET', url: '/v1/sites/:siteId/fine', permission: 'fine.read', authenticated: false, tenant: true });
  });

  it('throws for a platform route that declares neither permission nor public', async () => {
    const broken = defineModule({
      name: 'broken',
      routes: {
        platform: (app) => {
          app.get('/broken', async () => ({}));
        },
      },
    });
    await expect(buildWith([broken])).rejects.toThrow(/GET \/v1\/broken declares neither config\.permission nor config\.public/);
  });

  it('throws for a tenant route that declares neither permission nor public', async () => {
    const broken = defineModule({
      name: 'broken',
      routes: {
        tenant: (app) => {
          app.post('/broken', async () => ({}));
        },
      },
    });
    await expect(buildWith([broken])).rejects.toThrow(/POST \/v1\/sites\/:siteId\/broken declares neither/);
  });

  it('throws for config.public that is not exactly true', async () => {
    const broken = defineModule({
      name: 'broken',
      routes: {
        platform: (app) => {
          app.get('/broken', { config: { public: 'yes' as unknown as true } }, async () => ({}));
        },
      },
    });
    await expect(buildWith([broken])).rejects.toThrow(/declares neither/);
  });

  it('throws for a route naming a permission no module declares', async () => {
    const broken = defineModule({
      name: 'broken',
      permissions: [{ key: 'broken.read', description: 'Read broken things' }],
      routes: {
        platform: (app) => {
          app.get('/broken', { config: { permission: 'broken.write' } }, async () => ({}));
        },
      },
    });
    await expect(buildWith([broken])).rejects.toThrow(/GET \/v1\/broken requires broken\.write, which no module declares/);
  });
});

describe('route options agree with the access registry', () => {
  it('every /v1 route states config.permission or config.public, as recorded', async () => {
    const seen: Array<{ method: string; url: string; permission?: string; public?: boolean; authenticated?: boolean }> = [];
    const spy = defineModule({
      name: 'spy',
      routes: {
        platform: (app: AdmiralApp) => {
          app.addHook('onRoute', (route) => {
            const config = (route.config ?? {}) as { permission?: string; public?: boolean; authenticated?: boolean };
            for (const method of [route.method].flat())
              seen.push({ method: String(method), url: route.url, permission: config.permission, public: config.public, authenticated: config.authenticated });
          });
        },
      },
    });
    const built = await buildWith([spy], 'first');
    const v1 = built.routes.filter((r) => r.url.startsWith('/v1/') && r.url !== '/v1/openapi.json');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((r) => `${r.method} ${r.url}`).sort()).toEqual(v1.map((r) => `${r.method} ${r.url}`).sort());
    for (const route of seen) {
      const where = `${route.method} ${route.url}`;
      const declared = [typeof route.permission === 'string', route.public === true, route.authenticated === true].filter(Boolean).length;
      expect(declared, `${where} declares exactly one of permission, public, authenticated`).toBe(1);
      const record = v1.find((r) => r.method === route.method && r.url === route.url);
      expect(record?.permission ?? null, where).toBe(route.permission ?? null);
      expect(record?.authenticated, where).toBe(route.authenticated === true);
    }
  });
});

/** `printRoutes()` as (METHOD path) pairs: the router's own view of every route. */
function routerRoutes(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[└├]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = (stack[depth - 1] ?? '') + (match[2] ?? '');
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim())) if (method) out.push(`${method} ${path}`);
  }
  return out;
}

describe('the permission guard on every route', () => {
  let database: TestDatabase;
  let admiral: TestAdmiral;
  let siteId: string;
  let catalog: string[];
  let routes: RouteAccessRecord[];
  const ids = new Map<string, string>();
  const ALL_BUT = (permission: string) => `all-but-${permission}`;
  const ONLY = (permission: string) => `only-${permission}`;
  const ELSEWHERE = 'every-permission-on-another-site';

  beforeAll(async () => {
    database = await createTestDatabase();
    // First run: the super admin creates the site and a domain the narrower principals are then scoped to.
    const setup = await startTestAdmiral({ database });
    try {
      const site = await setup.app.inject({ method: 'POST', url: '/v1/sites', headers: superAdmin, payload: { name: 'Guarded', slug: 'guarded' } });
      expect(site.statusCode, site.body).toBe(201);
      siteId = site.json().id;
      const domain = await setup.app.inject({
        method: 'POST',
        url: `/v1/sites/${siteId}/domains`,
        headers: superAdmin,
        payload: { domainName: 'guarded.example.test' },
      });
      expect(domain.statusCode, domain.body).toBe(201);
      catalog = permissionCatalog(setup.modules).map((p) => p.key);
    } finally {
      await setup.stop();
    }
    const tokens: Record<string, Principal> = {};
    for (const permission of catalog) {
      const others = catalog.filter((p) => p !== permission);
      tokens[ALL_BUT(permission)] = staticPrincipal({ id: randomUUID(), sites: { [siteId]: others }, platform: others });
      tokens[ONLY(permission)] = staticPrincipal({ id: randomUUID(), sites: { [siteId]: [permission] }, platform: [permission] });
    }
    tokens[ELSEWHERE] = staticPrincipal({ id: randomUUID(), sites: { [randomUUID()]: catalog } });
    admiral = await startTestAdmiral({ database, tokens });
    routes = admiral.routes;
    // A real id for every `:param` after the site: the first row its collection lists.
    for (const route of routes) {
      const segments = route.url.split('/');
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i] as string;
        if (!segment.startsWith(':') || segment === ':siteId') continue;
        const collection = segments.slice(0, i).join('/');
        if (ids.has(collection)) continue;
        const list = await admiral.app.inject({ method: 'GET', url: collection.replace(':siteId', siteId), headers: superAdmin });
        const first = list.statusCode === 200 ? (list.json() as { data?: Array<{ id?: string }> }).data?.[0]?.id : undefined;
        ids.set(collection, first ?? randomUUID());
      }
    }
  });
  afterAll(async () => {
    await admiral?.stop();
    await database?.drop();
  });

  const fill = (url: string): string => {
    const segments = url.split('/');
    return segments
      .map((segment, i) => {
        if (segment === ':siteId') return siteId;
        if (segment.startsWith(':')) return ids.get(segments.slice(0, i).join('/')) ?? randomUUID();
        if (segment === '*') return 'swagger-ui.css';
        return segment;
      })
      .join('/');
  };

  type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  const call = (route: RouteAccessRecord, headers: Record<string, string> = {}) =>
    admiral.app.inject({ method: route.method as Method, url: fill(route.url), headers });

  /** Writes that could change the fixtures run last, so every route still sees the real site and resource. */
  const ordered = () => {
    const rank: Record<string, number> = { GET: 0, HEAD: 0, POST: 1, PUT: 2, PATCH: 2, DELETE: 3 };
    return routes.filter((r) => r.permission !== null).sort((a, b) => (rank[a.method] ?? 1) - (rank[b.method] ?? 1));
  };

  function expectProblem(response: LightMyRequestResponse, route: RouteAccessRecord, status: number, code: string) {
    const where = `${route.method} ${route.url} (${route.permission ?? 'public'})`;
    expect(response.statusCode, `${where}: ${response.body}`).toBe(status);
    expect(response.headers['content-type'], where).toMatch(/^application\/problem\+json/);
    if (route.method !== 'HEAD') {
      const body = response.json() as { code?: string; status?: number };
      expect(body.code, where).toBe(code);
      expect(body.status, where).toBe(status);
    }
  }

  it('every route the router knows is in the access registry', () => {
    const registered = routes.map((r) => `${r.method} ${r.url}`);
    // The printed tree folds a static prefix into its wildcard child (`/docs/static/*` prints as `docs` → `*`).
    const known = routerRoutes(admiral.app.printRoutes({ commonPrefix: false })).map((entry) =>
      entry.endsWith('*') ? (registered.find((r) => r.endsWith('*') && r.startsWith(entry.slice(0, -1))) ?? entry) : entry,
    );
    expect(known.length).toBeGreaterThan(0);
    expect(new Set(known)).toEqual(new Set(registered));
  });

  it('every permission a route requires is in the catalog, and the catalog is what /v1/permissions lists', async () => {
    for (const route of routes) if (route.permission !== null) expect(catalog, `${route.method} ${route.url}`).toContain(route.permission);
    const listed = await admiral.app.inject({ method: 'GET', url: '/v1/permissions' });
    expect((listed.json() as { data: Array<{ key: string }> }).data.map((p) => p.key)).toEqual(catalog);
  });

  it('has guarded routes to check', () => {
    expect(ordered().length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.permission === null && !r.authenticated).length).toBeGreaterThan(0);
  });

  it('(a) answers 401 unauthenticated without a token, or with an unknown one', async () => {
    for (const route of ordered()) {
      const none = await call(route);
      expectProblem(none, route, 401, 'unauthenticated');
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expectProblem(await call(route, bearer('not-a-known-token')), route, 401, 'unauthenticated');
    }
  });

  it('(b) answers 403 permission_denied to a caller holding every other permission in the catalog', async () => {
    for (const route of ordered()) {
      expectProblem(await call(route, bearer(ALL_BUT(route.permission as string))), route, 403, 'permission_denied');
    }
  });

  it('(b′) answers 403 to a caller holding every permission, but on another site only', async () => {
    for (const route of ordered()) expectProblem(await call(route, bearer(ELSEWHERE)), route, 403, 'permission_denied');
  });

  it('(c) lets a caller holding only the route’s permission past the guard', async () => {
    for (const route of ordered()) {
      const response = await call(route, bearer(ONLY(route.permission as string)));
      const where = `${route.method} ${route.url} (${route.permission}): ${response.statusCode} ${response.body}`;
      expect([401, 403], where).not.toContain(response.statusCode);
      expect(response.statusCode, where).toBeLessThan(500);
    }
  });

  it('public routes answer without a token', async () => {
    for (const route of routes.filter((r) => r.permission === null && !r.authenticated)) {
      const response = await call(route);
      const where = `${route.method} ${route.url}: ${response.statusCode} ${response.body.slice(0, 200)}`;
      expect([401, 403], where).not.toContain(response.statusCode);
      // A public route called without its body, query or record (a POST with no body, a signed link without its
      // signature, a published article that does not exist) is refused for that (400, 404), never for lack of credentials.
      expect(response.statusCode, where).toBeLessThan(500);
      if (response.statusCode >= 400) expect([400, 404], where).toContain(response.statusCode);
    }
  });

  it('routes for any signed-in caller answer 401 without a token and let any valid caller past the guard', async () => {
    const authenticated = routes.filter((r) => r.authenticated);
    expect(authenticated.length).toBeGreaterThan(0);
    for (const route of authenticated) {
      const none = await call(route);
      expectProblem(none, route, 401, 'unauthenticated');
      const anyone = await call(route, bearer(ELSEWHERE));
      const where = `${route.method} ${route.url}: ${anyone.statusCode} ${anyone.body.slice(0, 200)}`;
      expect([401, 403], where).not.toContain(anyone.statusCode);
      expect(anyone.statusCode, where).toBeLessThan(500);
    }
  });
});
