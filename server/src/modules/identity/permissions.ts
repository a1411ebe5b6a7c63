import type { PermissionDefinition } from '../../kernel/module.js';

export const IDENTITY_PERMISSIONS = {
  usersRead: 'users.read',
  usersCreate: 'users.create',
  usersUpdate: 'users.update',
  usersBan: 'users.ban',
  usersImpersonate: 'users.impersonate',
  sessionsRevoke: 'sessions.revoke',
  mailRead: 'mail.read',
  mailManage: 'mail.manage',
} as const;

export const identityPermissions: PermissionDefinition[] = [
  { key: IDENTITY_PERMISSIONS.usersRead, description: 'See users, their sessions and devices', scope: 'platform' },
  { key: IDENTITY_PERMISSIONS.usersCreate, description: 'Create users', scope: 'platform' },
  { key: IDENTITY_PERMISSIONS.usersUpdate, description: "Edit users' profiles and reset their passwords", scope: 'platform' },
  { key: IDENTITY_PERMISSIONS.usersBan, description: 'Ban and unban users', scope: 'platform' },
  { key: IDENTITY_PERMISSIONS.usersImpersonate, description: 'Act as another user (time-limited, audited)', scope: 'platform' },
  { key: IDENTITY_PERMISSIONS.sessionsRevoke, description: "Revoke other users' sessions", scope: 'platform' },
  { key: IDENTITY_PERMISSIONS.mailRead, description: 'See the mail outbox (links with sign-in tokens redacted)', scope: 'platform' },
  { key: IDENTITY_PERMISSIONS.mailManage, description: 'Send failed mail again', scope: 'platform' },
];
