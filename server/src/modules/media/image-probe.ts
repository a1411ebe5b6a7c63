import sharp, { type Metadata } from 'sharp';
import { ProblemError, unprocessable } from '../../kernel/http/problem.js';

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Reads an image's dimensions from its header (no pixels are decoded), upright as displayed (EXIF
 * orientations 5–8 swap them). More pixels than `maxPixels` is an image bomb: a small file that would
 * decode into gigabytes.
 */
export async function probeImage(file: string, maxPixels: number): Promise<ImageSize> {
  let metadata: Metadata;
  try {
    metadata = await sharp(file, { limitInputPixels: false }).metadata();
  } catch {
    throw unprocessable('unreadable_image', 'The image could not be read: its header is damaged or incomplete.');
  }
  const { width, height } = metadata;
  if (!width || !height) throw unprocessable('unreadable_image', 'The image does not state its dimensions.');
  // The first frame's size: derivatives are made from the first frame, opened with the same pixel limit.
  if (width * height > maxPixels) {
    throw new ProblemError(
      422,
      'image_too_large',
      `The image is ${width}×${height} pixels (${(width * height).toLocaleString('en')}); at most ${maxPixels.toLocaleString('en')} are accepted.`,
    );
  }
  const rotated = (metadata.orientation ?? 1) >= 5;
  return rotated ? { width: height, height: width } : { width, height };
}
