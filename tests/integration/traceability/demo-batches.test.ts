import request from 'supertest';
import { seedDemoBatches } from '../../../server/seed/demo-batches';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { decodeHtml } from '../../helpers/sales';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ now: new Date('2026-11-29T03:00:00Z') });
});
afterAll(() => ctx.close());

describe("the demo's batches", () => {
  it("gives the demo cooperative's honey trace pages, once however often the store starts", async () => {
    expect(await seedDemoBatches(ctx.ds)).toBe(0); // no cooperative, nothing
    const cooperative = await ctx.factories.createSeller({ name: 'HTX Ong mật xã Lương Thịnh', commune: 'Xã Lương Thịnh' });
    const honey = await ctx.factories.createProduct({ sellerId: cooperative.id, name: 'Mật ong Lương Thịnh', ocopStars: 4, stock: 30 });
    expect(await seedDemoBatches(ctx.ds)).toBe(2);
    expect(await seedDemoBatches(ctx.ds)).toBe(0);
    const batches = await ctx.ds.query(`SELECT code, trace_code FROM product_batches WHERE product_id = $1 ORDER BY produced_on`, [honey.id]);
    expect(batches).toEqual([
      { code: 'LT1-2604', trace_code: 'DEMO-LT1-2604' },
      { code: 'LT1-2609', trace_code: 'DEMO-LT1-2609' },
    ]);
    // Stock is the catalogue's: the demo batches add no ledger row.
    expect(await ctx.ds.query(`SELECT reason FROM stock_movements WHERE product_id = $1`, [honey.id])).toEqual([{ reason: 'initial' }]);
    const page = await request(ctx.app).get('/trace/demo-lt1-2604').expect(200);
    const text = decodeHtml(page.text);
    expect(text).toContain('Mật ong Lương Thịnh');
    expect(text).toContain('HTX Ong mật xã Lương Thịnh');
    expect(text).toContain('15/04/2026');
    const product = await request(ctx.app).get(`/products/${honey.slug}`).expect(200);
    expect(product.text).toContain('href="/trace/DEMO-LT1-2609"');
  });
});
