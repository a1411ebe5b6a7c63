import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';

const clerkId = uuidv7();
const tokens = {
  reader: staticPrincipal({ id: uuidv7(), platform: ['users.read'] }),
  nobody: staticPrincipal({ id: uuidv7() }),
  // Holds users.update and has a profile of their own (the self-edit rule).
  clerk: staticPrincipal({ id: clerkId, platform: ['users.read', 'users.update'] }),
};

let admiral: TestAdmiral;
beforeAll(async () => {
  admiral = await startTestAdmiral({ tokens });
});
afterAll(async () => admiral?.stop());

const url = (userId: string) => `/v1/users/${userId}/admin-profile`;
const put = (userId: string, payload: unknown, headers: Record<string, string> = superAdmin) =>
  admiral.app.inject({ method: 'PUT', url: url(userId), headers, payload: payload as object });
const get = (userId: string, headers: Record<string, string> = superAdmin) => admiral.app.inject({ method: 'GET', url: url(userId), headers });
const remove = (userId: string, headers: Record<string, string> = superAdmin) => admiral.app.inject({ method: 'DELETE', url: url(userId), headers });

async function audits(userId: string) {
  const { rows } = await admiral.db.ownerQuery<{ action: string; site_id: string | null; before: unknown; after: unknown; actor_user_id: string | null }>(
    "SELECT action, site_id, before, after, actor_user_id FROM audit_logs WHERE target_id = $1 AND action LIKE 'admin_profile.%' ORDER BY seq",
    [userId],
  );
  return rows;
}

async function snapshot() {
  const { rows } = await admiral.db.ownerQuery(
    `SELECT (SELECT coalesce(json_agg(p ORDER BY user_id), '[]') FROM admin_profiles p) AS profiles,
            (SELECT count(*)::int FROM audit_logs) AS audit_rows`,
  );
  return rows[0];
}

