import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { type AuditWriter, databaseAuditWriter } from './kernel/audit/writer.js';
import type { PrincipalResolver } from './kernel/auth/principal.js';
import { SecretBox } from './kernel/crypto/secret-box.js';
import { readOrCreateLocalSecret } from './kernel/db/local-state.js';
import type { Database } from './kernel/db/transaction.js';
import { enforceRouteAccessDeclarations, type RouteAccessRecord, registerAccessControl } from './kernel/http/access.js';
import type { AdmiralApp } from './kernel/http/app-types.js';
import { type NotFoundFallback, registerErrorHandling, sendProblem, toProblemError } from './kernel/http/errors.js';
import { registerConditionalGet } from './kernel/http/etag.js';
import type { HostRouter } from './kernel/http/host-routing.js';
import { registerIdempotency } from './kernel/http/idempotency.js';
import { lazySerializerFactory } from './kernel/http/lazy-serializers.js';
import { badRequest, FieldErrorSchema, ProblemSchema } from './kernel/http/problem.js';
import { createRateLimitStore, RateLimiter, type RateLimitStore } from './kernel/http/rate-limit.js';
import { applyRouteDefaults } from './kernel/http/route-defaults.js';
import { registerSecurityHeaders } from './kernel/http/security-headers.js';
import { buildValidator } from './kernel/http/validation.js';
import type { JobQueue } from './kernel/jobs/queue.js';
import { Mailer } from './kernel/mail/mailer.js';
import type { Metrics } from './kernel/metrics.js';
import { type Kernel, type ModuleDefinition, permissionCatalog } from './kernel/module.js';
import { registerResourceRoutes } from './kernel/resources/routes.js';
import { registerProbes } from './kernel/system-module.js';
import { VERSION } from './version.js';

export interface AppDependencies {
  config: Config;
  db: Database;
  metrics: Metrics;
  jobs: JobQueue;
  hostRouter: HostRouter;
  /** Every module, the system module included (see `createModules`). */
  modules: readonly ModuleDefinition[];
  principals: PrincipalResolver;
  audit?: AuditWriter;
  /** Seals secrets at rest; defaults to one keyed by config.secret (or the local development secret). */
  secrets?: SecretBox;
  /** Where rate-limit counts live; defaults to Redis at config.redisUrl, else this process's memory. */
  rateLimitStore?: RateLimitStore;
  /** Outgoing mail; defaults to one built from config.smtpUrl and config.mailFrom, sending its jobs to `jobs`. */
  mailer?: Mailer;
  /** pino options or `false`; defaults to JSON logs at config.logLevel. */
  logger?: FastifyServerOptions['logger'];
}

export interface AdmiralInstance {
  app: AdmiralApp;
  kernel: Kernel;
  /** Every route with the access it declares (for tests and docs). */
  routes: RouteAccessRecord[];
}

/** Paths the console's deep-link fallback never answers: the API, docs, probes and missing assets stay 404 problems. */
const NOT_CONSOLE = /^\/(?:v1|docs|healthz|readyz|metrics|assets)(?:[/?]|$)/;

/**
 * A GET that matched no route, from a browser page load (Accept: text/html), outside the API, docs, probes
 * and assets, is a console deep link (`/sites/…/users`): answer index.html and let the client router take
 * it. Programs, and everything else, get the usual 404 problem.
 */
const consoleDeepLink: NotFoundFallback = (request, reply) => {
  if (request.method !== 'GET' || NOT_CONSOLE.test(request.url) || !request.headers.accept?.includes('text/html')) return false;
  void (reply as unknown as { sendFile(file: string): unknown }).sendFile('index.html');
  return true;
};

