import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superAdmin } from '../../server/test/helpers/app.js';
import { signIn as apiSignIn, awayFromStepBoundary, codeAt, createUser, enableTwoFactor, signInOk } from '../../server/test/helpers/identity.js';
import { type ConsoleUnderTest, onboard, signedInPage, signIn, startConsole } from './harness.js';

let ui: ConsoleUnderTest;
const ADMIN = { email: 'sam@example.test', password: 'Beacon-Tidal-Ember-63' };
let harbourId = '';
let lighthouseId = '';

/** A loopback port nothing listens on: an issuer there is unreachable (connection refused, at once). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  // Single sign-on needs PUBLIC_URL; the flow under test never leaves this origin (the provider is unreachable).
  ui = await startConsole({ env: { PUBLIC_URL: 'http://127.0.0.1' } });
  harbourId = await onboard(ui, { ...ADMIN, name: 'Sam' }, { name: 'Harbour News', slug: 'harbour-news' });
}, 180_000);
afterAll(async () => ui?.stop(), 60_000);

const getSite = async (id: string) => (await ui.admiral.app.inject({ method: 'GET', url: `/v1/sites/${id}`, headers: superAdmin })).json();
const switcherBadge = (page: Page) => page.locator('.site-switcher [data-testid="site-badge"]');

describe('sites', () => {
  it('creates a site from the switcher (a taken slug is refused on the form) and switches to it, unmistakably', async () => {
    const page = await ui.newPage();
    await signIn(page, ADMIN);
    await page.getByRole('button', { name: /Current site: Harbour News/ }).click();
    await page.getByRole('menuitem', { name: 'Create site…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a site' });
    await dialog.waitFor();
    await dialog.getByLabel('Name', { exact: true }).fill('Lighthouse Radio');
    expect(await dialog.getByLabel('Slug', { exact: true }).inputValue()).toBe('lighthouse-radio');

    await dialog.getByLabel('Slug', { exact: true }).fill('harbour-news');
    await dialog.getByRole('button', { name: 'Create site' }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: /already exists/ })
      .waitFor();
    await ui.screenshot(page, 'site-create-taken-slug');

    await dialog.getByLabel('Slug', { exact: true }).fill('lighthouse-radio');
    await dialog.getByRole('button', { name: 'Create site' }).click();
    await page.waitForURL(/\/sites\/[0-9a-f-]{36}$/);
    lighthouseId = /\/sites\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
    expect(lighthouseId).not.toBe(harbourId);
    expect((await getSite(lighthouseId)).slug).toBe('lighthouse-radio');
    // The header and the stripe both name the new site.
    await expect.poll(async () => switcherBadge(page).textContent()).toContain('Lighthouse Radio');
    expect(await switcherBadge(page).textContent()).toContain('lighthouse-radio');
    expect(await page.getByRole('note', { name: 'Current site' }).textContent()).toContain('Lighthouse Radio');
    await ui.screenshot(page, 'site-created');

    // Both sites are in the switcher; switching back keeps the console on the other site.
    await page.getByRole('button', { name: /Current site: Lighthouse Radio/ }).click();
    await page.getByRole('menuitem', { name: /Harbour News/ }).click();
    await page.waitForURL(new RegExp(`/sites/${harbourId}$`));
    await expect.poll(async () => switcherBadge(page).textContent()).toContain('Harbour News');
  }, 90_000);

  it('edits a site: details, self sign-up (other settings kept), a stale save refused, suspend and reactivate', async () => {
    expect(lighthouseId).not.toBe('');
    const seeded = await ui.admiral.app.inject({
      method: 'PATCH',
      url: `/v1/sites/${lighthouseId}`,
      headers: superAdmin,
      payload: { settings: { theme: { accent: 'teal' } } },
    });
    expect(seeded.statusCode, seeded.body).toBe(200);

    const page = await signedInPage(ui, ADMIN);
    await page.goto('/platform/sites');
    const sites = page.getByRole('table', { name: 'Sites' });
    await sites.getByText('Lighthouse Radio').waitFor();
    expect(await sites.locator('tbody tr').count()).toBe(2);
    await page.getByLabel('Search sites').fill('light');
    await page.waitForURL(/q=light/);
    await expect.poll(() => sites.locator('tbody tr').count()).toBe(1);
    await ui.screenshot(page, 'sites-list');
    await sites.getByText('Lighthouse Radio').click();
    await page.waitForURL(`**/sites/${lighthouseId}/settings`);

    // Details: rename; the switcher follows.
    const details = page.getByRole('form', { name: 'Site details' });
    await details.getByLabel('Name', { exact: true }).fill('Lighthouse FM');
    await details.getByRole('button', { name: 'Save details' }).click();
    await expect.poll(async () => switcherBadge(page).textContent()).toContain('Lighthouse FM');
    expect((await getSite(lighthouseId)).name).toBe('Lighthouse FM');

    // Self sign-up: opened for authors; the theme another module keeps is still there.
    const signUp = page.getByRole('form', { name: 'Self sign-up' });
    await signUp.getByLabel('Anyone may sign up and join this site').check();
    await signUp.getByLabel('Role of new members').selectOption('author');
    await signUp.getByRole('button', { name: 'Save sign-up settings' }).click();
    await expect.poll(async () => page.getByTestId('sign-up-state').textContent()).toContain('open, new members are author');
    expect((await getSite(lighthouseId)).settings).toEqual({
      theme: { accent: 'teal' },
      signUp: { enabled: true, defaultRole: 'author', requireEmailVerification: true },
    });
    await ui.screenshot(page, 'site-settings');

    // Someone else changes the site meanwhile: saving the form's older version is refused (If-Match), not applied.
    const other = await ui.admiral.app.inject({
      method: 'PATCH',
      url: `/v1/sites/${lighthouseId}`,
      headers: superAdmin,
      payload: { description: 'Changed elsewhere' },
    });
    expect(other.statusCode).toBe(200);
    await details.getByLabel('Name', { exact: true }).fill('Lighthouse Stale');
    await details.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Not saved: the site changed meanwhile').first().waitFor();
    await expect.poll(() => details.getByLabel('Description').inputValue()).toBe('Changed elsewhere');
    expect((await getSite(lighthouseId)).name).toBe('Lighthouse FM');

    // Suspend (confirmed), then reactivate.
    await page.getByRole('button', { name: 'Suspend…' }).click();
    const confirm = page.getByTestId('confirm-dialog');
    expect(await confirm.textContent()).toContain('site_inactive');
    await confirm.getByRole('button', { name: 'Suspend site' }).click();
    await expect.poll(async () => page.getByTestId('site-status').textContent()).toContain('suspended');
    expect((await getSite(lighthouseId)).status).toBe('suspended');
    await expect.poll(async () => page.getByRole('note', { name: 'Current site' }).textContent()).toContain('suspended');
    const closed = await ui.admiral.app.inject({ method: 'GET', url: `/v1/sites/${lighthouseId}/roles`, headers: superAdmin });
    expect(closed.json().code).toBe('site_inactive');
    await ui.screenshot(page, 'site-suspended');
    await page.getByRole('button', { name: 'Reactivate' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Reactivate' }).click();
    await expect.poll(async () => page.getByTestId('site-status').textContent()).toContain('active');
    expect((await getSite(lighthouseId)).status).toBe('active');

    const dark = await signedInPage(ui, ADMIN, { colorScheme: 'dark', width: 800, height: 1100 });
    await dark.goto(`/sites/${lighthouseId}/settings`);
    await dark.getByRole('form', { name: 'Self sign-up' }).waitFor();
    await ui.screenshot(dark, 'site-settings-dark-tablet');
  }, 120_000);

  it('shows a member without sites.update no settings entry, and the settings read-only', async () => {
    const analyst = await createUser(ui.admiral);
    const member = await ui.admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${harbourId}/memberships`,
      headers: superAdmin,
      payload: { userId: analyst.id, role: 'analyst' },
    });
    expect(member.statusCode, member.body).toBe(201);
    const page = await signedInPage(ui, analyst);
    await page.goto(`/sites/${harbourId}`);
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await nav.locator(`a[href="/sites/${harbourId}/audit"]`).waitFor();
    expect(await nav.locator(`a[href="/sites/${harbourId}/settings"]`).count()).toBe(0);
    expect(await nav.locator('a[href="/platform/sites"]').count()).toBe(0);
    await page.goto(`/sites/${harbourId}/settings`);
    await page.getByText('You can see these settings but not change them').waitFor();
    expect(await page.getByRole('form', { name: 'Site details' }).getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
    // Single sign-on: readable (sso.read), but nothing to add or change.
    await page.goto(`/sites/${harbourId}/sso-providers`);
    await page.getByRole('heading', { name: 'Single sign-on' }).waitFor();
    expect(await page.getByRole('button', { name: 'Add provider' }).count()).toBe(0);
  }, 90_000);
});

