import sharp from 'sharp';

export type OutputFormat = 'jpeg' | 'png' | 'webp';

/** One derivative to make: its name, format and how it is sized. */
export interface VariantSpec {
  variant: string;
  format: OutputFormat;
  /** cover: exactly this box, cropped to fill it; width: this width, height in proportion. */
  resize: { kind: 'cover'; width: number; height: number } | { kind: 'width'; width: number } | { kind: 'none' };
}

export interface RenderedVariant {
  variant: string;
  mimeType: string;
  extension: string;
  width: number;
  height: number;
  data: Buffer;
}

export const THUMBNAIL_SIZE = 200;

/** The image itself cannot be decoded (damaged, truncated, over the pixel limit): retrying will not help. */
export class ImageDecodeError extends Error {
  constructor(cause: unknown) {
    super(`the image could not be processed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ImageDecodeError';
  }
}

const MIME: Record<OutputFormat, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };
const EXTENSION: Record<OutputFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

/** The format a re-encoded copy keeps: the original's where it is JPEG, PNG or WebP; else PNG with transparency, JPEG without. */
function familyOf(mimeType: string, hasAlpha: boolean): OutputFormat {
  if (mimeType === 'image/jpeg' || mimeType === 'image/png' || mimeType === 'image/webp') return mimeType.slice('image/'.length) as OutputFormat;
  return hasAlpha ? 'png' : 'jpeg';
}

/**
 * What to make of an image: a square thumbnail, a WebP copy, a compressed copy in its own format, and a copy
 * at each configured width narrower than the image (never enlarged).
 */
export function variantSpecs(image: { mimeType: string; width: number; hasAlpha: boolean }, widths: readonly number[]): VariantSpec[] {
  const family = familyOf(image.mimeType, image.hasAlpha);
  return [
    { variant: 'thumbnail', format: family, resize: { kind: 'cover', width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE } },
    { variant: 'webp', format: 'webp', resize: { kind: 'none' } },
    { variant: 'compressed', format: family, resize: { kind: 'none' } },
    ...widths.filter((width) => width < image.width).map((width): VariantSpec => ({ variant: `w${width}`, format: family, resize: { kind: 'width', width } })),
  ];
}

const open = (input: string, maxPixels: number) => sharp(input, { limitInputPixels: maxPixels, failOn: 'error' });

/** Dimensions (upright) and transparency, read with the pixel limit; a damaged header is an ImageDecodeError. */
export async function inspectImage(input: string, maxPixels: number): Promise<{ width: number; height: number; hasAlpha: boolean }> {
  try {
    const metadata = await open(input, maxPixels).metadata();
    if (!metadata.width || !metadata.height) throw new Error('no dimensions');
    const upright = (metadata.orientation ?? 1) >= 5;
    return { width: upright ? metadata.height : metadata.width, height: upright ? metadata.width : metadata.height, hasAlpha: metadata.hasAlpha };
  } catch (error) {
    throw new ImageDecodeError(error);
  }
}

/** Decodes, orients (EXIF), resizes and encodes one variant. Metadata (EXIF, GPS) is not carried over. */
export async function renderVariant(input: string, spec: VariantSpec, maxPixels: number): Promise<RenderedVariant> {
  let image = open(input, maxPixels).rotate();
  if (spec.resize.kind === 'cover')
    image = image.resize(spec.resize.width, spec.resize.height, { fit: 'cover', position: 'attention', withoutEnlargement: true });
  if (spec.resize.kind === 'width') image = image.resize({ width: spec.resize.width, withoutEnlargement: true });
  // Quality 80 throughout. Effort settings are chosen for time: mozjpeg, or zlib level 9 with palette
  // quantisation, cost ten to fifty times as long for a few per cent fewer bytes.
  if (spec.format === 'jpeg') image = image.jpeg({ quality: 80, progressive: true, optimiseCoding: true });
  if (spec.format === 'png') image = image.png({ compressionLevel: 6, palette: true, quality: 80, effort: 3 });
  if (spec.format === 'webp') image = image.webp({ quality: 80, effort: 3 });
  try {
    const { data, info } = await image.toBuffer({ resolveWithObject: true });
    return { variant: spec.variant, mimeType: MIME[spec.format], extension: EXTENSION[spec.format], width: info.width, height: info.height, data };
  } catch (error) {
    throw new ImageDecodeError(error);
  }
}
