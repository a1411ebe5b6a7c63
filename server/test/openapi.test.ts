import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAdmiral, type TestAdmiral } from './helpers/app.js';

interface Operation {
  operationId?: string;
  summary?: string;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let admiral: TestAdmiral;
let doc: OpenApiDocument;

beforeAll(async () => {
  admiral = await startTestAdmiral();
  const response = await admiral.app.inject({ method: 'GET', url: '/v1/openapi.json' });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  doc = response.json();
});
afterAll(async () => admiral?.stop());

function operations(): Array<{ path: string; method: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );
}

/** Every `$ref` string anywhere in a JSON value. */
function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

/** Fastify's `/a/:b` → OpenAPI's `/a/{b}`. */
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi.startsWith('3.1')).toBe(true);
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors, JSON.stringify(result.errors, null, 2)).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('resolves every $ref inside the document', () => {
    const schemas = doc.components?.schemas ?? {};
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref, `external or non-component $ref ${ref}`).toMatch(/^#\/components\/schemas\/[^/]+$/);
      expect(schemas[ref.slice('#/components/schemas/'.length)], `dangling $ref ${ref}`).toBeDefined();
    }
  });

  it('gives every operation a unique operationId and a summary', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(0);
    const seen = new Map<string, string>();
    for (const { path, method, op } of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(typeof op.operationId === 'string' && op.operationId.length > 0, `${where} has no operationId`).toBe(true);
      expect(typeof op.summary === 'string' && op.summary.trim().length > 0, `${where} has no summary`).toBe(true);
      const id = op.operationId as string;
      expect(seen.get(id), `operationId ${id} is used by ${seen.get(id)} and ${where}`).toBeUndefined();
      seen.set(id, where);
    }
  });

  it('describes every 4xx response with the Problem schema', () => {
    let checked = 0;
    for (const { path, method, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!/^4(\d\d|XX)$/.test(status)) continue;
        const where = `${method.toUpperCase()} ${path} ${status}`;
        const contents = Object.values(response.content ?? {});
        expect(contents.length, `${where} has no content`).toBeGreaterThan(0);
        for (const content of contents) expect(content.schema, where).toEqual({ $ref: '#/components/schemas/Problem' });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('documents every route registered under /v1, and nothing else', () => {
    const documented = new Set(operations().map(({ path, method }) => `${method.toUpperCase()} ${path}`));
    const registered = new Set<string>();
    const v1 = admiral.routes.filter((r) => r.url.startsWith('/v1/') && r.url !== '/v1/openapi.json');
    expect(v1.length).toBeGreaterThan(0);
    for (const route of v1) {
      // Fastify adds HEAD beside every GET on its own; the GET operation documents both.
      const method = route.method === 'HEAD' ? 'GET' : route.method;
      const key = `${method} ${toOpenApiPath(route.url)}`;
      registered.add(key);
      expect(documented.has(key), `${route.method} ${route.url} is not in the OpenAPI document`).toBe(true);
    }
    for (const key of documented) {
      if (!key.split(' ')[1]?.startsWith('/v1/')) continue;
      expect(registered.has(key), `${key} is documented but no such route is registered`).toBe(true);
    }
  });
});

describe('interactive docs', () => {
  for (const page of ['/docs', '/docs/']) {
    it(`${page} serves HTML whose assets come from this server`, async () => {
      const response = await admiral.app.inject({ method: 'GET', url: page });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      const html = response.body;
      const references = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1] as string);
      expect(references.length).toBeGreaterThan(0);
      // No CDN: nothing absolute to another host, nor protocol-relative.
      expect(html).not.toMatch(/(?:src|href)\s*=\s*["'](?:[a-z][a-z0-9+.-]*:)?\/\//i);
      expect(html).not.toMatch(/https?:\/\//i);
      const base = new URL(page, 'http://admiral.local');
      let fetched = 0;
      for (const reference of references) {
        const url = new URL(reference, base);
        expect(url.host, `${reference} points to another host`).toBe('admiral.local');
        if (!(reference.startsWith('/docs') || !/^[a-z][a-z0-9+.-]*:|^\//i.test(reference))) continue;
        const asset = await admiral.app.inject({ method: 'GET', url: url.pathname + url.search });
        expect(asset.statusCode, `${reference} (resolved to ${url.pathname}) answered ${asset.statusCode}`).toBe(200);
        expect(url.pathname.startsWith('/docs/'), `${reference} resolves outside /docs`).toBe(true);
        fetched++;
      }
      expect(fetched).toBeGreaterThanOrEqual(2);
      expect(references.some((r) => /\.js$/.test(r))).toBe(true);
      expect(references.some((r) => /\.css$/.test(r))).toBe(true);
    });
  }

  it('points the UI at this server’s own document', async () => {
    const initializer = await admiral.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    expect(initializer.body).toContain('validatorUrl: null');
    const json = await admiral.app.inject({ method: 'GET', url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(json.json().paths).toEqual(doc.paths);
  });
});
