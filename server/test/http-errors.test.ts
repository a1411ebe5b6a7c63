import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../src/kernel/http/problem.js';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';

const PROBLEM_JSON = /^application\/problem\+json(;|$)/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Asserts the RFC 9457 shape every error shares and returns the problem. */
function expectProblem(res: LightMyRequestResponse, status: number, code: string): Problem {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
  const problem = res.json() as Problem;
  expect(problem.type).toBe(`https://admiral.dev/problems/${code.replaceAll('_', '-')}`);
  expect(problem.status).toBe(status);
  expect(problem.code).toBe(code);
  expect(typeof problem.title).toBe('string');
  expect(problem.title.length).toBeGreaterThan(0);
  expect(typeof problem.detail).toBe('string');
  expect(problem.detail.length).toBeGreaterThan(0);
  expect(problem.requestId).toBeTruthy();
  expect(problem.requestId).toBe(res.headers['x-request-id']);
  return problem;
}

async function expectFetchProblem(res: Response, status: number, code: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
  const problem = (await res.json()) as Problem;
  expect(problem).toMatchObject({ status, code, type: `https://admiral.dev/problems/${code.replaceAll('_', '-')}` });
  expect(problem.detail.length).toBeGreaterThan(0);
  expect(problem.requestId).toBe(res.headers.get('x-request-id'));
  return problem;
}

let admiral: TestAdmiral;
let baseUrl: string;
let siteId: string;
let existingDomainId: string;

async function counts(): Promise<{ domains: number; audits: number }> {
  const { rows } = await admiral.db.ownerQuery<{ domains: number; audits: number }>(
    'SELECT (SELECT count(*)::int FROM domain_mappings) AS domains, (SELECT count(*)::int FROM audit_logs) AS audits',
  );
  const row = rows[0];
  if (!row) throw new Error('no counts');
  return row;
}

/** Runs a failing write and asserts it left neither a domain row nor an audit row behind. */
async function expectNothingWritten<T>(fn: () => Promise<T>): Promise<T> {
  const before = await counts();
  const result = await fn();
  expect(await counts()).toEqual(before);
  return result;
}

const domainsUrl = () => `/v1/sites/${siteId}/domains`;

beforeAll(async () => {
  admiral = await startTestAdmiral({
    env: { BODY_LIMIT_BYTES: '2048' },
    tokens: { reader: staticPrincipal({ id: '00000000-0000-7000-8000-0000000000a1', sites: {} }) },
  });
  baseUrl = await admiral.listen();
  const site = await admiral.app.inject({ method: 'POST', url: '/v1/sites', headers: superAdmin, payload: { name: 'Errors', slug: 'errors' } });
  expect(site.statusCode, site.body).toBe(201);
  siteId = site.json().id;
  const domain = await admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: superAdmin, payload: { domainName: 'existing.example.test' } });
  expect(domain.statusCode, domain.body).toBe(201);
  existingDomainId = domain.json().id;
  const second = await admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: superAdmin, payload: { domainName: 'second.example.test' } });
  expect(second.statusCode, second.body).toBe(201);
});
afterAll(async () => admiral?.stop());

