import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../server/test/helpers/app.js';
import { awayFromStepBoundary, codeAt, createUser, signInOk } from '../../server/test/helpers/identity.js';
import { type ConsoleUnderTest, onboard, signIn, startConsole } from './harness.js';

let ui: ConsoleUnderTest;
const ADMIN = { email: 'grace@example.test', password: 'Compass-Ember-Willow-77' };
let siteId = '';

beforeAll(async () => {
  ui = await startConsole();
  siteId = await onboard(ui, { ...ADMIN, name: 'Grace' }, { name: 'Harbour News', slug: 'harbour-news' });
}, 180_000);
afterAll(async () => ui?.stop(), 60_000);

describe('profile, and the impersonation banner', () => {
  it('turns two-factor on from the profile with a code computed from the shown key, and lists the own sessions', async () => {
    const page = await ui.newPage();
    await signIn(page, ADMIN);
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Profile and security' }).click();
    await page.waitForURL('**/profile');
    await page.getByRole('table', { name: 'Your sessions' }).getByText('this session').waitFor();

    await page.getByRole('button', { name: 'Set up two-factor' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())?.replace(/\s/g, '') ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await awayFromStepBoundary();
    await page.getByLabel('Code', { exact: true }).fill(codeAt(secret));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    const codes = page.getByTestId('recovery-codes');
    await codes.waitFor();
    expect((await codes.locator('pre').textContent())?.split('\n')).toHaveLength(10);
    await page.getByRole('button', { name: 'Turn off two-factor' }).waitFor();
    await ui.screenshot(page, 'profile');

    const who = await page.request.get('/v1/me');
    expect((await who.json()).user.twoFactorEnabled).toBe(true);
  }, 90_000);

  it('shows an unmissable banner on every screen of an impersonation session', async () => {
    const target = await createUser(ui.admiral);
    const boss = await createUser(ui.admiral, { isSuperAdmin: true });
    const { token } = await signInOk(ui.admiral, boss);
    const member = await ui.admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/memberships`,
      headers: bearer(token),
      payload: { userId: target.id, role: 'support' },
    });
    expect(member.statusCode, member.body).toBe(201);
    const impersonation = await ui.admiral.app.inject({ method: 'POST', url: `/v1/users/${target.id}/impersonate`, headers: bearer(token), payload: {} });
    expect(impersonation.statusCode, impersonation.body).toBe(200);

    const page = await ui.newPage({ width: 800, height: 900 });
    await page.context().addCookies([
      // (Chromium's CDP takes a __Host- cookie given a bare host as domain; it stores it host-only.)
      { name: '__Host-admiral_session', value: impersonation.json().token, domain: '127.0.0.1', path: '/', httpOnly: true, secure: true, sameSite: 'Strict' },
    ]);
    await page.goto('/');
    await page.waitForURL(new RegExp(`/sites/${siteId}$`));
    const banner = page.getByTestId('impersonation-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(`Impersonating ${target.email}`);
    await ui.screenshot(page, 'impersonation-tablet');
    await page.getByRole('button', { name: 'End impersonation' }).click();
    await page.waitForURL('**/sign-in');
  }, 90_000);
});
