import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';

const siteA = randomUUID();
const siteB = randomUUID();
const WRITER = '00000000-0000-7000-8000-00000000a001';
const OTHER = '00000000-0000-7000-8000-00000000a002';
const DOMAIN_WRITE = ['domains.read', 'domains.create', 'domains.delete'];
const SCOPE_URL = '/v1/sites/:siteId/domains';

let admiral: TestAdmiral;
let baseUrl: string;

const domainsUrl = (site: string) => `/v1/sites/${site}/domains`;
const writer = bearer('writer');
const other = bearer('other');

async function domainCount(domainName: string): Promise<number> {
  const { rows } = await admiral.db.ownerQuery<{ n: number }>('SELECT count(*)::int AS n FROM domain_mappings WHERE domain_name = $1', [domainName]);
  return rows[0]?.n ?? -1;
}

async function createdAudits(domainName: string): Promise<number> {
  const { rows } = await admiral.db.ownerQuery<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_logs WHERE action = 'domain.created' AND after->>'domainName' = $1",
    [domainName],
  );
  return rows[0]?.n ?? -1;
}

async function totals(): Promise<{ domains: number; audits: number; keys: number }> {
  const { rows } = await admiral.db.ownerQuery<{ domains: number; audits: number; keys: number }>(
    `SELECT (SELECT count(*)::int FROM domain_mappings) AS domains, (SELECT count(*)::int FROM audit_logs) AS audits,
            (SELECT count(*)::int FROM idempotency_keys) AS keys`,
  );
  const row = rows[0];
  if (!row) throw new Error('no totals');
  return row;
}

async function keyRow(key: string): Promise<{ scope: string; state: string; site_id: string | null; response_status: number | null } | undefined> {
  const { rows } = await admiral.db.ownerQuery<{ scope: string; state: string; site_id: string | null; response_status: number | null }>(
    'SELECT scope, state, site_id, response_status FROM idempotency_keys WHERE key = $1',
    [key],
  );
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0];
}

function post(site: string, headers: Record<string, string>, key: string | undefined, payload: Record<string, unknown>) {
  return admiral.app.inject({
    method: 'POST',
    url: domainsUrl(site),
    headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload,
  });
}

