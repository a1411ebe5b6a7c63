import { uuidv7 } from 'uuidv7';
import { expect } from 'vitest';
import { type AuditActor, type AuditEntry, databaseAuditWriter, systemActor } from '../../src/kernel/audit/writer.js';
import type { AuditLog } from '../../src/modules/audit/service.js';
import { SITE_KEYS } from './access.js';
import { bearer, staticPrincipal, superAdmin, type TestAdmiral } from './app.js';
import type { TestDatabase } from './database.js';

export type { AuditLog };

/** Fixed ids, so the tokens below can name them before the sites exist. */
export const ids = {
  siteA: uuidv7(),
  siteB: uuidv7(),
  alice: uuidv7(),
  bob: uuidv7(),
  carol: uuidv7(),
  apiKey: uuidv7(),
};

/**
 * alice: every site permission on A (a site admin); bob: domains only on A, no audit permission;
 * carol: every site permission on B; reader: only audit.read on A.
 */
export const tokens = {
  alice: staticPrincipal({ id: ids.alice, sites: { [ids.siteA]: SITE_KEYS } }),
  bob: staticPrincipal({ id: ids.bob, sites: { [ids.siteA]: ['domains.read', 'domains.create', 'domains.update', 'domains.delete'] } }),
  carol: staticPrincipal({ id: ids.carol, sites: { [ids.siteB]: SITE_KEYS } }),
  reader: staticPrincipal({ id: uuidv7(), sites: { [ids.siteA]: ['audit.read'] } }),
};
export const as = (who: keyof typeof tokens) => bearer(who);

/** Spreadsheet formulas, quoting, line breaks and the empty string: what the CSV export must survive. */
export const hostileEntry: Omit<AuditEntry, 'siteId'> = {
  action: 'note.added',
  category: 'notes',
  targetType: 'note',
  targetId: '+SUM(1,2)',
  description: '=HYPERLINK("http://evil.test","click")',
  before: -5,
  after: { 'a,b': 'line one\r\nline "two"', formula: '@cmd' },
  metadata: { note: '-2+3' },
};

/** Writes one row directly (as the kernel's writer does) in a tenant transaction. */
export function writeRow(admiral: TestAdmiral, siteId: string, entry: Omit<AuditEntry, 'siteId'>, actor: Partial<AuditActor> = {}): Promise<void> {
  return admiral.kernel.db.withTenant({ siteId }, (tx) => databaseAuditWriter.write(tx, { ...systemActor, ...actor }, { siteId, ...entry }));
}

/**
 * Appends `count` rows to a site's chain, a statement per 1000 (the chain trigger still runs per row; one
 * transaction per batch keeps the chain-head row's version chain short).
 */
export async function bulkRows(admiral: TestAdmiral, siteId: string, count: number, padding = 0): Promise<void> {
  for (let start = 1; start <= count; start += 1000) {
    await admiral.kernel.db.withTenant({ siteId }, (tx) =>
      tx.$client.query(
        `INSERT INTO audit_logs (id, site_id, seq, action, category, success, metadata, after, prev_hash, hash)
         SELECT gen_random_uuid(), $1, 0, 'bulk.row', 'bulk', true, jsonb_build_object('i', i), jsonb_build_object('pad', repeat('x', $4)), '', ''
         FROM generate_series($2::int, $3::int) i`,
        [siteId, start, Math.min(count, start + 999), padding],
      ),
    );
  }
}

async function call(
  admiral: TestAdmiral,
  method: 'POST' | 'PATCH' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  payload?: object,
): Promise<{ id: string }> {
  const response = await admiral.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return (response.statusCode === 204 ? { id: '' } : response.json()) as { id: string };
}

/**
 * Sites A and B with audit rows from several actors: domains through the API (alice, bob on A; carol on B),
 * an API key's row, a failed action, actions whose names test LIKE escaping, a hostile row, and platform rows.
 */
