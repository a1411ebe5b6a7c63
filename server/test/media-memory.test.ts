import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSites } from './helpers/access.js';
import { startTestAdmiral, staticPrincipal, type TestAdmiral } from './helpers/app.js';
import { mediaDir, removeDir } from './helpers/media.js';

let admiral: TestAdmiral;
let base: string;
let dir: string;
const site = uuidv7();
const EDITOR = uuidv7();
const FILE_BYTES = 40 * 1024 * 1024;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

/**
 * The client, in its own process (so this process's memory is the server's alone): a multipart body written
 * chunk by chunk with backpressure, hashing as it goes. Prints { status, body, sha256, seconds }.
 */
const CLIENT = `
import http from 'node:http';
import { createHash } from 'node:crypto';
const [url, token, total] = process.argv.slice(1);
const size = Number(total);
const boundary = 'admiral-' + Date.now();
const head = Buffer.from('--' + boundary + '\\r\\nContent-Disposition: form-data; name="file"; filename="big.txt"\\r\\nContent-Type: text/plain\\r\\n\\r\\n');
const tail = Buffer.from('\\r\\n--' + boundary + '--\\r\\n');
const line = Buffer.from('The quick brown fox jumps over the lazy dog, again and again and again.\\n');
const hash = createHash('sha256');
const started = process.hrtime.bigint();
const request = http.request(url, { method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'multipart/form-data; boundary=' + boundary, 'content-length': head.length + size + tail.length } });
request.on('response', (response) => {
  let text = '';
  response.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(JSON.stringify({ status: response.statusCode, body: JSON.parse(text), sha256: hash.digest('hex'), seconds }));
  });
});
const drain = () => new Promise((resolve) => request.once('drain', resolve));
if (!request.write(head)) await drain();
for (let sent = 0; sent < size; ) {
  const n = Math.min(64 * 1024, size - sent);
  const chunk = Buffer.alloc(n);
  for (let at = 0; at < n; at += line.length) line.copy(chunk, at, 0, Math.min(line.length, n - at));
  hash.update(chunk);
  sent += n;
  if (!request.write(chunk)) await drain();
}
request.end(tail);
`;

function runClient(): Promise<{ status: number; body: Record<string, unknown> & { storage: { storageKey: string } }; sha256: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CLIENT, `${base}/v1/sites/${site}/media`, 'editor', String(FILE_BYTES)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client exited ${code}: ${err}`))));
  });
}

beforeAll(async () => {
  dir = mediaDir();
  admiral = await startTestAdmiral({
    env: { MEDIA_DIR: dir },
    tokens: { editor: staticPrincipal({ id: EDITOR, sites: { [site]: ['media.read', 'media.upload'] } }) },
  });
  await insertSites(admiral, site);
  await admiral.db.ownerQuery('INSERT INTO users (id, email) VALUES ($1, $2)', [EDITOR, `${EDITOR}@media.test`]);
  base = await admiral.listen();
});
afterAll(async () => {
  await admiral?.stop();
  removeDir(dir);
});

describe('a large upload is streamed, not buffered', () => {
  it(`stores a ${FILE_BYTES / 1024 / 1024} MB file while the server's memory grows by a small fraction of it`, { timeout: 120_000 }, async () => {
    gc();
    const baseline = process.memoryUsage();
    let peakHeap = baseline.heapUsed;
    let peakBuffers = baseline.arrayBuffers;
    let peakRss = baseline.rss;
    // A young-generation sweep before each sample (cheap; where spent chunks die): what counts is memory
    // still held, not chunks already let go and not yet collected.
    const sampler = setInterval(() => {
      gc({ type: 'minor' });
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
      peakRss = Math.max(peakRss, now.rss);
    }, 20);
    const result = await runClient().finally(() => clearInterval(sampler));
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    expect(result.body).toMatchObject({ sizeBytes: FILE_BYTES, mimeType: 'text/plain', checksum: result.sha256 });
    expect(statSync(path.join(dir, 'objects', result.body.storage.storageKey)).size).toBe(FILE_BYTES);
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    const growth = { heap: peakHeap - baseline.heapUsed, buffers: peakBuffers - baseline.arrayBuffers, rss: peakRss - baseline.rss };
    console.info(
      `media upload: ${mb(FILE_BYTES)} MB in ${result.seconds.toFixed(2)} s = ${(FILE_BYTES / 1024 / 1024 / result.seconds).toFixed(1)} MB/s; ` +
        `server peak growth: heapUsed +${mb(growth.heap)} MB, arrayBuffers +${mb(growth.buffers)} MB, rss +${mb(growth.rss)} MB`,
    );
    // Holding the file would add 40 MB; streaming keeps a few chunks in flight.
    expect(growth.heap).toBeLessThan(FILE_BYTES / 4);
    expect(growth.buffers).toBeLessThan(FILE_BYTES / 4);
  });
});
