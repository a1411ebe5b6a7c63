import { systemActor } from '../../kernel/audit/writer.js';
import type { Database } from '../../kernel/db/transaction.js';
import { ProblemError } from '../../kernel/http/problem.js';
import { defineJob, type JobDefinition } from '../../kernel/jobs/queue.js';
import { type MediaConfig, retentionInterval } from './media-config.js';
import type { MediaPurger } from './media-purge.js';

export const PURGE_DELETED_JOB = 'media.purge-deleted';

/** Assets purged per run at most (the job runs hourly; a backlog drains over a few runs). */
export const PURGE_BATCH = 500;

interface Logger {
  warn(object: object, message: string): void;
}

/**
 * Removes, on every site, the assets deleted longer ago than the retention period: each site in its own
 * transaction, audited as the system. An asset still in use is left for a later run (and logged).
 */
export async function purgeDeleted(db: Database, purger: MediaPurger, settings: MediaConfig, log?: Logger): Promise<number> {
  const cutoff = new Date(Date.now() - settings.retentionDays * 86_400_000);
  const due = await db.asPlatform({}, (tx) =>
    tx.$client.query<{ site_id: string; media_asset_id: string }>('SELECT site_id, media_asset_id FROM admiral_media_due_for_purge($1::interval, $2)', [
      retentionInterval(settings),
      PURGE_BATCH,
    ]),
  );
  const bySite = new Map<string, string[]>();
  for (const row of due.rows) bySite.set(row.site_id, [...(bySite.get(row.site_id) ?? []), row.media_asset_id]);
  let purged = 0;
  for (const [siteId, ids] of bySite) {
    const keys = await db.withTenant({ siteId, allowInactive: true }, async (tx) => {
      const removed: string[] = [];
      for (const id of ids) {
        // One savepoint per asset: an asset that cannot go (still referenced) does not hold back the others.
        await tx.$client.query('SAVEPOINT media_purge');
        try {
          const keysOf = await purger.purgeRows(tx, systemActor, siteId, id, { reason: 'retention', onlyIfDeletedBefore: cutoff });
          await tx.$client.query('RELEASE SAVEPOINT media_purge');
          if (keysOf) {
            removed.push(...keysOf);
            purged++;
          }
        } catch (error) {
          await tx.$client.query('ROLLBACK TO SAVEPOINT media_purge');
          if (!(error instanceof ProblemError && error.code === 'media_in_use')) throw error;
          log?.warn({ siteId, mediaAssetId: id }, 'media: a deleted file is still in use and was not purged');
        }
      }
      return removed;
    });
    await purger.removeObjects(keys, log);
  }
  return purged;
}

export function purgeJob(purger: MediaPurger, settings: MediaConfig): JobDefinition {
  return defineJob({
    name: PURGE_DELETED_JOB,
    description: `Removes media deleted longer ago than the retention period (${settings.retentionDays} days), with their stored files`,
    schedule: '23 * * * *',
    retryLimit: 1,
    handler: async (_data, context) => {
      await purgeDeleted(context.db, purger, settings);
    },
  });
}
