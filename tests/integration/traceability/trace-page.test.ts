import jsQR from 'jsqr';
import sharp from 'sharp';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { decodeHtml } from '../../helpers/sales';

const PUBLIC_URL = 'https://cho-ocop.example.vn';
let ctx: TestContext;
let seller: Awaited<ReturnType<typeof signInAsSeller>>;
beforeAll(async () => {
  ctx = await createTestContext({ now: new Date('2026-11-29T03:00:00Z'), env: { PUBLIC_URL } });
  seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Chè Shan tuyết Séo Mý Tỷ' });
  await ctx.ds.query(`UPDATE sellers SET commune = 'Xã Tả Van' WHERE id = $1`, [seller.sellerId]);
});
afterAll(() => ctx.close());

async function addBatch(productId: number, body: Record<string, string>): Promise<{ id: number; traceCode: string }> {
  const page = await seller.agent.get(`/seller/products/${productId}/batches`);
  const res = await seller.agent
    .post(`/seller/products/${productId}/batches`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...body });
  expect(res.status).toBe(303);
  const [row] = await ctx.ds.query(`SELECT id, trace_code AS "traceCode" FROM product_batches WHERE product_id = $1 AND code = $2`, [productId, body.code]);
  return row;
}

/** Every inline QR of a page, rasterised and decoded: the text each one carries. */
async function decodeQrs(html: string): Promise<string[]> {
  const svgs = [...html.matchAll(/<svg[^>]*viewBox="0 0 (\d+) \d+"[^>]*>[\s\S]*?<\/svg>/g)];
  return Promise.all(
    svgs.map(async ([svg]) => {
      const sized = svg.replace('<svg ', '<svg width="300" height="300" ');
      const { data, info } = await sharp(Buffer.from(sized))
        .flatten({ background: '#ffffff' })
        .extend({ top: 40, bottom: 40, left: 40, right: 40, background: '#ffffff' })
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const code = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
      if (!code) throw new Error('a QR on the sheet does not decode');
      return code.data;
    }),
  );
}

