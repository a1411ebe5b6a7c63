import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superAdmin } from '../../server/test/helpers/app.js';
import { awayFromStepBoundary, codeAt, createUser, enableTwoFactor, signInOk } from '../../server/test/helpers/identity.js';
import { type ConsoleUnderTest, startConsole } from './harness.js';

let ui: ConsoleUnderTest;
beforeAll(async () => {
  ui = await startConsole();
}, 180_000);
afterAll(async () => ui?.stop(), 60_000);

const ADMIN = { email: 'ada@example.test', name: 'Ada Admin', password: 'Harbour-Lantern-Quartz-42' };
let siteId = '';

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

describe('first run, sign-in and sign-out in a real browser', () => {
  it('onboards on a fresh install: shows server validation on the field, then creates the admin and site and lands on the overview', async () => {
    const page = await ui.newPage();
    await page.goto('/');
    await page.waitForURL('**/setup');
    await expect(page.getByRole('heading', { name: 'Set up Admiral' }).isVisible()).resolves.toBe(true);

    await field(page, 'Email').fill(ADMIN.email);
    await field(page, 'Name').fill(ADMIN.name);
    await field(page, 'Password').fill('password1234');
    await field(page, 'Repeat the password').fill('password1234');
    await field(page, 'Site name').fill('Acme Radio');
    expect(await field(page, 'Slug').inputValue()).toBe('acme-radio');
    await page.getByRole('button', { name: 'Create administrator and site' }).click();
    // The server's 422 for a breached password is shown under the password field, not as a generic error.
    const passwordError = page.locator('[data-pointer="/admin/password"] .field-error');
    await passwordError.waitFor();
    expect(await passwordError.textContent()).toMatch(/too common/);
    expect(await field(page, 'Password').getAttribute('aria-invalid')).toBe('true');
    await ui.screenshot(page, 'onboarding-validation');

    await field(page, 'Password').fill(ADMIN.password);
    await field(page, 'Repeat the password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator and site' }).click();
    await page.waitForURL(/\/sites\/[0-9a-f-]{36}$/);
    siteId = /\/sites\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const badge = page.locator('.site-switcher [data-testid="site-badge"]');
    expect(await badge.textContent()).toContain('Acme Radio');
    expect(await badge.textContent()).toContain('acme-radio');
    await page.getByTestId('overview-counts').locator('li').first().waitFor();
    await page.getByTestId('overview-audit').locator('li').first().waitFor();
    expect(await page.getByTestId('overview-audit').textContent()).toContain('membership.granted');
    await ui.screenshot(page, 'overview');

    // A deep link reloads into the same screen (SPA fallback), still signed in by the cookie.
    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // The API is not swallowed by the fallback.
    const api = await page.request.get('/v1/nothing-here', { headers: { accept: 'text/html' } });
    expect(api.status()).toBe(404);
    expect((await api.json()).code).toBe('route_not_found');

    // Setup is closed now: /setup sends people to sign-in.
    const other = await ui.newPage();
    await other.goto('/setup');
    await other.waitForURL('**/sign-in');
  }, 90_000);

  it('signs in with the two-factor step (wrong code refused, right code accepted) and lands on the site', async () => {
    expect(siteId).not.toBe('');
    const user = await createUser(ui.admiral);
    const grant = await ui.admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/memberships`,
      headers: superAdmin,
      payload: { userId: user.id, role: 'editor' },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    const { token } = await signInOk(ui.admiral, user);
    const { secret } = await enableTwoFactor(ui.admiral, token);

    const page = await ui.newPage({ colorScheme: 'dark' });
    await page.goto(`/sites/${siteId}`);
    await page.waitForURL(/\/sign-in\?redirect=/);
    await field(page, 'Email or username').fill(user.username);
    await field(page, 'Password').fill(user.password);
    await ui.screenshot(page, 'sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await field(page, 'Authentication code').waitFor();
    const wrong = codeAt(secret) === '000000' ? '111111' : '000000';
    await field(page, 'Authentication code').fill(wrong);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /not correct/ })
      .waitFor();
    await ui.screenshot(page, 'sign-in-two-factor');

    await awayFromStepBoundary();
    await field(page, 'Authentication code').fill(codeAt(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(new RegExp(`/sites/${siteId}$`));
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.locator('.user-name').textContent()).toBe(user.username);
    await ui.screenshot(page, 'overview-dark-editor');
  }, 120_000);

  it('signs out from the user menu: the cookie is gone and the console asks to sign in again', async () => {
    const page = await ui.newPage();
    await page.goto('/sign-in');
    await field(page, 'Email or username').fill(ADMIN.email);
    await field(page, 'Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/sites\//);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === '__Host-admiral_session')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });

    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    expect((await page.context().cookies()).find((c) => c.name === '__Host-admiral_session')).toBeUndefined();
    await page.goto(`/sites/${siteId}`);
    await page.waitForURL(/\/sign-in/);
  }, 60_000);
});
