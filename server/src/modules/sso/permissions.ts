import type { PermissionDefinition } from '../../kernel/module.js';

export const SSO_PERMISSIONS = {
  read: 'sso.read',
  manage: 'sso.manage',
} as const;

/** Site permissions; on the platform routes (platform-wide providers) the same keys are platform grants, i.e. super admins. */
export const ssoPermissions: PermissionDefinition[] = [
  { key: SSO_PERMISSIONS.read, description: "See the site's single sign-on providers (never their client secrets)" },
  { key: SSO_PERMISSIONS.manage, description: 'Add, change and remove single sign-on providers' },
];
