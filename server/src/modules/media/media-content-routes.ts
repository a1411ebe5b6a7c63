import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { forbidden, problemResponses as problems } from '../../kernel/http/problem.js';
import { contentSource, sendContent } from './media-delivery.js';
import { tags } from './media-routes.js';
import { BytesResponseSchema, DerivativeParamsSchema, MediaParamsSchema, SignedQuerySchema } from './media-schemas.js';
import type { MediaService } from './media-service.js';
import { MEDIA_PERMISSIONS as P } from './permissions.js';
import type { MediaUrlSigner } from './signed-urls.js';
import type { StorageDriver } from './storage/index.js';

const bytes = { 200: BytesResponseSchema, 206: BytesResponseSchema, 304: { description: 'Not Modified', type: 'null' } };
/** Longest a signed response may be cached: a link may be shorter-lived, never a cached copy longer-lived. */
const MAX_SIGNED_CACHE_SECONDS = 3600;

const signedUrlRequired = () => forbidden('signed_url_required', 'The file is private: read it through a signed URL (POST …/media/{id}/signed-url).');

/** The bytes: by permission (public files), or by signed link (any file, no credentials). */
export function mediaContentRoutes(app: AdmiralApp, deps: { media: MediaService; storage: StorageDriver; signer: MediaUrlSigner }): void {
  const { media, storage, signer } = deps;

  app.get(
    '/media/:id/content',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: 'getMediaContent',
        summary: "A public file's bytes (private files: 403, use a signed URL)",
        params: MediaParamsSchema,
        response: { ...bytes, ...problems(400, 401, 403, 404, 416) },
      },
    },
    async (request, reply) => {
      const source = await request.tenant((tx) => contentSource(tx, media, request.siteId as string, request.params.id, null));
      if (source.asset.visibility === 'private') throw signedUrlRequired();
      return sendContent(request, reply, storage, source, { cacheControl: 'private, no-cache', crossOrigin: false });
    },
  );

  app.get(
    '/media/:id/derivatives/:variant',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: 'getMediaDerivative',
        summary: "A public file's derivative (thumbnail, webp, compressed, w<width>)",
        params: DerivativeParamsSchema,
        response: { ...bytes, ...problems(400, 401, 403, 404, 416) },
      },
    },
    async (request, reply) => {
      const { id, variant } = request.params;
      const source = await request.tenant((tx) => contentSource(tx, media, request.siteId as string, id, variant));
      if (source.asset.visibility === 'private') throw signedUrlRequired();
      return sendContent(request, reply, storage, source, { cacheControl: 'private, no-cache', crossOrigin: false });
    },
  );

  app.get(
    '/media/:id/signed',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'getSignedMedia',
        summary: 'The bytes a signed URL grants (no credentials; 403 when forged, altered or expired)',
        params: MediaParamsSchema,
        querystring: SignedQuerySchema,
        response: { ...bytes, ...problems(400, 403, 404, 416) },
      },
    },
    async (request, reply) => {
      const siteId = request.siteId as string;
      const { id } = request.params;
      const { variant, expires, signature } = request.query;
      // Before any database work: a bad link costs one HMAC.
      signer.verify({ siteId, assetId: id, variant: variant ?? null, expires }, signature);
      const source = await request.tenant((tx) => contentSource(tx, media, siteId, id, variant ?? null));
      const seconds = Math.max(0, Math.min(MAX_SIGNED_CACHE_SECONDS, expires - Math.floor(Date.now() / 1000)));
      return sendContent(request, reply, storage, source, { cacheControl: `private, max-age=${seconds}`, crossOrigin: true });
    },
  );
}
