import { readFileSync } from 'node:fs';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSites } from './helpers/access.js';
import { startTestAdmiral, staticPrincipal, type TestAdmiral } from './helpers/app.js';
import {
  expectProblemBody,
  filesUnder,
  image,
  mediaAudits,
  mediaCounts,
  mediaDir,
  pngBomb,
  removeDir,
  upload,
  uploadOk,
  windowsExecutable,
} from './helpers/media.js';

let admiral: TestAdmiral;
let base: string;
let dir: string;
const siteA = uuidv7();
const siteB = uuidv7();
const EDITOR = uuidv7();
const READER = uuidv7();
const MAX_BYTES = 2 * 1024 * 1024;

beforeAll(async () => {
  dir = mediaDir();
  admiral = await startTestAdmiral({
    env: { MEDIA_DIR: dir, MEDIA_MAX_BYTES: String(MAX_BYTES), MEDIA_MAX_PIXELS: '40000000' },
    tokens: {
      editor: staticPrincipal({
        id: EDITOR,
        sites: { [siteA]: ['media.read', 'media.upload', 'media.update', 'media.delete'], [siteB]: ['media.read', 'media.upload'] },
      }),
      reader: staticPrincipal({ id: READER, sites: { [siteA]: ['media.read'] } }),
      // A caller whose user row does not exist: the asset's insert fails after its file was moved into place.
      ghost: staticPrincipal({ id: uuidv7(), sites: { [siteA]: ['media.upload'] } }),
    },
  });
  await insertSites(admiral, siteA, siteB);
  await admiral.db.ownerQuery('INSERT INTO users (id, email) VALUES ($1, $2), ($3, $4)', [EDITOR, `${EDITOR}@media.test`, READER, `${READER}@media.test`]);
  base = await admiral.listen();
});
afterAll(async () => {
  await admiral?.stop();
  removeDir(dir);
});

/** Refused uploads must leave no row, no stored object and no staged file. */
async function expectNothingStored(before: { assets: number; storage: number; derivatives: number }, filesBefore: string[]) {
  expect(await mediaCounts(admiral)).toEqual(before);
  expect(filesUnder(dir)).toEqual(filesBefore);
  expect(filesUnder(path.join(dir, 'staging'))).toEqual([]);
}

describe('POST /media: a streamed multipart upload', () => {
  it('stores a PNG: rows, the file at its key, its checksum, the audit row and the derivatives job', async () => {
    const png = await image(640, 480, 'png');
    const asset = await uploadOk(base, siteA, {
      token: 'editor',
      bytes: png,
      filename: 'Harbour at dusk.png',
      type: 'image/png',
      fields: { title: 'Harbour', altText: 'Boats at dusk' },
    });
    expect(asset).toMatchObject({
      siteId: siteA,
      filename: 'Harbour at dusk.png',
      extension: 'png',
      mediaType: 'image',
      mimeType: 'image/png',
      sizeBytes: png.length,
      width: 640,
      height: 480,
      title: 'Harbour',
      altText: 'Boats at dusk',
      visibility: 'public',
      processingStatus: 'pending',
      uploadedBy: EDITOR,
      deduplicated: false,
      url: `/v1/sites/${siteA}/media/${asset.id}/content`,
      derivatives: [],
    });
    const { createHash } = await import('node:crypto');
    expect(asset.checksum).toBe(createHash('sha256').update(png).digest('hex'));
    const storage = asset.storage as { provider: string; storageKey: string; bucket: string | null };
    expect(storage.provider).toBe('local');
    expect(storage.bucket).toBeNull();
    const now = new Date();
    expect(storage.storageKey).toBe(`${siteA}/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${asset.id}.png`);
    expect(readFileSync(path.join(dir, 'objects', storage.storageKey)).equals(png)).toBe(true);
    expect(filesUnder(path.join(dir, 'staging'))).toEqual([]);
    expect((await mediaAudits(admiral, asset.id)).map((a) => [a.action, a.actor_user_id])).toEqual([['media.uploaded', EDITOR]]);
    const jobs = await admiral.db.ownerQuery<{ data: unknown }>(`SELECT data FROM pgboss.job WHERE name = 'media.make-derivatives' AND data->>'assetId' = $1`, [
      asset.id,
    ]);
    expect(jobs.rows.map((r) => r.data)).toEqual([{ siteId: siteA, assetId: asset.id }]);
  });

  it('the same bytes again on the same site are the same asset (200, deduplicated); on another site, a new one', async () => {
    const jpeg = await image(300, 200, 'jpeg', 7);
    const first = await uploadOk(base, siteA, { token: 'editor', bytes: jpeg, filename: 'a.jpg', type: 'image/jpeg' });
    const before = await mediaCounts(admiral);
    const again = await upload(base, siteA, { token: 'editor', bytes: jpeg, filename: 'copy of a.jpeg', type: 'image/jpeg', fields: { title: 'ignored' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.id, deduplicated: true, filename: 'a.jpg', title: null });
    expect(await mediaCounts(admiral)).toEqual(before);
    const other = await uploadOk(base, siteB, { token: 'editor', bytes: jpeg, filename: 'a.jpg', type: 'image/jpeg' });
    expect(other.id).not.toBe(first.id);
    expect(other.checksum).toBe(first.checksum);
    expect((await mediaCounts(admiral)).assets).toBe(before.assets + 1);
  });

  it('a re-upload of a deleted file brings it back (audited as restored)', async () => {
    const gif = await image(40, 40, 'gif', 3);
    const asset = await uploadOk(base, siteA, { token: 'editor', bytes: gif, filename: 'spinner.gif', type: 'image/gif' });
    const deleted = await admiral.app.inject({ method: 'DELETE', url: `/v1/sites/${siteA}/media/${asset.id}`, headers: { authorization: 'Bearer editor' } });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json().deletedAt).not.toBeNull();
    const again = await upload(base, siteA, { token: 'editor', bytes: gif, filename: 'spinner.gif', type: 'image/gif' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: asset.id, deduplicated: true, deletedAt: null, deletedBy: null });
    expect((await mediaAudits(admiral, asset.id)).map((a) => [a.action, a.metadata.via ?? null])).toEqual([
      ['media.uploaded', null],
      ['media.deleted', null],
      ['media.restored', 'upload'],
    ]);
  });

  it('accepts text without a signature when it is named and typed as text', async () => {
    const text = Buffer.from('Opening hours\nMon–Fri 9–17\n', 'utf8');
    const asset = await uploadOk(base, siteA, { token: 'editor', bytes: text, filename: 'hours.txt', type: 'text/plain', fields: { visibility: 'private' } });
    expect(asset).toMatchObject({
      mimeType: 'text/plain',
      extension: 'txt',
      mediaType: 'document',
      processingStatus: 'skipped',
      visibility: 'private',
      url: null,
    });
    const csv = await uploadOk(base, siteA, { token: 'editor', bytes: Buffer.from('a,b\n1,2\n'), filename: 'table.csv', type: 'application/vnd.ms-excel' });
    expect(csv).toMatchObject({ mimeType: 'text/csv', extension: 'csv' });
  });
});

