import type { PermissionDefinition } from '../../kernel/module.js';

export const ACCESS_PERMISSIONS = {
  rolesRead: 'roles.read',
  rolesCreate: 'roles.create',
  rolesUpdate: 'roles.update',
  rolesDelete: 'roles.delete',
  membershipsRead: 'memberships.read',
  membershipsCreate: 'memberships.create',
  membershipsDelete: 'memberships.delete',
  membersImpersonate: 'members.impersonate',
  apiKeysRead: 'api-keys.read',
  apiKeysCreate: 'api-keys.create',
  apiKeysUpdate: 'api-keys.update',
  apiKeysDelete: 'api-keys.delete',
} as const;

export const accessPermissions: PermissionDefinition[] = [
  { key: ACCESS_PERMISSIONS.rolesRead, description: "See the site's roles and what they grant" },
  { key: ACCESS_PERMISSIONS.rolesCreate, description: 'Create custom roles (with permissions the caller holds)' },
  { key: ACCESS_PERMISSIONS.rolesUpdate, description: 'Rename custom roles and replace their permissions' },
  { key: ACCESS_PERMISSIONS.rolesDelete, description: 'Delete custom roles no one holds' },
  { key: ACCESS_PERMISSIONS.membershipsRead, description: 'See who holds which role on the site, and the history' },
  { key: ACCESS_PERMISSIONS.membershipsCreate, description: 'Grant roles (that grant no more than the caller holds)' },
  { key: ACCESS_PERMISSIONS.membershipsDelete, description: 'Revoke memberships' },
  { key: ACCESS_PERMISSIONS.membersImpersonate, description: 'Act as a member of this site (time-limited, audited; this site only)' },
  { key: ACCESS_PERMISSIONS.apiKeysRead, description: "See the site's API keys (never their secrets)" },
  { key: ACCESS_PERMISSIONS.apiKeysCreate, description: 'Create API keys with permissions the caller holds' },
  { key: ACCESS_PERMISSIONS.apiKeysUpdate, description: 'Rotate API keys' },
  { key: ACCESS_PERMISSIONS.apiKeysDelete, description: 'Revoke API keys' },
];
