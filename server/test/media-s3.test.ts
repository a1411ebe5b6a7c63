import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import sharp from 'sharp';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, insertSites } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, type TestAdmiral } from './helpers/app.js';
import { expectProblemBody, filesUnder, image, mediaCounts, mediaDir, removeDir, runJob, upload, uploadOk } from './helpers/media.js';

const BUCKET = 'admiral-media';
let s3rver: S3rver;
let s3: S3Client;
let admiral: TestAdmiral;
let base: string;
let dir: string;
let s3Dir: string;
const site = uuidv7();
const EDITOR = uuidv7();
const editor = bearer('editor');

async function keysInBucket(): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '').sort();
}

async function objectBytes(key: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { bytes: Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()), contentType: object.ContentType };
}

beforeAll(async () => {
  s3Dir = mediaDir();
  dir = mediaDir();
  // A real S3-compatible server on a free loopback port, with its data in a temporary directory.
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await s3rver.run();
  const endpoint = `http://127.0.0.1:${port}`;
  s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  admiral = await startTestAdmiral({
    env: {
      MEDIA_STORAGE: 's3',
      MEDIA_DIR: dir,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: BUCKET,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
      MEDIA_DERIVATIVE_WIDTHS: '320,768',
    },
    tokens: { editor: staticPrincipal({ id: EDITOR, sites: { [site]: ['media.read', 'media.upload', 'media.update', 'media.delete', 'media.purge'] } }) },
  });
  await insertSites(admiral, site);
  await admiral.db.ownerQuery('INSERT INTO users (id, email) VALUES ($1, $2)', [EDITOR, `${EDITOR}@media.test`]);
  base = await admiral.listen();
});
afterAll(async () => {
  await admiral?.stop();
  s3?.destroy();
  await s3rver?.close();
  removeDir(dir);
  removeDir(s3Dir);
});

describe('S3-compatible storage (s3rver)', () => {
  it('upload → object in the bucket → derivatives → bytes through the API and a signed link → purge removes every object', async () => {
    const jpeg = await image(1000, 500, 'jpeg', 101);
    const asset = await uploadOk(base, site, { token: 'editor', bytes: jpeg, filename: 'bucket.jpg', type: 'image/jpeg', fields: { visibility: 'private' } });
    const storage = asset.storage as { provider: string; bucket: string; storageKey: string };
    expect(storage).toMatchObject({ provider: 's3', bucket: BUCKET });
    expect(await keysInBucket()).toEqual([storage.storageKey]);
    const stored = await objectBytes(storage.storageKey);
    expect(stored.bytes.equals(jpeg)).toBe(true);
    expect(stored.contentType).toBe('image/jpeg');
    expect(filesUnder(dir)).toEqual([]);

    await runJob(admiral, 'media.make-derivatives', { siteId: site, assetId: asset.id });
    const detail = (await admiral.app.inject({ method: 'GET', url: `/v1/sites/${site}/media/${asset.id}`, headers: editor })).json();
    expect(detail.processingStatus).toBe('ready');
    const variants = Object.fromEntries(detail.derivatives.map((d: { variant: string }) => [d.variant, d]));
    expect(Object.keys(variants).sort()).toEqual(['compressed', 'thumbnail', 'w320', 'w768', 'webp']);
    expect(variants.w320).toMatchObject({ width: 320, height: 160, mimeType: 'image/jpeg' });
    const keys = [storage.storageKey, ...detail.derivatives.map((d: { storageKey: string }) => d.storageKey)].sort();
    expect(await keysInBucket()).toEqual(keys);
    const w768 = await objectBytes(variants.w768.storageKey);
    expect(await sharp(w768.bytes).metadata()).toMatchObject({ width: 768, height: 384, format: 'jpeg' });
    expect(filesUnder(dir)).toEqual([]); // the local copy made for sharp is gone

    expectProblem(await admiral.app.inject({ method: 'GET', url: `/v1/sites/${site}/media/${asset.id}/content`, headers: editor }), 403, 'signed_url_required');
    const signed = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${site}/media/${asset.id}/signed-url`,
      headers: editor,
      payload: { expiresInSeconds: 60 },
    });
    const response = await fetch(`${base}${signed.json().url}`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(jpeg)).toBe(true);
    const ranged = await fetch(`${base}${signed.json().url}`, { headers: { range: 'bytes=0-9' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(jpeg.subarray(0, 10))).toBe(true);

    const purged = await admiral.app.inject({ method: 'DELETE', url: `/v1/sites/${site}/media/${asset.id}/purge`, headers: editor });
    expect(purged.statusCode, purged.body).toBe(204);
    expect(await keysInBucket()).toEqual([]);
  });

  it('de-duplicates, refuses mismatched files without touching the bucket, and the retention job empties it', async () => {
    const png = await image(200, 100, 'png', 102);
    const first = await uploadOk(base, site, { token: 'editor', bytes: png, filename: 'one.png', type: 'image/png' });
    const again = await upload(base, site, { token: 'editor', bytes: png, filename: 'two.png', type: 'image/png' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.id, deduplicated: true });
    const before = await keysInBucket();
    expect(before).toHaveLength(1);
    const counts = await mediaCounts(admiral);
    expectProblemBody(await upload(base, site, { token: 'editor', bytes: png, filename: 'one.jpg', type: 'image/jpeg' }), 415, 'content_type_mismatch');
    expect(await keysInBucket()).toEqual(before);
    expect(await mediaCounts(admiral)).toEqual(counts);
    expect(filesUnder(dir)).toEqual([]);

    await runJob(admiral, 'media.make-derivatives', { siteId: site, assetId: first.id });
    expect((await keysInBucket()).length).toBeGreaterThan(1);
    expect((await admiral.app.inject({ method: 'DELETE', url: `/v1/sites/${site}/media/${first.id}`, headers: editor })).statusCode).toBe(200);
    await admiral.db.ownerQuery("UPDATE media_assets SET deleted_at = now() - interval '31 days' WHERE id = $1", [first.id]);
    await runJob(admiral, 'media.purge-deleted');
    expect(await keysInBucket()).toEqual([]);
    expect((await mediaCounts(admiral)).assets).toBe(counts.assets - 1);
  });
});
