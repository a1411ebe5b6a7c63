import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog, createUser, expectProblem, insertSites, type Membership, SITE_KEYS } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, type TestAdmiral } from './helpers/app.js';

/** What the console's role screen reads: a role's members with their history, and the catalog grouped by module. */

type Person = { id: string; email: string; name: string | null };
type ListedMembership = Membership & { user: Person; assignedByUser: Person | null; revokedByUser: Person | null };

let admiral: TestAdmiral;
const siteA = uuidv7();
const siteB = uuidv7();
const ADMIN = uuidv7();
const OTHER_ADMIN = uuidv7();
const KEY_ID = uuidv7();
const admin = bearer('admin');
const otherAdmin = bearer('other-admin');
const machine = bearer('machine');
const reader = bearer('reader');

const url = (site = siteA) => `/v1/sites/${site}/memberships`;

async function call(method: 'GET' | 'POST' | 'DELETE', path: string, headers: Record<string, string>, payload?: object) {
  return admiral.app.inject({ method, url: path, headers, ...(payload ? { payload } : {}) });
}

async function grant(userId: string, role: string, headers = admin, site = siteA): Promise<ListedMembership> {
  const res = await call('POST', url(site), headers, { userId, role });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function revoke(id: string, headers = admin): Promise<ListedMembership> {
  const res = await call('DELETE', `${url()}/${id}`, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function list(query: string, headers = admin, site = siteA): Promise<ListedMembership[]> {
  const res = await call('GET', `${url(site)}?${query}`, headers);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { data: ListedMembership[] }).data;
}

async function roleId(key: string): Promise<string> {
  const res = await call('GET', `/v1/sites/${siteA}/roles`, admin);
  const role = (res.json() as { data: Array<{ id: string; key: string }> }).data.find((r) => r.key === key);
  if (!role) throw new Error(`no role ${key}`);
  return role.id;
}

beforeAll(async () => {
  admiral = await startTestAdmiral({
    tokens: {
      admin: staticPrincipal({ id: ADMIN, sites: { [siteA]: SITE_KEYS, [siteB]: SITE_KEYS } }),
      'other-admin': staticPrincipal({ id: OTHER_ADMIN, sites: { [siteA]: SITE_KEYS } }),
      machine: staticPrincipal({ id: KEY_ID, kind: 'api_key', sites: { [siteA]: SITE_KEYS } }),
      reader: staticPrincipal({ id: uuidv7(), sites: { [siteA]: ['roles.read'] } }),
    },
  });
  await insertSites(admiral, siteA, siteB);
  await createUser(admiral, ADMIN);
  await createUser(admiral, OTHER_ADMIN);
  await admiral.db.ownerQuery('UPDATE users SET name = $2 WHERE id = $1', [ADMIN, 'Ada Admin']);
});
afterAll(async () => admiral?.stop());

describe("a role's members and their history (GET /memberships?roleId=…)", () => {
  it('lists only the memberships of that role; includeRevoked adds its history, newest first', async () => {
    const create = await call('POST', `/v1/sites/${siteA}/roles`, admin, { key: 'desk', name: 'Desk', permissions: [{ key: 'domains.read' }] });
    expect(create.statusCode, create.body).toBe(201);
    const desk = create.json().id as string;
    const [u1, u2, u3] = [await createUser(admiral), await createUser(admiral), await createUser(admiral)];
    const first = await grant(u1, 'desk');
    const second = await grant(u2, 'desk');
    const editor = await grant(u3, 'editor');
    await revoke(first.id, otherAdmin);
    const again = await grant(u1, 'desk', machine);

    expect((await list(`roleId=${desk}`)).map((m) => m.id)).toEqual([again.id, second.id]);
    const history = await list(`roleId=${desk}&includeRevoked=true`);
    expect(history.map((m) => [m.id, m.active])).toEqual([
      [again.id, true],
      [second.id, true],
      [first.id, false],
    ]);
    expect(history.every((m) => m.roleId === desk && m.roleKey === 'desk')).toBe(true);
    expect((await list(`roleId=${await roleId('editor')}`)).map((m) => m.id)).toEqual([editor.id]);
    // Combined with userId: both must match.
    expect((await list(`roleId=${desk}&userId=${u3}&includeRevoked=true`)).map((m) => m.id)).toEqual([]);
    expect((await list(`roleId=${desk}&userId=${u1}&includeRevoked=true`)).map((m) => m.id)).toEqual([again.id, first.id]);
  });

  it('names the member, who granted and who revoked (null where an API key acted, or nobody revoked yet)', async () => {
    const create = await call('POST', `/v1/sites/${siteA}/roles`, admin, { key: 'night-desk', name: 'Night desk', permissions: [] });
    const nightDesk = create.json().id as string;
    const member = await createUser(admiral);
    const granted = await grant(member, 'night-desk');
    expect(granted.user).toEqual({ id: member, email: `${member}@access.test`, name: null });
    expect(granted.assignedByUser).toEqual({ id: ADMIN, email: `${ADMIN}@access.test`, name: 'Ada Admin' });
    expect(granted.revokedByUser).toBeNull();

    const revoked = await revoke(granted.id, otherAdmin);
    expect(revoked.revokedBy).toBe(OTHER_ADMIN);
    expect(revoked.revokedByUser).toEqual({ id: OTHER_ADMIN, email: `${OTHER_ADMIN}@access.test`, name: null });
    const byKey = await grant(member, 'night-desk', machine);
    expect(byKey.assignedBy).toBeNull();
    expect(byKey.assignedByUser).toBeNull();

    const history = await list(`roleId=${nightDesk}&includeRevoked=true`);
    expect(history.map((m) => [m.user.id, m.assignedByUser?.id ?? null, m.revokedByUser?.id ?? null])).toEqual([
      [member, null, null],
      [member, ADMIN, OTHER_ADMIN],
    ]);
    const got = await call('GET', `${url()}/${granted.id}`, admin);
    expect(got.json()).toMatchObject({ user: { id: member }, assignedByUser: { id: ADMIN }, revokedByUser: { id: OTHER_ADMIN } });
  });

  it("another site's role id finds nothing; a bad id is a 400; reading needs memberships.read", async () => {
    const onB = await call('POST', `/v1/sites/${siteB}/roles`, admin, { key: 'b-only', name: 'B only', permissions: [] });
    const bRole = onB.json().id as string;
    await grant(await createUser(admiral), 'b-only', admin, siteB);
    expect(await list(`roleId=${bRole}&includeRevoked=true`)).toEqual([]);
    expect((await list(`roleId=${bRole}`, admin, siteB)).length).toBe(1);
    const bad = await call('GET', `${url()}?roleId=not-a-uuid`, admin);
    expect(bad.statusCode, bad.body).toBe(400);
    expectProblem(await call('GET', `${url()}?roleId=${bRole}`, reader), 403, 'permission_denied');
  });
});

describe('GET /v1/permissions: the catalog with module, scope and ownability', () => {
  it('lists every catalog entry as the modules declare it, so a console can group by module and offer own', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: '/v1/permissions' });
    expect(res.statusCode).toBe(200);
    const listed = (res.json() as { data: Array<{ key: string; module: string; scope: string; ownable: boolean; description: string }> }).data;
    expect(listed).toEqual(catalog.map(({ key, description, module, scope, ownable }) => ({ key, description, module, scope, ownable })));
    const byKey = new Map(listed.map((p) => [p.key, p]));
    expect(byKey.get('roles.update')).toMatchObject({ module: 'access', scope: 'site' });
    expect(byKey.get('users.read')).toMatchObject({ module: 'identity', scope: 'platform' });
    expect(byKey.get('domains.read')).toMatchObject({ module: 'tenancy', scope: 'site', ownable: false });
  });
});
