import { Type } from '@sinclair/typebox';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { problemResponses } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { CMS_PERMISSIONS } from './permissions.js';
import { SearchHitSchema, SearchQuerySchema, SearchResultsSchema } from './search-schemas.js';
import { ContentSearch } from './search-service.js';

const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });

/**
 * GET /v1/sites/{siteId}/content/search: the editors' full-text search over articles and pages.
 *
 * A route declares one permission: this one declares `articles.read`. Pages are searched too when the caller
 * also holds `pages.read`; `type=page` without it is a 403. (Every system role that reads pages reads
 * articles; a custom role with `pages.read` alone cannot use this search.)
 */
export function searchRoutes(app: AdmiralApp, _kernel: Kernel): void {
  const search = new ContentSearch();
  for (const schema of [SearchHitSchema, SearchResultsSchema]) if (app.getSchema(schema.$id as string) === undefined) app.addSchema(schema);

  app.get(
    '/content/search',
    {
      config: { permission: CMS_PERMISSIONS.articles.read },
      schema: {
        tags: ['Content'],
        operationId: 'searchContent',
        summary: 'Full-text search over articles and pages (ranked, with highlighted snippets)',
        description:
          'Matches `q` (web-search syntax) against titles (weighted most), summaries and bodies of the working copies, best first. ' +
          '`titleHtml` and `snippet` are HTML-escaped with the matches in `<mark>`…`</mark>`. Pages are included when the caller also holds ' +
          '`pages.read`. Results are positions in a ranked list, so pages are asked for with `offset` (≤ 1000), not a cursor.',
        params: SiteParams,
        querystring: SearchQuerySchema,
        response: { 200: Type.Ref(SearchResultsSchema), ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const principal = request.principal;
      if (!principal) throw new Error('the permission guard lets no anonymous caller reach a permission route');
      return request.tenant((tx) => search.search(tx, request.siteId as string, principal, request.query));
    },
  );
}
