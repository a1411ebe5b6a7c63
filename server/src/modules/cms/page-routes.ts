import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { problemResponses as problems } from '../../kernel/http/problem.js';
import { FromTemplateParams, IfMatchHeaders, Uuid } from './content-schemas.js';
import { PageCreateSchema, PageFromTemplateSchema, PageListQuerySchema, PagePageSchema, PageParams, PageSchema, PageUpdateSchema } from './page-schemas.js';
import type { PageCreate, PageFromTemplate, PageService, PageUpdate } from './page-service.js';
import type { Page } from './page-store.js';
import { CMS_PERMISSIONS } from './permissions.js';

const P = CMS_PERMISSIONS.pages;
const tags = ['Pages'];
const SiteParams = Type.Object({ siteId: Uuid });
const Item = Type.Ref(PageSchema);

function created(reply: FastifyReply, siteId: string, page: Page) {
  reply.code(201).header('etag', etagOf(page)).header('location', `/v1/sites/${siteId}/pages/${page.id}`);
  return page;
}

/** /pages: list, read, create (also from a template), save (If-Match), delete. */
export function pageRoutes(app: AdmiralApp, pages: PageService): void {
  app.get(
    '/pages',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: 'listPages',
        summary: 'List pages (working copies without content), newest first',
        params: SiteParams,
        querystring: PageListQuerySchema,
        response: { 200: PagePageSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => pages.list(tx, request.siteId as string, request.query)),
  );

  app.get(
    '/pages/:pageId',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: 'getPage',
        summary: 'Get a page: its working copy (latest version) and SEO (ETag for If-Match)',
        params: PageParams,
        response: { 200: Item, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const page = await request.tenant((tx) => pages.get(tx, request.siteId as string, request.params.pageId));
      reply.header('etag', etagOf(page));
      return page;
    },
  );

  app.post(
    '/pages',
    {
      config: { permission: P.create },
      schema: {
        tags,
        operationId: 'createPage',
        summary: 'Create a draft page (version 1; the caller is its author)',
        params: SiteParams,
        body: Type.Ref(PageCreateSchema),
        response: { 201: Item, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const siteId = request.siteId as string;
      const page = await request.tenant((tx) => pages.create(tx, request.auditActor(), request.principal, siteId, request.body as PageCreate));
      return created(reply, siteId, page);
    },
  );

  app.post(
    '/pages/from-template/:templateId',
    {
      config: { permission: P.create },
      schema: {
        tags,
        operationId: 'createPageFromTemplate',
        summary: 'Create a draft page from a page template (title, content and SEO pre-filled)',
        params: FromTemplateParams,
        body: Type.Optional(Type.Ref(PageFromTemplateSchema)),
        response: { 201: Item, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const siteId = request.siteId as string;
      const page = await request.tenant((tx) =>
        pages.fromTemplate(tx, request.auditActor(), request.principal, siteId, request.params.templateId, (request.body ?? {}) as PageFromTemplate),
      );
      return created(reply, siteId, page);
    },
  );

  app.patch(
    '/pages/:pageId',
    {
      config: { permission: P.update },
      schema: {
        tags,
        operationId: 'updatePage',
        summary: 'Save changes as a new version (If-Match required: 428 without, 412 when stale)',
        description:
          'In review, approved or scheduled pages go back to draft (the approval request is cancelled); a published page stays live ' +
          'with its published version while the new version is a draft.',
        params: PageParams,
        headers: IfMatchHeaders,
        body: Type.Ref(PageUpdateSchema),
        response: { 200: Item, ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422, 428) },
      },
    },
    async (request, reply) => {
      const page = await request.tenant((tx) =>
        pages.update(
          tx,
          request.auditActor(),
          request.principal,
          request.siteId as string,
          request.params.pageId,
          request.body as PageUpdate,
          request.headers['if-match'],
        ),
      );
      reply.header('etag', etagOf(page));
      return page;
    },
  );

  app.delete(
    '/pages/:pageId',
    {
      config: { permission: P.delete },
      schema: {
        tags,
        operationId: 'deletePage',
        summary: 'Delete the page with its versions (If-Match optional)',
        params: PageParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 412) },
      },
    },
    async (request, reply) => {
      await request.tenant((tx) =>
        pages.remove(tx, request.auditActor(), request.principal, request.siteId as string, request.params.pageId, request.headers['if-match']),
      );
      return reply.code(204).send(null);
    },
  );
}
