import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { TestAdmiral } from './app.js';

/** A fresh directory for MEDIA_DIR (removed by `removeDir`). */
export const mediaDir = () => mkdtempSync(path.join(os.tmpdir(), 'admiral-media-test-'));
export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** Every file under `dir` (relative paths), e.g. to prove a refused upload left nothing behind. */
export function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out = out.concat(filesUnder(full).map((file) => path.join(entry, file)));
    else out.push(entry);
  }
  return out.sort();
}

/** A real image made by sharp: a gradient-ish noise so encoders cannot shrink it to nothing. */
export async function image(width: number, height: number, format: 'png' | 'jpeg' | 'webp' | 'gif' = 'png', seed = 1): Promise<Buffer> {
  const channels = 3;
  const raw = Buffer.alloc(width * height * channels);
  let state = seed * 2654435761;
  for (let i = 0; i < raw.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    raw[i] = (i % 251) ^ (state >>> 24);
  }
  return sharp(raw, { raw: { width, height, channels } }).toFormat(format).toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A tiny, well-formed PNG that declares huge dimensions (an image bomb): a few hundred bytes, billions of pixels. */
export function pngBomb(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(1, 8); // bit depth 1
  header.writeUInt8(0, 9); // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The start of a Windows executable (MZ header and PE signature): what a renamed .exe looks like. */
export function windowsExecutable(): Buffer {
  const bytes = Buffer.alloc(1024);
  bytes.write('MZ', 0, 'ascii');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'binary');
  bytes.writeUInt16LE(0x14c, 0x84);
  return bytes;
}

export interface UploadOptions {
  bytes: Buffer;
  filename: string;
  type?: string;
  fields?: Record<string, string>;
  token: string;
}

/** A real multipart upload over HTTP (fetch + FormData), as a browser sends it. */
export async function upload(
  base: string,
  siteId: string,
  options: UploadOptions,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(options.bytes)], { type: options.type ?? '' }), options.filename);
  const response = await fetch(`${base}/v1/sites/${siteId}/media`, { method: 'POST', body: form, headers: { authorization: `Bearer ${options.token}` } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

export async function uploadOk(base: string, siteId: string, options: UploadOptions): Promise<Record<string, unknown> & { id: string }> {
  const result = await upload(base, siteId, options);
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body as Record<string, unknown> & { id: string };
}

export function expectProblemBody(result: { status: number; body: Record<string, unknown> }, status: number, code: string): void {
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.body).toMatchObject({ status, code });
}

/** Rows of the three media tables (as the owner: every site). */
export async function mediaCounts(admiral: TestAdmiral): Promise<{ assets: number; storage: number; derivatives: number }> {
  const { rows } = await admiral.db.ownerQuery<{ assets: number; storage: number; derivatives: number }>(
    `SELECT (SELECT count(*)::int FROM media_assets) AS assets, (SELECT count(*)::int FROM media_storage) AS storage,
            (SELECT count(*)::int FROM media_derivatives) AS derivatives`,
  );
  return rows[0] ?? { assets: -1, storage: -1, derivatives: -1 };
}

/** Runs a media job's handler directly, as a worker would. */
export async function runJob(admiral: TestAdmiral, name: string, data: Record<string, unknown> = {}): Promise<void> {
  const job = admiral.modules.flatMap((m) => m.jobs ?? []).find((j) => j.name === name);
  if (!job) throw new Error(`no job ${name}`);
  await job.handler(data, { jobId: 'test', attempt: 1, db: admiral.kernel.db });
}

export async function mediaAudits(
  admiral: TestAdmiral,
  targetId: string,
): Promise<Array<{ action: string; actor_user_id: string | null; metadata: Record<string, unknown> }>> {
  const { rows } = await admiral.db.ownerQuery<{ action: string; actor_user_id: string | null; metadata: Record<string, unknown> }>(
    `SELECT action, actor_user_id, metadata FROM audit_logs WHERE target_id = $1 AND category = 'media' ORDER BY seq`,
    [targetId],
  );
  return rows;
}
