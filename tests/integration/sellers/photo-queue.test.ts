import fs from 'node:fs';
import path from 'node:path';
import type request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { jpegWithExif } from '../../helpers/images';

// One photo upload processed at a time, one more waiting: anything beyond is refused.
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { PHOTO_MAX_CONCURRENT: '1', PHOTO_MAX_WAITING: '1' } });
});
afterAll(() => ctx.close());

const imageRows = async (productId: number) => ctx.ds.query(`SELECT storage_key FROM product_images WHERE product_id = $1`, [productId]) as Promise<unknown[]>;
const filesOf = (productId: number) => {
  const dir = path.join(ctx.mediaDir, 'products', String(productId));
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};

async function waitUntil(condition: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('bounded photo processing', () => {
  it('refuses uploads beyond the running and waiting slots with 503 and Retry-After, storing nothing; the waiting one succeeds', async () => {
    const sellers = await Promise.all([1, 2, 3].map((n) => signInAsSeller(ctx.app, ctx.ds, { name: `HTX Ảnh ${n}` })));
    const products = await Promise.all(sellers.map((s) => ctx.factories.createProduct({ sellerId: s.sellerId, status: 'draft' })));
    const photo = await jpegWithExif(2400, 1600);
    const tokens = await Promise.all(sellers.map(async (s, i) => csrfFrom((await s.agent.get(`/seller/products/${products[i].id}`)).text)));

    // Another seller's photos take the only processing slot for now.
    let release!: () => void;
    const busy = ctx.container.photoSlots.run(() => new Promise<void>((resolve) => (release = resolve)));

    const answers: request.Response[] = [];
    const uploads = sellers.map((s, i) =>
      s.agent
        .post(`/seller/products/${products[i].id}/images`)
        .field('_csrf', tokens[i])
        .attach('images', photo, 'anh.jpg')
        .then((res) => (answers.push(res), res)),
    );
    // One upload takes the waiting place; the two others are refused at once.
    await waitUntil(() => answers.length === 2);
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.text).toContain('đang xử lý nhiều ảnh');
    }
    release();
    await busy;
    const all = await Promise.all(uploads);
    expect(all.map((r) => r.status).sort()).toEqual([303, 503, 503]);

    for (const [i, res] of all.entries()) {
      const rows = await imageRows(products[i].id);
      if (res.status === 503) {
        expect(rows).toEqual([]);
        expect(filesOf(products[i].id)).toEqual([]);
      } else {
        expect(rows).toHaveLength(1);
        expect(filesOf(products[i].id)).toHaveLength(3);
      }
    }
  });

  it('with a free slot, uploads go through again', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, status: 'draft' });
    const token = csrfFrom((await seller.agent.get(`/seller/products/${product.id}`)).text);
    const res = await seller.agent
      .post(`/seller/products/${product.id}/images`)
      .field('_csrf', token)
      .attach('images', await jpegWithExif(), 'a.jpg');
    expect(res.status).toBe(303);
    expect(await imageRows(product.id)).toHaveLength(1);
  });
});
