import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemError } from '../src/kernel/http/problem.js';
import { ContentSearch, isPhrase } from '../src/modules/cms/search-service.js';
import { expectProblem, insertSites } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';
import { editArticle, editPage, insertArticle, insertPage } from './helpers/cms-published.js';
import { createUser, NO_RATE_LIMITS, signInOk } from './helpers/identity.js';

let admiral: TestAdmiral;
const siteA = uuidv7();
const siteB = uuidv7();
/** Session tokens of real users, each holding one role on site A. */
const tokens: Record<'author' | 'articlesOnly' | 'pagesOnly' | 'nothing', string> = { author: '', articlesOnly: '', pagesOnly: '', nothing: '' };

interface Hit {
  type: 'article' | 'page';
  id: string;
  title: string;
  slug: string;
  status: string;
  rank: number;
  titleHtml: string;
  snippet: string;
  updatedAt: string;
}
interface Results {
  data: Hit[];
  nextOffset: number | null;
}

const publicSearch = (site = siteA) => `/v1/sites/${site}/public/search`;
const anonymous = (url: string) => admiral.app.inject({ method: 'GET', url });

const search = (query: string, token: string | Record<string, string>, site = siteA) =>
  admiral.app.inject({ method: 'GET', url: `/v1/sites/${site}/content/search?${query}`, headers: typeof token === 'string' ? bearer(token) : token });

async function hits(query: string, token: string | Record<string, string> = superAdmin, site = siteA): Promise<Hit[]> {
  const res = await search(query, token, site);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as Results).data;
}

/** A real user with a password, signed in, holding `role` on site A through a membership granted by the API. */
async function member(role: string): Promise<string> {
  const user = await createUser(admiral);
  const granted = await admiral.app.inject({ method: 'POST', url: `/v1/sites/${siteA}/memberships`, headers: superAdmin, payload: { userId: user.id, role } });
  expect(granted.statusCode, granted.body).toBe(201);
  return (await signInOk(admiral, user)).token;
}

async function customRole(key: string, permissions: string[]): Promise<void> {
  const res = await admiral.app.inject({
    method: 'POST',
    url: `/v1/sites/${siteA}/roles`,
    headers: superAdmin,
    payload: { key, name: key, permissions: permissions.map((p) => ({ key: p })) },
  });
  expect(res.statusCode, res.body).toBe(201);
}

beforeAll(async () => {
  admiral = await startTestAdmiral({
    env: NO_RATE_LIMITS,
    tokens: { elsewhere: staticPrincipal({ id: uuidv7(), sites: { [siteB]: ['articles.read', 'pages.read'] } }) },
  });
  await insertSites(admiral, siteA, siteB);
  await customRole('article-reader', ['articles.read']);
  await customRole('page-reader', ['pages.read']);
  await customRole('domain-reader', ['domains.read']);
  tokens.author = await member('author');
  tokens.articlesOnly = await member('article-reader');
  tokens.pagesOnly = await member('page-reader');
  tokens.nothing = await member('domain-reader');

  await insertArticle(admiral, siteA, {
    title: 'Gardening basics',
    slug: 'gardening-basics',
    summary: 'Soil and seeds',
    body: 'Water the tomatoes every morning.',
  });
  await insertArticle(admiral, siteA, { title: 'Tomatoes for beginners', slug: 'tomatoes', body: 'Tomatoes like sun. Tomatoes need support.' });
  await insertArticle(admiral, siteA, { title: 'Kitchen notes', slug: 'kitchen', summary: 'Tomatoes in sauce', body: 'Simmer slowly.' }, { status: 'draft' });
  await insertPage(admiral, siteA, { title: 'Tomato festival', slug: 'festival', contentBody: 'Join the tomatoes parade.' });
  await insertArticle(admiral, siteB, { title: 'Tomatoes on another site', slug: 'tomatoes', body: 'tomatoes' });
});
afterAll(async () => admiral?.stop());

