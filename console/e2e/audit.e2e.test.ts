import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, superAdmin } from '../../server/test/helpers/app.js';
import { forgeRow, parseCsv } from '../../server/test/helpers/audit.js';
import { createUser, signInOk } from '../../server/test/helpers/identity.js';
import { type ConsoleUnderTest, onboard, signedInPage, signIn, startConsole } from './harness.js';

let ui: ConsoleUnderTest;
const ADMIN = { email: 'ida@example.test', password: 'Signal-Harbor-Copper-91' };
let siteId = '';

beforeAll(async () => {
  ui = await startConsole();
  siteId = await onboard(ui, { ...ADMIN, name: 'Ida' }, { name: 'Harbour News', slug: 'harbour-news' });
  // Something with a before and an after: the site is renamed and its sign-up opened (site.updated on the site's chain).
  const renamed = await ui.admiral.app.inject({
    method: 'PATCH',
    url: `/v1/sites/${siteId}`,
    headers: superAdmin,
    payload: { name: 'Harbour Daily', settings: { signUp: { enabled: true, defaultRole: 'author', requireEmailVerification: true } } },
  });
  expect(renamed.statusCode, renamed.body).toBe(200);
}, 180_000);
afterAll(async () => ui?.stop(), 60_000);

const chainRows = async (site: string | null) =>
  Number(
    (await ui.admiral.db.ownerQuery<{ n: string }>(`SELECT count(*) AS n FROM audit_logs WHERE site_id ${site ? '= $1' : 'IS NULL'}`, site ? [site] : []))
      .rows[0]?.n,
  );

const table = (page: Page) => page.getByRole('table', { name: 'Audit log' });
const actionCells = async (page: Page) => (await table(page).locator('tbody tr td:nth-child(2)').allTextContents()).map((t) => t.trim());

