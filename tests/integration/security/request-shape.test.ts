import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { png } from '../../helpers/images';
import { databaseDigest } from '../../helpers/security';
import { ADDRESS, buyerWithCart, pageToken } from '../../helpers/shopping';

/** Operator-looking keys, prototype keys, bodies too big, multipart bodies cut short, paths that climb out. */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: 'bank-secret-xyz' } });
});
afterAll(() => ctx.close());

const prototypeIsClean = () => {
  expect(({} as Record<string, unknown>).x).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
};

function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

describe('operator and prototype keys', () => {
  it('in query strings: pages and the JSON API answer as if the odd keys were not there', async () => {
    await ctx.factories.createProduct({ name: 'Mật ong bạc hà', priceVnd: 180_000 });
    const plain = await request(ctx.app).get('/api/v1/products').expect(200);
    for (const query of [
      'price[$gt]=0',
      'minPrice[$gt]=0',
      'q[$ne]=x',
      'a[__proto__][x]=1',
      '__proto__[x]=1',
      '__proto__.x=1',
      'constructor[prototype][x]=1',
      'q=a&q=b',
      'sort[]=price_asc',
      'page[$gt]=1',
      'category=__proto__',
      'sort=constructor',
    ]) {
      const api = await request(ctx.app).get(`/api/v1/products?${query}`);
      expect([200, 400]).toContain(api.status);
      if (api.status === 200 && !/^(q=|sort|page|category|minPrice)/.test(query)) expect(api.body.total).toBe(plain.body.total);
      for (const page of ['/products', '/', '/admin/orders', '/seller/orders', '/lang/en']) {
        expect((await request(ctx.app).get(`${page}?${query}`)).status).toBeLessThan(500);
      }
    }
    prototypeIsClean();
  });

  it('in form bodies: refused as unknown fields, nothing written', async () => {
    const product = await ctx.factories.createProduct({ stock: 5 });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }]);
    const token = await pageToken(buyer.agent);
    const before = await databaseDigest(ctx.ds);
    // (A bare `__proto__=x` never arrives: the body parser drops that key.)
    for (const extra of [
      'a[__proto__][x]=1',
      '__proto__[x]=1',
      'constructor[prototype][x]=1',
      'email[$gt]=',
      'quantity[$gt]=0',
      'toString=1',
      'hasOwnProperty=1',
    ]) {
      const form = (fields: Record<string, string>) => `${new URLSearchParams({ _csrf: token, ...fields })}&${extra}`;
      expect(
        (
          await buyer.agent
            .post('/cart/items')
            .type('form')
            .send(form({ productId: String(product.id), quantity: '1' }))
        ).status,
      ).toBe(422);
      expect(
        (
          await buyer.agent
            .post(`/cart/items/${product.id}`)
            .type('form')
            .send(form({ quantity: '3' }))
        ).status,
      ).toBe(422);
      expect((await buyer.agent.post('/checkout').type('form').send(form(ADDRESS))).status).toBe(422);
      const login = request.agent(ctx.app);
      const loginToken = csrfFrom((await login.get('/login')).text);
      expect(
        (
          await login
            .post('/login')
            .type('form')
            .send(`${new URLSearchParams({ _csrf: loginToken, email: 'a@b.vn', password: 'x' })}&${extra}`)
        ).status,
      ).toBe(422);
    }
    // JSON is not a form: the body is not parsed, so the CSRF token is missing.
    expect((await buyer.agent.post('/cart/items').send({ _csrf: token, productId: product.id, quantity: { $gt: 0 }, __proto__: { x: 1 } })).status).toBe(403);
    expect(await databaseDigest(ctx.ds)).toEqual(before);
    prototypeIsClean();
  });

  it('in a webhook JSON body: answered 400 or 401, nothing recorded', async () => {
    const before = await databaseDigest(ctx.ds);
    const bodies = [
      '{"__proto__":{"x":1},"id":1}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"id":{"$gt":0},"transferType":"in","transferAmount":1,"accountNumber":"1","content":"OCP-AAAAAA"}',
      '{"id":1,"transferType":"in","transferAmount":{"$gt":0},"accountNumber":"1"}',
      '[1,2,3]',
      '"just a string"',
      '{"id":1,',
    ];
    for (const body of bodies) {
      for (const key of ['bank-secret-xyz', 'wrong']) {
        const res = await request(ctx.app).post('/webhooks/bank').set('Authorization', `Apikey ${key}`).set('Content-Type', 'application/json').send(body);
        expect([400, 401]).toContain(res.status);
      }
    }
    expect(await databaseDigest(ctx.ds)).toEqual(before);
    prototypeIsClean();
  });
});