describe('request bodies', () => {
  it('rejects malformed JSON with 400 malformed_json and writes nothing', async () => {
    const res = await expectNothingWritten(() =>
      admiral.app.inject({
        method: 'POST',
        url: domainsUrl(),
        headers: { ...superAdmin, 'content-type': 'application/json' },
        payload: '{"domainName": "broken.example.test",',
      }),
    );
    const problem = expectProblem(res, 400, 'malformed_json');
    expect(problem.title).toBe('Bad Request');
    expect(problem.instance).toBe(domainsUrl());
    expect(problem.errors).toBeUndefined();
  });

  it('rejects an empty JSON body with 400 malformed_json', async () => {
    const res = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: { ...superAdmin, 'content-type': 'application/json' }, payload: '' }),
    );
    expectProblem(res, 400, 'malformed_json');
  });

  it('rejects malformed JSON over real HTTP too', async () => {
    const before = await counts();
    const res = await fetch(`${baseUrl}${domainsUrl()}`, {
      method: 'POST',
      headers: { ...superAdmin, 'content-type': 'application/json' },
      body: '{not json}',
    });
    await expectFetchProblem(res, 400, 'malformed_json');
    expect(await counts()).toEqual(before);
  });

  it('rejects a value of the wrong type with a field pointer, without coercing it', async () => {
    for (const isPrimary of ['yes', 'true', 1, null]) {
      const res = await expectNothingWritten(() =>
        admiral.app.inject({
          method: 'POST',
          url: domainsUrl(),
          headers: superAdmin,
          payload: { domainName: `typed-${String(isPrimary)}.example.test`, isPrimary },
        }),
      );
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors).toContainEqual({ in: 'body', pointer: '/isPrimary', detail: expect.any(String) });
      expect(problem.errors?.every((e) => e.pointer === '/isPrimary')).toBe(true);
      expect(problem.detail).toContain('/isPrimary');
    }
  });

  it('does not coerce a number into a string field', async () => {
    const res = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: superAdmin, payload: { domainName: 12345 } }),
    );
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ in: 'body', pointer: '/domainName', detail: 'must be string' }]);
  });

  it('rejects a value outside an enum, naming the allowed values', async () => {
    const res = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: superAdmin, payload: { domainName: 'enum.example.test', type: 'wildcard' } }),
    );
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ in: 'body', pointer: '/type', detail: 'must be one of "subdomain", "custom"' }]);
  });

  it('rejects unknown fields (never drops them silently), naming the field', async () => {
    const res = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: superAdmin, payload: { domainName: 'unknown.example.test', colour: 'blue' } }),
    );
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ in: 'body', pointer: '/colour', detail: 'is not a known field' }]);
  });

  it('rejects a system field a client may not set (siteId, id)', async () => {
    const res = await expectNothingWritten(() =>
      admiral.app.inject({
        method: 'POST',
        url: domainsUrl(),
        headers: superAdmin,
        payload: { domainName: 'sys.example.test', siteId: randomUUID(), id: randomUUID() },
      }),
    );
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.pointer).sort()).toEqual(['/id', '/siteId']);
  });

  it('rejects a missing required field', async () => {
    const res = await expectNothingWritten(() => admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: superAdmin, payload: { isPrimary: false } }));
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ in: 'body', pointer: '/domainName', detail: 'is required' }]);
  });

  it('reports every field problem at once', async () => {
    const res = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: superAdmin, payload: { isPrimary: 'yes', extra: 1 } }),
    );
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.pointer).sort()).toEqual(['/domainName', '/extra', '/isPrimary']);
    expect(problem.detail).toMatch(/and 2 more/);
  });

  it('rejects an empty update body (minProperties) and a wrong-typed update field', async () => {
    const empty = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'PATCH', url: `${domainsUrl()}/${existingDomainId}`, headers: superAdmin, payload: {} }),
    );
    expectProblem(empty, 400, 'validation_failed');
    const typed = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'PATCH', url: `${domainsUrl()}/${existingDomainId}`, headers: superAdmin, payload: { isActive: 'false' } }),
    );
    expect(expectProblem(typed, 400, 'validation_failed').errors).toContainEqual({ in: 'body', pointer: '/isActive', detail: expect.any(String) });
    const row = await admiral.db.ownerQuery<{ is_active: boolean }>('SELECT is_active FROM domain_mappings WHERE id = $1', [existingDomainId]);
    expect(row.rows[0]?.is_active).toBe(true);
  });

  it('rejects a body over BODY_LIMIT_BYTES with 413 and writes nothing', async () => {
    const payload = JSON.stringify({ domainName: `${'a'.repeat(60)}.example.test`, padding: 'x'.repeat(3000) });
    expect(Buffer.byteLength(payload)).toBeGreaterThan(2048);
    const res = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: { ...superAdmin, 'content-type': 'application/json' }, payload }),
    );
    const problem = expectProblem(res, 413, 'body_too_large');
    expect(problem.title).toBe('Content Too Large');
  });

  it('rejects an oversize body over real HTTP with 413', async () => {
    const before = await counts();
    const res = await fetch(`${baseUrl}${domainsUrl()}`, {
      method: 'POST',
      headers: { ...superAdmin, 'content-type': 'application/json' },
      body: JSON.stringify({ domainName: 'big.example.test', padding: 'x'.repeat(5000) }),
    });
    await expectFetchProblem(res, 413, 'body_too_large');
    expect(await counts()).toEqual(before);
  });

  it('accepts a body just under the limit', async () => {
    const res = await admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: superAdmin, payload: { domainName: `${'b'.repeat(60)}.example.test` } });
    expect(res.statusCode, res.body).toBe(201);
    const removed = await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl()}/${res.json().id}`, headers: superAdmin });
    expect(removed.statusCode).toBe(204);
  });

  it.each(['application/xml', 'text/plain', 'application/x-www-form-urlencoded'])('rejects content-type %s with 415', async (contentType) => {
    const res = await expectNothingWritten(() =>
      admiral.app.inject({
        method: 'POST',
        url: domainsUrl(),
        headers: { ...superAdmin, 'content-type': contentType },
        payload: '{"domainName":"ct.example.test"}',
      }),
    );
    const problem = expectProblem(res, 415, 'unsupported_media_type');
    expect(problem.title).toBe('Unsupported Media Type');
  });

  it('accepts application/json with a charset parameter', async () => {
    const res = await admiral.app.inject({
      method: 'POST',
      url: domainsUrl(),
      headers: { ...superAdmin, 'content-type': 'application/json; charset=utf-8' },
      payload: '{"domainName":"charset.example.test"}',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect((await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl()}/${res.json().id}`, headers: superAdmin })).statusCode).toBe(204);
  });
});

