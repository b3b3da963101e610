import fc from 'fast-check';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { ADDRESS, addToCart, buyerWithCart, pageToken } from '../../helpers/shopping';

/**
 * Property: whatever a client posts into a form — unicode and control characters, huge or odd
 * numbers, a field repeated (an array), a field missing, an unknown field — the store answers
 * with something other than a 5xx. Each form gets a mix of wholly random bodies and valid bodies
 * with one or two fields replaced (those reach the services and the database).
 */

let ctx: TestContext;
let tried = 0;
const statuses = new Map<number, number>();
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  console.log(`fuzz: ${tried} random form inputs tried, answers by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  await ctx.close();
});

const NASTY = [
  '',
  ' ',
  '0',
  '-0',
  '-1',
  '1',
  '1.5',
  '1,5',
  '1e9',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '0x10',
  '0b1',
  '00000000001',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '99999999999',
  '9'.repeat(40),
  '1.000.000',
  '125.000 ₫',
  'x',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  "'; DROP TABLE orders; --",
  '%00',
  '%',
  '\u0000',
  'a\u0000b',
  '\u0001\u0002\u0003\u001f\u007f',
  '\t\r\n',
  '\u202eevil',
  '\ufeff',
  '\u200b',
  '\ud800',
  '\udfff\ud800',
  'Ａ１',
  '٣',
  '𝟗𝟗',
  '😀'.repeat(300),
  'ệ'.repeat(1000),
  'a'.repeat(5001),
  ' '.repeat(300),
  'Phường Sa Pa',
  'Lào Cai',
  'Thành phố Hà Nội',
  'vietqr',
  'stripe',
  'restock',
  'damage',
  'stocktake',
  'other',
  'htx',
  'I.2.b',
  '0912345678',
  '+84912345678',
  'a@b.vn',
  'mai@example.vn',
  'Ruong-bac-thang-2026',
  '2025-02-30',
  '2025-01-01',
  '0000-00-00',
];

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 190, maxLength: 6000 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map(String) },
);
/** undefined = the field is missing; an array = the field repeated (?a=1&a=2). */
const fieldValue = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.array(text, { minLength: 2, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const EXTRA_KEYS = [
  'role',
  'status',
  'priceVnd',
  'userId',
  'sellerId',
  '__proto__',
  'constructor',
  'a[__proto__][x]',
  '__proto__[x]',
  'constructor[prototype][x]',
  'x'.repeat(300),
  '',
];

type Pairs = [string, string | string[] | undefined][];

/** Wholly random values for these fields, or a valid body with one or two replaced; sometimes an extra field. */
function bodies(fields: string[], valid: () => Record<string, string>): fc.Arbitrary<Pairs> {
  const random = fc.tuple(...fields.map(() => fieldValue)).map((values) => fields.map((f, i) => [f, values[i]] as Pairs[number]));
  const nearlyValid = fc
    .tuple(fc.subarray(fields, { minLength: 1, maxLength: Math.min(2, fields.length) }), fc.array(fieldValue, { minLength: 2, maxLength: 2 }))
    .map(([replaced, values]) => {
      const base = valid();
      return fields.map((f) => [f, replaced.includes(f) ? values[replaced.indexOf(f)] : base[f]] as Pairs[number]);
    });
  return fc
    .tuple(fc.oneof(random, nearlyValid), fc.option(fc.tuple(fc.constantFrom(...EXTRA_KEYS), text), { freq: 5 }))
    .map(([pairs, extra]) => (extra ? [...pairs, extra] : pairs));
}

function encode(pairs: Pairs, csrf: string): string {
  const params = new URLSearchParams();
  params.append('_csrf', csrf);
  for (const [key, value] of pairs) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  }
  return params.toString();
}

interface Target {
  name: string;
  runs: number;
  path: () => string;
  fields: string[];
  valid: () => Record<string, string>;
  /** The agent to post with, and its form token (a fresh guest when the last post signed it in). */
  session: () => Promise<{ agent: request.Agent; csrf: string }>;
  /** After a success (303) that used up what the form needs, put it back. */
  afterSuccess?: () => Promise<void>;
}

async function fuzz(target: Target): Promise<void> {
  let current = await target.session();
  let ip = 0;
  await fc.assert(
    fc.asyncProperty(bodies(target.fields, target.valid), async (pairs) => {
      tried++;
      // Spread over addresses (the app trusts X-Forwarded-For from loopback) so the login throttle does not answer everything.
      const res = await current.agent
        .post(target.path())
        .set('X-Forwarded-For', `10.9.${(ip >> 8) & 255}.${ip++ & 255}`)
        .type('form')
        .send(encode(pairs, current.csrf));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) throw new Error(`${target.name}: ${res.status} for ${JSON.stringify(pairs)}\n${res.text.slice(0, 2000)}`);
      if (res.status === 303) {
        current = await target.session();
        await target.afterSuccess?.();
      }
    }),
    // Each form gets at most `runs` inputs and at most 5 s, so the whole file stays within about a minute.
    { numRuns: target.runs, interruptAfterTimeLimit: 5_000, markInterruptAsFailure: false, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
  );
}

async function guest(path: string): Promise<{ agent: request.Agent; csrf: string }> {
  const agent = request.agent(ctx.app);
  return { agent, csrf: csrfFrom((await agent.get(path)).text) };
}

describe('random form input never causes a server error', () => {
  const unique = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`;

  it('public forms: register, login, cooperative application', async () => {
    await fuzz({
      name: 'register',
      runs: 400,
      path: () => '/register',
      fields: ['fullName', 'email', 'password', 'phone'],
      valid: () => ({ fullName: 'Lò Thị Hoa', email: `fz${unique()}@example.vn`, password: 'Ruong-bac-thang-2026', phone: '0912345678' }),
      session: () => guest('/register'),
    });
    await fuzz({
      name: 'login',
      runs: 150,
      path: () => '/login',
      fields: ['email', 'password', 'next'],
      valid: () => ({ email: 'nobody@example.vn', password: 'Ruong-bac-thang-2026', next: '/account' }),
      session: () => guest('/login'),
    });
    await fuzz({
      name: 'sellers/apply',
      runs: 400,
      path: () => '/sellers/apply',
      fields: [
        'fullName',
        'email',
        'password',
        'phone',
        'cooperativeName',
        'type',
        'commune',
        'address',
        'description',
        'taxCode',
        'bankBin',
        'bankAccountNo',
        'bankAccountName',
      ],
      valid: () => ({
        fullName: 'Giàng A Páo',
        email: `ap${unique()}@example.vn`,
        password: 'Ruong-bac-thang-2026',
        phone: '0987654321',
        cooperativeName: `HTX Fuzz ${unique()}`,
        type: 'htx',
        commune: 'Phường Sa Pa',
        address: 'Thôn 2',
        description: 'Chè Shan tuyết',
        taxCode: '5300123456',
        bankBin: '970405',
        bankAccountNo: '1234567890',
        bankAccountName: 'HTX FUZZ',
      }),
      session: () => guest('/sellers/apply'),
    });
  }, 120_000);

  it('buyer forms: cart add, cart update, checkout', async () => {
    const product = await ctx.factories.createProduct({ stock: 1_000_000, priceVnd: 50_000 });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }]);
    const refill = async () => {
      if (
        ((await ctx.ds.query(`SELECT count(*)::int AS n FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE c.user_id = $1`, [buyer.userId]))[0]
          .n as number) === 0
      ) {
        await addToCart(buyer.agent, product.id, 1);
      }
    };
    const buyerSession = async () => {
      await refill();
      return { agent: buyer.agent, csrf: await pageToken(buyer.agent) };
    };
    await fuzz({
      name: 'cart add',
      runs: 400,
      path: () => '/cart/items',
      fields: ['productId', 'quantity'],
      valid: () => ({ productId: String(product.id), quantity: '1' }),
      session: buyerSession,
    });
    await fuzz({
      name: 'cart update',
      runs: 400,
      path: () => `/cart/items/${product.id}`,
      fields: ['quantity'],
      valid: () => ({ quantity: '2' }),
      session: buyerSession,
    });
    await fuzz({
      name: 'cart update (random product in the path)',
      runs: 80,
      // Lone surrogates cannot be percent-encoded; a browser would send U+FFFD.
      path: () => `/cart/items/${encodeURIComponent(fc.sample(text, 1)[0].replace(/[\ud800-\udfff]/g, '\ufffd') || 'x')}`,
      fields: ['quantity'],
      valid: () => ({ quantity: '1' }),
      session: buyerSession,
    });
    await fuzz({
      name: 'checkout',
      runs: 400,
      path: () => '/checkout',
      fields: ['recipientName', 'phone', 'province', 'commune', 'street', 'note', 'paymentMethod'],
      valid: () => ({ ...ADDRESS, note: 'Giao giờ hành chính' }),
      session: buyerSession,
      afterSuccess: refill,
    });
  }, 120_000);

  it('seller forms: new product, edit product, stock, shipping', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 500_000, status: 'draft' });
    const [{ id: categoryId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.2.b'`);
    const csrf = csrfFrom((await seller.agent.get('/seller/products/new')).text);
    const sellerSession = async () => ({ agent: seller.agent, csrf });
    const version = async () => String((await ctx.ds.query(`SELECT version FROM products WHERE id = $1`, [product.id]))[0].version);
    let currentVersion = await version();
    const productFields = {
      name: 'Chè Shan tuyết',
      categoryId: String(categoryId),
      description: 'Búp chè cổ thụ',
      priceVnd: '125.000',
      unit: 'hộp 200g',
      lowStockThreshold: '5',
      ocopStars: '4',
      ocopCertificateNo: 'QĐ 123/2024',
      ocopDecisionDate: '2024-05-10',
    };
    await fuzz({
      name: 'new product',
      runs: 400,
      path: () => '/seller/products/new',
      fields: [...Object.keys(productFields), 'stock', 'weightGrams'],
      valid: () => ({ ...productFields, stock: '10', weightGrams: '500' }),
      session: sellerSession,
    });
    await fuzz({
      name: 'edit product',
      runs: 400,
      path: () => `/seller/products/${product.id}/edit`,
      fields: [...Object.keys(productFields), 'version'],
      valid: () => ({ ...productFields, version: currentVersion }),
      session: sellerSession,
      afterSuccess: async () => {
        currentVersion = await version();
      },
    });
    await fuzz({
      name: 'stock',
      runs: 400,
      path: () => `/seller/products/${product.id}/stock`,
      fields: ['delta', 'reason', 'note'],
      valid: () => ({ delta: '-1', reason: 'other', note: 'Kiểm kê' }),
      session: sellerSession,
    });
    await fuzz({
      name: 'shipping',
      runs: 400,
      path: () => '/seller/shipping',
      fields: ['shippingFeeVnd', 'freeShippingThresholdVnd'],
      valid: () => ({ shippingFeeVnd: '30.000', freeShippingThresholdVnd: '500000' }),
      session: sellerSession,
    });
    // Whatever was accepted, stock never went below zero and the ledger still adds up.
    const [check] = await ctx.ds.query(
      `SELECT p.stock, (SELECT coalesce(sum(delta), 0)::int FROM stock_movements WHERE product_id = p.id) AS ledger FROM products p WHERE p.id = $1`,
      [product.id],
    );
    expect(check.stock).toBeGreaterThanOrEqual(0);
    expect(check.stock).toBe(check.ledger);
  }, 120_000);

  it('the process is still healthy and Object.prototype untouched', async () => {
    expect((await request(ctx.app).get('/healthz')).status).toBe(200);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
