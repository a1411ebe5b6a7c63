import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';

let admiral: TestAdmiral;
beforeAll(async () => {
  admiral = await startTestAdmiral();
});
afterAll(async () => admiral?.stop());

describe('smoke', () => {
  it('creates a site and a domain, lists it', async () => {
    const site = await admiral.app.inject({ method: 'POST', url: '/v1/sites', headers: superAdmin, payload: { name: 'Acme', slug: 'acme' } });
    expect(site.statusCode, site.body).toBe(201);
    const siteId = site.json().id;
    const domain = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteId}/domains`,
      headers: superAdmin,
      payload: { domainName: 'Admin.Acme.test' },
    });
    expect(domain.statusCode, domain.body).toBe(201);
    expect(domain.json().domainName).toBe('admin.acme.test');
    const list = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteId}/domains`, headers: superAdmin });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().data).toHaveLength(1);
  });
});
