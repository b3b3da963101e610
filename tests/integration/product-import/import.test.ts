import request from 'supertest';
import { createAccount, csrfFrom, signIn, signInAsSeller } from '../../helpers/auth';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const HEADERS = 'tên,nhóm OCOP,mô tả,giá,đơn vị,tồn kho,số sao,số giấy chứng nhận,ngày quyết định,mã sản phẩm (SKU),khối lượng (g)';
/** A file exported before the weight column (issue 21): still read; its rows keep the products' weights. */
const OLD_HEADERS = 'tên,nhóm OCOP,mô tả,giá,đơn vị,tồn kho,số sao,số giấy chứng nhận,ngày quyết định,mã sản phẩm (SKU)';
const BOM = '\uFEFF';

type Seller = Awaited<ReturnType<typeof signInAsSeller>>;
const tokenOf = async (agent: request.Agent, path: string) => csrfFrom((await agent.get(path)).text);

/** Uploads `content` as the file; answers the response (303 to the preview, or 422). */
async function upload(agent: request.Agent, content: string | Buffer, fileName = 'san-pham.csv') {
  const token = await tokenOf(agent, '/seller/products/import');
  return agent
    .post('/seller/products/import')
    .field('_csrf', token)
    .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), { filename: fileName, contentType: 'text/csv' });
}

async function uploadAndPreview(agent: request.Agent, content: string | Buffer) {
  const res = await upload(agent, content);
  if (res.status !== 303) throw new Error(`upload answered ${res.status}: ${res.text.slice(0, 2000)}`);
  const id = Number(/\/seller\/products\/import\/(\d+)$/.exec(res.headers.location)![1]);
  const preview = await agent.get(`/seller/products/import/${id}`).expect(200);
  return { id, preview };
}

async function confirm(agent: request.Agent, id: number, previewHtml: string) {
  const fingerprint = /name="fingerprint" value="([0-9a-f]{32})"/.exec(previewHtml)?.[1];
  if (!fingerprint) throw new Error(`no confirm form: ${previewHtml.slice(0, 3000)}`);
  return agent
    .post(`/seller/products/import/${id}/confirm`)
    .type('form')
    .send({ _csrf: csrfFrom(previewHtml), fingerprint });
}

/** Everything an import could write, to prove a step wrote nothing. */
async function writes(sellerId: number) {
  const [row] = await ctx.ds.query(
    `SELECT (SELECT count(*)::int FROM products WHERE seller_id = $1) AS products,
            (SELECT coalesce(sum(version), 0)::int FROM products WHERE seller_id = $1) AS versions,
            (SELECT count(*)::int FROM stock_movements m JOIN products p ON p.id = m.product_id WHERE p.seller_id = $1) AS movements,
            (SELECT coalesce(string_agg(p.id || ':' || p.stock || ':' || p.name || ':' || p.price_vnd, '|' ORDER BY p.id), '') FROM products p WHERE p.seller_id = $1) AS state`,
    [sellerId],
  );
  return row;
}

const exportOf = async (agent: request.Agent) => (await agent.get('/seller/products.csv').expect(200)).text;

