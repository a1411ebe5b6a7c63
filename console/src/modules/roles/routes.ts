import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { siteRoute } from '../../app/routes';

/** /sites/$siteId/roles: the roles and the permission matrix. */
export const rolesRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'roles',
  component: lazyRouteComponent(() => import('./Roles')),
});

/** /sites/$siteId/roles/$roleId: one role's permissions (editable when custom) and its members. */
export const roleRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'roles/$roleId',
  component: lazyRouteComponent(() => import('./Role')),
});
