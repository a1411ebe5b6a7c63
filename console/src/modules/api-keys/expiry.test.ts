import { describe, expect, it } from 'vitest';
import { DAY, expiryOf, isoDate } from './expiry';

describe("an API key's expiry from the form", () => {
  const now = Date.parse('2026-03-10T12:00:00Z');

  it('presets are that many days from now; never is null', () => {
    expect(expiryOf('30', '', now)).toBe(new Date(now + 30 * DAY).toISOString());
    expect(expiryOf('365', '', now)).toBe('2027-03-10T12:00:00.000Z');
    expect(expiryOf('never', '2026-01-01', now)).toBeNull();
  });

  it("a chosen date lasts to that day's end in local time; a malformed one sends nothing", () => {
    const end = new Date(expiryOf('custom', '2026-12-31', now) as string);
    expect([end.getFullYear(), end.getMonth(), end.getDate(), end.getHours(), end.getMinutes()]).toEqual([2026, 11, 31, 23, 59]);
    expect(expiryOf('custom', '', now)).toBeUndefined();
    expect(expiryOf('custom', '31/12/2026', now)).toBeUndefined();
  });

  it('formats dates for a date input in local time', () => {
    expect(isoDate(new Date(2026, 0, 5, 23, 30))).toBe('2026-01-05');
  });
});
