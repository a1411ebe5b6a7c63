import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import { auditRows, createUser, me, NO_RATE_LIMITS, signIn, signInOk, strongPassword } from './helpers/identity.js';

let admiral: TestAdmiral;
beforeAll(async () => {
  admiral = await startTestAdmiral({ env: { ...NO_RATE_LIMITS, PUBLIC_URL: 'https://admin.example.test' } });
});
afterAll(async () => admiral?.stop());

const post = (url: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  admiral.app.inject({ method: 'POST', url, payload, headers });

/** The token in the newest outbox mail of a kind to an address. */
async function mailedToken(to: string, kind: string): Promise<string> {
  const { rows } = await admiral.db.ownerQuery<{ text_body: string; status: string }>(
    'SELECT text_body, status FROM mail_outbox WHERE to_address = $1 AND kind = $2 ORDER BY created_at DESC, id DESC LIMIT 1',
    [to, kind],
  );
  expect(rows[0]?.status).toBe('stored');
  const token = /code: (admv_[\w-]{43})/.exec(rows[0]?.text_body ?? '')?.[1];
  expect(token, rows[0]?.text_body).toBeDefined();
  return token as string;
}

describe('password reset', () => {
  it('mails a single-use link; the reset ends every session, lifts a lockout and changes the password', async () => {
    const user = await createUser(admiral);
    const session = await signInOk(admiral, user);
    await admiral.db.ownerQuery("UPDATE users SET failed_sign_ins = 7, locked_until = now() + interval '1 hour' WHERE id = $1", [user.id]);

    const requested = await post('/v1/auth/password-reset', { email: user.email.toUpperCase() });
    expect(requested.statusCode, requested.body).toBe(204);
    const stale = await mailedToken(user.email, 'password_reset');
    expect((await post('/v1/auth/password-reset', { email: user.email })).statusCode).toBe(204);
    const token = await mailedToken(user.email, 'password_reset');
    expect(token).not.toBe(stale);
    const { rows: mail } = await admiral.db.ownerQuery<{ text_body: string }>('SELECT text_body FROM mail_outbox WHERE to_address = $1 LIMIT 1', [user.email]);
    expect(mail[0]?.text_body).toContain('https://admin.example.test/reset-password?token=admv_');
    const stored = await admiral.db.ownerQuery('SELECT token_hash FROM verifications WHERE user_id = $1', [user.id]);
    expect(JSON.stringify(stored.rows)).not.toContain(token);

    const weak = await post('/v1/auth/password-reset/confirm', { token, newPassword: 'short' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().code).toBe('weak_password');
    expect((await post('/v1/auth/password-reset/confirm', { token: stale, newPassword: strongPassword() })).json().code).toBe('invalid_token');

    const next = strongPassword();
    const reset = await post('/v1/auth/password-reset/confirm', { token, newPassword: next });
    expect(reset.statusCode, reset.body).toBe(204);
    expect((await me(admiral, session.token)).statusCode).toBe(401);
    expect((await signIn(admiral, { email: user.email, password: user.password })).statusCode).toBe(401);
    await signInOk(admiral, { email: user.email, password: next });
    const again = await post('/v1/auth/password-reset/confirm', { token, newPassword: strongPassword() });
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('invalid_token');

    const audits = await auditRows(admiral, "action IN ('auth.password_reset_requested', 'user.password_reset') AND target_id = $1", [user.id]);
    expect(audits.map((a) => a.action)).toEqual(['auth.password_reset_requested', 'auth.password_reset_requested', 'user.password_reset']);
    expect(audits.at(-1)?.metadata).toEqual({ sessionsEnded: 1 });
    expect(JSON.stringify(await auditRows(admiral, 'true', []))).not.toContain(token);
  });

  it('answers an unknown address the same way, sending nothing, and refuses expired tokens', async () => {
    const unknown = await post('/v1/auth/password-reset', { email: 'nobody-here@example.test' });
    expect(unknown.statusCode).toBe(204);
    expect(unknown.body).toBe('');
    expect((await admiral.db.ownerQuery("SELECT count(*)::int AS n FROM mail_outbox WHERE to_address = 'nobody-here@example.test'")).rows[0]).toEqual({ n: 0 });
    const [audit] = await auditRows(admiral, "action = 'auth.password_reset_requested' AND NOT success", []);
    expect(audit?.error).toBe('unknown_user');

    const user = await createUser(admiral);
    await post('/v1/auth/password-reset', { email: user.email });
    const token = await mailedToken(user.email, 'password_reset');
    await admiral.db.ownerQuery("UPDATE verifications SET expires_at = now() - interval '1 second' WHERE user_id = $1", [user.id]);
    expect((await post('/v1/auth/password-reset/confirm', { token, newPassword: strongPassword() })).json().code).toBe('invalid_token');
  });
});

describe('email verification', () => {
  it('mails a link to the signed-in user that confirms the address once', async () => {
    const user = await createUser(admiral);
    const { token: session } = await signInOk(admiral, user);
    const sent = await admiral.app.inject({ method: 'POST', url: '/v1/me/email-verification', headers: bearer(session), payload: {} });
    expect(sent.statusCode, sent.body).toBe(204);
    const token = await mailedToken(user.email, 'email_verification');
    const verified = await post('/v1/auth/verify-email', { token });
    expect(verified.statusCode, verified.body).toBe(204);
    expect((await me(admiral, session)).json().user.emailVerified).toBe(true);
    expect((await post('/v1/auth/verify-email', { token })).json().code).toBe('invalid_token');
    const already = await admiral.app.inject({ method: 'POST', url: '/v1/me/email-verification', headers: bearer(session), payload: {} });
    expect(already.statusCode).toBe(409);
    const audits = await auditRows(admiral, "action LIKE 'user.email_verif%' AND target_id = $1", [user.id]);
    expect(audits.map((a) => a.action)).toEqual(['user.email_verification_requested', 'user.email_verified']);
  });
});
