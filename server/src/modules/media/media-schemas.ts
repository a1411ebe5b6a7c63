import type { Readable } from 'node:stream';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';
import { MEDIA_TYPES, MEDIA_VISIBILITIES, PROCESSING_STATUSES, STORAGE_PROVIDERS } from './schema.js';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const oneOf = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const Variant = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'A derivative: thumbnail, webp, compressed or w<width>' });
const Visibility = oneOf(MEDIA_VISIBILITIES, 'public: readable with media.read (and through the CDN); private: only through signed links');

/** An uploaded file (seed media_assets). */
export const MediaAssetSchema = Type.Object(
  {
    id: Uuid,
    siteId: Uuid,
    filename: Type.String({ description: 'The name it was uploaded with' }),
    extension: Type.String(),
    mediaType: oneOf(MEDIA_TYPES),
    mimeType: Type.String({ description: 'Recognised from the content, not taken from the client' }),
    sizeBytes: Type.Integer(),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    durationMs: Nullable(Type.Integer()),
    checksum: Type.String({ description: 'SHA-256 of the content, hex; one asset per content per site' }),
    title: Nullable(Type.String()),
    altText: Nullable(Type.String()),
    visibility: Visibility,
    processingStatus: oneOf(PROCESSING_STATUSES, 'Derivatives: pending → processing → ready | failed; skipped for files that have none'),
    processingError: Nullable(Type.String()),
    aiTags: Type.Array(Type.String()),
    uploadedBy: Nullable(Uuid),
    deletedAt: Nullable(DateTime),
    deletedBy: Nullable(Uuid),
    createdAt: DateTime,
    updatedAt: DateTime,
    url: Nullable(Type.String({ description: 'Where the bytes are read (CDN or API, media.read); null for private or deleted files: ask for a signed URL' })),
    thumbnailUrl: Nullable(Type.String({ description: 'The thumbnail derivative, once made (same rules as url)' })),
  },
  { $id: 'MediaAsset', additionalProperties: false },
);

export const MediaStorageSchema = Type.Object(
  { provider: oneOf(STORAGE_PROVIDERS), bucket: Nullable(Type.String()), storageKey: Type.String(), cdnUrl: Nullable(Type.String()) },
  { $id: 'MediaStorage', additionalProperties: false },
);

export const MediaDerivativeSchema = Type.Object(
  {
    id: Uuid,
    variant: Type.String(),
    mimeType: Type.String(),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    bytes: Type.Integer(),
    storageKey: Type.String(),
    url: Nullable(Type.String()),
    createdAt: DateTime,
  },
  { $id: 'MediaDerivative', additionalProperties: false },
);

const detailProperties = {
  ...MediaAssetSchema.properties,
  storage: Nullable(Type.Ref(MediaStorageSchema)),
  derivatives: Type.Array(Type.Ref(MediaDerivativeSchema)),
};

/** One asset with where it is stored and its derivatives. */
export const MediaDetailSchema = Type.Object(detailProperties, { $id: 'MediaDetail', additionalProperties: false });

export const MediaUploadResultSchema = Type.Object(
  {
    ...detailProperties,
    deduplicated: Type.Boolean({ description: 'true: the site already had these bytes; this is that asset (restored if it was deleted)' }),
  },
  { $id: 'MediaUploadResult', additionalProperties: false },
);

export const MediaPageSchema = pageOf(Type.Ref(MediaAssetSchema), 'MediaAsset');

export const MediaListQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    mediaType: Type.Optional(oneOf(MEDIA_TYPES)),
    processingStatus: Type.Optional(oneOf(PROCESSING_STATUSES)),
    visibility: Type.Optional(oneOf(MEDIA_VISIBILITIES)),
    uploadedBy: Type.Optional(Uuid),
    deleted: Type.Optional(Type.Boolean({ description: 'true: only deleted files (awaiting purge); otherwise only live ones' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Finds text in the file name or title' })),
  },
  { additionalProperties: false },
);
export type MediaListQuery = Static<typeof MediaListQuerySchema>;

export const MediaPatchSchema = Type.Object(
  {
    title: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    altText: Type.Optional(Nullable(Type.String({ maxLength: 1000, description: 'Describes the image for people who cannot see it' }))),
    visibility: Type.Optional(Visibility),
    aiTags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50, uniqueItems: true })),
  },
  { $id: 'MediaPatch', additionalProperties: false, minProperties: 1 },
);
export type MediaPatch = Static<typeof MediaPatchSchema>;

export const SignedUrlRequestSchema = Type.Object(
  {
    variant: Type.Optional(Variant),
    expiresInSeconds: Type.Integer({ minimum: 60, maximum: 86_400, description: 'How long the link works, 60 s to 24 h' }),
  },
  { $id: 'MediaSignedUrlRequest', additionalProperties: false },
);

export const SignedUrlSchema = Type.Object(
  { url: Type.String({ description: 'Works without credentials until expiresAt' }), expiresAt: DateTime },
  { $id: 'MediaSignedUrl', additionalProperties: false },
);

export const SiteParamsSchema = Type.Object({ siteId: Uuid });
export const MediaParamsSchema = Type.Object({ siteId: Uuid, id: Uuid });
export const DerivativeParamsSchema = Type.Object({ siteId: Uuid, id: Uuid, variant: Variant });

export const SignedQuerySchema = Type.Object(
  {
    variant: Type.Optional(Variant),
    expires: Type.Integer({ minimum: 0, description: 'Unix time (seconds) the link stops working' }),
    signature: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'HMAC-SHA256, base64url' }),
  },
  { additionalProperties: false },
);

export const IfMatchHeadersSchema = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200 })) });

/** Text for OpenAPI, a stream for the handler (the body is never serialised through the schema). */
const streamed = (description: string) => Type.Unsafe<Readable>(Type.String({ format: 'binary', description }));

export const BytesResponseSchema = {
  description: "The file's bytes with its own Content-Type (nosniff; attachment unless it is a raster image, video or sound)",
  content: { 'application/octet-stream': { schema: streamed('The stored bytes') } },
};

/** The multipart form of an upload, for the OpenAPI document (the handler reads the stream itself). */
export const UploadFormSchema = Type.Object({
  file: Type.String({ format: 'binary', description: 'The file (exactly one); its Content-Type and name must agree with its content' }),
  title: Type.Optional(Type.String({ maxLength: 500 })),
  altText: Type.Optional(Type.String({ maxLength: 1000 })),
  visibility: Type.Optional(Visibility),
});