describe('admin profiles', () => {
  it('creates, reads, replaces and deletes a profile, each change audited with before and after', async () => {
    const [user, manager] = [await createUser(admiral), await createUser(admiral)];
    expect((await admiral.app.inject({ method: 'GET', url: `/v1/users/${user}`, headers: superAdmin })).json().adminProfile).toBeNull();
    expectProblem(await get(user), 404, 'not_found');

    const created = await put(user, { department: 'Trust & Safety', managerUserId: manager, accessLevel: 3 });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe(url(user));
    expect(created.json()).toMatchObject({ userId: user, department: 'Trust & Safety', managerUserId: manager, accessLevel: 3 });
    const read = await get(user);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created.json());
    expect(read.headers.etag).toBe(created.headers.etag);
    const detail = await admiral.app.inject({ method: 'GET', url: `/v1/users/${user}`, headers: superAdmin });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json()).toMatchObject({ id: user, adminProfile: created.json() });

    // PUT replaces the whole profile: the department left out is cleared, the manager too.
    const replaced = await put(user, { accessLevel: 5 }, { ...superAdmin, 'if-match': String(created.headers.etag) });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({ department: null, managerUserId: null, accessLevel: 5 });
    expect(replaced.headers.etag).not.toBe(created.headers.etag);

    const deleted = await remove(user);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expectProblem(await get(user), 404, 'not_found');
    expectProblem(await remove(user), 404, 'not_found');

    expect(await audits(user)).toEqual([
      {
        action: 'admin_profile.created',
        site_id: null,
        before: null,
        after: { department: 'Trust & Safety', managerUserId: manager, accessLevel: 3 },
        actor_user_id: '00000000-0000-7000-8000-000000000001',
      },
      {
        action: 'admin_profile.updated',
        site_id: null,
        before: { department: 'Trust & Safety', managerUserId: manager, accessLevel: 3 },
        after: { department: null, managerUserId: null, accessLevel: 5 },
        actor_user_id: '00000000-0000-7000-8000-000000000001',
      },
      {
        action: 'admin_profile.deleted',
        site_id: null,
        before: { department: null, managerUserId: null, accessLevel: 5 },
        after: null,
        actor_user_id: '00000000-0000-7000-8000-000000000001',
      },
    ]);
  });

  it('refuses bad input with 4xx problems and changes nothing', async () => {
    const user = await createUser(admiral);
    const gone = await createUser(admiral);
    await admiral.db.ownerQuery("UPDATE users SET status = 'deleted' WHERE id = $1", [gone]);
    const before = await snapshot();
    for (const [payload, pointer] of [
      [{ accessLevel: 0 }, '/accessLevel'],
      [{ accessLevel: 6 }, '/accessLevel'],
      [{ accessLevel: 2.5 }, '/accessLevel'],
      [{ accessLevel: '3' }, '/accessLevel'],
      [{ department: '' }, '/department'],
      [{ department: 'x'.repeat(201) }, '/department'],
      [{ managerUserId: 'not-a-uuid' }, '/managerUserId'],
      [{ title: 'Boss' }, '/title'],
    ] as const) {
      const response = await put(user, payload);
      expectProblem(response, 400, 'validation_failed');
      expect(response.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    const self = await put(user, { managerUserId: user });
    expectProblem(self, 422, 'manager_is_self');
    expect(self.json().errors).toEqual([{ in: 'body', pointer: '/managerUserId', detail: 'is the user themself' }]);
    expectProblem(await put(user, { managerUserId: uuidv7() }), 422, 'unknown_manager');
    expectProblem(await put(user, { managerUserId: gone }), 422, 'unknown_manager');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a manager who reports, directly or through others, to the user', async () => {
    const [a, b, c, d] = [await createUser(admiral), await createUser(admiral), await createUser(admiral), await createUser(admiral)];
    expect((await put(a, { managerUserId: b })).statusCode).toBe(201); // a reports to b
    expect((await put(b, { managerUserId: c })).statusCode).toBe(201); // b reports to c
    const before = await snapshot();
    expectProblem(await put(c, { managerUserId: a }), 422, 'manager_cycle'); // c → a → b → c
    expectProblem(await put(b, { managerUserId: a }), 422, 'manager_cycle'); // b → a → b
    expect(await snapshot()).toEqual(before);
    expect((await put(c, { managerUserId: d })).statusCode).toBe(201); // a chain, not a loop
    expect((await put(b, { managerUserId: d })).statusCode).toBe(200);
  });

  it('lets only one of two concurrent edits that would together close a loop through', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const [x, y] = [await createUser(admiral), await createUser(admiral)];
      const results = await Promise.all([put(x, { managerUserId: y }), put(y, { managerUserId: x })]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 422]);
      const { rows } = await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM admin_profiles WHERE user_id IN ($1, $2)', [x, y]);
      expect(rows[0]).toEqual({ n: 1 });
    }
  });

  it('answers 404 for an unknown user and 412 for a stale If-Match, changing nothing', async () => {
    const unknown = uuidv7();
    expectProblem(await get(unknown), 404, 'not_found');
    expectProblem(await put(unknown, { accessLevel: 2 }), 404, 'not_found');
    expectProblem(await remove(unknown), 404, 'not_found');
    const detail = await admiral.app.inject({ method: 'GET', url: `/v1/users/${unknown}`, headers: superAdmin });
    expectProblem(detail, 404, 'not_found');

    const user = await createUser(admiral);
    expectProblem(await put(user, { accessLevel: 2 }, { ...superAdmin, 'if-match': '"anything"' }), 412, 'precondition_failed');
    const created = await put(user, { accessLevel: 2 });
    expect(created.statusCode).toBe(201);
    await put(user, { accessLevel: 4 });
    const before = await snapshot();
    expectProblem(await put(user, { accessLevel: 1 }, { ...superAdmin, 'if-match': String(created.headers.etag) }), 412, 'precondition_failed');
    expectProblem(
      await admiral.app.inject({ method: 'DELETE', url: url(user), headers: { ...superAdmin, 'if-match': String(created.headers.etag) } }),
      412,
      'precondition_failed',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('needs users.read to read and users.update to change', async () => {
    const user = await createUser(admiral);
    expect((await put(user, { accessLevel: 2 })).statusCode).toBe(201);
    const before = await snapshot();
    expect((await get(user, bearer('reader'))).statusCode).toBe(200);
    expectProblem(await put(user, { accessLevel: 3 }, bearer('reader')), 403, 'permission_denied');
    expectProblem(await remove(user, bearer('reader')), 403, 'permission_denied');
    expectProblem(await get(user, bearer('nobody')), 403, 'permission_denied');
    expectProblem(await put(user, { accessLevel: 3 }, bearer('nobody')), 403, 'permission_denied');
    expect((await admiral.app.inject({ method: 'GET', url: url(user) })).statusCode).toBe(401);
    expect(await snapshot()).toEqual(before);
    const byClerk = await put(user, { department: 'Support', accessLevel: 3 }, bearer('clerk'));
    expect(byClerk.statusCode, byClerk.body).toBe(200);
    expect((await audits(user)).at(-1)).toMatchObject({ action: 'admin_profile.updated', actor_user_id: clerkId });
  });

  it('does not let an administrator change their own access level (a super admin may)', async () => {
    await admiral.db.ownerQuery('INSERT INTO users (id, email) VALUES ($1, $2) ON CONFLICT DO NOTHING', [clerkId, `${clerkId}@access.test`]);
    expect((await put(clerkId, { department: 'Ops', accessLevel: 2 })).statusCode).toBe(201);
    expectProblem(await put(clerkId, { department: 'Ops', accessLevel: 5 }, bearer('clerk')), 403, 'cannot_change_own_access_level');
    const sameLevel = await put(clerkId, { department: 'Operations', accessLevel: 2 }, bearer('clerk'));
    expect(sameLevel.statusCode, sameLevel.body).toBe(200);
    expect((await put(clerkId, { department: 'Ops', accessLevel: 5 })).json().accessLevel).toBe(5);
  });
});