describe('GET /trace/:code', () => {
  it('shows product, producer and commune, a verified national OCOP certificate, dates, area, quantity, note — small, no script, no cookie', async () => {
    const product = await ctx.factories.createProduct({
      sellerId: seller.sellerId,
      name: 'Chè Shan tuyết cổ thụ Séo Mý Tỷ',
      unit: 'gói',
      ocopStars: 5,
      ocopCertificateNo: 'QĐ-5SAO-2025',
      ocopDecisionDate: '2025-03-10',
    });
    const batch = await addBatch(product.id, {
      code: 'CHE-XUAN-26',
      producedOn: '2026-04-02',
      expiresOn: '2027-04-02',
      area: 'Thôn Séo Mý Tỷ, xã Tả Van',
      quantity: '300',
      note: 'Hái một tôm hai lá',
    });
    const res = await request(ctx.app).get(`/trace/${batch.traceCode}`);
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(Buffer.byteLength(res.text)).toBeLessThan(30 * 1024);
    expect(res.text).not.toMatch(/<script[^>]*\ssrc=/i);
    const text = decodeHtml(res.text);
    expect(res.text).toContain(`<a href="/products/${product.slug}">Chè Shan tuyết cổ thụ Séo Mý Tỷ</a>`);
    expect(text).toContain('HTX Chè Shan tuyết Séo Mý Tỷ');
    expect(text).toContain('Xã Tả Van, Lào Cai');
    expect(res.text).toContain('class="ocop-badge ocop-national"');
    expect(text).toContain('Sản phẩm OCOP quốc gia');
    expect(text).toContain('QĐ-5SAO-2025');
    expect(text).toContain('10/03/2025');
    expect(text).toContain('10/03/2028'); // valid 36 months
    expect(text).toContain('CHE-XUAN-26');
    expect(text).toContain('02/04/2026');
    expect(text).toContain('02/04/2027');
    expect(text).toContain('Thôn Séo Mý Tỷ, xã Tả Van');
    expect(text).toContain('300 gói');
    expect(text).toMatch(/Đã bán<\/dt><dd>0 gói/);
    expect(text).toContain('Hái một tôm hai lá');
    expect(res.text).toContain(`<link rel="canonical" href="${PUBLIC_URL}/trace/${batch.traceCode}">`);
    // Typed by hand from the label, in lower case: the same page.
    const lower = await request(ctx.app).get(`/trace/${batch.traceCode.toLowerCase()}`);
    expect(lower.status).toBe(200);
    expect(lower.text).toContain('CHE-XUAN-26');
    // A signed-in visitor sees the same public page.
    expect((await seller.agent.get(`/trace/${batch.traceCode}`)).status).toBe(200);
  });

  it('shows an expired certificate as expired (no badge) and a pending claim as pending, like the catalogue', async () => {
    const expired = await ctx.factories.createProduct({ sellerId: seller.sellerId, ocopStars: 4, ocopDecisionDate: '2022-01-15', ocopCertificateNo: 'CN-CU' });
    const pending = await ctx.factories.createProduct({ sellerId: seller.sellerId, ocopStars: 3, ocopVerified: false });
    const none = await ctx.factories.createProduct({ sellerId: seller.sellerId });
    const e = await addBatch(expired.id, { code: 'EXP-1', producedOn: '2026-01-01', quantity: '5' });
    const p = await addBatch(pending.id, { code: 'PEN-1', producedOn: '2026-01-01', quantity: '5' });
    const n = await addBatch(none.id, { code: 'NON-1', producedOn: '2026-01-01', quantity: '5' });

    const expiredPage = decodeHtml((await request(ctx.app).get(`/trace/${e.traceCode}`)).text);
    expect(expiredPage).not.toContain('class="ocop-badge');
    expect(expiredPage).toContain('Chứng nhận OCOP 4 sao đã hết hạn ngày 15/01/2025');
    const pendingPage = decodeHtml((await request(ctx.app).get(`/trace/${p.traceCode}`)).text);
    expect(pendingPage).not.toContain('class="ocop-badge');
    expect(pendingPage).toContain('Hạng sao OCOP 3 sao (chờ xác minh)');
    expect(decodeHtml((await request(ctx.app).get(`/trace/${n.traceCode}`)).text)).toContain('Sản phẩm chưa khai báo chứng nhận OCOP.');
  });

  it('answers 404 for an unknown or impossible code', async () => {
    expect((await request(ctx.app).get('/trace/ZZZZZZZZZZ')).status).toBe(404);
    expect((await request(ctx.app).get('/trace/ab')).status).toBe(404);
    expect((await request(ctx.app).get(`/trace/${'A'.repeat(41)}`)).status).toBe(404);
    const res = await request(ctx.app).get('/trace/%3Cscript%3E');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('<script>');
  });

  it('escapes hostile text in the area, the note and the product name', async () => {
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Mật ong <img src=x onerror=alert(1)>' });
    const batch = await addBatch(product.id, {
      code: 'XSS-1',
      producedOn: '2026-01-01',
      quantity: '5',
      area: '<script>alert("vùng")</script>',
      note: '"><svg onload=alert(1)>',
    });
    const res = await request(ctx.app).get(`/trace/${batch.traceCode}`);
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).not.toContain('<svg onload');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain('&lt;script&gt;alert(&quot;vùng&quot;)&lt;/script&gt;');
    const labels = await seller.agent.get(`/seller/products/${product.id}/batches/${batch.id}/labels`);
    expect(labels.status).toBe(200);
    expect(labels.text).not.toContain('<img src=x');
    expect(labels.text).toContain('Mật ong &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    const list = await seller.agent.get(`/seller/products/${product.id}/batches`);
    expect(list.text).not.toContain('<script>alert');
    expect(list.text).not.toContain('<svg onload');
  });
});

