import { sql } from 'drizzle-orm';
import { bigint, check, foreignKey, index, integer, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestampColumn } from '../../kernel/db/columns.js';
import { tenantTable } from '../../kernel/db/tenant-table.js';
import { users } from '../identity/schema.js';

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'other'] as const;
export const PROCESSING_STATUSES = ['pending', 'processing', 'ready', 'failed', 'skipped'] as const;
export const MEDIA_VISIBILITIES = ['public', 'private'] as const;
export const STORAGE_PROVIDERS = ['local', 's3'] as const;

/**
 * An uploaded file (seed 000 media_assets, seed 002 MEDIA_ASSETS, seed 003 file): what it is, who uploaded it,
 * its SHA-256 checksum (one asset per content per site: a second upload of the same bytes finds the first),
 * processing state of its derivatives, and soft deletion (deleted_at) until the purge job removes it.
 */
export const mediaAssets = tenantTable(
  'media_assets',
  {
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    filename: text('filename').notNull(),
    extension: text('extension').notNull(),
    mediaType: text('media_type', { enum: MEDIA_TYPES }).notNull(),
    mimeType: text('mime_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    width: integer('width'),
    height: integer('height'),
    durationMs: integer('duration_ms'),
    checksum: text('checksum').notNull(),
    title: text('title'),
    altText: text('alt_text'),
    visibility: text('visibility', { enum: MEDIA_VISIBILITIES }).notNull().default('public'),
    processingStatus: text('processing_status', { enum: PROCESSING_STATUSES }).notNull().default('pending'),
    processingError: text('processing_error'),
    aiTags: text('ai_tags').array().notNull().default(sql`'{}'::text[]`),
    deletedAt: timestampColumn('deleted_at'),
    deletedBy: uuid('deleted_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    unique('media_assets_id_site_id_key').on(t.id, t.siteId),
    uniqueIndex('media_assets_site_checksum_key').on(t.siteId, t.checksum),
    index('media_assets_site_uploaded_by_idx').on(t.siteId, t.uploadedBy),
    index('media_assets_deleted_at_idx').on(t.deletedAt).where(sql`deleted_at is not null`),
    index('media_assets_processing_idx').on(t.processingStatus).where(sql`processing_status in ('pending', 'processing')`),
    check('media_assets_media_type_check', sql`${t.mediaType} in ('image', 'video', 'audio', 'document', 'other')`),
    check('media_assets_visibility_check', sql`${t.visibility} in ('public', 'private')`),
    check('media_assets_processing_status_check', sql`${t.processingStatus} in ('pending', 'processing', 'ready', 'failed', 'skipped')`),
    check('media_assets_checksum_check', sql`${t.checksum} ~ '^[0-9a-f]{64}$'`),
    check('media_assets_size_check', sql`${t.sizeBytes} >= 0`),
    check('media_assets_dimensions_check', sql`(${t.width} is null or ${t.width} > 0) and (${t.height} is null or ${t.height} > 0)`),
  ],
);

/** Where an asset's bytes live (seed 003 storage): provider, bucket, key and the CDN address when there is one. */
export const mediaStorage = tenantTable(
  'media_storage',
  {
    mediaAssetId: uuid('media_asset_id').notNull(),
    provider: text('provider', { enum: STORAGE_PROVIDERS }).notNull(),
    bucket: text('bucket'),
    storageKey: text('storage_key').notNull(),
    cdnUrl: text('cdn_url'),
  },
  (t) => [
    foreignKey({ name: 'media_storage_asset_fk', columns: [t.mediaAssetId, t.siteId], foreignColumns: [mediaAssets.id, mediaAssets.siteId] }).onDelete(
      'cascade',
    ),
    uniqueIndex('media_storage_asset_key').on(t.mediaAssetId),
    uniqueIndex('media_storage_provider_key').on(t.provider, sql`coalesce(${t.bucket}, '')`, t.storageKey),
    check('media_storage_provider_check', sql`${t.provider} in ('local', 's3')`),
  ],
);

/** Variants made from an asset by the processing job (thumbnail, webp, compressed, sized widths). */
export const mediaDerivatives = tenantTable(
  'media_derivatives',
  {
    mediaAssetId: uuid('media_asset_id').notNull(),
    variant: text('variant').notNull(),
    mimeType: text('mime_type').notNull(),
    width: integer('width'),
    height: integer('height'),
    bytes: integer('bytes').notNull(),
    provider: text('provider', { enum: STORAGE_PROVIDERS }).notNull(),
    bucket: text('bucket'),
    storageKey: text('storage_key').notNull(),
    cdnUrl: text('cdn_url'),
  },
  (t) => [
    foreignKey({ name: 'media_derivatives_asset_fk', columns: [t.mediaAssetId, t.siteId], foreignColumns: [mediaAssets.id, mediaAssets.siteId] }).onDelete(
      'cascade',
    ),
    uniqueIndex('media_derivatives_asset_variant_key').on(t.mediaAssetId, t.variant),
    check('media_derivatives_variant_check', sql`${t.variant} ~ '^[a-z0-9][a-z0-9_-]{0,39}$'`),
    check('media_derivatives_bytes_check', sql`${t.bytes} >= 0`),
  ],
);
