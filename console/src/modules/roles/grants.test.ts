import { describe, expect, it } from 'vitest';
import { beyondAuthority } from '../../../../server/src/modules/access/authority';
import type { Permissions } from '../../app/session';
import { beyondCaller, type CatalogPermission, grantability, moduleLabel, siteGroups } from './grants';
import { keyFromName } from './role-key';

const entry = (key: string, module: string, extra: Partial<CatalogPermission> = {}): CatalogPermission => ({
  key,
  module,
  description: key,
  scope: 'site',
  ownable: false,
  ...extra,
});

function caller(superAdmin: boolean, held: string[], ownOnly: string[]): Permissions {
  return { superAdmin, can: (key) => superAdmin || held.includes(key), ownOnly: (key) => !superAdmin && ownOnly.includes(key) };
}

describe('what the console lets a caller grant is what the server accepts', () => {
  const keys = ['posts.read', 'posts.update', 'audit.read'];
  const callers: Array<[string, boolean, string[], string[]]> = [
    ['a super admin', true, [], []],
    ['an editor holding posts.* everywhere', false, ['posts.read', 'posts.update'], []],
    ['an author holding posts.update on own rows only', false, ['posts.read', 'posts.update'], ['posts.update']],
    ['a member holding nothing', false, [], []],
  ];
  for (const [who, superAdmin, held, ownOnly] of callers) {
    it(`matches the server's rule (access/authority.ts) for ${who}`, () => {
      const permissions = caller(superAdmin, held, ownOnly);
      const authority = { superAdmin, held: new Set(held), ownOnly: new Set(ownOnly) };
      for (const key of keys) {
        for (const condition of ['own', null] as const) {
          const server = beyondAuthority(authority, [{ key, condition }]).length === 0;
          expect(grantability(permissions).canGrant(key, condition === 'own' ? 'own' : 'all'), `${key} ${condition}`).toBe(server);
          expect(beyondCaller(permissions, [{ key, condition }])).toEqual(server ? [] : [key]);
        }
      }
    });
  }
});

describe('the catalog grouped by module', () => {
  const catalog = [
    entry('sites.create', 'tenancy', { scope: 'platform' }),
    entry('roles.update', 'access'),
    entry('domains.read', 'tenancy'),
    entry('audit.read', 'audit'),
    entry('roles.read', 'access'),
    entry('streams.read', 'live-streams'),
  ];

  it('keeps site permissions only, groups them by module (sorted by label) with keys sorted', () => {
    const groups = siteGroups(catalog);
    expect(groups.map((g) => [g.module, g.permissions.map((p) => p.key)])).toEqual([
      ['access', ['roles.read', 'roles.update']],
      ['audit', ['audit.read']],
      ['live-streams', ['streams.read']],
      ['tenancy', ['domains.read']],
    ]);
    expect(groups.map((g) => g.label)).toEqual(['Access (roles, members, API keys)', 'Audit trail', 'Live streams', 'Site and domains']);
  });

  it('filters with keep, dropping groups left empty', () => {
    expect(siteGroups(catalog, (p) => p.key.endsWith('.update')).map((g) => g.module)).toEqual(['access']);
  });

  it('labels unknown modules from their name', () => {
    expect(moduleLabel('commerce')).toBe('Commerce');
  });
});

describe('the role key suggested from a name', () => {
  it('is lower-case kebab, starts with a letter, fits the API pattern', () => {
    expect(keyFromName('Night desk')).toBe('night-desk');
    expect(keyFromName('Crème brûlée team')).toBe('creme-brulee-team');
    expect(keyFromName('  42 Social / Media!! ')).toBe('social-media');
    const long = keyFromName(`A${'b-'.repeat(60)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z][a-z0-9_-]{1,62}$/);
    expect(long.endsWith('-')).toBe(false);
  });
});
