import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';

interface Domain {
  id: string;
  siteId: string;
  domainName: string;
  type: 'subdomain' | 'custom';
  isPrimary: boolean;
  verificationStatus: 'pending' | 'verified' | 'failed';
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Page {
  data: Domain[];
  nextCursor: string | null;
}

interface AuditRow {
  id: string;
  site_id: string | null;
  seq: number;
  actor_user_id: string | null;
  action: string;
  category: string;
  target_type: string | null;
  target_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
  success: boolean;
  prev_hash: string;
  hash: string;
}

const siteA = uuidv7();
const siteB = uuidv7();
const siteC = uuidv7();
const EDITOR = uuidv7();
const READER = uuidv7();
const CREATOR = uuidv7();
const EDITOR_B = uuidv7();
const ALL = ['domains.read', 'domains.create', 'domains.update', 'domains.delete'];

const editor = bearer('editor');
const reader = bearer('reader');
const creator = bearer('creator');
const editorB = bearer('editor-b');

let admiral: TestAdmiral;
let baseUrl: string;

const domainsUrl = (site: string) => `/v1/sites/${site}/domains`;

async function counts(): Promise<{ domains: number; audits: number }> {
  const { rows } = await admiral.db.ownerQuery<{ domains: number; audits: number }>(
    'SELECT (SELECT count(*)::int FROM domain_mappings) AS domains, (SELECT count(*)::int FROM audit_logs) AS audits',
  );
  const row = rows[0];
  if (!row) throw new Error('no counts');
  return row;
}

async function auditsFor(targetId: string): Promise<AuditRow[]> {
  const { rows } = await admiral.db.ownerQuery<AuditRow>('SELECT * FROM audit_logs WHERE target_id = $1 ORDER BY seq', [targetId]);
  return rows;
}

async function siteChain(site: string): Promise<AuditRow[]> {
  const { rows } = await admiral.db.ownerQuery<AuditRow>('SELECT * FROM audit_logs WHERE site_id = $1 ORDER BY seq', [site]);
  return rows;
}

function expectProblem(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
}

async function create(site: string, headers: Record<string, string>, payload: Record<string, unknown>): Promise<Domain> {
  const res = await admiral.app.inject({ method: 'POST', url: domainsUrl(site), headers, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Domain;
}

async function listAll(site: string, headers: Record<string, string>, query: string, limit = 10): Promise<{ rows: Domain[]; pages: number[] }> {
  const rows: Domain[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `${domainsUrl(site)}?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await admiral.app.inject({ method: 'GET', url, headers });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as Page;
    rows.push(...page.data);
    pages.push(page.data.length);
    cursor = page.nextCursor;
    expect(pages.length).toBeLessThan(50);
  } while (cursor !== null);
  return { rows, pages };
}

beforeAll(async () => {
  admiral = await startTestAdmiral({
    tokens: {
      editor: staticPrincipal({ id: EDITOR, sites: { [siteA]: ALL } }),
      reader: staticPrincipal({ id: READER, sites: { [siteA]: ['domains.read'], [siteC]: ['domains.read'] } }),
      creator: staticPrincipal({ id: CREATOR, sites: { [siteA]: ['domains.read', 'domains.create'] } }),
      'editor-b': staticPrincipal({ id: EDITOR_B, sites: { [siteB]: ALL } }),
    },
  });
  baseUrl = await admiral.listen();
  await admiral.db.ownerQuery("INSERT INTO sites (id, name, slug) VALUES ($1, 'Site A', 'site-a'), ($2, 'Site B', 'site-b'), ($3, 'Site C', 'site-c')", [
    siteA,
    siteB,
    siteC,
  ]);
});
afterAll(async () => admiral?.stop());

describe('authentication and permissions', () => {
  let domain: Domain;
  beforeAll(async () => {
    domain = await create(siteA, superAdmin, { domainName: 'guarded.resources.test' });
  });

  it('answers 401 without a token and with a bad one, on every operation, writing nothing', async () => {
    const before = await counts();
    for (const auth of [{}, bearer('not-a-token'), { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }]) {
      for (const [method, url, payload] of [
        ['GET', domainsUrl(siteA), undefined],
        ['GET', `${domainsUrl(siteA)}/${domain.id}`, undefined],
        ['POST', domainsUrl(siteA), { domainName: 'anon.resources.test' }],
        ['PATCH', `${domainsUrl(siteA)}/${domain.id}`, { isActive: false }],
        ['DELETE', `${domainsUrl(siteA)}/${domain.id}`, undefined],
      ] as const) {
        const res = await admiral.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
        expectProblem(res, 401, 'unauthenticated');
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    }
    expect(await counts()).toEqual(before);
  });

  it('answers 401 over real HTTP', async () => {
    const res = await fetch(`${baseUrl}${domainsUrl(siteA)}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('unauthenticated');
  });

  it('answers 403 permission_denied for each operation the caller lacks, writing nothing', async () => {
    const before = await counts();
    const stored = await admiral.db.ownerQuery('SELECT * FROM domain_mappings WHERE id = $1', [domain.id]);
    for (const [headers, method, url, payload, permission] of [
      [reader, 'POST', domainsUrl(siteA), { domainName: 'reader.resources.test' }, 'domains.create'],
      [reader, 'PATCH', `${domainsUrl(siteA)}/${domain.id}`, { isActive: false }, 'domains.update'],
      [reader, 'DELETE', `${domainsUrl(siteA)}/${domain.id}`, undefined, 'domains.delete'],
      [creator, 'PATCH', `${domainsUrl(siteA)}/${domain.id}`, { isActive: false }, 'domains.update'],
      [creator, 'DELETE', `${domainsUrl(siteA)}/${domain.id}`, undefined, 'domains.delete'],
    ] as const) {
      const res = await admiral.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      expectProblem(res, 403, 'permission_denied');
      expect(res.json().detail).toContain(permission);
    }
    expect(await counts()).toEqual(before);
    expect((await admiral.db.ownerQuery('SELECT * FROM domain_mappings WHERE id = $1', [domain.id])).rows).toEqual(stored.rows);
  });

  it('lets a caller with exactly the needed permission through', async () => {
    const list = await admiral.app.inject({ method: 'GET', url: domainsUrl(siteA), headers: reader });
    expect(list.statusCode, list.body).toBe(200);
    const made = await create(siteA, creator, { domainName: 'creator.resources.test' });
    expect(made.siteId).toBe(siteA);
  });

  it('checks the permission before looking at the body (403, not 400, for an invalid body)', async () => {
    const res = await admiral.app.inject({ method: 'POST', url: domainsUrl(siteA), headers: reader, payload: { nonsense: true } });
    expectProblem(res, 403, 'permission_denied');
  });
});

describe('CRUD with audit', () => {
  it('creates, reads, updates and deletes, recording exactly one audit row per change', async () => {
    // Create
    const created = await admiral.app.inject({
      method: 'POST',
      url: domainsUrl(siteA),
      headers: editor,
      payload: { domainName: 'Shop.Example.TEST', type: 'custom' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const domain = created.json() as Domain;
    expect(domain).toMatchObject({
      siteId: siteA,
      domainName: 'shop.example.test',
      type: 'custom',
      isPrimary: false,
      verificationStatus: 'pending',
      isActive: true,
    });
    expect(domain.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.headers.location).toBe(`${domainsUrl(siteA)}/${domain.id}`);

    let audits = await auditsFor(domain.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      site_id: siteA,
      action: 'domain.created',
      category: 'tenancy',
      target_type: 'domain',
      target_id: domain.id,
      actor_user_id: EDITOR,
      request_id: created.headers['x-request-id'],
      success: true,
      before: null,
    });
    expect(audits[0]?.after).toMatchObject({ id: domain.id, siteId: siteA, domainName: 'shop.example.test', isPrimary: false, isActive: true });

    // Read
    const got = await admiral.app.inject({ method: 'GET', url: `${domainsUrl(siteA)}/${domain.id}`, headers: editor });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(domain);
    const list = await admiral.app.inject({ method: 'GET', url: domainsUrl(siteA), headers: editor });
    expect((list.json() as Page).data.map((d) => d.id)).toContain(domain.id);
    expect(await auditsFor(domain.id)).toHaveLength(1);

    // Update: `type` is sent unchanged, so only isPrimary and verificationStatus are changes.
    const updated = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl(siteA)}/${domain.id}`,
      headers: editor,
      payload: { isPrimary: true, verificationStatus: 'verified', type: 'custom' },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ id: domain.id, isPrimary: true, verificationStatus: 'verified', type: 'custom', domainName: 'shop.example.test' });
    audits = await auditsFor(domain.id);
    expect(audits).toHaveLength(2);
    expect(audits[1]).toMatchObject({
      site_id: siteA,
      action: 'domain.updated',
      target_type: 'domain',
      target_id: domain.id,
      actor_user_id: EDITOR,
      request_id: updated.headers['x-request-id'],
    });
    expect(audits[1]?.before).toEqual({ isPrimary: false, verificationStatus: 'pending' });
    expect(audits[1]?.after).toEqual({ isPrimary: true, verificationStatus: 'verified' });

    // Update normalises like create.
    const renamed = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl(siteA)}/${domain.id}`,
      headers: editor,
      payload: { domainName: 'WWW.Shop.Example.TEST' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().domainName).toBe('www.shop.example.test');
    audits = await auditsFor(domain.id);
    expect(audits[2]?.before).toEqual({ domainName: 'shop.example.test' });
    expect(audits[2]?.after).toEqual({ domainName: 'www.shop.example.test' });

    // Delete
    const deleted = await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl(siteA)}/${domain.id}`, headers: editor });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(deleted.body).toBe('');
    audits = await auditsFor(domain.id);
    expect(audits).toHaveLength(4);
    expect(audits[3]).toMatchObject({
      site_id: siteA,
      action: 'domain.deleted',
      target_id: domain.id,
      actor_user_id: EDITOR,
      request_id: deleted.headers['x-request-id'],
      after: null,
    });
    expect(audits[3]?.before).toMatchObject({ id: domain.id, domainName: 'www.shop.example.test', isPrimary: true });

    const gone = await admiral.app.inject({ method: 'GET', url: `${domainsUrl(siteA)}/${domain.id}`, headers: editor });
    expectProblem(gone, 404, 'not_found');
    const again = await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl(siteA)}/${domain.id}`, headers: editor });
    expectProblem(again, 404, 'not_found');
    expect(await auditsFor(domain.id)).toHaveLength(4);
  });

