import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, insertSites } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';
import { createUser, signInOk } from './helpers/identity.js';
import { filesUnder, image, mediaAudits, mediaCounts, mediaDir, removeDir, runJob, upload, uploadOk } from './helpers/media.js';

let admiral: TestAdmiral;
let base: string;
let dir: string;
const siteA = uuidv7();
const siteB = uuidv7();
const EDITOR = uuidv7();
const ALL = ['media.read', 'media.upload', 'media.update', 'media.delete', 'media.purge'];
const editor = bearer('editor');
let authorOne: { id: string; token: string };
let authorTwo: { id: string; token: string };

const url = (rest = '', site = siteA) => `/v1/sites/${site}/media${rest}`;
const get = (rest: string, headers: Record<string, string> = editor, site = siteA) => admiral.app.inject({ method: 'GET', url: url(rest, site), headers });

async function author(): Promise<{ id: string; token: string }> {
  const user = await createUser(admiral);
  const grant = await admiral.app.inject({
    method: 'POST',
    url: `/v1/sites/${siteA}/memberships`,
    headers: superAdmin,
    payload: { userId: user.id, role: 'author' },
  });
  expect(grant.statusCode, grant.body).toBe(201);
  return { id: user.id, token: (await signInOk(admiral, user)).token };
}

beforeAll(async () => {
  dir = mediaDir();
  admiral = await startTestAdmiral({
    env: { MEDIA_DIR: dir, MEDIA_RETENTION_DAYS: '30', AUTH_RATE_LIMIT_PER_IP: '100000', AUTH_RATE_LIMIT_PER_ACCOUNT: '100000' },
    tokens: { editor: staticPrincipal({ id: EDITOR, sites: { [siteA]: ALL, [siteB]: ALL } }) },
  });
  await insertSites(admiral, siteA, siteB);
  await admiral.db.ownerQuery('INSERT INTO users (id, email) VALUES ($1, $2)', [EDITOR, `${EDITOR}@media.test`]);
  base = await admiral.listen();
  authorOne = await author();
  authorTwo = await author();
});
afterAll(async () => {
  await admiral?.stop();
  removeDir(dir);
});

describe('GET /media: filters and cursor pages', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    const png = await uploadOk(base, siteA, { token: 'editor', bytes: await image(64, 48, 'png', 21), filename: 'sunset 100%_off.png', type: 'image/png' });
    const jpeg = await uploadOk(base, siteA, {
      token: authorOne.token,
      bytes: await image(64, 48, 'jpeg', 22),
      filename: 'crew.jpg',
      type: 'image/jpeg',
      fields: { title: 'Team photo' },
    });
    const text = await uploadOk(base, siteA, {
      token: 'editor',
      bytes: Buffer.from('minutes of the meeting'),
      filename: 'minutes.txt',
      type: 'text/plain',
      fields: { visibility: 'private' },
    });
    ids = { png: png.id, jpeg: jpeg.id, text: text.id };
  });

  it('lists live files newest first and filters them', async () => {
    const all = await get('');
    expect(all.statusCode, all.body).toBe(200);
    const listed = all.json().data.map((a: { id: string }) => a.id);
    expect(listed.slice(0, 3)).toEqual([ids.text, ids.jpeg, ids.png]);
    const ofList = async (query: string) => (await get(`?${query}`)).json().data.map((a: { id: string }) => a.id);
    expect(await ofList('mediaType=document')).toEqual([ids.text]);
    expect(await ofList('visibility=private')).toEqual([ids.text]);
    expect(await ofList(`uploadedBy=${authorOne.id}`)).toEqual([ids.jpeg]);
    expect(await ofList('q=team')).toEqual([ids.jpeg]);
    expect(await ofList(`q=${encodeURIComponent('100%_off')}`)).toEqual([ids.png]);
    expect(await ofList(`q=${encodeURIComponent('1000off')}`)).toEqual([]);
    expect(await ofList('processingStatus=skipped')).toEqual([ids.text]);
    expect(await ofList('processingStatus=pending&mediaType=image')).toEqual([ids.jpeg, ids.png]);
    const item = all.json().data.find((a: { id: string }) => a.id === ids.text);
    expect(item).toMatchObject({ visibility: 'private', url: null, thumbnailUrl: null });
    expectProblem(await get('?mediaType=spreadsheet'), 400, 'validation_failed');
  });

  it('pages with a cursor, one at a time, without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().data.map((a: { id: string }) => a.id));
      cursor = page.json().nextCursor;
    } while (cursor);
    const all = (await get('?limit=200')).json().data.map((a: { id: string }) => a.id);
    expect(seen).toEqual(all);
    expectProblem(await get('?cursor=bogus'), 400, 'invalid_cursor');
  });
});

