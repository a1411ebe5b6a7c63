import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { SiteInactiveError, type Tx } from '../../kernel/db/transaction.js';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { notFound, problemResponses } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { NO_BODY, notModified, setPublicCaching } from './cache-headers.js';
import {
  ConditionalHeaders,
  PUBLIC_SCHEMAS,
  PublicArticleListQuery,
  PublicArticlePageSchema,
  PublicArticleParams,
  PublicArticleSchema,
  PublicPageParams,
  PublicPageSchema,
  PublicSiteParams,
} from './public-schemas.js';
import { PublicContent } from './public-service.js';
import { PublicSearchHitSchema, PublicSearchQuerySchema, PublicSearchResultsSchema } from './search-schemas.js';
import { ContentSearch } from './search-service.js';

const tags = ['Public content'];
const NotModified = Type.Null({ description: 'Not modified: the copy named by If-None-Match is current' });

/** A suspended or archived site publishes nothing: to readers it does not exist (404, not the console's 403). */
async function readSite<T>(request: FastifyRequest, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await request.tenant(fn);
  } catch (error) {
    if (error instanceof SiteInactiveError) throw notFound('Site', `Site ${error.siteId} was not found.`);
    throw error;
  }
}

/**
 * /v1/sites/{siteId}/public/…: the published site, for anyone (no credentials, no audit). On a host with a
 * domain mapping the same routes answer at /v1/public/… (kernel/http/host-routing.ts). Only published
 * versions are served, with a strong ETag (304 on If-None-Match) and shared-cache headers.
 */
export function publicRoutes(app: AdmiralApp, _kernel: Kernel): void {
  const content = new PublicContent();
  const search = new ContentSearch();
  for (const schema of [...PUBLIC_SCHEMAS, PublicSearchHitSchema, PublicSearchResultsSchema]) {
    if (app.getSchema(schema.$id as string) === undefined) app.addSchema(schema);
  }

  app.get(
    '/public/articles',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'listPublicArticles',
        summary: 'Published articles, newest first',
        description: 'Only articles with a published version, ordered by first publication (newest first), optionally of one category or tag (by slug).',
        params: PublicSiteParams,
        querystring: PublicArticleListQuery,
        response: { 200: Type.Ref(PublicArticlePageSchema), 304: NotModified, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const page = await readSite(request, (tx) => content.articles(tx, request.siteId as string, request.query));
      setPublicCaching(reply);
      return page;
    },
  );

  app.get(
    '/public/articles/:slug',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'getPublicArticle',
        summary: 'A published article by slug (its published version)',
        params: PublicArticleParams,
        headers: ConditionalHeaders,
        response: { 200: Type.Ref(PublicArticleSchema), 304: NotModified, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { value, etag } = await readSite(request, (tx) => content.article(tx, request.siteId as string, request.params.slug));
      setPublicCaching(reply, etag);
      if (notModified(request.headers['if-none-match'], etag)) return reply.code(304).send(NO_BODY);
      return value;
    },
  );

  app.get(
    '/public/pages/:slug',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'getPublicPage',
        summary: 'A published page by slug (its published version)',
        params: PublicPageParams,
        headers: ConditionalHeaders,
        response: { 200: Type.Ref(PublicPageSchema), 304: NotModified, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { value, etag } = await readSite(request, (tx) => content.page(tx, request.siteId as string, request.params.slug));
      setPublicCaching(reply, etag);
      if (notModified(request.headers['if-none-match'], etag)) return reply.code(304).send(NO_BODY);
      return value;
    },
  );

  app.get(
    '/public/search',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'searchPublicContent',
        summary: 'Full-text search over published articles and pages',
        description:
          'Like the editors’ search, but over published versions only: words that exist only in a draft find nothing. ' +
          '`titleHtml` and `snippet` are HTML-escaped with the matches in `<mark>`…`</mark>`.',
        params: PublicSiteParams,
        querystring: PublicSearchQuerySchema,
        response: { 200: Type.Ref(PublicSearchResultsSchema), 304: NotModified, ...problemResponses(400, 404, 503) },
      },
    },
    async (request, reply) => {
      const results = await readSite(request, (tx) => search.searchPublished(tx, request.siteId as string, request.query));
      setPublicCaching(reply);
      return results;
    },
  );
}
