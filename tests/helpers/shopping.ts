import type request from 'supertest';
import type { TestContext } from './test-context';
import { agentWithSession, createAccount, signIn } from './auth';

/** Any argon2id hash: fast buyers never log in with a password. */
const FAST_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$0000000000000000000000000000000000000000000';

export const ADDRESS = {
  recipientName: 'Nguyễn Thị Mai',
  phone: '0912 345 678',
  province: 'Lào Cai',
  commune: 'Phường Sa Pa',
  street: 'Số 5 đường Cầu Mây',
  paymentMethod: 'vietqr',
};

/** Any page's form token: the cart page has one once it holds lines, the login page always (for guests). */
export async function pageToken(agent: request.Agent): Promise<string> {
  for (const path of ['/cart', '/login', '/account']) {
    const match = /name="_csrf" value="([^"]+)"/.exec((await agent.get(path)).text);
    if (match) return match[1];
  }
  throw new Error('no page with a form token');
}

export async function addToCart(agent: request.Agent, productId: number, quantity: number): Promise<request.Response> {
  const token = await pageToken(agent);
  return agent
    .post('/cart/items')
    .type('form')
    .send({ _csrf: token, productId: String(productId), quantity: String(quantity) });
}

/**
 * A signed-in buyer whose cart holds these lines. `fast` skips the login form (and its deliberate
 * argon2 cost) by writing the session directly: for tests that need hundreds of buyers.
 */
export async function buyerWithCart(
  ctx: TestContext,
  lines: { productId: number; quantity: number }[],
  options: { fast?: boolean } = {},
): Promise<{ agent: request.Agent; userId: number; email: string }> {
  const account = await createAccount(ctx.ds, { role: 'buyer', fullName: 'Người mua thử', passwordHash: options.fast ? FAST_HASH : undefined });
  const agent = options.fast ? await agentWithSession(ctx.app, ctx.ds, account.id, ctx.config.sessionSecret) : await signIn(ctx.app, account.email);
  for (const line of lines) {
    const res = await addToCart(agent, line.productId, line.quantity);
    if (res.status !== 303) throw new Error(`add to cart failed: ${res.status}`);
  }
  return { agent, userId: account.id, email: account.email };
}

/** Opens /checkout (for its token) and posts the form; returns the answer. */
export async function checkout(agent: request.Agent, overrides: Record<string, string> = {}): Promise<request.Response> {
  const token = await pageToken(agent);
  return agent
    .post('/checkout')
    .type('form')
    .send({ _csrf: token, ...ADDRESS, ...overrides });
}

export function orderCodeFrom(res: request.Response): string {
  const match = /^\/orders\/(OCP-[A-Z0-9]{6})(\/pay)?$/.exec(res.headers.location ?? '');
  if (!match) throw new Error(`no order code in ${res.status} ${res.headers.location}`);
  return match[1];
}
