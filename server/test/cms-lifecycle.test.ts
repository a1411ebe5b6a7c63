import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import {
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
  workflow,
} from './helpers/cms.js';
import { NO_RATE_LIMITS } from './helpers/identity.js';

let admiral: TestAdmiral;
/** No workflow applies on this site. */
let plain: string;
/** Articles here go through a one-step workflow (articles.review, one approval). */
let governed: string;
let author: Member;
let editor: Member;
let editor2: Member;

const url = (site: string, path = '') => `/v1/sites/${site}/articles${path}`;

/** A handle on one article: act as someone, with the ETag kept current. */
async function article(site: string, who: Member, payload: Record<string, unknown> = {}) {
  const created = await call(admiral, who, 'POST', url(site), { title: 'Story', slug: uniqueSlug(), body: 'v1', ...payload });
  expectStatus(created, 201);
  const id = created.json().id as string;
  let etag = created.headers.etag as string;
  const remember = (res: LightMyRequestResponse) => {
    if (res.statusCode === 200 && typeof res.headers.etag === 'string') etag = res.headers.etag;
    return res;
  };
  return {
    id,
    edit: async (as: Member, change: Record<string, unknown>) => remember(await call(admiral, as, 'PATCH', url(site, `/${id}`), change, { 'if-match': etag })),
    action: async (as: Member, name: string, body?: unknown) => remember(await call(admiral, as, 'POST', url(site, `/${id}/${name}`), body)),
    /** A review answers with the decision, not the article: re-read it (as a client would) for the new ETag. */
    review: async (as: Member, decision: string, notes?: string) => {
      const res = await call(admiral, as, 'POST', url(site, `/${id}/reviews`), { decision, ...(notes ? { notes } : {}) });
      remember(await call(admiral, as, 'GET', url(site, `/${id}`)));
      return res;
    },
    get: async (as: Member = editor) => remember(await call(admiral, as, 'GET', url(site, `/${id}`))),
    row: async () =>
      (
        await admiral.db.ownerQuery<{ status: string; version_no: number; published_version_no: number | null; published_at: string | null }>(
          'SELECT status, version_no, published_version_no, published_at FROM articles WHERE id = $1',
          [id],
        )
      ).rows[0],
    requests: async () =>
      (
        await admiral.db.ownerQuery<{ status: string; target_version: number; requested_by: string | null }>(
          "SELECT status, target_version, requested_by FROM approval_requests WHERE target_type = 'article' AND target_id = $1 ORDER BY id",
          [id],
        )
      ).rows,
  };
}

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  plain = await newSite(admiral);
  governed = await newSite(admiral);
  author = await member(admiral, 'author', plain, governed);
  editor = await member(admiral, 'editor', plain, governed);
  editor2 = await member(admiral, 'editor', plain, governed);
  await workflow(admiral, await member(admiral, 'admin', governed), governed, ['article']);
});
afterAll(async () => admiral?.stop());

