import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffField } from '../src/modules/cms/version-diff.js';
import { startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import { auditRecords, call, contentCounts, expectProblem, expectStatus, type Member, member, newSite, term, uniqueSlug } from './helpers/cms.js';
import { NO_RATE_LIMITS } from './helpers/identity.js';

let admiral: TestAdmiral;
let site: string;
let editor: Member;
let author: Member;

const url = (path = '') => `/v1/sites/${site}/articles${path}`;

/** An article saved three times: v1 body, v2 new paragraph + category, v3 title. Returns its id and current ETag. */
async function history(): Promise<{ id: string; etag: string; category: string }> {
  const category = await term(admiral, site, 'categories', uniqueSlug('cat'));
  const created = await call(admiral, editor, 'POST', url(), { title: 'First title', slug: uniqueSlug(), body: 'alpha\nbeta\ngamma\n' });
  expectStatus(created, 201);
  const id = created.json().id as string;
  let etag = created.headers.etag as string;
  for (const change of [{ body: 'alpha\nbeta\nBETA two\ngamma\n', categoryIds: [category] }, { title: 'Second title' }]) {
    const saved = await call(admiral, editor, 'PATCH', url(`/${id}`), change, { 'if-match': etag });
    expectStatus(saved, 200);
    etag = saved.headers.etag as string;
  }
  return { id, etag, category };
}

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  site = await newSite(admiral);
  editor = await member(admiral, 'editor', site);
  author = await member(admiral, 'author', site);
});
afterAll(async () => admiral?.stop());

