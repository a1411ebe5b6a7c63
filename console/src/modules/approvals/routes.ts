import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { siteRoute } from '../../app/routes';

export type InboxView = 'actionable' | 'pending' | 'all';

/** The inbox's tab and open request live in the URL (`?view=pending&request=<id>`). */
export interface InboxSearch {
  view?: InboxView;
  request?: string;
}

export function inboxSearch(search: Record<string, unknown>): InboxSearch {
  const view = search.view === 'pending' || search.view === 'all' || search.view === 'actionable' ? search.view : undefined;
  return { view, request: typeof search.request === 'string' && search.request ? search.request : undefined };
}

export const inboxRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'reviews',
  validateSearch: inboxSearch,
  component: lazyRouteComponent(() => import('./ReviewInbox')),
});
