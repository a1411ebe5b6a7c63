import { describe, expect, it } from 'vitest';
import type { CatalogPermission } from '../src/kernel/module.js';
import { SYSTEM_ROLES, type SystemRoleSpec, systemRoleGrants } from '../src/modules/access/system-roles.js';
import { catalog as appCatalog, SITE_KEYS } from './helpers/access.js';

/** A catalog shaped like a grown platform: administrative modules beside content, moderation and audit. */
function entry(key: string, module: string, options: { scope?: 'site' | 'platform'; ownable?: boolean } = {}): CatalogPermission {
  return { key, module, description: key, scope: options.scope ?? 'site', ownable: options.ownable ?? false };
}
const crud = (plural: string, module: string, ownable = false) =>
  ['read', 'create', 'update', 'delete'].map((action) => entry(`${plural}.${action}`, module, { ownable }));
const CATALOG: CatalogPermission[] = [
  entry('sites.read', 'tenancy'),
  entry('sites.create', 'tenancy', { scope: 'platform' }),
  entry('sites.update', 'tenancy'),
  ...crud('domains', 'tenancy'),
  entry('roles.read', 'access'),
  entry('roles.create', 'access'),
  entry('memberships.read', 'access'),
  entry('memberships.create', 'access'),
  entry('api-keys.read', 'access'),
  entry('api-keys.create', 'access'),
  entry('users.read', 'identity'),
  entry('users.ban', 'identity'),
  entry('sessions.revoke', 'identity'),
  entry('sessions.read', 'identity'),
  ...crud('pages', 'content', true),
  entry('pages.review', 'content'),
  entry('pages.publish', 'content'),
  ...crud('media', 'content'),
  entry('media.upload', 'content', { ownable: true }),
  entry('workflows.read', 'workflows'),
  entry('workflows.create', 'workflows'),
  entry('approvals.read', 'workflows'),
  entry('moderation.queue.read', 'moderation'),
  entry('moderation.decide', 'moderation'),
  entry('audit.read', 'audit'),
  entry('audit.export', 'audit'),
];

const role = (key: string): SystemRoleSpec => {
  const spec = SYSTEM_ROLES.find((r) => r.key === key);
  if (!spec) throw new Error(`no system role ${key}`);
  return spec;
};
const render = (key: string, catalog = CATALOG) => systemRoleGrants(role(key), catalog).map((g) => (g.condition ? `${g.key}:${g.condition}` : g.key));
const siteKeys = CATALOG.filter((p) => p.scope === 'site').map((p) => p.key);

describe('system roles: the table', () => {
  it('has the nine system roles, least to most powerful, with unique keys', () => {
    expect(SYSTEM_ROLES.map((r) => r.key)).toEqual(['guest', 'registered', 'author', 'editor', 'moderator', 'support', 'analyst', 'admin', 'super_admin']);
    for (const spec of SYSTEM_ROLES) {
      expect(spec.key).toMatch(/^[a-z][a-z0-9_-]{1,62}$/);
      expect(spec.name.length).toBeGreaterThan(0);
    }
    expect(SYSTEM_ROLES.filter((r) => !r.assignable).map((r) => r.key)).toEqual(['super_admin']);
  });
});

