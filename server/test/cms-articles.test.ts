import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import {
  asApp,
  auditActions,
  auditRecords,
  call,
  contentCounts,
  expectProblem,
  expectStatus,
  type Member,
  member,
  newSite,
  term,
  uniqueSlug,
} from './helpers/cms.js';
import { NO_RATE_LIMITS } from './helpers/identity.js';

let admiral: TestAdmiral;
let site: string;
let otherSite: string;
let author: Member;
let author2: Member;
let editor: Member;
let editor2: Member;
let outsider: Member;

const url = (path = '', s = site) => `/v1/sites/${s}/articles${path}`;

async function create(who: Member, payload: Record<string, unknown> = {}, s = site) {
  const res = await call(admiral, who, 'POST', url('', s), { title: 'A title', slug: uniqueSlug(), ...payload });
  expectStatus(res, 201);
  return { article: res.json(), etag: res.headers.etag as string };
}

async function media(s: string, deleted = false): Promise<string> {
  const id = uuidv7();
  await admiral.db.ownerQuery(
    `INSERT INTO media_assets (id, site_id, filename, extension, media_type, mime_type, size_bytes, checksum, deleted_at)
     VALUES ($1, $2, 'a.png', 'png', 'image', 'image/png', 10, $3, $4)`,
    [id, s, randomBytes(32).toString('hex'), deleted ? new Date().toISOString() : null],
  );
  return id;
}

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  site = await newSite(admiral);
  otherSite = await newSite(admiral);
  author = await member(admiral, 'author', site);
  author2 = await member(admiral, 'author', site);
  editor = await member(admiral, 'editor', site);
  editor2 = await member(admiral, 'editor', site);
  outsider = await member(admiral, 'editor', otherSite);
});
afterAll(async () => admiral?.stop());

