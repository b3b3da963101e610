import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfToken, signIn, TEST_PASSWORD } from '../../helpers/auth';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

let nextIp = 1;
/** Every test speaks from its own address, so the per-IP limit of one test does not spill into the next. */
const freshIp = () => `10.15.0.${nextIp++}`;

/** Guest agents with their login form token, ready to post at the same instant. */
async function loginForms(count: number): Promise<{ agent: request.Agent; token: string }[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const agent = request.agent(ctx.app);
      return { agent, token: await csrfToken(agent, '/login') };
    }),
  );
}

async function lastLogin(userId: number): Promise<Date | null> {
  const [row] = await ctx.ds.query(`SELECT last_login_at FROM users WHERE id = $1`, [userId]);
  return row.last_login_at;
}

describe('login limit under parallel guesses', () => {
  it.each([0, 4, 15, 23])('24 parallel guesses with the right password at position %i: at most 5 are tried, the rest answer 429', async (rightAt) => {
    const account = await createAccount(ctx.ds);
    const ip = freshIp();
    const forms = await loginForms(24);
    const answers = await Promise.all(
      forms.map(({ agent, token }, i) =>
        agent
          .post('/login')
          .set('X-Forwarded-For', ip)
          .type('form')
          .send({ _csrf: token, email: account.email, password: i === rightAt ? TEST_PASSWORD : `sai-mat-khau-${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    for (const s of statuses) expect([303, 401, 429]).toContain(s);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(5);
    for (const a of answers.filter((x) => x.status === 429)) expect(a.text).toContain('Bạn đã đăng nhập sai quá nhiều lần');

    const signedIn = answers[rightAt].status === 303;
    expect(statuses.filter((s) => s === 303)).toHaveLength(signedIn ? 1 : 0);
    expect((await lastLogin(account.id)) !== null).toBe(signedIn);
    const [counter] = await ctx.ds.query(`SELECT failures FROM login_failures WHERE key = $1`, [`user:${account.id}`]);
    if (signedIn) expect(counter?.failures ?? 0).toBeLessThanOrEqual(5);
    if (!signedIn) {
      // The right password came after the fifth guess: refused without being tried, the account stays locked.
      expect(answers[rightAt].status).toBe(429);
      expect(counter.failures).toBe(5);
      expect(await signInStatus(account.email, TEST_PASSWORD, freshIp())).toBe(429);
    }
  });

  it('the right password after five wrong ones is refused; a sign-in before the limit clears the count', async () => {
    const account = await createAccount(ctx.ds);
    const ip = freshIp();
    for (let i = 0; i < 4; i++) expect(await signInStatus(account.email, 'sai-mat-khau', ip)).toBe(401);
    expect(await signInStatus(account.email, TEST_PASSWORD, ip)).toBe(303);
    expect(await lastLogin(account.id)).not.toBeNull();
    // Cleared: five more wrong guesses are tried (401), the sixth attempt is not.
    for (let i = 0; i < 5; i++) expect(await signInStatus(account.email, 'sai-mat-khau', ip)).toBe(401);
    expect(await signInStatus(account.email, TEST_PASSWORD, ip)).toBe(429);
    const [row] = await ctx.ds.query(`SELECT failures FROM login_failures WHERE key = $1`, [`user:${account.id}`]);
    expect(row.failures).toBe(5);
  });

  it('keeps the per-IP limit (30) under parallel guesses spread over many accounts', async () => {
    const ip = freshIp();
    const forms = await loginForms(40);
    const answers = await Promise.all(
      forms.map(({ agent, token }, i) =>
        agent
          .post('/login')
          .set('X-Forwarded-For', ip)
          .type('form')
          .send({ _csrf: token, email: `khach-${i}@example.vn`, password: 'sai-mat-khau' }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    // Another address is not affected.
    expect(await signInStatus('khach-0@example.vn', 'sai-mat-khau', freshIp())).toBe(401);
  });

  it('unknown emails are limited per typed address too', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect(await signInStatus('khong-co-ai@example.vn', 'sai-mat-khau', ip)).toBe(401);
    expect(await signInStatus('Khong-Co-Ai@example.vn', 'sai-mat-khau', freshIp())).toBe(429);
  });
});

describe('login limit keyed on the account, not on the spelling', () => {
  // U+0130 (İ) folds to "i" for PostgreSQL's citext in some locales, but JavaScript lowercases it to "i̇".
  const variantOf = (email: string) => email.replace(/i/g, 'İ');

  it('five failures through a variant spelling lock out the real account', async () => {
    const account = await createAccount(ctx.ds, { email: `kimthi${Date.now()}@example.vn` });
    const variant = variantOf(account.email);
    for (let i = 0; i < 5; i++) expect(await signInStatus(variant, 'sai-mat-khau', freshIp())).toBe(401);
    expect(await signInStatus(account.email, TEST_PASSWORD, freshIp())).toBe(429);
    expect(await lastLogin(account.id)).toBeNull();
  });

  it('the right password through a variant spelling does not sign in, with the same message as a wrong one', async () => {
    const account = await createAccount(ctx.ds, { email: `thinh${Date.now()}@example.vn` });
    const agent = request.agent(ctx.app);
    const token = await csrfToken(agent, '/login');
    const res = await agent
      .post('/login')
      .set('X-Forwarded-For', freshIp())
      .type('form')
      .send({ _csrf: token, email: variantOf(account.email), password: TEST_PASSWORD });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Email hoặc mật khẩu không đúng.');
    expect((await agent.get('/account')).status).toBe(302);
    expect(await lastLogin(account.id)).toBeNull();
    // Upper case ASCII is the same address, as it always was.
    await signIn(ctx.app, account.email.toUpperCase());
  });
});

async function signInStatus(email: string, password: string, ip: string): Promise<number> {
  const agent = request.agent(ctx.app);
  const token = await csrfToken(agent, '/login');
  const res = await agent.post('/login').set('X-Forwarded-For', ip).type('form').send({ _csrf: token, email, password });
  return res.status;
}