describe('versions', () => {
  it('lists versions newest first with who and why, pages through them, and reads one with its content', async () => {
    const { id } = await history();
    const list = await call(admiral, author, 'GET', url(`/${id}/versions`));
    expectStatus(list, 200);
    expect(list.json()).toEqual({
      data: [
        { versionNo: 3, editedBy: editor.id, note: null, isPublished: false, createdAt: expect.any(String) },
        { versionNo: 2, editedBy: editor.id, note: null, isPublished: false, createdAt: expect.any(String) },
        { versionNo: 1, editedBy: editor.id, note: 'Created', isPublished: false, createdAt: expect.any(String) },
      ],
      nextCursor: null,
    });
    const first = await call(admiral, author, 'GET', url(`/${id}/versions?limit=2`));
    expect(first.json().data.map((v: { versionNo: number }) => v.versionNo)).toEqual([3, 2]);
    const rest = await call(admiral, author, 'GET', url(`/${id}/versions?limit=2&cursor=${encodeURIComponent(first.json().nextCursor)}`));
    expect(rest.json()).toMatchObject({ data: [{ versionNo: 1 }], nextCursor: null });

    const v2 = await call(admiral, author, 'GET', url(`/${id}/versions/2`));
    expectStatus(v2, 200);
    expect(v2.json()).toMatchObject({
      versionNo: 2,
      title: 'First title',
      body: 'alpha\nbeta\nBETA two\ngamma\n',
      categoryIds: [expect.any(String)],
      tagIds: [],
    });
    expectProblem(await call(admiral, author, 'GET', url(`/${id}/versions/9`)), 404, 'not_found');
    expectProblem(await call(admiral, author, 'GET', url('/01a20000-0000-7000-8000-000000000000/versions')), 404, 'not_found');
    expectProblem(await call(admiral, author, 'GET', url(`/${id}/versions/0`)), 400, 'validation_failed');
  });

  it('diffs two versions field by field: line parts of the whole text and unified hunks', async () => {
    const { id, category } = await history();
    const res = await call(admiral, author, 'GET', url(`/${id}/diff?from=1&to=3`));
    expectStatus(res, 200);
    const diff = res.json();
    expect(diff.from).toBe(1);
    expect(diff.to).toBe(3);
    expect(diff.fields.map((f: { field: string; changed: boolean }) => [f.field, f.changed])).toEqual([
      ['title', true],
      ['slug', false],
      ['summary', false],
      ['body', true],
      ['featuredMediaId', false],
      ['categoryIds', true],
      ['tagIds', false],
    ]);
    const body = diff.fields.find((f: { field: string }) => f.field === 'body');
    expect(body.parts).toEqual([
      { value: 'alpha\nbeta\n', added: false, removed: false, count: 2 },
      { value: 'BETA two\n', added: true, removed: false, count: 1 },
      { value: 'gamma\n', added: false, removed: false, count: 1 },
    ]);
    expect(body.hunks).toEqual([{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 4, lines: [' alpha', ' beta', '+BETA two', ' gamma'] }]);
    const title = diff.fields.find((f: { field: string }) => f.field === 'title');
    expect(title.hunks[0].lines).toEqual(['-First title', '+Second title']);
    const categories = diff.fields.find((f: { field: string }) => f.field === 'categoryIds');
    expect(categories.parts).toEqual([{ value: category, added: true, removed: false, count: 1 }]);
    expect(diff.fields.find((f: { field: string }) => f.field === 'slug')).toEqual({ field: 'slug', changed: false, parts: [], hunks: [] });

    const same = await call(admiral, author, 'GET', url(`/${id}/diff?from=2&to=2`));
    expect(same.json().fields.every((f: { changed: boolean }) => !f.changed)).toBe(true);
    expectProblem(await call(admiral, author, 'GET', url(`/${id}/diff?from=1&to=7`)), 404, 'not_found');
    expectProblem(await call(admiral, author, 'GET', url(`/${id}/diff?from=1`)), 400, 'validation_failed');
  });

  it('diffs large texts without holding the event loop, and a diff that runs out of time shows the field replaced', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `Line ${i} of a long article body with some words in it.`);
    const edited = lines.map((line, i) => (i % 500 === 0 ? `${line} (edited)` : line));
    let worstGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 1);
    const diff = await diffField('body', lines.join('\n'), edited.join('\n'));
    clearInterval(timer);
    expect(diff.hunks).toHaveLength(40);
    expect(worstGap).toBeLessThan(500);
    const unrelated = Array.from({ length: 20_000 }, (_, i) => `Different ${(i * 7919) % 20_000}`);
    const replaced = await diffField('body', lines.join('\n'), unrelated.join('\n'));
    expect(replaced.parts.map((p) => [p.removed, p.added, p.count])).toEqual([
      [true, false, 20_000],
      [false, true, 20_000],
    ]);
    expect(replaced.hunks).toHaveLength(1);
  }, 30_000);
});