describe('creating', () => {
  it('creates a draft (201, Location, ETag), version 1 by the caller, categories, tags, SEO; audited', async () => {
    const category = await term(admiral, site, 'categories', uniqueSlug('cat'));
    const tag = await term(admiral, site, 'tags', uniqueSlug('tag'));
    const mediaId = await media(site);
    const slug = uniqueSlug();
    const res = await call(admiral, author, 'POST', url(), {
      title: 'Hello',
      slug,
      summary: 'Short',
      body: 'line one\nline two',
      featuredMediaId: mediaId,
      categoryIds: [category],
      tagIds: [tag],
      seo: { metaTitle: 'Meta', canonicalUrl: 'https://example.com/hello', structuredData: { '@type': 'Article' } },
    });
    expectStatus(res, 201);
    const article = res.json();
    expect(res.headers.location).toBe(url(`/${article.id}`));
    expect(res.headers.etag).toMatch(/^"/);
    expect(article).toMatchObject({
      siteId: site,
      authorId: author.id,
      title: 'Hello',
      slug,
      summary: 'Short',
      body: 'line one\nline two',
      featuredMediaId: mediaId,
      status: 'draft',
      versionNo: 1,
      publishedVersionNo: null,
      scheduledFor: null,
      publishedAt: null,
      categoryIds: [category],
      tagIds: [tag],
      seo: { metaTitle: 'Meta', metaDescription: null, canonicalUrl: 'https://example.com/hello', structuredData: { '@type': 'Article' } },
    });
    const { rows } = await admiral.db.ownerQuery(
      'SELECT version_no, edited_by, title, body, category_ids, tag_ids, note FROM article_versions WHERE article_id = $1',
      [article.id],
    );
    expect(rows).toEqual([
      { version_no: 1, edited_by: author.id, title: 'Hello', body: 'line one\nline two', category_ids: [category], tag_ids: [tag], note: 'Created' },
    ]);
    const [audit] = await auditRecords(admiral, article.id);
    expect(audit).toMatchObject({ action: 'article.created', actor_user_id: author.id, site_id: site });

    const got = await call(admiral, author, 'GET', url(`/${article.id}`));
    expectStatus(got, 200);
    expect(got.json()).toEqual(article);
    expect(got.headers.etag).toBe(res.headers.etag);
  });

  it('refuses a taken slug (409 slug_taken, pointer /slug), writing nothing', async () => {
    const { article } = await create(author);
    const before = await contentCounts(admiral);
    const res = await call(admiral, editor, 'POST', url(), { title: 'Other', slug: article.slug });
    expectProblem(res, 409, 'slug_taken');
    expect(res.json().errors).toEqual([{ in: 'body', pointer: '/slug', detail: expect.any(String) }]);
    expect(await contentCounts(admiral)).toEqual(before);
    // The same slug on another site is fine.
    await create(outsider, { slug: article.slug }, otherSite);
  });

  it("refuses another site's or unknown categories, tags and media (422 with pointers), and deleted media", async () => {
    const foreignCategory = await term(admiral, otherSite, 'categories', uniqueSlug('cat'));
    const foreignTag = await term(admiral, otherSite, 'tags', uniqueSlug('tag'));
    const ownCategory = await term(admiral, site, 'categories', uniqueSlug('cat'));
    const before = await contentCounts(admiral);
    const res = await call(admiral, editor, 'POST', url(), {
      title: 'X',
      slug: uniqueSlug(),
      categoryIds: [ownCategory, foreignCategory],
      tagIds: [uuidv7(), foreignTag],
      featuredMediaId: await media(otherSite),
    });
    expectProblem(res, 422, 'unknown_reference');
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/categoryIds/1', '/tagIds/0', '/tagIds/1', '/featuredMediaId']);
    const deleted = await call(admiral, editor, 'POST', url(), { title: 'X', slug: uniqueSlug(), featuredMediaId: await media(site, true) });
    expectProblem(deleted, 422, 'unknown_reference');
    expect(await contentCounts(admiral)).toEqual(before);
  });

  it('validates input: 400 with pointers for bad slugs, blank titles, unknown fields, non-http canonical URLs; 422 for big structured data', async () => {
    const before = await contentCounts(admiral);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: 'x', slug: 'Not A Slug' }, '/slug'],
      [{ title: '   ', slug: uniqueSlug() }, '/title'],
      [{ title: 'x', slug: uniqueSlug(), surprise: 1 }, '/surprise'],
      [{ title: 'x', slug: uniqueSlug(), seo: { canonicalUrl: 'ftp://example.com/x' } }, '/seo/canonicalUrl'],
      [{ title: 'x', slug: uniqueSlug(), seo: { canonicalUrl: '/relative' } }, '/seo/canonicalUrl'],
      [{ title: 'x', slug: uniqueSlug(), seo: { metaDescription: 'd'.repeat(501) } }, '/seo/metaDescription'],
      [{ title: 'x', slug: uniqueSlug(), categoryIds: ['nope'] }, '/categoryIds/0'],
    ];
    for (const [payload, pointer] of cases) {
      const res = await call(admiral, editor, 'POST', url(), payload);
      expectProblem(res, 400, 'validation_failed');
      expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    const big = await call(admiral, editor, 'POST', url(), { title: 'x', slug: uniqueSlug(), seo: { structuredData: { blob: 'x'.repeat(33 * 1024) } } });
    expectProblem(big, 422, 'structured_data_too_large');
    expect(big.json().errors[0].pointer).toBe('/seo/structuredData');
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 40; i++) deep = { nested: deep };
    expectProblem(
      await call(admiral, editor, 'POST', url(), { title: 'x', slug: uniqueSlug(), seo: { structuredData: deep } }),
      422,
      'structured_data_too_deep',
    );
    expect(await contentCounts(admiral)).toEqual(before);
  });

  it('needs articles.create: a member of another site gets 403', async () => {
    expectProblem(await call(admiral, outsider, 'POST', url(), { title: 'x', slug: uniqueSlug() }), 403, 'permission_denied');
  });
});

