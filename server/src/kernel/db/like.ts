/** Escapes LIKE/ILIKE wildcards so user text matches literally (`50%_off` finds "50%_off", not "500 off"). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
