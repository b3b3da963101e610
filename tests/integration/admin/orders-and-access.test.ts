import type { Express } from 'express';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfFrom, signIn, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { buyerWithCart, checkout, orderCodeFrom, pageToken } from '../../helpers/shopping';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/** Every route the app registers under /admin, with sample parameter values. */
function adminRoutes(app: Express): { method: string; path: string }[] {
  const found: { method: string; path: string }[] = [];
  type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const path of ([] as string[]).concat(layer.route.path)) {
          if (!path.startsWith('/admin')) continue;
          for (const method of Object.keys(layer.route.methods)) found.push({ method, path });
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found.map(({ method, path }) => ({
    method,
    path: path.replace(':decision', 'approve').replace(':action', 'hide').replace(':code', 'OCP-ABCDEF').replace(/:\w+/g, '1'),
  }));
}

describe('who may use the back office', () => {
  it('a seller and a buyer get 403 on every /admin route; a visitor is sent to login', async () => {
    const routes = adminRoutes(ctx.app);
    expect(routes.length).toBeGreaterThan(15);
    const buyer = await signIn(ctx.app, (await createAccount(ctx.ds, { role: 'buyer' })).email);
    const seller = (await signInAsSeller(ctx.app, ctx.ds)).agent;
    for (const agent of [buyer, seller]) {
      const token = await pageToken(agent);
      for (const { method, path } of routes) {
        const res =
          method === 'get' ? await agent.get(path) : await agent.post(path).type('form').send({ _csrf: token, reason: 'x', reference: 'x', rate: '5' });
        expect([method, path, res.status]).toEqual([method, path, 403]);
      }
    }
    for (const { path } of routes.filter((r) => r.method === 'get')) {
      const res = await request(ctx.app).get(path);
      expect([path, res.status, res.headers.location]).toEqual([path, 302, `/login?next=${encodeURIComponent(path)}`]);
    }
  });
});

describe('admin orders', () => {
  it('filters by status, method, seller and date, and exports the same list as CSV', async () => {
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const s1 = await ctx.factories.createSeller({ name: 'HTX Xuất Một' });
    const s2 = await ctx.factories.createSeller({ name: 'HTX Xuất Hai' });
    const p1 = await ctx.factories.createProduct({ sellerId: s1.id, stock: 10, priceVnd: 100000 });
    const p2 = await ctx.factories.createProduct({ sellerId: s2.id, stock: 10, priceVnd: 50000 });
    const b1 = await buyerWithCart(ctx, [{ productId: p1.id, quantity: 1 }]);
    const paid = orderCodeFrom(await checkout(b1.agent, { recipientName: '=cmd|calc' }));
    await ctx.container.orders.markPaid((await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [paid]))[0].id);
    const b2 = await buyerWithCart(ctx, [{ productId: p2.id, quantity: 1 }]);
    const pending = orderCodeFrom(await checkout(b2.agent));

    const byStatus = await admin.get('/admin/orders?status=paid');
    expect(byStatus.text).toContain(paid);
    expect(byStatus.text).not.toContain(pending);
    const bySeller = await admin.get(`/admin/orders?sellerId=${s2.id}`);
    expect(bySeller.text).toContain(pending);
    expect(bySeller.text).not.toContain(paid);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    expect((await admin.get(`/admin/orders?from=${today}&to=${today}&method=vietqr`)).text).toContain(paid);
    expect((await admin.get('/admin/orders?from=2020-01-01&to=2020-01-31')).text).not.toContain(paid);

    const csv = await admin
      .get(`/admin/orders.csv?sellerId=${s1.id}`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(csv.status).toBe(200);
    const body = csv.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toContain('Mã đơn,Ngày đặt,Trạng thái');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(paid);
    expect(lines[1]).toContain('Đã thanh toán');
    expect(lines[1]).toContain('HTX Xuất Một');
  });

  it('the order page shows its payment events, and every admin action is in the audit log', async () => {
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const p = await ctx.factories.createProduct({ stock: 10 });
    const buyer = await buyerWithCart(ctx, [{ productId: p.id, quantity: 1 }]);
    const code = orderCodeFrom(await checkout(buyer.agent));
    const page = await admin.get(`/admin/orders/${code}`);
    await admin
      .post(`/admin/orders/${code}/mark-paid`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), reference: 'FT-AUDIT-1' })
      .expect(303);
    const detail = await admin.get(`/admin/orders/${code}`);
    expect(detail.text).toContain('manual FT-AUDIT-1');
    expect(detail.text).toContain('pending_payment → paid');
    await admin
      .post(`/admin/orders/${code}/refund`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text), reason: 'Thử hoàn' })
      .expect(303);
    await admin
      .post(`/admin/products/${p.id}/hide`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text), reason: 'Kiểm tra' })
      .expect(303);
    const audit = await admin.get('/admin/audit');
    for (const text of ['Ghi nhận thanh toán', 'FT-AUDIT-1', 'Hoàn tiền đơn hàng', 'Thử hoàn', 'Ẩn sản phẩm', 'Kiểm tra', code])
      expect(audit.text).toContain(text);
  });
});
