import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { platformRoute, siteRoute } from '../../app/routes';
import { auditSearchFrom } from './audit-api';

/** `/sites/$siteId/audit?action=…&entry=…`: the site's trail. */
export const siteAuditRoute = createRoute({
  getParentRoute: () => siteRoute,
  path: 'audit',
  validateSearch: auditSearchFrom,
  component: lazyRouteComponent(() => import('./SiteAudit')),
});

/** `/platform/audit`: the platform's trail (sign-ins, sites created, users…), for super admins. */
export const platformAuditRoute = createRoute({
  getParentRoute: () => platformRoute,
  path: 'audit',
  validateSearch: auditSearchFrom,
  component: lazyRouteComponent(() => import('./PlatformAudit')),
});
