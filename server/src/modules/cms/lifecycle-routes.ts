import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { problemResponses as problems, unauthorized } from '../../kernel/http/problem.js';
import { IfMatchHeaders, ReviewInputSchema, ReviewPageSchema, ReviewSchema, ScheduleInputSchema, VersionListQuerySchema } from './content-schemas.js';
import type { ContentKind } from './content-types.js';
import type { ContentLifecycle } from './lifecycle.js';
import type { ContentPublishing } from './publishing.js';
import type { ContentReviews } from './reviews.js';

/** How one kind of content appears over HTTP: its path, id parameter, item schema and names. */
export interface ContentRouteSpec {
  kind: ContentKind;
  /** 'articles' | 'pages' */
  plural: string;
  /** 'articleId' | 'pageId' */
  idParam: string;
  params: TObject;
  item: TSchema;
  tags: string[];
  /** 'Article' | 'Page', for operation ids. */
  noun: string;
}

export interface LifecycleServices {
  lifecycle: ContentLifecycle;
  publishing: ContentPublishing;
  reviews: ContentReviews;
}

export const idOf = (request: FastifyRequest, spec: ContentRouteSpec) => (request.params as Record<string, string>)[spec.idParam] as string;
export const callerOf = (request: FastifyRequest): Principal => {
  if (!request.principal) throw unauthorized();
  return request.principal;
};

/** Runs a lifecycle action and answers with the content as it now is (and its new ETag). */
async function act(request: FastifyRequest, reply: FastifyReply, spec: ContentRouteSpec, action: (tx: Tx, siteId: string, id: string) => Promise<void>) {
  const siteId = request.siteId as string;
  const id = idOf(request, spec);
  const content = await request.tenant(async (tx) => {
    await action(tx, siteId, id);
    return spec.kind.read(tx, siteId, id);
  });
  reply.header('etag', etagOf(content));
  return content;
}

/** Submit, review, publish, schedule, unpublish, archive: the same for articles and pages. */
export function lifecycleRoutes(app: AdmiralApp, spec: ContentRouteSpec, services: LifecycleServices): void {
  const { kind, noun, tags, params } = spec;
  const base = `/${spec.plural}/:${spec.idParam}`;
  const P = kind.permissions;
  const actionSchema = (operationId: string, summary: string, extra: Record<string, unknown> = {}) => ({
    tags,
    operationId,
    summary,
    params,
    headers: IfMatchHeaders,
    response: { 200: spec.item, ...problems(400, 401, 403, 404, 409, 412, 422) },
    ...extra,
  });

  app.post(
    `${base}/submit`,
    {
      config: { permission: P.update },
      schema: actionSchema(
        `submit${noun}`,
        `Submit the ${kind.type} for review (draft, changes_requested or approved → in_review; opens an approval request when a workflow applies)`,
      ),
    },
    (request, reply) =>
      act(request, reply, spec, (tx, siteId, id) =>
        services.lifecycle.submit(tx, request.auditActor(), request.principal, kind, siteId, id, request.headers['if-match']),
      ),
  );

  app.get(
    `${base}/reviews`,
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: `list${noun}Reviews`,
        summary: `Review decisions on the ${kind.type}, newest first`,
        params,
        querystring: VersionListQuerySchema,
        response: { 200: ReviewPageSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => services.reviews.list(tx, kind, request.siteId as string, idOf(request, spec), request.query)),
  );

  app.post(
    `${base}/reviews`,
    {
      config: { permission: P.review },
      schema: {
        tags,
        operationId: `review${noun}`,
        summary: `Approve, reject or request changes on the ${kind.type} in review (never your own submission: 403 own_submission)`,
        params,
        body: Type.Ref(ReviewInputSchema),
        response: { 201: Type.Ref(ReviewSchema), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const review = await request.tenant((tx) =>
        services.reviews.review(tx, request.auditActor(), callerOf(request), kind, request.siteId as string, idOf(request, spec), request.body),
      );
      return reply.code(201).send(review);
    },
  );

  app.post(
    `${base}/publish`,
    {
      config: { permission: P.publish },
      schema: actionSchema(`publish${noun}`, `Publish the current version now (409 approval_required when a workflow applies and it is not approved)`),
    },
    (request, reply) =>
      act(request, reply, spec, (tx, siteId, id) => services.publishing.publish(tx, request.auditActor(), kind, siteId, id, request.headers['if-match'])),
  );

  app.post(
    `${base}/unpublish`,
    { config: { permission: P.publish }, schema: actionSchema(`unpublish${noun}`, `Take the ${kind.type} offline (nothing live; published → draft)`) },
    (request, reply) =>
      act(request, reply, spec, (tx, siteId, id) => services.publishing.unpublish(tx, request.auditActor(), kind, siteId, id, request.headers['if-match'])),
  );

  app.post(
    `${base}/archive`,
    { config: { permission: P.update }, schema: actionSchema(`archive${noun}`, `Archive the ${kind.type} (nothing live, open approval cancelled)`) },
    (request, reply) =>
      act(request, reply, spec, (tx, siteId, id) =>
        services.lifecycle.archive(tx, request.auditActor(), request.principal, kind, siteId, id, request.headers['if-match']),
      ),
  );

  app.post(
    `${base}/schedule`,
    {
      config: { permission: P.publish },
      schema: actionSchema(`schedule${noun}`, `Publish the current version at a future time (same approval rule as publish)`, {
        body: Type.Ref(ScheduleInputSchema),
      }),
    },
    (request, reply) =>
      act(request, reply, spec, (tx, siteId, id) =>
        services.publishing.schedule(tx, request.auditActor(), kind, siteId, id, (request.body as { at: string }).at, request.headers['if-match']),
      ),
  );

  app.delete(
    `${base}/schedule`,
    {
      config: { permission: P.publish },
      schema: actionSchema(`unschedule${noun}`, `Cancel the scheduled publication (back to approved, or draft when no approval stands)`),
    },
    (request, reply) =>
      act(request, reply, spec, (tx, siteId, id) => services.publishing.unschedule(tx, request.auditActor(), kind, siteId, id, request.headers['if-match'])),
  );
}