describe('the product spreadsheet: template and export', () => {
  let seller: Seller;
  beforeAll(async () => {
    seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Mật ong Bảo Hà' });
  });

  it('the help page explains every column and links the template; the template has the exact headers with a BOM and one example row', async () => {
    const page = await seller.agent.get('/seller/products/import').expect(200);
    for (const header of HEADERS.split(',')) expect(page.text).toContain(`<code>${header}</code>`);
    expect(page.text).toContain('href="/seller/products/import/template.csv"');
    expect(page.text).toContain('enctype="multipart/form-data"');
    const list = await seller.agent.get('/seller/products').expect(200);
    expect(list.text).toContain('href="/seller/products/import"');
    expect(list.text).toContain('href="/seller/products.csv"');

    const template = await seller.agent.get('/seller/products/import/template.csv').expect(200);
    expect(template.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(template.headers['cache-control']).toBe('no-store');
    expect(template.text.startsWith(`${BOM}${HEADERS}\r\n`)).toBe(true);
    const lines = template.text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      'Mật ong hoa rừng Bảo Hà,"I.2.b Mật ong, mật khác và nông sản thực phẩm khác","Mật ong hoa rừng nguyên chất, thu hoạch tháng 4.",125000,chai 500ml,20,4,1234/QĐ-UBND,26/11/2025,MO-500,650',
    );
    // The template itself imports: one new product.
    const { id, preview } = await uploadAndPreview(seller.agent, template.text);
    expect(preview.text).toContain('1 sản phẩm mới, 0 cập nhật, 0 không đổi, 0 dòng lỗi.');
    expect((await confirm(seller.agent, id, preview.text)).status).toBe(303);
    const [created] = await ctx.ds.query(`SELECT weight_grams FROM products WHERE seller_id = $1 AND sku = 'MO-500'`, [seller.sellerId]);
    expect(created.weight_grams).toBe(650);
  });

  it('the export lists every product (with and without SKU) under the same headers, price in whole đồng, dates as 26/11/2026', async () => {
    const a = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Trà Shan tuyết', priceVnd: 250000, stock: 7, categoryCode: 'I.5.a' });
    await ctx.ds.query(`UPDATE products SET sku = 'TRA-01', ocop_stars = 4, ocop_certificate_no = '12/QĐ', ocop_decision_date = '2026-11-26' WHERE id = $1`, [
      a.id,
    ]);
    const b = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Miến dong', priceVnd: 45000, stock: 0, categoryCode: 'I.3.b' });
    await ctx.ds.query(`UPDATE products SET weight_grams = 1200 WHERE id = $1`, [b.id]);
    const res = await seller.agent.get('/seller/products.csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(`san-pham-${seller.slug}.csv`);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe(`${BOM}${HEADERS}`);
    expect(lines).toContain('Trà Shan tuyết,"I.5.a Chè tươi, chè chế biến",,250000,hộp,7,4,12/QĐ,26/11/2026,TRA-01,500');
    expect(lines).toContain('Miến dong,"I.3.b Chế biến từ gạo, ngũ cốc",,45000,hộp,0,,,,,1200');
  });
});

describe('uploading, previewing and confirming', () => {
  let seller: Seller;
  let honeyId: number;
  beforeAll(async () => {
    seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Nông sản Bát Xát' });
    const honey = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Mật ong rừng', priceVnd: 125000, stock: 10, ocopStars: 4 });
    honeyId = honey.id;
    await ctx.ds.query(`UPDATE products SET sku = 'MO-500' WHERE id = $1`, [honeyId]);
  });

  it('previews with `;`, no BOM, 125.000 prices and Excel quirks; writes nothing; confirm applies new drafts, updates and ledger rows; a re-import changes nothing', async () => {
    const [claim] = await ctx.ds.query(`SELECT ocop_certificate_no, ocop_decision_date FROM products WHERE id = $1`, [honeyId]);
    const decided = claim.ocop_decision_date.split('-').reverse().join('/');
    const file = [
      'Tên;Nhom OCOP;Mô tả;Giá;Đơn vị;Tồn kho;Số sao;Số giấy chứng nhận;Ngày quyết định;SKU;Khối lượng (g);Ghi chú',
      // The existing product: new price and more stock; claim as it is (stays verified); weight left blank (kept).
      `Mật ong rừng;I.2.b;;135.000 ₫;hộp;25;4;${claim.ocop_certificate_no};${decided};mo-500;;giá mới`,
      // A new one, with a multi-line description and a formula-looking name.
      `"=HYPERLINK(""http://evil.example"";""bấm"")";mật ong, mật khác và nông sản thực phẩm khác;"Dòng 1\nDòng 2";45 000;gói;12;;;;TEST-2;250;`,
      ';;;;;;;;;;;',
      `Trà hoa vàng <script>alert(1)</script>;i.5.a chè tươi, chè chế biến;;1.250.000;hộp;0;5;88/QĐ-UBND;2026-01-05;;1.200 g;`,
      '',
      '',
    ].join('\r\n');
    const before = await writes(seller.sellerId);
    const { id, preview } = await uploadAndPreview(seller.agent, file);
    expect(preview.text).toContain('2 sản phẩm mới, 1 cập nhật, 0 không đổi, 0 dòng lỗi.');
    expect(preview.text).toContain('Các cột sau không được nhận dạng và bị bỏ qua: Ghi chú');
    expect(preview.text).toContain('135.000');
    // The hostile name is text on the page, escaped.
    expect(preview.text).toContain('&#x3D;HYPERLINK(&quot;http://evil.example&quot;;&quot;bấm&quot;)');
    expect(preview.text).toContain('Trà hoa vàng &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(preview.text).not.toContain('<script>alert');
    expect(await writes(seller.sellerId)).toEqual(before);
    const [stored] = await ctx.ds.query(`SELECT seller_id, file_name, created_by, applied_at FROM product_imports WHERE id = $1`, [id]);
    expect(stored).toEqual({ seller_id: seller.sellerId, file_name: 'san-pham.csv', created_by: seller.userId, applied_at: null });

    const done = await confirm(seller.agent, id, preview.text);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/seller/products/import/${id}?ok=applied`);
    const summaryPage = await seller.agent.get(done.headers.location).expect(200);
    expect(summaryPage.text).toContain('Đã nhập xong.');
    expect(summaryPage.text).toContain('Đã tạo 2 sản phẩm mới (bản nháp), cập nhật 1, 0 không đổi; 2 thay đổi tồn kho');

    const products = await ctx.ds.query(
      `SELECT id, name, description, price_vnd, unit, stock, status, sku, ocop_stars, ocop_verified, ocop_decision_date, weight_grams FROM products WHERE seller_id = $1 ORDER BY id`,
      [seller.sellerId],
    );
    expect(products).toHaveLength(3);
    expect(products[0]).toMatchObject({ id: honeyId, price_vnd: 135000, stock: 25, sku: 'mo-500', status: 'active', ocop_verified: true, weight_grams: 500 });
    expect(products[1]).toMatchObject({
      name: '=HYPERLINK("http://evil.example";"bấm")',
      description: 'Dòng 1\nDòng 2',
      price_vnd: 45000,
      unit: 'gói',
      stock: 12,
      status: 'draft',
      sku: 'TEST-2',
      weight_grams: 250,
    });
    expect(products[2]).toMatchObject({
      name: 'Trà hoa vàng <script>alert(1)</script>',
      price_vnd: 1250000,
      stock: 0,
      status: 'draft',
      sku: null,
      ocop_stars: 5,
      ocop_verified: false,
      weight_grams: 1200,
    });
    expect(products[2].ocop_decision_date).toBe('2026-01-05');
    const ledger = await ctx.ds.query(
      `SELECT product_id, delta, reason, balance_after, actor_user_id, note FROM stock_movements WHERE reason = 'import' AND product_id = ANY($1) ORDER BY id`,
      [products.map((p: { id: number }) => p.id)],
    );
    expect(ledger).toEqual([
      { product_id: honeyId, delta: 15, reason: 'import', balance_after: 25, actor_user_id: seller.userId, note: 'Tệp san-pham.csv' },
      { product_id: products[1].id, delta: 12, reason: 'import', balance_after: 12, actor_user_id: seller.userId, note: 'Tệp san-pham.csv' },
    ]);
    const [applied] = await ctx.ds.query(`SELECT applied_by, summary FROM product_imports WHERE id = $1`, [id]);
    expect(applied).toEqual({ applied_by: seller.userId, summary: { created: 2, updated: 1, unchanged: 0, stockMovements: 2 } });

    // Confirming again changes nothing and shows the summary.
    const afterFirst = await writes(seller.sellerId);
    const again = await confirm(seller.agent, id, preview.text);
    expect(again.status).toBe(303);
    expect(await writes(seller.sellerId)).toEqual(afterFirst);
    // The same file again: every row unchanged, nothing to confirm.
    const second = await uploadAndPreview(seller.agent, file);
    expect(second.preview.text).toContain('0 sản phẩm mới, 0 cập nhật, 3 không đổi, 0 dòng lỗi.');
    expect(second.preview.text).not.toContain('name="fingerprint"');
    expect(await writes(seller.sellerId)).toEqual(afterFirst);

    // The hostile name is escaped on the seller's list and edit page, and neutralised again in the export.
    const list = await seller.agent.get('/seller/products').expect(200);
    expect(list.text).toContain('&#x3D;HYPERLINK(&quot;http://evil.example&quot;;&quot;bấm&quot;)');
    expect(list.text).toContain('Trà hoa vàng &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(list.text).not.toContain('<script>alert');
    expect(list.text).toContain('SKU TEST-2');
    const edit = await seller.agent.get(`/seller/products/${products[1].id}/edit`).expect(200);
    expect(edit.text).toContain('value="&#x3D;HYPERLINK(&quot;http://evil.example&quot;;&quot;bấm&quot;)"');
    expect(edit.text).toContain('value="TEST-2"');
    const edit2 = await seller.agent.get(`/seller/products/${products[2].id}/edit`).expect(200);
    expect(edit2.text).toContain('value="Trà hoa vàng &lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(edit2.text).not.toContain('<script>alert');
    const exported = await exportOf(seller.agent);
    expect(exported).toContain(`"'=HYPERLINK(""http://evil.example"";""bấm"")"`);
    // Export → import round-trips: all unchanged, nothing written.
    const roundTrip = await uploadAndPreview(seller.agent, exported);
    expect(roundTrip.preview.text).toContain('0 sản phẩm mới, 0 cập nhật, 3 không đổi, 0 dòng lỗi.');
    expect(await writes(seller.sellerId)).toEqual(afterFirst);
  });

  it('lists row errors with row, column and a Vietnamese message, and offers no confirmation', async () => {
    const file = [
      HEADERS.replace(/,/g, ';'),
      'Chè búp;I.5.a;;12,5;hộp;3;;;;',
      'X;không có nhóm này;;125.000;;-1;6;;;bad sku!',
      'Rượu ngô;Đồ uống không cồn;;90000;chai;1;4;;30/02/2026;',
      'Mật ong rừng;I.2.b;;125000;hộp;10;;;;',
      'A1;I.2.b;;100000;hộp;1;;;;DUP',
      'A2;I.2.b;;100000;hộp;1;;;;dup',
    ].join('\n');
    const before = await writes(seller.sellerId);
    const { preview } = await uploadAndPreview(seller.agent, file);
    const text = preview.text.replace(/&quot;/g, '"');
    expect(text).toContain('Dòng 2, cột giá: phải là số tiền, ví dụ 125.000');
    expect(text).toContain('Dòng 3, cột tên: tên cần ít nhất 2 ký tự');
    expect(text).toContain('Dòng 3, cột nhóm OCOP: không có nhóm OCOP “không có nhóm này”');
    expect(text).toContain('Dòng 3, cột đơn vị: chưa điền (bắt buộc)');
    expect(text).toContain('Dòng 3, cột tồn kho: phải là số nguyên từ 0 đến 1.000.000');
    expect(text).toContain('Dòng 3, cột số sao: hạng sao phải là 3, 4 hoặc 5');
    expect(text).toContain('Dòng 3, cột mã sản phẩm (SKU): mã SKU chỉ gồm chữ không dấu');
    expect(text).toContain('Dòng 4, cột nhóm OCOP: tên nhóm “Đồ uống không cồn” trùng với nhiều nhóm');
    expect(text).toContain('Dòng 4, cột ngày quyết định: phải là ngày có thật dạng 26/11/2025');
    expect(text).toContain('Dòng 4, cột số giấy chứng nhận: chứng nhận OCOP cần đủ');
    expect(text).toContain('Dòng 5, cột mã sản phẩm (SKU): đã có sản phẩm tên này với SKU');
    expect(text).toContain('Dòng 7, cột mã sản phẩm (SKU): mã SKU này đã dùng ở dòng 6');
    expect(preview.text).not.toContain('name="fingerprint"');
    expect(await writes(seller.sellerId)).toEqual(before);
  });

  it('refuses files it cannot read with 422 and stores nothing: too large, too many rows, binary, missing columns, no file', async () => {
    const [{ n: before }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM product_imports`);
    const big = await upload(seller.agent, HEADERS + '\n' + 'x'.repeat(2 * 1024 * 1024 + 10));
    expect(big.status).toBe(422);
    expect(big.text).toContain('Tệp lớn hơn 2 MB');
    const rows = [HEADERS, ...Array.from({ length: 2001 }, (_, i) => `SP ${i},I.2.b,,1000,hộp,1,,,,S-${i}`)].join('\n');
    const many = await upload(seller.agent, rows);
    expect(many.status).toBe(422);
    expect(many.text).toContain('Tệp có hơn 2000 dòng sản phẩm');
    const png = await upload(seller.agent, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe]), 'anh.png');
    expect(png.status).toBe(422);
    expect(png.text).toContain('không phải tệp CSV dạng chữ UTF-8');
    const latin = await upload(seller.agent, Buffer.from('t\xean,gi\xe1\n', 'latin1'));
    expect(latin.status).toBe(422);
    const missing = await upload(seller.agent, 'tên,giá\nMật ong,125000\n');
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('Tệp thiếu cột: nhóm OCOP, mô tả, đơn vị, tồn kho, số sao, số giấy chứng nhận, ngày quyết định, mã sản phẩm (SKU)');
    const unclosed = await upload(seller.agent, `${HEADERS}\n"Mật ong,I.2.b,,1,hộp,1,,,,\n`);
    expect(unclosed.status).toBe(422);
    const token = await tokenOf(seller.agent, '/seller/products/import');
    const none = await seller.agent.post('/seller/products/import').field('_csrf', token);
    expect(none.status).toBe(422);
    expect(none.text).toContain('Vui lòng chọn một tệp CSV');
    // Without the form's token: refused before anything is read.
    const forged = await seller.agent.post('/seller/products/import').attach('file', Buffer.from(HEADERS), 'a.csv');
    expect(forged.status).toBe(403);
    const [{ n: after }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM product_imports`);
    expect(after).toBe(before);
  });

  it('a suspended cooperative may neither upload nor confirm: 403 before the body is read, nothing written', async () => {
    const other = await signInAsSeller(ctx.app, ctx.ds);
    const { id, preview } = await uploadAndPreview(other.agent, `${HEADERS}\nBánh giầy,I.3.b,,20000,cái,5,,,,BG-1,150\n`);
    const token = await tokenOf(other.agent, '/seller/products/import');
    await ctx.ds.query(`UPDATE sellers SET status = 'suspended' WHERE id = $1`, [other.sellerId]);
    const up = await other.agent
      .post('/seller/products/import')
      .field('_csrf', token)
      .attach('file', Buffer.from(`${HEADERS}\n`), 'a.csv');
    expect(up.status).toBe(403);
    const res = await confirm(other.agent, id, preview.text);
    expect(res.status).toBe(403);
    const [{ n }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM products WHERE seller_id = $1`, [other.sellerId]);
    expect(n).toBe(0);
    const [{ m }] = await ctx.ds.query(`SELECT count(*)::int AS m FROM product_imports WHERE seller_id = $1`, [other.sellerId]);
    expect(m).toBe(1);
  });

  it('another seller’s import is not found, to preview or to confirm', async () => {
    const { id, preview } = await uploadAndPreview(seller.agent, `${HEADERS}\nBánh chưng,I.3.b,,80000,cái,5,,,,BC-1,1500\n`);
    const other = await signInAsSeller(ctx.app, ctx.ds);
    await other.agent.get(`/seller/products/import/${id}`).expect(404);
    const fingerprint = /name="fingerprint" value="([0-9a-f]{32})"/.exec(preview.text)![1];
    const token = await tokenOf(other.agent, '/seller/products/import');
    await other.agent.post(`/seller/products/import/${id}/confirm`).type('form').send({ _csrf: token, fingerprint }).expect(404);
    await seller.agent.get('/seller/products/import/abc').expect(404);
    const [row] = await ctx.ds.query(`SELECT applied_at FROM product_imports WHERE id = $1`, [id]);
    expect(row.applied_at).toBeNull();
  });
});