describe('sizes and shapes', () => {
  it('bodies over the limit get 413, on forms and webhooks alike, and change nothing', async () => {
    const product = await ctx.factories.createProduct({ stock: 5 });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }]);
    const token = await pageToken(buyer.agent);
    const before = await databaseDigest(ctx.ds);
    const big = 'x'.repeat(150 * 1024);
    expect((await request(ctx.app).post('/login').type('form').send(`email=a%40b.vn&password=${big}`)).status).toBe(413);
    expect(
      (
        await buyer.agent
          .post('/checkout')
          .type('form')
          .send({ _csrf: token, ...ADDRESS, note: big })
      ).status,
    ).toBe(413);
    // Too many fields is refused the same way.
    expect(
      (
        await buyer.agent
          .post('/checkout')
          .type('form')
          .send(Array.from({ length: 500 }, (_, i) => `f${i}=1`).join('&'))
      ).status,
    ).toBe(413);
    expect(
      (
        await request(ctx.app)
          .post('/webhooks/bank')
          .set('Authorization', 'Apikey bank-secret-xyz')
          .set('Content-Type', 'application/json')
          .send(`{"content":"${'x'.repeat(70 * 1024)}"}`)
      ).status,
    ).toBe(413);
    expect(
      (
        await request(ctx.app)
          .post('/webhooks/stripe')
          .set('Content-Type', 'application/json')
          .send(`{"a":"${'x'.repeat(600 * 1024)}"}`)
      ).status,
    ).toBe(413);
    expect(await databaseDigest(ctx.ds)).toEqual(before);
    expect((await request(ctx.app).get('/healthz')).status).toBe(200);
  });

  it('truncated, malformed and oversized multipart bodies: 400 or 413, nothing stored, the process stays up', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, status: 'draft' });
    const url = `/seller/products/${product.id}/images`;
    const token = csrfFrom((await seller.agent.get(`/seller/products/${product.id}`)).text);
    const before = await databaseDigest(ctx.ds);
    const filesBefore = filesIn(ctx.mediaDir);
    const part = (name: string, body: string, filename?: string) =>
      `--B\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"\r\nContent-Type: image/png` : ''}\r\n\r\n${body}\r\n`;
    const cases: [string, string, number[]][] = [
      [
        'truncated inside a file',
        `${part('_csrf', token)}--B\r\nContent-Disposition: form-data; name="images"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n`,
        [400],
      ],
      ['no closing boundary', `${part('_csrf', token)}${part('images', '\x89PNG', 'a.png')}`, [400]],
      ['garbage', 'this is not multipart at all', [400]],
      ['headers without a blank line', `--B\r\nContent-Disposition: form-data; name="_csrf"`, [400]],
      ['an unknown file field', `${part('_csrf', token)}${part('avatar', 'x', 'a.png')}--B--\r\n`, [400, 422]],
      ['too many fields', `${Array.from({ length: 30 }, (_, i) => part(`f${i}`, 'x')).join('')}--B--\r\n`, [400, 403, 413]],
    ];
    for (const [label, body, statuses] of cases) {
      const res = await seller.agent.post(url).set('Content-Type', 'multipart/form-data; boundary=B').send(body);
      expect({ label, status: statuses.includes(res.status) ? 'ok' : res.status }).toEqual({ label, status: 'ok' });
    }
    // No boundary at all in the header.
    expect((await seller.agent.post(url).set('Content-Type', 'multipart/form-data').send('x')).status).toBe(400);
    // A file over the size limit.
    const huge = Buffer.alloc(11 * 1024 * 1024, 1);
    expect((await seller.agent.post(url).field('_csrf', token).attach('images', huge, 'huge.png')).status).toBe(413);
    expect(await databaseDigest(ctx.ds)).toEqual(before);
    expect(filesIn(ctx.mediaDir)).toEqual(filesBefore);
    expect((await request(ctx.app).get('/healthz')).status).toBe(200);
  });

  it('an upload named with ../ is stored under a name the server chose, inside the media folder', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, status: 'draft' });
    const token = csrfFrom((await seller.agent.get(`/seller/products/${product.id}`)).text);
    const outside = path.dirname(ctx.mediaDir);
    // Other test files create and remove their own cho-ocop-* folders here in parallel: leave those out.
    const listOutside = () =>
      fs
        .readdirSync(outside)
        .filter((f) => !f.startsWith('cho-ocop-'))
        .sort();
    const outsideBefore = listOutside();
    for (const name of ['../../../evil.png', '..\\..\\evil.png', '/etc/cron.d/evil.png', 'a\u0000.png', '%2e%2e%2fevil.png']) {
      const res = await seller.agent
        .post(`/seller/products/${product.id}/images`)
        .field('_csrf', token)
        .attach('images', await png(120, 120), name);
      expect([303, 400]).toContain(res.status);
    }
    const keys = (await ctx.ds.query(`SELECT storage_key FROM product_images WHERE product_id = $1`, [product.id])).map(
      (r: { storage_key: string }) => r.storage_key,
    );
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^[a-z0-9][a-z0-9/_-]*$/);
    for (const file of filesIn(ctx.mediaDir)) expect(path.resolve(file).startsWith(path.resolve(ctx.mediaDir) + path.sep)).toBe(true);
    expect(filesIn(ctx.mediaDir).some((f) => /evil/.test(f))).toBe(false);
    expect(listOutside()).toEqual(outsideBefore);
  });

  it('/media serves nothing outside the media folder, however the path is spelled', async () => {
    // A file right next to the media folder, and the project's own files further up.
    const secret = path.join(path.dirname(ctx.mediaDir), `secret-${path.basename(ctx.mediaDir)}.txt`);
    fs.writeFileSync(secret, 'TOP-SECRET-NEXT-TO-MEDIA');
    try {
      const name = path.basename(secret);
      const attempts = [
        `/media/../${name}`,
        `/media/..%2f${name}`,
        `/media/..%2F${name}`,
        `/media/%2e%2e/${name}`,
        `/media/%2e%2e%2f${name}`,
        `/media/..%5c${name}`,
        `/media/..\\${name}`,
        `/media/%252e%252e%252f${name}`,
        `/media/....//${name}`,
        `/media/.%2e/${name}`,
        '/media/../../package.json',
        '/media/..%2f..%2fpackage.json',
        '/media/%2e%2e/%2e%2e/package.json',
        '/media//etc/passwd',
        '/media/%2fetc%2fpasswd',
        '/media/..%00/package.json',
        '/media/..%c0%af..%c0%afpackage.json',
        '/media/products/../../../package.json',
      ];
      for (const attempt of attempts) {
        const res = await request(ctx.app).get(attempt);
        expect({ attempt, status: [400, 403, 404].includes(res.status) ? 'refused' : res.status }).toEqual({ attempt, status: 'refused' });
        expect(res.text ?? '').not.toContain('TOP-SECRET');
        expect(res.text ?? '').not.toContain('"name": "cho-ocop"');
        expect(res.text ?? '').not.toContain('root:x:0');
      }
    } finally {
      fs.rmSync(secret, { force: true });
    }
  });
});
