import { csrfFrom } from '../../helpers/auth';
import { withFakeStripe } from '../../helpers/fake-stripe';
import { ADDRESS, buyerWithCart, pageToken } from '../../helpers/shopping';

const MINUTE = 60_000;
const T0 = new Date('2026-03-02T03:00:00.000Z');

const shop = withFakeStripe({ now: T0 });
afterEach(() => shop.ctx.setNow(T0));

const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);
const orderRow = async (code: string) =>
  (
    await shop.ctx.ds.query(
      `SELECT id, status, payment_method, payment_attempts, reserved_until, first_reserved_until, stripe_session_id FROM orders WHERE code = $1`,
      [code],
    )
  )[0];
/** The Checkout Sessions Stripe holds for an order (each distinct session, however many requests asked for it). */
const sessionsOf = (orderId: number) => [...shop.stripe.sessions.values()].filter((s) => s.metadata.orderId === String(orderId));

async function placeOrder(paymentMethod: 'stripe' | 'vietqr') {
  const p = await shop.ctx.factories.createProduct({ stock: 4, name: 'Gạo Séng Cù' });
  const buyer = await buyerWithCart(shop.ctx, [{ productId: p.id, quantity: 4 }]);
  const res = await buyer.agent
    .post('/checkout')
    .type('form')
    .send({ _csrf: await pageToken(buyer.agent), ...ADDRESS, paymentMethod });
  expect(res.status).toBe(303);
  const [{ code }] = await shop.ctx.ds.query(`SELECT code FROM orders WHERE buyer_user_id = $1`, [buyer.userId]);
  return { p, buyer, code: code as string, location: res.headers.location as string };
}

/** Posts the pay form as the page offers it (the card button, or the VietQR page's switch). */
async function pay(agent: Awaited<ReturnType<typeof placeOrder>>['buyer']['agent'], code: string, fields: Record<string, string> = {}) {
  const page = await agent.get(`/orders/${code}/pay`);
  return agent
    .post(`/orders/${code}/pay`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...fields });
}

/** Stripe ended the session (it expired, or a delayed payment failed) without paying the order. */
function endSession(id: string) {
  shop.stripe.sessions.get(id)!.status = 'expired';
}

