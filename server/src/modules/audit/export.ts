import { Readable } from 'node:stream';
import type { AuditActor } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { auditExportChunks, EXPORT_MEDIA } from './export-format.js';
import { streamFromTransaction } from './export-stream.js';
import type { AuditScope } from './query.js';
import type { AuditFilters, ExportFormat } from './schemas.js';
import type { AuditLogService } from './service.js';

/** Runs work in the request's transaction for the chain (tenant or platform). */
export type TxRunner = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;

export interface AuditExport {
  body: Readable;
  contentType: string;
  fileName: string;
}

const stamp = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/**
 * Records the export, then streams the filtered trail from one read-only transaction in keyset batches. The
 * trail is append-only and read newest first from the top, so the batches form one consistent result even
 * under READ COMMITTED: rows written meanwhile sort above the first batch, and none change or vanish.
 */
export async function openAuditExport(
  run: TxRunner,
  service: AuditLogService,
  request: { actor: AuditActor; scope: AuditScope; format: ExportFormat; filters: AuditFilters; headOnly: boolean },
): Promise<AuditExport> {
  const { actor, scope, format, filters } = request;
  const media = EXPORT_MEDIA[format];
  const fileName = `audit-${scope.siteId ?? 'platform'}-${stamp(new Date())}.${media.extension}`;
  // HEAD: the same headers and the same refusals (unknown or inactive site), but nothing read and nothing recorded.
  if (request.headOnly) {
    await run(async () => undefined);
    return { body: Readable.from([]), contentType: media.contentType, fileName };
  }
  await run((tx) => service.recordExport(tx, actor, scope, format, filters));
  const body = await streamFromTransaction(
    (work) =>
      run(async (tx) => {
        await tx.$client.query('SET TRANSACTION READ ONLY');
        await work(tx);
      }),
    (tx) => auditExportChunks(service.batches(tx, scope, filters), format),
  );
  return { body, contentType: media.contentType, fileName };
}
