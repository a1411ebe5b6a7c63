import type { CatalogPermission } from '../../kernel/module.js';
import type { PERMISSION_CONDITIONS } from './schema.js';

export type PermissionCondition = (typeof PERMISSION_CONDITIONS)[number];

/** One permission a role grants: everywhere on the site (condition null) or only on the caller's own rows. */
export interface RoleGrant {
  key: string;
  condition: PermissionCondition | null;
}

/**
 * A rule that picks permissions from the catalog. `match` is a glob over the key (`*` = any run of
 * characters): `*.read`, `moderation.*`, `users.read`, `*`.
 */
interface GrantRule {
  match: string;
  /** Only content-like permissions: those of modules that do not administer the platform. */
  content?: true;
  /** Granted with condition 'own', and only where the permission supports it (its resource records an owner). */
  own?: true;
}

export interface SystemRoleSpec {
  key: string;
  name: string;
  description: string;
  /** Whether a membership may hold it. Super admin is a property of the user (users.is_super_admin), not a membership. */
  assignable: boolean;
  /** Also grants platform-level permissions (only the super admin role, for display). */
  platform?: true;
  grants: readonly GrantRule[];
}

/**
 * Modules whose permissions administer sites, people, access and the record of it rather than a site's content.
 * Workflows are among them: who may change the approval rules is not for the people the rules bind.
 */
export const ADMINISTRATIVE_MODULES: ReadonlySet<string> = new Set(['system', 'tenancy', 'access', 'identity', 'audit', 'sso', 'workflows']);

/**
 * The system roles, least to most powerful. Their permissions are computed from the catalog on every
 * migrate, so a new module's permissions reach them without touching this table.
 */
export const SYSTEM_ROLES: readonly SystemRoleSpec[] = [
  { key: 'guest', name: 'Guest', description: 'A visitor: nothing privileged', assignable: true, grants: [] },
  { key: 'registered', name: 'Registered', description: 'A signed-in member with no staff duties', assignable: true, grants: [] },
  {
    key: 'author',
    name: 'Author',
    description: 'Reads content; creates, edits, uploads and deletes their own',
    assignable: true,
    grants: [
      { match: '*.read', content: true },
      { match: '*.create', content: true, own: true },
      { match: '*.update', content: true, own: true },
      { match: '*.upload', content: true, own: true },
      { match: '*.delete', content: true, own: true },
      { match: 'workflows.read' },
      { match: 'approvals.read' },
    ],
  },
  {
    key: 'editor',
    name: 'Editor',
    description: 'Reads, creates, edits, reviews and publishes all content',
    assignable: true,
    grants: [
      { match: '*.read', content: true },
      { match: '*.create', content: true },
      { match: '*.update', content: true },
      { match: '*.upload', content: true },
      { match: '*.delete', content: true },
      { match: '*.review', content: true },
      { match: '*.publish', content: true },
      { match: 'workflows.read' },
      { match: 'approvals.read' },
    ],
  },
  {
    key: 'moderator',
    name: 'Moderator',
    description: 'Moderates, and reads content',
    assignable: true,
    grants: [{ match: 'moderation.*' }, { match: '*.read', content: true }],
  },
  {
    key: 'support',
    name: 'Support',
    description: 'Helps users: sees them and manages their sessions',
    assignable: true,
    grants: [{ match: 'users.read' }, { match: 'sessions.*' }],
  },
  {
    key: 'analyst',
    name: 'Analyst',
    description: 'Reads everything on the site, including the audit trail',
    assignable: true,
    grants: [{ match: '*.read' }, { match: 'audit.*' }],
  },
  { key: 'admin', name: 'Administrator', description: 'Every site-level permission', assignable: true, grants: [{ match: '*' }] },
  {
    key: 'super_admin',
    name: 'Super administrator',
    description: 'Platform-wide authority, held by users marked super admin (not granted through memberships)',
    assignable: false,
    platform: true,
    grants: [{ match: '*' }],
  },
];

export const SYSTEM_ROLE_KEYS: ReadonlySet<string> = new Set(SYSTEM_ROLES.map((role) => role.key));

/** Orders grants by key, by code unit (the same on every machine, unlike a locale's collation). */
export const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

const globs = new Map<string, RegExp>();
function glob(pattern: string): RegExp {
  let regex = globs.get(pattern);
  if (!regex) {
    regex = new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.\\^$+?()[\]{}|-]/g, '\\$&'))
        .join('.+')}$`,
    );
    globs.set(pattern, regex);
  }
  return regex;
}

function applies(rule: GrantRule, permission: CatalogPermission): boolean {
  if (rule.content && ADMINISTRATIVE_MODULES.has(permission.module)) return false;
  if (rule.own && !permission.ownable) return false;
  return glob(rule.match).test(permission.key);
}

/** What a system role grants from this catalog, sorted by key. An unconditional grant wins over an 'own' one. */
export function systemRoleGrants(role: SystemRoleSpec, catalog: readonly CatalogPermission[]): RoleGrant[] {
  const granted = new Map<string, PermissionCondition | null>();
  for (const permission of catalog) {
    if (permission.scope === 'platform' && !role.platform) continue;
    for (const rule of role.grants) {
      if (!applies(rule, permission)) continue;
      const condition = rule.own ? 'own' : null;
      if (!granted.has(permission.key) || condition === null) granted.set(permission.key, condition);
    }
  }
  return [...granted].map(([key, condition]) => ({ key, condition })).sort(byKey);
}
