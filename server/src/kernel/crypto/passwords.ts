import { hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane (~14 ms here). */
export const ARGON2_PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const ARGON2ID = 2;

/** Caps concurrent hashes so a burst of sign-ins cannot take every core and starve the server. */
class Semaphore {
  active = 0;
  /** The most that ever ran at once (observability, and the test that the cap holds). */
  peak = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

const hashing = new Semaphore(2);

/** Hashes running now, the most seen at once since the last reset, and the cap. */
export function hashingLoad(options: { resetPeak?: boolean } = {}): { active: number; peak: number; limit: number } {
  if (options.resetPeak) hashing.peak = hashing.active;
  return { active: hashing.active, peak: hashing.peak, limit: hashing.limit };
}

export function hashPassword(password: string): Promise<string> {
  return hashing.run(() => hash(password, { ...ARGON2_PARAMS, algorithm: ARGON2ID }));
}

export function verifyPassword(phc: string, password: string): Promise<boolean> {
  return hashing.run(() => verify(phc, password).catch(() => false));
}

/** True when a stored hash was made with other parameters than today's (rehash on the next sign-in). */
export function needsRehash(phc: string): boolean {
  const { memoryCost, timeCost, parallelism } = ARGON2_PARAMS;
  return !phc.startsWith(`$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$`);
}

/** A hash of a random password, verified against when the user does not exist: same work, same timing. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(`decoy-${Math.random()}`);
  return decoy;
}
