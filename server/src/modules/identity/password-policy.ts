import { readFileSync } from 'node:fs';
import { unprocessable } from '../../kernel/http/problem.js';

/**
 * NIST SP 800-63B: at least 12 characters, at most 256, not a known-breached or trivially guessable value,
 * no composition rules. The shipped list holds common passwords long enough to pass the length rule.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

let breached: Set<string> | undefined;
function breachedPasswords(): Set<string> {
  breached ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line && !line.startsWith('#')),
  );
  return breached;
}

function isTrivial(password: string): boolean {
  if (new Set(password).size <= 2) return true;
  const codes = [...password].map((c) => c.codePointAt(0) ?? 0);
  const steps = codes.slice(1).map((code, i) => code - (codes[i] ?? 0));
  return steps.every((step) => step === 1) || steps.every((step) => step === -1);
}

/** Returns the reason a password is refused, or null. `context` holds values it must not contain (email, username). */
export function passwordProblem(password: string, context: readonly (string | null | undefined)[] = []): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (breachedPasswords().has(lower) || isTrivial(password)) return 'is too common; choose a longer phrase of unrelated words';
  for (const value of context) {
    const token = value?.toLowerCase().split('@')[0];
    if (token && token.length >= 4 && lower.includes(token)) return 'must not contain your email or username';
  }
  return null;
}

export function assertAcceptablePassword(password: string, context: readonly (string | null | undefined)[] = [], pointer = '/password'): void {
  const problem = passwordProblem(password, context);
  if (problem) throw unprocessable('weak_password', `The password ${problem}.`, [{ in: 'body', pointer, detail: problem }]);
}
