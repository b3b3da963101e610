import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfFrom, signIn } from '../../helpers/auth';
import { activeContent, databaseDigest } from '../../helpers/security';

/** Headers on every answer, redirects that stay home, and a production error page that tells nothing. */

let dev: TestContext;
let prod: TestContext;
beforeAll(async () => {
  dev = await createTestContext();
  prod = await createTestContext({
    env: { NODE_ENV: 'production', SESSION_SECRET: 'a-long-production-secret-for-tests-0123456789', PUBLIC_URL: 'https://cho-ocop.example.vn' },
  });
});
afterAll(async () => {
  await dev?.close();
  await prod?.close();
});

const EVIL = [
  'https://evil.example',
  '//evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'https:evil.example',
  ' //evil.example',
  '/\t/evil.example',
  'data:text/html,<script>alert(1)</script>',
  'http://localhost.evil.example/',
];
const isLocal = (location: string) => location.startsWith('/') && !location.startsWith('//') && !location.startsWith('/\\') && !/[\t\r\n]/.test(location);

describe('security headers', () => {
  const paths = ['/', '/products', '/login', '/cart', '/healthz', '/api/v1/products', '/does-not-exist', '/css/app.css'];

  it('every answer: CSP with object-src none, frame-ancestors none, form-action to Stripe; nosniff; no X-Powered-By; no HSTS outside production', async () => {
    for (const path of paths) {
      const res = await request(dev.app).get(path);
      const csp = String(res.headers['content-security-policy']);
      expect({ path, csp: /(^|;)\s*object-src 'none'/.test(csp) && /(^|;)\s*frame-ancestors 'none'/.test(csp) }).toEqual({ path, csp: true });
      expect(csp).toMatch(/(^|;)\s*form-action 'self' https:\/\/checkout\.stripe\.com/);
      expect(csp).toMatch(/(^|;)\s*script-src 'self'(;|$)/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('in production: HSTS and upgrade-insecure-requests as well, cookies Secure', async () => {
    for (const path of paths) {
      const res = await request(prod.app).get(path);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
      expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
      expect(res.headers['content-security-policy']).toContain("object-src 'none'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    const login = await request(prod.app).get('/login');
    const cookies = (login.headers['set-cookie'] as unknown as string[]) ?? [];
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);
  });
});

describe('a production server error', () => {
  it('is a plain page: no stack, no message, no file names; the same error in development shows the stack', async () => {
    const before = await databaseDigest(prod.ds);
    const boom = () => new Error('boom: secret detail from /srv/app/server/modules/cart/cart.service.ts');
    const spy = jest.spyOn(prod.container.cart, 'view').mockRejectedValueOnce(boom());
    try {
      const res = await request(prod.app).get('/cart');
      expect(res.status).toBe(500);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(res.text).toContain('Đã có lỗi xảy ra');
      for (const leak of ['boom', 'secret detail', 'cart.service', '.ts:', 'node_modules', '    at ', 'Error:', 'stack']) expect(res.text).not.toContain(leak);
    } finally {
      spy.mockRestore();
    }
    // The JSON side (webhooks, API) says "internal" and nothing more.
    const hook = jest.spyOn(prod.container.paymentIntake, 'checkBankKey').mockImplementationOnce(() => {
      throw boom();
    });
    try {
      const res = await request(prod.app).post('/webhooks/bank').set('Authorization', 'Apikey x').send({ id: 1 });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: { code: 'internal' } });
    } finally {
      hook.mockRestore();
    }
    expect((await request(prod.app).get('/cart')).status).toBe(200);
    expect(await databaseDigest(prod.ds)).toEqual(before);

    const devSpy = jest.spyOn(dev.container.cart, 'view').mockRejectedValueOnce(boom());
    try {
      const res = await request(dev.app).get('/cart');
      expect(res.status).toBe(500);
      expect(res.text).toContain('secret detail');
    } finally {
      devSpy.mockRestore();
    }
  });
});

describe('redirects stay on this site', () => {
  it('/login?next= to another site or a javascript: URL goes home instead, before and after signing in', async () => {
    const account = await createAccount(dev.ds);
    for (const next of EVIL) {
      const agent = request.agent(dev.app);
      const page = await agent.get(`/login?next=${encodeURIComponent(next)}`);
      expect(page.status).toBe(200);
      // The form does not carry it on (the language link keeps the current path, and /lang checks it again).
      expect(page.text).toContain('<input type="hidden" name="next" value="">');
      expect(activeContent(page.text)).toEqual([]);
      const res = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: account.email, password: account.password, next });
      expect({ next, status: res.status }).toEqual({ next, status: 303 });
      expect({ next, location: res.headers.location }).toEqual({ next, location: '/account' });
      // Already signed in, the login page forwards — home, not away.
      const again = await agent.get(`/login?next=${encodeURIComponent(next)}`);
      expect(again.status).toBe(302);
      expect(isLocal(again.headers.location)).toBe(true);
    }
    const local = await signIn(dev.app, account.email);
    const res = await local.get(`/login?next=${encodeURIComponent('/orders?x=1')}`);
    expect(res.headers.location).toBe('/orders?x=1');
  });

  it('the language switch, the cart and admin list returns only go to local paths', async () => {
    for (const next of EVIL) {
      const res = await request(dev.app).get(`/lang/en?next=${encodeURIComponent(next)}`);
      expect({ next, location: res.headers.location }).toEqual({ next, location: '/' });
    }
    const product = await dev.factories.createProduct({ stock: 0 });
    const agent = request.agent(dev.app);
    const token = csrfFrom((await agent.get('/login')).text);
    // A sold-out product answers on the page the buyer came from: the Referer's path only, never its host.
    const res = await agent
      .post('/cart/items')
      .set('Referer', 'https://evil.example/phish')
      .type('form')
      .send({ _csrf: token, productId: String(product.id), quantity: '1' });
    expect(res.status).toBe(422);
    expect(res.text).not.toContain('evil.example');
  });

  it('no page offers a javascript: link: users never supply a URL, and a stored one stays text', async () => {
    const seller = await dev.factories.createSeller({ name: 'javascript:alert(document.cookie)' });
    const product = await dev.factories.createProduct({
      sellerId: seller.id,
      name: 'javascript:alert(1)',
      description: 'https://evil.example javascript:alert(2)',
    });
    for (const path of ['/', '/products', `/products/${product.slug}`, `/sellers/${seller.slug}`, '/products?q=javascript%3Aalert(1)']) {
      const res = await request(dev.app).get(path);
      expect(res.status).toBe(200);
      expect(activeContent(res.text)).toEqual([]);
      expect(res.text).not.toMatch(/href="https:\/\/evil\.example/);
    }
  });
});
