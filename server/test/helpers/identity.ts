import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { TOTP, totpCode } from '../../src/kernel/crypto/totp.js';
import { bearer, superAdmin, type TestAdmiral } from './app.js';

/** Limits high enough that the tests which are not about rate limiting never meet them. */
export const NO_RATE_LIMITS = { AUTH_RATE_LIMIT_PER_IP: '100000', AUTH_RATE_LIMIT_PER_ACCOUNT: '100000' };

/** A password the policy accepts (long, not on the breached list, unrelated to the email). */
export const strongPassword = () => `Tidal-Quartz-Lantern-${randomBytes(4).toString('hex')}`;

export interface TestUser {
  id: string;
  email: string;
  username: string;
  password: string;
}

let counter = 0;

/** Creates a user with a password through POST /v1/users, as the fixed super-admin token. */
export async function createUser(admiral: TestAdmiral, extra: { isSuperAdmin?: boolean; password?: string } = {}): Promise<TestUser> {
  counter++;
  const tag = `${Date.now().toString(36)}${counter}${randomBytes(2).toString('hex')}`;
  const input = { email: `person-${tag}@example.test`, username: `person_${tag}`, password: extra.password ?? strongPassword() };
  const response = await admiral.app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: superAdmin,
    payload: { ...input, ...(extra.isSuperAdmin ? { isSuperAdmin: true } : {}) },
  });
  expect(response.statusCode, response.body).toBe(201);
  return { id: response.json().id, ...input };
}

export function signIn(admiral: TestAdmiral, payload: Record<string, unknown>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return admiral.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload, headers: { 'user-agent': 'vitest', ...headers } });
}

export interface Tokens {
  token: string;
  refreshToken: string;
  expiresAt: string;
}

/** Signs in with email and password and expects tokens (no two-factor). */
export async function signInOk(admiral: TestAdmiral, user: { email: string; password: string }): Promise<Tokens> {
  const response = await signIn(admiral, { email: user.email, password: user.password });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

export const me = (admiral: TestAdmiral, token: string) => admiral.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) });

/** Rows of the platform audit chain, as the owner sees them. */
export async function auditRows(admiral: TestAdmiral, where: string, values: unknown[]) {
  const { rows } = await admiral.db.ownerQuery<{
    action: string;
    success: boolean;
    error: string | null;
    actor_user_id: string | null;
    impersonator_user_id: string | null;
    target_id: string | null;
    metadata: Record<string, unknown>;
    before: unknown;
    after: unknown;
  }>(`SELECT * FROM audit_logs WHERE ${where} ORDER BY seq`, values);
  return rows;
}

/** Waits until now is at least `marginMs` away from a TOTP step boundary, so a code made now keeps its step. */
export async function awayFromStepBoundary(marginMs = 2500): Promise<void> {
  const period = TOTP.periodSeconds * 1000;
  const into = Date.now() % period;
  if (into < marginMs) await new Promise((resolve) => setTimeout(resolve, marginMs - into));
  else if (period - into < marginMs) await new Promise((resolve) => setTimeout(resolve, period - into + marginMs));
}

/** The code an authenticator with `secret` shows `offsetSeconds` from now. */
export const codeAt = (secret: string, offsetSeconds = 0) => totpCode(secret, Date.now() + offsetSeconds * 1000);

/**
 * Enrols and confirms two-factor for the bearer of `token`; returns the secret and the recovery codes. It
 * confirms with the previous step's code (30 s of skew), leaving the current and the next step unused.
 */
export async function enableTwoFactor(admiral: TestAdmiral, token: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const enrol = await admiral.app.inject({ method: 'POST', url: '/v1/me/two-factor', headers: bearer(token), payload: {} });
  expect(enrol.statusCode, enrol.body).toBe(201);
  const { secret } = enrol.json();
  await awayFromStepBoundary();
  const confirm = await admiral.app.inject({
    method: 'POST',
    url: '/v1/me/two-factor/confirm',
    headers: bearer(token),
    payload: { code: codeAt(secret, -30) },
  });
  expect(confirm.statusCode, confirm.body).toBe(200);
  return { secret, recoveryCodes: confirm.json().recoveryCodes };
}