describe('the audit log screen', () => {
  it('filters by action, opens an entry with its before/after diff, verifies the chain and exports the filtered CSV', async () => {
    const page = await ui.newPage();
    await signIn(page, ADMIN);
    await page.getByRole('navigation', { name: 'Sections' }).locator(`a[href="/sites/${siteId}/audit"]`).click();
    await page.waitForURL(`**/sites/${siteId}/audit`);
    await table(page).locator('tbody tr').first().waitFor();
    const everything = await actionCells(page);
    expect(everything).toEqual(expect.arrayContaining(['site.updated', 'membership.granted']));

    // Filter by action: the URL keeps it, the list holds only that action.
    await page.getByLabel('Action', { exact: true }).fill('site.updated');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/action=site\.updated/);
    await expect.poll(() => actionCells(page)).toEqual(['site.updated']);

    // A prefix filter (site.*) and a bad actor id are explained on the field, not sent.
    await page.getByLabel('Actor (user id)').fill('not-a-uuid');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('[data-filter="actor"] .field-error').waitFor();
    await page.getByLabel('Actor (user id)').fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();

    // The entry: the drawer shows what changed, key by key.
    await table(page).locator('tbody tr').first().click();
    await page.waitForURL(/entry=/);
    const diff = page.getByTestId('audit-diff');
    await diff.waitFor();
    const nameRow = diff.locator('tr[data-path="name"]');
    expect(await nameRow.getAttribute('data-kind')).toBe('changed');
    expect(await nameRow.locator('.json-diff-before').textContent()).toBe('Harbour News');
    expect(await nameRow.locator('.json-diff-after').textContent()).toBe('Harbour Daily');
    const signUpRow = diff.locator('tr[data-path="settings.signUp.defaultRole"]');
    expect(await signUpRow.getAttribute('data-kind')).toBe('added');
    expect(await signUpRow.locator('.json-diff-after').textContent()).toBe('author');
    await page.waitForTimeout(200); // the drawer's slide-in
    await ui.screenshot(page, 'audit-entry-diff');

    // Deep link: reloading keeps the filter and the open entry.
    await page.reload();
    await page.getByTestId('audit-diff').locator('tr[data-path="name"]').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.url()).not.toMatch(/entry=/);

    // Verify: intact, counting every row of the site's chain.
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const intact = page.locator('[data-state="intact"]');
    await intact.waitFor();
    expect(await intact.textContent()).toContain(`Chain intact up to ${await chainRows(siteId)} entries`);
    await ui.screenshot(page, 'audit-log');

    // Export CSV with the current filter: a real download, holding exactly the filtered rows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^audit-${siteId}-\\d{8}T\\d{6}Z\\.csv$`));
    const csv = parseCsv(await readFile((await download.path()) as string, 'utf8'));
    const header = csv[0]?.map((f) => f.text) ?? [];
    expect(header.slice(0, 7)).toEqual(['id', 'siteId', 'seq', 'actorUserId', 'actorApiKeyId', 'impersonatorUserId', 'action']);
    const action = header.indexOf('action');
    const exported = csv.slice(1).map((record) => record[action]?.text);
    const { rows: stored } = await ui.admiral.db.ownerQuery<{ id: string }>(
      "SELECT id FROM audit_logs WHERE site_id = $1 AND action = 'site.updated' ORDER BY seq DESC",
      [siteId],
    );
    expect(exported).toEqual(stored.map(() => 'site.updated'));
    expect(csv.slice(1).map((record) => record[0]?.text)).toEqual(stored.map((r) => r.id));

    // The export is itself on the record.
    await page.getByLabel('Action', { exact: true }).fill('audit.*');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => actionCells(page)).toEqual(['audit.exported']);
  }, 120_000);

  it('names the first broken link when a row was rewritten behind the application’s back', async () => {
    const { rows } = await ui.admiral.db.ownerQuery<{ id: string; seq: string }>(
      "SELECT id, seq FROM audit_logs WHERE site_id = $1 AND action = 'site.updated' ORDER BY seq LIMIT 1",
      [siteId],
    );
    const victim = rows[0] as { id: string; seq: string };
    await forgeRow(ui.admiral, victim.id);

    const page = await signedInPage(ui, ADMIN, { colorScheme: 'dark' });
    await page.goto(`/sites/${siteId}/audit`);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const broken = page.locator('[data-state="broken"]');
    await broken.waitFor();
    const text = await broken.textContent();
    expect(text).toContain(`Broken at entry #${victim.seq}`);
    expect(text).toContain(victim.id);
    expect(text).toContain('changed after it was written');
    await ui.screenshot(page, 'audit-chain-broken-dark');
    // The broken entry opens from the badge.
    await broken.getByRole('button').click();
    await page.getByTestId('audit-entry').getByText('rewritten history').waitFor();
  }, 90_000);

  it('shows the platform trail to super admins, with failed sign-ins filterable', async () => {
    const failed = await ui.admiral.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { email: ADMIN.email, password: 'not the password at all' },
    });
    expect(failed.statusCode).toBe(401);

    const page = await signedInPage(ui, ADMIN, { width: 800, height: 1000 });
    await page.goto(`/sites/${siteId}`);
    await page.getByRole('navigation', { name: 'Sections' }).locator('a[href="/platform/audit"]').click();
    await page.waitForURL('**/platform/audit');
    await page.getByRole('heading', { name: 'Platform audit log' }).waitFor();
    await page.getByLabel('Result').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/result=failed/);
    await expect.poll(() => actionCells(page)).toContain('auth.sign_in');
    expect(new Set(await actionCells(page)).size).toBe(1);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.locator('[data-state="intact"]').waitFor();
    expect(await page.locator('[data-state="intact"]').textContent()).toContain(`up to ${await chainRows(null)} entries`);
    await ui.screenshot(page, 'audit-platform-tablet');
  }, 90_000);

  it('hides what the caller may not do: a reader without export or verify sees them disabled, and no platform trail', async () => {
    const role = await ui.admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/roles`,
      headers: superAdmin,
      payload: { key: 'trail-reader', name: 'Trail reader', permissions: [{ key: 'audit.read' }] },
    });
    expect(role.statusCode, role.body).toBe(201);
    const reader = await createUser(ui.admiral);
    const member = await ui.admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/memberships`,
      headers: superAdmin,
      payload: { userId: reader.id, role: 'trail-reader' },
    });
    expect(member.statusCode, member.body).toBe(201);
    // The server agrees: no export for this reader.
    const { token } = await signInOk(ui.admiral, reader);
    const refused = await ui.admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteId}/audit-logs/export?format=csv`, headers: bearer(token) });
    expect(refused.statusCode).toBe(403);

    const page = await signedInPage(ui, reader);
    await page.goto(`/sites/${siteId}/audit`);
    await table(page).locator('tbody tr').first().waitFor();
    expect(await page.getByRole('button', { name: 'Verify chain' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Export CSV' }).isDisabled()).toBe(true);
    expect(await page.getByRole('link', { name: 'Export CSV' }).count()).toBe(0);
    const nav = page.getByRole('navigation', { name: 'Sections' });
    expect(await nav.locator(`a[href="/sites/${siteId}/audit"]`).count()).toBe(1);
    expect(await nav.locator('a[href="/platform/audit"]').count()).toBe(0);
  }, 90_000);
});
