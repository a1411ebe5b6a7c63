import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCounts, auditCount, auditsFor, createUser, expectProblem, insertSites, type Membership, type Role, SITE_KEYS } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';

let admiral: TestAdmiral;
const siteA = uuidv7();
const siteB = uuidv7();
const ADMIN = uuidv7();
const LIMITED = uuidv7();
const READER = uuidv7();
const admin = bearer('admin');
const limited = bearer('limited');
const reader = bearer('reader');

const rolesUrl = () => `/v1/sites/${siteA}/roles`;

async function createRole(payload: Record<string, unknown>, headers = admin): Promise<Role> {
  const res = await admiral.app.inject({ method: 'POST', url: rolesUrl(), headers, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Role;
}

async function systemRole(key: string): Promise<Role> {
  const res = await admiral.app.inject({ method: 'GET', url: rolesUrl(), headers: admin });
  const role = (res.json() as { data: Role[] }).data.find((r) => r.key === key && r.system);
  if (!role) throw new Error(`no system role ${key}`);
  return role;
}

beforeAll(async () => {
  admiral = await startTestAdmiral({
    tokens: {
      admin: staticPrincipal({ id: ADMIN, sites: { [siteA]: SITE_KEYS } }),
      limited: staticPrincipal({
        id: LIMITED,
        sites: { [siteA]: ['roles.read', 'roles.create', 'roles.update', 'roles.delete', 'domains.read', 'memberships.read'] },
      }),
      reader: staticPrincipal({ id: READER, sites: { [siteA]: ['roles.read'] } }),
    },
  });
  await insertSites(admiral, siteA, siteB);
});
afterAll(async () => admiral?.stop());

describe('custom roles', () => {
  it('creates a role with permissions (one with no condition given), audited once', async () => {
    const before = await auditCount(admiral);
    const res = await admiral.app.inject({
      method: 'POST',
      url: rolesUrl(),
      headers: admin,
      payload: {
        key: 'content-lead',
        name: 'Content lead',
        description: 'Runs the domains',
        permissions: [{ key: 'domains.update' }, { key: 'domains.read', condition: null }],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const role = res.json() as Role;
    expect(role).toMatchObject({
      siteId: siteA,
      key: 'content-lead',
      name: 'Content lead',
      description: 'Runs the domains',
      system: false,
      assignable: true,
      permissions: [
        { key: 'domains.read', condition: null },
        { key: 'domains.update', condition: null },
      ],
    });
    expect(res.headers.location).toBe(`${rolesUrl()}/${role.id}`);
    expect(res.headers.etag).toBeDefined();
    const stored = await admiral.db.ownerQuery('SELECT site_id, permission_key, condition FROM role_permissions WHERE role_id = $1 ORDER BY permission_key', [
      role.id,
    ]);
    expect(stored.rows).toEqual([
      { site_id: siteA, permission_key: 'domains.read', condition: null },
      { site_id: siteA, permission_key: 'domains.update', condition: null },
    ]);
    expect(await auditCount(admiral)).toBe(before + 1);
    const audits = await auditsFor(admiral, role.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      site_id: siteA,
      action: 'role.created',
      category: 'access',
      target_type: 'role',
      actor_user_id: ADMIN,
      before: null,
      request_id: res.headers['x-request-id'],
    });
    expect(audits[0]?.after).toEqual(JSON.parse(JSON.stringify(role)));
  });

  it('lists system roles first, then custom ones, and gets one by id with an ETag', async () => {
    const role = await createRole({ key: 'listed', name: 'Listed', permissions: [] });
    const list = await admiral.app.inject({ method: 'GET', url: rolesUrl(), headers: reader });
    expect(list.statusCode, list.body).toBe(200);
    const roles = (list.json() as { data: Role[] }).data;
    const firstCustom = roles.findIndex((r) => !r.system);
    expect(roles.slice(0, firstCustom).every((r) => r.system)).toBe(true);
    expect(roles.slice(firstCustom).every((r) => !r.system && r.siteId === siteA)).toBe(true);
    expect(roles.find((r) => r.id === role.id)).toEqual(role);
    const got = await admiral.app.inject({ method: 'GET', url: `${rolesUrl()}/${role.id}`, headers: reader });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(role);
    const again = await admiral.app.inject({
      method: 'GET',
      url: `${rolesUrl()}/${role.id}`,
      headers: { ...reader, 'if-none-match': String(got.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expectProblem(await admiral.app.inject({ method: 'GET', url: `${rolesUrl()}/${uuidv7()}`, headers: reader }), 404, 'not_found');
  });

  it('renames and re-describes a role (If-Match honoured), auditing only what changed', async () => {
    const role = await createRole({ key: 'renamed', name: 'Before', description: 'Same', permissions: [{ key: 'domains.read' }] });
    const stale = await admiral.app.inject({
      method: 'PATCH',
      url: `${rolesUrl()}/${role.id}`,
      headers: { ...admin, 'if-match': '"stale"' },
      payload: { name: 'After' },
    });
    expectProblem(stale, 412, 'precondition_failed');
    const current = await admiral.app.inject({ method: 'GET', url: `${rolesUrl()}/${role.id}`, headers: admin });
    const res = await admiral.app.inject({
      method: 'PATCH',
      url: `${rolesUrl()}/${role.id}`,
      headers: { ...admin, 'if-match': String(current.headers.etag) },
      payload: { name: 'After', description: 'Same' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: role.id, key: 'renamed', name: 'After', description: 'Same', permissions: role.permissions });
    const audits = await auditsFor(admiral, role.id);
    expect(audits.map((a) => a.action)).toEqual(['role.created', 'role.updated']);
    expect(audits[1]?.before).toEqual({ name: 'Before' });
    expect(audits[1]?.after).toEqual({ name: 'After' });
    expectProblem(await admiral.app.inject({ method: 'PATCH', url: `${rolesUrl()}/${role.id}`, headers: admin, payload: {} }), 400, 'validation_failed');
  });

  it('refuses a key already used on the site, or a system role key; and malformed keys', async () => {
    await createRole({ key: 'twice', name: 'Twice', permissions: [] });
    const before = await accessCounts(admiral);
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: rolesUrl(), headers: admin, payload: { key: 'twice', name: 'Again', permissions: [] } }),
      409,
      'role_key_taken',
    );
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: rolesUrl(), headers: admin, payload: { key: 'admin', name: 'Fake admin', permissions: [] } }),
      409,
      'role_key_taken',
    );
    for (const key of ['Admin', '1x', 'a', 'has space', 'x'.repeat(64)]) {
      expectProblem(
        await admiral.app.inject({ method: 'POST', url: rolesUrl(), headers: admin, payload: { key, name: 'Bad', permissions: [] } }),
        400,
        'validation_failed',
      );
    }
    expect(await accessCounts(admiral)).toEqual(before);
    // The same key on another site is fine.
    const other = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteB}/roles`,
      headers: superAdmin,
      payload: { key: 'twice', name: 'B', permissions: [] },
    });
    expect(other.statusCode, other.body).toBe(201);
  });

  it('needs roles.create (403 for a reader, checked before the body)', async () => {
    const before = await accessCounts(admiral);
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: rolesUrl(), headers: reader, payload: { key: 'nope', name: 'Nope', permissions: [] } }),
      403,
      'permission_denied',
    );
    expectProblem(await admiral.app.inject({ method: 'POST', url: rolesUrl(), headers: reader, payload: { junk: true } }), 403, 'permission_denied');
    expectProblem(await admiral.app.inject({ method: 'GET', url: rolesUrl() }), 401, 'unauthenticated');
    expect(await accessCounts(admiral)).toEqual(before);
  });
});

describe('permission validation', () => {
  it('refuses unknown keys, platform keys, repeated keys and own on a permission without owners (422), writing nothing', async () => {
    const role = await createRole({ key: 'validated', name: 'Validated', permissions: [{ key: 'domains.read' }] });
    const before = await accessCounts(admiral);
    const cases: Array<[Array<Record<string, unknown>>, string, string[]]> = [
      [[{ key: 'domains.read' }, { key: 'nothing.here' }, { key: 'also.missing' }], 'unknown_permission', ['/permissions/1/key', '/permissions/2/key']],
      [[{ key: 'sites.create' }], 'unknown_permission', ['/permissions/0/key']],
      [[{ key: 'domains.read' }, { key: 'domains.read', condition: null }], 'duplicate_permission', ['/permissions/1/key']],
      [[{ key: 'domains.update', condition: 'own' }], 'condition_not_supported', ['/permissions/0/key']],
    ];
    for (const [permissions, code, pointers] of cases) {
      for (const [method, url, payload] of [
        ['POST', rolesUrl(), { key: 'invalid-perms', name: 'X', permissions }],
        ['PUT', `${rolesUrl()}/${role.id}/permissions`, { permissions }],
      ] as const) {
        const res = await admiral.app.inject({ method, url, headers: admin, payload });
        expectProblem(res, 422, code);
        expect((res.json() as { errors: Array<{ pointer: string }> }).errors.map((e) => e.pointer)).toEqual(pointers);
      }
    }
    for (const condition of ['mine', 'OWN', 1]) {
      const res = await admiral.app.inject({
        method: 'PUT',
        url: `${rolesUrl()}/${role.id}/permissions`,
        headers: admin,
        payload: { permissions: [{ key: 'domains.read', condition }] },
      });
      expectProblem(res, 400, 'validation_failed');
    }
    expect(await accessCounts(admiral)).toEqual(before);
  });
});

describe('replacing permissions', () => {
  it('replaces the whole set, audited once with before and after', async () => {
    const role = await createRole({ key: 'replaced', name: 'Replaced', permissions: [{ key: 'domains.read' }, { key: 'domains.update' }] });
    const before = await auditCount(admiral);
    const res = await admiral.app.inject({
      method: 'PUT',
      url: `${rolesUrl()}/${role.id}/permissions`,
      headers: admin,
      payload: { permissions: [{ key: 'domains.read' }, { key: 'roles.read' }, { key: 'memberships.read' }] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const after = res.json() as Role;
    expect(after.permissions).toEqual([
      { key: 'domains.read', condition: null },
      { key: 'memberships.read', condition: null },
      { key: 'roles.read', condition: null },
    ]);
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(role.updatedAt));
    const stored = await admiral.db.ownerQuery<{ permission_key: string }>(
      'SELECT permission_key FROM role_permissions WHERE role_id = $1 ORDER BY permission_key',
      [role.id],
    );
    expect(stored.rows.map((r) => r.permission_key)).toEqual(['domains.read', 'memberships.read', 'roles.read']);
    expect(await auditCount(admiral)).toBe(before + 1);
    const audit = (await auditsFor(admiral, role.id)).at(-1);
    expect(audit).toMatchObject({ action: 'role.permissions_replaced', actor_user_id: ADMIN, site_id: siteA });
    expect(audit?.before).toEqual({ permissions: role.permissions });
    expect(audit?.after).toEqual({ permissions: after.permissions });
    // Emptying is a replacement too.
    const emptied = await admiral.app.inject({ method: 'PUT', url: `${rolesUrl()}/${role.id}/permissions`, headers: admin, payload: { permissions: [] } });
    expect(emptied.statusCode).toBe(200);
    expect((emptied.json() as Role).permissions).toEqual([]);
  });

  it('honours If-Match', async () => {
    const role = await createRole({ key: 'etagged', name: 'ETagged', permissions: [] });
    const res = await admiral.app.inject({
      method: 'PUT',
      url: `${rolesUrl()}/${role.id}/permissions`,
      headers: { ...admin, 'if-match': '"not-it"' },
      payload: { permissions: [{ key: 'domains.read' }] },
    });
    expectProblem(res, 412, 'precondition_failed');
  });
});

describe('system roles are read-only', () => {
  it('answers 409 system_role_read_only to rename, replace and delete, changing nothing', async () => {
    const editor = await systemRole('editor');
    const before = await accessCounts(admiral);
    const stored = (await admiral.db.ownerQuery('SELECT * FROM roles WHERE id = $1', [editor.id])).rows;
    for (const [method, url, payload] of [
      ['PATCH', `${rolesUrl()}/${editor.id}`, { name: 'Mine now' }],
      ['PUT', `${rolesUrl()}/${editor.id}/permissions`, { permissions: [{ key: 'domains.read' }] }],
      ['DELETE', `${rolesUrl()}/${editor.id}`, undefined],
    ] as const) {
      expectProblem(await admiral.app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) }), 409, 'system_role_read_only');
      expectProblem(await admiral.app.inject({ method, url, headers: superAdmin, ...(payload ? { payload } : {}) }), 409, 'system_role_read_only');
    }
    expect(await accessCounts(admiral)).toEqual(before);
    expect((await admiral.db.ownerQuery('SELECT * FROM roles WHERE id = $1', [editor.id])).rows).toEqual(stored);
  });
});

describe('no escalation through roles', () => {
  it('a caller cannot create or widen a role beyond what they hold (403 permission_escalation)', async () => {
    const before = await accessCounts(admiral);
    const res = await admiral.app.inject({
      method: 'POST',
      url: rolesUrl(),
      headers: limited,
      payload: { key: 'sneaky', name: 'Sneaky', permissions: [{ key: 'domains.read' }, { key: 'domains.delete' }] },
    });
    expectProblem(res, 403, 'permission_escalation');
    expect(res.json().detail).toContain('domains.delete');
    expect(await accessCounts(admiral)).toEqual(before);

    const own = await createRole({ key: 'limited-made', name: 'Limited made', permissions: [{ key: 'domains.read' }] }, limited);
    expectProblem(
      await admiral.app.inject({
        method: 'PUT',
        url: `${rolesUrl()}/${own.id}/permissions`,
        headers: limited,
        payload: { permissions: [{ key: 'api-keys.create' }] },
      }),
      403,
      'permission_escalation',
    );
    // Nor narrow a role that grants more than they hold.
    const strong = await createRole({ key: 'strong', name: 'Strong', permissions: [{ key: 'api-keys.create' }, { key: 'domains.read' }] });
    expectProblem(
      await admiral.app.inject({
        method: 'PUT',
        url: `${rolesUrl()}/${strong.id}/permissions`,
        headers: limited,
        payload: { permissions: [{ key: 'domains.read' }] },
      }),
      403,
      'permission_escalation',
    );
    const ok = await admiral.app.inject({
      method: 'PUT',
      url: `${rolesUrl()}/${own.id}/permissions`,
      headers: limited,
      payload: { permissions: [{ key: 'roles.read' }] },
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe('deleting custom roles', () => {
  it('refuses while an active membership holds the role, then deletes it (history still names it; the key is free again)', async () => {
    const role = await createRole({ key: 'temporary', name: 'Temporary', permissions: [{ key: 'domains.read' }] });
    const user = await createUser(admiral);
    const granted = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/memberships`,
      headers: admin,
      payload: { userId: user, role: 'temporary' },
    });
    expect(granted.statusCode, granted.body).toBe(201);
    const membership = granted.json() as Membership;

    const before = await accessCounts(admiral);
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: `${rolesUrl()}/${role.id}`, headers: admin }), 409, 'role_in_use');
    expect(await accessCounts(admiral)).toEqual(before);

    const revoked = await admiral.app.inject({ method: 'DELETE', url: `/v1/sites/${siteA}/memberships/${membership.id}`, headers: admin });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const auditsBefore = await auditCount(admiral);
    const deleted = await admiral.app.inject({ method: 'DELETE', url: `${rolesUrl()}/${role.id}`, headers: admin });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(deleted.body).toBe('');
    expect(await auditCount(admiral)).toBe(auditsBefore + 1);
    const audit = (await auditsFor(admiral, role.id)).at(-1);
    expect(audit).toMatchObject({ action: 'role.deleted', after: null, actor_user_id: ADMIN });
    expect(audit?.before).toMatchObject({ id: role.id, key: 'temporary', permissions: [{ key: 'domains.read', condition: null }] });

    expectProblem(await admiral.app.inject({ method: 'GET', url: `${rolesUrl()}/${role.id}`, headers: admin }), 404, 'not_found');
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: `${rolesUrl()}/${role.id}`, headers: admin }), 404, 'not_found');
    const list = (await admiral.app.inject({ method: 'GET', url: rolesUrl(), headers: admin })).json() as { data: Role[] };
    expect(list.data.map((r) => r.id)).not.toContain(role.id);
    expect((await admiral.db.ownerQuery('SELECT 1 FROM role_permissions WHERE role_id = $1', [role.id])).rowCount).toBe(0);
    // The revoked membership still names its role.
    const history = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/memberships/${membership.id}`, headers: admin });
    expect(history.json()).toMatchObject({ roleId: role.id, roleKey: 'temporary', active: false });
    // A deleted role can no longer be granted, and its key can be reused.
    const regrant = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/memberships`,
      headers: admin,
      payload: { userId: user, role: 'temporary' },
    });
    expectProblem(regrant, 422, 'unknown_role');
    const reused = await createRole({ key: 'temporary', name: 'Temporary again', permissions: [] });
    expect(reused.id).not.toBe(role.id);
  });
});
