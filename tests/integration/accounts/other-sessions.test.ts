import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfFrom, signIn, TEST_PASSWORD } from '../../helpers/auth';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const sessionIds = async (userId: number): Promise<string[]> =>
  (await ctx.ds.query(`SELECT sid FROM sessions WHERE (sess->>'userId')::int = $1 ORDER BY sid`, [userId])).map((r: { sid: string }) => r.sid);

/** The session id in a response's cho.sid cookie (`s:<sid>.<signature>`). */
function sidSetBy(res: request.Response): string | undefined {
  const cookie = ((res.headers['set-cookie'] as unknown as string[]) ?? []).find((c) => c.startsWith('cho.sid='));
  return cookie ? decodeURIComponent(cookie.split(';')[0].slice('cho.sid='.length)).slice(2).split('.')[0] : undefined;
}

/** Two browsers signed in as one buyer, and a third one signed in as somebody else. */
async function twoDevices() {
  const account = await createAccount(ctx.ds);
  const a = await signIn(ctx.app, account.email);
  const b = await signIn(ctx.app, account.email);
  const other = await createAccount(ctx.ds);
  const elsewhere = await signIn(ctx.app, other.email);
  const before = await sessionIds(account.id);
  expect(before).toHaveLength(2);
  return { account, a, b, other, elsewhere, before };
}

/**
 * After device A's `res` ended the account's other sessions: A alone is signed in, under a new
 * session id; B is sent to log in; A sees `message` on /account?changed=<changed>; the other
 * account's session is untouched. Returns A's page.
 */
async function expectOnlyThisDeviceSignedIn(devices: Awaited<ReturnType<typeof twoDevices>>, res: request.Response, changed: string, message: string) {
  const { account, a, b, other, elsewhere, before } = devices;
  const newSid = sidSetBy(res);
  expect(newSid).toBeDefined();
  expect(before).not.toContain(newSid);
  expect(await sessionIds(account.id)).toEqual([newSid]);

  const onB = await b.get('/account');
  expect(onB.status).toBe(302);
  expect(onB.headers.location).toBe('/login?next=%2Faccount');
  const onA = await a.get(`/account?changed=${changed}`);
  expect(onA.status).toBe(200);
  expect(onA.text).toContain(message);
  // Somebody else's session is not touched.
  expect((await elsewhere.get('/account')).status).toBe(200);
  expect(await sessionIds(other.id)).toHaveLength(1);
  return onA;
}

describe('a password change ends the other sessions', () => {
  it('signs the other device out (its row is gone) and keeps this one under a new session id', async () => {
    const devices = await twoDevices();
    const { account, a } = devices;
    const page = await a.get('/account');
    const res = await a
      .post('/account/password')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        currentPassword: TEST_PASSWORD,
        newPassword: 'Mat-khau-moi-2026',
        confirmPassword: 'Mat-khau-moi-2026',
      });
    expect(res.status).toBe(303);
    const onA = await expectOnlyThisDeviceSignedIn(devices, res, 'password', 'Đã đổi mật khẩu.');
    expect(onA.text).toContain(account.email);
  });

  it('a session row written back after the change (a request in flight saving it) still does not sign in', async () => {
    const { account, a, b } = await twoDevices();
    const [bRow] = await ctx.ds.query(
      `SELECT sid, sess, expire FROM sessions WHERE (sess->>'userId')::int = $1 ORDER BY (sess->>'signedInAt')::bigint DESC LIMIT 1`,
      [account.id],
    );
    const page = await a.get('/account');
    await a
      .post('/account/password')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        currentPassword: TEST_PASSWORD,
        newPassword: 'Mat-khau-moi-2026',
        confirmPassword: 'Mat-khau-moi-2026',
      })
      .expect(303);
    await ctx.ds.query(`INSERT INTO sessions (sid, sess, expire) VALUES ($1, $2, $3) ON CONFLICT (sid) DO NOTHING`, [
      bRow.sid,
      JSON.stringify(bRow.sess),
      bRow.expire,
    ]);
    expect((await b.get('/account')).status).toBe(302);
    expect((await a.get('/account')).status).toBe(200);
  });

  it('a failed change (wrong current password) ends nothing', async () => {
    const { account, a, b, before } = await twoDevices();
    const page = await a.get('/account');
    const res = await a
      .post('/account/password')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        currentPassword: 'sai-mat-khau',
        newPassword: 'Mat-khau-moi-2026',
        confirmPassword: 'Mat-khau-moi-2026',
      });
    expect(res.status).toBe(422);
    expect(await sessionIds(account.id)).toEqual(before);
    expect((await b.get('/account')).status).toBe(200);
  });

  it("a reset through npm run admin:create ends the account's sessions too", async () => {
    const { account, a, b } = await twoDevices();
    await ctx.container.accounts.createAdmin({ email: account.email, password: 'Mat-khau-quan-tri-moi', fullName: 'Quản trị' });
    expect(await sessionIds(account.id)).toEqual([]);
    expect((await a.get('/account')).status).toBe(302);
    expect((await b.get('/account')).status).toBe(302);
  });
});

