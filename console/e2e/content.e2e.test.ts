import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../server/test/helpers/app.js';
import { createUser, signInOk, type TestUser } from '../../server/test/helpers/identity.js';
import { ARTIFACTS, type ConsoleUnderTest, onboard, signedInPage, startConsole } from './harness.js';

let ui: ConsoleUnderTest;
const ADMIN = { email: 'maria@example.test', password: 'Harbour-Signal-Copper-58' };
let siteId = '';
let adminToken = '';

async function api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, token = adminToken, payload?: object) {
  return ui.admiral.app.inject({ method, url: `/v1/sites/${siteId}${path}`, headers: bearer(token), ...(payload ? { payload } : {}) });
}

async function member(role: string): Promise<TestUser> {
  const user = await createUser(ui.admiral);
  const res = await api('POST', '/memberships', adminToken, { userId: user.id, role });
  expect(res.statusCode, res.body).toBe(201);
  return user;
}

const toastTitled = (page: Page, title: string | RegExp) => page.locator('.toast-title', { hasText: title });
const statusBar = (page: Page) => page.getByRole('region', { name: 'Status and actions' });
const body = (page: Page) => page.getByLabel('Body', { exact: true });

beforeAll(async () => {
  ui = await startConsole();
  siteId = await onboard(ui, { ...ADMIN, name: 'Maria' }, { name: 'Harbour News', slug: 'harbour-news' });
  adminToken = (await signInOk(ui.admiral, ADMIN)).token;
}, 180_000);
afterAll(async () => ui?.stop(), 60_000);

