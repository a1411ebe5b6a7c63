import { and, desc, eq, ilike, isNotNull, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { escapeLike } from '../../kernel/db/like.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { assertIfMatch, etagOf } from '../../kernel/http/etag.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, idCursor, pageFrom } from '../../kernel/http/pagination.js';
import { conflict, notFound } from '../../kernel/http/problem.js';
import { assertMayAct, type MediaCaller } from './media-caller.js';
import type { MediaConfig } from './media-config.js';
import type { MediaListQuery, MediaPatch } from './media-schemas.js';
import {
  type AssetRow,
  assetView,
  auditFields,
  cdnUrlFor,
  type DerivativeRow,
  detailView,
  type MediaAssetView,
  type MediaDetailView,
  type StorageRow,
} from './media-views.js';
import { MEDIA_PERMISSIONS as P } from './permissions.js';
import { mediaAssets, mediaDerivatives, mediaStorage } from './schema.js';

export const MEDIA_AUDIT_CATEGORY = 'media';

/** The asset's validator for If-Match / If-None-Match. */
export const assetEtag = (asset: AssetRow) => etagOf(asset);

/** The media library's reads and edits: list, detail, metadata, soft delete and restore. */
export class MediaService {
  constructor(
    private readonly audit: AuditWriter,
    private readonly settings: MediaConfig,
  ) {}

