import { Writable } from 'node:stream';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfFrom, TEST_PASSWORD } from '../../helpers/auth';

/** The request log is read by more people than the store's admins: no session, key or signature in it. */

const BANK_SECRET = 'bank-feed-secret-for-the-log-test-7781';
const STRIPE_SIGNATURE = 't=1764230000,v1=5f1e0c2b9a7d4e3f8a6b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f';
const CSRF_HEADER = 'csrf-header-value-for-the-log-test-5521';

let logged = '';
let ctx: TestContext;
beforeAll(async () => {
  const logTo = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString('utf8');
      done();
    },
  });
  ctx = await createTestContext({
    logTo,
    env: { BANK_WEBHOOK_SECRET: BANK_SECRET, STRIPE_SECRET_KEY: 'sk_test_log_redaction', STRIPE_WEBHOOK_SECRET: 'whsec_log_redaction' },
  });
});
afterAll(() => ctx.close());

/** Every cookie value the store handed out, encoded as sent and decoded. */
function cookieValues(responses: request.Response[]): string[] {
  return responses
    .flatMap((res) => ([] as string[]).concat(res.headers['set-cookie'] ?? []))
    .map((cookie) => cookie.split(';')[0].split('=').slice(1).join('='))
    .filter((value) => value.length >= 16)
    .flatMap((value) => [value, decodeURIComponent(value)]);
}

describe('the request log', () => {
  it('holds the requests of a signed-in admin and two webhooks, without their cookies, keys or signatures', async () => {
    const admin = await createAccount(ctx.ds, { role: 'admin' });
    const agent = request.agent(ctx.app);
    const responses: request.Response[] = [];
    const keep = async (pending: Promise<request.Response>) => {
      const res = await pending;
      responses.push(res);
      return res;
    };
    const form = await keep(agent.get('/login'));
    const login = await keep(
      agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfFrom(form.text), email: admin.email, password: TEST_PASSWORD }),
    );
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/admin');
    for (const path of ['/admin', '/account', '/products', '/cart']) {
      const res = await keep(agent.get(path).set('X-CSRF-Token', CSRF_HEADER));
      expect(res.status).toBe(200);
    }
    const sessionId = /cho\.sid=s%3A([^.;]+)\./.exec(([] as string[]).concat(login.headers['set-cookie'] ?? []).join('\n'))?.[1];
    expect(sessionId).toMatch(/^[\w-]{20,}$/);
    const [{ n }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM sessions WHERE sid = $1 AND (sess->>'userId')::int = $2`, [sessionId, admin.id]);
    expect(n).toBe(1);

    const bank = await request(ctx.app).post('/webhooks/bank').set('Authorization', `Apikey ${BANK_SECRET}`).send({ id: 1 });
    expect(bank.status).toBe(400);
    const stripe = await request(ctx.app).post('/webhooks/stripe').set('content-type', 'application/json').set('stripe-signature', STRIPE_SIGNATURE).send('{}');
    expect(stripe.status).toBe(400);

    // The log is there, one JSON line per request, headers included…
    const lines = logged
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { req?: { url: string; headers: Record<string, string> }; res?: { headers: Record<string, string> } });
    const urls = lines.filter((l) => l.req && l.res).map((l) => l.req!.url);
    expect(urls).toEqual(expect.arrayContaining(['/login', '/admin', '/account', '/products', '/cart', '/webhooks/bank', '/webhooks/stripe']));
    const line = (url: string) => lines.find((l) => l.req?.url === url && l.res)!;
    expect(line('/account').req!.headers.host).toMatch(/^127\.0\.0\.1:\d+$/);
    // The rolling session's cookie went out with the page and was logged as such, masked.
    expect(line('/account').res!.headers['set-cookie']).toBe('[Redacted]');
    expect(line('/account').req!.headers).toMatchObject({ cookie: '[Redacted]', 'x-csrf-token': '[Redacted]' });
    expect(line('/webhooks/bank').req!.headers.authorization).toBe('[Redacted]');
    expect(line('/webhooks/stripe').req!.headers['stripe-signature']).toBe('[Redacted]');
    // …but none of what would let its reader act as someone.
    const secrets = [sessionId!, ...cookieValues(responses), BANK_SECRET, STRIPE_SIGNATURE, CSRF_HEADER];
    expect(secrets.length).toBeGreaterThan(6);
    for (const secret of secrets) expect({ secret, logged: logged.includes(secret) }).toEqual({ secret, logged: false });
    expect(logged).not.toMatch(/cho\.(sid|csrf|vid)=/);
  });
});
