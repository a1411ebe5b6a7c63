const SECRET_KEY = /pass(word|phrase)?|secret|token|api_?key|credential|private_?key|otp|totp|recovery_?code|^hash$|_hash$|Hash$/i;

export const REDACTED = '[redacted]';

/** Copies a value for the audit trail with secrets replaced, at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && inner !== null && inner !== undefined ? REDACTED : redact(inner, depth + 1);
  }
  return out;
}
