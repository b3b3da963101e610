import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('shipping fees', () => {
  it('a cooperative sets a flat fee and a free-shipping threshold; bad amounts are refused', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const page = await seller.agent.get('/seller/shipping');
    expect(page.text).toContain('value="30000"');
    const token = csrfFrom(page.text);
    await seller.agent.post('/seller/shipping').type('form').send({ _csrf: token, shippingFeeVnd: '25.000', freeShippingThresholdVnd: '500.000' }).expect(303);
    const read = async () => (await ctx.ds.query(`SELECT shipping_fee_vnd, free_shipping_threshold_vnd FROM sellers WHERE id = $1`, [seller.sellerId]))[0];
    expect(await read()).toEqual({ shipping_fee_vnd: 25000, free_shipping_threshold_vnd: 500000 });
    const bad = await seller.agent.post('/seller/shipping').type('form').send({ _csrf: token, shippingFeeVnd: '-5', freeShippingThresholdVnd: 'abc' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Phí giao hàng phải là số đồng nguyên');
    expect(await read()).toEqual({ shipping_fee_vnd: 25000, free_shipping_threshold_vnd: 500000 });
    await seller.agent.post('/seller/shipping').type('form').send({ _csrf: token, shippingFeeVnd: '0', freeShippingThresholdVnd: '' }).expect(303);
    expect(await read()).toEqual({ shipping_fee_vnd: 0, free_shipping_threshold_vnd: null });
  });
});