describe('articles: the editor', () => {
  let articleId = '';

  it('writes an article with a live preview, and a stale save from a second tab is refused with 412 and explained', async () => {
    const page = await signedInPage(ui, ADMIN, { height: 1000 });
    await page.goto(`/sites/${siteId}`);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Articles', exact: true }).click();
    await page.waitForURL(`**/sites/${siteId}/articles`);
    await page.getByText('No articles yet').waitFor();
    await page.getByRole('link', { name: 'New article' }).click();

    await page.getByLabel('Title', { exact: true }).fill('Ferry timetable: Winter changes!');
    expect(await page.getByLabel('Slug', { exact: true }).inputValue()).toBe('ferry-timetable-winter-changes');
    await page.getByLabel('Summary', { exact: true }).fill('What changes on the ferries this winter.');
    await body(page).fill('# Winter\n\nThe **early** ferry leaves at 06:10.\n\n<img src=x onerror="window.hacked=1">\n\n- Monday\n- Friday');
    const preview = page.getByTestId('markdown-preview');
    await preview.locator('h1', { hasText: 'Winter' }).waitFor();
    await preview.locator('strong', { hasText: 'early' }).waitFor();
    // Sanitised: the handler never reaches the page.
    expect(await preview.locator('img').getAttribute('onerror')).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked)).toBeUndefined();
    await page.getByLabel('Meta description', { exact: true }).fill('Winter ferry times for the harbour.');
    await ui.screenshot(page, 'content-new-article');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(new RegExp(`/sites/${siteId}/articles/[0-9a-f-]{36}$`));
    articleId = page.url().split('/').pop() as string;
    await statusBar(page).getByText('Draft', { exact: true }).waitFor();
    await statusBar(page).getByText('Saved · v1').waitFor();

    const stored = (await api('GET', `/articles/${articleId}`)).json();
    expect(stored).toMatchObject({ title: 'Ferry timetable: Winter changes!', slug: 'ferry-timetable-winter-changes', status: 'draft', versionNo: 1 });
    expect(stored.seo.metaDescription).toBe('Winter ferry times for the harbour.');

    // A second tab opens the same article and saves first.
    const second = await page.context().newPage();
    await second.goto(`/sites/${siteId}/articles/${articleId}`);
    await body(second).fill('# Winter\n\nThe **first** ferry leaves at 06:25.\n\n- Monday\n- Friday');
    await statusBar(second).getByText('Unsaved changes').waitFor();
    await statusBar(second).getByRole('button', { name: 'Save', exact: true }).click();
    await toastTitled(second, 'Saved as version 2').waitFor();

    // The first tab still edits version 1: its save is refused, nothing is overwritten.
    await page.getByLabel('Title', { exact: true }).fill('Ferry timetable: winter');
    await statusBar(page).getByRole('button', { name: 'Save', exact: true }).click();
    const conflict = page.getByTestId('save-conflict');
    await conflict.getByText('Someone else saved a newer version').waitFor();
    expect((await api('GET', `/articles/${articleId}`)).json()).toMatchObject({ versionNo: 2, title: 'Ferry timetable: Winter changes!' });
    await conflict.getByRole('button', { name: 'Compare' }).click();
    const compare = page.getByRole('dialog', { name: 'Their version and your unsaved changes' });
    await compare.getByRole('region', { name: 'Title changes' }).waitFor();
    await compare.getByRole('region', { name: 'Body changes' }).getByText('06:10').waitFor();
    await ui.screenshot(page, 'content-conflict-compare');
    await page.keyboard.press('Escape');
    await ui.screenshot(page, 'content-conflict');
    await conflict.getByRole('button', { name: 'Reload their version' }).click();
    await expect.poll(() => body(page).inputValue()).toContain('06:25');
    await statusBar(page).getByText('Saved · v2').waitFor();
  }, 120_000);

  it('compares two versions side by side and unified, and restores an old one as a new version', async () => {
    const page = await signedInPage(ui, ADMIN, { height: 1000 });
    await page.goto(`/sites/${siteId}/articles/${articleId}?panel=history`);
    const versions = page.getByRole('list', { name: 'Versions' });
    await versions.getByText('v2').waitFor();
    await page.getByLabel('Pick version 1').check();
    await page.getByLabel('Pick version 2').check();
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Version 1 → version 2' });
    const bodyDiff = dialog.getByRole('region', { name: 'Body changes' });
    await bodyDiff.locator('td.cms-diff-removed', { hasText: '06:10' }).waitFor();
    await bodyDiff.locator('td.cms-diff-added', { hasText: '06:25' }).waitFor();
    await ui.screenshot(page, 'content-diff-split');
    await dialog.getByRole('button', { name: 'Unified' }).click();
    await bodyDiff.locator('tr.cms-diff-removed', { hasText: '06:10' }).waitFor();
    await bodyDiff.locator('tr.cms-diff-added', { hasText: '06:25' }).waitFor();
    await ui.screenshot(page, 'content-diff-unified');
    await page.keyboard.press('Escape');

    await versions.getByRole('listitem').filter({ hasText: 'v1' }).getByRole('button', { name: 'Restore' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Restore version 1' }).click();
    await toastTitled(page, 'Version 1 restored').waitFor();
    await statusBar(page).getByText('Saved · v3').waitFor();
    await expect.poll(() => body(page).inputValue()).toContain('06:10');
    const restored = (await api('GET', `/articles/${articleId}`)).json();
    expect(restored).toMatchObject({ versionNo: 3, status: 'draft' });
    expect(restored.body).toContain('06:10');
    await versions.getByText('v3').waitFor();
  }, 90_000);
});