function httpPost(site: string, headers: Record<string, string>, key: string, payload: Record<string, unknown>): Promise<Response> {
  return fetch(`${baseUrl}${domainsUrl(site)}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(payload),
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  admiral = await startTestAdmiral({
    tokens: {
      writer: staticPrincipal({ id: WRITER, sites: { [siteA]: DOMAIN_WRITE, [siteB]: DOMAIN_WRITE } }),
      other: staticPrincipal({ id: OTHER, sites: { [siteA]: DOMAIN_WRITE } }),
    },
  });
  baseUrl = await admiral.listen();
  await admiral.db.ownerQuery("INSERT INTO sites (id, name, slug) VALUES ($1, 'Site A', 'site-a'), ($2, 'Site B', 'site-b')", [siteA, siteB]);
});
afterAll(async () => admiral?.stop());

describe('replays', () => {
  it('replays the first response (status, body, Location, ETag) to a retry and creates one row and one audit row', async () => {
    const key = `create-${randomUUID()}`;
    const payload = { domainName: 'replay.idem.test', type: 'subdomain' };
    const first = await post(siteA, writer, key, payload);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(first.headers.location).toBe(`${domainsUrl(siteA)}/${first.json().id}`);

    const second = await post(siteA, writer, key, payload);
    expect(second.statusCode, second.body).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toBe(first.body);
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);

    const third = await post(siteA, writer, key, payload);
    expect(third.headers['idempotent-replayed']).toBe('true');
    expect(third.body).toBe(first.body);

    expect(await domainCount('replay.idem.test')).toBe(1);
    expect(await createdAudits('replay.idem.test')).toBe(1);
    expect(await keyRow(key)).toEqual({ scope: `${WRITER}:${siteA}:${SCOPE_URL}`, state: 'completed', site_id: siteA, response_status: 201 });
  });

  it('replays over real HTTP, with the replay header visible to clients', async () => {
    const key = `http-${randomUUID()}`;
    const payload = { domainName: 'http-replay.idem.test' };
    const first = await httpPost(siteA, writer, key, payload);
    expect(first.status).toBe(201);
    const firstBody = await first.text();
    const second = await httpPost(siteA, writer, key, payload);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(firstBody);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await domainCount('http-replay.idem.test')).toBe(1);
  });

  it('answers 422 idempotency_key_reused for the same key with a different body, writing nothing', async () => {
    const key = `reuse-${randomUUID()}`;
    const first = await post(siteA, writer, key, { domainName: 'reuse-1.idem.test' });
    expect(first.statusCode, first.body).toBe(201);
    const before = await totals();
    const second = await post(siteA, writer, key, { domainName: 'reuse-2.idem.test' });
    expect(second.statusCode, second.body).toBe(422);
    expect(second.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(second.json()).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(await totals()).toEqual(before);
    expect(await domainCount('reuse-2.idem.test')).toBe(0);
    // The stored response is untouched: the original body still replays.
    const replay = await post(siteA, writer, key, { domainName: 'reuse-1.idem.test' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(first.body);
  });

  it('stores and replays a 4xx response too', async () => {
    const taken = await post(siteA, writer, undefined, { domainName: 'taken.idem.test' });
    expect(taken.statusCode, taken.body).toBe(201);
    const key = `conflict-${randomUUID()}`;
    const first = await post(siteA, writer, key, { domainName: 'taken.idem.test' });
    expect(first.statusCode, first.body).toBe(409);
    expect(first.json().code).toBe('already_exists');
    expect((await keyRow(key))?.response_status).toBe(409);

    // Even once the conflict is gone, the retry gets the recorded answer, not a new attempt.
    const removed = await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl(siteA)}/${taken.json().id}`, headers: writer });
    expect(removed.statusCode).toBe(204);
    const before = await totals();
    const retry = await post(siteA, writer, key, { domainName: 'taken.idem.test' });
    expect(retry.statusCode).toBe(409);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(retry.body).toBe(first.body);
    expect(await totals()).toEqual(before);
    expect(await domainCount('taken.idem.test')).toBe(0);
  });

  it('does not store requests refused before the handler (validation, permission)', async () => {
    const invalid = `invalid-${randomUUID()}`;
    const bad = await post(siteA, writer, invalid, { domainName: 'x.idem.test', isPrimary: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(await keyRow(invalid)).toBeUndefined();
    const denied = `denied-${randomUUID()}`;
    const forbidden = await post(siteB, other, denied, { domainName: 'denied.idem.test' });
    expect(forbidden.statusCode).toBe(403);
    expect(await keyRow(denied)).toBeUndefined();
  });

  it('releases the key after a 5xx so the client can retry', async () => {
    await admiral.db.ownerQuery(`CREATE FUNCTION test_fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.domain_name = 'flaky.idem.test' THEN RAISE EXCEPTION 'injected failure' USING ERRCODE = 'XX000'; END IF; RETURN NEW; END $$`);
    await admiral.db.ownerQuery('CREATE TRIGGER test_fail_insert BEFORE INSERT ON domain_mappings FOR EACH ROW EXECUTE FUNCTION test_fail_insert()');
    const key = `flaky-${randomUUID()}`;
    try {
      const failed = await post(siteA, writer, key, { domainName: 'flaky.idem.test' });
      expect(failed.statusCode, failed.body).toBe(500);
      expect(failed.json().code).toBe('internal_error');
      expect(await keyRow(key)).toBeUndefined();
    } finally {
      await admiral.db.ownerQuery('DROP TRIGGER test_fail_insert ON domain_mappings');
      await admiral.db.ownerQuery('DROP FUNCTION test_fail_insert()');
    }
    const retry = await post(siteA, writer, key, { domainName: 'flaky.idem.test' });
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await domainCount('flaky.idem.test')).toBe(1);
  });

  it('works on platform routes (POST /v1/sites)', async () => {
    const key = `site-${randomUUID()}`;
    const first = await admiral.app.inject({
      method: 'POST',
      url: '/v1/sites',
      headers: { ...superAdmin, 'idempotency-key': key },
      payload: { name: 'Idem', slug: 'idem' },
    });
    expect(first.statusCode, first.body).toBe(201);
    const second = await admiral.app.inject({
      method: 'POST',
      url: '/v1/sites',
      headers: { ...superAdmin, 'idempotency-key': key },
      payload: { name: 'Idem', slug: 'idem' },
    });
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toBe(first.body);
    const { rows } = await admiral.db.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM sites WHERE slug = 'idem'");
    expect(rows[0]?.n).toBe(1);
    expect((await keyRow(key))?.site_id).toBeNull();
  });

  it('ignores Idempotency-Key on methods other than POST', async () => {
    const created = await post(siteA, writer, undefined, { domainName: 'patch-me.idem.test' });
    const key = `get-${randomUUID()}`;
    const get = await admiral.app.inject({
      method: 'GET',
      url: `${domainsUrl(siteA)}/${created.json().id}`,
      headers: { ...superAdmin, 'idempotency-key': key },
    });
    expect(get.statusCode).toBe(200);
    const patch = await admiral.app.inject({
      method: 'PATCH',
      url: `${domainsUrl(siteA)}/${created.json().id}`,
      headers: { ...superAdmin, 'idempotency-key': key },
      payload: { isActive: false },
    });
    expect(patch.statusCode).toBe(200);
    expect(await keyRow(key)).toBeUndefined();
  });
});

