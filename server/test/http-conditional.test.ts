import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';

const STRONG_ETAG = /^"[A-Za-z0-9_-]+"$/;

let admiral: TestAdmiral;
let baseUrl: string;
let siteId: string;

const domainsUrl = () => `/v1/sites/${siteId}/domains`;

function etagOf(res: LightMyRequestResponse): string {
  const etag = res.headers.etag;
  expect(etag, `no ETag on ${res.statusCode} ${res.body}`).toEqual(expect.stringMatching(STRONG_ETAG));
  return String(etag);
}

async function auditCount(targetId: string): Promise<number> {
  const { rows } = await admiral.db.ownerQuery<{ n: number }>('SELECT count(*)::int AS n FROM audit_logs WHERE target_id = $1', [targetId]);
  return rows[0]?.n ?? -1;
}

async function storedRow(id: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await admiral.db.ownerQuery('SELECT * FROM domain_mappings WHERE id = $1', [id]);
  return rows[0];
}

let counter = 0;
async function createDomain(): Promise<{ id: string; etag: string; body: Record<string, unknown> }> {
  counter += 1;
  const res = await admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: superAdmin, payload: { domainName: `c${counter}.conditional.test` } });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, etag: etagOf(res), body: res.json() };
}

beforeAll(async () => {
  admiral = await startTestAdmiral();
  baseUrl = await admiral.listen();
  const site = await admiral.app.inject({ method: 'POST', url: '/v1/sites', headers: superAdmin, payload: { name: 'Conditional', slug: 'conditional' } });
  expect(site.statusCode, site.body).toBe(201);
  siteId = site.json().id;
});
afterAll(async () => admiral?.stop());

describe('conditional GET', () => {
  let domain: { id: string; etag: string };
  beforeEach(async () => {
    domain = await createDomain();
  });

  it('returns a strong ETag on GET, the same one the create returned', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/${domain.id}`, headers: superAdmin });
    expect(res.statusCode).toBe(200);
    expect(etagOf(res)).toBe(domain.etag);
    // Stable: reading again gives the same validator.
    const again = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/${domain.id}`, headers: superAdmin });
    expect(etagOf(again)).toBe(domain.etag);
  });

  it('answers 304 with an empty body and the ETag for a matching If-None-Match', async () => {
    for (const ifNoneMatch of [domain.etag, `"something-else", ${domain.etag}`, `W/${domain.etag}`, '*']) {
      const res = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/${domain.id}`, headers: { ...superAdmin, 'if-none-match': ifNoneMatch } });
      expect(res.statusCode, ifNoneMatch).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers.etag).toBe(domain.etag);
    }
  });

  it('answers 200 with the body for a non-matching If-None-Match', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/${domain.id}`, headers: { ...superAdmin, 'if-none-match': '"stale"' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(domain.id);
  });

  it('stops matching the old ETag once the record changes', async () => {
    const patch = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl()}/${domain.id}`,
      headers: superAdmin,
      payload: { verificationStatus: 'verified' },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const newEtag = etagOf(patch);
    expect(newEtag).not.toBe(domain.etag);

    const old = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/${domain.id}`, headers: { ...superAdmin, 'if-none-match': domain.etag } });
    expect(old.statusCode).toBe(200);
    expect(old.json().verificationStatus).toBe('verified');
    expect(etagOf(old)).toBe(newEtag);

    const fresh = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/${domain.id}`, headers: { ...superAdmin, 'if-none-match': newEtag } });
    expect(fresh.statusCode).toBe(304);
  });

  it('notices a change made outside the API too', async () => {
    await admiral.db.ownerQuery('UPDATE domain_mappings SET is_active = false WHERE id = $1', [domain.id]);
    const res = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/${domain.id}`, headers: { ...superAdmin, 'if-none-match': domain.etag } });
    expect(res.statusCode).toBe(200);
    expect(res.json().isActive).toBe(false);
    expect(etagOf(res)).not.toBe(domain.etag);
  });

  it('gives lists an ETag and a 304, which a new record invalidates', async () => {
    const first = await admiral.app.inject({ method: 'GET', url: domainsUrl(), headers: superAdmin });
    expect(first.statusCode).toBe(200);
    const listEtag = etagOf(first);
    const same = await admiral.app.inject({ method: 'GET', url: domainsUrl(), headers: { ...superAdmin, 'if-none-match': listEtag } });
    expect(same.statusCode).toBe(304);
    expect(same.body).toBe('');
    // A different page of the same collection is a different representation.
    const page = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}?limit=1`, headers: { ...superAdmin, 'if-none-match': listEtag } });
    expect(page.statusCode).toBe(200);

    await createDomain();
    const changed = await admiral.app.inject({ method: 'GET', url: domainsUrl(), headers: { ...superAdmin, 'if-none-match': listEtag } });
    expect(changed.statusCode).toBe(200);
    expect(etagOf(changed)).not.toBe(listEtag);
  });

  it('does not answer 304 to errors', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/not-a-uuid`, headers: { ...superAdmin, 'if-none-match': '*' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers.etag).toBeUndefined();
    expect(res.json().code).toBe('validation_failed');
  });

  it('answers 304 over real HTTP', async () => {
    const url = `${baseUrl}${domainsUrl()}/${domain.id}`;
    const first = await fetch(url, { headers: superAdmin });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toBe(domain.etag);
    const second = await fetch(url, { headers: { ...superAdmin, 'if-none-match': String(etag) } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    expect(second.headers.get('etag')).toBe(etag);
  });
});

