import { Type } from '@sinclair/typebox';
import type { AuditWriter } from '../audit/writer.js';
import type { AdmiralApp } from '../http/app-types.js';
import { etagOf } from '../http/etag.js';
import { problemResponses } from '../http/problem.js';
import type { ResourceChange, ResourceDefinition } from './define-resource.js';
import { type ListQuery, ResourceService } from './service.js';

const IdParams = Type.Object({ siteId: Type.String({ format: 'uuid' }), id: Type.String({ format: 'uuid' }) });
const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200 })) });

/** Registers list/get/create/update/delete for a resource on the tenant router (/v1/sites/{siteId}). */
export function registerResourceRoutes(app: AdmiralApp, resource: ResourceDefinition, audit: AuditWriter): void {
  const service = new ResourceService(resource, audit);
  const { options, permissions, schemas } = resource;
  const base = `/${options.plural}`;
  const tags = [options.pluralLabel];
  const after = (change: ResourceChange) => options.afterCommit?.(change);

  app.get(
    base,
    {
      config: { permission: permissions.read },
      schema: {
        tags,
        operationId: `list${options.label.replace(/\s+/g, '')}s`,
        summary: `List ${options.pluralLabel.toLowerCase()}`,
        params: SiteParams,
        querystring: schemas.listQuery,
        response: { 200: schemas.page, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => service.list(tx, request.siteId as string, request.query as ListQuery, request.principal)),
  );

  app.get(
    `${base}/:id`,
    {
      config: { permission: permissions.read },
      schema: {
        tags,
        operationId: `get${options.label.replace(/\s+/g, '')}`,
        summary: `Get one ${options.label.toLowerCase()}`,
        params: IdParams,
        response: { 200: Type.Ref(schemas.item), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const row = await request.tenant((tx) => service.get(tx, request.siteId as string, request.params.id, request.principal));
      reply.header('etag', etagOf(row));
      return row;
    },
  );

  app.post(
    base,
    {
      config: { permission: permissions.create },
      schema: {
        tags,
        operationId: `create${options.label.replace(/\s+/g, '')}`,
        summary: `Create a ${options.label.toLowerCase()}`,
        params: SiteParams,
        body: Type.Ref(schemas.create),
        response: { 201: Type.Ref(schemas.item), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const row = await request.tenant((tx) =>
        service.create(tx, request.siteId as string, request.auditActor(), request.body as Record<string, unknown>, request.principal),
      );
      after({ kind: 'created', id: String(row.id), row });
      reply
        .code(201)
        .header('etag', etagOf(row))
        .header('location', `${request.url.split('?')[0]}/${String(row.id)}`);
      return row;
    },
  );

  app.patch(
    `${base}/:id`,
    {
      config: { permission: permissions.update },
      schema: {
        tags,
        operationId: `update${options.label.replace(/\s+/g, '')}`,
        summary: `Update a ${options.label.toLowerCase()}`,
        params: IdParams,
        headers: IfMatchHeaders,
        body: Type.Ref(schemas.update),
        response: { 200: Type.Ref(schemas.item), ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const row = await request.tenant((tx) =>
        service.update(
          tx,
          request.siteId as string,
          request.auditActor(),
          request.params.id,
          request.body as Record<string, unknown>,
          request.headers['if-match'],
          request.principal,
        ),
      );
      after({ kind: 'updated', id: String(row.id), row });
      reply.header('etag', etagOf(row));
      return row;
    },
  );

  app.delete(
    `${base}/:id`,
    {
      config: { permission: permissions.delete },
      schema: {
        tags,
        operationId: `delete${options.label.replace(/\s+/g, '')}`,
        summary: `Delete a ${options.label.toLowerCase()}`,
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      await request.tenant((tx) =>
        service.remove(tx, request.siteId as string, request.auditActor(), request.params.id, request.headers['if-match'], request.principal),
      );
      after({ kind: 'deleted', id: request.params.id, row: null });
      return reply.code(204).send(null);
    },
  );
}
