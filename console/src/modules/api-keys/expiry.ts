// An API key's expiry, from the create form's choice (unit tests: expiry.test.ts).

export const DAY = 86_400_000;
/** A date as `<input type="date">` wants it (local time). */
export const isoDate = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** The chosen expiry as the API wants it: an instant, or null for never. A custom date ends at that day's last second, local time. */
export function expiryOf(preset: string, date: string, now = Date.now()): string | null | undefined {
  if (preset === 'never') return null;
  if (preset === 'custom') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
    return new Date(`${date}T23:59:59`).toISOString();
  }
  return new Date(now + Number(preset) * DAY).toISOString();
}