describe('saving', () => {
  it('needs If-Match: 428 without, 412 when stale; a second editor with the old ETag writes nothing', async () => {
    const { article, etag } = await create(editor, { body: 'v1' });
    expectProblem(await call(admiral, editor, 'PATCH', url(`/${article.id}`), { body: 'no precondition' }), 428, 'precondition_required');

    const first = await call(admiral, editor, 'PATCH', url(`/${article.id}`), { body: 'first editor' }, { 'if-match': etag });
    expectStatus(first, 200);
    expect(first.json()).toMatchObject({ body: 'first editor', versionNo: 2 });
    expect(first.headers.etag).not.toBe(etag);

    const before = await contentCounts(admiral);
    const second = await call(admiral, editor2, 'PATCH', url(`/${article.id}`), { body: 'second editor' }, { 'if-match': etag });
    expectProblem(second, 412, 'precondition_failed');
    expect(await contentCounts(admiral)).toEqual(before);
    const got = await call(admiral, editor2, 'GET', url(`/${article.id}`));
    expect(got.json()).toMatchObject({ body: 'first editor', versionNo: 2 });

    const retry = await call(admiral, editor2, 'PATCH', url(`/${article.id}`), { body: 'second editor' }, { 'if-match': got.headers.etag as string });
    expectStatus(retry, 200);
    expect(retry.json().versionNo).toBe(3);
  });

  it('writes an immutable version per save with every content field; a save that changes nothing writes nothing', async () => {
    const category = await term(admiral, site, 'categories', uniqueSlug('cat'));
    const { article, etag } = await create(editor, { title: 'One', body: 'b1' });
    const saved = await call(
      admiral,
      editor,
      'PATCH',
      url(`/${article.id}`),
      { title: 'Two', summary: 's', categoryIds: [category], note: 'Tightened the intro' },
      { 'if-match': etag },
    );
    expectStatus(saved, 200);
    const { rows } = await admiral.db.ownerQuery(
      'SELECT version_no, title, slug, summary, body, category_ids, tag_ids, note, edited_by FROM article_versions WHERE article_id = $1 ORDER BY version_no',
      [article.id],
    );
    expect(rows).toEqual([
      { version_no: 1, title: 'One', slug: article.slug, summary: null, body: 'b1', category_ids: [], tag_ids: [], note: 'Created', edited_by: editor.id },
      {
        version_no: 2,
        title: 'Two',
        slug: article.slug,
        summary: 's',
        body: 'b1',
        category_ids: [category],
        tag_ids: [],
        note: 'Tightened the intro',
        edited_by: editor.id,
      },
    ]);
    const audits = await auditRecords(admiral, article.id, 'article.updated');
    expect(audits[0]?.metadata).toMatchObject({ versionNo: 2, changedFields: ['title', 'summary', 'categoryIds'] });

    const before = await contentCounts(admiral);
    const same = await call(admiral, editor, 'PATCH', url(`/${article.id}`), { title: 'Two' }, { 'if-match': saved.headers.etag as string });
    expectStatus(same, 200);
    expect(same.json().versionNo).toBe(2);
    expect(await contentCounts(admiral)).toEqual(before);
    // A version row cannot be rewritten even by a bug: the application role lacks the privilege.
    await expect(admiral.db.ownerQuery("SET ROLE admiral_app; UPDATE article_versions SET title = 'x'")).rejects.toThrow(/permission denied/);
  });

  it('changes the slug only to a free one (409 slug_taken, nothing written) and replaces SEO (null removes it)', async () => {
    const { article: taken } = await create(editor);
    const { article, etag } = await create(editor, { seo: { metaTitle: 'T' } });
    const before = await contentCounts(admiral);
    expectProblem(await call(admiral, editor, 'PATCH', url(`/${article.id}`), { slug: taken.slug }, { 'if-match': etag }), 409, 'slug_taken');
    expect(await contentCounts(admiral)).toEqual(before);
    const seo = await call(admiral, editor, 'PATCH', url(`/${article.id}`), { seo: { metaDescription: 'D' } }, { 'if-match': etag });
    expectStatus(seo, 200);
    expect(seo.json().seo).toEqual({ metaTitle: null, metaDescription: 'D', canonicalUrl: null, structuredData: null });
    const removed = await call(admiral, editor, 'PATCH', url(`/${article.id}`), { seo: null }, { 'if-match': seo.headers.etag as string });
    expect(removed.json().seo).toBeNull();
    const { rows } = await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM seo_metadata WHERE article_id = $1', [article.id]);
    expect(rows[0]).toEqual({ n: 0 });
  });
});

