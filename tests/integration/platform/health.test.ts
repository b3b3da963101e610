import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('health', () => {
  it('answers /healthz without touching the database', async () => {
    const res = await request(ctx.app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /readyz once the database answers', async () => {
    const res = await request(ctx.app).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', database: 'ok' });
  });

  it('sends security headers and hides the framework', async () => {
    const res = await request(ctx.app).get('/');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("object-src 'none'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).toContain('form-action');
  });

  it('reports 503 on /readyz when the database is gone', async () => {
    await ctx.ds.destroy();
    const res = await request(ctx.app).get('/readyz').expect(503);
    expect(res.body.database).toBe('down');
  });
});
