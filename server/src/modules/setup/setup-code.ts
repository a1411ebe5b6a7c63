import type { SecretBox } from '../../kernel/crypto/secret-box.js';
import { constantTimeEqual } from '../../kernel/crypto/tokens.js';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read off a terminal and typed by hand

/**
 * The first-run setup code of a production server: derived from the master secret, so every process of one
 * deployment agrees on it and only someone who can read the server's log (or its secret) knows it.
 * 16 characters of a 32-letter alphabet: 80 bits.
 */
export function setupCodeFrom(secrets: SecretBox): string {
  const bytes = secrets.derive('admiral:first-run-setup-code:v1');
  const chars = Array.from(bytes.subarray(0, 16), (b) => ALPHABET[b % ALPHABET.length]).join('');
  return (chars.match(/.{4}/g) as string[]).join('-');
}

/** Compares a typed code with the expected one, ignoring case, spaces and hyphens, in constant time. */
export function setupCodeMatches(expected: string, given: string | undefined): boolean {
  const normal = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');
  return given !== undefined && constantTimeEqual(normal(expected), normal(given));
}