describe('paths and query strings', () => {
  it('rejects a site id that is not a UUID (list, create, item)', async () => {
    for (const [method, url] of [
      ['GET', '/v1/sites/not-a-uuid/domains'],
      ['POST', '/v1/sites/not-a-uuid/domains'],
      ['GET', `/v1/sites/not-a-uuid/domains/${existingDomainId}`],
      ['GET', '/v1/sites/not-a-uuid'],
    ] as const) {
      const res = await expectNothingWritten(() =>
        admiral.app.inject({ method, url, headers: superAdmin, ...(method === 'POST' ? { payload: { domainName: 'x.example.test' } } : {}) }),
      );
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors).toEqual([{ in: 'params', pointer: '/siteId', detail: 'must be a valid uuid' }]);
    }
  });

  it('rejects a bad site id before authentication is even considered', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: '/v1/sites/123/domains' });
    expect(expectProblem(res, 400, 'validation_failed').errors?.[0]?.pointer).toBe('/siteId');
  });

  it('rejects a resource id that is not a UUID (get, update, delete)', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await expectNothingWritten(() =>
        admiral.app.inject({ method, url: `${domainsUrl()}/not-a-uuid`, headers: superAdmin, ...(method === 'PATCH' ? { payload: { isActive: false } } : {}) }),
      );
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors).toContainEqual({ in: 'params', pointer: '/id', detail: 'must be a valid uuid' });
    }
  });

  it('answers 404 not_found for a resource id that does not exist', async () => {
    const missing = randomUUID();
    const get = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}/${missing}`, headers: superAdmin });
    expect(expectProblem(get, 404, 'not_found').detail).toContain(missing);
    const patch = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'PATCH', url: `${domainsUrl()}/${missing}`, headers: superAdmin, payload: { isActive: false } }),
    );
    expectProblem(patch, 404, 'not_found');
    const del = await expectNothingWritten(() => admiral.app.inject({ method: 'DELETE', url: `${domainsUrl()}/${missing}`, headers: superAdmin }));
    expectProblem(del, 404, 'not_found');
  });

  it('rejects a cursor this server did not issue with 400 invalid_cursor', async () => {
    const forged = [
      'garbage!!',
      Buffer.from('{"not":"an array"}').toString('base64url'),
      Buffer.from(JSON.stringify(['-id', 'x', 'not-a-uuid'])).toString('base64url'),
      Buffer.from(JSON.stringify(['-id', { nested: true }, randomUUID()])).toString('base64url'),
    ];
    for (const cursor of forged) {
      const res = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}?cursor=${encodeURIComponent(cursor)}`, headers: superAdmin });
      expectProblem(res, 400, 'invalid_cursor');
    }
  });

  it('answers 400 (not 500) for a well-formed cursor whose value the database cannot compare', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const [sort, cursor] of [
      ['createdAt', encode(['createdAt', 'not-a-date', randomUUID()])],
      ['-createdAt', encode(['-createdAt', true, randomUUID()])],
      ['-id', encode(['-id', null, '-'.repeat(36)])],
    ] as const) {
      const res = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}?sort=${sort}&cursor=${cursor}`, headers: superAdmin });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(['invalid_cursor', 'invalid_value']).toContain(res.json().code);
    }
  });

  it('rejects a cursor issued for a different sort order', async () => {
    const first = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}?limit=1&sort=-id`, headers: superAdmin });
    expect(first.statusCode, first.body).toBe(200);
    const cursor = first.json().nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const same = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}?limit=1&sort=-id&cursor=${cursor}`, headers: superAdmin });
    expect(same.statusCode, same.body).toBe(200);
    const other = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}?limit=1&sort=domainName&cursor=${cursor}`, headers: superAdmin });
    const problem = expectProblem(other, 400, 'invalid_cursor');
    expect(problem.detail).toMatch(/different sort/);
  });

  it('answers 404 for a site that does not exist', async () => {
    const missing = randomUUID();
    const list = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${missing}/domains`, headers: superAdmin });
    expect(expectProblem(list, 404, 'not_found').detail).toContain(missing);
    const create = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'POST', url: `/v1/sites/${missing}/domains`, headers: superAdmin, payload: { domainName: 'ghost.example.test' } }),
    );
    expectProblem(create, 404, 'not_found');
    const site = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${missing}`, headers: superAdmin });
    expectProblem(site, 404, 'not_found');
  });

  it('answers 404 route_not_found for an unknown route, in and out of a site', async () => {
    for (const url of ['/v1/nothing-here', `/v1/sites/${siteId}/nothing-here`, '/nope?x=1']) {
      const res = await admiral.app.inject({ method: 'GET', url, headers: superAdmin });
      const problem = expectProblem(res, 404, 'route_not_found');
      expect(problem.detail).toContain(url.split('?')[0]);
    }
    const wrongMethod = await admiral.app.inject({ method: 'PUT', url: domainsUrl(), headers: superAdmin, payload: {} });
    expectProblem(wrongMethod, 404, 'route_not_found');
  });

  it('answers 404 route_not_found over real HTTP', async () => {
    const res = await fetch(`${baseUrl}/v1/does-not-exist`, { headers: superAdmin });
    await expectFetchProblem(res, 404, 'route_not_found');
  });

  it('rejects a page size above 200 (and below 1, and not a number)', async () => {
    for (const limit of ['201', '0', '-1', 'ten', '1.5']) {
      const res = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}?limit=${limit}`, headers: superAdmin });
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors).toContainEqual({ in: 'query', pointer: '/limit', detail: expect.any(String) });
    }
    const max = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}?limit=200`, headers: superAdmin });
    expect(max.statusCode, max.body).toBe(200);
  });

  it('rejects an unknown query parameter, naming it', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}?colour=blue`, headers: superAdmin });
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ in: 'query', pointer: '/colour', detail: 'is not a known field' }]);
    expect(problem.detail).toMatch(/query string/);
  });

  it('rejects an unknown sort field and a malformed filter value', async () => {
    const sort = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}?sort=secret`, headers: superAdmin });
    expect(expectProblem(sort, 400, 'validation_failed').errors?.[0]).toMatchObject({ in: 'query', pointer: '/sort' });
    const filter = await admiral.app.inject({ method: 'GET', url: `${domainsUrl()}?isPrimary=maybe`, headers: superAdmin });
    expect(expectProblem(filter, 400, 'validation_failed').errors?.[0]).toMatchObject({ in: 'query', pointer: '/isPrimary' });
  });
});

