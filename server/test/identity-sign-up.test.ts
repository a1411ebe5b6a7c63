import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from './helpers/access.js';
import { bearer, startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import { createUser, strongPassword } from './helpers/identity.js';

let admiral: TestAdmiral;
beforeAll(async () => {
  // Low limits (each call below comes from its own address unless a test says otherwise).
  admiral = await startTestAdmiral({ env: { AUTH_RATE_LIMIT_PER_IP: '5', AUTH_RATE_LIMIT_PER_ACCOUNT: '4', PUBLIC_URL: 'https://admin.example.test' } });
});
afterAll(async () => admiral?.stop());

let addresses = 0;
const freshIp = () => `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses++ & 255}`;

function inject(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = {}, ip = freshIp()) {
  return admiral.app.inject({ method, url, headers, remoteAddress: ip, ...(payload ? { payload } : {}) });
}

const unique = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const newEmail = () => `signer-${unique()}@example.test`;

async function createSite(settings: Record<string, unknown> = {}): Promise<string> {
  const tag = unique();
  const response = await inject('POST', '/v1/sites', { name: `Club ${tag}`, slug: `club-${tag}`, settings }, superAdmin);
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

const open = (extra: Record<string, unknown> = {}) => ({ signUp: { enabled: true, ...extra } });
const signUp = (siteId: string, payload: object, ip?: string) => inject('POST', `/v1/sites/${siteId}/sign-up`, payload, {}, ip);
const signIn = (email: string, password: string) => inject('POST', '/v1/auth/sign-in', { email, password });

async function mails(to: string) {
  const { rows } = await admiral.db.ownerQuery<{ kind: string; subject: string; text_body: string; metadata: Record<string, unknown> }>(
    'SELECT kind, subject, text_body, metadata FROM mail_outbox WHERE to_address = $1 ORDER BY created_at, id',
    [to],
  );
  return rows;
}

async function confirmationCode(to: string): Promise<string> {
  const last = (await mails(to)).filter((m) => m.kind === 'email_verification').at(-1);
  const token = /code: (admv_[\w-]{43})/.exec(last?.text_body ?? '')?.[1];
  expect(token, last?.text_body).toBeDefined();
  return token as string;
}

async function userByEmail(email: string) {
  const { rows } = await admiral.db.ownerQuery<{ id: string; username: string | null; name: string | null; email_verified: boolean }>(
    'SELECT id, username, name, email_verified FROM users WHERE email = $1',
    [email],
  );
  return rows[0];
}

async function membershipsOf(userId: string) {
  const { rows } = await admiral.db.ownerQuery<{ site_id: string; role: string; assigned_by: string | null; revoked_at: string | null }>(
    'SELECT m.site_id, r.key AS role, m.assigned_by, m.revoked_at FROM memberships m JOIN roles r ON r.id = m.role_id WHERE m.user_id = $1 ORDER BY m.created_at',
    [userId],
  );
  return rows;
}

async function auditsOn(siteId: string | null, targetId: string) {
  const { rows } = await admiral.db.ownerQuery<{ action: string; success: boolean; error: string | null; after: unknown; actor_user_id: string | null }>(
    'SELECT action, success, error, after, actor_user_id FROM audit_logs WHERE site_id IS NOT DISTINCT FROM $1 AND (target_id = $2 OR after->>$3 = $2) ORDER BY seq',
    [siteId, targetId, 'userId'],
  );
  return rows;
}

async function counts() {
  const { rows } = await admiral.db.ownerQuery<{ users: number; accounts: number; memberships: number; mails: number; verifications: number }>(
    `SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM accounts) AS accounts,
            (SELECT count(*)::int FROM memberships) AS memberships, (SELECT count(*)::int FROM mail_outbox) AS mails,
            (SELECT count(*)::int FROM verifications) AS verifications`,
  );
  const row = rows[0];
  if (!row) throw new Error('no counts');
  return row;
}

const accepted = (response: LightMyRequestResponse, verificationRequired: boolean) => {
  expect(response.statusCode, response.body).toBe(202);
  expect(response.json()).toEqual({ verificationRequired });
};

describe('site sign-up settings', () => {
  it('are checked where sites are created and updated; other keys pass through; defaults are filled in', async () => {
    for (const signUp of [{ enabled: 'yes' }, { enabled: true, defaultRole: 'admin' }, { enabled: true, approve: true }, {}]) {
      const response = await inject('POST', '/v1/sites', { name: 'Bad', slug: `bad-${unique()}`, settings: { signUp } }, superAdmin);
      expectProblem(response, 400, 'validation_failed');
      expect(response.json().errors[0].pointer).toMatch(/^\/settings\/signUp/);
    }
    const siteId = await createSite({ theme: 'dark', signUp: { enabled: true } });
    const site = await inject('GET', `/v1/sites/${siteId}`, undefined, superAdmin);
    expect(site.json().settings).toEqual({ theme: 'dark', signUp: { enabled: true, defaultRole: 'registered', requireEmailVerification: true } });
    const patched = await inject('PATCH', `/v1/sites/${siteId}`, { settings: { signUp: { enabled: true, defaultRole: 'super_admin' } } }, superAdmin);
    expectProblem(patched, 400, 'validation_failed');
  });
});

describe('POST /v1/sites/{siteId}/sign-up', () => {
  it('is refused with 403 where the site does not allow it, creating nothing', async () => {
    const before = await counts();
    for (const settings of [{}, { signUp: { enabled: false } }, { demo: true }]) {
      const siteId = await createSite(settings);
      expectProblem(await signUp(siteId, { email: newEmail(), password: strongPassword() }), 403, 'sign_up_closed');
    }
    // A malformed setting written behind the API's back never opens a site.
    const hand = await createSite();
    await admiral.db.ownerQuery(`UPDATE sites SET settings = '{"signUp": {"enabled": "true"}}' WHERE id = $1`, [hand]);
    expectProblem(await signUp(hand, { email: newEmail(), password: strongPassword() }), 403, 'sign_up_closed');
    const suspended = await createSite(open());
    await admiral.db.ownerQuery("UPDATE sites SET status = 'suspended' WHERE id = $1", [suspended]);
    expectProblem(await signUp(suspended, { email: newEmail(), password: strongPassword() }), 403, 'site_inactive');
    expectProblem(await signUp('0190a000-0000-7000-8000-000000000000', { email: newEmail(), password: strongPassword() }), 404, 'not_found');
    expect(await counts()).toEqual(before);
  });

  it('creates the account, its password and a membership, mails a confirmation, and lets it sign in once confirmed', async () => {
    const siteId = await createSite(open());
    const email = newEmail();
    const password = strongPassword();
    accepted(await signUp(siteId, { email: email.toUpperCase(), password, name: 'Ada Lovelace', username: `Ada_${unique()}` }), true);

    const user = await userByEmail(email);
    expect(user).toMatchObject({ name: 'Ada Lovelace', email_verified: false });
    expect(user?.username).toMatch(/^ada_/);
    const { rows: stored } = await admiral.db.ownerQuery<{ password_hash: string }>('SELECT password_hash FROM accounts WHERE user_id = $1', [user?.id]);
    expect(stored[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await membershipsOf(user?.id as string)).toEqual([{ site_id: siteId, role: 'registered', assigned_by: user?.id, revoked_at: null }]);
    expect((await mails(email)).map((m) => m.kind)).toEqual(['email_verification']);

    const audits = await auditsOn(siteId, user?.id as string);
    expect(audits.map((a) => a.action)).toEqual(['user.signed_up', 'membership.granted', 'user.email_verification_requested']);
    expect(audits.every((a) => a.success && a.actor_user_id === user?.id)).toBe(true);
    expect(audits[0]?.after).toMatchObject({ email, emailVerified: false });
    expect(JSON.stringify(audits)).not.toContain(password);

    // Until the address is confirmed: the right password hears why, a wrong one hears nothing new.
    expectProblem(await signIn(email, password), 403, 'email_not_verified');
    expectProblem(await signIn(email, strongPassword()), 401, 'invalid_credentials');
    const refused = await auditsOn(null, user?.id as string);
    expect(refused.filter((a) => a.action === 'auth.sign_in').map((a) => [a.success, a.error])).toEqual([
      [false, 'email_not_verified'],
      [false, 'wrong_password'],
    ]);

    const confirmed = await inject('POST', '/v1/auth/verify-email', { token: await confirmationCode(email) });
    expect(confirmed.statusCode, confirmed.body).toBe(204);
    const session = await signIn(email, password);
    expect(session.statusCode, session.body).toBe(200);
    const me = await inject('GET', '/v1/me', undefined, bearer(session.json().token));
    expect(me.json().sites).toEqual([expect.objectContaining({ id: siteId, role: { key: 'registered', name: 'Registered' } })]);
  });

  it('signs nobody in, but lets the account sign in at once where the site does not require confirmation', async () => {
    const siteId = await createSite(open({ requireEmailVerification: false, defaultRole: 'author' }));
    const email = newEmail();
    const password = strongPassword();
    const response = await signUp(siteId, { email, password });
    accepted(response, false);
    expect(response.body).not.toMatch(/adms_|admr_/);
    const user = await userByEmail(email);
    expect(await membershipsOf(user?.id as string)).toEqual([expect.objectContaining({ site_id: siteId, role: 'author' })]);
    expect(await mails(email)).toEqual([]);
    expect((await signIn(email, password)).statusCode).toBe(200);
  });

  it('answers a registered address exactly like a new one, mails its owner instead, and changes nothing', async () => {
    const siteId = await createSite(open());
    const known = await createUser(admiral);
    const fresh = await signUp(siteId, { email: newEmail(), password: strongPassword() });
    const before = await counts();
    const again = await signUp(siteId, { email: known.email, password: strongPassword(), name: 'Mallory' });
    expect(again.statusCode).toBe(fresh.statusCode);
    expect(again.body).toBe(fresh.body);
    expect(again.headers['content-type']).toBe(fresh.headers['content-type']);

    expect(await counts()).toEqual({ ...before, mails: before.mails + 1 });
    expect(await membershipsOf(known.id)).toEqual([]);
    expect((await userByEmail(known.email))?.name).toBeNull();
    const [notice] = await mails(known.email);
    expect(notice).toMatchObject({ kind: 'sign_up_existing_account', subject: 'You already have an account', metadata: { userId: known.id, siteId } });
    expect(notice?.text_body).toContain('https://admin.example.test/reset-password');
    expect((await auditsOn(null, known.id)).map((a) => [a.action, a.success, a.error])).toEqual([
      ['user.created', true, null],
      ['auth.sign_up_existing_account', false, 'email_taken'],
    ]);
    // The owner's password still works; the stranger's does not.
    expect((await signIn(known.email, known.password)).statusCode).toBe(200);

    // An account that cannot sign in is not told to: same answer, no mail.
    const closed = await createUser(admiral);
    await admiral.db.ownerQuery("UPDATE users SET status = 'suspended' WHERE id = $1", [closed.id]);
    const toClosed = await signUp(siteId, { email: closed.email, password: strongPassword() });
    expect(toClosed.body).toBe(fresh.body);
    expect(await mails(closed.email)).toEqual([]);
    const { rows } = await admiral.db.ownerQuery<{ metadata: Record<string, unknown> }>(
      "SELECT metadata FROM audit_logs WHERE action = 'auth.sign_up_existing_account' AND target_id = $1",
      [closed.id],
    );
    expect(rows.map((r) => r.metadata)).toEqual([{ siteId, notified: false }]);
  });

  it('restarts a sign-up that was never confirmed: the latest password wins and earlier links stop working', async () => {
    const siteId = await createSite(open());
    const email = newEmail();
    const [first, second] = [strongPassword(), strongPassword()];
    const username = `squat_${unique()}`;
    accepted(await signUp(siteId, { email, password: first, username }), true);
    const firstCode = await confirmationCode(email);
    accepted(await signUp(siteId, { email, password: second, username, name: 'Owner' }), true);
    const secondCode = await confirmationCode(email);
    expect(secondCode).not.toBe(firstCode);

    const user = await userByEmail(email);
    expect(user?.name).toBe('Owner');
    expect(await membershipsOf(user?.id as string)).toHaveLength(1);
    expect((await auditsOn(siteId, user?.id as string)).map((a) => a.action)).toContain('user.sign_up_restarted');
    expectProblem(await inject('POST', '/v1/auth/verify-email', { token: firstCode }), 400, 'invalid_token');
    expect((await inject('POST', '/v1/auth/verify-email', { token: secondCode })).statusCode).toBe(204);
    expectProblem(await signIn(email, first), 401, 'invalid_credentials');
    expect((await signIn(email, second)).statusCode).toBe(200);
    // Confirmed now: signing up again only mails a notice.
    const before = await counts();
    accepted(await signUp(siteId, { email, password: strongPassword() }), true);
    expect(await counts()).toEqual({ ...before, mails: before.mails + 1 });
    expect((await mails(email)).at(-1)?.kind).toBe('sign_up_existing_account');
  });

  it('applies the password policy and the request shape, creating nothing', async () => {
    const siteId = await createSite(open());
    const before = await counts();
    const email = newEmail();
    const weak = await signUp(siteId, { email, password: 'short' });
    expectProblem(weak, 422, 'weak_password');
    expect(weak.json().errors).toEqual([{ in: 'body', pointer: '/password', detail: 'must be at least 12 characters' }]);
    expectProblem(await signUp(siteId, { email, password: '112233445566' }), 422, 'weak_password');
    expectProblem(await signUp(siteId, { email: 'marguerite.long@example.test', password: 'marguerite.long-is-me-2024' }), 422, 'weak_password');
    expectProblem(await signUp(siteId, { email: 'not-an-address', password: strongPassword() }), 400, 'validation_failed');
    expectProblem(await signUp(siteId, { email, password: strongPassword(), role: 'admin' }), 400, 'validation_failed');
    expectProblem(await signUp(siteId, { email, password: strongPassword(), username: '-x' }), 400, 'validation_failed');
    expect(await counts()).toEqual(before);
  });

  it('refuses a taken username with 409 whatever the address, so the answer says nothing about it', async () => {
    const siteId = await createSite(open());
    const known = await createUser(admiral);
    const before = await counts();
    for (const email of [newEmail(), known.email]) {
      expectProblem(await signUp(siteId, { email, password: strongPassword(), username: known.username.toUpperCase() }), 409, 'username_taken');
    }
    expect(await counts()).toEqual(before);
  });

  it('creates one account when the same address signs up twice at once', async () => {
    const siteId = await createSite(open());
    const email = newEmail();
    const responses = await Promise.all([signUp(siteId, { email, password: strongPassword() }), signUp(siteId, { email, password: strongPassword() })]);
    for (const response of responses) accepted(response, true);
    const { rows } = await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
    expect(rows[0]).toEqual({ n: 1 });
    expect(await membershipsOf((await userByEmail(email))?.id as string)).toHaveLength(1);
  });

  it('is limited per address and per client IP, like sign-in', async () => {
    const siteId = await createSite(open());
    const email = newEmail();
    for (let i = 0; i < 4; i++) accepted(await signUp(siteId, { email, password: strongPassword() }), true);
    expectProblem(await signUp(siteId, { email, password: strongPassword() }), 429, 'rate_limited');
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await signUp(siteId, { email: newEmail(), password: 'short' }, ip)).statusCode).toBe(422);
    const limited = await signUp(siteId, { email: newEmail(), password: strongPassword() }, ip);
    expectProblem(limited, 429, 'rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('answers on a site’s own host name too', async () => {
    const siteId = await createSite(open());
    const host = `join-${unique()}.example.test`;
    const mapped = await inject('POST', `/v1/sites/${siteId}/domains`, { domainName: host }, superAdmin);
    expect(mapped.statusCode, mapped.body).toBe(201);
    const email = newEmail();
    accepted(await inject('POST', '/v1/sign-up', { email, password: strongPassword() }, { host }), true);
    expect(await membershipsOf((await userByEmail(email))?.id as string)).toEqual([expect.objectContaining({ site_id: siteId })]);
  });
});

describe('POST /v1/sites/{siteId}/join', () => {
  it('lets a signed-in user join a site that allows sign-up, once, with its role', async () => {
    const siteId = await createSite(open({ requireEmailVerification: false }));
    const user = await createUser(admiral);
    const { token } = (await signIn(user.email, user.password)).json();
    const joined = await inject('POST', `/v1/sites/${siteId}/join`, {}, bearer(token));
    expect(joined.statusCode, joined.body).toBe(201);
    expect(joined.json()).toMatchObject({ siteId, userId: user.id, roleKey: 'registered', active: true, assignedBy: user.id });
    expectProblem(await inject('POST', `/v1/sites/${siteId}/join`, {}, bearer(token)), 409, 'membership_exists');
    expect((await auditsOn(siteId, joined.json().id)).map((a) => a.action)).toEqual(['membership.granted']);

    const closedSite = await createSite();
    expectProblem(await inject('POST', `/v1/sites/${closedSite}/join`, {}, bearer(token)), 403, 'sign_up_closed');
    const strict = await createSite(open());
    expectProblem(await inject('POST', `/v1/sites/${strict}/join`, {}, bearer(token)), 403, 'email_not_verified');
    expect((await inject('POST', `/v1/sites/${strict}/join`, {})).statusCode).toBe(401);
    expect(await membershipsOf(user.id)).toHaveLength(1);
  });
});
