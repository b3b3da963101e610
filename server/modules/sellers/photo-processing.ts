import { AppError, ValidationError } from '../../lib/errors';
import { QueueFullError, type ConcurrencyLimit } from '../../lib/concurrency-limit';
import { sharp, type SharpMetadata } from '../../lib/sharp';
import { IMAGE_WIDTHS } from '../catalog';
import { msg } from '../../rendering/i18n';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
export const MAX_PHOTOS_PER_PRODUCT = 8;
/** Decoding is refused above this many pixels (a "decompression bomb" is small on disk, huge in memory). */
export const MAX_PHOTO_PIXELS = 40_000_000;

export class UnsupportedMediaError extends AppError {
  constructor(fileName: string) {
    super(msg('seller.photo.unsupported', { file: fileName }), 415, 'unsupported_media');
  }
}

/** Every photo slot is busy and the queue is full: the seller tries again in a moment. */
export class PhotosBusyError extends AppError {
  readonly retryAfterSeconds = 10;
  constructor() {
    super(msg('seller.photo.busy'), 503, 'photos_busy');
  }
}

type PhotoKind = 'jpeg' | 'png' | 'webp' | 'avif';

/** The type from the first bytes, whatever the file name or the browser claimed. */
export function sniffPhotoKind(data: Buffer): PhotoKind | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (data.length >= 12 && data.toString('latin1', 4, 8) === 'ftyp' && /^avi[fs]$/.test(data.toString('latin1', 8, 12))) return 'avif';
  return null;
}

/** What libvips calls each kind after decoding the header. */
const VIPS_FORMAT: Record<PhotoKind, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', avif: 'heif' };

export interface ProcessedPhoto {
  width: number;
  height: number;
  variants: { width: number; data: Buffer }[];
}

/**
 * Sniffs, checks the pixel count before decoding, auto-rotates, drops all metadata (EXIF, GPS)
 * and re-encodes to WebP at each stored width (never enlarging).
 */
export async function processPhoto(data: Buffer, fileName: string): Promise<ProcessedPhoto> {
  const kind = sniffPhotoKind(data);
  if (!kind) throw new UnsupportedMediaError(fileName);
  let meta: SharpMetadata;
  try {
    meta = await sharp(data, { limitInputPixels: false }).metadata();
  } catch {
    throw new ValidationError({ images: msg('seller.photo.corrupt', { file: fileName }) });
  }
  if (meta.format !== VIPS_FORMAT[kind]) throw new UnsupportedMediaError(fileName);
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (!pixels) throw new ValidationError({ images: msg('seller.photo.unreadable', { file: fileName }) });
  if (pixels > MAX_PHOTO_PIXELS) {
    throw new ValidationError({ images: msg('seller.photo.tooLarge', { file: fileName, megapixels: Math.round(pixels / 1e6) }) });
  }
  try {
    const image = sharp(data, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error' }).rotate();
    const variants: ProcessedPhoto['variants'] = [];
    for (const width of IMAGE_WIDTHS) {
      const out = await image
        .clone()
        .resize({ width, height: width, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer({ resolveWithObject: true });
      variants.push({ width, data: out.data });
    }
    const largest = await sharp(variants[variants.length - 1].data).metadata();
    return { width: largest.width ?? 0, height: largest.height ?? 0, variants };
  } catch {
    throw new ValidationError({ images: msg('seller.photo.broken', { file: fileName }) });
  }
}

/**
 * The photos of one upload, one after another, in one slot of `slots`: decoding a 40-megapixel photo
 * takes about 160 MB, so however many sellers upload at once only `maxActive` decode at a time. When
 * every slot and the queue are taken, the upload is refused at once (503) before anything is stored.
 */
export async function processPhotos(files: { buffer: Buffer; name: string }[], slots: ConcurrencyLimit): Promise<ProcessedPhoto[]> {
  try {
    return await slots.run(async () => {
      const processed: ProcessedPhoto[] = [];
      for (const file of files) processed.push(await processPhoto(file.buffer, file.name));
      return processed;
    });
  } catch (err) {
    if (err instanceof QueueFullError) throw new PhotosBusyError();
    throw err;
  }
}
