import type { PermissionDefinition } from '../../kernel/module.js';

export const AUDIT_PERMISSIONS = {
  read: 'audit.read',
  export: 'audit.export',
  verify: 'audit.verify',
} as const;

/** Site permissions; on the platform routes (the platform chain) the same keys are platform grants, i.e. super admins. */
export const auditPermissions: PermissionDefinition[] = [
  { key: AUDIT_PERMISSIONS.read, description: "Read the audit trail and users' activity timelines (platform: the platform chain)" },
  { key: AUDIT_PERMISSIONS.export, description: 'Download the audit trail as CSV or NDJSON' },
  { key: AUDIT_PERMISSIONS.verify, description: "Check the audit trail's hash chain for tampering" },
];
