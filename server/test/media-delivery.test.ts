import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaUrlSigner } from '../src/modules/media/signed-urls.js';
import { expectProblem, insertSites } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, type TestAdmiral } from './helpers/app.js';
import { image, mediaAudits, mediaDir, removeDir, runJob, uploadOk } from './helpers/media.js';

let admiral: TestAdmiral;
let base: string;
let dir: string;
let signer: MediaUrlSigner;
const site = uuidv7();
const otherSite = uuidv7();
const EDITOR = uuidv7();
const editor = bearer('editor');
let publicPng: Buffer;
let publicId: string;
let privateText: Buffer;
let privateId: string;

const api = (rest: string, site_ = site) => `/v1/sites/${site_}/media${rest}`;

async function signedUrl(id: string, payload: Record<string, unknown>): Promise<{ url: string; expiresAt: string }> {
  const response = await admiral.app.inject({ method: 'POST', url: api(`/${id}/signed-url`), headers: editor, payload });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

beforeAll(async () => {
  dir = mediaDir();
  admiral = await startTestAdmiral({
    env: { MEDIA_DIR: dir, MEDIA_ALLOWED_TYPES: 'image/*,text/plain,video/mp4', MEDIA_CDN_URL: 'https://cdn.example.test/media/' },
    tokens: { editor: staticPrincipal({ id: EDITOR, sites: { [site]: ['media.read', 'media.upload', 'media.update'], [otherSite]: ['media.read'] } }) },
  });
  await insertSites(admiral, site, otherSite);
  await admiral.db.ownerQuery('INSERT INTO users (id, email) VALUES ($1, $2)', [EDITOR, `${EDITOR}@media.test`]);
  base = await admiral.listen();
  signer = new MediaUrlSigner(admiral.kernel.secrets);
  publicPng = await image(400, 300, 'png', 91);
  publicId = (await uploadOk(base, site, { token: 'editor', bytes: publicPng, filename: 'Café "menu" ü.png', type: 'image/png' })).id;
  await runJob(admiral, 'media.make-derivatives', { siteId: site, assetId: publicId });
  privateText = Buffer.from('the private minutes\n');
  privateId = (
    await uploadOk(base, site, { token: 'editor', bytes: privateText, filename: 'minutes.txt', type: 'text/plain', fields: { visibility: 'private' } })
  ).id;
});
afterAll(async () => {
  await admiral?.stop();
  removeDir(dir);
});

describe('GET /media/{id}/content', () => {
  it('serves a public file with its type, a checksum ETag, nosniff, a safe Content-Disposition, 304 and ranges', async () => {
    const response = await admiral.app.inject({ method: 'GET', url: api(`/${publicId}/content`), headers: editor });
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(publicPng)).toBe(true);
    const checksum = (await admiral.db.ownerQuery<{ checksum: string }>('SELECT checksum FROM media_assets WHERE id = $1', [publicId])).rows[0]?.checksum;
    expect(response.headers).toMatchObject({
      'content-type': 'image/png',
      'content-length': String(publicPng.length),
      etag: `"${checksum}"`,
      'x-content-type-options': 'nosniff',
      'content-disposition': `inline; filename="Caf_ _menu_ _.png"; filename*=UTF-8''Caf%C3%A9%20%22menu%22%20%C3%BC.png`,
      'accept-ranges': 'bytes',
    });
    expect(response.headers['content-security-policy']).toMatch(/sandbox/);
    const head = await admiral.app.inject({ method: 'HEAD', url: api(`/${publicId}/content`), headers: editor });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(publicPng.length));
    expect(head.rawPayload.length).toBe(0);
    const again = await admiral.app.inject({ method: 'GET', url: api(`/${publicId}/content`), headers: { ...editor, 'if-none-match': `"${checksum}"` } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    const part = await admiral.app.inject({ method: 'GET', url: api(`/${publicId}/content`), headers: { ...editor, range: 'bytes=8-15' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 8-15/${publicPng.length}`);
    expect(part.rawPayload.equals(publicPng.subarray(8, 16))).toBe(true);
    const tail = await admiral.app.inject({ method: 'GET', url: api(`/${publicId}/content`), headers: { ...editor, range: 'bytes=-4' } });
    expect(tail.rawPayload.equals(publicPng.subarray(publicPng.length - 4))).toBe(true);
    const outside = await admiral.app.inject({
      method: 'GET',
      url: api(`/${publicId}/content`),
      headers: { ...editor, range: `bytes=${publicPng.length + 10}-` },
    });
    expectProblem(outside, 416, 'range_not_satisfiable');
    expect(outside.headers['content-range']).toBe(`bytes */${publicPng.length}`);
  });

  it('needs media.read; a private file is never served by permission alone (403 signed_url_required)', async () => {
    expect((await admiral.app.inject({ method: 'GET', url: api(`/${publicId}/content`) })).statusCode).toBe(401);
    expectProblem(await admiral.app.inject({ method: 'GET', url: api(`/${privateId}/content`), headers: editor }), 403, 'signed_url_required');
    expectProblem(await admiral.app.inject({ method: 'GET', url: api(`/${publicId}/content`, otherSite), headers: editor }), 404, 'not_found');
  });
});

describe('signed URLs', () => {
  it('reads a private file without credentials until the link expires; the link is audited', async () => {
    const { url, expiresAt } = await signedUrl(privateId, { expiresInSeconds: 120 });
    expect(url).toMatch(new RegExp(`^/v1/sites/${site}/media/${privateId}/signed\\?expires=\\d+&signature=[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(100_000);
    const response = await fetch(`${base}${url}`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(privateText)).toBe(true);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="minutes.txt"/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toMatch(/^private, max-age=(1[01]\d|120)$/);
    const linked = (await mediaAudits(admiral, privateId)).find((a) => a.action === 'media.link_signed');
    expect(linked).toMatchObject({ actor_user_id: EDITOR, metadata: { variant: null, visibility: 'private' } });
  });

  it('signs a derivative too', async () => {
    const { url } = await signedUrl(publicId, { variant: 'thumbnail', expiresInSeconds: 60 });
    const response = await fetch(`${base}${url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: api(`/${publicId}/signed-url`), headers: editor, payload: { variant: 'w9999', expiresInSeconds: 60 } }),
      404,
      'not_found',
    );
  });

  it('refuses expired, altered and forged links with 403, and bad requests for links with 400', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = signer.url({ siteId: site, assetId: privateId, variant: null, expires: now - 1 });
    let response = await fetch(`${base}${expired}`);
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe('link_expired');

    const { url } = await signedUrl(privateId, { expiresInSeconds: 300 });
    const link = new URL(url, base);
    const signature = link.searchParams.get('signature') as string;
    const forgeries = [
      `${base}/v1/sites/${site}/media/${publicId}/signed?${link.searchParams}`, // another asset
      `${base}/v1/sites/${otherSite}/media/${privateId}/signed?${link.searchParams}`, // another site
      `${link.origin}${link.pathname}?expires=${Number(link.searchParams.get('expires')) + 3600}&signature=${signature}`, // a later expiry
      `${link.origin}${link.pathname}?variant=thumbnail&expires=${link.searchParams.get('expires')}&signature=${signature}`, // another variant
      `${link.origin}${link.pathname}?expires=${link.searchParams.get('expires')}&signature=${'A'.repeat(43)}`, // made up
    ];
    for (const forged of forgeries) {
      response = await fetch(forged);
      expect(response.status, forged).toBe(403);
      expect((await response.json()).code).toBe('invalid_signature');
    }
    response = await fetch(`${link.origin}${link.pathname}?expires=${link.searchParams.get('expires')}`);
    expect(response.status).toBe(400);
    for (const expiresInSeconds of [59, 86_401]) {
      expectProblem(
        await admiral.app.inject({ method: 'POST', url: api(`/${privateId}/signed-url`), headers: editor, payload: { expiresInSeconds } }),
        400,
        'validation_failed',
      );
    }
  });

  it('a deleted file is not served even with a valid link', async () => {
    const asset = await uploadOk(base, site, { token: 'editor', bytes: Buffer.from('soon gone'), filename: 'gone.txt', type: 'text/plain' });
    const { url } = await signedUrl(asset.id, { expiresInSeconds: 600 });
    await admiral.db.ownerQuery('UPDATE media_assets SET deleted_at = now() WHERE id = $1', [asset.id]);
    const response = await fetch(`${base}${url}`);
    expect(response.status).toBe(404);
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: api(`/${asset.id}/signed-url`), headers: editor, payload: { expiresInSeconds: 60 } }),
      404,
      'not_found',
    );
  });
});

describe('MEDIA_CDN_URL', () => {
  it('gives public files (and their derivatives) a CDN address, and takes it away while they are private', async () => {
    const response = await admiral.app.inject({ method: 'GET', url: api(`/${publicId}`), headers: editor });
    const detail = response.json();
    const cdn = `https://cdn.example.test/media/${detail.storage.storageKey}`;
    expect(detail).toMatchObject({ url: cdn, storage: { cdnUrl: cdn } });
    expect(detail.derivatives.length).toBeGreaterThan(0);
    for (const d of detail.derivatives) expect(d.url).toBe(`https://cdn.example.test/media/${d.storageKey}`);
    const patch = (visibility: string, etag: string) =>
      admiral.app.inject({ method: 'PATCH', url: api(`/${publicId}`), headers: { ...editor, 'if-match': etag }, payload: { visibility } });
    const hidden = await patch('private', response.headers.etag as string);
    expect(hidden.statusCode, hidden.body).toBe(200);
    expect(hidden.json()).toMatchObject({ url: null, storage: { cdnUrl: null } });
    expect(hidden.json().derivatives.every((d: { url: string | null }) => d.url === null)).toBe(true);
    const rows = await admiral.db.ownerQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM media_derivatives WHERE media_asset_id = $1 AND cdn_url IS NOT NULL',
      [publicId],
    );
    expect(rows.rows[0]?.n).toBe(0);
    const shown = await patch('public', hidden.headers.etag as string);
    expect(shown.json()).toMatchObject({ url: cdn, storage: { cdnUrl: cdn } });
    const listed = (await admiral.app.inject({ method: 'GET', url: api(''), headers: editor })).json().data.find((a: { id: string }) => a.id === publicId);
    expect(listed.url).toBe(cdn);
  });
});

describe('SVG, when a site allows it, is never rendered from our origin', () => {
  it('is stored as image/svg+xml and served as an attachment under a sandboxing CSP', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script></svg>');
    const asset = await uploadOk(base, site, { token: 'editor', bytes: svg, filename: 'logo.svg', type: 'image/svg+xml' });
    expect(asset).toMatchObject({ mimeType: 'image/svg+xml', mediaType: 'image', processingStatus: 'skipped', width: null });
    const response = await admiral.app.inject({ method: 'GET', url: api(`/${asset.id}/content`), headers: editor });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toMatch(/^attachment;/);
    expect(response.headers['content-security-policy']).toMatch(/default-src 'none'.*sandbox/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    // With an XML declaration first (which the signature reader calls application/xml) it is still an SVG.
    const declared = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>');
    const second = await uploadOk(base, site, { token: 'editor', bytes: declared, filename: 'mark.svg', type: 'image/svg+xml' });
    expect(second).toMatchObject({ mimeType: 'image/svg+xml', extension: 'svg' });
  });
});
