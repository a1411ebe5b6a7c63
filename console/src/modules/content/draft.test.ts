import { describe, expect, it } from 'vitest';
import type { Content } from './content-api';
import { draftChanges, draftOf, emptyDraft, inputOf, StructuredDataError, sameDraft, withSlug, withTitle } from './draft';

const content: Content = {
  id: 'a1',
  title: 'Harbour opens',
  slug: 'harbour-opens',
  summary: null,
  body: '# Hello',
  status: 'draft',
  version: 2,
  publishedVersion: null,
  authorId: null,
  featuredMediaId: null,
  categoryIds: ['c2', 'c1'],
  tagIds: [],
  seo: { metaTitle: null, metaDescription: 'About the harbour', canonicalUrl: null, structuredData: { '@type': 'NewsArticle' } },
  scheduledFor: null,
  publishedAt: null,
  createdAt: null,
  updatedAt: null,
};

describe('the editor’s draft', () => {
  it('derives the slug from the title until the slug is edited, and again once it is cleared', () => {
    let draft = withTitle(emptyDraft(), 'Storm Warning: Ferries Stop!');
    expect(draft.slug).toBe('storm-warning-ferries-stop');
    draft = withSlug(draft, 'storm');
    draft = withTitle(draft, 'Storm warning lifted');
    expect(draft.slug).toBe('storm');
    draft = withSlug(draft, '');
    expect(draft.slug).toBe('storm-warning-lifted');
    expect(withTitle(draft, 'Calm').slug).toBe('calm');
  });

  it('never moves the slug of saved content when its title changes', () => {
    expect(withTitle(draftOf(content), 'Harbour opens at last').slug).toBe('harbour-opens');
  });

  it('sends empty text as null and structured data as an object, refusing anything but a JSON object', () => {
    const draft = draftOf(content);
    expect(inputOf(draft)).toMatchObject({
      summary: null,
      seo: { metaTitle: null, metaDescription: 'About the harbour', structuredData: { '@type': 'NewsArticle' } },
    });
    expect(inputOf({ ...draft, metaDescription: ' ', structuredData: '' }).seo).toBeNull();
    expect(() => inputOf({ ...draft, structuredData: '[1]' })).toThrow(StructuredDataError);
    expect(() => inputOf({ ...draft, structuredData: '{' })).toThrow('not valid JSON');
  });

  it('compares drafts by content (category order does not matter) and lists what differs', () => {
    const saved = draftOf(content);
    expect(sameDraft(saved, { ...saved, categoryIds: ['c1', 'c2'], slugEdited: false })).toBe(true);
    const mine = { ...saved, body: '# Hello there', tagIds: ['t1'] };
    expect(sameDraft(saved, mine)).toBe(false);
    expect(draftChanges(mine, saved).map((c) => c.field)).toEqual(['body', 'tagIds']);
  });
});
