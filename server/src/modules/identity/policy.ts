/** Lifetimes and limits of sign-in, in one place. */
export const SESSION_POLICY = {
  /** Bearer token lifetime; the refresh token renews it. */
  accessTokenSeconds: 60 * 60,
  /** A session unused this long ends (sliding). */
  idleSeconds: 12 * 60 * 60,
  /** A session ends this long after sign-in, whatever happens. */
  absoluteSeconds: 30 * 24 * 60 * 60,
  /** Impersonation sessions are short and cannot be refreshed beyond this. */
  impersonationSeconds: 30 * 60,
} as const;

export const TWO_FACTOR_POLICY = {
  /** How long a sign-in challenge (password accepted, code pending) stays valid. */
  challengeSeconds: 5 * 60,
  /** Wrong codes one challenge tolerates before it is burnt (each also counts toward lockout). */
  challengeAttempts: 5,
} as const;

export const VERIFICATION_POLICY = {
  /** A password-reset link works this long (and once). */
  passwordResetSeconds: 30 * 60,
  /** An email-verification link works this long (and once). */
  emailVerificationSeconds: 24 * 60 * 60,
} as const;

export const LOCKOUT_POLICY = {
  /** Failed sign-ins allowed before the account locks. */
  freeAttempts: 5,
  /** First lock; doubles with each further failure. */
  baseLockSeconds: 30,
  maxLockSeconds: 60 * 60,
} as const;

export function lockSecondsAfter(failures: number): number {
  const over = failures - LOCKOUT_POLICY.freeAttempts;
  if (over < 0) return 0;
  return Math.min(LOCKOUT_POLICY.baseLockSeconds * 2 ** over, LOCKOUT_POLICY.maxLockSeconds);
}