describe('key scope', () => {
  it('keeps keys per caller: another principal with the same key is independent', async () => {
    const key = `shared-${randomUUID()}`;
    const mine = await post(siteA, writer, key, { domainName: 'caller-1.idem.test' });
    expect(mine.statusCode, mine.body).toBe(201);
    // Same key, different body: for another caller this is a fresh request, not a reuse.
    const theirs = await post(siteA, other, key, { domainName: 'caller-2.idem.test' });
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    const { rows } = await admiral.db.ownerQuery<{ scope: string }>('SELECT scope FROM idempotency_keys WHERE key = $1 ORDER BY scope', [key]);
    expect(rows.map((r) => r.scope)).toEqual([`${WRITER}:${siteA}:${SCOPE_URL}`, `${OTHER}:${siteA}:${SCOPE_URL}`].sort());
    expect(await domainCount('caller-1.idem.test')).toBe(1);
    expect(await domainCount('caller-2.idem.test')).toBe(1);
  });

  it("never replays one caller's response to another caller sending the same key and body", async () => {
    const key = `copied-${randomUUID()}`;
    const mine = await post(siteA, writer, key, { domainName: 'copied.idem.test' });
    expect(mine.statusCode, mine.body).toBe(201);
    // It runs for real, and the domain is taken: 409 already_exists, not the first caller's 201.
    const theirs = await post(siteA, other, key, { domainName: 'copied.idem.test' });
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.statusCode, theirs.body).toBe(409);
    expect(theirs.json().code).toBe('already_exists');
    expect(theirs.body).not.toContain(mine.json().id);
    expect(await domainCount('copied.idem.test')).toBe(1);
  });

  it('keeps keys per site: the same caller and key on another site is independent', async () => {
    const key = `per-site-${randomUUID()}`;
    const a = await post(siteA, writer, key, { domainName: 'site-a.idem.test' });
    expect(a.statusCode, a.body).toBe(201);
    const b = await post(siteB, writer, key, { domainName: 'site-b.idem.test' });
    expect(b.statusCode, b.body).toBe(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.json().siteId).toBe(siteB);
    const replayA = await post(siteA, writer, key, { domainName: 'site-a.idem.test' });
    expect(replayA.headers['idempotent-replayed']).toBe('true');
    expect(replayA.json().siteId).toBe(siteA);
    const { rows } = await admiral.db.ownerQuery<{ site_id: string }>('SELECT site_id FROM idempotency_keys WHERE key = $1 ORDER BY site_id', [key]);
    expect(rows.map((r) => r.site_id)).toEqual([siteA, siteB].sort());
  });
});