describe('without a workflow', () => {
  it('submit → one review decision by someone else → approved → published; the submitter cannot review', async () => {
    const a = await article(plain, author);
    expectStatus(await a.action(author, 'submit'), 200);
    expect((await a.get()).json().status).toBe('in_review');
    expectProblem(await a.action(author, 'submit'), 409, 'invalid_status');
    // Authors hold no review permission; the editor who submitted their own article may not review it.
    expectProblem(await a.review(author, 'approve'), 403, 'permission_denied');
    const own = await article(plain, editor);
    expectStatus(await own.action(editor, 'submit'), 200);
    const before = await contentCounts(admiral);
    expectProblem(await own.review(editor, 'approve'), 403, 'own_submission');
    expect(await contentCounts(admiral)).toEqual(before);
    expectStatus(await own.review(editor2, 'approve'), 201);

    const review = await a.review(editor, 'approve', 'Looks good');
    expectStatus(review, 201);
    expect(review.json()).toMatchObject({ versionNo: 1, reviewerId: editor.id, decision: 'approve', notes: 'Looks good', approvalRequestId: null });
    expect((await a.get()).json().status).toBe('approved');
    expectProblem(await a.review(editor2, 'reject'), 409, 'not_in_review');
    const reviews = await call(admiral, author, 'GET', url(plain, `/${a.id}/reviews`));
    expect(reviews.json()).toEqual({ data: [review.json()], nextCursor: null });

    const published = await a.action(editor, 'publish');
    expectStatus(published, 200);
    expect(published.json()).toMatchObject({ status: 'published', publishedVersionNo: 1, publishedAt: expect.any(String) });
    expectProblem(await a.action(editor, 'publish'), 409, 'already_published');
    expect(await auditActions(admiral, a.id)).toEqual(['article.created', 'article.submitted', 'article.reviewed', 'article.published']);
    const [audit] = await auditRecords(admiral, a.id, 'article.published');
    expect(audit).toMatchObject({ actor_user_id: editor.id, before: { status: 'approved' }, after: { status: 'published', publishedVersionNo: 1 } });
  });

  it('request_changes → changes_requested (kept while edited) → resubmit → reject → draft', async () => {
    const a = await article(plain, author);
    await a.action(author, 'submit');
    expectStatus(await a.review(editor, 'request_changes', 'More sources'), 201);
    expect((await a.row())?.status).toBe('changes_requested');
    expectStatus(await a.edit(author, { body: 'v2 with sources' }), 200);
    expect((await a.row())?.status).toBe('changes_requested');
    expectStatus(await a.action(author, 'submit'), 200);
    expectStatus(await a.review(editor, 'reject'), 201);
    expect((await a.row())?.status).toBe('draft');
  });

  it('publishes straight from draft; edits keep the published version live; republishing keeps the first publication time', async () => {
    const a = await article(plain, editor);
    expectStatus(await a.action(editor, 'publish'), 200);
    const first = await a.row();
    expect(first).toMatchObject({ status: 'published', version_no: 1, published_version_no: 1 });
    const edited = await a.edit(editor, { body: 'v2 draft' });
    expect(edited.json()).toMatchObject({ status: 'draft', versionNo: 2, publishedVersionNo: 1 });
    expect(await a.row()).toMatchObject({ status: 'draft', version_no: 2, published_version_no: 1 });
    // What readers get is still version 1.
    const { rows } = await admiral.db.ownerQuery(
      'SELECT v.body FROM articles a JOIN article_versions v ON v.article_id = a.id AND v.version_no = a.published_version_no WHERE a.id = $1',
      [a.id],
    );
    expect(rows).toEqual([{ body: 'v1' }]);
    const versions = await call(admiral, editor, 'GET', url(plain, `/${a.id}/versions`));
    expect(versions.json().data.map((v: { versionNo: number; isPublished: boolean }) => [v.versionNo, v.isPublished])).toEqual([
      [2, false],
      [1, true],
    ]);
    expectStatus(await a.action(editor, 'publish'), 200);
    expect(await a.row()).toMatchObject({ status: 'published', published_version_no: 2, published_at: first?.published_at });

    const off = await a.action(editor, 'unpublish');
    expect(off.json()).toMatchObject({ status: 'draft', publishedVersionNo: null });
    expectProblem(await a.action(editor, 'unpublish'), 409, 'not_published');
  });

  it('editing approved or in-review content sends it back to draft', async () => {
    const a = await article(plain, author);
    await a.action(author, 'submit');
    expectStatus(await a.edit(author, { body: 'changed in review' }), 200);
    expect((await a.row())?.status).toBe('draft');
    await a.action(author, 'submit');
    await a.review(editor, 'approve');
    expect((await a.row())?.status).toBe('approved');
    expectStatus(await a.edit(author, { title: 'Changed after approval' }), 200);
    expect((await a.row())?.status).toBe('draft');
  });

  it('archives (nothing live, 409 when already archived); an edit makes a draft again; delete removes the history', async () => {
    const a = await article(plain, author);
    await a.action(editor, 'publish');
    const archived = await a.action(author, 'archive');
    expect(archived.json()).toMatchObject({ status: 'archived', publishedVersionNo: null });
    expectProblem(await a.action(author, 'archive'), 409, 'invalid_status');
    expectStatus(await a.edit(author, { body: 'revived' }), 200);
    expect((await a.row())?.status).toBe('draft');
    expectStatus(await call(admiral, author, 'DELETE', url(plain, `/${a.id}`), undefined, { 'if-match': '"stale"' }), 412);
    expectStatus(await call(admiral, author, 'DELETE', url(plain, `/${a.id}`)), 204);
    const [deleted] = await auditRecords(admiral, a.id, 'article.deleted');
    expect(deleted?.before).toMatchObject({ status: 'draft', versionNo: 2 });
    expectProblem(await call(admiral, author, 'GET', url(plain, `/${a.id}`)), 404, 'not_found');
  });

  it('lifecycle actions honour If-Match when sent', async () => {
    const a = await article(plain, editor);
    expectProblem(await call(admiral, editor, 'POST', url(plain, `/${a.id}/publish`), undefined, { 'if-match': '"old"' }), 412, 'precondition_failed');
    const current = await a.get();
    expectStatus(await call(admiral, editor, 'POST', url(plain, `/${a.id}/publish`), undefined, { 'if-match': current.headers.etag as string }), 200);
  });
});

