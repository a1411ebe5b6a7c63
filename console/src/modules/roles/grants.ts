import type { Permissions } from '../../app/session';

// Pure logic of the permission catalog and of what a caller may grant (unit tests: grants.test.ts).

/** One entry of GET /v1/permissions. */
export interface CatalogPermission {
  key: string;
  description: string;
  module: string;
  scope: 'site' | 'platform';
  /** May be granted with condition 'own' (only on rows the holder owns). */
  ownable: boolean;
}

export interface ModuleGroup {
  module: string;
  label: string;
  permissions: CatalogPermission[];
}

const MODULE_LABELS: Record<string, string> = {
  access: 'Access (roles, members, API keys)',
  audit: 'Audit trail',
  tenancy: 'Site and domains',
  identity: 'People and sessions',
  sso: 'Single sign-on',
  system: 'System',
};

export const moduleLabel = (module: string): string => MODULE_LABELS[module] ?? module.charAt(0).toUpperCase() + module.slice(1).replace(/-/g, ' ');

/** Site-level permissions (what roles and API keys grant) grouped by module, groups and keys in a stable order. */
export function siteGroups(catalog: readonly CatalogPermission[], keep: (p: CatalogPermission) => boolean = () => true): ModuleGroup[] {
  const byModule = new Map<string, CatalogPermission[]>();
  for (const permission of catalog) {
    if (permission.scope !== 'site' || !keep(permission)) continue;
    byModule.set(permission.module, [...(byModule.get(permission.module) ?? []), permission]);
  }
  return [...byModule]
    .map(([module, permissions]) => ({ module, label: moduleLabel(module), permissions: permissions.sort((a, b) => (a.key < b.key ? -1 : 1)) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

export type Condition = 'all' | 'own';

/**
 * What the caller may hand out on the site, mirroring the server's rule (access/authority.ts): a grant
 * everywhere needs the permission held everywhere; an 'own' grant needs it held at all. Super admins hold all.
 */
export function grantability(permissions: Permissions) {
  return {
    canGrant: (key: string, condition: Condition): boolean =>
      permissions.superAdmin || (permissions.can(key) && (condition === 'own' || !permissions.ownOnly(key))),
  };
}

/** Grants of `grants` the caller does not hold (what stops them changing a role or revoking a key). */
export function beyondCaller(permissions: Permissions, grants: ReadonlyArray<{ key: string; condition: 'own' | null }>): string[] {
  const { canGrant } = grantability(permissions);
  return grants.filter((g) => !canGrant(g.key, g.condition === 'own' ? 'own' : 'all')).map((g) => g.key);
}
