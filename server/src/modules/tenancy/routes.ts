import { Type } from '@sinclair/typebox';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { problemResponses } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { SITE_PERMISSIONS } from './permissions.js';
import { SiteCreateSchema, SiteListQuerySchema, SitePageSchema, SiteParamsSchema, SiteSchema, SiteUpdateSchema } from './site-schemas.js';
import { SiteService } from './site-service.js';

const tags = ['Sites'];

export function siteRoutes(app: AdmiralApp, kernel: Kernel): void {
  const service = new SiteService(kernel.audit);
  for (const schema of [SiteSchema, SiteCreateSchema, SiteUpdateSchema]) app.addSchema(schema);

  app.get(
    '/sites',
    {
      config: { permission: SITE_PERMISSIONS.read },
      schema: {
        tags,
        operationId: 'listSites',
        summary: 'List all sites (platform)',
        querystring: SiteListQuerySchema,
        response: { 200: SitePageSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => request.platform((tx) => service.list(tx, request.query)),
  );

  app.post(
    '/sites',
    {
      config: { permission: SITE_PERMISSIONS.create },
      schema: {
        tags,
        operationId: 'createSite',
        summary: 'Create a site',
        body: Type.Ref(SiteCreateSchema),
        response: { 201: Type.Ref(SiteSchema), ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const site = await request.platform((tx) => service.create(tx, request.auditActor(), request.body as never));
      reply.code(201).header('etag', etagOf(site)).header('location', `/v1/sites/${site.id}`);
      return site;
    },
  );

  app.get(
    '/sites/:siteId',
    {
      config: { permission: SITE_PERMISSIONS.read },
      schema: {
        tags,
        operationId: 'getSite',
        summary: 'Get a site',
        params: SiteParamsSchema,
        response: { 200: Type.Ref(SiteSchema), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const site = await request.platform((tx) => service.get(tx, request.params.siteId));
      reply.header('etag', etagOf(site));
      return site;
    },
  );

  app.patch(
    '/sites/:siteId',
    {
      config: { permission: SITE_PERMISSIONS.update },
      schema: {
        tags,
        operationId: 'updateSite',
        summary: 'Update a site (name, settings, status)',
        params: SiteParamsSchema,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: Type.Ref(SiteUpdateSchema),
        response: { 200: Type.Ref(SiteSchema), ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const siteId = request.params.siteId;
      const site = await kernel.db.withTenant({ siteId, userId: request.principal?.userId, allowInactive: true }, (tx) =>
        service.update(tx, request.auditActor(), siteId, request.body as never, request.headers['if-match']),
      );
      reply.header('etag', etagOf(site));
      return site;
    },
  );
}
