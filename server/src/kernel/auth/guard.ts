import { forbidden, unauthorized } from '../http/problem.js';
import type { Principal } from './principal.js';

/** What a route requires: a permission key, any signed-in caller (their own data), or nothing at all. */
export type RouteAccess = { permission: string } | { authenticated: true } | { public: true };

export function hasPermission(principal: Principal, permission: string, siteId: string | null): boolean {
  if (principal.superAdmin) return true;
  if (siteId === null) return principal.platformPermissions.has(permission);
  return principal.permissionsOn(siteId).has(permission);
}

/** The permission guard every route passes through: 401 without a principal, 403 without the permission. */
export function authorize(principal: Principal | null, access: RouteAccess, siteId: string | null): void {
  if ('public' in access) return;
  if (!principal) throw unauthorized();
  if (siteId !== null && principal.impersonationSiteId !== null && principal.impersonationSiteId !== siteId) {
    throw forbidden('impersonation_site_bound', 'This impersonation session acts only on the site it was started on.');
  }
  if ('authenticated' in access) return;
  if (!hasPermission(principal, access.permission, siteId)) {
    throw forbidden('permission_denied', `You lack the permission ${access.permission}${siteId ? ' on this site' : ''}.`);
  }
}