describe('bad files: a clear 4xx and nothing stored', () => {
  const cases: Array<{ name: string; make: () => Promise<Buffer> | Buffer; filename: string; type: string; status: number; code: string }> = [
    { name: 'a PNG named .jpg', make: () => image(20, 20, 'png', 11), filename: 'photo.jpg', type: 'image/png', status: 415, code: 'content_type_mismatch' },
    {
      name: 'a PNG sent as image/jpeg',
      make: () => image(20, 20, 'png', 12),
      filename: 'photo.png',
      type: 'image/jpeg',
      status: 415,
      code: 'content_type_mismatch',
    },
    { name: 'an EXE renamed .png', make: windowsExecutable, filename: 'cute-cat.png', type: 'image/png', status: 415, code: 'content_type_mismatch' },
    { name: 'an EXE sent as text', make: windowsExecutable, filename: 'notes.txt', type: 'text/plain', status: 415, code: 'content_type_mismatch' },
    {
      name: 'bytes without a signature sent as PNG',
      make: () => Buffer.from('just some words'),
      filename: 'x.png',
      type: 'image/png',
      status: 415,
      code: 'content_type_mismatch',
    },
    {
      name: 'binary junk sent as text',
      make: () => Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0]),
      filename: 'x.txt',
      type: 'text/plain',
      status: 415,
      code: 'content_type_mismatch',
    },
    {
      name: 'an SVG (not allowed by default)',
      make: () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      filename: 'logo.svg',
      type: 'image/svg+xml',
      status: 415,
      code: 'type_not_allowed',
    },
    {
      name: 'a ZIP (not allowed by default)',
      make: () => Buffer.from('504b0304140000000800', 'hex'),
      filename: 'archive.zip',
      type: 'application/zip',
      status: 415,
      code: 'type_not_allowed',
    },
    {
      name: 'an image bomb (30000×30000 declared in 100 bytes)',
      make: () => pngBomb(30_000, 30_000),
      filename: 'bomb.png',
      type: 'image/png',
      status: 422,
      code: 'image_too_large',
    },
    {
      name: 'a PNG whose header is cut short',
      make: async () => (await image(50, 50, 'png', 5)).subarray(0, 20),
      filename: 'cut.png',
      type: 'image/png',
      status: 422,
      code: 'unreadable_image',
    },
    {
      name: 'a file over MEDIA_MAX_BYTES (stopped while streaming)',
      make: () => Buffer.alloc(MAX_BYTES + 10, 'a'),
      filename: 'big.txt',
      type: 'text/plain',
      status: 413,
      code: 'file_too_large',
    },
  ];

  it.each(cases)('$name → $status $code', async ({ make, filename, type, status, code }) => {
    const counts = await mediaCounts(admiral);
    const files = filesUnder(dir);
    const result = await upload(base, siteA, { token: 'editor', bytes: await make(), filename, type });
    expectProblemBody(result, status, code);
    expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    await expectNothingStored(counts, files);
  });

  it('a body that declares more than the limit is refused before it is read (413)', async () => {
    const counts = await mediaCounts(admiral);
    const files = filesUnder(dir);
    const response = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/media`,
      headers: { authorization: 'Bearer editor', 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(MAX_BYTES * 4) },
      payload: '--x--',
    });
    expect(response.statusCode, response.body).toBe(413);
    expect(response.json().code).toBe('file_too_large');
    await expectNothingStored(counts, files);
  });

  it('refuses forms without a file, with two files, with unknown fields, or that are not multipart', async () => {
    const counts = await mediaCounts(admiral);
    const post = (form: FormData) => fetch(`${base}/v1/sites/${siteA}/media`, { method: 'POST', body: form, headers: { authorization: 'Bearer editor' } });
    const empty = new FormData();
    empty.append('title', 'no file');
    let response = await post(empty);
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('file_required');

    const two = new FormData();
    two.append('file', new Blob([Buffer.from('one')], { type: 'text/plain' }), 'one.txt');
    two.append('file', new Blob([Buffer.from('two')], { type: 'text/plain' }), 'two.txt');
    response = await post(two);
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('too_many_files');

    const unknown = new FormData();
    unknown.append('owner', 'someone else');
    unknown.append('file', new Blob([Buffer.from('x')], { type: 'text/plain' }), 'x.txt');
    response = await post(unknown);
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('unknown_field');

    const badVisibility = new FormData();
    badVisibility.append('file', new Blob([Buffer.from('x')], { type: 'text/plain' }), 'x.txt');
    badVisibility.append('visibility', 'secret');
    response = await post(badVisibility);
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('validation_failed');

    const json = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/media`,
      headers: { authorization: 'Bearer editor' },
      payload: { file: 'x' },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().code).toBe('multipart_required');
    expect(await mediaCounts(admiral)).toEqual(counts);
    expect(filesUnder(path.join(dir, 'staging'))).toEqual([]);
  });

  it('a failure after the file reached storage removes it again (nothing in the database, nothing on disk)', async () => {
    const counts = await mediaCounts(admiral);
    const files = filesUnder(dir);
    const result = await upload(base, siteA, { token: 'ghost', bytes: await image(16, 16, 'png', 99), filename: 'ghost.png', type: 'image/png' });
    expectProblemBody(result, 422, 'reference_not_found');
    await expectNothingStored(counts, files);
  });

  it('a storage failure is a server error that leaves nothing behind', async () => {
    const siteC = uuidv7();
    await insertSites(admiral, siteC);
    // The site's folder cannot be made: a file stands where it would go.
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'objects'), { recursive: true });
    writeFileSync(path.join(dir, 'objects', siteC), 'in the way');
    const counts = await mediaCounts(admiral);
    const files = filesUnder(dir);
    const denied = await upload(base, siteC, { token: 'editor', bytes: Buffer.from('cannot land'), filename: 'x.txt', type: 'text/plain' });
    expect(denied.status).toBe(403); // editor has no grant on site C: checked before a byte is read
    const superUpload = await upload(base, siteC, { token: 'test-super-admin', bytes: Buffer.from('cannot land'), filename: 'x.txt', type: 'text/plain' });
    expectProblemBody(superUpload, 500, 'internal_error');
    await expectNothingStored(counts, files);
  });

  it('answers broken multipart bodies with 400 problems, never a 5xx', async () => {
    const counts = await mediaCounts(admiral);
    const send = (contentType: string, payload: string) =>
      admiral.app.inject({
        method: 'POST',
        url: `/v1/sites/${siteA}/media`,
        headers: { authorization: 'Bearer editor', 'content-type': contentType },
        payload,
      });
    const part = '--b\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\nhello';
    const cases: Array<[string, string]> = [
      ['multipart/form-data; boundary=b', part], // cut off: no closing boundary
      ['multipart/form-data; boundary=b', '{"file":"x"}'], // not multipart at all
      ['multipart/form-data; boundary=other', `${part}\r\n--b--\r\n`], // a boundary that never appears
      ['multipart/form-data', `${part}\r\n--b--\r\n`], // no boundary parameter
      ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nno filename\r\n--b--\r\n'], // a field, no file
      ['multipart/form-data; boundary=b', ''],
    ];
    for (const [type, payload] of cases) {
      const response = await send(type, payload);
      expect(response.statusCode, `${type} ${JSON.stringify(payload)}: ${response.body}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, response.body).toBeLessThan(500);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(await mediaCounts(admiral)).toEqual(counts);
    expect(filesUnder(path.join(dir, 'staging'))).toEqual([]);
  });

  it('needs media.upload on the site', async () => {
    const result = await upload(base, siteA, { token: 'reader', bytes: Buffer.from('hello'), filename: 'x.txt', type: 'text/plain' });
    expectProblemBody(result, 403, 'permission_denied');
    const anonymous = await fetch(`${base}/v1/sites/${siteA}/media`, { method: 'POST', body: new FormData() });
    expect(anonymous.status).toBe(401);
  });
});
