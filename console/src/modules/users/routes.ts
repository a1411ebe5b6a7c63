import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { platformRoute, siteRoute } from '../../app/routes';
import { memberSearchFrom, userSearchFrom, userTabFrom } from './search';

/** `/platform/users?q=…&status=…&banned=…&sort=…`: every user of the installation (super admins). */
export const usersRoute = createRoute({
  getParentRoute: () => platformRoute,
  path: 'users',
  validateSearch: userSearchFrom,
  component: lazyRouteComponent(() => import('./Users')),
});

/** `/platform/users/$userId?tab=sessions`: one user, their sessions, devices, memberships and activity. */
export const userRoute = createRoute({
  getParentRoute: () => platformRoute,
  path: 'users/$userId',
  validateSearch: userTabFrom,
  component: lazyRouteComponent(() => import('./User')),
});

/** `/sites/$siteId/memberships?q=…&roleId=…&history=true`: who holds which role on the site; grant and revoke. */
export const membersRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'memberships',
  validateSearch: memberSearchFrom,
  component: lazyRouteComponent(() => import('./Members')),
});
