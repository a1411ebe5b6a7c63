import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../kernel/db/transaction.js';
import { notFound, unprocessable } from '../../kernel/http/problem.js';
import { BODY_MAX, TITLE_MAX } from './content-schemas.js';
import type { ContentType } from './content-types.js';
import { contentTemplates } from './schema.js';
import type { SeoInput } from './seo.js';

/** What a template may pre-fill (content_templates.template_data); everything is optional. */
export interface TemplateData {
  title?: string;
  summary?: string | null;
  body?: string;
  contentBody?: string;
  seo?: SeoInput | null;
}

export interface TemplateStart {
  id: string;
  name: string;
  data: TemplateData;
}

const SEO_TEXT_LIMITS: Record<string, number> = { metaTitle: 300, metaDescription: 500, canonicalUrl: 2048 };

/**
 * The template, locked (its usage count is incremented in this transaction), with its data checked: template
 * data is free-form JSON, so what it pre-fills is held to the limits the fields have when typed in.
 */
export async function startFromTemplate(tx: Tx, siteId: string, templateId: string, type: ContentType): Promise<TemplateStart> {
  const [template] = await tx
    .select({ id: contentTemplates.id, name: contentTemplates.name, contentType: contentTemplates.contentType, data: contentTemplates.templateData })
    .from(contentTemplates)
    .where(and(eq(contentTemplates.siteId, siteId), eq(contentTemplates.id, templateId)))
    .for('update');
  if (!template) throw notFound('Content template', `Content template ${templateId} was not found.`);
  if (template.contentType !== type) {
    throw unprocessable('template_type_mismatch', `Template ${template.name} is for ${template.contentType}s, not ${type}s.`, [
      { in: 'params', pointer: '/templateId', detail: `is a ${template.contentType} template` },
    ]);
  }
  await tx
    .update(contentTemplates)
    .set({ usageCount: sql`${contentTemplates.usageCount} + 1` as unknown as number })
    .where(and(eq(contentTemplates.siteId, siteId), eq(contentTemplates.id, templateId)));
  return { id: template.id, name: template.name, data: templateData(template.name, template.data) };
}

function templateData(name: string, raw: Record<string, unknown>): TemplateData {
  const bad = (detail: string) => unprocessable('invalid_template', `Template ${name} cannot be used: its ${detail}. Fix the template first.`);
  const text = (key: string, max: number, nullable = false): string | null | undefined => {
    const value = raw[key];
    if (value === undefined || (nullable && value === null)) return value as null | undefined;
    if (typeof value !== 'string' || value.length > max) throw bad(`${key} is not text of at most ${max} characters`);
    return value;
  };
  const data: TemplateData = {};
  const title = text('title', TITLE_MAX);
  if (typeof title === 'string' && title.trim() !== '') data.title = title;
  const summary = text('summary', 2000, true);
  if (summary !== undefined) data.summary = summary;
  const body = text('body', BODY_MAX);
  if (typeof body === 'string') data.body = body;
  const contentBody = text('contentBody', BODY_MAX);
  if (typeof contentBody === 'string') data.contentBody = contentBody;
  if (raw.seo !== undefined && raw.seo !== null) data.seo = seoData(raw.seo, bad);
  return data;
}

function seoData(raw: unknown, bad: (detail: string) => Error): SeoInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('seo is not an object');
  const seo: SeoInput = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === null) continue;
    const limit = SEO_TEXT_LIMITS[key];
    if (limit !== undefined) {
      if (typeof value !== 'string' || value.length === 0 || value.length > limit) throw bad(`seo.${key} is not text of at most ${limit} characters`);
      if (key === 'canonicalUrl' && !isHttpUrl(value)) throw bad('seo.canonicalUrl is not an absolute http(s) URL');
      seo[key as 'metaTitle' | 'metaDescription' | 'canonicalUrl'] = value;
    } else if (key === 'structuredData') {
      if (typeof value !== 'object' || Array.isArray(value)) throw bad('seo.structuredData is not an object');
      seo.structuredData = value as Record<string, unknown>;
    } else {
      throw bad(`seo has an unknown field ${key}`);
    }
  }
  return seo;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A slug made from a title: lower-case ASCII letters and digits joined by single hyphens. */
export function slugFromTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 200)
    .replace(/-+$/, '');
}

/** The title and slug a template start uses: the caller's, else the template's title and a slug made from it. */
export function titleAndSlug(overrides: { title?: string; slug?: string }, data: TemplateData): { title: string; slug: string } {
  const title = overrides.title ?? data.title;
  if (title === undefined) {
    throw unprocessable('title_required', 'The template has no title: send one.', [{ in: 'body', pointer: '/title', detail: 'is required for this template' }]);
  }
  const slug = overrides.slug ?? slugFromTitle(title);
  if (slug === '') {
    throw unprocessable('slug_required', 'No slug can be made from this title: send one.', [
      { in: 'body', pointer: '/slug', detail: 'is required for this title' },
    ]);
  }
  return { title, slug };
}
