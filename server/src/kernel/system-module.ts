import { Type } from '@sinclair/typebox';
import { loadMigrations } from './db/migrate.js';
import type { AdmiralApp } from './http/app-types.js';
import { PURGE_EXPIRED_IDEMPOTENCY_KEYS } from './http/idempotency.js';
import { defineJob } from './jobs/queue.js';
import { mailDeliveryJob } from './mail/delivery-job.js';
import type { Mailer } from './mail/mailer.js';
import type { Metrics } from './metrics.js';
import type { Kernel, ModuleDefinition } from './module.js';
import { defineModule, permissionCatalogEntries } from './module.js';
import type { ResourceDefinition } from './resources/define-resource.js';

const purgeIdempotencyKeys = defineJob({
  name: 'kernel.purge-idempotency-keys',
  description: 'Delete Idempotency-Key records older than their 24-hour replay window',
  schedule: '17 * * * *',
  retryLimit: 2,
  async handler(_data, { db }) {
    await db.asPlatform({}, (tx) => tx.$client.query(PURGE_EXPIRED_IDEMPOTENCY_KEYS));
  },
});

const Health = Type.Object({ status: Type.String() }, { additionalProperties: false });
const Readiness = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
    checks: Type.Object({ database: Type.String(), migrations: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
const PermissionEntry = Type.Object(
  {
    key: Type.String(),
    description: Type.String(),
    module: Type.String({ description: 'The module that declares it (consoles group by it)' }),
    scope: Type.Union([Type.Literal('site'), Type.Literal('platform')], { description: 'site: granted by roles and API keys; platform: super admins' }),
    ownable: Type.Boolean({ description: "May be granted with condition 'own' (only on rows the holder owns)" }),
  },
  { additionalProperties: false },
);
const PermissionList = Type.Object({ data: Type.Array(PermissionEntry) }, { additionalProperties: false });
const ResourceMetaList = Type.Object({ data: Type.Array(Type.Record(Type.String(), Type.Unknown())) }, { additionalProperties: false });

/** Infrastructure routes every deployment has: health, readiness, metrics, the catalogs the console reads. */
export function systemModule(context: { modules: () => readonly ModuleDefinition[]; mailer?: Mailer }): ModuleDefinition {
  return defineModule({
    name: 'system',
    jobs: [purgeIdempotencyKeys, mailDeliveryJob(context.mailer)],
    routes: {
      platform: (app: AdmiralApp) => {
        app.get(
          '/meta/resources',
          {
            config: { public: true },
            schema: {
              tags: ['Meta'],
              operationId: 'listResourceMeta',
              summary: 'Resources for generic console screens (JSON Schema, columns, filters)',
              response: { 200: ResourceMetaList },
            },
          },
          async () => ({
            data: context.modules().flatMap((m) => (m.resources ?? []).map((r: ResourceDefinition) => r.meta() as unknown as Record<string, unknown>)),
          }),
        );
        app.get(
          '/permissions',
          {
            config: { public: true },
            schema: {
              tags: ['Meta'],
              operationId: 'listPermissions',
              summary: 'The permission catalog every module registers, with module, scope and ownability',
              response: { 200: PermissionList },
            },
          },
          async () => ({ data: permissionCatalogEntries(context.modules()) }),
        );
      },
    },
  });
}

/** Root-level operational routes (not under /v1). */

export function registerProbes(app: AdmiralApp, kernel: Kernel, metrics: Metrics): void {
  const expected = loadMigrations().map((m) => m.tag);
  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['Operations'], operationId: 'health', summary: 'Liveness', response: { 200: Health } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: ['Operations'],
        operationId: 'readiness',
        summary: 'Readiness: database reachable, migrations current',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      let database = 'ok';
      let migrations = 'current';
      try {
        const applied = await kernel.db.asPlatform({}, async (tx) =>
          (await tx.$client.query<{ tag: string }>('SELECT tag FROM admiral_migrations ORDER BY applied_order')).rows.map((r) => r.tag),
        );
        const missing = expected.filter((tag) => !applied.includes(tag));
        const unknown = applied.filter((tag) => !expected.includes(tag));
        if (missing.length) migrations = `pending: ${missing.join(', ')}`;
        else if (unknown.length) migrations = `unknown: ${unknown.join(', ')}`;
      } catch (error) {
        database = `unreachable: ${(error as Error).message}`;
        migrations = 'unknown';
      }
      const ready = database === 'ok' && migrations === 'current';
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: { database, migrations } });
    },
  );
  app.get(
    '/metrics',
    { config: { public: true }, schema: { tags: ['Operations'], operationId: 'metrics', summary: 'Prometheus metrics', hide: false } },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
}
