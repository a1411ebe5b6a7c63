/** Admiral's bearer secrets (`adms_` sessions, `admr_` refresh, `admv_` verification, `admk_` API keys, …): a prefix and 16+ url-safe characters. */
const ADMIRAL_TOKEN = /\badm[a-z]_[A-Za-z0-9_-]{16,}/g;

export const REDACTED = '[redacted]';

/** The text with every Admiral token in it replaced by `[redacted]` (links keep their shape: `…?token=[redacted]`). */
export function redactTokens(text: string): string {
  return text.replace(ADMIRAL_TOKEN, REDACTED);
}
