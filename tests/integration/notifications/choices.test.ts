import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfFrom, signIn, signInAsSeller } from '../../helpers/auth';

/** Each account chooses its notification channels on /account; a cooperative's owner on the seller profile. */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const choices = async (userId: number) =>
  (await ctx.ds.query(`SELECT notify_email AS "email", notify_zalo AS "zalo" FROM users WHERE id = $1`, [userId]))[0] as { email: boolean; zalo: boolean };
const checkbox = (html: string, name: string) => new RegExp(`<input type="checkbox" name="${name}" value="1"( checked)?>`).exec(html);

describe('notification channel choices', () => {
  it('/account shows both channels ticked by default and saves a change (PRG); the page then shows it', async () => {
    const account = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, account.email);
    const page = await agent.get('/account').expect(200);
    expect(page.text).toContain('Nhận thông báo qua email');
    expect(page.text).toContain('Nhận thông báo qua Zalo');
    expect(checkbox(page.text, 'notifyEmail')?.[1]).toBe(' checked');
    expect(checkbox(page.text, 'notifyZalo')?.[1]).toBe(' checked');
    expect(page.text).toMatch(/<form method="post" action="\/account\/notifications" class="notify-choices">\s*<input type="hidden" name="_csrf"/);

    // Only Zalo ticked: email off.
    const saved = await agent
      .post('/account/notifications')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), notifyZalo: '1' })
      .expect(303);
    expect(saved.headers.location).toBe('/account?changed=notifications');
    expect(await choices(account.id)).toEqual({ email: false, zalo: true });
    const after = await agent.get(saved.headers.location).expect(200);
    expect(after.text).toContain('Đã lưu kênh nhận thông báo.');
    expect(checkbox(after.text, 'notifyEmail')?.[1]).toBeUndefined();
    expect(checkbox(after.text, 'notifyZalo')?.[1]).toBe(' checked');

    // Nothing ticked: both off.
    await agent
      .post('/account/notifications')
      .type('form')
      .send({ _csrf: csrfFrom(after.text) })
      .expect(303);
    expect(await choices(account.id)).toEqual({ email: false, zalo: false });
  });

  it('refuses a bad value or an unknown field with 422 (nothing saved) and a post without its form token with 403', async () => {
    const account = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, account.email);
    const token = csrfFrom((await agent.get('/account')).text);
    const bad = await agent.post('/account/notifications').type('form').send({ _csrf: token, notifyEmail: 'yes', notifyZalo: '1' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Kênh nhận thông báo');
    const unknown = await agent.post('/account/notifications').type('form').send({ _csrf: token, notifyEmail: '1', role: 'admin' });
    expect(unknown.status).toBe(422);
    const forged = await agent.post('/account/notifications').type('form').send({ notifyEmail: '1' });
    expect(forged.status).toBe(403);
    expect(await choices(account.id)).toEqual({ email: true, zalo: true });
  });

  it("the seller profile carries the owner's choices for the cooperative's news", async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const profile = await seller.agent.get('/seller/application').expect(200);
    expect(profile.text).toContain('Kênh nhận thông báo của cửa hàng');
    expect(profile.text).toContain('action="/seller/notifications"');
    const res = await seller.agent
      .post('/seller/notifications')
      .type('form')
      .send({ _csrf: csrfFrom(profile.text), notifyEmail: '1' })
      .expect(303);
    expect(res.headers.location).toBe('/seller/notifications?saved=1');
    expect(await choices(seller.userId)).toEqual({ email: true, zalo: false });
    const page = await seller.agent.get(res.headers.location).expect(200);
    expect(page.text).toContain('Đã lưu kênh nhận thông báo.');
    expect(checkbox(page.text, 'notifyZalo')?.[1]).toBeUndefined();
    const bad = await seller.agent
      .post('/seller/notifications')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), notifyZalo: 'true' });
    expect(bad.status).toBe(422);
    expect(await choices(seller.userId)).toEqual({ email: true, zalo: false });
  });

  it('a suspended cooperative cannot post its choices (the seller area is read-only), a buyer cannot reach the seller form', async () => {
    const suspended = await signInAsSeller(ctx.app, ctx.ds, { status: 'suspended' });
    const token = csrfFrom((await suspended.agent.get('/account')).text);
    expect((await suspended.agent.post('/seller/notifications').type('form').send({ _csrf: token })).status).toBe(403);
    expect(await choices(suspended.userId)).toEqual({ email: true, zalo: true });
    const buyer = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, buyer.email);
    const buyerToken = csrfFrom((await agent.get('/account')).text);
    expect((await agent.post('/seller/notifications').type('form').send({ _csrf: buyerToken })).status).toBe(403);
  });
});