describe('single sign-on', () => {
  it('adds a platform provider in the console (secret write-only); the sign-in page offers it and explains a failed start', async () => {
    const port = await closedPort();
    const page = await signedInPage(ui, ADMIN);
    await page.goto('/platform/sites');
    await page.getByRole('navigation', { name: 'Sections' }).locator('a[href="/platform/sso-providers"]').click();
    await page.getByRole('heading', { name: 'Platform single sign-on' }).waitFor();
    await page.getByRole('button', { name: 'Add a provider' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a single sign-on provider' });
    await dialog.getByLabel('Name', { exact: true }).fill('Acme ID');
    expect(await dialog.getByLabel('Slug', { exact: true }).inputValue()).toBe('acme-id');
    await dialog.getByLabel('Issuer URL').fill(`http://127.0.0.1:${port}`);
    await dialog.getByLabel('Client ID').fill('admiral-console');
    await dialog.getByLabel('Client secret').fill('s3cret-value-never-shown');
    await dialog.getByLabel('Scopes').fill('email profile');
    await dialog.getByRole('button', { name: 'Add provider' }).click();
    // The server insists on openid: the error is shown on the scopes field.
    await dialog.locator('[data-pointer="/scopes"] .field-error').waitFor();
    await dialog.getByLabel('Scopes').fill('openid email profile');
    await dialog.getByRole('button', { name: 'Add provider' }).click();
    await dialog.waitFor({ state: 'detached' });
    const providers = page.getByRole('table', { name: 'Single sign-on providers' });
    await providers.getByText('Acme ID').waitFor();
    expect(await providers.textContent()).toContain('offered');
    await ui.screenshot(page, 'sso-providers');

    // Editing shows no secret; saving without one keeps the stored secret.
    await providers.getByText('Acme ID').click();
    const edit = page.getByRole('dialog', { name: 'Edit Acme ID' });
    await edit.waitFor();
    expect(await edit.getByLabel('New client secret').inputValue()).toBe('');
    expect(await edit.getByLabel('New client secret').getAttribute('placeholder')).toContain('stored');
    expect(await edit.textContent()).toContain('http://127.0.0.1/v1/auth/sso/acme-id/callback');
    await ui.screenshot(page, 'sso-provider-edit');
    await edit.getByLabel('Name', { exact: true }).fill('Acme Identity');
    await edit.getByRole('button', { name: 'Save provider' }).click();
    await providers.getByText('Acme Identity').waitFor();
    const stored = await ui.admiral.app.inject({ method: 'GET', url: '/v1/sso-providers', headers: superAdmin });
    const acme = stored.json().data.find((p: { slug: string }) => p.slug === 'acme-id');
    expect(acme).toMatchObject({ name: 'Acme Identity', hasClientSecret: true, scopes: ['openid', 'email', 'profile'] });
    expect(stored.body).not.toContain('s3cret-value-never-shown');

    // A site's own provider is offered with ?site=, beside the platform's.
    const siteProvider = await ui.admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${harbourId}/sso-providers`,
      headers: superAdmin,
      payload: { slug: 'harbour-sso', name: 'Harbour Staff', issuer: `http://127.0.0.1:${port}`, clientId: 'c', clientSecret: 's' },
    });
    expect(siteProvider.statusCode, siteProvider.body).toBe(201);

    const visitor = await ui.newPage();
    await visitor.goto('/sign-in?site=harbour-news');
    const options = visitor.getByTestId('sso-options');
    await options.getByRole('link', { name: 'Continue with Harbour Staff' }).waitFor();
    expect(await options.getByRole('link').allTextContents()).toEqual(['Continue with Harbour Staff', 'Continue with Acme Identity']);
    await ui.screenshot(visitor, 'sign-in-sso');

    await visitor.goto('/sign-in');
    await options.getByRole('link', { name: 'Continue with Acme Identity' }).click();
    await visitor.waitForURL(/sso_error=provider_unreachable/);
    const alert = visitor.getByRole('alert').filter({ hasText: 'could not be reached' });
    await alert.waitFor();
    expect(await visitor.getByLabel('Email or username', { exact: true }).isVisible()).toBe(true);
    await ui.screenshot(visitor, 'sign-in-sso-error');
  }, 120_000);

  it('goes straight to the two-factor step when single sign-on returns with a challenge in the fragment', async () => {
    const user = await createUser(ui.admiral);
    const { token } = await signInOk(ui.admiral, user);
    const { secret } = await enableTwoFactor(ui.admiral, token);
    // The callback's redirect carries exactly what a password sign-in's first step answers: a challenge.
    const first = await apiSignIn(ui.admiral, { email: user.email, password: user.password });
    const { challenge, expiresAt } = first.json();
    expect(challenge).toBeTruthy();
    const fragment = new URLSearchParams({ two_factor_challenge: challenge, expires_at: expiresAt, redirect: '/profile' });

    const page = await ui.newPage();
    await page.goto(`/sign-in#${fragment.toString()}`);
    await page.getByLabel('Authentication code', { exact: true }).waitFor();
    expect(await page.getByRole('heading', { name: 'Two-factor check' }).isVisible()).toBe(true);
    // The challenge left the address bar.
    expect(new URL(page.url()).hash).toBe('');
    await awayFromStepBoundary();
    await page.getByLabel('Authentication code', { exact: true }).fill(codeAt(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL('**/profile');
  }, 90_000);
});

describe('mail outbox', () => {
  it('finds the password-reset mail a signed-out user asked for (no SMTP), and its link resets the password', async () => {
    const user = await createUser(ui.admiral);
    const visitor = await ui.newPage();
    await visitor.goto('/reset-password');
    await visitor.getByLabel('Email', { exact: true }).fill(user.email);
    await visitor.getByRole('button', { name: 'Send reset link' }).click();
    await visitor.getByRole('status').filter({ hasText: 'is on its way' }).waitFor();

    const page = await signedInPage(ui, ADMIN);
    await page.goto('/platform/sites');
    await page.getByRole('navigation', { name: 'Sections' }).locator('a[href="/platform/mail"]').click();
    await page.getByRole('heading', { name: 'Mail outbox' }).waitFor();
    await page.getByText('No SMTP server is configured').waitFor();
    await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Stored' }).click();
    await page.waitForURL(/status=stored/);
    await page.getByLabel('Recipient', { exact: true }).fill(user.email);
    await page.getByRole('button', { name: 'Find' }).click();
    const mails = page.getByRole('table', { name: 'Mail' });
    await expect.poll(() => mails.locator('tbody tr').count()).toBe(1);
    expect(await mails.textContent()).toContain('Reset your Admiral password');
    await ui.screenshot(page, 'mail-outbox');

    await mails.getByText('Reset your Admiral password').click();
    const detail = page.getByTestId('mail-detail');
    await detail.waitFor();
    const body = await page.getByTestId('mail-body').textContent();
    const code = /admv_[A-Za-z0-9_-]{16,}/.exec(body ?? '')?.[0];
    expect(code).toBeTruthy();
    expect(await detail.locator('mark.mail-token').textContent()).toBe(code);
    await page.waitForTimeout(200);
    await ui.screenshot(page, 'mail-detail');

    // The shortcut opens the console's reset page with the code, in a new tab.
    const [resetPage] = await Promise.all([page.context().waitForEvent('page'), detail.getByRole('link', { name: /Open the reset page/ }).click()]);
    await resetPage.waitForURL(/\/reset-password\?token=/);
    const fresh = 'Quiet-Meadow-Copper-Lantern-8';
    await resetPage.getByLabel('New password', { exact: true }).fill(fresh);
    await resetPage.getByRole('button', { name: 'Set password' }).click();
    await resetPage.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
    expect((await apiSignIn(ui.admiral, { email: user.email, password: fresh })).statusCode).toBe(200);

    // Reading the code was recorded on the platform chain.
    const { rows } = await ui.admiral.db.ownerQuery<{ n: string }>(
      "SELECT count(*) AS n FROM audit_logs WHERE site_id IS NULL AND action = 'mail.tokens_revealed' AND metadata->>'to' = $1",
      [user.email],
    );
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
