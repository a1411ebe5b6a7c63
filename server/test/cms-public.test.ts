import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount, createUser, expectProblem, insertSites } from './helpers/access.js';
import { bearer, startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import {
  type ArticleFixture,
  editArticle,
  editPage,
  insertArticle,
  insertPage,
  insertTerm,
  publishArticle,
  setArticleSeo,
  takeDown,
} from './helpers/cms-published.js';
import { createUser as createSignedUpUser, NO_RATE_LIMITS, signInOk } from './helpers/identity.js';

let admiral: TestAdmiral;
const siteA = uuidv7();
const siteB = uuidv7();
const suspended = uuidv7();
const archivedSite = uuidv7();
let author: string;
let news: string;
let releases: string;
let rust: string;
let live: ArticleFixture;

const base = (site = siteA) => `/v1/sites/${site}/public`;
const get = (url: string, headers: Record<string, string> = {}) => admiral.app.inject({ method: 'GET', url, headers });

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  await insertSites(admiral, siteA, siteB, suspended, archivedSite);
  await admiral.db.ownerQuery(`UPDATE sites SET status = 'suspended' WHERE id = $1`, [suspended]);
  await admiral.db.ownerQuery(`UPDATE sites SET status = 'archived' WHERE id = $1`, [archivedSite]);
  author = await createUser(admiral);
  await admiral.db.ownerQuery(`UPDATE users SET display_name = 'Ada Lovelace', name = 'Ada L.' WHERE id = $1`, [author]);
  news = await insertTerm(admiral, 'categories', siteA, 'News', 'news');
  releases = await insertTerm(admiral, 'categories', siteA, 'Releases', 'releases');
  rust = await insertTerm(admiral, 'tags', siteA, 'Rust', 'rust');
  live = await insertArticle(
    admiral,
    siteA,
    {
      title: 'Hello world',
      slug: 'hello-world',
      summary: 'The first post',
      body: 'Published body text.',
      categoryIds: [news],
      tagIds: [rust],
      authorId: author,
    },
    { publishedAt: '2026-01-01T10:00:00.000Z' },
  );
  await setArticleSeo(admiral, live, { metaTitle: 'Hello | Site', metaDescription: 'A greeting' });
});
afterAll(async () => admiral?.stop());

