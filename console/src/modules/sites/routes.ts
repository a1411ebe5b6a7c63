import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { platformRoute, siteRoute } from '../../app/routes';

const STATUSES = ['active', 'suspended', 'archived'] as const;
export type SiteStatus = (typeof STATUSES)[number];

export interface SitesSearch {
  q?: string;
  status?: SiteStatus;
  /** `?create=1` opens the "Create site" dialog (the site switcher links here). */
  create?: boolean;
}

function sitesSearch(search: Record<string, unknown>): SitesSearch {
  const out: SitesSearch = {};
  if (typeof search.q === 'string' && search.q.trim()) out.q = search.q;
  if (typeof search.status === 'string' && (STATUSES as readonly string[]).includes(search.status)) out.status = search.status as SiteStatus;
  if (search.create === true || search.create === 1 || search.create === '1' || search.create === 'true') out.create = true;
  return out;
}

/** `/platform/sites`: every site, for super admins, with "Create site". */
export const platformSitesRoute = createRoute({
  getParentRoute: () => platformRoute,
  path: 'sites',
  validateSearch: sitesSearch,
  component: lazyRouteComponent(() => import('./SitesList')),
});

/** `/sites/$siteId/settings`: the site's name, details, self sign-up and status. */
export const siteSettingsRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'settings',
  component: lazyRouteComponent(() => import('./SiteSettings')),
});
