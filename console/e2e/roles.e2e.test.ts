import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../server/test/helpers/app.js';
import { createUser, signInOk, type TestUser } from '../../server/test/helpers/identity.js';
import { type ConsoleUnderTest, onboard, signIn, startConsole } from './harness.js';

let ui: ConsoleUnderTest;
const ADMIN = { email: 'grace@example.test', password: 'Compass-Ember-Willow-77' };
let siteId = '';
let adminToken = '';

type Grant = { key: string; condition: 'own' | null };
type Role = { id: string; key: string; name: string; system: boolean; permissions: Grant[] };

async function api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, token = adminToken, payload?: object) {
  return ui.admiral.app.inject({ method, url: `/v1/sites/${siteId}${path}`, headers: bearer(token), ...(payload ? { payload } : {}) });
}

async function role(id: string): Promise<Role> {
  const res = await api('GET', `/roles/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function createRole(key: string, permissions: string[]): Promise<Role> {
  const res = await api('POST', '/roles', adminToken, { key, name: key.replace(/-/g, ' '), permissions: permissions.map((k) => ({ key: k })) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function grant(user: TestUser, roleKey: string): Promise<string> {
  const res = await api('POST', '/memberships', adminToken, { userId: user.id, role: roleKey });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const toastTitled = (page: Page, title: string) => page.locator('.toast-title', { hasText: title });
const matrix = (page: Page, roleName: string) => page.getByRole('table', { name: `Permissions of ${roleName}` });
const box = (page: Page, roleName: string, key: string) => matrix(page, roleName).getByRole('checkbox', { name: key, exact: true });

beforeAll(async () => {
  ui = await startConsole();
  siteId = await onboard(ui, { ...ADMIN, name: 'Grace' }, { name: 'Harbour News', slug: 'harbour-news' });
  adminToken = (await signInOk(ui.admiral, ADMIN)).token;
}, 180_000);
afterAll(async () => ui?.stop(), 60_000);

describe('roles: the permission matrix', () => {
  it('creates a custom role, edits its permissions in the matrix, and the API has exactly the new set', async () => {
    const page = await ui.newPage({ height: 1000 });
    await signIn(page, ADMIN);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Roles', exact: true }).click();
    await page.waitForURL(`**/sites/${siteId}/roles`);
    await page.getByRole('table', { name: 'Roles' }).getByText('Administrator', { exact: true }).waitFor();
    // The comparison: every site permission against every role, grouped by module.
    const compare = page.getByRole('table', { name: 'Permission matrix' });
    await compare.getByRole('rowheader', { name: 'audit.read' }).waitFor();
    expect(await compare.getByRole('rowgroup').filter({ hasText: 'Audit trail' }).count()).toBeGreaterThan(0);
    await ui.screenshot(page, 'roles-list');

    await page.getByRole('button', { name: 'New role' }).click();
    const dialog = page.getByRole('dialog', { name: 'New custom role' });
    await dialog.getByLabel('Name', { exact: true }).fill('Night desk');
    expect(await dialog.getByLabel('Key', { exact: true }).inputValue()).toBe('night-desk');
    await dialog.getByRole('button', { name: 'Create role' }).click();
    await page.waitForURL(new RegExp(`/sites/${siteId}/roles/[0-9a-f-]{36}$`));
    const roleId = page.url().split('/').pop() as string;
    expect((await role(roleId)).permissions).toEqual([]);

    await box(page, 'Night desk', 'domains.read').check();
    await box(page, 'Night desk', 'audit.read').check();
    await box(page, 'Night desk', 'memberships.read').check();
    await page.getByText('3 unsaved changes').waitFor();
    await page.getByRole('button', { name: 'Save permissions' }).click();
    await toastTitled(page, 'Permissions saved').waitFor();
    expect((await role(roleId)).permissions).toEqual([
      { key: 'audit.read', condition: null },
      { key: 'domains.read', condition: null },
      { key: 'memberships.read', condition: null },
    ]);

    // Change again: drop one, add a whole module with its group toggle.
    await box(page, 'Night desk', 'audit.read').uncheck();
    await matrix(page, 'Night desk').getByRole('checkbox', { name: 'All of Site and domains' }).check();
    await page.getByRole('button', { name: 'Save permissions' }).click();
    await page.getByText('No changes').waitFor();
    const saved = (await role(roleId)).permissions.map((g) => g.key);
    expect(saved).toEqual(['domains.create', 'domains.delete', 'domains.read', 'domains.update', 'memberships.read', 'sites.read', 'sites.update']);
    expect(await box(page, 'Night desk', 'audit.read').isChecked()).toBe(false);
    await ui.screenshot(page, 'role-matrix');

    // Discard puts the saved set back without a request.
    await box(page, 'Night desk', 'roles.read').check();
    await page.getByRole('button', { name: 'Discard' }).click();
    expect(await box(page, 'Night desk', 'roles.read').isChecked()).toBe(false);

    await page.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename Night desk' });
    await rename.getByLabel('Name', { exact: true }).fill('Night news desk');
    await rename.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: /Night news desk/ }).waitFor();
    expect(await role(roleId)).toMatchObject({ key: 'night-desk', name: 'Night news desk' });

    // Someone else saves while this page has unsaved edits: saving is refused (412), not a silent overwrite.
    await box(page, 'Night news desk', 'roles.read').check();
    const other = await api('PUT', `/roles/${roleId}/permissions`, adminToken, { permissions: [{ key: 'sso.read' }] });
    expect(other.statusCode, other.body).toBe(200);
    await page.getByRole('button', { name: 'Save permissions' }).click();
    await toastTitled(page, 'This role changed meanwhile').waitFor();
    expect((await role(roleId)).permissions).toEqual([{ key: 'sso.read', condition: null }]);
    await page.getByText('No changes').waitFor();
    expect(await box(page, 'Night news desk', 'sso.read').isChecked()).toBe(true);
    expect(await box(page, 'Night news desk', 'roles.read').isChecked()).toBe(false);
  }, 120_000);

  it('system roles are read-only: every box disabled, no save, rename or delete; the API refuses with 409', async () => {
    const page = await ui.newPage({ colorScheme: 'dark', height: 1000 });
    await signIn(page, ADMIN);
    await page.goto(`/sites/${siteId}/roles`);
    await page.getByRole('table', { name: 'Roles' }).getByText('Analyst', { exact: true }).click();
    await page.getByTestId('system-role-notice').waitFor();
    const boxes = matrix(page, 'Analyst').getByRole('checkbox');
    const total = await boxes.count();
    expect(total).toBeGreaterThan(10);
    for (let i = 0; i < total; i++) expect(await boxes.nth(i).isDisabled()).toBe(true);
    expect(await box(page, 'Analyst', 'domains.read').isChecked()).toBe(true);
    expect(await box(page, 'Analyst', 'domains.update').isChecked()).toBe(false);
    for (const name of ['Save permissions', 'Rename', 'Delete']) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Duplicate' }).waitFor();
    await ui.screenshot(page, 'role-system-dark');

    const analyst = (await api('GET', '/roles')).json().data.find((r: Role) => r.key === 'analyst') as Role;
    const refused = await api('PUT', `/roles/${analyst.id}/permissions`, adminToken, { permissions: [] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('system_role_read_only');
    expect((await role(analyst.id)).permissions).toEqual(analyst.permissions);
  }, 90_000);

  it('shows who holds a role and the membership history (granted and revoked, by whom); a held role cannot be deleted', async () => {
    const desk = await createRole('copy-desk', ['domains.read']);
    const [ann, ben] = [await createUser(ui.admiral), await createUser(ui.admiral)];
    const first = await grant(ann, 'copy-desk');
    expect((await api('DELETE', `/memberships/${first}`)).statusCode).toBe(200);
    await grant(ann, 'copy-desk');
    await grant(ben, 'copy-desk');

    const page = await ui.newPage({ height: 1100 });
    await signIn(page, ADMIN);
    await page.goto(`/sites/${siteId}/roles/${desk.id}`);
    const holders = page.getByRole('table', { name: 'Members holding copy desk' });
    await holders.getByText(ben.email).waitFor();
    expect(await holders.locator('tbody tr').count()).toBe(2);

    await page.getByLabel('Include revoked (history)').check();
    const history = page.getByRole('table', { name: 'Membership history of copy desk' });
    await history.locator('.pill', { hasText: 'Revoked' }).waitFor();
    const rows = history.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    const revokedRow = rows.filter({ has: page.locator('.pill', { hasText: 'Revoked' }) });
    expect(await revokedRow.textContent()).toContain(ann.email);
    // Granted and revoked by the administrator, named.
    expect((await revokedRow.textContent())?.match(/by Grace/g)).toHaveLength(2);
    await ui.screenshot(page, 'role-members-history');

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Delete role' }).click();
    await toastTitled(page, 'Still in use').waitFor();
    expect((await api('GET', `/roles/${desk.id}`)).statusCode).toBe(200);
  }, 90_000);

  it('offers only what the caller may grant; a role granting more than they hold is locked; the server agrees', async () => {
    await createRole('role-keeper', ['roles.read', 'roles.update', 'domains.read', 'memberships.read']);
    const desk = await createRole('news-desk', ['domains.read']);
    const auditors = await createRole('auditors', ['audit.read']);
    const keeper = await createUser(ui.admiral);
    await grant(keeper, 'role-keeper');
    const keeperToken = (await signInOk(ui.admiral, keeper)).token;

    const page = await ui.newPage({ height: 1000 });
    await signIn(page, keeper);
    await page.goto(`/sites/${siteId}/roles`);
    await page.getByRole('table', { name: 'Roles' }).getByText('news desk', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'New role' }).count()).toBe(0); // no roles.create

    await page.goto(`/sites/${siteId}/roles/${desk.id}`);
    await box(page, 'news desk', 'domains.read').waitFor();
    expect(await box(page, 'news desk', 'roles.read').isDisabled()).toBe(false);
    expect(await box(page, 'news desk', 'audit.read').isDisabled()).toBe(true);
    expect(await box(page, 'news desk', 'domains.create').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0); // no roles.delete
    await box(page, 'news desk', 'roles.read').check();
    await page.getByRole('button', { name: 'Save permissions' }).click();
    await toastTitled(page, 'Permissions saved').waitFor();
    expect((await role(desk.id)).permissions.map((g) => g.key)).toEqual(['domains.read', 'roles.read']);

    // The server refuses what the matrix disabled.
    const escalation = await api('PUT', `/roles/${desk.id}/permissions`, keeperToken, { permissions: [{ key: 'audit.read' }] });
    expect(escalation.statusCode).toBe(403);
    expect(escalation.json().code).toBe('permission_escalation');

    // A role that grants what the caller lacks cannot be changed by them at all.
    await page.goto(`/sites/${siteId}/roles/${auditors.id}`);
    await page.getByText('This role grants permissions you do not hold (audit.read)').waitFor();
    expect(await box(page, 'auditors', 'domains.read').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save permissions' }).count()).toBe(0);
  }, 90_000);

  it('a low-privilege member (analyst) sees roles but no create, edit or delete controls; the server refuses them', async () => {
    const desk = await createRole('sports-desk', ['domains.read']);
    const analyst = await createUser(ui.admiral);
    await grant(analyst, 'analyst');
    const page = await ui.newPage();
    await signIn(page, analyst);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Roles', exact: true }).click();
    await page.getByRole('table', { name: 'Roles' }).getByText('sports desk', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'New role' }).count()).toBe(0);

    await page.goto(`/sites/${siteId}/roles/${desk.id}`);
    await page.getByText('changing it needs the roles.update permission').waitFor();
    const boxes = matrix(page, 'sports desk').getByRole('checkbox');
    for (let i = 0; i < (await boxes.count()); i++) expect(await boxes.nth(i).isDisabled()).toBe(true);
    for (const name of ['Save permissions', 'Rename', 'Delete', 'Duplicate']) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(0);
    await ui.screenshot(page, 'role-analyst');

    // Called directly, with the console's own cookie session: refused by the permission check, not by CSRF.
    const put = await page.request.put(`/v1/sites/${siteId}/roles/${desk.id}/permissions`, {
      headers: { origin: ui.baseUrl, 'content-type': 'application/json' },
      data: { permissions: [] },
    });
    expect(put.status()).toBe(403);
    expect((await put.json()).code).toBe('permission_denied');
    const del = await page.request.delete(`/v1/sites/${siteId}/roles/${desk.id}`, { headers: { origin: ui.baseUrl } });
    expect(del.status()).toBe(403);
    expect((await role(desk.id)).permissions).toEqual([{ key: 'domains.read', condition: null }]);
  }, 90_000);
});