describe('restoring', () => {
  it("saves version N's content as a new version noted 'Restored from version N'; If-Match required; audited", async () => {
    const { id, etag } = await history();
    expectProblem(await call(admiral, editor, 'POST', url(`/${id}/versions/1/restore`)), 428, 'precondition_required');
    expectProblem(await call(admiral, editor, 'POST', url(`/${id}/versions/1/restore`), undefined, { 'if-match': '"stale"' }), 412, 'precondition_failed');
    expectProblem(await call(admiral, editor, 'POST', url(`/${id}/versions/8/restore`), undefined, { 'if-match': etag }), 404, 'not_found');
    const restored = await call(admiral, editor, 'POST', url(`/${id}/versions/1/restore`), undefined, { 'if-match': etag });
    expectStatus(restored, 200);
    expect(restored.json()).toMatchObject({ versionNo: 4, title: 'First title', body: 'alpha\nbeta\ngamma\n', categoryIds: [], status: 'draft' });
    const v4 = await call(admiral, editor, 'GET', url(`/${id}/versions/4`));
    expect(v4.json()).toMatchObject({ note: 'Restored from version 1', editedBy: editor.id, title: 'First title' });
    const [audit] = await auditRecords(admiral, id, 'article.restored');
    expect(audit).toMatchObject({ actor_user_id: editor.id, metadata: { restoredFrom: 1, versionNo: 4 } });
    const { rows } = await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM article_versions WHERE article_id = $1', [id]);
    expect(rows[0]).toEqual({ n: 4 });
  });

  it('leaves out categories deleted since the version (and says so in the audit row)', async () => {
    const { id, category } = await history();
    const deleted = await admiral.app.inject({ method: 'DELETE', url: `/v1/sites/${site}/categories/${category}`, headers: superAdmin });
    expectStatus(deleted, 204);
    const current = await call(admiral, editor, 'GET', url(`/${id}`));
    expect(current.json().categoryIds).toEqual([]);
    const restored = await call(admiral, editor, 'POST', url(`/${id}/versions/2/restore`), undefined, { 'if-match': current.headers.etag as string });
    expectStatus(restored, 200);
    expect(restored.json()).toMatchObject({ versionNo: 4, body: 'alpha\nbeta\nBETA two\ngamma\n', categoryIds: [] });
    const [audit] = await auditRecords(admiral, id, 'article.restored');
    expect(audit?.metadata).toMatchObject({ dropped: { categoryIds: [category], tagIds: [], featuredMediaId: null } });
  });

  it('a restore that cannot take its slug back (now used by another article) is 409 slug_taken and writes nothing', async () => {
    const { id, etag } = await history();
    const v1 = await call(admiral, editor, 'GET', url(`/${id}/versions/1`));
    const renamed = await call(admiral, editor, 'PATCH', url(`/${id}`), { slug: uniqueSlug() }, { 'if-match': etag });
    expectStatus(await call(admiral, editor, 'POST', url(), { title: 'Squatter', slug: v1.json().slug }), 201);
    const before = await contentCounts(admiral);
    expectProblem(
      await call(admiral, editor, 'POST', url(`/${id}/versions/1/restore`), undefined, { 'if-match': renamed.headers.etag as string }),
      409,
      'slug_taken',
    );
    expect(await contentCounts(admiral)).toEqual(before);
  });
});

describe('page history', () => {
  it('pages keep title and content per version; diff and restore work the same way', async () => {
    const created = await call(admiral, editor, 'POST', `/v1/sites/${site}/pages`, { title: 'About', slug: uniqueSlug('about'), contentBody: 'We are.\n' });
    expectStatus(created, 201);
    const id = created.json().id as string;
    const saved = await call(
      admiral,
      editor,
      'PATCH',
      `/v1/sites/${site}/pages/${id}`,
      { title: 'About us', contentBody: 'We are.\nWe build.\n' },
      { 'if-match': created.headers.etag as string },
    );
    expectStatus(saved, 200);
    const diff = await call(admiral, author, 'GET', `/v1/sites/${site}/pages/${id}/diff?from=1&to=2`);
    expectStatus(diff, 200);
    expect(diff.json().fields.map((f: { field: string; changed: boolean }) => [f.field, f.changed])).toEqual([
      ['title', true],
      ['contentBody', true],
    ]);
    const v1 = await call(admiral, author, 'GET', `/v1/sites/${site}/pages/${id}/versions/1`);
    expect(v1.json()).toMatchObject({ versionNo: 1, title: 'About', contentBody: 'We are.\n', isPublished: false, note: 'Created' });
    const restored = await call(admiral, editor, 'POST', `/v1/sites/${site}/pages/${id}/versions/1/restore`, undefined, {
      'if-match': saved.headers.etag as string,
    });
    expectStatus(restored, 200);
    expect(restored.json()).toMatchObject({ versionNo: 3, title: 'About', contentBody: 'We are.\n' });
    const versions = await call(admiral, author, 'GET', `/v1/sites/${site}/pages/${id}/versions`);
    expect(versions.json().data.map((v: { versionNo: number; note: string | null }) => [v.versionNo, v.note])).toEqual([
      [3, 'Restored from version 1'],
      [2, null],
      [1, 'Created'],
    ]);
  });
});
