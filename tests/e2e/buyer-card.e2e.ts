import { screenshot } from './support/artifacts';
import { VIEWPORTS, useE2E } from './support/fixture';
import { SoftChecks, clickAndWait, orderCodeFromUrl, placeOrder, see } from './support/flows';
import { fillCartFromTwoCooperativesAndSignIn } from './support/journeys';

const e2e = useE2E();

describe.each(VIEWPORTS)('buyer pays by card through Stripe Checkout ($name)', (vp) => {
  const journey = `buyer-card-${vp.name}`;

  test('two cooperatives, "Thẻ quốc tế (Stripe)", pay on the hosted page, back on the order page: paid', async () => {
    const page = await (await e2e.newContext(vp)).newPage();
    const soft = new SoftChecks();
    const { honeySeller, teaSeller } = await fillCartFromTwoCooperativesAndSignIn(page, journey, soft);
    const fake = e2e.store.fakeStripe;
    const sessionsBefore = fake.sessions.size;

    // The store answers the checkout with a redirect to the hosted payment page (allowed by its CSP form-action).
    await placeOrder(page, 'Thẻ quốc tế (Stripe)', { street: 'Thôn Lao Chải, nhà số 5' }, (u) => u.origin === new URL(fake.apiBase).origin);
    expect(await page.title()).toBe('Fake Stripe Checkout');
    await see(page.getByRole('heading', { level: 1, name: 'Fake Stripe Checkout' }), 'the hosted checkout page');
    expect(fake.sessions.size).toBe(sessionsBefore + 1);
    const session = fake.lastSession();
    const code = session.metadata.orderCode;
    expect(code).toMatch(/\S/);
    expect(session.currency.toLowerCase()).toBe('vnd');
    const [order] = await e2e.store.db.query(`SELECT status, payment_method, total_vnd FROM orders WHERE code = $1`, [code]);
    expect(order).toMatchObject({ status: 'pending_payment', payment_method: 'stripe' });
    // VND is zero-decimal: the session asks for exactly the order total in đồng.
    expect(session.amount_total).toBe(order.total_vnd);
    expect(await page.locator('#amount').innerText()).toBe(String(order.total_vnd));
    await screenshot(page, journey, '06-fake-stripe-checkout', soft);

    // Pay: the fake completes the session, delivers the signed webhook, 303s to the store's success_url.
    await clickAndWait(page, page.getByRole('button', { name: 'Pay' }), (u) => u.pathname === `/orders/${code}`);
    expect(orderCodeFromUrl(page.url())).toBe(code);
    await see(page.getByRole('heading', { level: 1, name: `Đơn hàng ${code}` }), 'the order page after paying');
    await see(page.getByText(/Trạng thái:\s*Đã thanh toán/), 'the status "Đã thanh toán"');
    expect(await page.getByRole('region', { name: /^Kiện hàng của / }).count()).toBe(2);
    await see(page.getByRole('region', { name: `Kiện hàng của ${honeySeller}` }), `the parcel of ${honeySeller}`);
    await see(page.getByRole('region', { name: `Kiện hàng của ${teaSeller}` }), `the parcel of ${teaSeller}`);
    expect(await page.getByRole('link', { name: 'Thanh toán ngay' }).count()).toBe(0);
    await screenshot(page, journey, '07-order-paid', soft);

    const [paid] = await e2e.store.db.query(
      `SELECT o.status, o.paid_at IS NOT NULL AS paid, count(so.id)::int AS parts, bool_and(so.status = 'to_ship') AS to_ship
         FROM orders o JOIN seller_orders so ON so.order_id = o.id WHERE o.code = $1 GROUP BY o.id`,
      [code],
    );
    expect(paid).toEqual({ status: 'paid', paid: true, parts: 2, to_ship: true });
    // One payment, applied once, although both the webhook and the return page confirmed it.
    const payments = await e2e.store.db.query(
      `SELECT p.provider, p.outcome, p.amount_vnd::int AS amount FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.code = $1`,
      [code],
    );
    expect(payments).toEqual([{ provider: 'stripe', outcome: 'applied', amount: order.total_vnd }]);
    expect(fake.sessions.get(session.id)?.status).toBe('complete');
    soft.assertAll();
  });
});
