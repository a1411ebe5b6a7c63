/**
 * The sign-in ceiling: argon2id verifications and nothing else — no HTTP, no database — through the kernel's own
 * `verifyPassword` (@node-rs/argon2 with Admiral's parameters, m = 19 MiB, t = 2, p = 1, and its cap of two
 * hashes at once), `concurrency` at a time, in a process of their own. Started by bench/run.ts; reports over IPC.
 */
import { verifyPassword } from '../../server/src/kernel/crypto/passwords.js';
import { ARGON2_CHILD_ENV, type Argon2Job, type Argon2Result } from '../lib/argon2-ceiling.js';
import { failStart } from '../lib/child-side.js';

async function main(): Promise<void> {
  const raw = process.env[ARGON2_CHILD_ENV];
  if (!raw) throw new Error(`${ARGON2_CHILD_ENV} is not set: start this file through bench/run.ts`);
  const job = JSON.parse(raw) as Argon2Job;
  const run = async (seconds: number) => {
    const deadline = Date.now() + seconds * 1000;
    let hashes = 0;
    const worker = async () => {
      while (Date.now() < deadline) {
        if (!(await verifyPassword(job.hash, job.password))) throw new Error('the bench password does not verify against its hash');
        hashes++;
      }
    };
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: job.concurrency }, worker));
    const cpu = process.cpuUsage(cpuBefore);
    return { hashes, seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuMicros: cpu.user + cpu.system };
  };
  if (job.warmupSeconds > 0) await run(job.warmupSeconds);
  const measured = await run(job.durationSeconds);
  const result: Argon2Result = { type: 'argon2', concurrency: job.concurrency, ...measured };
  process.send?.(result, () => process.exit(0));
}

main().catch(failStart);
