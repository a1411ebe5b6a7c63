import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { siteRoute } from '../../app/routes';

/** The library's filters and open asset, in the URL. */
export interface MediaSearch {
  mediaType?: string;
  processingStatus?: string;
  deleted?: boolean;
  q?: string;
  asset?: string;
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

export function mediaSearch(search: Record<string, unknown>): MediaSearch {
  return {
    mediaType: text(search.mediaType),
    processingStatus: text(search.processingStatus),
    deleted: search.deleted === true || search.deleted === 'true' ? true : undefined,
    q: text(search.q),
    asset: text(search.asset),
  };
}

export const mediaRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'media',
  validateSearch: mediaSearch,
  component: lazyRouteComponent(() => import('./MediaLibrary')),
});