describe('key validation and expiry', () => {
  it('rejects an invalid key with 400 and writes nothing', async () => {
    for (const key of ['k'.repeat(300), 'has a space', 'tab\tinside', 'ünïcode', '']) {
      const before = await totals();
      const res = await post(siteA, writer, key, { domainName: 'badkey.idem.test' });
      expect(res.statusCode, `${JSON.stringify(key)}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('invalid_idempotency_key');
      expect(await totals()).toEqual(before);
    }
    const longest = await post(siteA, writer, 'k'.repeat(255), { domainName: 'longkey.idem.test' });
    expect(longest.statusCode, longest.body).toBe(201);
  });

  it('lets a key be reused once its stored response has expired', async () => {
    const key = `expiring-${randomUUID()}`;
    const first = await post(siteA, writer, key, { domainName: 'expired-1.idem.test' });
    expect(first.statusCode).toBe(201);
    await admiral.db.ownerQuery("UPDATE idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key = $1", [key]);
    const reused = await post(siteA, writer, key, { domainName: 'expired-2.idem.test' });
    expect(reused.statusCode, reused.body).toBe(201);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
    expect(reused.json().domainName).toBe('expired-2.idem.test');
    expect(await domainCount('expired-2.idem.test')).toBe(1);
    // The key now stands for the new request.
    const replay = await post(siteA, writer, key, { domainName: 'expired-2.idem.test' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(reused.body);
    const old = await post(siteA, writer, key, { domainName: 'expired-1.idem.test' });
    expect(old.statusCode).toBe(422);
  });

  it('answers 409 idempotency_key_in_use while a claim is held, and lets a retry take over an abandoned claim', async () => {
    const occupant = await post(siteA, writer, undefined, { domainName: 'claimed.idem.test' });
    expect(occupant.statusCode).toBe(201);
    const key = `claimed-${randomUUID()}`;
    const payload = { domainName: 'claimed.idem.test' };
    // A real first attempt (it conflicts, 409 already_exists), then its row is put back into the state of a
    // request still running: claimed, with a lease a minute long.
    const attempt = await post(siteA, writer, key, payload);
    expect(attempt.json().code).toBe('already_exists');
    await admiral.db.ownerQuery(
      "UPDATE idempotency_keys SET state = 'in_progress', response_status = NULL, response_body = NULL, locked_until = now() + interval '1 minute' WHERE key = $1",
      [key],
    );
    const busy = await post(siteA, writer, key, payload);
    expect(busy.statusCode, busy.body).toBe(409);
    expect(busy.json().code).toBe('idempotency_key_in_use');
    expect(busy.headers['idempotent-replayed']).toBeUndefined();

    // The lease runs out (the process died mid-request): the next retry claims the key and runs afresh.
    const removed = await admiral.app.inject({ method: 'DELETE', url: `${domainsUrl(siteA)}/${occupant.json().id}`, headers: writer });
    expect(removed.statusCode).toBe(204);
    await admiral.db.ownerQuery("UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = $1", [key]);
    const retry = await post(siteA, writer, key, payload);
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await domainCount('claimed.idem.test')).toBe(1);
    expect(await keyRow(key)).toMatchObject({ state: 'completed', response_status: 201 });
  });
});

describe('concurrent duplicates', () => {
  it('holds the first request on a lock, answers the duplicate 409 idempotency_key_in_use, then completes the first', async () => {
    const key = `race-${randomUUID()}`;
    const payload = { domainName: 'race.idem.test' };
    const lock = new pg.Client({ connectionString: admiral.db.ownerUrl });
    await lock.connect();
    let first: Promise<Response> | undefined;
    try {
      // The claim commits in its own transaction; the insert's foreign-key check then needs a KEY SHARE
      // lock on the site row, which this FOR UPDATE holds back.
      await lock.query('BEGIN');
      await lock.query('SELECT id FROM sites WHERE id = $1 FOR UPDATE', [siteA]);
      let settled = false;
      first = httpPost(siteA, writer, key, payload);
      first.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      await waitFor('the claim', async () => (await keyRow(key))?.state === 'in_progress');
      await waitFor('the insert to block on the site lock', async () => {
        const { rows } = await admiral.db.ownerQuery<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'insert into \"domain_mappings\"%'",
        );
        return (rows[0]?.n ?? 0) > 0;
      });

      const duplicate = await httpPost(siteA, writer, key, payload);
      expect(duplicate.status).toBe(409);
      expect(((await duplicate.json()) as { code: string }).code).toBe('idempotency_key_in_use');
      expect(duplicate.headers.get('idempotent-replayed')).toBeNull();
      expect(settled).toBe(false);
      expect(await domainCount('race.idem.test')).toBe(0);
    } finally {
      await lock.query('ROLLBACK');
      await lock.end();
    }
    const done = await first;
    expect(done?.status).toBe(201);
    const body = await done?.text();
    expect(await domainCount('race.idem.test')).toBe(1);
    expect(await createdAudits('race.idem.test')).toBe(1);

    const replay = await httpPost(siteA, writer, key, payload);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.text()).toBe(body);
  });

  it('lets exactly one of several simultaneous duplicates create the row', async () => {
    const key = `burst-${randomUUID()}`;
    const payload = { domainName: 'burst.idem.test' };
    const responses = await Promise.all(Array.from({ length: 5 }, () => httpPost(siteA, writer, key, payload)));
    const outcomes = await Promise.all(
      responses.map(async (res) => ({ status: res.status, replayed: res.headers.get('idempotent-replayed') === 'true', body: await res.text() })),
    );
    const originals = outcomes.filter((o) => o.status === 201 && !o.replayed);
    expect(originals).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome === originals[0]) continue;
      if (outcome.status === 409) expect(JSON.parse(outcome.body).code).toBe('idempotency_key_in_use');
      else {
        expect(outcome).toMatchObject({ status: 201, replayed: true });
        expect(outcome.body).toBe(originals[0]?.body);
      }
    }
    expect(await domainCount('burst.idem.test')).toBe(1);
    expect(await createdAudits('burst.idem.test')).toBe(1);
  });
});
