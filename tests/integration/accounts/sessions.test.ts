import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, signIn } from '../../helpers/auth';
import { countQueries } from '../../helpers/queries';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('session lifetime', () => {
  it('signs out after the absolute timeout even while active', async () => {
    const account = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, account.email);
    expect((await agent.get('/account')).status).toBe(200);
    const eightDaysAgo = Date.now() - 8 * 24 * 3600 * 1000;
    await ctx.ds.query(`UPDATE sessions SET sess = jsonb_set(sess::jsonb, '{signedInAt}', to_jsonb($1::bigint))::json`, [eightDaysAgo]);
    const res = await agent.get('/account');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Faccount');
    expect(await ctx.ds.query(`SELECT 1 FROM sessions WHERE (sess->>'userId')::int = $1`, [account.id])).toEqual([]);
  });

  it('signs out after the idle timeout', async () => {
    const account = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, account.email);
    await ctx.ds.query(`UPDATE sessions SET expire = now() - interval '1 minute' WHERE (sess->>'userId')::int = $1`, [account.id]);
    expect((await agent.get('/account')).status).toBe(302);
  });

  it('moves the idle deadline forward at most once every 10 minutes, not on every page', async () => {
    const account = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, account.email);
    const deadline = async () => {
      const [row] = await ctx.ds.query(`SELECT expire FROM sessions WHERE (sess->>'userId')::int = $1`, [account.id]);
      return (row.expire as Date).getTime();
    };
    const atSignIn = await deadline();
    // Last moved 5 minutes ago: this page leaves it.
    await ctx.ds.query(`UPDATE sessions SET expire = expire - interval '5 minutes' WHERE (sess->>'userId')::int = $1`, [account.id]);
    expect((await agent.get('/account')).status).toBe(200);
    expect(await deadline()).toBe(atSignIn - 5 * 60_000);

    // Last moved 11 minutes ago: this page moves it to a day from now.
    await ctx.ds.query(`UPDATE sessions SET expire = expire - interval '6 minutes' WHERE (sess->>'userId')::int = $1`, [account.id]);
    const page = await agent.get('/account');
    expect(page.status).toBe(200);
    expect(page.text).toContain(account.email);
    expect(await deadline()).toBeGreaterThanOrEqual(atSignIn - 2000);
  });

  it('a session removed from the store (logout on another instance) no longer signs in', async () => {
    const account = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, account.email);
    await ctx.ds.query(`DELETE FROM sessions WHERE (sess->>'userId')::int = $1`, [account.id]);
    expect((await agent.get('/account')).status).toBe(302);
  });
});

describe('the signed-in user arrives with the session', () => {
  it('a page reads the account in the same statement as the session, and still sees a change made a moment ago', async () => {
    const account = await createAccount(ctx.ds, { fullName: 'Lý Thị Mai' });
    const agent = await signIn(ctx.app, account.email);
    let html = '';
    const sql = await countQueries(ctx.ds, async () => {
      const res = await agent.get('/account');
      expect(res.status).toBe(200);
      html = res.text;
    });
    expect(html).toContain('Lý Thị Mai');
    expect(sql.filter((q) => /"fullName".* FROM users WHERE id = \$1/.test(q))).toEqual([]);
    // Read on every request, not remembered: a rename and a role change show on the next page.
    await ctx.ds.query(`UPDATE users SET full_name = 'Lý Thị Hoa', role = 'admin' WHERE id = $1`, [account.id]);
    const next = await agent.get('/admin');
    expect(next.status).toBe(200);
    expect(next.text).toContain('Lý Thị Hoa');
  });

  it('a session whose account no longer exists is ended', async () => {
    const account = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, account.email);
    await ctx.ds.query(`UPDATE sessions SET sess = jsonb_set(sess::jsonb, '{userId}', to_jsonb(2147483000))::json WHERE (sess->>'userId')::int = $1`, [
      account.id,
    ]);
    const res = await agent.get('/account');
    expect(res.status).toBe(302);
    expect(await ctx.ds.query(`SELECT 1 FROM sessions WHERE (sess->>'userId')::int = 2147483000`)).toEqual([]);
  });
});

describe('admin accounts', () => {
  it('createAdmin (npm run admin:create) makes an admin who can open the back office, and promotes an existing email', async () => {
    const admin = await ctx.container.accounts.createAdmin({ email: 'sep@cho-ocop.vn', password: 'Quan-tri-vien-2026', fullName: 'Sếp' });
    expect(admin.role).toBe('admin');
    const agent = await signIn(ctx.app, 'sep@cho-ocop.vn', 'Quan-tri-vien-2026');
    const page = await agent.get('/admin');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Quản trị Chợ OCOP');

    const buyer = await createAccount(ctx.ds, { role: 'buyer' });
    await ctx.container.accounts.createAdmin({ email: buyer.email, password: 'Mat-khau-quan-tri-moi', fullName: 'x' });
    const [row] = await ctx.ds.query(`SELECT role FROM users WHERE id = $1`, [buyer.id]);
    expect(row.role).toBe('admin');
  });
});