  it('runs the whole lifecycle over real HTTP', async () => {
    const headers = { ...editor, 'content-type': 'application/json' };
    const created = await fetch(`${baseUrl}${domainsUrl(siteA)}`, { method: 'POST', headers, body: JSON.stringify({ domainName: 'http.resources.test' }) });
    expect(created.status).toBe(201);
    const domain = (await created.json()) as Domain;
    expect(created.headers.get('location')).toBe(`${domainsUrl(siteA)}/${domain.id}`);
    const patched = await fetch(`${baseUrl}${domainsUrl(siteA)}/${domain.id}`, { method: 'PATCH', headers, body: JSON.stringify({ isActive: false }) });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as Domain).isActive).toBe(false);
    const deleted = await fetch(`${baseUrl}${domainsUrl(siteA)}/${domain.id}`, { method: 'DELETE', headers: editor });
    expect(deleted.status).toBe(204);
    const audits = await auditsFor(domain.id);
    expect(audits.map((a) => a.action)).toEqual(['domain.created', 'domain.updated', 'domain.deleted']);
    expect(audits.map((a) => a.request_id)).toEqual([
      created.headers.get('x-request-id'),
      patched.headers.get('x-request-id'),
      deleted.headers.get('x-request-id'),
    ]);
  });

  it('keeps the per-site audit chain gapless and linked (seq + 1, prev_hash = previous hash)', async () => {
    const before = (await siteChain(siteA)).length;
    const d = await create(siteA, editor, { domainName: 'chain.resources.test' });
    const patched = await admiral.app.inject({ method: 'PATCH', url: `${domainsUrl(siteA)}/${d.id}`, headers: editor, payload: { isActive: false } });
    expect(patched.statusCode).toBe(200);
    const removed = await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl(siteA)}/${d.id}`, headers: editor });
    expect(removed.statusCode).toBe(204);
    const chain = await siteChain(siteA);
    expect(chain.length).toBe(before + 3);
    expect(chain.slice(-3).map((r) => [r.action, r.target_id])).toEqual([
      ['domain.created', d.id],
      ['domain.updated', d.id],
      ['domain.deleted', d.id],
    ]);
    expect(chain[0]?.seq).toBe(1);
    expect(chain[0]?.prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < chain.length; i++) {
      const previous = chain[i - 1];
      const row = chain[i];
      expect(row?.seq).toBe((previous?.seq ?? 0) + 1);
      expect(row?.prev_hash).toBe(previous?.hash);
    }
    const { rows } = await admiral.db.ownerQuery<{ ok: boolean }>('SELECT bool_and(audit_hash(a) = a.hash) AS ok FROM audit_logs a WHERE site_id = $1', [
      siteA,
    ]);
    expect(rows[0]?.ok).toBe(true);
    // Another site's writes form their own chain.
    await create(siteB, editorB, { domainName: 'chain-b.resources.test' });
    const other = await siteChain(siteB);
    expect(other.map((r) => r.seq)).toEqual([1]);
  });

  it('writes nothing for a failed write (conflict, not found)', async () => {
    await create(siteA, editor, { domainName: 'unique.resources.test' });
    const before = await counts();
    const conflict = await admiral.app.inject({ method: 'POST', url: domainsUrl(siteA), headers: editor, payload: { domainName: 'unique.resources.test' } });
    expectProblem(conflict, 409, 'already_exists');
    const primaryTwice = await admiral.app.inject({
      method: 'POST',
      url: domainsUrl(siteA),
      headers: editor,
      payload: { domainName: 'p1.resources.test', isPrimary: true },
    });
    expect(primaryTwice.statusCode, primaryTwice.body).toBe(201);
    const afterPrimary = await counts();
    const secondPrimary = await admiral.app.inject({
      method: 'POST',
      url: domainsUrl(siteA),
      headers: editor,
      payload: { domainName: 'p2.resources.test', isPrimary: true },
    });
    expectProblem(secondPrimary, 409, 'already_exists');
    expect(await counts()).toEqual(afterPrimary);
    expect(afterPrimary).toEqual({ domains: before.domains + 1, audits: before.audits + 1 });
    const missing = await admiral.app.inject({ method: 'PATCH', url: `${domainsUrl(siteA)}/${uuidv7()}`, headers: editor, payload: { isActive: false } });
    expectProblem(missing, 404, 'not_found');
    expect(await counts()).toEqual(afterPrimary);
  });
});

describe('lists: pagination, sorting, filters, search', () => {
  // Five lower-case letters each, so every collation orders them the same way.
  const WORDS = 'delta alpha hotel bravo kilos mango zulus eagle india oscar tango lemon xrays forty gamma julep'.split(' ');
  WORDS.push(...'novel papas quack romeo sugar umbra viola whisk yacht'.split(' '));
  let all: Domain[];

  beforeAll(async () => {
    all = [];
    for (const [i, word] of WORDS.entries()) {
      all.push(
        await create(siteC, superAdmin, {
          domainName: `${word}.page.test`,
          type: i % 3 === 0 ? 'subdomain' : 'custom',
          isPrimary: i === 7,
          isActive: i % 5 !== 0,
        }),
      );
    }
  });

  const byId = (a: Domain, b: Domain) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const byName = (a: Domain, b: Domain) => (a.domainName < b.domainName ? -1 : a.domainName > b.domainName ? 1 : byId(a, b));
  const byCreated = (a: Domain, b: Domain) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : byId(a, b));

  it.each([
    ['-id', (a: Domain, b: Domain) => byId(b, a)],
    ['id', byId],
    ['domainName', byName],
    ['-domainName', (a: Domain, b: Domain) => byName(b, a)],
    ['createdAt', byCreated],
    ['-createdAt', (a: Domain, b: Domain) => byCreated(b, a)],
  ])('pages through all rows with sort=%s: no duplicates, no gaps, stable order', async (sort, compare) => {
    const { rows, pages } = await listAll(siteC, reader, `sort=${sort}`);
    expect(pages).toEqual([10, 10, 5]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(WORDS.length);
    expect(rows.map((r) => r.id)).toEqual([...all].sort(compare).map((r) => r.id));
    // The same walk again gives the same order.
    expect((await listAll(siteC, reader, `sort=${sort}`)).rows.map((r) => r.id)).toEqual(rows.map((r) => r.id));
  });

  it('defaults to newest first (sort=-id) with a page of 50', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: domainsUrl(siteC), headers: reader });
    const page = res.json() as Page;
    expect(page.nextCursor).toBeNull();
    expect(page.data.map((d) => d.id)).toEqual([...all].sort((a, b) => byId(b, a)).map((d) => d.id));
  });

  it('ends with nextCursor null exactly when the last row has been served', async () => {
    const exact = await listAll(siteC, reader, 'sort=id', 25);
    expect(exact.pages).toEqual([25]);
    const single = await listAll(siteC, reader, 'sort=-domainName', 1);
    expect(single.pages).toEqual(Array(25).fill(1));
  });

  it('keeps paging correctly when rows are added and removed between pages', async () => {
    const first = await admiral.app.inject({ method: 'GET', url: `${domainsUrl(siteC)}?sort=domainName&limit=10`, headers: reader });
    const page1 = first.json() as Page;
    const extra = await create(siteC, superAdmin, { domainName: 'aaaaa.page.test' }); // sorts before the cursor
    const late = await create(siteC, superAdmin, { domainName: 'zzzzz.page.test' }); // sorts after it
    try {
      const rest: Domain[] = [];
      let cursor = page1.nextCursor;
      while (cursor) {
        const res = await admiral.app.inject({ method: 'GET', url: `${domainsUrl(siteC)}?sort=domainName&limit=10&cursor=${cursor}`, headers: reader });
        const page = res.json() as Page;
        rest.push(...page.data);
        cursor = page.nextCursor;
      }
      const names = [...page1.data, ...rest].map((d) => d.domainName);
      expect(names).toEqual([...WORDS.map((w) => `${w}.page.test`), 'zzzzz.page.test'].sort());
    } finally {
      for (const d of [extra, late]) await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl(siteC)}/${d.id}`, headers: superAdmin });
    }
  });

  it('filters by equality (isPrimary, type, isActive, verificationStatus), combined and paged', async () => {
    const primary = await listAll(siteC, reader, 'isPrimary=true');
    expect(primary.rows.map((r) => r.domainName)).toEqual([`${WORDS[7]}.page.test`]);

    const subdomains = await listAll(siteC, reader, 'type=subdomain&sort=domainName', 3);
    const expected = all.filter((d) => d.type === 'subdomain').sort(byName);
    expect(expected.length).toBe(9);
    expect(subdomains.rows.map((r) => r.id)).toEqual(expected.map((d) => d.id));

    const inactiveSubdomains = await listAll(siteC, reader, 'type=subdomain&isActive=false');
    expect(inactiveSubdomains.rows.map((r) => r.id).sort()).toEqual(
      all
        .filter((d) => d.type === 'subdomain' && !d.isActive)
        .map((d) => d.id)
        .sort(),
    );
    expect(inactiveSubdomains.rows.length).toBeGreaterThan(0);

    const notPrimary = await listAll(siteC, reader, 'isPrimary=false', 50);
    expect(notPrimary.rows).toHaveLength(24);
    expect((await listAll(siteC, reader, 'verificationStatus=verified')).rows).toEqual([]);
    expect((await listAll(siteC, reader, 'verificationStatus=pending', 100)).rows).toHaveLength(25);
  });

  it('searches with q: substring, case-insensitive', async () => {
    for (const q of ['AL', 'al', 'ang', 'PAGE.TEST', 'o.p']) {
      const { rows } = await listAll(siteC, reader, `q=${encodeURIComponent(q)}&sort=domainName`);
      const expected = all.filter((d) => d.domainName.includes(q.toLowerCase())).sort(byName);
      expect(
        rows.map((r) => r.domainName),
        q,
      ).toEqual(expected.map((d) => d.domainName));
    }
    expect((await listAll(siteC, reader, 'q=AL')).rows.length).toBeGreaterThan(0);
    expect((await listAll(siteC, reader, 'q=nothing-like-this')).rows).toEqual([]);
  });

  it('treats % and _ in q literally, not as wildcards', async () => {
    for (const q of ['%', '_', '%a%', 'a_p', '____', '\\', '\\%']) {
      const { rows } = await listAll(siteC, reader, `q=${encodeURIComponent(q)}`);
      expect(rows, q).toEqual([]);
    }
  });

  it('combines q, filters and sort while paging', async () => {
    const { rows } = await listAll(siteC, reader, 'q=a&type=custom&sort=-domainName', 4);
    const expected = all
      .filter((d) => d.domainName.includes('a') && d.type === 'custom')
      .sort(byName)
      .reverse();
    expect(rows.map((r) => r.id)).toEqual(expected.map((d) => d.id));
  });

  it('rejects a cursor when the filters stay but the sort changes', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: `${domainsUrl(siteC)}?limit=5&sort=domainName`, headers: reader });
    const cursor = (res.json() as Page).nextCursor;
    const other = await admiral.app.inject({ method: 'GET', url: `${domainsUrl(siteC)}?limit=5&sort=-domainName&cursor=${cursor}`, headers: reader });
    expectProblem(other, 400, 'invalid_cursor');
  });
});

