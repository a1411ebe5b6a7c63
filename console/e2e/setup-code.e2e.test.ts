import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../server/src/kernel/crypto/secret-box.js';
import { setupCodeFrom } from '../../server/src/modules/setup/setup-code.js';
import { TEST_SECRET } from '../../server/test/fixtures/process.js';
import { type ConsoleUnderTest, startConsole } from './harness.js';

// A production server: onboarding also asks for the setup code Admiral prints in its log.
let ui: ConsoleUnderTest;
beforeAll(async () => {
  ui = await startConsole({ env: { NODE_ENV: 'production', LOG_LEVEL: 'silent' } });
}, 180_000);
afterAll(async () => ui?.stop(), 60_000);

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

describe('onboarding a production server', () => {
  it('asks for the setup code, refuses a wrong one without creating anything, and onboards with the right one', async () => {
    const page = await ui.newPage({ width: 800, height: 1100 });
    await page.goto('/');
    await page.waitForURL('**/setup');
    await field(page, 'Setup code').waitFor();
    await field(page, 'Setup code').fill('WRNG-CODE-AAAA-BBBB');
    await field(page, 'Email').fill('ops@example.test');
    await field(page, 'Password').fill('Quarry-Beacon-Tundra-58');
    await field(page, 'Repeat the password').fill('Quarry-Beacon-Tundra-58');
    await field(page, 'Site name').fill('Northwind');
    await page.getByRole('button', { name: 'Create administrator and site' }).click();
    await page.getByText(/setup code is missing or wrong/).waitFor();
    await ui.screenshot(page, 'onboarding-setup-code');
    const users = await ui.admiral.db.ownerQuery<{ n: number }>('SELECT count(*)::int AS n FROM users');
    expect(users.rows[0]?.n).toBe(0);

    await field(page, 'Setup code').fill(setupCodeFrom(new SecretBox(TEST_SECRET)));
    await page.getByRole('button', { name: 'Create administrator and site' }).click();
    await page.waitForURL(/\/sites\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  }, 90_000);
});
