import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSites } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';
import { auditRows, createUser, NO_RATE_LIMITS, signIn, signInOk, strongPassword } from './helpers/identity.js';

/** What the console's Users screens use: search, sort and pages; edit and suspend; devices; memberships; reset mail; sign-out everywhere. */

const CLERK = uuidv7();
let admiral: TestAdmiral;
beforeAll(async () => {
  admiral = await startTestAdmiral({
    env: NO_RATE_LIMITS,
    tokens: {
      reader: staticPrincipal({ id: uuidv7(), platform: ['users.read'] }),
      clerk: staticPrincipal({ id: CLERK, platform: ['users.read', 'users.update', 'sessions.revoke'] }),
      nobody: staticPrincipal({ id: uuidv7() }),
    },
  });
});
afterAll(async () => admiral?.stop());

const reader = bearer('reader');
const clerk = bearer('clerk');
const nobody = bearer('nobody');

type User = { id: string; email: string; username: string | null; name: string | null; status: string; banned: boolean; createdAt: string };
type Page = { data: User[]; nextCursor: string | null };

const get = (url: string, headers = superAdmin) => admiral.app.inject({ method: 'GET', url, headers });
const post = (url: string, payload: object = {}, headers: Record<string, string> = superAdmin) => admiral.app.inject({ method: 'POST', url, headers, payload });
const patch = (userId: string, payload: object, headers: Record<string, string> = superAdmin) =>
  admiral.app.inject({ method: 'PATCH', url: `/v1/users/${userId}`, headers, payload });

