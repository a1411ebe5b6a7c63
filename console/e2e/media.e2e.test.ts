import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../server/test/helpers/app.js';
import { signInOk } from '../../server/test/helpers/identity.js';
import { type ConsoleUnderTest, onboard, signedInPage, startConsole } from './harness.js';

let ui: ConsoleUnderTest;
const ADMIN = { email: 'ines@example.test', password: 'Quay-Lantern-Cobalt-64' };
const MAX_BYTES = 2 * 1024 * 1024;
let siteId = '';
let adminToken = '';
let mediaDir = '';

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string) =>
  ui.admiral.app.inject({ method, url: `/v1/sites/${siteId}${url}`, headers: bearer(adminToken) });

/** A photo-like PNG: noise compresses badly, so a small picture is still a few hundred kilobytes. */
async function noisyPng(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919 + ((i / 3) | 0) * 31) % 251;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

const card = (page: Page, name: string) => page.getByRole('list', { name: 'Media' }).getByRole('button', { name: new RegExp(`^${name}`) });
const upload = (page: Page, name: string) => page.getByRole('list', { name: 'Uploads' }).getByTestId('upload-item').filter({ hasText: name });
const toastTitled = (page: Page, title: string | RegExp) => page.locator('.toast-title', { hasText: title });

async function throttleUploads(page: Page, bytesPerSecond: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  return () => cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
}

beforeAll(async () => {
  mediaDir = mkdtempSync(path.join(tmpdir(), 'admiral-media-e2e-'));
  ui = await startConsole({ work: true, env: { MEDIA_DIR: mediaDir, MEDIA_MAX_BYTES: String(MAX_BYTES) } });
  siteId = await onboard(ui, { ...ADMIN, name: 'Inês' }, { name: 'Harbour News', slug: 'harbour-news' });
  adminToken = (await signInOk(ui.admiral, ADMIN)).token;
}, 180_000);
afterAll(async () => {
  await ui?.stop();
  if (mediaDir) rmSync(mediaDir, { recursive: true, force: true });
}, 60_000);

describe('media library', () => {
  let photo: Buffer;

  it('uploads with a progress bar, shows the thumbnail once processed, and says in words why other files were refused', async () => {
    photo = await noisyPng(640, 400);
    expect(photo.length).toBeGreaterThan(500_000);
    const page = await signedInPage(ui, ADMIN, { height: 1000 });
    await page.goto(`/sites/${siteId}`);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Media', exact: true }).click();
    await page.waitForURL(`**/sites/${siteId}/media`);
    await page.getByText('No media yet').waitFor();

    const unthrottle = await throttleUploads(page, 400 * 1024);
    await page.getByTestId('media-file-input').setInputFiles([{ name: 'harbour.png', mimeType: 'image/png', buffer: photo }]);
    const item = upload(page, 'harbour.png');
    // Part-way through: the bar shows a value strictly between 0 and 100.
    await page.waitForFunction(() => {
      const bar = document.querySelector<HTMLProgressElement>('progress[aria-label="harbour.png upload progress"]');
      return bar !== null && bar.value > 0 && bar.value < 100;
    });
    await ui.screenshot(page, 'media-uploading');
    await item.getByText('Uploaded').waitFor({ timeout: 30_000 });
    await unthrottle();

    // Processing makes a thumbnail in the background; the card shows it when ready.
    const thumbnail = card(page, 'harbour.png').getByTestId('media-thumbnail');
    await thumbnail.waitFor({ timeout: 30_000 });
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    // The same bytes again, dropped onto the page: nothing new is stored.
    const dataTransfer = await page.evaluateHandle((base64) => {
      const transfer = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], 'harbour-copy.png', { type: 'image/png' }));
      return transfer;
    }, photo.toString('base64'));
    await page.getByTestId('media-dropzone').dispatchEvent('drop', { dataTransfer });
    await upload(page, 'harbour-copy.png').getByText('Already in the library').waitFor();
    await toastTitled(page, 'harbour-copy.png is already in the library').waitFor();

    // Refused files: each says why, on its own line.
    await page.getByTestId('media-file-input').setInputFiles([
      { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.concat([photo, Buffer.alloc(MAX_BYTES)]) },
      { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are notes, not a picture\n') },
    ]);
    await upload(page, 'huge.png')
      .getByRole('alert')
      .getByText(/^Too large: 2\.\d MB is more than this site accepts/)
      .waitFor();
    await upload(page, 'notes.png')
      .getByRole('alert')
      .getByText(/^This kind of file is not accepted/)
      .waitFor();
    await ui.screenshot(page, 'media-library');

    const list = (await api('GET', '/media')).json();
    expect(list.data.map((a: { filename: string }) => a.filename)).toEqual(['harbour.png']);
    expect(list.data[0]).toMatchObject({ processingStatus: 'ready', mediaType: 'image', width: 640, height: 400 });
  }, 120_000);

  it('edits alt text with If-Match, deletes and restores from the drawer', async () => {
    const page = await signedInPage(ui, ADMIN, { height: 1000, colorScheme: 'dark' });
    await page.goto(`/sites/${siteId}/media`);
    await card(page, 'harbour.png').click();
    const drawer = page.getByRole('dialog', { name: 'harbour.png' });
    await drawer.getByRole('table').getByText('thumbnail').waitFor();
    await drawer.getByLabel('Alt text').fill('The harbour at dawn, boats at the quay');
    await drawer.getByRole('button', { name: 'Save details' }).click();
    await toastTitled(page, 'Details saved').waitFor();
    const [asset] = (await api('GET', '/media')).json().data;
    expect(asset.altText).toBe('The harbour at dawn, boats at the quay');
    await drawer.getByRole('button', { name: /^Signed link/ }).click();
    await drawer.getByRole('button', { name: 'Copy signed URL' }).waitFor();
    await ui.screenshot(page, 'media-drawer-dark');

    await drawer.getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Delete' }).click();
    await toastTitled(page, 'harbour.png deleted').waitFor();
    await page.getByText('No media yet').waitFor();
    expect((await api('GET', `/media/${asset.id}`)).json().deletedAt).not.toBeNull();

    await page.getByLabel('Deleted (awaiting purge)').check();
    await page
      .getByRole('list', { name: 'Deleted media' })
      .getByRole('button', { name: /^harbour\.png/ })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: 'Restore' }).click();
    await toastTitled(page, 'harbour.png restored').waitFor();
    expect((await api('GET', `/media/${asset.id}`)).json().deletedAt).toBeNull();
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByLabel('Deleted (awaiting purge)').uncheck();
    await card(page, 'harbour.png').waitFor();
    await ui.screenshot(page, 'media-library-dark');
  }, 90_000);
});