describe('GET /seller/products/:id/batches/:batchId/labels', () => {
  it.each([
    ['40x30', '40x30', 45],
    ['50x30', '50x30', 36],
    ['nonsense', '40x30', 45],
  ])('size=%s prints an A4 sheet of %s mm labels whose every QR decodes to the absolute trace URL', async (asked, size, count) => {
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Gạo Séng Cù Mường Khương' });
    const batch = await addBatch(product.id, { code: `GAO-${asked}`, producedOn: '2026-10-15', expiresOn: '2027-10-15', quantity: '500' });
    const res = await seller.agent.get(`/seller/products/${product.id}/batches/${batch.id}/labels?size=${asked}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<link rel="stylesheet" href="/css/labels.css">');
    expect(res.text).toContain(`class="label-sheet label-sheet-${size}"`);
    const labels = res.text.match(/<div class="label">/g) ?? [];
    expect(labels).toHaveLength(count);
    const text = decodeHtml(res.text);
    expect(text).toContain('Gạo Séng Cù Mường Khương');
    expect(text).toContain(`GAO-${asked}`);
    expect(text).toContain('NSX 15/10/2026');
    expect(text).toContain('HSD 15/10/2027');
    const url = `${PUBLIC_URL}/trace/${batch.traceCode}`;
    const decoded = await decodeQrs(res.text);
    expect(decoded).toHaveLength(count);
    expect(new Set(decoded)).toEqual(new Set([url]));
    // The URL answers with this batch's page.
    const page = await request(ctx.app).get(new URL(url).pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`GAO-${asked}`);
  });

  it("is the owning seller's only: another seller's batch is 404, a batch of another product too", async () => {
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId });
    const other = await ctx.factories.createProduct({ sellerId: seller.sellerId });
    const batch = await addBatch(product.id, { code: 'RIENG-1', producedOn: '2026-10-15', quantity: '5' });
    const neighbour = await signInAsSeller(ctx.app, ctx.ds);
    expect((await neighbour.agent.get(`/seller/products/${product.id}/batches/${batch.id}/labels`)).status).toBe(404);
    expect((await seller.agent.get(`/seller/products/${other.id}/batches/${batch.id}/labels`)).status).toBe(404);
    expect((await request(ctx.app).get(`/seller/products/${product.id}/batches/${batch.id}/labels`)).status).toBe(302);
  });
});

describe('the product page lists current batches', () => {
  it('shows unexpired batches newest first (at most 5) with dates and area, each linking to its trace page, in the one product query', async () => {
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Táo mèo Bát Xát' });
    const bare = await request(ctx.app).get(`/products/${product.slug}`);
    expect(bare.text).not.toContain('Lô hàng / truy xuất nguồn gốc');
    const expired = await addBatch(product.id, { code: 'TAO-HET', producedOn: '2025-09-01', expiresOn: '2026-09-01', quantity: '5' });
    const made: { code: string; traceCode: string }[] = [];
    for (const month of ['01', '02', '03', '04', '05', '06']) {
      const code = `TAO-${month}`;
      made.push({ code, ...(await addBatch(product.id, { code, producedOn: `2026-${month}-10`, quantity: '5', area: `Bản Y Tý ${month}` })) });
    }
    const res = await request(ctx.app).get(`/products/${product.slug}`);
    expect(res.status).toBe(200);
    const block = decodeHtml(
      res.text.slice(res.text.indexOf('class="product-batches"'), res.text.indexOf('</section>', res.text.indexOf('class="product-batches"'))),
    );
    expect(block).toContain('Lô hàng / truy xuất nguồn gốc');
    expect([...block.matchAll(/Lô (TAO-\d+)<\/a>/g)].map((m) => m[1])).toEqual(['TAO-06', 'TAO-05', 'TAO-04', 'TAO-03', 'TAO-02']);
    expect(block).toContain(`<a href="/trace/${made[5].traceCode}">Lô TAO-06</a> · sản xuất 10/06/2026 · Bản Y Tý 06`);
    expect(block).not.toContain(expired.traceCode);
    expect(block).not.toContain('TAO-01');
  });
});
