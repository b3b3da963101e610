import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfFrom, signIn, signInAsSeller } from '../../helpers/auth';
import { decodeHtml, tableRows } from '../../helpers/sales';

let ctx: TestContext;
let seller: Awaited<ReturnType<typeof signInAsSeller>>;
beforeAll(async () => {
  ctx = await createTestContext();
  seller = await signInAsSeller(ctx.app, ctx.ds);
});
afterAll(() => ctx.close());

const batchesOf = async (productId: number) =>
  (await ctx.ds.query(
    `SELECT seller_id, code, trace_code, produced_on, expires_on, area, quantity, note FROM product_batches WHERE product_id = $1 ORDER BY id`,
    [productId],
  )) as { seller_id: number; code: string; trace_code: string; produced_on: string; expires_on: string | null; area: string; quantity: number; note: string }[];
const ledgerOf = async (productId: number) =>
  (await ctx.ds.query(`SELECT delta, reason, balance_after, note FROM stock_movements WHERE product_id = $1 ORDER BY id`, [productId])) as {
    delta: number;
    reason: string;
    balance_after: number;
    note: string | null;
  }[];
const stockOf = async (productId: number) => (await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [productId]))[0].stock as number;

async function addBatch(agent: typeof seller.agent, productId: number, body: Record<string, string>) {
  const page = await agent.get(`/seller/products/${productId}/batches`);
  return agent
    .post(`/seller/products/${productId}/batches`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...body });
}

