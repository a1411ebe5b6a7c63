import { defineJob, type JobDefinition } from '../jobs/queue.js';
import { MAIL_DELIVERY_JOB, type Mailer } from './mailer.js';

/**
 * Sends due mail. Woken by each enqueue (the job is written in the enqueuing transaction) and by each failed
 * attempt (delayed by the backoff); the every-minute schedule is the sweep that catches anything else (mail
 * queued by a process without a job queue, a worker that died mid-run).
 */
export function mailDeliveryJob(mailer: Mailer | undefined): JobDefinition {
  return defineJob({
    name: MAIL_DELIVERY_JOB,
    description: 'Send queued mail through SMTP (retries with backoff, then marks it failed)',
    // The sweep runs only where there is SMTP to send through (without it nothing is ever queued).
    ...(mailer?.delivers ? { schedule: '* * * * *' } : {}),
    retryLimit: 1,
    expireInSeconds: 30 * 60,
    async handler(_data, { db }) {
      if (!mailer) throw new Error(`${MAIL_DELIVERY_JOB} needs the Mailer: pass it to createModules({ mailer })`);
      await mailer.deliverDue(db);
    },
  });
}
