import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_MEDIA_TYPES, loadConfig } from '../src/config.js';
import { childEnv, REPO_DIR, run, tempDir } from './fixtures/process.js';

const dir = tempDir('admiral-config-test-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'x'.repeat(40);

function configError(env: Record<string, string>, cwd = dir): ConfigError {
  try {
    loadConfig(env, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

function writeJson(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('loadConfig: good values', () => {
  it('reads every variable', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '8080',
        DATABASE_URL: 'postgres://owner:pw@db.example.com:5433/admiral',
        DATABASE_RUNTIME_URL: 'postgresql://runtime:pw@db.example.com:5433/admiral',
        DATABASE_POOL_MAX: '25',
        ADMIRAL_DATA_DIR: 'data',
        ADMIRAL_EMBEDDED_PG_PORT: '55432',
        ADMIRAL_SECRET: SECRET,
        LOG_LEVEL: 'debug',
        CORS_ORIGINS: 'https://admin.example.com, http://localhost:5173',
        BODY_LIMIT_BYTES: '2048',
        ADMIRAL_WORKERS: 'no',
        SHUTDOWN_TIMEOUT_MS: '5000',
        TRUST_PROXY: 'true',
        PUBLIC_URL: 'https://admin.example.com',
        ADMIRAL_SMTP_URL: 'smtps://mailer:pw@smtp.example.com:465',
        ADMIRAL_MAIL_FROM: 'Ops <ops@example.com>',
        MEDIA_STORAGE: 's3',
        MEDIA_DIR: 'files',
        MEDIA_MAX_BYTES: '1048576',
        MEDIA_ALLOWED_TYPES: 'image/*, Application/PDF',
        MEDIA_MAX_PIXELS: '1000000',
        MEDIA_DERIVATIVE_WIDTHS: '800, 400,800',
        MEDIA_RETENTION_DAYS: '7',
        MEDIA_CDN_URL: 'https://cdn.example.com/media/',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_REGION: 'eu-west-1',
        S3_BUCKET: 'admiral-media',
        S3_ACCESS_KEY_ID: 'key-id',
        S3_SECRET_ACCESS_KEY: 'key-secret',
        S3_FORCE_PATH_STYLE: 'true',
      },
      dir,
    );
    expect(config).toEqual({
      env: 'production',
      host: '127.0.0.1',
      port: 8080,
      databaseUrl: 'postgres://owner:pw@db.example.com:5433/admiral',
      databaseRuntimeUrl: 'postgresql://runtime:pw@db.example.com:5433/admiral',
      databasePoolMax: 25,
      dataDir: path.join(dir, 'data'),
      embeddedPostgresPort: 55432,
      secret: SECRET,
      logLevel: 'debug',
      corsOrigins: ['https://admin.example.com', 'http://localhost:5173'],
      bodyLimitBytes: 2048,
      runWorkers: false,
      shutdownTimeoutMs: 5000,
      trustProxy: true,
      publicUrl: 'https://admin.example.com',
      smtpUrl: 'smtps://mailer:pw@smtp.example.com:465',
      mailFrom: 'Ops <ops@example.com>',
      media: {
        storage: 's3',
        dir: path.join(dir, 'files'),
        maxBytes: 1_048_576,
        allowedTypes: ['image/*', 'application/pdf'],
        maxPixels: 1_000_000,
        derivativeWidths: [400, 800],
        retentionDays: 7,
        cdnUrl: 'https://cdn.example.com/media',
        s3: {
          endpoint: 'http://127.0.0.1:9000',
          region: 'eu-west-1',
          bucket: 'admiral-media',
          accessKeyId: 'key-id',
          secretAccessKey: 'key-secret',
          forcePathStyle: true,
        },
      },
    });
  });

  it('has working defaults with an empty environment', () => {
    const config = loadConfig({}, dir);
    expect(config.env).toBe('development');
    expect(config.port).toBe(4000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.secret).toBeUndefined();
    expect(config.dataDir).toBe(path.join(dir, '.admiral'));
    expect(config.logLevel).toBe('info');
    expect(config.corsOrigins).toEqual([]);
    expect(config.runWorkers).toBe(true);
    expect(config.trustProxy).toBe(false);
    expect(config.media).toEqual({
      storage: 'local',
      dir: path.join(dir, '.admiral', 'media'),
      maxBytes: 50 * 1024 * 1024,
      allowedTypes: DEFAULT_MEDIA_TYPES,
      maxPixels: 40_000_000,
      derivativeWidths: [320, 768, 1280],
      retentionDays: 30,
      cdnUrl: undefined,
      s3: undefined,
    });
    expect(config.media.allowedTypes).not.toContain('image/svg+xml');
  });

  it('treats empty values as unset and accepts the range ends', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '', ADMIRAL_WORKERS: '' }, dir)).toMatchObject({ port: 4000, logLevel: 'info', runWorkers: true });
    expect(loadConfig({ PORT: '0' }, dir).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }, dir).port).toBe(65535);
    expect(loadConfig({ NODE_ENV: 'test' }, dir).logLevel).toBe('silent');
    expect(loadConfig({ CORS_ORIGINS: '*' }, dir).corsOrigins).toEqual(['*']);
  });
});

