import fs from 'node:fs';
import sharp from 'sharp';
import request from 'supertest';
import { loadConfig } from '../../../server/config';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { jpegWithExif } from '../../helpers/images';
import { startLocalS3, type LocalS3 } from '../../helpers/s3-server';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let s3: LocalS3;
let ctx: TestContext;
let seller: Awaited<ReturnType<typeof signInAsSeller>>;
let productId: number;
beforeAll(async () => {
  s3 = await startLocalS3();
  ctx = await createTestContext({ env: s3.env });
  seller = await signInAsSeller(ctx.app, ctx.ds);
  productId = (await ctx.factories.createProduct({ sellerId: seller.sellerId, status: 'active', name: 'Mật ong bạc hà' })).id;
});
afterAll(async () => {
  await ctx.close();
  await s3.close();
});

const imageRows = async () =>
  (await ctx.ds.query(`SELECT id, storage_key FROM product_images WHERE product_id = $1 ORDER BY position, id`, [productId])) as {
    id: number;
    storage_key: string;
  }[];

async function upload(width: number) {
  const token = csrfFrom((await seller.agent.get(`/seller/products/${productId}`)).text);
  await seller.agent
    .post(`/seller/products/${productId}/images`)
    .field('_csrf', token)
    .attach('images', await jpegWithExif(width, 1000), 'anh.jpg')
    .expect(303);
}

describe('MEDIA_STORAGE=s3: photos in an S3-compatible bucket (s3rver)', () => {
  it('uploads every size to the bucket, none to disk, and the store serves them with ETag and 304', async () => {
    await upload(2000);
    const [row] = await imageRows();
    const keys = [400, 800, 1600].map((w) => `${row.storage_key}-${w}.webp`).sort();
    expect(await s3.keys()).toEqual(keys);
    expect(fs.readdirSync(ctx.mediaDir).filter((f) => f !== 'mail')).toEqual([]);

    const page = await request(ctx.app)
      .get(`/products/${(await ctx.ds.query(`SELECT slug FROM products WHERE id = $1`, [productId]))[0].slug}`)
      .expect(200);
    expect(page.text).toContain(`/media/${row.storage_key}-800.webp`);

    const served = await request(ctx.app)
      .get(`/media/${`${row.storage_key}-800.webp`}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/webp');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((served.body as Buffer).equals((await s3.read(`${row.storage_key}-800.webp`))!)).toBe(true);
    // The 800 size is the longest side (this photo is upright portrait after its EXIF rotation).
    const meta = await sharp(served.body as Buffer).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBe(800);

    const again = await request(ctx.app).get(`/media/${row.storage_key}-800.webp`).set('If-None-Match', served.headers.etag);
    expect(again.status).toBe(304);
  });

  it('replacing a photo stores the new one and deleting the old removes all its sizes from the bucket', async () => {
    const [old] = await imageRows();
    await upload(1200);
    const [, fresh] = await imageRows();
    const token = csrfFrom((await seller.agent.get(`/seller/products/${productId}`)).text);
    await seller.agent.post(`/seller/products/${productId}/images/${old.id}/delete`).type('form').send({ _csrf: token }).expect(303);

    expect((await imageRows()).map((r) => r.id)).toEqual([fresh.id]);
    expect(await s3.keys()).toEqual([400, 800, 1600].map((w) => `${fresh.storage_key}-${w}.webp`).sort());
    await request(ctx.app).get(`/media/${old.storage_key}-800.webp`).expect(404);
    await request(ctx.app).get(`/media/${fresh.storage_key}-800.webp`).expect(200);
  });

  it('refuses names that are not media names without asking the bucket', async () => {
    await request(ctx.app).get('/media/..%2F..%2Fetc%2Fpasswd').expect(404);
    await request(ctx.app).get('/media/products/1/x.php').expect(404);
  });
});

describe('S3_PUBLIC_URL: pages link the photos at the CDN or bucket URL', () => {
  let cdn: TestContext;
  afterAll(() => cdn?.close());

  it('puts absolute URLs in the page, and the bucket answers them', async () => {
    const publicUrl = `${s3.endpoint}/${s3.bucket}`;
    cdn = await createTestContext({ env: { ...s3.env, S3_PUBLIC_URL: publicUrl } });
    const owner = await signInAsSeller(cdn.app, cdn.ds);
    const product = await cdn.factories.createProduct({ sellerId: owner.sellerId, status: 'active', name: 'Chè Shan tuyết' });
    const token = csrfFrom((await owner.agent.get(`/seller/products/${product.id}`)).text);
    await owner.agent
      .post(`/seller/products/${product.id}/images`)
      .field('_csrf', token)
      .attach('images', await jpegWithExif(1000, 800), 'a.jpg')
      .expect(303);
    const [{ storage_key: key }] = (await cdn.ds.query(`SELECT storage_key FROM product_images WHERE product_id = $1`, [product.id])) as {
      storage_key: string;
    }[];

    const page = await request(cdn.app).get(`/products/${product.slug}`).expect(200);
    const url = `${publicUrl}/${key}-800.webp`;
    expect(page.text).toContain(url);
    const direct = await fetch(url);
    expect(direct.status).toBe(200);
    expect(Buffer.from(await direct.arrayBuffer()).equals((await s3.read(`${key}-800.webp`))!)).toBe(true);
  });
});

describe('configuration', () => {
  it('refuses MEDIA_STORAGE=s3 without a bucket and keys', async () => {
    expect(() => loadConfig({ MEDIA_STORAGE: 's3', S3_BUCKET: 'b' })).toThrow('MEDIA_STORAGE=s3 needs S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY');
  });
});
