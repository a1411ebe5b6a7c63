import { Type } from '@sinclair/typebox';
import type { FastifySchemaCompiler } from 'fastify';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { ProblemError, problemResponses as problems } from '../../kernel/http/problem.js';
import { buildValidator } from '../../kernel/http/validation.js';
import { mediaCaller } from './media-caller.js';
import type { MediaConfig } from './media-config.js';
import { tags } from './media-routes.js';
import { MediaUploadResultSchema, SiteParamsSchema, UploadFormSchema } from './media-schemas.js';
import type { MediaUploads } from './media-uploads.js';
import { MEDIA_PERMISSIONS as P } from './permissions.js';
import type { StorageDriver } from './storage/index.js';
import { fileTooLarge } from './upload.js';
import { readUploadForm } from './upload-form.js';

/** Room for the multipart envelope and the text fields around the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/**
 * The body is a stream read by the handler (never parsed into memory), so it is not validated as JSON: the
 * form schema is documentation, and the handler checks each part itself. Params are validated as usual.
 */
const partsValidator = (): FastifySchemaCompiler<unknown> => {
  const usual = buildValidator();
  return (route) => (route.httpPart === 'body' ? () => true : usual(route));
};

/** POST /media: one file, streamed to the staging area, checked, then stored (or found: same bytes, same asset). */
export function mediaUploadRoute(app: AdmiralApp, deps: { uploads: MediaUploads; storage: StorageDriver; settings: MediaConfig }): void {
  const { uploads, storage, settings } = deps;
  app.post(
    '/media',
    {
      config: { permission: P.upload },
      validatorCompiler: partsValidator(),
      // A body that says up front it is too large is refused before a byte of it is read.
      preValidation: async (request) => {
        const length = Number(request.headers['content-length']);
        if (Number.isFinite(length) && length > settings.maxBytes + FORM_OVERHEAD_BYTES) throw fileTooLarge(settings.maxBytes);
      },
      schema: {
        tags,
        operationId: 'uploadMedia',
        summary: 'Upload a file (multipart/form-data, field "file"; optional title, altText, visibility)',
        description:
          'The file is streamed (never held in memory), hashed (SHA-256) and recognised from its content. 201: stored; 200 with deduplicated=true: the site already had these bytes. ' +
          '413 file_too_large; 415 content_type_mismatch (content is not what its type or name says) or type_not_allowed; 422 image_too_large (more pixels than allowed) or unreadable_image.',
        params: SiteParamsSchema,
        consumes: ['multipart/form-data'],
        body: UploadFormSchema,
        response: { 200: Type.Ref(MediaUploadResultSchema), 201: Type.Ref(MediaUploadResultSchema), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new ProblemError(415, 'multipart_required', 'Send the file as multipart/form-data with the field "file".');
      const siteId = request.siteId as string;
      const form = await readUploadForm(request.parts(), storage, settings.maxBytes);
      const outcome = await uploads.ingest((work) => request.tenant(work), request.auditActor(), mediaCaller(request.principal, siteId), siteId, form);
      reply.code(outcome.deduplicated ? 200 : 201).header('etag', outcome.etag);
      if (!outcome.deduplicated) reply.header('location', `/v1/sites/${siteId}/media/${outcome.detail.id}`);
      return { ...outcome.detail, deduplicated: outcome.deduplicated };
    },
  );
}
