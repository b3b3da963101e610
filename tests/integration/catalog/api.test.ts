import request from 'supertest';
import type { ProductRow, SellerRow } from '../../helpers/factories';
import { createTestContext, type TestContext } from '../../helpers/test-context';

interface ApiItem {
  slug: string;
  name: string;
  priceVnd: number;
  unit: string;
  inStock: boolean;
  ocop: { stars: number | null; badge: boolean; verified: boolean; validUntil: string | null };
  seller: { slug: string; name: string };
  category: { code: string };
  imageUrl: string | null;
}

interface CategoryNode {
  code: string;
  nameVi: string;
  nameEn: string;
  level: number;
  children: CategoryNode[];
}

describe('JSON read API', () => {
  let ctx: TestContext;
  let seller: SellerRow;
  let honey: ProductRow;
  let tea: ProductRow;

  beforeAll(async () => {
    ctx = await createTestContext({ now: new Date('2025-06-01T03:00:00Z') });
    const { createSeller, createProduct } = ctx.factories;
    seller = await createSeller({ name: 'HTX Thanh Xuân', commune: 'Xã Xuân Quang' });
    honey = await createProduct({
      sellerId: seller.id,
      name: 'Mật ong Thanh Xuân',
      priceVnd: 125000,
      unit: 'chai 500ml',
      categoryCode: 'I.2.b',
      ocopStars: 5,
      ocopDecisionDate: '2024-12-01',
      withImage: true,
    });
    tea = await createProduct({ sellerId: seller.id, name: 'Trà Shan tuyết Suối Giàng', priceVnd: 300000, categoryCode: 'I.5.a', ocopStars: 4 });
    await createProduct({ sellerId: seller.id, name: 'Túi thổ cẩm', priceVnd: 250000, categoryCode: 'IV.2', stock: 0 });
    await createProduct({ sellerId: seller.id, name: 'Bản nháp', status: 'draft' });
  });
  afterAll(() => ctx.close());

  describe('GET /api/v1/products', () => {
    it('answers {items, total, page, pageSize} as JSON, newest first', async () => {
      const res = await request(ctx.app).get('/api/v1/products').expect(200);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ total: 3, page: 1, pageSize: 24, nextCursor: null });
      expect(res.body.items.map((i: ApiItem) => i.name)).toEqual(['Túi thổ cẩm', 'Trà Shan tuyết Suối Giàng', 'Mật ong Thanh Xuân']);
    });

    it('describes each product with its price, badge, seller, group and cover', async () => {
      const res = await request(ctx.app).get('/api/v1/products').expect(200);
      const item = (res.body.items as ApiItem[]).find((i) => i.slug === honey.slug)!;
      expect(item).toMatchObject({
        slug: honey.slug,
        name: 'Mật ong Thanh Xuân',
        priceVnd: 125000,
        unit: 'chai 500ml',
        inStock: true,
        ocop: { stars: 5, verified: true, badge: true, validUntil: '2027-12-01' },
        seller: { slug: seller.slug, name: 'HTX Thanh Xuân' },
        category: { code: 'I.2.b' },
      });
      expect(item.imageUrl).toMatch(/^\/media\/products\/test-[a-z0-9]+-400\.webp$/);
      const noImage = (res.body.items as ApiItem[]).find((i) => i.name === 'Túi thổ cẩm')!;
      expect(noImage).toMatchObject({ imageUrl: null, inStock: false, ocop: { stars: null, badge: false } });
    });

    it('accepts the same filters as the HTML listing', async () => {
      const byQuery = await request(ctx.app).get('/api/v1/products').query({ q: 'mat ong' }).expect(200);
      expect(byQuery.body.items.map((i: ApiItem) => i.slug)).toEqual([honey.slug]);
      expect(byQuery.body.total).toBe(1);

      const byStars = await request(ctx.app).get('/api/v1/products').query({ stars: 4 }).expect(200);
      expect(byStars.body.items.map((i: ApiItem) => i.slug)).toEqual([tea.slug]);

      const byGroup = await request(ctx.app).get('/api/v1/products').query({ category: 'I' }).expect(200);
      expect(byGroup.body.items.map((i: ApiItem) => i.name).sort()).toEqual(['Mật ong Thanh Xuân', 'Trà Shan tuyết Suối Giàng']);

      const byPrice = await request(ctx.app).get('/api/v1/products').query({ sort: 'price_desc', maxPrice: 260000 }).expect(200);
      expect(byPrice.body.items.map((i: ApiItem) => i.name)).toEqual(['Túi thổ cẩm', 'Mật ong Thanh Xuân']);

      const none = await request(ctx.app).get('/api/v1/products').query({ q: 'khong co gi ca' }).expect(200);
      expect(none.body).toMatchObject({ items: [], total: 0 });
    });

    it('ignores malformed filters instead of failing', async () => {
      const res = await request(ctx.app).get('/api/v1/products?stars=abc&minPrice=-5&sort=evil&page=0').expect(200);
      expect(res.body).toMatchObject({ total: 3, page: 1 });
    });
  });

  describe('GET /api/v1/products/:slug', () => {
    it('returns the product with its images, certificate and seller', async () => {
      const res = await request(ctx.app).get(`/api/v1/products/${honey.slug}`).expect(200);
      expect(res.body).toMatchObject({
        slug: honey.slug,
        name: 'Mật ong Thanh Xuân',
        priceVnd: 125000,
        ocop: { stars: 5, badge: true, national: true, decisionDate: '2024-12-01', validUntil: '2027-12-01' },
        seller: { slug: seller.slug, commune: 'Xã Xuân Quang', type: 'htx' },
        category: { code: 'I.2.b', nameVi: 'Mật ong, mật khác và nông sản thực phẩm khác' },
      });
      expect(res.body.images).toHaveLength(1);
      expect(res.body.images[0]).toMatchObject({ alt: 'Mật ong Thanh Xuân', width: 1600, height: 1600 });
      expect(res.body.images[0].url).toMatch(/^\/media\/products\/test-[a-z0-9]+-800\.webp$/);
      expect(res.body.images[0].largeUrl).toMatch(/^\/media\/products\/test-[a-z0-9]+-1600\.webp$/);
    });

    it('returns an empty image list for a product without photos', async () => {
      const res = await request(ctx.app).get(`/api/v1/products/${tea.slug}`).expect(200);
      expect(res.body.images).toEqual([]);
      expect(res.body.imageUrl).toBeNull();
    });

    it('answers 404 JSON for an unknown or unlisted slug', async () => {
      const unknown = await request(ctx.app).get('/api/v1/products/khong-co-san-pham-nay').expect(404);
      expect(unknown.headers['content-type']).toMatch(/application\/json/);
      expect(unknown.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });

      const [draft] = await ctx.ds.query(`SELECT slug FROM products WHERE status = 'draft'`);
      const hidden = await request(ctx.app).get(`/api/v1/products/${draft.slug}`).expect(404);
      expect(hidden.body.error.code).toBe('not_found');
    });

    it('answers 404 JSON for an unknown API path', async () => {
      const res = await request(ctx.app).get('/api/v1/khong-co').expect(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: 'Not found' } });
    });
  });

  describe('GET /api/v1/categories', () => {
    it('returns the OCOP group tree with six top-level groups I–VI', async () => {
      const res = await request(ctx.app).get('/api/v1/categories').expect(200);
      const roots = res.body.items as CategoryNode[];
      expect(roots.map((c) => c.code)).toEqual(['I', 'II', 'III', 'IV', 'V', 'VI']);
      expect(roots.every((c) => c.level === 1)).toBe(true);
      expect(roots[0]).toMatchObject({ nameVi: 'Thực phẩm', nameEn: 'Food' });

      const food = roots.find((c) => c.code === 'I')!;
      const raw = food.children.find((c) => c.code === 'I.2')!;
      expect(raw).toMatchObject({ level: 2, nameVi: 'Thực phẩm thô, sơ chế' });
      expect(raw.children.map((c) => c.code)).toEqual(['I.2.a', 'I.2.b']);
      expect(raw.children[1]).toMatchObject({ level: 3, nameVi: 'Mật ong, mật khác và nông sản thực phẩm khác', children: [] });

      const count = (nodes: CategoryNode[]): number => nodes.reduce((n, c) => n + 1 + count(c.children), 0);
      expect(count(roots)).toBe(39);
    });
  });
});
