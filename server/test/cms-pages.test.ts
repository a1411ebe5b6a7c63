import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import { asApp, auditActions, call, contentCounts, expectProblem, expectStatus, type Member, member, newSite, uniqueSlug, workflow } from './helpers/cms.js';
import { NO_RATE_LIMITS } from './helpers/identity.js';

let admiral: TestAdmiral;
let site: string;
let otherSite: string;
let author: Member;
let author2: Member;
let editor: Member;
let editor2: Member;

const url = (path = '', s = site) => `/v1/sites/${s}/pages${path}`;

async function create(who: Member, payload: Record<string, unknown> = {}, s = site) {
  const res = await call(admiral, who, 'POST', url('', s), { title: 'About', slug: uniqueSlug('about'), contentBody: 'Hello there', ...payload });
  expectStatus(res, 201);
  return { page: res.json(), etag: res.headers.etag as string };
}

async function publishedVersions(pageId: string): Promise<number[]> {
  const { rows } = await admiral.db.ownerQuery<{ version_number: number }>(
    'SELECT version_number FROM page_versions WHERE page_id = $1 AND is_published ORDER BY version_number',
    [pageId],
  );
  return rows.map((r) => r.version_number);
}

async function matches(pageId: string, query: string): Promise<boolean> {
  const { rows } = await admiral.db.ownerQuery<{ hit: boolean }>("SELECT search_vector @@ plainto_tsquery('english', $2) AS hit FROM pages WHERE id = $1", [
    pageId,
    query,
  ]);
  return rows[0]?.hit === true;
}

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  site = await newSite(admiral);
  otherSite = await newSite(admiral);
  author = await member(admiral, 'author', site);
  author2 = await member(admiral, 'author', site);
  editor = await member(admiral, 'editor', site);
  editor2 = await member(admiral, 'editor', site);
});
afterAll(async () => admiral?.stop());

