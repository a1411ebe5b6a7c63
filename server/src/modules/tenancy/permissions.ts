import type { PermissionDefinition } from '../../kernel/module.js';

export const SITE_PERMISSIONS = {
  read: 'sites.read',
  create: 'sites.create',
  update: 'sites.update',
} as const;

export const tenancyPermissions: PermissionDefinition[] = [
  { key: SITE_PERMISSIONS.read, description: 'See sites (platform: all sites; site: that site)' },
  { key: SITE_PERMISSIONS.create, description: 'Create sites (platform level)', scope: 'platform' },
  { key: SITE_PERMISSIONS.update, description: "Change a site's name, settings and status" },
];