describe('with a workflow', () => {
  it('refuses to publish or schedule without approval (409 approval_required), writing nothing', async () => {
    const a = await article(governed, editor);
    const before = await contentCounts(admiral);
    expectProblem(await a.action(editor, 'publish'), 409, 'approval_required');
    expectProblem(await a.action(editor, 'schedule', { at: new Date(Date.now() + 3_600_000).toISOString() }), 409, 'approval_required');
    expect(await contentCounts(admiral)).toEqual(before);
  });

  it('submit opens a request for the version; the approver approves through the review; an edit cancels the approval', async () => {
    const a = await article(governed, author);
    expectStatus(await a.action(author, 'submit'), 200);
    expect(await a.requests()).toEqual([{ status: 'pending', target_version: 1, requested_by: author.id }]);
    expectProblem(await a.action(editor, 'publish'), 409, 'approval_required');

    const review = await a.review(editor, 'approve', 'Ship it');
    expectStatus(review, 201);
    expect(review.json().approvalRequestId).toEqual(expect.any(String));
    const { rows } = await admiral.db.ownerQuery('SELECT decision, approval_request_id, reviewer_id FROM content_reviews WHERE article_id = $1', [a.id]);
    expect(rows).toEqual([{ decision: 'approve', approval_request_id: review.json().approvalRequestId, reviewer_id: editor.id }]);
    expect((await a.row())?.status).toBe('approved');
    expect((await a.requests()).map((r) => r.status)).toEqual(['approved']);

    // Edit after approval: back to draft, the approval no longer stands.
    expectStatus(await a.edit(author, { body: 'sneaky change' }), 200);
    expect((await a.row())?.status).toBe('draft');
    expect((await a.requests()).map((r) => r.status)).toEqual(['cancelled']);
    expectProblem(await a.action(editor, 'publish'), 409, 'approval_required');

    // Round two: changes requested, fixed, approved, published.
    await a.action(author, 'submit');
    expectStatus(await a.review(editor2, 'request_changes', 'Fix the lede'), 201);
    expect((await a.row())?.status).toBe('changes_requested');
    await a.edit(author, { body: 'better lede' });
    await a.action(author, 'submit');
    await a.review(editor2, 'approve');
    expect((await a.row())?.status).toBe('approved');
    const published = await a.action(editor, 'publish');
    expect(published.json()).toMatchObject({ status: 'published', versionNo: 3, publishedVersionNo: 3 });
    expect((await a.requests()).map((r) => [r.status, r.target_version])).toEqual([
      ['cancelled', 1],
      ['changes_requested', 2],
      ['approved', 3],
    ]);
    expect(await auditActions(admiral, a.id)).toContain('article.approval_resolved');
  });

  it('keeps separation of duties: the submitter cannot decide on their own request', async () => {
    const a = await article(governed, editor);
    await a.action(editor, 'submit');
    const before = await contentCounts(admiral);
    expectProblem(await a.review(editor, 'approve'), 403, 'own_submission');
    expect(await contentCounts(admiral)).toEqual(before);
    expectStatus(await a.review(editor2, 'reject', 'Not now'), 201);
    expect((await a.row())?.status).toBe('draft');
    expect((await a.requests()).map((r) => r.status)).toEqual(['rejected']);
  });

  it('a decision in the approval inbox moves the article too', async () => {
    const a = await article(governed, author);
    await a.action(author, 'submit');
    const [request] = (await admiral.db.ownerQuery<{ id: string }>("SELECT id FROM approval_requests WHERE target_type = 'article' AND target_id = $1", [a.id]))
      .rows;
    const acted = await call(admiral, editor, 'POST', `/v1/sites/${governed}/approval-requests/${request?.id}/actions`, { action: 'approve' });
    expectStatus(acted, 200);
    expect((await a.row())?.status).toBe('approved');
    expectStatus(await a.action(editor, 'publish'), 200);
  });

  it('a two-approval workflow for one category waits for the second approver', async () => {
    const site = await newSite(admiral);
    const [auth, ed1, ed2] = [await member(admiral, 'author', site), await member(admiral, 'editor', site), await member(admiral, 'editor', site)];
    const legal = await term(admiral, site, 'categories', 'legal');
    await workflow(admiral, await member(admiral, 'admin', site), site, ['article'], { approvals: 2, categoryIds: [legal] });
    // Outside the category no workflow applies.
    const free = await article(site, ed1);
    expectStatus(await free.action(ed1, 'publish'), 200);
    const a = await article(site, auth, { categoryIds: [legal] });
    await a.action(auth, 'submit');
    await a.review(ed1, 'approve');
    expect((await a.row())?.status).toBe('in_review');
    expectProblem(await a.review(ed1, 'approve'), 409, 'already_approved');
    await a.review(ed2, 'approve');
    expect((await a.row())?.status).toBe('approved');
  });
});
