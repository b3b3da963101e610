import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin } from '../../helpers/auth';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const orderRow = async (code: string) => (await ctx.ds.query(`SELECT id, status, reserved_until, closed_at FROM orders WHERE code = $1`, [code]))[0];
const stockOf = async (id: number) => (await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [id]))[0].stock as number;

async function unpaidOrder() {
  const p = await ctx.factories.createProduct({ stock: 5, name: 'Mật ong bạc hà' });
  const buyer = await buyerWithCart(ctx, [{ productId: p.id, quantity: 2 }]);
  const code = orderCodeFrom(await checkout(buyer.agent));
  return { p, buyer, code };
}

describe('admins act on orders through the back office only', () => {
  it('an admin who is not the buyer gets 404 on every buyer route of the order, and nothing changes', async () => {
    const { p, code } = await unpaidOrder();
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const token = csrfFrom((await admin.get(`/admin/orders/${code}`)).text);
    const before = await orderRow(code);

    expect((await admin.get(`/orders/${code}`)).status).toBe(404);
    expect((await admin.get(`/orders/${code}/pay`)).status).toBe(404);
    expect((await admin.post(`/orders/${code}/pay`).type('form').send({ _csrf: token })).status).toBe(404);
    const cancel = await admin.post(`/orders/${code}/cancel`).type('form').send({ _csrf: token });
    expect(cancel.status).toBe(404);
    expect(cancel.text).toContain('Không tìm thấy đơn hàng');

    expect(await orderRow(code)).toEqual(before);
    expect(await stockOf(p.id)).toBe(3);
    expect(await ctx.ds.query(`SELECT to_status FROM order_events WHERE order_id = $1`, [before.id])).toEqual([{ to_status: 'pending_payment' }]);
    expect(await ctx.ds.query(`SELECT 1 FROM audit_log WHERE target_type = 'order' AND target_id = $1`, [code])).toEqual([]);
  });

  it('POST /admin/orders/:code/cancel cancels an unpaid order with a reason, returns its stock and writes the audit log', async () => {
    const { p, code } = await unpaidOrder();
    const { agent: admin, id: adminId } = await signInAsAdmin(ctx.app, ctx.ds);
    const page = await admin.get(`/admin/orders/${code}`);
    expect(page.text).toContain(`action="/admin/orders/${code}/cancel"`);
    const token = csrfFrom(page.text);

    // No reason, no cancel.
    const missing = await admin.post(`/admin/orders/${code}/cancel`).type('form').send({ _csrf: token, reason: ' ' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('Vui lòng nhập lý do huỷ đơn.');
    expect((await orderRow(code)).status).toBe('pending_payment');

    const res = await admin.post(`/admin/orders/${code}/cancel`).type('form').send({ _csrf: token, reason: 'Người mua gọi điện xin huỷ' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/orders/${code}`);
    const order = await orderRow(code);
    expect(order.status).toBe('cancelled');
    expect(await stockOf(p.id)).toBe(5);
    expect(
      await ctx.ds.query(`SELECT from_status, to_status, actor_user_id, note FROM order_events WHERE order_id = $1 AND to_status = 'cancelled'`, [order.id]),
    ).toEqual([{ from_status: 'pending_payment', to_status: 'cancelled', actor_user_id: adminId, note: 'Người mua gọi điện xin huỷ' }]);
    expect(await ctx.ds.query(`SELECT actor_user_id, action, reason FROM audit_log WHERE target_type = 'order' AND target_id = $1`, [code])).toEqual([
      { actor_user_id: adminId, action: 'order.cancel', reason: 'Người mua gọi điện xin huỷ' },
    ]);
    expect(await ctx.ds.query(`SELECT 1 FROM outbox_emails WHERE dedupe_key = $1`, [`order:${order.id}:cancelled:buyer`])).toHaveLength(1);

    const detail = await admin.get(`/admin/orders/${code}`);
    expect(detail.text).toContain('Đã huỷ đơn hàng.');
    expect(detail.text).not.toContain(`action="/admin/orders/${code}/cancel"`);
    const audit = await admin.get('/admin/audit');
    for (const text of ['Huỷ đơn hàng', 'Người mua gọi điện xin huỷ', code]) expect(audit.text).toContain(text);

    // Twice is refused and changes nothing more.
    const again = await admin.post(`/admin/orders/${code}/cancel`).type('form').send({ _csrf: token, reason: 'Lần nữa' });
    expect(again.status).toBe(409);
    expect(await stockOf(p.id)).toBe(5);
    expect(await ctx.ds.query(`SELECT 1 FROM audit_log WHERE target_type = 'order' AND target_id = $1`, [code])).toHaveLength(1);
  });

  it('a paid order is not cancelled here (that is a refund), and an unknown field is refused', async () => {
    const { code } = await unpaidOrder();
    await ctx.container.orders.markPaid((await orderRow(code)).id);
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const token = csrfFrom((await admin.get(`/admin/orders/${code}`)).text);
    expect((await admin.post(`/admin/orders/${code}/cancel`).type('form').send({ _csrf: token, reason: 'Thử huỷ', status: 'cancelled' })).status).toBe(422);
    const res = await admin.post(`/admin/orders/${code}/cancel`).type('form').send({ _csrf: token, reason: 'Thử huỷ' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Chỉ có thể huỷ đơn hàng chưa thanh toán.');
    expect((await orderRow(code)).status).toBe('paid');
    expect(await ctx.ds.query(`SELECT 1 FROM audit_log WHERE action = 'order.cancel' AND target_id = $1`, [code])).toEqual([]);
  });
});
