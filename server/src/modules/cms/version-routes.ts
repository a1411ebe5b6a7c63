import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import type { AuditActor } from '../../kernel/audit/writer.js';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { problemResponses as problems } from '../../kernel/http/problem.js';
import { ContentDiffSchema, ContentVersionPageSchema, DiffQuerySchema, IfMatchHeaders, VersionListQuerySchema } from './content-schemas.js';
import { type ContentRouteSpec, idOf } from './lifecycle-routes.js';
import { contentVersions, diffPair } from './versions.js';

/** What differs between articles and pages in their history: the version's shape and how a restore saves. */
export interface VersionRouteSpec extends ContentRouteSpec {
  versionParams: TObject;
  version: TSchema;
  readVersion(tx: Tx, siteId: string, id: string, versionNo: number): Promise<object>;
  restore(tx: Tx, actor: AuditActor, caller: Principal | null, siteId: string, id: string, versionNo: number, ifMatch: string | undefined): Promise<object>;
}

const versionNoOf = (params: unknown) => (params as { versionNo: number }).versionNo;

/** History: list versions, read one, compare two, restore one as a new version. */
export function versionRoutes(app: AdmiralApp, spec: VersionRouteSpec): void {
  const { kind, noun, tags } = spec;
  const base = `/${spec.plural}/:${spec.idParam}`;

  app.get(
    `${base}/versions`,
    {
      config: { permission: kind.permissions.read },
      schema: {
        tags,
        operationId: `list${noun}Versions`,
        summary: `The ${kind.type}'s saved versions, newest first`,
        params: spec.params,
        querystring: VersionListQuerySchema,
        response: { 200: ContentVersionPageSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => contentVersions.list(tx, kind, request.siteId as string, idOf(request, spec), request.query)),
  );

  app.get(
    `${base}/versions/:versionNo`,
    {
      config: { permission: kind.permissions.read },
      schema: {
        tags,
        operationId: `get${noun}Version`,
        summary: `One saved version of the ${kind.type}, with its content`,
        params: spec.versionParams,
        response: { 200: spec.version, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => spec.readVersion(tx, request.siteId as string, idOf(request, spec), versionNoOf(request.params))),
  );

  app.get(
    `${base}/diff`,
    {
      config: { permission: kind.permissions.read },
      schema: {
        tags,
        operationId: `diff${noun}Versions`,
        summary: `What changed between two versions, field by field (line diff parts and unified hunks)`,
        params: spec.params,
        querystring: DiffQuerySchema,
        response: { 200: Type.Ref(ContentDiffSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const pair = await request.tenant((tx) =>
        contentVersions.pair(tx, kind, request.siteId as string, idOf(request, spec), request.query.from, request.query.to),
      );
      return diffPair(pair);
    },
  );

  app.post(
    `${base}/versions/:versionNo/restore`,
    {
      config: { permission: kind.permissions.update },
      schema: {
        tags,
        operationId: `restore${noun}Version`,
        summary: `Save version N's content as a new version (If-Match required; in review/approved/scheduled go back to draft)`,
        params: spec.versionParams,
        headers: IfMatchHeaders,
        response: { 200: spec.item, ...problems(400, 401, 403, 404, 409, 412, 428) },
      },
    },
    async (request, reply) => {
      const content = await request.tenant((tx) =>
        spec.restore(
          tx,
          request.auditActor(),
          request.principal,
          request.siteId as string,
          idOf(request, spec),
          versionNoOf(request.params),
          request.headers['if-match'],
        ),
      );
      reply.header('etag', etagOf(content));
      return content;
    },
  );
}
