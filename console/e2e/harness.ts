/**
 * End-to-end harness: a real Admiral (own cloned database, real HTTP on a loopback port) serving the built
 * console, driven by Debian's Chromium through playwright-core. Used by the *.e2e.test.ts files, which run
 * in the server's vitest run (so `npm test` and `.ci/run` count them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestAdmiral, type TestAdmiral } from '../../server/test/helpers/app.js';
import { signIn as apiSignIn, NO_RATE_LIMITS } from '../../server/test/helpers/identity.js';

const CONSOLE = fileURLToPath(new URL('..', import.meta.url));
const DIST_INDEX = path.join(CONSOLE, 'dist', 'index.html');
export const ARTIFACTS = path.join(CONSOLE, 'e2e', 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The flags the issue asks for: headless, no sandbox (root in CI), no GPU, no background traffic. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

function newestMtime(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/**
 * Builds the console when dist/ is missing or older than its sources (`npm test` builds it first anyway).
 * A lock directory keeps parallel e2e files from building at once.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  const sources = ['src', 'index.html', 'vite.config.ts', '../sdk/src'].map((p) => path.join(CONSOLE, p));
  const fresh = () => existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= Math.max(...sources.map(newestMtime));
  if (fresh()) return;
  const lock = path.join(CONSOLE, '.build-lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (!fresh())
      execFileSync(process.execPath, [path.join(CONSOLE, '../node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
        cwd: CONSOLE,
        stdio: 'inherit',
        // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
        env: { ...process.env, NODE_ENV: 'production' },
      });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface ConsoleUnderTest {
  admiral: TestAdmiral;
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context (own cookies) and page; page errors fail the test at `stop()`. */
  newPage(options?: { colorScheme?: 'light' | 'dark'; width?: number; height?: number }): Promise<Page>;
  /** Saves console/e2e/artifacts/<name>.png (gitignored) for people to look at. */
  screenshot(page: Page, name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `env`: extra configuration for the Admiral under test (e.g. `PUBLIC_URL`, which single sign-on needs);
 * `work`: run background jobs in it (media derivatives, scheduled publishing).
 */
export async function startConsole(options: { env?: Record<string, string>; work?: boolean } = {}): Promise<ConsoleUnderTest> {
  await ensureConsoleBuilt();
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run scripts/ensure-chromium.sh (apt-get install chromium) or set CHROMIUM_PATH`);
  const admiral = await startTestAdmiral({ env: { ...NO_RATE_LIMITS, ...options.env }, work: options.work });
  const baseUrl = await admiral.listen();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    admiral,
    baseUrl,
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
        colorScheme: options.colorScheme ?? 'light',
      });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
      if (process.env.E2E_DEBUG) {
        page.on('console', (message) => console.log(`[browser ${message.type()}] ${message.text()}`));
        page.on('response', async (response) => {
          if (response.status() >= 400)
            console.log(
              `[browser] ${response.status()} ${response.request().method()} ${response.url()} ${(await response.text().catch(() => '')).slice(0, 300)}`,
            );
        });
      }
      page.setDefaultTimeout(15_000);
      return page;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async stop() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close().catch(() => {});
      await admiral.stop();
      expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    },
  };
}

export interface Credentials {
  email: string;
  password: string;
}

/** The first run, through the API: the super admin and the first site (as the onboarding screen does). The site's id. */
export async function onboard(ui: ConsoleUnderTest, admin: Credentials & { name: string }, site: { name: string; slug: string }): Promise<string> {
  const setup = await ui.admiral.app.inject({ method: 'POST', url: '/v1/setup', payload: { admin, site } });
  expect(setup.statusCode, setup.body).toBe(201);
  return setup.json().site.id as string;
}

/** Signs in through the console's own form and waits for a site's screen. */
export async function signIn(page: Page, who: Credentials): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email or username', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/sites\//);
}

/** A page already signed in as `who` (the console's session cookie, obtained through the API): quicker than the form. */
export async function signedInPage(ui: ConsoleUnderTest, who: Credentials, options?: Parameters<ConsoleUnderTest['newPage']>[0]): Promise<Page> {
  const response = await apiSignIn(ui.admiral, { email: who.email, password: who.password, cookie: true });
  expect(response.statusCode, response.body).toBe(200);
  const value = /__Host-admiral_session=([^;]+)/.exec(String(response.headers['set-cookie']))?.[1] as string;
  const page = await ui.newPage(options);
  // (Chromium's CDP takes a __Host- cookie given a bare host as domain; it stores it host-only.)
  await page
    .context()
    .addCookies([{ name: '__Host-admiral_session', value, domain: '127.0.0.1', path: '/', httpOnly: true, secure: true, sameSite: 'Strict' }]);
  return page;
}
