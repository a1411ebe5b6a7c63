import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Admiral's configuration: environment variables, optionally layered over a JSON file named by
 * ADMIRAL_CONFIG_FILE (keys are the variable names). Every value is checked once at start; a bad
 * value stops the process with one line that names the variable, the problem and what is expected.
 */
export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Owner connection (migrations). Unset: Admiral runs its embedded PostgreSQL. */
  databaseUrl: string | undefined;
  /** Runtime connection (non-owner login role). Unset: derived from databaseUrl and the secret. */
  databaseRuntimeUrl: string | undefined;
  databasePoolMax: number;
  dataDir: string;
  embeddedPostgresPort: number;
  /** Master secret: derives the runtime role's password and (later) encryption keys. */
  secret: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  corsOrigins: string[];
  bodyLimitBytes: number;
  runWorkers: boolean;
  shutdownTimeoutMs: number;
  trustProxy: boolean;
  publicUrl: string | undefined;
  /** Redis for counters shared by every process (rate limits). Unset: counted in this process. */
  redisUrl: string | undefined;
  /** Overrides of the sign-in rate limits (per IP and per account in one window); unset keeps the defaults. */
  authRateLimit: { perIp?: number; perAccount?: number; windowSeconds?: number } | undefined;
  /** How long a resolved session or API key is reused before it is resolved again (0: every request); unset keeps the default. */
  authCacheSeconds: number | undefined;
  /** SMTP server for outgoing mail (smtp:// or smtps://, credentials in the URL). Unset: mail is only stored in the outbox. */
  smtpUrl: string | undefined;
  /** The From of outgoing mail. */
  mailFrom: string;
  /** The media library: where files are kept and what an upload may be. */
  media: MediaConfig;
}

/** S3-compatible object storage for media (MEDIA_STORAGE=s3). */
export interface MediaS3Config {
  /** Unset: AWS's own endpoint for the region. */
  endpoint: string | undefined;
  region: string;
  bucket: string;
  /** Both or neither; neither: the SDK's default credential chain (environment, instance role). */
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** `host/bucket/key` addressing (most S3-compatible servers) instead of `bucket.host/key`. */
  forcePathStyle: boolean;
}

