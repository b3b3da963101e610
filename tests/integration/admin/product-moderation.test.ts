import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { verifyOcopForm } from '../../helpers/moderation';

let ctx: TestContext;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext({ now: new Date('2025-06-01T03:00:00Z') });
  admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
});
afterAll(() => ctx.close());

async function act(productId: number, action: string, reason = '') {
  const page = await admin.get('/admin/products');
  // The verify form also carries the claim version the admin was shown.
  const shown = action === 'verify-ocop' ? { claimVersion: verifyOcopForm(page.text, productId).claimVersion } : {};
  return admin
    .post(`/admin/products/${productId}/${action}`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), reason, returnTo: '/admin/products?status=hidden', ...shown });
}

describe('listing moderation', () => {
  it('hiding removes a product from catalogue, search and API, and shows the reason to its seller; restoring brings it back', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const p = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Rượu men lá Na Lang', withImage: true });
    const visible = async () => ({
      page: (await request(ctx.app).get(`/products/${p.slug}`)).status,
      search: (await request(ctx.app).get('/products?q=ruou men la')).text.includes('Rượu men lá Na Lang'),
      api: (await request(ctx.app).get('/api/v1/products?q=ruou%20men%20la')).body.items.length,
      store: (await request(ctx.app).get(`/sellers/${seller.slug}`)).text.includes('Rượu men lá Na Lang'),
    });
    expect(await visible()).toEqual({ page: 200, search: true, api: 1, store: true });

    const noReason = await act(p.id, 'hide', '  ');
    expect(noReason.status).toBe(303);
    expect((await admin.get('/admin/products')).text).toContain('Vui lòng ghi lý do');
    expect((await ctx.ds.query(`SELECT status FROM products WHERE id = $1`, [p.id]))[0].status).toBe('active');

    const hide = await act(p.id, 'hide', 'Nhãn chưa ghi nồng độ cồn');
    expect(hide.status).toBe(303);
    expect(hide.headers.location).toBe('/admin/products?status=hidden');
    expect(await visible()).toEqual({ page: 404, search: false, api: 0, store: false });
    const sellerPage = await seller.agent.get(`/seller/products/${p.id}`);
    expect(sellerPage.text).toContain('Quản trị viên đã ẩn sản phẩm: Nhãn chưa ghi nồng độ cồn');
    expect((await seller.agent.get('/seller/products')).text).toContain('Nhãn chưa ghi nồng độ cồn');
    // The seller cannot publish it again by itself.
    const republish = await seller.agent
      .post(`/seller/products/${p.id}/publish`)
      .type('form')
      .send({ _csrf: csrfFrom(sellerPage.text) });
    expect(republish.status).toBe(409);
    expect(republish.text).toContain('Sản phẩm đang bị quản trị viên ẩn');

    expect((await act(p.id, 'restore', 'Đã bổ sung nhãn')).status).toBe(303);
    expect(await visible()).toEqual({ page: 200, search: true, api: 1, store: true });
    const audit = await ctx.ds.query(`SELECT action, reason FROM audit_log WHERE target_type = 'product' AND target_id = $1 ORDER BY id`, [String(p.id)]);
    expect(audit).toEqual([
      { action: 'product.hide', reason: 'Nhãn chưa ghi nồng độ cồn' },
      { action: 'product.restore', reason: 'Đã bổ sung nhãn' },
    ]);
  });

  it('restoring a hidden draft keeps it a draft', async () => {
    const p = await ctx.factories.createProduct({ status: 'draft' });
    await act(p.id, 'hide', 'Ảnh không đúng sản phẩm');
    await act(p.id, 'restore');
    expect((await ctx.ds.query(`SELECT status, hidden_reason FROM products WHERE id = $1`, [p.id]))[0]).toEqual({ status: 'draft', hidden_reason: null });
  });

  it('verifying an OCOP claim shows the badge; moving the clock past 36 months removes it and lists it for follow-up', async () => {
    const p = await ctx.factories.createProduct({
      name: 'Chè Shan tuyết',
      ocopStars: 4,
      ocopVerified: false,
      ocopDecisionDate: '2023-01-10',
      ocopCertificateNo: '12/QĐ-UBND',
      withImage: true,
    });
    expect((await request(ctx.app).get(`/products/${p.slug}`)).text).not.toContain('class="ocop-badge');
    expect((await act(p.id, 'verify-ocop', 'Đối chiếu QĐ 12')).status).toBe(303);
    const now = await request(ctx.app).get(`/products/${p.slug}`);
    expect(now.text).toContain('class="ocop-badge');
    expect(now.text).toContain('10/01/2026');
    expect((await admin.get('/admin/products?ocop=expired')).text).not.toContain('Chè Shan tuyết');

    ctx.setNow(new Date('2026-02-01T03:00:00Z'));
    try {
      const later = await request(ctx.app).get(`/products/${p.slug}`);
      expect(later.text).not.toContain('class="ocop-badge');
      expect(later.text).toContain('hết hạn');
      const followUp = await admin.get('/admin/products?ocop=expired');
      expect(followUp.text).toContain('Chè Shan tuyết');
      expect(followUp.text).toContain('Hết hạn');
      // Filtering the catalogue by stars no longer counts it.
      expect((await request(ctx.app).get('/products?stars=4')).text).not.toContain('Chè Shan tuyết');
    } finally {
      ctx.setNow(new Date('2025-06-01T03:00:00Z'));
    }
  });

  it('filters by seller, status and name', async () => {
    const a = await ctx.factories.createSeller({ name: 'HTX Lọc A' });
    await ctx.factories.createProduct({ sellerId: a.id, name: 'Miến dong Lọc', status: 'draft' });
    await ctx.factories.createProduct({ name: 'Khác hẳn Lọc', status: 'active' });
    const bySeller = await admin.get(`/admin/products?sellerId=${a.id}`);
    expect(bySeller.text).toContain('Miến dong Lọc');
    expect(bySeller.text).not.toContain('Khác hẳn Lọc');
    const byStatus = await admin.get('/admin/products?status=draft&q=loc');
    expect(byStatus.text).toContain('Miến dong Lọc');
    expect(byStatus.text).not.toContain('Khác hẳn Lọc');
  });
});