describe('all or nothing', () => {
  it('a row that fails at confirmation (a SKU taken since the preview) writes nothing and shows the row error', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const existing = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Gạo Séng Cù', stock: 4 });
    await ctx.ds.query(`UPDATE products SET sku = 'GAO-1' WHERE id = $1`, [existing.id]);
    const file = [
      HEADERS,
      'Gạo Séng Cù,I.2.a,,30000,kg,40,,,,GAO-1',
      'Nấm hương,I.2.b,,150000,gói,9,,,,NAM-1,200',
      'Nấm hương rừng,I.2.b,,160000,gói,3,,,,,200',
    ].join('\n');
    const { id, preview } = await uploadAndPreview(seller.agent, file);
    expect(preview.text).toContain('2 sản phẩm mới, 1 cập nhật');
    // Meanwhile the seller names another product "Nấm hương rừng" with a SKU: row 4 (no SKU) now needs one.
    const other = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Nấm hương rừng', stock: 1 });
    await ctx.ds.query(`UPDATE products SET sku = 'NHR' WHERE id = $1`, [other.id]);
    const before = await writes(seller.sellerId);
    const res = await confirm(seller.agent, id, preview.text);
    expect(res.status).toBe(422);
    expect(res.text).toContain('Chưa nhập: một số dòng không áp dụng được.');
    expect(res.text).toContain('Dòng 4, cột mã sản phẩm (SKU): đã có sản phẩm tên này với SKU NHR');
    expect(res.text).not.toContain('name="fingerprint"');
    expect(await writes(seller.sellerId)).toEqual(before);
    const [row] = await ctx.ds.query(`SELECT applied_at, summary FROM product_imports WHERE id = $1`, [id]);
    expect(row).toEqual({ applied_at: null, summary: null });
  });

  it('a sale between preview and confirmation changes the plan: 409 with the new preview, nothing written; confirming that one applies', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const p = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Táo mèo', stock: 10 });
    await ctx.ds.query(`UPDATE products SET sku = 'TM' WHERE id = $1`, [p.id]);
    const { id, preview } = await uploadAndPreview(seller.agent, `${HEADERS}\nTáo mèo,I.2.b,,100000,hộp,20,,,,TM\n`);
    await ctx.container.stock.applyChange(ctx.ds.manager, { productId: p.id, delta: -3, reason: 'other' });
    const before = await writes(seller.sellerId);
    const res = await confirm(seller.agent, id, preview.text);
    expect(res.status).toBe(409);
    expect(res.text).toContain('Sản phẩm của bạn đã thay đổi từ lúc xem trước');
    expect(res.text).toContain('<del>7</del> → 20');
    expect(await writes(seller.sellerId)).toEqual(before);
    expect((await confirm(seller.agent, id, res.text)).status).toBe(303);
    const [after] = await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [p.id]);
    expect(after.stock).toBe(20);
    const [move] = await ctx.ds.query(`SELECT delta, balance_after FROM stock_movements WHERE product_id = $1 AND reason = 'import'`, [p.id]);
    expect(move).toEqual({ delta: 13, balance_after: 20 });
  });

  it('two confirmations at once apply the file once', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const { id, preview } = await uploadAndPreview(seller.agent, `${HEADERS}\nChè Shan,I.5.a,,90000,gói,6,,,,CS-1,100\n`);
    const results = await Promise.all([confirm(seller.agent, id, preview.text), confirm(seller.agent, id, preview.text)]);
    expect(results.map((r) => r.status)).toEqual([303, 303]);
    const [{ n }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM products WHERE seller_id = $1`, [seller.sellerId]);
    expect(n).toBe(1);
    const [{ m }] = await ctx.ds.query(`SELECT count(*)::int AS m FROM stock_movements s JOIN products p ON p.id = s.product_id WHERE p.seller_id = $1`, [
      seller.sellerId,
    ]);
    expect(m).toBe(1);
  });
});

describe('changing an OCOP claim through the file, SKUs on the form, acting for a household', () => {
  it('a changed certificate re-opens verification as the edit form does; a version bump only where details changed', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const p = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Mật ong bạc hà', ocopStars: 4, stock: 5 });
    await ctx.ds.query(`UPDATE products SET sku = 'MBH' WHERE id = $1`, [p.id]);
    const exported = await exportOf(seller.agent);
    const edited = exported.replace(/,4,CN-[^,]+,/, ',5,CN-MOI,');
    const { id, preview } = await uploadAndPreview(seller.agent, edited);
    expect(preview.text).toContain('0 sản phẩm mới, 1 cập nhật');
    const [before] = await ctx.ds.query(`SELECT version, ocop_claim_version FROM products WHERE id = $1`, [p.id]);
    expect((await confirm(seller.agent, id, preview.text)).status).toBe(303);
    const [after] = await ctx.ds.query(
      `SELECT version, ocop_claim_version, ocop_verified, ocop_stars, ocop_certificate_no, stock FROM products WHERE id = $1`,
      [p.id],
    );
    expect(after).toMatchObject({
      version: before.version + 1,
      ocop_claim_version: before.ocop_claim_version + 1,
      ocop_verified: false,
      ocop_stars: 5,
      stock: 5,
    });
    expect(after.ocop_certificate_no).toBe('CN-MOI');
  });

  it('the product form takes a SKU; another product’s SKU (any case) is refused with 422 and nothing is written', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const [{ id: categoryId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.2.b'`);
    const form = {
      name: 'Mật ong',
      categoryId: String(categoryId),
      description: '',
      priceVnd: '125.000',
      unit: 'chai',
      weightGrams: '700',
      stock: '2',
      lowStockThreshold: '1',
    };
    const newForm = () => tokenOf(seller.agent, '/seller/products/new');
    let _csrf = await newForm();
    const first = await seller.agent
      .post('/seller/products/new')
      .type('form')
      .send({ _csrf, ...form, sku: 'MO-1' });
    expect(first.status).toBe(303);
    const before = await writes(seller.sellerId);
    _csrf = await newForm();
    const dup = await seller.agent
      .post('/seller/products/new')
      .type('form')
      .send({ _csrf, ...form, name: 'Mật ong khác', sku: 'mo-1' });
    expect(dup.status).toBe(422);
    expect(dup.text).toContain('Mã sản phẩm (SKU) này đã dùng cho một sản phẩm khác của bạn.');
    expect(await writes(seller.sellerId)).toEqual(before);
    _csrf = await newForm();
    const bad = await seller.agent
      .post('/seller/products/new')
      .type('form')
      .send({ _csrf, ...form, sku: '=cmd' });
    expect(bad.status).toBe(422);
    // Another seller may use the same SKU.
    const other = await signInAsSeller(ctx.app, ctx.ds);
    const otherToken = await tokenOf(other.agent, '/seller/products/new');
    const ok = await other.agent
      .post('/seller/products/new')
      .type('form')
      .send({ _csrf: otherToken, ...form, sku: 'MO-1' });
    expect(ok.status).toBe(303);
    // Editing: clearing the SKU and setting it back.
    const id = Number(/\/seller\/products\/(\d+)/.exec(first.headers.location)![1]);
    const editPage = await seller.agent.get(`/seller/products/${id}/edit`).expect(200);
    expect(editPage.text).toContain('value="MO-1"');
    const version = /name="version" value="(\d+)"/.exec(editPage.text)![1];
    const { stock: _stock, ...editForm } = form;
    const cleared = await seller.agent
      .post(`/seller/products/${id}/edit`)
      .type('form')
      .send({ _csrf: csrfFrom(editPage.text), ...editForm, version, sku: '' });
    expect(cleared.status).toBe(303);
    expect((await ctx.ds.query(`SELECT sku FROM products WHERE id = $1`, [id]))[0].sku).toBeNull();
  });

  it('a team member acting for a household imports for it: the household’s products, the member in the ledger, the audit row naming both', async () => {
    const household = await signInAsSeller(ctx.app, ctx.ds, { name: 'Hộ Vàng A Dế' });
    const [team] = await ctx.ds.query(`INSERT INTO digital_teams (name, commune) VALUES ('Tổ CNS Bát Xát', 'Phường Sa Pa') RETURNING id`);
    const account = await createAccount(ctx.ds, { fullName: 'Giàng Thị Mai' });
    await ctx.ds.query(`INSERT INTO digital_team_members (team_id, user_id) VALUES ($1, $2)`, [team.id, account.id]);
    await ctx.ds.query(`INSERT INTO team_households (team_id, seller_id) VALUES ($1, $2)`, [team.id, household.sellerId]);
    const member = await signIn(ctx.app, account.email);
    const teamToken = await tokenOf(member, '/team');
    const act = await member.post(`/team/households/${household.sellerId}/act`).type('form').send({ _csrf: teamToken });
    expect(act.status).toBe(303);

    const { id, preview } = await uploadAndPreview(member, `${HEADERS}\nKhoai môn,I.1.a,,30000,kg,8,,,,KM-1,1000\n`);
    expect((await confirm(member, id, preview.text)).status).toBe(303);
    const [product] = await ctx.ds.query(`SELECT id, seller_id, status FROM products WHERE sku = 'KM-1'`);
    expect(product).toMatchObject({ seller_id: household.sellerId, status: 'draft' });
    const [move] = await ctx.ds.query(`SELECT actor_user_id, reason FROM stock_movements WHERE product_id = $1`, [product.id]);
    expect(move).toEqual({ actor_user_id: account.id, reason: 'import' });
    const [imp] = await ctx.ds.query(`SELECT seller_id, created_by, applied_by FROM product_imports WHERE id = $1`, [id]);
    expect(imp).toEqual({ seller_id: household.sellerId, created_by: account.id, applied_by: account.id });
    const audit = await ctx.ds.query(
      `SELECT actor_user_id, target_id, details FROM audit_log WHERE action = 'team.acted_for' AND details->>'what' = 'product.import'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: account.id, target_id: String(household.sellerId) });
    // The household's own export lists it.
    expect(await exportOf(household.agent)).toContain('Khoai môn,"I.1.a Rau, củ, quả, hạt tươi",,30000,kg,8,,,,KM-1,1000\r\n');
  });
});

describe('the weight column (issue 21: a packed weight in grams, required for new listings)', () => {
  const weightOf = async (id: number) => (await ctx.ds.query(`SELECT weight_grams FROM products WHERE id = $1`, [id]))[0].weight_grams as number;

  it('a new row without a weight, or with one that is not whole grams from 1 to 50.000, is a row error and nothing is written', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const file = [
      HEADERS,
      'Mật ong rừng,I.2.b,,125000,chai,3,,,,MR-1,',
      'Mật ong bạc hà,I.2.b,,125000,chai,3,,,,MB-1,"1,5"',
      'Mật ong hoa cà phê,I.2.b,,125000,chai,3,,,,MC-1,0',
      'Mật ong hoa nhãn,I.2.b,,125000,chai,3,,,,MN-1,50001',
      'Mật ong hoa vải,I.2.b,,125000,chai,3,,,,MV-1,650',
    ].join('\n');
    const before = await writes(seller.sellerId);
    const { id, preview } = await uploadAndPreview(seller.agent, file);
    expect(preview.text).toContain('1 sản phẩm mới, 0 cập nhật, 0 không đổi, 4 dòng lỗi.');
    expect(preview.text).toContain('Dòng 2, cột khối lượng (g): sản phẩm mới cần khối lượng đóng gói, số gam nguyên từ 1 đến 50.000');
    for (const line of [3, 4, 5]) expect(preview.text).toContain(`Dòng ${line}, cột khối lượng (g): phải là số gam nguyên từ 1 đến 50.000, ví dụ 650`);
    expect(preview.text).not.toContain('name="fingerprint"');
    expect(await writes(seller.sellerId)).toEqual(before);

    // The same page in English says it in English.
    const english = await seller.agent.get(`/seller/products/import/${id}`).set('Cookie', 'lang=en').expect(200);
    expect(english.text).toContain('Row 2, column khối lượng (g): a new product needs its packed weight, in whole grams from 1 to 50.000');
  });

  it('a new row with a weight creates the product with it; an update changes it (counted as an update), blank keeps it, the same is unchanged', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const kept = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Chè Shan tuyết', stock: 5 });
    const same = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Miến dong', stock: 5 });
    const heavier = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Gạo Séng Cù', stock: 5 });
    await ctx.ds.query(`UPDATE products SET weight_grams = 800, sku = 'CST' WHERE id = $1`, [kept.id]);
    await ctx.ds.query(`UPDATE products SET weight_grams = 300, sku = 'MD' WHERE id = $1`, [same.id]);
    await ctx.ds.query(`UPDATE products SET sku = 'GAO' WHERE id = $1`, [heavier.id]);
    const exported = await exportOf(seller.agent);
    const rows = exported
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    const file = [rows[0], rows[1].replace(/,800$/, ','), rows[2], rows[3].replace(/,500$/, ',5.000'), 'Nấm hương rừng,I.2.b,,160000,gói,3,,,,NHR,250 g'].join(
      '\r\n',
    );
    const { id, preview } = await uploadAndPreview(seller.agent, file);
    expect(preview.text).toContain('1 sản phẩm mới, 1 cập nhật, 2 không đổi, 0 dòng lỗi.');
    expect(preview.text).toContain('<del>500</del> → 5000');
    expect((await confirm(seller.agent, id, preview.text)).status).toBe(303);
    expect(await weightOf(kept.id)).toBe(800);
    expect(await weightOf(same.id)).toBe(300);
    expect(await weightOf(heavier.id)).toBe(5000);
    const [created] = await ctx.ds.query(`SELECT weight_grams, status FROM products WHERE seller_id = $1 AND sku = 'NHR'`, [seller.sellerId]);
    expect(created).toEqual({ weight_grams: 250, status: 'draft' });
    const [applied] = await ctx.ds.query(`SELECT summary FROM product_imports WHERE id = $1`, [id]);
    expect(applied.summary).toEqual({ created: 1, updated: 1, unchanged: 2, stockMovements: 1 });

    // Export → import: the weights come back as they are, every row unchanged, nothing written.
    const again = await exportOf(seller.agent);
    expect(again).toContain(',CST,800\r\n');
    expect(again).toContain(',GAO,5000\r\n');
    const before = await writes(seller.sellerId);
    const roundTrip = await uploadAndPreview(seller.agent, again);
    expect(roundTrip.preview.text).toContain('0 sản phẩm mới, 0 cập nhật, 4 không đổi, 0 dòng lỗi.');
    expect(await writes(seller.sellerId)).toEqual(before);
  });

  it('a file without the weight column (an older export) still imports: updates keep the weights, a new row is asked for one', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const p = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Táo mèo', priceVnd: 90000, stock: 4 });
    await ctx.ds.query(`UPDATE products SET weight_grams = 1500, sku = 'TM' WHERE id = $1`, [p.id]);
    const { id, preview } = await uploadAndPreview(seller.agent, `${OLD_HEADERS}\nTáo mèo,I.2.b,,95000,hộp,4,,,,TM\n`);
    expect(preview.text).toContain('0 sản phẩm mới, 1 cập nhật, 0 không đổi, 0 dòng lỗi.');
    expect(preview.text).not.toContain('Các cột sau không được nhận dạng');
    expect((await confirm(seller.agent, id, preview.text)).status).toBe(303);
    const [after] = await ctx.ds.query(`SELECT price_vnd, weight_grams FROM products WHERE id = $1`, [p.id]);
    expect(after).toEqual({ price_vnd: 95000, weight_grams: 1500 });

    const before = await writes(seller.sellerId);
    const withNew = await uploadAndPreview(seller.agent, `${OLD_HEADERS}\nTáo mèo,I.2.b,,95000,hộp,4,,,,TM\nBánh gio,I.3.b,,20000,cái,10,,,,BG\n`);
    expect(withNew.preview.text).toContain('0 sản phẩm mới, 0 cập nhật, 1 không đổi, 1 dòng lỗi.');
    expect(withNew.preview.text).toContain('Dòng 3, cột khối lượng (g): sản phẩm mới cần khối lượng đóng gói');
    expect(withNew.preview.text).not.toContain('name="fingerprint"');
    expect(await writes(seller.sellerId)).toEqual(before);
  });
});