describe('GET /public/articles/{slug}', () => {
  it('serves the published version with SEO, terms, author and dates, without credentials, cacheable', async () => {
    const before = await auditCount(admiral);
    const res = await get(`${base()}/articles/hello-world`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: live.id,
      slug: 'hello-world',
      title: 'Hello world',
      summary: 'The first post',
      body: 'Published body text.',
      version: 1,
      authorName: 'Ada Lovelace',
      categories: [{ name: 'News', slug: 'news' }],
      tags: [{ name: 'Rust', slug: 'rust' }],
      publishedAt: '2026-01-01T10:00:00.000Z',
      seo: { metaTitle: 'Hello | Site', metaDescription: 'A greeting', canonicalUrl: 'https://example.test/canonical', structuredData: { '@type': 'Article' } },
    });
    expect(res.json().updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(res.headers.vary).toMatch(/Accept-Encoding/);
    expect(res.headers.etag).toMatch(/^"[^"]+"$/);
    // A read writes nothing.
    expect(await auditCount(admiral)).toBe(before);
  });

  it('answers If-None-Match with 304 and no body, keeping the validators and cache headers', async () => {
    const first = await get(`${base()}/articles/hello-world`);
    const etag = first.headers.etag as string;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await get(`${base()}/articles/hello-world`, { 'if-none-match': header });
      expect(again.statusCode, header).toBe(304);
      expect(again.body).toBe('');
      // A 304 has no body, so it announces none (a Content-Length would make clients wait for bytes that never come).
      expect(again.headers['content-length']).toBeUndefined();
      expect(again.headers['content-type']).toBeUndefined();
      expect(again.headers.etag).toBe(etag);
      expect(again.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    }
    expect((await get(`${base()}/articles/hello-world`, { 'if-none-match': '"stale"' })).statusCode).toBe(200);
  });

  it('keeps serving the published version (and its ETag) while the working copy differs; a publish changes both', async () => {
    const article = await insertArticle(admiral, siteA, { title: 'Stable', slug: 'stable', body: 'Live words.', categoryIds: [news] });
    const before = await get(`${base()}/articles/stable`);
    await editArticle(admiral, article, { title: 'Secret draft title', slug: 'stable', body: 'Unreleased words.', categoryIds: [releases] });
    const during = await get(`${base()}/articles/stable`);
    expect(during.statusCode).toBe(200);
    expect(during.json()).toMatchObject({ title: 'Stable', body: 'Live words.', version: 1, categories: [{ slug: 'news' }] });
    expect(during.body).not.toContain('Secret');
    expect(during.headers.etag).toBe(before.headers.etag);
    expect((await get(`${base()}/articles/stable`, { 'if-none-match': before.headers.etag as string })).statusCode).toBe(304);

    await publishArticle(admiral, article);
    const after = await get(`${base()}/articles/stable`, { 'if-none-match': before.headers.etag as string });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ title: 'Secret draft title', body: 'Unreleased words.', version: 2, categories: [{ slug: 'releases' }] });
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('changes the ETag when something shown but not versioned changes (SEO)', async () => {
    const article = await insertArticle(admiral, siteA, { title: 'Seo', slug: 'seo-changes' });
    await setArticleSeo(admiral, article, { metaTitle: 'One' });
    const one = await get(`${base()}/articles/seo-changes`);
    await setArticleSeo(admiral, article, { metaTitle: 'Two' });
    const two = await get(`${base()}/articles/seo-changes`);
    expect(two.json().seo.metaTitle).toBe('Two');
    expect(two.headers.etag).not.toBe(one.headers.etag);
  });

  it('names the author by display name, else name, else first and last name, and never a deleted account', async () => {
    const names: Array<[Record<string, string | null>, string | null]> = [
      [{ display_name: '  ', name: 'Grace H.', first_name: 'Grace', last_name: 'Hopper' }, 'Grace H.'],
      [{ display_name: null, name: null, first_name: 'Grace', last_name: 'Hopper' }, 'Grace Hopper'],
      [{ display_name: null, name: null, first_name: null, last_name: null }, null],
    ];
    for (const [i, [columns, expected]] of names.entries()) {
      const user = await createUser(admiral);
      await admiral.db.ownerQuery('UPDATE users SET display_name = $2, name = $3, first_name = $4, last_name = $5 WHERE id = $1', [
        user,
        columns.display_name,
        columns.name,
        columns.first_name,
        columns.last_name,
      ]);
      await insertArticle(admiral, siteA, { title: 'By', slug: `by-${i}`, authorId: user });
      expect((await get(`${base()}/articles/by-${i}`)).json().authorName).toBe(expected);
    }
    const gone = await createUser(admiral);
    await admiral.db.ownerQuery(`UPDATE users SET display_name = 'Former Staff', status = 'deleted' WHERE id = $1`, [gone]);
    await insertArticle(admiral, siteA, { title: 'Orphan', slug: 'orphan', authorId: gone });
    const orphan = await get(`${base()}/articles/orphan`);
    expect(orphan.json().authorName).toBeNull();
    expect(orphan.body).not.toContain('@');
  });

  it('never serves drafts, content in review, scheduled, unpublished or archived articles (404)', async () => {
    await insertArticle(admiral, siteA, { title: 'Draft', slug: 'draft-only' }, { status: 'draft' });
    await insertArticle(admiral, siteA, { title: 'Review', slug: 'in-review' }, { status: 'in_review' });
    await insertArticle(admiral, siteA, { title: 'Later', slug: 'scheduled' }, { status: 'scheduled' });
    const unpublished = await insertArticle(admiral, siteA, { title: 'Gone', slug: 'unpublished' });
    await takeDown(admiral, unpublished, 'draft');
    const archived = await insertArticle(admiral, siteA, { title: 'Old', slug: 'archived' });
    await takeDown(admiral, archived, 'archived');
    for (const slug of ['draft-only', 'in-review', 'scheduled', 'unpublished', 'archived', 'no-such-article']) {
      const res = await get(`${base()}/articles/${slug}`);
      expectProblem(res, 404, 'not_found');
      expect(res.headers['cache-control']).toBeUndefined();
    }
  });

  it('is isolated by site: the same slug on two sites serves each its own; another site’s slug is not found', async () => {
    await insertArticle(admiral, siteB, { title: 'Hello from B', slug: 'hello-world', body: 'B body' });
    await insertArticle(admiral, siteB, { title: 'Only on B', slug: 'only-on-b' });
    expect((await get(`${base(siteB)}/articles/hello-world`)).json()).toMatchObject({ title: 'Hello from B', body: 'B body' });
    expect((await get(`${base()}/articles/hello-world`)).json()).toMatchObject({ id: live.id, title: 'Hello world' });
    expectProblem(await get(`${base()}/articles/only-on-b`), 404, 'not_found');
  });

  it('answers 404 for suspended, archived and unknown sites', async () => {
    await insertArticle(admiral, suspended, { title: 'Suspended', slug: 'hello-world' });
    await insertArticle(admiral, archivedSite, { title: 'Archived', slug: 'hello-world' });
    for (const site of [suspended, archivedSite, uuidv7()]) {
      for (const path of ['articles/hello-world', 'articles', 'pages/about', 'search?q=hello']) {
        expectProblem(await get(`${base(site)}/${path}`), 404, 'not_found');
      }
    }
  });

  it('refuses malformed input with 400', async () => {
    expectProblem(await get(`${base()}/articles/Not_A_Slug`), 400, 'validation_failed');
    expectProblem(await get(`/v1/sites/not-a-uuid/public/articles/hello-world`), 400, 'validation_failed');
    expectProblem(await get(`${base()}/articles/${'a'.repeat(201)}`), 400, 'validation_failed');
  });

  it('ignores credentials: a bad token does not turn a public read into a 401', async () => {
    expect((await get(`${base()}/articles/hello-world`, bearer('not-a-token'))).statusCode).toBe(200);
    expect((await get(`${base()}/articles/hello-world`, superAdmin)).statusCode).toBe(200);
  });
});