describe('ranking and shape', () => {
  it('ranks title matches above summary matches above body matches, across articles and pages', async () => {
    const found = await hits('q=tomatoes');
    expect(found.map((h) => h.slug)).toEqual(['tomatoes', 'festival', 'kitchen', 'gardening-basics']);
    const ranks = found.map((h) => h.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(found[0]).toMatchObject({ type: 'article', title: 'Tomatoes for beginners', titleHtml: '<mark>Tomatoes</mark> for beginners', status: 'published' });
    expect(found[0]?.snippet).toBe('<mark>Tomatoes</mark> like sun. <mark>Tomatoes</mark> need support');
    expect(found.find((h) => h.type === 'page')).toMatchObject({ title: 'Tomato festival', slug: 'festival', titleHtml: '<mark>Tomato</mark> festival' });
    expect(found.find((h) => h.slug === 'kitchen')?.snippet).toContain('<mark>Tomatoes</mark> in sauce');
  });

  it('ranks at most the newest candidates of each kind (2,000 by default), so a word found everywhere stays cheap', async () => {
    const site = uuidv7();
    await insertSites(admiral, site);
    const oldest = await insertArticle(admiral, site, { title: 'Walnut walnut walnut', slug: 'walnut-0', body: 'walnut' });
    for (let i = 1; i <= 4; i++) await insertArticle(admiral, site, { title: `Note ${i}`, slug: `walnut-${i}`, body: 'a walnut' });
    const caller = staticPrincipal({ id: uuidv7(), superAdmin: true });
    const run = (search: ContentSearch) => admiral.kernel.db.withTenant({ siteId: site }, (tx) => search.search(tx, site, caller, { q: 'walnut' }));
    const everything = await run(new ContentSearch());
    expect(everything.data.map((h) => h.slug)[0]).toBe('walnut-0');
    expect(everything.data).toHaveLength(5);
    // With a cap of three, the best match is older than the three newest matches: it is not ranked.
    const capped = await run(new ContentSearch({ candidates: 3 }));
    expect(capped.data.map((h) => h.slug).sort()).toEqual(['walnut-2', 'walnut-3', 'walnut-4']);
    expect(capped.data.map((h) => h.id)).not.toContain(oldest.id);
    // Phrases are ranked over every match (their rarity cannot be estimated, so a newest-first walk would read everything).
    const phrase = await admiral.kernel.db.withTenant({ siteId: site }, (tx) =>
      new ContentSearch({ candidates: 3 }).search(tx, site, caller, { q: '"walnut walnut"' }),
    );
    expect(phrase.data.map((h) => h.id)).toEqual([oldest.id]);
    expect([isPhrase('"a b"'), isPhrase('e-mail'), isPhrase('naïve-café'), isPhrase('a - b'), isPhrase('market'), isPhrase('-market')]).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('searches the working copy (what editors see), including drafts', async () => {
    const article = await insertArticle(admiral, siteA, { title: 'Old heading', slug: 'renamed', body: 'nothing here' });
    await editArticle(admiral, article, { title: 'Pumpkin heading', slug: 'renamed', body: 'nothing here' });
    expect((await hits('q=pumpkin')).map((h) => [h.id, h.status])).toEqual([[article.id, 'draft']]);
    expect(await hits('q=old%20heading')).toEqual([]);
  });

  it('understands web-search syntax: phrases, exclusions and OR', async () => {
    expect((await hits('q=%22need%20support%22')).map((h) => h.slug)).toEqual(['tomatoes']);
    expect((await hits('q=tomatoes%20-sun')).map((h) => h.slug)).not.toContain('tomatoes');
    expect((await hits('q=simmer%20or%20parade')).map((h) => h.slug).sort()).toEqual(['festival', 'kitchen']);
    // Stop words alone match nothing rather than failing.
    expect(await hits('q=the')).toEqual([]);
  });

  it('filters by type and status, and pages with offset', async () => {
    expect((await hits('q=tomatoes&type=page')).map((h) => h.type)).toEqual(['page']);
    expect((await hits('q=tomatoes&type=article')).every((h) => h.type === 'article')).toBe(true);
    expect((await hits('q=tomatoes&status=draft')).map((h) => h.slug)).toEqual(['kitchen']);
    const first = (await search('q=tomatoes&limit=2', superAdmin)).json() as Results;
    expect(first.data.map((h) => h.slug)).toEqual(['tomatoes', 'festival']);
    expect(first.nextOffset).toBe(2);
    const second = (await search(`q=tomatoes&limit=2&offset=${first.nextOffset}`, superAdmin)).json() as Results;
    expect(second.data.map((h) => h.slug)).toEqual(['kitchen', 'gardening-basics']);
    expect(second.nextOffset).toBeNull();
  });

  it('never reaches another site’s content', async () => {
    const onA = await hits('q=another');
    expect(onA).toEqual([]);
    expect((await hits('q=tomatoes', bearer('elsewhere'), siteB)).map((h) => h.title)).toEqual(['Tomatoes on another site']);
  });
});

describe('safe snippets', () => {
  it('escapes titles and text so that only the <mark> tags survive', async () => {
    await insertArticle(admiral, siteA, {
      title: '<script>alert(1)</script> Kumquat tips & "tricks"',
      slug: 'kumquat',
      body: 'Before <img src=x onerror=alert(1)> the kumquat harvest, read <b>this</b>.',
    });
    const [hit] = await hits('q=kumquat');
    expect(hit?.titleHtml).toBe('&lt;script&gt;alert(1)&lt;/script&gt; <mark>Kumquat</mark> tips &amp; &quot;tricks&quot;');
    expect(hit?.title).toBe('<script>alert(1)</script> Kumquat tips & "tricks"');
    expect(hit?.snippet).toContain('<mark>kumquat</mark>');
    expect(hit?.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
  });

  it('does not let content forge highlight markers', async () => {
    await insertArticle(admiral, siteA, { title: 'Quince \uE000<b>bold</b>\uE001 and \uE001 stray', slug: 'quince', body: 'quince \uE000 open' });
    const [hit] = await hits('q=quince');
    expect(hit?.titleHtml).toBe('<mark>Quince</mark> &lt;b&gt;bold&lt;/b&gt; and  stray');
    expect(hit?.snippet).toBe('<mark>quince</mark>  open');
  });
});

describe('permissions', () => {
  it('401 without credentials; 403 without articles.read (the route’s permission)', async () => {
    expectProblem(await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/content/search?q=tomatoes` }), 401, 'unauthenticated');
    expectProblem(await search('q=tomatoes', tokens.nothing), 403, 'permission_denied');
    expectProblem(await search('q=tomatoes', tokens.pagesOnly), 403, 'permission_denied');
    expectProblem(await search('q=tomatoes', bearer('elsewhere')), 403, 'permission_denied');
  });

  it('includes pages only for callers who also hold pages.read; type=page without it is 403', async () => {
    const articlesOnly = await hits('q=tomatoes', tokens.articlesOnly);
    expect(articlesOnly.length).toBeGreaterThan(0);
    expect(articlesOnly.every((h) => h.type === 'article')).toBe(true);
    const problem = await search('q=tomatoes&type=page', tokens.articlesOnly);
    expectProblem(problem, 403, 'permission_denied');
    expect(problem.json().detail).toContain('pages.read');
    // The author system role reads both.
    expect((await hits('q=tomatoes', tokens.author)).some((h) => h.type === 'page')).toBe(true);
    expect((await hits('q=tomatoes&type=page', tokens.author)).map((h) => h.slug)).toEqual(['festival']);
  });
});

describe('bad input', () => {
  it('refuses blank, missing, over-long and malformed parameters with 400', async () => {
    for (const query of [
      '',
      'q=',
      'q=%20%20%09',
      `q=${'x'.repeat(201)}`,
      'q=a&limit=0',
      'q=a&limit=51',
      'q=a&offset=-1',
      'q=a&offset=1001',
      'q=a&type=post',
      'q=a&status=live',
      'q=a&extra=1',
    ]) {
      expectProblem(await search(query, superAdmin), 400, 'validation_failed');
    }
    expectProblem(await search('q=a%00b', superAdmin), 400, 'invalid_value');
  });

  it('bounds a search that runs too long: 503 search_timeout, nothing left running', async () => {
    const big = uuidv7();
    await insertSites(admiral, big);
    await admiral.db.ownerQuery(
      `INSERT INTO articles (id, site_id, title, slug, body) SELECT gen_random_uuid(), $1, 'Bulk ' || g, 'bulk-' || g, repeat('tomatoes grow in gardens ', 40) FROM generate_series(1, 3000) g`,
      [big],
    );
    const impatient = new ContentSearch({ timeoutMs: 1 });
    const caller = staticPrincipal({ id: uuidv7(), superAdmin: true });
    const attempt = admiral.kernel.db.withTenant({ siteId: big }, (tx) => impatient.search(tx, big, caller, { q: 'tomatoes gardens' }));
    await expect(attempt).rejects.toBeInstanceOf(ProblemError);
    await expect(attempt).rejects.toMatchObject({ status: 503, code: 'search_timeout', headers: { 'retry-after': '5' } });
    // The bound is per transaction: the next search on the same pool runs normally.
    expect((await hits('q=tomatoes')).length).toBeGreaterThan(0);
  });

  it('takes query syntax it cannot parse as words rather than failing', async () => {
    for (const q of ['"unclosed', '-', 'a & | ! b', "o'reilly", '((x', '<mark>']) {
      expect((await search(`q=${encodeURIComponent(q)}`, superAdmin)).statusCode, q).toBe(200);
    }
  });

  it('is described in the OpenAPI document: resolvable schemas, problems for every 4xx', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    type Operation = { operationId?: string; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
    const doc = res.json() as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
    const ours = [
      '/v1/sites/{siteId}/content/search',
      '/v1/sites/{siteId}/public/articles',
      '/v1/sites/{siteId}/public/articles/{slug}',
      '/v1/sites/{siteId}/public/pages/{slug}',
      '/v1/sites/{siteId}/public/search',
    ];
    for (const path of [...ours, '/v1/sites/{siteId}/categories', '/v1/sites/{siteId}/tags', '/v1/sites/{siteId}/content-templates']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const refs = JSON.stringify(ours.map((path) => doc.paths[path])).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas[ref.slice('"$ref":"#/components/schemas/'.length, -1)], ref).toBeDefined();
    for (const path of ours) {
      const get = doc.paths[path]?.get;
      expect(get?.operationId, path).toBeTruthy();
      for (const [status, response] of Object.entries(get?.responses ?? {})) {
        if (status.startsWith('4'))
          expect(response.content?.['application/problem+json']?.schema, `${path} ${status}`).toEqual({ $ref: '#/components/schemas/Problem' });
      }
    }
  });
});

describe('GET /public/search (readers)', () => {
  it('finds published versions only: a draft’s words find nothing, the live words of an edited article still do', async () => {
    const edited = await insertArticle(admiral, siteA, { title: 'Harbour lighthouse guide', slug: 'lighthouse', body: 'The lighthouse keeper.' });
    await editArticle(admiral, edited, { title: 'Harbour zeppelin guide', slug: 'lighthouse', body: 'The zeppelin pilot.' });
    await insertArticle(admiral, siteA, { title: 'Zeppelin draft', slug: 'zeppelin-draft', body: 'zeppelin' }, { status: 'draft' });
    const page = await insertPage(admiral, siteA, { title: 'Lighthouse page', slug: 'lighthouse-page', contentBody: 'About the lighthouse.' });
    await editPage(admiral, page, { title: 'Zeppelin page', contentBody: 'zeppelin only in the draft' });

    const zeppelin = await anonymous(`${publicSearch()}?q=zeppelin`);
    expect(zeppelin.statusCode, zeppelin.body).toBe(200);
    expect(zeppelin.json()).toEqual({ data: [], nextOffset: null });
    expect(zeppelin.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');

    const found = (await anonymous(`${publicSearch()}?q=lighthouse`)).json() as { data: Array<{ id: string; type: string; title: string; titleHtml: string }> };
    expect(found.data.map((h) => [h.type, h.id]).sort()).toEqual(
      [
        ['article', edited.id],
        ['page', page.id],
      ].sort(),
    );
    const article = found.data.find((h) => h.type === 'article');
    expect(article).toMatchObject({ title: 'Harbour lighthouse guide', titleHtml: 'Harbour <mark>lighthouse</mark> guide' });
    expect(JSON.stringify(found)).not.toMatch(/zeppelin/i);

    const pagesOnly = (await anonymous(`${publicSearch()}?q=lighthouse&type=page`)).json() as { data: Array<{ type: string }> };
    expect(pagesOnly.data.map((h) => h.type)).toEqual(['page']);
    expect(((await anonymous(`${publicSearch(siteB)}?q=lighthouse`)).json() as { data: unknown[] }).data).toEqual([]);
  });

  it('escapes the published text: only <mark> survives', async () => {
    await insertArticle(admiral, siteA, { title: '<script>alert(1)</script> walrus facts', slug: 'walrus', body: 'A <img src=x onerror=alert(1)> walrus.' });
    const hit = ((await anonymous(`${publicSearch()}?q=walrus`)).json() as { data: Array<{ titleHtml: string; snippet: string }> }).data[0];
    expect(hit?.titleHtml).toBe('&lt;script&gt;alert(1)&lt;/script&gt; <mark>walrus</mark> facts');
    expect(hit?.snippet).not.toMatch(/<(?!\/?mark>)/);
    expect(hit?.snippet).toContain('<mark>walrus</mark>');
  });

  it('refuses blank and missing queries with 400', async () => {
    expectProblem(await anonymous(`${publicSearch()}`), 400, 'validation_failed');
    expectProblem(await anonymous(`${publicSearch()}?q=%20%20`), 400, 'validation_failed');
    expectProblem(await anonymous(`${publicSearch()}?q=x&limit=51`), 400, 'validation_failed');
  });
});