describe('conflicts', () => {
  it('answers 409 already_exists for a duplicate unique value and writes nothing', async () => {
    for (const domainName of ['existing.example.test', 'EXISTING.Example.Test']) {
      const res = await expectNothingWritten(() => admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: superAdmin, payload: { domainName } }));
      const problem = expectProblem(res, 409, 'already_exists');
      expect(problem.title).toBe('Conflict');
      expect(problem.detail).toContain('domain_name');
    }
  });

  it('answers 409 when an update would duplicate a unique value, leaving the row unchanged', async () => {
    const res = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'PATCH', url: `${domainsUrl()}/${existingDomainId}`, headers: superAdmin, payload: { domainName: 'second.example.test' } }),
    );
    expectProblem(res, 409, 'already_exists');
    const row = await admiral.db.ownerQuery<{ domain_name: string }>('SELECT domain_name FROM domain_mappings WHERE id = $1', [existingDomainId]);
    expect(row.rows[0]?.domain_name).toBe('existing.example.test');
  });

  it('answers 409 for a duplicate site slug', async () => {
    const res = await admiral.app.inject({ method: 'POST', url: '/v1/sites', headers: superAdmin, payload: { name: 'Again', slug: 'errors' } });
    expect(expectProblem(res, 409, 'already_exists').detail).toContain('slug');
  });
});

