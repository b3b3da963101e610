import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, csrfToken, signInAsAdmin } from '../../helpers/auth';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const application = (overrides: Record<string, string> = {}) => ({
  fullName: 'Giàng A Páo',
  email: `htx${Math.floor(Math.random() * 1e9)}@example.vn`,
  phone: '0987 654 321',
  password: 'Che-Shan-tuyet-Suoi-Giang',
  cooperativeName: 'HTX Chè Shan tuyết Suối Giàng',
  type: 'htx',
  commune: 'Xã Văn Chấn',
  address: 'Bản Pang Cáng',
  description: 'Hợp tác xã trồng và chế biến chè Shan tuyết cổ thụ.',
  taxCode: '5200 1234 56',
  bankBin: '970405',
  bankAccountNo: '1234 5678 9012',
  bankAccountName: 'HTX Chè Suối Giàng',
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

describe('cooperative application', () => {
  it('lists the 99 communes and wards of Lào Cai in the form', async () => {
    const res = await request(ctx.app).get('/sellers/apply').expect(200);
    expect(res.text.match(/<option>(Xã|Phường) [^<]+<\/option>/g)).toHaveLength(99);
    expect(res.text).toContain('Phường Sa Pa');
  });

  it('creates a seller account and a pending profile, and the seller area shows the status', async () => {
    const body = application();
    const { agent, res } = await apply(body);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/seller');
    const [row] = await ctx.ds.query(
      `SELECT u.role, s.status, s.name, s.slug, s.tax_code, s.bank_bin, s.bank_account_no, s.bank_account_name, s.commune, s.phone
       FROM sellers s JOIN users u ON u.id = s.owner_user_id WHERE u.email = $1`,
      [body.email],
    );
    expect(row).toEqual({
      role: 'seller',
      status: 'pending',
      name: 'HTX Chè Shan tuyết Suối Giàng',
      slug: 'htx-che-shan-tuyet-suoi-giang',
      tax_code: '5200123456',
      bank_bin: '970405',
      bank_account_no: '123456789012',
      bank_account_name: 'HTX CHE SUOI GIANG',
      commune: 'Xã Văn Chấn',
      phone: '0987654321',
    });
    const area = await agent.get('/seller').expect(200);
    expect(area.text).toContain('Chờ duyệt');
    expect(area.text).toContain('đang chờ quản trị viên xem xét');
    // Not approved yet: no storefront.
    await request(ctx.app).get(`/sellers/${row.slug}`).expect(404);
  });

  it('refuses bad fields with Vietnamese messages and creates nothing', async () => {
    const before = (await ctx.ds.query(`SELECT count(*)::int AS n FROM sellers`))[0].n;
    const { res } = await apply(application({ commune: 'Quận 1', taxCode: '123', bankAccountNo: '', type: 'tap-doan', cooperativeName: '' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('Vui lòng chọn xã/phường trong danh sách của tỉnh Lào Cai.');
    expect(res.text).toContain('Mã số thuế gồm 10 hoặc 13 chữ số.');
    expect(res.text).toContain('Vui lòng chọn loại hình chủ thể.');
    expect(res.text).toContain('Vui lòng nhập tên hợp tác xã/cơ sở.');
    // Half-given bank details are refused once the rest of the form is right.
    const bank = await apply(application({ bankAccountNo: '' }));
    expect(bank.res.status).toBe(422);
    expect(bank.res.text).toContain('Nhập đủ ngân hàng, số tài khoản và tên tài khoản');
    expect((await ctx.ds.query(`SELECT count(*)::int AS n FROM sellers`))[0].n).toBe(before);
  });

  it('cannot set its own status or role from the form', async () => {
    const body = application({ status: 'approved' });
    const { res } = await apply(body);
    expect(res.status).toBe(422);
    expect(res.text).toContain('Biểu mẫu chứa trường không được phép.');
    const roleTry = await apply(application({ role: 'admin' }));
    expect(roleTry.res.status).toBe(422);
    expect(await ctx.ds.query(`SELECT 1 FROM users WHERE email = ANY($1)`, [[body.email]])).toEqual([]);
    expect(await ctx.ds.query(`SELECT 1 FROM sellers WHERE status = 'approved'`)).toEqual([]);
  });

  it('a rejected cooperative sees the reason, corrects its profile and is pending again', async () => {
    const body = application({ cooperativeName: 'HTX Sai Tên' });
    const { agent } = await apply(body);
    const [{ id }] = await ctx.ds.query(`SELECT s.id FROM sellers s JOIN users u ON u.id = s.owner_user_id WHERE u.email = $1`, [body.email]);
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const token = csrfFrom((await admin.get(`/admin/sellers/${id}`)).text);
    await admin.post(`/admin/sellers/${id}/reject`).type('form').send({ _csrf: token, reason: 'Thiếu giấy chứng nhận OCOP' }).expect(303);

    const area = await agent.get('/seller');
    expect(area.text).toContain('Hồ sơ bị từ chối.');
    expect(area.text).toContain('Thiếu giấy chứng nhận OCOP');

    const form = await agent.get('/seller/application');
    expect(form.text).toContain('value="HTX Sai Tên"');
    const { password, email, fullName, phone, ...profile } = body;
    void password;
    void email;
    void fullName;
    void phone;
    const resubmit = await agent
      .post('/seller/application')
      .type('form')
      .send({ ...profile, cooperativeName: 'HTX Chè Đúng Tên', _csrf: csrfFrom(form.text) });
    expect(resubmit.status).toBe(303);
    const [row] = await ctx.ds.query(`SELECT name, status, status_reason FROM sellers WHERE id = $1`, [id]);
    expect(row).toEqual({ name: 'HTX Chè Đúng Tên', status: 'pending', status_reason: null });

    // Only a rejected profile can be resubmitted.
    const again = await agent
      .post('/seller/application')
      .type('form')
      .send({ ...profile, _csrf: csrfFrom(form.text) });
    expect(again.status).toBe(409);
    expect((await ctx.ds.query(`SELECT name FROM sellers WHERE id = $1`, [id]))[0].name).toBe('HTX Chè Đúng Tên');
  });
});
