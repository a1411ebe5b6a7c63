import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, insertSites } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, type TestAdmiral } from './helpers/app.js';
import { filesUnder, image, mediaDir, removeDir, runJob, uploadOk } from './helpers/media.js';

let admiral: TestAdmiral;
let base: string;
let dir: string;
const site = uuidv7();
const EDITOR = uuidv7();
const editor = bearer('editor');

interface Derivative {
  variant: string;
  mimeType: string;
  width: number;
  height: number;
  bytes: number;
  storageKey: string;
  url: string;
  id: string;
}
interface Detail {
  id: string;
  processingStatus: string;
  processingError: string | null;
  width: number;
  height: number;
  thumbnailUrl: string | null;
  storage: { storageKey: string };
  derivatives: Derivative[];
}

const detail = async (id: string): Promise<Detail> =>
  (await admiral.app.inject({ method: 'GET', url: `/v1/sites/${site}/media/${id}`, headers: editor })).json();

/** Waits for the worker (running in this Admiral) to finish the asset. */
async function settled(id: string, timeoutMs = 60_000): Promise<Detail> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const current = await detail(id);
    if (current.processingStatus !== 'pending' && current.processingStatus !== 'processing') return current;
    if (Date.now() > until) throw new Error(`asset ${id} still ${current.processingStatus}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const byVariant = (d: Detail) => Object.fromEntries(d.derivatives.map((v) => [v.variant, v]));

beforeAll(async () => {
  dir = mediaDir();
  admiral = await startTestAdmiral({
    work: true,
    env: { MEDIA_DIR: dir, MEDIA_DERIVATIVE_WIDTHS: '1280,320,768', MEDIA_MAX_PIXELS: '4000000' },
    tokens: { editor: staticPrincipal({ id: EDITOR, sites: { [site]: ['media.read', 'media.upload', 'media.update', 'media.delete'] } }) },
  });
  await insertSites(admiral, site);
  await admiral.db.ownerQuery('INSERT INTO users (id, email) VALUES ($1, $2)', [EDITOR, `${EDITOR}@media.test`]);
  base = await admiral.listen();
});
afterAll(async () => {
  await admiral?.stop();
  removeDir(dir);
});

describe('media.make-derivatives (run by the worker after an upload)', () => {
  it('makes a thumbnail, WebP, a compressed copy and each configured width, stored and recorded', async () => {
    const asset = await uploadOk(base, site, { token: 'editor', bytes: await image(1600, 900, 'jpeg', 81), filename: 'wide.jpg', type: 'image/jpeg' });
    const done = await settled(asset.id);
    expect(done.processingStatus).toBe('ready');
    expect(done.processingError).toBeNull();
    expect(done.thumbnailUrl).toBe(`/v1/sites/${site}/media/${asset.id}/derivatives/thumbnail`);
    const variants = byVariant(done);
    expect(Object.keys(variants).sort()).toEqual(['compressed', 'thumbnail', 'w1280', 'w320', 'w768', 'webp']);
    expect(variants.thumbnail).toMatchObject({ mimeType: 'image/jpeg', width: 200, height: 200 });
    expect(variants.webp).toMatchObject({ mimeType: 'image/webp', width: 1600, height: 900 });
    expect(variants.compressed).toMatchObject({ mimeType: 'image/jpeg', width: 1600, height: 900 });
    expect(variants.w320).toMatchObject({ mimeType: 'image/jpeg', width: 320, height: 180 });
    expect(variants.w768).toMatchObject({ mimeType: 'image/jpeg', width: 768, height: 432 });
    expect(variants.w1280).toMatchObject({ mimeType: 'image/jpeg', width: 1280, height: 720 });
    for (const derivative of done.derivatives) {
      const file = readFileSync(path.join(dir, 'objects', derivative.storageKey));
      expect(file.length).toBe(derivative.bytes);
      const metadata = await sharp(file).metadata();
      expect([metadata.width, metadata.height, `image/${metadata.format}`]).toEqual([derivative.width, derivative.height, derivative.mimeType]);
      expect(derivative.storageKey.startsWith(done.storage.storageKey.replace(/\.jpg$/, '/'))).toBe(true);
    }
    const bytes = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${site}/media/${asset.id}/derivatives/w320`, headers: editor });
    expect(bytes.statusCode).toBe(200);
    expect(bytes.headers['content-type']).toBe('image/jpeg');
    expect(bytes.rawPayload.equals(readFileSync(path.join(dir, 'objects', variants.w320?.storageKey ?? '')))).toBe(true);
    expectProblem(await admiral.app.inject({ method: 'GET', url: `/v1/sites/${site}/media/${asset.id}/derivatives/w999`, headers: editor }), 404, 'not_found');
  });

  it('never enlarges: a small PNG gets only the narrower widths, in PNG; EXIF orientation is applied', async () => {
    const png = await uploadOk(base, site, { token: 'editor', bytes: await image(500, 400, 'png', 82), filename: 'small.png', type: 'image/png' });
    const small = byVariant(await settled(png.id));
    expect(Object.keys(small).sort()).toEqual(['compressed', 'thumbnail', 'w320', 'webp']);
    expect(small.w320).toMatchObject({ mimeType: 'image/png', width: 320, height: 256 });
    expect(small.compressed).toMatchObject({ mimeType: 'image/png', width: 500, height: 400 });

    // Stored sideways (600×300) with "rotate 90°" in its EXIF: it is 300×600 as shown.
    const sideways = await sharp(await image(600, 300, 'jpeg', 83))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const rotated = await uploadOk(base, site, { token: 'editor', bytes: sideways, filename: 'portrait.jpg', type: 'image/jpeg' });
    expect([rotated.width, rotated.height]).toEqual([300, 600]);
    const upright = byVariant(await settled(rotated.id));
    expect(upright.compressed).toMatchObject({ width: 300, height: 600 });
    expect(upright.w320).toBeUndefined();
  });

  it('is idempotent: running again replaces the derivatives, leaving no stale files', async () => {
    const asset = await uploadOk(base, site, { token: 'editor', bytes: await image(900, 600, 'webp', 84), filename: 'again.webp', type: 'image/webp' });
    const first = await settled(asset.id);
    const folder = path.join(dir, 'objects', path.dirname(first.storage.storageKey), asset.id);
    const filesBefore = filesUnder(folder);
    expect(filesBefore).toEqual(['compressed.webp', 'thumbnail.webp', 'w320.webp', 'w768.webp', 'webp.webp']);
    await runJob(admiral, 'media.make-derivatives', { siteId: site, assetId: asset.id });
    const second = await detail(asset.id);
    expect(second.processingStatus).toBe('ready');
    expect(second.derivatives.map((d) => [d.variant, d.width, d.height])).toEqual(first.derivatives.map((d) => [d.variant, d.width, d.height]));
    expect(second.derivatives.map((d) => d.id)).not.toEqual(first.derivatives.map((d) => d.id));
    expect(filesUnder(folder)).toEqual(filesBefore);
  });

  it('a damaged image ends as failed with the reason; the worker goes on with the next upload', async () => {
    const good = await image(300, 300, 'png', 85);
    // Header intact (so the upload's checks pass), the pixel data cut off halfway.
    const damaged = good.subarray(0, Math.floor(good.length / 2));
    const broken = await uploadOk(base, site, { token: 'editor', bytes: damaged, filename: 'damaged.png', type: 'image/png' });
    const failed = await settled(broken.id);
    expect(failed.processingStatus).toBe('failed');
    expect(failed.processingError).toMatch(/could not be processed/);
    expect(failed.derivatives).toEqual([]);
    expect(filesUnder(path.join(dir, 'objects', path.dirname(failed.storage.storageKey), broken.id))).toEqual([]);
    // Run directly as well: it completes (no throw, so no retry loop) and stays failed.
    await expect(runJob(admiral, 'media.make-derivatives', { siteId: site, assetId: broken.id })).resolves.toBeUndefined();
    expect((await detail(broken.id)).processingStatus).toBe('failed');
    const runs = await admiral.db.ownerQuery<{ status: string }>(
      `SELECT status FROM job_runs WHERE queue_name = 'media.make-derivatives' AND status = 'failed'`,
    );
    expect(runs.rowCount).toBe(0);
    const next = await uploadOk(base, site, { token: 'editor', bytes: await image(250, 250, 'png', 86), filename: 'next.png', type: 'image/png' });
    expect((await settled(next.id)).processingStatus).toBe('ready');
  });

  it('files that are not images are skipped; malformed job data is dropped', async () => {
    const text = await uploadOk(base, site, { token: 'editor', bytes: Buffer.from('plain words'), filename: 'words.txt', type: 'text/plain' });
    expect(text.processingStatus).toBe('skipped');
    await runJob(admiral, 'media.make-derivatives', { siteId: site, assetId: text.id });
    expect((await detail(text.id)).processingStatus).toBe('skipped');
    await expect(runJob(admiral, 'media.make-derivatives', { siteId: 'nope', assetId: 42 })).resolves.toBeUndefined();
    await expect(runJob(admiral, 'media.make-derivatives', { siteId: site, assetId: uuidv7() })).resolves.toBeUndefined();
  });
});
