import { slugify } from '../../lib/slug';
import type { Content, ContentInput, Seo } from './content-api';

/** What the editor holds while someone types: the content's fields as text, plus whether the slug was typed by hand. */
export interface Draft {
  title: string;
  slug: string;
  /** Until the slug is edited by hand it follows the title. */
  slugEdited: boolean;
  summary: string;
  body: string;
  featuredMediaId: string | null;
  categoryIds: string[];
  tagIds: string[];
  metaTitle: string;
  metaDescription: string;
  canonicalUrl: string;
  structuredData: string;
}

export const emptyDraft = (): Draft => ({
  title: '',
  slug: '',
  slugEdited: false,
  summary: '',
  body: '',
  featuredMediaId: null,
  categoryIds: [],
  tagIds: [],
  metaTitle: '',
  metaDescription: '',
  canonicalUrl: '',
  structuredData: '',
});

export function draftOf(content: Content): Draft {
  return {
    title: content.title,
    slug: content.slug,
    // An existing slug is published somewhere: renaming the title must not move it.
    slugEdited: true,
    summary: content.summary ?? '',
    body: content.body,
    featuredMediaId: content.featuredMediaId,
    categoryIds: [...content.categoryIds],
    tagIds: [...content.tagIds],
    metaTitle: content.seo.metaTitle ?? '',
    metaDescription: content.seo.metaDescription ?? '',
    canonicalUrl: content.seo.canonicalUrl ?? '',
    structuredData: content.seo.structuredData ? JSON.stringify(content.seo.structuredData, null, 2) : '',
  };
}

/** A new title; the slug follows it unless it was edited by hand. */
export function withTitle(draft: Draft, title: string): Draft {
  return { ...draft, title, slug: draft.slugEdited ? draft.slug : slugify(title) };
}

/** A slug typed by hand; clearing it hands it back to the title. */
export function withSlug(draft: Draft, slug: string): Draft {
  if (slug === '') return { ...draft, slug: slugify(draft.title), slugEdited: false };
  return { ...draft, slug, slugEdited: true };
}

const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

export class StructuredDataError extends Error {}

/** The API body for a draft. Structured data must be a JSON object (thrown as StructuredDataError otherwise). */
export function inputOf(draft: Draft): ContentInput {
  let structuredData: Seo['structuredData'] = null;
  if (draft.structuredData.trim()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(draft.structuredData);
    } catch {
      throw new StructuredDataError('Structured data is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new StructuredDataError('Structured data must be a JSON object ({ … }).');
    structuredData = parsed as Record<string, unknown>;
  }
  const seo = { metaTitle: orNull(draft.metaTitle), metaDescription: orNull(draft.metaDescription), canonicalUrl: orNull(draft.canonicalUrl), structuredData };
  return {
    title: draft.title.trim(),
    slug: draft.slug.trim(),
    summary: orNull(draft.summary),
    body: draft.body,
    featuredMediaId: draft.featuredMediaId,
    categoryIds: draft.categoryIds,
    tagIds: draft.tagIds,
    seo: seo.metaTitle || seo.metaDescription || seo.canonicalUrl || seo.structuredData ? seo : null,
  };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Whether two drafts would save the same content (the slug's hand-edited flag is not content). */
export function sameDraft(a: Draft, b: Draft): boolean {
  return (
    a.title === b.title &&
    a.slug === b.slug &&
    a.summary === b.summary &&
    a.body === b.body &&
    a.featuredMediaId === b.featuredMediaId &&
    sameList(a.categoryIds, b.categoryIds) &&
    sameList(a.tagIds, b.tagIds) &&
    a.metaTitle === b.metaTitle &&
    a.metaDescription === b.metaDescription &&
    a.canonicalUrl === b.canonicalUrl &&
    a.structuredData.trim() === b.structuredData.trim()
  );
}

/** The fields that differ between two drafts, each as [label key, mine, theirs] text, for "Compare" after a 412. */
export function draftChanges(mine: Draft, theirs: Draft): Array<{ field: string; mine: string; theirs: string }> {
  const fields: Array<keyof Draft> = ['title', 'slug', 'summary', 'body', 'metaTitle', 'metaDescription', 'canonicalUrl', 'structuredData'];
  const out = fields.filter((f) => mine[f] !== theirs[f]).map((f) => ({ field: f, mine: String(mine[f]), theirs: String(theirs[f]) }));
  if (!sameList(mine.categoryIds, theirs.categoryIds))
    out.push({ field: 'categoryIds', mine: mine.categoryIds.join('\n'), theirs: theirs.categoryIds.join('\n') });
  if (!sameList(mine.tagIds, theirs.tagIds)) out.push({ field: 'tagIds', mine: mine.tagIds.join('\n'), theirs: theirs.tagIds.join('\n') });
  if (mine.featuredMediaId !== theirs.featuredMediaId)
    out.push({ field: 'featuredMediaId', mine: mine.featuredMediaId ?? '', theirs: theirs.featuredMediaId ?? '' });
  return out;
}