describe('GET /public/pages/{slug}', () => {
  it('serves the is_published version while a newer draft version exists, with ETag and 304', async () => {
    const page = await insertPage(admiral, siteA, { title: 'About us', slug: 'about', contentBody: 'We build ships.', authorId: author });
    const first = await get(`${base()}/pages/about`);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      id: page.id,
      slug: 'about',
      title: 'About us',
      contentBody: 'We build ships.',
      version: 1,
      authorName: 'Ada Lovelace',
      seo: null,
    });
    expect(first.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    await editPage(admiral, page, { title: 'About (draft)', contentBody: 'Secret plans.' });
    const during = await get(`${base()}/pages/about`, { 'if-none-match': first.headers.etag as string });
    expect(during.statusCode).toBe(304);
    const full = await get(`${base()}/pages/about`);
    expect(full.json()).toMatchObject({ title: 'About us', contentBody: 'We build ships.', version: 1 });
    expect(full.body).not.toContain('Secret');
  });

  it('serves nested slugs (sent with %2F) and never a page without a published version', async () => {
    await insertPage(admiral, siteA, { title: 'Team', slug: 'about/team', contentBody: 'People.' });
    await insertPage(admiral, siteA, { title: 'Unreleased', slug: 'unreleased', contentBody: 'Hidden.' }, 'draft');
    expect((await get(`${base()}/pages/about%2Fteam`)).json()).toMatchObject({ title: 'Team', slug: 'about/team' });
    expectProblem(await get(`${base()}/pages/unreleased`), 404, 'not_found');
    expectProblem(await get(`${base(siteB)}/pages/about`), 404, 'not_found');
  });
});

