import { createHash } from 'node:crypto';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
// ioredis rather than `redis` (node-redis): one package with its own types and no sub-packages, a
// `defineCommand` for the Lua script (EVALSHA with a transparent EVAL fallback), and per-command
// timeouts and retry limits, so a Redis outage cannot hang a sign-in.
import { Redis } from 'ioredis';
import { ProblemError } from './problem.js';

/** At most `limit` hits per `windowSeconds` for one subject (an IP, an account). */
export interface RateLimitRule {
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface WindowCount {
  /** Hits in the current window, this one included. */
  count: number;
  /** When the window ends (epoch ms). */
  resetAt: number;
}

/** Where counts live: in this process, or in Redis when several processes share the limits. */
export interface RateLimitStore {
  /** Counts one hit on `key` in its window: `windowMs` from the key's first hit (not aligned to the clock). */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  close(): Promise<void>;
}

/** Counts in a Map; expired windows are swept at most once a minute. For one process (and tests). */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counts = new Map<string, WindowCount>();
  private nextSweep = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.clock();
    if (now >= this.nextSweep) this.sweep(now);
    let entry = this.counts.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + windowMs };
      this.counts.set(key, entry);
    }
    entry.count++;
    return { ...entry };
  }

  private sweep(now: number): void {
    for (const [slot, entry] of this.counts) if (entry.resetAt <= now) this.counts.delete(slot);
    this.nextSweep = now + 60_000;
  }

  async close(): Promise<void> {
    this.counts.clear();
  }
}

/**
 * INCR and start the window on the first hit, atomically (a crash between the two would leave an immortal
 * key); returns the count and the milliseconds left in the window.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

type RedisWithHit = Redis & { admiralRateHit(key: string, ttlMs: number): Promise<[number, number]> };

/** Shared counts in Redis: one key per subject, expiring when its window ends. */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: RedisWithHit;

  constructor(
    url: string,
    private readonly prefix = 'admiral:rl:',
  ) {
    const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 1000, connectTimeout: 2000, enableAutoPipelining: true });
    redis.on('error', () => {}); // reported per command by the limiter; reconnection is automatic
    redis.defineCommand('admiralRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as RedisWithHit;
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [count, ttl] = await this.redis.admiralRateHit(`${this.prefix}${key}`, windowMs);
    return { count: Number(count), resetAt: Date.now() + Math.max(0, Number(ttl)) };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

export function createRateLimitStore(redisUrl: string | undefined): RateLimitStore {
  return redisUrl ? new RedisRateLimitStore(redisUrl) : new MemoryRateLimitStore();
}

/** Subjects are hashed: identifiers (emails) never reach the store or its keys in clear. */
const subjectKey = (subject: string) => createHash('sha256').update(subject).digest('base64url').slice(0, 22);

export const rateLimited = (retryAfterSeconds: number) =>
  new ProblemError(429, 'rate_limited', `Too many attempts. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`, undefined, {
    'retry-after': String(retryAfterSeconds),
  });

/**
 * Fixed-window limits. Exceeding one answers 429 `rate_limited` with `retry-after`. If the store fails
 * (Redis down), the request is let through and the failure logged: account lockout still guards
 * passwords, and a cache outage must not stop everyone from signing in.
 */
export class RateLimiter {
  constructor(
    private readonly store: RateLimitStore,
    private readonly log?: Pick<FastifyBaseLogger, 'warn'>,
  ) {}

  /** Counts one hit for `subject` under `rule`; throws the 429 problem when over the limit. */
  async consume(rule: RateLimitRule, subject: string): Promise<void> {
    let result: WindowCount;
    try {
      result = await this.store.hit(`${rule.name}:${subjectKey(subject)}`, rule.windowSeconds * 1000);
    } catch (error) {
      this.log?.warn({ err: error, rule: rule.name }, 'rate limit store unavailable; request allowed');
      return;
    }
    if (result.count > rule.limit) throw rateLimited(Math.max(1, Math.ceil((result.resetAt - Date.now()) / 1000)));
  }

  /**
   * A route hook: counts the request under `rule` for the subject `subjectOf` names (nothing when it
   * names none). Use it in `onRequest` for per-IP limits (before the body is read) and in `preHandler`
   * for limits keyed on the validated body.
   */
  hook(rule: RateLimitRule, subjectOf: (request: FastifyRequest) => string | null | undefined) {
    return async (request: FastifyRequest): Promise<void> => {
      const subject = subjectOf(request);
      if (subject) await this.consume(rule, subject);
    };
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