describe('system roles: default permissions computed from the catalog', () => {
  const expected: Array<[string, string[]]> = [
    ['guest', []],
    ['registered', []],
    // Content reads; create/update/upload/delete limited to own rows, and only where the permission records an
    // owner (pages and uploads, not media.delete here); workflow rules readable, never writable.
    [
      'author',
      [
        'approvals.read',
        'media.read',
        'media.upload:own',
        'moderation.queue.read',
        'pages.create:own',
        'pages.delete:own',
        'pages.read',
        'pages.update:own',
        'workflows.read',
      ],
    ],
    [
      'editor',
      [
        'approvals.read',
        'media.create',
        'media.delete',
        'media.read',
        'media.update',
        'media.upload',
        'moderation.queue.read',
        'pages.create',
        'pages.delete',
        'pages.publish',
        'pages.read',
        'pages.review',
        'pages.update',
        'workflows.read',
      ],
    ],
    ['moderator', ['media.read', 'moderation.decide', 'moderation.queue.read', 'pages.read']],
    ['support', ['sessions.read', 'sessions.revoke', 'users.read']],
    [
      'analyst',
      [
        'api-keys.read',
        'approvals.read',
        'audit.export',
        'audit.read',
        'domains.read',
        'media.read',
        'memberships.read',
        'moderation.queue.read',
        'pages.read',
        'roles.read',
        'sessions.read',
        'sites.read',
        'users.read',
        'workflows.read',
      ],
    ],
    ['admin', [...siteKeys].sort()],
    ['super_admin', CATALOG.map((p) => p.key).sort()],
  ];
  for (const [key, grants] of expected) {
    it(`${key}`, () => {
      expect(render(key)).toEqual(grants);
    });
  }

  it('never gives a platform-level permission to a site role (only super_admin, which is not assignable)', () => {
    for (const spec of SYSTEM_ROLES.filter((r) => r.key !== 'super_admin')) {
      expect(render(spec.key), spec.key).not.toContain('sites.create');
    }
  });

  it('keeps administrative permissions (access, identity, tenancy, audit) away from content roles', () => {
    for (const key of ['author', 'editor', 'moderator']) {
      const granted = systemRoleGrants(role(key), CATALOG);
      for (const grant of granted) {
        // Workflow rules are administrative too; authors and editors may only read them (and the approval inbox).
        const readableWorkflowKeys = ['workflows.read', 'approvals.read'];
        const administrative = ['tenancy', 'access', 'identity', 'audit', ...(readableWorkflowKeys.includes(grant.key) ? [] : ['workflows'])];
        expect(administrative, `${key} ${grant.key}`).not.toContain(CATALOG.find((p) => p.key === grant.key)?.module);
      }
    }
  });

  it('sorts grants by key and lists each key once, preferring an unconditional grant over an own one', () => {
    const spec: SystemRoleSpec = {
      key: 'probe',
      name: 'Probe',
      description: 'test',
      assignable: true,
      grants: [{ match: 'pages.*', own: true }, { match: 'pages.read' }],
    };
    expect(systemRoleGrants(spec, CATALOG)).toEqual([
      { key: 'pages.create', condition: 'own' },
      { key: 'pages.delete', condition: 'own' },
      { key: 'pages.read', condition: null },
      { key: 'pages.update', condition: 'own' },
    ]);
  });

  it('treats glob metacharacters other than * literally', () => {
    const spec: SystemRoleSpec = {
      key: 'probe',
      name: 'Probe',
      description: 'test',
      assignable: true,
      grants: [{ match: 'api-keys.re?d' }, { match: 'roles.*' }],
    };
    expect(systemRoleGrants(spec, CATALOG).map((g) => g.key)).toEqual(['roles.create', 'roles.read']);
  });

  it('on the real catalog: admin holds every site-level key, analyst every read, and every grant names a catalog key', () => {
    const keys = new Set(appCatalog.map((p) => p.key));
    for (const spec of SYSTEM_ROLES) for (const grant of systemRoleGrants(spec, appCatalog)) expect(keys.has(grant.key), `${spec.key} ${grant.key}`).toBe(true);
    expect(systemRoleGrants(role('admin'), appCatalog).map((g) => g.key)).toEqual([...SITE_KEYS].sort());
    const reads = appCatalog.filter((p) => p.scope === 'site' && p.key.endsWith('.read')).map((p) => p.key);
    expect(systemRoleGrants(role('analyst'), appCatalog).map((g) => g.key)).toEqual(expect.arrayContaining(reads));
    expect(systemRoleGrants(role('guest'), appCatalog)).toEqual([]);
    expect(systemRoleGrants(role('registered'), appCatalog)).toEqual([]);
    expect(render('admin', appCatalog)).toEqual(
      expect.arrayContaining(['roles.create', 'memberships.create', 'api-keys.create', 'api-keys.update', 'api-keys.delete']),
    );
  });
});
