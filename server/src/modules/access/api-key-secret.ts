import { randomBytes, randomInt } from 'node:crypto';
import { sha256Hex } from '../../kernel/crypto/tokens.js';

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PREFIX_LENGTH = 12;

/** `admk_<prefix>_<secret>`: a 12-character public prefix ([a-z0-9]) and 32 random bytes, base64url (identity's resolver reads this form). */
export const API_KEY_PATTERN = /^admk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  /** The whole key: shown to the caller once, never stored. */
  key: string;
  /** Stored in clear: finds the key's row. */
  prefix: string;
  /** Stored: SHA-256 of the whole key. */
  secretHash: string;
}

export function newApiKey(): NewApiKey {
  const prefix = Array.from({ length: PREFIX_LENGTH }, () => PREFIX_ALPHABET[randomInt(PREFIX_ALPHABET.length)]).join('');
  const key = `admk_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, secretHash: sha256Hex(key) };
}
