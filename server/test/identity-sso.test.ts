import { createServer } from 'node:net';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';
import { createTestDatabase } from './helpers/database.js';
import { auditRows, awayFromStepBoundary, codeAt, createUser, enableTwoFactor, NO_RATE_LIMITS, signIn, signInOk } from './helpers/identity.js';
import { startTestIdp, TestBrowser, type TestIdp } from './helpers/oidc.js';

/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider) on a loopback port: the browser's
 * redirects are followed hop by hop with a cookie jar, as a browser would.
 */

const SITE_ADMIN = 'sso-site-admin';
let admiral: TestAdmiral;
let base: string;
let idp: TestIdp;
let siteId: string;
let otherSiteId: string;
let subjects = 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const platformStart = (slug: string) => `/v1/auth/sso/${slug}/start`;
const siteStart = (slug: string) => `/v1/sites/${siteId}/auth/sso/${slug}/start`;

async function createProvider(path: string, body: Record<string, unknown>, headers = superAdmin) {
  const response = await admiral.app.inject({
    method: 'POST',
    url: path,
    headers,
    payload: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; slug: string; callbackUrl: string };
}

/** A person at the provider; answers their subject. */
function idpPerson(email: string, emailVerified: boolean): string {
  const subject = `sub-${++subjects}-${Date.now().toString(36)}`;
  idp.accounts.set(subject, { email, email_verified: emailVerified, name: `Person ${subjects}` });
  return subject;
}

/** Runs the flow in `browser` from the start URL until Admiral answers the callback; answers the interesting hops. */
async function signOn(browser: TestBrowser, startPath: string, subject: string) {
  idp.signInAs(subject);
  const hops = await browser.follow(`${base}${startPath}`, (hop) => hop.url.startsWith(`${base}/`) && new URL(hop.url).pathname.endsWith('/callback'));
  const start = hops[0];
  const last = hops[hops.length - 1];
  if (!start || !last) throw new Error('no hops');
  return { start, callback: last, authorize: start.location ? new URL(start.location) : null };
}

const sessionCookieOf = (setCookies: string[]) => setCookies.find((c) => c.startsWith('__Host-admiral_session='))?.split(';')[0];
const errorOf = (location: string | null) => (location ? new URL(location).searchParams.get('sso_error') : null);
const linkedAccounts = async (userId: string) =>
  (
    await admiral.db.ownerQuery<{ provider_id: string; account_id: string; access_token_enc: string | null; id_token_enc: string | null }>(
      "SELECT provider_id, account_id, access_token_enc, id_token_enc FROM accounts WHERE user_id = $1 AND provider_id LIKE 'oidc:%'",
      [userId],
    )
  ).rows;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  siteId = uuidv7();
  otherSiteId = uuidv7();
  const database = await createTestDatabase();
  await database.ownerQuery("INSERT INTO sites (id, name, slug) VALUES ($1, 'Acme', 'acme'), ($2, 'Other', 'other')", [siteId, otherSiteId]);
  const siteAdmin = staticPrincipal({ id: uuidv7(), sites: { [siteId]: ['sso.read', 'sso.manage'] } });
  admiral = await startTestAdmiral({ database, tokens: { [SITE_ADMIN]: siteAdmin }, env: { PUBLIC_URL: base, ...NO_RATE_LIMITS } });
  await admiral.app.listen({ port, host: '127.0.0.1' });
  idp = await startTestIdp([
    `${base}/v1/auth/sso/corp/callback`,
    `${base}/v1/auth/sso/jit/callback`,
    `${base}/v1/auth/sso/switchable/callback`,
    `${base}/v1/sites/${siteId}/auth/sso/acme-idp/callback`,
  ]);
  await createProvider('/v1/sso-providers', { slug: 'corp', name: 'Corp' });
  await createProvider('/v1/sso-providers', { slug: 'jit', name: 'Corp (JIT)', allowJit: true });
  await createProvider('/v1/sso-providers', { slug: 'switchable', name: 'Switchable' });
  await createProvider(`/v1/sites/${siteId}/sso-providers`, { slug: 'acme-idp', name: 'Acme', allowJit: true, allowedEmailDomains: ['acme.test'] });
}, 60_000);

