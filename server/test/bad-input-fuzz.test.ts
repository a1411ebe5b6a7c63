import { randomBytes, randomUUID } from 'node:crypto';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';

/**
 * A generic bad-input walk: every operation in the OpenAPI document is called with malformed and hostile
 * input, driven only by the document's paths, parameters and request-body schemas, so new modules are
 * covered without touching this file. The server must never answer 5xx, every 4xx must be a problem
 * document with a `code`, input the documented schema rejects must be rejected, and the database must end
 * up holding nothing that a successful call does not explain.
 */

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  default?: unknown;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}
interface Op {
  path: string;
  method: string;
  id: string;
  params: Parameter[];
  body?: { required: boolean; schema: JsonSchema };
}
interface Case {
  op: Op;
  label: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** The input is invalid by the document (or by the API's contract): the answer must be 4xx. */
  mustFail: boolean;
}

const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const DOC_ID = 'urn:admiral:openapi';

let admiral: TestAdmiral;
let doc: OpenApiDocument;
let bodyLimit: number;
const bodyAjv = addFormats.default(new Ajv.default({ allErrors: true, strict: false, coerceTypes: false }));
const textAjv = addFormats.default(new Ajv.default({ allErrors: true, strict: false, coerceTypes: 'array' }));

/** Points `#/components/...` references at the document registered under DOC_ID. */
function anchored(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(anchored);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${DOC_ID}${v}` : anchored(v)]),
    );
  }
  return schema;
}

const validators = new Map<string, (value: unknown) => boolean>();
function validatorFor(kind: 'body' | 'text', schema: JsonSchema): (value: unknown) => boolean {
  const key = `${kind}:${JSON.stringify(schema)}`;
  let validate = validators.get(key);
  if (!validate) {
    // Wrapped in an object so the text validator can coerce the value in place, as Fastify's does.
    const compiled = (kind === 'body' ? bodyAjv : textAjv).compile({ type: 'object', properties: { v: anchored(schema) }, required: ['v'] });
    validate = (value) => compiled({ v: kind === 'text' ? structuredClone(value) : value }) === true;
    validators.set(key, validate);
  }
  return validate;
}
const bodyValid = (schema: JsonSchema, value: unknown) => validatorFor('body', schema)(value);
const textValid = (schema: JsonSchema, value: unknown) => validatorFor('text', schema)(value);

function resolve(schema: JsonSchema | undefined): JsonSchema {
  let current = schema ?? {};
  for (let i = 0; current.$ref && i < 20; i++) {
    const name = current.$ref.replace(/^#\/components\/schemas\//, '');
    current = doc.components?.schemas?.[name] ?? {};
  }
  return current;
}

/** Tried in order against a `pattern`; add one here if a new module's pattern matches none of them. */
const PATTERN_CANDIDATES = [
  'x',
  'a1',
  'ab',
  'AB',
  'abc',
  'ABC',
  'example.test',
  'a-b',
  'a_b',
  '1',
  '123',
  'A',
  'US',
  'abc-123',
  'fuzz.example.test',
  '#ffffff',
  '2024-01-02',
  '12:00',
  'a@example.test',
  'https://example.test/a',
  '+15555550100',
];

/** A value the schema accepts, when one is easy to find (used as the valid base that one bad part is grafted onto). */
function sample(schemaIn: JsonSchema | undefined, depth = 0): unknown {
  const schema = resolve(schemaIn);
  if (depth > 6) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  for (const branches of [schema.anyOf, schema.oneOf]) {
    if (!branches) continue;
    for (const branch of branches) {
      if (resolve(branch).type === 'null') continue;
      const value = sample(branch, depth + 1);
      if (value !== undefined && bodyValid(branch, value)) return value;
    }
    return null;
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : undefined)) {
    case 'string': {
      const byFormat: Record<string, string> = {
        uuid: randomUUID(),
        'date-time': new Date().toISOString(),
        date: '2024-01-02',
        uri: 'https://example.test/a',
        url: 'https://example.test/a',
        email: 'fuzz@example.test',
        hostname: 'example.test',
      };
      if (schema.format && byFormat[schema.format]) return byFormat[schema.format];
      const candidates = schema.pattern ? PATTERN_CANDIDATES : ['x'.repeat(Math.max(schema.minLength ?? 1, 1))];
      return candidates.find((c) => bodyValid(schema, c)) ?? candidates[0];
    }
    case 'integer':
    case 'number':
      return Math.min(Math.max(schema.minimum ?? 1, 1), schema.maximum ?? Number.MAX_SAFE_INTEGER);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const item = sample(schema.items, depth + 1);
      return Array.from({ length: schema.minItems ?? 0 }, () => item);
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const properties = schema.properties ?? {};
      for (const name of schema.required ?? []) out[name] = sample(properties[name], depth + 1);
      for (const [name, property] of Object.entries(properties)) {
        if (Object.keys(out).length >= (schema.minProperties ?? 0)) break;
        if (!(name in out)) out[name] = sample(property, depth + 1);
      }
      return out;
    }
    default:
      return undefined;
  }
}

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');
const DEEP = `${'['.repeat(5000)}${']'.repeat(5000)}`;

/** JSON values of every type; a property gets those its schema rejects. */
const WRONG_VALUES: unknown[] = [
  0,
  -1,
  1.5,
  2 ** 53 + 2,
  1e308,
  -1e308,
  true,
  false,
  null,
  '',
  'x',
  '0',
  'true',
  [],
  [1],
  ['x'],
  [null],
  {},
  { a: 1 },
  { $ref: '#/x' },
  '2024-13-45T99:99:99Z',
  'not a url',
  '00000000-0000-0000-0000-00000000000g',
];
/** Strings and objects that schemas often accept but storage may not: must never cause a 5xx. */
const HOSTILE_VALUES: unknown[] = [
  'a\u0000b',
  '\u0000',
  '\ud800',
  '\u202e\u0041\u0301',
  "'; DROP TABLE sites; --",
  '%00%27',
  '<script>alert(1)</script>',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🚀',
  'a'.repeat(200_000),
  { 'k\u0000': 'v' },
  { k: 'a\u0000b' },
  { k: { k: { k: [1, 'x', null, { k: '\ud800' }] } } },
];
const MALFORMED_JSON = [
  '{',
  '}',
  '{"a":}',
  '{"a" 1}',
  "{'a':1}",
  '{"a":1,}',
  '[1,',
  'nul',
  'undefined',
  'NaN',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":0x10}',
  '{"a":"\\x41"}',
  '{"a":"unterminated',
  '\u0000',
  '{"a":1}garbage',
  '["a"]]',
  '['.repeat(100_000),
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
];
const BAD_PATH_VALUES = [
  'not-a-uuid',
  '1',
  '-1',
  'null',
  'undefined',
  '00000000-0000-0000-0000-00000000000g',
  `${randomUUID()}x`,
  randomUUID().replaceAll('-', ''),
  `{${randomUUID()}}`,
  'x'.repeat(300),
  '%00',
  // Not `..` or `%2e%2e`: a client resolves those dot segments to another route before sending.
  '...',
  '%2e%2e%2fx',
  '%2F',
  "'%20OR%20'1'%3D'1",
  '%E0%A4%A',
  '%C0%AF',
  '%',
  '%F0%9F%9A%80',
  '%20',
];
const BAD_QUERY_VALUES = [
  '',
  'abc',
  '-1',
  '0',
  '1.5',
  '1e3',
  '201',
  '99999999999999999999',
  '-99999999999999999999',
  'Infinity',
  'NaN',
  'true',
  'null',
  '%00',
  'a%00b',
  '%E0%A4%A',
  'x'.repeat(5000),
  '[]',
  '{}',
];
const BAD_CURSORS = [
  'x',
  '!!!',
  '=',
  b64(randomBytes(48)),
  b64('junk that is not json'),
  b64('[]'),
  b64('{}'),
  b64('"string"'),
  b64('null'),
  b64('[1,2,3]'),
  b64('[1,2]'),
  b64('["-id",{},"x"]'),
  b64('["-id",1,2]'),
  b64('["-id",null,null]'),
  b64('["-id",[1],"00000000-0000-7000-8000-000000000000"]'),
  b64('["-id","x","00000000-0000-7000-8000-000000000000","extra"]'),
  b64('["no-such-sort",1,"00000000-0000-7000-8000-000000000000"]'),
  b64(JSON.stringify(['-id', null, '-'.repeat(36)])),
  b64(JSON.stringify(['-id', null, 'g'.repeat(36)])),
  encodeURIComponent(b64(randomBytes(384))),
];
const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=fuzz',
  'application/octet-stream',
  'application/jsonx',
  'json',
  ';;;',
];

function operationsOf(document: OpenApiDocument): Op[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => {
        const content = operation.requestBody?.content ?? {};
        const json = content['application/json'] ?? Object.values(content)[0];
        return {
          path,
          method: method.toUpperCase(),
          id: operation.operationId ?? `${method} ${path}`,
          params: operation.parameters ?? [],
          ...(operation.requestBody ? { body: { required: operation.requestBody.required === true, schema: json?.schema ?? {} } } : {}),
        };
      }),
  );
}

function encodeQuery(pairs: Array<[string, string]>): string {
  // Values that are already percent-encoded (garbage included) pass through as they are.
  return pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${/%/.test(v) ? v : encodeURIComponent(v)}`).join('&')}` : '';
}

const decodeOrNull = (raw: string): string | null => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
};

describe('bad input on every operation', () => {
  let siteId: string;
  const realIds = new Map<string, string>();
  const outcomes: Array<{ c: Case; status: number; body: string; contentType: string }> = [];

  const fillPath = (op: Op, values: Record<string, string>) => op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? randomUUID());

  /** The real id of each path parameter, found by listing the collection just before it. */
  function realValues(op: Op): Record<string, string> {
    const values: Record<string, string> = {};
    const segments = op.path.split('/');
    segments.forEach((segment, i) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      if (!name) return;
      values[name] = name === 'siteId' ? siteId : (realIds.get(segments.slice(0, i).join('/')) ?? randomUUID());
    });
    return values;
  }

  async function findRealIds(): Promise<void> {
    for (const op of operationsOf(doc)) {
      const segments = op.path.split('/');
      for (let i = 0; i < segments.length; i++) {
        if (!/^\{.+\}$/.test(segments[i] ?? '') || segments[i] === '{siteId}') continue;
        const collection = segments.slice(0, i).join('/');
        if (realIds.has(collection)) continue;
        const url = collection.replace('{siteId}', siteId);
        let list = await admiral.app.inject({ method: 'GET', url, headers: superAdmin });
        let first = list.statusCode === 200 ? (list.json() as { data?: Array<{ id?: string }> }).data?.[0]?.id : undefined;
        const create = operationsOf(doc).find((o) => o.method === 'POST' && o.path === collection && o.body);
        if (!first && create?.body && !collection.includes('{', collection.indexOf('{siteId}') + 8)) {
          // An empty collection of a module this file does not know: seed one row from its create schema.
          await admiral.app.inject({ method: 'POST', url, headers: superAdmin, payload: sample(create.body.schema) as Record<string, unknown> });
          list = await admiral.app.inject({ method: 'GET', url, headers: superAdmin });
          first = list.statusCode === 200 ? (list.json() as { data?: Array<{ id?: string }> }).data?.[0]?.id : undefined;
        }
        if (first) realIds.set(collection, first);
      }
    }
  }

  function casesFor(op: Op): Case[] {
    const cases: Case[] = [];
    const real = realValues(op);
    const pathNames = Object.keys(real);
    // Real ids; random UUIDs for the resource ids; a random (unknown) site.
    const variants: Array<[string, Record<string, string>]> = [['real ids', real]];
    if (pathNames.some((n) => n !== 'siteId')) {
      variants.push(['random ids', Object.fromEntries(pathNames.map((n) => [n, n === 'siteId' ? siteId : randomUUID()]))]);
    }
    if (pathNames.includes('siteId')) variants.push(['random site', { ...real, siteId: randomUUID() }]);

    const queryParams = op.params.filter((p) => p.in === 'query');
    const headerParams = op.params.filter((p) => p.in === 'header');
    const pathParams = op.params.filter((p) => p.in === 'path');
    const bodySchema = op.body ? resolve(op.body.schema) : undefined;
    const base = op.body ? sample(op.body.schema) : undefined;
    const baseIsObject = base !== null && typeof base === 'object' && !Array.isArray(base);
    const basePayload = op.body ? JSON.stringify(base ?? {}) : undefined;
    const json = { 'content-type': 'application/json' };
    const bodyCase = (label: string, value: unknown, url: string): Case => ({
      op,
      label,
      url,
      headers: { ...superAdmin, ...json },
      payload: JSON.stringify(value),
      mustFail: op.body ? !bodyValid(op.body.schema, value) : false,
    });

    for (const [variant, values] of variants) {
      const url = fillPath(op, values);
      const add = (label: string, rest: Omit<Case, 'op' | 'label' | 'url'> & { url?: string }) =>
        cases.push({ op, label: `${variant}: ${label}`, url: rest.url ?? url, headers: rest.headers, payload: rest.payload, mustFail: rest.mustFail });

      // Bodies.
      if (op.body && bodySchema) {
        for (const raw of MALFORMED_JSON)
          add(`malformed JSON ${JSON.stringify(raw.slice(0, 40))}`, { headers: { ...superAdmin, ...json }, payload: raw, mustFail: true });
        add('empty body with a JSON content type', { headers: { ...superAdmin, ...json }, payload: '', mustFail: op.body.required });
        add('no body at all', { headers: { ...superAdmin }, mustFail: op.body.required });
        add('byte-order mark before JSON', { headers: { ...superAdmin, ...json }, payload: `\ufeff${basePayload}`, mustFail: false });
        add('body above the size limit', {
          headers: { ...superAdmin, ...json },
          payload: JSON.stringify({ ...(baseIsObject ? (base as object) : {}), fuzz: 'a'.repeat(bodyLimit) }),
          mustFail: true,
        });
        add('deeply nested arrays', {
          headers: { ...superAdmin, ...json },
          payload: `{"fuzz":${DEEP}}`,
          mustFail: !bodyValid(op.body.schema, JSON.parse(`{"fuzz":${DEEP}}`)),
        });
        for (const value of [null, 'string', 123, true, [], [{}], [base], {}]) {
          const c = bodyCase(`whole body ${JSON.stringify(value)?.slice(0, 40)}`, value, url);
          cases.push({ ...c, label: `${variant}: ${c.label}` });
        }
        if (baseIsObject) {
          for (const extra of [{ zzUnknown: 1 }, { id: randomUUID() }, { siteId: randomUUID() }, { createdAt: new Date().toISOString() }, { '': '' }]) {
            const c = bodyCase(`unknown/extra field ${Object.keys(extra)[0]}`, { ...(base as object), ...extra }, url);
            cases.push({ ...c, label: `${variant}: ${c.label}` });
          }
          for (const [name, propertySchema] of Object.entries(bodySchema.properties ?? {})) {
            const property = resolve(propertySchema);
            const wrong = WRONG_VALUES.filter((v) => !bodyValid(propertySchema, v));
            for (const value of wrong) {
              const c = bodyCase(`${name} = ${JSON.stringify(value)}`, { ...(base as object), [name]: value }, url);
              cases.push({ ...c, label: `${variant}: ${c.label}` });
            }
            const maxLength = property.maxLength ?? property.anyOf?.map(resolve).find((b) => b.maxLength !== undefined)?.maxLength;
            if (maxLength !== undefined) {
              const c = bodyCase(`${name} one above maxLength ${maxLength}`, { ...(base as object), [name]: 'a'.repeat(maxLength + 1) }, url);
              cases.push({ ...c, label: `${variant}: ${c.label}` });
            }
            for (const value of HOSTILE_VALUES) {
              const c = bodyCase(`${name} = hostile ${JSON.stringify(value)?.slice(0, 40)}`, { ...(base as object), [name]: value }, url);
              cases.push({ ...c, label: `${variant}: ${c.label}` });
            }
          }
          const { [Object.keys(base as object)[0] ?? '']: _dropped, ...missingOne } = base as Record<string, unknown>;
          const c = bodyCase('first field missing', missingOne, url);
          cases.push({ ...c, label: `${variant}: ${c.label}` });
        }
        for (const type of WRONG_CONTENT_TYPES)
          add(`content-type ${type}`, { headers: { ...superAdmin, 'content-type': type }, payload: basePayload, mustFail: true });
        if (op.method === 'POST') {
          for (const key of ['k'.repeat(300), 'has space', 'ключ', '']) {
            add(`Idempotency-Key ${JSON.stringify(key.slice(0, 20))}`, {
              headers: { ...superAdmin, ...json, 'idempotency-key': key },
              payload: basePayload,
              mustFail: true,
            });
          }
        }
      } else {
        // Operations without a body still meet bodies: they must not trip over them.
        add('unexpected malformed JSON body', { headers: { ...superAdmin, ...json }, payload: '{', mustFail: false });
        add('unexpected text body', { headers: { ...superAdmin, 'content-type': 'text/plain' }, payload: 'hello', mustFail: false });
      }

      // Invalid values in every path parameter (one at a time; the body, if any, is otherwise valid).
      for (const param of pathParams) {
        for (const raw of BAD_PATH_VALUES) {
          const decoded = decodeOrNull(raw);
          const invalid = decoded === null || !textValid(param.schema ?? {}, decoded);
          add(`path ${param.name} = ${JSON.stringify(raw.slice(0, 40))}`, {
            url: fillPath(op, { ...values, [param.name]: raw }),
            headers: op.body ? { ...superAdmin, ...json } : { ...superAdmin },
            payload: basePayload,
            mustFail: invalid,
          });
        }
      }

      // Garbage query strings. Sent without a body: for operations that take one, the call is bad whatever the
      // query does, and for the others an ignored unknown parameter cannot turn the call into a write.
      const queryCase = (label: string, pairs: Array<[string, string]>, mustFail: boolean) =>
        add(`query ${label}`, {
          url: `${url}${encodeQuery(pairs)}`,
          headers: { ...superAdmin },
          mustFail: mustFail || Boolean(op.body?.required),
        });
      for (const name of ['zzUnknown', '__proto__', 'constructor', 'siteId', 'limit[]', ''])
        queryCase(`unknown name ${JSON.stringify(name)}`, [[name, '1']], false);
      add('query unparseable syntax', { url: `${url}?&&==&a[b]=c&%zz=%&;;`, headers: { ...superAdmin }, mustFail: Boolean(op.body?.required) });
      for (const param of queryParams) {
        for (const raw of BAD_QUERY_VALUES) {
          const decoded = decodeOrNull(raw);
          queryCase(`${param.name} = ${JSON.stringify(raw.slice(0, 40))}`, [[param.name, raw]], decoded !== null && !textValid(param.schema ?? {}, decoded));
        }
        queryCase(
          `${param.name} repeated`,
          [
            [param.name, '1'],
            [param.name, '2'],
          ],
          !textValid(param.schema ?? {}, ['1', '2']),
        );
        const schema = resolve(param.schema);
        if (schema.maxLength !== undefined) queryCase(`${param.name} above maxLength`, [[param.name, 'a'.repeat(schema.maxLength + 1)]], true);
      }
      const cursor = queryParams.find((p) => p.name === 'cursor');
      if (cursor) {
        for (const raw of BAD_CURSORS) queryCase(`bad cursor ${raw.slice(0, 30)}`, [['cursor', raw]], true);
        const sort = queryParams.find((p) => p.name === 'sort');
        const sorts = (resolve(sort?.schema).enum ?? ['-id']).map(String);
        const defaultSort = String(resolve(sort?.schema).default ?? '-id');
        for (const order of sorts) {
          const pairs = (value: unknown, id: string): Array<[string, string]> => [
            ...(sort ? ([['sort', order]] as Array<[string, string]>) : []),
            ['cursor', b64(JSON.stringify([order, value, id]))],
          ];
          // A cursor shaped like ours whose id is not a UUID: always refused.
          queryCase(`cursor for ${order} with a non-UUID id`, pairs(null, '-'.repeat(36)), true);
          // Shaped like ours with a value of the wrong type for the sort column: refused or harmless, never a 5xx.
          for (const value of ['not-a-date', true, 1e308, -1, 'a\u0000b', '\u0000', null, '9999-99-99T99:99:99Z']) {
            queryCase(`cursor for ${order} with value ${JSON.stringify(value)}`, pairs(value, '00000000-0000-7000-8000-000000000000'), false);
          }
          if (order !== defaultSort)
            queryCase(`cursor for ${order} with another sort`, [['cursor', b64(JSON.stringify([order, null, randomUUID()]))]], Boolean(sort));
        }
      }

      // Header parameters (If-Match and friends).
      for (const param of headerParams) {
        const schema = resolve(param.schema);
        const values = [
          '',
          '*',
          'W/"x"',
          '"',
          '"a", "b"',
          'x'.repeat(10_000),
          ...(schema.maxLength !== undefined ? ['"'.padEnd(schema.maxLength + 1, 'a')] : []),
        ];
        for (const value of values) {
          add(`header ${param.name} = ${JSON.stringify(value.slice(0, 20))}${value.length > 20 ? '…' : ''}`, {
            headers: op.body ? { ...superAdmin, ...json, [param.name]: value } : { ...superAdmin, [param.name]: value },
            payload: basePayload,
            mustFail: !textValid(param.schema ?? {}, value) || (op.body ? !bodyValid(op.body.schema, base) : false),
          });
        }
      }
    }
    return cases;
  }

  /**
   * `audit` counts records of successful changes; `refusals` counts failure records other than failed
   * sign-ins (which the audit trail must keep: a refused sign-in writes exactly its audit row).
   */
  async function counts(): Promise<{ sites: Set<string>; domains: Set<string>; audit: number; refusals: number }> {
    const sites = await admiral.db.ownerQuery<{ id: string }>('SELECT id FROM sites');
    const domains = await admiral.db.ownerQuery<{ id: string }>('SELECT id FROM domain_mappings');
    const audit = await admiral.db.ownerQuery<{ ok: number; refused: number }>(
      "SELECT (count(*) FILTER (WHERE success))::int AS ok, (count(*) FILTER (WHERE NOT success AND action <> 'auth.sign_in'))::int AS refused FROM audit_logs",
    );
    return {
      sites: new Set(sites.rows.map((r) => r.id)),
      domains: new Set(domains.rows.map((r) => r.id)),
      audit: audit.rows[0]?.ok ?? -1,
      refusals: audit.rows[0]?.refused ?? -1,
    };
  }

  beforeAll(async () => {
    admiral = await startTestAdmiral();
    bodyLimit = admiral.kernel.config.bodyLimitBytes;
    const response = await admiral.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    doc = response.json();
    bodyAjv.addSchema({ $id: DOC_ID, components: doc.components });
    textAjv.addSchema({ $id: DOC_ID, components: doc.components });
    const site = await admiral.app.inject({ method: 'POST', url: '/v1/sites', headers: superAdmin, payload: { name: 'Fuzz', slug: 'fuzz' } });
    expect(site.statusCode, site.body).toBe(201);
    siteId = site.json().id;
    const domain = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/domains`,
      headers: superAdmin,
      payload: { domainName: 'fuzz.example.test' },
    });
    expect(domain.statusCode, domain.body).toBe(201);
    await findRealIds();
  }, 120_000);
  afterAll(async () => admiral?.stop());

  it('finds operations, real ids and a valid base body for each body schema', () => {
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(5);
    expect(ops.some((op) => op.method === 'POST' && op.body)).toBe(true);
    expect(realIds.size).toBeGreaterThan(0);
    for (const id of realIds.values()) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    for (const op of ops) {
      if (op.body) expect(bodyValid(op.body.schema, sample(op.body.schema)), `no valid sample for ${op.id}`).toBe(true);
    }
  });

  it('never answers 5xx, always answers 4xx with a problem, refuses what the schema refuses, and writes nothing unexplained', async () => {
    const before = await counts();
    const all = operationsOf(doc).flatMap(casesFor);
    // Must-fail calls first (they leave the real rows alone); calls that may succeed after, deletes last.
    const rank = (c: Case) => (c.mustFail ? 0 : 1 + (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].indexOf(c.op.method) + 1));
    const ordered = all.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i);
    type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    for (const { c } of ordered) {
      const response = await admiral.app.inject({
        method: c.op.method as Method,
        url: c.url,
        headers: c.headers,
        ...(c.payload !== undefined ? { payload: c.payload } : {}),
      });
      outcomes.push({ c, status: response.statusCode, body: response.body, contentType: String(response.headers['content-type'] ?? '') });
    }
    expect(outcomes.length).toBeGreaterThan(1000);

    const describeOutcome = (o: (typeof outcomes)[number]) => `${o.c.op.method} ${o.c.op.path} [${o.c.label}] → ${o.status} ${o.body.slice(0, 300)}`;
    const serverErrors = outcomes.filter((o) => o.status >= 500);
    expect.soft(serverErrors.map(describeOutcome), 'server errors').toEqual([]);

    const badProblems = outcomes.filter((o) => {
      if (o.status < 400) return false;
      if (!/^application\/problem\+json/.test(o.contentType)) return true;
      try {
        const problem = JSON.parse(o.body) as { code?: unknown; status?: unknown };
        return typeof problem.code !== 'string' || problem.code.length === 0 || problem.status !== o.status;
      } catch {
        return true;
      }
    });
    expect.soft(badProblems.map(describeOutcome), '4xx answers that are not problem documents with a code').toEqual([]);

    const accepted = outcomes.filter((o) => o.c.mustFail && o.status < 400);
    expect.soft(accepted.map(describeOutcome), 'invalid input the server accepted').toEqual([]);

    // Every operation was exercised, and most calls were refused.
    for (const op of operationsOf(doc))
      expect(
        outcomes.some((o) => o.c.op.path === op.path && o.c.op.method === op.method),
        op.id,
      ).toBe(true);
    expect(outcomes.filter((o) => o.c.mustFail).length).toBeGreaterThan(outcomes.length / 2);

    // The database: rows only where a successful call explains them.
    const after = await counts();
    const writes = outcomes.filter((o) => o.status < 300 && o.c.op.method !== 'GET');
    const createdIds = new Set(
      writes
        .filter((o) => o.c.op.method === 'POST')
        .map((o) => {
          try {
            return String((JSON.parse(o.body) as { id?: unknown }).id);
          } catch {
            return '';
          }
        }),
    );
    const deletedFrom = writes.filter((o) => o.c.op.method === 'DELETE').map((o) => o.c.url);
    for (const [table, was, now] of [
      ['sites', before.sites, after.sites],
      ['domain_mappings', before.domains, after.domains],
    ] as const) {
      const added = [...now].filter((id) => !was.has(id));
      const removed = [...was].filter((id) => !now.has(id));
      expect(
        added.filter((id) => !createdIds.has(id)),
        `${table}: rows no successful call created`,
      ).toEqual([]);
      expect(
        removed.filter((id) => !deletedFrom.some((url) => url.includes(id))),
        `${table}: rows no successful call deleted`,
      ).toEqual([]);
    }
    expect(
      after.audit - before.audit,
      `audit rows beyond the ${writes.length} successful writes: ${writes.map(describeOutcome).join('\n')}`,
    ).toBeLessThanOrEqual(writes.length);
    if (writes.length === 0) expect(after.audit).toBe(before.audit);
    expect(after.refusals, 'failure audit rows other than refused sign-ins').toBe(before.refusals);

    // Nothing leaked into Object.prototype from the __proto__ / constructor payloads.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 600_000);

  it('still serves the real rows afterwards', async () => {
    const site = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteId}`, headers: superAdmin });
    expect(site.statusCode, site.body).toBe(200);
    expect(site.json().slug).toBe('fuzz');
    const list = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteId}/domains`, headers: superAdmin });
    expect(list.statusCode, list.body).toBe(200);
  });
});