export async function seedAuditTrail(admiral: TestAdmiral): Promise<void> {
  for (const [id, name] of [
    [ids.siteA, 'a'],
    [ids.siteB, 'b'],
  ] as const) {
    await admiral.db.ownerQuery('INSERT INTO sites (id, name, slug) VALUES ($1, $2, $3)', [id, `Audit ${name}`, `audit-${name}-${id.slice(-8)}`]);
  }
  const domains = (siteId: string) => `/v1/sites/${siteId}/domains`;
  for (let i = 0; i < 4; i++) await call(admiral, 'POST', domains(ids.siteA), as('alice'), { domainName: `alice-${i}.a.test` });
  const bobs: string[] = [];
  for (let i = 0; i < 3; i++) bobs.push((await call(admiral, 'POST', domains(ids.siteA), as('bob'), { domainName: `bob-${i}.a.test` })).id);
  await call(admiral, 'PATCH', `${domains(ids.siteA)}/${bobs[0]}`, as('bob'), { isActive: false });
  await call(admiral, 'PATCH', `${domains(ids.siteA)}/${bobs[1]}`, as('bob'), { type: 'custom' });
  await call(admiral, 'DELETE', `${domains(ids.siteA)}/${bobs[2]}`, as('bob'));
  for (let i = 0; i < 2; i++) await call(admiral, 'POST', domains(ids.siteB), as('carol'), { domainName: `carol-${i}.b.test` });
  await writeRow(admiral, ids.siteA, { action: 'report.generated', category: 'reports', targetType: 'report', targetId: 'r-1' }, { apiKeyId: ids.apiKey });
  await writeRow(
    admiral,
    ids.siteA,
    { action: 'domain.verification_failed', category: 'tenancy', success: false, error: 'no TXT record' },
    { userId: ids.bob },
  );
  await writeRow(admiral, ids.siteA, { action: 'under_score', category: 'escaping' });
  await writeRow(admiral, ids.siteA, { action: 'underXscore', category: 'escaping' });
  await writeRow(admiral, ids.siteA, { ...hostileEntry, description: '' }, { userId: ids.alice, userAgent: '-ua', ip: '198.51.100.7' });
  await writeRow(admiral, ids.siteA, hostileEntry, { userId: ids.alice, requestId: 'req-hostile' });
  for (let i = 0; i < 2; i++) await call(admiral, 'POST', '/v1/sites', superAdmin, { name: `Platform ${i}`, slug: `platform-${i}-${ids.siteA.slice(-8)}` });
}

/** Every page of a list route (following nextCursor), checking each page's size. */
export async function listAll(admiral: TestAdmiral, path: string, headers: Record<string, string>, query: Record<string, string> = {}, limit = 200) {
  const rows: AuditLog[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10_000; page++) {
    const params = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const response = await admiral.app.inject({ method: 'GET', url: `${path}?${params}`, headers });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { data: AuditLog[]; nextCursor: string | null };
    expect(body.data.length).toBeLessThanOrEqual(limit);
    if (body.nextCursor !== null) expect(body.data.length).toBe(limit);
    rows.push(...body.data);
    cursor = body.nextCursor;
    if (cursor === null) return rows;
  }
  throw new Error('pagination did not end');
}

/** Forges a row the way a superuser could: with the append-only trigger switched off. */
export async function forgeRow(admiral: { db: TestDatabase }, id: string): Promise<void> {
  await admiral.db.ownerQuery('ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only');
  try {
    await admiral.db.ownerQuery("UPDATE audit_logs SET description = 'rewritten history' WHERE id = $1", [id]);
  } finally {
    await admiral.db.ownerQuery('ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_append_only');
  }
}

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. Keeps whether a field was quoted. */
export interface CsvField {
  text: string;
  quoted: boolean;
}

export function parseCsv(input: string): CsvField[][] {
  const records: CsvField[][] = [];
  let record: CsvField[] = [];
  let i = 0;
  while (i < input.length) {
    let field: CsvField;
    if (input[i] === '"') {
      let text = '';
      i++;
      for (;;) {
        const quote = input.indexOf('"', i);
        if (quote < 0) throw new Error('unterminated quoted field');
        text += input.slice(i, quote);
        i = quote + 1;
        if (input[i] !== '"') break;
        text += '"';
        i++;
      }
      field = { text, quoted: true };
    } else {
      let end = i;
      while (end < input.length && input[end] !== ',' && input[end] !== '\r' && input[end] !== '\n') end++;
      const text = input.slice(i, end);
      if (text.includes('"')) throw new Error(`a quote inside an unquoted field at ${i}`);
      field = { text, quoted: false };
      i = end;
    }
    record.push(field);
    if (input[i] === ',') i++;
    else if (input.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else if (i < input.length) throw new Error(`unexpected ${JSON.stringify(input[i])} at ${i}`);
  }
  if (record.length > 0) throw new Error('the last record is not terminated by CRLF');
  return records;
}

const JSON_COLUMNS = new Set(['before', 'after', 'metadata']);

/** A CSV record back to the JSON representation: unquoted empty = null, neutralised formulas restored. */
export function csvToRow(header: string[], fields: CsvField[]): Record<string, unknown> {
  expect(fields.length).toBe(header.length);
  return Object.fromEntries(
    header.map((name, k) => {
      const field = fields[k] as CsvField;
      if (!field.quoted && field.text === '') return [name, null];
      const text = /^'[=+\-@\t\r]/.test(field.text) ? field.text.slice(1) : field.text;
      if (JSON_COLUMNS.has(name)) return [name, JSON.parse(text)];
      if (name === 'seq') return [name, Number(text)];
      if (name === 'success') return [name, text === 'true'];
      return [name, text];
    }),
  );
}
