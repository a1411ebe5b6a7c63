import { randomBytes } from 'node:crypto';
import { text, uuid } from 'drizzle-orm/pg-core';
import type { LightMyRequestResponse } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { chainResolvers, staticTokenResolver } from '../src/kernel/auth/principal.js';
import { sha256Hex } from '../src/kernel/crypto/tokens.js';
import { createPool, type Pool } from '../src/kernel/db/pool.js';
import { tenantTable } from '../src/kernel/db/tenant-table.js';
import { Database } from '../src/kernel/db/transaction.js';
import type { AdmiralApp } from '../src/kernel/http/app-types.js';
import { HostRouter } from '../src/kernel/http/host-routing.js';
import { JobQueue } from '../src/kernel/jobs/queue.js';
import { Metrics } from '../src/kernel/metrics.js';
import { defineModule, permissionCatalogEntries } from '../src/kernel/module.js';
import { defineResource } from '../src/kernel/resources/define-resource.js';
import { syncAccessCatalog } from '../src/modules/access/catalog-sync.js';
import { identityResolver } from '../src/modules/identity/index.js';
import { createModules } from '../src/modules/index.js';
import { expectProblem, type Role } from './helpers/access.js';
import { bearer, staticPrincipal, superAdmin } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

/** A test-only resource whose rows record their owner: the subject of condition 'own'. */
const notes = tenantTable('test_notes', { title: text('title').notNull(), createdBy: uuid('created_by') });
const notesModule = defineModule({
  name: 'notes-test',
  tables: { notes },
  resources: [
    defineResource({
      name: 'note',
      plural: 'notes',
      label: 'Note',
      pluralLabel: 'Notes',
      table: notes,
      writable: ['title', 'createdBy'],
      ownerColumn: 'createdBy',
    }),
  ],
});

const NOTES_TABLE = `
  CREATE TABLE test_notes (
    id uuid PRIMARY KEY, site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    created_at timestamp(3) with time zone NOT NULL DEFAULT now(), updated_at timestamp(3) with time zone NOT NULL DEFAULT now(),
    title text NOT NULL, created_by uuid);
  CREATE INDEX test_notes_site_id_idx ON test_notes (site_id, id);
  ALTER TABLE test_notes ENABLE ROW LEVEL SECURITY;
  ALTER TABLE test_notes FORCE ROW LEVEL SECURITY;
  CREATE POLICY test_notes_tenant_isolation ON test_notes AS PERMISSIVE FOR ALL TO admiral_app
    USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid))
    WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));
  GRANT SELECT, INSERT, UPDATE, DELETE ON test_notes TO admiral_app;`;

const ALL = ['notes.read', 'notes.create', 'notes.update', 'notes.delete'];
const siteA = uuidv7();
const AUTHOR = uuidv7();
const MIXED = uuidv7();
const EDITOR = uuidv7();
const OTHER = uuidv7();
const author = bearer('author');
const mixed = bearer('mixed');
const editor = bearer('editor');
const domainsOwnOnly = bearer('domains-own');

interface Note {
  id: string;
  siteId: string;
  title: string;
  createdBy: string | null;
}

let database: TestDatabase;
let pool: Pool;
let app: AdmiralApp;
const notesUrl = `/v1/sites/${siteA}/notes`;

async function post(headers: Record<string, string>, payload: Record<string, unknown>): Promise<Note> {
  const res = await app.inject({ method: 'POST', url: notesUrl, headers, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Note;
}

async function titles(res: LightMyRequestResponse): Promise<string[]> {
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { data: Note[] }).data.map((n) => n.title).sort();
}

beforeAll(async () => {
  database = await createTestDatabase();
  await database.ownerQuery(NOTES_TABLE);
  await database.ownerQuery("INSERT INTO sites (id, name, slug) VALUES ($1, 'Notes', 'notes-site')", [siteA]);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ADMIRAL_SECRET: 'admiral-test-secret-admiral-test-secret-0123456789' });
  pool = createPool({ connectionString: database.runtimeUrl, max: 4, applicationName: 'ownership-test' });
  const db = new Database(pool);
  const metrics = new Metrics({ main: pool });
  const hostRouter = new HostRouter(db);
  // The same array createModules' closures read, so the access module's catalog includes the notes permissions.
  const modules = createModules({ hostRouter });
  modules.push(notesModule);
  await syncAccessCatalog(database.ownerUrl, permissionCatalogEntries(modules));
  const tokens = {
    'test-super-admin': staticPrincipal({ id: uuidv7(), superAdmin: true }),
    author: staticPrincipal({ id: AUTHOR, sites: { [siteA]: ALL }, own: { [siteA]: ALL } }),
    mixed: staticPrincipal({ id: MIXED, sites: { [siteA]: ['notes.read', 'notes.create', 'notes.update'] }, own: { [siteA]: ['notes.update'] } }),
    editor: staticPrincipal({ id: EDITOR, sites: { [siteA]: [...ALL, 'roles.read', 'roles.create'] } }),
    'domains-own': staticPrincipal({ id: uuidv7(), sites: { [siteA]: ['domains.read'] }, own: { [siteA]: ['domains.read'] } }),
  };
  const jobs = new JobQueue({ runtimeUrl: database.runtimeUrl, definitions: [], db, metrics });
  const built = await buildApp({
    config,
    db,
    metrics,
    jobs,
    hostRouter,
    modules,
    principals: chainResolvers(staticTokenResolver(tokens, { fallThrough: true }), identityResolver(pool, { allowedOrigins: [] })),
    logger: false,
  });
  app = built.app;
  await app.ready();
  // Other people's notes, interleaved with the author's so a post-filter would show in page sizes.
  for (let i = 0; i < 6; i++) {
    await post(editor, { title: `other-${i}`, createdBy: OTHER });
    await post(author, { title: `mine-${i}` });
  }
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
  await database?.drop();
});

