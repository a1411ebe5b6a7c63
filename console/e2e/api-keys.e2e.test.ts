import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_PATTERN } from '../../server/src/modules/access/api-key-secret.js';
import { bearer } from '../../server/test/helpers/app.js';
import { createUser, signInOk, type TestUser } from '../../server/test/helpers/identity.js';
import { type ConsoleUnderTest, onboard, signIn, startConsole } from './harness.js';

let ui: ConsoleUnderTest;
const ADMIN = { email: 'ada@example.test', password: 'Lantern-Harbour-Quill-42' };
let siteId = '';
let adminToken = '';

async function api(method: 'GET' | 'POST' | 'DELETE', path: string, token = adminToken, payload?: object) {
  return ui.admiral.app.inject({ method, url: `/v1/sites/${siteId}${path}`, headers: bearer(token), ...(payload ? { payload } : {}) });
}

/** A real HTTP request with the key, as a program would send it. */
const withKey = (key: string, path = '/roles') => fetch(`${ui.baseUrl}/v1/sites/${siteId}${path}`, { headers: { authorization: `Bearer ${key}` } });

async function member(roleKey: string): Promise<TestUser> {
  const user = await createUser(ui.admiral);
  const res = await api('POST', '/memberships', adminToken, { userId: user.id, role: roleKey });
  expect(res.statusCode, res.body).toBe(201);
  return user;
}

const toastTitled = (page: Page, title: string) => page.locator('.toast-title', { hasText: title });
const keysTable = (page: Page) => page.getByRole('table', { name: 'API keys' });
const rowOf = (page: Page, name: string) => keysTable(page).locator('tbody tr').filter({ hasText: name });

beforeAll(async () => {
  ui = await startConsole();
  siteId = await onboard(ui, { ...ADMIN, name: 'Ada' }, { name: 'Tide Tickets', slug: 'tide-tickets' });
  adminToken = (await signInOk(ui.admiral, ADMIN)).token;
}, 180_000);
afterAll(async () => ui?.stop(), 60_000);