export interface MediaConfig {
  storage: 'local' | 's3';
  /** Local storage's files, and the staging area of uploads in progress (both drivers). */
  dir: string;
  maxBytes: number;
  /** MIME types (`image/png`) or wildcards (`image/*`) an upload may be. */
  allowedTypes: string[];
  /** Largest image (width × height) read or processed: bigger ones are refused as image bombs. */
  maxPixels: number;
  /** Widths of the resized derivatives, ascending. */
  derivativeWidths: number[];
  /** Days a soft-deleted asset is kept before the purge job removes it. */
  retentionDays: number;
  /** Public base URL in front of the stored objects (a CDN); public assets get `<cdnUrl>/<storage key>`. */
  cdnUrl: string | undefined;
  s3: MediaS3Config | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Source = Record<string, string | undefined>;

const SECRET_VARIABLES = new Set(['DATABASE_URL', 'DATABASE_RUNTIME_URL', 'ADMIRAL_SECRET', 'REDIS_URL', 'ADMIRAL_SMTP_URL', 'S3_SECRET_ACCESS_KEY']);

/** Never echo secrets back in an error message. */
function shown(name: string, value: string): string {
  return SECRET_VARIABLES.has(name) ? '(value hidden)' : JSON.stringify(value);
}

function integer(src: Source, name: string, fallback: number, min: number, max: number): number {
  const raw = src[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `${shown(name, raw)} is not a whole number; expected an integer from ${min} to ${max}`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `${value} is out of range; expected an integer from ${min} to ${max}`);
  return value;
}

function optionalInteger(src: Source, name: string, min: number, max: number): number | undefined {
  const raw = src[name];
  return raw === undefined || raw === '' ? undefined : integer(src, name, min, min, max);
}

function redisUrl(src: Source, name: string): string | undefined {
  const raw = src[name];
  if (raw === undefined || raw === '') return undefined;
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    throw new ConfigError(name, `${shown(name, raw)} is not a URL; expected redis://[user:password@]host:port[/db]`);
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new ConfigError(name, `uses protocol "${protocol}"; expected redis:// or rediss://`);
  return raw;
}

function smtpUrl(src: Source, name: string): string | undefined {
  const raw = src[name];
  if (raw === undefined || raw === '') return undefined;
  const expected = 'expected smtp://user:password@host:port or smtps://user:password@host:port';
  let url: URL;
  try {
    url = new URL(raw);
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    throw new ConfigError(name, `is not a URL (or its credentials are not percent-encoded); ${expected}`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError(name, `uses protocol "${url.protocol}"; ${expected}`);
  if (!url.hostname) throw new ConfigError(name, `names no host; ${expected}`);
  return raw;
}

/** `Name <address@host>` or `address@host`, on one line (it becomes a header). */
function mailbox(src: Source, name: string, fallback: string): string {
  const raw = src[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim();
  if (!/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(value)) {
    throw new ConfigError(name, `${JSON.stringify(value)} is not a mail address; expected e.g. "Admiral <admiral@example.com>" or admiral@example.com`);
  }
  return value;
}

function authRateLimit(src: Source): Config['authRateLimit'] {
  const limits = {
    perIp: optionalInteger(src, 'AUTH_RATE_LIMIT_PER_IP', 1, 1_000_000),
    perAccount: optionalInteger(src, 'AUTH_RATE_LIMIT_PER_ACCOUNT', 1, 1_000_000),
    windowSeconds: optionalInteger(src, 'AUTH_RATE_LIMIT_WINDOW_SECONDS', 1, 86_400),
  };
  return Object.values(limits).some((value) => value !== undefined) ? limits : undefined;
}

function boolean(src: Source, name: string, fallback: boolean): boolean {
  const raw = src[name];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, `${shown(name, raw)} is not a boolean; expected true or false`);
}

function oneOf<T extends string>(src: Source, name: string, allowed: readonly T[], fallback: T): T {
  const raw = src[name];
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(name, `${shown(name, raw)} is not allowed; expected one of ${allowed.join(', ')}`);
}

function postgresUrl(src: Source, name: string): string | undefined {
  const raw = src[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `${shown(name, raw)} is not a URL; expected postgres://user:password@host:port/database`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(name, `uses protocol "${url.protocol}"; expected postgres://user:password@host:port/database`);
  }
  if (url.pathname.length <= 1) throw new ConfigError(name, 'names no database; expected postgres://user:password@host:port/database');
  return raw;
}

function origins(src: Source, name: string): string[] {
  const raw = src[name];
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((origin) => {
    const o = origin.trim();
    if (o === '*') return o;
    try {
      const u = new URL(o);
      if (u.origin !== o) throw new Error('not an origin');
      return o;
    } catch {
      throw new ConfigError(name, `${JSON.stringify(o)} is not an origin; expected a comma-separated list like https://admin.example.com`);
    }
  });
}

/** SVG is left out on purpose: it can carry script, so a site opts in knowingly (it is always served as an attachment). */
export const DEFAULT_MEDIA_TYPES =
  'image/jpeg image/png image/gif image/webp image/avif application/pdf video/mp4 video/webm audio/mpeg audio/ogg audio/wav text/plain text/csv'.split(' ');

function mediaTypes(src: Source, name: string): string[] {
  const raw = src[name];
  if (raw === undefined || raw.trim() === '') return [...DEFAULT_MEDIA_TYPES];
  return raw.split(',').map((entry) => {
    const type = entry.trim().toLowerCase();
    if (!/^[a-z0-9][a-z0-9!#$&^_.+-]*\/(?:\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/.test(type)) {
      throw new ConfigError(name, `${JSON.stringify(entry.trim())} is not a MIME type; expected a comma-separated list like image/*,application/pdf`);
    }
    return type;
  });
}

function widths(src: Source, name: string, fallback: number[]): number[] {
  const raw = src[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const expected = 'expected a comma-separated list of up to 10 widths from 16 to 8192, like 320,768,1280';
  const values = raw.split(',').map((entry) => {
    const text = entry.trim();
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 16 || value > 8192) throw new ConfigError(name, `${JSON.stringify(text)} is not a width; ${expected}`);
    return value;
  });
  if (values.length > 10) throw new ConfigError(name, `names ${values.length} widths; ${expected}`);
  return [...new Set(values)].sort((a, b) => a - b);
}

function httpUrl(src: Source, name: string, example: string): string | undefined {
  const raw = src[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `${shown(name, raw)} is not a URL; expected e.g. ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, `uses protocol "${url.protocol}"; expected e.g. ${example}`);
  return raw.replace(/\/+$/, '');
}

function mediaS3(src: Source, storage: MediaConfig['storage']): MediaS3Config | undefined {
  const bucket = src.S3_BUCKET?.trim() || undefined;
  if (storage !== 's3') return undefined;
  if (!bucket) throw new ConfigError('S3_BUCKET', 'is missing; expected the bucket name when MEDIA_STORAGE=s3');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError('S3_BUCKET', `${JSON.stringify(bucket)} is not a bucket name; expected 3–63 lower-case letters, digits, dots and hyphens`);
  }
  const accessKeyId = src.S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = src.S3_SECRET_ACCESS_KEY || undefined;
  if (accessKeyId && !secretAccessKey) throw new ConfigError('S3_SECRET_ACCESS_KEY', 'is missing; expected it beside S3_ACCESS_KEY_ID (or neither)');
  if (secretAccessKey && !accessKeyId) throw new ConfigError('S3_ACCESS_KEY_ID', 'is missing; expected it beside S3_SECRET_ACCESS_KEY (or neither)');
  const region = src.S3_REGION?.trim() || 'us-east-1';
  if (!/^[a-z0-9-]{1,64}$/.test(region)) throw new ConfigError('S3_REGION', `${JSON.stringify(region)} is not a region; expected e.g. us-east-1`);
  return {
    endpoint: httpUrl(src, 'S3_ENDPOINT', 'https://s3.example.com or http://127.0.0.1:9000'),
    region,
    bucket,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: boolean(src, 'S3_FORCE_PATH_STYLE', false),
  };
}

function mediaConfig(src: Source, cwd: string, dataDir: string): MediaConfig {
  const storage = oneOf(src, 'MEDIA_STORAGE', ['local', 's3'] as const, 'local');
  return {
    storage,
    dir: src.MEDIA_DIR ? path.resolve(cwd, src.MEDIA_DIR) : path.join(dataDir, 'media'),
    maxBytes: integer(src, 'MEDIA_MAX_BYTES', 50 * 1024 * 1024, 1, 5 * 1024 ** 3),
    allowedTypes: mediaTypes(src, 'MEDIA_ALLOWED_TYPES'),
    maxPixels: integer(src, 'MEDIA_MAX_PIXELS', 40_000_000, 1, 1_000_000_000),
    derivativeWidths: widths(src, 'MEDIA_DERIVATIVE_WIDTHS', [320, 768, 1280]),
    retentionDays: integer(src, 'MEDIA_RETENTION_DAYS', 30, 0, 3650),
    cdnUrl: httpUrl(src, 'MEDIA_CDN_URL', 'https://cdn.example.com/media'),
    s3: mediaS3(src, storage),
  };
}

function readConfigFile(file: string): Source {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'ADMIRAL_CONFIG_FILE',
      `cannot read ${JSON.stringify(file)} (${(error as NodeJS.ErrnoException).code ?? 'error'}); expected a readable JSON file`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('ADMIRAL_CONFIG_FILE', `${JSON.stringify(file)} is not valid JSON; expected an object of variable names to values`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('ADMIRAL_CONFIG_FILE', `${JSON.stringify(file)} does not hold an object; expected an object of variable names to values`);
  }
  const out: Source = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!KNOWN_VARIABLES.includes(key)) {
      throw new ConfigError(key, `in ${JSON.stringify(file)} is not a known setting; expected one of ${KNOWN_VARIABLES.join(', ')}`);
    }
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

const MEDIA_VARIABLES =
  'MEDIA_STORAGE MEDIA_DIR MEDIA_MAX_BYTES MEDIA_ALLOWED_TYPES MEDIA_MAX_PIXELS MEDIA_DERIVATIVE_WIDTHS MEDIA_RETENTION_DAYS MEDIA_CDN_URL'.split(' ');
const S3_VARIABLES = 'S3_ENDPOINT S3_REGION S3_BUCKET S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY S3_FORCE_PATH_STYLE'.split(' ');

export const KNOWN_VARIABLES = [
  'NODE_ENV',
  'HOST',
  'PORT',
  'DATABASE_URL',
  'DATABASE_RUNTIME_URL',
  'DATABASE_POOL_MAX',
  'ADMIRAL_DATA_DIR',
  'ADMIRAL_EMBEDDED_PG_PORT',
  'ADMIRAL_SECRET',
  'LOG_LEVEL',
  'CORS_ORIGINS',
  'BODY_LIMIT_BYTES',
  'ADMIRAL_WORKERS',
  'SHUTDOWN_TIMEOUT_MS',
  'TRUST_PROXY',
  'PUBLIC_URL',
  'REDIS_URL',
  'AUTH_RATE_LIMIT_PER_IP',
  'AUTH_RATE_LIMIT_PER_ACCOUNT',
  'AUTH_RATE_LIMIT_WINDOW_SECONDS',
  'AUTH_CACHE_SECONDS',
  'ADMIRAL_SMTP_URL',
  'ADMIRAL_MAIL_FROM',
  ...MEDIA_VARIABLES,
  ...S3_VARIABLES,
];

export function loadConfig(env: Source = process.env, cwd = process.cwd()): Config {
  const file = env.ADMIRAL_CONFIG_FILE;
  const src: Source = { ...(file ? readConfigFile(path.resolve(cwd, file)) : {}), ...env };
  const nodeEnv = oneOf(src, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const secret = src.ADMIRAL_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < 32) {
    throw new ConfigError('ADMIRAL_SECRET', 'is too short; expected at least 32 characters of random text (e.g. `openssl rand -base64 48`)');
  }
  const databaseUrl = postgresUrl(src, 'DATABASE_URL');
  const databaseRuntimeUrl = postgresUrl(src, 'DATABASE_RUNTIME_URL');
  // In production the master secret must come from configuration: it derives the runtime role's password
  // and the key that seals TOTP and OAuth secrets, so a lost local file would lock those out.
  if (nodeEnv === 'production' && !secret) {
    throw new ConfigError('ADMIRAL_SECRET', 'is missing; expected at least 32 characters of random text in production (e.g. `openssl rand -base64 48`)');
  }
  const publicUrl = src.PUBLIC_URL || undefined;
  if (publicUrl) {
    try {
      new URL(publicUrl);
    } catch {
      throw new ConfigError('PUBLIC_URL', `${JSON.stringify(publicUrl)} is not a URL; expected e.g. https://admin.example.com`);
    }
  }
  const dataDir = path.resolve(cwd, src.ADMIRAL_DATA_DIR || '.admiral');
  return {
    env: nodeEnv,
    host: src.HOST || '0.0.0.0',
    port: integer(src, 'PORT', 4000, 0, 65535),
    databaseUrl,
    databaseRuntimeUrl,
    databasePoolMax: integer(src, 'DATABASE_POOL_MAX', 10, 1, 500),
    dataDir,
    embeddedPostgresPort: integer(src, 'ADMIRAL_EMBEDDED_PG_PORT', 54329, 1, 65535),
    secret: secret || undefined,
    logLevel: oneOf(src, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, nodeEnv === 'test' ? 'silent' : 'info'),
    corsOrigins: origins(src, 'CORS_ORIGINS'),
    bodyLimitBytes: integer(src, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    runWorkers: boolean(src, 'ADMIRAL_WORKERS', true),
    shutdownTimeoutMs: integer(src, 'SHUTDOWN_TIMEOUT_MS', 15_000, 100, 600_000),
    trustProxy: boolean(src, 'TRUST_PROXY', false),
    publicUrl,
    redisUrl: redisUrl(src, 'REDIS_URL'),
    authRateLimit: authRateLimit(src),
    authCacheSeconds: optionalInteger(src, 'AUTH_CACHE_SECONDS', 0, 60),
    smtpUrl: smtpUrl(src, 'ADMIRAL_SMTP_URL'),
    mailFrom: mailbox(src, 'ADMIRAL_MAIL_FROM', 'Admiral <admiral@localhost>'),
    media: mediaConfig(src, cwd, dataDir),
  };
}