describe('GET/PATCH /media/{id}', () => {
  it('reads a file with its storage; ETag, 304, If-Match (412 when stale), audit of the change', async () => {
    const asset = await uploadOk(base, siteA, { token: 'editor', bytes: await image(32, 32, 'webp', 31), filename: 'icon.webp', type: 'image/webp' });
    const read = await get(`/${asset.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: asset.id, storage: { provider: 'local' }, derivatives: [] });
    const etag = read.headers.etag as string;
    expect((await get(`/${asset.id}`, { ...editor, 'if-none-match': etag })).statusCode).toBe(304);

    const patch = (payload: unknown, ifMatch?: string) =>
      admiral.app.inject({
        method: 'PATCH',
        url: url(`/${asset.id}`),
        headers: { ...editor, ...(ifMatch ? { 'if-match': ifMatch } : {}) },
        payload: payload as object,
      });
    const changed = await patch({ title: ' Icon ', altText: 'A small icon', aiTags: ['icon', 'logo'], visibility: 'private' }, etag);
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ title: 'Icon', altText: 'A small icon', aiTags: ['icon', 'logo'], visibility: 'private', url: null });
    expect(changed.headers.etag).not.toBe(etag);
    expectProblem(await patch({ title: 'again' }, etag), 412, 'precondition_failed');
    expectProblem(await patch({}), 400, 'validation_failed');
    expectProblem(await patch({ filename: 'evil.exe' }), 400, 'validation_failed');
    expectProblem(await patch({ visibility: 'secret' }), 400, 'validation_failed');
    const audits = await mediaAudits(admiral, asset.id);
    expect(audits.map((a) => a.action)).toEqual(['media.uploaded', 'media.updated']);
    const row = (
      await admiral.db.ownerQuery<{ before: { title: string | null }; after: { title: string; visibility: string } }>(
        `SELECT before, after FROM audit_logs WHERE target_id = $1 AND action = 'media.updated'`,
        [asset.id],
      )
    ).rows[0];
    expect(row?.before.title).toBeNull();
    expect(row?.after).toMatchObject({ title: 'Icon', visibility: 'private' });
    expectProblem(await get(`/${uuidv7()}`), 404, 'not_found');
  });
});

describe('delete, restore, purge', () => {
  it('soft delete hides the file from the list and its bytes; restore brings it back; each audited', async () => {
    const asset = await uploadOk(base, siteA, { token: 'editor', bytes: Buffer.from('to be deleted'), filename: 'old.txt', type: 'text/plain' });
    const removed = await admiral.app.inject({ method: 'DELETE', url: url(`/${asset.id}`), headers: editor });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toMatchObject({ deletedBy: EDITOR, url: null });
    expect((await get('')).json().data.map((a: { id: string }) => a.id)).not.toContain(asset.id);
    expect((await get('?deleted=true')).json().data.map((a: { id: string }) => a.id)).toEqual([asset.id]);
    expectProblem(await get(`/${asset.id}/content`), 404, 'not_found');
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: url(`/${asset.id}`), headers: editor }), 409, 'already_deleted');
    expectProblem(await admiral.app.inject({ method: 'PATCH', url: url(`/${asset.id}`), headers: editor, payload: { title: 'x' } }), 409, 'asset_deleted');
    const restored = await admiral.app.inject({ method: 'POST', url: url(`/${asset.id}/restore`), headers: editor });
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ deletedAt: null, deletedBy: null });
    expectProblem(await admiral.app.inject({ method: 'POST', url: url(`/${asset.id}/restore`), headers: editor }), 409, 'not_deleted');
    expect((await get(`/${asset.id}/content`)).statusCode).toBe(200);
    expect((await mediaAudits(admiral, asset.id)).map((a) => a.action)).toEqual(['media.uploaded', 'media.deleted', 'media.restored']);
  });

  it('DELETE …/purge removes rows, derivatives and stored files at once (media.purge)', async () => {
    const asset = await uploadOk(base, siteA, { token: 'editor', bytes: await image(400, 300, 'jpeg', 41), filename: 'purge-me.jpg', type: 'image/jpeg' });
    await runJob(admiral, 'media.make-derivatives', { siteId: siteA, assetId: asset.id });
    const detail = (await get(`/${asset.id}`)).json();
    const keys: string[] = [detail.storage.storageKey, ...detail.derivatives.map((d: { storageKey: string }) => d.storageKey)];
    expect(keys.length).toBeGreaterThan(3);
    for (const key of keys) expect(existsSync(path.join(dir, 'objects', key))).toBe(true);
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: url(`/${asset.id}/purge`), headers: bearer(authorOne.token) }), 403, 'permission_denied');
    const purged = await admiral.app.inject({ method: 'DELETE', url: url(`/${asset.id}/purge`), headers: editor });
    expect(purged.statusCode, purged.body).toBe(204);
    for (const key of keys) expect(existsSync(path.join(dir, 'objects', key))).toBe(false);
    const left = await admiral.db.ownerQuery(
      'SELECT (SELECT count(*)::int FROM media_assets WHERE id = $1) + (SELECT count(*)::int FROM media_storage WHERE media_asset_id = $1) + (SELECT count(*)::int FROM media_derivatives WHERE media_asset_id = $1) AS n',
      [asset.id],
    );
    expect(left.rows[0]?.n).toBe(0);
    expect((await mediaAudits(admiral, asset.id)).map((a) => [a.action, a.metadata.reason ?? null])).toEqual([
      ['media.uploaded', null],
      ['media.purged', 'manual'],
    ]);
    expectProblem(await get(`/${asset.id}`), 404, 'not_found');
  });

  it('a file still in use (an article’s featured image) is not purged: 409 media_in_use, nothing removed', async () => {
    const asset = await uploadOk(base, siteA, { token: 'editor', bytes: await image(30, 30, 'png', 51), filename: 'featured.png', type: 'image/png' });
    await admiral.db.ownerQuery('INSERT INTO articles (id, site_id, title, slug, featured_media_id) VALUES ($1, $2, $3, $4, $5)', [
      uuidv7(),
      siteA,
      'Hello',
      `hello-${Date.now()}`,
      asset.id,
    ]);
    const counts = await mediaCounts(admiral);
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: url(`/${asset.id}/purge`), headers: editor }), 409, 'media_in_use');
    expect(await mediaCounts(admiral)).toEqual(counts);
    expect(existsSync(path.join(dir, 'objects', (asset.storage as { storageKey: string }).storageKey))).toBe(true);
  });

  it('the purge job removes only files deleted longer ago than the retention period, as the system', async () => {
    const old = await uploadOk(base, siteA, { token: 'editor', bytes: Buffer.from('old news'), filename: 'old-news.txt', type: 'text/plain' });
    const recent = await uploadOk(base, siteA, { token: 'editor', bytes: Buffer.from('recent news'), filename: 'recent.txt', type: 'text/plain' });
    const live = await uploadOk(base, siteB, { token: 'editor', bytes: Buffer.from('live on b'), filename: 'live.txt', type: 'text/plain' });
    for (const id of [old.id, recent.id]) {
      expect((await admiral.app.inject({ method: 'DELETE', url: url(`/${id}`), headers: editor })).statusCode).toBe(200);
    }
    await admiral.db.ownerQuery("UPDATE media_assets SET deleted_at = now() - interval '31 days' WHERE id = $1", [old.id]);
    await runJob(admiral, 'media.purge-deleted');
    const remaining = (await admiral.db.ownerQuery<{ id: string }>('SELECT id FROM media_assets WHERE id = ANY($1)', [[old.id, recent.id, live.id]])).rows.map(
      (r) => r.id,
    );
    expect(remaining.sort()).toEqual([recent.id, live.id].sort());
    expect(existsSync(path.join(dir, 'objects', (old.storage as { storageKey: string }).storageKey))).toBe(false);
    expect(existsSync(path.join(dir, 'objects', (recent.storage as { storageKey: string }).storageKey))).toBe(true);
    const purged = (await mediaAudits(admiral, old.id)).find((a) => a.action === 'media.purged');
    expect(purged).toMatchObject({ actor_user_id: null, metadata: { reason: 'retention' } });
    const job = admiral.modules.flatMap((m) => m.jobs ?? []).find((j) => j.name === 'media.purge-deleted');
    expect(job?.schedule).toBe('23 * * * *');
  });
});

describe('ownership: authors change only their own uploads', () => {
  it('another author reads but may not edit, delete or revive it (403 not_owner); the uploader may', async () => {
    const bytes = await image(24, 24, 'png', 61);
    const mine = await uploadOk(base, siteA, { token: authorOne.token, bytes, filename: 'mine.png', type: 'image/png' });
    expect(mine.uploadedBy).toBe(authorOne.id);
    const two = bearer(authorTwo.token);
    const one = bearer(authorOne.token);
    expect((await get(`/${mine.id}`, two)).statusCode).toBe(200);
    expectProblem(await admiral.app.inject({ method: 'PATCH', url: url(`/${mine.id}`), headers: two, payload: { title: 'taken' } }), 403, 'not_owner');
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: url(`/${mine.id}`), headers: two }), 403, 'not_owner');
    expect((await admiral.app.inject({ method: 'PATCH', url: url(`/${mine.id}`), headers: one, payload: { title: 'Mine' } })).statusCode).toBe(200);
    expect((await admiral.app.inject({ method: 'DELETE', url: url(`/${mine.id}`), headers: one })).statusCode).toBe(200);
    // The same bytes from the other author would revive someone else's deleted file: refused, nothing changes.
    const revive = await upload(base, siteA, { token: authorTwo.token, bytes, filename: 'same.png', type: 'image/png' });
    expect(revive.status).toBe(403);
    expect(revive.body.code).toBe('not_owner');
    expectProblem(await admiral.app.inject({ method: 'POST', url: url(`/${mine.id}/restore`), headers: two }), 403, 'not_owner');
    expect((await admiral.app.inject({ method: 'POST', url: url(`/${mine.id}/restore`), headers: one })).statusCode).toBe(200);
    // An editor (unrestricted) may change it.
    expect((await admiral.app.inject({ method: 'PATCH', url: url(`/${mine.id}`), headers: editor, payload: { altText: 'Edited' } })).statusCode).toBe(200);
    const actions = (await mediaAudits(admiral, mine.id)).map((a) => [a.action, a.actor_user_id]);
    expect(actions).toEqual([
      ['media.uploaded', authorOne.id],
      ['media.updated', authorOne.id],
      ['media.deleted', authorOne.id],
      ['media.restored', authorOne.id],
      ['media.updated', EDITOR],
    ]);
  });
});

describe('tenant isolation', () => {
  it("one site's files are invisible from another, through the API and in the database (RLS)", async () => {
    const asset = await uploadOk(base, siteA, { token: 'editor', bytes: await image(20, 20, 'png', 71), filename: 'a-only.png', type: 'image/png' });
    await runJob(admiral, 'media.make-derivatives', { siteId: siteA, assetId: asset.id });
    for (const rest of [`/${asset.id}`, `/${asset.id}/content`, `/${asset.id}/derivatives/thumbnail`]) {
      expectProblem(await get(rest, editor, siteB), 404, 'not_found');
    }
    expectProblem(await admiral.app.inject({ method: 'PATCH', url: url(`/${asset.id}`, siteB), headers: editor, payload: { title: 'x' } }), 404, 'not_found');
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: url(`/${asset.id}/purge`, siteB), headers: editor }), 404, 'not_found');
    expect((await get('?limit=200', editor, siteB)).json().data.map((a: { id: string }) => a.id)).not.toContain(asset.id);
    const client = new pg.Client({ connectionString: admiral.db.runtimeUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('role', 'admiral_app', true), set_config('app.site_id', $1, true)", [siteB]);
      for (const table of ['media_assets', 'media_storage', 'media_derivatives']) {
        const column = table === 'media_assets' ? 'id' : 'media_asset_id';
        expect((await client.query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [asset.id])).rowCount, table).toBe(0);
      }
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    const derivatives = await admiral.db.ownerQuery<{ n: number }>('SELECT count(*)::int AS n FROM media_derivatives WHERE media_asset_id = $1', [asset.id]);
    expect(derivatives.rows[0]?.n).toBeGreaterThan(0);
    expect(filesUnder(path.join(dir, 'objects', siteB)).some((file) => file.includes(asset.id))).toBe(false);
  });
});