  async list(tx: Tx, siteId: string, query: MediaListQuery): Promise<{ data: MediaAssetView[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const conditions: SQL[] = [eq(mediaAssets.siteId, siteId), query.deleted ? isNotNull(mediaAssets.deletedAt) : isNull(mediaAssets.deletedAt)];
    if (query.mediaType) conditions.push(eq(mediaAssets.mediaType, query.mediaType));
    if (query.processingStatus) conditions.push(eq(mediaAssets.processingStatus, query.processingStatus));
    if (query.visibility) conditions.push(eq(mediaAssets.visibility, query.visibility));
    if (query.uploadedBy) conditions.push(eq(mediaAssets.uploadedBy, query.uploadedBy));
    if (query.q) {
      const pattern = `%${escapeLike(query.q)}%`;
      conditions.push(or(ilike(mediaAssets.filename, pattern), ilike(mediaAssets.title, pattern)) as SQL);
    }
    if (query.cursor) conditions.push(lt(mediaAssets.id, decodeCursor(query.cursor, '-id').id));
    const rows = await tx
      .select({ asset: mediaAssets, cdnUrl: mediaStorage.cdnUrl })
      .from(mediaAssets)
      .leftJoin(mediaStorage, and(eq(mediaStorage.mediaAssetId, mediaAssets.id), eq(mediaStorage.siteId, mediaAssets.siteId)))
      .where(and(...conditions))
      .orderBy(desc(mediaAssets.id))
      .limit(limit + 1);
    const page = pageFrom(rows, limit, (last) => idCursor(last.asset));
    return { data: page.data.map((row) => assetView(row.asset, row.cdnUrl)), nextCursor: page.nextCursor };
  }

  /** The asset (deleted or not); 404 when the site has none with this id. */
  async row(tx: Tx, siteId: string, id: string, forUpdate = false): Promise<AssetRow> {
    const query = tx
      .select()
      .from(mediaAssets)
      .where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, id)));
    const [row] = await (forUpdate ? query.for('update') : query);
    if (!row) throw notFound('Media asset', `There is no media asset ${id} on this site.`);
    return row;
  }

  async storageOf(tx: Tx, siteId: string, id: string): Promise<StorageRow | null> {
    const [row] = await tx
      .select()
      .from(mediaStorage)
      .where(and(eq(mediaStorage.siteId, siteId), eq(mediaStorage.mediaAssetId, id)));
    return row ?? null;
  }

  async derivativesOf(tx: Tx, siteId: string, id: string): Promise<DerivativeRow[]> {
    return tx
      .select()
      .from(mediaDerivatives)
      .where(and(eq(mediaDerivatives.siteId, siteId), eq(mediaDerivatives.mediaAssetId, id)))
      .orderBy(mediaDerivatives.variant);
  }

  async detailOf(tx: Tx, asset: AssetRow): Promise<MediaDetailView> {
    const [storage, derivatives] = [await this.storageOf(tx, asset.siteId, asset.id), await this.derivativesOf(tx, asset.siteId, asset.id)];
    return detailView(asset, storage, derivatives);
  }

  async detail(tx: Tx, siteId: string, id: string): Promise<{ detail: MediaDetailView; etag: string }> {
    const asset = await this.row(tx, siteId, id);
    return { detail: await this.detailOf(tx, asset), etag: assetEtag(asset) };
  }

  async update(
    tx: Tx,
    actor: AuditActor,
    caller: MediaCaller,
    siteId: string,
    id: string,
    patch: MediaPatch,
    ifMatch: string | undefined,
  ): Promise<{ detail: MediaDetailView; etag: string }> {
    const before = await this.row(tx, siteId, id, true);
    assertIfMatch(ifMatch, assetEtag(before));
    assertMayAct(caller, P.update, before);
    if (before.deletedAt) throw conflict('asset_deleted', 'The file is deleted; restore it before editing it.');
    const [after] = await tx
      .update(mediaAssets)
      .set({
        ...(patch.title !== undefined ? { title: patch.title?.trim() || null } : {}),
        ...(patch.altText !== undefined ? { altText: patch.altText?.trim() || null } : {}),
        ...(patch.visibility !== undefined ? { visibility: patch.visibility } : {}),
        ...(patch.aiTags !== undefined ? { aiTags: patch.aiTags } : {}),
      })
      .where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, id)))
      .returning();
    const asset = after as AssetRow;
    if (patch.visibility !== undefined && patch.visibility !== before.visibility) await this.applyCdnVisibility(tx, asset);
    await this.audit.write(tx, actor, {
      siteId,
      action: 'media.updated',
      category: MEDIA_AUDIT_CATEGORY,
      targetType: 'media_asset',
      targetId: id,
      before: auditFields(before),
      after: auditFields(asset),
    });
    return { detail: await this.detailOf(tx, asset), etag: assetEtag(asset) };
  }

  async remove(tx: Tx, actor: AuditActor, caller: MediaCaller, siteId: string, id: string, ifMatch: string | undefined): Promise<MediaDetailView> {
    const before = await this.row(tx, siteId, id, true);
    assertIfMatch(ifMatch, assetEtag(before));
    assertMayAct(caller, P.delete, before);
    if (before.deletedAt) throw conflict('already_deleted', 'The file is already deleted.');
    const [after] = await tx
      .update(mediaAssets)
      .set({ deletedAt: new Date().toISOString(), deletedBy: actor.userId })
      .where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, id)))
      .returning();
    const asset = after as AssetRow;
    await this.audit.write(tx, actor, {
      siteId,
      action: 'media.deleted',
      category: MEDIA_AUDIT_CATEGORY,
      targetType: 'media_asset',
      targetId: id,
      before: auditFields(before),
      after: auditFields(asset),
      metadata: { retentionDays: this.settings.retentionDays },
    });
    return this.detailOf(tx, asset);
  }

  async restore(tx: Tx, actor: AuditActor, caller: MediaCaller, siteId: string, id: string, permission: string = P.delete): Promise<AssetRow> {
    const before = await this.row(tx, siteId, id, true);
    assertMayAct(caller, permission, before);
    if (!before.deletedAt) throw conflict('not_deleted', 'The file is not deleted.');
    const [after] = await tx
      .update(mediaAssets)
      .set({ deletedAt: null, deletedBy: null })
      .where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, id)))
      .returning();
    const asset = after as AssetRow;
    await this.audit.write(tx, actor, {
      siteId,
      action: 'media.restored',
      category: MEDIA_AUDIT_CATEGORY,
      targetType: 'media_asset',
      targetId: id,
      before: auditFields(before),
      after: auditFields(asset),
      metadata: { via: permission === P.upload ? 'upload' : 'restore' },
    });
    return asset;
  }

  /** Checks the target of a signed link exists (and is not deleted) and records who made the link. */
  async recordSignedLink(tx: Tx, actor: AuditActor, siteId: string, id: string, variant: string | null, expires: number): Promise<void> {
    const asset = await this.row(tx, siteId, id);
    if (asset.deletedAt) throw notFound('Media asset', 'The file is deleted; restore it to link to it.');
    if (variant !== null && !(await this.derivativesOf(tx, siteId, id)).some((d) => d.variant === variant)) {
      throw notFound('Derivative', `The file has no derivative "${variant}".`);
    }
    await this.audit.write(tx, actor, {
      siteId,
      action: 'media.link_signed',
      category: MEDIA_AUDIT_CATEGORY,
      targetType: 'media_asset',
      targetId: id,
      metadata: { variant, expiresAt: new Date(expires * 1000).toISOString(), visibility: asset.visibility },
    });
  }

  /** A private asset must not stay reachable through the CDN address; a public one gets it (when there is a CDN). */
  private async applyCdnVisibility(tx: Tx, asset: AssetRow): Promise<void> {
    const cdn = this.settings.cdnUrl;
    const storage = await this.storageOf(tx, asset.siteId, asset.id);
    if (storage) {
      await tx
        .update(mediaStorage)
        .set({ cdnUrl: cdnUrlFor(cdn, asset.visibility, storage.storageKey) })
        .where(eq(mediaStorage.id, storage.id));
    }
    for (const derivative of await this.derivativesOf(tx, asset.siteId, asset.id)) {
      await tx
        .update(mediaDerivatives)
        .set({ cdnUrl: cdnUrlFor(cdn, asset.visibility, derivative.storageKey) })
        .where(eq(mediaDerivatives.id, derivative.id));
    }
  }
}