describe('authentication failures are problems too', () => {
  it('answers 401 with WWW-Authenticate without credentials and with a bad token', async () => {
    const none = await admiral.app.inject({ method: 'GET', url: domainsUrl() });
    expectProblem(none, 401, 'unauthenticated');
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const bad = await admiral.app.inject({ method: 'GET', url: domainsUrl(), headers: bearer('nope') });
    expectProblem(bad, 401, 'unauthenticated');
  });

  it('answers 403 permission_denied for a caller without the permission', async () => {
    const res = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: bearer('reader'), payload: { domainName: 'denied.example.test' } }),
    );
    expectProblem(res, 403, 'permission_denied');
  });
});

describe('request ids', () => {
  it('gives every response an x-request-id, fresh per request', async () => {
    const a = await admiral.app.inject({ method: 'GET', url: '/healthz' });
    const b = await admiral.app.inject({ method: 'GET', url: '/healthz' });
    expect(a.headers['x-request-id']).toMatch(UUID);
    expect(b.headers['x-request-id']).toMatch(UUID);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('echoes a sane incoming X-Request-Id in the header, the problem and the audit row', async () => {
    const id = `client-trace.42:${randomUUID()}`;
    const problem = await admiral.app.inject({ method: 'GET', url: '/v1/nowhere', headers: { 'x-request-id': id } });
    expect(problem.headers['x-request-id']).toBe(id);
    expect(problem.json().requestId).toBe(id);

    const created = await admiral.app.inject({
      method: 'POST',
      url: domainsUrl(),
      headers: { ...superAdmin, 'x-request-id': id },
      payload: { domainName: 'traced.example.test' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers['x-request-id']).toBe(id);
    const audit = await admiral.db.ownerQuery<{ request_id: string }>('SELECT request_id FROM audit_logs WHERE target_id = $1', [created.json().id]);
    expect(audit.rows).toEqual([{ request_id: id }]);
  });

  it('replaces an insane incoming X-Request-Id', async () => {
    for (const insane of ['x'.repeat(300), 'has spaces in it', 'semi;colon', '<script>']) {
      const res = await admiral.app.inject({ method: 'GET', url: '/v1/nowhere', headers: { 'x-request-id': insane } });
      expect(res.headers['x-request-id']).not.toBe(insane);
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.json().requestId).toBe(res.headers['x-request-id']);
    }
  });

  it('echoes and replaces request ids over real HTTP', async () => {
    const sane = await fetch(`${baseUrl}/healthz`, { headers: { 'x-request-id': 'edge-1234' } });
    expect(sane.headers.get('x-request-id')).toBe('edge-1234');
    const long = await fetch(`${baseUrl}/healthz`, { headers: { 'x-request-id': 'y'.repeat(300) } });
    expect(long.headers.get('x-request-id')).toMatch(UUID);
  });
});

describe('security headers', () => {
  function expectSecurityHeaders(headers: Record<string, unknown>): void {
    const csp = String(headers['content-security-policy'] ?? '');
    expect(csp).toContain("default-src 'self'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(csp.includes("frame-ancestors 'none'") || headers['x-frame-options'] !== undefined).toBe(true);
    expect(headers['strict-transport-security']).toBeUndefined(); // not production: no HSTS on plain HTTP
  }

  it('are present on successes and on every kind of error', async () => {
    expectSecurityHeaders((await admiral.app.inject({ method: 'GET', url: domainsUrl(), headers: superAdmin })).headers);
    expectSecurityHeaders((await admiral.app.inject({ method: 'GET', url: '/v1/nowhere' })).headers);
    expectSecurityHeaders((await admiral.app.inject({ method: 'GET', url: domainsUrl() })).headers);
    expectSecurityHeaders((await admiral.app.inject({ method: 'GET', url: '/v1/sites/not-a-uuid/domains', headers: superAdmin })).headers);
    expectSecurityHeaders(
      (await admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: bearer('reader'), payload: { domainName: 'h.example.test' } })).headers,
    );
    expectSecurityHeaders((await admiral.app.inject({ method: 'POST', url: domainsUrl(), headers: superAdmin, payload: { nope: 1 } })).headers);
  });

  it('are present over real HTTP', async () => {
    const res = await fetch(`${baseUrl}/v1/sites/${siteId}/domains`, { headers: superAdmin });
    expect(res.status).toBe(200);
    expectSecurityHeaders(Object.fromEntries(res.headers.entries()));
  });

  it('no CORS headers when CORS_ORIGINS is not set', async () => {
    const actual = await admiral.app.inject({ method: 'GET', url: domainsUrl(), headers: { ...superAdmin, origin: 'https://admin.example.com' } });
    expect(actual.statusCode).toBe(200);
    expect(actual.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await admiral.app.inject({
      method: 'OPTIONS',
      url: domainsUrl(),
      headers: { origin: 'https://admin.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
  });
});

describe('CORS with CORS_ORIGINS set', () => {
  let cors: TestAdmiral;
  let corsUrl: string;
  let corsSite: string;
  const allowed = 'https://admin.example.com';

  beforeAll(async () => {
    cors = await startTestAdmiral({ env: { CORS_ORIGINS: allowed } });
    corsUrl = await cors.listen();
    const site = await cors.app.inject({ method: 'POST', url: '/v1/sites', headers: superAdmin, payload: { name: 'Cors', slug: 'cors' } });
    expect(site.statusCode, site.body).toBe(201);
    corsSite = site.json().id;
  });
  afterAll(async () => cors?.stop());

  it('answers a preflight from the allowed origin for every write method and the API headers', async () => {
    for (const method of ['POST', 'PATCH', 'DELETE']) {
      const res = await fetch(`${corsUrl}/v1/sites/${corsSite}/domains`, {
        method: 'OPTIONS',
        headers: {
          origin: allowed,
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization, content-type, if-match, idempotency-key',
        },
      });
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-methods')?.split(/\s*,\s*/)).toContain(method);
      const allowedHeaders = res.headers.get('access-control-allow-headers')?.toLowerCase() ?? '';
      for (const header of ['authorization', 'content-type', 'if-match', 'idempotency-key']) expect(allowedHeaders).toContain(header);
    }
  });

  it('allows an actual request from the allowed origin and exposes the API headers', async () => {
    const res = await fetch(`${corsUrl}/v1/sites/${corsSite}/domains`, { headers: { ...superAdmin, origin: allowed } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    const exposed = res.headers.get('access-control-expose-headers') ?? '';
    for (const header of ['etag', 'location', 'x-request-id', 'idempotent-replayed']) expect(exposed).toContain(header);
  });

  it('lets the allowed origin read error responses (401, 400)', async () => {
    const unauthenticated = await fetch(`${corsUrl}/v1/sites/${corsSite}/domains`, { headers: { origin: allowed } });
    await expectFetchProblem(unauthenticated, 401, 'unauthenticated');
    expect(unauthenticated.headers.get('access-control-allow-origin')).toBe(allowed);
    const invalid = await cors.app.inject({ method: 'GET', url: '/v1/sites/nope/domains', headers: { origin: allowed } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers['access-control-allow-origin']).toBe(allowed);
  });

  it('gives another origin no CORS grant', async () => {
    const evil = 'https://evil.example.net';
    const preflight = await fetch(`${corsUrl}/v1/sites/${corsSite}/domains`, {
      method: 'OPTIONS',
      headers: { origin: evil, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await fetch(`${corsUrl}/v1/sites/${corsSite}/domains`, { headers: { ...superAdmin, origin: evil } });
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('site status', () => {
  it('answers 403 site_inactive on tenant routes of a suspended site, and serves it again once reactivated', async () => {
    const created = await admiral.app.inject({ method: 'POST', url: '/v1/sites', headers: superAdmin, payload: { name: 'Sleepy', slug: 'sleepy' } });
    expect(created.statusCode, created.body).toBe(201);
    const sleepy = created.json().id as string;
    const domain = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${sleepy}/domains`,
      headers: superAdmin,
      payload: { domainName: 'sleepy.example.test' },
    });
    expect(domain.statusCode, domain.body).toBe(201);
    const domainId = domain.json().id as string;

    const suspend = await admiral.app.inject({ method: 'PATCH', url: `/v1/sites/${sleepy}`, headers: superAdmin, payload: { status: 'suspended' } });
    expect(suspend.statusCode, suspend.body).toBe(200);
    expect(suspend.json().status).toBe('suspended');

    const list = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${sleepy}/domains`, headers: superAdmin });
    expect(expectProblem(list, 403, 'site_inactive').detail).toContain('suspended');
    const get = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${sleepy}/domains/${domainId}`, headers: superAdmin });
    expectProblem(get, 403, 'site_inactive');
    const create = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'POST', url: `/v1/sites/${sleepy}/domains`, headers: superAdmin, payload: { domainName: 'sleepy2.example.test' } }),
    );
    expectProblem(create, 403, 'site_inactive');
    const update = await expectNothingWritten(() =>
      admiral.app.inject({ method: 'PATCH', url: `/v1/sites/${sleepy}/domains/${domainId}`, headers: superAdmin, payload: { isActive: false } }),
    );
    expectProblem(update, 403, 'site_inactive');
    const del = await expectNothingWritten(() => admiral.app.inject({ method: 'DELETE', url: `/v1/sites/${sleepy}/domains/${domainId}`, headers: superAdmin }));
    expectProblem(del, 403, 'site_inactive');

    // The site itself stays readable and manageable.
    const site = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${sleepy}`, headers: superAdmin });
    expect(site.statusCode).toBe(200);
    const reactivate = await admiral.app.inject({ method: 'PATCH', url: `/v1/sites/${sleepy}`, headers: superAdmin, payload: { status: 'active' } });
    expect(reactivate.statusCode, reactivate.body).toBe(200);
    expect(reactivate.json().status).toBe('active');
    const again = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${sleepy}/domains`, headers: superAdmin });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().data.map((d: { id: string }) => d.id)).toEqual([domainId]);

    const actions = await admiral.db.ownerQuery<{ action: string }>("SELECT action FROM audit_logs WHERE site_id = $1 AND target_type = 'site' ORDER BY seq", [
      sleepy,
    ]);
    expect(actions.rows.map((r) => r.action)).toEqual(['site.suspended', 'site.activated']);
  });

  it('rejects an unknown status value', async () => {
    const res = await admiral.app.inject({ method: 'PATCH', url: `/v1/sites/${siteId}`, headers: superAdmin, payload: { status: 'sleeping' } });
    expect(expectProblem(res, 400, 'validation_failed').errors).toContainEqual({
      in: 'body',
      pointer: '/status',
      detail: expect.stringContaining('must be one of'),
    });
  });
});
