import request from 'supertest';
import { createAccount, csrfFrom, signIn, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { FakeZalo } from '../../helpers/fake-zalo';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';
import { createLogger } from '../../../server/logger';
import { ZaloWorker } from '../../../server/modules/notifications';

/** Several instances and repeated events: every message once; a team member never changes a household's choices. */

let zalo: FakeZalo;
let ctx: TestContext;
beforeAll(async () => {
  zalo = await new FakeZalo().start();
  ctx = await createTestContext({
    env: { ZALO_ZNS_ACCESS_TOKEN: zalo.accessToken, ZALO_ZNS_API_BASE: zalo.apiBase, ZALO_ZNS_TEMPLATES: 'order_placed=1,order_paid=2,seller_new_order=3' },
  });
});
afterAll(async () => {
  await ctx.close();
  await zalo.stop();
});

describe('Zalo under concurrency', () => {
  it('two workers (two instances) draining at once send each queued message exactly once', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 50 });
    const orders: number[] = [];
    for (let i = 0; i < 12; i++) {
      const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }], { fast: true });
      const code = orderCodeFrom(await checkout(buyer.agent));
      orders.push((await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]))[0].id);
    }
    const other = new ZaloWorker(ctx.ds, ctx.config.zalo, createLogger('silent'), { batchSize: 3 });
    const mine = new ZaloWorker(ctx.ds, ctx.config.zalo, createLogger('silent'), { batchSize: 3 });
    const [a, b] = await Promise.all([mine.drain(), other.drain()]);
    expect(a + b).toBe(12);
    const tracking = zalo.requests.map((r) => r.body.tracking_id);
    expect(new Set(tracking).size).toBe(12);
    expect(tracking).toHaveLength(12);
    const [{ sent }] = await ctx.ds.query(`SELECT count(*)::int AS sent FROM outbox_zalo WHERE status = 'sent' AND order_id = ANY($1)`, [orders]);
    expect(sent).toBe(12);
  });

  it('the same payment arriving twice at once queues the paid messages once', async () => {
    zalo.reset();
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    await ctx.ds.query(`UPDATE sellers SET phone = '0988000999' WHERE id = $1`, [seller.sellerId]);
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 5 });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }], { fast: true });
    const code = orderCodeFrom(await checkout(buyer.agent));
    const [{ id }] = await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]);
    const results = await Promise.all([ctx.container.orders.markPaid(id), ctx.container.orders.markPaid(id)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const rows = await ctx.ds.query(`SELECT event FROM outbox_zalo WHERE order_id = $1 ORDER BY id`, [id]);
    expect(rows.map((r: { event: string }) => r.event)).toEqual(['order_placed', 'order_paid', 'seller_new_order']);
    await ctx.container.zaloWorker.drain();
    expect(zalo.requests.map((r) => r.body.template_id).sort()).toEqual(['1', '2', '3']);
  });
});

describe('choices and the back office', () => {
  it('a team member acting for a household cannot open or post the household’s notification choices (403, nothing changed)', async () => {
    const household = await signInAsSeller(ctx.app, ctx.ds, { name: 'Hộ Thào A Lử' });
    const [team] = await ctx.ds.query(`INSERT INTO digital_teams (name, commune) VALUES ('Tổ CNS Tả Phìn', 'Phường Sa Pa') RETURNING id`);
    const account = await createAccount(ctx.ds, { fullName: 'Giàng Thị Mai' });
    await ctx.ds.query(`INSERT INTO digital_team_members (team_id, user_id) VALUES ($1, $2)`, [team.id, account.id]);
    await ctx.ds.query(`INSERT INTO team_households (team_id, seller_id) VALUES ($1, $2)`, [team.id, household.sellerId]);
    const member: request.Agent = await signIn(ctx.app, account.email);
    const token = csrfFrom((await member.get('/team')).text);
    await member.post(`/team/households/${household.sellerId}/act`).type('form').send({ _csrf: token }).expect(303);
    expect((await member.get('/seller/notifications')).status).toBe(403);
    const res = await member.post('/seller/notifications').type('form').send({ _csrf: token });
    expect(res.status).toBe(403);
    const both = await ctx.ds.query(`SELECT id, notify_email, notify_zalo FROM users WHERE id = ANY($1) ORDER BY id`, [[household.userId, account.id]]);
    expect(both.every((u: { notify_email: boolean; notify_zalo: boolean }) => u.notify_email && u.notify_zalo)).toBe(true);
  });

  it('the admin page lists mail that is being retried or failed, with its last error and attempts', async () => {
    await ctx.ds.query(
      `INSERT INTO outbox_emails (dedupe_key, to_address, subject, text_body, status, attempts, last_error)
       VALUES ('test:retrying', 'a@example.vn', 'Thư đang thử lại', '…', 'pending', 3, 'connect ECONNREFUSED 127.0.0.1:25'),
              ('test:failed', 'b@example.vn', 'Thư <b>thất bại</b>', '…', 'failed', 50, 'SMTP 550 mailbox unavailable'),
              ('test:sent', 'c@example.vn', 'Thư đã gửi', '…', 'sent', 1, NULL)`,
    );
    const admin = await signInAsAdmin(ctx.app, ctx.ds);
    const page = await admin.agent.get('/admin/notifications').expect(200);
    const rows = page.text.split('<tr class="email-row">').slice(1);
    const retrying = rows.find((r) => r.includes('a@example.vn'))!;
    expect(retrying).toContain('Đang thử lại');
    expect(retrying).toContain('connect ECONNREFUSED 127.0.0.1:25');
    expect(retrying).toContain('<td>3</td>');
    const failed = rows.find((r) => r.includes('b@example.vn'))!;
    expect(failed).toContain('Thư &lt;b&gt;thất bại&lt;/b&gt;');
    expect(failed).toContain('SMTP 550 mailbox unavailable');
    expect(page.text).not.toContain('c@example.vn');
    expect(page.text).toContain('Zalo ZNS đang bật.');
  });
});
