import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolationTesting } from '../src/kernel/resources/service.js';
import { expectProblem } from './helpers/access.js';
import { startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import { type AuditLog, as, forgeRow, ids, listAll, seedAuditTrail, tokens, writeRow } from './helpers/audit.js';

let admiral: TestAdmiral;
/** Site A's whole trail, newest first, as the API lists it. */
let trailA: AuditLog[];

const siteA = `/v1/sites/${ids.siteA}`;
const siteB = `/v1/sites/${ids.siteB}`;
const get = (url: string, headers: Record<string, string>) => admiral.app.inject({ method: 'GET', url, headers });
const idsOf = (rows: AuditLog[]) => rows.map((r) => r.id);

beforeAll(async () => {
  admiral = await startTestAdmiral({ tokens });
  await seedAuditTrail(admiral);
  trailA = await listAll(admiral, `${siteA}/audit-logs`, as('alice'));
});
afterAll(async () => admiral?.stop());

describe('GET /v1/sites/{siteId}/audit-logs', () => {
  it("lists every row of the site's chain, newest first, with every column", async () => {
    const { rows } = await admiral.db.ownerQuery<Record<string, unknown>>('SELECT * FROM audit_logs WHERE site_id = $1 ORDER BY seq DESC', [ids.siteA]);
    expect(rows.length).toBeGreaterThan(15);
    expect(trailA.map((r) => r.seq)).toEqual(rows.map((_, i) => rows.length - i));
    const hostile = trailA.find((r) => r.requestId === 'req-hostile') as AuditLog;
    const stored = rows.find((r) => r.id === hostile.id) as Record<string, unknown>;
    expect(hostile).toEqual({
      id: stored.id,
      siteId: ids.siteA,
      seq: Number(stored.seq),
      actorUserId: ids.alice,
      actorApiKeyId: null,
      impersonatorUserId: null,
      action: 'note.added',
      category: 'notes',
      targetType: 'note',
      targetId: '+SUM(1,2)',
      description: '=HYPERLINK("http://evil.test","click")',
      before: -5,
      after: { 'a,b': 'line one\r\nline "two"', formula: '@cmd' },
      ip: null,
      userAgent: null,
      sessionId: null,
      requestId: 'req-hostile',
      success: true,
      error: null,
      metadata: { note: '-2+3' },
      createdAt: new Date(stored.created_at as string).toISOString(),
      prevHash: stored.prev_hash,
      hash: stored.hash,
    });
    const created = trailA.find((r) => r.action === 'domain.created' && r.actorUserId === ids.bob) as AuditLog;
    expect(created).toMatchObject({ category: 'tenancy', targetType: 'domain', before: null, ip: '127.0.0.1', userAgent: 'lightMyRequest' });
    expect(created.requestId).toMatch(/.+/);
    expect(created.after).toMatchObject({ domainName: expect.stringMatching(/^bob-/) });
  });

  const filters: Array<[string, Record<string, string>, (row: AuditLog) => boolean]> = [
    ['actorUserId', { actorUserId: ids.bob }, (r) => r.actorUserId === ids.bob],
    ['actorApiKeyId', { actorApiKeyId: ids.apiKey }, (r) => r.actorApiKeyId === ids.apiKey],
    ['action (exact)', { action: 'domain.created' }, (r) => r.action === 'domain.created'],
    ['action (prefix)', { action: 'domain.*' }, (r) => r.action.startsWith('domain.')],
    ['action (prefix, LIKE wildcards escaped)', { action: 'under_*' }, (r) => r.action === 'under_score'],
    ['category', { category: 'notes' }, (r) => r.category === 'notes'],
    ['targetType', { targetType: 'report' }, (r) => r.targetType === 'report'],
    ['targetId', { targetId: '+SUM(1,2)' }, (r) => r.targetId === '+SUM(1,2)'],
    ['success=false', { success: 'false' }, (r) => !r.success],
    ['success=true', { success: 'true' }, (r) => r.success],
    [
      'several at once',
      { actorUserId: ids.bob, action: 'domain.*', success: 'true' },
      (r) => r.actorUserId === ids.bob && r.action.startsWith('domain.') && r.success,
    ],
  ];
  it.each(filters)('filter %s narrows to exactly the matching rows', async (_name, query, matches) => {
    const expected = trailA.filter(matches);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(trailA.length);
    expect(idsOf(await listAll(admiral, `${siteA}/audit-logs`, as('alice'), query, 3))).toEqual(idsOf(expected));
  });

  it('from is inclusive and to exclusive, to the millisecond', async () => {
    const ascending = [...trailA].reverse();
    const pivot = ascending[Math.floor(ascending.length / 2)]?.createdAt as string;
    const from = await listAll(admiral, `${siteA}/audit-logs`, as('alice'), { from: pivot });
    const to = await listAll(admiral, `${siteA}/audit-logs`, as('alice'), { to: pivot });
    expect(idsOf(from)).toEqual(idsOf(trailA.filter((r) => r.createdAt >= pivot)));
    expect(idsOf(to)).toEqual(idsOf(trailA.filter((r) => r.createdAt < pivot)));
    expect(from.length + to.length).toBe(trailA.length);
    expect(from.some((r) => r.createdAt === pivot)).toBe(true);
    // Another offset, the same instant.
    const shifted = new Date(Date.parse(pivot) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(idsOf(await listAll(admiral, `${siteA}/audit-logs`, as('alice'), { from: shifted }))).toEqual(idsOf(from));
  });

  it('pages have no gaps or duplicates, even while rows are written between pages', async () => {
    const pages: AuditLog[] = [];
    let cursor: string | null = null;
    let written = 0;
    do {
      const response = await get(`${siteA}/audit-logs?limit=4${cursor ? `&cursor=${cursor}` : ''}`, as('alice'));
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as { data: AuditLog[]; nextCursor: string | null };
      pages.push(...body.data);
      cursor = body.nextCursor;
      await writeRow(admiral, ids.siteA, { action: 'meanwhile.written', category: 'paging' });
      written++;
    } while (cursor !== null);
    expect(idsOf(pages)).toEqual(idsOf(trailA));
    expect(new Set(idsOf(pages)).size).toBe(pages.length);
    const now = await listAll(admiral, `${siteA}/audit-logs`, as('alice'));
    expect(now.slice(0, written).every((r) => r.action === 'meanwhile.written')).toBe(true);
    expect(idsOf(now.slice(written))).toEqual(idsOf(trailA));
    trailA = now;
  });

  it.each([
    ['a cursor the server did not issue', 'cursor=bm9wZQ', 'invalid_cursor'],
    ['a cursor of another sort order', `cursor=${Buffer.from(JSON.stringify(['-id', 5, ids.alice])).toString('base64url')}`, 'invalid_cursor'],
    ['a limit over 200', 'limit=201', 'validation_failed'],
    ['a bare * action', 'action=*', 'validation_failed'],
    ['a * inside the action', 'action=do*main', 'validation_failed'],
    ['a from that is not a date-time', 'from=yesterday', 'validation_failed'],
    ['an actor that is not a UUID', 'actorUserId=bob', 'validation_failed'],
    ['an unknown parameter', 'actor=bob', 'validation_failed'],
  ])('refuses %s (400)', async (_name, query, code) => {
    expectProblem(await get(`${siteA}/audit-logs?${query}`, as('alice')), 400, code);
  });
});

describe('GET /v1/sites/{siteId}/audit-logs/{id}', () => {
  it('returns the row as the list shows it, or 404', async () => {
    const row = trailA[3] as AuditLog;
    const response = await get(`${siteA}/audit-logs/${row.id}`, as('reader'));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual(row);
    expectProblem(await get(`${siteA}/audit-logs/${ids.bob}`, as('alice')), 404, 'not_found');
    expectProblem(await get(`${siteA}/audit-logs/not-a-uuid`, as('alice')), 400, 'validation_failed');
  });
});

describe('who may read what', () => {
  it('a caller without audit.read gets 403 (and without audit.export / audit.verify for those)', async () => {
    const row = trailA[0] as AuditLog;
    for (const url of [`${siteA}/audit-logs`, `${siteA}/audit-logs/${row.id}`, `${siteA}/users/${ids.bob}/activity`]) {
      expectProblem(await get(url, as('bob')), 403, 'permission_denied');
    }
    expectProblem(await get(`${siteA}/audit-logs/export?format=csv`, as('reader')), 403, 'permission_denied');
    expectProblem(await get(`${siteA}/audit-logs/verify`, as('reader')), 403, 'permission_denied');
  });

  it("a site's admin cannot read another site's rows: 403 on its routes, 404 for its row ids", async () => {
    const trailB = await listAll(admiral, `${siteB}/audit-logs`, as('carol'));
    expect(trailB.length).toBe(2);
    expect(trailB.every((r) => r.siteId === ids.siteB)).toBe(true);
    expectProblem(await get(`${siteB}/audit-logs`, as('alice')), 403, 'permission_denied');
    expectProblem(await get(`${siteB}/audit-logs/verify`, as('alice')), 403, 'permission_denied');
    expectProblem(await get(`${siteA}/audit-logs/${trailB[0]?.id}`, as('alice')), 404, 'not_found');
    expect(trailA.some((r) => r.siteId !== ids.siteA)).toBe(false);
  });

  it("RLS alone keeps other sites' and platform rows out (application filter off)", async () => {
    const trailB = await listAll(admiral, `${siteB}/audit-logs`, as('carol'));
    const platform = await listAll(admiral, '/v1/audit-logs', superAdmin);
    isolationTesting.skipApplicationSiteFilter = true;
    try {
      const seen = await listAll(admiral, `${siteA}/audit-logs`, as('alice'));
      expect(idsOf(seen)).toEqual(idsOf(trailA));
      for (const foreign of [trailB[0], platform[0]]) expectProblem(await get(`${siteA}/audit-logs/${foreign?.id}`, as('alice')), 404, 'not_found');
    } finally {
      isolationTesting.skipApplicationSiteFilter = false;
    }
    const direct = await admiral.kernel.db.withTenant({ siteId: ids.siteA }, (tx) => tx.$client.query('SELECT DISTINCT site_id FROM audit_logs'));
    expect(direct.rows).toEqual([{ site_id: ids.siteA }]);
  });

  it('the platform chain is for platform callers only, and holds only site-less rows', async () => {
    expectProblem(await get('/v1/audit-logs', as('alice')), 403, 'permission_denied');
    expectProblem(await get('/v1/audit-logs/verify', as('alice')), 403, 'permission_denied');
    const platform = await listAll(admiral, '/v1/audit-logs', superAdmin);
    expect(platform.filter((r) => r.action === 'site.created').length).toBe(2);
    expect(platform.every((r) => r.siteId === null)).toBe(true);
    const filtered = await listAll(admiral, '/v1/audit-logs', superAdmin, { action: 'site.*', targetType: 'site' });
    expect(idsOf(filtered)).toEqual(idsOf(platform.filter((r) => r.action.startsWith('site.') && r.targetType === 'site')));
    const one = await get(`/v1/audit-logs/${platform[0]?.id}`, superAdmin);
    expect(one.json()).toEqual(platform[0]);
    expectProblem(await get(`/v1/audit-logs/${trailA[0]?.id}`, superAdmin), 404, 'not_found');
  });
});

describe('GET /v1/sites/{siteId}/users/{userId}/activity', () => {
  it("is the user's own rows on this site, newest first, paginated and filterable", async () => {
    const bobs = trailA.filter((r) => r.actorUserId === ids.bob);
    expect(bobs.length).toBe(7);
    expect(idsOf(await listAll(admiral, `${siteA}/users/${ids.bob}/activity`, as('alice'), {}, 2))).toEqual(idsOf(bobs));
    const updates = await listAll(admiral, `${siteA}/users/${ids.bob}/activity`, as('reader'), { action: 'domain.updated' });
    expect(idsOf(updates)).toEqual(idsOf(bobs.filter((r) => r.action === 'domain.updated')));
    expect(updates.length).toBe(2);
    // carol acted only on site B: nothing of hers shows on A; bob's timeline on B is empty.
    expect(await listAll(admiral, `${siteA}/users/${ids.carol}/activity`, as('alice'))).toEqual([]);
    expect(await listAll(admiral, `${siteB}/users/${ids.bob}/activity`, as('carol'))).toEqual([]);
    expect((await listAll(admiral, `${siteB}/users/${ids.carol}/activity`, as('carol'))).length).toBe(2);
    expectProblem(await get(`${siteA}/users/${ids.bob}/activity?actorUserId=${ids.alice}`, as('alice')), 400, 'validation_failed');
  });
});

describe('GET …/audit-logs/verify', () => {
  it('reports an intact chain, then the first broken link after a row is forged', async () => {
    const intact = await get(`${siteA}/audit-logs/verify`, as('alice'));
    expect(intact.statusCode, intact.body).toBe(200);
    expect(intact.json()).toEqual({ siteId: ids.siteA, ok: true, rows: trailA.length, firstBreak: null });
    const platform = await get('/v1/audit-logs/verify', superAdmin);
    expect(platform.json()).toMatchObject({ siteId: null, ok: true, firstBreak: null });

    const ascending = [...trailA].reverse();
    const victim = ascending[4] as AuditLog;
    const later = ascending[9] as AuditLog;
    await forgeRow(admiral, later.id);
    await forgeRow(admiral, victim.id);
    const broken = await get(`${siteA}/audit-logs/verify`, as('alice'));
    expect(broken.json()).toEqual({
      siteId: ids.siteA,
      ok: false,
      rows: trailA.length,
      firstBreak: { seq: victim.seq, id: victim.id, reason: 'hash_mismatch' },
    });
    // Other chains are unaffected.
    expect((await get(`${siteB}/audit-logs/verify`, as('carol'))).json()).toMatchObject({ ok: true, rows: 2 });
    expect((await get('/v1/audit-logs/verify', superAdmin)).json()).toMatchObject({ ok: true });
  });

  it("the database refuses to verify any chain but the transaction's own", async () => {
    const verify = (siteId: string | null) =>
      admiral.kernel.db.withTenant({ siteId: ids.siteA }, (tx) => tx.$client.query('SELECT * FROM admiral_verify_audit_chain($1)', [siteId]));
    await expect(verify(ids.siteB)).rejects.toMatchObject({ code: '42501' });
    await expect(verify(null)).rejects.toMatchObject({ code: '42501' });
    expect((await verify(ids.siteA)).rows[0]).toMatchObject({ break_reason: 'hash_mismatch' });
    const fromPlatform = (siteId: string) =>
      admiral.kernel.db.asPlatform({}, (tx) => tx.$client.query('SELECT * FROM admiral_verify_audit_chain($1)', [siteId]));
    await expect(fromPlatform(ids.siteB)).rejects.toMatchObject({ code: '42501' });
    // The runtime role itself still cannot read across sites, nor see the chain heads.
    await expect(admiral.kernel.db.withTenant({ siteId: ids.siteA }, (tx) => tx.$client.query('SELECT * FROM audit_chain_heads'))).rejects.toMatchObject({
      code: '42501',
    });
  });
});
