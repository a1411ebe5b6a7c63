import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { busyShare, cpuTotals } from './machine.js';

export const ARGON2_CHILD_ENV = 'BENCH_ARGON2_JOB';

export interface Argon2Job {
  hash: string;
  password: string;
  concurrency: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export interface Argon2Result {
  type: 'argon2';
  concurrency: number;
  hashes: number;
  seconds: number;
  /** The child's CPU time (user + system) over the measured window, µs (the hashing threads included). */
  cpuMicros: number;
}

export interface Argon2Measurement extends Omit<Argon2Result, 'type'> {
  round: number;
  hashesPerSecond: number;
  /** Busy share of all cores during the window. */
  machineBusy: number;
  /** The share of all cores used by anything but the ceiling's process (other programs) during the window. */
  otherBusy: number;
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '../servers/argon2.ts');

/** Runs the argon2 ceiling in its own process (servers/argon2.ts) and returns what it measured. */
export function measureArgon2(job: Argon2Job, round: number): Promise<Argon2Measurement> {
  const child = fork(CHILD, [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    env: { ...process.env, [ARGON2_CHILD_ENV]: JSON.stringify(job) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let machineBefore = cpuTotals();
  const warm = setTimeout(() => {
    machineBefore = cpuTotals();
  }, job.warmupSeconds * 1000);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the argon2 ceiling exited with code ${code} before reporting`)));
    child.on('message', (message: unknown) => {
      const m = message as Argon2Result | { type: 'failed'; message: string };
      clearTimeout(warm);
      if (m.type === 'failed') return reject(new Error(`the argon2 ceiling failed:\n${m.message}`));
      if (m.type !== 'argon2') return;
      const { type: _type, ...result } = m;
      const machineBusy = busyShare(machineBefore, cpuTotals());
      const ownShare = result.cpuMicros / 1e6 / result.seconds / os.cpus().length;
      resolve({ ...result, round, hashesPerSecond: result.hashes / result.seconds, machineBusy, otherBusy: Math.max(0, machineBusy - ownShare) });
    });
  });
}