afterAll(async () => {
  await idp?.stop();
  await admiral?.stop();
  await admiral?.db.drop();
});

describe('the sign-in flow', () => {
  it('code flow with PKCE: links a verified email to the existing user and yields a session cookie that works on /v1/me', async () => {
    const user = await createUser(admiral);
    const before = await signInOk(admiral, user); // someone holding the password of this never-verified account
    const subject = idpPerson(user.email, true);
    const browser = new TestBrowser();
    const { start, authorize, callback } = await signOn(browser, `${platformStart('corp')}?redirect=${encodeURIComponent('/sites/x/users?tab=a')}`, subject);

    expect(start.status).toBe(302);
    expect(authorize?.origin).toBe(idp.issuer);
    expect(authorize?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize?.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize?.searchParams.get('redirect_uri')).toBe(`${base}/v1/auth/sso/corp/callback`);
    expect(authorize?.searchParams.get('state')?.length).toBeGreaterThanOrEqual(43);
    expect(authorize?.searchParams.get('nonce')?.length).toBeGreaterThanOrEqual(43);
    expect(browser.cookie(base, '__Host-admiral_sso')).toBeDefined();

    expect(callback.status).toBe(302);
    expect(callback.location).toBe(`${base}/sites/x/users?tab=a`);
    const cookie = sessionCookieOf(callback.setCookies);
    expect(cookie).toMatch(/^__Host-admiral_session=adms_/);
    expect(callback.setCookies.find((c) => c.startsWith('__Host-admiral_session='))).toMatch(/HttpOnly; Secure; SameSite=Strict/);

    const me = await admiral.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: cookie as string } });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json().user.id).toBe(user.id);

    // The provider proved the email; whoever set the unverified account up loses their way in (pre-account hijacking).
    expect((await admiral.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(before.token) })).statusCode).toBe(401);
    expect((await signIn(admiral, { email: user.email, password: user.password })).statusCode).toBe(401);
    expect(me.json().user.emailVerified).toBe(true);

    const [account] = await linkedAccounts(user.id);
    expect(account?.account_id).toBe(subject);
    // Tokens are sealed (AES-256-GCM), not stored as the provider's JWTs.
    expect(account?.access_token_enc).toMatch(/^v1\./);
    expect(account?.id_token_enc).toMatch(/^v1\./);
    expect(account?.id_token_enc).not.toContain('eyJ');

    const rows = await auditRows(admiral, "actor_user_id = $1 AND success AND (action = 'user.sso_linked' OR metadata->>'method' = 'oidc')", [user.id]);
    expect(rows.map((r) => r.action)).toEqual(['user.sso_linked', 'auth.sign_in']);
    expect(rows[0]?.metadata).toMatchObject({ by: 'verified_email', unverifiedAccountClaimed: true, signInMethodRemoved: true, sessionsEnded: 1 });

    // The second time the subject's linked account is used (no email needed): same user, new session.
    idp.accounts.set(subject, { email: 'changed-at-provider@elsewhere.test', email_verified: false });
    const again = await signOn(new TestBrowser(), platformStart('corp'), subject);
    expect(again.callback.location).toBe(`${base}/`);
    const second = await admiral.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: sessionCookieOf(again.callback.setCookies) as string } });
    expect(second.json().user.id).toBe(user.id);
  });

  it('refuses a replayed callback, a made-up state and a callback from another browser (login CSRF)', async () => {
    const user = await createUser(admiral);
    const subject = idpPerson(user.email, true);

    // Another browser presenting the victim's callback: refused, and the victim's sign-in still works after.
    const victim = new TestBrowser();
    idp.signInAs(subject);
    const hops = await victim.follow(`${base}${platformStart('corp')}`, (hop) => hop.location?.startsWith(`${base}/v1/auth/sso/corp/callback`) ?? false);
    const callbackUrl = hops[hops.length - 1]?.location as string;
    const attackerBrowser = new TestBrowser();
    await attackerBrowser.request(`${base}${platformStart('corp')}`); // holds a flow cookie of its own
    expect(attackerBrowser.cookie(base, '__Host-admiral_sso')).toBeDefined();
    const attacker = await attackerBrowser.request(callbackUrl);
    expect(errorOf(attacker.location)).toBe('invalid_state');
    expect(sessionCookieOf(attacker.setCookies)).toBeUndefined();

    const first = await victim.request(callbackUrl);
    expect(sessionCookieOf(first.setCookies)).toBeDefined();
    const replay = await victim.request(callbackUrl);
    expect(replay.location).toBe(`${base}/sign-in?sso_error=invalid_state`);
    expect(sessionCookieOf(replay.setCookies)).toBeUndefined();

    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'x'.repeat(43));
    expect(errorOf((await victim.request(forged.toString())).location)).toBe('invalid_state');
    const noState = new URL(callbackUrl);
    noState.searchParams.delete('state');
    expect(errorOf((await victim.request(noState.toString())).location)).toBe('invalid_state');

    const failures = await auditRows(
      admiral,
      "action = 'auth.sign_in' AND NOT success AND metadata->>'method' = 'oidc' AND metadata->>'code' = 'invalid_state'",
      [],
    );
    expect(failures.length).toBeGreaterThanOrEqual(4);
  });

  it('does not link an unverified email to an existing user', async () => {
    const user = await createUser(admiral);
    const { callback } = await signOn(new TestBrowser(), platformStart('jit'), idpPerson(user.email, false));
    expect(errorOf(callback.location)).toBe('email_not_verified');
    expect(sessionCookieOf(callback.setCookies)).toBeUndefined();
    expect(await linkedAccounts(user.id)).toEqual([]);
    const [failure] = await auditRows(admiral, "action = 'auth.sign_in' AND NOT success AND metadata->>'code' = 'email_not_verified'", []);
    expect(failure?.error).toBe('email_verified_not_true');
  });

  it('creates no user without just-in-time provisioning, and one with it (platform provider: no membership)', async () => {
    const email = `newcomer-${Date.now()}@corp.test`;
    const refused = await signOn(new TestBrowser(), platformStart('corp'), idpPerson(email, true));
    expect(errorOf(refused.callback.location)).toBe('no_account');
    expect((await admiral.db.ownerQuery('SELECT 1 FROM users WHERE email = $1', [email])).rowCount).toBe(0);

    const created = await signOn(new TestBrowser(), platformStart('jit'), idpPerson(email, true));
    expect(created.callback.location).toBe(`${base}/`);
    const { rows } = await admiral.db.ownerQuery<{ id: string; email_verified: boolean }>('SELECT id, email_verified FROM users WHERE email = $1', [email]);
    expect(rows[0]?.email_verified).toBe(true);
    expect((await admiral.db.ownerQuery('SELECT 1 FROM memberships WHERE user_id = $1', [rows[0]?.id])).rowCount).toBe(0);
    expect((await auditRows(admiral, "action = 'user.created' AND target_id = $1", [rows[0]?.id])).length).toBe(1);
  });

  it("a site provider's just-in-time user becomes a member with the default role, once (a revocation sticks)", async () => {
    const email = `jit-${Date.now()}@acme.test`;
    const subject = idpPerson(email, true);
    const { authorize, callback } = await signOn(new TestBrowser(), siteStart('acme-idp'), subject);
    expect(authorize?.searchParams.get('redirect_uri')).toBe(`${base}/v1/sites/${siteId}/auth/sso/acme-idp/callback`);
    expect(callback.location).toBe(`${base}/`);
    const userId = (await admiral.db.ownerQuery<{ id: string }>('SELECT id FROM users WHERE email = $1', [email])).rows[0]?.id as string;
    const membershipsOf = async () =>
      (
        await admiral.db.ownerQuery<{ key: string; site_id: string; revoked_at: string | null; assigned_by: string | null }>(
          'SELECT r.key, m.site_id, m.revoked_at, m.assigned_by FROM memberships m JOIN roles r ON r.id = m.role_id WHERE m.user_id = $1',
          [userId],
        )
      ).rows;
    expect(await membershipsOf()).toEqual([{ key: 'registered', site_id: siteId, revoked_at: null, assigned_by: null }]);
    const me = await admiral.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: sessionCookieOf(callback.setCookies) as string } });
    expect(me.json().sites).toMatchObject([{ id: siteId, role: { key: 'registered' } }]);
    const granted = await admiral.db.ownerQuery("SELECT 1 FROM audit_logs WHERE site_id = $1 AND action = 'membership.granted'", [siteId]);
    expect(granted.rowCount).toBe(1);

    await admiral.db.ownerQuery('UPDATE memberships SET revoked_at = now() WHERE user_id = $1', [userId]);
    const again = await signOn(new TestBrowser(), siteStart('acme-idp'), subject);
    expect(sessionCookieOf(again.callback.setCookies)).toBeDefined();
    expect((await membershipsOf()).filter((m) => m.revoked_at === null)).toEqual([]);

    const outsider = await signOn(new TestBrowser(), siteStart('acme-idp'), idpPerson(`someone-${Date.now()}@gmail.test`, true));
    expect(errorOf(outsider.callback.location)).toBe('email_domain_not_allowed');
  });

  it('a site provider cannot take over (by email) a super admin or a member of another site', async () => {
    const admin = await createUser(admiral, { isSuperAdmin: true });
    await admiral.db.ownerQuery('UPDATE users SET email = $2 WHERE id = $1', [admin.id, `boss-${Date.now()}@acme.test`]);
    const bossEmail = (await admiral.db.ownerQuery<{ email: string }>('SELECT email FROM users WHERE id = $1', [admin.id])).rows[0]?.email as string;
    const boss = await signOn(new TestBrowser(), siteStart('acme-idp'), idpPerson(bossEmail, true));
    expect(errorOf(boss.callback.location)).toBe('account_not_linkable');

    const member = await createUser(admiral);
    const memberEmail = `member-${Date.now()}@acme.test`;
    await admiral.db.ownerQuery('UPDATE users SET email = $2 WHERE id = $1', [member.id, memberEmail]);
    const grant = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${otherSiteId}/memberships`,
      headers: superAdmin,
      payload: { userId: member.id, role: 'editor' },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    const elsewhere = await signOn(new TestBrowser(), siteStart('acme-idp'), idpPerson(memberEmail, true));
    expect(errorOf(elsewhere.callback.location)).toBe('account_not_linkable');
    expect(await linkedAccounts(member.id)).toEqual([]);
    expect(await linkedAccounts(admin.id)).toEqual([]);
  });

  it('refuses banned users with the password flow’s refusal, and a disabled provider before and during a sign-in', async () => {
    const user = await createUser(admiral);
    const ban = await admiral.app.inject({ method: 'POST', url: `/v1/users/${user.id}/ban`, headers: superAdmin, payload: { reason: 'abuse' } });
    expect(ban.statusCode, ban.body).toBeLessThan(300);
    const banned = await signOn(new TestBrowser(), platformStart('corp'), idpPerson(user.email, true));
    expect(errorOf(banned.callback.location)).toBe('invalid_credentials');
    expect(await linkedAccounts(user.id)).toEqual([]);
    const [refusal] = await auditRows(admiral, "action = 'auth.sign_in' AND NOT success AND target_id = $1", [user.id]);
    expect(refusal?.error).toBe('banned');

    const [provider] = (
      await admiral.app
        .inject({ method: 'GET', url: '/v1/sso-providers', headers: superAdmin })
        .then((r) => r.json().data as Array<{ id: string; slug: string }>)
    ).filter((p) => p.slug === 'switchable');
    const toggle = (enabled: boolean) =>
      admiral.app.inject({ method: 'PATCH', url: `/v1/sso-providers/${provider?.id}`, headers: superAdmin, payload: { enabled } });
    const person = await createUser(admiral);
    const subject = idpPerson(person.email, true);
    // Disabled while the person is at the provider: the callback is refused.
    const browser = new TestBrowser();
    idp.signInAs(subject);
    const hops = await browser.follow(`${base}${platformStart('switchable')}`, (hop) => hop.location?.includes('/callback') ?? false);
    expect((await toggle(false)).statusCode).toBe(200);
    const late = await browser.request(hops[hops.length - 1]?.location as string);
    expect(errorOf(late.location)).toBe('provider_unavailable');
    // Disabled: not offered, and a start is refused.
    const offered = await admiral.app.inject({ method: 'GET', url: '/v1/auth/sso' });
    expect(offered.json().data.map((p: { slug: string }) => p.slug)).not.toContain('switchable');
    const start = await new TestBrowser().request(`${base}${platformStart('switchable')}`);
    expect(start.location).toBe(`${base}/sign-in?sso_error=provider_unavailable`);
    expect((await toggle(true)).statusCode).toBe(200);
  });

  it('refuses redirects that leave the console (open redirect)', async () => {
    for (const redirect of ['https://evil.test/', '//evil.test/x', '/\\evil.test', 'javascript:alert(1)', '/ok\r\nx']) {
      const hop = await new TestBrowser().request(`${base}${platformStart('corp')}?redirect=${encodeURIComponent(redirect)}`);
      expect(hop.location, redirect).toBe(`${base}/sign-in?sso_error=invalid_redirect`);
    }
    const unknown = await new TestBrowser().request(`${base}${platformStart('nope')}`);
    expect(errorOf(unknown.location)).toBe('provider_unavailable');
  });

  it('sends users with two-factor on to the second step, which the challenge from the redirect completes', async () => {
    const user = await createUser(admiral);
    const { secret } = await enableTwoFactor(admiral, (await signInOk(admiral, user)).token);
    const { callback } = await signOn(new TestBrowser(), `${platformStart('corp')}?redirect=/after`, idpPerson(user.email, true));
    expect(sessionCookieOf(callback.setCookies)).toBeUndefined();
    const location = new URL(callback.location as string);
    expect(location.pathname).toBe('/sign-in');
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get('redirect')).toBe('/after');
    await awayFromStepBoundary();
    const done = await admiral.app.inject({
      method: 'POST',
      url: '/v1/auth/two-factor',
      payload: { challenge: fragment.get('two_factor_challenge'), code: codeAt(secret), cookie: true },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().user.id).toBe(user.id);
  });
});

describe('provider administration', () => {
  it('never answers the client secret, stores it sealed and audits changes without it', async () => {
    const secret = `very-secret-${Date.now()}`;
    const created = await admiral.app.inject({
      method: 'POST',
      url: '/v1/sso-providers',
      headers: superAdmin,
      payload: { slug: 'okta', name: 'Okta', issuer: 'https://login.example.test', clientId: 'c', clientSecret: secret },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({ hasClientSecret: true, siteId: null, callbackUrl: `${base}/v1/auth/sso/okta/callback` });
    const patched = await admiral.app.inject({
      method: 'PATCH',
      url: `/v1/sso-providers/${id}`,
      headers: { ...superAdmin, 'if-match': created.headers.etag as string },
      payload: { clientSecret: `${secret}-2`, name: 'Okta 2' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const stale = await admiral.app.inject({
      method: 'PATCH',
      url: `/v1/sso-providers/${id}`,
      headers: { ...superAdmin, 'if-match': created.headers.etag as string },
      payload: { name: 'Okta 3' },
    });
    expect(stale.statusCode).toBe(412);
    const responses = [
      created,
      patched,
      await admiral.app.inject({ method: 'GET', url: `/v1/sso-providers/${id}`, headers: superAdmin }),
      await admiral.app.inject({ method: 'GET', url: '/v1/sso-providers', headers: superAdmin }),
      await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteId}/sso-providers`, headers: superAdmin }),
      await admiral.app.inject({ method: 'GET', url: '/v1/auth/sso?site=acme' }),
    ];
    for (const response of responses) {
      expect(response.statusCode, response.body).toBe(200 + (response === created ? 1 : 0));
      expect(response.body).not.toContain(secret);
      expect(response.body).not.toContain(idp.clientSecret);
      expect(response.body).not.toContain('client_secret');
    }
    const stored = await admiral.db.ownerQuery<{ client_secret_enc: string }>('SELECT client_secret_enc FROM sso_providers WHERE id = $1', [id]);
    expect(stored.rows[0]?.client_secret_enc).toMatch(/^v1\./);
    const audit = await admiral.db.ownerQuery<{ action: string; row: string }>(
      'SELECT action, row_to_json(a)::text AS row FROM audit_logs a WHERE target_id = $1 ORDER BY seq',
      [id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['sso_provider.created', 'sso_provider.updated']);
    for (const row of audit.rows) expect(row.row).not.toContain(secret);

    const removed = await admiral.app.inject({ method: 'DELETE', url: `/v1/sso-providers/${id}`, headers: superAdmin });
    expect(removed.statusCode).toBe(204);
    expect((await auditRows(admiral, "action = 'sso_provider.deleted' AND target_id = $1", [id])).length).toBe(1);
  });

  it('lists what a sign-in page offers: the platform’s providers, plus a site’s when asked', async () => {
    const platform = await admiral.app.inject({ method: 'GET', url: '/v1/auth/sso' });
    expect(
      platform
        .json()
        .data.map((p: { slug: string }) => p.slug)
        .sort(),
    ).toEqual(['corp', 'jit', 'switchable']);
    const site = await admiral.app.inject({ method: 'GET', url: `/v1/auth/sso?site=acme` });
    const acme = site.json().data.find((p: { slug: string }) => p.slug === 'acme-idp');
    expect(acme).toMatchObject({ siteId, startUrl: `/v1/sites/${siteId}/auth/sso/acme-idp/start` });
    expect((await admiral.app.inject({ method: 'GET', url: '/v1/auth/sso?site=no-such-site' })).statusCode).toBe(404);
  });

  it("keeps a site's providers to the site, checks issuers, and lets no one hand out a role beyond their own", async () => {
    const asSiteAdmin = bearer(SITE_ADMIN);
    const list = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteId}/sso-providers`, headers: asSiteAdmin });
    expect(list.json().data.map((p: { slug: string }) => p.slug)).toEqual(['acme-idp']);
    expect((await admiral.app.inject({ method: 'GET', url: `/v1/sites/${otherSiteId}/sso-providers`, headers: asSiteAdmin })).statusCode).toBe(403);
    expect((await admiral.app.inject({ method: 'GET', url: '/v1/sso-providers', headers: asSiteAdmin })).statusCode).toBe(403);
    const input = { slug: 'site-two', name: 'Two', issuer: 'https://id.example.test', clientId: 'c', clientSecret: 's' };
    const escalation = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/sso-providers`,
      headers: asSiteAdmin,
      payload: { ...input, allowJit: true, defaultRole: 'admin' },
    });
    expect(escalation.statusCode, escalation.body).toBe(403);
    expect(escalation.json().code).toBe('permission_escalation');
    const insecure = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/sso-providers`,
      headers: asSiteAdmin,
      payload: { ...input, issuer: 'http://id.example.test' },
    });
    expect(insecure.json().code).toBe('invalid_issuer');
    const noOpenid = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/sso-providers`,
      headers: asSiteAdmin,
      payload: { ...input, scopes: ['email'] },
    });
    expect(noOpenid.json().code).toBe('openid_scope_required');
    const ok = await admiral.app.inject({ method: 'POST', url: `/v1/sites/${siteId}/sso-providers`, headers: asSiteAdmin, payload: input });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ siteId, defaultRole: 'registered', allowJit: false });
    const duplicate = await admiral.app.inject({ method: 'POST', url: `/v1/sites/${siteId}/sso-providers`, headers: asSiteAdmin, payload: input });
    expect(duplicate.json().code).toBe('slug_taken');
    const onSiteChain = await admiral.db.ownerQuery("SELECT 1 FROM audit_logs WHERE site_id = $1 AND action = 'sso_provider.created' AND target_id = $2", [
      siteId,
      ok.json().id,
    ]);
    expect(onSiteChain.rowCount).toBe(1);
    // The same slug on the platform is another provider.
    const platformRole = await admiral.app.inject({
      method: 'POST',
      url: '/v1/sso-providers',
      headers: superAdmin,
      payload: { ...input, defaultRole: 'registered' },
    });
    expect(platformRole.json().code).toBe('default_role_not_allowed');
  });
});
