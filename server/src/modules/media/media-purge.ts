import { and, eq } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { conflict, notFound } from '../../kernel/http/problem.js';
import { MEDIA_AUDIT_CATEGORY } from './media-service.js';
import { auditFields } from './media-views.js';
import { mediaAssets, mediaDerivatives, mediaStorage } from './schema.js';
import type { StorageDriver } from './storage/index.js';

interface Logger {
  warn(object: object, message: string): void;
}

const isForeignKeyRefusal = (error: unknown) => {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return (error as { code?: unknown }).code === '23503' || cause?.code === '23503';
};

/**
 * Removes assets for good: their rows (storage and derivative rows go with them) in the caller's transaction,
 * audited; their stored objects only after that transaction committed, so a rollback never leaves a row
 * pointing at bytes that are gone.
 */
export class MediaPurger {
  constructor(
    private readonly audit: AuditWriter,
    private readonly storage: StorageDriver,
  ) {}

  /**
   * Deletes the asset's rows and returns the storage keys to remove once committed. `onlyIfDeletedBefore`
   * (the purge job) skips an asset restored, or deleted again later, since it was picked: null is returned.
   */
  async purgeRows(tx: Tx, actor: AuditActor, siteId: string, id: string, options: { reason: string; onlyIfDeletedBefore?: Date }): Promise<string[] | null> {
    const [asset] = await tx
      .select()
      .from(mediaAssets)
      .where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, id)))
      .for('update');
    if (!asset) {
      if (options.onlyIfDeletedBefore) return null;
      throw notFound('Media asset', `There is no media asset ${id} on this site.`);
    }
    const cutoff = options.onlyIfDeletedBefore;
    if (cutoff && (!asset.deletedAt || Date.parse(asset.deletedAt) > cutoff.getTime())) return null;
    const stored = await tx
      .select({ key: mediaStorage.storageKey })
      .from(mediaStorage)
      .where(and(eq(mediaStorage.siteId, siteId), eq(mediaStorage.mediaAssetId, id)));
    const derived = await tx
      .select({ key: mediaDerivatives.storageKey })
      .from(mediaDerivatives)
      .where(and(eq(mediaDerivatives.siteId, siteId), eq(mediaDerivatives.mediaAssetId, id)));
    try {
      await tx.delete(mediaAssets).where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, id)));
    } catch (error) {
      if (isForeignKeyRefusal(error)) {
        throw conflict('media_in_use', "The file is still in use (for example as an article's featured image); remove those uses first.");
      }
      throw error;
    }
    const keys = [...stored, ...derived].map((row) => row.key);
    await this.audit.write(tx, actor, {
      siteId,
      action: 'media.purged',
      category: MEDIA_AUDIT_CATEGORY,
      targetType: 'media_asset',
      targetId: id,
      before: auditFields(asset),
      metadata: { reason: options.reason, objects: keys.length },
    });
    return keys;
  }

  /** Removes stored objects after their rows are gone; a failure is logged (an orphaned object harms no one). */
  async removeObjects(keys: readonly string[], log?: Logger): Promise<void> {
    for (const key of keys) {
      await this.storage.remove(key).catch((error: unknown) => log?.warn({ err: error, key }, 'media: could not remove a purged object'));
    }
  }
}