describe('API keys', () => {
  it('creates a key, shows and copies the secret once, the key works over HTTP, and stops working once revoked', async () => {
    const page = await ui.newPage({ height: 900 });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.baseUrl });
    await signIn(page, ADMIN);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'API keys' }).click();
    await page.waitForURL(`**/sites/${siteId}/api-keys`);
    await page.getByText('No active API keys').waitFor();

    await page.getByRole('button', { name: 'New API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API key' });
    await dialog.getByLabel('Name', { exact: true }).fill('Box office sync');
    await dialog.getByRole('checkbox', { name: 'roles.read', exact: true }).check();
    await dialog.getByRole('checkbox', { name: 'domains.read', exact: true }).check();
    await dialog.getByLabel('Expires').selectOption('custom');
    const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    await dialog.getByLabel('Expiry date').fill(inAYear);
    await ui.screenshot(page, 'api-key-create');
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const secretDialog = page.getByTestId('api-key-secret-dialog');
    const key = ((await secretDialog.getByTestId('api-key-secret').textContent()) ?? '').trim();
    expect(key).toMatch(API_KEY_PATTERN);
    await secretDialog.getByRole('button', { name: 'Copy key' }).click();
    await secretDialog.getByText('Copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await ui.screenshot(page, 'api-key-secret');
    await secretDialog.getByRole('button', { name: 'I have stored the key' }).click();
    await secretDialog.waitFor({ state: 'detached' });

    // The key is nowhere on the page any more, and the API never returns it again.
    expect(await page.content()).not.toContain(key);
    const listed = (await api('GET', '/api-keys')).json().data as Array<{ name: string; prefix: string; permissions: string[]; expiresAt: string }>;
    expect(JSON.stringify(listed)).not.toContain(key);
    const stored = listed.find((k) => k.name === 'Box office sync');
    expect(stored?.permissions).toEqual(['domains.read', 'roles.read']);
    expect(key.startsWith(`admk_${stored?.prefix}_`)).toBe(true);
    expect(stored?.expiresAt.slice(0, 10)).toBe(new Date(`${inAYear}T23:59:59`).toISOString().slice(0, 10));

    // It works as a bearer token, within its scope only.
    expect((await withKey(key)).status).toBe(200);
    expect((await withKey(key, '/api-keys')).status).toBe(403);

    await page.reload();
    const row = rowOf(page, 'Box office sync');
    await row.getByText(`admk_${stored?.prefix}_…`).waitFor();
    expect(await row.getByText('Active', { exact: true }).count()).toBe(1);
    expect(await row.textContent()).not.toMatch(/Never/); // last used: just now; expires: in a year
    await ui.screenshot(page, 'api-keys-list');

    await row.getByRole('button', { name: 'Revoke Box office sync' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Revoke key' }).click();
    await toastTitled(page, 'API key Box office sync revoked').waitFor();
    await rowOf(page, 'Box office sync').waitFor({ state: 'detached' });
    await page.getByLabel('Show revoked keys').check();
    await rowOf(page, 'Box office sync').getByText('Revoked', { exact: true }).waitFor();
    expect((await withKey(key)).status).toBe(401);
  }, 120_000);

  it('rotates a key: the new secret is shown once, the old key stops working and the new one works', async () => {
    const created = await api('POST', '/api-keys', adminToken, { name: 'Scanner app', permissions: ['roles.read'] });
    expect(created.statusCode, created.body).toBe(201);
    const oldKey = created.json().key as string;
    expect((await withKey(oldKey)).status).toBe(200);

    const page = await ui.newPage({ colorScheme: 'dark', width: 800, height: 900 });
    await signIn(page, ADMIN);
    await page.goto(`/sites/${siteId}/api-keys`);
    await rowOf(page, 'Scanner app').getByRole('button', { name: 'Rotate Scanner app' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Rotate key' }).click();
    const secretDialog = page.getByTestId('api-key-secret-dialog');
    await page.getByRole('dialog', { name: 'New key for Scanner app' }).waitFor();
    const newKey = ((await secretDialog.getByTestId('api-key-secret').textContent()) ?? '').trim();
    expect(newKey).toMatch(API_KEY_PATTERN);
    expect(newKey).not.toBe(oldKey);
    await ui.screenshot(page, 'api-key-rotated-dark');

    // Escape does not lose the key by accident: it asks first.
    await page.keyboard.press('Escape');
    const ask = page.getByTestId('confirm-dialog');
    await ask.getByText('Close without the key?').waitFor();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await secretDialog.getByTestId('api-key-secret').waitFor();
    await secretDialog.getByRole('button', { name: 'I have stored the key' }).click();

    expect((await withKey(oldKey)).status).toBe(401);
    expect((await withKey(newKey)).status).toBe(200);
    await ui.screenshot(page, 'api-keys-dark-tablet');
  }, 90_000);

  it('offers only the permissions the caller holds everywhere on the site', async () => {
    const roleRes = await api('POST', '/roles', adminToken, {
      key: 'integrator',
      name: 'Integrator',
      permissions: ['api-keys.read', 'api-keys.create', 'domains.read', 'roles.read'].map((key) => ({ key })),
    });
    expect(roleRes.statusCode, roleRes.body).toBe(201);
    const integrator = await member('integrator');
    const page = await ui.newPage({ width: 800, height: 1000 });
    await signIn(page, integrator);
    await page.goto(`/sites/${siteId}/api-keys`);
    await page.getByRole('button', { name: 'New API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API key' });
    const offered = await dialog.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => b.parentElement?.textContent?.trim()));
    expect(offered.sort()).toEqual(['api-keys.create', 'api-keys.read', 'domains.read', 'roles.read']);
    await ui.screenshot(page, 'api-key-create-tablet');
    // No rotate or revoke without api-keys.update / api-keys.delete.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await rowOf(page, 'Scanner app').waitFor();
    expect(
      await keysTable(page)
        .getByRole('button', { name: /^(Rotate|Revoke) / })
        .count(),
    ).toBe(0);
    // And the server refuses a key beyond the caller's own permissions.
    const token = (await signInOk(ui.admiral, integrator)).token;
    const beyond = await api('POST', '/api-keys', token, { name: 'Too much', permissions: ['audit.read'] });
    expect(beyond.statusCode).toBe(403);
    expect(beyond.json().code).toBe('permission_escalation');
  }, 90_000);

  it('a low-privilege member (analyst) sees the keys but no create, rotate or revoke; the server refuses them', async () => {
    const analyst = await member('analyst');
    const page = await ui.newPage();
    await signIn(page, analyst);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'API keys' }).click();
    await rowOf(page, 'Scanner app').waitFor();
    expect(await page.getByRole('button', { name: 'New API key' }).count()).toBe(0);
    expect(await keysTable(page).getByRole('button').count()).toBe(0);
    expect(await keysTable(page).getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);

    const scanner = ((await api('GET', '/api-keys')).json().data as Array<{ id: string; name: string }>).find((k) => k.name === 'Scanner app');
    const headers = { origin: ui.baseUrl, 'content-type': 'application/json' };
    const create = await page.request.post(`/v1/sites/${siteId}/api-keys`, { headers, data: { name: 'Mine', permissions: ['roles.read'] } });
    expect(create.status()).toBe(403);
    expect((await create.json()).code).toBe('permission_denied');
    const revoke = await page.request.delete(`/v1/sites/${siteId}/api-keys/${scanner?.id}`, { headers: { origin: ui.baseUrl } });
    expect(revoke.status()).toBe(403);
    const rotate = await page.request.post(`/v1/sites/${siteId}/api-keys/${scanner?.id}/rotate`, { headers: { origin: ui.baseUrl } });
    expect(rotate.status()).toBe(403);
    expect((await api('GET', `/api-keys/${scanner?.id}`)).json().status).toBe('active');
  }, 90_000);
});
