import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * RFC 6238 time-based one-time passwords as authenticator apps expect them: HMAC-SHA-1, 6 digits, 30-second
 * steps (RFC 4226 dynamic truncation). Verification accepts one step of clock skew either way and returns
 * the step that matched, so the caller can refuse that step (and every earlier one) the next time.
 */
export const TOTP = { digits: 6, periodSeconds: 30, skewSteps: 1, secretBytes: 20 } as const;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes RFC 4648 base32 (case-insensitive; spaces, dashes and padding ignored). */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error('not base32');
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new shared secret (160 bits, RFC 4226's recommendation), base32 as authenticator apps take it. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(TOTP.secretBytes));
}

export function totpStep(atMs: number = Date.now()): number {
  return Math.floor(atMs / 1000 / TOTP.periodSeconds);
}

/** The code for one time step (RFC 4226 HOTP with the step as counter). */
export function hotp(secret: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac('sha1', secret).update(message).digest();
  const offset = (digest[digest.length - 1] ?? 0) & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** TOTP.digits).padStart(TOTP.digits, '0');
}

/** The code an authenticator shows at `atMs` for a base32 secret. */
export function totpCode(secret: string, atMs: number = Date.now()): string {
  return hotp(base32Decode(secret), totpStep(atMs));
}

export interface TotpCheck {
  /** The current time (tests move it). */
  now?: number;
  /** The last step accepted for this secret: it and every earlier step are refused (replay protection). */
  lastUsedStep?: number | null;
}

/**
 * Returns the time step `code` belongs to (within ±skewSteps of now and after `lastUsedStep`), or null.
 * Every candidate step is compared, in constant time, so timing does not tell which one was close.
 */
export function verifyTotp(secret: string, code: string, check: TotpCheck = {}): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = base32Decode(secret);
  const current = totpStep(check.now);
  const given = Buffer.from(code);
  let matched: number | null = null;
  for (let step = current - TOTP.skewSteps; step <= current + TOTP.skewSteps; step++) {
    const equal = timingSafeEqual(Buffer.from(hotp(key, step)), given);
    if (equal && matched === null && (check.lastUsedStep == null || step > check.lastUsedStep)) matched = step;
  }
  return matched;
}

/** The `otpauth://` URI a QR code carries (Google Authenticator's key-uri format). */
export function otpauthUri(input: { secret: string; account: string; issuer: string }): string {
  const label = `${encodeURIComponent(input.issuer)}:${encodeURIComponent(input.account)}`;
  const params = new URLSearchParams({
    secret: input.secret,
    issuer: input.issuer,
    algorithm: 'SHA1',
    digits: String(TOTP.digits),
    period: String(TOTP.periodSeconds),
  });
  return `otpauth://totp/${label}?${params.toString()}`;
}