describe('If-Match on updates', () => {
  it('refuses a stale If-Match with 412 precondition_failed and changes nothing', async () => {
    const domain = await createDomain();
    const update = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl()}/${domain.id}`,
      headers: { ...superAdmin, 'if-match': domain.etag },
      payload: { type: 'subdomain' },
    });
    expect(update.statusCode, update.body).toBe(200);
    const current = etagOf(update);
    const rowBefore = await storedRow(domain.id);
    const auditsBefore = await auditCount(domain.id);
    expect(auditsBefore).toBe(2);

    const stale = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl()}/${domain.id}`,
      headers: { ...superAdmin, 'if-match': domain.etag },
      payload: { isActive: false },
    });
    expect(stale.statusCode, stale.body).toBe(412);
    expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(stale.json()).toMatchObject({ status: 412, code: 'precondition_failed', title: 'Precondition Failed' });
    expect(stale.json().requestId).toBe(stale.headers['x-request-id']);
    expect(await storedRow(domain.id)).toEqual(rowBefore);
    expect(await auditCount(domain.id)).toBe(auditsBefore);

    const get = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/${domain.id}`, headers: superAdmin });
    expect(get.json()).toMatchObject({ isActive: true, type: 'subdomain' });
    expect(etagOf(get)).toBe(current);
  });

  it('applies a PATCH with the current If-Match and returns the new ETag (the one a GET then gives)', async () => {
    const domain = await createDomain();
    const res = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl()}/${domain.id}`,
      headers: { ...superAdmin, 'if-match': domain.etag },
      payload: { isActive: false },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().isActive).toBe(false);
    const newEtag = etagOf(res);
    expect(newEtag).not.toBe(domain.etag);
    const get = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/${domain.id}`, headers: superAdmin });
    expect(etagOf(get)).toBe(newEtag);
    expect(await auditCount(domain.id)).toBe(2);

    // The returned ETag is usable for the next conditional write.
    const next = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl()}/${domain.id}`,
      headers: { ...superAdmin, 'if-match': newEtag },
      payload: { isActive: true },
    });
    expect(next.statusCode, next.body).toBe(200);
  });

  it('accepts If-Match: * and a list that contains the current ETag; a PATCH without If-Match is unconditional', async () => {
    const domain = await createDomain();
    const star = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl()}/${domain.id}`,
      headers: { ...superAdmin, 'if-match': '*' },
      payload: { verificationStatus: 'failed' },
    });
    expect(star.statusCode, star.body).toBe(200);
    const list = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl()}/${domain.id}`,
      headers: { ...superAdmin, 'if-match': `"old-one", ${etagOf(star)}` },
      payload: { verificationStatus: 'pending' },
    });
    expect(list.statusCode, list.body).toBe(200);
    const none = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl()}/${domain.id}`,
      headers: superAdmin,
      payload: { verificationStatus: 'verified' },
    });
    expect(none.statusCode, none.body).toBe(200);
    expect(await auditCount(domain.id)).toBe(4);
  });

  it('refuses a list of ETags none of which is current', async () => {
    const domain = await createDomain();
    const res = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl()}/${domain.id}`,
      headers: { ...superAdmin, 'if-match': '"a", "b"' },
      payload: { isActive: false },
    });
    expect(res.statusCode).toBe(412);
    expect(await auditCount(domain.id)).toBe(1);
  });

  it('rejects an absurdly long If-Match header with 400', async () => {
    const domain = await createDomain();
    const res = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl()}/${domain.id}`,
      headers: { ...superAdmin, 'if-match': `"${'x'.repeat(300)}"` },
      payload: { isActive: false },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toContainEqual({ in: 'headers', pointer: '/if-match', detail: expect.any(String) });
    expect(await auditCount(domain.id)).toBe(1);
  });

  it('refuses a stale If-Match over real HTTP', async () => {
    const domain = await createDomain();
    await admiral.db.ownerQuery("UPDATE domain_mappings SET verification_status = 'verified' WHERE id = $1", [domain.id]);
    const res = await fetch(`${baseUrl}${domainsUrl()}/${domain.id}`, {
      method: 'PATCH',
      headers: { ...superAdmin, 'content-type': 'application/json', 'if-match': domain.etag },
      body: JSON.stringify({ isActive: false }),
    });
    expect(res.status).toBe(412);
    expect(((await res.json()) as { code: string }).code).toBe('precondition_failed');
    expect((await storedRow(domain.id))?.is_active).toBe(true);
  });
});

describe('If-Match on deletes', () => {
  it('refuses a DELETE with a stale If-Match and keeps the record', async () => {
    const domain = await createDomain();
    const patch = await admiral.app.inject({ method: 'PATCH', url: `${domainsUrl()}/${domain.id}`, headers: superAdmin, payload: { isActive: false } });
    expect(patch.statusCode).toBe(200);
    const res = await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl()}/${domain.id}`, headers: { ...superAdmin, 'if-match': domain.etag } });
    expect(res.statusCode, res.body).toBe(412);
    expect(res.json().code).toBe('precondition_failed');
    expect(await storedRow(domain.id)).toBeDefined();
    expect(await auditCount(domain.id)).toBe(2);

    const current = await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl()}/${domain.id}`, headers: { ...superAdmin, 'if-match': etagOf(patch) } });
    expect(current.statusCode, current.body).toBe(204);
    expect(current.body).toBe('');
    expect(await storedRow(domain.id)).toBeUndefined();
    expect(await auditCount(domain.id)).toBe(3);
  });

  it('accepts If-Match: * on DELETE', async () => {
    const domain = await createDomain();
    const res = await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl()}/${domain.id}`, headers: { ...superAdmin, 'if-match': '*' } });
    expect(res.statusCode, res.body).toBe(204);
    expect(await storedRow(domain.id)).toBeUndefined();
    const gone = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/${domain.id}`, headers: superAdmin });
    expect(gone.statusCode).toBe(404);
  });
});

describe('sites', () => {
  it('carry ETags, 304s and If-Match like resources', async () => {
    const get = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteId}`, headers: superAdmin });
    expect(get.statusCode).toBe(200);
    const etag = etagOf(get);
    const notModified = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteId}`, headers: { ...superAdmin, 'if-none-match': etag } });
    expect(notModified.statusCode).toBe(304);

    const renamed = await admiral.app.inject({
      method: 'PATCH',
      url: `/v1/sites/${siteId}`,
      headers: { ...superAdmin, 'if-match': etag },
      payload: { name: 'Conditional (renamed)' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const audits = async () =>
      (await admiral.db.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM audit_logs WHERE target_type = 'site' AND target_id = $1", [siteId])).rows[0]
        ?.n;
    const before = await audits();
    const stale = await admiral.app.inject({
      method: 'PATCH',
      url: `/v1/sites/${siteId}`,
      headers: { ...superAdmin, 'if-match': etag },
      payload: { name: 'Lost update' },
    });
    expect(stale.statusCode, stale.body).toBe(412);
    expect(stale.json().code).toBe('precondition_failed');
    expect(await audits()).toBe(before);
    const { rows } = await admiral.db.ownerQuery<{ name: string }>('SELECT name FROM sites WHERE id = $1', [siteId]);
    expect(rows[0]?.name).toBe('Conditional (renamed)');
  });
});
