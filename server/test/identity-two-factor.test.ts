import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, otpauthUri, totpCode, totpStep, verifyTotp } from '../src/kernel/crypto/totp.js';
import { bearer, startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import {
  auditRows,
  awayFromStepBoundary,
  codeAt,
  createUser,
  enableTwoFactor,
  me,
  NO_RATE_LIMITS,
  signIn,
  signInOk,
  type TestUser,
} from './helpers/identity.js';

describe('RFC 6238 TOTP (kernel/crypto/totp.ts)', () => {
  // RFC 6238 appendix B, SHA-1 (the 8-digit values' last 6 digits).
  const secret = base32Encode(Buffer.from('12345678901234567890'));
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ])('at T=%i the code is %s', (seconds, code) => {
    expect(totpCode(secret, seconds * 1000)).toBe(code);
  });

  it('base32 round-trips and ignores case, spaces and padding', () => {
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('gezd gnbv-gy3t qojq gezdgnbvgy3tqojq==').toString()).toBe('12345678901234567890');
    expect(() => base32Decode('not base32!')).toThrow();
    expect(hotp(Buffer.from('12345678901234567890'), 0)).toBe('755224'); // RFC 4226 appendix D
  });

  it('accepts ±30 s of clock skew and refuses ±60 s and ±90 s', () => {
    const now = 1_700_000_015_000; // mid-step
    for (const offset of [-30, 0, 30])
      expect(verifyTotp(secret, totpCode(secret, now + offset * 1000), { now }), `${offset}`).toBe(totpStep(now + offset * 1000));
    for (const offset of [-90, -60, 60, 90]) expect(verifyTotp(secret, totpCode(secret, now + offset * 1000), { now }), `${offset}`).toBeNull();
  });

  it('refuses the last used step and every earlier one (replay), and anything but six digits', () => {
    const now = 1_700_000_015_000;
    const step = totpStep(now);
    expect(verifyTotp(secret, totpCode(secret, now), { now, lastUsedStep: step })).toBeNull();
    expect(verifyTotp(secret, totpCode(secret, now - 30_000), { now, lastUsedStep: step })).toBeNull();
    expect(verifyTotp(secret, totpCode(secret, now + 30_000), { now, lastUsedStep: step })).toBe(step + 1);
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 123456']) expect(verifyTotp(secret, bad, { now })).toBeNull();
  });

  it('builds the otpauth:// URI authenticators read', () => {
    const uri = new URL(otpauthUri({ secret, account: 'ada@example.test', issuer: 'Admiral' }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Admiral:ada@example.test');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret, issuer: 'Admiral', algorithm: 'SHA1', digits: '6', period: '30' });
  });
});

let admiral: TestAdmiral;
beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
});
afterAll(async () => admiral?.stop());

const complete = (payload: Record<string, unknown>) => admiral.app.inject({ method: 'POST', url: '/v1/auth/two-factor', payload });

async function challengeFor(user: TestUser): Promise<string> {
  const response = await signIn(admiral, { email: user.email, password: user.password });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json();
  expect(Object.keys(body).sort()).toEqual(['challenge', 'expiresAt', 'twoFactorRequired']);
  expect(body.twoFactorRequired).toBe(true);
  return body.challenge;
}

/** A user with two-factor on, and their secret and recovery codes. */
async function twoFactorUser() {
  const user = await createUser(admiral);
  const { token } = await signInOk(admiral, user);
  return { user, token, ...(await enableTwoFactor(admiral, token)) };
}

