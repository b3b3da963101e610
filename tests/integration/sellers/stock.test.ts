import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';

let ctx: TestContext;
let seller: Awaited<ReturnType<typeof signInAsSeller>>;
beforeAll(async () => {
  ctx = await createTestContext();
  seller = await signInAsSeller(ctx.app, ctx.ds);
});
afterAll(() => ctx.close());

const ledgerOf = async (productId: number) =>
  (await ctx.ds.query(`SELECT delta, reason, balance_after, note FROM stock_movements WHERE product_id = $1 ORDER BY id`, [productId])) as {
    delta: number;
    reason: string;
    balance_after: number;
    note: string | null;
  }[];
const stockOf = async (productId: number) => (await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [productId]))[0].stock as number;

async function adjust(productId: number, body: Record<string, string>) {
  const token = csrfFrom((await seller.agent.get(`/seller/products/${productId}`)).text);
  return seller.agent
    .post(`/seller/products/${productId}/stock`)
    .type('form')
    .send({ _csrf: token, ...body });
}

describe('stock ledger', () => {
  it('adjusts with a reason and a note; the ledger shows it newest first with the balance after', async () => {
    const { id } = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 5 });
    expect((await adjust(id, { delta: '20', reason: 'restock', note: 'Nhập lô tháng 11' })).status).toBe(303);
    expect((await adjust(id, { delta: '-3', reason: 'damage', note: 'Vỡ chai' })).status).toBe(303);
    expect(await stockOf(id)).toBe(22);
    expect(await ledgerOf(id)).toEqual([
      { delta: 5, reason: 'initial', balance_after: 5, note: null },
      { delta: 20, reason: 'restock', balance_after: 25, note: 'Nhập lô tháng 11' },
      { delta: -3, reason: 'damage', balance_after: 22, note: 'Vỡ chai' },
    ]);
    const page = await seller.agent.get(`/seller/products/${id}`);
    const damage = page.text.indexOf('Vỡ chai');
    const restock = page.text.indexOf('Nhập lô tháng 11');
    expect(damage).toBeGreaterThan(0);
    expect(damage).toBeLessThan(restock);
    expect(page.text).toContain('Hư hỏng');
    expect(page.text).toContain('Nhập hàng');
  });

  it('refuses −999 on 5 units and leaves stock and ledger unchanged', async () => {
    const { id } = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 5 });
    const before = await ledgerOf(id);
    const res = await adjust(id, { delta: '-999', reason: 'stocktake' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Không thể giảm quá số lượng đang có trong kho.');
    expect(await stockOf(id)).toBe(5);
    expect(await ledgerOf(id)).toEqual(before);
  });

  it('refuses nonsense deltas and reasons', async () => {
    const { id } = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 5 });
    for (const body of [
      { delta: '0', reason: 'other' },
      { delta: '1.5', reason: 'other' },
      { delta: 'x', reason: 'other' },
      { delta: '3', reason: 'sale' },
      { delta: '-2', reason: 'restock' },
      { delta: '2', reason: 'damage' },
    ]) {
      expect((await adjust(id, body)).status).toBe(422);
    }
    expect(await stockOf(id)).toBe(5);
    expect(await ledgerOf(id)).toHaveLength(1);
  });

  it('20 concurrent adjustments of −1 on 10 units leave 0 and exactly 10 ledger rows', async () => {
    const { id } = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 10 });
    const token = csrfFrom((await seller.agent.get(`/seller/products/${id}`)).text);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => seller.agent.post(`/seller/products/${id}/stock`).type('form').send({ _csrf: token, delta: '-1', reason: 'stocktake' })),
    );
    expect(results.filter((r) => r.status === 303)).toHaveLength(10);
    expect(results.filter((r) => r.status === 422)).toHaveLength(10);
    expect(await stockOf(id)).toBe(0);
    const ledger = await ledgerOf(id);
    expect(ledger.filter((r) => r.reason === 'stocktake')).toHaveLength(10);
    expect(
      ledger
        .map((r) => r.balance_after)
        .slice(1)
        .sort((a, b) => b - a),
    ).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('exports the ledger as CSV with a BOM, Vietnamese headers and neutralised formulas', async () => {
    const { id, slug } = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 4 });
    await adjust(id, { delta: '6', reason: 'restock', note: '=HYPERLINK("http://evil.example")' });
    const res = await seller.agent
      .get(`/seller/products/${id}/stock.csv`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain(`so-kho-${slug}.csv`);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8').slice(1);
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('Thời gian,Thay đổi,Lý do,Tồn sau thay đổi,Ghi chú,Người thực hiện,Đơn hàng');
    expect(lines[1]).toContain(',6,Nhập hàng,10,"\'=HYPERLINK(""http://evil.example"")",');
    expect(lines[2]).toContain(',4,Tồn kho ban đầu,4,');
  });
});
