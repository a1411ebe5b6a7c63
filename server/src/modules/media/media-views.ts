import type { Static } from '@sinclair/typebox';
import type { MediaAssetSchema, MediaDerivativeSchema, MediaDetailSchema, MediaStorageSchema } from './media-schemas.js';
import { PROCESSABLE_IMAGES } from './mime-types.js';
import type { mediaAssets, mediaDerivatives, mediaStorage } from './schema.js';

export type AssetRow = typeof mediaAssets.$inferSelect;
export type StorageRow = typeof mediaStorage.$inferSelect;
export type DerivativeRow = typeof mediaDerivatives.$inferSelect;

export type MediaAssetView = Static<typeof MediaAssetSchema>;
export type MediaDetailView = Static<typeof MediaDetailSchema>;
type StorageView = Static<typeof MediaStorageSchema>;
type DerivativeView = Static<typeof MediaDerivativeSchema>;

export const contentPath = (asset: { siteId: string; id: string }) => `/v1/sites/${asset.siteId}/media/${asset.id}/content`;
export const derivativePath = (asset: { siteId: string; id: string }, variant: string) => `/v1/sites/${asset.siteId}/media/${asset.id}/derivatives/${variant}`;

/** Whether bytes of the asset may be fetched by address (public and not deleted); otherwise only signed links work. */
const readableByAddress = (asset: AssetRow) => asset.visibility === 'public' && asset.deletedAt === null;

/** The API's view of an asset; `cdnUrl` is its storage row's (when a CDN is configured and the asset is public). */
export function assetView(asset: AssetRow, cdnUrl: string | null): MediaAssetView {
  const { siteId, id, filename, extension, mediaType, mimeType, sizeBytes, width, height, durationMs, checksum, title, altText } = asset;
  const hasThumbnail = asset.processingStatus === 'ready' && PROCESSABLE_IMAGES.has(mimeType);
  return {
    id,
    siteId,
    filename,
    extension,
    mediaType,
    mimeType,
    sizeBytes,
    width,
    height,
    durationMs,
    checksum,
    title,
    altText,
    visibility: asset.visibility,
    processingStatus: asset.processingStatus,
    processingError: asset.processingError,
    aiTags: asset.aiTags,
    uploadedBy: asset.uploadedBy,
    deletedAt: asset.deletedAt,
    deletedBy: asset.deletedBy,
    createdAt: asset.createdAt,
    updatedAt: asset.updatedAt,
    url: readableByAddress(asset) ? (cdnUrl ?? contentPath(asset)) : null,
    thumbnailUrl: readableByAddress(asset) && hasThumbnail ? derivativePath(asset, 'thumbnail') : null,
  };
}

export function detailView(asset: AssetRow, storage: StorageRow | null, derivatives: DerivativeRow[]): MediaDetailView {
  const storageView: StorageView | null = storage
    ? { provider: storage.provider, bucket: storage.bucket, storageKey: storage.storageKey, cdnUrl: storage.cdnUrl }
    : null;
  const derivativeViews: DerivativeView[] = derivatives.map((d) => ({
    id: d.id,
    variant: d.variant,
    mimeType: d.mimeType,
    width: d.width,
    height: d.height,
    bytes: d.bytes,
    storageKey: d.storageKey,
    url: readableByAddress(asset) ? (d.cdnUrl ?? derivativePath(asset, d.variant)) : null,
    createdAt: d.createdAt,
  }));
  return { ...assetView(asset, storage?.cdnUrl ?? null), storage: storageView, derivatives: derivativeViews };
}

/** What the audit records of an asset (its identity and the fields people change). */
export function auditFields(asset: AssetRow) {
  return {
    filename: asset.filename,
    mimeType: asset.mimeType,
    sizeBytes: asset.sizeBytes,
    checksum: asset.checksum,
    title: asset.title,
    altText: asset.altText,
    visibility: asset.visibility,
    aiTags: asset.aiTags,
    uploadedBy: asset.uploadedBy,
    deletedAt: asset.deletedAt,
  };
}

/** A public asset's address behind the CDN, or null. */
export const cdnUrlFor = (cdnBase: string | undefined, visibility: AssetRow['visibility'], key: string): string | null =>
  cdnBase && visibility === 'public' ? `${cdnBase}/${key}` : null;
