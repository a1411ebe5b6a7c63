import { Type } from '@sinclair/typebox';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { problemResponses as problems } from '../../kernel/http/problem.js';
import { ApiKeyCreateSchema, ApiKeyListQuerySchema, ApiKeyPageSchema, ApiKeyParamsSchema, ApiKeySchema, ApiKeyWithSecretSchema } from './api-key-schemas.js';
import type { ApiKeyService } from './api-key-service.js';
import { authorityOfRequest } from './authority.js';
import { ACCESS_PERMISSIONS as P } from './permissions.js';

const tags = ['API keys'];
const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });

/** /api-keys: create and rotate (the secret is in that one response), list, get, revoke. */
export function apiKeyRoutes(app: AdmiralApp, service: ApiKeyService): void {
  for (const schema of [ApiKeySchema, ApiKeyWithSecretSchema, ApiKeyCreateSchema]) app.addSchema(schema);

  app.get(
    '/api-keys',
    {
      config: { permission: P.apiKeysRead },
      schema: {
        tags,
        operationId: 'listApiKeys',
        summary: "List the site's API keys, newest first (never their secrets)",
        params: SiteParams,
        querystring: ApiKeyListQuerySchema,
        response: { 200: ApiKeyPageSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => service.list(tx, request.siteId as string, request.query)),
  );

  app.post(
    '/api-keys',
    {
      config: { permission: P.apiKeysCreate, secretResponse: true },
      schema: {
        tags,
        operationId: 'createApiKey',
        summary: 'Create an API key; the response shows the key once (Idempotency-Key is refused)',
        params: SiteParams,
        body: Type.Ref(ApiKeyCreateSchema),
        response: { 201: Type.Ref(ApiKeyWithSecretSchema), ...problems(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const created = await request.tenant((tx) =>
        service.create(tx, request.siteId as string, request.auditActor(), authorityOfRequest(request), request.body),
      );
      reply
        .code(201)
        .header('cache-control', 'no-store')
        .header('location', `${request.url.split('?')[0]}/${created.id}`);
      return created;
    },
  );

  app.get(
    '/api-keys/:apiKeyId',
    {
      config: { permission: P.apiKeysRead },
      schema: {
        tags,
        operationId: 'getApiKey',
        summary: 'Get an API key (never its secret)',
        params: ApiKeyParamsSchema,
        response: { 200: Type.Ref(ApiKeySchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const key = await request.tenant((tx) => service.get(tx, request.siteId as string, request.params.apiKeyId));
      reply.header('etag', etagOf(key));
      return key;
    },
  );

  app.post(
    '/api-keys/:apiKeyId/rotate',
    {
      config: { permission: P.apiKeysUpdate, secretResponse: true },
      schema: {
        tags,
        operationId: 'rotateApiKey',
        summary: 'Revoke an API key and issue a replacement with the same name, permissions and expiry; shows the new key once',
        params: ApiKeyParamsSchema,
        response: { 201: Type.Ref(ApiKeyWithSecretSchema), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const created = await request.tenant((tx) =>
        service.rotate(tx, request.siteId as string, request.auditActor(), authorityOfRequest(request), request.params.apiKeyId),
      );
      const collection = request.url.split('?')[0]?.replace(/\/[^/]+\/rotate$/, '');
      reply.code(201).header('cache-control', 'no-store').header('location', `${collection}/${created.id}`);
      return created;
    },
  );

  app.delete(
    '/api-keys/:apiKeyId',
    {
      config: { permission: P.apiKeysDelete },
      schema: {
        tags,
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key; it stays listed as revoked (409 if already revoked)',
        params: ApiKeyParamsSchema,
        response: { 200: Type.Ref(ApiKeySchema), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const key = await request.tenant((tx) =>
        service.revoke(tx, request.siteId as string, request.auditActor(), authorityOfRequest(request), request.params.apiKeyId),
      );
      reply.header('etag', etagOf(key));
      return key;
    },
  );
}
