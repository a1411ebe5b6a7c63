import { Type } from '@sinclair/typebox';
import { unprocessable } from '../../kernel/http/problem.js';
import { defineResource, type ResourceDefinition } from '../../kernel/resources/define-resource.js';
import { categories, contentTemplates, tags } from './schema.js';

/** The database's slug rule (schema.ts SLUG_CHECK): lower-case letters, digits and inner hyphens, 1–200 characters. */
export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?$';
const slugSchema = Type.String({
  pattern: SLUG_PATTERN,
  maxLength: 200,
  description: 'Lower-case letters, digits and hyphens (not first or last), e.g. `product-news`; unique on the site',
});
const nameSchema = Type.String({ minLength: 1, maxLength: 200 });

/** A template's starting content is bounded so a template cannot become a way to store arbitrary blobs. */
export const TEMPLATE_DATA_MAX_BYTES = 64 * 1024;

/** Rejects template data larger than the bound (measured as the JSON the database stores). */
function boundTemplateData(values: Record<string, unknown>): Record<string, unknown> {
  if (values.templateData !== undefined && Buffer.byteLength(JSON.stringify(values.templateData)) > TEMPLATE_DATA_MAX_BYTES) {
    throw unprocessable('template_too_large', `templateData is larger than ${TEMPLATE_DATA_MAX_BYTES / 1024} KB as JSON.`, [
      { in: 'body', pointer: '/templateData', detail: `must be at most ${TEMPLATE_DATA_MAX_BYTES} bytes as JSON` },
    ]);
  }
  return values;
}

/** Categories, tags and content templates: plain CRUD through defineResource (a duplicate slug or name is a 409). */
export const cmsResources: ResourceDefinition[] = [
  defineResource({
    name: 'category',
    plural: 'categories',
    label: 'Category',
    pluralLabel: 'Categories',
    description: 'A section articles are filed under (an article may be in several)',
    table: categories,
    writable: ['name', 'slug', 'description'],
    sortable: ['name', 'slug', 'createdAt'],
    search: ['name', 'slug'],
    filters: ['slug'],
    listColumns: ['name', 'slug', 'description', 'createdAt'],
    fieldSchemas: { name: nameSchema, slug: slugSchema, description: Type.String({ maxLength: 2000 }) },
    ui: { titleField: 'name', group: 'Content' },
  }),
  defineResource({
    name: 'tag',
    plural: 'tags',
    label: 'Tag',
    pluralLabel: 'Tags',
    description: 'A keyword articles are labelled with',
    table: tags,
    writable: ['name', 'slug'],
    sortable: ['name', 'slug', 'createdAt'],
    search: ['name', 'slug'],
    filters: ['slug'],
    listColumns: ['name', 'slug', 'createdAt'],
    fieldSchemas: { name: nameSchema, slug: slugSchema },
    ui: { titleField: 'name', group: 'Content' },
  }),
  defineResource({
    name: 'content_template',
    plural: 'content-templates',
    label: 'Content template',
    pluralLabel: 'Content templates',
    description: 'A starting point for a new article or page; usageCount counts the starts',
    table: contentTemplates,
    writable: ['name', 'contentType', 'templateData', 'thumbnailUrl'],
    immutable: ['contentType'],
    filters: ['contentType', 'createdBy'],
    sortable: ['name', 'usageCount', 'createdAt'],
    search: ['name'],
    listColumns: ['name', 'contentType', 'usageCount', 'thumbnailUrl', 'createdAt'],
    fieldSchemas: {
      name: nameSchema,
      templateData: Type.Record(Type.String(), Type.Unknown(), {
        description: `Fields the new content starts with; at most ${TEMPLATE_DATA_MAX_BYTES} bytes as JSON`,
      }),
      thumbnailUrl: Type.String({ maxLength: 2048, pattern: '^https?://[^\\s/?#]+[^\\s]*$', description: 'An http(s) URL of a preview image' }),
    },
    ownerColumn: 'createdBy',
    normalize: boundTemplateData,
    ui: { titleField: 'name', group: 'Content', labels: { templateData: 'Template data', thumbnailUrl: 'Thumbnail URL' } },
  }),
];