const CONSOLE_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../console/dist');
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Builds the HTTP application from configuration and the module list. Does not listen. */
export async function buildApp(deps: AppDependencies): Promise<AdmiralInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: deps.logger ?? {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    },
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // Router-level refusals (undecodable URL, over-long path parameter) bypass the error handler: answer them as problems too.
    frameworkErrors: (error, request, reply) => {
      sendProblem(request, reply, toProblemError(error) ?? badRequest('bad_url', 'The URL is malformed.'));
    },
    routerOptions: { maxParamLength: 256, ignoreTrailingSlash: true },
    rewriteUrl: (req) => deps.hostRouter.rewrite(req.url ?? '/', req.headers.host),
    // Validators and serializers are compiled on a route's first use, not all at start (see lazy-serializers.ts).
    schemaController: {
      compilersFactory: {
        buildValidator: ((external: Record<string, unknown>) => buildValidator(external)) as never,
        buildSerializer: lazySerializerFactory(),
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const allModules = deps.modules;
  const audit = deps.audit ?? databaseAuditWriter;
  const secrets = deps.secrets ?? new SecretBox(config.secret ?? readOrCreateLocalSecret(config.dataDir));
  const rateLimits = new RateLimiter(deps.rateLimitStore ?? createRateLimitStore(config.redisUrl), app.log);
  app.addHook('onClose', () => rateLimits.close());
  const mail = deps.mailer ?? new Mailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  if (!deps.mailer) mail.useQueue(deps.jobs);
  mail.useLogger(app.log);
  const kernel: Kernel = { config, db: deps.db, audit, jobs: deps.jobs, log: app.log, secrets, rateLimits, mail };
  const routes: RouteAccessRecord[] = [];
  const catalog = new Set(permissionCatalog(allModules).map((p) => p.key));

  app.decorateRequest('principal', null);
  app.decorateRequest('siteId', null);
  app.decorateRequest('tenant', function <
    T,
  >(this: { siteId: string | null; principal: { userId: string | null } | null }, fn: Parameters<Database['withTenant']>[1]) {
    if (!this.siteId) throw new Error('tenant() called on a route without a site');
    return deps.db.withTenant({ siteId: this.siteId, userId: this.principal?.userId }, fn) as Promise<T>;
  });
  app.decorateRequest('platform', function <T>(this: { principal: { userId: string | null } | null }, fn: Parameters<Database['asPlatform']>[1]) {
    return deps.db.asPlatform({ userId: this.principal?.userId }, fn) as Promise<T>;
  });
  app.decorateRequest('auditActor', function (this: import('fastify').FastifyRequest) {
    const p = this.principal;
    return {
      userId: p?.userId ?? null,
      apiKeyId: p?.apiKeyId ?? null,
      impersonatorUserId: p?.impersonatorUserId ?? null,
      sessionId: p?.sessionId ?? null,
      ip: this.ip ?? null,
      userAgent: (this.headers['user-agent'] as string | undefined) ?? null,
      requestId: String(this.id),
    };
  });

  enforceRouteAccessDeclarations(app, catalog, routes, { tenant: deps.hostRouter.tenantSegments, platform: deps.hostRouter.platformSegments });
  applyRouteDefaults(app);
  let notFoundFallback: NotFoundFallback | undefined;
  registerErrorHandling(app, () => notFoundFallback);
  // Bodies are JSON only: without this, Fastify's built-in text/plain parser turns a mislabelled body into a
  // string that fails validation (400) instead of the 415 the client needs.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  registerConditionalGet(app);
  registerIdempotency(app, deps.db);

  registerSecurityHeaders(app, config.env === 'production');
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      credentials: !config.corsOrigins.includes('*'),
      // The API's writes are PATCH and DELETE too (the plugin's default allows only GET, HEAD and POST).
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: ['etag', 'location', 'x-request-id', 'idempotent-replayed'],
      maxAge: 600,
    });
  }
  // After helmet and CORS, so refusals from this hook (400, 401, 403) carry the security and CORS headers too.
  registerAccessControl(app, deps.principals);

  for (const schema of [FieldErrorSchema, ProblemSchema]) app.addSchema(schema);
  for (const module of allModules) {
    for (const resource of module.resources ?? []) {
      resource.module = module.name;
      app.addSchema(resource.schemas.item);
      app.addSchema(resource.schemas.create);
      app.addSchema(resource.schemas.update);
    }
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Admiral API',
        version: VERSION,
        description: 'The admin-first control plane for digital platforms. Errors are RFC 9457 problem details.',
      },
      servers: [{ url: config.publicUrl ?? '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String((json as { $id?: string }).$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { url: '/v1/openapi.json', deepLinking: true }, staticCSP: false });

  registerProbes(app, kernel, deps.metrics);
  app.get('/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (v1) => {
      for (const module of allModules) await module.routes?.platform?.(v1 as unknown as AdmiralApp, kernel);
      await v1.register(
        async (tenant) => {
          for (const module of allModules) {
            for (const resource of module.resources ?? []) registerResourceRoutes(tenant as unknown as AdmiralApp, resource, audit);
            await module.routes?.tenant?.(tenant as unknown as AdmiralApp, kernel);
          }
        },
        { prefix: '/sites/:siteId' },
      );
    },
    { prefix: '/v1' },
  );

  if (existsSync(path.join(CONSOLE_DIST, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: CONSOLE_DIST,
      prefix: '/',
      wildcard: false,
      index: 'index.html',
      routeConfig: { public: true },
      // Hashed chunks never change; index.html must be revalidated so a new build is picked up.
      setHeaders: (reply: { header(name: string, value: string): void }, file: string) =>
        reply.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    } as never);
    notFoundFallback = consoleDeepLink;
  } else {
    app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/html')
        .send(
          '<!doctype html><title>Admiral</title><p>Admiral is running. The console is not built: run <code>npm run build -w console</code>. API docs: <a href="/docs">/docs</a>.</p>',
        ),
    );
  }

  return { app: app as unknown as AdmiralApp, kernel, routes };
}
