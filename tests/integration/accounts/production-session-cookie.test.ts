import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfFrom, TEST_PASSWORD } from '../../helpers/auth';
import { ProxiedBrowser } from '../../helpers/behind-proxy';

/**
 * In production the session cookie is `__Host-`: browsers then take it only with Secure and Path=/
 * and no Domain, so neither a subdomain nor a plain-http page can set or shadow it.
 */

let prod: TestContext;
beforeAll(async () => {
  prod = await createTestContext({
    env: { NODE_ENV: 'production', SESSION_SECRET: 'a-long-production-secret-for-tests-0123456789', PUBLIC_URL: 'https://cho-ocop.example.vn' },
  });
});
afterAll(() => prod?.close());

const sessionCookies = (browser: ProxiedBrowser, name: string) => browser.setCookies.filter((c) => c.startsWith(`${name}=`));

describe('the production session cookie', () => {
  it('is __Host-cho.sid, Secure, HttpOnly, Path=/ and without Domain; catalogue pages know the visitor by it; sign-out clears it', async () => {
    const account = await createAccount(prod.ds, { fullName: 'Vàng Thị Dua' });
    const browser = new ProxiedBrowser(prod.app);
    const form = await browser.get('/login');
    const login = await browser.post('/login', { _csrf: csrfFrom(form.text), email: account.email, password: TEST_PASSWORD });
    expect(login.status).toBe(303);

    const [cookie, ...more] = sessionCookies(browser, '__Host-cho.sid');
    expect(more).toEqual([]);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).not.toMatch(/;\s*Domain=/i);
    expect(browser.setCookies.filter((c) => /^cho\.sid=/.test(c))).toEqual([]);
    const sid = decodeURIComponent(browser.cookies.get('__Host-cho.sid')!).slice(2).split('.')[0];
    const [{ n }] = await prod.ds.query(`SELECT count(*)::int AS n FROM sessions WHERE sid = $1 AND (sess->>'userId')::int = $2`, [sid, account.id]);
    expect(n).toBe(1);

    // A catalogue page is served without the session stack only to visitors without this cookie.
    const products = await browser.get('/products');
    expect(products.status).toBe(200);
    expect(products.text).toContain('<a href="/account">Vàng Thị Dua</a>');
    expect(products.text).not.toContain('<a href="/login">Đăng nhập</a>');
    expect((await browser.get('/account')).text).toContain(account.email);

    const logout = await browser.post('/logout', { _csrf: csrfFrom(products.text) });
    expect(logout.status).toBe(303);
    const cleared = sessionCookies(browser, '__Host-cho.sid').at(-1)!;
    expect(cleared).toMatch(/^__Host-cho\.sid=;/);
    expect(cleared).toMatch(/;\s*Expires=Thu, 01 Jan 1970/i);
    expect(cleared).toMatch(/;\s*Secure/i);
    expect(cleared).toMatch(/;\s*Path=\/(;|$)/i);
    expect(browser.cookies.has('__Host-cho.sid')).toBe(false);
    const [{ left }] = await prod.ds.query(`SELECT count(*)::int AS left FROM sessions WHERE sid = $1`, [sid]);
    expect(left).toBe(0);
    expect((await browser.get('/products')).text).toContain('<a href="/login">Đăng nhập</a>');
  });
});