describe('sign out everywhere', () => {
  it('/account offers it; it ends every other session of the account and keeps this one under a new id', async () => {
    const devices = await twoDevices();
    const { account, a } = devices;
    const page = await a.get('/account');
    expect(page.text).toContain('Đăng xuất khỏi mọi thiết bị');
    expect(page.text).toMatch(/<form method="post" action="\/account\/sign-out-everywhere"[^>]*>\s*<input type="hidden" name="_csrf"/);
    const res = await a
      .post('/account/sign-out-everywhere')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account?changed=sessions');
    await expectOnlyThisDeviceSignedIn(devices, res, 'sessions', 'Đã đăng xuất khỏi mọi thiết bị khác.');
    // The password is unchanged: signing in again works.
    await signIn(ctx.app, account.email);
  });

  it('a session that a request in flight writes back after the sign-out stays signed out', async () => {
    const { account, a, b, before } = await twoDevices();
    await b.get('/account').expect(200);
    const bSid = before.find((sid) => sid !== before[0]) ?? before[0];
    const rows = await ctx.ds.query(`SELECT sid, sess, expire FROM sessions WHERE sid = ANY($1::text[])`, [before]);
    const page = await a.get('/account');
    await a
      .post('/account/sign-out-everywhere')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    // Each old session as a request that was still running on that device saves it, after the delete.
    for (const row of rows) await ctx.ds.query(`INSERT INTO sessions (sid, sess, expire) VALUES ($1, $2, $3)`, [row.sid, row.sess, row.expire]);
    expect(await sessionIds(account.id)).toEqual(expect.arrayContaining([bSid]));
    const onB = await b.get('/account');
    expect(onB.status).toBe(302);
    expect(onB.headers.location).toBe('/login?next=%2Faccount');
    // This device, under its new session, stays signed in; signing in again works.
    expect((await a.get('/account')).status).toBe(200);
    expect((await (await signIn(ctx.app, account.email)).get('/account')).status).toBe(200);
  });

  it('needs the form token, and a signed-out visitor is sent to the login page', async () => {
    const { account, a, before } = await twoDevices();
    expect((await a.post('/account/sign-out-everywhere').type('form').send({})).status).toBe(403);
    expect(await sessionIds(account.id)).toEqual(before);
    const guest = request.agent(ctx.app);
    const login = await guest.get('/login');
    const res = await guest
      .post('/account/sign-out-everywhere')
      .type('form')
      .send({ _csrf: csrfFrom(login.text) });
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?next=/);
  });

  it('a stray field is refused and ends nothing', async () => {
    const { account, a, before } = await twoDevices();
    const page = await a.get('/account');
    const res = await a
      .post('/account/sign-out-everywhere')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), userId: '1' });
    expect(res.status).toBe(422);
    expect(await sessionIds(account.id)).toEqual(before);
  });

  it('is offered in English too', async () => {
    const { a } = await twoDevices();
    a.jar.setCookie('lang=en; Path=/');
    const page = await a.get('/account');
    expect(page.text).toContain('Sign out everywhere');
  });
});
