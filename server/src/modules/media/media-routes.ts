import { Type } from '@sinclair/typebox';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { problemResponses as problems } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { mediaCaller } from './media-caller.js';
import type { MediaPurger } from './media-purge.js';
import {
  IfMatchHeadersSchema,
  MediaDetailSchema,
  MediaListQuerySchema,
  MediaPageSchema,
  MediaParamsSchema,
  MediaPatchSchema,
  SignedUrlRequestSchema,
  SignedUrlSchema,
  SiteParamsSchema,
} from './media-schemas.js';
import type { MediaService } from './media-service.js';
import { MEDIA_PERMISSIONS as P } from './permissions.js';
import type { MediaUrlSigner } from './signed-urls.js';

export const tags = ['Media'];

export interface MediaRouteDependencies {
  kernel: Kernel;
  media: MediaService;
  purger: MediaPurger;
  signer: MediaUrlSigner;
}

/** The library: list, read, edit, delete (soft), restore, purge, signed links. */
export function mediaRoutes(app: AdmiralApp, { kernel, media, purger, signer }: MediaRouteDependencies): void {
  const site = (request: { siteId: string | null }) => request.siteId as string;

  app.get(
    '/media',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: 'listMedia',
        summary: 'List media, newest first (live files unless deleted=true)',
        params: SiteParamsSchema,
        querystring: MediaListQuerySchema,
        response: { 200: MediaPageSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => media.list(tx, site(request), request.query)),
  );

  app.get(
    '/media/:id',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: 'getMedia',
        summary: 'A file with where it is stored and its derivatives',
        params: MediaParamsSchema,
        response: { 200: Type.Ref(MediaDetailSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { detail, etag } = await request.tenant((tx) => media.detail(tx, site(request), request.params.id));
      reply.header('etag', etag);
      return detail;
    },
  );

  app.patch(
    '/media/:id',
    {
      config: { permission: P.update },
      schema: {
        tags,
        operationId: 'updateMedia',
        summary: "Edit a file's title, alt text, visibility or tags (send If-Match to edit only the version you read)",
        params: MediaParamsSchema,
        headers: IfMatchHeadersSchema,
        body: Type.Ref(MediaPatchSchema),
        response: { 200: Type.Ref(MediaDetailSchema), ...problems(400, 401, 403, 404, 409, 412, 413, 415) },
      },
    },
    async (request, reply) => {
      const caller = mediaCaller(request.principal, site(request));
      const { detail, etag } = await request.tenant((tx) =>
        media.update(tx, request.auditActor(), caller, site(request), request.params.id, request.body, request.headers['if-match']),
      );
      reply.header('etag', etag);
      return detail;
    },
  );

  app.delete(
    '/media/:id',
    {
      config: { permission: P.delete },
      schema: {
        tags,
        operationId: 'deleteMedia',
        summary: 'Delete a file: it is kept (restorable) for the retention period, then purged',
        params: MediaParamsSchema,
        headers: IfMatchHeadersSchema,
        response: { 200: Type.Ref(MediaDetailSchema), ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request) => {
      const caller = mediaCaller(request.principal, site(request));
      return request.tenant((tx) => media.remove(tx, request.auditActor(), caller, site(request), request.params.id, request.headers['if-match']));
    },
  );

  app.post(
    '/media/:id/restore',
    {
      config: { permission: P.delete },
      schema: {
        tags,
        operationId: 'restoreMedia',
        summary: 'Bring back a deleted file',
        params: MediaParamsSchema,
        response: { 200: Type.Ref(MediaDetailSchema), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const caller = mediaCaller(request.principal, site(request));
      const { detail, etag } = await request.tenant(async (tx) => {
        await media.restore(tx, request.auditActor(), caller, site(request), request.params.id);
        return media.detail(tx, site(request), request.params.id);
      });
      reply.header('etag', etag);
      return detail;
    },
  );

  app.delete(
    '/media/:id/purge',
    {
      config: { permission: P.purge },
      schema: {
        tags,
        operationId: 'purgeMedia',
        summary: 'Remove a file for good now, with its derivatives and stored bytes (deleted or not)',
        params: MediaParamsSchema,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const keys = await request.tenant((tx) => purger.purgeRows(tx, request.auditActor(), site(request), request.params.id, { reason: 'manual' }));
      await purger.removeObjects(keys ?? [], request.log);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/media/:id/signed-url',
    {
      // The link is a credential: never stored for Idempotency-Key replays.
      config: { permission: P.read, secretResponse: true },
      schema: {
        tags,
        operationId: 'signMediaUrl',
        summary: 'A link that reads the file (or a derivative) without credentials until it expires',
        description: 'The way to read private files. Anyone holding the link can read the bytes until expiresAt; each link is audited.',
        params: MediaParamsSchema,
        body: Type.Ref(SignedUrlRequestSchema),
        response: { 200: Type.Ref(SignedUrlSchema), ...problems(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const variant = request.body.variant ?? null;
      const expires = Math.floor(Date.now() / 1000) + request.body.expiresInSeconds;
      await request.tenant((tx) => media.recordSignedLink(tx, request.auditActor(), site(request), id, variant, expires));
      const url = signer.url({ siteId: site(request), assetId: id, variant, expires }, kernel.config.publicUrl?.replace(/\/+$/, ''));
      return { url, expiresAt: new Date(expires * 1000).toISOString() };
    },
  );
}