describe('tenant isolation in the application', () => {
  let domainA: Domain;
  let domainB: Domain;
  beforeAll(async () => {
    domainA = await create(siteA, editor, { domainName: 'iso-a.resources.test' });
    domainB = await create(siteB, editorB, { domainName: 'iso-b.resources.test' });
  });

  it("gives 404 for another site's record through the caller's own site path", async () => {
    const before = await counts();
    const stored = (await admiral.db.ownerQuery('SELECT * FROM domain_mappings WHERE id = $1', [domainB.id])).rows;
    const get = await admiral.app.inject({ method: 'GET', url: `${domainsUrl(siteA)}/${domainB.id}`, headers: editor });
    expectProblem(get, 404, 'not_found');
    const patch = await admiral.app.inject({ method: 'PATCH', url: `${domainsUrl(siteA)}/${domainB.id}`, headers: editor, payload: { isActive: false } });
    expectProblem(patch, 404, 'not_found');
    const del = await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl(siteA)}/${domainB.id}`, headers: editor });
    expectProblem(del, 404, 'not_found');
    // Even a super admin cannot reach B's record through A's path.
    const sup = await admiral.app.inject({ method: 'GET', url: `${domainsUrl(siteA)}/${domainB.id}`, headers: superAdmin });
    expectProblem(sup, 404, 'not_found');
    expect(await counts()).toEqual(before);
    expect((await admiral.db.ownerQuery('SELECT * FROM domain_mappings WHERE id = $1', [domainB.id])).rows).toEqual(stored);
  });

  it("gives 403 on the other site's own path", async () => {
    const before = await counts();
    for (const [method, url, payload] of [
      ['GET', domainsUrl(siteB), undefined],
      ['GET', `${domainsUrl(siteB)}/${domainB.id}`, undefined],
      ['POST', domainsUrl(siteB), { domainName: 'intruder.resources.test' }],
      ['PATCH', `${domainsUrl(siteB)}/${domainB.id}`, { isActive: false }],
      ['DELETE', `${domainsUrl(siteB)}/${domainB.id}`, undefined],
    ] as const) {
      const res = await admiral.app.inject({ method, url, headers: editor, ...(payload ? { payload } : {}) });
      expectProblem(res, 403, 'permission_denied');
    }
    expect(await counts()).toEqual(before);
  });

  it("lists only the site's own records", async () => {
    const a = await listAll(siteA, editor, '', 200);
    expect(a.rows.every((d) => d.siteId === siteA)).toBe(true);
    expect(a.rows.map((d) => d.id)).toContain(domainA.id);
    expect(a.rows.map((d) => d.id)).not.toContain(domainB.id);
    const b = await listAll(siteB, editorB, '', 200);
    expect(b.rows.every((d) => d.siteId === siteB)).toBe(true);
    expect(b.rows.map((d) => d.id)).toContain(domainB.id);
  });

  it('ignores a site id smuggled into the body', async () => {
    const res = await admiral.app.inject({
      method: 'POST',
      url: domainsUrl(siteA),
      headers: editor,
      payload: { domainName: 'smuggle.resources.test', siteId: siteB },
    });
    expectProblem(res, 400, 'validation_failed');
    expect((await admiral.db.ownerQuery("SELECT 1 FROM domain_mappings WHERE domain_name = 'smuggle.resources.test'")).rows).toEqual([]);
  });
});

describe('host routing', () => {
  async function viaHost(host: string, headers: Record<string, string>): Promise<LightMyRequestResponse> {
    return admiral.app.inject({ method: 'GET', url: '/v1/domains?limit=200', headers: { ...headers, host } });
  }

  async function eventually(host: string, headers: Record<string, string>, status: number): Promise<LightMyRequestResponse> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const res = await viaHost(host, headers);
      if (res.statusCode === status || Date.now() > deadline) return res;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it("serves a mapped host's site without /sites/{siteId} in the path, once the mapping is active", async () => {
    const before = await viaHost('tenant.example.test', editor);
    expectProblem(before, 404, 'route_not_found');

    const mapping = await create(siteA, editor, { domainName: 'Tenant.Example.TEST', isActive: true });
    const routed = await eventually('tenant.example.test', editor, 200);
    expect(routed.statusCode, routed.body).toBe(200);
    const direct = await listAll(siteA, editor, '', 200);
    expect((routed.json() as Page).data.map((d) => d.id)).toEqual(direct.rows.map((d) => d.id));
    expect((routed.json() as Page).data.map((d) => d.id)).toContain(mapping.id);

    // Host matching ignores case and a port.
    const withPort = await viaHost('TENANT.example.test:8443', editor);
    expect(withPort.statusCode, withPort.body).toBe(200);
    // Item routes are rewritten too.
    const item = await admiral.app.inject({ method: 'GET', url: `/v1/domains/${mapping.id}`, headers: { ...editor, host: 'tenant.example.test' } });
    expect(item.statusCode, item.body).toBe(200);
    expect(item.json().id).toBe(mapping.id);

    // Permissions still apply to the routed site.
    const foreign = await viaHost('tenant.example.test', editorB);
    expectProblem(foreign, 403, 'permission_denied');
    // An unmapped host is not routed anywhere.
    expectProblem(await viaHost('unmapped.example.test', editor), 404, 'route_not_found');
    // Platform routes are not rewritten.
    const sites = await admiral.app.inject({ method: 'GET', url: '/v1/sites', headers: { ...superAdmin, host: 'tenant.example.test' } });
    expect(sites.statusCode, sites.body).toBe(200);
    // Nor are platform routes whose first segment a tenant route also uses (/v1/users vs /v1/sites/{id}/users/…).
    const users = await admiral.app.inject({ method: 'GET', url: '/v1/users', headers: { ...superAdmin, host: 'tenant.example.test' } });
    expect(users.statusCode, users.body).toBe(200);
    expect((users.json() as { data: unknown[] }).data).toBeInstanceOf(Array);

    // Deactivating the mapping stops the routing.
    const off = await admiral.app.inject({ method: 'PATCH', url: `${domainsUrl(siteA)}/${mapping.id}`, headers: editor, payload: { isActive: false } });
    expect(off.statusCode, off.body).toBe(200);
    expectProblem(await eventually('tenant.example.test', editor, 404), 404, 'route_not_found');
  });
});

describe('GET /v1/meta/resources', () => {
  interface ResourceMeta {
    name: string;
    plural: string;
    path: string;
    module: string | null;
    permissions: Record<string, string>;
    fields: Array<{ name: string; kind: string; nullable: boolean; writable: boolean; immutable: boolean; required: boolean; enum?: string[] }>;
    listColumns: string[];
    filters: Array<{ name: string; kind: string; enum?: string[] }>;
    sortable: string[];
    defaultSort: string;
    searchable: boolean;
    schema: Record<string, unknown>;
    createSchema: Record<string, unknown>;
    updateSchema: Record<string, unknown>;
  }

  async function domainMeta(): Promise<ResourceMeta> {
    const res = await admiral.app.inject({ method: 'GET', url: '/v1/meta/resources' });
    expect(res.statusCode, res.body).toBe(200);
    const meta = (res.json() as { data: ResourceMeta[] }).data.find((r) => r.name === 'domain');
    if (!meta) throw new Error('no domain resource in /v1/meta/resources');
    return meta;
  }

  it('describes the domain resource: path, permissions, fields, columns, filters, sorting', async () => {
    const meta = await domainMeta();
    expect(meta).toMatchObject({
      name: 'domain',
      plural: 'domains',
      module: 'tenancy',
      path: '/v1/sites/{siteId}/domains',
      permissions: { read: 'domains.read', create: 'domains.create', update: 'domains.update', delete: 'domains.delete' },
      listColumns: ['domainName', 'type', 'isPrimary', 'verificationStatus', 'isActive', 'createdAt'],
      sortable: ['id', 'domainName', 'createdAt'],
      defaultSort: '-id',
      searchable: true,
    });
    const fields = Object.fromEntries(meta.fields.map((f) => [f.name, f]));
    expect(Object.keys(fields).sort()).toEqual(['createdAt', 'domainName', 'id', 'isActive', 'isPrimary', 'siteId', 'type', 'updatedAt', 'verificationStatus']);
    expect(fields.domainName).toMatchObject({ kind: 'string', nullable: false, writable: true, required: true });
    expect(fields.type).toMatchObject({ kind: 'enum', writable: true, required: false, enum: ['subdomain', 'custom'] });
    expect(fields.isPrimary).toMatchObject({ kind: 'boolean', writable: true, required: false });
    expect(fields.id).toMatchObject({ kind: 'uuid', writable: false });
    expect(fields.siteId).toMatchObject({ kind: 'uuid', writable: false });
    expect(fields.createdAt).toMatchObject({ kind: 'datetime', writable: false });
    expect(meta.filters).toMatchObject([
      { name: 'type', kind: 'enum', enum: ['subdomain', 'custom'] },
      { name: 'isActive', kind: 'boolean' },
      { name: 'isPrimary', kind: 'boolean' },
      { name: 'verificationStatus', kind: 'enum', enum: ['pending', 'verified', 'failed'] },
    ]);
  });

  it('publishes JSON Schemas that match what the API accepts and returns', async () => {
    const meta = await domainMeta();
    expect(meta.createSchema).toMatchObject({ type: 'object', additionalProperties: false, required: ['domainName'] });
    expect(Object.keys(meta.createSchema.properties as object).sort()).toEqual(['domainName', 'isActive', 'isPrimary', 'type', 'verificationStatus']);
    expect(meta.updateSchema).toMatchObject({ type: 'object', additionalProperties: false, minProperties: 1 });
    expect(meta.updateSchema.required).toBeUndefined();
    expect(meta.schema).toMatchObject({ type: 'object', additionalProperties: false });

    const ajv = addFormats.default(new Ajv.default({ strict: false, allErrors: true }));
    const validCreate = ajv.compile(meta.createSchema);
    const validUpdate = ajv.compile(meta.updateSchema);
    const validItem = ajv.compile(meta.schema);
    expect(validCreate({ domainName: 'meta.resources.test', type: 'subdomain' })).toBe(true);
    expect(validCreate({ domainName: 'meta.resources.test', colour: 'red' })).toBe(false);
    expect(validCreate({ type: 'custom' })).toBe(false);
    expect(validUpdate({})).toBe(false);
    expect(validUpdate({ isActive: false })).toBe(true);

    // The published item schema describes the records the API actually returns.
    const created = await create(siteA, editor, { domainName: 'meta.resources.test', type: 'subdomain' });
    const fetched = await admiral.app.inject({ method: 'GET', url: `${domainsUrl(siteA)}/${created.id}`, headers: editor });
    for (const record of [created, fetched.json()]) {
      expect(validItem(record), JSON.stringify(validItem.errors)).toBe(true);
    }
    // Timestamps are RFC 3339 / ISO 8601 in UTC, as the schema's date-time format says.
    expect(created.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
  });

  it('is public: no token needed', async () => {
    const res = await fetch(`${baseUrl}/v1/meta/resources`);
    expect(res.status).toBe(200);
  });
});