describe('GET /public/articles', () => {
  it('lists published articles only, newest published first, with cursor pagination and cache headers', async () => {
    const site = uuidv7();
    await insertSites(admiral, site);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const article = await insertArticle(
        admiral,
        site,
        { title: `Post ${i}`, slug: `post-${i}`, body: 'x' },
        { publishedAt: `2026-02-0${i + 1}T00:00:00.000Z` },
      );
      made.push(article.id);
    }
    await insertArticle(admiral, site, { title: 'Draft', slug: 'draft' }, { status: 'draft' });
    const edited = await insertArticle(admiral, site, { title: 'Edited live', slug: 'edited' }, { publishedAt: '2026-01-15T00:00:00.000Z' });
    await editArticle(admiral, edited, { title: 'Edited secret', slug: 'edited' });

    const first = await get(`${base(site)}/articles?limit=3`);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(first.headers.etag).toBeDefined();
    const page1 = first.json() as { data: Array<{ id: string; title: string }>; nextCursor: string };
    expect(page1.data.map((a) => a.title)).toEqual(['Post 4', 'Post 3', 'Post 2']);
    expect(page1.data[0]).not.toHaveProperty('body');
    const second = (await get(`${base(site)}/articles?limit=3&cursor=${page1.nextCursor}`)).json() as typeof page1;
    expect(second.data.map((a) => a.title)).toEqual(['Post 1', 'Post 0', 'Edited live']);
    expect(second.nextCursor).toBeNull();
    expect(JSON.stringify([page1, second])).not.toContain('secret');
    expect((await get(`${base(site)}/articles`, { 'if-none-match': first.headers.etag as string })).statusCode).toBe(200);
    const all = await get(`${base(site)}/articles`);
    expect((await get(`${base(site)}/articles`, { 'if-none-match': all.headers.etag as string })).statusCode).toBe(304);
  });

  it('filters by the published version’s category and tag slugs (unknown slug: nothing)', async () => {
    const launches = await insertTerm(admiral, 'categories', siteA, 'Launches', 'launches');
    const tagged = await insertArticle(admiral, siteA, { title: 'Tagged launch', slug: 'tagged-launch', categoryIds: [launches], tagIds: [rust] });
    const moving = await insertArticle(admiral, siteA, { title: 'Moving', slug: 'moving', categoryIds: [news] });
    // Working copies move between categories: the public filter follows the published versions.
    await editArticle(admiral, tagged, { title: 'Tagged launch', slug: 'tagged-launch', categoryIds: [news] });
    await editArticle(admiral, moving, { title: 'Moving', slug: 'moving', categoryIds: [launches] });
    const byCategory = (await get(`${base()}/articles?category=launches`)).json() as { data: Array<{ id: string }> };
    expect(byCategory.data.map((a) => a.id)).toEqual([tagged.id]);
    const byBoth = (await get(`${base()}/articles?category=launches&tag=rust`)).json() as { data: Array<{ id: string }> };
    expect(byBoth.data.map((a) => a.id)).toEqual([tagged.id]);
    const byTag = (await get(`${base()}/articles?tag=rust`)).json() as { data: Array<{ id: string }> };
    expect(byTag.data.map((a) => a.id).sort()).toEqual([live.id, tagged.id].sort());
    expect((await get(`${base()}/articles?category=no-such-category`)).json()).toEqual({ data: [], nextCursor: null });
    // Another site's category of the same slug does not leak in.
    await insertTerm(admiral, 'categories', siteB, 'Launches on B', 'launches');
    expect(((await get(`${base(siteB)}/articles?category=launches`)).json() as { data: unknown[] }).data).toEqual([]);
  });

  it('refuses bad paging input with 400', async () => {
    expectProblem(await get(`${base()}/articles?limit=0`), 400, 'validation_failed');
    expectProblem(await get(`${base()}/articles?limit=51`), 400, 'validation_failed');
    expectProblem(await get(`${base()}/articles?cursor=garbage`), 400, 'invalid_cursor');
    const foreign = Buffer.from(JSON.stringify(['-id', 'x', uuidv7()])).toString('base64url');
    expectProblem(await get(`${base()}/articles?cursor=${foreign}`), 400, 'invalid_cursor');
    const badValue = Buffer.from(JSON.stringify(['-publishedAt', 42, uuidv7()])).toString('base64url');
    expectProblem(await get(`${base()}/articles?cursor=${badValue}`), 400, 'invalid_cursor');
    expectProblem(await get(`${base()}/articles?category=UPPER`), 400, 'validation_failed');
    expectProblem(await get(`${base()}/articles?unknown=1`), 400, 'validation_failed');
  });
});