describe('pages', () => {
  it('creates a page: version 1 holds title and content, the search document is built, the caller is the author', async () => {
    const slug = `company/${uniqueSlug('team')}`;
    const res = await call(admiral, author, 'POST', url(), { title: 'Our team', slug, contentBody: 'Engineers and gardeners', seo: { metaTitle: 'Team' } });
    expectStatus(res, 201);
    const page = res.json();
    expect(res.headers.location).toBe(url(`/${page.id}`));
    expect(page).toMatchObject({
      authorId: author.id,
      title: 'Our team',
      slug,
      contentBody: 'Engineers and gardeners',
      status: 'draft',
      versionNo: 1,
      publishedVersionNo: null,
      seo: { metaTitle: 'Team', metaDescription: null },
    });
    const { rows } = await admiral.db.ownerQuery(
      'SELECT version_number, title, content_body, created_by, is_published, note FROM page_versions WHERE page_id = $1',
      [page.id],
    );
    expect(rows).toEqual([
      { version_number: 1, title: 'Our team', content_body: 'Engineers and gardeners', created_by: author.id, is_published: false, note: 'Created' },
    ]);
    expect(await matches(page.id, 'gardeners')).toBe(true);
    expect(await matches(page.id, 'team')).toBe(true);
    const weights = await admiral.db.ownerQuery<{ v: string }>('SELECT search_vector::text AS v FROM pages WHERE id = $1', [page.id]);
    expect(weights.rows[0]?.v).toMatch(/'team':\d+A/);
    expect(weights.rows[0]?.v).toMatch(/'garden':\d+/);
    expect(await auditActions(admiral, page.id)).toEqual(['page.created']);
  });

  it('each save is a version and refreshes the search document in the same transaction; If-Match is required', async () => {
    const { page, etag } = await create(editor, { contentBody: 'original words' });
    expectProblem(await call(admiral, editor, 'PATCH', url(`/${page.id}`), { contentBody: 'x' }), 428, 'precondition_required');
    const saved = await call(admiral, editor, 'PATCH', url(`/${page.id}`), { title: 'Renamed', contentBody: 'fresh kumquats' }, { 'if-match': etag });
    expectStatus(saved, 200);
    expect(saved.json()).toMatchObject({ title: 'Renamed', contentBody: 'fresh kumquats', versionNo: 2 });
    expect(await matches(page.id, 'kumquats')).toBe(true);
    expect(await matches(page.id, 'original')).toBe(false);
    const before = await contentCounts(admiral);
    expectProblem(await call(admiral, editor2, 'PATCH', url(`/${page.id}`), { contentBody: 'lost update' }, { 'if-match': etag }), 412, 'precondition_failed');
    expect(await contentCounts(admiral)).toEqual(before);
  });

  it('exactly one version is published while live: an edit keeps the old one live, publishing flips it, unpublishing clears it', async () => {
    const { page } = await create(editor, { contentBody: 'v1' });
    const published = await call(admiral, editor, 'POST', url(`/${page.id}/publish`));
    expectStatus(published, 200);
    expect(published.json()).toMatchObject({ status: 'published', versionNo: 1, publishedVersionNo: 1, publishedAt: expect.any(String) });
    expect(await publishedVersions(page.id)).toEqual([1]);

    const edited = await call(admiral, editor, 'PATCH', url(`/${page.id}`), { contentBody: 'v2' }, { 'if-match': published.headers.etag as string });
    expect(edited.json()).toMatchObject({ status: 'draft', versionNo: 2, publishedVersionNo: 1, contentBody: 'v2' });
    expect(await publishedVersions(page.id)).toEqual([1]);
    const live = await admiral.db.ownerQuery('SELECT content_body FROM page_versions WHERE page_id = $1 AND is_published', [page.id]);
    expect(live.rows).toEqual([{ content_body: 'v1' }]);

    const republished = await call(admiral, editor, 'POST', url(`/${page.id}/publish`));
    expect(republished.json()).toMatchObject({ status: 'published', publishedVersionNo: 2, publishedAt: published.json().publishedAt });
    expect(await publishedVersions(page.id)).toEqual([2]);

    const off = await call(admiral, editor, 'POST', url(`/${page.id}/unpublish`));
    expect(off.json()).toMatchObject({ status: 'draft', publishedVersionNo: null });
    expect(await publishedVersions(page.id)).toEqual([]);
    expect(await auditActions(admiral, page.id)).toEqual(['page.created', 'page.published', 'page.updated', 'page.published', 'page.unpublished']);
  });

  it('authors change only their own pages (403 not_owner); slugs are unique per site (409 slug_taken); bad input writes nothing', async () => {
    const { page, etag } = await create(author);
    const before = await contentCounts(admiral);
    expectProblem(await call(admiral, author2, 'PATCH', url(`/${page.id}`), { title: 'Mine' }, { 'if-match': etag }), 403, 'not_owner');
    expectProblem(await call(admiral, author2, 'DELETE', url(`/${page.id}`)), 403, 'not_owner');
    expectProblem(await call(admiral, author, 'POST', url(), { title: 'Dup', slug: page.slug }), 409, 'slug_taken');
    expectProblem(await call(admiral, author, 'POST', url(), { title: 'Bad', slug: '/leading-slash' }), 400, 'validation_failed');
    expectProblem(await call(admiral, author, 'POST', url(), { title: 'Bad', slug: uniqueSlug(), body: 'articles have bodies' }), 400, 'validation_failed');
    expectProblem(await call(admiral, author, 'POST', url(`/${page.id}/publish`)), 403, 'permission_denied');
    expect(await contentCounts(admiral)).toEqual(before);
    expectStatus(await call(admiral, author2, 'GET', url(`/${page.id}`)), 200);
    const list = await call(admiral, author2, 'GET', url(`?authorId=${author.id}&q=About`));
    expect(list.json().data.map((p: { id: string }) => p.id)).toContain(page.id);
    expect(list.json().data[0]).not.toHaveProperty('contentBody');
  });

  it('starts a page from a page template (content and SEO), counting the use', async () => {
    const template = await call(admiral, editor, 'POST', `/v1/sites/${site}/content-templates`, {
      name: `Landing ${uniqueSlug()}`,
      contentType: 'page',
      templateData: { title: 'Landing page', contentBody: '# Welcome', seo: { metaDescription: 'Start here' } },
    });
    expectStatus(template, 201);
    const res = await call(admiral, author, 'POST', url(`/from-template/${template.json().id}`), { slug: uniqueSlug('landing') });
    expectStatus(res, 201);
    expect(res.json()).toMatchObject({
      title: 'Landing page',
      contentBody: '# Welcome',
      templateId: template.json().id,
      seo: { metaDescription: 'Start here' },
    });
    const { rows } = await admiral.db.ownerQuery<{ usage_count: number }>('SELECT usage_count FROM content_templates WHERE id = $1', [template.json().id]);
    expect(rows[0]?.usage_count).toBe(1);
  });

  it('keeps sites apart: 404 from another site, and RLS alone hides the page and its versions', async () => {
    const { page } = await create(editor);
    const outsider = await member(admiral, 'editor', otherSite);
    expectProblem(await call(admiral, outsider, 'GET', url(`/${page.id}`, otherSite)), 404, 'not_found');
    expectProblem(await call(admiral, outsider, 'POST', url(`/${page.id}/publish`, otherSite)), 404, 'not_found');
    const rows = await asApp(
      admiral,
      otherSite,
      'SELECT (SELECT count(*)::int FROM pages WHERE id = $1) AS pages, (SELECT count(*)::int FROM page_versions WHERE page_id = $1) AS versions',
      [page.id],
    );
    expect(rows).toEqual([{ pages: 0, versions: 0 }]);
  });
});