describe('ownership', () => {
  it('authors change only their own articles (403 not_owner) but read everyone’s; editors change any', async () => {
    const { article: mine, etag: mineEtag } = await create(author);
    const { article: theirs, etag: theirsEtag } = await create(author2);
    expectStatus(await call(admiral, author, 'GET', url(`/${theirs.id}`)), 200);
    const list = await call(admiral, author, 'GET', url(`?authorId=${author2.id}`));
    expect(list.json().data.map((a: { id: string }) => a.id)).toContain(theirs.id);

    const before = await contentCounts(admiral);
    expectProblem(await call(admiral, author, 'PATCH', url(`/${theirs.id}`), { title: 'Mine now' }, { 'if-match': theirsEtag }), 403, 'not_owner');
    expectProblem(await call(admiral, author, 'POST', url(`/${theirs.id}/submit`)), 403, 'not_owner');
    expectProblem(await call(admiral, author, 'POST', url(`/${theirs.id}/archive`)), 403, 'not_owner');
    expectProblem(await call(admiral, author, 'DELETE', url(`/${theirs.id}`)), 403, 'not_owner');
    expectProblem(await call(admiral, author, 'POST', url(`/${theirs.id}/versions/1/restore`), undefined, { 'if-match': theirsEtag }), 403, 'not_owner');
    expect(await contentCounts(admiral)).toEqual(before);

    expectStatus(await call(admiral, author, 'PATCH', url(`/${mine.id}`), { title: 'Still mine' }, { 'if-match': mineEtag }), 200);
    expectStatus(await call(admiral, editor, 'PATCH', url(`/${theirs.id}`), { title: 'Edited' }, { 'if-match': theirsEtag }), 200);
    // Authors hold no publish permission at all.
    expectProblem(await call(admiral, author, 'POST', url(`/${mine.id}/publish`)), 403, 'permission_denied');
    expectStatus(await call(admiral, author, 'DELETE', url(`/${mine.id}`)), 204);
    expect(await auditActions(admiral, mine.id)).toEqual(['article.created', 'article.updated', 'article.deleted']);
    const { rows } = await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM article_versions WHERE article_id = $1', [mine.id]);
    expect(rows[0]).toEqual({ n: 0 });
  });
});

describe('listing', () => {
  it('filters by status, author, category, tag and title words; sorts; pages with a cursor', async () => {
    const s = await newSite(admiral);
    const ed = await member(admiral, 'editor', s);
    const category = await term(admiral, s, 'categories', 'news');
    const tag = await term(admiral, s, 'tags', 'hot');
    const ids: string[] = [];
    for (const [i, title] of ['Banana split', 'apple pie', 'Cherry tart', 'Apple crumble', 'Date loaf'].entries()) {
      const { article } = await create(ed, { title, categoryIds: i % 2 === 0 ? [category] : [], tagIds: i === 1 ? [tag] : [] }, s);
      ids.push(article.id);
    }
    await call(admiral, ed, 'POST', url(`/${ids[4]}/publish`, s));
    const get = async (query: string) => {
      const res = await call(admiral, ed, 'GET', url(query, s));
      expectStatus(res, 200);
      return res.json() as { data: Array<{ id: string; title: string }>; nextCursor: string | null };
    };
    expect((await get('')).data.map((a) => a.id)).toEqual([...ids].reverse());
    expect((await get(`?categoryId=${category}`)).data.map((a) => a.title)).toEqual(['Date loaf', 'Cherry tart', 'Banana split']);
    expect((await get(`?tagId=${tag}`)).data.map((a) => a.title)).toEqual(['apple pie']);
    expect((await get('?q=apple')).data.map((a) => a.title)).toEqual(['Apple crumble', 'apple pie']);
    expect((await get('?status=published')).data.map((a) => a.title)).toEqual(['Date loaf']);
    expect((await get(`?authorId=${ed.id}&status=draft`)).data).toHaveLength(4);
    const all = (await get('?sort=title')).data.map((a) => a.title);
    expect(new Set(all)).toEqual(new Set(['Banana split', 'apple pie', 'Cherry tart', 'Apple crumble', 'Date loaf']));
    expect((await get('?sort=-title')).data.map((a) => a.title)).toEqual([...all].reverse());
    const first = await get('?sort=title&limit=2');
    const titles = [...first.data.map((a) => a.title)];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await get(`?sort=title&limit=2&cursor=${encodeURIComponent(cursor)}`);
      titles.push(...page.data.map((a) => a.title));
      cursor = page.nextCursor;
    }
    expect(titles).toEqual(all);
    expect((await get('?limit=1')).data[0]).not.toHaveProperty('body');
    expectProblem(await call(admiral, ed, 'GET', url('?cursor=garbage', s)), 400, 'invalid_cursor');
    expectProblem(await call(admiral, ed, 'GET', url('?sort=body', s)), 400, 'validation_failed');
  });
});

