import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, csrfToken, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { translate } from '../../../server/rendering/i18n';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const WHY =
  'Theo Nghị định 117/2025/NĐ-CP, sàn khấu trừ thuế GTGT và TNCN của hộ kinh doanh, cá nhân; cần mã số thuế hoặc số CCCD để kê khai. Thiếu thông tin này, đơn hàng vẫn bán được nhưng tiền chuyển khoản sẽ chờ.';
const WAITS = 'Tiền chuyển khoản cho gian hàng đang chờ';
const WITHHELD = 'Gian hàng thuộc diện được sàn khấu trừ thuế GTGT và thuế TNCN';

const application = (overrides: Record<string, string> = {}) => ({
  fullName: 'Lù Thị Mai',
  email: `ho${Math.floor(Math.random() * 1e9)}@example.vn`,
  phone: '0987 654 321',
  password: 'Mat-ong-Bac-Ha-2026',
  cooperativeName: `Hộ Lù Thị Mai ${Math.floor(Math.random() * 1e9)}`,
  type: 'ho_san_xuat',
  commune: 'Xã Bắc Hà',
  address: 'Thôn Na Hối',
  description: 'Hộ nuôi ong lấy mật trên cao nguyên Bắc Hà.',
  ...overrides,
});

async function apply(body: Record<string, string>) {
  const agent = request.agent(ctx.app);
  const token = await csrfToken(agent, '/sellers/apply');
  const res = await agent
    .post('/sellers/apply')
    .type('form')
    .send({ _csrf: token, ...body });
  return { agent, res };
}

const identificationOf = async (email: string) =>
  (
    await ctx.ds.query(`SELECT s.tax_code, s.citizen_id, s.tax_withholding FROM sellers s JOIN users u ON u.id = s.owner_user_id WHERE u.email = $1`, [email])
  )[0];

/** A household seller (withheld by type) with the given identification. */
async function household(identification: { taxCode?: string; citizenId?: string } = {}) {
  const seller = await signInAsSeller(ctx.app, ctx.ds);
  await ctx.ds.query(`UPDATE sellers SET type = 'ho_san_xuat', tax_code = $2, citizen_id = $3 WHERE id = $1`, [
    seller.sellerId,
    identification.taxCode ?? null,
    identification.citizenId ?? null,
  ]);
  return seller;
}

async function postIdentification(agent: request.Agent, body: Record<string, string>) {
  const token = csrfFrom((await agent.get('/seller')).text);
  return agent
    .post('/seller/tax-identification')
    .type('form')
    .send({ _csrf: token, ...body });
}

