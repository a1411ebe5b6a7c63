import { rm } from 'node:fs/promises';
import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import type { JobQueue } from '../../kernel/jobs/queue.js';
import { MAKE_DERIVATIVES_JOB } from './derivatives-job.js';
import { type ImageSize, probeImage } from './image-probe.js';
import type { MediaCaller } from './media-caller.js';
import type { MediaConfig } from './media-config.js';
import { assetEtag, MEDIA_AUDIT_CATEGORY, type MediaService } from './media-service.js';
import { type AssetRow, auditFields, cdnUrlFor, type MediaDetailView } from './media-views.js';
import { PROCESSABLE_IMAGES } from './mime-types.js';
import { MEDIA_PERMISSIONS as P } from './permissions.js';
import { mediaAssets, mediaStorage } from './schema.js';
import { assertAllowedType, type DetectedType, detectType } from './sniff.js';
import type { StorageDriver } from './storage/index.js';
import type { UploadForm } from './upload-form.js';

/** Runs work in the request's tenant transaction (the route passes `request.tenant`). */
export type TenantRunner = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;

export interface UploadOutcome {
  detail: MediaDetailView;
  etag: string;
  deduplicated: boolean;
}

/** `<site>/<yyyy>/<mm>/<asset>.<ext>`: spreads a site's files over month folders; the asset id makes it unique. */
export function storageKeyFor(siteId: string, assetId: string, extension: string, at = new Date()): string {
  const month = String(at.getUTCMonth() + 1).padStart(2, '0');
  return `${siteId}/${at.getUTCFullYear()}/${month}/${assetId}.${extension}`;
}

/**
 * Accepting an upload: the staged file is recognised and checked (type against claim, allowed types, image
 * size) before anything is written; then, in one transaction, either the site's existing asset with the
 * same bytes is returned (restored if deleted) or the file is moved to its key, recorded, audited and
 * queued for derivatives. Whatever fails, the staged file and any moved object are removed.
 */
export class MediaUploads {
  constructor(
    private readonly audit: AuditWriter,
    private readonly jobs: JobQueue,
    private readonly storage: StorageDriver,
    private readonly settings: MediaConfig,
    private readonly media: MediaService,
  ) {}

  async ingest(runInTenant: TenantRunner, actor: AuditActor, caller: MediaCaller, siteId: string, form: UploadForm): Promise<UploadOutcome> {
    const promoted: string[] = [];
    try {
      const detected = await detectType(form.staged.head, form.claim);
      assertAllowedType(detected.mimeType, this.settings.allowedTypes);
      const size = PROCESSABLE_IMAGES.has(detected.mimeType) ? await probeImage(form.staged.path, this.settings.maxPixels) : null;
      return await runInTenant(async (tx) => {
        const { asset, deduplicated } = await this.record(tx, actor, caller, siteId, form, detected, size, promoted);
        return { detail: await this.media.detailOf(tx, asset), etag: assetEtag(asset), deduplicated };
      });
    } catch (error) {
      // The transaction rolled back (or never ran): nothing may stay in storage either.
      for (const key of promoted) await this.storage.remove(key).catch(() => {});
      throw error;
    } finally {
      await rm(form.staged.path, { force: true });
    }
  }

  private async record(
    tx: Tx,
    actor: AuditActor,
    caller: MediaCaller,
    siteId: string,
    form: UploadForm,
    detected: DetectedType,
    size: ImageSize | null,
    promoted: string[],
  ): Promise<{ asset: AssetRow; deduplicated: boolean }> {
    const checksum = form.staged.checksum;
    // Two uploads of the same bytes to one site at once: the second waits, then finds the first.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`admiral.media:${siteId}:${checksum}`}, 0))`);
    const [existing] = await tx
      .select()
      .from(mediaAssets)
      .where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.checksum, checksum)));
    if (existing) {
      const asset = existing.deletedAt ? await this.media.restore(tx, actor, caller, siteId, existing.id, P.upload) : existing;
      return { asset, deduplicated: true };
    }
    const id = uuidv7();
    const key = storageKeyFor(siteId, id, detected.extension);
    const visibility = form.fields.visibility ?? 'public';
    const processable = PROCESSABLE_IMAGES.has(detected.mimeType);
    await this.storage.promote(form.staged.path, key, detected.mimeType);
    promoted.push(key);
    const [inserted] = await tx
      .insert(mediaAssets)
      .values({
        id,
        siteId,
        uploadedBy: actor.userId,
        filename: form.claim.filename || `upload.${detected.extension}`,
        extension: detected.extension,
        mediaType: detected.mediaType,
        mimeType: detected.mimeType,
        sizeBytes: form.staged.bytes,
        width: size?.width ?? null,
        height: size?.height ?? null,
        checksum,
        title: form.fields.title ?? null,
        altText: form.fields.altText ?? null,
        visibility,
        processingStatus: processable ? 'pending' : 'skipped',
      })
      .returning();
    const asset = inserted as AssetRow;
    await tx.insert(mediaStorage).values({
      siteId,
      mediaAssetId: id,
      provider: this.storage.provider,
      bucket: this.storage.bucket,
      storageKey: key,
      cdnUrl: cdnUrlFor(this.settings.cdnUrl, visibility, key),
    });
    await this.audit.write(tx, actor, {
      siteId,
      action: 'media.uploaded',
      category: MEDIA_AUDIT_CATEGORY,
      targetType: 'media_asset',
      targetId: id,
      after: auditFields(asset),
      metadata: { storage: this.storage.provider, storageKey: key },
    });
    if (processable) await this.jobs.send(MAKE_DERIVATIVES_JOB, { siteId, assetId: id }, { tx });
    return { asset, deduplicated: false };
  }
}