describe('articles: review and publish', () => {
  it('an author submits, an editor approves in the review inbox, and publishes; the author cannot approve their own', async () => {
    const workflow = await api('POST', '/workflows', adminToken, {
      name: 'Desk review',
      steps: [{ name: 'Editor review', permission: 'articles.review', approvals: 1 }],
      triggerConditions: { targetTypes: ['article'] },
    });
    expect(workflow.statusCode, workflow.body).toBe(201);
    const author = await member('author');
    const editor = await member('editor');

    const writer = await signedInPage(ui, author);
    await writer.goto(`/sites/${siteId}/articles/new`);
    await writer.getByLabel('Title', { exact: true }).fill('Lighthouse reopens');
    await body(writer).fill('The lighthouse reopens on **Saturday**.');
    await writer.getByRole('button', { name: 'Create draft' }).click();
    await writer.waitForURL(/\/articles\/[0-9a-f-]{36}$/);
    const articleId = writer.url().split('/').pop() as string;
    // Authors may not publish: the bar offers submitting, never publishing.
    expect(await statusBar(writer).getByRole('button', { name: 'Publish' }).count()).toBe(0);
    await statusBar(writer).getByRole('button', { name: 'Submit for review' }).click();
    await toastTitled(writer, 'Submitted for review').waitFor();
    await statusBar(writer).getByText('In review', { exact: true }).waitFor();

    // The author can see the request but not decide it: the drawer says why, and the decision buttons are off.
    const requests = (await api('GET', `/approval-requests?targetId=${articleId}`)).json();
    expect(requests.data).toHaveLength(1);
    await writer.goto(`/sites/${siteId}/reviews?view=pending&request=${requests.data[0].id}`);
    const own = writer.getByRole('dialog', { name: 'Lighthouse reopens' });
    await own.getByText('You submitted this yourself.').waitFor();
    expect(await own.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    expect(await own.getByRole('button', { name: 'Comment' }).isDisabled()).toBe(true);

    const reviewer = await signedInPage(ui, editor, { height: 900 });
    await reviewer.goto(`/sites/${siteId}`);
    await reviewer.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Review inbox' }).click();
    const inbox = reviewer.getByRole('table', { name: 'Waiting for me' });
    await inbox.getByText('Lighthouse reopens').click();
    const drawer = reviewer.getByRole('dialog', { name: 'Lighthouse reopens' });
    await drawer.getByTestId('approval-progress').getByText('Step 1 of 1 · 0 of 1 approval').waitFor();
    await drawer.getByLabel('Comment').fill('Checked the date with the harbour office.');
    await ui.screenshot(reviewer, 'content-inbox-request');
    await drawer.getByRole('button', { name: 'Approve' }).click();
    await toastTitled(reviewer, 'Approved').waitFor();
    await drawer.getByTestId('approval-progress').getByText('Approved (1 step)').waitFor();
    await drawer.getByText('Checked the date with the harbour office.').waitFor();
    await ui.screenshot(reviewer, 'content-inbox-approved');

    await drawer.getByRole('link', { name: 'Open the article' }).click();
    await reviewer.waitForURL(`**/articles/${articleId}`);
    await statusBar(reviewer).getByText('Approved: ready to publish.', { exact: false }).waitFor();
    await statusBar(reviewer).getByRole('button', { name: 'Publish', exact: true }).click();
    await reviewer.getByTestId('confirm-dialog').getByRole('button', { name: 'Publish' }).click();
    await toastTitled(reviewer, 'Published').waitFor();
    await statusBar(reviewer).getByText('Version 1 is live.').waitFor();
    expect((await api('GET', `/articles/${articleId}`)).json()).toMatchObject({ status: 'published', publishedVersionNo: 1 });

    // The list shows it live, with its status.
    await reviewer.goto(`/sites/${siteId}/articles?status=published`);
    await reviewer.getByRole('table', { name: 'Articles' }).getByText('Lighthouse reopens').waitFor();
    await ui.screenshot(reviewer, 'content-articles-published');
  }, 150_000);
});

describe('pages: the same editor, with the live version shown', () => {
  it('reviews a page from its Reviews panel without a workflow, publishes it, and keeps v1 live while v2 is edited', async () => {
    const author = await member('author');
    const editor = await member('editor');
    const writer = await signedInPage(ui, author);
    await writer.goto(`/sites/${siteId}/pages/new`);
    await writer.getByLabel('Title', { exact: true }).fill('About the harbour');
    expect(await writer.getByLabel('Slug', { exact: true }).inputValue()).toBe('about-the-harbour');
    await writer.getByLabel('Content', { exact: true }).fill('## Opening hours\n\nEvery day from **06:00**.');
    await writer.getByTestId('markdown-preview').locator('h2', { hasText: 'Opening hours' }).waitFor();
    await writer.getByRole('button', { name: 'Create draft' }).click();
    await writer.waitForURL(/\/pages\/[0-9a-f-]{36}$/);
    const pageId = writer.url().split('/').pop() as string;
    await statusBar(writer).getByRole('button', { name: 'Submit for review' }).click();
    await statusBar(writer).getByText('In review', { exact: true }).waitFor();

    const reviewer = await signedInPage(ui, editor, { height: 1000, colorScheme: 'dark' });
    await reviewer.goto(`/sites/${siteId}/pages/${pageId}?panel=reviews`);
    const form = reviewer.getByRole('form', { name: 'Review' });
    await form.getByLabel('Approve').check();
    await form.getByLabel('Notes').fill('Hours confirmed.');
    await form.getByRole('button', { name: 'Send review' }).click();
    await toastTitled(reviewer, 'Review recorded').waitFor();
    await statusBar(reviewer).getByText('Approved', { exact: true }).waitFor();
    await reviewer.getByRole('list', { name: 'Reviews' }).getByText('Hours confirmed.').waitFor();
    await statusBar(reviewer).getByRole('button', { name: 'Publish', exact: true }).click();
    await reviewer.getByTestId('confirm-dialog').getByRole('button', { name: 'Publish' }).click();
    await statusBar(reviewer).getByText('Version 1 is live.').waitFor();

    await reviewer.getByLabel('Content', { exact: true }).fill('## Opening hours\n\nEvery day from **05:30**.');
    await statusBar(reviewer).getByText('Unsaved changes').waitFor();
    await statusBar(reviewer).getByRole('button', { name: 'Save', exact: true }).click();
    await toastTitled(reviewer, 'Saved as version 2').waitFor();
    await statusBar(reviewer).getByText('Version 1 is live; version 2 is a newer working copy.').waitFor();

    // Schedule version 2 for later with the date-time picker, then take it back.
    await statusBar(reviewer).getByRole('button', { name: 'Schedule…' }).click();
    const scheduleDialog = reviewer.getByRole('dialog', { name: 'Schedule publication' });
    await scheduleDialog.getByLabel('Publish at').fill('2000-01-01T10:00');
    await scheduleDialog.getByText('Pick a moment in the future.').waitFor();
    const later = new Date(Date.now() + 3 * 86_400_000);
    const local = `${later.getFullYear()}-${String(later.getMonth() + 1).padStart(2, '0')}-${String(later.getDate()).padStart(2, '0')}T09:30`;
    await scheduleDialog.getByLabel('Publish at').fill(local);
    await scheduleDialog.getByRole('button', { name: 'Schedule' }).click();
    await toastTitled(reviewer, 'Scheduled').waitFor();
    await statusBar(reviewer)
      .getByText(/^Scheduled to publish at/)
      .waitFor();
    const scheduled = (await api('GET', `/pages/${pageId}`)).json();
    expect(scheduled.status).toBe('scheduled');
    expect(new Date(scheduled.scheduledFor).getTime()).toBe(new Date(local).getTime());
    await statusBar(reviewer).getByRole('button', { name: 'Unschedule' }).click();
    await toastTitled(reviewer, 'Unscheduled').waitFor();
    await statusBar(reviewer).getByText('Draft', { exact: true }).waitFor();

    await reviewer.getByRole('tab', { name: /^History/ }).click();
    const v1 = reviewer.getByRole('list', { name: 'Versions' }).getByRole('listitem').filter({ hasText: 'v1' });
    await v1.getByText('Live', { exact: true }).waitFor();
    await ui.screenshot(reviewer, 'content-page-editor-dark');
    const stored = (await api('GET', `/pages/${pageId}`)).json();
    expect(stored).toMatchObject({ status: 'draft', versionNo: 2, publishedVersionNo: 1 });

    // A narrow window: the side panel goes below the editor, the status bar wraps without clipping.
    const narrow = await signedInPage(ui, editor, { width: 820, height: 1000 });
    await narrow.goto(`/sites/${siteId}/pages/${pageId}`);
    await statusBar(narrow).getByText('Version 1 is live; version 2 is a newer working copy.').waitFor();
    await ui.screenshot(narrow, 'content-page-editor-narrow');
    // Scrolled: the status bar stays in view just below the top bar, not under it.
    await narrow.mouse.wheel(0, 700);
    await expect
      .poll(() =>
        narrow.evaluate(() => {
          const bar = document.querySelector('.cms-status-bar')?.getBoundingClientRect();
          const top = document.querySelector('.topbar')?.getBoundingClientRect();
          return bar && top ? Math.round(bar.top - top.bottom) : null;
        }),
      )
      .toBeGreaterThanOrEqual(0);
    await narrow.screenshot({ path: `${ARTIFACTS}/content-page-editor-scrolled.png` });
  }, 150_000);
});

describe('categories, tags, templates and workflows: generic screens under Content', () => {
  it('lists them in the Content group and opens their forms', async () => {
    const created = await api('POST', '/categories', adminToken, { name: 'Harbour life', slug: 'harbour-life' });
    expect(created.statusCode, created.body).toBe(201);
    const workflow = await api('POST', '/workflows', adminToken, {
      name: 'Legal check',
      isActive: false,
      steps: [{ name: 'Legal', role: 'editor', approvals: 2 }],
      triggerConditions: { targetTypes: ['page'] },
    });
    expect(workflow.statusCode, workflow.body).toBe(201);
    const page = await signedInPage(ui, ADMIN, { height: 900 });
    await page.goto(`/sites/${siteId}`);
    const nav = page.getByRole('navigation', { name: 'Sections' });
    const content = nav.locator('.nav-group', { has: page.getByText('Content', { exact: true }) });
    for (const label of ['Articles', 'Pages', 'Review inbox', 'Media', 'Categories', 'Tags', 'Content templates', 'Workflows'])
      await content.getByRole('link', { name: label, exact: true }).waitFor();
    await content.getByRole('link', { name: 'Categories', exact: true }).click();
    await page.getByRole('table', { name: 'Categories' }).getByText('Harbour life').waitFor();
    await page.goto(`/sites/${siteId}/r/workflows`);
    await page.getByRole('table', { name: 'Workflows' }).getByText('Legal check').waitFor();
    await ui.screenshot(page, 'content-workflows-list');
    await page.goto(`/sites/${siteId}/r/workflows/new`);
    await page.getByRole('button', { name: /Create/ }).waitFor();
    await ui.screenshot(page, 'content-workflow-new');

    // New from template: the template's body, the title given here.
    const template = await api('POST', '/content-templates', adminToken, {
      name: 'Event notice',
      contentType: 'article',
      templateData: { title: 'Event', body: '## When\n\n## Where\n' },
    });
    expect(template.statusCode, template.body).toBe(201);
    await page.goto(`/sites/${siteId}/articles`);
    await page.getByRole('button', { name: 'New from template' }).click();
    const dialog = page.getByRole('dialog', { name: 'New article from a template' });
    await dialog.getByText('Event notice').click();
    await dialog.getByLabel('Title', { exact: true }).fill('Regatta on Sunday');
    await ui.screenshot(page, 'content-template-dialog');
    await dialog.getByRole('button', { name: 'Create and edit' }).click();
    await page.waitForURL(/\/articles\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByLabel('Title', { exact: true }).inputValue()).toBe('Regatta on Sunday');
    expect(await body(page).inputValue()).toContain('## Where');
  }, 60_000);
});
