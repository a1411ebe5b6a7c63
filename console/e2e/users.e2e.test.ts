import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../server/test/helpers/app.js';
import { signInOk } from '../../server/test/helpers/identity.js';
import { type ConsoleUnderTest, onboard, signIn, startConsole } from './harness.js';

/** The Users screens in a real browser: create, grant a role, ban and unban, revoke a session, impersonate and come back. */

let ui: ConsoleUnderTest;
const ADMIN = { email: 'margaret@example.test', password: 'Lighthouse-Kestrel-Basalt-19' };
const NEWCOMER = { email: 'ines.newcomer@example.test', name: 'Ines Newcomer', password: 'Orchard-Meteor-Saffron-83' };
let siteId = '';
let adminToken = '';
let newcomerId = '';

beforeAll(async () => {
  ui = await startConsole();
  siteId = await onboard(ui, { ...ADMIN, name: 'Margaret' }, { name: 'Tidewater Tickets', slug: 'tidewater' });
  adminToken = (await signInOk(ui.admiral, ADMIN)).token;
}, 180_000);
afterAll(async () => ui?.stop(), 60_000);

const api = (method: 'GET' | 'POST', url: string, payload?: object, token = adminToken) =>
  ui.admiral.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

async function confirmDialog(page: Page, button: string) {
  const dialog = page.getByTestId('confirm-dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: button }).click();
  await dialog.waitFor({ state: 'detached' });
}

const openTab = (page: Page, name: string) => page.getByRole('tab', { name }).click();

describe('users in the console', () => {
  it('creates a user from the Users screen and grants them a role on a site', async () => {
    const page = await ui.newPage();
    await signIn(page, ADMIN);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.waitForURL('**/platform/users');
    await page.getByRole('table', { name: 'Users' }).getByText(ADMIN.email).waitFor();

    await page.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create user' });
    await dialog.getByLabel('Email', { exact: true }).fill(NEWCOMER.email);
    await dialog.getByLabel('Name', { exact: true }).fill(NEWCOMER.name);
    // The server's password policy speaks through the field.
    await dialog.getByLabel('Password', { exact: true }).fill('password1234');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.locator('[data-pointer="/password"] .field-error').waitFor();
    await dialog.getByLabel('Password', { exact: true }).fill(NEWCOMER.password);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page.waitForURL(/\/platform\/users\/[0-9a-f-]{36}$/);
    newcomerId = /users\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
    await page.getByRole('heading', { name: NEWCOMER.name }).waitFor();

    await openTab(page, 'Memberships');
    await page.getByText('This user holds no role on any site.').waitFor();
    await page.getByRole('button', { name: 'Grant a role…' }).click();
    const grant = page.getByRole('dialog', { name: `Grant ${NEWCOMER.name} a role` });
    await grant.getByLabel('Role', { exact: true }).selectOption('editor');
    await ui.screenshot(page, 'grant-role-dialog');
    await grant.getByRole('button', { name: 'Grant role' }).click();
    await grant.waitFor({ state: 'detached' });
    const memberships = page.getByRole('table', { name: `Memberships of ${NEWCOMER.email}` });
    await memberships.getByText('Editor').waitFor();
    expect(await memberships.textContent()).toContain('Tidewater Tickets');

    const held = await api('GET', `/v1/sites/${siteId}/memberships?userId=${newcomerId}`);
    expect(held.json().data).toMatchObject([{ roleKey: 'editor', active: true, assignedBy: expect.any(String) }]);
    await openTab(page, 'Overview');
    await ui.screenshot(page, 'user-detail');

    // The site's Members screen shows them, found by name.
    await page.goto(`/sites/${siteId}/memberships`);
    await page.getByRole('searchbox', { name: 'Search members' }).fill('newcomer');
    const members = page.getByRole('table', { name: 'Members' });
    await page.waitForURL(/q=newcomer/);
    await members.getByText(NEWCOMER.email).waitFor();
    expect(await members.locator('tbody tr').count()).toBe(1);
    await ui.screenshot(page, 'site-members');
  }, 120_000);

  it('bans with an expiry, shows it, refuses sign-in, and unbans', async () => {
    expect(newcomerId).not.toBe('');
    const page = await ui.newPage();
    await signIn(page, ADMIN);
    await page.goto(`/platform/users/${newcomerId}`);
    await page.getByRole('button', { name: 'Ban…' }).click();
    const dialog = page.getByRole('dialog', { name: `Ban ${NEWCOMER.name}?` });
    await dialog.getByLabel('Reason', { exact: true }).fill('Reselling tickets above face value');
    await dialog.getByLabel('Ban for', { exact: true }).selectOption('1d');
    await dialog.getByRole('button', { name: 'Ban', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .locator('.users-identity')
      .getByText(/banned until/)
      .waitFor();
    await page.getByText('Banned: Reselling tickets above face value').waitFor();

    const user = (await api('GET', `/v1/users/${newcomerId}`)).json();
    expect(user.banned).toBe(true);
    const hours = (Date.parse(user.banExpires) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.5);
    expect(hours).toBeLessThanOrEqual(24);
    const refused = await ui.admiral.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: NEWCOMER.email, password: NEWCOMER.password } });
    expect(refused.statusCode).toBe(401);
    // Banned users are found by the list's filter.
    await page.goto('/platform/users?banned=true');
    const list = page.getByRole('table', { name: 'Users' });
    await list.getByText(NEWCOMER.email).waitFor();
    expect(await list.locator('tbody tr').count()).toBe(1);

    await list.getByText(NEWCOMER.email).click();
    await page.getByRole('button', { name: 'Unban' }).click();
    await confirmDialog(page, 'Unban');
    await page.getByRole('button', { name: 'Ban…' }).waitFor();
    expect((await api('GET', `/v1/users/${newcomerId}`)).json()).toMatchObject({ banned: false, banExpires: null });
    await signInOk(ui.admiral, NEWCOMER);
  }, 90_000);

  it('revokes one of the user’s sessions', async () => {
    const { token } = await signInOk(ui.admiral, NEWCOMER);
    const page = await ui.newPage();
    await signIn(page, ADMIN);
    await page.goto(`/platform/users/${newcomerId}?tab=sessions`);
    const table = page.getByRole('table', { name: `Sessions of ${NEWCOMER.email}` });
    await table.locator('tbody tr').first().waitFor();
    const before = await table.locator('tbody tr').count();
    expect(before).toBeGreaterThanOrEqual(1);
    await table
      .getByRole('button', { name: /^Revoke session/ })
      .first()
      .click();
    await confirmDialog(page, 'Revoke');
    await page.getByText('Session revoked', { exact: true }).waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(before - 1);
    // Everything the newcomer held is gone once the rest are revoked too.
    await page.getByRole('button', { name: 'Revoke all sessions' }).click();
    await confirmDialog(page, 'Revoke all sessions');
    await page.getByText('This user is not signed in anywhere.').waitFor();
    expect((await api('GET', '/v1/me', undefined, token)).statusCode).toBe(401);
  }, 90_000);

  it('impersonates the user with a banner on every screen, and ending it brings the administrator back', async () => {
    const page = await ui.newPage();
    await signIn(page, ADMIN);
    await page.goto(`/platform/users/${newcomerId}`);
    await page.getByRole('button', { name: 'Impersonate' }).click();
    await confirmDialog(page, 'Impersonate');
    await page.waitForURL(new RegExp(`/sites/${siteId}$`));
    const banner = page.getByTestId('impersonation-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(`Impersonating ${NEWCOMER.email}`);
    // The console is theirs now: an editor has no Users screen and no platform entries.
    expect(await page.getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
    const who = await (await page.request.get('/v1/me')).json();
    expect(who).toMatchObject({ user: { email: NEWCOMER.email }, impersonatedBy: expect.any(String) });
    await ui.screenshot(page, 'impersonating');

    await page.getByRole('button', { name: 'End impersonation' }).click();
    await page.waitForURL(`**/platform/users/${newcomerId}`);
    await page.getByRole('heading', { name: NEWCOMER.name }).waitFor();
    expect(await banner.count()).toBe(0);
    const back = await (await page.request.get('/v1/me')).json();
    expect(back).toMatchObject({ user: { email: ADMIN.email }, impersonatedBy: null });
    // The user's activity shows what was done in their name, and the devices tab what they signed in from.
    await openTab(page, 'Activity');
    await page
      .getByRole('table', { name: `Activity of ${NEWCOMER.email}` })
      .getByText('auth.impersonation_ended')
      .waitFor();
    await openTab(page, 'Devices');
    await page
      .getByRole('table', { name: `Devices of ${NEWCOMER.email}` })
      .locator('tbody tr')
      .first()
      .waitFor();
    const { rows } = await ui.admiral.db.ownerQuery<{ action: string; actor_user_id: string; impersonator_user_id: string | null }>(
      "SELECT action, actor_user_id, impersonator_user_id FROM audit_logs WHERE action LIKE 'auth.impersonation_%' AND target_id = $1 ORDER BY seq",
      [newcomerId],
    );
    expect(rows.map((r) => [r.action, r.actor_user_id === newcomerId, r.impersonator_user_id === back.user.id])).toEqual([
      ['auth.impersonation_started', false, true],
      ['auth.impersonation_ended', true, true],
    ]);
  }, 90_000);

  it('searches the users list, and fits a tablet in the dark theme', async () => {
    for (const name of ['Quentin Harbour', 'Rosa Harbour', 'Sam Quay']) {
      const email = `${name.toLowerCase().replace(' ', '.')}@example.test`;
      expect((await api('POST', '/v1/users', { email, name, password: NEWCOMER.password })).statusCode).toBe(201);
    }
    const page = await ui.newPage({ width: 800, height: 900, colorScheme: 'dark' });
    await signIn(page, ADMIN);
    await page.goto('/platform/users');
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByText('Sam Quay').waitFor();
    await ui.screenshot(page, 'users-list-tablet-dark');
    await page.getByRole('searchbox', { name: 'Search users' }).fill('harbour');
    await page.waitForURL(/q=harbour/);
    await expect
      .poll(async () => (await table.locator('tbody tr').allTextContents()).map((t) => /^\w+ \w+/.exec(t)?.[0]))
      .toEqual(['Rosa Harbour', 'Quentin Harbour']);
    // Keyboard: a row is focusable and opens with Enter.
    await table.locator('tbody tr').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/platform\/users\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Rosa Harbour' }).waitFor();
    await ui.screenshot(page, 'user-detail-tablet-dark');

    const wide = await ui.newPage();
    await signIn(wide, ADMIN);
    await wide.goto('/platform/users');
    await wide.getByRole('table', { name: 'Users' }).getByText('Sam Quay').waitFor();
    await ui.screenshot(wide, 'users-list');
  }, 90_000);
});
