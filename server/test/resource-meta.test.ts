import { Type } from '@sinclair/typebox';
import { boolean, integer, text } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantTable } from '../src/kernel/db/tenant-table.js';
import { defineResource, fieldLabel, type ResourceMeta } from '../src/kernel/resources/define-resource.js';
import { startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';

/**
 * What GET /v1/meta/resources tells a generic console beyond the basics (resources.test.ts): labels,
 * the title field, the sidebar group, constant defaults, filter operators, search fields, If-Match use.
 */

let admiral: TestAdmiral;
const site = uuidv7();

beforeAll(async () => {
  admiral = await startTestAdmiral();
  await admiral.db.ownerQuery("INSERT INTO sites (id, name, slug) VALUES ($1, 'Meta Site', 'meta-site')", [site]);
});
afterAll(async () => admiral?.stop());

async function domainMeta(): Promise<ResourceMeta & { fields: Array<ResourceMeta['fields'][number]> }> {
  const res = await admiral.app.inject({ method: 'GET', url: '/v1/meta/resources' });
  expect(res.statusCode, res.body).toBe(200);
  const meta = (res.json() as { data: ResourceMeta[] }).data.find((r) => r.name === 'domain');
  if (!meta) throw new Error('no domain resource');
  return meta;
}

describe('resource metadata for generic screens', () => {
  it('names the title field, the sidebar group, the scope, owner, search fields and If-Match use', async () => {
    const meta = await domainMeta();
    expect(meta).toMatchObject({
      scope: 'site',
      titleField: 'domainName',
      group: 'Site',
      ownerField: null,
      ifMatch: true,
      searchFields: ['domainName'],
    });
  });

  it('labels every field, and tells the constant defaults a create form should start from', async () => {
    const fields = Object.fromEntries((await domainMeta()).fields.map((f) => [f.name, f]));
    expect(fields.domainName).toMatchObject({ label: 'Domain name', description: 'Host name, optionally with :port' });
    expect(fields.domainName?.default).toBeUndefined();
    expect(fields.isActive).toMatchObject({ label: 'Active', default: true });
    expect(fields.isPrimary).toMatchObject({ label: 'Primary', default: false });
    expect(fields.type).toMatchObject({ label: 'Type', default: 'custom' });
    expect(fields.verificationStatus).toMatchObject({ label: 'Verification', default: 'pending' });
    expect(fields.siteId).toMatchObject({ label: 'Site ID' });
    // SQL defaults (now(), gen_random_uuid()) are the server's business, not a form's starting value.
    expect(fields.createdAt).not.toHaveProperty('default');
    expect(fields.id).not.toHaveProperty('default');
  });

  it('describes filters with labels and operators, and the defaults match what a create without them stores', async () => {
    const meta = await domainMeta();
    expect(meta.filters.map((f) => [f.name, f.label, f.operators])).toEqual([
      ['type', 'Type', ['eq']],
      ['isActive', 'Active', ['eq']],
      ['isPrimary', 'Primary', ['eq']],
      ['verificationStatus', 'Verification', ['eq']],
    ]);
    const created = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${site}/domains`,
      headers: superAdmin,
      payload: { domainName: 'defaults.meta.test' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const row = created.json() as Record<string, unknown>;
    for (const field of meta.fields.filter((f) => 'default' in f)) expect(row[field.name], field.name).toEqual(field.default);

    // ifMatch: true is what the routes do: the ETag of GET updates, a stale one is refused.
    const read = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${site}/domains/${row.id}`, headers: superAdmin });
    const etag = read.headers.etag as string;
    const ok = await admiral.app.inject({
      method: 'PATCH',
      url: `/v1/sites/${site}/domains/${row.id}`,
      headers: { ...superAdmin, 'if-match': etag },
      payload: { isActive: false },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const stale = await admiral.app.inject({
      method: 'PATCH',
      url: `/v1/sites/${site}/domains/${row.id}`,
      headers: { ...superAdmin, 'if-match': etag },
      payload: { isActive: true },
    });
    expect(stale.statusCode, stale.body).toBe(412);
  });
});

describe('field errors a form can show', () => {
  it('tells a pattern failure in the words of the field description, at the field pointer', async () => {
    const res = await admiral.app.inject({ method: 'POST', url: `/v1/sites/${site}/domains`, headers: superAdmin, payload: { domainName: 'not a host!' } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toEqual([{ in: 'body', pointer: '/domainName', detail: 'is not in the expected form (Host name, optionally with :port)' }]);
  });
});

describe('defineResource ui options', () => {
  const gadgets = tenantTable('meta_test_gadgets', {
    serialNumber: integer('serial_number').notNull(),
    nickname: text('nickname'),
    homepageUrl: text('homepage_url'),
    isRetired: boolean('is_retired').notNull().default(false),
  });
  const base = { name: 'gadget', plural: 'gadgets', label: 'Gadget', pluralLabel: 'Gadgets', table: gadgets, writable: ['serialNumber', 'nickname'] as const };

  it('defaults: the first text field is the title, the group is the module, labels come from the keys', () => {
    const resource = defineResource({ ...base, listColumns: ['serialNumber', 'nickname'] });
    resource.module = 'workshop';
    const meta = resource.meta();
    expect(meta.titleField).toBe('nickname');
    expect(meta.group).toBe('Workshop');
    expect(meta.searchFields).toEqual([]);
    expect(Object.fromEntries(meta.fields.map((f) => [f.name, f.label]))).toMatchObject({
      serialNumber: 'Serial number',
      homepageUrl: 'Homepage URL',
      isRetired: 'Retired',
      createdAt: 'Created at',
      id: 'ID',
    });
  });

  it('takes titleField, group and labels from ui, and descriptions from fieldSchemas', () => {
    const meta = defineResource({
      ...base,
      fieldSchemas: { nickname: Type.String({ maxLength: 40, description: 'What the team calls it' }) },
      ui: { titleField: 'serialNumber', group: 'Inventory', labels: { nickname: 'Call sign' } },
    }).meta();
    expect(meta.titleField).toBe('serialNumber');
    expect(meta.group).toBe('Inventory');
    expect(meta.fields.find((f) => f.name === 'nickname')).toMatchObject({ label: 'Call sign', description: 'What the team calls it' });
  });

  it('refuses ui options naming a column the table lacks', () => {
    expect(() => defineResource({ ...base, ui: { titleField: 'colour' as 'nickname' } })).toThrow(/no column colour/);
    expect(() => defineResource({ ...base, ui: { labels: { colour: 'Colour' } as never } })).toThrow(/no column colour/);
  });

  it('labels keys the way people write them', () => {
    expect(fieldLabel('domainName')).toBe('Domain name');
    expect(fieldLabel('api_key_id')).toBe('API key ID');
    expect(fieldLabel('isActive')).toBe('Is active'); // without the column, no boolean shortening
  });
});
