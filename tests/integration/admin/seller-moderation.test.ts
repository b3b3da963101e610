import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfFrom, csrfToken, signIn, signInAsAdmin } from '../../helpers/auth';

let ctx: TestContext;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext();
  admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
});
afterAll(() => ctx.close());

async function decide(id: number, decision: string, reason = '') {
  const token = csrfFrom((await admin.get(`/admin/sellers/${id}`)).text);
  return admin.post(`/admin/sellers/${id}/${decision}`).type('form').send({ _csrf: token, reason });
}

const statusOf = async (id: number) => (await ctx.ds.query(`SELECT status FROM sellers WHERE id = $1`, [id]))[0].status;

describe('admin moderation of sellers', () => {
  it('approve opens the seller area; suspend hides every product at once; reinstate brings them back; all audited', async () => {
    const email = 'muong-hum@example.vn';
    const agent = request.agent(ctx.app);
    const token = await csrfToken(agent, '/sellers/apply');
    await agent
      .post('/sellers/apply')
      .type('form')
      .send({
        _csrf: token,
        fullName: 'Lý Seo Chứ',
        email,
        phone: '0912000111',
        password: 'Le-Nam-Pung-ngon-lam',
        cooperativeName: 'Tổ hợp tác Lê Mường Hum',
        type: 'to_hop_tac',
        commune: 'Xã Mường Hum',
        address: 'Bản Nậm Pung',
        description: 'Trồng lê Nậm Pung.',
      })
      .expect(303);
    const [seller] = await ctx.ds.query(`SELECT s.id, s.slug FROM sellers s JOIN users u ON u.id = s.owner_user_id WHERE u.email = $1`, [email]);

    const queue = await admin.get('/admin/sellers?status=pending').expect(200);
    expect(queue.text).toContain('Tổ hợp tác Lê Mường Hum');
    expect(queue.text).toMatch(/Chờ duyệt \(1\)/);

    expect((await decide(seller.id, 'approve', 'Hồ sơ đầy đủ')).status).toBe(303);
    expect(await statusOf(seller.id)).toBe('approved');
    const area = await agent.get('/seller');
    expect(area.text).toContain('Gian hàng đang hoạt động.');

    // A product of this cooperative, live in the catalogue.
    const product = await ctx.factories.createProduct({ sellerId: seller.id, name: 'Lê Nậm Pung loại 1' });
    const visible = async () => {
      const [list, store, api] = await Promise.all([
        request(ctx.app).get('/products?q=le nam pung'),
        request(ctx.app).get(`/sellers/${seller.slug}`),
        request(ctx.app).get('/api/v1/products?q=le%20nam%20pung'),
      ]);
      return {
        list: list.text.includes('Lê Nậm Pung loại 1'),
        store: store.status === 200 && store.text.includes('Lê Nậm Pung loại 1'),
        api: api.body.items.some((i: { id: number }) => i.id === product.id),
        page: (await request(ctx.app).get(`/products/${product.slug}`)).status,
      };
    };
    expect(await visible()).toEqual({ list: true, store: true, api: true, page: 200 });

    const noReason = await decide(seller.id, 'suspend', '   ');
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('Vui lòng ghi lý do');
    expect(await statusOf(seller.id)).toBe('approved');

    expect((await decide(seller.id, 'suspend', 'Giấy chứng nhận OCOP hết hạn')).status).toBe(303);
    expect(await statusOf(seller.id)).toBe('suspended');
    expect(await visible()).toEqual({ list: false, store: false, api: false, page: 404 });
    const suspendedArea = await agent.get('/seller');
    expect(suspendedArea.text).toContain('Gian hàng đang bị tạm ngừng.');
    expect(suspendedArea.text).toContain('Giấy chứng nhận OCOP hết hạn');

    expect((await decide(seller.id, 'reinstate', 'Đã bổ sung giấy chứng nhận')).status).toBe(303);
    expect(await visible()).toEqual({ list: true, store: true, api: true, page: 200 });

    const audit = await admin.get('/admin/audit').expect(200);
    for (const text of [
      'Duyệt hợp tác xã',
      'Hồ sơ đầy đủ',
      'Tạm ngừng bán hàng',
      'Giấy chứng nhận OCOP hết hạn',
      'Khôi phục bán hàng',
      'Đã bổ sung giấy chứng nhận',
    ]) {
      expect(audit.text).toContain(text);
    }
    const rows = await ctx.ds.query(
      `SELECT action, reason, actor_user_id IS NOT NULL AS has_actor FROM audit_log WHERE target_type = 'seller' AND target_id = $1 ORDER BY id`,
      [String(seller.id)],
    );
    expect(rows).toEqual([
      { action: 'seller.applied', reason: null, has_actor: true },
      { action: 'seller.approve', reason: 'Hồ sơ đầy đủ', has_actor: true },
      { action: 'seller.suspend', reason: 'Giấy chứng nhận OCOP hết hạn', has_actor: true },
      { action: 'seller.reinstate', reason: 'Đã bổ sung giấy chứng nhận', has_actor: true },
    ]);
    const detail = await admin.get(`/admin/sellers/${seller.id}`);
    expect(detail.text).toContain('Khôi phục bán hàng');
    expect(detail.text).toContain('Lý Seo Chứ');
  });

  it('refuses a transition the table does not allow and changes nothing', async () => {
    const seller = await ctx.factories.createSeller({ status: 'approved' });
    const res = await decide(seller.id, 'approve');
    expect(res.status).toBe(409);
    expect(await statusOf(seller.id)).toBe('approved');
    expect(await ctx.ds.query(`SELECT 1 FROM audit_log WHERE target_id = $1`, [String(seller.id)])).toEqual([]);
    expect((await decide(999999, 'approve')).status).toBe(404);
  });

  it('rejecting needs a reason', async () => {
    const seller = await ctx.factories.createSeller({ status: 'pending' });
    expect((await decide(seller.id, 'reject', '')).status).toBe(422);
    expect(await statusOf(seller.id)).toBe('pending');
  });

  it('escapes what a cooperative typed when an admin reads it', async () => {
    const seller = await ctx.factories.createSeller({ status: 'pending', name: '<script>alert("htx")</script>' });
    const list = await admin.get('/admin/sellers');
    expect(list.text).not.toContain('<script>alert("htx")</script>');
    expect(list.text).toContain('&lt;script&gt;');
    const detail = await admin.get(`/admin/sellers/${seller.id}`);
    expect(detail.text).not.toContain('<script>alert("htx")</script>');
  });
});

