import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { problemResponses as problems } from '../../kernel/http/problem.js';
import {
  ArticleCreateSchema,
  ArticleFromTemplateSchema,
  ArticleListQuerySchema,
  ArticlePageSchema,
  ArticleParams,
  ArticleSchema,
  ArticleUpdateSchema,
} from './article-schemas.js';
import type { ArticleCreate, ArticleFromTemplate, ArticleService, ArticleUpdate } from './article-service.js';
import type { Article } from './article-store.js';
import { FromTemplateParams, IfMatchHeaders, Uuid } from './content-schemas.js';
import { CMS_PERMISSIONS } from './permissions.js';

const P = CMS_PERMISSIONS.articles;
const tags = ['Articles'];
const SiteParams = Type.Object({ siteId: Uuid });
const Item = Type.Ref(ArticleSchema);

function created(reply: FastifyReply, siteId: string, article: Article) {
  reply.code(201).header('etag', etagOf(article)).header('location', `/v1/sites/${siteId}/articles/${article.id}`);
  return article;
}

/** /articles: list, read, create (also from a template), save (If-Match), delete. */
export function articleRoutes(app: AdmiralApp, articles: ArticleService): void {
  app.get(
    '/articles',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: 'listArticles',
        summary: 'List articles (working copies without body), newest first',
        params: SiteParams,
        querystring: ArticleListQuerySchema,
        response: { 200: ArticlePageSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => articles.list(tx, request.siteId as string, request.query)),
  );

  app.get(
    '/articles/:articleId',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: 'getArticle',
        summary: 'Get an article: its working copy, categories, tags and SEO (ETag for If-Match)',
        params: ArticleParams,
        response: { 200: Item, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const article = await request.tenant((tx) => articles.get(tx, request.siteId as string, request.params.articleId));
      reply.header('etag', etagOf(article));
      return article;
    },
  );

  app.post(
    '/articles',
    {
      config: { permission: P.create },
      schema: {
        tags,
        operationId: 'createArticle',
        summary: 'Create a draft article (version 1; the caller is its author)',
        params: SiteParams,
        body: Type.Ref(ArticleCreateSchema),
        response: { 201: Item, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const siteId = request.siteId as string;
      const article = await request.tenant((tx) => articles.create(tx, request.auditActor(), request.principal, siteId, request.body as ArticleCreate));
      return created(reply, siteId, article);
    },
  );

  app.post(
    '/articles/from-template/:templateId',
    {
      config: { permission: P.create },
      schema: {
        tags,
        operationId: 'createArticleFromTemplate',
        summary: 'Create a draft article from an article template (title, summary, body and SEO pre-filled)',
        params: FromTemplateParams,
        body: Type.Optional(Type.Ref(ArticleFromTemplateSchema)),
        response: { 201: Item, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const siteId = request.siteId as string;
      const article = await request.tenant((tx) =>
        articles.fromTemplate(tx, request.auditActor(), request.principal, siteId, request.params.templateId, (request.body ?? {}) as ArticleFromTemplate),
      );
      return created(reply, siteId, article);
    },
  );

  app.patch(
    '/articles/:articleId',
    {
      config: { permission: P.update },
      schema: {
        tags,
        operationId: 'updateArticle',
        summary: 'Save changes as a new version (If-Match required: 428 without, 412 when stale)',
        description:
          'In review, approved or scheduled articles go back to draft (the approval request is cancelled); a published article stays live ' +
          'with its published version while the new version is a draft.',
        params: ArticleParams,
        headers: IfMatchHeaders,
        body: Type.Ref(ArticleUpdateSchema),
        response: { 200: Item, ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422, 428) },
      },
    },
    async (request, reply) => {
      const article = await request.tenant((tx) =>
        articles.update(
          tx,
          request.auditActor(),
          request.principal,
          request.siteId as string,
          request.params.articleId,
          request.body as ArticleUpdate,
          request.headers['if-match'],
        ),
      );
      reply.header('etag', etagOf(article));
      return article;
    },
  );

  app.delete(
    '/articles/:articleId',
    {
      config: { permission: P.delete },
      schema: {
        tags,
        operationId: 'deleteArticle',
        summary: 'Delete the article with its versions and reviews (If-Match optional)',
        params: ArticleParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 412) },
      },
    },
    async (request, reply) => {
      await request.tenant((tx) =>
        articles.remove(tx, request.auditActor(), request.principal, request.siteId as string, request.params.articleId, request.headers['if-match']),
      );
      return reply.code(204).send(null);
    },
  );
}