describe('recording a batch (lô)', () => {
  it('writes the batch with a printable trace code; with addToStock one ledger row, reason batch, the code in the note', async () => {
    const { id } = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 5, unit: 'hũ' });
    const res = await addBatch(seller.agent, id, {
      code: 'MO-2611',
      producedOn: '2026-11-20',
      expiresOn: '26/11/2027',
      area: 'Thôn Khuổi Phạc, xã Lương Thịnh',
      quantity: '120',
      note: 'Mật ong hoa rừng vụ thu',
      addToStock: '1',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/seller/products/${id}/batches?ok=created`);
    const [batch] = await batchesOf(id);
    expect(batch).toMatchObject({
      seller_id: seller.sellerId,
      code: 'MO-2611',
      produced_on: '2026-11-20',
      expires_on: '2027-11-26',
      area: 'Thôn Khuổi Phạc, xã Lương Thịnh',
      quantity: 120,
      note: 'Mật ong hoa rừng vụ thu',
    });
    expect(batch.trace_code).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    expect(await stockOf(id)).toBe(125);
    expect(await ledgerOf(id)).toEqual([
      { delta: 5, reason: 'initial', balance_after: 5, note: null },
      { delta: 120, reason: 'batch', balance_after: 125, note: 'Lô MO-2611' },
    ]);

    const page = await seller.agent.get(res.headers.location);
    expect(page.text).toContain('Đã ghi lô hàng.');
    expect(tableRows(page.text, 'batches')[0]).toEqual([
      'MO-2611',
      '20/11/2026',
      '26/11/2027',
      'Thôn Khuổi Phạc, xã Lương Thịnh',
      '120',
      '0',
      '120',
      'Trang truy xuất · In tem QR',
    ]);
    expect(page.text).toContain(`href="/trace/${batch.trace_code}"`);
    expect(page.text).toMatch(new RegExp(`href="/seller/products/${id}/batches/\\d+/labels"`));
    // The seller's product page links to its batches.
    expect((await seller.agent.get(`/seller/products/${id}`)).text).toContain(`href="/seller/products/${id}/batches"`);
  });

  it('without addToStock leaves stock and ledger alone', async () => {
    const { id } = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 7 });
    expect((await addBatch(seller.agent, id, { code: 'CHE-01', producedOn: '2026-10-01', quantity: '40' })).status).toBe(303);
    expect(await batchesOf(id)).toHaveLength(1);
    expect(await stockOf(id)).toBe(7);
    expect(await ledgerOf(id)).toEqual([{ delta: 7, reason: 'initial', balance_after: 7, note: null }]);
  });

  it('refuses a code the seller already used, in any case, with 422 and nothing written', async () => {
    const { id } = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 3 });
    const other = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 3 });
    expect((await addBatch(seller.agent, id, { code: 'LO-A1', producedOn: '2026-10-01', quantity: '10' })).status).toBe(303);
    // On another product of the same seller, lower case, and asking for stock: refused whole.
    const res = await addBatch(seller.agent, other.id, { code: 'lo-a1', producedOn: '2026-10-02', quantity: '10', addToStock: '1' });
    expect(res.status).toBe(422);
    expect(decodeHtml(res.text)).toContain('Mã lô “lo-a1” đã có trong gian hàng của bạn');
    expect(res.text).toContain('value="lo-a1"');
    expect(await batchesOf(other.id)).toEqual([]);
    expect(await stockOf(other.id)).toBe(3);
    expect(await ledgerOf(other.id)).toHaveLength(1);
    // Another seller may use the same code.
    const neighbour = await signInAsSeller(ctx.app, ctx.ds);
    const theirs = await ctx.factories.createProduct({ sellerId: neighbour.sellerId });
    expect((await addBatch(neighbour.agent, theirs.id, { code: 'LO-A1', producedOn: '2026-10-01', quantity: '10' })).status).toBe(303);
  });

  it('two identical codes at once: exactly one is written, the other answers 422', async () => {
    const { id } = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 0 });
    const page = await seller.agent.get(`/seller/products/${id}/batches`);
    const token = csrfFrom(page.text);
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        seller.agent
          .post(`/seller/products/${id}/batches`)
          .type('form')
          .send({ _csrf: token, code: 'CUNG-LUC', producedOn: '2026-10-01', quantity: '5', addToStock: '1' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([303, 422, 422]);
    expect(await batchesOf(id)).toHaveLength(1);
    expect(await stockOf(id)).toBe(5);
  });

  it("another seller's product is 404 and nothing is written", async () => {
    const neighbour = await signInAsSeller(ctx.app, ctx.ds);
    const theirs = await ctx.factories.createProduct({ sellerId: neighbour.sellerId, stock: 4 });
    expect((await seller.agent.get(`/seller/products/${theirs.id}/batches`)).status).toBe(404);
    const token = csrfFrom((await seller.agent.get('/seller/products')).text);
    const res = await seller.agent
      .post(`/seller/products/${theirs.id}/batches`)
      .type('form')
      .send({ _csrf: token, code: 'XAM-NHAP', producedOn: '2026-10-01', quantity: '50', addToStock: '1' });
    expect(res.status).toBe(404);
    expect(await batchesOf(theirs.id)).toEqual([]);
    expect(await stockOf(theirs.id)).toBe(4);
    // An impossible id is unknown too.
    expect((await seller.agent.get(`/seller/products/abc/batches`)).status).toBe(404);
  });

  it.each([
    [{ code: '', producedOn: '2026-10-01', quantity: '5' }, 'code', 'Vui lòng nhập mã lô.'],
    [{ code: 'LÔ 1', producedOn: '2026-10-01', quantity: '5' }, 'code', 'Mã lô chỉ gồm chữ không dấu'],
    [{ code: 'A'.repeat(41), producedOn: '2026-10-01', quantity: '5' }, 'code', 'Mã lô tối đa 40 ký tự.'],
    [{ code: 'L1', producedOn: '', quantity: '5' }, 'producedOn', 'Vui lòng nhập ngày sản xuất'],
    [{ code: 'L1', producedOn: '30/02/2026', quantity: '5' }, 'producedOn', 'Ngày không hợp lệ'],
    [{ code: 'L1', producedOn: '2026-10-01', expiresOn: '2026-09-30', quantity: '5' }, 'expiresOn', 'Hạn sử dụng không thể trước ngày sản xuất.'],
    [{ code: 'L1', producedOn: '2026-10-01', quantity: '0' }, 'quantity', 'Số lượng phải lớn hơn 0.'],
    [{ code: 'L1', producedOn: '2026-10-01', quantity: '-3' }, 'quantity', 'Số lượng phải là số nguyên dương.'],
    [{ code: 'L1', producedOn: '2026-10-01', quantity: '2000000' }, 'quantity', 'Số lượng tối đa'],
    [{ code: 'L1', producedOn: '2026-10-01', quantity: '5', area: 'x'.repeat(201) }, 'area', 'Vùng trồng tối đa 200 ký tự.'],
    [{ code: 'L1', producedOn: '2026-10-01', quantity: '5', sellerId: '1' }, '_form', 'Biểu mẫu chứa trường không được phép.'],
  ])('refuses %j with 422 (%s) and writes nothing', async (body, field, message) => {
    const { id } = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 2 });
    const res = await addBatch(seller.agent, id, body);
    expect(res.status).toBe(422);
    expect(decodeHtml(res.text)).toContain(message);
    if (field !== '_form') expect(res.text).toContain(`id="e-${field}"`);
    expect(await batchesOf(id)).toEqual([]);
    expect(await stockOf(id)).toBe(2);
  });

  it('a team member acting for a household records a batch for it: the household’s batch, the member in the ledger, an audit row naming both', async () => {
    const household = await signInAsSeller(ctx.app, ctx.ds, { name: 'Hộ Sùng A Páo' });
    const product = await ctx.factories.createProduct({ sellerId: household.sellerId, stock: 1 });
    const [team] = await ctx.ds.query(`INSERT INTO digital_teams (name, commune) VALUES ('Tổ CNS Bắc Hà', 'Phường Sa Pa') RETURNING id`);
    const account = await createAccount(ctx.ds, { fullName: 'Lò Thị Hoa' });
    await ctx.ds.query(`INSERT INTO digital_team_members (team_id, user_id) VALUES ($1, $2)`, [team.id, account.id]);
    await ctx.ds.query(`INSERT INTO team_households (team_id, seller_id) VALUES ($1, $2)`, [team.id, household.sellerId]);
    const member = await signIn(ctx.app, account.email);
    const teamToken = csrfFrom((await member.get('/team')).text);
    expect((await member.post(`/team/households/${household.sellerId}/act`).type('form').send({ _csrf: teamToken })).status).toBe(303);

    expect((await addBatch(member, product.id, { code: 'HO-1', producedOn: '2026-11-01', quantity: '6', addToStock: '1' })).status).toBe(303);
    const [batch] = await ctx.ds.query(`SELECT id, seller_id, created_by FROM product_batches WHERE product_id = $1`, [product.id]);
    expect(batch).toMatchObject({ seller_id: household.sellerId, created_by: account.id });
    const [move] = await ctx.ds.query(`SELECT actor_user_id, reason FROM stock_movements WHERE product_id = $1 AND reason = 'batch'`, [product.id]);
    expect(move).toEqual({ actor_user_id: account.id, reason: 'batch' });
    const audit = await ctx.ds.query(
      `SELECT actor_user_id, target_id, details FROM audit_log WHERE action = 'team.acted_for' AND details->>'what' = 'batch.create'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: account.id, target_id: String(household.sellerId) });
    expect(audit[0].details).toMatchObject({ productId: product.id, batchId: batch.id });
  });

  it('a buyer cannot open the seller pages', async () => {
    const { id } = await ctx.factories.createProduct({ sellerId: seller.sellerId });
    const buyer = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, buyer.email);
    expect((await agent.get(`/seller/products/${id}/batches`)).status).toBe(403);
  });
});
