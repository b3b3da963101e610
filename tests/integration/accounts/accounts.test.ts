import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfFrom, csrfToken, signIn, TEST_PASSWORD } from '../../helpers/auth';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const countUsers = async () => Number((await ctx.ds.query(`SELECT count(*)::int AS n FROM users`))[0].n);

describe('registration, login and logout', () => {
  it('registers a buyer, shows the name on /account, and logs out for good', async () => {
    const agent = request.agent(ctx.app);
    const token = await csrfToken(agent, '/register');
    const reg = await agent.post('/register').type('form').send({
      _csrf: token,
      fullName: 'Lò Thị Hoa',
      email: 'Hoa.Lo@Example.vn',
      phone: '0912 345 678',
      password: 'Hoa-ban-trang-Mu-Cang-Chai',
    });
    expect(reg.status).toBe(303);
    expect(reg.headers.location).toBe('/account');

    const [user] = await ctx.ds.query(`SELECT email, role, phone, password_hash FROM users WHERE email = 'hoa.lo@example.vn'`);
    expect(user.role).toBe('buyer');
    expect(user.phone).toBe('0912345678');
    expect(user.password_hash).toMatch(/^\$argon2id\$/);

    const account = await agent.get('/account').expect(200);
    expect(account.text).toContain('Lò Thị Hoa');
    const sessionCookie = (reg.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('cho.sid='))!.split(';')[0];

    const logout = await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFrom(account.text) });
    expect(logout.status).toBe(303);
    const after = await agent.get('/account');
    expect(after.status).toBe(302);
    expect(after.headers.location).toBe('/login?next=%2Faccount');

    // The old session cookie no longer opens the account.
    const replay = await request(ctx.app).get('/account').set('Cookie', sessionCookie);
    expect(replay.status).toBe(302);
    const [{ n }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM sessions`);
    expect(n).toBe(0);
  });

  it('regenerates the session id at login: the earlier session id is gone from the store', async () => {
    const account = await createAccount(ctx.ds);
    const agent = request.agent(ctx.app);
    const sid = (res: request.Response) =>
      decodeURIComponent(
        ((res.headers['set-cookie'] as unknown as string[]) ?? [])
          .find((c) => c.startsWith('cho.sid='))!
          .split(';')[0]
          .slice(8),
      )
        .slice(2)
        .split('.')[0];
    const loginToken = await csrfToken(agent, '/login');
    const first = await agent.post('/login').type('form').send({ _csrf: loginToken, email: account.email, password: TEST_PASSWORD });
    const firstSid = sid(first);
    expect((first.headers['set-cookie'] as unknown as string[]).join(';')).toMatch(/cho\.sid=.*HttpOnly.*SameSite=Lax/i);
    // Signed in, every page carries the logout form and so a token.
    const pageToken = await csrfToken(agent, '/products');
    const second = await agent.post('/login').type('form').send({ _csrf: pageToken, email: account.email, password: TEST_PASSWORD });
    expect(second.status).toBe(303);
    const secondSid = sid(second);
    expect(secondSid).not.toBe(firstSid);
    const rows = await ctx.ds.query(`SELECT sid FROM sessions WHERE sid = ANY($1)`, [[firstSid, secondSid]]);
    expect(rows).toEqual([{ sid: secondSid }]);
  });

  it('refuses a weak or common password, a bad email and phone with field messages, and creates nothing', async () => {
    const before = await countUsers();
    const agent = request.agent(ctx.app);
    const token = await csrfToken(agent, '/register');
    const res = await agent.post('/register').type('form').send({
      _csrf: token,
      fullName: '',
      email: 'not-an-email',
      phone: '12345',
      password: 'password123',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Vui lòng nhập họ và tên.');
    expect(res.text).toContain('Email không hợp lệ.');
    expect(res.text).toContain('Số điện thoại di động không hợp lệ');
    expect(res.text).toContain('Mật khẩu này quá phổ biến');
    expect(res.text).not.toContain('password123');
    expect(await countUsers()).toBe(before);

    const short = await agent.post('/register').type('form').send({ _csrf: token, fullName: 'A', email: 'a@b.vn', phone: '0912345678', password: 'short' });
    expect(short.status).toBe(422);
    expect(short.text).toContain('Mật khẩu cần ít nhất 8 ký tự.');
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    const existing = await createAccount(ctx.ds, { email: 'trung@example.vn' });
    const agent = request.agent(ctx.app);
    const token = await csrfToken(agent, '/register');
    const res = await agent.post('/register').type('form').send({
      _csrf: token,
      fullName: 'Trùng',
      email: 'TRUNG@example.vn',
      phone: '0912345678',
      password: 'Mot-mat-khau-dai',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Email này đã được dùng');
    const rows = await ctx.ds.query(`SELECT id FROM users WHERE email = 'trung@example.vn'`);
    expect(rows).toEqual([{ id: existing.id }]);
  });

  it('ignores role=admin in the registration form: the request is refused and nothing changes', async () => {
    const before = await countUsers();
    const agent = request.agent(ctx.app);
    const token = await csrfToken(agent, '/register');
    const res = await agent.post('/register').type('form').send({
      _csrf: token,
      fullName: 'Kẻ gian',
      email: 'gian@example.vn',
      phone: '0912345678',
      password: 'Mot-mat-khau-dai',
      role: 'admin',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Biểu mẫu chứa trường không được phép.');
    expect(await countUsers()).toBe(before);
    expect(await ctx.ds.query(`SELECT 1 FROM users WHERE role = 'admin'`)).toEqual([]);
  });

  it('sends ?next only to local paths', async () => {
    const account = await createAccount(ctx.ds);
    for (const [next, expected] of [
      ['/products?q=mat', '/products?q=mat'],
      ['https://evil.example', '/account'],
      ['//evil.example', '/account'],
    ]) {
      const agent = request.agent(ctx.app);
      const token = await csrfToken(agent, `/login?next=${encodeURIComponent(next)}`);
      const res = await agent.post('/login').type('form').send({ _csrf: token, email: account.email, password: TEST_PASSWORD, next });
      expect(res.headers.location).toBe(expected);
    }
  });

  it('changes the password only with the current one', async () => {
    const account = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, account.email);
    const page = await agent.get('/account');
    const wrong = await agent
      .post('/account/password')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        currentPassword: 'sai-mat-khau',
        newPassword: 'Mat-khau-moi-2026',
        confirmPassword: 'Mat-khau-moi-2026',
      });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Mật khẩu hiện tại không đúng.');
    const ok = await agent
      .post('/account/password')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        currentPassword: TEST_PASSWORD,
        newPassword: 'Mat-khau-moi-2026',
        confirmPassword: 'Mat-khau-moi-2026',
      });
    expect(ok.status).toBe(303);
    expect((await agent.get('/account?changed=password')).text).toContain('Đã đổi mật khẩu.');
    await signIn(ctx.app, account.email, 'Mat-khau-moi-2026');
  });
});

describe('CSRF', () => {
  it("refuses a form post without a token, or with another visitor's token, and changes nothing", async () => {
    const before = await countUsers();
    const body = { fullName: 'Không token', email: 'csrf@example.vn', phone: '0912345678', password: 'Mot-mat-khau-dai' };
    const agent = request.agent(ctx.app);
    await agent.get('/register');
    const missing = await agent.post('/register').type('form').send(body);
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('Biểu mẫu đã hết hạn hoặc không hợp lệ');

    const other = request.agent(ctx.app);
    const othersToken = await csrfToken(other, '/register');
    const stolen = await agent
      .post('/register')
      .type('form')
      .send({ ...body, _csrf: othersToken });
    expect(stolen.status).toBe(403);
    expect(await countUsers()).toBe(before);
  });

  it('refuses logout without a token', async () => {
    const account = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, account.email);
    expect((await agent.post('/logout').type('form').send({})).status).toBe(403);
    expect((await agent.get('/account')).status).toBe(200);
  });
});

describe('login throttling', () => {
  it('answers repeated wrong passwords with 429, and an unknown email exactly like a wrong password', async () => {
    const account = await createAccount(ctx.ds);
    const attempt = async (email: string, password: string) => {
      const agent = request.agent(ctx.app);
      const token = await csrfToken(agent, '/login');
      return agent.post('/login').type('form').send({ _csrf: token, email, password });
    };
    const wrong = await attempt(account.email, 'sai-mat-khau');
    const unknown = await attempt('khong-ton-tai@example.vn', 'sai-mat-khau');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = 'Email hoặc mật khẩu không đúng.';
    expect(wrong.text).toContain(message);
    expect(unknown.text).toContain(message);

    for (let i = 0; i < 4; i++) expect((await attempt(account.email, 'sai-mat-khau')).status).toBe(401);
    const blocked = await attempt(account.email, TEST_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Bạn đã đăng nhập sai quá nhiều lần');
    const [row] = await ctx.ds.query(`SELECT failures FROM login_failures WHERE key = $1`, [`user:${account.id}`]);
    expect(row.failures).toBe(5);
  });
});
