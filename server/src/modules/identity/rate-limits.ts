import type { FastifyRequest } from 'fastify';
import type { RateLimitRule } from '../../kernel/http/rate-limit.js';
import type { Kernel } from '../../kernel/module.js';

/** Defaults for the routes that take a secret from an anonymous caller; AUTH_RATE_LIMIT_* override them. */
export const AUTH_RATE_DEFAULTS = { perIp: 50, perAccount: 10, windowSeconds: 5 * 60 } as const;

export type AuthRateHook = (request: FastifyRequest) => Promise<void>;

export interface AuthRateLimits {
  /** Per client IP (`onRequest`: counted before the body is read). */
  perIp(family: string): AuthRateHook;
  /** Per account, named by `subjectOf` from the validated request (`preHandler`). */
  perAccount(family: string, subjectOf: (request: FastifyRequest) => string | null | undefined): AuthRateHook;
}

/**
 * Sign-in, two-factor, password reset and verification routes are each limited per IP and per account
 * (the identifier, the challenge or the signed-in user), in fixed windows shared through the kernel's store.
 */
export function authRateLimits(kernel: Kernel): AuthRateLimits {
  const overrides = kernel.config.authRateLimit ?? {};
  const perIp = overrides.perIp ?? AUTH_RATE_DEFAULTS.perIp;
  const perAccount = overrides.perAccount ?? AUTH_RATE_DEFAULTS.perAccount;
  const windowSeconds = overrides.windowSeconds ?? AUTH_RATE_DEFAULTS.windowSeconds;
  const rule = (name: string, limit: number): RateLimitRule => ({ name, limit, windowSeconds });
  return {
    perIp: (family) => kernel.rateLimits.hook(rule(`${family}:ip`, perIp), (request) => request.ip),
    perAccount: (family, subjectOf) => kernel.rateLimits.hook(rule(`${family}:account`, perAccount), (request) => subjectOf(request)?.trim().toLowerCase()),
  };
}

/** The sign-in identifier (email or username) from a sign-in body. */
export function signInIdentifier(request: FastifyRequest): string | undefined {
  const body = request.body as { email?: string; username?: string } | undefined;
  return body?.email ?? body?.username;
}

/** The signed-in user (routes about one's own account). */
export const signedInUser = (request: FastifyRequest) => request.principal?.userId;