describe('loadConfig: bad values name the variable, the problem and what is expected', () => {
  const cases: Array<{ env: Record<string, string>; variable: string; problem: RegExp; expected: RegExp }> = [
    { env: { PORT: 'abc' }, variable: 'PORT', problem: /"abc" is not a whole number/, expected: /expected an integer from 0 to 65535/ },
    { env: { PORT: '70000' }, variable: 'PORT', problem: /70000 is out of range/, expected: /expected an integer from 0 to 65535/ },
    { env: { PORT: '-1' }, variable: 'PORT', problem: /"-1" is not a whole number/, expected: /expected an integer from 0 to 65535/ },
    {
      env: { DATABASE_URL: 'not-a-url' },
      variable: 'DATABASE_URL',
      problem: /is not a URL/,
      expected: /expected postgres:\/\/user:password@host:port\/database/,
    },
    { env: { DATABASE_URL: 'mysql://x/y' }, variable: 'DATABASE_URL', problem: /protocol "mysql:"/, expected: /expected postgres:\/\// },
    { env: { DATABASE_URL: 'postgres://u:pw@h' }, variable: 'DATABASE_URL', problem: /names no database/, expected: /expected postgres:\/\// },
    { env: { DATABASE_RUNTIME_URL: 'http://x/y' }, variable: 'DATABASE_RUNTIME_URL', problem: /protocol "http:"/, expected: /expected postgres:\/\// },
    {
      env: { LOG_LEVEL: 'loud' },
      variable: 'LOG_LEVEL',
      problem: /"loud" is not allowed/,
      expected: /expected one of fatal, error, warn, info, debug, trace, silent/,
    },
    { env: { NODE_ENV: 'staging' }, variable: 'NODE_ENV', problem: /"staging" is not allowed/, expected: /expected one of development, production, test/ },
    { env: { ADMIRAL_WORKERS: 'maybe' }, variable: 'ADMIRAL_WORKERS', problem: /"maybe" is not a boolean/, expected: /expected true or false/ },
    { env: { TRUST_PROXY: '2' }, variable: 'TRUST_PROXY', problem: /"2" is not a boolean/, expected: /expected true or false/ },
    {
      env: { CORS_ORIGINS: 'not an origin' },
      variable: 'CORS_ORIGINS',
      problem: /"not an origin" is not an origin/,
      expected: /expected a comma-separated list/,
    },
    {
      env: { CORS_ORIGINS: 'https://ok.example.com,https://admin.example.com/path' },
      variable: 'CORS_ORIGINS',
      problem: /"https:\/\/admin.example.com\/path" is not an origin/,
      expected: /expected a comma-separated list/,
    },
    { env: { ADMIRAL_SECRET: 'short' }, variable: 'ADMIRAL_SECRET', problem: /is too short/, expected: /expected at least 32 characters/ },
    { env: { DATABASE_POOL_MAX: '0' }, variable: 'DATABASE_POOL_MAX', problem: /0 is out of range/, expected: /expected an integer from 1 to 500/ },
    { env: { SHUTDOWN_TIMEOUT_MS: '1.5' }, variable: 'SHUTDOWN_TIMEOUT_MS', problem: /"1.5" is not a whole number/, expected: /expected an integer/ },
    { env: { PUBLIC_URL: 'admin' }, variable: 'PUBLIC_URL', problem: /"admin" is not a URL/, expected: /expected e.g. https:\/\// },
    {
      env: { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@h/db' },
      variable: 'ADMIRAL_SECRET',
      problem: /is missing/,
      expected: /expected at least 32 characters of random text in production/,
    },
    {
      env: { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@h/db', DATABASE_RUNTIME_URL: 'postgres://r:p@h/db' },
      variable: 'ADMIRAL_SECRET',
      problem: /is missing/,
      expected: /expected at least 32 characters of random text in production/,
    },
  ];

  const media: typeof cases = [
    { env: { MEDIA_STORAGE: 'gcs' }, variable: 'MEDIA_STORAGE', problem: /"gcs" is not allowed/, expected: /expected one of local, s3/ },
    { env: { MEDIA_MAX_BYTES: '0' }, variable: 'MEDIA_MAX_BYTES', problem: /0 is out of range/, expected: /expected an integer from 1 to 5368709120/ },
    { env: { MEDIA_MAX_BYTES: '50MB' }, variable: 'MEDIA_MAX_BYTES', problem: /"50MB" is not a whole number/, expected: /expected an integer/ },
    {
      env: { MEDIA_ALLOWED_TYPES: 'image/png,jpeg' },
      variable: 'MEDIA_ALLOWED_TYPES',
      problem: /"jpeg" is not a MIME type/,
      expected: /expected a comma-separated list like image\/\*/,
    },
    { env: { MEDIA_MAX_PIXELS: '-5' }, variable: 'MEDIA_MAX_PIXELS', problem: /is not a whole number/, expected: /expected an integer from 1 to 1000000000/ },
    { env: { MEDIA_DERIVATIVE_WIDTHS: '320,huge' }, variable: 'MEDIA_DERIVATIVE_WIDTHS', problem: /"huge" is not a width/, expected: /from 16 to 8192/ },
    { env: { MEDIA_DERIVATIVE_WIDTHS: '8' }, variable: 'MEDIA_DERIVATIVE_WIDTHS', problem: /"8" is not a width/, expected: /from 16 to 8192/ },
    { env: { MEDIA_RETENTION_DAYS: '4000' }, variable: 'MEDIA_RETENTION_DAYS', problem: /4000 is out of range/, expected: /from 0 to 3650/ },
    { env: { MEDIA_CDN_URL: 'cdn.example.com' }, variable: 'MEDIA_CDN_URL', problem: /is not a URL/, expected: /expected e.g. https:\/\/cdn/ },
    { env: { MEDIA_CDN_URL: 'ftp://cdn.example.com' }, variable: 'MEDIA_CDN_URL', problem: /protocol "ftp:"/, expected: /expected e.g. https:\/\// },
    { env: { MEDIA_STORAGE: 's3' }, variable: 'S3_BUCKET', problem: /is missing/, expected: /expected the bucket name when MEDIA_STORAGE=s3/ },
    {
      env: { MEDIA_STORAGE: 's3', S3_BUCKET: 'Bad_Bucket' },
      variable: 'S3_BUCKET',
      problem: /is not a bucket name/,
      expected: /expected 3–63 lower-case letters/,
    },
    { env: { MEDIA_STORAGE: 's3', S3_BUCKET: 'media', S3_ENDPOINT: 'nope' }, variable: 'S3_ENDPOINT', problem: /is not a URL/, expected: /expected e.g./ },
    {
      env: { MEDIA_STORAGE: 's3', S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'id' },
      variable: 'S3_SECRET_ACCESS_KEY',
      problem: /is missing/,
      expected: /beside S3_ACCESS_KEY_ID/,
    },
    {
      env: { MEDIA_STORAGE: 's3', S3_BUCKET: 'media', S3_SECRET_ACCESS_KEY: 'shh' },
      variable: 'S3_ACCESS_KEY_ID',
      problem: /is missing/,
      expected: /beside S3_SECRET_ACCESS_KEY/,
    },
    {
      env: { MEDIA_STORAGE: 's3', S3_BUCKET: 'media', S3_REGION: 'EU West' },
      variable: 'S3_REGION',
      problem: /is not a region/,
      expected: /expected e.g. us-east-1/,
    },
    {
      env: { MEDIA_STORAGE: 's3', S3_BUCKET: 'media', S3_FORCE_PATH_STYLE: 'maybe' },
      variable: 'S3_FORCE_PATH_STYLE',
      problem: /is not a boolean/,
      expected: /expected true or false/,
    },
  ];
  cases.push(...media);

  it('media: S3 settings are read only for MEDIA_STORAGE=s3, and default the region', () => {
    expect(loadConfig({ S3_BUCKET: 'Not Checked' }, dir).media.s3).toBeUndefined();
    expect(loadConfig({ MEDIA_STORAGE: 's3', S3_BUCKET: 'media' }, dir).media.s3).toEqual({
      endpoint: undefined,
      region: 'us-east-1',
      bucket: 'media',
      accessKeyId: undefined,
      secretAccessKey: undefined,
      forcePathStyle: false,
    });
    expect(loadConfig({ MEDIA_DIR: '/srv/media', MEDIA_RETENTION_DAYS: '0' }, dir).media).toMatchObject({ dir: '/srv/media', retentionDays: 0 });
    const error = configError({ MEDIA_STORAGE: 's3', S3_BUCKET: 'media', S3_SECRET_ACCESS_KEY: 'SuperSecret' });
    expect(error.variable).toBe('S3_ACCESS_KEY_ID');
    expect(error.message).not.toContain('SuperSecret');
  });

  it.each(cases)('$variable=$env', ({ env, variable, problem, expected }) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `), error.message).toBe(true);
    expect(error.message).toMatch(problem);
    expect(error.message).toMatch(expected);
    expect(error.message).not.toContain('\n');
  });

  it('never shows a secret value in the message', () => {
    const leaks: Array<Record<string, string>> = [
      { DATABASE_URL: 'postgres://u:SuperSecret@h' },
      { DATABASE_URL: 'postgres://u:SuperSecret@h:notaport/db' },
      { DATABASE_URL: 'SuperSecret' },
      { DATABASE_URL: 'mysql://u:SuperSecret@h/db' },
      { DATABASE_RUNTIME_URL: 'postgres://u:SuperSecret@h' },
      { DATABASE_RUNTIME_URL: 'SuperSecret' },
      { ADMIRAL_SECRET: 'SuperSecret' },
    ];
    for (const env of leaks) {
      const error = configError(env);
      expect(error.variable).toBe(Object.keys(env)[0]);
      expect(error.message, JSON.stringify(env)).not.toContain('SuperSecret');
    }
  });
});

describe('ADMIRAL_CONFIG_FILE', () => {
  it('is layered under the environment: env overrides the file', () => {
    const file = writeJson(
      'layered.json',
      JSON.stringify({ PORT: 5000, LOG_LEVEL: 'debug', ADMIRAL_WORKERS: false, CORS_ORIGINS: 'https://file.example.com' }),
    );
    const config = loadConfig({ ADMIRAL_CONFIG_FILE: file, PORT: '6000', CORS_ORIGINS: 'https://env.example.com' }, dir);
    expect(config.port).toBe(6000);
    expect(config.corsOrigins).toEqual(['https://env.example.com']);
    expect(config.logLevel).toBe('debug');
    expect(config.runWorkers).toBe(false);
  });

  it('resolves a relative path against the working directory', () => {
    writeJson('relative.json', JSON.stringify({ PORT: '5001' }));
    expect(loadConfig({ ADMIRAL_CONFIG_FILE: 'relative.json' }, dir).port).toBe(5001);
  });

  it('checks the values it holds like environment values', () => {
    const file = writeJson('bad-value.json', JSON.stringify({ PORT: 'abc' }));
    const error = configError({ ADMIRAL_CONFIG_FILE: file });
    expect(error.variable).toBe('PORT');
    expect(error.message).toMatch(/not a whole number; expected an integer/);
  });

  it('missing file', () => {
    const missing = path.join(dir, 'missing.json');
    const error = configError({ ADMIRAL_CONFIG_FILE: missing });
    expect(error.variable).toBe('ADMIRAL_CONFIG_FILE');
    expect(error.message).toMatch(/^ADMIRAL_CONFIG_FILE: /);
    expect(error.message).toContain(`cannot read ${JSON.stringify(missing)} (ENOENT)`);
    expect(error.message).toContain('expected a readable JSON file');
  });

  it('invalid JSON', () => {
    const file = writeJson('invalid.json', '{ "PORT": 4000, ');
    const error = configError({ ADMIRAL_CONFIG_FILE: file });
    expect(error.variable).toBe('ADMIRAL_CONFIG_FILE');
    expect(error.message).toContain(`${JSON.stringify(file)} is not valid JSON`);
    expect(error.message).toContain('expected an object of variable names to values');
  });

  it('JSON that is not an object', () => {
    const file = writeJson('array.json', '["PORT"]');
    const error = configError({ ADMIRAL_CONFIG_FILE: file });
    expect(error.variable).toBe('ADMIRAL_CONFIG_FILE');
    expect(error.message).toContain('does not hold an object; expected an object of variable names to values');
  });

  it('unknown key', () => {
    const file = writeJson('unknown.json', JSON.stringify({ PORT: 4000, DATABSE_URL: 'postgres://u:SuperSecret@h/db' }));
    const error = configError({ ADMIRAL_CONFIG_FILE: file });
    expect(error.variable).toBe('DATABSE_URL');
    expect(error.message).toMatch(/^DATABSE_URL: /);
    expect(error.message).toContain(JSON.stringify(file));
    expect(error.message).toContain('is not a known setting');
    expect(error.message).toMatch(/expected one of NODE_ENV, .*DATABASE_URL/);
    expect(error.message).not.toContain('SuperSecret');
  });

  it('never shows a secret value held in the file', () => {
    const file = writeJson('secret.json', JSON.stringify({ DATABASE_URL: 'postgres://u:SuperSecret@h' }));
    const error = configError({ ADMIRAL_CONFIG_FILE: file });
    expect(error.variable).toBe('DATABASE_URL');
    expect(error.message).not.toContain('SuperSecret');
  });
});

describe('as a process', () => {
  it('`admiral serve` with PORT=abc exits 1 with one line naming PORT', async () => {
    const result = await run(process.execPath, ['server/bin/admiral.js', 'serve'], { cwd: REPO_DIR, env: childEnv({ PORT: 'abc' }) });
    expect(result.code, result.stderr).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    expect(lines, result.stderr).toHaveLength(1);
    expect(result.stderr.endsWith('\n')).toBe(true);
    expect(lines[0]).toContain('PORT');
    expect(lines[0]).toContain('"abc" is not a whole number; expected an integer from 0 to 65535');
    expect(result.stdout).toBe('');
  });

  it('does not print a secret from DATABASE_URL', async () => {
    const result = await run(process.execPath, ['server/bin/admiral.js', 'serve'], {
      cwd: REPO_DIR,
      env: childEnv({ DATABASE_URL: 'postgres://u:SuperSecret@h' }),
    });
    expect(result.code, result.stderr).toBe(1);
    expect(
      result.stderr.split('\n').filter((line) => line !== ''),
      result.stderr,
    ).toHaveLength(1);
    expect(result.stderr).toContain('DATABASE_URL');
    expect(result.stderr).not.toContain('SuperSecret');
    expect(result.stdout).not.toContain('SuperSecret');
  });
});
