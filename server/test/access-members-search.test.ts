import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, insertSites, SITE_KEYS } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, type TestAdmiral } from './helpers/app.js';

/** What the console's site Members screen needs beyond the role screen: search members, and grant to a person by email. */

let admiral: TestAdmiral;
const siteA = uuidv7();
const siteB = uuidv7();
const ADMIN = uuidv7();
const admin = bearer('admin');

type Listed = { id: string; userId: string; roleKey: string; active: boolean; user: { email: string; name: string | null } };

beforeAll(async () => {
  admiral = await startTestAdmiral({ tokens: { admin: staticPrincipal({ id: ADMIN, sites: { [siteA]: SITE_KEYS, [siteB]: SITE_KEYS } }) } });
  await insertSites(admiral, siteA, siteB);
});
afterAll(async () => admiral?.stop());

async function person(email: string, name: string | null = null, status = 'active'): Promise<string> {
  const id = uuidv7();
  await admiral.db.ownerQuery('INSERT INTO users (id, email, name, username, status) VALUES ($1, $2, $3, $4, $5)', [
    id,
    email,
    name,
    `u${id.slice(-12)}`,
    status,
  ]);
  return id;
}

const grant = (payload: object, site = siteA) => admiral.app.inject({ method: 'POST', url: `/v1/sites/${site}/memberships`, headers: admin, payload });
async function list(query: string, site = siteA): Promise<Listed[]> {
  const response = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${site}/memberships?${query}`, headers: admin });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

describe('site members', () => {
  it('grants a role to the user with an email address (any case), and names the user in the answer', async () => {
    const id = await person('harriet.vane@example.test', 'Harriet Vane');
    const granted = await grant({ email: 'Harriet.Vane@Example.test', role: 'editor' });
    expect(granted.statusCode, granted.body).toBe(201);
    expect(granted.json()).toMatchObject({ userId: id, roleKey: 'editor', active: true, user: { email: 'harriet.vane@example.test', name: 'Harriet Vane' } });
    expectProblem(await grant({ email: 'harriet.vane@example.test', role: 'author' }), 409, 'membership_exists');
  });

  it('refuses unknown or deleted addresses, and naming nobody or two ways at once, without writing anything', async () => {
    const gone = await person('gone@example.test', null, 'deleted');
    const before = (await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM memberships')).rows[0];
    const unknown = await grant({ email: 'nobody-here@example.test', role: 'editor' });
    expectProblem(unknown, 422, 'unknown_user');
    expect(unknown.json().errors).toEqual([{ in: 'body', pointer: '/email', detail: 'no such user' }]);
    expectProblem(await grant({ email: 'gone@example.test', role: 'editor' }), 422, 'unknown_user');
    expectProblem(await grant({ userId: gone, role: 'editor' }), 422, 'unknown_user');
    expectProblem(await grant({ role: 'editor' }), 400, 'validation_failed');
    expectProblem(await grant({ userId: gone, email: 'gone@example.test', role: 'editor' }), 400, 'validation_failed');
    expectProblem(await grant({ email: 'not-an-address', role: 'editor' }), 400, 'validation_failed');
    expect((await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM memberships')).rows[0]).toEqual(before);
  });

  it("searches the site's members by email, username or name, with the history when asked, and only on that site", async () => {
    const peter = await person('peter.wimsey@example.test', 'Lord Peter');
    const bunter = await person('bunter@example.test', 'Mervyn Bunter');
    const first = await grant({ userId: peter, role: 'author' });
    await grant({ userId: bunter, role: 'support' });
    await grant({ userId: peter, role: 'admin' }, siteB);
    await admiral.app.inject({ method: 'DELETE', url: `/v1/sites/${siteA}/memberships/${first.json().id}`, headers: admin });
    await grant({ userId: peter, role: 'editor' });

    expect((await list('q=WIMSEY')).map((m) => [m.user.email, m.roleKey])).toEqual([['peter.wimsey@example.test', 'editor']]);
    expect((await list('q=wimsey&includeRevoked=true')).map((m) => [m.roleKey, m.active])).toEqual([
      ['editor', true],
      ['author', false],
    ]);
    expect((await list('q=bunter')).map((m) => m.userId)).toEqual([bunter]);
    expect((await list(`q=u${bunter.slice(-12)}`)).map((m) => m.userId)).toEqual([bunter]);
    expect(await list('q=%25')).toHaveLength(0);
    expect((await list('q=wimsey', siteB)).map((m) => m.roleKey)).toEqual(['admin']);
  });
});
