import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { problemResponses as problems } from '../../kernel/http/problem.js';
import { openAuditExport, type TxRunner } from './export.js';
import { AUDIT_PERMISSIONS as P } from './permissions.js';
import type { AuditScope } from './query.js';
import {
  AuditChainReportSchema,
  AuditExportQuerySchema,
  AuditListQuerySchema,
  AuditLogPageSchema,
  AuditLogSchema,
  ExportResponseSchema,
  PlatformAuditLogParamsSchema,
  SiteAuditLogParamsSchema,
  SiteParamsSchema,
} from './schemas.js';
import type { AuditLogService } from './service.js';

/** Where a set of audit routes reads: a site's chain (tenant routes) or the platform chain. */
export interface AuditChain {
  /** Inserted into operation ids: '' for the site routes, 'Platform' for the platform ones. */
  name: '' | 'Platform';
  /** Summary wording: "the site's" or "the platform's". */
  whose: string;
  scope(request: FastifyRequest): AuditScope;
  run(request: FastifyRequest): TxRunner;
  /** Path parameters of the collection routes (the site id), if any, spread into each route's schema. */
  paramsSchema: { params: TSchema } | Record<string, never>;
  /** 404 when the chain's site does not exist (tenant routes). */
  notFoundStatus: number[];
}

export const siteChain: AuditChain = {
  name: '',
  whose: "the site's",
  scope: (request) => ({ siteId: request.siteId as string }),
  run: (request) => (work) => request.tenant(work),
  paramsSchema: { params: SiteParamsSchema },
  notFoundStatus: [404],
};

export const platformChain: AuditChain = {
  name: 'Platform',
  whose: "the platform's",
  scope: () => ({ siteId: null }),
  run: (request) => (work) => request.platform(work),
  paramsSchema: {},
  notFoundStatus: [],
};

const SCHEMAS = [AuditLogSchema, AuditChainReportSchema];

/** Shared schemas, added once: the platform and tenant routes register in nested contexts. */
export function addAuditSchemas(app: AdmiralApp): void {
  for (const schema of SCHEMAS) if (app.getSchema(schema.$id as string) === undefined) app.addSchema(schema);
}

/** /audit-logs: list, export, verify and get one row, for one chain. */
export function auditLogRoutes(app: AdmiralApp, service: AuditLogService, chain: AuditChain): void {
  addAuditSchemas(app);
  const tags = ['Audit'];
  const itemParams = chain.name === '' ? SiteAuditLogParamsSchema : PlatformAuditLogParamsSchema;

  app.get(
    '/audit-logs',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: `list${chain.name}AuditLogs`,
        summary: `List ${chain.whose} audit trail, newest first, filtered`,
        ...chain.paramsSchema,
        querystring: AuditListQuerySchema,
        response: { 200: AuditLogPageSchema, ...problems(400, 401, 403, ...chain.notFoundStatus) },
      },
    },
    async (request) => chain.run(request)((tx) => service.list(tx, chain.scope(request), request.query)),
  );

  app.get(
    '/audit-logs/export',
    {
      config: { permission: P.export },
      schema: {
        tags,
        operationId: `export${chain.name}AuditLogs`,
        summary: `Download ${chain.whose} filtered audit trail as CSV or NDJSON (streamed; the export is itself audited)`,
        ...chain.paramsSchema,
        querystring: AuditExportQuerySchema,
        response: { 200: ExportResponseSchema, ...problems(400, 401, 403, ...chain.notFoundStatus) },
      },
    },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const scope = chain.scope(request);
      const headOnly = request.method === 'HEAD';
      const download = await openAuditExport(chain.run(request), service, { actor: request.auditActor(), scope, format, filters, headOnly });
      reply
        .header('content-type', download.contentType)
        .header('content-disposition', `attachment; filename="${download.fileName}"`)
        .header('cache-control', 'no-store');
      return download.body;
    },
  );

  app.get(
    '/audit-logs/verify',
    {
      config: { permission: P.verify },
      schema: {
        tags,
        operationId: `verify${chain.name}AuditChain`,
        summary: `Verify ${chain.whose} audit hash chain and report its first broken link`,
        ...chain.paramsSchema,
        response: { 200: Type.Ref(AuditChainReportSchema), ...problems(400, 401, 403, ...chain.notFoundStatus) },
      },
    },
    async (request) => chain.run(request)((tx) => service.verify(tx, chain.scope(request))),
  );

  app.get(
    '/audit-logs/:auditLogId',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: `get${chain.name}AuditLog`,
        summary: `Get one entry of ${chain.whose} audit trail`,
        params: itemParams,
        response: { 200: Type.Ref(AuditLogSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => chain.run(request)((tx) => service.get(tx, chain.scope(request), request.params.auditLogId)),
  );
}
