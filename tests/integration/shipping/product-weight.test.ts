import type request from 'supertest';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const tokenOf = async (agent: request.Agent, path: string) => csrfFrom((await agent.get(path)).text);

describe('a product’s packed weight', () => {
  it('is required for a new listing (1…50 000 g), shown on the edit form, changed there, kept when left blank', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const [{ id: categoryId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.2.b'`);
    const form = {
      name: 'Miến dong Bắc Hà',
      categoryId: String(categoryId),
      description: '',
      priceVnd: '60.000',
      unit: 'gói 500g',
      stock: '5',
      lowStockThreshold: '1',
    };
    const count = async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM products WHERE seller_id = $1`, [seller.sellerId]))[0].n;

    const page = await seller.agent.get('/seller/products/new');
    expect(page.text).toContain('Khối lượng đóng gói (gam)');
    expect(page.text).toMatch(/id="f-weightGrams" name="weightGrams" type="number" value=""/);
    for (const [weightGrams, message] of [
      [undefined, 'Vui lòng nhập khối lượng đóng gói (gam).'],
      ['', 'Vui lòng nhập khối lượng đóng gói (gam).'],
      ['0', 'Khối lượng đóng gói (gam) tối thiểu là 1.'],
      ['50001', 'Khối lượng đóng gói (gam) tối đa là 50.000.'],
      ['1.5', 'Khối lượng đóng gói (gam) phải là số nguyên.'],
    ] as const) {
      const res = await seller.agent
        .post('/seller/products/new')
        .type('form')
        .send({ _csrf: await tokenOf(seller.agent, '/seller/products/new'), ...form, ...(weightGrams === undefined ? {} : { weightGrams }) });
      expect([weightGrams, res.status]).toEqual([weightGrams, 422]);
      expect(res.text).toContain(message);
    }
    expect(await count()).toBe(0);

    const created = await seller.agent
      .post('/seller/products/new')
      .type('form')
      .send({ _csrf: await tokenOf(seller.agent, '/seller/products/new'), ...form, weightGrams: '520' });
    expect(created.status).toBe(303);
    const id = Number(/\/seller\/products\/(\d+)/.exec(created.headers.location)![1]);
    const weight = async () => (await ctx.ds.query(`SELECT weight_grams FROM products WHERE id = $1`, [id]))[0].weight_grams;
    expect(await weight()).toBe(520);

    const edit = await seller.agent.get(`/seller/products/${id}/edit`);
    expect(edit.text).toMatch(/name="weightGrams" type="number" value="520"/);
    const { stock: _stock, ...details } = form; // the edit form has no stock field (the ledger changes it)
    void _stock;
    const version = () => /name="version" value="(\d+)"/.exec(edit.text)![1];
    const save = async (weightGrams: string, v: string) =>
      seller.agent
        .post(`/seller/products/${id}/edit`)
        .type('form')
        .send({ _csrf: csrfFrom(edit.text), ...details, version: v, weightGrams });
    expect((await save('1200', version())).status).toBe(303);
    expect(await weight()).toBe(1200);
    const [{ version: next }] = await ctx.ds.query(`SELECT version FROM products WHERE id = $1`, [id]);
    expect((await save('', String(next))).status).toBe(303);
    expect(await weight()).toBe(1200);
  });

  it('a product listed before weights existed has the 500 g default', async () => {
    const product = await ctx.factories.createProduct();
    expect((await ctx.ds.query(`SELECT weight_grams FROM products WHERE id = $1`, [product.id]))[0].weight_grams).toBe(500);
  });
});
