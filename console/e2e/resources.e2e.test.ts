import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superAdmin } from '../../server/test/helpers/app.js';
import { createUser } from '../../server/test/helpers/identity.js';
import { type ConsoleUnderTest, onboard, signIn, startConsole } from './harness.js';

/**
 * The generic resource screens, on the one resource registered today (domains): everything they show comes
 * from GET /v1/meta/resources, so a later module's resource gets the same screens.
 */

let ui: ConsoleUnderTest;
const ADMIN = { email: 'ada@example.test', password: 'Harbour-Lantern-Quartz-41' };
let siteId = '';
const domainsApi = () => `/v1/sites/${siteId}/domains`;

beforeAll(async () => {
  ui = await startConsole();
  siteId = await onboard(ui, { ...ADMIN, name: 'Ada' }, { name: 'Harbour News', slug: 'harbour-news' });
}, 180_000);
afterAll(async () => ui?.stop(), 60_000);

async function domainsInDb(): Promise<Array<{ domain_name: string; type: string; is_primary: boolean; verification_status: string }>> {
  const { rows } = await ui.admiral.db.ownerQuery<{ domain_name: string; type: string; is_primary: boolean; verification_status: string }>(
    'SELECT domain_name, type, is_primary, verification_status FROM domain_mappings WHERE site_id = $1 ORDER BY domain_name',
    [siteId],
  );
  return rows;
}

const table = (page: Page) => page.getByRole('table', { name: 'Domains' });
const fieldError = (page: Page, pointer: string) => page.locator(`[data-pointer="${pointer}"] .field-error`);

