import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { verifyOcopForm as verifyForm } from '../../helpers/moderation';

let ctx: TestContext;
let admin: request.Agent;
let seller: Awaited<ReturnType<typeof signInAsSeller>>;
let liquorCategory: number;
beforeAll(async () => {
  ctx = await createTestContext({ now: new Date('2025-06-01T03:00:00Z') });
  admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
  seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Ong mật Lương Thịnh' });
  [{ id: liquorCategory }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'II.1.a'`);
});
afterAll(() => ctx.close());

/** A product an admin has verified: 4★, live, with its badge on the public page. */
async function verifiedHoney(name = 'Mật ong Lương Thịnh') {
  const p = await ctx.factories.createProduct({
    sellerId: seller.sellerId,
    name,
    categoryCode: 'I.2.b',
    ocopStars: 4,
    ocopVerified: true,
    ocopCertificateNo: '2013/QĐ-UBND',
    withImage: true,
  });
  expect((await request(ctx.app).get(`/products/${p.slug}`)).text).toContain('class="ocop-badge');
  return p;
}

/** The seller's edit form, posted with these changes (everything else as the form shows it). */
async function edit(productId: number, changes: Record<string, string>) {
  const form = await seller.agent.get(`/seller/products/${productId}/edit`);
  const field = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(form.text)?.[1] ?? '';
  const [row] = await ctx.ds.query(
    `SELECT category_id, ocop_stars, ocop_certificate_no, ocop_decision_date, description, price_vnd, unit, low_stock_threshold FROM products WHERE id = $1`,
    [productId],
  );
  return seller.agent
    .post(`/seller/products/${productId}/edit`)
    .type('form')
    .send({
      _csrf: csrfFrom(form.text),
      version: field('version'),
      name: field('name'),
      categoryId: String(row.category_id),
      description: row.description,
      priceVnd: String(row.price_vnd),
      unit: row.unit,
      lowStockThreshold: String(row.low_stock_threshold),
      ocopStars: String(row.ocop_stars),
      ocopCertificateNo: row.ocop_certificate_no,
      ocopDecisionDate: row.ocop_decision_date,
      ...changes,
    });
}

const claimOf = async (id: number) =>
  (await ctx.ds.query(`SELECT ocop_verified, ocop_verified_at IS NOT NULL AS has_verified_at, ocop_verified_by FROM products WHERE id = $1`, [id]))[0];
const verifyAudits = async (id: number) =>
  ctx.ds.query(`SELECT reason, details FROM audit_log WHERE action = 'product.verify-ocop' AND target_id = $1 ORDER BY id`, [String(id)]);

describe('an OCOP claim belongs to the product it was verified for', () => {
  it('renaming a verified product sends its claim back to "chờ xác minh": no badge in public, pending for the admin', async () => {
    const p = await verifiedHoney();
    expect((await edit(p.id, { name: 'Rượu ngô men lá' })).status).toBe(303);

    expect(await claimOf(p.id)).toEqual({ ocop_verified: false, has_verified_at: false, ocop_verified_by: null });
    const page = await request(ctx.app).get(`/products/${p.slug}`);
    expect(page.text).toContain('Rượu ngô men lá');
    expect(page.text).not.toContain('class="ocop-badge');
    expect(page.text).not.toContain('2013/QĐ-UBND');
    expect(page.text).toContain('chờ xác minh');
    const pending = await admin.get('/admin/products?ocop=pending');
    expect(pending.text).toContain('Rượu ngô men lá');
    // Filtering the catalogue by stars no longer counts it.
    expect((await request(ctx.app).get('/products?stars=4')).text).not.toContain('Rượu ngô men lá');
  });

  it('moving a verified product to another OCOP group does the same', async () => {
    const p = await verifiedHoney('Mật ong hoa bạc hà Lương Thịnh');
    expect((await edit(p.id, { categoryId: String(liquorCategory) })).status).toBe(303);

    expect(await claimOf(p.id)).toEqual({ ocop_verified: false, has_verified_at: false, ocop_verified_by: null });
    expect((await request(ctx.app).get(`/products/${p.slug}`)).text).not.toContain('class="ocop-badge');
    expect((await admin.get('/admin/products?ocop=pending')).text).toContain('Mật ong hoa bạc hà Lương Thịnh');
  });

  it('changing only price, description or stock keeps the badge', async () => {
    const p = await verifiedHoney('Mật ong rừng Lương Thịnh');
    expect((await edit(p.id, { priceVnd: '215000', description: 'Vụ mật mới.', unit: 'chai 700ml', lowStockThreshold: '4' })).status).toBe(303);
    const detail = await seller.agent.get(`/seller/products/${p.id}`);
    const stock = await seller.agent
      .post(`/seller/products/${p.id}/stock`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text), delta: '5', reason: 'restock' });
    expect(stock.status).toBe(303);

    expect((await claimOf(p.id)).ocop_verified).toBe(true);
    const page = await request(ctx.app).get(`/products/${p.slug}`);
    expect(page.text).toContain('class="ocop-badge');
    expect(page.text).toContain('215.000');
  });

  it('a verify for the claim the admin was shown is refused with 409 when the seller changed it since; nothing is verified or audited', async () => {
    const p = await ctx.factories.createProduct({
      sellerId: seller.sellerId,
      name: 'Mật ong bạc hà Mèo Vạc',
      ocopStars: 4,
      ocopVerified: false,
      ocopCertificateNo: '77/QĐ-UBND',
      withImage: true,
    });
    const shown = await admin.get('/admin/products?ocop=pending');
    const form = verifyForm(shown.text, p.id);
    expect(form.claimVersion).toMatch(/^\d+$/);

    // Between the admin's page load and the click, the seller turns the listing into something else.
    expect((await edit(p.id, { name: 'Rượu ngô men lá Mèo Vạc', categoryId: String(liquorCategory) })).status).toBe(303);

    const res = await admin
      .post(`/admin/products/${p.id}/verify-ocop`)
      .type('form')
      .send({ ...form, reason: 'Đã đối chiếu' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Hợp tác xã vừa sửa thông tin chứng nhận OCOP của sản phẩm này');
    expect(res.text).toContain('Rượu ngô men lá Mèo Vạc');
    expect(await claimOf(p.id)).toEqual({ ocop_verified: false, has_verified_at: false, ocop_verified_by: null });
    expect(await verifyAudits(p.id)).toEqual([]);
    expect((await request(ctx.app).get(`/products/${p.slug}`)).text).not.toContain('class="ocop-badge');
  });

  it('a verify for the current claim verifies it and audits what was verified', async () => {
    const p = await ctx.factories.createProduct({
      sellerId: seller.sellerId,
      name: 'Mật ong Bắc Hà',
      ocopStars: 3,
      ocopVerified: false,
      ocopCertificateNo: '88/QĐ-UBND',
      withImage: true,
    });
    const shown = await admin.get('/admin/products?ocop=pending');
    const res = await admin
      .post(`/admin/products/${p.id}/verify-ocop`)
      .type('form')
      .send({ ...verifyForm(shown.text, p.id), reason: 'Đối chiếu QĐ 88' });
    expect(res.status).toBe(303);

    expect(await claimOf(p.id)).toMatchObject({ ocop_verified: true, has_verified_at: true });
    expect((await request(ctx.app).get(`/products/${p.slug}`)).text).toContain('class="ocop-badge');
    const [audit] = await verifyAudits(p.id);
    expect(audit.reason).toBe('Đối chiếu QĐ 88');
    expect(audit.details).toMatchObject({ name: 'Mật ong Bắc Hà', category: 'I.2.b', stars: 3, certificateNo: '88/QĐ-UBND' });
  });

  it('a verify without the claim version it was shown is refused', async () => {
    const p = await ctx.factories.createProduct({ sellerId: seller.sellerId, ocopStars: 4, ocopVerified: false, withImage: true });
    const token = csrfFrom((await admin.get('/admin/products')).text);
    const res = await admin.post(`/admin/products/${p.id}/verify-ocop`).type('form').send({ _csrf: token, reason: '' });
    expect(res.status).toBe(422);
    expect((await claimOf(p.id)).ocop_verified).toBe(false);
    expect(await verifyAudits(p.id)).toEqual([]);
  });
});