describe('card payment attempts', () => {
  it('re-posting while the Stripe session is open goes back to that session: Stripe is asked for one', async () => {
    const { buyer, code, location } = await placeOrder('stripe');
    const before = await orderRow(code);
    const [session] = sessionsOf(before.id);
    expect(location).toBe(session.url);

    for (let i = 0; i < 3; i++) {
      const res = await pay(buyer.agent, code);
      expect([res.status, res.headers.location]).toEqual([303, session.url]);
    }
    // A double click: the answers arrive together, still one session.
    const twice = await Promise.all([pay(buyer.agent, code), pay(buyer.agent, code)]);
    expect(twice.map((r) => r.headers.location)).toEqual([session.url, session.url]);

    expect(sessionsOf(before.id)).toHaveLength(1);
    expect(await orderRow(code)).toEqual(before);
  });

  it('a new session only once the open one ended; parallel posts then share the one new session', async () => {
    const { buyer, code } = await placeOrder('stripe');
    const { id } = await orderRow(code);
    const [first] = sessionsOf(id);
    endSession(first.id);

    const answers = await Promise.all([pay(buyer.agent, code), pay(buyer.agent, code), pay(buyer.agent, code)]);
    const sessions = sessionsOf(id);
    expect(sessions).toHaveLength(2);
    const second = sessions[1];
    expect(answers.map((r) => [r.status, r.headers.location])).toEqual([
      [303, second.url],
      [303, second.url],
      [303, second.url],
    ]);
    expect(await orderRow(code)).toMatchObject({ payment_attempts: 2, stripe_session_id: second.id });
  });

  it('the reservation never passes the first reservation end plus one payment window, however many attempts and however late', async () => {
    const { p, buyer, code } = await placeOrder('stripe');
    const order = await orderRow(code);
    const firstEnd = at(30).getTime(); // RESERVATION_MINUTES = 30
    expect(new Date(order.first_reserved_until).getTime()).toBe(firstEnd);
    const cap = firstEnd + 30 * MINUTE;

    for (const minutes of [10, 29, 45, 55]) {
      shop.ctx.setNow(at(minutes));
      endSession(sessionsOf(order.id).at(-1)!.id);
      const res = await pay(buyer.agent, code);
      expect(res.status).toBe(303);
      const session = sessionsOf(order.id).at(-1)!;
      expect(res.headers.location).toBe(session.url);
      const reservedUntil = new Date((await orderRow(code)).reserved_until).getTime();
      expect(reservedUntil).toBeLessThanOrEqual(cap);
      expect(reservedUntil).toBeGreaterThan(at(minutes).getTime());
      // Stripe's own minimum (30 minutes) may outlast the reservation; it never ends before it.
      expect(session.expires_at * 1000).toBeGreaterThanOrEqual(Math.floor(reservedUntil / 1000) * 1000);
    }
    expect(new Date((await orderRow(code)).reserved_until).getTime()).toBe(cap);
    expect(sessionsOf(order.id)).toHaveLength(5);

    // Past the cap the sweeper takes the order like any other: the stock is back on the shelf.
    shop.ctx.setNow(at(61));
    await shop.ctx.container.orders.expireOverdue();
    expect((await orderRow(code)).status).toBe('expired');
    expect((await shop.ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [p.id]))[0].stock).toBe(4);
  });

  it('after 5 card sessions a sixth is refused with a clear message and nothing changes', async () => {
    const { buyer, code } = await placeOrder('stripe');
    const { id } = await orderRow(code);
    for (let i = 0; i < 4; i++) {
      endSession(sessionsOf(id).at(-1)!.id);
      expect((await pay(buyer.agent, code)).status).toBe(303);
    }
    expect(sessionsOf(id)).toHaveLength(5);
    endSession(sessionsOf(id).at(-1)!.id);
    const before = await orderRow(code);
    const requests = shop.stripe.requests.length;

    const refused = await pay(buyer.agent, code);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('đã mở trang thanh toán thẻ 5 lần');
    expect(await orderRow(code)).toEqual(before);
    expect(sessionsOf(id)).toHaveLength(5);
    expect(shop.stripe.requests.slice(requests).filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('a VietQR order opens no card session on POST /pay; only the explicit "Trả bằng thẻ" switches it, with the same limits', async () => {
    const { buyer, code, location } = await placeOrder('vietqr');
    expect(location).toBe(`/orders/${code}/pay`);
    const before = await orderRow(code);

    const plain = await pay(buyer.agent, code);
    expect(plain.status).toBe(409);
    expect(plain.text).toContain('Trả bằng thẻ');
    expect(sessionsOf(before.id)).toEqual([]);
    expect(await orderRow(code)).toEqual(before);
    // Anything else in the form is refused too.
    expect((await pay(buyer.agent, code, { switchTo: 'cash' })).status).toBe(422);
    expect((await pay(buyer.agent, code, { paymentMethod: 'stripe' })).status).toBe(422);
    expect(sessionsOf(before.id)).toEqual([]);

    // The page says what the button does, and the button is the only way.
    const page = await buyer.agent.get(`/orders/${code}/pay`);
    expect(page.text).toContain('Chuyển khoản bằng VietQR');
    expect(page.text).toMatch(/<button[^>]*name="switchTo" value="stripe"[^>]*>Trả bằng thẻ<\/button>/);

    shop.ctx.setNow(at(20));
    const switched = await pay(buyer.agent, code, { switchTo: 'stripe' });
    const [session] = sessionsOf(before.id);
    expect([switched.status, switched.headers.location]).toEqual([303, session.url]);
    const after = await orderRow(code);
    expect(after).toMatchObject({ payment_method: 'stripe', payment_attempts: 1, stripe_session_id: session.id });
    expect(new Date(after.first_reserved_until).getTime()).toBe(new Date(before.reserved_until).getTime());
    expect(new Date(after.reserved_until).getTime()).toBeLessThanOrEqual(new Date(before.reserved_until).getTime() + 30 * MINUTE);
    // Once switched, the card page is what the buyer gets, and a re-post goes back to the same session.
    expect((await pay(buyer.agent, code)).headers.location).toBe(session.url);
    expect(sessionsOf(before.id)).toHaveLength(1);
  });
});