describe('generic resource screens (domains)', () => {
  it('lists, creates (showing the server’s field error first), edits with a conflict, and deletes after confirmation', async () => {
    const page = await ui.newPage();
    await signIn(page, ADMIN);

    // The sidebar entry comes from the metadata, under the resource's group.
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await nav.getByRole('link', { name: 'Domains' }).click();
    await page.waitForURL(`**/sites/${siteId}/r/domains`);
    await page.getByRole('heading', { name: 'No domains yet' }).waitFor();
    await ui.screenshot(page, 'resources-list-empty');

    // Create with a bad value: the server's error appears on the field, nothing is stored.
    await page.getByRole('link', { name: 'New domain' }).first().click();
    await page.waitForURL('**/r/domains/new');
    await page.getByLabel('Domain name *').fill('not a host!');
    await page.getByRole('button', { name: 'Create domain' }).click();
    await fieldError(page, '/domainName').waitFor();
    expect(await fieldError(page, '/domainName').textContent()).toBe('is not in the expected form (Host name, optionally with :port)');
    expect(await page.getByLabel('Domain name *').getAttribute('aria-invalid')).toBe('true');
    expect(await domainsInDb()).toEqual([]);
    // The defaults come from the metadata: type "custom", active, not primary.
    expect(await page.getByLabel('Type').inputValue()).toBe('custom');
    expect(await page.getByLabel('Active').isChecked()).toBe(true);
    expect(await page.getByLabel('Primary').isChecked()).toBe(false);
    await ui.screenshot(page, 'resources-form-errors');

    // Fix it: created, then the detail screen.
    await page.getByLabel('Domain name *').fill('Shop.Harbour.test');
    await page.getByLabel('Type').selectOption('subdomain');
    await page.getByLabel('Primary').check();
    await page.getByRole('button', { name: 'Create domain' }).click();
    await page.waitForURL(/\/r\/domains\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'shop.harbour.test' }).waitFor();
    expect(await domainsInDb()).toEqual([{ domain_name: 'shop.harbour.test', type: 'subdomain', is_primary: true, verification_status: 'pending' }]);
    const detailUrl = page.url();
    const id = detailUrl.split('/').pop() as string;
    await ui.screenshot(page, 'resources-detail');

    // Edit: only what changed is sent, with If-Match.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL('**/edit');
    await page.getByLabel('Verification').selectOption('verified');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(detailUrl);
    await page.locator('[data-field="verificationStatus"]').getByText('verified').waitFor();
    expect((await domainsInDb())[0]?.verification_status).toBe('verified');

    // Changed behind the page's back: 412, the page says so and offers a reload.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL('**/edit');
    await page.getByLabel('Verification').waitFor();
    const behind = await ui.admiral.app.inject({ method: 'PATCH', url: `${domainsApi()}/${id}`, headers: superAdmin, payload: { type: 'custom' } });
    expect(behind.statusCode, behind.body).toBe(200);
    await page.getByLabel('Verification').selectOption('failed');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.locator('.conflict-notice');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('Someone else changed this domain');
    expect((await domainsInDb())[0]).toMatchObject({ type: 'custom', verification_status: 'verified' });
    await ui.screenshot(page, 'resources-edit-conflict');
    await conflict.getByRole('button', { name: 'Reload' }).click();
    await conflict.waitFor({ state: 'detached' });
    expect(await page.getByLabel('Type').inputValue()).toBe('custom');
    expect(await page.getByLabel('Verification').inputValue()).toBe('verified');
    await page.getByLabel('Verification').selectOption('failed');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(detailUrl);
    expect((await domainsInDb())[0]).toMatchObject({ type: 'custom', verification_status: 'failed' });

    // Delete asks first; Cancel keeps it, Delete removes it.
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByTestId('confirm-dialog');
    expect(await dialog.textContent()).toContain('shop.harbour.test');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await domainsInDb()).toHaveLength(1);
    await page.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(`**/sites/${siteId}/r/domains`);
    await page.getByRole('heading', { name: 'No domains yet' }).waitFor();
    expect(await domainsInDb()).toEqual([]);
    const gone = await ui.admiral.app.inject({ method: 'GET', url: `${domainsApi()}/${id}`, headers: superAdmin });
    expect(gone.statusCode).toBe(404);
  }, 120_000);

  it('sorts, filters, searches, pages with "load more" and remembers the chosen columns', async () => {
    for (let i = 0; i < 55; i++) {
      const res = await ui.admiral.app.inject({
        method: 'POST',
        url: domainsApi(),
        headers: superAdmin,
        payload: { domainName: `d${String(i).padStart(2, '0')}.fleet.test`, type: i % 5 === 0 ? 'subdomain' : 'custom', isActive: i % 2 === 0 },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const page = await ui.newPage({ width: 800, height: 900 });
    await signIn(page, ADMIN);
    await page.goto(`/sites/${siteId}/r/domains`);
    const rows = table(page).locator('tbody tr');
    await rows.first().waitFor();
    // Newest first (the default), 50 a page, then "Load more".
    expect(await rows.count()).toBe(50);
    expect(await rows.first().textContent()).toContain('d54.fleet.test');
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBe(55);
    await expect.poll(() => page.getByRole('button', { name: 'Load more' }).count()).toBe(0);

    // Sort by domain name, ascending: the server's order, kept in the URL.
    await table(page)
      .getByRole('button', { name: /Domain name/ })
      .click();
    await page.waitForURL(/sort=domainName/);
    await expect.poll(async () => rows.first().textContent()).toContain('d00.fleet.test');
    expect(await table(page).locator('th[aria-sort="ascending"]').textContent()).toContain('Domain name');

    // Filter builder: Type is subdomain → the 11 with i % 5 === 0; then also Active = No → none of them is odd… 5, 15, 25, 35, 45.
    await page.getByRole('button', { name: '+ Add filter' }).click();
    await page.getByRole('menuitem', { name: 'Type' }).click();
    await page.getByLabel('Type filter', { exact: true }).selectOption('subdomain');
    await expect.poll(() => rows.count()).toBe(11);
    await page.getByRole('button', { name: '+ Add filter' }).click();
    await page.getByRole('menuitem', { name: 'Active' }).click();
    await page.getByLabel('Active filter', { exact: true }).selectOption('false');
    await expect.poll(async () => (await rows.allTextContents()).map((t) => t.match(/d\d\d/)?.[0])).toEqual(['d05', 'd15', 'd25', 'd35', 'd45']);
    await ui.screenshot(page, 'resources-list-filtered-tablet');

    // Search narrows within the filters; clearing everything brings all back.
    await page.getByRole('searchbox').fill('d2');
    await expect.poll(async () => (await rows.allTextContents()).map((t) => t.match(/d\d\d/)?.[0])).toEqual(['d25']);
    await page.getByRole('button', { name: 'Remove Type filter' }).click();
    await page.getByRole('button', { name: 'Remove Active filter' }).click();
    await expect.poll(() => rows.count()).toBe(10); // d20…d29
    await page.getByRole('searchbox').fill('nothing-like-this');
    await page.getByRole('heading', { name: 'No domains match' }).waitFor();
    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await expect.poll(() => rows.count()).toBe(50);

    // Column chooser: show "ID", hide "Type"; remembered after a reload.
    await page.getByRole('button', { name: 'Choose columns' }).click();
    await page.getByRole('menuitemcheckbox', { name: 'ID' }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Type' }).click();
    await page.keyboard.press('Escape');
    const headers = async () => (await table(page).locator('thead th').allTextContents()).map((t) => t.replace(/[▲▼↕]/g, '').trim());
    expect(await headers()).toContain('ID');
    expect(await headers()).not.toContain('Type');
    await page.reload();
    await rows.first().waitFor();
    expect(await headers()).toContain('ID');
    expect(await headers()).not.toContain('Type');

    // Rows open with the keyboard.
    await rows.first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/r\/domains\/[0-9a-f-]{36}$/);
    await ui.screenshot(page, 'resources-detail-tablet');
  }, 120_000);

  it('shows a reader the list and the record, and no create, edit or delete controls', async () => {
    const reader = await createUser(ui.admiral);
    const role = await ui.admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/roles`,
      headers: superAdmin,
      payload: { key: 'domain-viewer', name: 'Domain viewer', permissions: [{ key: 'domains.read' }] },
    });
    expect(role.statusCode, role.body).toBe(201);
    const member = await ui.admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/memberships`,
      headers: superAdmin,
      payload: { userId: reader.id, role: 'domain-viewer' },
    });
    expect(member.statusCode, member.body).toBe(201);

    const page = await ui.newPage({ colorScheme: 'dark' });
    await signIn(page, reader);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Domains' }).click();
    const rows = table(page).locator('tbody tr');
    await rows.first().waitFor();
    expect(await page.getByRole('link', { name: 'New domain' }).count()).toBe(0);
    await ui.screenshot(page, 'resources-list-reader-dark');
    await rows.first().click();
    await page.waitForURL(/\/r\/domains\/[0-9a-f-]{36}$/);
    await page.locator('[data-field="domainName"]').waitFor();
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    // Typing the address of the form does not get round it: the screen says why, and the server refuses anyway.
    await page.goto(`/sites/${siteId}/r/domains/new`);
    await page.getByRole('heading', { name: 'You cannot create domains' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create domain' }).count()).toBe(0);

    // Without domains.read, no sidebar entry.
    const outsider = await createUser(ui.admiral);
    const guest = await ui.admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/memberships`,
      headers: superAdmin,
      payload: { userId: outsider.id, role: 'guest' },
    });
    expect(guest.statusCode, guest.body).toBe(201);
    const other = await ui.newPage();
    await signIn(other, outsider);
    await other.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Overview' }).waitFor();
    expect(await other.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Domains' }).count()).toBe(0);
  }, 120_000);
});
