import type { Static } from '@sinclair/typebox';
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../kernel/db/transaction.js';
import { unprocessable } from '../../kernel/http/problem.js';
import { type SeoInputSchema, STRUCTURED_DATA_MAX_BYTES } from './content-schemas.js';
import { seoMetadata } from './schema.js';

export interface Seo {
  metaTitle: string | null;
  metaDescription: string | null;
  canonicalUrl: string | null;
  structuredData: Record<string, unknown> | null;
}
export type SeoInput = Static<typeof SeoInputSchema>;

/** Whose SEO record: an article's or a page's (seo_metadata holds exactly one of the two). */
export type SeoOwner = { articleId: string } | { pageId: string };

const ownerColumn = (owner: SeoOwner) => ('articleId' in owner ? eq(seoMetadata.articleId, owner.articleId) : eq(seoMetadata.pageId, owner.pageId));

/** JSON-LD is shallow; a bound keeps deep nesting from exhausting the stack of whoever walks it. */
const STRUCTURED_DATA_MAX_DEPTH = 32;

/** How deeply a JSON value nests (iterative: the value may be hostile). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > STRUCTURED_DATA_MAX_DEPTH) return deepest;
    for (const child of Object.values(current as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The stored form of an input: every field present, absent ones null (the input replaces the whole record). */
export function seoFromInput(input: SeoInput): Seo {
  return {
    metaTitle: input.metaTitle ?? null,
    metaDescription: input.metaDescription ?? null,
    canonicalUrl: input.canonicalUrl ?? null,
    structuredData: input.structuredData ?? null,
  };
}

/** What JSON Schema cannot say: structured data has a size limit. `pointer` is where the SEO object sits in the body. */
export function assertSeoInput(input: SeoInput | null | undefined, pointer = '/seo'): void {
  if (!input?.structuredData) return;
  if (depthOf(input.structuredData) > STRUCTURED_DATA_MAX_DEPTH) {
    throw unprocessable('structured_data_too_deep', `structuredData nests deeper than ${STRUCTURED_DATA_MAX_DEPTH} levels.`, [
      { in: 'body', pointer: `${pointer}/structuredData`, detail: `must nest at most ${STRUCTURED_DATA_MAX_DEPTH} levels` },
    ]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(input.structuredData), 'utf8');
  if (bytes > STRUCTURED_DATA_MAX_BYTES) {
    throw unprocessable('structured_data_too_large', `structuredData is ${bytes} bytes serialized; at most ${STRUCTURED_DATA_MAX_BYTES} are kept.`, [
      { in: 'body', pointer: `${pointer}/structuredData`, detail: `must be at most ${STRUCTURED_DATA_MAX_BYTES} bytes as JSON` },
    ]);
  }
}

export async function readSeo(tx: Tx, siteId: string, owner: SeoOwner): Promise<Seo | null> {
  const [row] = await tx
    .select({
      metaTitle: seoMetadata.metaTitle,
      metaDescription: seoMetadata.metaDescription,
      canonicalUrl: seoMetadata.canonicalUrl,
      structuredData: seoMetadata.structuredData,
    })
    .from(seoMetadata)
    .where(and(eq(seoMetadata.siteId, siteId), ownerColumn(owner)));
  return row ?? null;
}

/** Replaces the record (null removes it). */
export async function writeSeo(tx: Tx, siteId: string, owner: SeoOwner, seo: Seo | null): Promise<void> {
  if (seo === null) {
    await tx.delete(seoMetadata).where(and(eq(seoMetadata.siteId, siteId), ownerColumn(owner)));
    return;
  }
  const isArticle = 'articleId' in owner;
  await tx
    .insert(seoMetadata)
    .values({ siteId, ...(isArticle ? { articleId: owner.articleId } : { pageId: owner.pageId }), ...seo })
    .onConflictDoUpdate({
      target: isArticle ? seoMetadata.articleId : seoMetadata.pageId,
      targetWhere: isArticle ? sql`article_id is not null` : sql`page_id is not null`,
      set: { ...seo, updatedAt: sql`now()` },
    });
}

/** Same record? (structured data compared as canonical JSON: key order does not matter to readers). */
export function sameSeo(a: Seo | null, b: Seo | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.metaTitle === b.metaTitle &&
    a.metaDescription === b.metaDescription &&
    a.canonicalUrl === b.canonicalUrl &&
    canonicalJson(a.structuredData) === canonicalJson(b.structuredData)
  );
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
