import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { siteRoute } from '../../app/routes';

/** /sites/$siteId/api-keys: the site's API keys; create, rotate, revoke. */
export const apiKeysRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'api-keys',
  component: lazyRouteComponent(() => import('./ApiKeys')),
});
