import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../../kernel/crypto/secret-box.js';
import { forbidden } from '../../kernel/http/problem.js';

/** What a signed link grants: one asset's bytes (or one derivative's) on one site, until `expires` (Unix seconds). */
export interface SignedTarget {
  siteId: string;
  assetId: string;
  variant: string | null;
  expires: number;
}

/**
 * Signed, expiring links to media: HMAC-SHA256 under a key derived from the master secret, over the site,
 * the asset, the variant and the expiry. Anyone holding the link reads those bytes until it expires;
 * changing any part of it (another asset, a later expiry) breaks the signature.
 */
export class MediaUrlSigner {
  private readonly key: Buffer;

  constructor(secrets: SecretBox) {
    this.key = secrets.derive('admiral:media:signed-url:v1');
  }

  sign(target: SignedTarget): string {
    return createHmac('sha256', this.key).update(canonical(target)).digest('base64url');
  }

  /** The link for `target`, relative to the API's origin (absolute under `base` when given). */
  url(target: SignedTarget, base?: string): string {
    const query = new URLSearchParams({
      ...(target.variant ? { variant: target.variant } : {}),
      expires: String(target.expires),
      signature: this.sign(target),
    });
    return `${base ?? ''}/v1/sites/${target.siteId}/media/${target.assetId}/signed?${query}`;
  }

  /** 403 for a forged or altered link, and for one past its expiry. Compared in constant time. */
  verify(target: SignedTarget, signature: string, nowSeconds = Math.floor(Date.now() / 1000)): void {
    const expected = Buffer.from(this.sign(target), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw forbidden('invalid_signature', 'The link is not valid: its signature does not match.');
    }
    if (target.expires <= nowSeconds) throw forbidden('link_expired', 'The link has expired; ask for a new one.');
  }
}

const canonical = (target: SignedTarget) =>
  ['media', target.siteId.toLowerCase(), target.assetId.toLowerCase(), target.variant ?? '', target.expires].join('\n');
