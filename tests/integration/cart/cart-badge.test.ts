import { countQueries } from '../../helpers/queries';
import { ADDRESS, buyerWithCart, checkout, pageToken } from '../../helpers/shopping';
import { createTestContext, type TestContext } from '../../helpers/test-context';

/**
 * The header's cart badge: every page shows the cart's item count; a form post that redirects (PRG)
 * shows no page, so it does not count the items, and one that renders a page after all counts them then.
 */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const COUNT = /coalesce\(sum\(quantity\)/;
const badge = (html: string) => /<span class="badge" aria-label="(\d+) sản phẩm">(\d+)<\/span>/.exec(html)?.[2];

describe('the cart badge', () => {
  it('a page shows the count; a post that redirects sends no count statement', async () => {
    const tea = await ctx.factories.createProduct({ stock: 10 });
    const rice = await ctx.factories.createProduct({ stock: 10 });
    const buyer = await buyerWithCart(ctx, [{ productId: tea.id, quantity: 2 }]);
    expect(badge((await buyer.agent.get('/products')).text)).toBe('2');

    const token = await pageToken(buyer.agent);
    const queries = await countQueries(ctx.ds, async () => {
      const res = await buyer.agent
        .post('/cart/items')
        .type('form')
        .send({ _csrf: token, productId: String(rice.id), quantity: '3' });
      expect(res.status).toBe(303);
    });
    expect(queries.some((q) => /INSERT INTO cart_items/i.test(q))).toBe(true);
    expect(queries.filter((q) => COUNT.test(q))).toEqual([]);
    expect(badge((await buyer.agent.get('/cart')).text)).toBe('5');
  });

  it('a post that renders its form again with errors shows the count as it is then', async () => {
    const tea = await ctx.factories.createProduct({ stock: 10 });
    const buyer = await buyerWithCart(ctx, [{ productId: tea.id, quantity: 4 }]);
    const res = await checkout(buyer.agent, { phone: '12345' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Số điện thoại di động không hợp lệ');
    expect(badge(res.text)).toBe('4');
    expect(await ctx.ds.query(`SELECT 1 FROM orders WHERE buyer_user_id = $1`, [buyer.userId])).toEqual([]);
  });

  it('a checkout refused because the cart sold out shows the count of the cart it just read, without counting again', async () => {
    const tea = await ctx.factories.createProduct({ stock: 3 });
    const buyer = await buyerWithCart(ctx, [{ productId: tea.id, quantity: 3 }]);
    // Another buyer takes the last units first.
    await ctx.ds.query(`UPDATE products SET stock = 0 WHERE id = $1`, [tea.id]);
    const token = await pageToken(buyer.agent);
    let res!: Awaited<ReturnType<typeof checkout>>;
    const queries = await countQueries(ctx.ds, async () => {
      res = await buyer.agent
        .post('/checkout')
        .type('form')
        .send({ _csrf: token, ...ADDRESS });
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain('hết hàng');
    expect(badge(res.text)).toBe('3');
    expect(queries.filter((q) => COUNT.test(q))).toEqual([]);
  });

  it('the cart and checkout pages show the count of the cart they show, without counting again', async () => {
    const tea = await ctx.factories.createProduct({ stock: 10 });
    const buyer = await buyerWithCart(ctx, [{ productId: tea.id, quantity: 2 }]);
    for (const path of ['/cart', '/checkout']) {
      let text = '';
      const queries = await countQueries(ctx.ds, async () => {
        const res = await buyer.agent.get(path);
        expect(res.status).toBe(200);
        text = res.text;
      });
      expect(badge(text)).toBe('2');
      expect(queries.filter((q) => COUNT.test(q))).toEqual([]);
    }
  });
});
