import http from 'node:http';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLUMNS } from '../src/modules/audit/export-format.js';
import { EXPORT_BATCH_SIZE } from '../src/modules/audit/service.js';
import { waitFor } from './fixtures/process.js';
import { expectProblem } from './helpers/access.js';
import { startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import { type AuditLog, as, bulkRows, csvToRow, ids, listAll, parseCsv, seedAuditTrail, tokens, writeRow } from './helpers/audit.js';

let admiral: TestAdmiral;
const siteA = `/v1/sites/${ids.siteA}`;
const bulkSite = uuidv7();

const download = (url: string, headers: Record<string, string> = as('alice')) => admiral.app.inject({ method: 'GET', url, headers });

function csvRows(body: string): Record<string, unknown>[] {
  const [header, ...records] = parseCsv(body);
  expect(header?.map((f) => f.text)).toEqual(AUDIT_COLUMNS);
  return records.map((record) => csvToRow(AUDIT_COLUMNS, record));
}

const ndjsonRows = (body: string): AuditLog[] => {
  expect(body.endsWith('\n')).toBe(true);
  return body
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as AuditLog);
};

beforeAll(async () => {
  admiral = await startTestAdmiral({ tokens });
  await seedAuditTrail(admiral);
  await admiral.db.ownerQuery("INSERT INTO sites (id, name, slug) VALUES ($1, 'Bulk', 'bulk')", [bulkSite]);
});
afterAll(async () => admiral?.stop());

