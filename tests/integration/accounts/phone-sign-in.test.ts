import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfToken, TEST_PASSWORD } from '../../helpers/auth';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

let nextIp = 1;
/** Every test speaks from its own address, so the per-IP limit of one test does not spill into the next. */
const freshIp = () => `10.19.0.${nextIp++}`;

const countUsers = async () => Number((await ctx.ds.query(`SELECT count(*)::int AS n FROM users`))[0].n);

async function register(fields: Record<string, string>): Promise<{ agent: request.Agent; res: request.Response }> {
  const agent = request.agent(ctx.app);
  const token = await csrfToken(agent, '/register');
  const res = await agent
    .post('/register')
    .type('form')
    .send({ _csrf: token, fullName: 'Giàng Thị Mai', password: 'Nuong-ngo-Sa-Pa-2026', ...fields });
  return { agent, res };
}

async function login(login: string, password: string, ip: string): Promise<request.Response> {
  const agent = request.agent(ctx.app);
  const token = await csrfToken(agent, '/login');
  return agent.post('/login').set('X-Forwarded-For', ip).type('form').send({ _csrf: token, email: login, password });
}

/** A phone-only buyer, made through the registration form. */
async function phoneOnlyBuyer(phone: string): Promise<number> {
  const { res } = await register({ phone, email: '' });
  expect(res.status).toBe(303);
  const [row] = await ctx.ds.query(`SELECT id FROM users WHERE login_phone = $1`, [phone.replace(/\D/g, '').replace(/^84/, '0')]);
  return row.id;
}