describe('templates', () => {
  it('starts an article from a template (content, SEO), counts the use in the same transaction; refuses page templates', async () => {
    const made = await call(admiral, editor, 'POST', `/v1/sites/${site}/content-templates`, {
      name: `Press release ${uniqueSlug()}`,
      contentType: 'article',
      templateData: { title: 'Press release: Ünïcode News', summary: 'For immediate release', body: '## Heading', seo: { metaTitle: 'PR' } },
    });
    expectStatus(made, 201);
    const template = made.json();
    const res = await call(admiral, author, 'POST', url(`/from-template/${template.id}`), {});
    expectStatus(res, 201);
    expect(res.json()).toMatchObject({
      title: 'Press release: Ünïcode News',
      slug: 'press-release-unicode-news',
      summary: 'For immediate release',
      body: '## Heading',
      authorId: author.id,
      templateId: template.id,
      versionNo: 1,
      seo: { metaTitle: 'PR' },
    });
    const { rows } = await admiral.db.ownerQuery<{ usage_count: number }>('SELECT usage_count FROM content_templates WHERE id = $1', [template.id]);
    expect(rows[0]?.usage_count).toBe(1);
    const version = await admiral.db.ownerQuery('SELECT note FROM article_versions WHERE article_id = $1', [res.json().id]);
    expect(version.rows[0]?.note).toBe(`Created from template "${template.name}"`);

    // Same title again: the derived slug is taken, and nothing (not even the usage count) changes.
    const before = await contentCounts(admiral);
    expectProblem(await call(admiral, author, 'POST', url(`/from-template/${template.id}`), {}), 409, 'slug_taken');
    expect(await contentCounts(admiral)).toEqual(before);
    const again = await admiral.db.ownerQuery<{ usage_count: number }>('SELECT usage_count FROM content_templates WHERE id = $1', [template.id]);
    expect(again.rows[0]?.usage_count).toBe(1);
    const custom = await call(admiral, author, 'POST', url(`/from-template/${template.id}`), { title: 'Custom', slug: uniqueSlug() });
    expect(custom.json().title).toBe('Custom');

    const pageTemplate = await call(admiral, editor, 'POST', `/v1/sites/${site}/content-templates`, {
      name: `Landing ${uniqueSlug()}`,
      contentType: 'page',
      templateData: { title: 'Landing' },
    });
    expectProblem(await call(admiral, author, 'POST', url(`/from-template/${pageTemplate.json().id}`), {}), 422, 'template_type_mismatch');
    expectProblem(await call(admiral, author, 'POST', url(`/from-template/${uuidv7()}`), {}), 404, 'not_found');
  });
});

describe('isolation', () => {
  it("keeps sites apart: another site's member sees 404, the other site's list is empty, and RLS alone holds", async () => {
    const { article, etag } = await create(editor);
    expectProblem(await call(admiral, outsider, 'GET', url(`/${article.id}`, otherSite)), 404, 'not_found');
    expectProblem(await call(admiral, outsider, 'PATCH', url(`/${article.id}`, otherSite), { title: 'x' }, { 'if-match': etag }), 404, 'not_found');
    expectProblem(await call(admiral, outsider, 'DELETE', url(`/${article.id}`, otherSite)), 404, 'not_found');
    expectProblem(await call(admiral, outsider, 'GET', url(`/${article.id}`)), 403, 'permission_denied');
    // As the application role bound to the other site, without any WHERE on the site: RLS alone hides the rows.
    const rows = await asApp(
      admiral,
      otherSite,
      `SELECT (SELECT count(*)::int FROM articles WHERE id = $1) AS articles, (SELECT count(*)::int FROM article_versions WHERE article_id = $1) AS versions`,
      [article.id],
    );
    expect(rows).toEqual([{ articles: 0, versions: 0 }]);
  });
});