describe('GET …/audit-logs/export', () => {
  it('CSV: an attachment that parses back (RFC 4180) to exactly the rows the JSON list returns', async () => {
    const response = await download(`${siteA}/audit-logs/export?format=csv`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="audit-${ids.siteA}-\\d{8}T\\d{6}Z\\.csv"$`));
    expect(response.headers['cache-control']).toBe('no-store');
    // The export is itself audited, before it runs: listed now, the trail is what the file holds.
    const listed = await listAll(admiral, `${siteA}/audit-logs`, as('alice'));
    expect(listed[0]).toMatchObject({ action: 'audit.exported', actorUserId: ids.alice, category: 'audit', metadata: { format: 'csv', filters: {} } });
    expect(csvRows(response.body)).toEqual(listed);
  });

  it('CSV: cells a spreadsheet would run as formulas are neutralised; null and "" stay apart', async () => {
    const response = await download(`${siteA}/audit-logs/export?format=csv&category=notes`);
    const records = parseCsv(response.body).slice(1);
    expect(records.length).toBe(2);
    for (const field of records.flat()) expect(field.text, field.text).not.toMatch(/^[=+\-@\t\r]/);
    expect(response.body).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")"`);
    expect(response.body).toContain(`,"'+SUM(1,2)",`);
    expect(response.body).toContain(",'-5,");
    expect(response.body).toContain(",'-ua,");
    const description = AUDIT_COLUMNS.indexOf('description');
    const error = AUDIT_COLUMNS.indexOf('error');
    const [withText, empty] = records[0]?.[description]?.text === '' ? [records[1], records[0]] : [records[0], records[1]];
    expect(empty?.[description]).toEqual({ text: '', quoted: true });
    expect(empty?.[error]).toEqual({ text: '', quoted: false });
    expect(withText?.[description]?.text).toBe(`'=HYPERLINK("http://evil.test","click")`);
    const after = JSON.parse(withText?.[AUDIT_COLUMNS.indexOf('after')]?.text as string);
    expect(after).toEqual({ 'a,b': 'line one\r\nline "two"', formula: '@cmd' });
  });

  it('NDJSON: one JSON object per line, exactly the rows the JSON list returns', async () => {
    const response = await download(`${siteA}/audit-logs/export?format=ndjson`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audit-.+\.ndjson"$/);
    const listed = await listAll(admiral, `${siteA}/audit-logs`, as('alice'));
    expect(listed[0]).toMatchObject({ action: 'audit.exported', metadata: { format: 'ndjson' } });
    expect(ndjsonRows(response.body)).toEqual(listed);
  });

  it('applies the same filters as the list', async () => {
    const query = { action: 'domain.*', actorUserId: ids.bob };
    const response = await download(`${siteA}/audit-logs/export?format=ndjson&${new URLSearchParams(query)}`);
    const exported = ndjsonRows(response.body);
    expect(exported.length).toBe(7);
    expect(exported).toEqual(await listAll(admiral, `${siteA}/audit-logs`, as('alice'), query));
    const recorded = (await listAll(admiral, `${siteA}/audit-logs`, as('alice'), { action: 'audit.exported' }))[0];
    expect(recorded?.metadata).toEqual({ format: 'ndjson', filters: query });
    const none = await download(`${siteA}/audit-logs/export?format=csv&category=nothing-at-all`);
    expect(none.body).toBe(`${AUDIT_COLUMNS.join(',')}\r\n`);
  });

  it(`streams a trail longer than one batch (${EXPORT_BATCH_SIZE}) in order, without gaps or duplicates`, async () => {
    await bulkRows(admiral, bulkSite, 2 * EXPORT_BATCH_SIZE + 345);
    const url = `/v1/sites/${bulkSite}/audit-logs`;
    const ndjson = ndjsonRows((await download(`${url}/export?format=ndjson`, superAdmin)).body);
    const listed = await listAll(admiral, url, superAdmin);
    expect(listed.length).toBe(2 * EXPORT_BATCH_SIZE + 346);
    expect(ndjson).toEqual(listed);
    await writeRow(admiral, bulkSite, { action: 'after.export', category: 'bulk' });
    const csv = csvRows((await download(`${url}/export?format=csv`, superAdmin)).body);
    expect(csv).toEqual(await listAll(admiral, url, superAdmin));
    expect(csv.map((r) => r.seq)).toEqual(csv.map((_, i) => csv.length - i));
  });

  it('refuses a missing or unknown format, and unknown sites, as problems', async () => {
    expectProblem(await download(`${siteA}/audit-logs/export`), 400, 'validation_failed');
    expectProblem(await download(`${siteA}/audit-logs/export?format=xlsx`), 400, 'validation_failed');
    expectProblem(await download(`/v1/sites/${uuidv7()}/audit-logs/export?format=csv`, superAdmin), 404, 'not_found');
  });

  it('HEAD answers with the headers, without reading or recording anything', async () => {
    const exports = async () => (await listAll(admiral, `${siteA}/audit-logs`, as('alice'), { action: 'audit.exported' })).length;
    const before = await exports();
    const head = await admiral.app.inject({ method: 'HEAD', url: `${siteA}/audit-logs/export?format=csv`, headers: as('alice') });
    expect(head.statusCode, head.body).toBe(200);
    expect(head.headers['content-type']).toMatch(/^text\/csv/);
    expect(head.headers['content-disposition']).toMatch(/^attachment; filename="audit-.+\.csv"$/);
    expect(head.body).toBe('');
    expect(await exports()).toBe(before);
    const unknown = await admiral.app.inject({ method: 'HEAD', url: `/v1/sites/${uuidv7()}/audit-logs/export?format=csv`, headers: superAdmin });
    expect(unknown.statusCode).toBe(404);
  });

  it('the platform chain exports too (platform callers only)', async () => {
    expectProblem(await download('/v1/audit-logs/export?format=ndjson'), 403, 'permission_denied');
    const response = await download('/v1/audit-logs/export?format=ndjson', superAdmin);
    expect(response.headers['content-disposition']).toMatch(/filename="audit-platform-/);
    const rows = ndjsonRows(response.body);
    expect(rows.every((r) => r.siteId === null)).toBe(true);
    expect(rows).toEqual(await listAll(admiral, '/v1/audit-logs', superAdmin));
  });
});

describe('export streaming', () => {
  const openTransactions = async () =>
    (
      await admiral.db.ownerQuery<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND usename = 'admiral_runtime' AND state LIKE 'idle in transaction%'",
      )
    ).rows[0]?.n ?? 0;

  it('holds one transaction while a slow client reads, and ends it when the client goes away', async () => {
    const big = uuidv7();
    await admiral.db.ownerQuery("INSERT INTO sites (id, name, slug) VALUES ($1, 'Big', 'big')", [big]);
    // ~40 MB of NDJSON: far more than socket buffers hold, so the server must wait for the reader.
    await bulkRows(admiral, big, 8000, 5000);
    const base = await admiral.listen();
    const request = http.get(`${base}/v1/sites/${big}/audit-logs/export?format=ndjson`, { headers: superAdmin, agent: false });
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject));
    expect(response.statusCode).toBe(200);
    await new Promise((resolve) => response.once('data', resolve));
    response.pause();
    await waitFor(async () => (await openTransactions()) === 1, 10_000, 'the export to wait for its reader inside its transaction');
    // Still waiting a second later: the server holds back for the reader instead of buffering the rest.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await openTransactions()).toBe(1);
    request.on('error', () => {});
    request.destroy();
    await waitFor(async () => (await openTransactions()) === 0, 10_000, 'the export transaction to end after the client left');
    const after = await download(`${siteA}/audit-logs?limit=1`);
    expect(after.statusCode).toBe(200);
  });
});