describe('who may enter', () => {
  it('sends a signed-out visitor to login with next, and answers 403 to the wrong role', async () => {
    const out = await request(ctx.app).get('/admin');
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe('/login?next=%2Fadmin');
    const sellerOut = await request(ctx.app).get('/seller');
    expect(sellerOut.headers.location).toBe('/login?next=%2Fseller');

    const buyer = await createAccount(ctx.ds, { role: 'buyer' });
    const buyerAgent = await signIn(ctx.app, buyer.email);
    const forbidden = await buyerAgent.get('/admin');
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).toContain('Không có quyền truy cập');
    expect((await buyerAgent.get('/admin/sellers')).status).toBe(403);
    expect((await buyerAgent.get('/admin/audit')).status).toBe(403);
    expect((await buyerAgent.get('/seller')).status).toBe(403);

    const target = await ctx.factories.createSeller({ status: 'pending' });
    const token = csrfFrom((await buyerAgent.get('/account')).text);
    expect((await buyerAgent.post(`/admin/sellers/${target.id}/approve`).type('form').send({ _csrf: token })).status).toBe(403);
    expect(await statusOf(target.id)).toBe('pending');
  });

  it('checks the actor in the service too, not only in the route', async () => {
    const target = await ctx.factories.createSeller({ status: 'pending' });
    const buyer = await createAccount(ctx.ds, { role: 'buyer' });
    await expect(ctx.container.sellers.decide({ id: buyer.id, role: 'buyer' }, target.id, 'approve', '')).rejects.toMatchObject({ status: 403 });
    await expect(ctx.container.audit.list({ id: buyer.id, role: 'seller' })).rejects.toMatchObject({ status: 403 });
    expect(await statusOf(target.id)).toBe('pending');
  });
});