describe('Host-based site resolution', () => {
  it('serves /v1/public/… for the site a mapped Host names, and only that site', async () => {
    for (const [site, domainName] of [
      [siteA, 'blog.example.test'],
      [siteB, 'b.example.test'],
    ] as const) {
      const res = await admiral.app.inject({ method: 'POST', url: `/v1/sites/${site}/domains`, headers: superAdmin, payload: { domainName } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const onA = await get('/v1/public/articles/hello-world', { host: 'blog.example.test' });
    expect(onA.statusCode, onA.body).toBe(200);
    expect(onA.json()).toMatchObject({ id: live.id, title: 'Hello world' });
    expect((await get('/v1/public/articles/hello-world', { host: 'b.example.test' })).json()).toMatchObject({ title: 'Hello from B' });
    expectProblem(await get('/v1/public/articles/only-on-b', { host: 'blog.example.test' }), 404, 'not_found');
    expect((await get('/v1/public/articles?limit=1', { host: 'blog.example.test:443' })).statusCode).toBe(200);
    expect((await get('/v1/public/search?q=hello', { host: 'blog.example.test' })).statusCode).toBe(200);
    // No mapping: no site, so no such route.
    expectProblem(await get('/v1/public/articles/hello-world', { host: 'unmapped.example.test' }), 404, 'route_not_found');
  });
});

describe('through the editing routes', () => {
  it('a published article stays live, unchanged, while an editor saves a new working copy; publishing swaps it; unpublishing removes it', async () => {
    const user = await createSignedUpUser(admiral);
    const granted = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/memberships`,
      headers: superAdmin,
      payload: { userId: user.id, role: 'editor' },
    });
    expect(granted.statusCode, granted.body).toBe(201);
    const editor = bearer((await signInOk(admiral, user)).token);
    const articles = `/v1/sites/${siteA}/articles`;

    const created = await admiral.app.inject({
      method: 'POST',
      url: articles,
      headers: editor,
      payload: { title: 'Route-made', slug: 'route-made', body: 'First words.', seo: { metaTitle: 'Route made' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: string }).id;
    expectProblem(await get(`${base()}/articles/route-made`), 404, 'not_found');
    const published = await admiral.app.inject({ method: 'POST', url: `${articles}/${id}/publish`, headers: editor });
    expect(published.statusCode, published.body).toBeLessThan(300);
    const live1 = await get(`${base()}/articles/route-made`);
    expect(live1.json()).toMatchObject({ id, title: 'Route-made', body: 'First words.', version: 1, seo: { metaTitle: 'Route made' } });

    const current = await admiral.app.inject({ method: 'GET', url: `${articles}/${id}`, headers: editor });
    const saved = await admiral.app.inject({
      method: 'PATCH',
      url: `${articles}/${id}`,
      headers: { ...editor, 'if-match': current.headers.etag as string },
      payload: { title: 'Route-made, revised', body: 'Second words.' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const during = await get(`${base()}/articles/route-made`, { 'if-none-match': live1.headers.etag as string });
    expect(during.statusCode).toBe(304);
    expect((await get(`${base()}/articles/route-made`)).json()).toMatchObject({ title: 'Route-made', body: 'First words.', version: 1 });
    expect(((await get(`${base()}/search?q=revised`)).json() as { data: unknown[] }).data).toEqual([]);

    expect((await admiral.app.inject({ method: 'POST', url: `${articles}/${id}/publish`, headers: editor })).statusCode).toBeLessThan(300);
    const live2 = await get(`${base()}/articles/route-made`, { 'if-none-match': live1.headers.etag as string });
    expect(live2.statusCode).toBe(200);
    expect(live2.json()).toMatchObject({ title: 'Route-made, revised', body: 'Second words.', version: 2 });
    expect(((await get(`${base()}/search?q=revised`)).json() as { data: Array<{ id: string }> }).data.map((h) => h.id)).toEqual([id]);

    expect((await admiral.app.inject({ method: 'POST', url: `${articles}/${id}/unpublish`, headers: editor })).statusCode).toBeLessThan(300);
    expectProblem(await get(`${base()}/articles/route-made`), 404, 'not_found');
  });
});
