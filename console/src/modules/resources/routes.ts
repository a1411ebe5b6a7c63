import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { siteRoute } from '../../app/routes';

/** What a resource list shows, kept in the URL so a filtered list can be linked and reloaded. */
export interface ListSearch {
  sort?: string;
  q?: string;
  /** Equality filters: field → value as text (`{ type: 'custom', isActive: 'true' }`). */
  filters?: Record<string, string>;
}

export function listSearchFrom(search: Record<string, unknown>): ListSearch {
  const out: ListSearch = {};
  if (typeof search.sort === 'string' && search.sort) out.sort = search.sort;
  if (typeof search.q === 'string' && search.q) out.q = search.q;
  if (search.filters && typeof search.filters === 'object' && !Array.isArray(search.filters)) {
    const filters = Object.fromEntries(
      Object.entries(search.filters as Record<string, unknown>)
        .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        .map(([k, v]) => [k, String(v)]),
    );
    if (Object.keys(filters).length > 0) out.filters = filters;
  }
  return out;
}

/** `/sites/$siteId/r/domains`: any resource of GET /v1/meta/resources, by its plural. */
export const resourceListRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'r/$resource',
  validateSearch: listSearchFrom,
  component: lazyRouteComponent(() => import('./ResourceList')),
});

export const resourceNewRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'r/$resource/new',
  component: lazyRouteComponent(() => import('./ResourceCreate')),
});

export const resourceDetailRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'r/$resource/$id',
  component: lazyRouteComponent(() => import('./ResourceDetail')),
});

export const resourceEditRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'r/$resource/$id/edit',
  component: lazyRouteComponent(() => import('./ResourceEdit')),
});
