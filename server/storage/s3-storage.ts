import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { RequestHandler } from 'express';
import { assertSafeMediaName, MEDIA_CACHE_CONTROL, type MediaStorage } from './media-storage';

export interface S3Settings {
  /** An S3-compatible endpoint (MinIO, Ceph, s3rver, a provider's URL); unset = AWS S3. */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where browsers fetch the files (a CDN, or the bucket's public URL); unset = the store serves /media. */
  publicUrl?: string;
}

type Sdk = typeof import('@aws-sdk/client-s3');

/**
 * Photos in an S3-compatible bucket, so several instances need no shared disk. Keys are the same
 * generated names as on disk. The SDK is loaded only when this storage is chosen: the default store
 * never pays for it.
 */
export class S3MediaStorage implements MediaStorage {
  private readonly sdk: Sdk;
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.sdk = require('@aws-sdk/client-s3') as Sdk;
    this.client = new this.sdk.S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      // Most S3-compatible servers have no per-bucket host names.
      forcePathStyle: settings.endpoint !== undefined,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // CASE: the SDK's default CRC trailer (aws-chunked uploads) is refused or mis-stored by several
      // S3-compatible servers; send checksums only where S3 requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(name: string, data: Buffer): Promise<void> {
    assertSafeMediaName(name);
    // One PUT is atomic on S3: a reader sees the old object, none, or the whole new one.
    await this.client.send(
      new this.sdk.PutObjectCommand({ Bucket: this.settings.bucket, Key: name, Body: data, ContentType: 'image/webp', CacheControl: MEDIA_CACHE_CONTROL }),
    );
  }

  async remove(name: string): Promise<void> {
    assertSafeMediaName(name);
    await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.settings.bucket, Key: name }));
  }

  url(name: string): string {
    return this.settings.publicUrl ? `${this.settings.publicUrl.replace(/\/$/, '')}/${name}` : `/media/${name}`;
  }

  /** Streams the object through the store (with its ETag, and 304 when the browser has it). */
  handler(): RequestHandler {
    return async (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const name = decodeURIComponent(req.path.replace(/^\//, ''));
      try {
        assertSafeMediaName(name);
      } catch {
        return next();
      }
      try {
        const object = await this.client.send(
          new this.sdk.GetObjectCommand({ Bucket: this.settings.bucket, Key: name, IfNoneMatch: req.get('if-none-match') }),
        );
        res.set({ 'Content-Type': object.ContentType ?? 'image/webp', 'Cache-Control': MEDIA_CACHE_CONTROL });
        if (object.ETag) res.set('ETag', object.ETag);
        if (object.ContentLength !== undefined) res.set('Content-Length', String(object.ContentLength));
        if (req.method === 'HEAD' || !object.Body) {
          (object.Body as Readable | undefined)?.destroy();
          return void res.end();
        }
        await pipeline(object.Body as Readable, res);
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 304) return void res.status(304).set('Cache-Control', MEDIA_CACHE_CONTROL).end();
        if (status === 404 || (err as Error).name === 'NoSuchKey') return next();
        next(err);
      }
    };
  }
}
