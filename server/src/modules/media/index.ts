import multipart from '@fastify/multipart';
import type { Config } from '../../config.js';
import { databaseAuditWriter } from '../../kernel/audit/writer.js';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { defineModule, type Kernel } from '../../kernel/module.js';
import { DerivativeMaker, derivativesJob } from './derivatives-job.js';
import { mediaSettings } from './media-config.js';
import { mediaContentRoutes } from './media-content-routes.js';
import { MediaPurger } from './media-purge.js';
import { mediaRoutes } from './media-routes.js';
import {
  MediaAssetSchema,
  MediaDerivativeSchema,
  MediaDetailSchema,
  MediaPatchSchema,
  MediaStorageSchema,
  MediaUploadResultSchema,
  SignedUrlRequestSchema,
  SignedUrlSchema,
} from './media-schemas.js';
import { MediaService } from './media-service.js';
import { mediaUploadRoute } from './media-upload-route.js';
import { MediaUploads } from './media-uploads.js';
import { mediaPermissions } from './permissions.js';
import { purgeJob } from './purge-job.js';
import { mediaAssets, mediaDerivatives, mediaStorage } from './schema.js';
import { MediaUrlSigner } from './signed-urls.js';
import { createStorage } from './storage/index.js';
import { uploadLimits } from './upload-form.js';

export { MAKE_DERIVATIVES_JOB } from './derivatives-job.js';
export { MEDIA_PERMISSIONS } from './permissions.js';
export { PURGE_DELETED_JOB } from './purge-job.js';
export { mediaAssets, mediaDerivatives, mediaStorage } from './schema.js';

/**
 * Media library: streamed uploads (checked against their content, de-duplicated per site by SHA-256),
 * local or S3-compatible storage, derivatives made by a job, soft delete with a purge after the retention
 * period, and signed expiring links for private files.
 */
export function mediaModule({ config }: { config?: Config }) {
  const settings = mediaSettings(config);
  // Jobs get only the database: they share this storage driver and these settings with the routes.
  const storage = createStorage(settings);
  const purger = new MediaPurger(databaseAuditWriter, storage);
  const maker = new DerivativeMaker(storage, settings);
  return defineModule({
    name: 'media',
    tables: { mediaAssets, mediaStorage, mediaDerivatives },
    permissions: mediaPermissions,
    jobs: [derivativesJob(maker), purgeJob(purger, settings)],
    routes: {
      tenant: async (app: AdmiralApp, kernel: Kernel) => {
        // Its own scope: multipart parsing exists for these routes only; every other route still takes JSON alone.
        await app.register(async (scope) => {
          const media = new MediaService(kernel.audit, settings);
          const routePurger = new MediaPurger(kernel.audit, storage);
          const uploads = new MediaUploads(kernel.audit, kernel.jobs, storage, settings, media);
          const signer = new MediaUrlSigner(kernel.secrets);
          await scope.register(multipart, { limits: uploadLimits(settings.maxBytes), throwFileSizeLimit: true });
          for (const schema of [
            MediaAssetSchema,
            MediaStorageSchema,
            MediaDerivativeSchema,
            MediaDetailSchema,
            MediaUploadResultSchema,
            MediaPatchSchema,
            SignedUrlRequestSchema,
            SignedUrlSchema,
          ]) {
            scope.addSchema(schema);
          }
          mediaRoutes(scope, { kernel, media, purger: routePurger, signer });
          mediaUploadRoute(scope, { uploads, storage, settings });
          mediaContentRoutes(scope, { media, storage, signer });
        });
      },
    },
  });
}
