import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';

const PUBLIC_URL = 'https://cho-ocop.example.vn';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { PUBLIC_URL } });
});
afterAll(() => ctx.close());

const orderId = async (code: string) => (await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]))[0].id as number;

describe('order emails', () => {
  it('every link in every email (placed, paid, shipped, cancelled, expired; buyer and cooperative) is absolute, on PUBLIC_URL', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Liên Kết' });
    const p = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 10, name: 'Trà Shan tuyết' });
    const place = async () => orderCodeFrom(await checkout((await buyerWithCart(ctx, [{ productId: p.id, quantity: 1 }])).agent));

    // placed → paid → shipped
    const shipped = await place();
    await ctx.container.orders.markPaid(await orderId(shipped));
    const part = await seller.agent.get(`/seller/orders/${shipped}`);
    await seller.agent
      .post(`/seller/orders/${shipped}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(part.text), status: 'shipped', trackingNo: 'VN123' })
      .expect(303);
    // placed → cancelled by the buyer
    const buyer = await buyerWithCart(ctx, [{ productId: p.id, quantity: 1 }]);
    const cancelled = orderCodeFrom(await checkout(buyer.agent));
    const page = await buyer.agent.get(`/orders/${cancelled}`);
    await buyer.agent
      .post(`/orders/${cancelled}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    // placed → expired
    const expired = await place();
    ctx.setNow(new Date(Date.now() + 3 * 3600_000));
    try {
      await ctx.container.orders.expireOverdue();
    } finally {
      ctx.setNow(new Date());
    }

    const codes = [shipped, cancelled, expired];
    const ids = await Promise.all(codes.map(orderId));
    const mails = (await ctx.ds.query(`SELECT dedupe_key, text_body FROM outbox_emails WHERE dedupe_key LIKE ANY($1) ORDER BY id`, [
      ids.map((id) => `order:${id}:%`),
    ])) as { dedupe_key: string; text_body: string }[];
    // order:<id>:<event>:<buyer|seller>…
    const kinds = new Set(mails.map((m) => m.dedupe_key.split(':').slice(2, 4).join(':')));
    for (const kind of [
      'placed:buyer',
      'placed:seller',
      'paid:buyer',
      'paid:seller',
      'shipped:buyer',
      'cancelled:buyer',
      'cancelled:seller',
      'expired:buyer',
      'expired:seller',
    ]) {
      expect(kinds).toContain(kind);
    }
    for (const mail of mails) {
      const id = Number(mail.dedupe_key.split(':')[1]);
      const code = codes[ids.indexOf(id)];
      const links = mail.text_body.match(/https?:\/\/\S+/g) ?? [];
      expect([mail.dedupe_key, links.length > 0]).toEqual([mail.dedupe_key, true]);
      for (const link of links) expect([mail.dedupe_key, link.startsWith(`${PUBLIC_URL}/`)]).toEqual([mail.dedupe_key, true]);
      // No path without its host (a bare "/seller/orders/…" is useless in a mail client).
      expect([mail.dedupe_key, mail.text_body.match(/(?<![\w.-])\/(?:orders|seller|admin|products|account)\b/g)]).toEqual([mail.dedupe_key, null]);
      const own = mail.dedupe_key.includes(':seller:') ? `${PUBLIC_URL}/seller/orders/${code}` : `${PUBLIC_URL}/orders/${code}`;
      expect(links).toContain(own);
    }
  });
});
