import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { platformRoute, siteRoute } from '../../app/routes';

/** `/sites/$siteId/sso-providers`: the site's own providers (sso.read; sso.manage to change). */
export const siteProvidersRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'sso-providers',
  component: lazyRouteComponent(() => import('./SiteProviders')),
});

/** `/platform/sso-providers`: platform-wide providers, offered on every sign-in page (super admins). */
export const platformProvidersRoute = createRoute({
  getParentRoute: () => platformRoute,
  path: 'sso-providers',
  component: lazyRouteComponent(() => import('./PlatformProviders')),
});
