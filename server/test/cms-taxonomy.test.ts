import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount, auditsFor, expectProblem, insertSites } from './helpers/access.js';
import { bearer, startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import { createUser, NO_RATE_LIMITS, signInOk } from './helpers/identity.js';

let admiral: TestAdmiral;
const siteA = uuidv7();
const siteB = uuidv7();
let author: { id: string; token: string };
let otherAuthor: { id: string; token: string };
let editor: { id: string; token: string };

const url = (plural: string, site = siteA) => `/v1/sites/${site}/${plural}`;
const post = (plural: string, payload: unknown, headers: Record<string, string> = superAdmin, site = siteA) =>
  admiral.app.inject({ method: 'POST', url: url(plural, site), headers, payload: payload as Record<string, unknown> });
const patch = (plural: string, id: string, payload: unknown, headers: Record<string, string>) =>
  admiral.app.inject({ method: 'PATCH', url: `${url(plural)}/${id}`, headers, payload: payload as Record<string, unknown> });
const count = async (table: string) => (await admiral.db.ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;

async function member(role: string): Promise<{ id: string; token: string }> {
  const user = await createUser(admiral);
  const granted = await admiral.app.inject({ method: 'POST', url: `/v1/sites/${siteA}/memberships`, headers: superAdmin, payload: { userId: user.id, role } });
  expect(granted.statusCode, granted.body).toBe(201);
  return { id: user.id, token: (await signInOk(admiral, user)).token };
}

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  await insertSites(admiral, siteA, siteB);
  author = await member('author');
  otherAuthor = await member('author');
  editor = await member('editor');
});
afterAll(async () => admiral?.stop());