describe('enrolment', () => {
  it('gives a secret and otpauth URI, inactive until a code confirms it; the secret is sealed at rest', async () => {
    const user = await createUser(admiral);
    const { token } = await signInOk(admiral, user);
    const first = await admiral.app.inject({ method: 'POST', url: '/v1/me/two-factor', headers: bearer(token), payload: {} });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['cache-control']).toBe('no-store');
    const again = await admiral.app.inject({ method: 'POST', url: '/v1/me/two-factor', headers: bearer(token), payload: {} });
    const { secret, otpauthUri: uri, confirmed } = again.json();
    expect(secret).not.toBe(first.json().secret);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(confirmed).toBe(false);
    expect(uri).toBe(`otpauth://totp/Admiral:${encodeURIComponent(user.email)}?secret=${secret}&issuer=Admiral&algorithm=SHA1&digits=6&period=30`);
    expect((await me(admiral, token)).json().user.twoFactorEnabled).toBe(false);
    expect((await signIn(admiral, { email: user.email, password: user.password })).json()).toHaveProperty('token');

    const { rows } = await admiral.db.ownerQuery<{ secret_enc: string; confirmed_at: string | null }>('SELECT * FROM two_factors WHERE user_id = $1', [
      user.id,
    ]);
    expect(rows[0]?.confirmed_at).toBeNull();
    expect(rows[0]?.secret_enc).toMatch(/^v1\./);
    expect(rows[0]?.secret_enc).not.toContain(secret);
    expect(admiral.kernel.secrets.open(rows[0]?.secret_enc as string)).toBe(secret);

    await awayFromStepBoundary();
    const wrong = await admiral.app.inject({
      method: 'POST',
      url: '/v1/me/two-factor/confirm',
      headers: bearer(token),
      payload: { code: codeAt(secret, -90) },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('invalid_two_factor_code');
    const ok = await admiral.app.inject({ method: 'POST', url: '/v1/me/two-factor/confirm', headers: bearer(token), payload: { code: codeAt(secret) } });
    expect(ok.statusCode, ok.body).toBe(200);
    const codes = ok.json().recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    expect((await me(admiral, token)).json().user.twoFactorEnabled).toBe(true);

    const stored = await admiral.db.ownerQuery<{ code_hash: string }>('SELECT code_hash FROM two_factor_recovery_codes WHERE user_id = $1', [user.id]);
    expect(stored.rows).toHaveLength(10);
    const dump = JSON.stringify(stored.rows);
    for (const code of codes) expect(dump).not.toContain(code.replaceAll('-', ''));

    const audits = await auditRows(admiral, "action LIKE 'user.two_factor%' AND target_id = $1", [user.id]);
    expect(audits.map((a) => [a.action, a.success, a.error])).toEqual([
      ['user.two_factor_enrolment_started', true, null],
      ['user.two_factor_enrolment_started', true, null],
      ['user.two_factor_enabled', false, 'wrong_code'],
      ['user.two_factor_enabled', true, null],
    ]);
    const trail = JSON.stringify(await auditRows(admiral, 'actor_user_id = $1', [user.id]));
    for (const value of [secret, ...codes]) expect(trail).not.toContain(value);

    const confirmAgain = await admiral.app.inject({
      method: 'POST',
      url: '/v1/me/two-factor/confirm',
      headers: bearer(token),
      payload: { code: codeAt(secret, 30) },
    });
    expect(confirmAgain.statusCode).toBe(409);
    const restart = await admiral.app.inject({ method: 'POST', url: '/v1/me/two-factor', headers: bearer(token), payload: {} });
    expect(restart.statusCode).toBe(409);
    expect(restart.json().code).toBe('two_factor_already_enabled');
  });

  it('refuses to confirm with no enrolment under way, and validates the code’s form', async () => {
    const user = await createUser(admiral);
    const { token } = await signInOk(admiral, user);
    const none = await admiral.app.inject({ method: 'POST', url: '/v1/me/two-factor/confirm', headers: bearer(token), payload: { code: '123456' } });
    expect(none.statusCode).toBe(409);
    expect(none.json().code).toBe('no_pending_two_factor');
    const malformed = await admiral.app.inject({ method: 'POST', url: '/v1/me/two-factor/confirm', headers: bearer(token), payload: { code: '12345' } });
    expect(malformed.statusCode).toBe(400);
  });
});

describe('signing in with two-factor', () => {
  it('answers a challenge instead of a session, and a code completes it (±30 s accepted, ±90 s refused, no replay)', async () => {
    const { user, secret } = await twoFactorUser();
    await awayFromStepBoundary(8000);
    const sessionsBefore = await admiral.db.ownerQuery('SELECT id FROM sessions WHERE user_id = $1', [user.id]);
    const challenge = await challengeFor(user);
    expect((await admiral.db.ownerQuery('SELECT id FROM sessions WHERE user_id = $1', [user.id])).rowCount).toBe(sessionsBefore.rowCount);
    const stored = await admiral.db.ownerQuery<{ token_hash: string }>('SELECT token_hash FROM two_factor_challenges WHERE user_id = $1', [user.id]);
    expect(stored.rows[0]?.token_hash).not.toContain(challenge);

    for (const offset of [-90, 90]) {
      const refused = await complete({ challenge, code: codeAt(secret, offset) });
      expect(refused.statusCode, `${offset}`).toBe(401);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.json().code).toBe('invalid_two_factor_code');
    }
    const done = await complete({ challenge, code: codeAt(secret) });
    expect(done.statusCode, done.body).toBe(200);
    const signedIn = done.json();
    expect(Object.keys(signedIn).sort()).toEqual(['expiresAt', 'refreshToken', 'token', 'user']);
    expect((await me(admiral, signedIn.token)).json().user).toMatchObject({ id: user.id, twoFactorEnabled: true });
    const session = await admiral.db.ownerQuery('SELECT two_factor_verified FROM sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1', [user.id]);
    expect(session.rows[0]).toEqual({ two_factor_verified: true });
    // The challenge is single use.
    const spent = await complete({ challenge, code: codeAt(secret, 30) });
    expect(spent.statusCode).toBe(401);
    expect(spent.json().code).toBe('invalid_challenge');

    const second = await challengeFor(user);
    const replay = await complete({ challenge: second, code: codeAt(secret) });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('invalid_two_factor_code');
    expect((await complete({ challenge: second, code: codeAt(secret, 30) })).statusCode).toBe(200);
    const third = await challengeFor(user);
    expect((await complete({ challenge: third, code: codeAt(secret, 30) })).statusCode).toBe(401); // replay of +30 s
    expect((await complete({ challenge: third, code: codeAt(secret, -30) })).statusCode).toBe(401); // older than the last used step

    const failures = await auditRows(admiral, "action = 'auth.two_factor' AND actor_user_id = $1", [user.id]);
    expect(failures.map((f) => [f.success, f.error])).toEqual([
      [false, 'wrong_code'],
      [false, 'wrong_code'],
      [false, 'invalid_challenge'],
      [false, 'wrong_code'],
      [false, 'wrong_code'],
      [false, 'wrong_code'],
    ]);
    const successes = await auditRows(admiral, "action = 'auth.sign_in' AND success AND actor_user_id = $1 AND metadata->>'twoFactor' = 'totp'", [user.id]);
    expect(successes).toHaveLength(2);
  });

  it('accepts each recovery code once (any case, with or without dashes)', async () => {
    const { user, recoveryCodes } = await twoFactorUser();
    const code = recoveryCodes[3] as string;
    const first = await complete({ challenge: await challengeFor(user), recoveryCode: code.replaceAll('-', '').toUpperCase() });
    expect(first.statusCode, first.body).toBe(200);
    const [audit] = await auditRows(admiral, "action = 'auth.sign_in' AND success AND actor_user_id = $1 AND metadata->>'twoFactor' = 'recovery_code'", [
      user.id,
    ]);
    expect(audit?.metadata.codesLeft).toBe(9);
    const again = await complete({ challenge: await challengeFor(user), recoveryCode: code });
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('invalid_two_factor_code');
    expect((await complete({ challenge: await challengeFor(user), recoveryCode: recoveryCodes[4] as string })).statusCode).toBe(200);
  });

  it('counts wrong codes toward lockout, burns a challenge after 5, and refuses even a right code while locked', async () => {
    const { user, secret } = await twoFactorUser();
    await awayFromStepBoundary(5000);
    const challenge = await challengeFor(user);
    for (let i = 0; i < 5; i++) expect((await complete({ challenge, code: '000000' === codeAt(secret) ? '111111' : '000000' })).statusCode).toBe(401);
    const state = await admiral.db.ownerQuery<{ failed_sign_ins: number; locked: boolean }>(
      'SELECT failed_sign_ins, locked_until > now() AS locked FROM users WHERE id = $1',
      [user.id],
    );
    expect(state.rows[0]).toEqual({ failed_sign_ins: 5, locked: true });
    const burnt = await complete({ challenge, code: codeAt(secret) });
    expect(burnt.json().code).toBe('invalid_challenge');
    // Locked: the password step refuses, and an older challenge cannot be finished either.
    expect((await signIn(admiral, { email: user.email, password: user.password })).json().code).toBe('invalid_credentials');
    await admiral.db.ownerQuery('UPDATE users SET locked_until = NULL WHERE id = $1', [user.id]);
    const fresh = await challengeFor(user);
    await admiral.db.ownerQuery("UPDATE users SET locked_until = now() + interval '1 minute' WHERE id = $1", [user.id]);
    const whileLocked = await complete({ challenge: fresh, code: codeAt(secret) });
    expect(whileLocked.statusCode).toBe(401);
    expect(whileLocked.json().code).toBe('invalid_two_factor_code');
    const [last] = (await auditRows(admiral, "action = 'auth.two_factor' AND actor_user_id = $1", [user.id])).slice(-1);
    expect(last).toMatchObject({ success: false, error: 'locked' });
  });

  it('refuses unknown, expired and malformed challenges with clear problems', async () => {
    const { user, secret } = await twoFactorUser();
    const unknown = await complete({ challenge: 'admc_nope', code: '123456' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toMatchObject({ status: 401, code: 'invalid_challenge' });
    const challenge = await challengeFor(user);
    await admiral.db.ownerQuery("UPDATE two_factor_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1", [user.id]);
    expect((await complete({ challenge, code: codeAt(secret, 30) })).json().code).toBe('invalid_challenge');
    const both = await complete({ challenge, code: '123456', recoveryCode: 'abcd-efgh-ijkl-mnop' });
    expect(both.statusCode).toBe(400);
    expect((await complete({ challenge })).statusCode).toBe(400);
  });

  it('purges challenges that ended more than a day ago (identity.purge-two-factor-challenges)', async () => {
    const { user } = await twoFactorUser();
    await challengeFor(user);
    await challengeFor(user);
    await admiral.db.ownerQuery(
      "UPDATE two_factor_challenges SET expires_at = now() - interval '25 hours' WHERE id = (SELECT id FROM two_factor_challenges WHERE user_id = $1 ORDER BY id LIMIT 1)",
      [user.id],
    );
    const job = admiral.modules.flatMap((m) => m.jobs ?? []).find((j) => j.name === 'identity.purge-two-factor-challenges');
    await job?.handler({}, { jobId: 'test', attempt: 1, db: admiral.kernel.db });
    const { rows } = await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM two_factor_challenges WHERE user_id = $1', [user.id]);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('sets the session cookie on completion when asked', async () => {
    const { user, secret } = await twoFactorUser();
    await awayFromStepBoundary();
    const done = await complete({ challenge: await challengeFor(user), code: codeAt(secret, 30), cookie: true });
    expect(done.statusCode, done.body).toBe(200);
    expect(String(done.headers['set-cookie'])).toMatch(/^__Host-admiral_session=adms_[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=\d+$/);
  });
});

describe('turning two-factor off', () => {
  it('needs the password or a current code; wrong ones are audited and count toward lockout', async () => {
    const { user, token, secret } = await twoFactorUser();
    const off = (payload: Record<string, unknown>) => admiral.app.inject({ method: 'DELETE', url: '/v1/me/two-factor', headers: bearer(token), payload });
    const wrongPassword = await off({ password: `${user.password}?` });
    expect(wrongPassword.statusCode).toBe(403);
    expect(wrongPassword.json().code).toBe('wrong_password');
    await awayFromStepBoundary();
    const wrongCode = await off({ code: codeAt(secret, -90) });
    expect(wrongCode.statusCode).toBe(403);
    expect(wrongCode.json().code).toBe('invalid_two_factor_code');
    expect((await off({})).statusCode).toBe(400);
    const failures = await auditRows(admiral, "action = 'user.two_factor_disabled' AND NOT success AND target_id = $1", [user.id]);
    expect(failures.map((f) => f.error)).toEqual(['wrong_password', 'wrong_code']);
    expect((await admiral.db.ownerQuery('SELECT failed_sign_ins FROM users WHERE id = $1', [user.id])).rows[0]).toEqual({ failed_sign_ins: 2 });

    const ok = await off({ code: codeAt(secret) });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await me(admiral, token)).json().user.twoFactorEnabled).toBe(false);
    for (const table of ['two_factors', 'two_factor_recovery_codes']) {
      expect((await admiral.db.ownerQuery(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`, [user.id])).rows[0]).toEqual({ n: 0 });
    }
    expect((await signIn(admiral, { email: user.email, password: user.password })).json()).toHaveProperty('token');
    expect((await off({ password: user.password })).statusCode).toBe(409);

    const again = await enableTwoFactor(admiral, token);
    expect(again.secret).not.toBe(secret);
    expect((await off({ password: user.password })).statusCode).toBe(204);
  });
});

describe('OpenAPI', () => {
  it('documents the sign-in answer as tokens or a two-factor challenge, and the two-factor routes', async () => {
    const doc = (await admiral.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    const schema = doc.paths['/v1/auth/sign-in'].post.responses['200'].content['application/json'].schema;
    const branches = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[];
    expect(branches).toHaveLength(2);
    expect(JSON.stringify(branches)).toContain('TwoFactorChallenge');
    expect(doc.components.schemas.TwoFactorChallenge.properties.twoFactorRequired).toMatchObject({ type: 'boolean', enum: [true] });
    expect(Object.keys(doc.paths['/v1/me/two-factor']).sort()).toEqual(['delete', 'post']);
    expect(doc.paths['/v1/me/two-factor/confirm'].post).toBeDefined();
    expect(doc.paths['/v1/auth/two-factor'].post.responses['429']).toBeDefined();
  });
});