describe("condition 'own' on a resource with an owner column", () => {
  it('create: what an own-only caller creates is theirs, whatever the body says', async () => {
    const note = await post(author, { title: 'claimed', createdBy: OTHER });
    expect(note.createdBy).toBe(AUTHOR);
    const stored = await database.ownerQuery('SELECT created_by FROM test_notes WHERE id = $1', [note.id]);
    expect(stored.rows[0]?.created_by).toBe(AUTHOR);
  });

  it('create: an unrestricted caller becomes the owner by default, or names one', async () => {
    expect((await post(editor, { title: 'defaulted' })).createdBy).toBe(EDITOR);
    expect((await post(editor, { title: 'named', createdBy: OTHER })).createdBy).toBe(OTHER);
  });

  it('list: an own-only reader sees only their rows, filtered in the query (full pages, cursors work)', async () => {
    const all = await titles(await app.inject({ method: 'GET', url: `${notesUrl}?limit=200`, headers: editor }));
    expect(all.filter((t) => t.startsWith('other-'))).toHaveLength(6);
    const seen: Note[] = [];
    let cursor: string | null = null;
    do {
      const res: LightMyRequestResponse = await app.inject({ method: 'GET', url: `${notesUrl}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: author });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { data: Note[]; nextCursor: string | null };
      if (page.nextCursor) expect(page.data).toHaveLength(2);
      seen.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThanOrEqual(6);
    expect(seen.every((n) => n.createdBy === AUTHOR)).toBe(true);
    // The first page is full of the author's rows although others' rows are interleaved: a WHERE term, not a post-filter.
    const first = (await app.inject({ method: 'GET', url: `${notesUrl}?limit=2`, headers: author })).json() as { data: Note[] };
    expect(first.data).toHaveLength(2);
  });

  it("get / update / delete: another user's row is 404 to an own-only caller and is left alone", async () => {
    const theirs = await post(editor, { title: 'theirs', createdBy: OTHER });
    const before = (await database.ownerQuery('SELECT * FROM test_notes WHERE id = $1', [theirs.id])).rows;
    expectProblem(await app.inject({ method: 'GET', url: `${notesUrl}/${theirs.id}`, headers: author }), 404, 'not_found');
    expectProblem(await app.inject({ method: 'PATCH', url: `${notesUrl}/${theirs.id}`, headers: author, payload: { title: 'hijacked' } }), 404, 'not_found');
    expectProblem(await app.inject({ method: 'DELETE', url: `${notesUrl}/${theirs.id}`, headers: author }), 404, 'not_found');
    expect((await database.ownerQuery('SELECT * FROM test_notes WHERE id = $1', [theirs.id])).rows).toEqual(before);
  });

  it('get / update / delete: their own row works', async () => {
    const mine = await post(author, { title: 'mine-editable' });
    expect((await app.inject({ method: 'GET', url: `${notesUrl}/${mine.id}`, headers: author })).statusCode).toBe(200);
    const patched = await app.inject({ method: 'PATCH', url: `${notesUrl}/${mine.id}`, headers: author, payload: { title: 'mine-edited' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ title: 'mine-edited', createdBy: AUTHOR });
    expectProblem(
      await app.inject({ method: 'PATCH', url: `${notesUrl}/${mine.id}`, headers: author, payload: { createdBy: OTHER } }),
      403,
      'ownership_transfer_denied',
    );
    const removed = await app.inject({ method: 'DELETE', url: `${notesUrl}/${mine.id}`, headers: author });
    expect(removed.statusCode, removed.body).toBe(204);
  });

  it('applies per operation: read everything, update only your own', async () => {
    const theirs = await post(editor, { title: 'readable', createdBy: OTHER });
    expect((await app.inject({ method: 'GET', url: `${notesUrl}/${theirs.id}`, headers: mixed })).statusCode).toBe(200);
    expectProblem(await app.inject({ method: 'PATCH', url: `${notesUrl}/${theirs.id}`, headers: mixed, payload: { title: 'no' } }), 404, 'not_found');
    const mine = await post(mixed, { title: 'mixed-own' });
    expect((await app.inject({ method: 'PATCH', url: `${notesUrl}/${mine.id}`, headers: mixed, payload: { title: 'mixed-edited' } })).statusCode).toBe(200);
    expect((await titles(await app.inject({ method: 'GET', url: `${notesUrl}?limit=200`, headers: mixed }))).length).toBeGreaterThan(10);
  });

  it('refuses an own-only grant on a resource that records no owner (403 ownership_not_supported)', async () => {
    expectProblem(await app.inject({ method: 'GET', url: `/v1/sites/${siteA}/domains`, headers: domainsOwnOnly }), 403, 'ownership_not_supported');
  });

  it("super admins and unrestricted callers see everyone's rows", async () => {
    const sup = await titles(await app.inject({ method: 'GET', url: `${notesUrl}?limit=200`, headers: superAdmin }));
    expect(sup.filter((t) => t.startsWith('other-'))).toHaveLength(6);
  });
});

describe("condition 'own' through roles", () => {
  it('the catalog marks resource permissions with an owner column as ownable; the author system role gets own create/update/delete', async () => {
    const roles = (await app.inject({ method: 'GET', url: `/v1/sites/${siteA}/roles`, headers: superAdmin })).json() as { data: Role[] };
    const authorRole = roles.data.find((r) => r.key === 'author');
    expect(authorRole?.permissions).toEqual(
      expect.arrayContaining([
        { key: 'notes.create', condition: 'own' },
        { key: 'notes.delete', condition: 'own' },
        { key: 'notes.read', condition: null },
        { key: 'notes.update', condition: 'own' },
      ]),
    );
    expect(authorRole?.permissions).not.toContainEqual({ key: 'notes.delete', condition: null });
    const editorRole = roles.data.find((r) => r.key === 'editor');
    expect(editorRole?.permissions).toEqual(expect.arrayContaining([{ key: 'notes.update', condition: null }]));
  });

  it('a custom role may grant an ownable permission with condition own', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/roles`,
      headers: superAdmin,
      payload: {
        key: 'own-notes',
        name: 'Own notes',
        permissions: [
          { key: 'notes.read', condition: 'own' },
          { key: 'notes.update', condition: 'own' },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect((res.json() as Role).permissions).toEqual([
      { key: 'notes.read', condition: 'own' },
      { key: 'notes.update', condition: 'own' },
    ]);
  });

  it('a holder of an own-only grant (through a real session) may hand it on as own, not unconditionally', async () => {
    // Holds notes.read only on own rows, and roles.create: may create a role granting notes.read 'own', not notes.read.
    const user = uuidv7();
    await database.ownerQuery('INSERT INTO users (id, email) VALUES ($1, $2)', [user, `${user}@own.test`]);
    const role = await app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/roles`,
      headers: superAdmin,
      payload: {
        key: 'own-reader',
        name: 'Own reader',
        permissions: [{ key: 'notes.read', condition: 'own' }, { key: 'notes.create' }, { key: 'roles.create' }],
      },
    });
    expect(role.statusCode, role.body).toBe(201);
    const granted = await app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/memberships`,
      headers: superAdmin,
      payload: { userId: user, role: 'own-reader' },
    });
    expect(granted.statusCode, granted.body).toBe(201);
    const token = `adms_${randomBytes(32).toString('base64url')}`;
    await database.ownerQuery(
      `INSERT INTO sessions (id, user_id, token_hash, refresh_token_hash, token_expires_at, idle_expires_at, expires_at)
       VALUES ($1, $2, $3, $4, now() + interval '1 hour', now() + interval '1 hour', now() + interval '1 day')`,
      [uuidv7(), user, sha256Hex(token), sha256Hex(`${token}-refresh`)],
    );
    const session = bearer(token);
    // Through the identity resolver: the session's own-only read limits the list to the user's own notes.
    const made = await app.inject({ method: 'POST', url: notesUrl, headers: session, payload: { title: 'session-own' } });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().createdBy).toBe(user);
    expect(await titles(await app.inject({ method: 'GET', url: `${notesUrl}?limit=200`, headers: session }))).toEqual(['session-own']);
    const wider = await app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/roles`,
      headers: session,
      payload: { key: 'wider', name: 'Wider', permissions: [{ key: 'notes.read' }] },
    });
    expectProblem(wider, 403, 'permission_escalation');
    const same = await app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/roles`,
      headers: session,
      payload: { key: 'same', name: 'Same', permissions: [{ key: 'notes.read', condition: 'own' }] },
    });
    expect(same.statusCode, same.body).toBe(201);
  });
});