describe.each([
  { plural: 'categories', table: 'categories', name: 'category', extra: { description: 'What is new' } },
  { plural: 'tags', table: 'tags', name: 'tag', extra: {} },
])('$plural', ({ plural, table, name, extra }) => {
  it('creates, reads, renames and deletes, auditing each change', async () => {
    const created = await post(plural, { name: 'Product news', slug: 'product-news', ...extra }, bearer(editor.token));
    expect(created.statusCode, created.body).toBe(201);
    const row = created.json() as { id: string; siteId: string; slug: string; name: string };
    expect(row).toMatchObject({ siteId: siteA, name: 'Product news', slug: 'product-news', ...extra });
    const read = await admiral.app.inject({ method: 'GET', url: `${url(plural)}/${row.id}`, headers: bearer(author.token) });
    expect(read.statusCode).toBe(200);
    const renamed = await admiral.app.inject({
      method: 'PATCH',
      url: `${url(plural)}/${row.id}`,
      headers: { ...bearer(editor.token), 'if-match': read.headers.etag as string },
      payload: { name: 'News' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const listed = await admiral.app.inject({ method: 'GET', url: `${url(plural)}?slug=product-news`, headers: bearer(author.token) });
    expect((listed.json() as { data: Array<{ name: string }> }).data.map((r) => r.name)).toEqual(['News']);
    const deleted = await admiral.app.inject({ method: 'DELETE', url: `${url(plural)}/${row.id}`, headers: bearer(editor.token) });
    expect(deleted.statusCode).toBe(204);
    expect((await auditsFor(admiral, row.id)).map((a) => a.action)).toEqual([`${name}.created`, `${name}.updated`, `${name}.deleted`]);
  });

  it('refuses a duplicate slug on the same site with 409 (another site may use it)', async () => {
    expect((await post(plural, { name: 'Rust', slug: 'rust' })).statusCode).toBe(201);
    const before = await count(table);
    const audits = await auditCount(admiral);
    const duplicate = await post(plural, { name: 'Rust again', slug: 'rust' });
    expectProblem(duplicate, 409, 'already_exists');
    expect(duplicate.json().detail).toContain('slug');
    expect(await count(table)).toBe(before);
    expect(await auditCount(admiral)).toBe(audits);
    expect((await post(plural, { name: 'Rust', slug: 'rust' }, superAdmin, siteB)).statusCode).toBe(201);
    // Renaming into a taken slug is the same conflict.
    const other = (await post(plural, { name: 'Go', slug: 'go' })).json() as { id: string };
    expectProblem(await patch(plural, other.id, { slug: 'rust' }, superAdmin), 409, 'already_exists');
  });

  it('refuses slugs the database would refuse, and other bad input, with 400 and writes nothing', async () => {
    const before = await count(table);
    for (const slug of ['Upper', 'has space', '-leading', 'trailing-', 'under_score', 'slash/ed', '', 'a'.repeat(201), 'ünï']) {
      expectProblem(await post(plural, { name: 'X', slug }), 400, 'validation_failed');
    }
    expectProblem(await post(plural, { slug: 'no-name' }), 400, 'validation_failed');
    expectProblem(await post(plural, { name: '', slug: 'empty-name' }), 400, 'validation_failed');
    expectProblem(await post(plural, { name: 'X', slug: 'x', siteId: siteB }), 400, 'validation_failed');
    expect(await count(table)).toBe(before);
  });

  it('is managed by editors, read by authors (who may not create it: it records no owner)', async () => {
    expectProblem(await post(plural, { name: 'Mine', slug: 'mine' }, bearer(author.token)), 403, 'permission_denied');
    expect((await admiral.app.inject({ method: 'GET', url: url(plural), headers: bearer(author.token) })).statusCode).toBe(200);
  });
});

describe('content templates', () => {
  /** Templates record their creator, so they are made by real users (the fixed super-admin token names no user row). */
  const asEditor = () => bearer(editor.token);
  const base = {
    name: 'Release notes',
    contentType: 'article',
    templateData: { title: 'Release x.y', body: '## Changes\n' },
    thumbnailUrl: 'https://cdn.example.test/t.png',
  };

  it('belong to their creator: authors create and change their own, read all, and cannot touch others’', async () => {
    const mine = await post('content-templates', base, bearer(author.token));
    expect(mine.statusCode, mine.body).toBe(201);
    const template = mine.json() as { id: string; createdBy: string; usageCount: number };
    expect(template).toMatchObject({ ...base, createdBy: author.id, usageCount: 0, siteId: siteA });
    // Even naming someone else, an own-only creator makes the template theirs.
    const named = await post('content-templates', { ...base, name: 'Named' }, bearer(author.token));
    expect(named.statusCode, named.body).toBe(201);

    const theirs = (await post('content-templates', { ...base, name: 'Editor template' }, bearer(editor.token))).json() as { id: string; createdBy: string };
    expect(theirs.createdBy).toBe(editor.id);

    expect((await patch('content-templates', template.id, { name: 'Release notes v2' }, bearer(author.token))).statusCode).toBe(200);
    expectProblem(await patch('content-templates', template.id, { name: 'Hijack' }, bearer(otherAuthor.token)), 404, 'not_found');
    expectProblem(await patch('content-templates', theirs.id, { name: 'Hijack' }, bearer(author.token)), 404, 'not_found');
    const del = await admiral.app.inject({ method: 'DELETE', url: `${url('content-templates')}/${theirs.id}`, headers: bearer(author.token) });
    expectProblem(del, 404, 'not_found');
    const all = await admiral.app.inject({ method: 'GET', url: `${url('content-templates')}?limit=200`, headers: bearer(otherAuthor.token) });
    expect((all.json() as { data: Array<{ id: string }> }).data.map((t) => t.id)).toEqual(expect.arrayContaining([template.id, theirs.id]));
    expect((await auditsFor(admiral, template.id)).map((a) => a.action)).toEqual(['content_template.created', 'content_template.updated']);
  });

  it('keeps usageCount and createdBy read-only and contentType fixed after create', async () => {
    const created = await post('content-templates', { ...base, name: 'Fixed' }, asEditor());
    expect(created.statusCode, created.body).toBe(201);
    const template = created.json() as { id: string };
    expectProblem(await post('content-templates', { ...base, name: 'Counted', usageCount: 5 }, asEditor()), 400, 'validation_failed');
    expectProblem(await patch('content-templates', template.id, { usageCount: 5 }, superAdmin), 400, 'validation_failed');
    expectProblem(await patch('content-templates', template.id, { createdBy: editor.id }, superAdmin), 400, 'validation_failed');
    expectProblem(await patch('content-templates', template.id, { contentType: 'page' }, superAdmin), 400, 'validation_failed');
  });

  it('validates content type, thumbnail URL and template data, writing nothing on refusal', async () => {
    const before = await count('content_templates');
    const audits = await auditCount(admiral);
    for (const payload of [
      { ...base, contentType: 'video' },
      { ...base, thumbnailUrl: 'javascript:alert(1)' },
      { ...base, thumbnailUrl: 'ftp://example.test/x.png' },
      { ...base, thumbnailUrl: 'https://' },
      { ...base, thumbnailUrl: 'https://exa mple.test/x.png' },
      { ...base, templateData: ['not', 'an', 'object'] },
      { ...base, templateData: 'text' },
      { ...base, name: '' },
    ]) {
      expectProblem(await post('content-templates', payload, asEditor()), 400, 'validation_failed');
    }
    const tooLarge = await post('content-templates', { ...base, name: 'Huge', templateData: { body: 'x'.repeat(64 * 1024) } }, asEditor());
    expectProblem(tooLarge, 422, 'template_too_large');
    expect(tooLarge.json().errors).toEqual([expect.objectContaining({ pointer: '/templateData' })]);
    expect(await count('content_templates')).toBe(before);
    expect(await auditCount(admiral)).toBe(audits);
    // Just under the bound is fine; updates are bounded too.
    const fits = await post('content-templates', { ...base, name: 'Fits', templateData: { body: 'x'.repeat(64 * 1024 - 20) } }, asEditor());
    expect(fits.statusCode, fits.body).toBe(201);
    expectProblem(
      await patch('content-templates', (fits.json() as { id: string }).id, { templateData: { body: 'x'.repeat(70_000) } }, superAdmin),
      422,
      'template_too_large',
    );
  });

  it('refuses a duplicate name for the same content type with 409', async () => {
    expect((await post('content-templates', { ...base, name: 'Landing' }, asEditor())).statusCode).toBe(201);
    expectProblem(await post('content-templates', { ...base, name: 'Landing' }, asEditor()), 409, 'already_exists');
    expect((await post('content-templates', { ...base, name: 'Landing', contentType: 'page' }, asEditor())).statusCode).toBe(201);
  });
});

describe('console metadata', () => {
  it('lists the three resources under the Content group, templates with their owner field', async () => {
    const meta = (await admiral.app.inject({ method: 'GET', url: '/v1/meta/resources' })).json() as {
      data: Array<{ plural: string; group: string; ownerField: string | null; module: string }>;
    };
    const ours = meta.data.filter((r) => ['categories', 'tags', 'content-templates'].includes(r.plural));
    expect(ours.map((r) => [r.plural, r.group, r.module, r.ownerField])).toEqual([
      ['categories', 'Content', 'cms', null],
      ['tags', 'Content', 'cms', null],
      ['content-templates', 'Content', 'cms', 'createdBy'],
    ]);
  });
});
