import { and, eq } from 'drizzle-orm';
import type { Database } from '../../kernel/db/transaction.js';
import { defineJob, type JobDefinition } from '../../kernel/jobs/queue.js';
import { ImageDecodeError, inspectImage, renderVariant, variantSpecs } from './derivatives.js';
import type { MediaConfig } from './media-config.js';
import { cdnUrlFor } from './media-views.js';
import { PROCESSABLE_IMAGES } from './mime-types.js';
import { mediaAssets, mediaDerivatives, mediaStorage } from './schema.js';
import type { StorageDriver } from './storage/index.js';

export const MAKE_DERIVATIVES_JOB = 'media.make-derivatives';

export interface MakeDerivativesData {
  siteId: string;
  assetId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `<site>/<yyyy>/<mm>/<asset>.<ext>` → `<site>/<yyyy>/<mm>/<asset>/<variant>.<ext>`. */
export const derivativeKey = (originalKey: string, variant: string, extension: string) => `${originalKey.replace(/\.[^./]+$/, '')}/${variant}.${extension}`;

interface Made {
  variant: string;
  mimeType: string;
  width: number;
  height: number;
  bytes: number;
  key: string;
}

/**
 * Makes an image's derivatives and records them; re-running replaces them. A damaged image ends as `failed`
 * with the reason (the job then completes: retrying cannot mend the file); a passing failure (storage,
 * database) is marked too and thrown, so the queue tries again.
 */
export class DerivativeMaker {
  constructor(
    private readonly storage: StorageDriver,
    private readonly settings: MediaConfig,
  ) {}

  async run(db: Database, { siteId, assetId }: MakeDerivativesData): Promise<void> {
    const claimed = await db.withTenant({ siteId, allowInactive: true }, async (tx) => {
      const [asset] = await tx
        .select()
        .from(mediaAssets)
        .where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, assetId)))
        .for('update');
      if (!asset) return null;
      const scope = and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, assetId));
      if (!PROCESSABLE_IMAGES.has(asset.mimeType)) {
        await tx.update(mediaAssets).set({ processingStatus: 'skipped', processingError: null }).where(scope);
        return null;
      }
      const [stored] = await tx
        .select()
        .from(mediaStorage)
        .where(and(eq(mediaStorage.siteId, siteId), eq(mediaStorage.mediaAssetId, assetId)));
      if (!stored) {
        await tx.update(mediaAssets).set({ processingStatus: 'failed', processingError: 'the stored file is missing' }).where(scope);
        return null;
      }
      await tx.update(mediaAssets).set({ processingStatus: 'processing', processingError: null }).where(scope);
      return { mimeType: asset.mimeType, key: stored.storageKey };
    });
    if (!claimed) return;
    const made: Made[] = [];
    try {
      const copy = await this.storage.localCopy(claimed.key);
      try {
        const image = await inspectImage(copy.path, this.settings.maxPixels);
        for (const spec of variantSpecs({ mimeType: claimed.mimeType, ...image }, this.settings.derivativeWidths)) {
          const rendered = await renderVariant(copy.path, spec, this.settings.maxPixels);
          const key = derivativeKey(claimed.key, rendered.variant, rendered.extension);
          await this.storage.put(key, rendered.data, rendered.mimeType);
          made.push({
            variant: rendered.variant,
            mimeType: rendered.mimeType,
            width: rendered.width,
            height: rendered.height,
            bytes: rendered.data.length,
            key,
          });
        }
      } finally {
        await copy.release();
      }
    } catch (error) {
      await this.markFailed(db, siteId, assetId, error, made);
      if (error instanceof ImageDecodeError) return;
      throw error;
    }
    await this.record(db, siteId, assetId, made);
  }

  /** Replaces the asset's derivative rows with `made` and marks it ready; objects no longer named are removed afterwards. */
  private async record(db: Database, siteId: string, assetId: string, made: Made[]): Promise<void> {
    const madeKeys = new Set(made.map((m) => m.key));
    const stale = await db.withTenant({ siteId, allowInactive: true }, async (tx) => {
      const [asset] = await tx
        .select({ id: mediaAssets.id, visibility: mediaAssets.visibility })
        .from(mediaAssets)
        .where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, assetId)))
        .for('update');
      // Purged while we worked: what was made belongs to nothing.
      if (!asset) return [...madeKeys];
      const scope = and(eq(mediaDerivatives.siteId, siteId), eq(mediaDerivatives.mediaAssetId, assetId));
      const previous = await tx.select({ key: mediaDerivatives.storageKey }).from(mediaDerivatives).where(scope);
      await tx.delete(mediaDerivatives).where(scope);
      if (made.length > 0) {
        await tx.insert(mediaDerivatives).values(
          made.map((m) => ({
            siteId,
            mediaAssetId: assetId,
            variant: m.variant,
            mimeType: m.mimeType,
            width: m.width,
            height: m.height,
            bytes: m.bytes,
            provider: this.storage.provider,
            bucket: this.storage.bucket,
            storageKey: m.key,
            cdnUrl: cdnUrlFor(this.settings.cdnUrl, asset.visibility, m.key),
          })),
        );
      }
      await tx
        .update(mediaAssets)
        .set({ processingStatus: 'ready', processingError: null })
        .where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, assetId)));
      return previous.map((p) => p.key).filter((key) => !madeKeys.has(key));
    });
    for (const key of stale) await this.storage.remove(key).catch(() => {});
  }

  /** Records the failure; objects made before it that no recorded derivative names are removed. */
  private async markFailed(db: Database, siteId: string, assetId: string, error: unknown, made: readonly Made[]): Promise<void> {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    const orphans = await db.withTenant({ siteId, allowInactive: true }, async (tx) => {
      await tx
        .update(mediaAssets)
        .set({ processingStatus: 'failed', processingError: message })
        .where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, assetId)));
      const recorded = await tx
        .select({ key: mediaDerivatives.storageKey })
        .from(mediaDerivatives)
        .where(and(eq(mediaDerivatives.siteId, siteId), eq(mediaDerivatives.mediaAssetId, assetId)));
      const named = new Set(recorded.map((row) => row.key));
      return made.map((m) => m.key).filter((key) => !named.has(key));
    });
    for (const key of orphans) await this.storage.remove(key).catch(() => {});
  }
}

export function derivativesJob(maker: DerivativeMaker): JobDefinition {
  return defineJob<Partial<MakeDerivativesData>>({
    name: MAKE_DERIVATIVES_JOB,
    description: 'Makes the thumbnail, WebP, compressed and sized copies of an uploaded image',
    retryLimit: 2,
    retryDelaySeconds: 30,
    expireInSeconds: 10 * 60,
    handler: async (data, context) => {
      // A malformed job can never succeed: drop it rather than retry it.
      if (typeof data.siteId !== 'string' || !UUID.test(data.siteId) || typeof data.assetId !== 'string' || !UUID.test(data.assetId)) return;
      await maker.run(context.db, { siteId: data.siteId, assetId: data.assetId });
    },
  });
}
