import type { AdmiralApp } from '../../kernel/http/app-types.js';
import type { CatalogPermission, Kernel } from '../../kernel/module.js';
import { Impersonations, SessionService } from '../identity/index.js';
import { apiKeyRoutes } from './api-key-routes.js';
import { ApiKeyService } from './api-key-service.js';
import { GrantableCatalog } from './grantable.js';
import { membershipRoutes } from './membership-routes.js';
import { MembershipService } from './membership-service.js';
import { roleRoutes } from './role-routes.js';
import { RoleService } from './role-service.js';
import { signUpRoutes } from './sign-up-routes.js';

/** The access module's tenant routes (/v1/sites/{siteId}/roles, /memberships, /api-keys, /sign-up, /join). */
export function accessRoutes(catalog: () => readonly CatalogPermission[]) {
  return (app: AdmiralApp, kernel: Kernel): void => {
    // Read when the routes are registered: by then every module is in the list.
    const grantable = new GrantableCatalog(catalog());
    const roles = new RoleService(kernel.audit, grantable);
    roleRoutes(app, roles);
    membershipRoutes(app, new MembershipService(kernel.audit, roles), new Impersonations(kernel.audit, new SessionService(kernel.audit)));
    apiKeyRoutes(app, new ApiKeyService(kernel.audit, grantable));
    signUpRoutes(app, kernel);
  };
}