describe('a household without email registers and signs in with its phone', () => {
  it('registers with a phone only: no email, the phone becomes the login phone, the account page says so', async () => {
    const { agent, res } = await register({ phone: '0387 654 321', email: '' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account');
    const [user] = await ctx.ds.query(`SELECT email, phone, login_phone, role FROM users WHERE login_phone = '0387654321'`);
    expect(user).toEqual({ email: null, phone: '0387654321', login_phone: '0387654321', role: 'buyer' });

    const account = await agent.get('/account').expect(200);
    expect(account.text).toContain('Giàng Thị Mai');
    expect(account.text).toContain('Chưa có — bạn đăng nhập bằng số điện thoại');
  });

  it('a buyer with an email keeps signing in by email: no login phone, so contact phones may repeat', async () => {
    const first = await register({ phone: '0912345678', email: 'mai.a@example.vn' });
    const second = await register({ phone: '0912 345 678', email: 'mai.b@example.vn' });
    expect([first.res.status, second.res.status]).toEqual([303, 303]);
    const rows = await ctx.ds.query(`SELECT phone, login_phone FROM users WHERE email IN ('mai.a@example.vn', 'mai.b@example.vn')`);
    expect(rows).toEqual([
      { phone: '0912345678', login_phone: null },
      { phone: '0912345678', login_phone: null },
    ]);
    expect((await login('mai.b@example.vn', 'Nuong-ngo-Sa-Pa-2026', freshIp())).status).toBe(303);
  });

  it.each(['0398 111 222', '+84398111222', '84398111222', '0398.111.222', '(+84) 398 111 222'])('signs in as %p to the same account', async (spelling) => {
    const [existing] = await ctx.ds.query(`SELECT id FROM users WHERE login_phone = '0398111222'`);
    const id = existing?.id ?? (await phoneOnlyBuyer('0398111222'));
    const res = await login(spelling, 'Nuong-ngo-Sa-Pa-2026', freshIp());
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account');
    const [row] = await ctx.ds.query(`SELECT last_login_at FROM users WHERE id = $1`, [id]);
    expect(row.last_login_at).not.toBeNull();
  });

  it('a wrong password is refused with the usual words whichever spelling', async () => {
    await phoneOnlyBuyer('0977000111');
    const res = await login('+84 977 000 111', 'sai-mat-khau', freshIp());
    expect(res.status).toBe(401);
    expect(res.text).toContain('Email hoặc mật khẩu không đúng.');
  });

  it('five wrong passwords across spellings lock the account: the sixth gets 429 whichever spelling, the right password too', async () => {
    const id = await phoneOnlyBuyer('0566123456');
    const spellings = ['0566 123 456', '+84566123456', '84566123456', '0566.123.456', '(+84) 566 123 456'];
    for (const s of spellings) expect((await login(s, 'sai-mat-khau', freshIp())).status).toBe(401);
    const [counter] = await ctx.ds.query(`SELECT failures FROM login_failures WHERE key = $1`, [`user:${id}`]);
    expect(counter.failures).toBe(5);
    for (const s of ['0566123456', '+84566123456', '84566123456']) {
      const res = await login(s, 'Nuong-ngo-Sa-Pa-2026', freshIp());
      expect(res.status).toBe(429);
      expect(res.text).toContain('Bạn đã đăng nhập sai quá nhiều lần');
    }
  });

  it('an unknown phone is limited by its normalised number, so spellings share one bucket', async () => {
    const spellings = ['0788 999 000', '+84788999000', '84788999000', '0788.999.000', '(+84) 788 999 000'];
    for (const s of spellings) expect((await login(s, 'sai-mat-khau', freshIp())).status).toBe(401);
    const [counter] = await ctx.ds.query(`SELECT failures FROM login_failures WHERE key = 'phone:0788999000'`);
    expect(counter.failures).toBe(5);
    expect((await login('0788999000', 'sai-mat-khau', freshIp())).status).toBe(429);
  });

  it('a phone already used to sign in is refused with 422 and nothing is stored', async () => {
    await phoneOnlyBuyer('0865432109');
    const before = await countUsers();
    const { res } = await register({ phone: '+84 865 432 109', email: '', fullName: 'Người khác' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Số điện thoại này đã được dùng');
    expect(await countUsers()).toBe(before);
    const rows = await ctx.ds.query(`SELECT full_name FROM users WHERE phone = '0865432109'`);
    expect(rows).toEqual([{ full_name: 'Giàng Thị Mai' }]);
  });

  it('an account with neither email nor phone is refused by the form, and by the database', async () => {
    const before = await countUsers();
    const { res } = await register({ phone: '', email: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Số điện thoại di động không hợp lệ');
    expect(await countUsers()).toBe(before);

    await expect(ctx.ds.query(`INSERT INTO users (full_name, phone, role) VALUES ('Không ai', '0912345678', 'buyer')`)).rejects.toThrow(
      /users_email_or_login_phone/,
    );
    await expect(ctx.ds.query(`INSERT INTO users (full_name, login_phone, role) VALUES ('Số lạ', '0212345678', 'buyer')`)).rejects.toThrow(/check constraint/);
  });

  it('email sign-in is unchanged, the citext spelling rule included', async () => {
    const account = await createAccount(ctx.ds, { email: 'binh.tran@example.vn' });
    expect((await login('Binh.Tran@Example.vn', TEST_PASSWORD, freshIp())).status).toBe(303);
    // U+0130 finds "i" in citext, but is not the stored spelling.
    expect((await login('bİnh.tran@example.vn', TEST_PASSWORD, freshIp())).status).toBe(401);
    const [row] = await ctx.ds.query(`SELECT last_login_at FROM users WHERE id = $1`, [account.id]);
    expect(row.last_login_at).not.toBeNull();
  });

  it('shows the fields in Vietnamese, and in English', async () => {
    const vi = await request(ctx.app).get('/login').expect(200);
    expect(vi.text).toContain('Email hoặc số điện thoại');
    const viRegister = await request(ctx.app).get('/register').expect(200);
    expect(viRegister.text).toContain('Email (không bắt buộc nếu có số điện thoại)');

    const en = await request(ctx.app).get('/login').set('Cookie', 'lang=en').expect(200);
    expect(en.text).toContain('Email or phone number');
    const enRegister = await request(ctx.app).get('/register').set('Cookie', 'lang=en').expect(200);
    expect(enRegister.text).toContain('Email (optional if you give a phone number)');
    expect(enRegister.text).toContain('Phone number');
  });
});