describe('page reviews and workflows', () => {
  it('a page workflow: publish refused until approved; reviews are content_reviews rows of the page; the submitter cannot review', async () => {
    const s = await newSite(admiral);
    const [auth, ed1, ed2] = [await member(admiral, 'author', s), await member(admiral, 'editor', s), await member(admiral, 'editor', s)];
    await workflow(admiral, await member(admiral, 'admin', s), s, ['page']);
    const { page } = await create(auth, {}, s);
    expectProblem(await call(admiral, ed1, 'POST', url(`/${page.id}/publish`, s)), 409, 'approval_required');
    expectStatus(await call(admiral, auth, 'POST', url(`/${page.id}/submit`, s)), 200);
    const changes = await call(admiral, ed1, 'POST', url(`/${page.id}/reviews`, s), { decision: 'request_changes', notes: 'Shorter' });
    expectStatus(changes, 201);
    expect((await call(admiral, ed1, 'GET', url(`/${page.id}`, s))).json().status).toBe('changes_requested');
    expectStatus(await call(admiral, auth, 'POST', url(`/${page.id}/submit`, s)), 200);
    const approve = await call(admiral, ed2, 'POST', url(`/${page.id}/reviews`, s), { decision: 'approve' });
    expectStatus(approve, 201);
    const reviews = await call(admiral, auth, 'GET', url(`/${page.id}/reviews`, s));
    expectStatus(reviews, 200);
    expect(reviews.json()).toEqual({ data: [approve.json(), changes.json()], nextCursor: null });
    expect(approve.json()).toMatchObject({ versionNo: 1, reviewerId: ed2.id, decision: 'approve', approvalRequestId: expect.any(String) });
    const stored = await admiral.db.ownerQuery<{ id: string; article_id: string | null; decision: string }>(
      'SELECT id, article_id, decision FROM content_reviews WHERE page_id = $1 ORDER BY id',
      [page.id],
    );
    expect(stored.rows).toEqual([
      { id: changes.json().id, article_id: null, decision: 'request_changes' },
      { id: approve.json().id, article_id: null, decision: 'approve' },
    ]);
    expectStatus(await call(admiral, ed1, 'POST', url(`/${page.id}/publish`, s)), 200);
    expect(await publishedVersions(page.id)).toEqual([1]);

    // Without a workflow on this site for articles; an editor's own page submission still needs someone else.
    const own = await create(ed1, {}, s);
    expectStatus(await call(admiral, ed1, 'POST', url(`/${own.page.id}/submit`, s)), 200);
    expectProblem(await call(admiral, ed1, 'POST', url(`/${own.page.id}/reviews`, s), { decision: 'approve' }), 403, 'own_submission');
  });

  it('without a workflow a single review decides, and the list pages with a cursor', async () => {
    const { page } = await create(author);
    expectStatus(await call(admiral, author, 'POST', url(`/${page.id}/submit`)), 200);
    expectProblem(await call(admiral, author, 'POST', url(`/${page.id}/reviews`), { decision: 'approve' }), 403, 'permission_denied');
    const rejected = await call(admiral, editor, 'POST', url(`/${page.id}/reviews`), { decision: 'reject', notes: 'No' });
    expectStatus(rejected, 201);
    expect((await call(admiral, editor, 'GET', url(`/${page.id}`))).json().status).toBe('draft');
    expectStatus(await call(admiral, author, 'POST', url(`/${page.id}/submit`)), 200);
    const approved = await call(admiral, editor2, 'POST', url(`/${page.id}/reviews`), { decision: 'approve' });
    expect((await call(admiral, editor, 'GET', url(`/${page.id}`))).json().status).toBe('approved');
    const first = await call(admiral, author, 'GET', url(`/${page.id}/reviews?limit=1`));
    expect(first.json().data).toEqual([approved.json()]);
    const second = await call(admiral, author, 'GET', url(`/${page.id}/reviews?limit=1&cursor=${encodeURIComponent(first.json().nextCursor)}`));
    expect(second.json()).toEqual({ data: [rejected.json()], nextCursor: null });
  });
});
