import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../src/kernel/crypto/secret-box.js';
import { setupCodeFrom } from '../src/modules/setup/setup-code.js';
import { TEST_SECRET } from './fixtures/process.js';
import { startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import { auditRows, me, NO_RATE_LIMITS, strongPassword } from './helpers/identity.js';

let admiral: TestAdmiral;
beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
});
afterAll(async () => admiral?.stop());

const status = async () => {
  const response = await admiral.app.inject({ method: 'GET', url: '/v1/setup' });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { needsSetup: boolean };
};

let n = 0;
const input = (extra: Record<string, unknown> = {}) => {
  n++;
  return {
    admin: { email: `first-admin-${n}@example.test`, password: strongPassword(), name: 'First Admin' },
    site: { name: `Acme ${n}`, slug: `acme-${n}` },
    ...extra,
  };
};
const setup = (payload: Record<string, unknown>) => admiral.app.inject({ method: 'POST', url: '/v1/setup', payload, headers: { 'user-agent': 'vitest' } });
const count = async (sql: string) => Number((await admiral.db.ownerQuery<{ n: string }>(sql)).rows[0]?.n);

describe('first-run setup', () => {
  it('refuses bad input field by field and writes nothing', async () => {
    expect(await status()).toEqual({ needsSetup: true, setupCodeRequired: false });
    const weak = await setup({ ...input(), admin: { email: 'weak@example.test', password: 'password1234' } });
    expect(weak.statusCode, weak.body).toBe(422);
    expect(weak.json().errors).toEqual([{ in: 'body', pointer: '/admin/password', detail: expect.any(String) }]);
    const badSlug = await setup({ ...input(), site: { name: 'X', slug: 'Not A Slug' } });
    expect(badSlug.statusCode, badSlug.body).toBe(400);
    expect(badSlug.json().errors[0].pointer).toBe('/site/slug');
    expect(await count('SELECT count(*) AS n FROM users')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM sites')).toBe(0);
    expect(await status()).toEqual({ needsSetup: true, setupCodeRequired: false });
  });

  it('lets exactly one of two concurrent setups win; the other gets 409 and nothing of it is kept', async () => {
    const [a, b] = [input({ cookie: true }), input({ cookie: true })];
    const answers = await Promise.all([setup(a), setup(b)]);
    const codes = answers.map((r) => r.statusCode).sort();
    expect(codes, answers.map((r) => r.body).join('\n')).toEqual([201, 409]);
    const won = answers.find((r) => r.statusCode === 201);
    const lost = answers.find((r) => r.statusCode === 409);
    expect(lost?.json().code).toBe('setup_done');
    const winner = won?.json() as { token: string; user: { id: string; email: string; isSuperAdmin: boolean }; site: { id: string; slug: string } };
    const winnerInput = winner.user.email === a.admin.email ? a : b;
    expect(winner.user).toMatchObject({ isSuperAdmin: true, email: winnerInput.admin.email });
    expect(winner.site.slug).toBe(winnerInput.site.slug);
    expect(await count('SELECT count(*) AS n FROM users')).toBe(1);
    expect(await count('SELECT count(*) AS n FROM sites')).toBe(1);
    expect(await status()).toEqual({ needsSetup: false, setupCodeRequired: false });

    // Signed in with the console cookie; the admin holds the site's admin role.
    const cookie = String(won?.headers['set-cookie']).split(';')[0] as string;
    expect(cookie).toMatch(/^__Host-admiral_session=adms_/);
    const who = await admiral.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie } });
    expect(who.statusCode, who.body).toBe(200);
    expect(who.json().sites).toEqual([expect.objectContaining({ id: winner.site.id, role: { key: 'admin', name: expect.any(String) } })]);
    expect((await me(admiral, winner.token)).statusCode).toBe(200);

    // Audited: the user, the site, the membership and the setup itself, as the new admin.
    const platform = await auditRows(admiral, 'site_id IS NULL AND actor_user_id = $1', [winner.user.id]);
    expect(platform.map((r) => r.action)).toEqual(expect.arrayContaining(['site.created', 'setup.completed']));
    const onSite = await auditRows(admiral, 'site_id = $1', [winner.site.id]);
    expect(onSite.map((r) => r.action)).toContain('membership.granted');
    const created = await auditRows(admiral, "action = 'user.created' AND target_id = $1", [winner.user.id]);
    expect(created).toHaveLength(1);
  });

  it('stays closed once an admin exists, with or without the cookie', async () => {
    for (const payload of [input(), input({ cookie: true })]) {
      const again = await setup(payload);
      expect(again.statusCode, again.body).toBe(409);
      expect(again.headers['set-cookie']).toBeUndefined();
    }
    expect(await count('SELECT count(*) AS n FROM users')).toBe(1);
  });
});

describe('first-run setup of a production server', () => {
  let production: TestAdmiral;
  beforeAll(async () => {
    production = await startTestAdmiral({ env: { ...NO_RATE_LIMITS, NODE_ENV: 'production', LOG_LEVEL: 'silent' } });
  });
  afterAll(async () => production?.stop());
  const post = (payload: Record<string, unknown>) => production.app.inject({ method: 'POST', url: '/v1/setup', payload });
  const users = async () => Number((await production.db.ownerQuery<{ n: string }>('SELECT count(*) AS n FROM users')).rows[0]?.n);

  it('asks for the setup code derived from the master secret, refuses a missing or wrong one, and takes the right one', async () => {
    const state = await production.app.inject({ method: 'GET', url: '/v1/setup' });
    expect(state.json()).toEqual({ needsSetup: true, setupCodeRequired: true });
    const code = setupCodeFrom(new SecretBox(TEST_SECRET));
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/);

    for (const setupCode of [undefined, '', 'AAAA-AAAA-AAAA-AAAA', code.slice(0, -1)]) {
      const refused = await post(input(setupCode === undefined ? {} : { setupCode }));
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.json().code).toBe('setup_code_invalid');
    }
    expect(await users()).toBe(0);

    // Typed by hand: case, spaces and hyphens do not matter.
    const done = await post(input({ setupCode: code.toLowerCase().replaceAll('-', ' ') }));
    expect(done.statusCode, done.body).toBe(201);
    expect(await users()).toBe(1);
    const after = await production.app.inject({ method: 'GET', url: '/v1/setup' });
    expect(after.json()).toEqual({ needsSetup: false, setupCodeRequired: true });
  });
});
