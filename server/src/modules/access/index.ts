import { defineModule, type ModuleDefinition, permissionCatalogEntries } from '../../kernel/module.js';
import { accessPermissions } from './permissions.js';
import { accessRoutes } from './routes.js';
import { apiKeys, memberships, permissions, rolePermissions, roles } from './schema.js';

export { API_KEY_PATTERN } from './api-key-secret.js';
export { type Authority, authorityOfRequest } from './authority.js';
export { syncAccessCatalog, syncPermissionCatalog, syncSystemRoles } from './catalog-sync.js';
export { ACCESS_PERMISSIONS } from './permissions.js';
export { RuleMemberships } from './rule-memberships.js';
export { apiKeys, memberships, permissions, rolePermissions, roles } from './schema.js';
export { SYSTEM_ROLES, systemRoleGrants } from './system-roles.js';

/**
 * Roles, memberships and API keys: who may do what on a site. `modules` is the whole module list (read
 * lazily, as it is still being built), whose permission catalog roles and keys grant from.
 */
export function accessModule(context: { modules: () => readonly ModuleDefinition[] }): ModuleDefinition {
  return defineModule({
    name: 'access',
    tables: { permissions, roles, rolePermissions, memberships, apiKeys },
    permissions: accessPermissions,
    routes: { tenant: accessRoutes(() => permissionCatalogEntries(context.modules())) },
  });
}
