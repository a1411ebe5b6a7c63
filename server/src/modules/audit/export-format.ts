import type { ExportFormat } from './schemas.js';
import type { AuditLog } from './service.js';

/** Every column, in the order of the JSON representation; the Record makes the compiler check none is missing. */
const COLUMNS: Record<keyof AuditLog, 'text' | 'json'> = {
  id: 'text',
  siteId: 'text',
  seq: 'text',
  actorUserId: 'text',
  actorApiKeyId: 'text',
  impersonatorUserId: 'text',
  action: 'text',
  category: 'text',
  targetType: 'text',
  targetId: 'text',
  description: 'text',
  before: 'json',
  after: 'json',
  ip: 'text',
  userAgent: 'text',
  sessionId: 'text',
  requestId: 'text',
  success: 'text',
  error: 'text',
  metadata: 'json',
  createdAt: 'text',
  prevHash: 'text',
  hash: 'text',
};
export const AUDIT_COLUMNS = Object.keys(COLUMNS) as Array<keyof AuditLog>;

export const EXPORT_MEDIA: Record<ExportFormat, { contentType: string; extension: string }> = {
  csv: { contentType: 'text/csv; charset=utf-8; header=present', extension: 'csv' },
  ndjson: { contentType: 'application/x-ndjson; charset=utf-8', extension: 'ndjson' },
};

/** A spreadsheet would run a cell starting with one of these as a formula (OWASP: CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 field. null is an empty field and the empty string a quoted one (""), so they stay apart;
 * fields with a comma, quote or line break are quoted, quotes doubled. A value a spreadsheet would take for
 * a formula gets a leading single quote.
 */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return safe === '' || /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV record, CRLF-terminated. */
export const csvRecord = (fields: ReadonlyArray<string | null>): string => `${fields.map(csvField).join(',')}\r\n`;

function cellText(row: AuditLog, column: keyof AuditLog): string | null {
  const value = row[column];
  if (value === null || value === undefined) return null;
  if (COLUMNS[column] === 'json') return JSON.stringify(value);
  return typeof value === 'string' ? value : String(value);
}

export const auditCsvHeader = (): string => csvRecord(AUDIT_COLUMNS);
export const auditCsvRecord = (row: AuditLog): string => csvRecord(AUDIT_COLUMNS.map((column) => cellText(row, column)));
export const auditNdjsonLine = (row: AuditLog): string => `${JSON.stringify(row)}\n`;

/** The export body, one chunk per batch of rows (the CSV header rides with the first). */
export async function* auditExportChunks(batches: AsyncIterable<AuditLog[]>, format: ExportFormat): AsyncGenerator<string> {
  let header = format === 'csv' ? auditCsvHeader() : '';
  for await (const rows of batches) {
    yield header + rows.map(format === 'csv' ? auditCsvRecord : auditNdjsonLine).join('');
    header = '';
  }
  if (header !== '') yield header;
}