describe("the seller's tax identification (Decree 117/2025)", () => {
  it('the application asks for a tax code or citizen ID and says why', async () => {
    const res = await request(ctx.app).get('/sellers/apply').expect(200);
    expect(res.text).toContain(WHY);
    expect(res.text).toContain('name="taxCode"');
    expect(res.text).toContain('name="citizenId"');
  });

  it('stores a 13-digit tax code written with its dash as digits only', async () => {
    const body = application({ taxCode: '0101234567-001' });
    const { res } = await apply(body);
    expect(res.status).toBe(303);
    expect(await identificationOf(body.email)).toEqual({ tax_code: '0101234567001', citizen_id: null, tax_withholding: 'by_type' });
  });

  it('stores a 12-digit citizen ID (CCCD), spaces removed', async () => {
    const body = application({ citizenId: '001 085 012 345' });
    const { res, agent } = await apply(body);
    expect(res.status).toBe(303);
    expect(await identificationOf(body.email)).toEqual({ tax_code: null, citizen_id: '001085012345', tax_withholding: 'by_type' });
    // The seller sees its own identification in full.
    const profile = await agent.get('/seller/application').expect(200);
    expect(profile.text).toContain('001085012345');
  });

  it.each([
    [{ taxCode: '01012345678' }, 'Mã số thuế gồm 10 hoặc 13 chữ số.'],
    [{ taxCode: '0101234567-01' }, 'Mã số thuế gồm 10 hoặc 13 chữ số.'],
    [{ taxCode: 'MST0101234567' }, 'Mã số thuế chỉ gồm chữ số (có thể viết 0101234567-001).'],
    [{ citizenId: '00108501234' }, 'Số CCCD gồm đúng 12 chữ số.'],
    [{ citizenId: '0010850123456' }, 'Số CCCD gồm đúng 12 chữ số.'],
    [{ citizenId: '00108501234A' }, 'Số CCCD chỉ gồm chữ số.'],
  ])('refuses %o with a message next to the field and stores nothing', async (fields, message) => {
    const before = (await ctx.ds.query(`SELECT count(*)::int AS n FROM sellers`))[0].n;
    const body = application(fields);
    const { res } = await apply(body);
    expect(res.status).toBe(422);
    expect(res.text).toContain(`<p class="field-error" id="e-${Object.keys(fields)[0]}">${message}</p>`);
    expect((await ctx.ds.query(`SELECT count(*)::int AS n FROM sellers`))[0].n).toBe(before);
    expect(await ctx.ds.query(`SELECT 1 FROM users WHERE email = $1`, [body.email])).toEqual([]);
  });

  it('is masked on the public storefront and shown in full to the seller and to admins', async () => {
    const seller = await household({ taxCode: '0101234567001', citizenId: '001085012345' });
    const storefront = await request(ctx.app).get(`/sellers/${seller.slug}`).expect(200);
    expect(storefront.text).toContain('••••••••••001');
    expect(storefront.text).not.toContain('0101234567001');
    expect(storefront.text).not.toContain('001085012345');

    for (const path of ['/seller', '/seller/application', '/seller/tax-identification']) {
      const own = await seller.agent.get(path).expect(200);
      expect(own.text).toContain('0101234567001');
      expect(own.text).toContain('001085012345');
    }
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const adminPage = await admin.get(`/admin/sellers/${seller.sellerId}`).expect(200);
    expect(adminPage.text).toContain('0101234567001');
    expect(adminPage.text).toContain('001085012345');
  });

  it('a household without identification is told why payouts wait, until it adds a CCCD', async () => {
    const seller = await household();
    const before = await seller.agent.get('/seller').expect(200);
    expect(before.text).toContain(WAITS);
    expect(before.text).toContain(WITHHELD);
    expect(before.text).toContain('href="/seller/tax-identification"');

    const form = await seller.agent.get('/seller/tax-identification').expect(200);
    expect(form.text).toContain(WHY);
    const res = await postIdentification(seller.agent, { taxCode: '', citizenId: '001085012345' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/seller/tax-identification?ok=1');
    expect((await seller.agent.get(res.headers.location)).text).toContain('Đã lưu thông tin thuế.');
    expect((await ctx.ds.query(`SELECT tax_code, citizen_id FROM sellers WHERE id = $1`, [seller.sellerId]))[0]).toEqual({
      tax_code: null,
      citizen_id: '001085012345',
    });

    const after = await seller.agent.get('/seller').expect(200);
    expect(after.text).not.toContain(WAITS);
    // Still withheld: the notice explaining it stays.
    expect(after.text).toContain(WITHHELD);
  });

  it('a cooperative is not withheld and sees no tax notice', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const page = await seller.agent.get('/seller').expect(200);
    expect(page.text).not.toContain(WAITS);
    expect(page.text).not.toContain(WITHHELD);
  });

  it('the separate form validates: a bad number or neither field re-renders with 422 and stores nothing', async () => {
    const seller = await household({ citizenId: '001085012345' });
    const bad = await postIdentification(seller.agent, { taxCode: '0101234567-0', citizenId: '' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('<p class="field-error" id="e-taxCode">Mã số thuế gồm 10 hoặc 13 chữ số.</p>');
    expect(bad.text).toContain('value="0101234567-0"');
    const neither = await postIdentification(seller.agent, { taxCode: '', citizenId: '' });
    expect(neither.status).toBe(422);
    expect(neither.text).toContain('Vui lòng nhập mã số thuế hoặc số CCCD.');
    const extra = await postIdentification(seller.agent, { taxCode: '0101234567', taxWithholding: 'exempt' });
    expect(extra.status).toBe(422);
    expect((await ctx.ds.query(`SELECT tax_code, citizen_id, tax_withholding FROM sellers WHERE id = $1`, [seller.sellerId]))[0]).toEqual({
      tax_code: null,
      citizen_id: '001085012345',
      tax_withholding: 'by_type',
    });

    const ok = await postIdentification(seller.agent, { taxCode: '0101234567-001', citizenId: '001085012345' });
    expect(ok.status).toBe(303);
    expect((await ctx.ds.query(`SELECT tax_code FROM sellers WHERE id = $1`, [seller.sellerId]))[0].tax_code).toBe('0101234567001');
  });

  it('a suspended seller cannot change its identification (403)', async () => {
    const seller = await household();
    await ctx.ds.query(`UPDATE sellers SET status = 'suspended', status_reason = 'Kiểm tra' WHERE id = $1`, [seller.sellerId]);
    const token = csrfFrom((await seller.agent.get('/seller')).text);
    const res = await seller.agent.post('/seller/tax-identification').type('form').send({ _csrf: token, citizenId: '001085012345' });
    expect(res.status).toBe(403);
    expect((await seller.agent.get('/seller/tax-identification')).status).toBe(403);
    expect((await ctx.ds.query(`SELECT citizen_id FROM sellers WHERE id = $1`, [seller.sellerId]))[0].citizen_id).toBeNull();
  });

  it('has English labels', async () => {
    for (const key of ['taxId.why', 'taxId.taxCode', 'taxId.citizenId', 'taxId.notice.waits', 'taxId.notice.withheld', 'taxId.submit']) {
      expect(translate('en', key)).not.toBe(translate('vi', key));
      expect(translate('en', key)).not.toBe(key);
    }
    const seller = await household();
    await seller.agent.get('/lang/en?next=/seller').expect(303);
    const page = await seller.agent.get('/seller/tax-identification').expect(200);
    expect(page.text).toContain('Under Decree 117/2025/NĐ-CP, the marketplace withholds');
    expect(page.text).toContain('Citizen ID card number (CCCD)');
    expect(page.text).toContain('<title>Tax code / citizen ID');
  });
});
