import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Tx } from '../../kernel/db/transaction.js';
import type { FieldError } from '../../kernel/http/problem.js';
import { unprocessable } from '../../kernel/http/problem.js';
import { mediaAssets } from '../media/index.js';
import { categories, tags } from './schema.js';

/**
 * Checks that what an article points at belongs to its site: categories, tags and a non-deleted media asset.
 * The composite foreign keys refuse another site's rows too; checking first names the offending field.
 */
export async function assertArticleReferences(
  tx: Tx,
  siteId: string,
  input: { categoryIds?: readonly string[]; tagIds?: readonly string[]; featuredMediaId?: string | null },
): Promise<void> {
  const errors: FieldError[] = [];
  if (input.categoryIds?.length) {
    const found = await tx
      .select({ id: categories.id })
      .from(categories)
      .where(and(eq(categories.siteId, siteId), inArray(categories.id, [...input.categoryIds])));
    errors.push(...missing(input.categoryIds, found, '/categoryIds', 'is not a category of this site'));
  }
  if (input.tagIds?.length) {
    const found = await tx
      .select({ id: tags.id })
      .from(tags)
      .where(and(eq(tags.siteId, siteId), inArray(tags.id, [...input.tagIds])));
    errors.push(...missing(input.tagIds, found, '/tagIds', 'is not a tag of this site'));
  }
  if (input.featuredMediaId && !(await isUsableMedia(tx, siteId, input.featuredMediaId))) {
    errors.push({ in: 'body', pointer: '/featuredMediaId', detail: 'is not a media asset of this site (or it was deleted)' });
  }
  if (errors.length > 0) {
    const first = errors[0] as FieldError;
    throw unprocessable('unknown_reference', `${first.pointer} ${first.detail}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}.`, errors);
  }
}

export async function isUsableMedia(tx: Tx, siteId: string, mediaId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: mediaAssets.id })
    .from(mediaAssets)
    .where(and(eq(mediaAssets.siteId, siteId), eq(mediaAssets.id, mediaId), isNull(mediaAssets.deletedAt)));
  return row !== undefined;
}

/** Of `ids`, those that still exist on the site (a restored version may name categories deleted since). */
export async function existingIds(tx: Tx, siteId: string, table: 'categories' | 'tags', ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const source = table === 'categories' ? categories : tags;
  const found = await tx
    .select({ id: source.id })
    .from(source)
    .where(and(eq(source.siteId, siteId), inArray(source.id, [...ids])));
  const present = new Set(found.map((r) => r.id));
  return ids.filter((id) => present.has(id));
}

function missing(ids: readonly string[], found: Array<{ id: string }>, pointer: string, detail: string): FieldError[] {
  const present = new Set(found.map((r) => r.id));
  return ids.flatMap((id, index) => (present.has(id) ? [] : [{ in: 'body' as const, pointer: `${pointer}/${index}`, detail }]));
}