async function listAll(query: string): Promise<User[]> {
  const out: User[] = [];
  let cursor: string | null = null;
  do {
    const response = await get(`/v1/users?${query}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json() as Page;
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

async function makeUsers(tag: string, names: string[]): Promise<User[]> {
  const made: User[] = [];
  for (const name of names) {
    const response = await post('/v1/users', { email: `${name.toLowerCase()}-${tag}@example.test`, name: `${name} ${tag}`, password: strongPassword() });
    expect(response.statusCode, response.body).toBe(201);
    made.push(response.json());
  }
  return made;
}

describe('listing users', () => {
  it('searches, filters, sorts by email or creation either way, and pages without losing or repeating anyone', async () => {
    const tag = `srch${randomBytes(3).toString('hex')}`;
    const made = await makeUsers(tag, ['Mira', 'Abel', 'Zoe', 'Kim', 'Bo', 'Lu', 'Ada']);
    const byEmail = [...made].sort((a, b) => a.email.localeCompare(b.email)).map((u) => u.email);

    expect((await listAll(`q=${tag}&sort=email`)).map((u) => u.email)).toEqual(byEmail);
    expect((await listAll(`q=${tag}&sort=-email`)).map((u) => u.email)).toEqual([...byEmail].reverse());
    expect((await listAll(`q=${tag}&sort=createdAt`)).map((u) => u.id)).toEqual(made.map((u) => u.id));
    expect((await listAll(`q=${tag}&sort=-createdAt`)).map((u) => u.id)).toEqual(made.map((u) => u.id).reverse());
    expect((await listAll(`q=${tag}`)).map((u) => u.id)).toEqual(made.map((u) => u.id).reverse());
    // Search looks at names too, case-insensitively, and treats % and _ literally.
    expect((await listAll(`q=${encodeURIComponent(`ZOE ${tag}`)}`)).map((u) => u.email)).toEqual([`zoe-${tag}@example.test`]);
    expect(await listAll(`q=${tag}%25`)).toEqual([]);

    const kim = made[3] as User;
    expect((await post(`/v1/users/${kim.id}/ban`, { reason: 'spam' })).statusCode).toBe(200);
    expect((await listAll(`q=${tag}&banned=true`)).map((u) => u.id)).toEqual([kim.id]);
    expect((await listAll(`q=${tag}&banned=false`)).map((u) => u.id)).not.toContain(kim.id);
    expect((await patch((made[4] as User).id, { status: 'suspended' })).statusCode).toBe(200);
    expect((await listAll(`q=${tag}&status=suspended`)).map((u) => u.email)).toEqual([`bo-${tag}@example.test`]);
  });

  it('refuses a cursor from another sort order, unknown sorts, and callers without users.read', async () => {
    const first = (await get('/v1/users?sort=email&limit=1')).json() as Page;
    expect(first.nextCursor).not.toBeNull();
    const mixed = await get(`/v1/users?sort=-createdAt&cursor=${first.nextCursor}`);
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().code).toBe('invalid_cursor');
    expect((await get('/v1/users?sort=password')).statusCode).toBe(400);
    expect((await get('/v1/users?limit=1', reader)).statusCode).toBe(200);
    expect((await get('/v1/users', nobody)).statusCode).toBe(403);
  });
});

describe('changing a user', () => {
  it('changes names and username with If-Match, audits before and after, and refuses a stale version or a taken username', async () => {
    const user = await createUser(admiral);
    const other = await createUser(admiral);
    const read = await get(`/v1/users/${user.id}`);
    const etag = (await get(`/v1/users/${user.id}`)).headers.etag as string;
    expect(read.statusCode).toBe(200);

    const changed = await patch(user.id, { name: 'Ruth Example', username: 'Ruth.Example' }, { ...clerk, 'if-match': etag });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ name: 'Ruth Example', username: 'ruth.example' });
    const [audit] = await auditRows(admiral, "action = 'user.updated' AND target_id = $1", [user.id]);
    expect(audit).toMatchObject({
      actor_user_id: CLERK,
      before: { name: null, username: user.username },
      after: { name: 'Ruth Example', username: 'ruth.example' },
    });

    const stale = await patch(user.id, { name: 'Lost update' }, { ...clerk, 'if-match': etag });
    expect(stale.statusCode).toBe(412);
    const taken = await patch(user.id, { username: other.username });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('username_taken');
    expect((await get(`/v1/users/${user.id}`)).json()).toMatchObject({ name: 'Ruth Example', username: 'ruth.example' });
    expect(await auditRows(admiral, "action = 'user.updated' AND target_id = $1", [user.id])).toHaveLength(1);

    for (const bad of [{}, { email: 'x@example.test' }, { status: 'banned' }, { username: 'no spaces' }]) {
      const response = await patch(user.id, bad);
      expect(response.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect((await patch(user.id, { name: 'X' }, reader)).statusCode).toBe(403);
    expect((await patch(uuidv7(), { name: 'X' })).statusCode).toBe(404);
  });

  it('suspending ends every session and sign-in; reactivating lets them back in; super admins are changed only by super admins', async () => {
    const user = await createUser(admiral);
    const { token } = await signInOk(admiral, user);
    const suspended = await patch(user.id, { status: 'suspended' }, clerk);
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect((await get('/v1/me', bearer(token))).statusCode).toBe(401);
    expect((await signIn(admiral, { email: user.email, password: user.password })).statusCode).toBe(401);
    const [audit] = await auditRows(admiral, "action = 'user.updated' AND target_id = $1", [user.id]);
    expect(audit).toMatchObject({ before: { status: 'active' }, after: { status: 'suspended' }, metadata: { sessionsEnded: 1 } });
    expect((await patch(user.id, { status: 'active' }, clerk)).statusCode).toBe(200);
    await signInOk(admiral, user);

    const boss = await createUser(admiral, { isSuperAdmin: true });
    const refused = await patch(boss.id, { status: 'suspended' }, clerk);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('super_admin_required');
    const { token: bossToken } = await signInOk(admiral, boss);
    const self = await patch(boss.id, { status: 'suspended' }, bearer(bossToken));
    expect(self.statusCode).toBe(422);
    expect(self.json().code).toBe('cannot_suspend_self');
  });
});

describe("a user's devices, memberships and sessions", () => {
  it('lists the devices the user signed in from', async () => {
    const user = await createUser(admiral);
    await signIn(admiral, { email: user.email, password: user.password, deviceId: 'phone-device-1' }, { 'user-agent': 'Mozilla/5.0 (Linux; Android 14)' });
    await signIn(admiral, { email: user.email, password: user.password, deviceId: 'laptop-device-2' }, { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0)' });
    const response = await get(`/v1/users/${user.id}/devices`, reader);
    expect(response.statusCode, response.body).toBe(200);
    const devices = response.json().data as Array<{ platform: string; userAgent: string; riskState: string }>;
    expect(devices.map((d) => d.platform)).toEqual(['windows', 'android']);
    expect(devices[0]).toMatchObject({ userAgent: 'Mozilla/5.0 (Windows NT 10.0)', riskState: 'normal' });
    expect((await get(`/v1/users/${uuidv7()}/devices`)).statusCode).toBe(404);
    expect((await get(`/v1/users/${user.id}/devices`, nobody)).statusCode).toBe(403);
  });

  it("lists a user's active memberships on every site, read past each site's isolation", async () => {
    const [siteA, siteB] = [uuidv7(), uuidv7()];
    await insertSites(admiral, siteA, siteB);
    const user = await createUser(admiral);
    const grant = (site: string, role: string) => post(`/v1/sites/${site}/memberships`, { userId: user.id, role });
    expect((await grant(siteA, 'editor')).statusCode).toBe(201);
    const onB = await grant(siteB, 'support');
    expect(onB.statusCode).toBe(201);
    const listed = await get(`/v1/users/${user.id}/memberships`, reader);
    expect(listed.statusCode, listed.body).toBe(200);
    const data = listed.json().data as Array<{ site: { id: string; name: string }; role: { key: string; name: string } }>;
    expect(data.map((m) => [m.site.id, m.role.key]).sort()).toEqual(
      [
        [siteA, 'editor'],
        [siteB, 'support'],
      ].sort(),
    );
    expect((await admiral.app.inject({ method: 'DELETE', url: `/v1/sites/${siteB}/memberships/${onB.json().id}`, headers: superAdmin })).statusCode).toBe(200);
    expect(((await get(`/v1/users/${user.id}/memberships`)).json().data as unknown[]).length).toBe(1);
  });

  it('ends every session of a user at once, audited with the count', async () => {
    const user = await createUser(admiral);
    const tokens = [await signInOk(admiral, user), await signInOk(admiral, user)];
    expect((await admiral.app.inject({ method: 'DELETE', url: `/v1/users/${user.id}/sessions`, headers: reader })).statusCode).toBe(403);
    const ended = await admiral.app.inject({ method: 'DELETE', url: `/v1/users/${user.id}/sessions`, headers: clerk });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toEqual({ ended: 2 });
    for (const { token } of tokens) expect((await get('/v1/me', bearer(token))).statusCode).toBe(401);
    const [audit] = await auditRows(admiral, "action = 'session.revoked_all' AND target_id = $1", [user.id]);
    expect(audit).toMatchObject({ actor_user_id: CLERK, metadata: { sessionsEnded: 2 } });
  });
});

describe('an administrator sends a password reset', () => {
  it('mails a single-use link that sets a new password, audited; refuses users without a password and callers without users.update', async () => {
    const user = await createUser(admiral);
    expect((await post(`/v1/users/${user.id}/password-reset`, {}, reader)).statusCode).toBe(403);
    const sent = await post(`/v1/users/${user.id}/password-reset`, {}, clerk);
    expect(sent.statusCode, sent.body).toBe(204);
    const { rows } = await admiral.db.ownerQuery<{ text_body: string; kind: string }>(
      "SELECT text_body, kind FROM mail_outbox WHERE to_address = $1 AND kind = 'password_reset' ORDER BY created_at DESC",
      [user.email],
    );
    expect(rows).toHaveLength(1);
    const token = /admv_[A-Za-z0-9_-]+/.exec(rows[0]?.text_body ?? '')?.[0] as string;
    expect(token).toBeDefined();
    const [audit] = await auditRows(admiral, "action = 'user.password_reset_sent' AND target_id = $1", [user.id]);
    expect(audit).toMatchObject({ actor_user_id: CLERK, success: true });

    const fresh = strongPassword();
    const reset = await post('/v1/auth/password-reset/confirm', { token, newPassword: fresh }, {});
    expect(reset.statusCode, reset.body).toBe(204);
    await signInOk(admiral, { email: user.email, password: fresh });

    const noPassword = await post('/v1/users', { email: `sso-${randomBytes(3).toString('hex')}@example.test` });
    const refused = await post(`/v1/users/${noPassword.json().id}/password-reset`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('no_password');
    expect((await post(`/v1/users/${uuidv7()}/password-reset`)).statusCode).toBe(404);
  });
});
